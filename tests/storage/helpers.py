"""Ticket builders shared by the storage tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from deskflow import Asset, Customer, Impact, Incident, Note, Problem, Urgency
from deskflow.tickets.model import Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def incident(
    ticket_id: str,
    *,
    customer: str = "c-1",
    minutes: int = 0,
    summary: str = "Printer not responding",
    serial: str | None = None,
) -> Incident:
    """A new incident opened ``minutes`` after T0."""
    return Incident.open(
        id=ticket_id,
        summary=summary,
        customer=Customer(id=customer, name="Customer " + customer),
        asset=Asset(serial=serial) if serial is not None else None,
        impact=Impact.LOW,
        urgency=Urgency.MEDIUM,
        at=T0 + timedelta(minutes=minutes),
        actor="a-1",
    )


def problem(ticket_id: str, *, minutes: int = 0) -> Problem:
    """A new problem opened ``minutes`` after T0."""
    return Problem.open(
        id=ticket_id,
        summary="Recurring printer fault",
        customer=Customer(id="c-ops", name="Operations"),
        at=T0 + timedelta(minutes=minutes),
        actor="a-1",
    )


def with_notes(ticket: Ticket, count: int, *, text: str = "called back") -> Ticket:
    """``ticket`` with ``count`` more notes, one minute apart after its last event."""
    at = ticket.updated_at
    for i in range(count):
        at = at + timedelta(minutes=1)
        ticket = ticket.add_note(Note(author="a-1", at=at, text=f"{text} {i}"))
    return ticket
