# Augments sla.py when Cython compiles it (sla.py stays pure Python; see
# "Pure Python Mode" / "Augmenting .pxd" in the Cython docs). Types the
# evaluation's state and its integer (microsecond) arithmetic.
cimport cython
from cpython.datetime cimport datetime as c_datetime
from deskflow._cdatetime cimport timedelta as c_timedelta
from deskflow.calendars cimport _Ruler, _Tables
from deskflow cimport _native

cdef long long _IDLE, _NEVER, _EPOCH_DAY

cpdef object _new_report(object name, object kind, object agreement, object cycle,
                         object target, object calendar, object started_at,
                         object elapsed, object remaining, object due, object state,
                         object running, object met_at, object breached_at,
                         object stopped_at, object policy_version, object priority)
cpdef object _new_alert(object clock, object kind, object cycle, object threshold,
                        object action, object recipient, object fraction, object target,
                        object reached_at, object notify_at, object reached,
                        object deferred, object policy_version)
cpdef object _new_period(object start, object end, object policy, object version)
cpdef object _new_evaluation(object ticket_id, object at, tuple clocks, tuple alerts,
                             tuple periods)

cdef class _CTarget:
    cdef public object agreement, cal, cal_name, kind, name, policy, tz, version, within
    cdef public bint always
    cdef public tuple thresholds
    cdef public long long warn_us, within_us

cdef class _Track:
    cdef public object kind, started, stopped, prio
    cdef public tuple key, tier_key
    cdef public long long bit, started_u, open_since, stopped_u
    cdef public Py_ssize_t cycle
    cdef public list intervals
    cdef public bint stop_met
    cdef public _CTarget frozen

@cython.locals(off=c_timedelta, day=cython.longlong)
cpdef long long _us(c_datetime at) except? -1

cpdef object _datetime(long long u, object tz)

cdef class _Scale:
    cdef public dict memo
    cdef public _Ruler ruler

    @cython.locals(counted=cython.longlong, a=cython.longlong, b=cython.longlong,
                   start=object, stop=object, found=object, clock=object, ruler=_Ruler,
                   memo=dict, out=list)
    cpdef list runs(self, list segs)

    @cython.locals(position=cython.longlong, counted=cython.longlong, origin=cython.longlong,
                   ruler=_Ruler, found=object)
    cpdef long long reaching(self, list runs, long long amount) except? -1

    @cython.locals(ruler=_Ruler, found=object)
    cpdef long long next_open(self, long long u) except? -1

cdef _Scale _OPEN

cdef class _Measure:
    cdef public long long anchor
    cdef public dict scales

    @cython.locals(found=_Scale)
    cpdef _Scale scale(self, object cal)

cpdef list _segments(_Track track, long long end)

@cython.locals(first=cython.longlong, within=cython.longlong, scale=_Scale, runs=list, segs=list)
cpdef bint _breached_by(_Measure m, _CTarget ct, _Track track, long long end) except? -1

cdef class _Run:
    cdef public _Measure m
    cdef public dict table
    cdef public long long paused
    cdef public object priority
    cdef public list tracks, live

    cpdef _Track start(self, _Track track, long long tu)
    cpdef stop(self, _Track track, object t, long long tu, bint met)
    @cython.locals(track=_Track, ct=_CTarget)
    cpdef retarget(self, long long tu)
    @cython.locals(track=_Track, paused=cython.longlong)
    cpdef repause(self, long long tu)

@cython.locals(opened_u=cython.longlong, at_u=cython.longlong, tu=cython.longlong,
               next_u=cython.longlong, vi=Py_ssize_t, updates=Py_ssize_t,
               escalations=Py_ssize_t, vendor_holds=Py_ssize_t, responded=bint,
               responds=bint, on_vendor=bint, t=c_datetime, off=c_timedelta, day=cython.longlong, st=_Run,
               response=_Track, resolution=_Track, update=_Track, ola=_Track,
               vendor=_Track, track=_Track, ct=_CTarget, m=_Measure, froms_u=list,
               first=Py_ssize_t, reopened=bint, reports=list, found=list)
cpdef evaluate(object ticket, object at, object policy=*, bint alerts=*)

cpdef _CTarget _lookup(dict table, _Track track)

@cython.locals(end=cython.longlong, counting=bint, segs=list, within=cython.longlong,
               scale=_Scale, runs=list, elapsed=cython.longlong, due_u=cython.longlong,
               breached=bint, amount=cython.longlong, reached=bint,
               reached_u=cython.longlong, notify_u=cython.longlong, deferred=bint)
cpdef _report(_Measure m, _CTarget ct, _Track track, long long at, object priority,
              list reports, list alerts)
