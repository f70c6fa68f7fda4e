"""The demo case behind ``python -m deskflow demo`` (not public API).

A counsellor's desktop printer stops responding an hour before a meeting that
needs a confidential report. L1 greets and validates the caller, learns the
context, raises urgency, tries the standard steps, escalates to on-site field
technicians with a complete hand-off, keeps ownership; the technician
resolves, the customer confirms, the ticket closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskflow.errors import IncompleteHandoff
from deskflow.parties import Agent, Asset, Customer, Tier
from deskflow.priority import Impact, Urgency
from deskflow.storage.protocol import TicketQuery
from deskflow.tickets import (
    ArticleRef,
    ArticleUsage,
    BusinessContext,
    ErrorMessage,
    Handoff,
    Incident,
    Note,
    NoteKind,
    Step,
    StepOutcome,
    Ticket,
    Visibility,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime(2026, 3, 2, 9, 0, tzinfo=BRUSSELS)

ALICE = Customer(
    id="c-alice",
    name="Alice Moreau",
    email="alice.moreau@example.edu",
    phone="+32 2 555 0101",
    organisation="Student Counselling",
    manager="Dr. Nadia Haddad",
    time_zone="Europe/Brussels",
)
SAM = Agent(id="a-sam", name="Sam Peeters", tier=Tier.L1, groups=("service-desk",))
TOM = Agent(
    id="a-tom", name="Tom Janssens", tier=Tier.L3, groups=("field-technicians",)
)
PRINTER = Asset(
    serial="CN-4821-X", model="LaserJet M404dn", owner="c-alice", location="B2.14"
)


def build_case(
    on_step: Callable[[str, Ticket], None] | None = None,
) -> Incident:
    """Play the printer case; call ``on_step(title, ticket)`` after each step."""

    def step(title: str, ticket: Incident) -> Incident:
        if on_step is not None:
            on_step(title, ticket)
        return ticket

    def at(minutes: int) -> datetime:
        return START + timedelta(minutes=minutes)

    inc = Incident.open(
        id="inc-demo-printer",
        summary="Desktop printer not responding",
        description="Print jobs stay queued; the printer shows Ready.",
        customer=ALICE,
        asset=PRINTER,
        category="printing",
        impact=Impact.LOW,
        urgency=Urgency.MEDIUM,
        at=at(0),
        actor=SAM.id,
        owner=SAM.id,
        group="service-desk",
    )
    inc = step("L1 opens the incident after greeting and validating Alice", inc)
    inc = inc.add_note(
        Note(
            author=SAM.id,
            at=at(2),
            kind=NoteKind.CALL_SUMMARY,
            text="Caller validated by employee number and manager's name.",
        )
    )
    inc = inc.update_context(
        BusinessContext(
            deadline=at(60),
            deadline_reason="meeting at 10:00 needs the printed report",
            confidential=True,
            confidentiality_note="student case notes: cannot go to a shared printer",
        ),
        at=at(3),
        actor=SAM.id,
    )
    inc = step("Context recorded: a confidential report is due in an hour", inc)
    inc = inc.change_priority(
        impact=Impact.LOW,
        urgency=Urgency.HIGH,
        justification="confidential report needed for a meeting within the hour",
        at=at(4),
        actor=SAM.id,
    )
    inc = step("Urgency raised, with a justification", inc)
    inc = inc.start_work(at=at(5), actor=SAM.id)
    tried = (
        Step(
            action="checked cable and power",
            outcome=StepOutcome.FAILED,
            why="rules out the simplest causes first",
        ),
        Step(
            action="power-cycled the printer",
            outcome=StepOutcome.FAILED,
            why="clears most transient network faults",
        ),
        Step(
            action="cleared the print queue and restarted the spooler",
            outcome=StepOutcome.FAILED,
            why="stuck jobs block the queue",
        ),
    )
    error = ErrorMessage(
        text="Printer offline (0x00000709)", source="Windows print dialog"
    )
    inc = inc.add_note(
        Note(
            author=SAM.id,
            at=at(15),
            symptoms=("jobs stay queued", "printer panel shows Ready"),
            errors=(error,),
            steps=tried,
            articles=(
                ArticleRef(article_id="KB-0042", usage=ArticleUsage.DID_NOT_HELP),
            ),
            next_steps=("on-site check of the network port",),
        )
    )
    inc = step("Standard steps tried and written down", inc)
    try:
        inc.escalate(
            to_tier=Tier.L3,
            to_group="field-technicians",
            reason="printer unreachable on the network; needs an on-site visit",
            handoff=Handoff(contact_verified=True, contact=ALICE.phone or ""),
            at=at(16),
            actor=SAM.id,
        )
    except IncompleteHandoff as exc:
        if on_step is not None:
            print(f"    refused: {exc}")
    inc = inc.escalate(
        to_tier=Tier.L3,
        to_group="field-technicians",
        reason="printer unreachable on the network; needs an on-site visit",
        handoff=Handoff(
            contact_verified=True,
            contact=ALICE.phone or "",
            symptoms=("jobs stay queued", "printer panel shows Ready"),
            error_messages=(error,),
            steps_taken=tried,
            articles=(
                ArticleRef(article_id="KB-0042", usage=ArticleUsage.DID_NOT_HELP),
            ),
            context=inc.context,
        ),
        warm=True,
        at=at(17),
        actor=SAM.id,
    )
    inc = step("Escalated to field technicians with a complete hand-off", inc)
    inc = inc.add_note(
        Note(
            author=SAM.id,
            at=at(18),
            kind=NoteKind.STATUS_UPDATE,
            visibility=Visibility.CUSTOMER,
            text=(
                f"Ticket {inc.reference}: a field technician will come to B2.14 "
                "within 30 minutes. I stay your contact."
            ),
        )
    )
    inc = inc.assign(assignee=TOM.id, at=at(22), actor=TOM.id)
    inc = inc.start_work(at=at(30), actor=TOM.id)
    inc = inc.resolve(
        resolution="replaced the damaged network cable; test page printed",
        articles=(ArticleRef(article_id="KB-0042", usage=ArticleUsage.USED),),
        at=at(38),
        actor=TOM.id,
    )
    inc = step("Field technician resolves on site", inc)
    inc = inc.confirm(at=at(41), comment="report printed, thank you")
    inc = step("Alice confirms the report printed", inc)
    inc = inc.close(at=at(43), actor=SAM.id)
    return step("Sam, still the owner, closes the ticket", inc)


def format_timeline(ticket: Ticket) -> str:
    """A readable timeline, one event per line."""
    lines = []
    for event in ticket.timeline:
        when = event.at.astimezone(BRUSSELS).strftime("%H:%M")
        status = f" -> {event.status.value}" if event.status is not None else ""
        lines.append(f"  {when}  {event.type:<18} {event.actor:<8}{status}")
    return "\n".join(lines)


def run(db: str | None = None) -> int:
    """Run the demo, printing each step and the final timeline.

    With ``db``, every step is saved to that SQLite file as it happens (the
    store appends each step's events); a case already stored there is
    loaded and shown instead of being played again.
    """
    from deskflow._demo_calls import run_call_review_demo
    from deskflow._demo_followup import run_followup_demo
    from deskflow._demo_sla import sla_summary
    from deskflow.storage import SQLiteStore, TicketStore

    store: TicketStore | None = SQLiteStore(db) if db is not None else None
    saved = 0

    def show(title: str, ticket: Ticket) -> None:
        nonlocal saved
        print(f"* {title}")
        print(
            f"    {ticket.reference}  status={ticket.status.value}  "
            f"priority={ticket.priority.label}  tier={ticket.tier.value}  "
            f"owner={ticket.owner}  assignee={ticket.assignee}"
        )
        for line in sla_summary(ticket, ticket.updated_at).splitlines():
            print(f"    SLA: {line}")
        if store is not None:
            if saved == 0:
                store.add(ticket)
            else:
                store.save(ticket, expected_version=saved)
            saved = ticket.version

    try:
        print("deskflow demo: the counsellor's printer\n")
        if store is not None and store.count(TicketQuery(customer_id=ALICE.id)):
            inc = store.find(TicketQuery(customer_id=ALICE.id, limit=1)).items[0]
            print(
                f"The case is already stored in {db}: loaded {inc.reference} "
                f"({inc.version} events) instead of playing it again."
            )
        else:
            inc = build_case(show)
            if store is not None:
                print(f"\nSaved {inc.reference} ({inc.version} events) to {db}.")
        print("\nTimeline:")
        print(format_timeline(inc))
        print("\nSLA clocks at closure:")
        for line in sla_summary(inc, inc.updated_at).splitlines():
            print(f"    {line}")
        print("\n--- The call, recorded and reviewed ---\n")
        run_call_review_demo()
        print("\n--- Escalation advice, hand-off, promises and the agenda ---\n")
        run_followup_demo()
        if store is not None:
            print(
                f"\nShow it again with: python -m deskflow show {inc.reference} --db {db}"
            )
    finally:
        if store is not None:
            store.close()
    return 0
