"""A printer ticket at a Brussels desk, shared by the escalation and follow-up tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deskflow.parties import Customer
from deskflow.tickets import ErrorMessage, Handoff, Incident, Step, StepOutcome

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BRUSSELS)  # a Monday
ALICE = Customer(id="c-alice", name="Alice", time_zone="Europe/Brussels")
FULL = Handoff(
    contact_verified=True,
    contact="+32 2 555 0101",
    steps_taken=(Step(action="power-cycled the printer", outcome=StepOutcome.FAILED),),
    error_messages=(ErrorMessage(text="0x00000709"),),
    no_article_applies=True,
)


def at(minutes: float) -> datetime:
    """``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def new_ticket(**kw: Any) -> Incident:
    """Alice's printer incident, opened at T0 by the service desk; ``kw`` overrides."""
    fields: dict[str, Any] = {
        "summary": "Printer not responding",
        "customer": ALICE,
        "at": T0,
        "actor": "a-sam",
        "owner": "a-sam",
        "group": "service-desk",
        "category": "printing",
        "id": "t-1",
    }
    fields.update(kw)
    return Incident.open(**fields)
