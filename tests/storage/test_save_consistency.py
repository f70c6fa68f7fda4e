"""A save must continue the stored history, whichever backend holds it.

``save(ticket, expected_version=v)`` appends ``ticket.timeline[v:]``. That is
only right when the ticket was built on the stored history: a ticket read at
an older version and saved with a newer ``expected_version`` (a retry that
bumped the number, a version copied from somewhere else) carries events that
never followed the stored ones. Such a save is a conflict on every backend;
before, SQLiteStore appended the events after the stored ones and
MemoryStore replaced the stored ticket, so the two disagreed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskflow.errors import ConcurrencyConflict, ValidationError
from deskflow.storage import MemoryStore, SQLiteStore, TicketQuery, TicketStore
from deskflow.tickets.model import Ticket

from .helpers import T0, incident, with_notes


def test_a_save_claiming_a_version_it_did_not_read_is_a_conflict(
    store: TicketStore,
) -> None:
    # Bob read version 3; Ann saved version 4; Bob then claims to have read 4.
    read_by_bob = with_notes(incident("t-1"), 2)
    store.add(read_by_bob)
    anns = read_by_bob.start_work(at=T0 + timedelta(hours=1), actor="ann")
    store.save(anns, expected_version=3)
    bobs = read_by_bob.assign(
        assignee="bob", group="l2", at=T0 + timedelta(hours=2), actor="bob"
    )
    bobs = with_notes(bobs, 1, text="bob")
    assert bobs.version == 5
    with pytest.raises(ConcurrencyConflict) as info:
        store.save(bobs, expected_version=4)
    assert (info.value.ticket_id, info.value.expected, info.value.actual) == (
        "t-1",
        4,
        4,
    )
    assert store.get("t-1") == anns
    assert store.timeline("t-1") == anns.timeline
    assert store.count(TicketQuery(assignee="bob")) == 0
    # Read again, Bob's change goes through.
    fresh = store.get("t-1")
    again = fresh.assign(
        assignee="bob", group="l2", at=T0 + timedelta(hours=2), actor="bob"
    )
    store.save(again, expected_version=fresh.version)
    assert store.get("t-1") == again


def test_a_save_whose_last_shared_event_differs_is_a_conflict(
    store: TicketStore,
) -> None:
    # The same instant and kind of event, by someone else: still not the same.
    t = incident("t-1")
    store.add(t)
    store.save(t.start_work(at=T0, actor="ann"), expected_version=1)
    bobs = with_notes(t.start_work(at=T0, actor="bob"), 1)
    with pytest.raises(ConcurrencyConflict):
        store.save(bobs, expected_version=2)
    assert store.get("t-1") == t.start_work(at=T0, actor="ann")


def _history(length: int, text: str) -> Ticket:
    return with_notes(incident("t-1"), length - 1, text=text)


@settings(max_examples=60, deadline=None)
@given(
    stored=st.integers(min_value=1, max_value=6),
    read_at=st.integers(min_value=1, max_value=6),
    added=st.integers(min_value=0, max_value=3),
    claimed=st.integers(min_value=1, max_value=9),
)
def test_every_backend_refuses_or_accepts_the_same_saves(
    stored: int, read_at: int, added: int, claimed: int
) -> None:
    # The stored ticket has ``stored`` events. The caller's ticket starts
    # with the first ``read_at`` events of the same history (more than were
    # stored when read_at > stored), then ``added`` events of its own, and
    # the caller claims to have read version ``claimed``.
    history = _history(stored, "stored")
    mine = _history(read_at, "stored")
    for i in range(added):
        mine = with_notes(mine, 1, text=f"mine {i}")
    outcomes = []
    for backend in (MemoryStore(), SQLiteStore(":memory:")):
        try:
            backend.add(history)
            try:
                backend.save(mine, expected_version=claimed)
                outcome: object = "saved"
            except ConcurrencyConflict as exc:
                outcome = ("conflict", exc.expected, exc.actual)
            except ValidationError as exc:
                outcome = ("invalid", exc.path)
            outcomes.append((outcome, backend.get("t-1").timeline))
        finally:
            backend.close()
    assert outcomes[0] == outcomes[1]
    outcome, timeline = outcomes[0]
    if claimed > mine.version:
        assert outcome == ("invalid", "expected_version")
    elif claimed != stored:
        assert outcome == ("conflict", claimed, stored)
    elif mine.version == claimed:
        # nothing new: the stored ticket itself is a no-op, a fork a conflict
        # (saving it would drop its own events in silence)
        if mine.timeline == history.timeline:
            assert outcome == "saved"
        else:
            assert outcome == ("conflict", claimed, stored)
    elif mine.timeline[:stored] == history.timeline:
        assert outcome == "saved"
        assert timeline == mine.timeline
    else:
        assert outcome == ("conflict", claimed, stored)
    if outcome != "saved" or mine.version == claimed:
        assert timeline == history.timeline


@pytest.mark.parametrize("reopen", [False, True])
def test_a_stored_event_written_as_other_text_is_compared_as_an_event(
    reopen: bool, tmp_path: Path
) -> None:
    # Rows written by another converter or deskflow version may spell the
    # same event differently (here: keys in another order, no spaces saved).
    import json

    path = tmp_path / "desk.db"
    t = with_notes(incident("t-1"), 1)
    store = SQLiteStore(path)
    store.add(t)
    data = store._conn.execute(
        "SELECT data FROM events WHERE ticket_id = 't-1' AND seq = 2"
    ).fetchone()[0]
    respelled = json.dumps(json.loads(data), sort_keys=True, indent=1)
    assert respelled != data
    store._conn.execute(
        "UPDATE events SET data = ? WHERE ticket_id = 't-1' AND seq = 2",
        (respelled,),
    )
    if reopen:
        store.close()
        store = SQLiteStore(path)
    try:
        assert store.get("t-1") == t
        changed = with_notes(t, 1, text="later")  # built on t, not on the get
        store.save(changed, expected_version=2)
        assert store.get("t-1") == changed
        forked = with_notes(with_notes(incident("t-1"), 1, text="other"), 2)
        with pytest.raises(ConcurrencyConflict):
            store.save(forked, expected_version=3)
    finally:
        store.close()
