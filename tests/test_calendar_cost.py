"""The calendar's work does not grow with the duration (counted in lines, not timed).

Business-time arithmetic jumps open interval by open interval and whole
weeks at a time. Once the calendar's tables cover the years involved (their
one-off cost grows with the years, and so with the holidays crossed), an
``add`` or ``elapsed`` over 4000 hours must execute about as many lines of
Python as one over 15 minutes. Stepping by minutes, hours or days would
execute thousands more. The count is deterministic, so this is a test and
not a benchmark.

Compiled code runs no lines of Python, so where the installed
``deskflow.calendars`` is the compiled build, this file counts the lines of
the same source run as Python (loaded from ``calendars.py`` under another
module name).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskflow import calendars as installed


def _as_python(module: ModuleType) -> ModuleType:
    """``module`` itself, or its source run as Python when it is compiled."""
    source = Path(module.__file__ or "")
    if source.suffix == ".py":
        return module
    name = "deskflow_calendars_as_python"
    spec = importlib.util.spec_from_file_location(
        name, source.with_name("calendars.py")
    )
    assert spec is not None
    assert spec.loader is not None
    python = importlib.util.module_from_spec(spec)
    sys.modules[name] = python
    spec.loader.exec_module(python)
    return python


BusinessCalendar = _as_python(installed).BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
HOLIDAYS = [
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 12, 25),
    date(2027, 1, 1),
    date(2027, 3, 26),
    date(2027, 12, 24),
]
CALENDARS = {
    "split shift with holidays": BusinessCalendar.weekdays(
        "09:00-12:00,13:00-17:00", zone="Europe/Berlin", holidays=HOLIDAYS
    ),
    "every day, night hours": BusinessCalendar(
        zone="Europe/Berlin",
        hours=dict.fromkeys(
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "00:30-03:30"
        ),
    ),
}
STARTS = (
    datetime(2026, 3, 4, 10, 17, tzinfo=BERLIN),  # open
    datetime(2026, 3, 28, 20, 0, tzinfo=BERLIN),  # a Saturday night before a DST change
    datetime(2026, 4, 3, 9, 0, tzinfo=BERLIN),  # a holiday
    datetime(2026, 10, 24, 23, 59, tzinfo=BERLIN),  # before the autumn change
)
SHORT = timedelta(minutes=15)
LONG = (timedelta(hours=40), timedelta(hours=400), timedelta(hours=4000))


def lines_run(work: Callable[..., Any], *args: Any) -> int:
    """How many lines of Python ``work(*args)`` executes."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()  # a coverage tool's or a debugger's, if any
    sys.settrace(tracer)
    try:
        work(*args)
    finally:
        sys.settrace(previous)
    return count


def warm(cal: BusinessCalendar) -> None:
    """Build the tables for every year the cases reach, both ways."""
    for start in STARTS:
        for sign in (1, -1):
            cal.add(start, sign * 2 * LONG[-1])


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_add_costs_the_same_for_any_duration(name: str) -> None:
    cal = CALENDARS[name]
    warm(cal)
    for start in STARTS:
        for sign in (1, -1):
            short = lines_run(cal.add, start, sign * SHORT)
            for duration in LONG:
                long = lines_run(cal.add, start, sign * duration)
                assert long <= 2 * short + 20, (start, sign * duration, long, short)


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_elapsed_costs_the_same_for_any_span(name: str) -> None:
    cal = CALENDARS[name]
    warm(cal)
    for start in STARTS:
        short = lines_run(cal.elapsed, start, start + SHORT)
        for duration in LONG:
            end = start + duration
            long = lines_run(cal.elapsed, start, end)
            assert long <= 2 * short + 20, (start, duration, long, short)
            back = lines_run(cal.elapsed, end, start)
            assert back <= 2 * short + 20, (end, start, back, short)


def test_a_stepping_calendar_would_fail_this_test() -> None:
    """The measure sees a loop that steps day by day: it is not blind to it."""
    cal = CALENDARS["split shift with holidays"]

    def day_by_day(start: datetime, days: int) -> datetime:
        at = start
        for _ in range(days):
            at = at + timedelta(days=1)
        return at

    short = lines_run(day_by_day, STARTS[0], 1)
    long = lines_run(day_by_day, STARTS[0], 700)
    assert long > 2 * short + 20
    assert lines_run(cal.is_open, STARTS[0]) > 0
