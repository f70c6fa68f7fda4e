# Augments calendars.py when Cython compiles it (calendars.py stays pure Python).
# Types the tables and ruler that deskflow.sla.evaluate reads in its hot path.
cimport cython

cdef long long _SECOND, _DAY, _WEEK, _SHIFT

cdef class _Tables:
    cdef public list clock_end, clock_start, entry_end, entry_intervals, entry_start
    cdef public list offset_after, shift_after, shifted_offset, wall_end, wall_start
    cdef public list t_cum_before, t_cum_end, t_ends, t_starts
    cdef public dict days
    cdef public long long week_open
    cdef public object year_high, year_low

    @cython.locals(j=Py_ssize_t, i=Py_ssize_t, clock=cython.longlong, s=cython.longlong,
                   e=cython.longlong, weeks=cython.longlong, pos=cython.longlong,
                   end=cython.longlong, shifted=cython.longlong, shift=cython.longlong,
                   cum=cython.longlong, start=cython.longlong,
                   entry_start=list, t_starts=list)
    cpdef object clock_at(self, long long u)

    @cython.locals(j=Py_ssize_t, i=Py_ssize_t, k=Py_ssize_t, clock=cython.longlong,
                   s=cython.longlong, e=cython.longlong, weeks=cython.longlong,
                   pos=cython.longlong, inner=cython.longlong, target=cython.longlong,
                   rest=cython.longlong, entry_start=list, t_starts=list)
    cpdef object add(self, long long u, long long d)

    @cython.locals(i=Py_ssize_t, k=Py_ssize_t, start=cython.longlong, rest=cython.longlong,
                   s=cython.longlong, e=cython.longlong, weeks=cython.longlong,
                   shift=cython.longlong, cum=cython.longlong, offset=cython.longlong,
                   clock_end=list)
    cpdef object first_reaching(self, long long target)

cdef class _Ruler:
    cdef public object core, clock_at
    cdef public long long anchor, base
    cdef public _Tables tables

    @cython.locals(found=object)
    cpdef long long position(self, long long u) except? -1

    @cython.locals(tables=_Tables, target=cython.longlong, found=object)
    cpdef long long reach(self, long long position) except? -1
