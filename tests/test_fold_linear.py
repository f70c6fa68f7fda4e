"""Folding a timeline grows notes, links and commitments in place, in linear time.

``Ticket.from_events`` (and the stores' ``_fold_events(check_order=False)``)
must give exactly what the command path gives, event by event, through
:func:`deskflow.tickets.apply_event`. Those are the slow full rebuilds the
fast fold is checked against; the counts below show the fold does not compare
each new link or closed commitment with every earlier one.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Incident, Problem, ServiceRequest, Ticket
from deskflow.testing import strategies as ds
from deskflow.tickets import TicketKind, apply_event
from deskflow.tickets import events as ev
from deskflow.tickets.model import _fold_events
from deskflow.tickets.values import (
    Commitment,
    CommitmentKind,
    LinkRelation,
    TicketLink,
)

SLOW = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
KINDS = {
    TicketKind.INCIDENT: Incident,
    TicketKind.SERVICE_REQUEST: ServiceRequest,
    TicketKind.PROBLEM: Problem,
}


def one_by_one(events: list[ev.Event]) -> Ticket:
    """The slow fold: the opened ticket, then the command path's apply_event per event."""
    ticket = Ticket.from_events(events[:1])
    for event in events[1:]:
        ticket = apply_event(ticket, event)
    return ticket


# -- timelines the command API produces ------------------------------------------


@pytest.mark.parametrize("kind", list(TicketKind))
@SLOW
@given(data=st.data())
def test_a_ticket_built_by_commands_is_the_fold_of_its_timeline(
    kind: TicketKind, data: st.DataObject
) -> None:
    ticket = data.draw(ds.tickets(kind=kind, max_commands=40))
    assert Ticket.from_events(ticket.timeline) == ticket
    assert _fold_events(ticket.timeline, check_order=False) == ticket
    assert one_by_one(list(ticket.timeline)) == ticket


# -- timelines as facts: repeated links and commitment ids, unknown ids ----------

IDS = st.sampled_from(["c1", "c2", "c3", "x"])
OTHERS = st.sampled_from(["t-2", "t-3", "t-4"])
ANYONE = st.sampled_from(["a-1", "a-2"])


def _other_events(kind: TicketKind) -> st.SearchStrategy[ev.EventBase]:
    skipped = {ev.Opened, ev.MajorIncidentDeclared, ev.KnownErrorRecorded}
    types = [c for c in ev.EVENT_TYPES.values() if c not in skipped]
    if kind is TicketKind.INCIDENT:
        types.append(ev.MajorIncidentDeclared)
    if kind is TicketKind.PROBLEM:
        types.append(ev.KnownErrorRecorded)
    return ds.events(*types)


def _grown(kind: TicketKind) -> st.SearchStrategy[ev.EventBase]:
    """Events that grow the tuple fields, drawn so that they collide often."""
    commitment = st.builds(
        lambda c, cid: attrs.evolve(c, id=cid), ds.commitments(), IDS
    )
    made = st.builds(
        ev.CommitmentMade, at=st.just(T0), actor=ANYONE, commitment=commitment
    )
    closed = st.builds(
        ev.CommitmentMet,
        at=st.just(T0),
        actor=ANYONE,
        commitment_id=IDS,
        outcome=st.sampled_from(["", "called back"]),
    ) | st.builds(
        ev.CommitmentCancelled,
        at=st.just(T0),
        actor=ANYONE,
        commitment_id=IDS,
        reason=st.sampled_from(["no longer needed"]),
    )
    linked = st.builds(
        ev.Linked,
        at=st.just(T0),
        actor=ANYONE,
        relation=st.sampled_from(LinkRelation),
        other_id=OTHERS,
    )
    notes = ds.events(ev.NoteAdded, ev.CustomerReplied, ev.PriorityChanged)
    # one kind in five each (one_of would flatten the 25 other event types in)
    kinds = [notes, linked, made, closed, _other_events(kind)]
    return st.sampled_from(kinds).flatmap(lambda chosen: chosen)


@st.composite
def timelines(draw: st.DrawFn, *, ordered: bool) -> list[ev.Event]:
    """An opened ticket of any kind, then up to 40 events (in order or not)."""
    kind = draw(st.sampled_from(TicketKind))
    opened = (
        KINDS[kind]
        .open(
            summary="Printer offline",
            customer=Customer(id="c-1", name="Al"),
            at=T0,
            actor="a-1",
        )
        .timeline[0]
    )
    out: list[ev.Event] = [opened]
    at = T0
    grown = _grown(kind)
    for _ in range(draw(st.integers(0, 40))):
        event = draw(grown)
        step = draw(st.integers(0 if ordered else -600, 600))
        at += timedelta(seconds=step)
        out.append(attrs.evolve(event, at=at))  # type: ignore[arg-type]
    return out


