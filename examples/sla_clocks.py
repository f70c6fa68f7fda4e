"""SLA clocks of a printer incident, step by step, and what they looked like earlier.

Run: python examples/sla_clocks.py
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskflow import (
    Customer,
    Handoff,
    HoldReason,
    Impact,
    Incident,
    Note,
    Tier,
    Urgency,
)
from deskflow.serialization import dumps, loads
from deskflow.sla import SlaPolicy, default_policy, evaluate, format_hours
from deskflow.tickets import NoteKind, Step, StepOutcome, Visibility

BRUSSELS = ZoneInfo("Europe/Brussels")
POLICY = default_policy("Europe/Brussels")


def show(title: str, ticket: Incident, at: datetime) -> None:
    print(f"* {title} ({at:%a %H:%M})")
    for clock in evaluate(ticket, at=at, policy=POLICY).clocks:
        due = f" due {clock.due.astimezone(BRUSSELS):%a %H:%M}" if clock.due else ""
        cycle = f" #{clock.cycle}" if clock.cycle > 1 else ""
        print(
            f"    {clock.agreement.value:<12} {clock.name + cycle:<22} "
            f"{format_hours(clock.elapsed):>6}/{format_hours(clock.target):<6} "
            f"{clock.state.value:<9}{due}"
        )


def main() -> None:
    t0 = datetime(2026, 3, 2, 16, 0, tzinfo=BRUSSELS)  # Monday, late afternoon
    inc = Incident.open(
        summary="Desktop printer not responding",
        customer=Customer(id="c-alice", name="Alice Moreau"),
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        at=t0,
        actor="a-sam",
    )
    show("opened as P3", inc, t0)
    inc = inc.start_work(at=t0 + timedelta(minutes=10), actor="a-sam")
    inc = inc.put_on_hold(
        reason=HoldReason.AWAITING_CUSTOMER,
        until=t0 + timedelta(days=1),
        at=t0 + timedelta(minutes=20),
        actor="a-sam",
        detail="Alice will try the USB cable tomorrow morning",
    )
    next_day = datetime(2026, 3, 3, 9, 30, tzinfo=BRUSSELS)
    show("on hold awaiting the customer: resolution and updates pause", inc, next_day)
    inc = inc.customer_reply("USB works, network does not", at=next_day)
    inc = inc.escalate(
        to_tier=Tier.L2,
        to_group="desktop",
        reason="network port fault suspected",
        handoff=Handoff(
            contact_verified=True,
            contact="+32 2 555 0101",
            steps_taken=(Step(action="USB test", outcome=StepOutcome.WORKED),),
            no_error_shown=True,
            no_article_applies=True,
        ),
        at=next_day + timedelta(minutes=5),
        actor="a-sam",
    )
    inc = inc.add_note(
        Note(
            author="a-sam",
            at=next_day + timedelta(minutes=6),
            kind=NoteKind.STATUS_UPDATE,
            visibility=Visibility.CUSTOMER,
            text="Desktop support will check the network port today.",
        )
    )
    show("escalated to L2: an OLA clock starts", inc, next_day + timedelta(hours=1))
    inc = inc.assign(assignee="a-lee", at=next_day + timedelta(hours=3), actor="a-lee")
    inc = inc.resolve(
        resolution="patched the network port",
        articles=(),
        at=next_day + timedelta(hours=4),
        actor="a-lee",
    )
    show("resolved", inc, next_day + timedelta(hours=5))

    print("\nAs seen the evening it was opened (only events up to then count):")
    show("history", inc, t0 + timedelta(hours=3))

    print("\nAlerts a scheduler would deliver (reached ones):")
    result = evaluate(inc, at=next_day + timedelta(hours=5), policy=POLICY)
    for alert in result.alerts:
        if alert.reached:
            print("   ", alert.reason)

    text = dumps(POLICY)
    assert loads(text, SlaPolicy) == POLICY
    print(f"\nThe policy round-trips as {len(text):,} bytes of JSON.")


if __name__ == "__main__":
    main()
