"""SQLiteStore under stress: processes racing, a crash mid-import, bad files."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskflow.errors import SchemaVersionError, StorageError, StoredDataError
from deskflow.storage import SQLiteStore
from deskflow.storage.sqlite import APPLICATION_ID, SCHEMA_VERSION

from . import _workers
from .helpers import incident

SPAWN = multiprocessing.get_context("spawn")


def test_no_lost_update_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "desk.db")
    tickets, steps, workers = 3, 8, 4
    with SQLiteStore(path) as store:
        store.add_many(incident(f"t-{t}") for t in range(tickets))
    pipes = []
    procs = []
    for w in range(workers):
        receive, send = SPAWN.Pipe(duplex=False)
        proc = SPAWN.Process(
            target=_workers.run_updates, args=(path, w, tickets, steps, send)
        )
        proc.start()
        send.close()
        pipes.append(receive)
        procs.append(proc)
    conflicts = [p.recv() for p in pipes]
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    with SQLiteStore(path) as store:
        for t in range(tickets):
            ticket = store.get(f"t-{t}")
            seen = Counter(n.text.rsplit(" ", 1)[0] for n in ticket.notes)
            expected = {
                _workers.note_text(w, t, s)
                for w in range(workers)
                for s in range(steps)
            }
            assert set(seen) == expected
            assert all(count == 1 for count in seen.values())
            assert ticket.version == 1 + workers * steps
    assert all(isinstance(c, int) for c in conflicts)


def test_killed_import_keeps_every_reported_batch_whole(tmp_path: Path) -> None:
    path = str(tmp_path / "desk.db")
    SQLiteStore(path).close()
    size = 40
    receive, send = SPAWN.Pipe(duplex=False)
    proc = SPAWN.Process(target=_workers.bulk_import, args=(path, size, send))
    proc.start()
    send.close()
    reported: list[int] = []
    while len(reported) < 4:
        assert receive.poll(120), "the importer reported nothing"
        reported.append(receive.recv())
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=30)
    assert proc.exitcode == -signal.SIGKILL
    while receive.poll(0.1):
        try:
            reported.append(receive.recv())
        except EOFError:
            break

    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()
    with SQLiteStore(path) as store:
        for number in reported:
            for ticket in _workers.batch(number, size):
                assert store.get(ticket.id) == ticket
        # Batches are atomic: the store holds whole batches only.
        assert store.count() % size == 0
        assert store.count() >= len(reported) * size


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, this is a text file\n" * 50,
        os.urandom(8192),
        b"SQLite format 3\x00" + os.urandom(4080),
    ],
    ids=["empty", "text", "random", "corrupt-sqlite"],
)
def test_a_foreign_or_corrupt_file_is_refused_and_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    if not content:
        # An empty file is a new database: that is fine.
        SQLiteStore(path).close()
        return
    with pytest.raises(StorageError, match="not"):
        SQLiteStore(path)
    assert _bytes(path) == content


def test_another_applications_database_is_refused_and_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tickets (id TEXT)")
    conn.execute("INSERT INTO tickets VALUES ('x')")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(StorageError, match="not a deskflow"):
        SQLiteStore(path)
    assert _bytes(path) == before


def _set_user_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {version:d}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_a_newer_schema_is_refused_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as store:
        store.add(incident("t-1"))
    _set_user_version(path, SCHEMA_VERSION + 1)
    before = _bytes(path)
    with pytest.raises(SchemaVersionError, match="newer"):
        SQLiteStore(path)
    assert _bytes(path) == before


def test_a_deskflow_file_is_marked_and_records_its_migrations(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as store:
        assert store.migrations() == ((1, "tickets, events, links and search text"),)
        assert store.journal_mode == "wal"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    # Reopening neither re-applies nor duplicates a migration.
    with SQLiteStore(path) as store:
        assert len(store.migrations()) == 1


def test_tickets_survive_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    t = incident("t-1")
    with SQLiteStore(path) as store:
        store.add(t)
        store.save(t.start_work(at=t.updated_at, actor="a"), expected_version=1)
    with SQLiteStore(path) as store:
        assert store.get("t-1") == t.start_work(at=t.updated_at, actor="a")


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as a, SQLiteStore(path) as b:
        a.add(incident("t-1"))
        assert b.get("t-1").id == "t-1"


def test_a_damaged_event_row_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as store:
        store.add(incident("t-1"))
    conn = sqlite3.connect(path)
    conn.execute('UPDATE events SET data = \'{"type": "opened"}\'')
    conn.commit()
    conn.close()
    with (
        SQLiteStore(path) as store,
        pytest.raises(StorageError, match="cannot be read"),
    ):
        store.get("t-1")


def test_readable_events_that_make_no_ticket_name_the_ticket(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as store:
        store.add(incident("t-1"))
        store.add(incident("t-2"))
        t = store.get("t-1")
        store.save(t.start_work(at=t.updated_at, actor="a"), expected_version=1)
    conn = sqlite3.connect(path)
    # Each row reads, but a timeline cannot start with "work started".
    conn.execute(
        "UPDATE events SET data = (SELECT data FROM events WHERE ticket_id = 't-1' "
        "AND seq = 2) WHERE ticket_id = 't-1' AND seq = 1"
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        with pytest.raises(StoredDataError, match="do not make a ticket") as info:
            store.get("t-1")
        assert (info.value.ticket_id, info.value.version) == ("t-1", None)
        assert info.value.__cause__ is not None
        assert store.get("t-2").id == "t-2"


def test_a_busy_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path, timeout=0.05) as store:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageError, match="locked") as info:
                store.add(incident("t-1"))
            assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        store.add(incident("t-1"))


@settings(max_examples=15, deadline=None)
@given(
    damaged=st.integers(0, 2),
    version=st.integers(1, 3),
    how=st.sampled_from(['{"type": "opened"}', "not json", '{"type": "nosuch"}', "[]"]),
)
def test_an_unreadable_event_names_its_ticket_and_version(
    damaged: int, version: int, how: str
) -> None:
    import io

    from deskflow.storage import TicketQuery, export_jsonl

    from .helpers import with_notes

    ids = ["t-0", "t-1", "t-2"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "desk.db"
        with SQLiteStore(path) as store:
            store.add_many(with_notes(incident(i), 2) for i in ids)
            reference = store.get(ids[damaged]).reference
        conn = sqlite3.connect(path)
        conn.execute(
            "UPDATE events SET data = ? WHERE ticket_id = ? AND seq = ?",
            (how, ids[damaged], version),
        )
        conn.commit()
        conn.close()
        with SQLiteStore(path) as store:
            reads = {
                "get": lambda: store.get(ids[damaged]),
                "get_by_reference": lambda: store.get_by_reference(reference),
                "timeline": lambda: store.timeline(ids[damaged]),
                "find": lambda: store.find(TicketQuery()),
                "iter_all": lambda: list(store.iter_all()),
                "export_jsonl": lambda: export_jsonl(store, io.StringIO()),
            }
            for name, read in reads.items():
                with pytest.raises(StorageError) as info:
                    read()
                message = str(info.value)
                assert isinstance(info.value, StoredDataError), name
                assert info.value.ticket_id == ids[damaged], name
                assert info.value.version == version, name
                assert repr(ids[damaged]) in message, name
                assert f"event {version} " in message, name
                assert f"version {version}" in message, name
            # The other tickets still read.
            for other in ids:
                if other != ids[damaged]:
                    assert store.get(other).version == 3
