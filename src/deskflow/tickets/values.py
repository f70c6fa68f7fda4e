"""Small value types shared by tickets, events and commands.

>>> Status.ON_HOLD.is_open, Status.CLOSED.is_open
(True, False)
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    is_text,
    non_empty,
    optional_aware,
    optional_instance_of,
    to_tuple,
    tuple_of,
)
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import ValidationError
from deskflow.tickets.notes import ArticleRef, ErrorMessage, Step

__all__ = [
    "BusinessContext",
    "Channel",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "CommitmentStatus",
    "ConductKind",
    "EscalationKind",
    "Handoff",
    "HandoffPart",
    "HoldReason",
    "KnownError",
    "LinkRelation",
    "RequestType",
    "Status",
    "TicketKind",
    "TicketLink",
]


class TicketKind(enum.Enum):
    """The three kinds of ticket.

    >>> TicketKind.INCIDENT.prefix
    'INC'
    """

    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"
    PROBLEM = "problem"

    @property
    def prefix(self) -> str:
        """The reference-number prefix (``INC``, ``REQ``, ``PRB``).

        >>> TicketKind.PROBLEM.prefix
        'PRB'
        """
        return {"incident": "INC", "service_request": "REQ", "problem": "PRB"}[
            self.value
        ]


class Status(enum.Enum):
    """The states a ticket can be in.

    The set is closed on purpose: SLA pause rules and metrics give each state
    a meaning. A host's own lifecycle chooses which of them it uses and how
    commands move between them.

    >>> [s.value for s in Status if not s.is_open]
    ['resolved', 'closed', 'cancelled']
    """

    NEW = "new"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """True while work on the ticket is still owed.

        >>> Status.QUEUED.is_open
        True
        """
        return self not in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class HoldReason(enum.Enum):
    """Why work on a ticket waits (the wait reasons seen in real desks).

    >>> HoldReason("awaiting_vendor")
    <HoldReason.AWAITING_VENDOR: 'awaiting_vendor'>
    """

    AWAITING_CUSTOMER = "awaiting_customer"
    AWAITING_USER = "awaiting_user"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_CHANGE = "awaiting_change"
    AWAITING_APPROVAL = "awaiting_approval"
    UNSPECIFIED = "unspecified"


class Channel(enum.Enum):
    """How a ticket reached the desk.

    >>> Channel.PHONE.value
    'phone'
    """

    PHONE = "phone"
    EMAIL = "email"
    PORTAL = "portal"
    CHAT = "chat"
    WALK_IN = "walk_in"
    MONITORING = "monitoring"


class RequestType(enum.Enum):
    """What a service request asks for.

    >>> RequestType.STANDARD_CHANGE.value
    'standard_change'
    """

    INFORMATION = "information"
    ADVICE = "advice"
    STANDARD_CHANGE = "standard_change"
    ACCESS = "access"


class EscalationKind(enum.Enum):
    """Functional: to a group with the skill. Hierarchical: to a supervisor or manager.

    >>> EscalationKind.HIERARCHICAL.value
    'hierarchical'
    """

    FUNCTIONAL = "functional"
    HIERARCHICAL = "hierarchical"


class LinkRelation(enum.Enum):
    """How two tickets relate.

    >>> LinkRelation.CAUSED_BY.inverse
    <LinkRelation.CAUSES: 'causes'>
    """

    CAUSED_BY = "caused_by"
    CAUSES = "causes"
    RELATED = "related"
    DUPLICATE_OF = "duplicate_of"
    DUPLICATED_BY = "duplicated_by"

    @property
    def inverse(self) -> LinkRelation:
        """The relation as seen from the other ticket.

        >>> LinkRelation.RELATED.inverse
        <LinkRelation.RELATED: 'related'>
        """
        return _INVERSE[self]


_INVERSE = {
    LinkRelation.CAUSED_BY: LinkRelation.CAUSES,
    LinkRelation.CAUSES: LinkRelation.CAUSED_BY,
    LinkRelation.RELATED: LinkRelation.RELATED,
    LinkRelation.DUPLICATE_OF: LinkRelation.DUPLICATED_BY,
    LinkRelation.DUPLICATED_BY: LinkRelation.DUPLICATE_OF,
}


@attrs.frozen(kw_only=True)
class TicketLink:
    """A link from this ticket to another one.

    >>> TicketLink(relation=LinkRelation.CAUSED_BY, ticket_id="prb-1").ticket_id
    'prb-1'
    """

    relation: LinkRelation = attrs.field(validator=instance_of(LinkRelation))
    ticket_id: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class BusinessContext:
    """Context that changes urgency or confidentiality, kept as data.

    A counsellor who must print a confidential report before a meeting at
    10:00 has a ``deadline`` and a ``confidential`` context: "use another
    printer" is not an answer.

    >>> from datetime import datetime, timezone
    >>> ctx = BusinessContext(deadline=datetime(2026, 3, 2, 10, tzinfo=timezone.utc),
    ...     deadline_reason="meeting needs the printed report", confidential=True,
    ...     confidentiality_note="report holds student case notes")
    >>> ctx.is_stated
    True
    """

    deadline: datetime | None = attrs.field(default=None, validator=optional_aware)
    deadline_reason: str = attrs.field(default="", validator=is_text)
    confidential: bool = attrs.field(default=False, validator=instance_of(bool))
    confidentiality_note: str = attrs.field(default="", validator=is_text)

    @property
    def is_stated(self) -> bool:
        """True when any context was recorded.

        >>> BusinessContext().is_stated
        False
        """
        return bool(
            self.deadline
            or self.deadline_reason
            or self.confidential
            or self.confidentiality_note
        )


@attrs.frozen(kw_only=True)
class KnownError:
    """A problem's root cause and the workaround agents can apply meanwhile.

    >>> KnownError(root_cause="firmware 2.1 drops IPv6", workaround="pin IPv4").workaround
    'pin IPv4'
    """

    root_cause: str = attrs.field(validator=non_empty)
    workaround: str = attrs.field(default="", validator=is_text)


class HandoffPart(enum.Enum):
    """The parts a hand-off package can be required to hold.

    >>> HandoffPart.STEPS_TAKEN.label
    'steps already taken, with outcomes'
    """

    CONTACT_VERIFIED = "contact_verified"
    ERROR_MESSAGES = "error_messages"
    STEPS_TAKEN = "steps_taken"
    ARTICLES = "articles"
    BUSINESS_CONTEXT = "business_context"

    @property
    def label(self) -> str:
        """What a person reads in an error listing missing parts.

        >>> HandoffPart.CONTACT_VERIFIED.label
        'verified contact details'
        """
        return _PART_LABELS[self]


_PART_LABELS = {
    HandoffPart.CONTACT_VERIFIED: "verified contact details",
    HandoffPart.ERROR_MESSAGES: "error messages (or a statement that none were shown)",
    HandoffPart.STEPS_TAKEN: "steps already taken, with outcomes",
    HandoffPart.ARTICLES: "knowledge articles used (or a statement that none applied)",
    HandoffPart.BUSINESS_CONTEXT: "business context (deadline, confidentiality)",
}


@attrs.frozen(kw_only=True)
class Handoff:
    """What travels with an escalation, so nobody asks the customer again.

    Screenshots are references (a URL or an attachment id), never bytes.
    ``no_error_shown`` and ``no_article_applies`` state explicitly that a part
    is empty on purpose.

    >>> from deskflow.tickets.notes import StepOutcome
    >>> h = Handoff(contact_verified=True, contact="+32 2 555 0101",
    ...     steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
    ...     no_error_shown=True, no_article_applies=True)
    >>> h.missing(frozenset(HandoffPart))
    ('business context (deadline, confidentiality)',)
    """

    contact_verified: bool = attrs.field(default=False, validator=instance_of(bool))
    contact: str = attrs.field(default="", validator=instance_of(str))
    symptoms: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    error_messages: tuple[ErrorMessage, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ErrorMessage)
    )
    screenshots: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    no_error_shown: bool = attrs.field(default=False, validator=instance_of(bool))
    steps_taken: tuple[Step, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Step)
    )
    articles: tuple[ArticleRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ArticleRef)
    )
    no_article_applies: bool = attrs.field(default=False, validator=instance_of(bool))
    context: BusinessContext | None = attrs.field(
        default=None, validator=optional_instance_of(BusinessContext)
    )
    summary: str = attrs.field(default="", validator=instance_of(str))

    def has(self, part: HandoffPart) -> bool:
        """Whether the package holds ``part``.

        >>> Handoff().has(HandoffPart.CONTACT_VERIFIED)
        False
        """
        if part is HandoffPart.CONTACT_VERIFIED:
            return self.contact_verified and bool(self.contact.strip())
        if part is HandoffPart.ERROR_MESSAGES:
            return bool(self.error_messages or self.screenshots) or self.no_error_shown
        if part is HandoffPart.STEPS_TAKEN:
            return bool(self.steps_taken)
        if part is HandoffPart.ARTICLES:
            return bool(self.articles) or self.no_article_applies
        return self.context is not None

    def missing(self, required: frozenset[HandoffPart]) -> tuple[str, ...]:
        """Labels of the required parts this package lacks, in a stable order.

        >>> Handoff().missing(frozenset({HandoffPart.STEPS_TAKEN}))
        ('steps already taken, with outcomes',)
        """
        return tuple(p.label for p in HandoffPart if p in required and not self.has(p))


class CommitmentKind(enum.Enum):
    """What an agent promised the customer.

    ``CALL_BACK``: a call at a stated time. ``FIND_OUT``: "I don't know; I
    will find out and call you back". ``STATUS_UPDATE``: news by a stated
    time, even if nothing changed. ``FOLLOW_UP``: a contact after the
    resolution to check the customer is happy and the fix held.

    >>> CommitmentKind("find_out")
    <CommitmentKind.FIND_OUT: 'find_out'>
    """

    CALL_BACK = "call_back"
    FIND_OUT = "find_out"
    STATUS_UPDATE = "status_update"
    FOLLOW_UP = "follow_up"


class CommitmentStatus(enum.Enum):
    """What the timeline says of a commitment: still open, met or cancelled.

    >>> CommitmentStatus.MET.value
    'met'
    """

    OPEN = "open"
    MET = "met"
    CANCELLED = "cancelled"


class CommitmentState(enum.Enum):
    """A commitment seen at an instant (see :meth:`Commitment.state_at`).

    >>> [s.value for s in CommitmentState]
    ['pending', 'overdue', 'met', 'cancelled']
    """

    PENDING = "pending"
    OVERDUE = "overdue"
    MET = "met"
    CANCELLED = "cancelled"


def _check_closed(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        optional_aware(instance, attribute, value)
    if (value is None) != (instance.status is CommitmentStatus.OPEN):
        raise ValidationError(
            "closed_at is set exactly when the commitment is met or cancelled",
            path="closed_at",
        )


@attrs.frozen(kw_only=True)
class Commitment:
    """A promise made to the customer, kept on the ticket until met or cancelled.

    ``owed_by`` is the agent who must keep it; ``due`` the instant it falls
    due, which is after ``made_at`` (as :class:`~deskflow.tickets.commands.MakeCommitment`
    requires; a value built directly is held to the same rule); ``closed_at`` the instant it was met or cancelled and ``outcome``
    what happened.

    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> c = Commitment(id="c1", kind=CommitmentKind.CALL_BACK, due=t0 + timedelta(hours=2),
    ...     owed_by="a-sam", made_at=t0, text="call back with the technician's time")
    >>> c.state_at(t0).value, c.state_at(t0 + timedelta(hours=3)).value
    ('pending', 'overdue')
    """

    id: str = attrs.field(validator=non_empty)
    kind: CommitmentKind = attrs.field(validator=instance_of(CommitmentKind))
    due: datetime = attrs.field(validator=aware)
    owed_by: str = attrs.field(validator=non_empty)
    made_at: datetime = attrs.field(validator=aware)
    text: str = attrs.field(default="", validator=is_text)
    status: CommitmentStatus = attrs.field(
        default=CommitmentStatus.OPEN, validator=instance_of(CommitmentStatus)
    )
    closed_at: datetime | None = attrs.field(default=None, validator=_check_closed)
    outcome: str = attrs.field(default="", validator=is_text)

    def __attrs_post_init__(self) -> None:
        # the same rule as the make_commitment command, for values built directly
        if to_utc(self.due) <= to_utc(self.made_at):
            raise ValidationError(
                f"a promise falls due after it is made: {self.due.isoformat()} is "
                f"not after made_at {self.made_at.isoformat()}",
                path="due",
            )

    @property
    def is_open(self) -> bool:
        """True until the commitment is met or cancelled.

        >>> from datetime import datetime, timedelta, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> Commitment(id="c1", kind=CommitmentKind.FIND_OUT, due=t0 + timedelta(hours=1),
        ...     owed_by="a", made_at=t0).is_open
        True
        """
        return self.status is CommitmentStatus.OPEN

    def state_at(self, at: datetime) -> CommitmentState:
        """The commitment's state at the instant ``at``.

        Exactly one holds: ``MET`` or ``CANCELLED`` once it was closed at or
        before ``at``; otherwise ``OVERDUE`` when ``at`` is after ``due``, and
        ``PENDING`` up to and including ``due``.

        >>> from datetime import datetime, timedelta, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> c = Commitment(id="c1", kind=CommitmentKind.STATUS_UPDATE,
        ...     due=t0 + timedelta(hours=1), owed_by="a", made_at=t0)
        >>> c.state_at(t0 + timedelta(hours=1)).value
        'pending'
        """
        ensure_aware(at, "at")
        now = to_utc(at)
        if self.closed_at is not None and to_utc(self.closed_at) <= now:
            if self.status is CommitmentStatus.MET:
                return CommitmentState.MET
            return CommitmentState.CANCELLED
        if now > to_utc(self.due):
            return CommitmentState.OVERDUE
        return CommitmentState.PENDING

    @property
    def met_late(self) -> bool:
        """True when it was met, but after it fell due.

        >>> from datetime import datetime, timedelta, timezone
        >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> Commitment(id="c1", kind=CommitmentKind.CALL_BACK, due=t0 + timedelta(hours=1),
        ...     owed_by="a", made_at=t0).met_late
        False
        """
        return (
            self.status is CommitmentStatus.MET
            and self.closed_at is not None
            and to_utc(self.closed_at) > to_utc(self.due)
        )


class ConductKind(enum.Enum):
    """Conduct on a contact that a supervisor must know about.

    >>> ConductKind.ABUSIVE.value
    'abusive'
    """

    ABUSIVE = "abusive"
    THREATENING = "threatening"
    HARASSING = "harassing"
