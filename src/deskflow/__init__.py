"""deskflow: typed models for help-desk and service-desk work.

Tickets (incidents, service requests, problems) whose state is the fold of
their timeline; lifecycles, priority matrices and policies as data; explicit
time; one error hierarchy. This module re-exports the names most users need;
the topic modules (:mod:`deskflow.tickets`, :mod:`deskflow.serialization`, ...)
hold the rest.

>>> from datetime import datetime, timezone
>>> import deskflow
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> inc = deskflow.Incident.open(summary="Printer offline",
...     customer=deskflow.Customer(id="c-1", name="Alice"), at=t0, actor="a-sam")
>>> inc.status
<Status.NEW: 'new'>
"""

from __future__ import annotations

# first: it chooses between the compiled SLA modules and their Python source
from deskflow import _loader  # noqa: F401
from deskflow.clock import Clock, FixedClock, SystemClock
from deskflow.errors import (
    DeskflowError,
    IncompleteHandoff,
    InvalidTransition,
    TicketNotFound,
    ValidationError,
)
from deskflow.parties import Agent, Asset, Customer, Tier
from deskflow.priority import Impact, Priority, PriorityMatrix, Urgency
from deskflow.serialization import dumps, from_dict, loads, to_dict
from deskflow.tickets import (
    ArticleRef,
    BusinessContext,
    Handoff,
    HoldReason,
    Incident,
    Lifecycle,
    Note,
    Problem,
    ServiceRequest,
    Status,
    Step,
    StepOutcome,
    Ticket,
    TicketKind,
)

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "ArticleRef",
    "Asset",
    "BusinessContext",
    "Clock",
    "Customer",
    "DeskflowError",
    "FixedClock",
    "Handoff",
    "HoldReason",
    "Impact",
    "Incident",
    "IncompleteHandoff",
    "InvalidTransition",
    "Lifecycle",
    "Note",
    "Priority",
    "PriorityMatrix",
    "Problem",
    "ServiceRequest",
    "Status",
    "Step",
    "StepOutcome",
    "SystemClock",
    "Ticket",
    "TicketKind",
    "TicketNotFound",
    "Tier",
    "Urgency",
    "ValidationError",
    "dumps",
    "from_dict",
    "loads",
    "to_dict",
]
