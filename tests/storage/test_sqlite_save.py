"""How SQLiteStore.save writes a ticket's head row.

A save first guesses which head columns changed (the update instant, the
version, and the status when a new event moved it) with an UPDATE that
matches no row unless the guess and the version are right; otherwise it
reads the stored head and sets what changed. Either way the head row must
end up exactly the ticket's head, and a stale save must write nothing.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Impact, Urgency
from deskflow.errors import ConcurrencyConflict, TicketNotFound
from deskflow.storage import SQLiteStore, TicketQuery
from deskflow.storage.sqlite import _HEAD_COLUMNS
from deskflow.testing import strategies as ds
from deskflow.tickets.model import Ticket

from .helpers import T0, incident, with_notes


def stored_head(store: SQLiteStore, ticket_id: str) -> tuple[object, ...]:
    row = store._conn.execute(
        f"SELECT {_HEAD_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    assert row is not None
    return tuple(row)


def stored_events(store: SQLiteStore, ticket_id: str) -> int:
    count: int = store._conn.execute(
        "SELECT count(*) FROM events WHERE ticket_id = ?", (ticket_id,)
    ).fetchone()[0]
    return count


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(ds.tickets(max_commands=12), st.data())
def test_after_any_save_the_head_row_is_the_tickets_head(
    ticket: Ticket, data: st.DataObject
) -> None:
    # Save the ticket in random steps, each with one or more new events.
    with SQLiteStore(":memory:") as store:
        cuts = sorted(
            data.draw(
                st.sets(st.integers(1, ticket.version), max_size=ticket.version),
                label="versions saved",
            )
            | {1, ticket.version}
        )
        store.add(Ticket.from_events(ticket.timeline[:1]))
        for before, after in itertools.pairwise(cuts):
            step = Ticket.from_events(ticket.timeline[:after])
            store.save(step, expected_version=before)
            assert stored_head(store, step.id) == store._head(step)
            assert store.get(step.id) == step
        assert store.get(ticket.id) == ticket


def test_a_note_work_an_assignment_an_owner_then_a_priority_change(
    tmp_path: Path,
) -> None:
    with SQLiteStore(tmp_path / "desk.db") as store:
        t = incident("t-1")
        store.add(t)
        steps = [
            with_notes(t, 1),  # the guess holds: updated_at and version
            lambda t: t.start_work(at=t.updated_at, actor="a-1"),  # and status
            lambda t: t.assign(
                assignee="a-2", group="l2", at=t.updated_at, actor="a-1"
            ),
            # no status in the event, but the owner column changes
            lambda t: t.take_ownership(owner="a-2", at=t.updated_at, actor="a-2"),
            lambda t: t.change_priority(
                impact=Impact.HIGH,
                urgency=Urgency.HIGH,
                justification="the whole floor is down",
                at=t.updated_at,
                actor="a-2",
            ),
        ]
        current = t
        for step in steps:
            new = step if isinstance(step, Ticket) else step(current)
            store.save(new, expected_version=current.version)
            assert stored_head(store, new.id) == store._head(new)
            current = new
        assert current.priority is not t.priority
        page = store.find(
            TicketQuery(assignee="a-2", owner="a-2", priorities={current.priority})
        )
        assert [x.id for x in page.items] == ["t-1"]


def test_a_stale_save_writes_nothing_even_when_the_guess_fits() -> None:
    with SQLiteStore(":memory:") as store:
        t = incident("t-1")
        store.add(t)
        first = with_notes(t, 1, text="first")
        second = with_notes(t, 1, text="second")  # same columns change as in first
        store.save(first, expected_version=t.version)
        head, events = stored_head(store, "t-1"), stored_events(store, "t-1")
        with pytest.raises(ConcurrencyConflict) as info:
            store.save(second, expected_version=t.version)
        assert (info.value.expected, info.value.actual) == (t.version, first.version)
        assert stored_head(store, "t-1") == head
        assert stored_events(store, "t-1") == events
        assert store.get("t-1") == first
        assert not store.search("second")


def test_saving_an_unknown_ticket_is_ticket_not_found() -> None:
    with SQLiteStore(":memory:") as store:
        t = with_notes(incident("t-1"), 1)
        with pytest.raises(TicketNotFound):
            store.save(t, expected_version=1)
        assert store.count() == 0
        assert not store._conn.in_transaction


def test_a_failed_statement_rolls_the_save_back(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "desk.db") as store:
        store.add(incident("t-1"))
        t = store.get("t-1")  # read through the store: the save checks in constant time
        head = stored_head(store, "t-1")
        # An event row already at the next seq: the insert fails after the head
        # update, and the whole save must be undone.
        store._conn.execute(
            "INSERT INTO events (ticket_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)",
            ("t-1", 2, "note_added", 0, "{}"),
        )
        new = with_notes(t, 1)
        with pytest.raises(Exception, match="saving ticket 't-1'"):
            store.save(new, expected_version=1)
        assert stored_head(store, "t-1") == head
        assert not store._conn.in_transaction
    check = sqlite3.connect(tmp_path / "desk.db")
    assert check.execute("SELECT count(*) FROM ticket_text").fetchone()[0] == 1
    check.close()


def test_the_head_keeps_up_over_many_saves() -> None:
    with SQLiteStore(":memory:") as store:
        t = incident("t-1")
        store.add(t)
        for i in range(20):
            new = with_notes(t, 1, text=f"n{i}")
            new = new.start_work(at=new.updated_at, actor="a-1") if i == 3 else new
            store.save(new, expected_version=t.version)
            t = new
        assert stored_head(store, "t-1") == store._head(t)
        assert store.get("t-1") == t
        assert store.count(TicketQuery(updated_from=t.updated_at)) == 1
        assert t.updated_at > T0


def test_a_ticket_rebuilt_elsewhere_saves_after_a_full_history_check() -> None:
    # A ticket that went through JSON holds new event objects: the store does
    # not know them, compares the whole stored history, and accepts.
    from deskflow.serialization import dumps, loads
    from deskflow.tickets.model import Ticket

    with SQLiteStore(":memory:") as store:
        store.add(with_notes(incident("t-1"), 3))
        read = loads(dumps(store.get("t-1")), Ticket)
        assert read.timeline[-1] is not store.get("t-1").timeline[-1]
        new = with_notes(read, 1, text="from elsewhere")
        store.save(new, expected_version=read.version)
        assert store.get("t-1") == new
        assert store.timeline("t-1") == new.timeline
