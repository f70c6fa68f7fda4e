"""Record a support call, review it against practice, and put its summary on a ticket.

Run with ``python examples/call_review.py``. A customer calls back about a
ticket opened yesterday; the agent asks again for what the ticket already
holds, suggests a step the customer already tried, and puts them on hold
without saying for how long. Review says what to coach; the call's summary
note goes onto the ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from deskflow import Asset, Customer, Incident, Note, Step, StepOutcome
from deskflow.scripts import (
    DEFAULT_SCRIPT,
    Call,
    CallClosed,
    Facts,
    Greeted,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    QuestionAsked,
    QuestionKind,
    StepTaken,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    format_findings,
    record_on_ticket,
    review,
)

YESTERDAY = datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds: int) -> datetime:
    return NOW + timedelta(seconds=seconds)


def main() -> None:
    ticket = Incident.open(
        summary="Laptop will not join the Wi-Fi",
        customer=Customer(id="c-8", name="Bram Peeters", phone="+32 2 555 0199"),
        asset=Asset(serial="LT-7731", model="ThinkPad T14"),
        at=YESTERDAY,
        actor="a-lea",
    ).add_note(
        Note(
            author="a-lea",
            at=YESTERDAY,
            symptoms=("'Can't connect to this network'",),
            steps=(
                Step(
                    action="toggled airplane mode",
                    outcome=StepOutcome.FAILED,
                    by_customer=True,
                ),
            ),
        )
    )
    passed = VerificationOutcome.PASSED
    call = Call.start(id="call-42", at=NOW, agent="a-sam", ticket_id=ticket.id)
    call = call.add(
        Greeted(at=at(4), said="Service desk, Sam speaking."),
        IdentityChecked(
            at=at(30),
            policy="general",
            records=(
                VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=passed),
                VerificationRecord(method=Verifier.OFFICE_LOCATION, outcome=passed),
            ),
        ),
        QuestionAsked(
            at=at(60),
            kind=QuestionKind.CLOSED,
            text="What's the serial number of the laptop?",
            answer="LT-7731",
            fact=Facts.ASSET_SERIAL,
        ),
        StepTaken(
            at=at(90),
            step=Step(
                action="Toggled airplane mode",
                outcome=StepOutcome.FAILED,
                why="resets the wireless adapter",
            ),
            explained=True,
        ),
        HoldStarted(at=at(120), reason="checking the Wi-Fi certificate"),
        HoldEnded(at=at(300), thanked=True),
        StepTaken(
            at=at(330),
            step=Step(
                action="renewed the Wi-Fi certificate",
                outcome=StepOutcome.WORKED,
                why="an expired certificate is refused by the network",
            ),
            explained=True,
        ),
        QuestionAsked(
            at=at(400),
            kind=QuestionKind.CONFIRMING,
            text="Are you connected now?",
            answer="yes",
            fact=Facts.ISSUE_RESOLVED,
        ),
        CallClosed(at=at(420)),
    )

    print(f"Review of {call.id} ({len(call.events)} events):")
    print(format_findings(review(call, DEFAULT_SCRIPT, ticket=ticket)))

    ticket = record_on_ticket(ticket, call, author="a-sam")
    note = ticket.notes[-1]
    print(f"\nNote added to {ticket.reference} ({note.kind.value}):")
    for step in note.steps:
        print(f"  - {step.action}: {step.outcome.value} ({step.why})")


if __name__ == "__main__":
    main()
