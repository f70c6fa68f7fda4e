"""Commands: what a person or system asks to do to a ticket.

A command is a plain value. :func:`deskflow.tickets.handle` checks it against
the ticket's lifecycle (is it allowed in this state, do the guards accept it)
and turns it into timeline events. Every command is given its actor and
instant by the caller; none reads a clock.

Each command class has a stable ``name`` that lifecycle definitions use.

>>> Hold(reason=HoldReason.AWAITING_CUSTOMER,
...      until=datetime(2026, 3, 3, 9, tzinfo=timezone.utc)).name
'hold'
"""

from __future__ import annotations

from datetime import datetime, timezone
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
from deskflow.parties import Tier
from deskflow.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency
from deskflow.tickets.notes import ArticleRef, Note
from deskflow.tickets.values import (
    BusinessContext,
    CommitmentKind,
    ConductKind,
    EscalationKind,
    Handoff,
    HoldReason,
    KnownError,
    LinkRelation,
)

__all__ = [
    "COMMAND_NAMES",
    "AddNote",
    "Assign",
    "Cancel",
    "CancelCommitment",
    "ChangePriority",
    "Close",
    "Command",
    "Confirm",
    "CustomerReply",
    "DeclareMajorIncident",
    "Escalate",
    "Hold",
    "Link",
    "MakeCommitment",
    "MeetCommitment",
    "RecordConduct",
    "RecordKnownError",
    "Reopen",
    "RequestEscalation",
    "Resolve",
    "Resume",
    "Route",
    "StartWork",
    "TakeOwnership",
    "UpdateContext",
]

_ = timezone  # used by the module doctest


@attrs.frozen(kw_only=True)
class Route:
    """Put the ticket in a group's queue, unassigned.

    >>> Route(group="desktop-support", tier=Tier.L2).name
    'route'
    """

    name: ClassVar[str] = "route"
    group: str = attrs.field(validator=non_empty)
    tier: Tier | None = attrs.field(default=None, validator=optional_instance_of(Tier))
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Assign:
    """Assign an agent to work the ticket, optionally moving it to their group.

    >>> Assign(assignee="a-sam").name
    'assign'
    """

    name: ClassVar[str] = "assign"
    assignee: str = attrs.field(validator=non_empty)
    group: str | None = attrs.field(default=None, validator=optional_text)
    tier: Tier | None = attrs.field(default=None, validator=optional_instance_of(Tier))


@attrs.frozen(kw_only=True)
class TakeOwnership:
    """Make an agent the accountable owner (the only way ownership changes).

    >>> TakeOwnership(owner="a-sam").name
    'take_ownership'
    """

    name: ClassVar[str] = "take_ownership"
    owner: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class AddNote:
    """Add a structured note.

    >>> AddNote.name
    'add_note'
    """

    name: ClassVar[str] = "add_note"
    note: Note = attrs.field(validator=instance_of(Note))


@attrs.frozen(kw_only=True)
class CustomerReply:
    """Record the customer's answer; resumes a ticket held for them, if the lifecycle says so.

    >>> CustomerReply.name
    'customer_reply'
    """

    name: ClassVar[str] = "customer_reply"
    note: Note = attrs.field(validator=instance_of(Note))


@attrs.frozen(kw_only=True)
class StartWork:
    """Start working the ticket.

    >>> StartWork().name
    'start_work'
    """

    name: ClassVar[str] = "start_work"


