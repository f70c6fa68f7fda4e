"""Customers, agents and assets refuse values of the wrong type, by field."""

from __future__ import annotations

from datetime import time
from typing import Any

import attrs
import pytest
from hypothesis import given

from deskflow.errors import ValidationError
from deskflow.parties import Agent, Asset, ContactWindow, Customer, Tier
from deskflow.testing import strategies as ds

REQUIRED: dict[type, dict[str, Any]] = {
    Customer: {"id": "c-1", "name": "Ann"},
    Agent: {"id": "a-1", "name": "Sam"},
    Asset: {"serial": "SN-1"},
}
OPTIONAL_TEXT = [
    (cls, field.name)
    for cls in REQUIRED
    for field in attrs.fields(cls)
    if field.default is None and field.name not in ("contact_window",)
]


@pytest.mark.parametrize(("cls", "name"), OPTIONAL_TEXT)
@pytest.mark.parametrize("value", [5, b"text", ["x"], 1.5])
def test_an_optional_text_field_refuses_anything_but_text(
    cls: type, name: str, value: object
) -> None:
    with pytest.raises(ValidationError) as info:
        cls(**REQUIRED[cls], **{name: value})
    assert info.value.path == name


def test_the_optional_text_fields_are_the_ones_expected() -> None:
    # guards the parametrisation above against silently testing nothing
    assert ("customer", "time_zone") in {
        (cls.__name__.lower(), n) for cls, n in OPTIONAL_TEXT
    }
    assert len(OPTIONAL_TEXT) == 12


@pytest.mark.parametrize("tier", ["l2", 2, None])
def test_an_agent_tier_must_be_a_tier(tier: object) -> None:
    with pytest.raises(ValidationError) as info:
        Agent(id="a-1", name="Sam", tier=tier)  # type: ignore[arg-type]
    assert info.value.path == "tier"


def test_a_contact_window_must_be_one() -> None:
    with pytest.raises(ValidationError) as info:
        Customer(id="c-1", name="Ann", contact_window=(time(9), time(17)))  # type: ignore[arg-type]
    assert info.value.path == "contact_window"
    window = ContactWindow(start=time(9), end=time(17))
    assert (
        Customer(id="c-1", name="Ann", contact_window=window).contact_window == window
    )


@given(ds.customers(), ds.agents(), ds.assets())
def test_generated_parties_rebuild_from_their_own_fields(
    customer: Customer, agent: Agent, asset: Asset
) -> None:
    for value in (customer, agent, asset):
        assert type(value)(**attrs.asdict(value, recurse=False)) == value
    assert isinstance(agent.tier, Tier)
