"""Open time by the definition, one minute at a time: the oracle the calendar tests share.

Slow on purpose and written from the rules in the calendars guide, not from
the fast path: an instant is open when the calendar's wall clock shows a time
inside one of that date's ranges (an extra working day replaces the weekly
hours, a holiday closes the date), and no closure that picks the date covers
that wall time. Closure dates are read from the rule year by year, so
unbounded rules work too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from deskflow.calendars import BusinessCalendar, TimeRange

MINUTE = timedelta(minutes=1)
# How far the oracle steps before it gives up: a random calendar's closures
# may take every working hour, and then there is no open minute to find.
HORIZON = timedelta(weeks=8)


class NoOpenTime(Exception):
    """The oracle met no open minute within :data:`HORIZON` (tests ``assume`` it away)."""


def _seconds(text: str) -> int:
    """'HH:MM' or 'HH:MM:SS' (up to '24:00') as seconds after midnight."""
    parts = [int(part) for part in text.split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def _covers(ranges: tuple[TimeRange, ...], second: int) -> bool:
    return any(_seconds(r.start) <= second < _seconds(r.end) for r in ranges)


class Oracle:
    """Open time by the definition, one minute at a time (tests only)."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self.tz = ZoneInfo(cal.zone)
        self.weekly = {h.weekday.index: h.ranges for h in cal.hours}
        self.extra = {d.date: d.ranges for d in cal.extra_days}
        self.rules = [
            (
                rrulestr(
                    "RRULE:" + c.rule,
                    dtstart=datetime(c.start.year, c.start.month, c.start.day),
                ),
                c.ranges,
            )
            for c in cal.closures
        ]
        self._dates: dict[tuple[int, int], set[date]] = {}

    def _closure_dates(self, index: int, year: int) -> set[date]:
        key = (index, year)
        if key not in self._dates:
            rule = self.rules[index][0]
            self._dates[key] = {
                o.date()
                for o in rule.between(
                    datetime(year, 1, 1), datetime(year, 12, 31, 23, 59), inc=True
                )
            }
        return self._dates[key]

    def is_open(self, instant: datetime) -> bool:
        local = instant.astimezone(self.tz)
        day = local.date()
        second = local.hour * 3600 + local.minute * 60 + local.second
        if day in self.extra:
            ranges = self.extra[day]
        elif day in self.cal.holidays:
            return False
        else:
            ranges = self.weekly.get(day.weekday(), ())
        if not _covers(ranges, second):
            return False
        return not any(
            _covers(closed, second) and day in self._closure_dates(index, day.year)
            for index, (_, closed) in enumerate(self.rules)
        )

    def add(self, start: datetime, minutes: int) -> datetime:
        """The instant ``minutes`` open minutes from ``start`` (backwards if negative)."""
        at, used = start, 0
        while used < abs(minutes):
            if abs(at - start) > HORIZON:
                raise NoOpenTime(start)
            if minutes > 0:
                used += self.is_open(at)
                at += MINUTE
            else:
                at -= MINUTE
                used += self.is_open(at)
        return at

    def next_open(self, start: datetime) -> datetime:
        """The first open minute at or after ``start``."""
        at = start
        while not self.is_open(at):
            at += MINUTE
            if at - start > HORIZON:
                raise NoOpenTime(start)
        return at

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        count, at = 0, start
        while at < end:
            count += self.is_open(at)
            at += MINUTE
        return count * MINUTE
