"""Hostile strings in every field and query value: exact round trips, no SQL games.

Quotes, ``%``, ``_``, backslashes, NUL, non-BMP characters and very long
strings go into ids, references, customer and asset fields, owners, groups,
summaries and notes, and into every query value. The SQLite store must give
back exactly what was stored and answer every query exactly as the
reference :class:`MemoryStore` does: a value is never read as SQL or as a
``LIKE`` pattern.
"""

from __future__ import annotations

import io
from datetime import timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from deskflow import Asset, Customer, Impact, Incident, Note, Urgency
from deskflow.storage import (
    MemoryStore,
    SQLiteStore,
    TicketQuery,
    export_jsonl,
    import_jsonl,
)
from deskflow.tickets import LinkRelation
from deskflow.tickets.model import Ticket

from .helpers import T0

NASTY = "'\"%_\\\x00;-*[]^$.?()|`\n\t\u00e9\u00df\u0130\U0001f5a8\U00010348 "

text = st.text(
    alphabet=st.one_of(
        st.sampled_from(NASTY), st.characters(blacklist_categories=("Cs",))
    ),
    max_size=30,
)
nonblank = text.filter(lambda s: bool(s.strip()))


def build(
    *,
    ticket_id: str,
    customer_id: str,
    name: str,
    serial: str,
    summary: str,
    description: str,
    owner: str,
    group: str,
    note: str,
    other: str,
) -> Ticket:
    t = Incident.open(
        id=ticket_id,
        reference="REF-" + ticket_id,
        summary=summary,
        description=description,
        customer=Customer(
            id=customer_id, name=name, email=name, organisation=description
        ),
        asset=Asset(serial=serial, model=name, location=description),
        category=description,
        impact=Impact.LOW,
        urgency=Urgency.LOW,
        at=T0,
        actor=owner,
        owner=owner,
        group=group,
    )
    t = t.assign(assignee=owner, group=group, at=T0, actor=owner)
    if note.strip():
        t = t.add_note(Note(author=owner, at=T0 + timedelta(minutes=1), text=note))
    return t.link(
        relation=LinkRelation.RELATED, other_id=other, at=t.updated_at, actor=owner
    )


DECOY = build(
    ticket_id="decoy",
    customer_id="plain-customer",
    name="Plain Name",
    serial="SN-PLAIN",
    summary="plain summary text",
    description="plain",
    owner="a-plain",
    group="plain-group",
    note="plain note",
    other="plain-other",
)


@given(
    ticket_id=nonblank,
    customer_id=nonblank,
    name=nonblank,
    serial=nonblank,
    summary=nonblank,
    description=text,
    owner=nonblank,
    group=nonblank,
    note=text,
    other=nonblank,
    probe=text,
)
def test_hostile_values_round_trip_and_query_like_the_reference(
    ticket_id: str,
    customer_id: str,
    name: str,
    serial: str,
    summary: str,
    description: str,
    owner: str,
    group: str,
    note: str,
    other: str,
    probe: str,
) -> None:
    assume(ticket_id != "decoy")
    assume(other != ticket_id)  # a ticket cannot be linked to itself
    ticket = build(
        ticket_id=ticket_id,
        customer_id=customer_id,
        name=name,
        serial=serial,
        summary=summary,
        description=description,
        owner=owner,
        group=group,
        note=note,
        other=other,
    )
    reference = MemoryStore()
    store = SQLiteStore(":memory:")
    try:
        for s in (reference, store):
            s.add_many([DECOY, ticket])
        assert store.get(ticket_id) == ticket
        assert store.get_by_reference(ticket.reference) == ticket
        assert store.timeline(ticket_id) == ticket.timeline

        values = (customer_id, serial, owner, group, other, probe, "%", "_", "")
        for value in values:
            for query in (
                TicketQuery(customer_id=value),
                TicketQuery(asset_serial=value),
                TicketQuery(owner=value),
                TicketQuery(assignee=value),
                TicketQuery(group=value),
                TicketQuery(linked_to=value),
            ):
                expected = [t.id for t in reference.find(query).items]
                assert [t.id for t in store.find(query).items] == expected, query
                assert store.count(query) == len(expected)
        for words in (summary, note, probe, name, "%", "_ %", "plain"):
            if not words.split():
                continue
            expected = [t.id for t in reference.search(words)]
            assert [t.id for t in store.search(words)] == expected, words
        # Still exactly two tickets: nothing was injected or dropped.
        assert store.count() == 2

        # JSON Lines carries them across unchanged, in both directions.
        buffer = io.StringIO()
        assert export_jsonl(store, buffer) == 2
        copy = MemoryStore()
        assert import_jsonl(copy, io.StringIO(buffer.getvalue())) == 2
        assert copy.get(ticket_id) == ticket
    finally:
        store.close()


@pytest.mark.parametrize("full_text", [True, False], ids=["fts5", "like"])
def test_very_long_values_round_trip_and_search(full_text: bool) -> None:
    long = "x%_'\x00\U0001f5a8" * 20_000  # 120,000 characters
    ticket = build(
        ticket_id="t-" + long,
        customer_id=long,
        name=long,
        serial=long,
        summary=long,
        description=long,
        owner=long,
        group=long,
        note=long,
        other=long,
    )
    with SQLiteStore(":memory:", full_text=full_text) as store:
        store.add_many([DECOY, ticket])
        assert store.get(ticket.id) == ticket
        assert [t.id for t in store.find(TicketQuery(customer_id=long)).items] == [
            ticket.id
        ]
        assert [t.id for t in store.search(long)] == [ticket.id]
        assert [t.id for t in store.search(long[:-1] + "y")] == []


@pytest.mark.parametrize("full_text", [True, False], ids=["fts5", "like"])
@given(words=st.lists(text, min_size=1, max_size=4))
def test_search_agrees_with_the_reference(full_text: bool, words: list[str]) -> None:
    texts = [
        "100% sure",
        "under_score",
        'quote\'s "here"',
        "back\\slash",
        "nul\x00byte",
    ]
    tickets = [
        attrs.evolve(DECOY, id=f"t{i}", reference=f"R{i}", summary=s)
        for i, s in enumerate([*texts, *words])
        if s.strip()
    ]
    # attrs.evolve keeps the timeline; rebuild each from an opened event with that summary.
    tickets = [
        Incident.open(
            id=t.id,
            reference=t.reference,
            summary=t.summary,
            customer=Customer(id="c", name="c"),
            at=T0 + timedelta(minutes=i),
            actor="a",
        )
        for i, t in enumerate(tickets)
    ]
    reference = MemoryStore()
    with SQLiteStore(":memory:", full_text=full_text) as store:
        assert store.full_text is full_text
        for s in (reference, store):
            s.add_many(tickets)
        for query in [*words, "%", "_", "\\", "'", '"', "\x00"]:
            if not query.split():
                continue
            expected = [t.id for t in reference.search(query, limit=100)]
            assert [t.id for t in store.search(query, limit=100)] == expected, query
