"""Business calendars: when a help desk is open, and business-time arithmetic.

A :class:`BusinessCalendar` says, in one IANA time zone, which wall-clock
hours of each weekday are working time (several ranges a day), which dates
are holidays (listed, or taken from the ``holidays`` package for a country),
which recurring closures apply (an RFC 5545 rule such as "every last Friday
from 12:00"), and which extra days are worked. SLA clocks in
:mod:`deskflow.sla` ask it how much business time lies between two instants
(:meth:`~BusinessCalendar.elapsed`) and when a target falls due
(:meth:`~BusinessCalendar.add`).

Semantics, in short (the guide ``docs/guides/calendars.md`` has the details):

- Working hours are wall-clock hours in the calendar's zone: an instant is
  open when the calendar's wall clock shows a time inside one of that date's
  ranges. Business time is real elapsed time, so a day with a DST jump inside
  its working hours is an hour shorter or longer.
- Inputs are aware datetimes in any zone; results are aware datetimes in the
  calendar's zone.
- ``add`` returns the *earliest* instant at which the duration is used up: a
  deadline that ends exactly at a closing time is that closing instant.
  Counting backwards (a negative duration) mirrors this and stops at an
  opening instant. A zero duration returns the start itself.

The arithmetic never steps minute by minute: the calendar keeps a weekly
template plus a short sorted table of *exceptional* days (holidays, closures,
extra days, DST transition days, each 1 January), and jumps between them with
week arithmetic and binary search, so the cost of ``add`` does not grow with
the duration.

>>> from datetime import datetime, timedelta
>>> cal = BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")
>>> friday_4pm = datetime(2026, 3, 6, 16, 0, tzinfo=cal.tzinfo)
>>> cal.add(friday_4pm, timedelta(hours=2)).isoformat()
'2026-03-09T10:00:00+01:00'
"""

from __future__ import annotations

import enum
import importlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import pairwise
from math import gcd
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.rrule import rrule, rruleset, rrulestr

from deskflow.clock import ensure_aware
from deskflow.errors import DeskflowError, ValidationError

__all__ = [
    "BusinessCalendar",
    "CalendarRangeError",
    "Closure",
    "HolidaysUnavailable",
    "OpenPeriod",
    "TimeRange",
    "Weekday",
    "WeekdayHours",
    "WorkingDay",
]

