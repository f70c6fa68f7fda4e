"""The printer case's call, recorded and reviewed (part of the demo; not public API).

Two versions of Alice's call to the service desk: one that follows practice
(review finds nothing) and one that breaks it (late greeting, a repeated
question, a step she had already tried, an unannounced mute, holds without a
reason, time frame or thanks, a cold transfer without a briefing).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from deskflow._demo import ALICE, PRINTER, SAM, START
from deskflow.parties import Tier
from deskflow.scripts import (
    DEFAULT_SCRIPT,
    ArticleUsed,
    BriefingPart,
    Call,
    CallClosed,
    ErrorNoted,
    Escalated,
    Greeted,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    NextStepAgreed,
    QuestionAsked,
    QuestionKind,
    StatementMade,
    StepTaken,
    SymptomNoted,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    format_findings,
    open_ticket_from_call,
    review,
)
from deskflow.scripts.model import Facts
from deskflow.tickets import (
    ArticleRef,
    ArticleUsage,
    ErrorMessage,
    Step,
    StepOutcome,
)
from deskflow.tickets.model import make_reference
from deskflow.tickets.values import TicketKind

_PASSED = VerificationOutcome.PASSED
# The demo's incident (deskflow._demo.build_case) is opened with this id.
_REFERENCE = make_reference(TicketKind.INCIDENT, "inc-demo-printer")


def _at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def _opening(call: Call) -> Call:
    """Greeting-phase answers common to both versions (after the greeting)."""
    return call.add(
        QuestionAsked(
            at=_at(0.2),
            kind=QuestionKind.CLOSED,
            text="May I have your name, please?",
            answer=ALICE.name,
            fact=Facts.CUSTOMER_NAME,
            step_id="ask-name",
        ),
    )


def good_call() -> Call:
    """Alice's call as practice wants it: review has no findings."""
    call = Call.start(
        id="call-demo-good",
        at=START,
        agent=SAM.id,
        customer_id=ALICE.id,
        script=DEFAULT_SCRIPT.name,
    )
    call = call.add(
        Greeted(
            at=_at(0.05),
            said="Service desk, Sam speaking. How can I help?",
            step_id="greet",
        )
    )
    call = _opening(call)
    return call.add(
        IdentityChecked(
            at=_at(0.5),
            policy="general",
            records=(
                VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=_PASSED),
                VerificationRecord(method=Verifier.MANAGER_NAME, outcome=_PASSED),
            ),
            step_id="validate-identity",
        ),
        QuestionAsked(
            at=_at(0.75),
            kind=QuestionKind.CONFIRMING,
            text=f"Can I still reach you on {ALICE.phone} if we get cut off?",
            answer="yes",
            fact=Facts.CUSTOMER_CONTACT,
            step_id="confirm-contact",
        ),
        QuestionAsked(
            at=_at(1),
            kind=QuestionKind.OPEN,
            text="What is happening, in your own words?",
            answer="My print jobs stay in the queue; the printer says Ready.",
            fact=Facts.ISSUE_SYMPTOMS,
            step_id="describe-issue",
        ),
        SymptomNoted(at=_at(1.2), text="jobs stay queued"),
        SymptomNoted(at=_at(1.2), text="printer panel shows Ready"),
        QuestionAsked(
            at=_at(1.5),
            kind=QuestionKind.CLOSED,
            text="Which printer is it? The label underneath shows a serial number.",
            answer=PRINTER.serial,
            fact=Facts.ASSET_SERIAL,
            step_id="ask-asset",
        ),
        QuestionAsked(
            at=_at(2),
            kind=QuestionKind.PROBING,
            text="Does a message appear? Please read it to me exactly.",
            answer="Printer offline (0x00000709)",
            fact=Facts.ISSUE_ERROR,
            step_id="ask-error",
        ),
        ErrorNoted(
            at=_at(2.1),
            error=ErrorMessage(
                text="Printer offline (0x00000709)", source="Windows print dialog"
            ),
        ),
        QuestionAsked(
            at=_at(2.5),
            kind=QuestionKind.PROBING,
            text="What have you tried already?",
            answer="I checked the cable and the power.",
            fact=Facts.ISSUE_STEPS_TRIED,
            step_id="ask-tried",
        ),
        StepTaken(
            at=_at(2.6),
            step=Step(
                action="checked cable and power",
                outcome=StepOutcome.FAILED,
                why="rules out the simplest causes first",
                by_customer=True,
            ),
        ),
        QuestionAsked(
            at=_at(3),
            kind=QuestionKind.PROBING,
            text="Is there a deadline, or anything confidential involved?",
            answer="A confidential report for a meeting at 10:00.",
            fact=Facts.BUSINESS_CONTEXT,
            step_id="ask-context",
        ),
        TemperamentObserved(at=_at(3.1), temperament=Temperament.FRUSTRATED),
        QuestionAsked(
            at=_at(3.5),
            kind=QuestionKind.CONFIRMING,
            text="So the printer looks ready but nothing prints, and you need the "
            "report by 10:00. Did I get that right?",
            answer="yes",
            step_id="confirm-understanding",
        ),
        ArticleUsed(
            at=_at(4),
            article=ArticleRef(article_id="KB-0042", usage=ArticleUsage.DID_NOT_HELP),
        ),
        StatementMade(
            at=_at(4.5),
            text="I'll try two things with you; it should take about ten minutes.",
            step_id="estimate",
        ),
        StepTaken(
            at=_at(5),
            step=Step(
                action="power-cycled the printer",
                outcome=StepOutcome.FAILED,
                why="clears most transient network faults",
            ),
            explained=True,
            step_id="apply-fix",
        ),
        HoldStarted(
            at=_at(7),
            reason="checking the print server queue",
            time_frame=timedelta(minutes=3),
        ),
        HoldEnded(at=_at(9), thanked=True),
        StepTaken(
            at=_at(9.5),
            step=Step(
                action="cleared the print queue and restarted the spooler",
                outcome=StepOutcome.FAILED,
                why="stuck jobs block the queue",
            ),
            explained=True,
            step_id="apply-fix",
        ),
        QuestionAsked(
            at=_at(12),
            kind=QuestionKind.CLOSED,
            text="Can you print a test page now?",
            answer="no",
            step_id="verify-fix",
        ),
        Escalated(
            at=_at(14),
            to_group="field-technicians",
            to_tier=Tier.L3,
            told=frozenset(BriefingPart),
            said="A field technician will come to B2.14 within 30 minutes. Your "
            f"ticket number is {_REFERENCE}; I stay your contact.",
            understood=True,
        ),
        NextStepAgreed(at=_at(14.5), text="on-site check of the network port"),
        CallClosed(at=_at(15), said="Thank you for calling."),
    )


