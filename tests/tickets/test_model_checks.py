"""The ticket value checks its own fields, and escalation commands move up or across."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow import Customer, Incident, Problem
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import Step, StepOutcome
from deskflow.tickets.values import EscalationKind, Handoff, LinkRelation, TicketKind

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
AL = Customer(id="c", name="A")
HANDOFF = Handoff(
    contact_verified=True,
    contact="+32 2 555 0101",
    no_error_shown=True,
    steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
    no_article_applies=True,
)


def _incident(**kw: object) -> Incident:
    return Incident.open(summary="x", customer=AL, at=T0, actor="a", id="t1", **kw)  # type: ignore[arg-type]


# -- field checks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", 3),
        ("category", None),
        ("owner", 5),
        ("assignee", 5),
        ("group", 5),
        ("summary", "P\ud800"),
        ("description", "P\ud800"),
        ("channel", "phone"),
        ("tier", "l2"),
        ("status", "new"),
        ("impact", "low"),
        ("hold", "awaiting_customer"),
        ("opened_at", datetime(2026, 3, 2, 9)),
        ("updated_at", "2026-03-02"),
        ("reopen_count", True),
        ("reopen_count", -1),
        ("reopen_count", 1.0),
        ("major", 1),
    ],
)
def test_a_ticket_field_is_checked_like_the_event_that_sets_it(
    field: str, value: object
) -> None:
    # attrs.evolve(ticket, description=3) was accepted; SQLiteStore.add then
    # raised a bare AttributeError and MemoryStore stored it.
    with pytest.raises(ValidationError) as info:
        attrs.evolve(_incident(), **{field: value})
    assert info.value.path == field


def test_a_problem_and_a_request_check_their_own_fields() -> None:
    p = Problem.open(summary="p", customer=AL, at=T0, actor="a", id="p1")
    with pytest.raises(ValidationError) as info:
        attrs.evolve(p, known_error="driver bug")
    assert info.value.path == "known_error"


@given(
    description=st.text(),
    category=st.text(),
    owner=st.none() | st.text(min_size=1),
    group=st.none() | st.text(min_size=1),
)
def test_every_value_an_opening_accepts_builds_a_ticket(
    description: str, category: str, owner: str | None, group: str | None
) -> None:
    # The field checks refuse nothing the opening event accepts.
    try:
        opened = ev.Opened(
            at=T0,
            actor="a",
            ticket_id="t1",
            reference="INC-1",
            kind=TicketKind.INCIDENT,
            summary="x",
            description=description,
            customer=AL,
            category=category,
            impact=_incident().impact,
            urgency=_incident().urgency,
            priority=_incident().priority,
            owner=owner,
            group=group,
        )
    except ValidationError:
        return
    t = Ticket.from_events((opened,))
    assert (t.description, t.category, t.owner, t.group) == (
        description,
        category,
        owner,
        group,
    )


# -- escalation: up with a group, across, never down ----------------------------


def test_escalating_to_a_higher_tier_without_a_group_is_refused() -> None:
    # The ticket stayed in "service-desk" and said it was at L2.
    t = _incident(group="service-desk")
    with pytest.raises(ValidationError) as info:
        t.escalate(to_tier=Tier.L2, reason="r", handoff=HANDOFF, at=T0, actor="a")
    assert info.value.path == "to_group"
    assert "service-desk" in str(info.value)
    with pytest.raises(ValidationError) as blank:
        t.escalate(
            to_tier=Tier.L2, to_group=" ", reason="r", handoff=HANDOFF, at=T0, actor="a"
        )
    assert blank.value.path == "to_group"


def test_an_escalation_never_moves_down_a_tier() -> None:
    t = _incident().escalate(
        to_tier=Tier.L2,
        to_group="desktop",
        reason="r",
        handoff=HANDOFF,
        at=T0,
        actor="a",
    )
    with pytest.raises(ValidationError) as info:
        t.escalate(
            to_tier=Tier.L1,
            to_group="service-desk",
            reason="r",
            handoff=HANDOFF,
            at=T0,
            actor="a",
        )
    assert info.value.path == "to_tier"
    assert "route" in str(info.value)
    # routing is the way back
    back = t.route(group="service-desk", tier=Tier.L1, at=T0, actor="a")
    assert (back.tier, back.group) == (Tier.L1, "service-desk")


def test_an_escalation_across_the_tier_needs_no_group() -> None:
    t = _incident(group="service-desk")
    across = t.escalate(to_tier=Tier.L1, reason="r", handoff=HANDOFF, at=T0, actor="a")
    assert (across.tier, across.group) == (Tier.L1, "service-desk")


@given(st.lists(st.tuples(st.sampled_from(Tier), st.booleans()), max_size=6))
def test_escalations_only_move_up_or_across_and_up_moves_change_group(
    moves: list[tuple[Tier, bool]],
) -> None:
    t = _incident(group="service-desk")
    for n, (tier, with_group) in enumerate(moves):
        group = f"g{n}" if with_group else None
        at = T0 + timedelta(minutes=n)
        up, down = tier.rank > t.tier.rank, tier.rank < t.tier.rank
        if down or (up and group is None):
            with pytest.raises(ValidationError) as info:
                t.escalate(
                    to_tier=tier,
                    to_group=group,
                    reason="r",
                    handoff=HANDOFF,
                    at=at,
                    actor="a",
                )
            assert info.value.path == ("to_tier" if down else "to_group")
            continue
        new = t.escalate(
            to_tier=tier, to_group=group, reason="r", handoff=HANDOFF, at=at, actor="a"
        )
        assert new.tier is tier
        assert new.group == (group if group is not None else t.group)
        t = new


def test_a_stored_escalation_down_or_without_a_group_still_folds() -> None:
    # Timelines recorded before the command checks stay readable.
    t = _incident(group="service-desk")
    up = ev.Escalated(
        at=T0,
        actor="a",
        kind=EscalationKind.FUNCTIONAL,
        reason="r",
        from_tier=Tier.L1,
        to_tier=Tier.L2,
        handoff=HANDOFF,
    )
    down = attrs.evolve(up, from_tier=Tier.L2, to_tier=Tier.L1, to_group="desk")
    folded = Ticket.from_events((*t.timeline, up, down))
    assert (folded.tier, folded.group) == (Tier.L1, "desk")
    assert folded.version == 3


# -- problem links: each side records its own -----------------------------------


def test_a_problem_and_the_store_together_give_its_incidents() -> None:
    from deskflow.storage import TicketQuery, open_store

    i1 = Incident.open(summary="x", customer=AL, at=T0, actor="a", id="i1")
    i1 = i1.link(relation=LinkRelation.CAUSED_BY, other_id="p1", at=T0, actor="a")
    i2 = Incident.open(summary="y", customer=AL, at=T0, actor="a", id="i2")
    p1 = Problem.open(summary="p", customer=AL, at=T0, actor="a", id="p1")
    p1 = p1.link(relation=LinkRelation.CAUSES, other_id="i2", at=T0, actor="a")
    s = open_store("memory://")
    s.add_many([i1, i2, p1])
    found = s.find(TicketQuery(linked_to="p1")).items
    # each ticket lists only the links on its own timeline ...
    assert p1.incident_ids == ("i2",)
    assert i2.problem_ids == ()
    assert [t.id for t in found] == ["i1"]
    # ... and both sides together are all of them
    assert {*p1.incident_ids, *(t.id for t in found)} == {"i1", "i2"}
