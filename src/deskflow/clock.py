"""Time as an explicit input.

deskflow's core never reads the wall clock: every operation takes the instant
it happens at. The only place that holds a :class:`Clock` is the thin edge a
host calls. Instants are timezone-aware ``datetime`` values; a naive datetime
is refused with :class:`~deskflow.errors.NaiveDatetimeError`, never guessed.

>>> from datetime import datetime, timezone
>>> clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> clock.now().isoformat()
'2026-03-02T09:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

import attrs

from deskflow.errors import NaiveDatetimeError

__all__ = [
    "UTC",
    "Clock",
    "FixedClock",
    "SystemClock",
    "ensure_aware",
    "is_aware",
    "to_utc",
]

UTC = timezone.utc


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` that returns an aware datetime.

    >>> isinstance(SystemClock(), Clock)
    True
    """

    def now(self) -> datetime:
        """Return the current instant, timezone-aware."""
        ...


class SystemClock:
    """The real clock, in UTC.

    >>> SystemClock().now().tzinfo is not None
    True
    """

    __slots__ = ()

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


@attrs.frozen
class FixedClock:
    """A clock that always says the same instant (for examples and tests).

    >>> FixedClock(datetime(2026, 1, 1, tzinfo=UTC)).now().year
    2026
    """

    instant: datetime = attrs.field(
        validator=lambda _i, _a, v: ensure_aware(v, "instant") and None
    )

    def now(self) -> datetime:
        """Return the fixed instant."""
        return self.instant


def is_aware(value: datetime) -> bool:
    """Tell whether ``value`` carries a usable UTC offset.

    >>> is_aware(datetime(2026, 1, 1, tzinfo=UTC)), is_aware(datetime(2026, 1, 1))
    (True, False)
    """
    return value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None


def ensure_aware(value: datetime, path: str) -> datetime:
    """Return ``value`` if it is an aware datetime, else raise naming ``path``.

    >>> ensure_aware(datetime(2026, 1, 1, tzinfo=UTC), "at").tzinfo
    datetime.timezone.utc
    """
    if not isinstance(value, datetime):
        raise NaiveDatetimeError(
            f"expected a timezone-aware datetime, got {type(value).__name__}",
            path=path,
        )
    if not is_aware(value):
        raise NaiveDatetimeError(
            f"naive datetime {value.isoformat()}; pass a timezone-aware datetime",
            path=path,
        )
    return value


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC: compare and subtract instants through it.

    Python compares (and subtracts) two datetimes that share a ``tzinfo`` by
    their wall times, ignoring ``fold`` and the offset. Around a DST change
    that puts a later instant first: in the hour that repeats when London
    falls back, 01:45 BST comes 15 minutes *before* 01:00 GMT, yet compares
    after it. deskflow orders instants in UTC, and so should a host.

    >>> from zoneinfo import ZoneInfo
    >>> london = ZoneInfo("Europe/London")
    >>> made = datetime(2020, 10, 25, 1, 45, tzinfo=london)  # BST, +01:00
    >>> due = datetime(2020, 10, 25, 1, 0, fold=1, tzinfo=london)  # GMT, +00:00
    >>> due > made, to_utc(due) > to_utc(made)
    (False, True)
    >>> to_utc(due) - to_utc(made)
    datetime.timedelta(seconds=900)
    """
    return value.astimezone(UTC)