def poor_call() -> Call:
    """The same call breaking practice: review lists what to coach."""
    call = Call.start(
        id="call-demo-poor",
        at=START,
        agent=SAM.id,
        customer_id=ALICE.id,
        script=DEFAULT_SCRIPT.name,
    )
    call = call.add(Greeted(at=_at(0.1) + timedelta(seconds=34), said="Desk."))
    return call.add(
        QuestionAsked(
            at=_at(1),
            kind=QuestionKind.OPEN,
            text="What's the problem?",
            answer="Nothing prints. I already switched the printer off and on.",
            fact=Facts.ISSUE_SYMPTOMS,
        ),
        StepTaken(
            at=_at(1.1),
            step=Step(
                action="power-cycled the printer",
                outcome=StepOutcome.FAILED,
                by_customer=True,
            ),
        ),
        QuestionAsked(
            at=_at(1.5),
            kind=QuestionKind.CLOSED,
            text="Serial number?",
            answer=PRINTER.serial,
            fact=Facts.ASSET_SERIAL,
        ),
        QuestionAsked(
            at=_at(2.5),
            kind=QuestionKind.CLOSED,
            text="And the serial number was?",
            answer=PRINTER.serial,
            fact=Facts.ASSET_SERIAL,
        ),
        StepTaken(
            at=_at(3),
            step=Step(action="Power-cycled the printer", outcome=StepOutcome.FAILED),
        ),
        Muted(at=_at(3.5)),
        Unmuted(at=_at(5)),
        HoldStarted(at=_at(5.5)),
        HoldEnded(at=_at(9)),
        HoldStarted(
            at=_at(9.5), reason="asking a colleague", time_frame=timedelta(minutes=2)
        ),
        HoldEnded(at=_at(14), thanked=True),
        Transferred(
            at=_at(14.5),
            to="field-technicians",
            warm=False,
            told=frozenset({BriefingPart.GROUP}),
        ),
        CallClosed(at=_at(15)),
    )


def run_call_review_demo() -> None:
    """Review both versions of the printer call and print the findings and the ticket note."""
    print("Call review: Alice's printer call\n")
    for title, call in (
        ("Following practice", good_call()),
        ("Breaking practice", poor_call()),
    ):
        findings = review(call, DEFAULT_SCRIPT)
        print(f"* {title} ({call.id}, {len(call.events)} events):")
        for line in format_findings(findings).splitlines():
            print(f"    {line}")
        print()
    ticket, _ = open_ticket_from_call(
        good_call(),
        summary="Desktop printer not responding",
        customer=ALICE,
        asset=PRINTER,
        id="inc-demo-call",
    )
    note = ticket.notes[-1]
    print(f"* Call summary note on {ticket.reference} ({note.kind.value}):")
    print(f"    symptoms: {', '.join(note.symptoms)}")
    print(f"    errors: {', '.join(e.text for e in note.errors)}")
    for step in note.steps:
        who = "customer" if step.by_customer else "desk"
        print(f"    step ({who}): {step.action} -> {step.outcome.value} ({step.why})")
    print(f"    articles: {', '.join(a.article_id for a in note.articles)}")
    print(f"    next steps: {', '.join(note.next_steps)}")
