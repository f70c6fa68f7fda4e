"""The SQLite store's generated event codec is the converter, only faster.

``deskflow.storage._codec`` writes and reads event rows without going
through cattrs. These tests hold it to the converter path it replaces
(the store with an explicitly given converter uses only that path): the
same JSON text to the byte for every event type, the same event back with
the same zones and folds, and every odd value or damaged row handed to the
converter, so that what the converter refuses is still refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow.errors import StorageError
from deskflow.storage import SQLiteStore
from deskflow.storage._codec import GiveUp, event_codec
from deskflow.storage.sqlite import _default_converter
from deskflow.testing import strategies as ds
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import Note
from deskflow.tickets.values import Status

from .helpers import T0, incident

FAST = SQLiteStore(":memory:")  # the default converter: generated codec first
SLOW = SQLiteStore(":memory:", converter=_default_converter())  # converter only
ENCODE, DECODE = event_codec(_default_converter())


@pytest.fixture(scope="module", autouse=True)
def _close_shared_stores() -> Iterator[None]:
    """Close FAST and SLOW when the module's tests are done."""
    yield
    FAST.close()
    SLOW.close()


offsets = st.builds(
    timezone,
    st.timedeltas(
        min_value=-timedelta(hours=23, minutes=59),
        max_value=timedelta(hours=23, minutes=59),
    ),
)


ANY_EVENT = ds.events()


@st.composite
def events_in_any_zone(draw: st.DrawFn) -> Any:
    """Every event type; ``at`` sometimes moved to UTC or a fixed offset."""
    event = draw(ANY_EVENT)
    zone = draw(st.none() | st.just(timezone.utc) | offsets)
    if zone is not None:
        event = attrs.evolve(event, at=event.at.astimezone(zone))
    return event


def assert_same_event(text: str, expected: Any) -> None:
    fast = FAST._structure_event(text)
    slow = SLOW._structure_event(text)
    assert fast == slow == expected
    # Equal is not enough for datetimes: the zone, offset and fold must match.
    assert repr(fast) == repr(slow)
    assert type(fast) is type(slow)


@settings(max_examples=300)
@given(events_in_any_zone())
def test_every_event_type_encodes_to_the_converters_text(event: Any) -> None:
    text = SLOW._unstructure_event(event)
    assert ENCODE(event) == text
    assert FAST._unstructure_event(event) == text


@settings(max_examples=300)
@given(events_in_any_zone())
def test_every_event_type_decodes_to_the_converters_event(event: Any) -> None:
    text = SLOW._unstructure_event(event)
    expected = SLOW._structure_event(text)
    assert DECODE(text) == expected  # the shortcut itself, no fallback
    assert_same_event(text, expected)
    offset = event.at.utcoffset()
    if offset is not None and not offset.microseconds:
        # datetime.fromisoformat (3.11) drops the microseconds of an offset
        # like +00:00:00.000001, on either path; any other event reads back.
        assert expected == event


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(ds.tickets(max_commands=20))
def test_real_timelines_round_trip_through_the_store(ticket: Ticket) -> None:
    for event in ticket.timeline:
        text = SLOW._unstructure_event(event)
        assert FAST._unstructure_event(event) == text
        assert_same_event(text, event)
    with SQLiteStore(":memory:") as store:
        store.add(ticket)
        assert store.get(ticket.id) == ticket
        assert repr(store.get(ticket.id)) == repr(ticket)


def test_the_repeated_dst_hour_keeps_its_fold() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    first = datetime(2026, 10, 25, 2, 30, tzinfo=brussels)
    second = first.replace(fold=1)
    for at in (first, second):
        event = ev.WorkStarted(at=at, actor="a-1", status=Status.IN_PROGRESS)
        text = FAST._unstructure_event(event)
        assert text == SLOW._unstructure_event(event)
        assert_same_event(text, event)
        assert FAST._structure_event(text).at.utcoffset() == at.utcoffset()


class Text(str):
    """A str subclass: the converter writes it as a string."""


@pytest.mark.parametrize(
    "change",
    [
        {"code": 5},  # an int in a str field, no validator stops it
        {"code": Text("subclass")},
        {"first_contact": 1},  # 1 is not True in JSON
        {"articles": ["not", "refs"]},
        {"status": "resolved"},  # a str where the enum belongs
    ],
    ids=["int", "str-subclass", "int-for-bool", "list-of-str", "str-for-enum"],
)
def test_an_odd_value_is_written_as_the_converter_writes_it(
    change: dict[str, Any],
) -> None:
    event = ev.Resolved(at=T0, actor="a-1", resolution="fixed")
    for name, value in change.items():
        object.__setattr__(event, name, value)  # past the validators, on purpose
    try:
        expected: str | type[Exception] = SLOW._unstructure_event(event)
    except Exception as exc:  # then the store must fail alike
        expected = type(exc)
    if isinstance(expected, str):
        assert FAST._unstructure_event(event) == expected
    else:
        with pytest.raises(expected):
            FAST._unstructure_event(event)


def test_the_generated_encoder_gives_up_on_an_odd_value() -> None:
    event = ev.Resolved(at=T0, actor="a-1", resolution="fixed")
    object.__setattr__(event, "first_contact", 1)
    with pytest.raises(GiveUp):
        ENCODE(event)


def good_row() -> dict[str, Any]:
    note = Note(author="a-1", at=T0, text="called back")
    event = ev.NoteAdded(at=T0, actor="a-1", note=note)
    data: dict[str, Any] = json.loads(FAST._unstructure_event(event))
    return data


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("actor",), ""),  # the validator refuses it
        (("actor",), 7),
        (("at",), "2026-03-02T09:00:00"),  # naive
        (("at",), "2026-03-02T09:00:00+01:00[Nowhere/Else]"),
        (("at",), "yesterday"),
        (("status",), "lost"),
        (("status",), ["new"]),
        (("note", "kind"), "gossip"),
        (("note", "symptoms"), "not a list"),
        (("note", "symptoms"), [1]),
        (("note",), None),
        (("note",), "a note"),
        (("type",), "no_such_event"),
    ],
)
def test_a_damaged_row_is_a_storage_error(path: tuple[str, ...], value: Any) -> None:
    data = good_row()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    text = json.dumps(data)
    for store in (FAST, SLOW):
        with pytest.raises(StorageError, match="a stored event cannot be read"):
            store._structure_event(text)


@pytest.mark.parametrize("damage", ["extra", "missing", "not-json", "not-object"])
def test_a_row_with_the_wrong_keys_is_a_storage_error(damage: str) -> None:
    data: Any = good_row()
    if damage == "extra":
        data["colour"] = "blue"
    elif damage == "missing":
        del data["note"]
    elif damage == "not-object":
        data = [data]
    text = "{" if damage == "not-json" else json.dumps(data)
    for store in (FAST, SLOW):
        with pytest.raises(StorageError):
            store._structure_event(text)


def test_a_row_without_its_default_fields_is_read_by_the_converter() -> None:
    # Another writer may leave defaults out; the converter fills them in.
    data = good_row()
    del data["status"]
    del data["note"]["symptoms"]
    text = json.dumps(data)
    with pytest.raises(GiveUp):
        DECODE(text)
    assert_same_event(text, SLOW._structure_event(text))


def test_a_store_given_its_own_converter_never_uses_the_codec() -> None:
    with SQLiteStore(":memory:", converter=_default_converter()) as store:
        assert store._codec is None
        ticket = incident("t-1")
        store.add(ticket)
        assert store.get("t-1") == ticket
