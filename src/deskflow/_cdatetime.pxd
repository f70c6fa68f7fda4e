# Declarations only (no .py, no module): timedelta's fields under their
# Python names. Cython's own cpython/datetime.pxd names them day, second and
# microsecond, so ``delta.days`` on its typed timedelta is a generic getattr.
from cpython.datetime cimport (
    PyDateTime_DELTA_GET_DAYS, PyDateTime_DELTA_GET_SECONDS,
    PyDateTime_DELTA_GET_MICROSECONDS,
)

cdef extern from "datetime.h":
    ctypedef class datetime.timedelta [object PyDateTime_Delta]:
        @property
        cdef inline int days(self) noexcept:
            return PyDateTime_DELTA_GET_DAYS(self)

        @property
        cdef inline int seconds(self) noexcept:
            return PyDateTime_DELTA_GET_SECONDS(self)

        @property
        cdef inline int microseconds(self) noexcept:
            return PyDateTime_DELTA_GET_MICROSECONDS(self)
