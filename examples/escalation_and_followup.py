"""Escalation advice, a checked hand-over, promises kept and an agent's agenda.

A service-desk agent works an e-mail incident: the customer already tried
the usual steps, the advice says to escalate, the first hand-off is refused
for what it lacks, the second goes through with a notice for the customer;
the owner books a call-back in the customer's contact window, sends a status
update, and after the resolution schedules a follow-up that finds the fix
reverted, which reopens the ticket.

Run with ``python examples/escalation_and_followup.py``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskflow import Customer, Incident, IncompleteHandoff
from deskflow.followup import (
    ContactWindow,
    FollowUpOutcome,
    OutsideContactWindow,
    agenda,
    book_call_back,
    keep,
    record_follow_up,
    schedule_follow_up,
    send_status_update,
)
from deskflow.tickets import Note, RequestEscalation, Step, StepOutcome
from deskflow.tickets.values import EscalationKind, Handoff
from deskflow.tiers import (
    DEFAULT_ESCALATION_POLICY,
    CategorySteps,
    EscalationPolicy,
    StepsAlreadyTried,
    TimeAtTier,
    escalate,
    steps_taken,
)

LISBON = ZoneInfo("Europe/Lisbon")
T0 = datetime(2026, 5, 4, 14, 0, tzinfo=LISBON)  # a Monday


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def main() -> None:
    rui = Customer(
        id="c-rui",
        name="Rui Costa",
        phone="+351 21 555 0199",
        time_zone="Europe/Lisbon",
        contact_window=ContactWindow(start=time(9), end=time(17)),
    )
    inc = Incident.open(
        id="inc-mail",
        summary="Outlook stuck on 'Trying to connect'",
        customer=rui,
        category="email",
        at=at(0),
        actor="a-ana",
        owner="a-ana",
        group="service-desk",
    )
    inc = inc.start_work(at=at(1), actor="a-ana")
    inc = inc.customer_reply(
        "I already restarted Outlook and the laptop",
        at=at(3),
    ).add_note(
        Note(
            author="a-ana",
            at=at(4),
            steps=(
                Step(
                    action="restarted Outlook",
                    outcome=StepOutcome.FAILED,
                    by_customer=True,
                ),
                Step(
                    action="rebooted the laptop",
                    outcome=StepOutcome.FAILED,
                    by_customer=True,
                ),
                Step(
                    action="checked webmail",
                    outcome=StepOutcome.WORKED,
                    why="tells the mailbox from the client",
                ),
            ),
        )
    )
    inc = inc.handle(
        RequestEscalation(reason="needs mail today", kind=EscalationKind.FUNCTIONAL),
        at=at(5),
        actor=rui.id,
    )

    policy = EscalationPolicy(
        rules=(
            *DEFAULT_ESCALATION_POLICY.rules[:2],
            StepsAlreadyTried(
                standard_steps=(
                    CategorySteps(
                        category="email",
                        steps=("restarted Outlook", "rebooted the laptop"),
                    ),
                )
            ),
            TimeAtTier(),
        )
    )
    print("Advice at 14:06 (the agent was about to suggest a restart):")
    for advice in policy.recommend(
        inc, at=at(6), suggested_steps=("Restarted Outlook",)
    ):
        print(f"  - {advice}")

    try:
        escalate(
            inc,
            to_group="desktop-support",
            reason="client profile broken",
            handoff=Handoff(),
            at=at(7),
            actor="a-ana",
        )
    except IncompleteHandoff as exc:
        print("\nHand-off refused; missing:")
        for part in exc.missing:
            print(f"  - {part}")

    result = escalate(
        inc,
        to_group="desktop-support",
        reason="webmail works, the Outlook profile does not: rebuild the profile",
        handoff=Handoff(
            contact_verified=True,
            contact=rui.phone or "",
            no_error_shown=True,
            steps_taken=steps_taken(inc),
            no_article_applies=True,
        ),
        at=at(8),
        actor="a-ana",
        time_frame=timedelta(hours=2),
    )
    inc = result.ticket
    print("\nCustomer notice:")
    print("  " + result.customer_notice.text.replace("\n", "\n  "))
    print("Internal notice:\n  " + result.internal_notice.text)

    try:
        book_call_back(inc, due=at(4 * 60), at=at(9), actor="a-ana")
    except OutsideContactWindow as exc:
        print(f"\nCall-back at 18:00 refused; next opening {exc.suggestion:%a %H:%M}")
    inc = book_call_back(
        inc,
        due=at(2 * 60),
        at=at(9),
        actor="a-ana",
        text="confirm the profile rebuild is booked",
    )
    inc, notice = send_status_update(
        inc, "Desktop support has your ticket; no news yet", at=at(60), actor="a-ana"
    )
    print("Status update:", notice.text)
    print("Agenda of a-ana at 16:30:")
    for item in agenda([inc], agent="a-ana", at=at(150)):
        print(f"  {item}")
    inc = keep(inc, "c1", at=at(155), actor="a-ana", outcome="called, rebuild at 17:00")

    inc = inc.assign(assignee="a-joao", at=at(170), actor="a-joao")
    inc = inc.resolve(
        resolution="rebuilt the Outlook profile",
        articles=(),
        at=at(200),
        actor="a-joao",
    )
    inc = schedule_follow_up(inc, at=at(201), actor="a-joao")
    follow = inc.commitments[-1]
    print(
        f"\nFollow-up owed by {follow.owed_by} at {follow.due:%a %H:%M}: {follow.text}"
    )
    inc = record_follow_up(
        inc,
        outcome=FollowUpOutcome.REVERTED,
        at=follow.due,
        actor="a-ana",
        detail="stuck again after the overnight update",
    )
    print(
        f"Follow-up found the fix reverted: status={inc.status.value}, "
        f"reopened {inc.reopen_count} time(s), owner still {inc.owner}"
    )
    again = policy.recommend(inc, at=follow.due + timedelta(minutes=1))
    print("Advice now:", [str(a) for a in again] or "none yet")


if __name__ == "__main__":
    main()
