"""Ticket values refuse the wrong type when they are built, so every store can read them back.

A field that took any value used to be committed by SQLiteStore and then
refused by its decoder: that ticket could never be read again and a
find/iter_all/export of the whole store failed. The checks now sit in the
value and event classes, so every path that builds one is covered.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow import Customer, Incident
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.serialization import dumps, from_dict, loads, to_dict
from deskflow.storage import open_store
from deskflow.storage.jsonl import export_jsonl
from deskflow.testing import strategies as ds
from deskflow.tickets import commands as cmd
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
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
    Commitment,
    CommitmentKind,
    Handoff,
    KnownError,
    LinkRelation,
    Status,
    TicketLink,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
AL = Customer(id="c", name="A")


def _open(**kwargs: Any) -> Incident:
    fields: dict[str, Any] = {"summary": "x", "id": "t1", **kwargs}
    return Incident.open(customer=AL, at=T0, actor="a", **fields)


# -- each finding of the walkthrough, as the user met it -----------------------------

_REFUSED: list[tuple[str, Callable[[], object], str]] = [
    ("open description=3", lambda: _open(description=3), "description"),
    ("open owner=5", lambda: _open(owner=5), "owner"),
    ("open group=5", lambda: _open(group=5), "group"),
    ("open category=None", lambda: _open(category=None), "category"),
    ("open summary lone surrogate", lambda: _open(summary="P\ud800"), "summary"),
    ("open description surrogate", lambda: _open(description="\udfff"), "description"),
    (
        "context confidential='yes'",
        lambda: BusinessContext(confidential="yes"),
        "confidential",
    ),
    (
        "step outcome='failed'",
        lambda: Step(action="restart", outcome="failed"),
        "outcome",
    ),
    (
        "step by_customer='yes'",
        lambda: Step(action="restart", by_customer="yes"),
        "by_customer",
    ),
    (
        "article usage='helped'",
        lambda: ArticleRef(article_id="KB-1", usage="helped"),
        "usage",
    ),
    (
        "article version=True",
        lambda: ArticleRef(article_id="KB-1", version=True),
        "version",
    ),
    (
        "article version='2'",
        lambda: ArticleRef(article_id="KB-1", version="2"),
        "version",
    ),
    (
        "resolve code=5",
        lambda: _open().resolve(
            resolution="done", articles=(), at=T0, actor="a", code=5
        ),
        "code",
    ),
    ("note text=5", lambda: Note(author="a", at=T0, text=5), "text"),
    (
        "note kind='work'",
        lambda: Note(author="a", at=T0, text="x", kind="work"),
        "kind",
    ),
    ("customer_reply(5)", lambda: _open().customer_reply(5, at=T0), "text"),
    (
        "customer_reply surrogate",
        lambda: _open().customer_reply("ok\ud800", at=T0),
        "text",
    ),
    (
        "note symptom surrogate",
        lambda: Note(author="a", at=T0, symptoms=("a", "\ud800")),
        "symptoms[1]",
    ),
    (
        "error screenshot=3",
        lambda: ErrorMessage(text="0x1", screenshot=3),
        "screenshot",
    ),
    (
        "known error workaround=None",
        lambda: KnownError(root_cause="x", workaround=None),
        "workaround",
    ),
    (
        "handoff contact surrogate",
        lambda: Handoff(contact="\ud83d"),
        "contact",
    ),
    (
        "event status='new'",
        lambda: ev.WorkStarted(at=T0, actor="a", status="new"),
        "status",
    ),
    (
        "held reason='awaiting_vendor'",
        lambda: ev.Held(at=T0, actor="a", reason="awaiting_vendor", until=T0),
        "reason",
    ),
    (
        "escalated to_tier=2",
        lambda: ev.Escalated(
            at=T0,
            actor="a",
            kind=ev.EscalationKind.FUNCTIONAL,
            reason="r",
            from_tier=Tier.L1,
            to_tier=2,
            handoff=Handoff(),
        ),
        "to_tier",
    ),
    (
        "linked relation='caused_by'",
        lambda: ev.Linked(at=T0, actor="a", relation="caused_by", other_id="p1"),
        "relation",
    ),
    (
        "note added note=dict",
        lambda: ev.NoteAdded(at=T0, actor="a", note={"text": "x"}),
        "note",
    ),
    (
        "closed automatic=1",
        lambda: ev.Closed(at=T0, actor="a", automatic=1),
        "automatic",
    ),
    ("command close automatic=1", lambda: cmd.Close(automatic=1), "automatic"),
    ("command assign group=3", lambda: cmd.Assign(assignee="a", group=3), "group"),
    (
        "command escalate warm='no'",
        lambda: cmd.Escalate(to_tier=Tier.L2, reason="r", handoff=Handoff(), warm="no"),
        "warm",
    ),
    (
        "command commitment owed_by=7",
        lambda: cmd.MakeCommitment(
            kind=CommitmentKind.CALL_BACK,
            due=T0,
            owed_by=7,
        ),
        "owed_by",
    ),
]


@pytest.mark.parametrize(
    ("build", "path"),
    [pytest.param(b, p, id=label) for label, b, p in _REFUSED],
)
def test_a_wrong_type_is_refused_where_the_value_is_built(
    build: Callable[[], object], path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == path
    # The message says the rule: what was expected or why the text is refused.
    assert "expected" in str(info.value) or "Unicode" in str(info.value)


def test_the_sqlite_store_never_sees_a_context_it_cannot_read() -> None:
    store = open_store("sqlite://:memory:")
    try:
        ticket = _open()
        store.add(ticket)
        with pytest.raises(ValidationError, match="confidential"):
            ticket.update_context(BusinessContext(confidential="yes"), at=T0, actor="a")
        # The store is whole: the ticket reads back and a listing works.
        assert store.get("t1") == ticket
        assert [t.id for t in store.iter_all()] == ["t1"]
    finally:
        store.close()


def test_optional_text_fields_still_take_empty_text_and_none() -> None:
    # The decoder always accepted these; a stricter rule would strand stored data.
    t = _open(owner="", group=None, description="", category="")
    assert (t.owner, t.group) == ("", None)
    assert Step(action="x", why="", detail="").why == ""
    assert ArticleRef(article_id="KB-1", version=0).version == 0
    assert ErrorMessage(text="x", screenshot="").screenshot == ""


def test_a_valid_surrogate_pair_is_text() -> None:
    # "\ud83d\ude00" written as one character is an emoji, which UTF-8 holds.
    t = _open(summary="printer \U0001f600", description="Drucker \u00e4")
    assert loads(dumps(t), Incident) == t


# -- the invariant: built without error means stored and read back -------------------

_ENUMS = (Status, StepOutcome, ArticleUsage, NoteKind, Visibility, LinkRelation, Tier)
_WILD: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False),
    st.text(max_size=3),  # lone surrogates included
    st.sampled_from([m for e in _ENUMS for m in e]),
    st.sampled_from([m.value for e in _ENUMS for m in e]),
    st.just(b"bytes"),
    st.lists(st.text(max_size=2), max_size=2),
    st.tuples(st.text(max_size=2)),
)


def _valid(tp: Any) -> st.SearchStrategy[Any]:
    if tp is datetime:
        return ds.aware_datetimes()
    if tp is str:
        return st.text(max_size=8)  # hypothesis' text: any code point, surrogates too
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(tp)
    return st.from_type(tp)


def _attempts(cls: type) -> st.SearchStrategy[tuple[type, dict[str, Any]]]:
    """Keyword arguments for ``cls``: each field valid for its type, or anything at all."""
    hints = typing.get_type_hints(cls)
    fields = {
        a.name: st.one_of(_valid(hints[a.name]), _WILD)
        for a in attrs.fields(cls)
        if a.init
    }
    return st.fixed_dictionaries(fields).map(lambda kwargs: (cls, kwargs))


_VALUE_CLASSES = (
    Step,
    ArticleRef,
    ErrorMessage,
    Note,
    BusinessContext,
    KnownError,
    Handoff,
    Commitment,
    TicketLink,
)


def _build(cls: type, kwargs: dict[str, Any]) -> Any:
    try:
        return cls(**kwargs)
    except ValidationError:
        return None  # refused when built: nothing reaches a store


@given(st.one_of([_attempts(c) for c in _VALUE_CLASSES]))
def test_a_value_built_without_error_round_trips(attempt: tuple[type, Any]) -> None:
    cls, kwargs = attempt
    value = _build(cls, kwargs)
    if value is not None:
        assert loads(dumps(value), cls) == value


_BASE = _open()


@given(st.one_of([_attempts(c) for c in ev.EVENT_TYPES.values()]))
def test_an_event_built_without_error_is_stored_and_read_back(
    attempt: tuple[type, Any],
) -> None:
    cls, kwargs = attempt
    event = _build(cls, kwargs)
    if event is None:
        return
    assert loads(dumps(event), cls) == event
    if isinstance(event, ev.Opened):
        ticket = Ticket.from_events([event])
    else:
        opened = _BASE.timeline[0]
        ticket = Ticket.from_events([opened, attrs.evolve(event, at=opened.at)])
    store = open_store("sqlite://:memory:")
    try:
        store.add(ticket)
        assert store.get(ticket.id) == ticket
        assert list(store.iter_all()) == [ticket]
    finally:
        store.close()
    memory = open_store("memory://")
    memory.add(ticket)
    lines: list[str] = []

    class _Sink:
        def write(self, text: str) -> int:
            lines.append(text)
            return len(text)

    assert export_jsonl(memory, _Sink()) == 1  # type: ignore[arg-type]


# -- what the decoder read before is still read -------------------------------------

_OLD_DECODER_TEXT = ("", " ", "\x00", "réseau", "名前", "\U0001f600")


def _edge_values(tp: Any) -> list[Any]:
    """Values the strict decoder has always accepted for a field declared ``tp``."""
    if tp is str:
        return list(_OLD_DECODER_TEXT)
    if tp == (str | None):
        return [None, *_OLD_DECODER_TEXT]
    if tp is bool:
        return [True, False]
    if tp == (int | None):
        return [None, 0, -1, 2**40]
    return []


def _documents(cls: type, base: Any) -> list[tuple[str, dict[str, Any]]]:
    hints = typing.get_type_hints(cls)
    data = to_dict(base)
    out = []
    for a in attrs.fields(cls):
        for value in _edge_values(hints[a.name]):
            out.append((a.name, {**data, a.name: value}))
    return out


@given(
    st.one_of(
        [st.from_type(c).map(lambda v, c=c: (c, v)) for c in _VALUE_CLASSES]
        + [ds.events(c).map(lambda v, c=c: (c, v)) for c in ev.EVENT_TYPES.values()]
    )
)
def test_every_scalar_the_decoder_accepted_is_still_accepted(
    case: tuple[type, Any],
) -> None:
    cls, base = case
    refused = []
    for name, document in _documents(cls, base):
        try:
            value = from_dict(document, cls)
        except ValidationError as exc:
            refused.append((name, str(exc)))
        else:
            assert getattr(value, name) == document[name]
    # The only refusals are the rules that were always there: an empty id,
    # summary or reason (blank text), or a note with nothing in it.
    assert [
        r
        for r in refused
        if "must not be empty" not in r[1] and "empty note" not in r[1]
    ] == []