@attrs.frozen(kw_only=True)
class Hold:
    """Put work on hold: a typed reason and the time it is expected to end are both required.

    >>> Hold.name
    'hold'
    """

    name: ClassVar[str] = "hold"
    reason: HoldReason = attrs.field(validator=instance_of(HoldReason))
    until: datetime = attrs.field(validator=aware)
    detail: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Resume:
    """Resume work after a hold.

    >>> Resume().name
    'resume'
    """

    name: ClassVar[str] = "resume"
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Escalate:
    """Escalate to another tier or group with a hand-off package.

    ``kind`` is functional (to a group with the skill) or hierarchical (to a
    supervisor); ``warm`` marks a live transfer. The lifecycle's guards check
    the hand-off before the escalation is accepted.

    >>> Escalate(to_tier=Tier.L3, to_group="field-techs", reason="needs on-site visit",
    ...          handoff=Handoff()).kind
    <EscalationKind.FUNCTIONAL: 'functional'>
    """

    name: ClassVar[str] = "escalate"
    to_tier: Tier = attrs.field(validator=instance_of(Tier))
    reason: str = attrs.field(validator=non_empty)
    handoff: Handoff = attrs.field(validator=instance_of(Handoff))
    kind: EscalationKind = attrs.field(
        default=EscalationKind.FUNCTIONAL, validator=instance_of(EscalationKind)
    )
    to_group: str | None = attrs.field(default=None, validator=optional_text)
    to_agent: str | None = attrs.field(default=None, validator=optional_text)
    warm: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class ChangePriority:
    """Change impact and urgency after opening; a justification is required.

    The priority comes from ``matrix`` unless ``priority`` overrides it.

    >>> ChangePriority(impact=Impact.MEDIUM, urgency=Urgency.HIGH,
    ...                justification="meeting in an hour").name
    'change_priority'
    """

    name: ClassVar[str] = "change_priority"
    impact: Impact = attrs.field(validator=instance_of(Impact))
    urgency: Urgency = attrs.field(validator=instance_of(Urgency))
    justification: str = attrs.field(validator=non_empty)
    priority: Priority | None = attrs.field(
        default=None, validator=optional_instance_of(Priority)
    )
    matrix: PriorityMatrix = attrs.field(
        default=DEFAULT_MATRIX, validator=instance_of(PriorityMatrix)
    )

    def resolved_priority(self) -> Priority:
        """The priority this change leads to.

        >>> ChangePriority(impact=Impact.HIGH, urgency=Urgency.HIGH,
        ...     justification="x").resolved_priority().label
        'P1'
        """
        if self.priority is not None:
            return self.priority
        return self.matrix.priority_for(self.impact, self.urgency)


