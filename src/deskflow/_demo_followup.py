"""The escalation and follow-up part of the demo (not public API).

Replays the counsellor's printer case up to the point where L1 has tried the
standard steps, then shows: the escalation advice, the hand-off check (an
incomplete hand-off refused, then completed), the customer notice, a
promised call-back kept, the customer kept in the loop, the post-resolution
follow-up and the owner's agenda.
"""

from __future__ import annotations

import contextlib
import io
from datetime import datetime, timedelta

from deskflow._demo import ALICE, BRUSSELS, SAM, START, TOM, build_case
from deskflow.errors import IncompleteHandoff
from deskflow.followup import (
    FollowUpOutcome,
    UpdateCadence,
    agenda,
    book_call_back,
    keep,
    promise_to_find_out,
    record_follow_up,
    schedule_follow_up,
)
from deskflow.tickets import (
    ArticleRef,
    ArticleUsage,
    Incident,
    RequestEscalation,
    Ticket,
)
from deskflow.tickets.values import EscalationKind, Handoff
from deskflow.tiers import (
    DEFAULT_ESCALATION_POLICY,
    SlaReading,
    escalate,
    handoff_problems,
    notices_since,
    steps_taken,
)

__all__ = ["run_followup_demo"]


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def _before_escalation() -> Incident:
    """The printer case just after L1 wrote down the standard steps."""
    found: list[Ticket] = []

    def keep_step(title: str, ticket: Ticket) -> None:
        if title.startswith("Standard steps tried"):
            found.append(ticket)

    with contextlib.redirect_stdout(io.StringIO()):
        build_case(keep_step)
    ticket = found[0]
    assert isinstance(ticket, Incident)
    return ticket


def _clocks(at: datetime) -> tuple[SlaReading, ...]:
    # The demo's SLA for a P3: respond within 20 minutes, resolve within 8
    # business hours; both clocks run from the opening.
    response = SlaReading(
        name="response",
        elapsed=at - START,
        target=timedelta(minutes=20),
        due=START + timedelta(minutes=20),
    )
    resolution = SlaReading(
        name="resolution",
        elapsed=at - START,
        target=timedelta(hours=8),
        due=START + timedelta(hours=8),
    )
    return (response, resolution)


def _local(instant: datetime) -> str:
    return instant.astimezone(BRUSSELS).strftime("%a %H:%M")


def run_followup_demo() -> None:
    """Play and print escalation, hand-off, notices, call-back, follow-up and agenda."""
    print("deskflow demo: escalation and follow-up on the counsellor's printer\n")
    inc = _before_escalation()
    inc = inc.handle(
        RequestEscalation(
            reason="asks for someone to come to the office",
            kind=EscalationKind.FUNCTIONAL,
        ),
        at=_at(15),
        actor=ALICE.id,
    )

    print("* Escalation advice at 09:16, before suggesting a power-cycle")
    advice = DEFAULT_ESCALATION_POLICY.recommend(
        inc,
        at=_at(16),
        clocks=_clocks(_at(16)),
        suggested_steps=("Power-cycled the printer",),
    )
    for piece in advice:
        print(f"    - {piece}")

    print("\n* Sam decides: a functional escalation to on-site field technicians")
    incomplete = Handoff(contact_verified=True, contact=ALICE.phone or "")
    print("    hand-off check:", "; ".join(handoff_problems(inc, incomplete)))
    try:
        escalate(
            inc,
            to_group="field-technicians",
            reason="printer unreachable on the network; needs an on-site visit",
            handoff=incomplete,
            at=_at(16),
            actor=SAM.id,
        )
    except IncompleteHandoff as exc:
        print(f"    refused: {exc}")
    last_errors = next(n.errors for n in reversed(inc.notes) if n.errors)
    handoff = Handoff(
        contact_verified=True,
        contact=ALICE.phone or "",
        symptoms=("jobs stay queued", "printer panel shows Ready"),
        error_messages=last_errors,
        screenshots=("att://inc-demo-printer/print-dialog.png",),
        steps_taken=steps_taken(inc),
        articles=(ArticleRef(article_id="KB-0042", usage=ArticleUsage.DID_NOT_HELP),),
        context=inc.context,
    )
    result = escalate(
        inc,
        to_group="field-technicians",
        reason="printer unreachable on the network; needs an on-site visit",
        handoff=handoff,
        warm=True,
        at=_at(17),
        actor=SAM.id,
        time_frame=timedelta(minutes=30),
        next_steps=(
            "a technician comes to room B2.14",
            f"{SAM.name} stays your contact and calls you at 09:45",
        ),
    )
    inc = result.ticket
    print(f"    accepted: tier={inc.tier.value} group={inc.group} owner={inc.owner}")
    print("    internal notice:", result.internal_notice.text)
    print("    customer notice:")
    for line in result.customer_notice.text.splitlines():
        print(f"      {line}")

    print("\n* Sam promises a call-back at 09:45 and keeps it")
    seen = inc.version
    inc = book_call_back(
        inc,
        due=_at(45),
        at=_at(18),
        actor=SAM.id,
        text="check the technician arrived",
    )
    inc = inc.assign(assignee=TOM.id, at=_at(22), actor=TOM.id)
    inc = inc.start_work(at=_at(30), actor=TOM.id)
    for notice in notices_since(inc, seen):
        print(f"    customer kept in the loop: {notice.text}")
    inc = keep(inc, "c1", at=_at(40), actor=SAM.id, outcome="called: Tom is on site")
    promise = inc.commitments[0]
    print(
        f"    {promise.kind.value} due {_local(promise.due)}: "
        f"{promise.state_at(_at(46)).value} ({promise.outcome})"
    )

    print("\n* Resolution, then a follow-up the next morning")
    inc = inc.resolve(
        resolution="replaced the damaged network cable; test page printed",
        articles=(ArticleRef(article_id="KB-0042", usage=ArticleUsage.USED),),
        at=_at(48),
        actor=TOM.id,
    )
    inc = schedule_follow_up(inc, at=_at(49), actor=TOM.id, after=timedelta(hours=24))
    follow = inc.commitments[-1]
    print(
        f"    follow-up owed by {follow.owed_by} at {_local(follow.due)}: {follow.text}"
    )

    # Another of Sam's tickets: a question Sam promised to find out about.
    other = Incident.open(
        id="inc-demo-licence",
        summary="Statistics package asks for a licence key",
        customer=ALICE,
        category="software",
        at=_at(24 * 60 - 30),
        actor=SAM.id,
        owner=SAM.id,
        group="service-desk",
    )
    other = promise_to_find_out(
        other,
        question="does the faculty licence cover a second laptop?",
        due=_at(24 * 60),
        at=_at(24 * 60 - 25),
        actor=SAM.id,
    )
    next_morning = _at(24 * 60 + 5)
    print(f"\n* {SAM.name}'s agenda at {_local(next_morning)}, most urgent first")
    for item in agenda(
        [inc, other],
        agent=SAM.id,
        at=next_morning,
        cadence=UpdateCadence(every=timedelta(hours=4)),
    ):
        print(f"    {item}")

    inc = record_follow_up(
        inc,
        outcome=FollowUpOutcome.HELD,
        at=_at(24 * 60 + 10),
        actor=SAM.id,
        detail="printed fine after this morning's reboot",
    )
    inc = inc.close(at=_at(24 * 60 + 11), actor=SAM.id)
    print(
        f"\n* Follow-up done: {inc.commitments[-1].outcome}; ticket {inc.status.value}, "
        f"owner still {inc.owner}"
    )


if __name__ == "__main__":  # pragma: no cover
    run_followup_demo()
