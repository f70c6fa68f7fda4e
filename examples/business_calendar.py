"""When is a ticket due? Business-hours deadlines with a Berlin help desk calendar.

Run: python examples/business_calendar.py
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from deskflow.calendars import BusinessCalendar, Closure, WorkingDay
from deskflow.serialization import dumps, loads


def main() -> None:
    desk = BusinessCalendar.weekdays(
        "09:00-12:00,13:00-17:00",
        zone="Europe/Berlin",
        holidays=[date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)],
        closures=[
            Closure(
                rule="FREQ=MONTHLY;BYDAY=-1FR",
                start=date(2026, 1, 1),
                ranges="12:00-24:00",
                name="team afternoon",
            )
        ],
        extra_days=[WorkingDay(date=date(2026, 12, 24), ranges="09:00-12:00")],
    )
    print(desk)
    print()

    # A customer writes late on Friday morning, half an hour before the team
    # afternoon closes the desk (the time arrives in UTC).
    received = datetime(2026, 3, 27, 10, 30, tzinfo=timezone.utc)
    print(
        f"received             {received.astimezone(desk.tzinfo):%a %Y-%m-%d %H:%M %Z}"
    )
    for target in (timedelta(hours=1), timedelta(hours=4), timedelta(hours=35)):
        due = desk.add(received, target)
        hours = target / timedelta(hours=1)
        print(f"due in {hours:>4g} business h  {due:%a %Y-%m-%d %H:%M %Z}")
    print("(last Friday of March: closed from 12:00; the clocks change on Sunday)")
    print()

    # How much business time did a ticket use over the holidays?
    opened = datetime(2026, 12, 23, 15, 0, tzinfo=desk.tzinfo)
    solved = datetime(2027, 1, 4, 11, 0, tzinfo=desk.tzinfo)
    print(f"opened {opened:%a %d %b %H:%M}, solved {solved:%a %d %b %H:%M}")
    print(
        f"wall-clock time {solved.astimezone(timezone.utc) - opened.astimezone(timezone.utc)}"
    )
    print(f"business time   {desk.elapsed(opened, solved)}")
    for period in desk.open_periods(opened, solved):
        print(f"  open {period.start:%a %d %b %H:%M} - {period.end:%H:%M}")
    print()

    # Calendars are data: store them as JSON and load them back.
    text = dumps(desk)
    assert loads(text, BusinessCalendar) == desk
    print(f"as JSON: {len(text)} characters, loads back equal")


if __name__ == "__main__":
    main()
