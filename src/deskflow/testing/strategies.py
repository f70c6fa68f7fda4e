"""Hypothesis strategies for deskflow's models, for your own property tests.

Every model has a strategy that draws valid, varied values: people and
assets, notes with steps, errors and articles, business contexts, hand-offs
(complete or deliberately incomplete), priority matrices, lifecycles, every
timeline event, and aware datetimes in real ``zoneinfo`` zones, DST ones
included. The centrepiece is :func:`tickets`: it opens a ticket and drives it
through the *real* lifecycle engine with a random sequence of commands that
the lifecycle allows at each step, with valid arguments and non-decreasing
instants, so what you get is a ticket that could have happened.
:func:`commands_for` draws a command for a given ticket that may or may not
be accepted, to test refusals.

Importing this module registers strategies for the main model classes with
:func:`hypothesis.strategies.register_type_strategy`, so
``st.from_type(Incident)`` or ``@given(ticket=...)`` with ``st.builds`` finds
them: :class:`~deskflow.Customer`, :class:`~deskflow.Agent`,
:class:`~deskflow.Asset`, :class:`~deskflow.Note`, :class:`~deskflow.Step`,
:class:`~deskflow.tickets.ErrorMessage`, :class:`~deskflow.ArticleRef`,
:class:`~deskflow.BusinessContext`, :class:`~deskflow.Handoff`,
:class:`~deskflow.tickets.KnownError`, :class:`~deskflow.tickets.Commitment`,
:class:`~deskflow.PriorityMatrix`, :class:`~deskflow.Lifecycle`,
:class:`~deskflow.Ticket` and its three kinds. Builtin types such as
``datetime`` are never registered: your other tests keep hypothesis'
defaults.

Needs the ``testing`` extra (``pip install deskflow[testing]``).

>>> from hypothesis import HealthCheck, given, settings
>>> @settings(max_examples=10, database=None, suppress_health_check=[HealthCheck.too_slow])
... @given(tickets(max_commands=10))
... def test_a_ticket_is_the_fold_of_its_timeline(ticket):
...     assert Ticket.from_events(ticket.timeline) == ticket
>>> test_a_ticket_is_the_fold_of_its_timeline()
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta, timezone
from typing import Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from deskflow.clock import to_utc
from deskflow.errors import InvalidTransition, ValidationError
from deskflow.parties import Agent, Asset, ContactWindow, Customer, Tier
from deskflow.priority import (
    DEFAULT_MATRIX,
    Impact,
    MatrixCell,
    Priority,
    PriorityMatrix,
    Urgency,
)
from deskflow.tickets import commands as cmd
from deskflow.tickets import events as ev
from deskflow.tickets.lifecycle import (
    DEFAULT_HANDOFF_PARTS,
    DEFAULT_LIFECYCLES,
    CloseAfterConfirmation,
    Guard,
    HoldEndsLater,
    Lifecycle,
    ReopenWindow,
    RequireFields,
    RequireHandoff,
    RequireNote,
    Transition,
)
from deskflow.tickets.model import (
    Incident,
    Problem,
    ServiceRequest,
    Ticket,
    handle,
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
    "ZONES",
    "agents",
    "article_refs",
    "assets",
    "aware_datetimes",
    "business_contexts",
    "commands_for",
    "commitments",
    "contact_windows",
    "customers",
    "error_messages",
    "events",
    "handoffs",
    "known_errors",
    "lifecycles",
    "notes",
    "priority_matrices",
    "steps",
    "ticket_links",
    "tickets",
]

ZONES: tuple[str, ...] = (
    "UTC",
    "Europe/Brussels",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
"""The IANA zones :func:`aware_datetimes` draws from by default.

