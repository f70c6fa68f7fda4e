"""Test helpers for users of deskflow: a manual clock, hypothesis strategies, the storage contract kit.

- :class:`ManualClock` (here): a :class:`~deskflow.clock.Clock` that only
  moves when told, so tests and doctests have deterministic time.
- :mod:`deskflow.testing.strategies`: hypothesis strategies for every model,
  including realistic tickets driven through the real lifecycle engine.
- :mod:`deskflow.testing.contract`: the storage contract kit every backend
  runs.

The submodules need the ``testing`` extra (``pip install deskflow[testing]``);
importing this package alone imports nothing heavy (no hypothesis).

>>> from datetime import datetime, timedelta, timezone
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> clock.advance(timedelta(minutes=15)).isoformat()
'2026-03-02T09:15:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta

from deskflow.clock import ensure_aware
from deskflow.errors import ValidationError

__all__ = ["ManualClock"]


class ManualClock:
    """A clock that stands still until a test moves it; aware datetimes only.

    It satisfies the :class:`~deskflow.clock.Clock` protocol, so it can be
    passed wherever a host would pass :class:`~deskflow.clock.SystemClock`.
    Time never runs backwards: :meth:`advance` refuses a negative step and
    :meth:`set` an earlier instant.

    >>> from datetime import datetime, timedelta, timezone
    >>> from deskflow.clock import Clock
    >>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    >>> isinstance(clock, Clock), clock.now().hour
    (True, 9)
    >>> clock.advance(timedelta(hours=2)).hour
    11
    >>> ManualClock(datetime(2026, 3, 2, 9, 0))
    Traceback (most recent call last):
    ...
    deskflow.errors.NaiveDatetimeError: start: naive datetime 2026-03-02T09:00:00; pass a timezone-aware datetime
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        self._now = ensure_aware(start, "start")

    def now(self) -> datetime:
        """The current instant of this clock.

        >>> from datetime import datetime, timezone
        >>> ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc)).now().year
        2026
        """
        return self._now

    def advance(self, step: timedelta) -> datetime:
        """Move the clock forward by ``step`` and return the new instant.

        >>> from datetime import datetime, timedelta, timezone
        >>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
        >>> clock.advance(timedelta(days=1)).day
        2
        >>> clock.advance(timedelta(seconds=-1))
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: step: a clock only moves forward; got -1 day, 23:59:59
        """
        if not isinstance(step, timedelta):
            raise ValidationError(
                f"expected a timedelta, got {type(step).__name__}", path="step"
            )
        if step < timedelta(0):
            raise ValidationError(
                f"a clock only moves forward; got {step}", path="step"
            )
        self._now = self._now + step
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant`` (not earlier than now) and return it.

        >>> from datetime import datetime, timezone
        >>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
        >>> clock.set(datetime(2026, 6, 1, tzinfo=timezone.utc)).month
        6
        """
        ensure_aware(instant, "instant")
        if instant < self._now:
            raise ValidationError(
                f"{instant.isoformat()} is before the clock's "
                f"{self._now.isoformat()}; a clock only moves forward",
                path="instant",
            )
        self._now = instant
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()!r})"
