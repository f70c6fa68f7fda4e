"""Lifecycles as data: states, the commands allowed in each, guards, results.

A :class:`Lifecycle` is a frozen value a host can replace or load from
JSON/TOML through the package converter. It is checked when it is built: one
initial state, no exit from a terminal state, every state reachable, every
command name known, at most one transition per (state, command).

Guards are small typed values (never strings naming a function) with a
``check(ticket, command, at)`` method; the built-in ones cover required
fields, required note kinds, complete hand-offs, the reopen window and the
close-after-confirmation rule. A host adds its own by writing a frozen attrs
class with a ``tag`` and a ``check`` method (see the custom-lifecycle guide).

>>> INCIDENT_LIFECYCLE.allowed(Status.RESOLVED)
('add_note', 'cancel_commitment', 'close', 'confirm', 'customer_reply', 'link', 'make_commitment', 'meet_commitment', 'record_conduct', 'reopen', 'take_ownership')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs

from deskflow._validators import non_empty, to_tuple, tuple_of
from deskflow.clock import to_utc
from deskflow.errors import LifecycleDefinitionError, ValidationError
from deskflow.tickets.commands import COMMAND_NAMES
from deskflow.tickets.notes import NoteKind
from deskflow.tickets.values import HandoffPart, HoldReason, Status

if TYPE_CHECKING:
    from deskflow.tickets.commands import Command
    from deskflow.tickets.model import Ticket

__all__ = [
    "DEFAULT_HANDOFF_PARTS",
    "DEFAULT_LIFECYCLES",
    "GUARD_TYPES",
    "INCIDENT_LIFECYCLE",
    "PROBLEM_LIFECYCLE",
    "SERVICE_REQUEST_LIFECYCLE",
    "CloseAfterConfirmation",
    "Guard",
    "HoldEndsLater",
    "Lifecycle",
    "Refusal",
    "ReopenWindow",
    "RequireFields",
    "RequireHandoff",
    "RequireNote",
    "Transition",
    "incident_lifecycle",
    "problem_lifecycle",
    "service_request_lifecycle",
]


def _frozen_enum(value: Any, enum_type: type[Any], path: str) -> frozenset[Any]:
    """A frozenset of ``enum_type``, reading values as documents give them."""
    if isinstance(value, (str, enum.Enum)) or not isinstance(value, Iterable):
        raise LifecycleDefinitionError(
            f"expected a set of {enum_type.__name__} values, got {type(value).__name__}",
            path=path,
        )
    out: set[Any] = set()
    for v in value:
        if isinstance(v, enum_type):
            out.add(v)
            continue
        try:
            out.add(enum_type(v))
        except ValueError:
            known = ", ".join(m.value for m in enum_type)
            raise LifecycleDefinitionError(
                f"unknown {enum_type.__name__} {v!r}; known: {known}", path=path
            ) from None
    return frozenset(out)


def _to_sources(value: Iterable[Status | str]) -> frozenset[Status]:
    return _frozen_enum(value, Status, "sources")


def _to_terminal(value: Iterable[Status | str]) -> frozenset[Status]:
    return _frozen_enum(value, Status, "terminal")


def _to_hold_reasons(value: Iterable[HoldReason | str]) -> frozenset[HoldReason]:
    return _frozen_enum(value, HoldReason, "auto_resume")


def _to_handoff_parts(value: Iterable[HandoffPart | str]) -> frozenset[HandoffPart]:
    return _frozen_enum(value, HandoffPart, "parts")


def _status_from(value: Any, path: str) -> Any:
    """A ``Status`` from its string value, as documents give it; anything else unchanged.

    Anything not a string is left for the field's validator to judge.
    """
    if isinstance(value, str) and not isinstance(value, Status):
        try:
            return Status(value)
        except ValueError:
            known = ", ".join(m.value for m in Status)
            raise LifecycleDefinitionError(
                f"unknown Status {value!r}; known: {known}", path=path
            ) from None
    return value


def _to_target(value: Status | str | None) -> Status | None:
    return _status_from(value, "target")  # type: ignore[no-any-return]


def _to_initial(value: Status | str) -> Status:
    return _status_from(value, "initial")  # type: ignore[no-any-return]


def _to_note_kind(value: NoteKind | str) -> NoteKind:
    (kind,) = _frozen_enum((value,), NoteKind, "kind")
    return kind  # type: ignore[no-any-return]


def _is(kind: type[Any], *, optional: bool = False) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not (isinstance(value, kind) or (optional and value is None)):
            raise LifecycleDefinitionError(
                f"expected {kind.__name__}{' or None' if optional else ''}, "
                f"got {type(value).__name__}",
                path=attribute.name,
            )

    return check


def _is_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # A document reads true/false as a bool, never as an int: refuse it here too.
    if isinstance(value, bool) or not isinstance(value, int):
        raise LifecycleDefinitionError(
            f"expected an integer, got {type(value).__name__}", path=attribute.name
        )


def _check_window(value: Any, path: str) -> None:
    """Refuse anything but a timedelta of zero or more, naming ``path``."""
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(value).__name__}", path=path
        )
    if value < timedelta(0):
        raise ValidationError(f"must not be negative, got {value}", path=path)


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_window(value, attribute.name)


@attrs.frozen
class Refusal:
    """Why a guard refused a command; ``missing`` lists absent parts, if any.

    >>> Refusal("resolution note required").reason
    'resolution note required'
    """

    reason: str
    missing: tuple[str, ...] = ()


@runtime_checkable
class Guard(Protocol):
    """A check run before a transition is taken.

    ``tag`` names the guard in serialized lifecycles. ``check`` returns
    ``None`` to accept, or a :class:`Refusal`.

    >>> isinstance(RequireFields(fields=("reason",)), Guard)
    True
    """

    tag: ClassVar[str]

    def check(self, ticket: Ticket, command: Command, at: datetime) -> Refusal | None:
        """Accept (``None``) or refuse the command."""
        ...


@attrs.frozen(kw_only=True)
class RequireFields:
    """Require the command's named fields to be present and not empty.

    >>> from deskflow.tickets.commands import Route
    >>> RequireFields(fields=("reason",)).check(None, Route(group="g"), None)
    Refusal(reason="'route' requires reason", missing=('reason',))
    """

    tag: ClassVar[str] = "require_fields"
    fields: tuple[str, ...] = attrs.field(converter=to_tuple, validator=tuple_of(str))

    def check(self, ticket: Any, command: Any, at: Any) -> Refusal | None:
        """Refuse if a named field is missing or empty."""
        missing = tuple(f for f in self.fields if not getattr(command, f, None))
        if missing:
            return Refusal(f"'{command.name}' requires {', '.join(missing)}", missing)
        return None


@attrs.frozen(kw_only=True)
class RequireNote:
    """Require the command to carry a note of a given kind (e.g. a resolution note).

    >>> from deskflow.tickets.commands import Resolve
    >>> RequireNote(kind=NoteKind.RESOLUTION).check(None, Resolve(resolution="x", articles=()), None).reason
    "'resolve' requires a note of kind 'resolution'"
    """

    tag: ClassVar[str] = "require_note"
    kind: NoteKind = attrs.field(converter=_to_note_kind)

    def check(self, ticket: Any, command: Any, at: Any) -> Refusal | None:
        """Refuse unless ``command.note`` has the required kind."""
        note = getattr(command, "note", None)
        if note is None or note.kind is not self.kind:
            return Refusal(
                f"'{command.name}' requires a note of kind '{self.kind.value}'",
                (f"{self.kind.value} note",),
            )
        return None


DEFAULT_HANDOFF_PARTS: frozenset[HandoffPart] = frozenset(
    {
        HandoffPart.CONTACT_VERIFIED,
        HandoffPart.ERROR_MESSAGES,
        HandoffPart.STEPS_TAKEN,
        HandoffPart.ARTICLES,
    }
)
"""What the default lifecycles require of a hand-off."""


@attrs.frozen(kw_only=True)
class RequireHandoff:
    """Refuse an escalation whose hand-off lacks a required part.

    When the ticket has business context (a deadline, confidentiality), the
    hand-off must carry it too, whether or not ``parts`` names it.

    >>> from deskflow.tickets.commands import Escalate
    >>> from deskflow.tickets.values import Handoff
    >>> from deskflow.parties import Tier
    >>> cmd = Escalate(to_tier=Tier.L2, reason="x", handoff=Handoff(contact_verified=True, contact="x"))
    >>> RequireHandoff().check(None, cmd, None).missing
    ('error messages (or a statement that none were shown)', 'steps already taken, with outcomes', 'knowledge articles used (or a statement that none applied)')
    """

    tag: ClassVar[str] = "require_handoff"
    parts: frozenset[HandoffPart] = attrs.field(
        default=DEFAULT_HANDOFF_PARTS, converter=_to_handoff_parts
    )

    def check(self, ticket: Any, command: Any, at: Any) -> Refusal | None:
        """Refuse listing every missing part."""
        parts = self.parts
        if ticket is not None and ticket.context.is_stated:
            parts = parts | {HandoffPart.BUSINESS_CONTEXT}
        missing = command.handoff.missing(parts)
        if missing:
            return Refusal("hand-off incomplete", missing)
        return None


@attrs.frozen(kw_only=True)
class ReopenWindow:
    """Allow a reopen only within ``window`` of the resolution.

    >>> ReopenWindow().window
    datetime.timedelta(days=14)
    """

    tag: ClassVar[str] = "reopen_window"
    window: timedelta = attrs.field(default=timedelta(days=14), validator=_non_negative)

    def check(self, ticket: Ticket, command: Any, at: datetime) -> Refusal | None:
        """Refuse once the window since ``ticket.resolved_at`` has passed."""
        if (
            ticket.resolved_at is not None
            and to_utc(at) - to_utc(ticket.resolved_at) > self.window
        ):
            return Refusal(
                f"the reopen window of {self.window} after resolution "
                f"({ticket.resolved_at.isoformat()}) has passed; open a new ticket "
                "and link it"
            )
        return None


@attrs.frozen(kw_only=True)
class CloseAfterConfirmation:
    """Close only once the customer confirmed, or automatically after a quiet period.

    >>> CloseAfterConfirmation().quiet_period
    datetime.timedelta(days=7)
    """

    tag: ClassVar[str] = "close_after_confirmation"
    quiet_period: timedelta = attrs.field(
        default=timedelta(days=7), validator=_non_negative
    )

    def check(self, ticket: Ticket, command: Any, at: datetime) -> Refusal | None:
        """Refuse an early or unconfirmed close."""
        if ticket.confirmed_at is not None:
            return None
        if ticket.resolved_at is None:
            return Refusal("the ticket has no resolution to close on")
        if command.automatic:
            # real elapsed time, whatever zones the instants are in; subtract
            # rather than add, so a huge quiet period cannot overflow
            if to_utc(at) - to_utc(ticket.resolved_at) >= self.quiet_period:
                return None
            try:
                due = (to_utc(ticket.resolved_at) + self.quiet_period).astimezone(
                    ticket.resolved_at.tzinfo
                )
            except OverflowError:
                return Refusal(
                    f"automatic close is never allowed: {self.quiet_period} after "
                    "resolution lies beyond the last representable instant"
                )
            return Refusal(
                f"automatic close is allowed from {due.isoformat()} "
                f"({self.quiet_period} after resolution without a reply)"
            )
        return Refusal(
            "the customer has not confirmed the fix; confirm first or let it "
            f"close automatically after {self.quiet_period}"
        )


@attrs.frozen(kw_only=True)
class HoldEndsLater:
    """Require a hold's stated end to lie after the instant it starts.

    >>> HoldEndsLater.tag
    'hold_ends_later'
    """

    tag: ClassVar[str] = "hold_ends_later"

    def check(self, ticket: Any, command: Any, at: datetime) -> Refusal | None:
        """Refuse a hold whose ``until`` is not after ``at``."""
        if to_utc(command.until) <= to_utc(at):
            return Refusal(
                f"the hold's expected end {command.until.isoformat()} must be after "
                f"{at.isoformat()}",
                ("until",),
            )
        return None


GUARD_TYPES: dict[str, type[Any]] = {
    cls.tag: cls
    for cls in (
        RequireFields,
        RequireNote,
        RequireHandoff,
        ReopenWindow,
        CloseAfterConfirmation,
        HoldEndsLater,
    )
}
"""Built-in guard classes by tag (the serialization registry starts from this)."""


@attrs.frozen(kw_only=True)
class Transition:
    """From any of ``sources``, ``command`` leads to ``target`` (``None``: stays).

    Like the ``sources``, the ``target`` may be given as a ``Status`` or its
    string value, as a document gives it.

    >>> t = Transition(command="start_work", sources={Status.QUEUED}, target=Status.IN_PROGRESS)
    >>> t.sources
    frozenset({<Status.QUEUED: 'queued'>})
    >>> Transition(command="close", sources={"resolved"}, target="closed").target
    <Status.CLOSED: 'closed'>
    >>> Transition(command="close", sources={"resolved"}, target="closd")
    Traceback (most recent call last):
    ...
    deskflow.errors.LifecycleDefinitionError: target: unknown Status 'closd'; known: new, ...
    """

    command: str = attrs.field(validator=non_empty)
    sources: frozenset[Status] = attrs.field(converter=_to_sources)
    target: Status | None = attrs.field(
        default=None, converter=_to_target, validator=_is(Status, optional=True)
    )
    guards: tuple[Guard, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_is(tuple)
    )


@attrs.frozen(kw_only=True)
class Lifecycle:
    """A ticket lifecycle: initial state, terminal states and transitions.

    ``auto_resume`` lists the hold reasons after which a customer reply
    resumes work by itself. Every state (``initial``, ``terminal``) and hold
    reason may be given as an enum member or its string value.

    >>> lc = Lifecycle(name="tiny", initial=Status.NEW, terminal={Status.CLOSED},
    ...     transitions=(Transition(command="close", sources={Status.NEW}, target=Status.CLOSED),))
    >>> lc.allowed(Status.NEW), sorted(s.value for s in lc.states)
    (('close',), ['closed', 'new'])
    >>> Lifecycle(name="tiny", initial="new", terminal={"closed"},
    ...     transitions=(Transition(command="close", sources={"new"}, target="closed"),)) == lc
    True
    >>> Lifecycle(name="bad", initial=Status.NEW, terminal={Status.CLOSED},
    ...     transitions=(Transition(command="fly", sources={Status.NEW}, target=Status.CLOSED),))
    Traceback (most recent call last):
    ...
    deskflow.errors.LifecycleDefinitionError: transitions[0].command: unknown command 'fly'...
    """

    name: str = attrs.field(validator=non_empty)
    initial: Status = attrs.field(converter=_to_initial, validator=_is(Status))
    terminal: frozenset[Status] = attrs.field(converter=_to_terminal)
    transitions: tuple[Transition, ...] = attrs.field(
        converter=to_tuple, validator=_is(tuple)
    )
    auto_resume: frozenset[HoldReason] = attrs.field(
        default=frozenset({HoldReason.AWAITING_CUSTOMER, HoldReason.AWAITING_USER}),
        converter=_to_hold_reasons,
    )
    version: int = attrs.field(default=1, validator=_is_int)
    _index: dict[tuple[Status, str], Transition] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _check(self))

    @property
    def states(self) -> frozenset[Status]:
        """Every state the lifecycle mentions."""
        found = {self.initial, *self.terminal}
        for t in self.transitions:
            found.update(t.sources)
            if t.target is not None:
                found.add(t.target)
        return frozenset(found)

    def transition(self, status: Status, command: str) -> Transition | None:
        """The transition ``command`` takes from ``status``, if allowed.

        >>> INCIDENT_LIFECYCLE.transition(Status.CLOSED, "hold") is None
        True
        """
        if not isinstance(status, Status):
            raise _not_a_status(status)
        return self._index.get((status, command))

    def allowed(self, status: Status) -> tuple[str, ...]:
        """Command names allowed in ``status``, sorted (for user interfaces).

        >>> "resume" in INCIDENT_LIFECYCLE.allowed(Status.ON_HOLD)
        True
        """
        if not isinstance(status, Status):
            raise _not_a_status(status)
        return tuple(sorted(c for (s, c) in self._index if s is status))


def _not_a_status(value: object) -> ValidationError:
    # A string never matches a Status: answering "nothing allowed" would be wrong.
    return ValidationError(
        f"expected a Status, got {type(value).__name__} {value!r}", path="status"
    )


def _check(lc: Lifecycle) -> dict[tuple[Status, str], Transition]:
    index: dict[tuple[Status, str], Transition] = {}
    if lc.initial in lc.terminal:
        raise LifecycleDefinitionError(
            f"the initial state '{lc.initial.value}' cannot be terminal", path="initial"
        )
    for i, t in enumerate(lc.transitions):
        if not isinstance(t, Transition):
            raise LifecycleDefinitionError(
                "expected a Transition", path=f"transitions[{i}]"
            )
        if t.command not in COMMAND_NAMES:
            raise LifecycleDefinitionError(
                f"unknown command {t.command!r}; known: {', '.join(sorted(COMMAND_NAMES))}",
                path=f"transitions[{i}].command",
            )
        if not t.sources:
            raise LifecycleDefinitionError(
                "no source state", path=f"transitions[{i}].sources"
            )
        for g, guard in enumerate(t.guards):
            if not isinstance(guard, Guard):
                raise LifecycleDefinitionError(
                    "a guard needs a 'tag' and a check(ticket, command, at) method",
                    path=f"transitions[{i}].guards[{g}]",
                )
        for s in t.sources:
            if s in lc.terminal and t.target is not None and t.target is not s:
                raise LifecycleDefinitionError(
                    f"terminal state '{s.value}' cannot be left by '{t.command}'",
                    path=f"transitions[{i}]",
                )
            if (s, t.command) in index:
                raise LifecycleDefinitionError(
                    f"'{t.command}' from '{s.value}' is defined twice",
                    path=f"transitions[{i}]",
                )
            index[(s, t.command)] = t
    # Every state must be reachable from the initial one.
    reachable = {lc.initial}
    frontier = [lc.initial]
    while frontier:
        state = frontier.pop()
        for (s, _c), t in index.items():
            if s is state and t.target is not None and t.target not in reachable:
                reachable.add(t.target)
                frontier.append(t.target)
    unreachable = sorted(s.value for s in lc.states - reachable)
    if unreachable:
        raise LifecycleDefinitionError(
            f"unreachable from '{lc.initial.value}': {', '.join(unreachable)}",
            path="transitions",
        )
    if not lc.terminal & reachable:
        raise LifecycleDefinitionError(
            "no terminal state is reachable", path="terminal"
        )
    return index


# --- the defaults ----------------------------------------------------------

_WORKING = frozenset(
    {Status.NEW, Status.QUEUED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD}
)
_ALWAYS = ("add_note", "link")
_WHILE_OPEN = ("take_ownership", "change_priority", "update_context", "customer_reply")


def _common(
    open_states: frozenset[Status], *, reopen: timedelta, quiet: timedelta
) -> list[Transition]:
    S = Status
    every = open_states | {S.RESOLVED, S.CLOSED, S.CANCELLED}
    out = [Transition(command=c, sources=every) for c in _ALWAYS]
    out += [Transition(command=c, sources=open_states) for c in _WHILE_OPEN]
    out += [
        Transition(command="take_ownership", sources={S.RESOLVED}),
        Transition(command="customer_reply", sources={S.RESOLVED}),
        Transition(command="route", sources=open_states, target=S.QUEUED),
        Transition(
            command="assign", sources=open_states - {S.ON_HOLD}, target=S.ASSIGNED
        ),
        # Handing a held ticket to a colleague does not end the wait: it stays
        # on hold (its SLA clock stays paused) until someone resumes it.
        Transition(command="assign", sources={S.ON_HOLD}),
        Transition(
            command="start_work",
            sources=open_states - {S.IN_PROGRESS},
            target=S.IN_PROGRESS,
        ),
        Transition(
            command="hold",
            sources=open_states - {S.NEW},
            target=S.ON_HOLD,
            guards=(RequireFields(fields=("reason", "until")), HoldEndsLater()),
        ),
        Transition(command="resume", sources={S.ON_HOLD}, target=S.IN_PROGRESS),
        Transition(
            command="escalate",
            sources=open_states,
            target=S.QUEUED,
            guards=(RequireFields(fields=("reason",)), RequireHandoff()),
        ),
        Transition(
            command="resolve",
            sources=open_states,
            target=S.RESOLVED,
            guards=(RequireFields(fields=("resolution",)),),
        ),
        Transition(command="confirm", sources={S.RESOLVED}),
        Transition(
            command="reopen",
            sources={S.RESOLVED},
            target=S.IN_PROGRESS,
            guards=(ReopenWindow(window=reopen),),
        ),
        Transition(
            command="close",
            sources={S.RESOLVED},
            target=S.CLOSED,
            guards=(CloseAfterConfirmation(quiet_period=quiet),),
        ),
        Transition(command="cancel", sources=open_states, target=S.CANCELLED),
        # Promises: made while open or after the resolution (a follow-up),
        # kept or withdrawn in any state (a follow-up may come after closure).
        Transition(command="make_commitment", sources=open_states | {S.RESOLVED}),
        Transition(command="meet_commitment", sources=every),
        Transition(command="cancel_commitment", sources=every),
        Transition(command="record_conduct", sources=open_states | {S.RESOLVED}),
        Transition(command="request_escalation", sources=open_states),
    ]
    return out


def incident_lifecycle(
    *,
    reopen_window: timedelta = timedelta(days=14),
    quiet_period: timedelta = timedelta(days=7),
) -> Lifecycle:
    """The default ITIL-style incident lifecycle, with its windows adjustable.

    new → queued in a group → assigned → in progress ⇄ on hold → resolved →
    (confirmed) → closed; reopen within ``reopen_window`` of the resolution;
    automatic close after ``quiet_period`` without a reply.

    >>> incident_lifecycle(quiet_period=timedelta(days=3)).name
    'incident'
    >>> incident_lifecycle(reopen_window=timedelta(days=-1))
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: reopen_window: must not be negative, got -1 day, 0:00:00
    """
    _check_window(reopen_window, "reopen_window")
    _check_window(quiet_period, "quiet_period")
    transitions = _common(_WORKING, reopen=reopen_window, quiet=quiet_period)
    transitions.append(Transition(command="declare_major", sources=_WORKING))
    return Lifecycle(
        name="incident",
        initial=Status.NEW,
        terminal={Status.CLOSED, Status.CANCELLED},
        transitions=tuple(transitions),
    )


def service_request_lifecycle(
    *,
    reopen_window: timedelta = timedelta(days=14),
    quiet_period: timedelta = timedelta(days=7),
) -> Lifecycle:
    """The default service-request lifecycle (fulfilment is ``resolve``).

    >>> "declare_major" in service_request_lifecycle().allowed(Status.NEW)
    False
    """
    _check_window(reopen_window, "reopen_window")
    _check_window(quiet_period, "quiet_period")
    return Lifecycle(
        name="service_request",
        initial=Status.NEW,
        terminal={Status.CLOSED, Status.CANCELLED},
        transitions=tuple(_common(_WORKING, reopen=reopen_window, quiet=quiet_period)),
        auto_resume=frozenset(
            {
                HoldReason.AWAITING_CUSTOMER,
                HoldReason.AWAITING_USER,
                HoldReason.AWAITING_APPROVAL,
            }
        ),
    )


def problem_lifecycle(*, reopen_window: timedelta = timedelta(days=90)) -> Lifecycle:
    """The default problem lifecycle: investigation, known error, resolution, closure.

    A problem has no customer to confirm, so it closes straight after it is
    resolved.

    >>> problem_lifecycle().allowed(Status.KNOWN_ERROR)[:3]
    ('add_note', 'assign', 'cancel')
    """
    _check_window(reopen_window, "reopen_window")
    S = Status
    open_states = _WORKING | {S.KNOWN_ERROR}
    transitions = [
        t
        for t in _common(open_states, reopen=reopen_window, quiet=timedelta(0))
        if t.command not in {"close", "confirm", "escalate"}
    ]
    transitions += [
        Transition(command="close", sources={S.RESOLVED}, target=S.CLOSED),
        Transition(
            command="escalate",
            sources=open_states,
            target=S.QUEUED,
            guards=(RequireFields(fields=("reason",)),),
        ),
        Transition(
            command="record_known_error",
            sources=open_states - {S.NEW},
            target=S.KNOWN_ERROR,
        ),
    ]
    return Lifecycle(
        name="problem",
        initial=S.NEW,
        terminal={S.CLOSED, S.CANCELLED},
        transitions=tuple(transitions),
    )


INCIDENT_LIFECYCLE = incident_lifecycle()
"""The default incident lifecycle."""

SERVICE_REQUEST_LIFECYCLE = service_request_lifecycle()
"""The default service-request lifecycle."""

PROBLEM_LIFECYCLE = problem_lifecycle()
"""The default problem lifecycle."""

DEFAULT_LIFECYCLES: dict[str, Lifecycle] = {
    "incident": INCIDENT_LIFECYCLE,
    "service_request": SERVICE_REQUEST_LIFECYCLE,
    "problem": PROBLEM_LIFECYCLE,
}
"""The default lifecycle of each ticket kind, by kind value."""