Most observe DST (Lord Howe by half an hour), some have odd offsets
(St John's −03:30, Kolkata +05:30, Chatham +12:45).

>>> "Europe/Brussels" in ZONES
True
"""

_UTC = timezone.utc
# hypothesis takes naive wall-clock bounds and attaches the drawn zone itself.
_MIN = datetime(2020, 1, 1)  # noqa: DTZ001
_MAX = datetime(2035, 12, 31)  # noqa: DTZ001

_WORDS = (
    "printer",
    "offline",
    "VPN",
    "toner",
    "badge",
    "réseau",
    "Drucker",
    "laptop",
    "password",
    "queue",
    "firmware",
    "spooler",
    "0x00000709",
    "名前",
)
_texts: SearchStrategy[str] = st.one_of(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join),
    st.text(
        st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_categories=["Cs"]),
        min_size=1,
        max_size=12,
    ).filter(str.strip),
)


def _coded(prefix: SearchStrategy[str], top: int = 9999) -> SearchStrategy[str]:
    return st.builds("{}-{}".format, prefix, st.integers(1, top))


_ids: SearchStrategy[str] = _coded(st.sampled_from(["a", "c", "t", "sam", "lee"]))
_emails: SearchStrategy[str] = st.builds(
    "{}@{}".format,
    st.sampled_from(["alice", "bo", "n.haddad", "desk"]),
    st.sampled_from(["example.org", "example.com", "uni.example"]),
)
_refs = _coded(st.just("att"))
_maybe_text: SearchStrategy[str] = st.just("") | _texts


def _maybe(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.none() | strategy


@functools.cache
def _tuples(
    strategy: SearchStrategy[Any], max_size: int, min_size: int = 0
) -> SearchStrategy[tuple[Any, ...]]:
    # Built once per element strategy: building strategies inside a draw is slow.
    return st.lists(strategy, min_size=min_size, max_size=max_size).map(tuple)


def aware_datetimes(
    *,
    min_value: datetime = _MIN,
    max_value: datetime = _MAX,
    zones: Iterable[str] = ZONES,
) -> SearchStrategy[datetime]:
    """Timezone-aware datetimes in random IANA zones (DST ones included).

    ``min_value`` and ``max_value`` are naive wall-clock bounds, as
    hypothesis' own ``datetimes()`` takes them. Wall times that do not exist
    (skipped by a DST change) are never drawn; times in a repeated hour are,
    with either ``fold``.

    >>> from hypothesis import find
    >>> dt = find(aware_datetimes(zones=["Europe/Brussels"]), lambda d: d.month == 7)
    >>> dt.tzinfo.key, dt.utcoffset()
    ('Europe/Brussels', datetime.timedelta(seconds=7200))
    """
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(bound, datetime) or bound.tzinfo is not None:
            raise ValidationError(
                "expected a naive wall-clock datetime (as hypothesis' datetimes() "
                f"takes), got {_describe_bound(bound)}",
                path=name,
            )
    return _aware_datetimes(min_value, max_value, _zone_names(zones))


def _describe_bound(value: Any) -> str:
    if isinstance(value, datetime):
        return f"an aware datetime {value.isoformat()}"
    return type(value).__name__


def _zone_names(zones: Any) -> tuple[str, ...]:
    if zones is ZONES:  # the default, drawn from inside other strategies
        return tuple(ZONES)
    if isinstance(zones, (str, bytes)) or not isinstance(zones, Iterable):
        raise ValidationError(
            f"expected a collection of IANA zone names, got {type(zones).__name__}"
            " (wrap one zone in a tuple)",
            path="zones",
        )
    names = tuple(zones)
    for index, name in enumerate(names):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValidationError(
                f"unknown IANA time zone {name!r}", path=f"zones[{index}]"
            ) from None
    return names


@functools.cache
def _aware_datetimes(
    min_value: datetime, max_value: datetime, zones: tuple[str, ...]
) -> SearchStrategy[datetime]:
    zone_list = [ZoneInfo(z) for z in zones]
    if not zone_list:
        raise ValidationError("give at least one zone", path="zones")
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=st.sampled_from(zone_list),
        allow_imaginary=False,
    )


@functools.cache
def contact_windows() -> SearchStrategy[ContactWindow]:
    """Contact windows: a start before an end, on one or more weekdays.

    >>> from hypothesis import find
    >>> find(contact_windows(), lambda w: len(w.weekdays) == 7).weekdays
    (0, 1, 2, 3, 4, 5, 6)
    """

    @st.composite
    def build(draw: st.DrawFn) -> ContactWindow:
        a, b = draw(
            st.lists(
                st.times(max_value=time(23, 59)).map(
                    lambda t: t.replace(microsecond=0)
                ),
                min_size=2,
                max_size=2,
                unique=True,
            ).map(sorted)
        )
        days = draw(st.frozensets(st.integers(0, 6), min_size=1))
        return ContactWindow(start=a, end=b, weekdays=tuple(days))

    return build()


@functools.cache
def customers() -> SearchStrategy[Customer]:
    """Customers, with or without the optional details.

    >>> from hypothesis import find
    >>> find(customers(), lambda c: c.time_zone is not None).time_zone in ZONES
    True
    """
    return st.builds(
        Customer,
        id=_ids,
        name=_texts,
        email=_maybe(_emails),
        phone=_maybe(st.builds("+32 2 555 {:04d}".format, st.integers(0, 9999))),
        organisation=_maybe(_texts),
        manager=_maybe(_texts),
        time_zone=_maybe(st.sampled_from(ZONES)),
        service_level=_maybe(st.sampled_from(["gold", "silver", "bronze"])),
        contact_window=_maybe(contact_windows()),
    )


@functools.cache
def agents() -> SearchStrategy[Agent]:
    """Support agents at every tier.

    >>> from hypothesis import find
    >>> find(agents(), lambda a: a.tier is Tier.VENDOR).tier.value
    'vendor'
    """
    return st.builds(
        Agent,
        id=_ids,
        name=_texts,
        tier=st.sampled_from(Tier),
        groups=st.lists(_texts, max_size=3).map(tuple),
        supervisor=_maybe(_ids),
        email=_maybe(_emails),
    )


@functools.cache
def assets() -> SearchStrategy[Asset]:
    """Units and devices.

    >>> from hypothesis import find
    >>> find(assets(), lambda a: a.model is None).serial != ""
    True
    """
    return st.builds(
        Asset,
        serial=_coded(st.sampled_from(["CN", "SN", "LX"]), 999_999),
        model=_maybe(_texts),
        owner=_maybe(_ids),
        location=_maybe(_texts),
        tag=_maybe(_texts),
    )


@functools.cache
def steps() -> SearchStrategy[Step]:
    """Troubleshooting steps with outcomes and reasons.

    >>> from hypothesis import find
    >>> find(steps(), lambda s: s.by_customer).by_customer
    True
    """
    return st.builds(
        Step,
        action=_texts,
        outcome=st.sampled_from(StepOutcome),
        why=_maybe_text,
        detail=_maybe_text,
        by_customer=st.booleans(),
    )


@functools.cache
def error_messages() -> SearchStrategy[ErrorMessage]:
    """Error messages as shown, some with a screenshot reference.

    >>> from hypothesis import find
    >>> find(error_messages(), lambda e: e.screenshot is not None).screenshot.startswith("att-")
    True
    """
    return st.builds(
        ErrorMessage,
        text=_texts,
        source=_maybe_text,
        screenshot=_maybe(_refs),
    )


@functools.cache
def article_refs() -> SearchStrategy[ArticleRef]:
    """Knowledge-article references with their usage.

    >>> from hypothesis import find
    >>> find(article_refs(), lambda a: a.version == 3).article_id.startswith("KB-")
    True
    """
    return st.builds(
        ArticleRef,
        article_id=_coded(st.just("KB")),
        usage=st.sampled_from(ArticleUsage),
        version=_maybe(st.integers(1, 50)),
    )


def notes(
    *,
    at: SearchStrategy[datetime] | None = None,
    author: SearchStrategy[str] | None = None,
    kind: SearchStrategy[NoteKind] | None = None,
) -> SearchStrategy[Note]:
    """Structured notes: text, symptoms, errors, steps, articles, next steps.

    Every drawn note says something (text or at least one structured part).

    >>> from hypothesis import find
    >>> n = find(notes(), lambda n: n.steps and n.errors and n.articles)
    >>> len(n.steps) >= 1, n.at.tzinfo is not None
    (True, True)
    """

    @st.composite
    def build(draw: st.DrawFn) -> Note:
        return _draw_note(
            draw,
            at=draw(at if at is not None else aware_datetimes()),
            author=draw(author if author is not None else _ids),
            kind=draw(kind if kind is not None else st.sampled_from(NoteKind)),
        )

    return build()


def _draw_note(draw: st.DrawFn, *, at: datetime, author: str, kind: NoteKind) -> Note:
    parts: dict[str, Any] = {
        "symptoms": draw(_tuples(_texts, 3)),
        "errors": draw(_tuples(error_messages(), 2)),
        "steps": draw(_tuples(steps(), 3)),
        "articles": draw(_tuples(article_refs(), 2)),
        "next_steps": draw(_tuples(_texts, 2)),
    }
    text = draw(_maybe_text)
    if not text and not any(parts.values()):
        text = draw(_texts)
    return Note(
        author=author,
        at=at,
        text=text,
        kind=kind,
        visibility=draw(st.sampled_from(Visibility)),
        **parts,
    )


@functools.cache
def business_contexts(
    *, at: SearchStrategy[datetime] | None = None
) -> SearchStrategy[BusinessContext]:
    """Business contexts: none stated, a deadline, confidentiality, or both.

    >>> from hypothesis import find
    >>> find(business_contexts(), lambda c: c.confidential).is_stated
    True
    """
    return st.builds(
        BusinessContext,
        deadline=_maybe(at if at is not None else aware_datetimes()),
        deadline_reason=_maybe_text,
        confidential=st.booleans(),
        confidentiality_note=_maybe_text,
    )


def handoffs(
    *,
    complete: bool | None = None,
    parts: Iterable[HandoffPart] = DEFAULT_HANDOFF_PARTS,
) -> SearchStrategy[Handoff]:
    """Hand-off packages; ``complete=True`` holds every part in ``parts``.

    ``complete=False`` lacks at least one of ``parts`` (to test refusals);
    ``None`` draws either.

    >>> from hypothesis import find
    >>> h = find(handoffs(complete=True), lambda h: True)
    >>> h.missing(frozenset(HandoffPart) - {HandoffPart.BUSINESS_CONTEXT})
    ()
    >>> bad = find(handoffs(complete=False), lambda h: True)
    >>> len(bad.missing(DEFAULT_HANDOFF_PARTS)) >= 1
    True
    """
    if complete is not None and not isinstance(complete, bool):
        raise ValidationError(
            f"expected True, False or None, got {type(complete).__name__}",
            path="complete",
        )
    return _handoffs(complete, _handoff_parts(parts))


def _handoff_parts(parts: Any) -> frozenset[HandoffPart]:
    # A string is iterable: "steps_taken" would be read letter by letter.
    if isinstance(parts, (str, bytes, HandoffPart)) or not isinstance(parts, Iterable):
        raise ValidationError(
            "expected a collection of HandoffPart members, got "
            f"{type(parts).__name__} (wrap one part in a frozenset)",
            path="parts",
        )
    found = tuple(parts)
    for index, part in enumerate(found):
        if not isinstance(part, HandoffPart):
            raise ValidationError(
                _not_a_member(HandoffPart, part), path=f"parts[{index}]"
            )
    return frozenset(found)


def _not_a_member(kind: type[enum.Enum], value: Any) -> str:
    members = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
    shown = f" {value!r}" if isinstance(value, str) else ""
    return f"expected a {kind.__name__} ({members}), got {type(value).__name__}{shown}"


@functools.cache
def _handoffs(
    complete: bool | None, required: frozenset[HandoffPart]
) -> SearchStrategy[Handoff]:
    @st.composite
    def build(draw: st.DrawFn) -> Handoff:
        want = complete if complete is not None else draw(st.booleans())
        if want:
            present = set(required)
        elif not required:
            return Handoff()
        else:
            dropped = draw(
                st.sets(st.sampled_from(sorted(required, key=str)), min_size=1)
            )
            present = set(required) - dropped
        present |= draw(st.sets(st.sampled_from(list(HandoffPart)))) - (
            set(required) - present
        )
        has = present.__contains__
        contact_ok = has(HandoffPart.CONTACT_VERIFIED)
        errors_ok = has(HandoffPart.ERROR_MESSAGES)
        articles_ok = has(HandoffPart.ARTICLES)
        errors = draw(_tuples(error_messages(), 2)) if errors_ok else ()
        screenshots = draw(_tuples(_refs, 2)) if errors_ok else ()
        articles = draw(_tuples(article_refs(), 2)) if articles_ok else ()
        if contact_ok:
            verified, contact = True, draw(_texts)
        else:  # unverified, or "verified" with no contact recorded
            verified = draw(st.booleans())
            contact = "" if verified else draw(_maybe_text)
        return Handoff(
            contact_verified=verified,
            contact=contact,
            symptoms=draw(_tuples(_texts, 2)),
            error_messages=errors,
            screenshots=screenshots,
            no_error_shown=errors_ok and not (errors or screenshots),
            steps_taken=(
                draw(_tuples(steps(), 3, 1)) if has(HandoffPart.STEPS_TAKEN) else ()
            ),
            articles=articles,
            no_article_applies=articles_ok and not articles,
            context=(
                draw(business_contexts()) if has(HandoffPart.BUSINESS_CONTEXT) else None
            ),
            summary=draw(_maybe_text),
        )

    return build()


@functools.cache
def known_errors() -> SearchStrategy[KnownError]:
    """Root causes with (or without) a workaround.

    >>> from hypothesis import find
    >>> find(known_errors(), lambda k: k.workaround).root_cause != ""
    True
    """
    return st.builds(KnownError, root_cause=_texts, workaround=_maybe_text)


@functools.cache
def ticket_links() -> SearchStrategy[TicketLink]:
    """Links to other tickets.

    >>> from hypothesis import find
    >>> find(ticket_links(), lambda l: l.relation is LinkRelation.CAUSES).relation.value
    'causes'
    """
    return st.builds(TicketLink, relation=st.sampled_from(LinkRelation), ticket_id=_ids)


@functools.cache
def commitments() -> SearchStrategy[Commitment]:
    """Promises to the customer: open, met (on time or late) or cancelled.

    >>> from hypothesis import find
    >>> find(commitments(), lambda c: c.met_late).status.value
    'met'
    """

    @st.composite
    def build(draw: st.DrawFn) -> Commitment:
        made = draw(aware_datetimes())
        due = _later(
            made, draw(st.timedeltas(timedelta(minutes=1), timedelta(days=10)))
        )
        status = draw(st.sampled_from(CommitmentStatus))
        closed = (
            None
            if status is CommitmentStatus.OPEN
            else _later(made, draw(st.timedeltas(timedelta(0), timedelta(days=20))))
        )
        return Commitment(
            id=draw(st.builds("c{}".format, st.integers(1, 999))),
            kind=draw(st.sampled_from(CommitmentKind)),
            due=due,
            owed_by=draw(_ids),
            made_at=made,
            text=draw(_maybe_text),
            status=status,
            closed_at=closed,
            outcome=draw(_maybe_text) if closed else "",
        )

    return build()


@functools.cache
def priority_matrices() -> SearchStrategy[PriorityMatrix]:
    """Priority matrices from 1×1 to 5×5 over any impact and urgency levels.

    >>> from hypothesis import find
    >>> m = find(priority_matrices(), lambda m: len(m.cells) == 25)
    >>> len(m.impacts), len(m.urgencies)
    (5, 5)
    """

    @st.composite
    def build(draw: st.DrawFn) -> PriorityMatrix:
        impacts = draw(st.sets(st.sampled_from(Impact), min_size=1))
        urgencies = draw(st.sets(st.sampled_from(Urgency), min_size=1))
        cells = [
            MatrixCell(impact=i, urgency=u, priority=draw(st.sampled_from(Priority)))
            for i in sorted(impacts, key=lambda x: x.rank)
            for u in sorted(urgencies, key=lambda x: x.rank)
        ]
        return PriorityMatrix(cells=tuple(draw(st.permutations(cells))))

    return st.just(DEFAULT_MATRIX) | build()


# -- lifecycles -------------------------------------------------------------------

_COMMAND_NAMES = sorted(cmd.COMMAND_NAMES)


def _guards_for(command: str) -> SearchStrategy[tuple[Guard, ...]]:
    """Built-in guards that make sense on ``command`` (each reads its own fields)."""
    options: list[SearchStrategy[Guard]] = [
        st.builds(
            ReopenWindow, window=st.timedeltas(timedelta(hours=1), timedelta(days=60))
        )
    ]
    if command == "escalate":
        options.append(
            st.builds(RequireHandoff, parts=st.frozensets(st.sampled_from(HandoffPart)))
        )
    if command == "hold":
        options.append(st.just(HoldEndsLater()))
    if command == "close":
        options.append(
            st.builds(
                CloseAfterConfirmation,
                quiet_period=st.timedeltas(timedelta(0), timedelta(days=14)),
            )
        )
    if command in {"resolve", "add_note", "customer_reply"}:
        options.append(st.builds(RequireNote, kind=st.sampled_from(NoteKind)))
    fields = [
        f.name for f in attrs.fields(_COMMAND_CLASSES[command]) if f.name != "name"
    ]
    if fields:
        options.append(
            st.builds(
                RequireFields,
                fields=st.lists(st.sampled_from(fields), min_size=1, unique=True).map(
                    tuple
                ),
            )
        )
    return st.lists(st.one_of(options), max_size=2).map(tuple)


@functools.cache
def lifecycles() -> SearchStrategy[Lifecycle]:
    """Valid random lifecycles (and the three defaults).

    Every drawn lifecycle passes the definition checks: one initial state,
    every state reachable, no exit from a terminal state, at most one
    transition per (state, command). Guards are built-in ones placed on
    commands they can read.

    >>> from hypothesis import find
    >>> lc = find(lifecycles(), lambda lc: len(lc.states) >= 4)
    >>> lc.initial in lc.states and not lc.initial in lc.terminal
    True
    """

    @st.composite
    def build(draw: st.DrawFn) -> Lifecycle:
        states = draw(st.permutations(list(Status)))[
            : draw(st.integers(2, len(Status)))
        ]
        initial, rest = states[0], states[1:]
        terminal = draw(st.sets(st.sampled_from(rest), min_size=1))
        used: set[tuple[Status, str]] = set()
        transitions: list[Transition] = []

        def add(source: Status, target: Status | None) -> None:
            free = [c for c in _COMMAND_NAMES if (source, c) not in used]
            command = draw(st.sampled_from(free))
            used.add((source, command))
            transitions.append(
                Transition(
                    command=command,
                    sources={source},
                    target=target,
                    guards=draw(_guards_for(command)),
                )
            )

        for i, state in enumerate(rest, start=1):
            sources = [s for s in states[:i] if s not in terminal]
            add(draw(st.sampled_from(sources)), state)
        for _ in range(draw(st.integers(0, 6))):
            source = draw(st.sampled_from(states))
            if source in terminal:
                add(source, None)
            else:
                add(source, draw(_maybe(st.sampled_from(states))))
        return Lifecycle(
            name=draw(_texts),
            initial=initial,
            terminal=terminal,
            transitions=tuple(transitions),
            auto_resume=draw(st.frozensets(st.sampled_from(HoldReason))),
            version=draw(st.integers(1, 9)),
        )

    return st.sampled_from(list(DEFAULT_LIFECYCLES.values())) | build()


# -- events -------------------------------------------------------------------------

_TYPE_STRATEGIES: dict[Any, Callable[[], SearchStrategy[Any]]] = {
    datetime: aware_datetimes,
    str: lambda: _texts,
    bool: st.booleans,
    int: lambda: st.integers(0, 1000),
    timedelta: lambda: st.timedeltas(timedelta(0), timedelta(days=30)),
    Customer: customers,
    Agent: agents,
    Asset: assets,
    Note: notes,
    Step: steps,
    ErrorMessage: error_messages,
    ArticleRef: article_refs,
    BusinessContext: business_contexts,
    Handoff: handoffs,
    KnownError: known_errors,
    Commitment: commitments,
    TicketLink: ticket_links,
    PriorityMatrix: priority_matrices,
}


def _for_type(tp: Any) -> SearchStrategy[Any]:
    if tp in _TYPE_STRATEGIES:
        return _TYPE_STRATEGIES[tp]()
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        return st.one_of([st.none() if a is type(None) else _for_type(a) for a in args])
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(_for_type(args[0]), max_size=3).map(tuple)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(tp)
    raise TypeError(f"no strategy for {tp!r}")  # pragma: no cover - a new field type


def events(*types_: type[ev.EventBase]) -> SearchStrategy[ev.EventBase]:
    """Timeline events of the given classes (default: every event type).

    The fields are random but valid; use :func:`tickets` for events that
    follow each other as a real timeline does.

    >>> from hypothesis import find
    >>> find(events(ev.Held), lambda e: True).type
    'held'
    """
    for index, cls in enumerate(types_):
        if not (isinstance(cls, type) and issubclass(cls, ev.EventBase)):
            known = ev.EVENT_TYPES.get(cls) if isinstance(cls, str) else None
            hint = f"; the class for that tag is {known.__name__}" if known else ""
            raise ValidationError(
                f"expected an event class, got {type(cls).__name__} {cls!r}{hint}",
                path=f"types_[{index}]",
            )
    chosen = types_ or tuple(ev.EVENT_TYPES.values())
    built = []
    for cls in chosen:
        hints = typing.get_type_hints(cls)
        kwargs = {f.name: _for_type(hints[f.name]) for f in attrs.fields(cls) if f.init}
        built.append(st.builds(cls, **kwargs))
    return st.one_of(built)


# -- tickets and commands ------------------------------------------------------------

_COMMAND_CLASSES: dict[str, type[Any]] = {
    c.name: c
    for c in (
        cmd.Route,
        cmd.Assign,
        cmd.TakeOwnership,
        cmd.AddNote,
        cmd.CustomerReply,
        cmd.StartWork,
        cmd.Hold,
        cmd.Resume,
        cmd.Escalate,
        cmd.ChangePriority,
        cmd.UpdateContext,
        cmd.DeclareMajorIncident,
        cmd.Resolve,
        cmd.Confirm,
        cmd.Reopen,
        cmd.Close,
        cmd.Cancel,
        cmd.Link,
        cmd.RecordKnownError,
        cmd.MakeCommitment,
        cmd.MeetCommitment,
        cmd.CancelCommitment,
        cmd.RecordConduct,
        cmd.RequestEscalation,
    )
}

_KINDS: dict[TicketKind, type[Ticket]] = {
    TicketKind.INCIDENT: Incident,
    TicketKind.SERVICE_REQUEST: ServiceRequest,
    TicketKind.PROBLEM: Problem,
}

_GAPS = st.sampled_from(
    [
        timedelta(0),
        timedelta(seconds=30),
        timedelta(minutes=5),
        timedelta(minutes=45),
        timedelta(hours=3),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=8),
        timedelta(days=16),
    ]
) | st.timedeltas(timedelta(0), timedelta(days=2))


def _later(at: datetime, gap: timedelta) -> datetime:
    """``at`` plus an elapsed ``gap``, in ``at``'s zone (exact across DST)."""
    return (at.astimezone(_UTC) + gap).astimezone(at.tzinfo)


def _guard(transition: Transition, kind: type[Any]) -> Any:
    return next((g for g in transition.guards if isinstance(g, kind)), None)


def _feasible(ticket: Ticket, name: str, transition: Transition, at: datetime) -> bool:
    """Whether a valid ``name`` command can be built for ``ticket`` at ``at`` (or later)."""
    if name == "declare_major":
        return isinstance(ticket, Incident)
    if name == "record_known_error":
        return isinstance(ticket, Problem)
    if name in {"meet_commitment", "cancel_commitment"}:
        return any(c.is_open for c in ticket.commitments)
    if name == "reopen":
        window = _guard(transition, ReopenWindow)
        return not (
            window is not None
            and ticket.resolved_at is not None
            and to_utc(at) - to_utc(ticket.resolved_at) > window.window
        )
    if name == "close":
        guard = _guard(transition, CloseAfterConfirmation)
        return (
            guard is None
            or ticket.confirmed_at is not None
            or (ticket.resolved_at is not None)
        )
    return True


def _note_kind(transition: Transition, default: NoteKind) -> NoteKind:
    required = _guard(transition, RequireNote)
    return required.kind if required is not None else default


@st.composite
def _valid_command(
    draw: st.DrawFn,
    ticket: Ticket,
    name: str,
    transition: Transition,
    at: datetime,
    actor: str,
) -> tuple[Any, datetime]:
    """A command ``name`` that ``transition``'s guards accept, and its instant."""
    if name == "route":
        return cmd.Route(
            group=draw(_texts),
            tier=draw(_maybe(st.sampled_from(Tier))),
            reason=draw(_maybe_text),
        ), at
    if name == "assign":
        return cmd.Assign(
            assignee=draw(_ids),
            group=draw(_maybe(_texts)),
            tier=draw(_maybe(st.sampled_from(Tier))),
        ), at
    if name == "take_ownership":
        return cmd.TakeOwnership(owner=actor, reason=draw(_maybe_text)), at
    if name == "add_note":
        kind = _note_kind(transition, draw(st.sampled_from(NoteKind)))
        return cmd.AddNote(note=_draw_note(draw, at=at, author=actor, kind=kind)), at
    if name == "customer_reply":
        kind = _note_kind(transition, NoteKind.CUSTOMER_REPLY)
        note = Note(
            author=ticket.customer.id,
            at=at,
            text=draw(_texts),
            kind=kind,
            visibility=Visibility.CUSTOMER,
        )
        return cmd.CustomerReply(note=note), at
    if name == "start_work":
        return cmd.StartWork(), at
    if name == "hold":
        until = _later(at, draw(st.timedeltas(timedelta(minutes=1), timedelta(days=5))))
        return cmd.Hold(
            reason=draw(st.sampled_from(HoldReason)), until=until, detail=draw(_texts)
        ), at
    if name == "resume":
        return cmd.Resume(reason=draw(_texts)), at
    if name == "escalate":
        guard = _guard(transition, RequireHandoff)
        parts = set(guard.parts) if guard is not None else set()
        if guard is not None and ticket.context.is_stated:
            parts.add(HandoffPart.BUSINESS_CONTEXT)
        # up (to a group that takes the ticket) or across, never down
        to_tier = draw(st.sampled_from([t for t in Tier if t.rank >= ticket.tier.rank]))
        up = to_tier.rank > ticket.tier.rank
        return cmd.Escalate(
            to_tier=to_tier,
            reason=draw(_texts),
            handoff=draw(handoffs(complete=True, parts=parts)),
            kind=draw(st.sampled_from(EscalationKind)),
            to_group=draw(_ids if up else _maybe(_texts)),
            to_agent=draw(_maybe(_ids)),
            warm=draw(st.booleans()),
        ), at
    if name == "change_priority":
        matrix = draw(priority_matrices())
        return cmd.ChangePriority(
            impact=draw(st.sampled_from(matrix.impacts)),
            urgency=draw(st.sampled_from(matrix.urgencies)),
            justification=draw(_texts),
            priority=draw(_maybe(st.sampled_from(Priority))),
            matrix=matrix,
        ), at
    if name == "update_context":
        return cmd.UpdateContext(
            context=draw(business_contexts()),
            justification=draw(_maybe_text),
        ), at
    if name == "declare_major":
        return cmd.DeclareMajorIncident(
            justification=draw(_texts), major=draw(st.booleans())
        ), at
    if name == "resolve":
        note_guard = _guard(transition, RequireNote)
        resolution_note: Note | None = None
        if note_guard is not None or draw(st.booleans()):
            kind = note_guard.kind if note_guard is not None else NoteKind.RESOLUTION
            resolution_note = _draw_note(draw, at=at, author=actor, kind=kind)
        return cmd.Resolve(
            resolution=draw(_texts),
            articles=draw(_tuples(article_refs(), 2)),
            code=draw(_maybe_text),
            first_contact=draw(st.booleans()),
            note=resolution_note,
        ), at
    if name == "confirm":
        return cmd.Confirm(comment=draw(_maybe_text)), at
    if name == "reopen":
        return cmd.Reopen(reason=draw(_texts)), at
    if name == "close":
        guard = _guard(transition, CloseAfterConfirmation)
        if guard is None or ticket.confirmed_at is not None:
            return cmd.Close(
                automatic=draw(st.booleans()), reason=draw(_maybe_text)
            ), at
        assert ticket.resolved_at is not None
        due = (to_utc(ticket.resolved_at) + guard.quiet_period).astimezone(at.tzinfo)
        return cmd.Close(automatic=True, reason="no reply"), max(at, due, key=to_utc)
    if name == "cancel":
        return cmd.Cancel(reason=draw(_texts)), at
    if name == "link":
        return cmd.Link(
            relation=draw(st.sampled_from(LinkRelation)), other_id=draw(_ids)
        ), at
    if name == "record_known_error":
        return cmd.RecordKnownError(known_error=draw(known_errors())), at
    if name == "make_commitment":
        due = _later(at, draw(st.timedeltas(timedelta(minutes=1), timedelta(days=7))))
        return cmd.MakeCommitment(
            kind=draw(st.sampled_from(CommitmentKind)),
            due=due,
            text=draw(_maybe_text),
            owed_by=draw(_maybe(_ids)),
        ), at
    if name in {"meet_commitment", "cancel_commitment"}:
        open_ids = [c.id for c in ticket.commitments if c.is_open]
        cid = draw(st.sampled_from(open_ids))
        if name == "meet_commitment":
            return cmd.MeetCommitment(commitment_id=cid, outcome=draw(_maybe_text)), at
        return cmd.CancelCommitment(commitment_id=cid, reason=draw(_texts)), at
    if name == "record_conduct":
        return cmd.RecordConduct(
            description=draw(_texts), kind=draw(st.sampled_from(ConductKind))
        ), at
    if name == "request_escalation":
        return cmd.RequestEscalation(
            reason=draw(_maybe_text), kind=draw(st.sampled_from(EscalationKind))
        ), at
    raise ValidationError(f"unknown command {name!r}", path="name")  # pragma: no cover


def tickets(
    kind: TicketKind | None = None,
    lifecycle: Lifecycle | None = None,
    max_commands: int = 30,
) -> SearchStrategy[Ticket]:
    """Realistic tickets: opened, then driven by the real engine.

    Opens a ticket of ``kind`` (any kind by default) and applies up to
    ``max_commands`` random commands through
    :func:`deskflow.tickets.handle`. Each command is one that ``lifecycle``
    (the kind's default by default) allows in the ticket's current state,
    with arguments its guards accept (complete hand-offs, a hold that ends
    later, a close after confirmation or after the quiet period, a reopen
    inside the window), at an instant no earlier than the last event. The
    ticket and its events live in one random zone.

    With a custom lifecycle whose guards the strategy cannot foresee, a
    refused command is skipped; with the default lifecycles a refusal is a
    bug and raises.

    Drawing a ticket runs the engine up to ``max_commands`` times, so it is
    slower than drawing a plain value: hypothesis' ``too_slow`` health check
    may need suppressing.

    >>> from hypothesis import HealthCheck, given, settings
    >>> @settings(max_examples=10, database=None, suppress_health_check=[HealthCheck.too_slow])
    ... @given(tickets(kind=TicketKind.PROBLEM, max_commands=10))
    ... def test_timestamps_never_decrease(problem):
    ...     instants = [e.at for e in problem.timeline]
    ...     assert instants == sorted(instants) and problem.kind is TicketKind.PROBLEM
    >>> test_timestamps_never_decrease()
    """
    if kind is not None and not isinstance(kind, TicketKind):
        raise ValidationError(_not_a_member(TicketKind, kind), path="kind")
    if lifecycle is not None and not isinstance(lifecycle, Lifecycle):
        raise ValidationError(
            f"expected a Lifecycle or None, got {type(lifecycle).__name__}",
            path="lifecycle",
        )
    if isinstance(max_commands, bool) or not isinstance(max_commands, int):
        raise ValidationError(
            f"expected a whole number, got {type(max_commands).__name__}",
            path="max_commands",
        )
    if max_commands < 0:
        raise ValidationError("must not be negative", path="max_commands")

    @st.composite
    def build(draw: st.DrawFn) -> Ticket:
        the_kind = kind if kind is not None else draw(st.sampled_from(TicketKind))
        cls = _KINDS[the_kind]
        lc = lifecycle if lifecycle is not None else DEFAULT_LIFECYCLES[the_kind.value]
        strict = any(lc is d for d in DEFAULT_LIFECYCLES.values())
        at = draw(aware_datetimes())
        customer = draw(customers())
        agent_ids = draw(st.lists(_ids, min_size=1, max_size=4, unique=True))
        matrix = draw(priority_matrices())
        extra: dict[str, Any] = {}
        if cls is Incident:
            extra["major"] = draw(st.booleans())
        if cls is ServiceRequest:
            extra["request_type"] = draw(st.sampled_from(RequestType))
        ticket = cls.open(
            summary=draw(_texts),
            customer=customer,
            at=at,
            actor=draw(st.sampled_from(agent_ids)),
            impact=draw(st.sampled_from(matrix.impacts)),
            urgency=draw(st.sampled_from(matrix.urgencies)),
            matrix=matrix,
            id=draw(st.uuids()).hex,
            description=draw(_maybe_text),
            asset=draw(_maybe(assets())),
            category=draw(_maybe_text),
            channel=draw(st.sampled_from(Channel)),
            context=draw(_maybe(business_contexts())),
            owner=draw(_maybe(st.sampled_from(agent_ids))),
            group=draw(_maybe(_texts)),
            tier=draw(st.sampled_from(Tier)),
            lifecycle=lc,
            **extra,
        )
        for _ in range(draw(st.integers(0, max_commands))):
            at = _later(at, draw(_GAPS))
            candidates = []
            for name in lc.allowed(ticket.status):
                transition = lc.transition(ticket.status, name)
                if transition is not None and _feasible(ticket, name, transition, at):
                    candidates.append((name, transition))
            if not candidates:
                break
            name, transition = draw(st.sampled_from(candidates))
            actor = (
                ticket.customer.id
                if name in {"confirm", "customer_reply"}
                else draw(st.sampled_from(agent_ids))
            )
            command, at = draw(_valid_command(ticket, name, transition, at, actor))
            try:
                ticket = handle(ticket, command, at=at, actor=actor, lifecycle=lc)
            except (InvalidTransition, ValidationError):
                if strict:
                    raise
        return ticket

    return build()


def commands_for(ticket: Ticket) -> SearchStrategy[Any]:
    """Any command for ``ticket``, allowed now or not, valid arguments or not.

    Half the time the command is one the default lifecycle allows in the
    ticket's state; its arguments may still be refused by a guard (an
    incomplete hand-off, a hold that ends in the past, an unknown commitment
    id). Use it to check that refusals change nothing.

    >>> from hypothesis import find
    >>> from datetime import datetime, timezone
    >>> from deskflow import Customer
    >>> t = Incident.open(summary="x", customer=Customer(id="c", name="C"),
    ...     at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), actor="a")
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(commands_for(t))
    ... def test_a_refusal_changes_nothing(command):
    ...     try:
    ...         t.handle(command, at=t.updated_at, actor="a")
    ...     except (InvalidTransition, ValidationError):
    ...         pass
    ...     assert t.version == 1
    >>> test_a_refusal_changes_nothing()
    """
    at = ticket.updated_at
    actor = ticket.owner or "a-1"
    lc = DEFAULT_LIFECYCLES[ticket.kind.value] if ticket.kind is not None else None

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        name = draw(st.sampled_from(_COMMAND_NAMES))
        transition = lc.transition(ticket.status, name) if lc is not None else None
        if (
            transition is not None
            and _feasible(ticket, name, transition, at)
            and draw(st.booleans())
        ):
            command, _ = draw(_valid_command(ticket, name, transition, at, actor))
            return command
        return draw(_any_command(name, at))

    return build()


def _any_command(name: str, at: datetime) -> SearchStrategy[Any]:
    """A ``name`` command with random (possibly unacceptable) arguments."""
    cls = _COMMAND_CLASSES[name]
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, SearchStrategy[Any]] = {}
    for f in attrs.fields(cls):
        if not f.init:
            continue
        tp = hints[f.name]
        if f.name in {"until", "due"}:
            kwargs[f.name] = st.builds(
                _later,
                st.just(at),
                st.timedeltas(timedelta(days=-2), timedelta(days=2)),
            )
        elif tp is Handoff:
            kwargs[f.name] = handoffs()
        elif f.name == "commitment_id":
            kwargs[f.name] = st.builds("c{}".format, st.integers(1, 9))
        elif f.name == "matrix":
            kwargs[f.name] = st.just(DEFAULT_MATRIX)
        elif tp in (Impact, Urgency):
            kwargs[f.name] = st.sampled_from(
                DEFAULT_MATRIX.impacts if tp is Impact else DEFAULT_MATRIX.urgencies
            )
        else:
            kwargs[f.name] = _for_type(tp)
    return st.builds(cls, **kwargs)


# -- registration ----------------------------------------------------------------------

for _cls, _strategy in (
    (Customer, customers()),
    (Agent, agents()),
    (Asset, assets()),
    (ContactWindow, contact_windows()),
    (Note, notes()),
    (Step, steps()),
    (ErrorMessage, error_messages()),
    (ArticleRef, article_refs()),
    (BusinessContext, business_contexts()),
    (Handoff, handoffs()),
    (KnownError, known_errors()),
    (Commitment, commitments()),
    (TicketLink, ticket_links()),
    (PriorityMatrix, priority_matrices()),
    (Lifecycle, lifecycles()),
    (Ticket, tickets()),
    (Incident, tickets(kind=TicketKind.INCIDENT)),
    (ServiceRequest, tickets(kind=TicketKind.SERVICE_REQUEST)),
    (Problem, tickets(kind=TicketKind.PROBLEM)),
):
    st.register_type_strategy(_cls, _strategy)
