"""Example tests for deskflow.calendars: the scenarios a help desk recognises."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from deskflow.calendars import (
    BusinessCalendar,
    Closure,
    HolidaysUnavailable,
    OpenPeriod,
    TimeRange,
    Weekday,
    WeekdayHours,
    WorkingDay,
)
from deskflow.errors import DeskflowError, NaiveDatetimeError, ValidationError
from deskflow.serialization import from_dict, make_converter, to_dict

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = timezone.utc
H = timedelta(hours=1)


@pytest.fixture
def split() -> BusinessCalendar:
    """Mon-Fri 09:00-12:00 and 13:00-17:00 in Berlin (35 h a week)."""
    return BusinessCalendar.weekdays("09:00-12:00,13:00-17:00", zone="Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# -- building calendars -------------------------------------------------------


def test_weekdays_builds_monday_to_friday(split: BusinessCalendar) -> None:
    assert [h.weekday for h in split.hours] == list(Weekday)[:5]
    assert split.weekly_hours == 35 * H
    assert repr(split) == (
        "BusinessCalendar(zone='Europe/Berlin', hours='Mon-Fri 09:00-12:00,13:00-17:00')"
    )


def test_always_open_is_24x7() -> None:
    cal = BusinessCalendar.always_open("Europe/Berlin")
    assert cal.weekly_hours == 7 * 24 * H
    assert (
        repr(cal)
        == "BusinessCalendar(zone='Europe/Berlin', hours='Mon-Sun 00:00-24:00')"
    )


def test_repr_lists_holidays_and_extras() -> None:
    cal = BusinessCalendar.weekdays(
        zone="UTC",
        holidays=[
            date(2026, 12, 25),
            date(2026, 1, 1),
            date(2026, 12, 26),
            date(2026, 5, 1),
        ],
        extra_days=[WorkingDay(date=date(2026, 6, 6), ranges="10:00-14:00")],
    )
    assert repr(cal) == (
        "BusinessCalendar(zone='UTC', hours='Mon-Fri 09:00-17:00', "
        "holidays=[2026-01-01, 2026-05-01, 2026-12-25, ... 4 dates], extra_days=1)"
    )


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"zone": "Mars/Olympus", "hours": {"mon": "09:00-17:00"}}, "zone"),
        ({"zone": "UTC", "hours": {}}, "hours"),
        ({"zone": "UTC", "hours": {"mon": ""}}, "hours"),
        (
            {
                "zone": "UTC",
                "hours": (
                    WeekdayHours(weekday=Weekday.MONDAY, ranges="09:00-10:00"),
                    WeekdayHours(weekday=Weekday.MONDAY, ranges="11:00-12:00"),
                ),
            },
            "hours[1]",
        ),
        (
            {
                "zone": "UTC",
                "hours": {"mon": "09:00-17:00"},
                "holidays": [date(2026, 6, 6)],
                "extra_days": [WorkingDay(date=date(2026, 6, 6), ranges="09:00-12:00")],
            },
            "extra_days[0]",
        ),
        (
            {"zone": "UTC", "hours": {"mon": "09:00-17:00"}, "subdivision": "BY"},
            "subdivision",
        ),
        (
            {
                "zone": "UTC",
                "hours": {"mon": "09:00-17:00"},
                "holidays": ["2026-01-01"],
            },
            "holidays[0]",
        ),
    ],
)
def test_bad_calendars_name_the_field(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        BusinessCalendar(**kwargs)
    assert info.value.path == path


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("9-17", "start"),
        ("09:00", "range"),
        ("09:00-25:00", "end"),
        ("12:00-09:00", "end"),
        ("24:00-24:00", "start"),
    ],
)
def test_bad_time_ranges(text: str, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        TimeRange.parse(text)
    assert info.value.path == path


def test_overlapping_ranges_are_refused() -> None:
    with pytest.raises(ValidationError, match="overlap"):
        WeekdayHours(weekday=Weekday.MONDAY, ranges="09:00-12:00,11:00-13:00")


def test_evolve_revalidates(split: BusinessCalendar) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(split, zone="Nowhere/Else")


def test_closure_rule_is_checked() -> None:
    with pytest.raises(ValidationError) as info:
        Closure(rule="FREQ=SOMETIMES", start=date(2026, 1, 1))
    assert info.value.path == "rule"
    with pytest.raises(ValidationError, match="start"):
        Closure(rule="DTSTART:20260101\nRRULE:FREQ=DAILY", start=date(2026, 1, 1))


# -- the basic operations -----------------------------------------------------


def test_is_open_opening_inclusive_closing_exclusive(split: BusinessCalendar) -> None:
    assert split.is_open(berlin(2026, 3, 2, 9))
    assert not split.is_open(berlin(2026, 3, 2, 12))
    assert split.is_open(berlin(2026, 3, 2, 11, 59, 59))
    assert not split.is_open(berlin(2026, 3, 7, 10))  # Saturday


def test_inputs_in_any_zone_results_in_calendar_zone(split: BusinessCalendar) -> None:
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    result = split.add(start, H)
    assert result == berlin(2026, 3, 2, 10)
    assert result.tzinfo is BERLIN
    assert split.next_open(start).tzinfo is BERLIN


def test_naive_datetimes_are_refused(split: BusinessCalendar) -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        split.add(datetime(2026, 3, 2, 9), H)
    assert info.value.path == "start"
    with pytest.raises(NaiveDatetimeError) as info:
        split.elapsed(berlin(2026, 3, 2, 9), datetime(2026, 3, 2, 10))
    assert info.value.path == "end"


@pytest.mark.parametrize(
    "bad", ["2026-03-09", date(2026, 3, 9), 1_772_000_000, None], ids=repr
)
def test_elapsed_names_an_end_or_start_that_is_not_a_datetime(
    split: BusinessCalendar, bad: object
) -> None:
    # add and is_open named the field; elapsed raised a bare AttributeError
    # ('str' object has no attribute 'tzinfo').
    dt = berlin(2026, 3, 6, 16)
    # once the calendar has worked, elapsed takes its fast path first
    assert split.elapsed(dt, dt + H) == H
    with pytest.raises(ValidationError) as info:
        split.elapsed(dt, bad)  # type: ignore[arg-type]
    assert info.value.path == "end"
    with pytest.raises(ValidationError) as info:
        split.elapsed(bad, dt)  # type: ignore[arg-type]
    assert info.value.path == "start"
    with pytest.raises(ValidationError) as info:
        split.is_open(bad)  # type: ignore[arg-type]
    assert info.value.rule == (
        f"expected a timezone-aware datetime, got {type(bad).__name__}"
    )


def test_duration_must_be_a_timedelta(split: BusinessCalendar) -> None:
    with pytest.raises(ValidationError) as info:
        split.add(berlin(2026, 3, 2, 9), 3600)  # type: ignore[arg-type]
    assert info.value.path == "duration"


def test_start_outside_hours_counts_from_next_opening(split: BusinessCalendar) -> None:
    assert split.add(berlin(2026, 3, 6, 18), H) == berlin(2026, 3, 9, 10)
    assert split.add(berlin(2026, 3, 2, 12, 30), H) == berlin(2026, 3, 2, 14)


def test_deadline_exactly_at_closing_is_the_closing_instant(
    split: BusinessCalendar,
) -> None:
    assert split.add(berlin(2026, 3, 2, 9), 3 * H) == berlin(2026, 3, 2, 12)
    assert split.add(berlin(2026, 3, 6, 13), 4 * H) == berlin(2026, 3, 6, 17)


def test_zero_duration_returns_start(split: BusinessCalendar) -> None:
    saturday = berlin(2026, 3, 7, 10)
    assert split.add(saturday, timedelta(0)) == saturday


def test_negative_duration_counts_backwards_to_an_opening(
    split: BusinessCalendar,
) -> None:
    assert split.add(berlin(2026, 3, 9, 10), -H) == berlin(2026, 3, 9, 9)
    assert split.add(berlin(2026, 3, 9, 10), -2 * H) == berlin(2026, 3, 6, 16)
    assert split.add(berlin(2026, 3, 2, 14), -H) == berlin(2026, 3, 2, 13)


def test_elapsed_is_antisymmetric(split: BusinessCalendar) -> None:
    a, b = berlin(2026, 3, 6, 16), berlin(2026, 3, 9, 10)
    assert split.elapsed(a, b) == 2 * H
    assert split.elapsed(b, a) == -2 * H


def test_long_durations_skip_weeks(split: BusinessCalendar) -> None:
    start = berlin(2026, 3, 2, 9)
    assert split.add(start, 35 * H * 100) == berlin(2028, 1, 28, 17)
    assert split.elapsed(start, berlin(2028, 1, 31, 9)) == 35 * H * 100


def test_open_periods_merge_across_midnight() -> None:
    cal = BusinessCalendar(
        zone="UTC",
        hours={"mon": "18:00-24:00", "tue": "00:00-06:00,08:00-10:00"},
    )
    periods = cal.open_periods(
        datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)
    )
    assert periods == (
        OpenPeriod(
            start=datetime(2026, 3, 2, 18, tzinfo=UTC),
            end=datetime(2026, 3, 3, 6, tzinfo=UTC),
        ),
        OpenPeriod(
            start=datetime(2026, 3, 3, 8, tzinfo=UTC),
            end=datetime(2026, 3, 3, 10, tzinfo=UTC),
        ),
    )


def test_open_periods_are_clipped(split: BusinessCalendar) -> None:
    periods = split.open_periods(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 14))
    assert [(p.start.hour, p.end.hour) for p in periods] == [(10, 12), (13, 14)]


# -- holidays, closures, extra days ---------------------------------------------


def test_holidays_and_extra_days() -> None:
    cal = BusinessCalendar.weekdays(
        zone="Europe/Berlin",
        holidays=[date(2026, 12, 25)],
        extra_days=[WorkingDay(date=date(2026, 12, 26), ranges="10:00-12:00")],
    )
    assert cal.add(berlin(2026, 12, 24, 16), 2 * H) == berlin(2026, 12, 26, 11)
    assert cal.hours_on(date(2026, 12, 25)) == ()
    assert cal.hours_on(date(2026, 12, 26)) == (TimeRange.parse("10:00-12:00"),)


def test_recurring_closure_last_friday_afternoon() -> None:
    cal = BusinessCalendar.weekdays(
        zone="Europe/Berlin",
        closures=[
            Closure(
                rule="FREQ=MONTHLY;BYDAY=-1FR",
                start=date(2026, 1, 1),
                ranges="12:00-24:00",
            )
        ],
    )
    assert cal.hours_on(date(2026, 3, 27)) == (TimeRange.parse("09:00-12:00"),)
    assert cal.hours_on(date(2026, 3, 20)) == (TimeRange.parse("09:00-17:00"),)
    assert cal.add(berlin(2026, 3, 27, 11), 2 * H) == berlin(2026, 3, 30, 10)


def test_country_holidays_from_the_holidays_package() -> None:
    cal = BusinessCalendar.weekdays(
        zone="Europe/Berlin", country="DE", subdivision="BY"
    )
    assert cal.hours_on(date(2026, 1, 6)) == ()  # Epiphany in Bavaria
    assert cal.hours_on(date(2026, 10, 3)) == ()  # Unity Day (a Saturday anyway)
    assert cal.hours_on(date(2026, 1, 7)) != ()
    assert cal.add(berlin(2026, 1, 5, 16), 2 * H) == berlin(2026, 1, 7, 10)


def test_extra_day_beats_a_country_holiday() -> None:
    cal = BusinessCalendar.weekdays(
        zone="Europe/Berlin",
        country="DE",
        extra_days=[WorkingDay(date=date(2026, 5, 1), ranges="09:00-11:00")],
    )
    assert cal.hours_on(date(2026, 5, 1)) == (TimeRange.parse("09:00-11:00"),)


def test_unknown_country_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        BusinessCalendar.weekdays(zone="UTC", country="XX")
    assert info.value.path == "country"


def test_missing_holidays_extra_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes any import of it fail, as when it is not
    # installed (patching builtins.__import__ would miss compiled imports)
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(HolidaysUnavailable, match=r"deskflow\[holidays\]") as info:
        BusinessCalendar.weekdays(zone="UTC", country="DE")
    assert isinstance(info.value, DeskflowError)


def test_importing_calendars_does_not_import_holidays() -> None:
    import subprocess

    code = "import sys, deskflow.calendars; print('holidays' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# -- daylight saving time ---------------------------------------------------------


def test_wall_clock_hours_survive_dst(split: BusinessCalendar) -> None:
    # Berlin springs forward on Sunday 2026-03-29: Friday 17:00 CET -> Monday 10:00 CEST.
    result = split.add(berlin(2026, 3, 27, 16), 2 * H)
    assert result == berlin(2026, 3, 30, 10)
    assert result.utcoffset() == 2 * H


def test_24x7_dst_days_are_23_and_25_hours() -> None:
    cal = BusinessCalendar.always_open("Europe/Berlin")
    assert cal.elapsed(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23 * H
    assert cal.elapsed(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * H
    assert cal.add(berlin(2026, 3, 29), 24 * H) == berlin(2026, 3, 30, 1)


def test_dst_jump_inside_working_hours_shortens_the_day() -> None:
    # New York springs forward at 02:00 on 2026-03-08 (a Sunday).
    cal = BusinessCalendar(zone="America/New_York", hours={"sun": "00:00-06:00"})
    day = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert cal.elapsed(day, day + timedelta(days=1)) == 5 * H
    fall = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    assert cal.elapsed(fall, fall + timedelta(days=1)) == 7 * H


def test_range_bound_in_the_gap_is_the_jump_instant() -> None:
    # 02:30 does not exist in New York on 2026-03-08: 01:00-02:30 is one real hour
    # (01:00 to the jump at 02:00 EST = 03:00 EDT), and 02:30-04:00 starts at the jump.
    cal = BusinessCalendar(zone="America/New_York", hours={"sun": "01:00-02:30"})
    day = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert cal.elapsed(day, day + timedelta(days=1)) == H
    later = BusinessCalendar(zone="America/New_York", hours={"sun": "02:30-04:00"})
    periods = later.open_periods(day, day + timedelta(days=1))
    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [
        ("2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00")
    ]


def test_repeated_wall_time_is_open_both_times() -> None:
    # 01:00-02:00 happens twice in New York on 2026-11-01; 01:30-02:00 is open twice.
    cal = BusinessCalendar(zone="America/New_York", hours={"sun": "01:30-02:00"})
    day = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    periods = cal.open_periods(day, day + timedelta(days=1))
    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [
        ("2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00"),
        ("2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"),
    ]
    assert periods[1].start.fold == 1
    assert cal.elapsed(day, day + timedelta(days=1)) == H


def test_lord_howe_half_hour_dst() -> None:
    tz = ZoneInfo("Australia/Lord_Howe")
    cal = BusinessCalendar.always_open("Australia/Lord_Howe")
    # Lord Howe moves its clocks by 30 minutes (back on 2026-04-05, forward on 2026-10-04).
    assert cal.elapsed(
        datetime(2026, 4, 5, tzinfo=tz), datetime(2026, 4, 6, tzinfo=tz)
    ) == (timedelta(hours=24, minutes=30))
    assert cal.elapsed(
        datetime(2026, 10, 4, tzinfo=tz), datetime(2026, 10, 5, tzinfo=tz)
    ) == (timedelta(hours=23, minutes=30))


def test_kolkata_half_hour_offset() -> None:
    tz = ZoneInfo("Asia/Kolkata")
    cal = BusinessCalendar.weekdays(zone="Asia/Kolkata")
    start = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 08:30 IST, before opening
    assert cal.add(start, H) == datetime(2026, 3, 2, 10, 0, tzinfo=tz)


def test_new_year_boundary() -> None:
    cal = BusinessCalendar.weekdays(zone="Europe/Berlin", holidays=[date(2027, 1, 1)])
    assert cal.add(berlin(2026, 12, 31, 16), 2 * H) == berlin(2027, 1, 4, 10)
    assert cal.add(berlin(2027, 1, 4, 10), -2 * H) == berlin(2026, 12, 31, 16)


def test_far_years_are_supported_and_limits_are_clear() -> None:
    cal = BusinessCalendar.weekdays(zone="Europe/Berlin")
    assert cal.add(berlin(1995, 6, 1, 9), H) == berlin(1995, 6, 1, 10)
    assert cal.add(berlin(2026, 6, 1, 9), H) == berlin(2026, 6, 1, 10)
    with pytest.raises(DeskflowError):
        cal.add(datetime(9997, 12, 1, tzinfo=UTC), 1000 * H)


# -- serialization ----------------------------------------------------------------


def full_calendar() -> BusinessCalendar:
    return BusinessCalendar(
        zone="Europe/Berlin",
        hours={"mon": "09:00-12:00,13:00-17:00", "sat": "10:00-14:00"},
        holidays=[date(2026, 12, 25), date(2026, 12, 26)],
        closures=[
            Closure(
                rule="FREQ=MONTHLY;BYDAY=-1FR",
                start=date(2026, 1, 1),
                ranges="12:00-24:00",
                name="team meeting",
            )
        ],
        extra_days=[WorkingDay(date=date(2026, 12, 24), ranges="09:00-12:00")],
        country="DE",
        subdivision="BE",
    )


def test_round_trip_through_the_converter() -> None:
    cal = full_calendar()
    data = to_dict(cal)
    assert data["hours"][0] == {
        "weekday": "mon",
        "ranges": [
            {"start": "09:00", "end": "12:00"},
            {"start": "13:00", "end": "17:00"},
        ],
    }
    assert data["holidays"] == ["2026-12-25", "2026-12-26"]
    assert data["closures"][0]["rule"] == "FREQ=MONTHLY;BYDAY=-1FR"
    back = from_dict(data, BusinessCalendar)
    assert back == cal
    start = berlin(2026, 12, 23, 16)
    assert back.add(start, 10 * H) == cal.add(start, 10 * H)


def test_round_trip_with_a_plain_cattrs_converter() -> None:
    conv = make_converter()
    cal = BusinessCalendar.always_open("Asia/Kolkata")
    assert conv.structure(conv.unstructure(cal), BusinessCalendar) == cal


def test_loading_bad_data_names_the_path() -> None:
    data = to_dict(full_calendar())
    data["hours"][1]["ranges"][0]["end"] = "25:00"
    with pytest.raises(ValidationError) as info:
        from_dict(data, BusinessCalendar)
    assert "hours[1].ranges[0]" in str(info.value)
