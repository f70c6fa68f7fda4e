"""Round trips for every model and policy, and errors with paths for bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Incident, Problem, ServiceRequest, Ticket
from deskflow.errors import NaiveDatetimeError, SchemaVersionError, ValidationError
from deskflow.serialization import (
    dumps,
    format_duration,
    from_dict,
    loads,
    make_converter,
    parse_duration,
    to_dict,
)
from deskflow.testing import strategies as ds
from deskflow.tickets import INCIDENT_LIFECYCLE, Lifecycle, TicketKind
from deskflow.tickets.events import EVENT_TYPES, Event

# Building a converter generates code (about a third of a second): share one.
CONVERTER = make_converter()

MODELS = [
    ("customer", ds.customers()),
    ("agent", ds.agents()),
    ("asset", ds.assets()),
    ("contact_window", ds.contact_windows()),
    ("step", ds.steps()),
    ("error_message", ds.error_messages()),
    ("article_ref", ds.article_refs()),
    ("note", ds.notes()),
    ("business_context", ds.business_contexts()),
    ("handoff", ds.handoffs()),
    ("known_error", ds.known_errors()),
    ("ticket_link", ds.ticket_links()),
    ("commitment", ds.commitments()),
    ("priority_matrix", ds.priority_matrices()),
    ("lifecycle", ds.lifecycles()),
]


def assert_round_trips(value: Any, cls: type[Any]) -> None:
    data = to_dict(value)
    json.dumps(data)  # JSON-ready: nothing but dicts, lists, str, numbers, bools, None
    assert from_dict(data, cls) == value
    assert loads(dumps(value), cls) == value
    assert dumps(loads(dumps(value), cls)) == dumps(value)


@pytest.mark.parametrize(("name", "strategy"), MODELS, ids=[m[0] for m in MODELS])
@given(data=st.data())
def test_every_model_and_policy_round_trips(
    name: str, strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    value = data.draw(strategy)
    assert_round_trips(value, type(value))


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
@given(data=st.data())
def test_every_event_type_round_trips_through_the_tagged_union(
    event_type: str, data: st.DataObject
) -> None:
    event = data.draw(ds.events(EVENT_TYPES[event_type]))
    conv = CONVERTER
    raw = conv.unstructure(event, Event)
    assert raw["type"] == event_type
    assert conv.structure(json.loads(json.dumps(raw)), Event) == event
    assert_round_trips(event, type(event))


@pytest.mark.parametrize("kind", list(TicketKind))
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_ticket_kind_round_trips(kind: TicketKind, data: st.DataObject) -> None:
    ticket = data.draw(ds.tickets(kind=kind, max_commands=20))
    assert_round_trips(ticket, type(ticket))
    assert from_dict(to_dict(ticket), Ticket) == ticket
    assert to_dict(ticket)["kind"] == kind.value


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(lc=ds.lifecycles())
def test_random_lifecycles_round_trip_with_their_guards(lc: Lifecycle) -> None:
    assert_round_trips(lc, Lifecycle)
    again = from_dict(to_dict(lc), Lifecycle)
    assert again.allowed(again.initial) == lc.allowed(lc.initial)


def test_a_wall_time_in_a_repeated_dst_hour_comes_back_equal() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    for fold in (0, 1):
        at = datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=brussels)
        text = CONVERTER.unstructure(at)
        assert text.endswith("[Europe/Brussels]")
        back = CONVERTER.structure(text, datetime)
        assert back == at
        assert back.utcoffset() == at.utcoffset()


def test_fixed_offsets_are_written_as_plain_iso_8601() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert CONVERTER.unstructure(at) == "2026-03-02T09:00:00+05:30"
    assert CONVERTER.unstructure(at.astimezone(timezone.utc)).endswith("+00:00")


def test_sets_are_written_sorted_so_documents_are_stable() -> None:
    data = to_dict(INCIDENT_LIFECYCLE)
    assert data["terminal"] == ["cancelled", "closed"]
    assert all(t["sources"] == sorted(t["sources"]) for t in data["transitions"])


# -- malformed input ---------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def incident_doc() -> dict[str, Any]:
    inc = Incident.open(
        summary="Printer offline",
        customer=Customer(id="c-1", name="Alice"),
        at=T0,
        actor="a-1",
        id="i-1",
    ).start_work(at=T0, actor="a-1")
    return json.loads(dumps(inc))


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: tuple[Any, ...]) -> Any:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BAD = [
    ("wrong type", _set(("customer", "name"), 5), "$.customer.name", "string"),
    ("empty string", _set(("summary",), "  "), "$.summary", "must not be empty"),
    ("missing field", _delete(("customer", "name")), "$.customer.name", "missing"),
    (
        "extra field",
        _set(("customer", "shoe_size"), 42),
        "$.customer.shoe_size",
        "unknown",
    ),
    ("unknown enum", _set(("status",), "lost"), "$.status", "'in_progress'"),
    (
        "naive datetime",
        _set(("opened_at",), "2026-03-02T09:00:00"),
        "$.opened_at",
        "naive",
    ),
    (
        "naive event instant",
        _set(("timeline", 1, "at"), "2026-03-02T09:00"),
        "$.timeline[1].at",
        "naive",
    ),
    (
        "garbage datetime",
        _set(("updated_at",), "yesterday"),
        "$.updated_at",
        "ISO 8601",
    ),
    (
        "unknown zone",
        _set(("updated_at",), "2026-03-02T09:00:00+01:00[Mars/Olympus]"),
        "$.updated_at",
        "time zone",
    ),
    (
        "unknown event type",
        _set(("timeline", 1, "type"), "teleported"),
        "$.timeline[1].type",
        "unknown event type",
    ),
    (
        "missing event type",
        _delete(("timeline", 1, "type")),
        "$.timeline[1].type",
        "missing",
    ),
    ("string for a list", _set(("timeline",), "abc"), "$.timeline", "expected a list"),
    ("number for an object", _set(("notes",), [1]), "$.notes[0]", "expected an object"),
    (
        "null for an object",
        _set(("customer",), None),
        "$.customer",
        "expected an object",
    ),
    ("string for an int", _set(("reopen_count",), "1"), "$.reopen_count", "integer"),
    ("int for a bool", _set(("major",), 1), "$.major", "true or false"),
    (
        "validator inside",
        _set(("customer", "contact_window"), {"start": "09:00", "end": "08:00"}),
        "$.customer.contact_window.end",
        "end after",
    ),
    ("wrong ticket kind", _set(("kind",), "problem"), "$.kind", "kind 'problem'"),
    ("missing kind", _delete(("kind",)), "$.kind", "missing"),
    ("newer schema", _set(("deskflow_schema",), 99), "deskflow_schema", "newer"),
]


@pytest.mark.parametrize(
    ("label", "change", "path", "words"), BAD, ids=[b[0] for b in BAD]
)
def test_malformed_input_names_the_field_path(
    label: str, change: Any, path: str, words: str
) -> None:
    doc = incident_doc()
    change(doc)
    with pytest.raises(ValidationError) as info:
        from_dict(doc, Incident)
    assert info.value.path == path
    assert any(p == path and words in m for p, m in info.value.errors), (
        info.value.errors
    )
    with pytest.raises(ValidationError) as again:
        loads(json.dumps(doc), Incident)
    assert again.value.path == path


def test_several_bad_fields_are_all_listed() -> None:
    doc = incident_doc()
    doc["customer"]["name"] = 5
    doc["status"] = "lost"
    with pytest.raises(ValidationError) as info:
        from_dict(doc, Incident)
    assert {p for p, _ in info.value.errors} == {"$.customer.name", "$.status"}


def test_naive_datetimes_are_refused_when_loading_a_plain_value() -> None:
    with pytest.raises(NaiveDatetimeError):
        CONVERTER.structure("2026-03-02T09:00:00", datetime)


def test_naive_datetimes_are_refused_when_writing_too() -> None:
    # What the converter writes it must be able to read back.
    class NoOffset(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta | None:
            return None

    for naive in (datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 9, tzinfo=NoOffset())):
        with pytest.raises(NaiveDatetimeError, match="naive datetime"):
            CONVERTER.unstructure(naive, datetime)
    aware = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    assert (
        CONVERTER.structure(CONVERTER.unstructure(aware, datetime), datetime) == aware
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [("{", "not valid JSON"), ("[1, 2]", "expected an object"), ("", "not valid JSON")],
)
def test_garbage_json_is_a_validation_error(text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        loads(text, Incident)
    assert info.value.path == "$"


def test_json_nested_past_the_parser_limit_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="nested too deeply") as info:
        loads("[" * 100_000 + "]" * 100_000, Incident)
    assert info.value.path == "$"


@given(st.timedeltas())
def test_every_duration_round_trips_through_its_iso_8601_text(value: timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("PT1.5H", "not an ISO 8601 duration"),
        ("P1Y", "not an ISO 8601 duration"),
        ("PT", "not an ISO 8601 duration"),
        ("PT99999999999999999999H", "out of range"),
        ("P1000000000D", "out of range"),
    ],
)
def test_a_bad_duration_is_a_validation_error(text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        parse_duration(text)


def test_a_duration_out_of_range_in_a_document_names_its_field() -> None:
    from deskflow.sla import SlaPolicy, default_policy

    data = to_dict(default_policy())
    data["rules"][0]["targets"][0]["within"] = "PT99999999999999999999H"
    with pytest.raises(ValidationError, match="out of range") as info:
        from_dict(data, SlaPolicy)
    assert info.value.path == "$.rules[0].targets[0].within"


def test_a_newer_schema_is_refused_before_anything_else() -> None:
    with pytest.raises(SchemaVersionError):
        from_dict({"deskflow_schema": 2, "serial": 3}, Customer)


@pytest.mark.parametrize("cls", [Incident, ServiceRequest, Problem])
def test_a_document_of_another_kind_is_refused(cls: type[Ticket]) -> None:
    other = next(k for k in TicketKind if k is not cls.kind)
    doc = incident_doc()
    doc["kind"] = other.value
    with pytest.raises(ValidationError) as info:
        from_dict(doc, cls)
    assert info.value.path == "$.kind"


def _mutations(doc: Any) -> list[tuple[Any, ...]]:
    """Every path in a document."""
    out: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        out.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(doc, ())
    return out[1:]


GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150)
@given(data=st.data())
def test_any_corruption_is_a_validation_error_never_a_raw_one(
    data: st.DataObject,
) -> None:
    doc = incident_doc()
    path = data.draw(st.sampled_from(_mutations(doc)))
    if data.draw(st.booleans()):
        _delete(path)(doc)
    else:
        _set(path, data.draw(GARBAGE))(doc)
    error: ValidationError | None = None
    try:
        from_dict(doc, Incident)
    except ValidationError as exc:
        error = exc
    if error is not None:
        assert error.path.startswith("$") or error.path == "deskflow_schema"
        assert all(p for p, _ in error.errors)


def test_the_specific_error_class_is_kept() -> None:
    doc = incident_doc()
    doc["opened_at"] = "2026-03-02T09:00:00"
    with pytest.raises(NaiveDatetimeError) as info:
        from_dict(doc, Incident)
    assert info.value.path == "$.opened_at"