# All arithmetic is done on integer microseconds, so that results are exact.
_US = timedelta(microseconds=1)
_SECOND = 1_000_000
_DAY = 86_400 * _SECOND
_WEEK = 7 * _DAY
# Wall-clock microseconds count from 1970-01-01 00:00 (a Thursday); adding
# _SHIFT makes weeks start on Monday.
_SHIFT = 3 * _DAY
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# The earliest instant whose wall time exists in every zone (offsets stay
# within a day), so reading the zone's offset there cannot overflow.
_EARLIEST_PROBE = datetime(1, 1, 2, tzinfo=timezone.utc)
# An ordinary day: B at its wall 00:00 and its open spans as offsets in the
# day; () when the day is irregular or outside the tables (see _Tables.day).
_Day = tuple[int, tuple[tuple[int, int], ...]] | tuple[()]
_MIN_YEAR = 2
_MAX_YEAR = 9997
_RANGE_TEXT = f"business-time arithmetic supports the years {_MIN_YEAR}..{_MAX_YEAR}"
# Instants (UTC microseconds) that no result can lie beyond: business time
# never runs faster than real time, so a duration reaching past them fails.
_FIRST_U = (date(_MIN_YEAR, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY
_LAST_U = (date(_MAX_YEAR + 1, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY
# A request within this many years of the cached range extends it.
_NEAR = 20
# A search that crosses this many years without open time gives up: the
# calendar's closures leave nothing to count (rather than building tables up
# to the year 9997 first).
_IDLE_YEARS = 100
_fromtimestamp = datetime.fromtimestamp
_TIME_RE = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$", re.ASCII)


class HolidaysUnavailable(DeskflowError, ImportError):
    """A calendar asked for a country's holidays but ``holidays`` is not installed.

    Install the extra: ``pip install "deskflow[holidays]"``.

    >>> issubclass(HolidaysUnavailable, ImportError)
    True
    """


class CalendarRangeError(DeskflowError, OverflowError):
    """A calendar computation would leave the years 2..9997 that it supports.

    Also raised when a search for open time (:meth:`BusinessCalendar.add`,
    :meth:`BusinessCalendar.next_open`) crosses a hundred years in which the
    calendar is never open, for instance because a closure takes every
    working day: there is no answer to give.

    >>> issubclass(CalendarRangeError, OverflowError)
    True
    """


class Weekday(enum.Enum):
    """A day of the week; the value is its three-letter English abbreviation.

    >>> Weekday("sat"), Weekday.MONDAY.index
    (<Weekday.SATURDAY: 'sat'>, 0)
    """

    MONDAY = "mon"
    TUESDAY = "tue"
    WEDNESDAY = "wed"
    THURSDAY = "thu"
    FRIDAY = "fri"
    SATURDAY = "sat"
    SUNDAY = "sun"

    @property
    def index(self) -> int:
        """0 for Monday up to 6 for Sunday, like :meth:`datetime.date.weekday`.

        >>> Weekday.SUNDAY.index
        6
        """
        return _WEEKDAY_INDEX[self.value]


_WEEKDAYS = tuple(Weekday)
_WEEKDAY_INDEX = {day.value: index for index, day in enumerate(_WEEKDAYS)}


def _parse_time(text: str) -> int:
    """'HH:MM' or 'HH:MM:SS' -> seconds since midnight (24:00 allowed)."""
    match = _TIME_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected 'HH:MM' or 'HH:MM:SS', got {text!r}")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if minutes > 59 or seconds > 59:
        raise ValueError(f"minutes and seconds must be below 60 in {text!r}")
    total = hours * 3600 + minutes * 60 + seconds
    if total > 86_400:
        raise ValueError(f"a wall time must lie between 00:00 and 24:00, got {text!r}")
    return total


def _check_time(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        _parse_time(value)
    except ValueError as exc:
        raise ValidationError(str(exc), path=attribute.name) from None


def _format_seconds(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


@attrs.frozen(kw_only=True, repr=False)
class TimeRange:
    """A range of wall-clock time within one day, ``start`` inclusive, ``end`` exclusive.

    Bounds are ``'HH:MM'`` or ``'HH:MM:SS'`` strings; ``end`` may be
    ``'24:00'`` (the end of the day). Build one from text with :meth:`parse`.

    >>> TimeRange.parse("13:00-17:00")
    TimeRange('13:00-17:00')
    >>> TimeRange(start="09:00", end="24:00").hours
    15.0
    """

    start: str = attrs.field(validator=_check_time)
    end: str = attrs.field(validator=_check_time)
    start_seconds: int = attrs.field(init=False, eq=False, hash=False)
    end_seconds: int = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        start, end = _parse_time(self.start), _parse_time(self.end)
        if start >= 86_400:
            raise ValidationError("a range cannot start at 24:00", path="start")
        if end <= start:
            raise ValidationError(
                f"end {self.end} must be after start {self.start}", path="end"
            )
        object.__setattr__(self, "start_seconds", start)
        object.__setattr__(self, "end_seconds", end)

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        """Build a range from ``'HH:MM-HH:MM'`` text (an en dash works too).

        >>> TimeRange.parse("9:00 – 12:30")
        TimeRange('09:00-12:30')
        """
        parts = re.split(r"\s*[-–]\s*", text.strip()) if isinstance(text, str) else []
        if len(parts) != 2:
            raise ValidationError(f"expected 'HH:MM-HH:MM', got {text!r}", path="range")
        return cls(start=_normalise_time(parts[0]), end=_normalise_time(parts[1]))

    @property
    def hours(self) -> float:
        """The length of the range in hours (wall clock).

        >>> TimeRange.parse("09:00-12:30").hours
        3.5
        """
        return (self.end_seconds - self.start_seconds) / 3600

    def __str__(self) -> str:
        return (
            f"{_format_seconds(self.start_seconds)}-{_format_seconds(self.end_seconds)}"
        )

    def __repr__(self) -> str:
        return f"TimeRange({str(self)!r})"


def _normalise_time(text: str) -> str:
    """Accept 'H:MM' as a courtesy in text specs; fields stay strict."""
    if re.match(r"^\d:\d{2}", text, re.ASCII):
        return "0" + text
    return text


def _parse_ranges(spec: str | Iterable[str | TimeRange]) -> tuple[TimeRange, ...]:
    if not isinstance(spec, (str, Iterable)):
        raise ValidationError(
            "expected ranges such as '09:00-12:00,13:00-17:00', "
            f"got {type(spec).__name__}",
            path="hours",
        )
    items: Iterable[str | TimeRange] = (
        [part for part in spec.split(",") if part.strip()]
        if isinstance(spec, str)
        else spec
    )
    return tuple(
        item if isinstance(item, TimeRange) else TimeRange.parse(item) for item in items
    )


def _to_ranges(value: Any) -> Any:
    """Converter: a text spec such as '09:00-12:00,13:00-17:00' or a list -> tuple."""
    if isinstance(value, str):
        return _parse_ranges(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def _check_ranges(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"expected a tuple of TimeRange, got {type(value).__name__}",
            path=attribute.name,
        )
    for index, item in enumerate(value):
        if not isinstance(item, TimeRange):
            raise ValidationError(
                f"expected TimeRange, got {type(item).__name__}",
                path=f"{attribute.name}[{index}]",
            )
    ordered = sorted(value, key=lambda r: r.start_seconds)
    for before, after in pairwise(ordered):
        if after.start_seconds < before.end_seconds:
            raise ValidationError(
                f"ranges {before} and {after} overlap", path=attribute.name
            )


def _range_seconds(ranges: Iterable[TimeRange]) -> tuple[tuple[int, int], ...]:
    """Sorted (start, end) seconds with touching ranges merged."""
    merged: list[list[int]] = []
    for item in sorted(ranges, key=lambda r: r.start_seconds):
        if merged and item.start_seconds <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], item.end_seconds)
        else:
            merged.append([item.start_seconds, item.end_seconds])
    return tuple((start, end) for start, end in merged)


def _describe_ranges(ranges: Iterable[TimeRange]) -> str:
    return (
        ",".join(str(r) for r in sorted(ranges, key=lambda r: r.start_seconds))
        or "closed"
    )


@attrs.frozen(kw_only=True)
class WeekdayHours:
    """The working hours of one weekday: one or more :class:`TimeRange`.

    ``ranges`` also accepts text such as ``"09:00-12:00,13:00-17:00"``.

    >>> WeekdayHours(weekday=Weekday.SATURDAY, ranges="10:00-14:00").ranges
    (TimeRange('10:00-14:00'),)
    """

    weekday: Weekday = attrs.field()
    ranges: tuple[TimeRange, ...] = attrs.field(
        converter=_to_ranges, validator=_check_ranges
    )

    @weekday.validator
    def _check_weekday(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Weekday):
            raise ValidationError(
                f"expected Weekday, got {type(value).__name__}", path=attribute.name
            )


def _check_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(
            f"expected a date, got {type(value).__name__}", path=attribute.name
        )


@attrs.frozen(kw_only=True)
class WorkingDay:
    """A date worked with its own hours, replacing the weekly hours of that date.

    Use it for an extra working Saturday or a short Christmas Eve. A working
    day also overrides a public holiday on the same date.

    >>> WorkingDay(date=date(2026, 12, 24), ranges="09:00-12:00").ranges
    (TimeRange('09:00-12:00'),)
    """

    date: date = attrs.field(validator=_check_date)
    ranges: tuple[TimeRange, ...] = attrs.field(
        converter=_to_ranges, validator=_check_ranges
    )

    @ranges.validator
    def _check_not_empty(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not value:
            raise ValidationError(
                "a working day needs at least one range; list a closed date in holidays",
                path=attribute.name,
            )


# An UNTIL given as a date or as a floating local time (no "Z").
_FLOATING_UNTIL = re.compile(r"(UNTIL=)(\d{8})(T\d{6})?(?=;|$)", re.IGNORECASE)


def _until_in_utc(rule: str) -> str:
    """Write a date or floating UNTIL the way dateutil accepts it here.

    The rule is read from a date (RFC 5545 then asks for a *date* UNTIL, and
    calendar programs write one), but dateutil only accepts a UTC UNTIL
    because deskflow gives it ``start`` at 00:00 UTC. A date UNTIL includes
    its whole day; a floating time is read in the same UTC stand-in.
    """
    return _FLOATING_UNTIL.sub(lambda m: f"{m[1]}{m[2]}{m[3] or 'T235959'}Z", rule)


_RRULE_SHAPE = (
    "an RRULE value is NAME=VALUE parts joined by ';', with a FREQ part, "
    "such as 'FREQ=WEEKLY;BYDAY=FR' (every Friday)"
)


def _check_rule_shape(rule: str) -> None:
    """Refuse text that is not NAME=VALUE parts with a FREQ, in deskflow's words.

    dateutil would say "not enough values to unpack" or name its own
    constructor's arguments.

    >>> _check_rule_shape("every friday")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: rule: 'every friday' is not a NAME=VALUE part; an RRULE value is NAME=VALUE parts joined by ';', with a FREQ part, such as 'FREQ=WEEKLY;BYDAY=FR' (every Friday)
    """
    names = []
    for part in rule.strip().split(";"):
        name, equals, value = part.partition("=")
        if not part.strip():
            problem = "an empty part (two ';' in a row, or one at the end)"
        elif not equals or not name.strip() or not value.strip() or "=" in value:
            problem = f"{part!r} is not a NAME=VALUE part"
        elif name != name.strip() or value != value.strip():
            # dateutil would say "not enough values to unpack"
            problem = f"{part!r} has a space around its name or value"
        else:
            names.append(name.strip().upper())
            continue
        raise ValidationError(f"{problem}; {_RRULE_SHAPE}", path="rule")
    if "FREQ" not in names:
        raise ValidationError(f"the rule has no FREQ part; {_RRULE_SHAPE}", path="rule")


def _rule_parts(rule: str) -> dict[str, str]:
    """The parts of an RRULE value by name (``FREQ``, ``BYDAY``), upper case."""
    return dict(
        part.partition("=")[::2] for part in rule.upper().split(";") if "=" in part
    )


def _check_readable(parts: Mapping[str, str]) -> None:
    """Refuse rules that dateutil would read for ever, nearly, or wrongly.

    A closure is read year by year, occurrence by occurrence: INTERVAL=0
    never advances (dateutil loops), and a rule stepping by the second or
    the minute has up to 31 million occurrences a year, all on dates that
    a daily rule picks as well. dateutil places a BYEASTER day that leaves
    Easter's own year in the wrong year, or fails on it.
    """
    interval = parts.get("INTERVAL")
    if interval is not None and int(interval) < 1:
        raise ValidationError(
            f"INTERVAL must be a positive number, got {interval}", path="rule"
        )
    if parts.get("FREQ") in {"SECONDLY", "MINUTELY"}:
        raise ValidationError(
            "a closure picks dates: use FREQ=DAILY or a longer step, "
            f"not FREQ={parts['FREQ']}",
            path="rule",
        )
    for offset in parts.get("BYEASTER", "0").split(","):
        if int(offset) not in _EASTER_OFFSETS:
            raise ValidationError(
                f"BYEASTER must lie from {_EASTER_OFFSETS[0]} to "
                f"{_EASTER_OFFSETS[-1]} days of Easter Sunday, so that the day "
                f"stays in Easter's year, got {offset}",
                path="rule",
            )


# The Gregorian calendar repeats every 400 years (146 097 days, exactly
# 20 871 weeks): how many periods of each FREQ one such cycle holds.
_PERIODS_IN_CYCLE = {
    "YEARLY": 400,
    "MONTHLY": 12 * 400,
    "WEEKLY": 146_097 // 7,
    "DAILY": 146_097,
    "HOURLY": 24 * 146_097,
}
# BYEASTER offsets whose day stays in Easter's year (Easter Sunday falls
# from 22 March, day 81, to 25 April, day 115 or 116).
_EASTER_OFFSETS = range(-80, 251)
# The parts that pick days from the calendar alone, alike under FREQ=DAILY
# and HOURLY (which read BYDAY without ordinals) and YEARLY.
_DAY_PARTS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYDAY", "BYEASTER")


def _parse_rule(text: str, dtstart: datetime) -> rrule:
    parsed = rrulestr("RRULE:" + text, dtstart=dtstart)
    if not isinstance(parsed, rrule):  # a set: only from further lines
        raise ValidationError("expected one RRULE value", path="rule")
    return parsed


def _search_years(parts: Mapping[str, str]) -> int | None:
    """How many years from any date a rule's next date can lie, if it has one.

    What a rule picks in one of its periods (a year, month, week, day or
    hour) depends only on where that period lies in the Gregorian
    calendar, which repeats every 400 years. Stepping INTERVAL periods at a
    time, a rule is back at the same place of the cycle after lcm(INTERVAL,
    periods in a cycle) periods, which is 400 × INTERVAL / gcd(INTERVAL,
    periods in a cycle) years: a rule with no date in that span has none at
    all. One more year covers a first week that starts mid-week. Easter
    keeps no such cycle: None for a rule with BYEASTER.

    >>> _search_years({"FREQ": "YEARLY"})
    401
    >>> _search_years({"FREQ": "YEARLY", "INTERVAL": "700"})
    2801
    >>> _search_years({"FREQ": "HOURLY", "INTERVAL": "36"})
    401
    """
    if "BYEASTER" in parts:
        return None
    interval = int(parts.get("INTERVAL", "1"))
    return 400 * interval // gcd(interval, _PERIODS_IN_CYCLE[parts["FREQ"]]) + 1


def _first_date(
    rule: rrule, parts: Mapping[str, str], dtstart: datetime, low: datetime
) -> datetime | None:
    """The first date of ``rule`` from ``low`` on, leaving out its COUNT and UNTIL.

    None when it has none in the supported years. dateutil looks for a
    date period after period up to the year 9999 (an UNTIL does not stop
    it: it is only compared with dates found), which costs seconds for a
    rule that cannot match. So the rule is moved, by whole 400-year cycles
    that change none of its dates but their year, to start at most
    :func:`_search_years` + 400 years before 9999: dateutil's own end then
    bounds the search.
    """
    years = _search_years(parts)
    cycles = 0 if years is None else max(0, (9999 - low.year - years) // 400)
    shift = 400 * cycles
    moved = rule.replace(
        dtstart=dtstart.replace(year=dtstart.year + shift), until=None, count=None
    )
    found = moved.after(low.replace(year=low.year + shift), inc=True)
    if found is None or found.year - shift > _MAX_YEAR:
        return None
    return found.replace(year=found.year - shift)


def _days_parts(parts: Mapping[str, str]) -> dict[str, str] | None:
    """A yearly rule picking each day that a daily or hourly rule's day parts allow.

    A rule stepping by days or hours whose parts allow no day at all is
    found out by this rule one year per step instead of one day or hour per
    step (over 800 years, a never-matching ``FREQ=DAILY`` rule took 0.4 s,
    and ``FREQ=HOURLY;INTERVAL=25`` is read to the year 9999). Every date of
    the rule is one of its dates. None when the rule steps by weeks or
    longer (at most some 40 000 steps, see :func:`_search_years`), has no
    day part besides BYMONTH (then every day of such a month passes), or
    has BYWEEKNO.

    >>> _days_parts({"FREQ": "DAILY", "INTERVAL": "7", "BYDAY": "-1MO", "BYHOUR": "9"})
    {'FREQ': 'YEARLY', 'BYDAY': 'MO'}
    """
    if (
        parts["FREQ"] not in {"DAILY", "HOURLY"}
        or "BYWEEKNO" in parts
        or not set(parts) & set(_DAY_PARTS[1:])
    ):
        return None
    days = {"FREQ": "YEARLY"} | {
        name: parts[name] for name in _DAY_PARTS if name in parts
    }
    if "BYDAY" in days:
        days["BYDAY"] = re.sub(r"[+-]?\d+", "", days["BYDAY"])
    return days


def _has_date(
    rule: rrule, parts: Mapping[str, str], dtstart: datetime, low: datetime
) -> bool:
    """Whether ``rule`` has a date from ``low`` to the last supported year.

    A rule stepping by days or hours is first read through
    :func:`_days_parts`, a year per step; an ordinary rule matches in its
    first year, so this costs little.
    """
    if low.year > _MAX_YEAR:
        return False
    days = _days_parts(parts)
    if days is not None:
        text = ";".join(f"{name}={value}" for name, value in days.items())
        if _first_date(_parse_rule(text, dtstart), days, dtstart, low) is None:
            return False  # no day passes the rule's day parts
    if _first_date(rule, parts, dtstart, low) is None:
        return False
    # its own COUNT or UNTIL may end the rule before that date
    return not {"COUNT", "UNTIL"} & set(parts) or rule.after(low, inc=True) is not None


def _to_rule_text(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return text[len("RRULE:") :] if text.upper().startswith("RRULE:") else text
    return value


@attrs.frozen(kw_only=True)
class Closure:
    """A recurring closure: an RFC 5545 rule picks dates, ``ranges`` the closed hours.

    ``rule`` is the value of an ``RRULE`` line (``"FREQ=MONTHLY;BYDAY=-1FR"``),
    read by ``python-dateutil`` from the date ``start`` on. Only the dates of
    its occurrences matter; on each of them the wall-clock ``ranges`` are
    closed (the whole day unless said otherwise). A rule with no date from
    ``start`` to the last supported year would close nothing and is refused.

    >>> staff_meeting = Closure(
    ...     rule="FREQ=MONTHLY;BYDAY=-1FR", start=date(2026, 1, 1), ranges="12:00-24:00"
    ... )
    >>> staff_meeting.dates_in(2026)[:3]
    (datetime.date(2026, 1, 30), datetime.date(2026, 2, 27), datetime.date(2026, 3, 27))
    >>> Closure(rule="FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", start=date(2026, 1, 1))
    Traceback (most recent call last):
      ...
    deskflow.errors.ValidationError: rule: the rule never matches: ...
    """

    rule: str = attrs.field(converter=_to_rule_text)
    start: date = attrs.field(validator=_check_date)
    ranges: tuple[TimeRange, ...] = attrs.field(
        default=(TimeRange(start="00:00", end="24:00"),),
        converter=_to_ranges,
        validator=_check_ranges,
    )
    name: str = attrs.field(default="")
    _rruleset: rruleset = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rule, str) or not self.rule:
            raise ValidationError(
                "expected an RRULE value such as 'FREQ=WEEKLY'", path="rule"
            )
        if "DTSTART" in self.rule.upper():
            raise ValidationError(
                "give the first date in 'start', not in the rule", path="rule"
            )
        if not isinstance(self.name, str):
            raise ValidationError(
                f"expected a string, got {type(self.name).__name__}", path="name"
            )
        if not self.ranges:
            raise ValidationError(
                "a closure closes at least one range of hours (leave 'ranges' "
                "out to close whole days)",
                path="ranges",
            )
        if "\n" in self.rule or "\r" in self.rule:
            # rrulestr would read further lines (EXDATE, RDATE) that then
            # fail, or silently count, only when the closure is first used
            raise ValidationError(
                "expected one RRULE value on one line (EXDATE, RDATE and "
                "further rules are not supported: add another Closure)",
                path="rule",
            )
        dtstart = datetime(
            self.start.year, self.start.month, self.start.day, tzinfo=timezone.utc
        )
        _check_rule_shape(self.rule)
        parts = _rule_parts(self.rule)
        if "COUNT" in parts and "UNTIL" in parts:
            raise ValidationError(
                "give COUNT or UNTIL, not both (RFC 5545)", path="rule"
            )
        text = _until_in_utc(self.rule)
        if "WKST" not in parts:
            # RFC 5545's default; dateutil's is calendar.firstweekday(),
            # which any code in the process may change
            text += ";WKST=MO"
        try:
            parsed = _parse_rule(text, dtstart)
        except (ValueError, TypeError) as exc:
            raise ValidationError(
                f"not an RFC 5545 rule: {exc}; {_RRULE_SHAPE}", path="rule"
            ) from None
        _check_readable(parts)
        first = max(self.start, date(_MIN_YEAR, 1, 1))
        low = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
        try:
            matches = _has_date(parsed, parts, dtstart, low)
        except IndexError:
            # dateutil fails so on an ordinal no period holds (BYDAY=53SA in
            # a month): a rule that never matches, refused as one
            matches = False
        if not matches:
            raise ValidationError(
                f"the rule never matches: it picks no date from {first.isoformat()} "
                f"to the end of {_MAX_YEAR} ({_RANGE_TEXT}), so the closure would "
                "close nothing",
                path="rule",
            )
        rules = rruleset()
        rules.rrule(parsed)
        object.__setattr__(self, "_rruleset", rules)

    def dates_in(self, year: int) -> tuple[date, ...]:
        """The dates of ``year`` on which this closure applies.

        >>> Closure(rule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", start=date(2020, 1, 1)).dates_in(2026)
        (datetime.date(2026, 12, 31),)
        """
        low = datetime(year, 1, 1, tzinfo=timezone.utc)
        high = datetime(year, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
        return tuple(
            sorted(
                {when.date() for when in self._rruleset.between(low, high, inc=True)}
            )
        )


@attrs.frozen(kw_only=True)
class OpenPeriod:
    """One stretch of open time, ``start`` inclusive, ``end`` exclusive.

    >>> from datetime import timezone
    >>> p = OpenPeriod(start=datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
    ...                end=datetime(2026, 1, 5, 12, tzinfo=timezone.utc))
    >>> p.duration
    datetime.timedelta(seconds=10800)
    """

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        """Real time from ``start`` to ``end`` (exact across a DST change).

        >>> from datetime import timezone
        >>> OpenPeriod(start=datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
        ...            end=datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)).duration
        datetime.timedelta(seconds=1800)
        """
        # Python subtracts two datetimes sharing a tzinfo by wall clock.
        return self.end.astimezone(timezone.utc) - self.start.astimezone(timezone.utc)


def _check_zone(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError("expected an IANA time zone name", path=attribute.name)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"unknown time zone {value!r}; use an IANA name such as 'Europe/Berlin'",
            path=attribute.name,
        ) from None


def _to_hours(value: Any) -> Any:
    """Converter: accept a mapping {Weekday or 'mon': ranges} as well as a tuple."""
    if isinstance(value, Mapping):
        result: list[WeekdayHours] = []
        for key, ranges in value.items():
            try:
                day = key if isinstance(key, Weekday) else Weekday(key)
            except (ValueError, TypeError):
                names = ", ".join(repr(d.value) for d in _WEEKDAYS)
                raise ValidationError(
                    f"unknown weekday {key!r}; use one of {names}", path="hours"
                ) from None
            try:
                result.append(WeekdayHours(weekday=day, ranges=ranges))
            except ValidationError as exc:
                raise ValidationError(str(exc), path=f"hours.{day.value}") from None
        return tuple(result)
    if isinstance(value, list):
        return tuple(value)
    return value


def _to_dates(value: Any) -> Any:
    """Converter: any iterable of dates -> a sorted tuple without duplicates."""
    if isinstance(value, (list, tuple, set, frozenset)):
        try:
            return tuple(sorted(set(value)))
        except TypeError:
            return tuple(value)
    return value


def _tuple_of(kind: type) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"expected a tuple, got {type(value).__name__}", path=attribute.name
            )
        for index, item in enumerate(value):
            if not isinstance(item, kind) or (
                kind is date and isinstance(item, datetime)
            ):
                raise ValidationError(
                    f"expected {kind.__name__}, got {type(item).__name__}",
                    path=f"{attribute.name}[{index}]",
                )

    return check


def _list_to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _optional_str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValidationError(
            "expected a non-empty string or None", path=attribute.name
        )


@attrs.frozen(kw_only=True, repr=False)
class BusinessCalendar:
    """Working hours in one time zone, with holidays, closures and extra days.

    Build one with :meth:`weekdays` or :meth:`always_open`, or field by field
    (all fields are plain data and load through deskflow's converter).

    Args:
        zone: IANA time-zone name; working hours are wall-clock hours there.
        hours: the weekly hours, one :class:`WeekdayHours` per working weekday
            (a mapping ``{"mon": "09:00-17:00", ...}`` is accepted too).
        holidays: dates on which the desk is closed all day.
        closures: recurring closures (:class:`Closure`).
        extra_days: dates worked with their own hours (:class:`WorkingDay`);
            they win over ``holidays`` and country holidays.
        country: ISO 3166 code whose public holidays close the desk, taken
            from the ``holidays`` package (the ``holidays`` extra).
        subdivision: a state or region of ``country`` (``"BY"`` for Bavaria).

    >>> cal = BusinessCalendar(zone="Europe/Berlin", hours={"mon": "09:00-17:00", "sat": "10:00-14:00"})
    >>> cal
    BusinessCalendar(zone='Europe/Berlin', hours='Mon 09:00-17:00; Sat 10:00-14:00')
    >>> cal.weekly_hours
    datetime.timedelta(seconds=43200)
    """

    zone: str = attrs.field(validator=_check_zone)
    hours: tuple[WeekdayHours, ...] = attrs.field(
        converter=_to_hours, validator=_tuple_of(WeekdayHours)
    )
    holidays: tuple[date, ...] = attrs.field(
        default=(), converter=_to_dates, validator=_tuple_of(date)
    )
    closures: tuple[Closure, ...] = attrs.field(
        default=(), converter=_list_to_tuple, validator=_tuple_of(Closure)
    )
    extra_days: tuple[WorkingDay, ...] = attrs.field(
        default=(), converter=_list_to_tuple, validator=_tuple_of(WorkingDay)
    )
    country: str | None = attrs.field(default=None, validator=_optional_str)
    subdivision: str | None = attrs.field(default=None, validator=_optional_str)

    _tz: ZoneInfo = attrs.field(init=False, eq=False, hash=False, repr=False)
    _core: _Core = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        seen: set[Weekday] = set()
        for index, day in enumerate(self.hours):
            if day.weekday in seen:
                raise ValidationError(
                    f"{day.weekday.name.title()} is listed twice",
                    path=f"hours[{index}]",
                )
            seen.add(day.weekday)
        if not any(day.ranges for day in self.hours):
            raise ValidationError(
                "at least one weekday needs working hours", path="hours"
            )
        holidays = set(self.holidays)
        extra_dates: set[date] = set()
        for index, extra in enumerate(self.extra_days):
            if extra.date in extra_dates:
                raise ValidationError(
                    f"{extra.date} is listed twice", path=f"extra_days[{index}]"
                )
            if extra.date in holidays:
                raise ValidationError(
                    f"{extra.date} is both a holiday and an extra working day",
                    path=f"extra_days[{index}]",
                )
            extra_dates.add(extra.date)
        if self.subdivision is not None and self.country is None:
            raise ValidationError("a subdivision needs a country", path="subdivision")
        country_source = None
        if self.country is not None:
            country_source = _load_country(self.country, self.subdivision)
        object.__setattr__(self, "_tz", ZoneInfo(self.zone))
        object.__setattr__(self, "_core", _Core(self, country_source))

    # -- constructors ---------------------------------------------------

    @classmethod
    def weekdays(
        cls,
        hours: str | Iterable[str | TimeRange] = "09:00-17:00",
        *,
        zone: str,
        **fields: Any,
    ) -> BusinessCalendar:
        """Monday to Friday with the same hours each day.

        ``hours`` is text such as ``"09:00-12:00,13:00-17:00"`` or a list of
        :class:`TimeRange`; other fields (``holidays``, ``country``, ...) pass
        through.

        >>> BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="America/New_York")
        BusinessCalendar(zone='America/New_York', hours='Mon-Fri 09:00-12:00,13:00-17:00')
        """
        ranges = _parse_ranges(hours)
        return cls(
            zone=zone,
            hours=tuple(
                WeekdayHours(weekday=day, ranges=ranges) for day in _WEEKDAYS[:5]
            ),
            **fields,
        )

    @classmethod
    def always_open(cls, zone: str = "UTC") -> BusinessCalendar:
        """A 24×7 calendar: business time is real time.

        >>> from datetime import datetime, timedelta, timezone
        >>> cal = BusinessCalendar.always_open("Europe/Berlin")
        >>> cal.elapsed(datetime(2026, 3, 28, 12, tzinfo=timezone.utc),
        ...             datetime(2026, 3, 29, 12, tzinfo=timezone.utc))
        datetime.timedelta(days=1)
        """
        whole_day = (TimeRange(start="00:00", end="24:00"),)
        return cls(
            zone=zone,
            hours=tuple(
                WeekdayHours(weekday=day, ranges=whole_day) for day in _WEEKDAYS
            ),
        )

    # -- introspection --------------------------------------------------

    @property
    def tzinfo(self) -> ZoneInfo:
        """The calendar's zone as a ``ZoneInfo``.

        >>> BusinessCalendar.always_open("Asia/Kolkata").tzinfo
        zoneinfo.ZoneInfo(key='Asia/Kolkata')
        """
        return self._tz

    @property
    def weekly_hours(self) -> timedelta:
        """Working time of an ordinary week (wall clock, no holidays).

        >>> BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="UTC").weekly_hours
        datetime.timedelta(days=1, seconds=39600)
        """
        return timedelta(microseconds=self._core.week_open)

    def hours_on(self, day: date) -> tuple[TimeRange, ...]:
        """The wall-clock ranges worked on ``day``, after holidays, closures and extra days.

        >>> cal = BusinessCalendar.weekdays(zone="UTC", holidays=[date(2026, 1, 1)])
        >>> cal.hours_on(date(2026, 1, 1)), cal.hours_on(date(2026, 1, 2))
        ((), (TimeRange('09:00-17:00'),))
        """
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError(
                f"expected a date, got {type(day).__name__}", path="day"
            )
        return tuple(
            TimeRange(
                start=_format_seconds(start // _SECOND),
                end=_format_seconds(end // _SECOND),
            )
            for start, end in self._core.day_ranges(day.toordinal() - _EPOCH_ORDINAL)
        )

    # -- operations -----------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Tell whether the desk is open at the instant ``at`` (opening inclusive).

        >>> cal = BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")
        >>> tz = cal.tzinfo
        >>> cal.is_open(datetime(2026, 3, 2, 12, 30, tzinfo=tz)), cal.is_open(datetime(2026, 3, 2, 13, tzinfo=tz))
        (False, True)
        """
        u = _instant(at, "at")
        core = self._core
        while True:
            tables = core.tables
            if tables is not None:
                before = tables.clock_at(u)
                after = tables.clock_at(u + 1)
                if before is not None and after is not None:
                    return after > before
            core.extend_to(u)

    def next_open(self, at: datetime) -> datetime:
        """The first open instant at or after ``at`` (``at`` itself if open).

        >>> cal = BusinessCalendar.weekdays(zone="Europe/Berlin")
        >>> cal.next_open(datetime(2026, 3, 6, 18, tzinfo=cal.tzinfo)).isoformat()
        '2026-03-09T09:00:00+01:00'
        """
        u = _instant(at, "at")
        core = self._core
        while True:
            tables = core.tables
            if tables is not None:
                clock = tables.clock_at(u)
                if clock is not None:
                    found = tables.first_reaching(clock + 1)
                    if found is not None:
                        return core.to_datetime(found - 1)
            core.extend_to(u, forward=True)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of business time after ``start`` is used up.

        - A start outside working hours counts from the next opening.
        - A deadline that falls exactly at a closing time is that closing
          instant (not the next opening).
        - ``timedelta(0)`` returns ``start`` itself (in the calendar's zone).
        - A negative duration counts backwards and, mirroring the rule above,
          stops at an opening instant.

        The result is an aware datetime in the calendar's zone.

        >>> cal = BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")
        >>> tz = cal.tzinfo
        >>> cal.add(datetime(2026, 3, 2, 8, tzinfo=tz), timedelta(hours=3)).isoformat()
        '2026-03-02T12:00:00+01:00'
        >>> cal.add(datetime(2026, 3, 2, 10, tzinfo=tz), timedelta(hours=-2)).isoformat()
        '2026-02-27T16:00:00+01:00'
        """
        # conversions inlined: this is the hot path of every SLA evaluation
        try:
            span = start - _EPOCH
        except TypeError:
            ensure_aware(start, "start")
            raise  # pragma: no cover - ensure_aware always raises here
        u = span.days * _DAY + span.seconds * _SECOND + span.microseconds
        if duration.__class__ is not timedelta:
            d = _micros(duration)
        else:
            d = (
                duration.days * _DAY
                + duration.seconds * _SECOND
                + duration.microseconds
            )
        core = self._core
        if d > 0:
            tables = core.tables
            if tables is not None:
                found = tables.add(u, d)
                if found is not None:
                    seconds, micros = divmod(found, _SECOND)
                    result = _fromtimestamp(seconds, core.tz)
                    if not micros:
                        return result
                    # as in _Core.to_datetime, inlined on the hot path
                    if result.fold:
                        return result.replace(microsecond=micros)
                    return result + _US * micros
        elif d == 0:
            return core.to_datetime(u)
        if not _FIRST_U <= u + d <= _LAST_U:
            # business time is never faster than real time
            raise CalendarRangeError(_RANGE_TEXT)
        while True:
            tables = core.tables
            if tables is not None:
                clock = tables.clock_at(u)
                if clock is not None:
                    if d > 0:
                        found = tables.first_reaching(clock + d)
                        if found is not None:
                            return core.to_datetime(found)
                    else:
                        found = tables.first_reaching(clock + d + 1)
                        if found is not None:
                            return core.to_datetime(found - 1)
            core.extend_to(u, forward=d > 0)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants; negative if ``end`` is before ``start``.

        >>> cal = BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")
        >>> tz = cal.tzinfo
        >>> cal.elapsed(datetime(2026, 3, 6, 16, tzinfo=tz), datetime(2026, 3, 9, 10, tzinfo=tz))
        datetime.timedelta(seconds=7200)
        >>> cal.elapsed(datetime(2026, 3, 9, 10, tzinfo=tz), datetime(2026, 3, 6, 16, tzinfo=tz))
        datetime.timedelta(days=-1, seconds=79200)
        """
        core = self._core
        tables = core.tables
        tz = core.tz
        # A try block costs (next to) nothing until something raises, so a
        # value without .tzinfo (a str, a date) is named off the fast path.
        try:
            if tables is not None and start.tzinfo is tz and end.tzinfo is tz:
                # fast path: wall times in the calendar's zone on ordinary days,
                # where business time grows with the weekly template
                days = tables.days
                ordinal = start.toordinal()
                first = days.get(ordinal) or tables.day(ordinal)
                ordinal = end.toordinal()
                last = days.get(ordinal) or tables.day(ordinal)
                if first and last:
                    base, spans = first
                    tod = (
                        start.hour * 3_600_000_000
                        + start.minute * 60_000_000
                        + start.second * 1_000_000
                        + start.microsecond
                    )
                    for s, e in spans:
                        if tod <= s:
                            break
                        base += (e if tod >= e else tod) - s
                    span, spans = last
                    tod = (
                        end.hour * 3_600_000_000
                        + end.minute * 60_000_000
                        + end.second * 1_000_000
                        + end.microsecond
                    )
                    for s, e in spans:
                        if tod <= s:
                            break
                        span += (e if tod >= e else tod) - s
                    return _US * (span - base)
        except AttributeError:
            _instant(start, "start")
            _instant(end, "end")
            raise  # pragma: no cover - _instant raises for a non-datetime
        try:
            span_u = start - _EPOCH
            span_v = end - _EPOCH
        except TypeError:
            _instant(start, "start")
            _instant(end, "end")
            raise  # pragma: no cover - _instant raises here
        u = (
            span_u.days * 86_400_000_000
            + span_u.seconds * 1_000_000
            + span_u.microseconds
        )
        v = (
            span_v.days * 86_400_000_000
            + span_v.seconds * 1_000_000
            + span_v.microseconds
        )
        core = self._core
        while True:
            tables = core.tables
            if tables is not None:
                clock_at = tables.clock_at
                a = clock_at(u)
                if a is not None:
                    b = clock_at(v)
                    if b is not None:
                        return _US * (b - a)
            core.extend_to(u, v)

    def open_periods(self, start: datetime, end: datetime) -> tuple[OpenPeriod, ...]:
        """The open stretches between ``start`` and ``end``, clipped to that range.

        Touching ranges (an interval ending at 24:00 and one starting at 00:00
        the next day) come back as one period.

        >>> cal = BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")
        >>> tz = cal.tzinfo
        >>> for p in cal.open_periods(datetime(2026, 3, 6, 10, tzinfo=tz), datetime(2026, 3, 9, 12, tzinfo=tz)):
        ...     print(p.start.strftime("%a %H:%M"), "-", p.end.strftime("%a %H:%M"))
        Fri 10:00 - Fri 12:00
        Fri 13:00 - Fri 17:00
        Mon 09:00 - Mon 12:00
        """
        u = _instant(start, "start")
        v = _instant(end, "end")
        core = self._core
        periods: list[OpenPeriod] = []
        while u < v:
            # never search past ``end``: the calendar may not open again
            tables = core.tables
            if tables is None:
                core.extend_to(u, v)
                continue
            before, after = tables.clock_at(u), tables.clock_at(v)
            if before is None or after is None:
                core.extend_to(u, v)
                continue
            if after == before:
                break
            found = tables.first_reaching(before + 1)
            assert found is not None  # open time lies before v
            opening = found - 1
            closing = self._run_end(opening, v)
            periods.append(
                OpenPeriod(
                    start=core.to_datetime(opening), end=core.to_datetime(closing)
                )
            )
            u = closing
        return tuple(periods)

    def _ruler(self, anchor: int) -> _Ruler:
        """Business-time positions relative to ``anchor`` (UTC microseconds).

        For callers that measure many instants against one calendar, such as
        :func:`deskflow.sla.evaluate`: integers in, integers out.
        """
        return _Ruler(self._core, anchor)

    def _run_end(self, u: int, limit: int) -> int:
        """The end of the open run containing the open instant ``u``, at most ``limit``."""
        core = self._core
        while True:
            tables = core.tables
            if tables is not None:
                end = tables.run_end(u, limit)
                if end is not None:
                    return end
            core.extend_to(u, limit)

    def __repr__(self) -> str:
        parts = [f"zone={self.zone!r}", f"hours={_describe_week(self.hours)!r}"]
        if self.holidays:
            shown = ", ".join(d.isoformat() for d in self.holidays[:3])
            more = f", ... {len(self.holidays)} dates" if len(self.holidays) > 3 else ""
            parts.append(f"holidays=[{shown}{more}]")
        if self.closures:
            parts.append(f"closures={len(self.closures)}")
        if self.extra_days:
            parts.append(f"extra_days={len(self.extra_days)}")
        if self.country is not None:
            parts.append(f"country={self.country!r}")
        if self.subdivision is not None:
            parts.append(f"subdivision={self.subdivision!r}")
        return f"BusinessCalendar({', '.join(parts)})"


def _describe_week(hours: tuple[WeekdayHours, ...]) -> str:
    by_day = {day.weekday: _describe_ranges(day.ranges) for day in hours}
    runs: list[tuple[int, int, str]] = []
    for index, day in enumerate(_WEEKDAYS):
        text = by_day.get(day, "closed")
        if runs and runs[-1][2] == text and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, text)
        else:
            runs.append((index, index, text))
    names = [day.value.title() for day in _WEEKDAYS]
    return "; ".join(
        (names[a] if a == b else f"{names[a]}-{names[b]}") + " " + text
        for a, b, text in runs
        if text != "closed"
    )


def _instant(value: datetime, path: str) -> int:
    """An aware datetime -> integer microseconds since the Unix epoch (UTC)."""
    try:
        span = value - _EPOCH
    except TypeError:
        ensure_aware(value, path)
        raise  # pragma: no cover - ensure_aware always raises here
    if span.__class__ is not timedelta:  # a date minus a datetime is refused above
        ensure_aware(value, path)  # pragma: no cover
    return span.days * _DAY + span.seconds * _SECOND + span.microseconds


def _micros(duration: timedelta) -> int:
    if duration.__class__ is not timedelta and not isinstance(duration, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(duration).__name__}", path="duration"
        )
    return duration.days * _DAY + duration.seconds * _SECOND + duration.microseconds


def _load_country(country: str, subdivision: str | None) -> Any:
    try:
        # import_module, not an import statement: a compiled import statement
        # takes a None left in sys.modules (an import refused) for the module
        holidays_package = importlib.import_module("holidays")
    except ImportError as exc:
        raise HolidaysUnavailable(
            f"country holidays for {country!r} need the 'holidays' package: "
            'pip install "deskflow[holidays]"'
        ) from exc
    try:
        holidays_package.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as exc:
        path = "subdivision" if "subdiv" in str(exc).lower() else "country"
        raise ValidationError(str(exc), path=path) from None

    def dates_in(year: int) -> frozenset[date]:
        found = holidays_package.country_holidays(
            country, subdiv=subdivision, years=year
        )
        return frozenset(day for day in found if day.year == year)

    return dates_in


# ---------------------------------------------------------------------------
# The engine. Everything below works on integers: "u" is UTC microseconds since
# the epoch, "w" wall-clock microseconds since 1970-01-01 00:00 in the
# calendar's zone, "D" a day number (0 = 1970-01-01).
#
# The business clock B(u) is the open time from a fixed origin up to u, so
# elapsed(a, b) = B(b) - B(a) and add(a, d) is the smallest u with
# B(u) >= B(a) + d. Ordinary days follow a weekly template whose open time up
# to a wall position is G(w) (week arithmetic plus a bisect). The days that
# do not follow it (holidays, closures, extra days, DST transition days and
# each 1 January as a sentinel) are "entries" with their exact UTC intervals.
# Between two entries the UTC offset is constant, so B(u) = G(u + o) + K there.
# ---------------------------------------------------------------------------


class _Tables:
    """An immutable snapshot of the entries for a range of years."""

    __slots__ = (
        "clock_end",
        "clock_start",
        "days",
        "entry_end",
        "entry_intervals",
        "entry_start",
        "offset_after",
        "shift_after",
        "shifted_offset",
        "t_cum_before",
        "t_cum_end",
        "t_ends",
        "t_starts",
        "wall_end",
        "wall_start",
        "week_open",
        "year_high",
        "year_low",
    )

    def __init__(self, core: _Core, year_low: int, year_high: int) -> None:
        self.year_low = year_low
        self.year_high = year_high
        self.t_starts = core.t_starts
        self.t_ends = core.t_ends
        self.t_cum_before = core.t_cum_before
        self.t_cum_end = core.t_cum_end
        self.week_open = core.week_open
        entries = core.build_entries(year_low, year_high)
        self.entry_start = [e[0] for e in entries]
        self.entry_end = [e[1] for e in entries]
        self.entry_intervals = [e[2] for e in entries]
        self.offset_after = [e[3] for e in entries]
        self.wall_start = [e[4] for e in entries]
        self.wall_end = [e[5] for e in entries]
        clock_start: list[int] = []
        clock_end: list[int] = []
        shift_after: list[int] = []
        clock = self.template_clock(entries[0][4])
        for index, (a, b, intervals, offset, _wall_start, _wall_end) in enumerate(
            entries
        ):
            if index:
                # the regular stretch before this entry
                clock = self.template_clock(a + entries[index - 1][3]) + shift_after[-1]
            clock_start.append(clock)
            clock += sum(e - s for s, e in intervals)
            clock_end.append(clock)
            shift_after.append(clock - self.template_clock(b + offset))
        self.clock_start = clock_start
        self.clock_end = clock_end
        self.shift_after = shift_after
        self.shifted_offset = [offset + _SHIFT for offset in self.offset_after]
        # date ordinal -> (B at the day's wall 00:00, the day's open spans)
        self.days: dict[int, _Day] = {}

    def day(self, ordinal: int) -> _Day:
        """An ordinary day's clock at wall 00:00 and its open spans (memoized).

        ``()`` for a day that is not ordinary (an irregular entry such as a
        holiday or a DST change touches it) or lies outside the years
        covered: callers then take the general path. On an ordinary day B
        grows exactly with the template, so a wall time-of-day ``tod`` is at
        ``B = base + sum of the spans' parts before tod``.
        """
        found = self.days.get(ordinal)
        if found is not None:
            return found
        w = (ordinal - _EPOCH_ORDINAL) * _DAY
        wall_start = self.wall_start
        j = bisect_right(wall_start, w + _DAY - 1) - 1
        if j < 0 or j == len(wall_start) - 1 or w < self.wall_end[j]:
            result: _Day = ()
        else:
            base = self.clock_at_wall(w)
            assert base is not None  # the day is ordinary, so its start is
            pos0 = (w + _SHIFT) % _WEEK
            result = (
                base,
                tuple(
                    (max(s, pos0) - pos0, min(e, pos0 + _DAY) - pos0)
                    for s, e in zip(self.t_starts, self.t_ends, strict=True)
                    if s < pos0 + _DAY and e > pos0
                ),
            )
        self.days[ordinal] = result
        return result

    def template_clock(self, w: int) -> int:
        """G(w): template open time from the origin week to wall position w."""
        weeks, pos = divmod(w + _SHIFT, _WEEK)
        i = bisect_right(self.t_starts, pos) - 1
        if i < 0:
            return weeks * self.week_open
        end = self.t_ends[i]
        if pos >= end:
            return weeks * self.week_open + self.t_cum_end[i]
        return weeks * self.week_open + self.t_cum_before[i] + pos - self.t_starts[i]

    def clock_at(self, u: int) -> int | None:
        """B(u), or None when u lies outside the years covered."""
        # (list items go through typed locals: compiled, the arithmetic is C's)
        entry_start = self.entry_start
        j = bisect_right(entry_start, u) - 1
        if j < 0:
            return None
        end: int = self.entry_end[j]
        if u < end:
            clock: int = self.clock_start[j]
            for s, e in self.entry_intervals[j]:
                if u <= s:
                    break
                clock += (e if u >= e else u) - s
            return clock
        if j == len(entry_start) - 1:
            return None
        # inline template_clock: this is the hot path
        shifted: int = self.shifted_offset[j]
        shift: int = self.shift_after[j]
        weeks, pos = divmod(u + shifted, _WEEK)
        t_starts = self.t_starts
        i = bisect_right(t_starts, pos) - 1
        if i < 0:
            return weeks * self.week_open + shift
        end = self.t_ends[i]
        if pos >= end:
            cum: int = self.t_cum_end[i]
            return weeks * self.week_open + cum + shift
        cum = self.t_cum_before[i]
        start: int = t_starts[i]
        return weeks * self.week_open + cum + pos - start + shift

    def clock_at_wall(self, w: int) -> int | None:
        """B at wall time w when w lies on an ordinary day (one instant), else None.

        Ordinary days have no DST change, so the wall time is unambiguous and
        the UTC offset is not needed at all.
        """
        wall_start = self.wall_start
        j = bisect_right(wall_start, w) - 1
        if j < 0 or w < self.wall_end[j] or j == len(wall_start) - 1:
            return None
        weeks, pos = divmod(w + _SHIFT, _WEEK)
        t_starts = self.t_starts
        i = bisect_right(t_starts, pos) - 1
        if i < 0:
            return weeks * self.week_open + self.shift_after[j]
        if pos >= self.t_ends[i]:
            return weeks * self.week_open + self.t_cum_end[i] + self.shift_after[j]
        return (
            weeks * self.week_open
            + self.t_cum_before[i]
            + pos
            - t_starts[i]
            + self.shift_after[j]
        )

    def add(self, u: int, d: int) -> int | None:
        """first_reaching(clock_at(u) + d) for d > 0, fused for speed."""
        entry_start = self.entry_start
        j = bisect_right(entry_start, u) - 1
        if j < 0:
            return None
        if u < self.entry_end[j]:
            clock = self.clock_start[j]
            for s, e in self.entry_intervals[j]:
                if u <= s:
                    break
                clock += (e if u >= e else u) - s
        elif j == len(entry_start) - 1:
            return None
        else:
            weeks, pos = divmod(u + self.offset_after[j] + _SHIFT, _WEEK)
            t_starts = self.t_starts
            i = bisect_right(t_starts, pos) - 1
            if i < 0:
                inner = 0
            elif pos >= self.t_ends[i]:
                inner = self.t_cum_end[i]
            else:
                inner = self.t_cum_before[i] + pos - t_starts[i]
            clock = weeks * self.week_open + inner + self.shift_after[j]
            # common case: the target lies in the same regular stretch
            target = clock + d
            if target <= self.clock_start[j + 1]:
                weeks, rest = divmod(target - self.shift_after[j] - 1, self.week_open)
                rest += 1
                k = bisect_left(self.t_cum_end, rest)
                return (
                    weeks * _WEEK
                    + t_starts[k]
                    + rest
                    - self.t_cum_before[k]
                    - _SHIFT
                    - self.offset_after[j]
                )
        return self.first_reaching(clock + d)

    def first_reaching(self, target: int) -> int | None:
        """The smallest u with B(u) >= target, or None outside the years covered."""
        clock_end = self.clock_end
        i = bisect_left(clock_end, target)
        if i == len(clock_end):
            return None
        start: int = self.clock_start[i]
        if start < target:
            rest = target - start
            for s, e in self.entry_intervals[i]:
                if s + rest <= e:
                    return s + rest
                rest -= e - s
            raise AssertionError("entry clock out of step")  # pragma: no cover
        if i == 0:
            return None
        shift: int = self.shift_after[i - 1]
        weeks, rest = divmod(target - shift - 1, self.week_open)
        rest += 1
        k = bisect_left(self.t_cum_end, rest)
        start = self.t_starts[k]
        cum: int = self.t_cum_before[k]
        offset: int = self.offset_after[i - 1]
        return weeks * _WEEK + start + rest - cum - _SHIFT - offset

    def run_end(self, u: int, limit: int) -> int | None:
        """For an open instant u, the end of its open run, at most ``limit``."""
        while u < limit:
            clock = self.clock_at(u)
            if clock is None:
                return None
            j = bisect_right(self.entry_start, u) - 1
            if u < self.entry_end[j]:
                end = next(e for s, e in self.entry_intervals[j] if s <= u < e)
            else:
                offset = self.offset_after[j]
                weeks, pos = divmod(u + offset + _SHIFT, _WEEK)
                i = bisect_right(self.t_starts, pos) - 1
                end = weeks * _WEEK + self.t_ends[i] - _SHIFT - offset
                end = min(end, self.entry_start[j + 1])
            after = self.clock_at(end)
            if after is None:
                return None
            probe = self.clock_at(end + 1)
            if probe is None:
                return None
            if probe == after:
                return min(end, limit)
            u = end
        return limit

    def check_not_idle(self, origin: int, *, forward: bool) -> None:
        """Refuse to search on when the search has crossed years without open time.

        Called before the tables grow for a search from ``origin`` (``add``,
        ``next_open``) whose answer lies beyond them: if the last (or, going
        backwards, first) :data:`_IDLE_YEARS` years of the tables lie on the
        search's way and hold no open time, the calendar's closures have
        taken every working day, and growing on would only build tables up to
        the year 9997 before failing. Idle years behind ``origin`` (left
        there by an earlier search the other way) do not count.
        """
        if forward:
            first, last = self.year_high + 1 - _IDLE_YEARS, self.year_high
            cut = _new_year(first)
            idle = (
                origin <= cut
                and first > self.year_low
                and self.clock_at(cut) == self.clock_end[-1]
            )
        else:
            first, last = self.year_low, self.year_low + _IDLE_YEARS - 1
            cut = _new_year(last + 1)
            idle = (
                cut <= origin
                and last < self.year_high
                and self.clock_at(cut) == self.clock_start[0]
            )
        if idle:
            raise CalendarRangeError(
                f"the calendar has no open time from {first} to {last}, so no "
                "business time can be counted across those years; check its "
                "closures"
            )


class _Ruler:
    """Business time on one calendar counted from an anchor instant, in integers.

    ``position(u)`` is the open time from the anchor to ``u`` (negative
    before it), so ``elapsed(a, b) == position(b) - position(a)``; and
    ``reach(p)`` is the earliest instant whose position is at least ``p``,
    so ``add(a, d) == reach(position(a) + d)`` for ``d > 0``. Positions do
    not depend on which table snapshot computed them, so a ruler switches to
    wider tables when an instant falls outside the ones it holds.
    """

    __slots__ = ("anchor", "base", "clock_at", "core", "tables")

    def __init__(self, core: _Core, anchor: int) -> None:
        self.core = core
        self.anchor = anchor
        tables = core.tables
        base = tables.clock_at(anchor) if tables is not None else None
        if tables is not None and base is not None:
            self.tables = tables
            self.base = base
            self.clock_at = tables.clock_at
        else:
            self._load(anchor)

    def _load(self, *instants: int, forward: bool | None = None) -> None:
        core = self.core
        anchor = self.anchor
        while True:
            tables = core.tables
            if tables is not None:
                base = tables.clock_at(anchor)
                if base is not None and all(
                    tables.clock_at(u) is not None for u in instants
                ):
                    break
            core.extend_to(anchor, *instants, forward=forward)
        self.tables = tables
        self.base = base
        self.clock_at = tables.clock_at

    def position(self, u: int) -> int:
        """Open time from the anchor to ``u``, in microseconds."""
        found = self.tables.clock_at(u)
        if found is None:
            self._load(u)
            found = self.tables.clock_at(u)
            assert found is not None
        return found - self.base

    def reach(self, position: int) -> int:
        """The smallest instant whose position is at least ``position``."""
        while True:
            tables = self.tables
            target = position + self.base
            found = tables.first_reaching(target)
            if found is not None:
                return found
            # beyond the tables' last entry, or before their first one: grow
            # them (they already cover the anchor, so extend_to doubles them)
            self.core.extend_to(self.anchor, forward=target > tables.clock_start[0])
            self._load()


class _ClosureDates:
    """The dates of one closure by year, read from its rule once and in order.

    ``Closure.dates_in`` walks the rule from its first date on every call, so
    asking for each year in turn costs time quadratic in the number of years
    (a daily closure met by a search over two centuries took seconds). This
    reader keeps one iterator and files the dates by year as it goes.
    """

    __slots__ = ("by_year", "complete_to", "occurrences")

    def __init__(self, closure: Closure) -> None:
        self.occurrences: Iterator[datetime] | None = iter(closure._rruleset)
        self.by_year: dict[int, set[date]] = {}
        self.complete_to = closure.start.year - 1  # years read in full

    def dates_in(self, year: int) -> frozenset[date]:
        occurrences = self.occurrences
        if year > self.complete_to and occurrences is not None:
            by_year = self.by_year
            for when in occurrences:
                day = when.date()
                found = by_year.get(day.year)
                if found is None:
                    by_year[day.year] = {day}
                else:
                    found.add(day)
                if day.year > year:
                    self.complete_to = day.year - 1
                    break
            else:
                self.occurrences = None
        return frozenset(self.by_year.get(year, ()))


class _Core:
    """Per-calendar precomputed data and the lazily grown table of entries."""

    __slots__ = (
        "calendar",
        "closure_dates",
        "closure_readers",
        "country_dates",
        "country_source",
        "extra",
        "holiday_set",
        "spare_tables",
        "t_cum_before",
        "t_cum_end",
        "t_ends",
        "t_starts",
        "tables",
        "transitions",
        "tz",
        "week_open",
        "weekly",
    )

    def __init__(self, calendar: BusinessCalendar, country_source: Any) -> None:
        self.calendar = calendar
        self.tz = ZoneInfo(calendar.zone)
        self.country_source = country_source
        weekly: list[tuple[tuple[int, int], ...]] = [()] * 7
        for day in calendar.hours:
            weekly[day.weekday.index] = tuple(
                (s * _SECOND, e * _SECOND) for s, e in _range_seconds(day.ranges)
            )
        self.weekly = tuple(weekly)
        starts: list[int] = []
        ends: list[int] = []
        for index, ranges in enumerate(self.weekly):
            for s, e in ranges:
                s, e = s + index * _DAY, e + index * _DAY
                if ends and ends[-1] == s:
                    ends[-1] = e
                else:
                    starts.append(s)
                    ends.append(e)
        cum_before: list[int] = []
        cum_end: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            cum_before.append(total)
            total += e - s
            cum_end.append(total)
        self.t_starts, self.t_ends = starts, ends
        self.t_cum_before, self.t_cum_end = cum_before, cum_end
        self.week_open = total
        self.holiday_set = frozenset(calendar.holidays)
        self.extra = {
            extra.date: tuple(
                (s * _SECOND, e * _SECOND) for s, e in _range_seconds(extra.ranges)
            )
            for extra in calendar.extra_days
        }
        self.closure_dates: dict[int, list[frozenset[date]]] = {}
        self.closure_readers = tuple(_ClosureDates(c) for c in calendar.closures)
        self.country_dates: dict[int, frozenset[date]] = {}
        self.transitions: dict[int, tuple[tuple[int, int, int], ...]] = {}
        self.tables: _Tables | None = None
        self.spare_tables: tuple[_Tables, ...] = ()

    # -- conversions ----------------------------------------------------

    def to_datetime(self, u: int) -> datetime:
        seconds, micros = divmod(u, _SECOND)
        # fromtimestamp sets fold right; transitions fall on whole seconds,
        # so adding the microseconds afterwards cannot cross one. Adding a
        # timedelta keeps the wall time but sets fold to 0: right except in
        # the second pass of a repeated hour, which takes replace() (about
        # four times slower than the addition).
        result = _fromtimestamp(seconds, self.tz)
        if not micros:
            return result
        if result.fold:
            return result.replace(microsecond=micros)
        return result + _US * micros

    # -- growing the tables ---------------------------------------------

    def extend_to(self, *instants: int, forward: bool | None = None) -> None:
        """Make the tables cover the years of ``instants``.

        If they already do, grow them (doubling the span) in the direction
        asked, or both ways. Tables cover one contiguous range of years; a
        request far from it gets its own tables (the last few are kept), so
        one query about the year 2300 does not make every later query pay
        for three centuries of entries.

        Growing stops at the supported years; a search that cannot grow
        further, or that has crossed :data:`_IDLE_YEARS` without open time,
        raises :class:`CalendarRangeError`.
        """
        years = [
            _year_of(u + margin) for u in instants for margin in (-2 * _DAY, 2 * _DAY)
        ]
        low, high = min(years), max(years)
        if low < _MIN_YEAR or high > _MAX_YEAR:
            raise CalendarRangeError(_RANGE_TEXT)
        tables = self.tables
        candidates = ((tables,) if tables is not None else ()) + self.spare_tables
        chosen = None
        for candidate in candidates:
            if (
                candidate.year_low - _NEAR <= low
                and high <= candidate.year_high + _NEAR
            ):
                chosen = candidate
                break
        if (
            chosen is not None
            and chosen is not tables
            and chosen.year_low <= low
            and high <= chosen.year_high
        ):
            # kept tables already cover the request: swap them in
            self.spare_tables = tuple(t for t in candidates if t is not chosen)
            self.tables = chosen
            return
        if chosen is not None:
            new_low = min(chosen.year_low, low)
            new_high = max(chosen.year_high, high)
            if (new_low, new_high) == (chosen.year_low, chosen.year_high):
                # the tables hold the instants but not the answer: a search
                if forward is not None:
                    origin = max(instants) if forward else min(instants)
                    chosen.check_not_idle(origin, forward=forward)
                span = new_high - new_low + 1
                if forward is not False:
                    new_high = min(new_high + span, _MAX_YEAR)
                if forward is not True:
                    new_low = max(new_low - span, _MIN_YEAR)
                if (new_low, new_high) == (chosen.year_low, chosen.year_high):
                    raise CalendarRangeError(_RANGE_TEXT)
            low, high = new_low, new_high
        fresh = _Tables(self, low, high)
        self.spare_tables = tuple(
            t for t in candidates if t is not chosen and t is not fresh
        )[:3]
        self.tables = fresh

    # -- what each day looks like ---------------------------------------

    def is_holiday(self, day: date) -> bool:
        if day in self.holiday_set:
            return True
        if self.country_source is None:
            return False
        return day in self._country_year(day.year)

    def _country_year(self, year: int) -> frozenset[date]:
        found = self.country_dates.get(year)
        if found is None:
            found = self.country_source(year)
            self.country_dates[year] = found
        return found

    def _closure_year(self, year: int) -> list[frozenset[date]]:
        found = self.closure_dates.get(year)
        if found is None:
            found = [reader.dates_in(year) for reader in self.closure_readers]
            self.closure_dates[year] = found
        return found

    def day_ranges(self, day_number: int) -> tuple[tuple[int, int], ...]:
        """Wall-clock (start, end) microseconds within the day, all rules applied."""
        day = date.fromordinal(day_number + _EPOCH_ORDINAL)
        ranges = self.extra.get(day)
        if ranges is None:
            ranges = () if self.is_holiday(day) else self.weekly[day.weekday()]
        for closure, dates in zip(
            self.calendar.closures, self._closure_year(day.year), strict=True
        ):
            if day in dates:
                ranges = _subtract(
                    ranges,
                    tuple(
                        (s * _SECOND, e * _SECOND)
                        for s, e in _range_seconds(closure.ranges)
                    ),
                )
        return ranges

    def special_days(self, year: int) -> set[int]:
        """Day numbers of the year that may differ from the weekly template."""
        days = {date(year, 1, 1)}
        days.update(d for d in self.holiday_set if d.year == year)
        days.update(d for d in self.extra if d.year == year)
        if self.country_source is not None:
            days.update(self._country_year(year))
        for dates in self._closure_year(year):
            days.update(dates)
        return {d.toordinal() - _EPOCH_ORDINAL for d in days}

    # -- time zone ------------------------------------------------------

    def _year_transitions(self, year: int) -> tuple[tuple[int, int, int], ...]:
        found = self.transitions.get(year)
        if found is None:
            found = _probe_transitions(self.tz, year)
            self.transitions[year] = found
        return found

    def build_entries(
        self, year_low: int, year_high: int
    ) -> list[tuple[int, int, tuple[tuple[int, int], ...], int, int, int]]:
        """Entries (utc start, utc end, open intervals, offset after, wall start, wall end)."""
        merged: dict[int, tuple[int, int]] = {}
        for year in range(year_low - 1, year_high + 2):
            for at, before, after in self._year_transitions(year):
                merged[at] = (before, after)
        moments = sorted(merged)
        offsets_after = [merged[m][1] for m in moments]
        low_probe = max(
            _EPOCH
            + timedelta(days=date(year_low - 1, 1, 1).toordinal() - _EPOCH_ORDINAL),
            _EARLIEST_PROBE,
        )
        offset_first = (
            merged[moments[0]][0] if moments else _offset_of(self.tz, low_probe)
        )

        def offset_at(u: int) -> int:
            k = bisect_right(moments, u) - 1
            return offset_first if k < 0 else offsets_after[k]

        def preimage(w_low: int, w_high: int) -> list[tuple[int, int]]:
            """UTC intervals whose wall-clock reading lies in [w_low, w_high)."""
            out: list[tuple[int, int]] = []
            k = bisect_right(moments, w_low - 2 * _DAY) - 1
            while True:
                piece_start = moments[k] if k >= 0 else None
                piece_end = moments[k + 1] if k + 1 < len(moments) else None
                offset = offset_first if k < 0 else offsets_after[k]
                s = w_low - offset
                e = w_high - offset
                if piece_start is not None and s < piece_start:
                    s = piece_start
                if piece_end is not None and e > piece_end:
                    e = piece_end
                if s < e:
                    out.append((s, e))
                if piece_end is None or piece_end > w_high + 2 * _DAY:
                    return out
                k += 1

        first_day = date(year_low, 1, 1).toordinal() - _EPOCH_ORDINAL
        sentinel = date(year_high + 1, 1, 1).toordinal() - _EPOCH_ORDINAL
        days: set[int] = {sentinel}
        for year in range(year_low, year_high + 1):
            days.update(self.special_days(year))
        for at, before, after in ((m, merged[m][0], merged[m][1]) for m in moments):
            day_before = (at - 1 + before) // _DAY
            day_after = (at + after) // _DAY
            for day in range(
                min(day_before, day_after), max(day_before, day_after) + 1
            ):
                if first_day <= day <= sentinel:
                    days.add(day)
        entries: list[list[Any]] = []
        for day in sorted(days):
            span = preimage(day * _DAY, (day + 1) * _DAY)
            if not span:
                # a date skipped by the zone (Samoa, 2011-12-30): no instant
                # shows it, but a wall time on it names one (PEP 495), so it
                # must not read as an ordinary day; the entry before covers it
                if entries:
                    entries[-1][5] = max(entries[-1][5], (day + 1) * _DAY)
                continue
            intervals: list[tuple[int, int]] = []
            for s, e in self.day_ranges(day):
                intervals.extend(preimage(day * _DAY + s, day * _DAY + e))
            a, b = span[0][0], span[-1][1]
            if entries and a < entries[-1][1]:
                # a fold across midnight interleaves two dates: one entry
                last = entries[-1]
                last[1] = max(last[1], b)
                last[2] = sorted(last[2] + intervals)
                last[5] = max(last[5], (day + 1) * _DAY)
            else:
                entries.append(
                    [a, b, sorted(intervals), 0, day * _DAY, (day + 1) * _DAY]
                )
        for entry in entries:
            entry[2] = tuple(_merge_touching(entry[2]))
            entry[3] = offset_at(entry[1])
        return [(a, b, iv, o, w, x) for a, b, iv, o, w, x in entries]


def _merge_touching(intervals: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    current: list[int] | None = None
    for s, e in intervals:
        if current is not None and s <= current[1]:
            current[1] = max(current[1], e)
            continue
        if current is not None:
            yield current[0], current[1]
        current = [s, e]
    if current is not None:
        yield current[0], current[1]


def _subtract(
    ranges: tuple[tuple[int, int], ...], closed: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    result = list(ranges)
    for cs, ce in closed:
        kept: list[tuple[int, int]] = []
        for s, e in result:
            if ce <= s or cs >= e:
                kept.append((s, e))
                continue
            if s < cs:
                kept.append((s, cs))
            if ce < e:
                kept.append((ce, e))
        result = kept
    return tuple(result)


def _year_of(u: int) -> int:
    day = u // _DAY + _EPOCH_ORDINAL
    if not 1 <= day <= date.max.toordinal():
        raise CalendarRangeError(_RANGE_TEXT)
    return date.fromordinal(day).year


def _new_year(year: int) -> int:
    """1 January of ``year``, 00:00 UTC, in microseconds since the epoch."""
    return (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY


def _offset_of(tz: tzinfo, at_utc: datetime) -> int:
    offset = at_utc.astimezone(tz).utcoffset()
    return 0 if offset is None else offset // _US


def _probe_transitions(tz: tzinfo, year: int) -> tuple[tuple[int, int, int], ...]:
    """UTC offset changes around ``year``: (utc micros, offset before, offset after).

    ``zoneinfo`` does not expose its transition table, so the offset is
    sampled every six hours and each change is narrowed to the second.
    """
    step = timedelta(hours=6)
    # from two days before the year (1 January of the year 1 has no day before)
    low = (
        datetime(year, 1, 1, tzinfo=timezone.utc) - timedelta(days=2)
        if year > 1
        else _EARLIEST_PROBE
    )
    high = datetime(year + 1, 1, 1, tzinfo=timezone.utc) + timedelta(days=2)
    found: list[tuple[int, int, int]] = []
    previous_at, previous = low, _offset_of(tz, low)
    at = low + step
    while at <= high:
        offset = _offset_of(tz, at)
        if offset != previous:
            lo, hi = previous_at, at
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid -= timedelta(microseconds=mid.microsecond)
                if _offset_of(tz, mid) == previous:
                    lo = mid
                else:
                    hi = mid
            found.append(((hi - _EPOCH) // _US, previous, offset))
        previous_at, previous = at, offset
        at += step
    return tuple(found)
