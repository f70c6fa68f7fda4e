"""The ticket aggregate: models, events, commands, notes and lifecycles.

>>> from deskflow.tickets import Incident, Status, handle
>>> Status.NEW.is_open
True
"""

from __future__ import annotations

from datetime import datetime

from deskflow.tickets.commands import (
    AddNote,
    Assign,
    Cancel,
    CancelCommitment,
    ChangePriority,
    Close,
    Command,
    Confirm,
    CustomerReply,
    DeclareMajorIncident,
    Escalate,
    Hold,
    Link,
    MakeCommitment,
    MeetCommitment,
    RecordConduct,
    RecordKnownError,
    Reopen,
    RequestEscalation,
    Resolve,
    Resume,
    Route,
    StartWork,
    TakeOwnership,
    UpdateContext,
)
from deskflow.tickets.lifecycle import (
    DEFAULT_LIFECYCLES,
    INCIDENT_LIFECYCLE,
    PROBLEM_LIFECYCLE,
    SERVICE_REQUEST_LIFECYCLE,
    Guard,
    Lifecycle,
    Refusal,
    Transition,
)
from deskflow.tickets.model import (
    HoldState,
    Incident,
    Problem,
    Resolution,
    ServiceRequest,
    Ticket,
    allowed_commands,
    apply_event,
    handle,
    make_reference,
)
from deskflow.tickets.notes import (
    ArticleRef,
    ArticleUsage,
    ErrorMessage,
    Note,
    NoteKind,
    Step,
    StepOutcome,
    Visibility,
)
from deskflow.tickets.values import (
    BusinessContext,
    Channel,
    Commitment,
    CommitmentKind,
    CommitmentState,
    CommitmentStatus,
    ConductKind,
    EscalationKind,
    Handoff,
    HandoffPart,
    HoldReason,
    KnownError,
    LinkRelation,
    RequestType,
    Status,
    TicketKind,
    TicketLink,
)

__all__ = [
    "DEFAULT_LIFECYCLES",
    "INCIDENT_LIFECYCLE",
    "PROBLEM_LIFECYCLE",
    "SERVICE_REQUEST_LIFECYCLE",
    "AddNote",
    "ArticleRef",
    "ArticleUsage",
    "Assign",
    "BusinessContext",
    "Cancel",
    "CancelCommitment",
    "ChangePriority",
    "Channel",
    "Close",
    "Command",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "CommitmentStatus",
    "ConductKind",
    "Confirm",
    "CustomerReply",
    "DeclareMajorIncident",
    "ErrorMessage",
    "Escalate",
    "EscalationKind",
    "Guard",
    "Handoff",
    "HandoffPart",
    "Hold",
    "HoldReason",
    "HoldState",
    "Incident",
    "KnownError",
    "Lifecycle",
    "Link",
    "LinkRelation",
    "MakeCommitment",
    "MeetCommitment",
    "Note",
    "NoteKind",
    "Problem",
    "RecordConduct",
    "RecordKnownError",
    "Refusal",
    "Reopen",
    "RequestEscalation",
    "RequestType",
    "Resolution",
    "Resolve",
    "Resume",
    "Route",
    "ServiceRequest",
    "StartWork",
    "Status",
    "Step",
    "StepOutcome",
    "TakeOwnership",
    "Ticket",
    "TicketKind",
    "TicketLink",
    "Transition",
    "UpdateContext",
    "Visibility",
    "allowed_commands",
    "apply_event",
    "handle",
    "link_tickets",
    "make_reference",
]


def link_tickets(
    incident: Incident, problem: Problem, *, at: datetime, actor: str
) -> tuple[Incident, Problem]:
    """Link an incident to the problem that causes it, on both tickets.

    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> c = Customer(id="c-1", name="Alice")
    >>> inc = Incident.open(summary="offline", customer=c, at=t0, actor="a", id="i-1")
    >>> prb = Problem.open(summary="firmware", customer=c, at=t0, actor="a", id="p-1")
    >>> inc, prb = link_tickets(inc, prb, at=t0, actor="a")
    >>> inc.problem_ids, prb.incident_ids
    (('p-1',), ('i-1',))
    """
    incident = incident.link(
        relation=LinkRelation.CAUSED_BY, other_id=problem.id, at=at, actor=actor
    )
    problem = problem.link(
        relation=LinkRelation.CAUSES, other_id=incident.id, at=at, actor=actor
    )
    return incident, problem
