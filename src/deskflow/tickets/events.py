"""Timeline events: the audit trail and the single source of a ticket's state.

Every accepted command appends one or more events. Each event says when it
happened (``at``), who did it (``actor``) and, when the command moved the
ticket, the ``status`` it moved to. Folding the events from the first one
rebuilds the ticket exactly (:meth:`deskflow.Ticket.from_events`), which is
also how SLA clocks and metrics read a ticket's history.

Each event class has a stable ``type`` tag used in serialized form. Every
field checks its type when the event is built (an enum member, not its
value; text that UTF-8 can hold), so whatever is built can be stored and
read back.

>>> from datetime import datetime, timezone
>>> e = WorkStarted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), actor="a-sam",
...                 status=Status.IN_PROGRESS)
>>> e.type, e.status.value
('work_started', 'in_progress')
>>> WorkStarted(at=e.at, actor="a-sam", status="in_progress")
Traceback (most recent call last):
...
deskflow.errors.ValidationError: status: expected Status or None, got str
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Union

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    is_text,
    non_empty,
    optional_instance_of,
    optional_text,
    to_tuple,
    tuple_of,
)
from deskflow.parties import Asset, Customer, Tier
from deskflow.priority import Impact, Priority, Urgency
from deskflow.tickets.notes import ArticleRef, Note
from deskflow.tickets.values import (
    BusinessContext,
    Channel,
    Commitment,
    ConductKind,
    EscalationKind,
    Handoff,
    HoldReason,
    KnownError,
    LinkRelation,
    RequestType,
    Status,
    TicketKind,
)

__all__ = [
    "EVENT_TYPES",
    "Assigned",
    "Cancelled",
    "Closed",
    "CommitmentCancelled",
    "CommitmentMade",
    "CommitmentMet",
    "ConductRecorded",
    "Confirmed",
    "ContextChanged",
    "CustomerReplied",
    "Escalated",
    "EscalationRequested",
    "Event",
    "EventBase",
    "Held",
    "KnownErrorRecorded",
    "Linked",
    "MajorIncidentDeclared",
    "NoteAdded",
    "Opened",
    "OwnershipTaken",
    "PriorityChanged",
    "Reopened",
    "Resolved",
    "Resumed",
    "Routed",
    "WorkStarted",
]


@attrs.frozen(kw_only=True)
class EventBase:
    """Fields every event has: the instant, the actor, and the status moved to.

    ``status`` is ``None`` when the event did not change the ticket's status.

    >>> EventBase.type
    'event'
    """

    type: ClassVar[str] = "event"

    at: datetime = attrs.field(validator=aware)
    actor: str = attrs.field(validator=non_empty)
    status: Status | None = attrs.field(
        default=None, validator=optional_instance_of(Status)
    )


@attrs.frozen(kw_only=True)
class Opened(EventBase):
    """The ticket was opened; carries everything it was opened with.

    >>> Opened.type
    'opened'
    """

    type: ClassVar[str] = "opened"

    ticket_id: str = attrs.field(validator=non_empty)
    reference: str = attrs.field(validator=non_empty)
    kind: TicketKind = attrs.field(validator=instance_of(TicketKind))
    summary: str = attrs.field(validator=non_empty)
    description: str = attrs.field(default="", validator=is_text)
    customer: Customer = attrs.field(validator=instance_of(Customer))
    asset: Asset | None = attrs.field(
        default=None, validator=optional_instance_of(Asset)
    )
    category: str = attrs.field(default="", validator=is_text)
    channel: Channel = attrs.field(
        default=Channel.PHONE, validator=instance_of(Channel)
    )
    impact: Impact = attrs.field(validator=instance_of(Impact))
    urgency: Urgency = attrs.field(validator=instance_of(Urgency))
    priority: Priority = attrs.field(validator=instance_of(Priority))
    context: BusinessContext = attrs.field(
        factory=BusinessContext, validator=instance_of(BusinessContext)
    )
    major: bool = attrs.field(default=False, validator=instance_of(bool))
    request_type: RequestType | None = attrs.field(
        default=None, validator=optional_instance_of(RequestType)
    )
    owner: str | None = attrs.field(default=None, validator=optional_text)
    group: str | None = attrs.field(default=None, validator=optional_text)
    tier: Tier = attrs.field(default=Tier.L1, validator=instance_of(Tier))


@attrs.frozen(kw_only=True)
class Routed(EventBase):
    """The ticket was put in a group's queue (no assignee yet).

    >>> Routed.type
    'routed'
    """

    type: ClassVar[str] = "routed"

    group: str = attrs.field(validator=non_empty)
    tier: Tier | None = attrs.field(default=None, validator=optional_instance_of(Tier))
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Assigned(EventBase):
    """An agent was assigned to work the ticket (optionally in a new group).

    >>> Assigned.type
    'assigned'
    """

    type: ClassVar[str] = "assigned"

    assignee: str = attrs.field(validator=non_empty)
    group: str | None = attrs.field(default=None, validator=optional_text)
    tier: Tier | None = attrs.field(default=None, validator=optional_instance_of(Tier))


@attrs.frozen(kw_only=True)
class OwnershipTaken(EventBase):
    """An agent became the accountable owner (only by this explicit event).

    >>> OwnershipTaken.type
    'ownership_taken'
    """

    type: ClassVar[str] = "ownership_taken"

    owner: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class NoteAdded(EventBase):
    """A note was added.

    >>> NoteAdded.type
    'note_added'
    """

    type: ClassVar[str] = "note_added"

    note: Note = attrs.field(validator=instance_of(Note))


@attrs.frozen(kw_only=True)
class CustomerReplied(EventBase):
    """The customer answered (their words are in the note).

    >>> CustomerReplied.type
    'customer_replied'
    """

    type: ClassVar[str] = "customer_replied"

    note: Note = attrs.field(validator=instance_of(Note))


@attrs.frozen(kw_only=True)
class WorkStarted(EventBase):
    """Someone started working the ticket.

    >>> WorkStarted.type
    'work_started'
    """

    type: ClassVar[str] = "work_started"


@attrs.frozen(kw_only=True)
class Held(EventBase):
    """Work waits, for a stated reason, until a stated time.

    >>> Held.type
    'held'
    """

    type: ClassVar[str] = "held"

    reason: HoldReason = attrs.field(validator=instance_of(HoldReason))
    until: datetime = attrs.field(validator=aware)
    detail: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Resumed(EventBase):
    """Work resumed after a hold; ``automatic`` when a customer reply resumed it.

    >>> Resumed.type
    'resumed'
    """

    type: ClassVar[str] = "resumed"

    reason: str = attrs.field(default="", validator=is_text)
    automatic: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class Escalated(EventBase):
    """The ticket went to another tier or group, with its hand-off package.

    The owner does not change: accountability stays with the owner.

    >>> Escalated.type
    'escalated'
    """

    type: ClassVar[str] = "escalated"

    kind: EscalationKind = attrs.field(validator=instance_of(EscalationKind))
    reason: str = attrs.field(validator=non_empty)
    from_tier: Tier = attrs.field(validator=instance_of(Tier))
    to_tier: Tier = attrs.field(validator=instance_of(Tier))
    to_group: str | None = attrs.field(default=None, validator=optional_text)
    to_agent: str | None = attrs.field(default=None, validator=optional_text)
    warm: bool = attrs.field(default=False, validator=instance_of(bool))
    handoff: Handoff = attrs.field(validator=instance_of(Handoff))


@attrs.frozen(kw_only=True)
class PriorityChanged(EventBase):
    """Impact, urgency and priority were changed, with the justification.

    >>> PriorityChanged.type
    'priority_changed'
    """

    type: ClassVar[str] = "priority_changed"

    impact: Impact = attrs.field(validator=instance_of(Impact))
    urgency: Urgency = attrs.field(validator=instance_of(Urgency))
    priority: Priority = attrs.field(validator=instance_of(Priority))
    justification: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class ContextChanged(EventBase):
    """The business context (deadline, confidentiality) was recorded or changed.

    >>> ContextChanged.type
    'context_changed'
    """

    type: ClassVar[str] = "context_changed"

    context: BusinessContext = attrs.field(validator=instance_of(BusinessContext))
    justification: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class MajorIncidentDeclared(EventBase):
    """The incident was flagged (or un-flagged) as a major incident.

    >>> MajorIncidentDeclared.type
    'major_incident_declared'
    """

    type: ClassVar[str] = "major_incident_declared"

    major: bool = attrs.field(default=True, validator=instance_of(bool))
    justification: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class Resolved(EventBase):
    """A resolution was applied; ``first_contact`` when solved on the first contact.

    >>> Resolved.type
    'resolved'
    """

    type: ClassVar[str] = "resolved"

    resolution: str = attrs.field(validator=non_empty)
    code: str = attrs.field(default="", validator=is_text)
    articles: tuple[ArticleRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ArticleRef)
    )
    first_contact: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class Confirmed(EventBase):
    """The customer confirmed the fix works.

    >>> Confirmed.type
    'confirmed'
    """

    type: ClassVar[str] = "confirmed"

    comment: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Reopened(EventBase):
    """A resolved ticket was reopened (the fix did not hold, or was rejected).

    >>> Reopened.type
    'reopened'
    """

    type: ClassVar[str] = "reopened"

    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class Closed(EventBase):
    """The ticket was closed; ``automatic`` after the quiet period.

    >>> Closed.type
    'closed'
    """

    type: ClassVar[str] = "closed"

    automatic: bool = attrs.field(default=False, validator=instance_of(bool))
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Cancelled(EventBase):
    """The ticket was cancelled (raised in error, duplicate, withdrawn).

    >>> Cancelled.type
    'cancelled'
    """

    type: ClassVar[str] = "cancelled"

    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class Linked(EventBase):
    """A link to another ticket was recorded.

    >>> Linked.type
    'linked'
    """

    type: ClassVar[str] = "linked"

    relation: LinkRelation = attrs.field(validator=instance_of(LinkRelation))
    other_id: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class KnownErrorRecorded(EventBase):
    """A problem's root cause was found and a workaround recorded.

    >>> KnownErrorRecorded.type
    'known_error_recorded'
    """

    type: ClassVar[str] = "known_error_recorded"

    known_error: KnownError = attrs.field(validator=instance_of(KnownError))


@attrs.frozen(kw_only=True)
class CommitmentMade(EventBase):
    """A promise was made to the customer (a call-back, an update, a follow-up).

    >>> CommitmentMade.type
    'commitment_made'
    """

    type: ClassVar[str] = "commitment_made"

    commitment: Commitment = attrs.field(validator=instance_of(Commitment))


@attrs.frozen(kw_only=True)
class CommitmentMet(EventBase):
    """A promise was kept; ``outcome`` says how.

    >>> CommitmentMet.type
    'commitment_met'
    """

    type: ClassVar[str] = "commitment_met"

    commitment_id: str = attrs.field(validator=non_empty)
    outcome: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class CommitmentCancelled(EventBase):
    """A promise was withdrawn, with the reason (the customer was told).

    >>> CommitmentCancelled.type
    'commitment_cancelled'
    """

    type: ClassVar[str] = "commitment_cancelled"

    commitment_id: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class ConductRecorded(EventBase):
    """Abusive, threatening or harassing conduct on a contact was recorded.

    >>> ConductRecorded.type
    'conduct_recorded'
    """

    type: ClassVar[str] = "conduct_recorded"

    kind: ConductKind = attrs.field(
        default=ConductKind.ABUSIVE, validator=instance_of(ConductKind)
    )
    description: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class EscalationRequested(EventBase):
    """The customer asked for the ticket to be escalated (e.g. to a supervisor).

    >>> EscalationRequested.type
    'escalation_requested'
    """

    type: ClassVar[str] = "escalation_requested"

    kind: EscalationKind = attrs.field(
        default=EscalationKind.HIERARCHICAL, validator=instance_of(EscalationKind)
    )
    reason: str = attrs.field(default="", validator=is_text)


Event = Union[  # noqa: UP007 (a runtime union cattrs can tag)
    Opened,
    Routed,
    Assigned,
    OwnershipTaken,
    NoteAdded,
    CustomerReplied,
    WorkStarted,
    Held,
    Resumed,
    Escalated,
    PriorityChanged,
    ContextChanged,
    MajorIncidentDeclared,
    Resolved,
    Confirmed,
    Reopened,
    Closed,
    Cancelled,
    Linked,
    KnownErrorRecorded,
    CommitmentMade,
    CommitmentMet,
    CommitmentCancelled,
    ConductRecorded,
    EscalationRequested,
]
"""Any timeline event (a union of the classes above)."""

EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.type: cls
    for cls in (
        Opened,
        Routed,
        Assigned,
        OwnershipTaken,
        NoteAdded,
        CustomerReplied,
        WorkStarted,
        Held,
        Resumed,
        Escalated,
        PriorityChanged,
        ContextChanged,
        MajorIncidentDeclared,
        Resolved,
        Confirmed,
        Reopened,
        Closed,
        Cancelled,
        Linked,
        KnownErrorRecorded,
        CommitmentMade,
        CommitmentMet,
        CommitmentCancelled,
        ConductRecorded,
        EscalationRequested,
    )
}
"""Event classes by their serialized ``type`` tag."""
