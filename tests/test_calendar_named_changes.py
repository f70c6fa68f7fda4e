"""Fixed DST changes and New Years, checked against the minute-stepping oracle.

The hypothesis oracle tests draw a zone and an anchor independently, so a
run may never pair a zone with its own change (Berlin's autumn change with a
non-24x7 Berlin calendar is missing from most runs). Here each change of
Europe/Berlin and America/New_York, of Australia/Lord_Howe (whose clocks
move by 30 minutes), and the days around New Year (in Asia/Kolkata, at
+05:30, too) is paired with calendars whose hours cross it, on a fixed grid of
starts, and the fast path must agree with the minute-stepping oracle.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from calendar_oracle import Oracle
from deskflow.calendars import BusinessCalendar

UTC = timezone.utc
MINUTE = timedelta(minutes=1)

CHANGES = {
    "berlin-spring": ("Europe/Berlin", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    "berlin-autumn": ("Europe/Berlin", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    "new-york-spring": ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    "new-york-autumn": ("America/New_York", datetime(2026, 11, 1, 6, tzinfo=UTC)),
    "lord-howe-autumn": ("Australia/Lord_Howe", datetime(2026, 4, 4, 15, tzinfo=UTC)),
    "lord-howe-spring": (
        "Australia/Lord_Howe",
        datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    ),
    "kolkata-new-year": ("Asia/Kolkata", datetime(2026, 12, 31, 18, 30, tzinfo=UTC)),
    "berlin-new-year": ("Europe/Berlin", datetime(2026, 12, 31, 23, tzinfo=UTC)),
    "new-york-new-year": ("America/New_York", datetime(2027, 1, 1, 5, tzinfo=UTC)),
}

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def calendars(zone: str) -> list[BusinessCalendar]:
    """Hours that cross the change (night hours every day), a split shift with
    New Year's Day as a holiday, and 24x7."""
    return [
        BusinessCalendar.always_open(zone),
        BusinessCalendar(
            zone=zone, hours=dict.fromkeys(EVERY_DAY, "00:30-03:30,09:00-17:00")
        ),
        BusinessCalendar.weekdays(
            "09:00-12:00,13:00-17:00", zone=zone, holidays=[date(2027, 1, 1)]
        ),
    ]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_named_changes_agree_with_the_oracle(change: str) -> None:
    zone, anchor = CHANGES[change]
    for cal in calendars(zone):
        oracle = Oracle(cal)
        for step in range(-10, 11):
            start = anchor + step * 53 * MINUTE
            end = start + 30 * 60 * MINUTE
            expected = oracle.elapsed(start, end)
            assert cal.elapsed(start, end) == expected, (cal, start)
            local = (start.astimezone(cal.tzinfo), end.astimezone(cal.tzinfo))
            assert cal.elapsed(*local) == expected, (cal, start, "local")
            assert cal.is_open(start) is oracle.is_open(start), (cal, start)
            for minutes in (1, 95, -95, 400):
                want = oracle.add(start, minutes)
                got = cal.add(local[0], minutes * MINUTE)
                assert got.astimezone(UTC) == want, (cal, start, minutes)
