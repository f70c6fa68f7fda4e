"""TicketQuery checks and converts every filter when it is built.

A query that reaches a backend holds only enum members, frozensets of them,
strings and aware datetimes, so every backend reads it the same way.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow import Status
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.priority import Priority
from deskflow.storage import Order, TicketQuery, TicketStore
from deskflow.tickets import TicketKind

from .helpers import incident, problem

_SET_FIELDS: dict[str, type[enum.Enum]] = {
    "kinds": TicketKind,
    "statuses": Status,
    "priorities": Priority,
}
_ONE_FIELDS: dict[str, type[enum.Enum]] = {"tier": Tier, "order": Order}
_ENUMS = {**_SET_FIELDS, **_ONE_FIELDS}
_TEXT_FIELDS = (
    "customer_id",
    "asset_serial",
    "owner",
    "assignee",
    "group",
    "linked_to",
    "after",
)


def _spellings(member: enum.Enum) -> list[Any]:
    """Every accepted spelling of ``member``: itself, its value, a priority's label."""
    found: list[Any] = [member, member.value]
    if isinstance(member, Priority):
        found.append(member.label)
    return found


def _all_spellings(kind: type[enum.Enum]) -> set[str]:
    return {s for m in kind for s in _spellings(m) if isinstance(s, str)}


@st.composite
def _member_and_spelling(draw: st.DrawFn) -> tuple[str, enum.Enum, Any]:
    field = draw(st.sampled_from(sorted(_ENUMS)))
    member = draw(st.sampled_from(list(_ENUMS[field])))
    return field, member, draw(st.sampled_from(_spellings(member)))


@given(_member_and_spelling())
def test_each_enum_filter_takes_a_member_or_its_documented_spellings(
    drawn: tuple[str, enum.Enum, Any],
) -> None:
    field, member, spelling = drawn
    want = frozenset({member}) if field in _SET_FIELDS else member
    assert getattr(TicketQuery(**{field: spelling}), field) == want
    if field in _SET_FIELDS:
        for container in (list, tuple, set, frozenset):
            query = TicketQuery(**{field: container([spelling, member])})
            assert getattr(query, field) == want


@given(
    st.sampled_from(sorted(_ENUMS)),
    st.text(max_size=12),
)
def test_any_other_string_is_refused_naming_the_field_and_the_spellings(
    field: str, text: str
) -> None:
    kind = _ENUMS[field]
    if text in _all_spellings(kind):
        return  # an accepted spelling: the test above covers it
    with pytest.raises(ValidationError) as info:
        TicketQuery(**{field: text if field in _ONE_FIELDS else {text}})
    assert info.value.path == field
    message = str(info.value)
    assert repr(text) in message
    for spelling in _all_spellings(kind):
        assert repr(spelling) in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tier", "L2"),  # the member's name, not its value
        ("tier", 2),
        ("tier", Status.NEW),
        ("order", "newest"),
        ("order", "OPENED_ASC"),
        ("order", None),
        ("order", 1),
        ("statuses", "bogus"),
        ("statuses", {"new", "bogus"}),
        ("statuses", {Status.NEW, Tier.L1}),
        ("kinds", {"incidents"}),
        ("kinds", [TicketKind.INCIDENT, None]),
        ("priorities", 4),
        ("priorities", {4}),
        ("priorities", {"P6"}),
        ("priorities", b"p1"),
        ("priorities", {"p1": True}),
        ("statuses", Status),  # the enum class itself, not a set of members
    ],
)
def test_wrong_values_and_containers_are_validation_errors(
    field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        TicketQuery(**{field: value})
    assert info.value.path == field


@pytest.mark.parametrize("field", _TEXT_FIELDS)
@pytest.mark.parametrize("value", [5, b"c-1", ("c-1",)])
def test_text_filters_take_a_string_or_none(field: str, value: Any) -> None:
    assert getattr(TicketQuery(**{field: "x"}), field) == "x"
    assert getattr(TicketQuery(**{field: None}), field) is None
    with pytest.raises(ValidationError) as info:
        TicketQuery(**{field: value})
    assert info.value.path == field


def test_an_empty_set_stays_empty_and_matches_nothing(store: TicketStore) -> None:
    store.add(incident("t-1"))
    query = TicketQuery(statuses=[])
    assert query.statuses == frozenset()
    assert store.count(query) == 0


def test_evolve_checks_again() -> None:
    query = TicketQuery(order="opened_asc")
    assert attrs.evolve(query, limit=3).order is Order.OPENED_ASC
    with pytest.raises(ValidationError) as info:
        attrs.evolve(query, tier="l9")
    assert info.value.path == "tier"


def test_the_datetime_bounds_refuse_a_non_datetime() -> None:
    with pytest.raises(ValidationError) as info:
        TicketQuery(opened_from="2026-03-02")
    assert info.value.path == "opened_from"
    TicketQuery(opened_from=datetime(2026, 3, 2, tzinfo=timezone.utc))


@given(st.data())
def test_both_backends_answer_a_spelled_query_as_the_typed_one(
    data: st.DataObject,
) -> None:
    from deskflow.storage import MemoryStore, SQLiteStore

    typed = {
        "tier": data.draw(st.sampled_from(list(Tier))),
        "order": data.draw(st.sampled_from(list(Order))),
        "kinds": data.draw(st.frozensets(st.sampled_from(list(TicketKind)))),
        "statuses": data.draw(st.frozensets(st.sampled_from(list(Status)))),
        "priorities": data.draw(st.frozensets(st.sampled_from(list(Priority)))),
    }
    chosen = data.draw(st.sets(st.sampled_from(sorted(typed)), min_size=1))
    typed = {k: v for k, v in typed.items() if k in chosen}
    spelled = {
        k: (
            data.draw(st.sampled_from(_spellings(v)))
            if isinstance(v, enum.Enum)
            else [data.draw(st.sampled_from(_spellings(m))) for m in v]
        )
        for k, v in typed.items()
    }
    second = incident("t-2", minutes=1)
    tickets = [
        incident("t-1"),
        second.start_work(at=second.opened_at, actor="a-1"),
        problem("t-3", minutes=2),
    ]
    answers = []
    for store in (MemoryStore(), SQLiteStore(":memory:")):
        store.add_many(tickets)
        for query in (TicketQuery(**typed), TicketQuery(**spelled)):
            answers.append(
                ([t.id for t in store.find(query).items], store.count(query))
            )
        store.close()
    assert all(answer == answers[0] for answer in answers), answers
