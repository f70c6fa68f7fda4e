"""Small value constructors that :mod:`deskflow.sla` calls through this module.

Pure Python here. When ``sla.py`` is compiled with Cython, ``_native.pxd``
(cimported by ``sla.pxd``) supplies inline C versions of the same functions
and the calls bind to those instead; this module itself is never compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

_US = timedelta(microseconds=1)
_new = object.__new__
_fromtimestamp = datetime.fromtimestamp

micros: Callable[[int], timedelta] = _US.__mul__
"""``micros(n) == timedelta(microseconds=n)`` for an integer ``n``."""


def datetime_at(u: int, tz: tzinfo) -> datetime:
    """Integer microseconds since the Unix epoch -> an aware datetime in ``tz``."""
    seconds, micros = divmod(u, 1_000_000)
    # fromtimestamp sets fold right; offset changes fall on whole seconds,
    # so the microseconds cannot cross one. Adding them keeps the wall time
    # and sets fold to 0: right unless the second pass of a repeated hour,
    # which takes replace() (four times slower than the addition).
    result: datetime = _fromtimestamp(seconds, tz)
    if not micros:
        return result
    return result.replace(microsecond=micros) if result.fold else result + _US * micros


def slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    """What ``new4`` .. ``new17`` need to fill the slots ``names`` of ``cls``.

    Here the slots' ``__set__`` methods; compiled, their offsets.
    """
    return tuple(cls.__dict__[name].__set__ for name in names)


def new4(
    cls: type, setters: tuple[Any, ...], a0: Any, a1: Any, a2: Any, a3: Any
) -> Any:
    """A ``cls`` with its 4 slots set in order, without calling ``__init__``."""
    obj: Any = _new(cls)
    (
        s0,
        s1,
        s2,
        s3,
    ) = setters
    s0(obj, a0)
    s1(obj, a1)
    s2(obj, a2)
    s3(obj, a3)
    return obj


def new5(
    cls: type, setters: tuple[Any, ...], a0: Any, a1: Any, a2: Any, a3: Any, a4: Any
) -> Any:
    """A ``cls`` with its 5 slots set in order, without calling ``__init__``."""
    obj: Any = _new(cls)
    (
        s0,
        s1,
        s2,
        s3,
        s4,
    ) = setters
    s0(obj, a0)
    s1(obj, a1)
    s2(obj, a2)
    s3(obj, a3)
    s4(obj, a4)
    return obj


def new13(
    cls: type,
    setters: tuple[Any, ...],
    a0: Any,
    a1: Any,
    a2: Any,
    a3: Any,
    a4: Any,
    a5: Any,
    a6: Any,
    a7: Any,
    a8: Any,
    a9: Any,
    a10: Any,
    a11: Any,
    a12: Any,
) -> Any:
    """A ``cls`` with its 13 slots set in order, without calling ``__init__``."""
    obj: Any = _new(cls)
    (
        s0,
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
        s7,
        s8,
        s9,
        s10,
        s11,
        s12,
    ) = setters
    s0(obj, a0)
    s1(obj, a1)
    s2(obj, a2)
    s3(obj, a3)
    s4(obj, a4)
    s5(obj, a5)
    s6(obj, a6)
    s7(obj, a7)
    s8(obj, a8)
    s9(obj, a9)
    s10(obj, a10)
    s11(obj, a11)
    s12(obj, a12)
    return obj


def new17(
    cls: type,
    setters: tuple[Any, ...],
    a0: Any,
    a1: Any,
    a2: Any,
    a3: Any,
    a4: Any,
    a5: Any,
    a6: Any,
    a7: Any,
    a8: Any,
    a9: Any,
    a10: Any,
    a11: Any,
    a12: Any,
    a13: Any,
    a14: Any,
    a15: Any,
    a16: Any,
) -> Any:
    """A ``cls`` with its 17 slots set in order, without calling ``__init__``."""
    obj: Any = _new(cls)
    (
        s0,
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
        s7,
        s8,
        s9,
        s10,
        s11,
        s12,
        s13,
        s14,
        s15,
        s16,
    ) = setters
    s0(obj, a0)
    s1(obj, a1)
    s2(obj, a2)
    s3(obj, a3)
    s4(obj, a4)
    s5(obj, a5)
    s6(obj, a6)
    s7(obj, a7)
    s8(obj, a8)
    s9(obj, a9)
    s10(obj, a10)
    s11(obj, a11)
    s12(obj, a12)
    s13(obj, a13)
    s14(obj, a14)
    s15(obj, a15)
    s16(obj, a16)
    return obj
