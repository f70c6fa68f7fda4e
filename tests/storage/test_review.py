"""Storage edge cases: interrupted writes, no-op saves, URLs, bad bytes on import, safe export.

Each test pins a rule of the storage spec at a place where the code once
broke it: a write interrupted as its transaction began, a save without new
events, a query string in an ``sqlite://`` URL, an import line that is not
UTF-8 or not valid Unicode, and an export that fails half way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from deskflow.errors import (
    ConcurrencyConflict,
    TicketNotFound,
    ValidationError,
)
from deskflow.storage import (
    SQLiteStore,
    TicketQuery,
    TicketStore,
    open_store,
)
from deskflow.tickets.values import Status

from .helpers import T0, incident, with_notes


class _InterruptAfterBegin:
    """A connection or cursor whose ``BEGIN IMMEDIATE`` succeeds, then ^C arrives.

    CPython runs a signal handler when the call that was running returns, so
    a KeyboardInterrupt can surface right after SQLite opened the write
    transaction and before the next statement.
    """

    def __init__(self, target: Any) -> None:
        self._target = target

    def execute(self, sql: str, *args: Any) -> Any:
        result = self._target.execute(sql, *args)
        if sql == "BEGIN IMMEDIATE":
            raise KeyboardInterrupt
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def _lock_is_free(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.parametrize("write", ["save", "add"])
def test_an_interrupt_as_a_write_begins_leaves_no_transaction_open(
    write: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "desk.db"
    store = SQLiteStore(path)
    t = incident("t-1")
    store.add(t)
    changed = with_notes(t, 1)
    with monkeypatch.context() as patch:
        if write == "save":
            patch.setattr(store, "_cursor", _InterruptAfterBegin(store._cursor))
            with pytest.raises(KeyboardInterrupt):
                store.save(changed, expected_version=t.version)
        else:
            patch.setattr(store, "_conn", _InterruptAfterBegin(store._conn))
            with pytest.raises(KeyboardInterrupt):
                store.add(incident("t-2"))
    # Nothing written, the write lock released, and the store still works.
    assert not store._conn.in_transaction
    assert _lock_is_free(path)
    assert store.get("t-1") == t
    assert store.count() == 1
    store.save(changed, expected_version=t.version)
    store.add(incident("t-2"))
    store.close()
    with SQLiteStore(path) as again:
        assert again.get("t-1") == changed
        assert again.count() == 2


def test_a_save_without_new_events_leaves_the_queries_alone(
    store: TicketStore,
) -> None:
    # Bob read version 1 and assigned; Ann had saved version 2 meanwhile.
    # Bob's ticket is also at version 2, so a save claiming to have read
    # version 2 has no new events: it must change nothing at all.
    t = incident("t-1")
    store.add(t)
    anns = t.start_work(at=T0, actor="ann")
    store.save(anns, expected_version=1)
    bobs = t.assign(assignee="bob", group="l2", at=T0, actor="bob")
    assert bobs.version == anns.version
    store.save(bobs, expected_version=bobs.version)
    assert store.get("t-1") == anns
    assert store.count(TicketQuery(assignee="bob")) == 0
    assert store.count(TicketQuery(group="l2")) == 0
    found = store.find(TicketQuery(statuses={Status.IN_PROGRESS})).items
    assert found == (anns,)


def test_a_save_without_new_events_still_checks_the_version(
    store: TicketStore,
) -> None:
    t = incident("t-1")
    with pytest.raises(TicketNotFound):
        store.save(t, expected_version=1)
    store.add(t)
    store.save(with_notes(t, 1), expected_version=1)
    with pytest.raises(ConcurrencyConflict) as info:
        store.save(t, expected_version=1)
    assert (info.value.expected, info.value.actual) == (1, 2)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///desk.db?timeout=3",
        "sqlite:///desk.db?",
        "sqlite:///desk.db#main",
        "sqlite://:memory:?cache=shared",
    ],
)
def test_a_query_string_in_an_sqlite_url_is_refused(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError) as info:
        open_store(url)
    assert info.value.path == "url"
    assert list(tmp_path.iterdir()) == []  # no file named after the URL


def test_an_escaped_question_mark_is_part_of_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///what%3F.db")
    store.close()
    assert (tmp_path / "what?.db").is_file()
