"""Open an incident, work it, escalate with a hand-off, resolve and close it.

Run: python examples/first_incident.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import deskflow
from deskflow import (
    Customer,
    Handoff,
    Impact,
    Incident,
    Step,
    StepOutcome,
    Tier,
    Urgency,
)


def main() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    alice = Customer(id="c-1", name="Alice Moreau", phone="+32 2 555 0101")
    inc = Incident.open(
        summary="Printer not responding",
        customer=alice,
        impact=Impact.LOW,
        urgency=Urgency.HIGH,
        at=t,
        actor="sam",
        owner="sam",
    )
    inc = inc.start_work(at=t + timedelta(minutes=1), actor="sam")
    inc = inc.escalate(
        to_tier=Tier.L3,
        to_group="field-technicians",
        reason="needs an on-site visit",
        at=t + timedelta(minutes=10),
        actor="sam",
        handoff=Handoff(
            contact_verified=True,
            contact=alice.phone or "",
            no_error_shown=True,
            steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
            no_article_applies=True,
        ),
    )
    inc = inc.resolve(
        resolution="replaced network cable",
        articles=(),
        at=t + timedelta(minutes=40),
        actor="tom",
    )
    inc = inc.confirm(at=t + timedelta(minutes=45))
    inc = inc.close(at=t + timedelta(minutes=46), actor="sam")
    print(inc)
    for event in inc.timeline:
        print(f"  {event.at:%H:%M} {event.type}")
    assert deskflow.Ticket.from_events(inc.timeline) == inc


if __name__ == "__main__":
    main()