@attrs.frozen(kw_only=True)
class UpdateContext:
    """Record the business context (deadline, confidentiality).

    >>> UpdateContext(context=BusinessContext(confidential=True)).name
    'update_context'
    """

    name: ClassVar[str] = "update_context"
    context: BusinessContext = attrs.field(validator=instance_of(BusinessContext))
    justification: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class DeclareMajorIncident:
    """Flag an incident as major (or clear the flag), with a justification.

    >>> DeclareMajorIncident(justification="whole campus offline").major
    True
    """

    name: ClassVar[str] = "declare_major"
    justification: str = attrs.field(validator=non_empty)
    major: bool = attrs.field(default=True, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class Resolve:
    """Resolve: the resolution text and the articles used are both required.

    Pass ``articles=()`` to state that no knowledge article was used.

    >>> Resolve(resolution="replaced the network cable", articles=()).first_contact
    False
    """

    name: ClassVar[str] = "resolve"
    resolution: str = attrs.field(validator=non_empty)
    articles: tuple[ArticleRef, ...] = attrs.field(
        converter=to_tuple, validator=tuple_of(ArticleRef)
    )
    code: str = attrs.field(default="", validator=is_text)
    first_contact: bool = attrs.field(default=False, validator=instance_of(bool))
    note: Note | None = attrs.field(default=None, validator=optional_instance_of(Note))


@attrs.frozen(kw_only=True)
class Confirm:
    """The customer confirms the fix.

    >>> Confirm().name
    'confirm'
    """

    name: ClassVar[str] = "confirm"
    comment: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Reopen:
    """Reopen a resolved ticket (within the lifecycle's reopen window).

    >>> Reopen(reason="printer offline again after reboot").name
    'reopen'
    """

    name: ClassVar[str] = "reopen"
    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class Close:
    """Close after confirmation, or ``automatic`` after the quiet period.

    >>> Close(automatic=True).name
    'close'
    """

    name: ClassVar[str] = "close"
    automatic: bool = attrs.field(default=False, validator=instance_of(bool))
    reason: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class Cancel:
    """Cancel a ticket raised in error, withdrawn or duplicated.

    >>> Cancel(reason="raised twice").name
    'cancel'
    """

    name: ClassVar[str] = "cancel"
    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class Link:
    """Link this ticket to another (incident ↔ problem, duplicates, related).

    >>> Link(relation=LinkRelation.CAUSED_BY, other_id="prb-1").name
    'link'
    """

    name: ClassVar[str] = "link"
    relation: LinkRelation = attrs.field(validator=instance_of(LinkRelation))
    other_id: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class RecordKnownError:
    """Record a problem's root cause and workaround (it becomes a known error).

    >>> RecordKnownError(known_error=KnownError(root_cause="bad firmware")).name
    'record_known_error'
    """

    name: ClassVar[str] = "record_known_error"
    known_error: KnownError = attrs.field(validator=instance_of(KnownError))


@attrs.frozen(kw_only=True)
class MakeCommitment:
    """Promise the customer something by ``due``: a call-back, news, a follow-up.

    ``owed_by`` defaults to the actor; ``id`` to the first ``c<n>`` not yet
    used on the ticket (counting from the number of its commitments).

    >>> MakeCommitment(kind=CommitmentKind.CALL_BACK,
    ...     due=datetime(2026, 3, 2, 14, tzinfo=timezone.utc)).name
    'make_commitment'
    """

    name: ClassVar[str] = "make_commitment"
    kind: CommitmentKind = attrs.field(validator=instance_of(CommitmentKind))
    due: datetime = attrs.field(validator=aware)
    text: str = attrs.field(default="", validator=is_text)
    owed_by: str | None = attrs.field(default=None, validator=optional_text)
    id: str | None = attrs.field(default=None, validator=optional_text)


@attrs.frozen(kw_only=True)
class MeetCommitment:
    """Record that a commitment was kept, and how.

    >>> MeetCommitment(commitment_id="c1", outcome="called back at 14:00").name
    'meet_commitment'
    """

    name: ClassVar[str] = "meet_commitment"
    commitment_id: str = attrs.field(validator=non_empty)
    outcome: str = attrs.field(default="", validator=is_text)


@attrs.frozen(kw_only=True)
class CancelCommitment:
    """Withdraw a commitment, with the reason.

    >>> CancelCommitment(commitment_id="c1", reason="customer resolved it herself").name
    'cancel_commitment'
    """

    name: ClassVar[str] = "cancel_commitment"
    commitment_id: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class RecordConduct:
    """Record abusive, threatening or harassing conduct on a contact.

    >>> RecordConduct(description="shouted insults at the agent").kind.value
    'abusive'
    """

    name: ClassVar[str] = "record_conduct"
    description: str = attrs.field(validator=non_empty)
    kind: ConductKind = attrs.field(
        default=ConductKind.ABUSIVE, validator=instance_of(ConductKind)
    )


@attrs.frozen(kw_only=True)
class RequestEscalation:
    """Record that the customer asked for escalation (by default to a supervisor).

    >>> RequestEscalation(reason="wants to speak to a manager").kind.value
    'hierarchical'
    """

    name: ClassVar[str] = "request_escalation"
    reason: str = attrs.field(default="", validator=is_text)
    kind: EscalationKind = attrs.field(
        default=EscalationKind.HIERARCHICAL, validator=instance_of(EscalationKind)
    )


Command = Union[  # noqa: UP007 (a runtime union cattrs and isinstance can use)
    Route,
    Assign,
    TakeOwnership,
    AddNote,
    CustomerReply,
    StartWork,
    Hold,
    Resume,
    Escalate,
    ChangePriority,
    UpdateContext,
    DeclareMajorIncident,
    Resolve,
    Confirm,
    Reopen,
    Close,
    Cancel,
    Link,
    RecordKnownError,
    MakeCommitment,
    MeetCommitment,
    CancelCommitment,
    RecordConduct,
    RequestEscalation,
]
"""Any command (a union of the classes above)."""

COMMAND_NAMES: frozenset[str] = frozenset(
    {
        Route.name,
        Assign.name,
        TakeOwnership.name,
        AddNote.name,
        CustomerReply.name,
        StartWork.name,
        Hold.name,
        Resume.name,
        Escalate.name,
        ChangePriority.name,
        UpdateContext.name,
        DeclareMajorIncident.name,
        Resolve.name,
        Confirm.name,
        Reopen.name,
        Close.name,
        Cancel.name,
        Link.name,
        RecordKnownError.name,
        MakeCommitment.name,
        MeetCommitment.name,
        CancelCommitment.name,
        RecordConduct.name,
        RequestEscalation.name,
    }
)
"""The names lifecycle definitions may use."""
