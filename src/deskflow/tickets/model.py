"""The ticket aggregate: Incident, ServiceRequest and Problem.

A ticket is a frozen value whose state is the fold of its timeline: each
accepted command appends events, and :meth:`Ticket.from_events` rebuilds the
same value from those events alone. Changes return a new ticket; nothing is
mutated.

Commands go through :func:`handle`, which checks the lifecycle (the
command must be allowed in the current state, and its guards must accept it),
refuses a naive or earlier instant, and appends the resulting events. The
methods on :class:`Ticket` (``ticket.assign(...)``, ``ticket.escalate(...)``)
are the same engine with keyword arguments, for notebooks and scripts.

>>> from datetime import datetime, timezone
>>> from deskflow import Customer, Impact, Urgency
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> inc = Incident.open(summary="Printer not responding", customer=Customer(id="c-1", name="Alice"),
...     impact=Impact.LOW, urgency=Urgency.MEDIUM, at=t0, actor="a-sam", id="t-1")
>>> inc.reference, inc.status, inc.priority.label
('INC-...', <Status.NEW: 'new'>, 'P4')
>>> inc = inc.start_work(at=t0, actor="a-sam")
>>> inc.status, inc.version
(<Status.IN_PROGRESS: 'in_progress'>, 2)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, ClassVar, TypeVar

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    is_text,
    non_empty,
    optional_aware,
    optional_instance_of,
    optional_text,
    to_tuple,
    tuple_of,
)
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import (
    IncompleteHandoff,
    InvalidTransition,
    TimeOrderError,
    ValidationError,
)
from deskflow.parties import Asset, Customer, Tier
from deskflow.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency
from deskflow.tickets import commands as cmd
from deskflow.tickets import events as ev
from deskflow.tickets.lifecycle import DEFAULT_LIFECYCLES, Lifecycle
from deskflow.tickets.notes import ArticleRef, Note, NoteKind, Visibility
from deskflow.tickets.values import (
    BusinessContext,
    Channel,
    Commitment,
    CommitmentStatus,
    EscalationKind,
    Handoff,
    HoldReason,
    KnownError,
    LinkRelation,
    RequestType,
    Status,
    TicketKind,
    TicketLink,
)

__all__ = [
    "HoldState",
    "Incident",
    "Problem",
    "Resolution",
    "ServiceRequest",
    "Ticket",
    "allowed_commands",
    "handle",
    "lifecycle_for",
    "make_reference",
]

T = TypeVar("T", bound="Ticket")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def make_reference(kind: TicketKind, ticket_id: str) -> str:
    """A reference number a person can read out on the phone, derived from the id.

    Crockford base-32 (no I, L, O or U, so nothing is misheard), in two
    groups of four.

    >>> make_reference(TicketKind.INCIDENT, "2f1c9e0a7b6d4c3e8f9a0b1c2d3e4f50")
    'INC-51S4-1RH1'
    """
    try:
        digest = uuid.uuid5(uuid.NAMESPACE_OID, ticket_id)
    except (TypeError, AttributeError, UnicodeEncodeError):
        # a lone surrogate cannot be encoded, nor can a non-string be hashed
        raise ValidationError(
            f"a ticket id is text that can be encoded as UTF-8, got {ticket_id!r}",
            path="id",
        ) from None
    number = int(digest.hex[:10], 16)
    chars = "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(8)))
    return f"{kind.prefix}-{chars[:4]}-{chars[4:]}"


@attrs.frozen(kw_only=True)
class HoldState:
    """The current hold: why and until when.

    >>> from datetime import datetime, timezone
    >>> HoldState(reason=HoldReason.AWAITING_VENDOR, until=datetime(2026, 3, 4, tzinfo=timezone.utc),
    ...      since=datetime(2026, 3, 2, tzinfo=timezone.utc)).reason.value
    'awaiting_vendor'
    """

    reason: HoldReason
    until: datetime
    since: datetime
    detail: str = ""


@attrs.frozen(kw_only=True)
class Resolution:
    """How a ticket was resolved.

    >>> Resolution(text="new toner", articles=()).first_contact
    False
    """

    text: str
    articles: tuple[ArticleRef, ...] = ()
    code: str = ""
    first_contact: bool = False


def _shallow_tuple(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # Items are validated when they are built; re-checking a 500-event
    # timeline on every change would make each command cost O(history).
    if not isinstance(value, tuple):
        raise ValidationError(
            f"expected a tuple, got {type(value).__name__}", path=attribute.name
        )


def _count(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    # a bool is an int to Python, but a document reads it as true/false
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"expected a count (an integer, 0 or more), got {value!r}",
            path=attribute.name,
        )


@attrs.frozen(kw_only=True, repr=False)
class Ticket:
    """What every ticket kind has. Use :class:`Incident`, :class:`ServiceRequest` or :class:`Problem`.

    Fields are the fold of ``timeline``; ``version`` is the number of events,
    which storage uses for optimistic concurrency.

    >>> Ticket.kind is None
    True
    """

    kind: ClassVar[TicketKind | None] = None

    id: str = attrs.field(validator=non_empty)
    reference: str = attrs.field(validator=non_empty)
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
    status: Status = attrs.field(validator=instance_of(Status))
    owner: str | None = attrs.field(default=None, validator=optional_text)
    assignee: str | None = attrs.field(default=None, validator=optional_text)
    group: str | None = attrs.field(default=None, validator=optional_text)
    tier: Tier = attrs.field(default=Tier.L1, validator=instance_of(Tier))
    hold: HoldState | None = attrs.field(
        default=None, validator=optional_instance_of(HoldState)
    )
    resolution: Resolution | None = attrs.field(
        default=None, validator=optional_instance_of(Resolution)
    )
    opened_at: datetime = attrs.field(validator=aware)
    updated_at: datetime = attrs.field(validator=aware)
    resolved_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    confirmed_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    closed_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    reopen_count: int = attrs.field(default=0, validator=_count)
    notes: tuple[Note, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_shallow_tuple
    )
    links: tuple[TicketLink, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(TicketLink)
    )
    commitments: tuple[Commitment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Commitment)
    )
    timeline: tuple[ev.Event, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_shallow_tuple
    )

    def __repr__(self) -> str:
        owner = f" owner={self.owner}" if self.owner else ""
        return (
            f"<{type(self).__name__} {self.reference} {self.summary!r} "
            f"{self.status.value} {self.priority.label}{owner} v{self.version}>"
        )

    # -- derived -----------------------------------------------------------

    @property
    def version(self) -> int:
        """The number of events on the timeline (storage's concurrency token).

        >>> _demo_ticket().version
        1
        """
        return len(self.timeline)

    @property
    def is_open(self) -> bool:
        """True until the ticket is resolved, closed or cancelled.

        >>> _demo_ticket().is_open
        True
        """
        return self.status.is_open

    def linked(self, relation: LinkRelation) -> tuple[str, ...]:
        """Ids this ticket's own timeline links with ``relation``, in the order linked.

        Only the links recorded on this ticket (by :meth:`link`): a ticket
        value cannot see the links other tickets record to it. Those
        tickets are found in a store with
        ``store.find(TicketQuery(linked_to=ticket.id))``;
        :func:`~deskflow.tickets.link_tickets` records both sides of a
        problem link.

        >>> t = _demo_ticket().link(relation=LinkRelation.CAUSED_BY, other_id="p-1",
        ...     at=_T0, actor="a-1")
        >>> t.linked(LinkRelation.CAUSED_BY), t.linked(LinkRelation.RELATED)
        (('p-1',), ())
        """
        return tuple(link.ticket_id for link in self.links if link.relation is relation)

    # -- construction --------------------------------------------------------

    @classmethod
    def open(
        cls: type[T],
        *,
        summary: str,
        customer: Customer,
        at: datetime,
        actor: str,
        impact: Impact = Impact.MEDIUM,
        urgency: Urgency = Urgency.MEDIUM,
        matrix: PriorityMatrix = DEFAULT_MATRIX,
        priority: Priority | None = None,
        id: str | None = None,
        reference: str | None = None,
        description: str = "",
        asset: Asset | None = None,
        category: str = "",
        channel: Channel = Channel.PHONE,
        context: BusinessContext | None = None,
        owner: str | None = None,
        group: str | None = None,
        tier: Tier = Tier.L1,
        major: bool = False,
        request_type: RequestType | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Open a new ticket of this kind; the first event of its timeline.

        The priority comes from ``matrix`` unless given. ``id`` defaults to a
        random UUID and ``reference`` to one derived from the id; an empty one
        is refused. Only an incident can be ``major`` and only a service
        request has a ``request_type``: given to another kind, they are
        refused rather than dropped.

        >>> from datetime import datetime, timezone
        >>> t = Incident.open(summary="VPN down", customer=Customer(id="c-2", name="Bo"),
        ...     at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), actor="a-1",
        ...     impact=Impact.HIGH, urgency=Urgency.HIGH)
        >>> t.priority.label, t.status.value
        ('P1', 'new')
        """
        if cls.kind is None:
            raise ValidationError(
                "open a concrete kind: Incident, ServiceRequest or Problem", path="kind"
            )
        ensure_aware(at, "at")
        # A field the kind does not have would be recorded on the opening
        # event and then dropped from the ticket: refuse it instead.
        if major and cls.kind is not TicketKind.INCIDENT:
            raise ValidationError(
                f"only an incident can be a major incident, not a {cls.kind.value}",
                path="major",
            )
        if request_type is not None and cls.kind is not TicketKind.SERVICE_REQUEST:
            raise ValidationError(
                f"only a service request has a request type, not a {cls.kind.value}",
                path="request_type",
            )
        if id is not None and (not isinstance(id, str) or not id.strip()):
            raise ValidationError(
                "an explicit id must be a non-empty string", path="id"
            )
        lc = lifecycle or DEFAULT_LIFECYCLES[cls.kind.value]
        if not isinstance(lc, Lifecycle):
            raise ValidationError(
                f"expected a Lifecycle, got {type(lc).__name__}", path="lifecycle"
            )
        ticket_id = uuid.uuid4().hex if id is None else id
        opened = ev.Opened(
            at=at,
            actor=actor,
            status=lc.initial,
            ticket_id=ticket_id,
            reference=(
                make_reference(cls.kind, ticket_id) if reference is None else reference
            ),
            kind=cls.kind,
            summary=summary,
            description=description,
            customer=customer,
            asset=asset,
            category=category,
            channel=channel,
            impact=impact,
            urgency=urgency,
            priority=priority or matrix.priority_for(impact, urgency),
            context=context or BusinessContext(),
            major=major,
            request_type=request_type,
            owner=owner,
            group=group,
            tier=tier,
        )
        ticket = _from_opened(opened)
        if not isinstance(ticket, cls):
            raise ValidationError(
                f"{cls.__name__}.open opened a {ticket.kind}", path="kind"
            )
        return ticket

    @staticmethod
    def from_events(events: Iterable[ev.Event]) -> Ticket:
        """Rebuild a ticket from its timeline alone.

        The events must form a timeline: one ``opened`` event first, then
        events whose instants never run backwards (compared as instants, so
        a DST fold is no problem). Anything else raises a
        :class:`~deskflow.errors.ValidationError` (a
        :class:`~deskflow.errors.TimeOrderError` for the order) naming the
        position, ``timeline[i]``.

        >>> t = _demo_ticket().start_work(at=_T0, actor="a-1")
        >>> Ticket.from_events(t.timeline) == t
        True
        """
        return _fold_events(events, check_order=True)

    # -- the engine, as methods ---------------------------------------------

    def handle(
        self: T,
        command: cmd.Command,
        *,
        at: datetime,
        actor: str,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Apply ``command`` (see :func:`handle`).

        >>> _demo_ticket().handle(cmd.StartWork(), at=_T0, actor="a-1").status.value
        'in_progress'
        """
        return handle(self, command, at=at, actor=actor, lifecycle=lifecycle)

    def allowed_commands(self, lifecycle: Lifecycle | None = None) -> tuple[str, ...]:
        """Command names allowed in the current state (guards still apply).

        >>> "escalate" in _demo_ticket().allowed_commands()
        True
        """
        return allowed_commands(self, lifecycle)

    def route(
        self: T,
        *,
        group: str,
        at: datetime,
        actor: str,
        tier: Tier | None = None,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Queue the ticket in ``group`` (see :class:`~deskflow.tickets.commands.Route`).

        >>> _demo_ticket().route(group="desktop", at=_T0, actor="a-1").status.value
        'queued'
        """
        return handle(
            self,
            cmd.Route(group=group, tier=tier, reason=reason),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def assign(
        self: T,
        *,
        assignee: str,
        at: datetime,
        actor: str,
        group: str | None = None,
        tier: Tier | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Assign an agent (see :class:`~deskflow.tickets.commands.Assign`).

        >>> _demo_ticket().assign(assignee="a-2", at=_T0, actor="a-1").assignee
        'a-2'
        """
        return handle(
            self,
            cmd.Assign(assignee=assignee, group=group, tier=tier),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def take_ownership(
        self: T,
        *,
        owner: str,
        at: datetime,
        actor: str,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Make ``owner`` the accountable owner.

        >>> _demo_ticket().take_ownership(owner="a-9", at=_T0, actor="a-9").owner
        'a-9'
        """
        return handle(
            self,
            cmd.TakeOwnership(owner=owner, reason=reason),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def add_note(
        self: T,
        note: Note,
        *,
        at: datetime | None = None,
        actor: str | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Add a note; ``at`` and ``actor`` default to the note's own.

        >>> _demo_ticket().add_note(Note(author="a-1", at=_T0, text="called back")).notes[-1].text
        'called back'
        """
        return handle(
            self,
            cmd.AddNote(note=note),
            at=note.at if at is None else at,
            actor=note.author if actor is None else actor,
            lifecycle=lifecycle,
        )

    def customer_reply(
        self: T,
        text: str,
        *,
        at: datetime,
        actor: str | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Record the customer's reply (resumes a hold waiting for them).

        >>> _demo_ticket().customer_reply("it still fails", at=_T0).notes[-1].kind.value
        'customer_reply'
        """
        author = self.customer.id if actor is None else actor
        note = Note(
            author=author,
            at=at,
            text=text,
            kind=NoteKind.CUSTOMER_REPLY,
            visibility=Visibility.CUSTOMER,
        )
        return handle(
            self, cmd.CustomerReply(note=note), at=at, actor=author, lifecycle=lifecycle
        )

    def start_work(
        self: T, *, at: datetime, actor: str, lifecycle: Lifecycle | None = None
    ) -> T:
        """Start working the ticket.

        >>> _demo_ticket().start_work(at=_T0, actor="a-1").status.value
        'in_progress'
        """
        return handle(self, cmd.StartWork(), at=at, actor=actor, lifecycle=lifecycle)

    def put_on_hold(
        self: T,
        *,
        reason: HoldReason,
        until: datetime,
        at: datetime,
        actor: str,
        detail: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Put work on hold for ``reason`` until ``until``.

        >>> t = _demo_ticket().start_work(at=_T0, actor="a-1")
        >>> t.put_on_hold(reason=HoldReason.AWAITING_CUSTOMER, until=_T0 + timedelta(days=1),
        ...     at=_T0, actor="a-1").hold.reason.value
        'awaiting_customer'
        """
        return handle(
            self,
            cmd.Hold(reason=reason, until=until, detail=detail),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def resume(
        self: T,
        *,
        at: datetime,
        actor: str,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Resume work after a hold.

        >>> t = _demo_ticket().start_work(at=_T0, actor="a-1").put_on_hold(
        ...     reason=HoldReason.AWAITING_VENDOR, until=_T0 + timedelta(days=1), at=_T0, actor="a-1")
        >>> t.resume(at=_T0, actor="a-1").status.value
        'in_progress'
        """
        return handle(
            self, cmd.Resume(reason=reason), at=at, actor=actor, lifecycle=lifecycle
        )

    def escalate(
        self: T,
        *,
        to_tier: Tier,
        reason: str,
        handoff: Handoff,
        at: datetime,
        actor: str,
        kind: EscalationKind = EscalationKind.FUNCTIONAL,
        to_group: str | None = None,
        to_agent: str | None = None,
        warm: bool = False,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Escalate with a hand-off; an incomplete hand-off raises :class:`~deskflow.errors.IncompleteHandoff`.

        >>> _demo_ticket().escalate(to_tier=Tier.L2, reason="needs admin rights",
        ...     handoff=Handoff(), at=_T0, actor="a-1")
        Traceback (most recent call last):
        ...
        deskflow.errors.IncompleteHandoff: cannot 'escalate' ticket t-demo in state 'new': hand-off incomplete, missing: verified contact details, ...
        """
        command = cmd.Escalate(
            to_tier=to_tier,
            reason=reason,
            handoff=handoff,
            kind=kind,
            to_group=to_group,
            to_agent=to_agent,
            warm=warm,
        )
        return handle(self, command, at=at, actor=actor, lifecycle=lifecycle)

    def change_priority(
        self: T,
        *,
        impact: Impact,
        urgency: Urgency,
        justification: str,
        at: datetime,
        actor: str,
        priority: Priority | None = None,
        matrix: PriorityMatrix = DEFAULT_MATRIX,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Change impact and urgency with a justification (recorded as a note too).

        >>> _demo_ticket().change_priority(impact=Impact.MEDIUM, urgency=Urgency.HIGH,
        ...     justification="meeting in an hour", at=_T0, actor="a-1").priority.label
        'P2'
        """
        command = cmd.ChangePriority(
            impact=impact,
            urgency=urgency,
            justification=justification,
            priority=priority,
            matrix=matrix,
        )
        return handle(self, command, at=at, actor=actor, lifecycle=lifecycle)

    def update_context(
        self: T,
        context: BusinessContext,
        *,
        at: datetime,
        actor: str,
        justification: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Record the business context (deadline, confidentiality).

        >>> _demo_ticket().update_context(BusinessContext(confidential=True), at=_T0,
        ...     actor="a-1").context.confidential
        True
        """
        return handle(
            self,
            cmd.UpdateContext(context=context, justification=justification),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def resolve(
        self: T,
        *,
        resolution: str,
        articles: tuple[ArticleRef, ...],
        at: datetime,
        actor: str,
        code: str = "",
        first_contact: bool = False,
        note: Note | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Resolve; ``articles`` is required (pass ``()`` when none was used).

        >>> _demo_ticket().resolve(resolution="reseated cable", articles=(), at=_T0,
        ...     actor="a-1").status.value
        'resolved'
        """
        command = cmd.Resolve(
            resolution=resolution,
            articles=articles,
            code=code,
            first_contact=first_contact,
            note=note,
        )
        return handle(self, command, at=at, actor=actor, lifecycle=lifecycle)

    def confirm(
        self: T,
        *,
        at: datetime,
        actor: str | None = None,
        comment: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """The customer confirms the fix (actor defaults to the customer).

        >>> t = _demo_ticket().resolve(resolution="x", articles=(), at=_T0, actor="a-1")
        >>> t.confirm(at=_T0).confirmed_at == _T0
        True
        """
        return handle(
            self,
            cmd.Confirm(comment=comment),
            at=at,
            actor=self.customer.id if actor is None else actor,
            lifecycle=lifecycle,
        )

    def reopen(
        self: T,
        *,
        reason: str,
        at: datetime,
        actor: str,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Reopen a resolved ticket within the reopen window.

        >>> t = _demo_ticket().resolve(resolution="x", articles=(), at=_T0, actor="a-1")
        >>> t.reopen(reason="fails after reboot", at=_T0, actor="c-1").reopen_count
        1
        """
        return handle(
            self, cmd.Reopen(reason=reason), at=at, actor=actor, lifecycle=lifecycle
        )

    def close(
        self: T,
        *,
        at: datetime,
        actor: str,
        automatic: bool = False,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Close after confirmation, or automatically after the quiet period.

        >>> t = _demo_ticket().resolve(resolution="x", articles=(), at=_T0, actor="a-1")
        >>> t.close(at=_T0 + timedelta(days=8), actor="system", automatic=True).status.value
        'closed'
        """
        return handle(
            self,
            cmd.Close(automatic=automatic, reason=reason),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )

    def cancel(
        self: T,
        *,
        reason: str,
        at: datetime,
        actor: str,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Cancel the ticket.

        >>> _demo_ticket().cancel(reason="raised twice", at=_T0, actor="a-1").status.value
        'cancelled'
        """
        return handle(
            self, cmd.Cancel(reason=reason), at=at, actor=actor, lifecycle=lifecycle
        )

    def link(
        self: T,
        *,
        relation: LinkRelation,
        other_id: str,
        at: datetime,
        actor: str,
        lifecycle: Lifecycle | None = None,
    ) -> T:
        """Record a link to another ticket (see :func:`deskflow.tickets.link_tickets` for both sides).

        A ticket cannot be linked to itself.

        >>> _demo_ticket().link(relation=LinkRelation.CAUSED_BY, other_id="p-1", at=_T0,
        ...     actor="a-1").linked(LinkRelation.CAUSED_BY)
        ('p-1',)
        >>> _demo_ticket().link(relation=LinkRelation.RELATED, other_id="t-demo", at=_T0,
        ...     actor="a-1")
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: other_id: a ticket cannot be linked to itself
        """
        return handle(
            self,
            cmd.Link(relation=relation, other_id=other_id),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )


@attrs.frozen(kw_only=True, repr=False)
class Incident(Ticket):
    """An unplanned interruption or degradation of a service.

    ``major`` flags a major incident; ``problem_ids`` are the problems linked
    as its cause.

    >>> Incident.kind
    <TicketKind.INCIDENT: 'incident'>
    """

    kind: ClassVar[TicketKind] = TicketKind.INCIDENT

    major: bool = attrs.field(default=False, validator=instance_of(bool))

    @property
    def problem_ids(self) -> tuple[str, ...]:
        """The problems this incident's own timeline links as its cause (``CAUSED_BY``).

        A problem that records the link on its side only
        (``problem.link(relation=CAUSES, other_id=incident.id)``) is not
        listed: find it with
        ``store.find(TicketQuery(linked_to=incident.id, kinds={TicketKind.PROBLEM}))``,
        or record both sides with :func:`~deskflow.tickets.link_tickets`.

        >>> from deskflow.storage import TicketQuery, open_store
        >>> c = Customer(id="c", name="c")
        >>> i1 = _demo_ticket().link(relation=LinkRelation.CAUSED_BY, other_id="p-1",
        ...     at=_T0, actor="a")
        >>> p2 = Problem.open(summary="x", customer=c, at=_T0, actor="a", id="p-2")
        >>> p2 = p2.link(relation=LinkRelation.CAUSES, other_id=i1.id, at=_T0, actor="a")
        >>> i1.problem_ids
        ('p-1',)
        >>> store = open_store("memory://")
        >>> store.add_many([i1, p2])
        2
        >>> found = store.find(TicketQuery(linked_to=i1.id, kinds={TicketKind.PROBLEM}))
        >>> [p.id for p in found.items]
        ['p-2']
        """
        return self.linked(LinkRelation.CAUSED_BY)

    def declare_major(
        self,
        *,
        justification: str,
        at: datetime,
        actor: str,
        major: bool = True,
        lifecycle: Lifecycle | None = None,
    ) -> Incident:
        """Flag (or clear) a major incident.

        >>> _demo_ticket().declare_major(justification="site down", at=_T0, actor="a-1").major
        True
        """
        return handle(
            self,
            cmd.DeclareMajorIncident(justification=justification, major=major),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )


@attrs.frozen(kw_only=True, repr=False)
class ServiceRequest(Ticket):
    """A formal request: information, advice, access or a pre-approved standard change.

    >>> ServiceRequest.kind.value
    'service_request'
    """

    kind: ClassVar[TicketKind] = TicketKind.SERVICE_REQUEST

    request_type: RequestType = attrs.field(
        default=RequestType.INFORMATION, validator=instance_of(RequestType)
    )


@attrs.frozen(kw_only=True, repr=False)
class Problem(Ticket):
    """The cause of one or more incidents; becomes a known error once understood.

    >>> Problem.kind.value
    'problem'
    """

    kind: ClassVar[TicketKind] = TicketKind.PROBLEM

    known_error: KnownError | None = attrs.field(
        default=None, validator=optional_instance_of(KnownError)
    )

    @property
    def incident_ids(self) -> tuple[str, ...]:
        """The incidents this problem's own timeline links as caused by it (``CAUSES``).

        An incident that records the link on its side only
        (``incident.link(relation=CAUSED_BY, other_id=problem.id)``) is not
        listed: a ticket value cannot see other tickets' timelines. A store
        finds those with ``store.find(TicketQuery(linked_to=problem.id))``;
        all of a problem's incidents are both together. Or record both sides
        with :func:`~deskflow.tickets.link_tickets`.

        >>> from deskflow.storage import TicketQuery, open_store
        >>> c = Customer(id="c", name="c")
        >>> p1 = Problem.open(summary="x", customer=c, at=_T0, actor="a", id="p-1")
        >>> p1 = p1.link(relation=LinkRelation.CAUSES, other_id="i-2", at=_T0, actor="a")
        >>> i1 = _demo_ticket().link(relation=LinkRelation.CAUSED_BY, other_id="p-1",
        ...     at=_T0, actor="a")
        >>> p1.incident_ids
        ('i-2',)
        >>> store = open_store("memory://")
        >>> store.add_many([p1, i1])
        2
        >>> linking = store.find(TicketQuery(linked_to=p1.id, kinds={TicketKind.INCIDENT}))
        >>> sorted({*p1.incident_ids, *(t.id for t in linking.items)})
        ['i-2', 't-demo']
        """
        return self.linked(LinkRelation.CAUSES)

    def record_known_error(
        self,
        known_error: KnownError,
        *,
        at: datetime,
        actor: str,
        lifecycle: Lifecycle | None = None,
    ) -> Problem:
        """Record the root cause and workaround.

        >>> p = Problem.open(summary="x", customer=Customer(id="c", name="c"), at=_T0, actor="a")
        >>> p = p.start_work(at=_T0, actor="a").record_known_error(
        ...     KnownError(root_cause="driver bug", workaround="use v2 driver"), at=_T0, actor="a")
        >>> p.status.value, p.known_error.workaround
        ('known_error', 'use v2 driver')
        """
        return handle(
            self,
            cmd.RecordKnownError(known_error=known_error),
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )


_KIND_CLASSES: dict[TicketKind, type[Ticket]] = {
    TicketKind.INCIDENT: Incident,
    TicketKind.SERVICE_REQUEST: ServiceRequest,
    TicketKind.PROBLEM: Problem,
}


def lifecycle_for(ticket: Ticket) -> Lifecycle:
    """The default lifecycle of the ticket's kind.

    >>> lifecycle_for(_demo_ticket()).name
    'incident'
    """
    assert ticket.kind is not None
    return DEFAULT_LIFECYCLES[ticket.kind.value]


def allowed_commands(
    ticket: Ticket, lifecycle: Lifecycle | None = None
) -> tuple[str, ...]:
    """Command names the lifecycle allows in the ticket's current state.

    >>> allowed_commands(_demo_ticket())[:3]
    ('add_note', 'assign', 'cancel')
    """
    return (lifecycle or lifecycle_for(ticket)).allowed(ticket.status)


def handle(
    ticket: T,
    command: cmd.Command,
    *,
    at: datetime,
    actor: str,
    lifecycle: Lifecycle | None = None,
) -> T:
    """Check ``command`` against the lifecycle and return the ticket with its new events.

    Refuses (and changes nothing) when ``command`` is not a deskflow command,
    when ``at`` is naive or earlier than the last event, when the command is
    not allowed in the current state, or when a guard refuses it.

    >>> handle(_demo_ticket(), cmd.Confirm(), at=_T0, actor="c-1")
    Traceback (most recent call last):
    ...
    deskflow.errors.InvalidTransition: cannot 'confirm' ticket t-demo in state 'new'; allowed now: add_note, assign, ...
    """
    ensure_aware(at, "at")
    if not actor or not isinstance(actor, str):
        raise ValidationError("an actor id is required", path="actor")
    name = getattr(command, "name", None)
    if not isinstance(name, str) or isinstance(command, type):
        raise ValidationError(
            f"expected a deskflow command, got {type(command).__name__}",
            path="command",
        )
    # Compare instants, not wall times: two datetimes in the same zone compare
    # by wall clock, which runs backwards in the repeated hour of a DST change.
    if at.astimezone(_tz.utc) < ticket.updated_at.astimezone(_tz.utc):
        raise TimeOrderError(
            f"{at.isoformat()} is before the ticket's last event at "
            f"{ticket.updated_at.isoformat()}; time never runs backwards on a timeline",
            path="at",
        )
    lc = lifecycle or lifecycle_for(ticket)
    if not isinstance(lc, Lifecycle):
        raise ValidationError(
            f"expected a Lifecycle, got {type(lc).__name__}", path="lifecycle"
        )
    transition = lc.transition(ticket.status, name)
    if transition is None:
        raise InvalidTransition(
            ticket_id=ticket.id,
            state=ticket.status.value,
            command=name,
            allowed=lc.allowed(ticket.status),
        )
    refusals = [
        r for g in transition.guards if (r := g.check(ticket, command, at)) is not None
    ]
    if refusals:
        missing = tuple(m for r in refusals for m in r.missing)
        if isinstance(command, cmd.Escalate) and any(
            r.reason == "hand-off incomplete" for r in refusals
        ):
            raise IncompleteHandoff(
                ticket_id=ticket.id,
                state=ticket.status.value,
                allowed=lc.allowed(ticket.status),
                missing=missing,
            )
        raise InvalidTransition(
            ticket_id=ticket.id,
            state=ticket.status.value,
            command=name,
            allowed=lc.allowed(ticket.status),
            reasons=[r.reason for r in refusals],
        )
    target = transition.target if transition.target is not ticket.status else None
    new = ticket
    for event in _decide(ticket, command, at, actor, target, lc):
        new = apply_event(new, event)
    return new


def _decide(
    ticket: Ticket,
    c: cmd.Command,
    at: datetime,
    actor: str,
    target: Status | None,
    lc: Lifecycle,
) -> list[ev.Event]:
    base: dict[str, Any] = {"at": at, "actor": actor, "status": target}
    if isinstance(c, cmd.Route):
        return [ev.Routed(**base, group=c.group, tier=c.tier, reason=c.reason)]
    if isinstance(c, cmd.Assign):
        return [ev.Assigned(**base, assignee=c.assignee, group=c.group, tier=c.tier)]
    if isinstance(c, cmd.TakeOwnership):
        return [ev.OwnershipTaken(**base, owner=c.owner, reason=c.reason)]
    if isinstance(c, cmd.AddNote):
        return [ev.NoteAdded(**base, note=c.note)]
    if isinstance(c, cmd.CustomerReply):
        out: list[ev.Event] = [ev.CustomerReplied(**base, note=c.note)]
        resume = lc.transition(ticket.status, cmd.Resume.name)
        if (
            ticket.hold is not None
            and ticket.hold.reason in lc.auto_resume
            and resume is not None
            and target is None
        ):
            out.append(
                ev.Resumed(
                    at=at,
                    actor=actor,
                    status=resume.target,
                    reason="customer replied",
                    automatic=True,
                )
            )
        return out
    if isinstance(c, cmd.StartWork):
        return [ev.WorkStarted(**base)]
    if isinstance(c, cmd.Hold):
        base["status"] = transition_target_or_same(target, ticket)
        return [ev.Held(**base, reason=c.reason, until=c.until, detail=c.detail)]
    if isinstance(c, cmd.Resume):
        return [ev.Resumed(**base, reason=c.reason)]
    if isinstance(c, cmd.Escalate):
        _check_escalation(ticket, c)
        return [
            ev.Escalated(
                **base,
                kind=c.kind,
                reason=c.reason,
                from_tier=ticket.tier,
                to_tier=c.to_tier,
                to_group=c.to_group,
                to_agent=c.to_agent,
                warm=c.warm,
                handoff=c.handoff,
            )
        ]
    if isinstance(c, cmd.ChangePriority):
        return [
            ev.PriorityChanged(
                **base,
                impact=c.impact,
                urgency=c.urgency,
                priority=c.resolved_priority(),
                justification=c.justification,
            )
        ]
    if isinstance(c, cmd.UpdateContext):
        return [
            ev.ContextChanged(**base, context=c.context, justification=c.justification)
        ]
    if isinstance(c, cmd.DeclareMajorIncident):
        if ticket.kind is not TicketKind.INCIDENT:
            raise ValidationError(
                "only an incident can be a major incident", path="kind"
            )
        return [
            ev.MajorIncidentDeclared(
                **base, major=c.major, justification=c.justification
            )
        ]
    if isinstance(c, cmd.Resolve):
        out = [
            ev.Resolved(
                **base,
                resolution=c.resolution,
                code=c.code,
                articles=c.articles,
                first_contact=c.first_contact,
            )
        ]
        if c.note is not None:
            out.insert(0, ev.NoteAdded(at=at, actor=actor, note=c.note))
        return out
    if isinstance(c, cmd.Confirm):
        return [ev.Confirmed(**base, comment=c.comment)]
    if isinstance(c, cmd.Reopen):
        return [ev.Reopened(**base, reason=c.reason)]
    if isinstance(c, cmd.Close):
        return [ev.Closed(**base, automatic=c.automatic, reason=c.reason)]
    if isinstance(c, cmd.Cancel):
        return [ev.Cancelled(**base, reason=c.reason)]
    if isinstance(c, cmd.Link):
        if c.other_id == ticket.id:
            raise ValidationError(
                "a ticket cannot be linked to itself", path="other_id"
            )
        return [ev.Linked(**base, relation=c.relation, other_id=c.other_id)]
    if isinstance(c, cmd.RecordKnownError):
        if ticket.kind is not TicketKind.PROBLEM:
            raise ValidationError(
                "only a problem can become a known error", path="kind"
            )
        return [ev.KnownErrorRecorded(**base, known_error=c.known_error)]
    if isinstance(c, cmd.MakeCommitment):
        return [
            ev.CommitmentMade(**base, commitment=_new_commitment(ticket, c, at, actor))
        ]
    if isinstance(c, cmd.MeetCommitment):
        _open_commitment(ticket, c.commitment_id)
        return [
            ev.CommitmentMet(**base, commitment_id=c.commitment_id, outcome=c.outcome)
        ]
    if isinstance(c, cmd.CancelCommitment):
        _open_commitment(ticket, c.commitment_id)
        return [
            ev.CommitmentCancelled(
                **base, commitment_id=c.commitment_id, reason=c.reason
            )
        ]
    if isinstance(c, cmd.RecordConduct):
        return [ev.ConductRecorded(**base, kind=c.kind, description=c.description)]
    if isinstance(c, cmd.RequestEscalation):
        return [ev.EscalationRequested(**base, kind=c.kind, reason=c.reason)]
    raise ValidationError(f"not a deskflow command: {type(c).__name__}", path="command")


def _check_escalation(ticket: Ticket, c: cmd.Escalate) -> None:
    """Refuse an escalation down a tier, or up one without a group to take it.

    Only commands are checked: a stored ``escalated`` event is a fact and
    folds as recorded.
    """
    if c.to_tier.rank < ticket.tier.rank:
        raise ValidationError(
            f"an escalation moves a ticket up or across, not down: {c.to_tier.value} "
            f"is below the ticket's tier {ticket.tier.value}; route the ticket "
            "(route(group=..., tier=...)) to send it back",
            path="to_tier",
        )
    if c.to_tier.rank > ticket.tier.rank and not (c.to_group or "").strip():
        raise ValidationError(
            f"an escalation to a higher tier ({ticket.tier.value} to "
            f"{c.to_tier.value}) names the group that takes the ticket; without "
            f"to_group it would stay in {ticket.group!r}",
            path="to_group",
        )


def _new_commitment(
    ticket: Ticket, c: cmd.MakeCommitment, at: datetime, actor: str
) -> Commitment:
    if to_utc(c.due) <= to_utc(at):
        raise ValidationError(
            f"a promise falls due after it is made: {c.due.isoformat()} is not after "
            f"{at.isoformat()}",
            path="due",
        )
    taken = {x.id for x in ticket.commitments}
    if c.id is None:
        # the next free c<n>: a host may already have chosen c2 itself
        n = len(ticket.commitments) + 1
        while f"c{n}" in taken:
            n += 1
        commitment_id = f"c{n}"
    else:
        commitment_id = c.id
    if commitment_id in taken:
        raise ValidationError(
            f"ticket {ticket.id} already has a commitment {commitment_id!r}", path="id"
        )
    return Commitment(
        id=commitment_id,
        kind=c.kind,
        due=c.due,
        owed_by=actor if c.owed_by is None else c.owed_by,
        made_at=at,
        text=c.text,
    )


def _open_commitment(ticket: Ticket, commitment_id: str) -> Commitment:
    for x in ticket.commitments:
        if x.id == commitment_id:
            if not x.is_open:
                raise ValidationError(
                    f"commitment {commitment_id!r} was already {x.status.value} at "
                    f"{x.closed_at.isoformat() if x.closed_at else '?'}",
                    path="commitment_id",
                )
            return x
    known = ", ".join(x.id for x in ticket.commitments if x.is_open) or "none"
    raise ValidationError(
        f"ticket {ticket.id} has no commitment {commitment_id!r}; open ones: {known}",
        path="commitment_id",
    )


def transition_target_or_same(target: Status | None, ticket: Ticket) -> Status | None:
    """A hold on a held ticket (a new reason or end) still records its status."""
    return target if target is not None else ticket.status


def _from_opened(e: ev.Opened) -> Ticket:
    cls, fields = _opened_fields(e)
    return cls(**fields)


_DEFAULTS: dict[type[Ticket], dict[str, Any]] = {}


def _init_defaults(cls: type[Ticket]) -> dict[str, Any]:
    """The default of each init field that has one (shared: ticket values are immutable)."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = {}
        for a in attrs.fields(cls):
            if not a.init or a.default is attrs.NOTHING:
                continue
            default = a.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    raise TypeError(f"{cls.__name__}.{a.name}: a self-taking default")
                default = default.factory()
            found[a.name] = default
        _DEFAULTS[cls] = found
    return found


def _opened_fields(e: ev.Opened) -> tuple[type[Ticket], dict[str, Any]]:
    """The ticket class and the init fields an opening event sets."""
    cls = _KIND_CLASSES[e.kind]
    common: dict[str, Any] = {
        "id": e.ticket_id,
        "reference": e.reference,
        "summary": e.summary,
        "description": e.description,
        "customer": e.customer,
        "asset": e.asset,
        "category": e.category,
        "channel": e.channel,
        "impact": e.impact,
        "urgency": e.urgency,
        "priority": e.priority,
        "context": e.context,
        "status": e.status or Status.NEW,
        "owner": e.owner,
        "group": e.group,
        "tier": e.tier,
        "opened_at": e.at,
        "updated_at": e.at,
        "timeline": (e,),
    }
    if cls is Incident:
        common["major"] = e.major
    elif cls is ServiceRequest and e.request_type is not None:
        common["request_type"] = e.request_type
    return cls, common


def apply_event(ticket: T, e: ev.Event) -> T:
    """Fold one event into the ticket (no checks: events are facts).

    >>> t = _demo_ticket()
    >>> apply_event(t, ev.WorkStarted(at=_T0, actor="a-1", status=Status.IN_PROGRESS)).status.value
    'in_progress'
    """
    changes = _changes(ticket, e)
    changes["timeline"] = (*ticket.timeline, e)
    return attrs.evolve(ticket, **changes)


class _Collections:
    """The tuple fields (notes, links, commitments) as events grow them.

    Rebuilding a tuple for each event made folding a timeline with N notes
    cost O(N^2). Here a field becomes a list the first time an event changes
    it and grows in place; :meth:`changed` builds each changed tuple once. A
    command uses one of these for its event (copying only the field the
    event changes, as a new tuple would); a fold uses one for the whole
    timeline.
    """

    __slots__ = ("_commitment_at", "_lists", "_seen_links", "_source")

    def __init__(self, ticket: Any) -> None:
        self._source = ticket
        self._lists: dict[str, list[Any]] = {}
        self._seen_links: set[TicketLink] | None = None
        # where each commitment id sits (ids are unique through the commands,
        # but a timeline is facts and a hand-made one may repeat an id)
        self._commitment_at: dict[str, list[int]] | None = None

    def _list(self, name: str) -> list[Any]:
        found = self._lists.get(name)
        if found is None:
            found = self._lists[name] = list(getattr(self._source, name))
        return found

    def _current(self, name: str) -> Any:
        found = self._lists.get(name)
        return getattr(self._source, name) if found is None else found

    def add_note(self, note: Note) -> None:
        self._list("notes").append(note)

    def add_link(self, link: TicketLink) -> None:
        """Record ``link`` unless the ticket already has an equal one."""
        if self._seen_links is None:
            self._seen_links = set(self._current("links"))
        if link not in self._seen_links:
            self._seen_links.add(link)
            self._list("links").append(link)

    def add_commitment(self, commitment: Commitment) -> None:
        items = self._list("commitments")
        if self._commitment_at is not None:
            self._commitment_at.setdefault(commitment.id, []).append(len(items))
        items.append(commitment)

    def close_commitment(self, commitment_id: str, **closing: Any) -> None:
        """Evolve every commitment with ``commitment_id`` (none if it is unknown)."""
        items = self._list("commitments")
        if self._commitment_at is None:
            self._commitment_at = {}
            for index, x in enumerate(items):
                self._commitment_at.setdefault(x.id, []).append(index)
        for index in self._commitment_at.get(commitment_id, ()):
            items[index] = attrs.evolve(items[index], **closing)

    def changed(self) -> dict[str, tuple[Any, ...]]:
        """The fields changed so far, as tuples."""
        return {name: tuple(items) for name, items in self._lists.items()}


def _changes(ticket: Any, e: ev.Event) -> dict[str, Any]:
    """The field changes ``e`` makes to ``ticket`` (anything with the ticket's attributes)."""
    collections = _Collections(ticket)
    changes = _fold_one(ticket, e, collections)
    changes.update(collections.changed())
    return changes


def _fold_one(ticket: Any, e: ev.Event, collections: _Collections) -> dict[str, Any]:
    """The scalar field changes ``e`` makes; the tuple fields grow in ``collections``.

    ``ticket``'s own notes, links and commitments are not read: a fold keeps
    them in ``collections`` only.
    """
    changes: dict[str, Any] = {"updated_at": e.at}
    if e.status is not None:
        changes["status"] = e.status
        if e.status is not Status.ON_HOLD and ticket.hold is not None:
            changes["hold"] = None
    if isinstance(e, ev.Routed):
        changes.update(group=e.group, assignee=None)
        if e.tier is not None:
            changes["tier"] = e.tier
    elif isinstance(e, ev.Assigned):
        changes["assignee"] = e.assignee
        if e.group is not None:
            changes["group"] = e.group
        if e.tier is not None:
            changes["tier"] = e.tier
    elif isinstance(e, ev.OwnershipTaken):
        changes["owner"] = e.owner
    elif isinstance(e, (ev.NoteAdded, ev.CustomerReplied)):
        collections.add_note(e.note)
    elif isinstance(e, ev.Held):
        changes["hold"] = HoldState(
            reason=e.reason, until=e.until, since=e.at, detail=e.detail
        )
    elif isinstance(e, ev.Escalated):
        changes.update(tier=e.to_tier, assignee=e.to_agent)
        if e.to_group is not None:
            changes["group"] = e.to_group
    elif isinstance(e, ev.PriorityChanged):
        note = Note(
            author=e.actor,
            at=e.at,
            kind=NoteKind.JUSTIFICATION,
            text=f"priority {ticket.priority.label} → {e.priority.label}: {e.justification}",
        )
        changes.update(impact=e.impact, urgency=e.urgency, priority=e.priority)
        collections.add_note(note)
    elif isinstance(e, ev.ContextChanged):
        changes["context"] = e.context
    elif isinstance(e, ev.MajorIncidentDeclared):
        changes["major"] = e.major
    elif isinstance(e, ev.Resolved):
        changes.update(
            resolution=Resolution(
                text=e.resolution,
                articles=e.articles,
                code=e.code,
                first_contact=e.first_contact,
            ),
            resolved_at=e.at,
            confirmed_at=None,
        )
    elif isinstance(e, ev.Confirmed):
        changes["confirmed_at"] = e.at
    elif isinstance(e, ev.Reopened):
        # a host lifecycle may reopen a closed ticket: it is no longer closed
        changes.update(
            reopen_count=ticket.reopen_count + 1,
            resolution=None,
            resolved_at=None,
            confirmed_at=None,
            closed_at=None,
        )
    elif isinstance(e, (ev.Closed, ev.Cancelled)):
        changes["closed_at"] = e.at
    elif isinstance(e, ev.Linked):
        collections.add_link(TicketLink(relation=e.relation, ticket_id=e.other_id))
    elif isinstance(e, ev.KnownErrorRecorded):
        changes["known_error"] = e.known_error
    elif isinstance(e, ev.CommitmentMade):
        collections.add_commitment(e.commitment)
    elif isinstance(e, ev.CommitmentMet):
        collections.close_commitment(
            e.commitment_id,
            status=CommitmentStatus.MET,
            closed_at=e.at,
            outcome=e.outcome,
        )
    elif isinstance(e, ev.CommitmentCancelled):
        collections.close_commitment(
            e.commitment_id,
            status=CommitmentStatus.CANCELLED,
            closed_at=e.at,
            outcome=e.reason,
        )
    return changes


# -- doctest helpers (not public) ----------------------------------------------

from datetime import timezone as _tz  # noqa: E402

_T0 = datetime(2026, 3, 2, 9, 0, tzinfo=_tz.utc)


def _demo_ticket() -> Incident:
    return Incident.open(
        summary="Printer not responding",
        customer=Customer(id="c-1", name="Alice"),
        at=_T0,
        actor="a-1",
        id="t-demo",
        impact=Impact.LOW,
        urgency=Urgency.LOW,
    )


_ = timedelta


def _fold_events(
    events: Iterable[ev.Event], *, check_order: bool, check_fields: bool = True
) -> Ticket:
    """:meth:`Ticket.from_events`; stores read with ``check_order=False``.

    A store must read back whatever it saved: a timeline saved before the
    order check existed may have an instant out of order, and is still
    folded, as it was then. ``check_fields=False`` builds the ticket
    without re-running its field checks (see :func:`_unchecked_ticket`).
    """
    try:
        iterator = iter(events)
    except TypeError:
        raise ValidationError(
            f"expected an iterable of events, got {type(events).__name__}",
            path="timeline",
        ) from None
    first = next(iterator, None)
    if not isinstance(first, ev.Opened):
        raise ValidationError(
            "a timeline starts with an 'opened' event", path="timeline[0]"
        )
    cls, fields = _opened_fields(first)
    # Fold into a plain namespace and build the value once, at the end:
    # building the opened ticket, or evolving a frozen ticket per event,
    # would validate every field each time.
    state = SimpleNamespace(**{**_init_defaults(cls), **fields})
    # The tuple fields grow in place, built once at the end: a tuple rebuilt
    # per event made a long timeline cost O(N^2).
    collections = _Collections(state)
    timeline: list[ev.Event] = [first]
    last = first.at.astimezone(_tz.utc)
    for event in iterator:
        # O(1) checks per event: the facts must form a timeline.
        if not isinstance(event, ev.EventBase) or isinstance(event, ev.Opened):
            what = (
                "a second 'opened' event"
                if isinstance(event, ev.Opened)
                else type(event).__name__
            )
            raise ValidationError(
                f"expected an event after the opening, got {what}",
                path=f"timeline[{len(timeline)}]",
            )
        instant = event.at.astimezone(_tz.utc)
        if check_order and instant < last:
            raise TimeOrderError(
                f"{event.at.isoformat()} is before the previous event at "
                f"{timeline[-1].at.isoformat()}; time never runs backwards on a "
                "timeline",
                path=f"timeline[{len(timeline)}]",
            )
        last = instant
        vars(state).update(_fold_one(state, event, collections))
        timeline.append(event)
    vars(state).update(collections.changed())
    state.timeline = tuple(timeline)
    if check_fields:
        return cls(**vars(state))
    return _unchecked_ticket(cls, vars(state))


_FIELD_NAMES: dict[type[Ticket], tuple[str, ...]] = {}


def _unchecked_ticket(cls: type[Ticket], fields: dict[str, Any]) -> Ticket:
    """A ticket built from folded fields without running its field checks.

    For a store reading a timeline it decoded: the decoder checked every
    event, and the fold derives each field from those events with the
    same types, so the ticket's own checks would only repeat them (they
    cost a history read 8-15 %). It also keeps a stored ticket readable
    should a ticket-level check ever be stricter than its events'.
    :meth:`Ticket.from_events` keeps the checks.
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(a.name for a in attrs.fields(cls))
    ticket = object.__new__(cls)
    for name in names:
        object.__setattr__(ticket, name, fields[name])
    return ticket
