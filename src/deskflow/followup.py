"""Ownership and promises: call-backs, status updates, follow-ups and an agent's agenda.

The owner of a ticket stays accountable after an escalation; ownership
changes only through an explicit ``take_ownership`` command. What the owner
promised the customer is on the ticket as :class:`Commitment` values (made,
met and cancelled through timeline events), so each promise is either met,
cancelled, or pending/overdue at any instant (:meth:`Commitment.state_at`).

- :func:`book_call_back`, :func:`promise_to_find_out` and
  :func:`promise_status_update` make promises; a call-back is booked in the
  customer's time zone and inside their :class:`ContactWindow`.
- :func:`keep` and :func:`withdraw` close a promise;
  :func:`send_status_update` writes the update and keeps every open
  status-update promise.
- :class:`UpdateCadence` and :func:`next_update_due`: the customer hears from
  the desk every N business hours while the ticket is open, even when
  nothing changed.
- :func:`schedule_follow_up` and :func:`record_follow_up`: after the
  resolution, check the customer is happy and the fix survived a reboot; a
  reverted fix reopens the ticket.
- :func:`agenda`: what an agent owes now and next, most urgent first.

>>> from datetime import timedelta
>>> from deskflow._demo import START, build_case
>>> sorted(s.value for s in CommitmentState)
['cancelled', 'met', 'overdue', 'pending']
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from deskflow._validators import non_empty, text_items
from deskflow.calendars import BusinessCalendar
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import ValidationError
from deskflow.parties import ContactWindow
from deskflow.tickets import commands as cmd
from deskflow.tickets import events as ev
from deskflow.tickets.lifecycle import Lifecycle
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import Note, NoteKind, Visibility
from deskflow.tickets.values import (
    Commitment,
    CommitmentKind,
    CommitmentState,
    CommitmentStatus,
    Status,
)
from deskflow.tiers import (
    CustomerNotice,
    NoticeKind,
    _check_warning_fraction,
    readings,
)

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "CommitmentStatus",
    "ContactWindow",
    "FollowUpOutcome",
    "OutsideContactWindow",
    "UpdateCadence",
    "agenda",
    "book_call_back",
    "commitment",
    "keep",
    "last_customer_contact",
    "next_update_due",
    "open_commitments",
    "promise_status_update",
    "promise_to_find_out",
    "record_follow_up",
    "schedule_follow_up",
    "send_status_update",
    "withdraw",
]

T = TypeVar("T", bound=Ticket)


class OutsideContactWindow(ValidationError):
    """A call-back was booked outside the customer's contact window.

    ``suggestion`` is the first instant inside the window after the one asked.

    >>> issubclass(OutsideContactWindow, ValueError)
    True
    """

    def __init__(self, message: str, *, suggestion: datetime) -> None:
        self.suggestion = suggestion
        super().__init__(message, path="due")


def _customer_zone(ticket: Ticket) -> ZoneInfo | None:
    name = ticket.customer.time_zone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"unknown time zone {name!r}", path="customer.time_zone"
        ) from None


def _check_window(ticket: Ticket, due: datetime) -> datetime:
    window = ticket.customer.contact_window
    zone = _customer_zone(ticket)
    if window is None:
        return due.astimezone(zone) if zone is not None else due
    if zone is None:
        raise ValidationError(
            "the customer has a contact window but no time zone to read it in",
            path="customer.time_zone",
        )
    if not window.contains(due, zone):
        suggestion = window.next_opening(due, zone)
        local = due.astimezone(zone)
        raise OutsideContactWindow(
            f"{local:%a %d %b %H:%M} ({zone.key}) is outside {ticket.customer.name}'s "
            f"contact window ({window.start:%H:%M}-{window.end:%H:%M}); the next "
            f"opening is {suggestion:%a %d %b %H:%M}",
            suggestion=suggestion,
        )
    return due.astimezone(zone)


def _promise(
    ticket: T,
    kind: CommitmentKind,
    *,
    due: datetime,
    at: datetime,
    actor: str,
    text: str,
    owed_by: str | None,
    lifecycle: Lifecycle | None,
) -> T:
    return ticket.handle(
        cmd.MakeCommitment(kind=kind, due=due, text=text, owed_by=owed_by),
        at=at,
        actor=actor,
        lifecycle=lifecycle,
    )


def book_call_back(
    ticket: T,
    *,
    due: datetime,
    at: datetime,
    actor: str,
    text: str = "",
    owed_by: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> T:
    """Promise to call the customer at ``due``, inside their contact window.

    The due time is stored in the customer's time zone. A time outside the
    window raises :class:`OutsideContactWindow` with the next opening as
    ``suggestion``.

    >>> from datetime import time, timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> alice = attrs.evolve(ALICE, contact_window=ContactWindow(start=time(9), end=time(12)))
    >>> inc = Incident.open(summary="VPN drops", customer=alice, at=START, actor="a-sam")
    >>> book_call_back(inc, due=START + timedelta(hours=6), at=START, actor="a-sam")
    Traceback (most recent call last):
    ...
    deskflow.followup.OutsideContactWindow: due: Mon 02 Mar 15:00 (Europe/Brussels) is outside Alice Moreau's contact window (09:00-12:00); the next opening is Tue 03 Mar 09:00
    >>> inc = book_call_back(inc, due=START + timedelta(hours=2), at=START, actor="a-sam",
    ...     text="call with the technician's arrival time")
    >>> inc.commitments[-1].kind.value, f"{inc.commitments[-1].due:%H:%M}"
    ('call_back', '11:00')
    """
    local = _check_window(ticket, ensure_aware(due, "due"))
    return _promise(
        ticket,
        CommitmentKind.CALL_BACK,
        due=local,
        at=at,
        actor=actor,
        text=text,
        owed_by=owed_by,
        lifecycle=lifecycle,
    )


def promise_to_find_out(
    ticket: T,
    *,
    question: str,
    due: datetime,
    at: datetime,
    actor: str,
    owed_by: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> T:
    """ "I don't know; I will find out and call you back": a call-back with the question.

    >>> from datetime import timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="Licence", customer=ALICE, at=START, actor="a-sam")
    >>> promise_to_find_out(inc, question="is the plotter covered by the warranty?",
    ...     due=START + timedelta(hours=3), at=START, actor="a-sam").commitments[-1].text
    'is the plotter covered by the warranty?'
    """
    if not isinstance(question, str) or not question.strip():
        raise ValidationError("say what you will find out", path="question")
    local = _check_window(ticket, ensure_aware(due, "due"))
    return _promise(
        ticket,
        CommitmentKind.FIND_OUT,
        due=local,
        at=at,
        actor=actor,
        text=question.strip(),
        owed_by=owed_by,
        lifecycle=lifecycle,
    )


def promise_status_update(
    ticket: T,
    *,
    due: datetime,
    at: datetime,
    actor: str,
    text: str = "",
    owed_by: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> T:
    """Promise news by ``due``, even if nothing changed (any channel, so no window check).

    >>> from datetime import timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam")
    >>> promise_status_update(inc, due=START + timedelta(hours=4), at=START,
    ...     actor="a-sam").commitments[-1].kind.value
    'status_update'
    """
    return _promise(
        ticket,
        CommitmentKind.STATUS_UPDATE,
        due=ensure_aware(due, "due"),
        at=at,
        actor=actor,
        text=text,
        owed_by=owed_by,
        lifecycle=lifecycle,
    )


def commitment(ticket: Ticket, commitment_id: str) -> Commitment:
    """The ticket's commitment with this id (:class:`ValidationError` otherwise).

    >>> from deskflow._demo import build_case
    >>> commitment(build_case(), "c9")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: commitment_id: ticket inc-demo-printer has no commitment 'c9'
    """
    for item in ticket.commitments:
        if item.id == commitment_id:
            return item
    raise ValidationError(
        f"ticket {ticket.id} has no commitment {commitment_id!r}", path="commitment_id"
    )


def _not_a_member(kind: type[enum.Enum], value: Any, extra: str = "") -> str:
    """Name the members a value should have been; strings are never converted."""
    members = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
    shown = f" {value!r}" if isinstance(value, str) else ""
    return (
        f"expected a {kind.__name__}{' ' + extra if extra else ''} ({members}), "
        f"got {type(value).__name__}{shown}"
    )


def open_commitments(
    ticket: Ticket, *, kind: CommitmentKind | None = None
) -> tuple[Commitment, ...]:
    """The commitments still open, earliest due first (then in the order they were made).

    >>> from deskflow._demo import build_case
    >>> open_commitments(build_case())
    ()
    >>> open_commitments(build_case(), kind="call_back")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: kind: expected a CommitmentKind or None (CommitmentKind.CALL_BACK, ...), got str 'call_back'
    """
    if kind is not None and not isinstance(kind, CommitmentKind):
        raise ValidationError(
            _not_a_member(CommitmentKind, kind, "or None"), path="kind"
        )
    found = [
        c for c in ticket.commitments if c.is_open and (kind is None or c.kind is kind)
    ]
    # sorted() is stable: equal due times keep the order the promises were made
    # (ids compared as text would put 'c10' before 'c2').
    return tuple(sorted(found, key=lambda c: to_utc(c.due)))


def keep(
    ticket: T,
    commitment_id: str,
    *,
    at: datetime,
    actor: str,
    outcome: str = "",
    lifecycle: Lifecycle | None = None,
) -> T:
    """Record that a commitment was kept, and how.

    >>> from datetime import timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam")
    >>> inc = book_call_back(inc, due=START + timedelta(hours=1), at=START, actor="a-sam")
    >>> inc = keep(inc, "c1", at=START + timedelta(minutes=55), actor="a-sam", outcome="called")
    >>> inc.commitments[0].state_at(START + timedelta(hours=2)).value
    'met'
    """
    return ticket.handle(
        cmd.MeetCommitment(commitment_id=commitment_id, outcome=outcome),
        at=at,
        actor=actor,
        lifecycle=lifecycle,
    )


def withdraw(
    ticket: T,
    commitment_id: str,
    *,
    reason: str,
    at: datetime,
    actor: str,
    lifecycle: Lifecycle | None = None,
) -> T:
    """Cancel a commitment with the reason (tell the customer too).

    >>> from datetime import timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam")
    >>> inc = book_call_back(inc, due=START + timedelta(hours=1), at=START, actor="a-sam")
    >>> withdraw(inc, "c1", reason="Alice will call us", at=START, actor="a-sam"
    ...     ).commitments[0].status.value
    'cancelled'
    """
    return ticket.handle(
        cmd.CancelCommitment(commitment_id=commitment_id, reason=reason),
        at=at,
        actor=actor,
        lifecycle=lifecycle,
    )


def send_status_update(
    ticket: T,
    text: str,
    *,
    at: datetime,
    actor: str,
    next_steps: Iterable[str] = (),
    lifecycle: Lifecycle | None = None,
) -> tuple[T, CustomerNotice]:
    """Write a customer-visible status update; it keeps every open status-update promise.

    Returns the ticket and the notice for the host to send.

    >>> from datetime import timedelta
    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam")
    >>> inc = promise_status_update(inc, due=START + timedelta(hours=4), at=START, actor="a-sam")
    >>> inc, notice = send_status_update(inc, "No news yet: the vendor is testing the part",
    ...     at=START + timedelta(hours=3), actor="a-sam")
    >>> inc.commitments[0].status.value, notice.kind.value
    ('met', 'status_update')
    """
    steps = text_items(next_steps, "next_steps")
    note = Note(
        author=actor,
        at=at,
        text=text,
        kind=NoteKind.STATUS_UPDATE,
        visibility=Visibility.CUSTOMER,
        next_steps=steps,
    )
    new = ticket.add_note(note, at=at, actor=actor, lifecycle=lifecycle)
    for item in open_commitments(new, kind=CommitmentKind.STATUS_UPDATE):
        new = keep(
            new,
            item.id,
            at=at,
            actor=actor,
            outcome="status update sent",
            lifecycle=lifecycle,
        )
    notice = CustomerNotice(
        kind=NoticeKind.STATUS_UPDATE,
        ticket_id=new.id,
        reference=new.reference,
        customer_id=new.customer.id,
        at=at,
        headline=text.rstrip("."),
        group=new.group,
        next_steps=steps,
    )
    return new, notice


# -- cadence ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UpdateCadence:
    """Tell the customer something every ``every`` while the ticket is open.

    With a ``calendar`` the interval is business time. The cadence restarts
    at the last customer-visible note (a status update, a reply sent to
    them) or at the opening. :meth:`from_policy` takes it from an SLA
    policy's update target.

    >>> UpdateCadence(every=timedelta(hours=4)).every
    datetime.timedelta(seconds=14400)
    """

    every: timedelta = attrs.field()
    calendar: BusinessCalendar | None = None

    @every.validator
    def _positive(
        self, attribute: attrs.Attribute[timedelta], value: timedelta
    ) -> None:
        if not isinstance(value, timedelta) or value <= timedelta(0):
            raise ValidationError("must be a positive duration", path="every")

    @classmethod
    def from_policy(
        cls, policy: Any, ticket: Ticket, *, at: datetime | None = None
    ) -> UpdateCadence | None:
        """The update cadence an SLA policy sets for ``ticket`` (``None`` if it sets none).

        ``policy`` is a :class:`deskflow.sla.SlaPolicy`, or a
        :class:`deskflow.sla.PolicyHistory` read at ``at`` (default: the
        ticket's last event).

        >>> from deskflow._demo import build_case
        >>> from deskflow.sla import DEFAULT_POLICY
        >>> cadence = UpdateCadence.from_policy(DEFAULT_POLICY, build_case())
        >>> cadence.every, cadence.calendar is not None
        (datetime.timedelta(seconds=28800), True)
        """
        from deskflow.sla import ClockKind

        if hasattr(policy, "in_force"):
            policy = policy.in_force(at or ticket.updated_at)
        assert ticket.kind is not None
        targets = policy.targets_for(
            ticket.kind, ticket.priority, ticket.customer.service_level
        )
        update = next((t for t in targets if t.kind is ClockKind.UPDATE), None)
        if update is None:
            return None
        return cls(every=update.within, calendar=policy.calendar(update.calendar))


def _cadence(
    value: Any, ticket: Ticket, at: datetime | None = None
) -> UpdateCadence | None:
    if isinstance(value, UpdateCadence):
        return value
    if isinstance(value, timedelta):
        return UpdateCadence(every=value)
    if hasattr(value, "targets_for") or hasattr(value, "in_force"):
        return UpdateCadence.from_policy(value, ticket, at=at)
    for name in ("update_every", "update_cadence", "every"):
        found = getattr(value, name, None)
        if isinstance(found, timedelta):
            return UpdateCadence(every=found)
        if isinstance(found, UpdateCadence):
            return found
    raise ValidationError(
        "expected an UpdateCadence, a timedelta or an SLA policy, "
        f"got {type(value).__name__}",
        path="cadence",
    )


def last_customer_contact(ticket: Ticket, *, at: datetime | None = None) -> datetime:
    """The last time the customer was told something (or the opening).

    >>> from deskflow._demo import build_case, START
    >>> f"{last_customer_contact(build_case()):%H:%M}"
    '09:18'
    """
    last = ticket.opened_at
    limit = to_utc(ensure_aware(at, "at")) if at is not None else None
    for e in ticket.timeline:
        if limit is not None and to_utc(e.at) > limit:
            break
        if isinstance(e, ev.NoteAdded) and e.note.visibility is Visibility.CUSTOMER:
            last = e.at
    return last


def next_update_due(
    ticket: Ticket,
    *,
    cadence: UpdateCadence | timedelta | Any,
    calendar: BusinessCalendar | None = None,
    at: datetime | None = None,
) -> datetime | None:
    """When the customer is next owed an update (``None`` once the ticket is not open).

    ``cadence`` is an :class:`UpdateCadence`, a ``timedelta``, or an SLA
    policy (:class:`deskflow.sla.SlaPolicy`; its update target for this
    ticket, on its calendar; a :class:`deskflow.sla.PolicyHistory` is read
    at ``at``). ``calendar`` overrides the cadence's own.
    Returns ``None`` too when the policy sets no update target.

    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam")
    >>> f"{next_update_due(inc, cadence=timedelta(hours=4)):%H:%M}"
    '13:00'
    """
    rhythm = _cadence(cadence, ticket, at)
    if rhythm is None or not ticket.is_open:
        return None
    last = last_customer_contact(ticket, at=at)
    business = calendar or rhythm.calendar
    if business is not None:
        return business.add(last, rhythm.every)
    # real elapsed time: across a DST change, wall-clock arithmetic is not
    return (to_utc(last) + rhythm.every).astimezone(last.tzinfo)


# -- follow-up after resolution ----------------------------------------------------


class FollowUpOutcome(enum.Enum):
    """What the follow-up contact found.

    >>> FollowUpOutcome.REVERTED.value
    'reverted'
    """

    HELD = "held"
    REVERTED = "reverted"


def schedule_follow_up(
    ticket: T,
    *,
    at: datetime,
    actor: str,
    after: timedelta = timedelta(days=1),
    checks: Iterable[str] = ("the customer is happy", "the fix survived a reboot"),
    calendar: BusinessCalendar | None = None,
    owed_by: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> T:
    """After the resolution, promise a contact to check that the fix held.

    The contact falls ``after`` the instant ``at`` (business time with a
    calendar), moved to the next opening of the customer's contact window.
    It is owed by the ticket's owner unless ``owed_by`` says otherwise.

    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam", owner="a-sam")
    >>> inc = inc.resolve(resolution="new cable", articles=(), at=START, actor="a-tom")
    >>> follow = schedule_follow_up(inc, at=START, actor="a-tom").commitments[-1]
    >>> follow.kind.value, follow.owed_by, follow.text
    ('follow_up', 'a-sam', 'check: the customer is happy; the fix survived a reboot')
    """
    if ticket.status is not Status.RESOLVED:
        raise ValidationError(
            f"a follow-up is scheduled once the ticket is resolved (it is "
            f"{ticket.status.value})",
            path="status",
        )
    ensure_aware(at, "at")
    if not isinstance(after, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(after).__name__}", path="after"
        )
    what = "; ".join(text_items(checks, "checks"))
    # Real elapsed time without a calendar: across a DST change, wall-clock
    # arithmetic (at + after) is off by the change.
    due = (
        calendar.add(at, after)
        if calendar is not None
        else (to_utc(at) + after).astimezone(at.tzinfo)
    )
    window = ticket.customer.contact_window
    zone = _customer_zone(ticket)
    if window is not None:
        if zone is None:
            raise ValidationError(
                "the customer has a contact window but no time zone to read it in",
                path="customer.time_zone",
            )
        due = window.next_opening(due, zone)
    return _promise(
        ticket,
        CommitmentKind.FOLLOW_UP,
        due=due,
        at=at,
        actor=actor,
        text=f"check: {what}" if what else "",
        owed_by=owed_by or ticket.owner,
        lifecycle=lifecycle,
    )


def record_follow_up(
    ticket: T,
    *,
    outcome: FollowUpOutcome,
    at: datetime,
    actor: str,
    detail: str = "",
    commitment_id: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> T:
    """Record the follow-up contact: keep the promise; a reverted fix reopens the ticket.

    When the fix held and the customer had not confirmed yet, their
    confirmation is recorded too. ``commitment_id`` defaults to the earliest
    open follow-up; another kind of commitment is refused.

    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam", owner="a-sam")
    >>> inc = inc.resolve(resolution="new cable", articles=(), at=START, actor="a-tom")
    >>> inc = schedule_follow_up(inc, at=START, actor="a-tom")
    >>> inc = record_follow_up(inc, outcome=FollowUpOutcome.REVERTED, at=START + timedelta(days=1),
    ...     actor="a-sam", detail="offline again after the weekend reboot")
    >>> inc.status.value, inc.reopen_count, inc.commitments[-1].status.value
    ('in_progress', 1, 'met')
    """
    if not isinstance(outcome, FollowUpOutcome):
        raise ValidationError(
            f"expected a FollowUpOutcome ({', '.join(o.name for o in FollowUpOutcome)}), "
            f"got {type(outcome).__name__}",
            path="outcome",
        )
    if commitment_id is None:
        pending = open_commitments(ticket, kind=CommitmentKind.FOLLOW_UP)
        if not pending:
            raise ValidationError(
                f"ticket {ticket.id} has no open follow-up", path="commitment_id"
            )
        commitment_id = pending[0].id
    else:
        found = commitment(ticket, commitment_id)
        if found.kind is not CommitmentKind.FOLLOW_UP:
            raise ValidationError(
                f"commitment {commitment_id!r} is a {found.kind.value}, not a "
                "follow-up: keep it with keep()",
                path="commitment_id",
            )
    text = f"{outcome.value}: {detail}" if detail else outcome.value
    new = keep(
        ticket, commitment_id, at=at, actor=actor, outcome=text, lifecycle=lifecycle
    )
    if outcome is FollowUpOutcome.REVERTED:
        return new.reopen(
            reason=f"follow-up: fix reverted{': ' + detail if detail else ''}",
            at=at,
            actor=actor,
            lifecycle=lifecycle,
        )
    if new.status is Status.RESOLVED and new.confirmed_at is None:
        return new.confirm(
            at=at, actor=new.customer.id, comment=detail, lifecycle=lifecycle
        )
    return new


# -- the agenda ------------------------------------------------------------------------


class AgendaKind(enum.Enum):
    """What an agenda item is about.

    >>> AgendaKind.SLA_AT_RISK.value
    'sla_at_risk'
    """

    CALL_BACK = "call_back"
    FIND_OUT = "find_out"
    STATUS_UPDATE = "status_update"
    FOLLOW_UP = "follow_up"
    UPDATE_DUE = "update_due"
    SLA_AT_RISK = "sla_at_risk"


_KIND_OF = {
    CommitmentKind.CALL_BACK: AgendaKind.CALL_BACK,
    CommitmentKind.FIND_OUT: AgendaKind.FIND_OUT,
    CommitmentKind.STATUS_UPDATE: AgendaKind.STATUS_UPDATE,
    CommitmentKind.FOLLOW_UP: AgendaKind.FOLLOW_UP,
}


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One thing an agent owes: what, on which ticket, by when.

    ``overdue`` is true when ``due`` lies before the agenda's instant.

    >>> AgendaItem.__name__
    'AgendaItem'
    """

    kind: AgendaKind
    ticket_id: str = attrs.field(validator=non_empty)
    reference: str
    due: datetime
    overdue: bool
    text: str
    commitment_id: str | None = None

    def __str__(self) -> str:
        flag = "OVERDUE " if self.overdue else ""
        return (
            f"{flag}{self.due:%a %H:%M} {self.reference} {self.kind.value}: {self.text}"
        )


def agenda(
    tickets: Iterable[Ticket],
    *,
    agent: str,
    at: datetime,
    horizon: timedelta = timedelta(hours=8),
    cadence: UpdateCadence | timedelta | Any | None = None,
    calendar: BusinessCalendar | None = None,
    clocks: Callable[[Ticket], Iterable[Any]] | None = None,
    warning_fraction: float = 0.75,
) -> tuple[AgendaItem, ...]:
    """What ``agent`` owes now and within ``horizon``, most urgent first.

    - their open commitments (call-backs, find-outs, promised updates,
      follow-ups), overdue or due within the horizon;
    - with a ``cadence`` (see :func:`next_update_due`), the next status
      update of each open ticket they own;
    - with ``clocks`` (a function giving a ticket's SLA clocks, e.g.
      ``lambda t: sla.evaluate(t, at=now)``), the clocks of their open
      tickets past ``warning_fraction``, due by their breach time; an SLA
      ``update`` clock gives the update due instead of the cadence.

    Each ticket is listed once (the same id twice is refused). Urgency:
    overdue items first, the longest overdue first; then by due
    time; ties by kind and ticket id, then in the order the tickets and
    their commitments were given, so the order is stable.

    >>> from deskflow._demo import START, ALICE
    >>> from deskflow.tickets import Incident
    >>> inc = Incident.open(summary="x", customer=ALICE, at=START, actor="a-sam", owner="a-sam",
    ...     id="t-1")
    >>> inc = book_call_back(inc, due=START + timedelta(hours=1), at=START, actor="a-sam")
    >>> [str(i) for i in agenda([inc], agent="a-sam", at=START + timedelta(hours=2))]
    ['OVERDUE Mon 10:00 INC-... call_back: call back']
    """
    ensure_aware(at, "at")
    if not isinstance(horizon, timedelta) or horizon < timedelta(0):
        raise ValidationError("must be a duration of zero or more", path="horizon")
    _check_warning_fraction(warning_fraction, "warning_fraction")
    # None or "" would match no commitment and no owner: an empty agenda
    # that looks like a free afternoon.
    if not isinstance(agent, str) or not agent.strip():
        raise ValidationError(
            f"expected an agent id (a non-empty string), got {agent!r}", path="agent"
        )
    if isinstance(tickets, Ticket) or not isinstance(tickets, Iterable):
        raise ValidationError(
            f"expected a collection of tickets, got {type(tickets).__name__}",
            path="tickets",
        )
    now = to_utc(at)
    limit = now + horizon
    items: list[AgendaItem] = []
    seen: set[str] = set()
    for index, ticket in enumerate(tickets):
        if ticket.id in seen:
            raise ValidationError(
                f"ticket {ticket.id} is listed twice", path=f"tickets[{index}]"
            )
        seen.add(ticket.id)
        for c in ticket.commitments:
            if not c.is_open or c.owed_by != agent or to_utc(c.due) > limit:
                continue
            items.append(
                AgendaItem(
                    kind=_KIND_OF[c.kind],
                    ticket_id=ticket.id,
                    reference=ticket.reference,
                    due=c.due,
                    overdue=c.state_at(at) is CommitmentState.OVERDUE,
                    text=c.text or c.kind.value.replace("_", " "),
                    commitment_id=c.id,
                )
            )
        if ticket.owner != agent or not ticket.is_open:
            continue
        update_from_sla = False
        if clocks is not None:
            for reading in readings(clocks(ticket)):
                if not reading.active:
                    continue
                if reading.kind == "update":
                    update_from_sla = True
                    if reading.due is not None and to_utc(reading.due) <= limit:
                        items.append(
                            AgendaItem(
                                kind=AgendaKind.UPDATE_DUE,
                                ticket_id=ticket.id,
                                reference=ticket.reference,
                                due=reading.due,
                                overdue=to_utc(reading.due) < now,
                                text="status update owed (SLA update clock)",
                            )
                        )
                    continue
                if reading.fraction < warning_fraction:
                    continue
                items.append(
                    AgendaItem(
                        kind=AgendaKind.SLA_AT_RISK,
                        ticket_id=ticket.id,
                        reference=ticket.reference,
                        due=reading.due or at,
                        overdue=reading.breached,
                        text=f"SLA '{reading.name}' {reading.fraction:.0%} used",
                    )
                )
        if cadence is not None and not update_from_sla:
            due = next_update_due(ticket, cadence=cadence, calendar=calendar, at=at)
            if due is not None and to_utc(due) <= limit:
                items.append(
                    AgendaItem(
                        kind=AgendaKind.UPDATE_DUE,
                        ticket_id=ticket.id,
                        reference=ticket.reference,
                        due=due,
                        overdue=to_utc(due) < now,
                        text="status update owed (even if nothing changed)",
                    )
                )
    order = list(AgendaKind)
    items.sort(
        key=lambda i: (
            not i.overdue,
            to_utc(i.due),
            order.index(i.kind),
            i.ticket_id,
        )
    )
    return tuple(items)
