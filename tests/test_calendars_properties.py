"""Property tests for deskflow.calendars, and a minute-stepping oracle.

The oracle re-derives open time from the definition (an instant is open when
the calendar's wall clock shows a time inside that date's ranges) by looking
at every minute, so it shares no code with the fast path. Calendars here use
a 30-minute grid and the zones chosen move their clocks on whole half hours,
so the open state is constant within each minute.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calendar_oracle import NoOpenTime, Oracle
from deskflow.calendars import (
    BusinessCalendar,
    Closure,
    Weekday,
    WeekdayHours,
    WorkingDay,
)

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
US = timedelta(microseconds=1)
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
)
# DST transitions of 2026 in the zones above, and New Year.
ANCHORS = (
    datetime(2026, 3, 8, 7, tzinfo=UTC),  # New York springs forward
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # Berlin springs forward
    datetime(2026, 4, 4, 15, tzinfo=UTC),  # Lord Howe falls back 30 min
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Lord Howe springs forward 30 min
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # Berlin falls back
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York falls back
    datetime(2026, 12, 31, 23, tzinfo=UTC),  # New Year
)


def _text(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


@st.composite
def day_ranges(draw: st.DrawFn, *, allow_empty: bool = True) -> str:
    """A comma-separated range spec on a 30-minute grid (00:00 to 24:00)."""
    points = draw(
        st.lists(
            st.integers(0, 48),
            min_size=0 if allow_empty else 2,
            max_size=6,
            unique=True,
        ).map(sorted)
    )
    if len(points) % 2:
        points = points[:-1]
    return ",".join(
        f"{_text(a)}-{_text(b)}" for a, b in zip(points[::2], points[1::2], strict=True)
    )


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    zone = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        return BusinessCalendar.always_open(zone)
    specs = draw(st.lists(day_ranges(), min_size=7, max_size=7))
    if not any(specs):
        specs[0] = draw(day_ranges(allow_empty=False))
    hours = tuple(
        WeekdayHours(weekday=day, ranges=spec)
        for day, spec in zip(Weekday, specs, strict=True)
        if spec
    )
    around = draw(st.sampled_from(ANCHORS)).date()
    nearby = st.integers(-4, 8).map(lambda n: around + timedelta(days=n))
    holidays = draw(st.lists(nearby, max_size=3, unique=True))
    extra_days = tuple(
        WorkingDay(date=d, ranges=draw(day_ranges(allow_empty=False)))
        for d in draw(st.lists(nearby, max_size=2, unique=True))
        if d not in holidays
    )
    closures: tuple[Closure, ...] = ()
    closed = draw(
        st.sampled_from(
            [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY, Weekday.SUNDAY]
        )
    )
    # A weekly closure on the only working weekday could shut the calendar
    # for good (add then raises CalendarRangeError): keep another day open.
    others_open = any(
        spec for day, spec in zip(Weekday, specs, strict=True) if day is not closed
    )
    if others_open and draw(st.booleans()):
        closures = (
            Closure(
                rule=f"FREQ=WEEKLY;BYDAY={closed.name[:2]}",
                start=date(2026, 1, 1),
                ranges=draw(day_ranges(allow_empty=False)),
            ),
        )
    return BusinessCalendar(
        zone=zone,
        hours=hours,
        holidays=holidays,
        extra_days=extra_days,
        closures=closures,
    )


def minute_starts() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda anchor, minutes: anchor + minutes * MINUTE,
        st.sampled_from(ANCHORS),
        st.integers(-3 * 1440, 3 * 1440),
    )


def any_starts() -> st.SearchStrategy[datetime]:
    zones = st.sampled_from([UTC, *(ZoneInfo(z) for z in ZONES)])
    return st.builds(
        lambda anchor, micros, tz: (anchor + micros * US).astimezone(tz),
        st.sampled_from(ANCHORS),
        st.integers(-10 * 86_400 * 10**6, 10 * 86_400 * 10**6),
        zones,
    )


def utc(value: datetime) -> datetime:
    """Compare instants in UTC: Python compares two datetimes sharing a tzinfo
    by wall clock, ignoring fold, which is wrong inside a repeated hour."""
    return value.astimezone(UTC)


durations = st.integers(0, 400 * 3600 * 10**6).map(lambda n: n * US)


# -- the oracle (tests/calendar_oracle.py) ------------------------------------------


@settings(max_examples=40)
@given(calendars(), minute_starts(), st.integers(1, 900))
def test_add_agrees_with_the_oracle(
    cal: BusinessCalendar, start: datetime, minutes: int
) -> None:
    assume(cal.weekly_hours >= timedelta(minutes=minutes))
    try:
        expected = Oracle(cal).add(start, minutes)
    except NoOpenTime:
        assume(False)  # closures take every working hour near start
    assert utc(cal.add(start, minutes * MINUTE)) == utc(expected)


@settings(max_examples=40)
@given(calendars(), minute_starts(), st.integers(0, 4 * 1440))
def test_elapsed_agrees_with_the_oracle(
    cal: BusinessCalendar, start: datetime, minutes: int
) -> None:
    end = start + minutes * MINUTE
    assert cal.elapsed(start, end) == Oracle(cal).elapsed(start, end)


@settings(max_examples=40)
@given(calendars(), minute_starts())
def test_is_open_and_next_open_agree_with_the_oracle(
    cal: BusinessCalendar, start: datetime
) -> None:
    oracle = Oracle(cal)
    assert cal.is_open(start) == oracle.is_open(start)
    try:
        expected = oracle.next_open(start)
    except NoOpenTime:
        assume(False)  # closures take every working hour near start
    assert utc(cal.next_open(start)) == utc(expected)


# -- algebraic properties of the fast path ---------------------------------------------


@given(calendars(), any_starts(), durations, durations)
def test_add_composes(
    cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    assert utc(cal.add(cal.add(start, a), b)) == utc(cal.add(start, a + b))
    assert utc(cal.add(cal.add(start, -a), -b)) == utc(cal.add(start, -(a + b)))


@given(calendars(), any_starts(), durations)
def test_elapsed_inverts_add(
    cal: BusinessCalendar, start: datetime, d: timedelta
) -> None:
    assert cal.elapsed(start, cal.add(start, d)) == d
    assert cal.elapsed(start, cal.add(start, -d)) == -d


@given(calendars(), any_starts(), durations, durations)
def test_add_is_monotone(
    cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    small, large = sorted((a, b))
    assert utc(cal.add(start, small)) <= utc(cal.add(start, large))
    later = utc(start) + abs(
        a - b
    )  # in UTC: aware arithmetic within one zone is wall-clock
    assert utc(cal.add(start, a)) <= utc(cal.add(later, a))
    assert utc(cal.add(start, -a)) <= utc(cal.add(later, -a))


@given(calendars(), any_starts(), durations)
def test_deadline_lies_in_open_time_or_at_its_closing(
    cal: BusinessCalendar, start: datetime, d: timedelta
) -> None:
    assume(d > timedelta(0))
    deadline = cal.add(start, d)
    # the last microsecond used was open; the deadline itself may be a closing instant
    assert cal.is_open(deadline - US)
    assert deadline.tzinfo is cal.tzinfo
    backwards = cal.add(start, -d)
    assert cal.is_open(backwards)


@given(calendars(), any_starts(), durations)
def test_backwards_undoes_forwards_from_the_opening(
    cal: BusinessCalendar, start: datetime, d: timedelta
) -> None:
    assume(d > timedelta(0))
    assert utc(cal.add(cal.add(start, d), -d)) == utc(cal.next_open(start))


@given(calendars(), any_starts(), any_starts())
def test_elapsed_is_antisymmetric_and_bounded(
    cal: BusinessCalendar, a: datetime, b: datetime
) -> None:
    forward = cal.elapsed(a, b)
    assert cal.elapsed(b, a) == -forward
    assert abs(forward) <= abs(utc(b) - utc(a))


@given(
    calendars(), any_starts(), st.integers(1, 5 * 86_400 * 10**6).map(lambda n: n * US)
)
def test_open_periods_sum_to_elapsed(
    cal: BusinessCalendar, start: datetime, span: timedelta
) -> None:
    end = utc(start) + span
    periods = cal.open_periods(start, end)
    assert sum((p.duration for p in periods), timedelta(0)) == cal.elapsed(start, end)
    for before, after in pairwise(periods):
        assert utc(before.end) < utc(after.start)
    for p in periods:
        assert cal.is_open(p.start)
        assert not cal.is_open(p.end) or utc(p.end) == end


@given(calendars(), any_starts(), any_starts())
def test_inputs_in_the_calendar_zone_agree_with_utc_inputs(
    cal: BusinessCalendar, a: datetime, b: datetime
) -> None:
    local_a, local_b = a.astimezone(cal.tzinfo), b.astimezone(cal.tzinfo)
    # UTC inputs first: they build the tables, so the local inputs then take
    # the wall-time fast path (ordinary days read from the per-day memo).
    expected = cal.elapsed(utc(a), utc(b))
    assert cal.elapsed(local_a, local_b) == expected
    assert cal.elapsed(local_b, local_a) == -expected
    d = abs(utc(b) - utc(a))
    assert utc(cal.add(local_a, d)) == utc(cal.add(utc(a), d))


# -- the integer ruler that SLA evaluation measures with ---------------------------


def _micros(value: datetime) -> int:
    return (value - datetime(1970, 1, 1, tzinfo=UTC)) // US


@given(calendars(), any_starts(), any_starts(), any_starts())
def test_ruler_positions_are_elapsed_time_from_the_anchor(
    cal: BusinessCalendar, anchor: datetime, a: datetime, b: datetime
) -> None:
    ruler = cal._ruler(_micros(anchor))
    assert ruler.position(_micros(anchor)) == 0
    assert ruler.position(_micros(a)) * US == cal.elapsed(anchor, a)
    assert (ruler.position(_micros(b)) - ruler.position(_micros(a))) * US == (
        cal.elapsed(a, b)
    )


@given(calendars(), any_starts(), any_starts(), durations)
def test_ruler_reach_is_add(
    cal: BusinessCalendar, anchor: datetime, start: datetime, d: timedelta
) -> None:
    assume(d > timedelta(0))
    ruler = cal._ruler(_micros(anchor))
    found = ruler.reach(ruler.position(_micros(start)) + d // US)
    assert found == _micros(cal.add(start, d))
    # next_open, as the SLA thresholds compute it
    opened = ruler.reach(ruler.position(_micros(start)) + 1) - 1
    assert opened == _micros(cal.next_open(start))


def test_ruler_widens_its_tables_far_from_the_anchor() -> None:
    cal = BusinessCalendar.weekdays(zone="Europe/Berlin")
    anchor = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ruler = cal._ruler(_micros(anchor))
    far = datetime(2071, 6, 1, 12, tzinfo=UTC)
    assert ruler.position(_micros(far)) * US == cal.elapsed(anchor, far)
    years = 30 * 52 * 40 * 3600 * 10**6  # beyond the tables first built
    assert ruler.reach(years) == _micros(cal.add(anchor, years * US))


def test_ruler_reaches_back_before_its_tables() -> None:
    cal = BusinessCalendar.weekdays(zone="America/New_York")
    anchor = datetime(2026, 3, 2, 15, tzinfo=UTC)
    ruler = cal._ruler(_micros(anchor))
    back = -20 * 52 * 40 * 3600 * 10**6  # twenty years of open time earlier
    found = ruler.reach(back)
    # the earliest instant with that position
    assert ruler.position(found) == back
    assert ruler.position(found - 1) < back
    assert cal.elapsed(anchor, datetime(1970, 1, 1, tzinfo=UTC) + found * US) == (
        back * US
    )