@settings(max_examples=150)
@given(events=timelines(ordered=True))
def test_from_events_equals_the_event_by_event_fold(events: list[ev.Event]) -> None:
    slow = one_by_one(events)
    assert Ticket.from_events(events) == slow
    assert Ticket.from_events(iter(events)) == slow
    assert _fold_events(events, check_order=False) == slow


@settings(max_examples=150)
@given(events=timelines(ordered=False))
def test_a_store_fold_of_an_unordered_timeline_equals_the_event_by_event_fold(
    events: list[ev.Event],
) -> None:
    assert _fold_events(events, check_order=False) == one_by_one(events)


def _every_field(ticket: Ticket) -> tuple[type, tuple[Any, ...]]:
    return type(ticket), attrs.astuple(ticket, recurse=False)


@settings(max_examples=150)
@given(events=timelines(ordered=False))
def test_a_store_fold_without_field_checks_builds_the_same_ticket(
    events: list[ev.Event],
) -> None:
    # every field, eq or not, and the type: the unchecked build skips only checks
    unchecked = _fold_events(events, check_order=False, check_fields=False)
    assert _every_field(unchecked) == _every_field(one_by_one(events))
    assert hash(unchecked) == hash(_fold_events(events, check_order=False))


@given(data=st.data())
def test_a_store_fold_of_a_command_built_ticket_without_field_checks_is_that_ticket(
    data: st.DataObject,
) -> None:
    kind = data.draw(st.sampled_from(list(KINDS)))
    ticket = data.draw(ds.tickets(kind=kind, max_commands=40))
    unchecked = _fold_events(ticket.timeline, check_order=False, check_fields=False)
    assert _every_field(unchecked) == _every_field(ticket)


def test_a_repeated_commitment_id_closes_every_commitment_with_it() -> None:
    made = [
        ev.CommitmentMade(
            at=T0,
            actor="a-1",
            commitment=Commitment(
                id=cid,
                kind=CommitmentKind.CALL_BACK,
                due=T0 + timedelta(hours=1),
                owed_by="a-1",
                made_at=T0,
                text=text,
            ),
        )
        for cid, text in (("c1", "first"), ("c2", "other"), ("c1", "second"))
    ]
    met = ev.CommitmentMet(
        at=T0 + timedelta(minutes=5), actor="a-1", commitment_id="c1", outcome="done"
    )
    opened = Incident.open(
        summary="x", customer=Customer(id="c-1", name="Al"), at=T0, actor="a-1"
    ).timeline[0]
    ticket = Ticket.from_events([opened, *made, met])
    closed = {(c.text, c.outcome) for c in ticket.commitments if not c.is_open}
    assert closed == {("first", "done"), ("second", "done")}
    assert [c.text for c in ticket.commitments if c.is_open] == ["other"]


# -- linear: no comparison of each new item with all the earlier ones -------------


def _opened() -> ev.Event:
    return Incident.open(
        summary="x", customer=Customer(id="c-1", name="Al"), at=T0, actor="a-1"
    ).timeline[0]


def test_folding_n_links_does_not_compare_each_with_every_earlier_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 300
    links = [
        ev.Linked(
            at=T0 + timedelta(seconds=i),
            actor="a-1",
            relation=LinkRelation.RELATED,
            other_id=f"t-{i}",
        )
        for i in range(n)
    ]
    # the same links again: each is already there and is not added twice
    events = [
        _opened(),
        *links,
        *(attrs.evolve(e, at=T0 + timedelta(hours=1)) for e in links),
    ]
    compared = 0
    original = TicketLink.__eq__

    def counting(self: TicketLink, other: Any) -> Any:
        nonlocal compared
        compared += 1
        return original(self, other)

    monkeypatch.setattr(TicketLink, "__eq__", counting)
    ticket = Ticket.from_events(events)
    monkeypatch.undo()
    assert [link.ticket_id for link in ticket.links] == [f"t-{i}" for i in range(n)]
    # a scan of the earlier links per event compares about n * n times
    assert compared <= 2 * n


class _CountedId(str):
    """A commitment id that counts how often it is compared."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        type(self).compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_closing_n_commitments_does_not_scan_all_of_them_each_time() -> None:
    n = 200
    made = [
        ev.CommitmentMade(
            at=T0,
            actor="a-1",
            commitment=Commitment(
                id=_CountedId(f"c{i}"),
                kind=CommitmentKind.CALL_BACK,
                due=T0 + timedelta(days=1),
                owed_by="a-1",
                made_at=T0,
            ),
        )
        for i in range(n)
    ]
    met = [
        ev.CommitmentMet(
            at=T0 + timedelta(minutes=1), actor="a-1", commitment_id=_CountedId(f"c{i}")
        )
        for i in range(n)
    ]
    _CountedId.compared = 0
    ticket = Ticket.from_events([_opened(), *made, *met])
    compared = _CountedId.compared
    assert not any(c.is_open for c in ticket.commitments)
    assert len(ticket.commitments) == n
    # comparing each met id with every commitment made is n * n comparisons
    assert compared <= 2 * n
