# C versions of deskflow/_native.py's helpers, inlined where sla.py calls them
# (sla.pxd cimports this module under the name sla.py imports it by).
# _native.py itself is never compiled.
from cpython.datetime cimport timedelta_new, datetime_new, import_datetime, PyDateTimeAPI
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    PyObject *PyBaseObject_Type_tp_new "PyBaseObject_Type.tp_new"  # unused

cdef inline object micros(long long n):
    cdef long long seconds, days
    if PyDateTimeAPI is NULL:
        import_datetime()
    seconds = n // 1000000   # floor division: Python semantics (cdivision off)
    days = seconds // 86400
    return timedelta_new(<int>days, <int>(seconds - days * 86400), <int>(n - seconds * 1000000))

cdef inline object datetime_at(long long u, object tz):
    # what datetime.fromtimestamp(seconds, tz) does, microseconds included:
    # the UTC fields (days -> civil date, H. Hinnant's algorithm) under tz,
    # then tz.fromutc (which sets the wall time and fold)
    cdef long long seconds = u // 1000000   # floor division (cdivision off)
    cdef int micros = <int>(u - seconds * 1000000)
    cdef long long days = seconds // 86400
    cdef int sod = <int>(seconds - days * 86400)
    cdef long long z = days + 719468
    cdef long long era = z // 146097
    cdef long long doe = z - era * 146097
    cdef long long yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    cdef long long y = yoe + era * 400
    cdef long long doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    cdef long long mp = (5 * doy + 2) // 153
    cdef int d = <int>(doy - (153 * mp + 2) // 5 + 1)
    cdef int m = <int>(mp + 3 if mp < 10 else mp - 9)
    if m <= 2:
        y += 1
    if PyDateTimeAPI is NULL:
        import_datetime()
    return tz.fromutc(datetime_new(<int>y, m, d, sod // 3600, sod % 3600 // 60, sod % 60, micros, tz))

cdef inline tuple slot_setters(type cls, tuple names):
    # the byte offsets of the slots, checked to be plain object slots
    import types
    cdef list out = []
    for name in names:
        d = cls.__dict__[name]
        if type(d) is not types.MemberDescriptorType or (<PyMemberDescrObject*>d).d_member.type != 16:  # T_OBJECT_EX
            raise TypeError(f"{cls.__name__}.{name} is not a plain slot")
        out.append((<PyMemberDescrObject*>d).d_member.offset)
    return tuple(out)

cdef inline void _put(object obj, object offset, object value) noexcept:
    cdef PyObject **slot = <PyObject**>((<char*><PyObject*>obj) + <Py_ssize_t>offset)
    cdef PyObject *old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject*>value
    Py_XDECREF(old)

cdef inline object new4(type cls, tuple setters, object a0, object a1, object a2, object a3):
    obj = object.__new__(cls)
    _put(obj, setters[0], a0)
    _put(obj, setters[1], a1)
    _put(obj, setters[2], a2)
    _put(obj, setters[3], a3)
    return obj

cdef inline object new5(type cls, tuple setters, object a0, object a1, object a2, object a3, object a4):
    obj = object.__new__(cls)
    _put(obj, setters[0], a0)
    _put(obj, setters[1], a1)
    _put(obj, setters[2], a2)
    _put(obj, setters[3], a3)
    _put(obj, setters[4], a4)
    return obj

cdef inline object new13(type cls, tuple setters, object a0, object a1, object a2, object a3, object a4, object a5, object a6, object a7, object a8, object a9, object a10, object a11, object a12):
    obj = object.__new__(cls)
    _put(obj, setters[0], a0)
    _put(obj, setters[1], a1)
    _put(obj, setters[2], a2)
    _put(obj, setters[3], a3)
    _put(obj, setters[4], a4)
    _put(obj, setters[5], a5)
    _put(obj, setters[6], a6)
    _put(obj, setters[7], a7)
    _put(obj, setters[8], a8)
    _put(obj, setters[9], a9)
    _put(obj, setters[10], a10)
    _put(obj, setters[11], a11)
    _put(obj, setters[12], a12)
    return obj

cdef inline object new17(type cls, tuple setters, object a0, object a1, object a2, object a3, object a4, object a5, object a6, object a7, object a8, object a9, object a10, object a11, object a12, object a13, object a14, object a15, object a16):
    obj = object.__new__(cls)
    _put(obj, setters[0], a0)
    _put(obj, setters[1], a1)
    _put(obj, setters[2], a2)
    _put(obj, setters[3], a3)
    _put(obj, setters[4], a4)
    _put(obj, setters[5], a5)
    _put(obj, setters[6], a6)
    _put(obj, setters[7], a7)
    _put(obj, setters[8], a8)
    _put(obj, setters[9], a9)
    _put(obj, setters[10], a10)
    _put(obj, setters[11], a11)
    _put(obj, setters[12], a12)
    _put(obj, setters[13], a13)
    _put(obj, setters[14], a14)
    _put(obj, setters[15], a15)
    _put(obj, setters[16], a16)
    return obj

