"""Storage edge cases: interrupted writes, no-op saves, URLs, bad bytes on import, safe export.

Each test pins a rule of the storage spec at a place where the code once
broke it: a write interrupted as its transaction began, a save without new
events, a query string in an ``sqlite://`` URL, an import line that is not
UTF-8 or not valid Unicode, and an export that fails half way. The last
property pages through queries with any number of filters at once (all of
them included) over tickets that tie on their instants, against MemoryStore.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from deskflow.errors import (
    ConcurrencyConflict,
    StorageError,
    TicketNotFound,
    ValidationError,
)
from deskflow.parties import Tier
from deskflow.storage import (
    ImportLineError,
    MemoryStore,
    Order,
    SQLiteStore,
    TicketQuery,
    TicketStore,
    export_jsonl,
    import_jsonl,
    open_store,
)
from deskflow.tickets import LinkRelation
from deskflow.tickets.model import Ticket
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
    with SQLiteStore(path) as store:
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
    with SQLiteStore(path) as again:
        assert again.get("t-1") == changed
        assert again.count() == 2


def test_a_save_without_new_events_leaves_the_queries_alone(
    store: TicketStore,
) -> None:
    # Bob read version 1 and assigned; Ann had saved version 2 meanwhile.
    # Bob's ticket is also at version 2, so a save claiming to have read
    # version 2 has no new events: it must not drop Bob's assignment in
    # silence, nor write any of it.
    t = incident("t-1")
    store.add(t)
    anns = t.start_work(at=T0, actor="ann")
    store.save(anns, expected_version=1)
    bobs = t.assign(assignee="bob", group="l2", at=T0, actor="bob")
    assert bobs.version == anns.version
    with pytest.raises(ConcurrencyConflict):
        store.save(bobs, expected_version=bobs.version)
    store.save(anns, expected_version=anns.version)  # the stored ticket: a no-op
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


def test_a_path_with_a_nul_is_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StorageError, match="NUL"):
        SQLiteStore("desk\x00.db")
    with pytest.raises(StorageError, match="NUL"):
        open_store("sqlite:///desk%00.db")
    assert list(tmp_path.iterdir()) == []


def _export(tickets: Sequence[Ticket]) -> list[str]:
    source = MemoryStore()
    source.add_many(tickets)
    buffer = io.StringIO()
    export_jsonl(source, buffer)
    return buffer.getvalue().splitlines()


def test_a_line_that_is_not_utf8_is_a_line_error(
    store: TicketStore, tmp_path: Path
) -> None:
    lines = [line.encode() for line in _export([incident(f"t-{i}") for i in range(4)])]
    lines[2] = lines[2].replace(b"Printer", b"Pr\xffinter")
    path = tmp_path / "import.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(ImportLineError) as info:
        import_jsonl(store, path, batch_size=2)
    assert info.value.line == 3
    assert info.value.imported == 2
    assert "UTF-8" in str(info.value)
    assert [t.id for t in store.iter_all()] == ["t-0", "t-1"]


def test_a_lone_surrogate_is_a_line_error_in_every_store(store: TicketStore) -> None:
    tickets = [incident(f"t-{i}") for i in range(4)]
    # ensure_ascii writes a real pair as two escapes: that one must import.
    lines = [json.dumps(json.loads(line)) for line in _export(tickets)]
    lines[1] = lines[1].replace("Printer", "Printer \\ud83d\\udda8")
    lines[3] = lines[3].replace("Printer", "Printer \\ud800")
    with pytest.raises(ImportLineError) as info:
        import_jsonl(store, io.StringIO("\n".join(lines) + "\n"), batch_size=2)
    assert info.value.line == 4
    assert info.value.imported == 2
    assert [t.id for t in store.iter_all()] == ["t-0", "t-1"]
    assert store.get("t-1").summary == "Printer \U0001f5a8 not responding"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _FailingStore(MemoryStore):
    """A store whose stream breaks after its first ticket."""

    def iter_all(self) -> Iterator[Ticket]:
        stream = super().iter_all()
        yield next(stream)
        raise StorageError("the disk went away")


def test_a_failed_export_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "backup.jsonl"
    good = MemoryStore()
    good.add_many([incident("t-1"), incident("t-2")])
    assert export_jsonl(good, path) == 2
    before = _digest(path)

    failing = _FailingStore()
    failing.add_many([incident("t-3"), incident("t-4")])
    with pytest.raises(StorageError, match="went away"):
        export_jsonl(failing, path)
    assert _digest(path) == before

    # A ticket refuses a lone surrogate when it is built; one smuggled in
    # past the checks (a memory store keeps any str) still cannot reach a file.
    smuggled = incident("t-5")
    object.__setattr__(smuggled, "summary", "x\ud800y")
    odd = MemoryStore()
    odd.add(smuggled)
    with pytest.raises(ValidationError, match="t-5"):
        export_jsonl(odd, path)
    assert _digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]
    assert import_jsonl(MemoryStore(), path) == 2


_ZONES = (
    timezone.utc,
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=5, minutes=30)),
)
_AGENTS = ("a-1", "a-2")


@st.composite
def _desk(draw: st.DrawFn) -> list[Ticket]:
    """Tickets with few distinct instants (ties) and every filtered column varied."""
    count = draw(st.integers(0, 14))
    ids = [
        f"t-{n}"
        for n in draw(
            st.lists(st.integers(0, 30), min_size=count, max_size=count, unique=True)
        )
    ]
    tickets: list[Ticket] = []
    for ticket_id in ids:
        t = incident(
            ticket_id,
            minutes=draw(st.sampled_from((0, 0, 1, 2))),
            customer=draw(st.sampled_from(("c-1", "c-2"))),
            serial=draw(st.sampled_from((None, "SN-1"))),
        )
        at = t.opened_at + timedelta(minutes=draw(st.sampled_from((0, 1, 1, 3))))
        for step in draw(
            st.lists(
                st.sampled_from(("work", "assign", "own", "link")),
                max_size=3,
                unique=True,
            )
        ):
            agent = draw(st.sampled_from(_AGENTS))
            if step == "work":
                t = t.start_work(at=at, actor=agent)
            elif step == "assign":
                t = t.assign(
                    assignee=agent, group="l2", tier=Tier.L2, at=at, actor=agent
                )
            elif step == "own":
                t = t.take_ownership(owner=agent, at=at, actor=agent)
            elif len(ids) > 1:  # a ticket is never linked to itself
                t = t.link(
                    relation=LinkRelation.RELATED,
                    other_id=draw(st.sampled_from([i for i in ids if i != ticket_id])),
                    at=at,
                    actor=agent,
                )
        tickets.append(t)
    return tickets


def _around(at: datetime, zone: timezone, low: bool) -> datetime:
    """A bound just at or beyond ``at`` (half-open: ``from`` inclusive, ``to`` not)."""
    step = timedelta(0) if low else timedelta(microseconds=1)
    return (at + step).astimezone(zone)


@st.composite
def _query_matching(draw: st.DrawFn, tickets: list[Ticket]) -> TicketQuery:
    """A query whose every filter may be set, each chosen so ``target`` passes it."""
    if not tickets:
        return TicketQuery(order=draw(st.sampled_from(Order)))
    target = draw(st.sampled_from(tickets))
    zone = draw(st.sampled_from(_ZONES))
    fields: dict[str, Any] = {
        "customer_id": target.customer.id,
        "asset_serial": target.asset.serial if target.asset is not None else None,
        "kinds": {target.kind},
        "statuses": {target.status, draw(st.sampled_from(Status))},
        "priorities": {target.priority},
        "owner": target.owner,
        "assignee": target.assignee,
        "group": target.group,
        "tier": target.tier,
        "opened_from": _around(target.opened_at, zone, low=True),
        "opened_to": _around(target.opened_at, zone, low=False),
        "updated_from": _around(target.updated_at, zone, low=True),
        "updated_to": _around(target.updated_at, zone, low=False),
        "linked_to": target.links[0].ticket_id if target.links else None,
    }
    chosen = draw(st.sets(st.sampled_from(sorted(fields))))
    return TicketQuery(
        **{name: fields[name] for name in chosen},
        order=draw(st.sampled_from(Order)),
        limit=draw(st.integers(1, 3)),
    )


def _walk(store: TicketStore, query: TicketQuery) -> list[Ticket]:
    seen: list[Ticket] = []
    page = store.find(query)
    while True:
        seen.extend(page.items)
        if page.next_cursor is None:
            return seen
        page = store.find(attrs.evolve(query, after=page.next_cursor))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(tickets=_desk(), data=st.data())
def test_every_filter_at_once_pages_like_the_reference(
    tickets: list[Ticket], data: st.DataObject
) -> None:
    reference = MemoryStore()
    reference.add_many(tickets)
    with SQLiteStore(":memory:") as store:
        store.add_many(tickets)
        for _ in range(4):
            query = data.draw(_query_matching(tickets), label="query")
            want = _walk(reference, query)
            event(f"{min(len(want), 5)} found")
            assert _walk(store, query) == want
            assert store.count(query) == reference.count(query) == len(want)


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        ("deskflow_no_such_backend_module:open_store", ModuleNotFoundError),
        ("deskflow.storage:no_such_factory", AttributeError),
    ],
)
def test_an_entry_point_that_fails_to_load_is_a_storage_error(
    value: str, cause: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    point = importlib.metadata.EntryPoint(
        name="Acme", value=value, group="deskflow.stores"
    )
    with pytest.raises(cause):
        point.load()

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        return [point] if group == "deskflow.stores" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    with pytest.raises(StorageError) as info:
        open_store("ACME://desk")
    assert not isinstance(info.value, ValidationError)
    assert type(info.value.__cause__) is cause
    message = str(info.value)
    assert "'acme://'" in message
    assert value in message
    assert "deskflow.stores" in message


def test_an_entry_point_whose_module_raises_on_import_is_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    (tmp_path / "deskflow_broken_backend.py").write_text(
        "raise RuntimeError('the driver is missing')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    point = importlib.metadata.EntryPoint(
        name="broken", value="deskflow_broken_backend:open", group="deskflow.stores"
    )
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda *, group: [point])
    with pytest.raises(StorageError, match="the driver is missing") as info:
        open_store("broken://x")
    assert isinstance(info.value.__cause__, RuntimeError)
    assert "broken" in str(info.value)


# -- search on a database this connection cannot write ----------------------------

_WORDS = ("printer", "toner", "jam", "vpn", "drops", "ok", "x", "%", "tray_2")


def _read_only(path: Path, how: str) -> SQLiteStore:
    """A store on ``path`` whose connection cannot write, by one of two means."""
    if how == "uri":
        return SQLiteStore(f"file:{path}?mode=ro")
    store = SQLiteStore(path)
    store._conn.execute("PRAGMA query_only = ON")
    return store


@pytest.mark.parametrize("how", ["uri", "query_only"])
def test_search_on_a_read_only_connection_finds_unindexed_text(
    how: str, tmp_path: Path
) -> None:
    path = tmp_path / "desk.db"
    with SQLiteStore(path) as writer:
        assert writer.full_text
        writer.add(incident("t-1", summary="Toner low"))
        assert [t.id for t in writer.search("toner")] == ["t-1"]  # indexed
        writer.add(incident("t-2", summary="VPN drops", minutes=1))
        writer.save(
            with_notes(writer.get("t-1"), 1, text="toner replaced, printer ok"),
            expected_version=1,
        )
    indexed = _indexed_up_to(path)
    reader = _read_only(path, how)
    try:
        assert reader.count() == 2  # the same file, opened
        with pytest.raises(StorageError):
            reader.add(incident("t-3"))  # it really cannot write
        assert [t.id for t in reader.search("toner")] == ["t-1"]
        assert [t.id for t in reader.search("printer OK")] == ["t-1"]
        assert [t.id for t in reader.search("vpn")] == ["t-2"]
        assert [t.id for t in reader.search("drops toner")] == []
    finally:
        reader.close()
    assert _indexed_up_to(path) == indexed  # the searches wrote nothing


def _indexed_up_to(path: Path) -> int:
    with SQLiteStore(path) as store:
        value: int = store._conn.execute(
            "SELECT value FROM deskflow_meta WHERE key = 'fts_indexed_rowid'"
        ).fetchone()[0]
    return value


@st.composite
def _texts(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4)))


@settings(max_examples=40, deadline=None)
@given(
    before=st.lists(_texts(), max_size=4),
    after=st.lists(_texts(), max_size=4),
    notes=st.lists(st.tuples(st.integers(0, 7), _texts()), max_size=4),
    queries=st.lists(_texts(), min_size=1, max_size=4),
)
def test_read_only_search_answers_like_the_reference(
    before: list[str],
    after: list[str],
    notes: list[tuple[int, str]],
    queries: list[str],
) -> None:
    # Tickets added before a search are indexed; those added after it, and
    # notes saved after it, are not: a read-only search must still find them.
    import tempfile

    reference = MemoryStore()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "desk.db"
        with SQLiteStore(path) as writer:
            for i, text in enumerate(before):
                t = incident(f"t-{i}", summary=text, minutes=i)
                writer.add(t)
                reference.add(t)
            writer.search("x")
            for i, text in enumerate(after, len(before)):
                t = incident(f"t-{i}", summary=text, minutes=i)
                writer.add(t)
                reference.add(t)
            for n, text in notes:
                if reference.count() == 0:
                    break
                ticket_id = f"t-{n % reference.count()}"
                current = reference.get(ticket_id)
                changed = with_notes(current, 1, text=text)
                writer.save(changed, expected_version=current.version)
                reference.save(changed, expected_version=current.version)
        for how in ("uri", "query_only"):
            reader = _read_only(path, how)
            try:
                for query in queries:
                    assert reader.search(query) == reference.search(query)
            finally:
                reader.close()


def test_a_file_uri_to_a_file_that_is_not_sqlite_is_refused_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notes 1.txt"
    path.write_bytes(b"not a database")
    uri = "file:" + str(path).replace(" ", "%20") + "?mode=rw"
    with pytest.raises(StorageError, match="not an SQLite database"):
        SQLiteStore(uri)
    assert path.read_bytes() == b"not a database"


def test_a_saved_timeline_with_an_instant_out_of_order_reads_back(
    store: TicketStore,
) -> None:
    # Ticket.from_events now refuses time running backwards; a timeline
    # saved before that check (a back-dated import) must still be read,
    # listed and exported, as it was saved.
    from deskflow.errors import TimeOrderError
    from deskflow.tickets.model import _fold_events

    t = with_notes(incident("t-1"), 2)
    shuffled = (t.timeline[0], t.timeline[2], t.timeline[1])
    assert shuffled[1].at > shuffled[2].at
    with pytest.raises(TimeOrderError):
        Ticket.from_events(shuffled)
    legacy = _fold_events(shuffled, check_order=False)
    store.add(legacy)
    store.add(incident("t-2"))
    assert store.get("t-1") == legacy
    assert store.timeline("t-1") == shuffled
    assert {x.id for x in store.find(TicketQuery()).items} == {"t-1", "t-2"}
    buffer = io.StringIO()
    assert export_jsonl(store, buffer) == 2
