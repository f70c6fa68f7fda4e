"""The SQLite store: deskflow's embedded default, on the standard ``sqlite3``.

Layout of a deskflow database (schema version :data:`SCHEMA_VERSION`):

- ``events``: the append-only timeline, one row per event (ticket id, seq,
  type, instant in UTC microseconds, the event as JSON through the package
  converter). A save appends only the ticket's new events, so its cost does
  not depend on the length of the history.
- ``tickets``: one head row per ticket with the indexed columns the queries
  use (customer, asset, kind, status, priority, owner, assignee, group,
  tier, opened/updated instants as integer UTC microseconds) and the
  ``version`` checked by every save.
- ``links``: who links to whom, for ``TicketQuery(linked_to=...)``.
- ``ticket_text``: case-folded summaries, descriptions and note texts for
  :meth:`SQLiteStore.search`, appended like events. When this SQLite has
  FTS5, ``ticket_fts`` indexes it with trigrams; the index catches up at
  the next search, so a save never pays for it. Without FTS5 the table is
  scanned with an escaped ``LIKE``.
- ``deskflow_migrations``: the migrations applied, one row each.

``get`` rebuilds the typed ticket by folding its events
(:meth:`deskflow.Ticket.from_events`): the head row holds no copy of the
state, so nothing is ever re-serialized on save. With the default
converter, event rows are written and read by functions generated from the
event classes (``deskflow.storage._codec``) that give exactly the
converter's text and events, and hand anything unusual to the converter.

The file is marked with ``PRAGMA application_id`` (:data:`APPLICATION_ID`)
and ``PRAGMA user_version`` (the schema version). Opening a file that is
not an SQLite database, or an SQLite database that is not deskflow's, or a
deskflow database newer than this code, raises before anything is written.

Files use WAL journaling; each write is one ``BEGIN IMMEDIATE`` transaction
that re-checks the stored version inside the transaction, so several
threads and processes can share a file and a lost update is impossible:
the loser gets :class:`~deskflow.errors.ConcurrencyConflict`. A save checks
the version with the ``UPDATE`` of the head itself (``WHERE id = ? AND
version = ?``, every column it does not set already equal to its new
value, and the stored last event the ticket's event at that version, so
that the ticket continues the stored history); only when that matches no
row does it read the head to tell a conflict from a missing ticket, or to
set the other columns that changed. The store remembers the last event it
wrote or read for each ticket (the 4,096 used last): a ticket that holds
that very event object was built on the stored history, and its save is
checked in constant time. Any other ticket (rebuilt from JSON, or read by
another store) is first compared with the whole stored history.

>>> from datetime import datetime, timezone
>>> from deskflow import Customer, Incident
>>> store = SQLiteStore(":memory:")
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> inc = Incident.open(summary="VPN drops", customer=Customer(id="c-1", name="Ann"),
...     at=t0, actor="a-1", id="t-1")
>>> store.add(inc)
>>> store.save(inc.start_work(at=t0, actor="a-1"), expected_version=1)
>>> store.get("t-1") == inc.start_work(at=t0, actor="a-1")
True
>>> store.close()
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache, partial
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import cattrs

from deskflow.errors import (
    ConcurrencyConflict,
    DuplicateTicket,
    SchemaVersionError,
    StorageError,
    StoredDataError,
    TicketNotFound,
    ValidationError,
)
from deskflow.storage import _common as c
from deskflow.storage._codec import event_codec
from deskflow.storage.protocol import Order, Page, TicketQuery
from deskflow.tickets import events as ev
from deskflow.tickets.events import Event
from deskflow.tickets.model import Ticket, _fold_events

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SQLiteStore"]

APPLICATION_ID = 0x44534B46
"""``PRAGMA application_id`` of every deskflow database (``"DSKF"``)."""

SCHEMA_VERSION = 1
"""The database schema this code reads and writes (``PRAGMA user_version``)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_READONLY = 8  # the primary result code of a refused write

_SCHEMA_1 = (
    """CREATE TABLE deskflow_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
    )""",
    """CREATE TABLE tickets (
        id TEXT NOT NULL PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        asset_serial TEXT,
        owner TEXT,
        assignee TEXT,
        grp TEXT,
        tier TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX tickets_opened ON tickets (opened_at, id)",
    "CREATE INDEX tickets_updated ON tickets (updated_at, id)",
    "CREATE INDEX tickets_customer ON tickets (customer_id, opened_at, id)",
    "CREATE INDEX tickets_asset ON tickets (asset_serial, opened_at, id)",
    "CREATE INDEX tickets_status ON tickets (status, opened_at)",
    "CREATE INDEX tickets_assignee ON tickets (assignee, opened_at)",
    "CREATE INDEX tickets_group ON tickets (grp, opened_at)",
    """CREATE TABLE events (
        ticket_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (ticket_id, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE links (
        other_id TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        relation TEXT NOT NULL,
        PRIMARY KEY (other_id, ticket_id, relation)
    ) WITHOUT ROWID""",
)
_TEXT_PLAIN = "CREATE TABLE ticket_text (ticket_id TEXT NOT NULL, body TEXT NOT NULL)"
# An external-content index over ticket_text, brought up to date by search():
# indexing each save's note in its own transaction would cost milliseconds.
_TEXT_FTS = (
    "CREATE VIRTUAL TABLE ticket_fts USING fts5(body, content = 'ticket_text', "
    "content_rowid = 'rowid', tokenize = 'trigram')",
    "CREATE TABLE deskflow_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO deskflow_meta (key, value) VALUES ('fts_indexed_rowid', 0)",
)

# (version, name, statements); the text table is chosen when the migration runs.
_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "tickets, events, links and search text", _SCHEMA_1),
)

_HEAD_COLUMNS = (
    "id, reference, kind, status, priority, customer_id, asset_serial, owner, "
    "assignee, grp, tier, opened_at, updated_at, version"
)
_INSERT_HEAD = f"INSERT INTO tickets ({_HEAD_COLUMNS}) VALUES ({', '.join('?' * 14)})"
# Head columns a save may change; the last one is the version.
_MUTABLE_COLUMNS = (
    "status",
    "priority",
    "customer_id",
    "asset_serial",
    "owner",
    "assignee",
    "grp",
    "tier",
    "updated_at",
    "version",
)
_SELECT_HEAD = (
    f"SELECT version, {', '.join(_MUTABLE_COLUMNS)} FROM tickets WHERE id = ?"
)
_STATUS, _UPDATED_AT, _VERSION = (
    _MUTABLE_COLUMNS.index(name) for name in ("status", "updated_at", "version")
)


@cache
def _update_head_sql(changed: tuple[int, ...], *, checked: bool) -> str:
    """``UPDATE`` of the ``changed`` head columns (indices into _MUTABLE_COLUMNS).

    Only changed columns are named in SET: SQLite rewrites the entry of every
    index on a column named there, even for an equal value. ``checked`` adds
    a WHERE that holds only if the row has the version read, every other
    column already has its new value and the stored last event is, to the
    byte, the ticket's event at that version: then the update leaves exactly
    the new head, and otherwise it changes no row at all.
    """
    assignments = ", ".join(f"{_MUTABLE_COLUMNS[i]} = ?" for i in changed)
    sql = f"UPDATE tickets SET {assignments} WHERE id = ?"
    if checked:
        others = [
            f" AND {column} IS ?"
            for i, column in enumerate(_MUTABLE_COLUMNS)
            if i not in changed
        ]
        sql += (
            " AND version = ?"
            + "".join(others)
            + " AND EXISTS (SELECT 1 FROM events WHERE ticket_id = tickets.id"
            " AND seq = tickets.version AND data = ?)"
        )
    return sql


def _guess(
    changed: tuple[int, ...],
) -> tuple[str, Callable[[Sequence[Any]], Any], Callable[[Sequence[Any]], Any]]:
    """The checked ``UPDATE`` for a guess, and getters of its SET and WHERE values."""
    others = tuple(i for i in range(len(_MUTABLE_COLUMNS)) if i not in changed)
    return (
        _update_head_sql(changed, checked=True),
        itemgetter(*changed),
        itemgetter(*others),
    )


# What a save most often changes: the update instant and the version, and the
# status when a new event moved it (every event says so in its ``status``).
_GUESSES = (
    _guess((_UPDATED_AT, _VERSION)),
    _guess((_STATUS, _UPDATED_AT, _VERSION)),
)
_INSERT_EVENT = (
    "INSERT INTO events (ticket_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_LINK = (
    "INSERT OR IGNORE INTO links (other_id, ticket_id, relation) VALUES (?, ?, ?)"
)
_INSERT_TEXT = "INSERT INTO ticket_text (ticket_id, body) VALUES (?, ?)"

_ORDER_COLUMN = {
    Order.OPENED_ASC: "opened_at",
    Order.OPENED_DESC: "opened_at",
    Order.UPDATED_ASC: "updated_at",
    Order.UPDATED_DESC: "updated_at",
}
_CHUNK = 256  # tickets loaded per statement when streaming
_KNOWN_LAST = 4096  # tickets whose last event text a store keeps for saves
_PREFILTER_CHARS = 200  # a prefix of a word is enough for the search prefilter
_PREFILTER_TERMS = 16  # and so are a few of its words


def _fts5_trigram_available() -> bool:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'trigram')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


@cache
def _default_converter() -> cattrs.Converter:
    # Building a converter takes a while, so stores given none share one. Rows
    # were written by this code, so the converter skips cattrs' detailed error
    # collection (about twice as fast); a bad row still fails, as StorageError.
    from deskflow.serialization import configure_converter

    return configure_converter(
        cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    )


@cache
def _default_codec() -> tuple[Callable[[Event], str], Callable[[str], Event]]:
    return event_codec(_default_converter())  # type: ignore[return-value]


def _translate(exc: sqlite3.Error, doing: str) -> StorageError:
    """The one place where driver errors become deskflow errors."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and (
        "locked" in text or "busy" in text
    ):
        return StorageError(
            f"{doing}: the database stayed locked by another connection beyond the "
            "busy timeout; retry, or open the store with a longer timeout"
        )
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "encrypted" in text
    ):
        return StorageError(
            f"{doing}: the file is not a readable SQLite database ({text})"
        )
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in text:
        return StorageError("the store is closed")
    return StorageError(f"{doing}: {type(exc).__name__}: {text}")


def _driver_error(exc: Exception, doing: str) -> Exception | None:
    """The deskflow error for a driver error met while ``doing``; ``None`` if not one."""
    if isinstance(exc, sqlite3.Error):
        return _translate(exc, doing)
    if isinstance(exc, UnicodeEncodeError):
        return ValidationError(
            f"{doing}: a text is not valid Unicode ({exc.reason}); it cannot be stored",
            path="$",
        )
    return None


@contextmanager
def _driver_errors(doing: str) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, UnicodeEncodeError) as exc:
        raise _driver_error(exc, doing) from exc  # type: ignore[misc]


def _is_read_only(exc: BaseException | None) -> bool:
    """Whether ``exc`` is SQLite refusing a write to a read-only file or connection."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return bool(code & 0xFF == _SQLITE_READONLY)
    return "readonly" in str(exc)  # pragma: no cover - Python 3.10


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold_text(texts: Iterable[str]) -> str:
    # NUL ends a C string inside SQLite's LIKE; a space keeps the prefilter a superset.
    return "\n".join(t.casefold() for t in texts if t).replace("\x00", " ")


# The keyword options of SQLiteStore, which open_store("sqlite://...") passes on.
_OPTIONS = ("timeout", "durable", "full_text", "converter")


def _check_options(
    path: object, timeout: object, durable: object, full_text: object, converter: object
) -> None:
    """Refuse a wrong argument of SQLiteStore before anything is opened."""
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise ValidationError(
            "expected a file path (str or os.PathLike of str), ':memory:' or a "
            f"'file:' URI, got {type(path).__name__}",
            path="path",
        )
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout < 0
    ):
        raise ValidationError(
            f"must be a number of seconds, 0 or more, got {timeout!r}", path="timeout"
        )
    for name, flag in (("durable", durable), ("full_text", full_text)):
        if not isinstance(flag, bool):
            raise ValidationError(f"must be True or False, got {flag!r}", path=name)
    if converter is not None and not isinstance(converter, cattrs.BaseConverter):
        raise ValidationError(
            f"expected a cattrs converter or None, got {type(converter).__name__}",
            path="converter",
        )


class SQLiteStore:
    """A :class:`~deskflow.storage.protocol.TicketStore` in one SQLite file.

    Args:
        path: The database file (created if missing), ``":memory:"``, or an
            SQLite ``file:`` URI: ``f"file:{path}?mode=ro"`` opens the file
            read-only (reads and search work; writes raise ``StorageError``).
        timeout: Seconds to wait for another connection's write lock before
            raising :class:`~deskflow.errors.StorageError`.
        durable: ``True`` syncs the WAL on every commit (``synchronous=FULL``):
            a commit survives a power cut. The default (``NORMAL``) survives a
            crash of the process, and a power cut may lose the last commits.
        full_text: When a new database is created, index search text with
            FTS5 (trigram) if this SQLite has it. ``False`` keeps a plain
            table scanned with ``LIKE``: saves and imports are cheaper,
            searches slower. Ignored for an existing database.
        converter: The ``cattrs`` converter for events (default: one
            configured by :func:`deskflow.serialization.configure_converter`,
            mirrored by generated encoders and decoders for speed). A
            converter of your own is used as given for every event.

    Attributes:
        path: The path given (``":memory:"`` for an in-memory database).
        journal_mode: ``"wal"`` for files, ``"memory"`` in memory.
        full_text: Whether search uses the FTS5 trigram index.

    Raises:
        ValidationError: an argument has the wrong type, or ``timeout`` is
            negative or not finite; ``path`` names it, nothing is opened.
        StorageError: ``path`` is not an SQLite database, or is someone
            else's; the file is left untouched.
        SchemaVersionError: the database was written by a newer deskflow.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with SQLiteStore(os.path.join(tmp, "desk.db")) as store:
    ...         print(store.count(), store.journal_mode)
    0 wal
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 5.0,
        durable: bool = False,
        full_text: bool = True,
        converter: cattrs.Converter | None = None,
    ) -> None:
        _check_options(path, timeout, durable, full_text, converter)
        self._converter = converter if converter is not None else _default_converter()
        # The generated codec mirrors the default converter only.
        self._codec = _default_codec() if converter is None else None
        self.path = os.fspath(path)
        self._in_memory = self.path == ":memory:" or self.path.startswith(
            "file::memory:"
        )
        self._lock = threading.RLock()
        self._closed = False
        # Per ticket id (the 4,096 last used), the last event this store
        # wrote or read and its row text: a save whose ticket holds that very
        # event continues the stored history, checked in constant time. Only
        # a cache: a miss compares the whole stored history (linear), and an
        # entry is right for its own object.
        self._known_last: dict[str, tuple[Event, str]] = {}
        self._want_full_text = full_text
        self._structure_event = self._make_event_structurer()
        self._unstructure_event = self._make_event_unstructurer()
        if "\x00" in self.path:  # else a bare ValueError from sqlite3.connect
            raise StorageError(
                f"cannot open {self.path!r}: a file path cannot hold a NUL character"
            )
        uri = self.path.startswith("file:")
        if not self._in_memory:
            _check_header(_uri_file(self.path) if uri else self.path)
        with _driver_errors(f"opening {self.path}"):
            self._conn = sqlite3.connect(
                self.path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=uri,
            )
        self._cursor = self._conn.cursor()  # reused by save, under the lock
        try:
            self._open(durable)
        except BaseException:
            self._conn.close()
            raise

    # -- opening, checking and migrating -------------------------------------

    def _open(self, durable: bool) -> None:
        conn = self._conn
        with _driver_errors(f"reading {self.path}"):
            self._check_ours(conn)
            if not self._in_memory:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                self.journal_mode: str = str(mode).lower()
            else:
                self.journal_mode = "memory"
            conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            self._migrate()
        with _driver_errors(f"reading {self.path}"):
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'ticket_fts'"
            ).fetchone()
        self.full_text = row is not None

    def _check_ours(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """Refuse a foreign or newer database; nothing has been written yet."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchone()[0]
        if app_id == 0 and version == 0 and tables == 0:
            return app_id, version  # a new, empty database
        if app_id != APPLICATION_ID:
            raise StorageError(
                f"{self.path} is an SQLite database but not a deskflow one "
                f"(application_id={app_id}, {tables} tables); refusing to modify it"
            )
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path} has database schema {version}, newer than this "
                f"deskflow knows ({SCHEMA_VERSION}); upgrade deskflow to open it",
                path="user_version",
            )
        return app_id, version

    def _migrate(self) -> None:
        conn = self._conn
        with self._lock, _driver_errors(f"migrating {self.path}"):
            try:
                conn.execute("BEGIN IMMEDIATE")
                # Another process may have migrated while we waited for the lock.
                _, version = self._check_ours(conn)
                for number, name, statements in _MIGRATIONS:
                    if number <= version:
                        continue
                    for statement in statements:
                        conn.execute(statement)
                    if number == 1:
                        conn.execute(_TEXT_PLAIN)
                        if self._want_full_text and _fts5_trigram_available():
                            for statement in _TEXT_FTS:
                                conn.execute(statement)
                    conn.execute(
                        "INSERT INTO deskflow_migrations (version, name, applied_at) "
                        "VALUES (?, ?, ?)",
                        (number, name, datetime.now(timezone.utc).isoformat()),
                    )
                    conn.execute(f"PRAGMA user_version = {number:d}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def migrations(self) -> tuple[tuple[int, str], ...]:
        """The migrations applied to this database, oldest first: ``(version, name)``.

        >>> with SQLiteStore(":memory:") as store:
        ...     store.migrations()
        ((1, 'tickets, events, links and search text'),)
        """
        rows = self._read(
            "reading migrations",
            lambda conn: conn.execute(
                "SELECT version, name FROM deskflow_migrations ORDER BY version"
            ).fetchall(),
        )
        return tuple((int(v), str(n)) for v, n in rows)

    # -- plumbing ----------------------------------------------------------------

    def _make_event_structurer(self) -> Callable[[str], Event]:
        # Dispatch on the stored "type" tag straight to each class's hook: the
        # same converter, without the tagged union's extra pass. With the
        # default converter, the generated decoder of _codec goes first; it
        # gives up on anything but a row as this code writes it.
        conv = self._converter
        loads = json.loads
        hooks = {
            tag: (conv.get_structure_hook(cls), cls)
            for tag, cls in ev.EVENT_TYPES.items()
        }
        fast = self._codec[1] if self._codec is not None else None

        def structure(data: str) -> Event:
            if fast is not None:
                try:
                    return fast(data)
                except Exception:  # the converter decides below
                    pass
            try:
                raw = loads(data)
                entry = hooks.get(raw.get("type"))
                if entry is None:  # not in EVENT_TYPES: let the union decide
                    event: Event = conv.structure(raw, Event)  # type: ignore[arg-type]
                else:
                    del raw["type"]
                    event = entry[0](raw, entry[1])
            except Exception as exc:  # any failure here means a damaged row
                raise StoredDataError(
                    f"a stored event cannot be read ({type(exc).__name__}: {exc}); "
                    f"the row starts {data[:80]!r}"
                ) from exc
            return event

        return structure

    def _make_event_unstructurer(self) -> Callable[[Event], str]:
        conv = self._converter
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

        hooks = {cls: conv.get_unstructure_hook(cls) for cls in ev.EVENT_TYPES.values()}

        def unstructure(event: Event) -> str:
            hook = hooks.get(type(event))
            if hook is None:  # not in EVENT_TYPES: let the union decide
                return dumps(conv.unstructure(event, Event))
            data = hook(event)
            data["type"] = event.type  # where the tagged union puts it, too
            return dumps(data)

        if self._codec is None:
            return unstructure
        fast = self._codec[0]

        def encode(event: Event) -> str:
            try:
                return fast(event)
            except Exception:  # a value the generated encoder was not built for
                return unstructure(event)

        return encode

    def _read(self, doing: str, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock, _driver_errors(doing):
            if self._closed:
                raise StorageError("the store is closed")
            return work(self._conn)

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction; rolled back on any error."""
        with self._lock, _driver_errors(doing):
            if self._closed:
                raise StorageError("the store is closed")
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _remember(self, ticket_id: str, event: Event, data: str) -> None:
        """Keep ``data``, the row text of ``event``, as the ticket's known last event."""
        known = self._known_last
        known.pop(ticket_id, None)  # re-inserted last: the dict keeps use order
        if len(known) >= _KNOWN_LAST:
            del known[next(iter(known))]  # the least recently remembered
        known[ticket_id] = (event, data)

    def _fold(
        self, rows: Sequence[tuple[str]] | Sequence[str], ticket_id: str
    ) -> Ticket:
        """The ticket of one ticket's rows; an error names ``ticket_id`` (or the reference)."""
        try:
            # Not the order check of Ticket.from_events: what was saved reads back.
            return _fold_events(
                self._events(rows, ticket_id), check_order=False, check_fields=False
            )
        except StorageError:
            raise
        except Exception as exc:  # readable events that do not make a ticket
            raise StoredDataError(
                f"ticket {ticket_id!r}: its stored events do not make a ticket "
                f"({type(exc).__name__}: {exc})",
                ticket_id=ticket_id,
            ) from exc

    def _events(
        self, rows: Sequence[tuple[str]] | Sequence[str], ticket_id: str
    ) -> list[Event]:
        """The events of one ticket's rows (in seq order, from 1); a bad row names both."""
        structure = self._structure_event
        try:
            return [structure(r if isinstance(r, str) else r[0]) for r in rows]
        except StorageError:
            # Only when reading failed: find the row, to say which event it is.
            for seq, row in enumerate(rows, 1):
                try:
                    structure(row if isinstance(row, str) else row[0])
                except StorageError as exc:
                    raise StoredDataError(
                        f"ticket {ticket_id!r}, event {seq} (version {seq}): {exc}",
                        ticket_id=ticket_id,
                        version=seq,
                    ) from exc.__cause__
            raise  # pragma: no cover - the same rows failed a moment ago

    @staticmethod
    def _head(ticket: Ticket) -> tuple[Any, ...]:
        assert ticket.kind is not None
        # ``_value_`` is ``.value`` without the descriptor (a hot path).
        return (
            ticket.id,
            ticket.reference,
            ticket.kind._value_,
            ticket.status._value_,
            ticket.priority._value_,
            ticket.customer.id,
            ticket.asset.serial if ticket.asset is not None else None,
            ticket.owner,
            ticket.assignee,
            ticket.group,
            ticket.tier._value_,
            c.micros(ticket.opened_at),
            c.micros(ticket.updated_at),
            ticket.version,
        )

    def _event_rows(
        self, ticket: Ticket, start: int
    ) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
        unstructure = self._unstructure_event
        tid = ticket.id
        rows = []
        links = []
        for seq, event in enumerate(ticket.timeline[start:], start + 1):
            rows.append((tid, seq, event.type, c.micros(event.at), unstructure(event)))
            if isinstance(event, ev.Linked):
                links.append((event.other_id, tid, event.relation.value))
        return rows, links

    # -- writes ------------------------------------------------------------------

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket; ``DuplicateTicket`` if its id or reference is taken.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = SQLiteStore(":memory:")
        >>> store.add(_demo_ticket())
        >>> store.add(_demo_ticket())
        Traceback (most recent call last):
        ...
        deskflow.errors.DuplicateTicket: ticket 't-demo' is already stored; use save() to change it
        >>> store.close()
        """
        self.add_many((ticket,))

    def add_many(self, tickets: Iterable[Ticket]) -> int:
        """Store new tickets in one transaction: all of them or none; returns how many.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> with SQLiteStore(":memory:") as store:
        ...     store.add_many([_demo_ticket()])
        1
        """
        heads: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        links: list[tuple[str, str, str]] = []
        texts: list[tuple[str, str]] = []
        batch: list[Ticket] = []
        lasts: list[str] = []
        for i, ticket in enumerate(tickets):
            t = c.check_ticket(ticket, f"tickets[{i}]")
            batch.append(t)
            heads.append(self._head(t))
            rows, new_links = self._event_rows(t, 0)
            lasts.append(rows[-1][4])
            events.extend(rows)
            links.extend(new_links)
            texts.append((t.id, _fold_text(c.searchable_texts(t))))
        if not batch:
            return 0
        try:
            with self._write("adding tickets") as conn:
                conn.executemany(_INSERT_HEAD, heads)
                conn.executemany(_INSERT_EVENT, events)
                if links:
                    conn.executemany(_INSERT_LINK, links)
                conn.executemany(_INSERT_TEXT, texts)
        except StorageError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise DuplicateTicket(self._first_duplicate(batch)) from exc.__cause__
            raise
        # the tickets' last events, so that saves built on them check in
        # constant time (the last _KNOWN_LAST of a bulk import stay)
        for t, data in zip(batch[-_KNOWN_LAST:], lasts[-_KNOWN_LAST:], strict=True):
            self._remember(t.id, t.timeline[-1], data)
        return len(batch)

    def _first_duplicate(self, batch: Sequence[Ticket]) -> str:
        """Which ticket of a refused batch clashed (the slow path of a failed add)."""
        seen: set[str] = set()
        for t in batch:
            if t.id in seen or t.reference in seen:
                return t.id
            seen.update((t.id, t.reference))
            clash = self._read(
                "checking for duplicates",
                partial(_select_clash, ticket_id=t.id, reference=t.reference),
            )
            if clash:
                return t.id
        return batch[0].id  # pragma: no cover - the constraint named no ticket

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Append the ticket's events after ``expected_version`` and update its head.

        The version is checked inside the write transaction: if another
        thread or process saved first, ``ConcurrencyConflict`` and nothing
        is written. The ticket must continue the stored history, or
        ``ConcurrencyConflict``: checked in constant time for a ticket built
        on one this store read, added or saved, and against every stored
        event for any other ticket. A ticket with no events after
        ``expected_version`` has nothing to save: it is checked the same way
        and nothing is written.

        >>> from deskflow.tickets.model import _demo_ticket, _T0
        >>> store = SQLiteStore(":memory:")
        >>> t = _demo_ticket()
        >>> store.add(t)
        >>> store.save(t.start_work(at=_T0, actor="a-1"), expected_version=1)
        >>> store.save(t.start_work(at=_T0, actor="a-2"), expected_version=1)
        Traceback (most recent call last):
        ...
        deskflow.errors.ConcurrencyConflict: ticket 't-demo' was changed by someone else: read at version 1, stored version is 2; nothing was written
        >>> store.close()
        """
        c.check_ticket(ticket)
        c.check_expected_version(ticket, expected_version)
        new_events = ticket.timeline[expected_version:]
        if not new_events:
            # Nothing to append, so nothing to write: the head row must stay
            # the fold of the stored events, whatever head this ticket has.
            self._check_unchanged(ticket, expected_version)
            return
        rows, links = self._event_rows(ticket, expected_version)
        text = _fold_text(c.new_note_texts(ticket, new_events))
        head = self._head(ticket)
        new = (*head[3:11], head[12], head[13])  # in _MUTABLE_COLUMNS order
        sql, set_values, other_values = _GUESSES[
            any(e.status is not None for e in new_events)
        ]
        # The save must continue the stored history. A ticket built on one
        # this store read or wrote holds the very event object it remembers
        # at that version: the checked UPDATE then compares the stored last
        # event's text, in constant time. Any other ticket is compared with
        # the whole stored history first (below, inside the transaction).
        previous = ticket.timeline[expected_version - 1]
        known = self._known_last.get(ticket.id)
        last: str | None = (
            known[1] if known is not None and known[0] is previous else None
        )
        guess = (
            *set_values(new),
            ticket.id,
            expected_version,
            *other_values(new),
        )
        # One transaction, written out rather than through _write: a save is
        # the hot path, and its statements go through one reused cursor.
        with self._lock:
            if self._closed:
                raise StorageError("the store is closed")
            cur = self._cursor
            try:
                try:
                    # BEGIN inside the try: an interrupt raised as it returns
                    # must not leave the write transaction (and lock) open.
                    cur.execute("BEGIN IMMEDIATE")
                    if last is None:
                        last = self._check_history(cur, ticket, expected_version)
                    # First guess which columns changed; the checked UPDATE
                    # touches no row when the guess or the version is wrong.
                    cur.execute(sql, (*guess, last))
                    if cur.rowcount != 1:
                        self._update_head(cur, ticket, expected_version, new, last)
                    if len(rows) == 1:
                        cur.execute(_INSERT_EVENT, rows[0])
                    elif rows:
                        cur.executemany(_INSERT_EVENT, rows)
                    if links:
                        cur.executemany(_INSERT_LINK, links)
                    if text:
                        cur.execute(_INSERT_TEXT, (ticket.id, text))
                    cur.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        cur.execute("ROLLBACK")
                    raise
                self._remember(ticket.id, ticket.timeline[-1], rows[-1][4])
            except (sqlite3.Error, UnicodeEncodeError) as exc:
                error = _driver_error(exc, f"saving ticket {ticket.id!r}")
                raise error from exc  # type: ignore[misc]

    def _check_unchanged(self, ticket: Ticket, expected_version: int) -> None:
        """``TicketNotFound`` or ``ConcurrencyConflict`` unless ``ticket`` is the stored one.

        For a save with no new events: the stored version must be
        ``expected_version`` and the stored history the ticket's (in constant
        time for the event this store remembers), or the ticket holds events
        the store does not (they would be lost).
        """
        ticket_id = ticket.id
        known = self._known_last.get(ticket_id)
        remembered = known is not None and known[0] is ticket.timeline[-1]

        def read(conn: sqlite3.Connection) -> tuple[Any, Any]:
            head = conn.execute(
                "SELECT version FROM tickets WHERE id = ?", (ticket_id,)
            ).fetchone()
            last = conn.execute(
                "SELECT data FROM events WHERE ticket_id = ? AND seq = ?",
                (ticket_id, expected_version),
            ).fetchone()
            return head, last

        found, stored = self._read(f"saving ticket {ticket_id!r}", read)
        if found is None:
            raise TicketNotFound(ticket_id)
        if found[0] != expected_version or stored is None:
            raise ConcurrencyConflict(
                ticket_id, expected=expected_version, actual=found[0]
            )
        if remembered and known is not None and stored[0] == known[1]:
            return
        self._read(
            f"saving ticket {ticket_id!r}",
            lambda conn: self._check_history(conn.cursor(), ticket, expected_version),
        )

    def _check_history(
        self, cur: sqlite3.Cursor, ticket: Ticket, expected_version: int
    ) -> str:
        """The stored last event's text, once the stored history is the ticket's.

        ``TicketNotFound``, or ``ConcurrencyConflict`` when the store holds
        another number of events or other events than the ticket's first
        ``expected_version`` (each compared as text, then as an event).
        Linear in the history: for tickets this store did not read or write.
        """
        rows = cur.execute(
            "SELECT data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket.id,)
        ).fetchall()
        if not rows:
            raise TicketNotFound(ticket.id)
        if len(rows) != expected_version:
            raise ConcurrencyConflict(
                ticket.id, expected=expected_version, actual=len(rows)
            )
        unstructure, structure = self._unstructure_event, self._structure_event
        for (data,), event in zip(rows, ticket.timeline, strict=False):
            if data != unstructure(event) and structure(data) != event:
                raise ConcurrencyConflict(
                    ticket.id, expected=expected_version, actual=len(rows)
                )
        return str(rows[-1][0])

    def _update_head(
        self,
        cur: sqlite3.Cursor,
        ticket: Ticket,
        expected_version: int,
        new: Sequence[Any],
        last: str,
    ) -> None:
        """Check the stored version and last event, and set the head columns that changed.

        ``last`` is the text of the ticket's event at ``expected_version``
        (as this store writes it, or the row it was read from). A stored row
        with other text (written by another converter or deskflow version)
        is read and compared as an event.
        """
        ticket_id = ticket.id
        found = cur.execute(_SELECT_HEAD, (ticket_id,)).fetchone()
        if found is None:
            raise TicketNotFound(ticket_id)
        if found[0] != expected_version:
            raise ConcurrencyConflict(
                ticket_id, expected=expected_version, actual=found[0]
            )
        stored = cur.execute(
            "SELECT data FROM events WHERE ticket_id = ? AND seq = ?",
            (ticket_id, expected_version),
        ).fetchone()
        if stored is None or (
            stored[0] != last
            and self._structure_event(stored[0])
            != ticket.timeline[expected_version - 1]
        ):
            # The ticket was not built on the stored history: its events
            # would follow events that are not the ones stored.
            raise ConcurrencyConflict(
                ticket_id, expected=expected_version, actual=found[0]
            )
        changed = tuple(i for i, old in enumerate(found[1:]) if old != new[i])
        if changed:
            cur.execute(
                _update_head_sql(changed, checked=False),
                (*(new[i] for i in changed), ticket_id),
            )

    # -- reads -------------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with this id, rebuilt from its events; ``TicketNotFound`` otherwise.

        >>> with SQLiteStore(":memory:") as store:
        ...     store.get("nope")
        Traceback (most recent call last):
        ...
        deskflow.errors.TicketNotFound: no ticket with id or reference 'nope'
        """
        rows = self._read(
            "reading a ticket",
            lambda conn: conn.execute(
                "SELECT data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
            ).fetchall(),
        )
        if not rows:
            raise TicketNotFound(ticket_id)
        ticket = self._fold(rows, ticket_id)
        self._remember(ticket.id, ticket.timeline[-1], rows[-1][0])
        return ticket

    def get_by_reference(self, reference: str) -> Ticket:
        """The ticket with this reference number; ``TicketNotFound`` otherwise.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = SQLiteStore(":memory:")
        >>> store.add(_demo_ticket())
        >>> store.get_by_reference(_demo_ticket().reference).id
        't-demo'
        >>> store.close()
        """
        rows = self._read(
            "reading a ticket",
            lambda conn: conn.execute(
                "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id "
                "WHERE t.reference = ? ORDER BY e.seq",
                (reference,),
            ).fetchall(),
        )
        if not rows:
            raise TicketNotFound(reference)
        try:
            ticket = self._fold(rows, reference)
        except StoredDataError as exc:
            # Name the ticket by its id, as get() does (a cold path: one more query).
            row = self._read(
                "reading a ticket",
                lambda conn: conn.execute(
                    "SELECT id FROM tickets WHERE reference = ?", (reference,)
                ).fetchone(),
            )
            if row is None:  # pragma: no cover - tickets are never deleted
                raise
            raise StoredDataError(
                f"{exc} (the ticket with reference {reference!r} is {row[0]!r})",
                ticket_id=row[0],
                version=exc.version,
            ) from exc.__cause__
        self._remember(ticket.id, ticket.timeline[-1], rows[-1][0])
        return ticket

    def timeline(self, ticket_id: str) -> tuple[Event, ...]:
        """The events of one ticket, oldest first; ``TicketNotFound`` otherwise.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = SQLiteStore(":memory:")
        >>> store.add(_demo_ticket())
        >>> [e.type for e in store.timeline("t-demo")]
        ['opened']
        >>> store.close()
        """
        rows = self._read(
            "reading a timeline",
            lambda conn: conn.execute(
                "SELECT data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
            ).fetchall(),
        )
        if not rows:
            raise TicketNotFound(ticket_id)
        return tuple(self._events(rows, ticket_id))

    @staticmethod
    def _where(q: TicketQuery) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []

        def equal(column: str, value: object) -> None:
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)

        def among(column: str, values: Iterable[Any] | None) -> None:
            if values is not None:
                members = sorted(v.value for v in values)
                where.append(f"{column} IN ({', '.join('?' * len(members))})")
                params.extend(members)

        equal("customer_id", q.customer_id)
        equal("asset_serial", q.asset_serial)
        among("kind", q.kinds)
        among("status", q.statuses)
        among("priority", q.priorities)
        equal("owner", q.owner)
        equal("assignee", q.assignee)
        equal("grp", q.group)
        equal("tier", q.tier.value if q.tier is not None else None)
        for column, bound, op in (
            ("opened_at", q.opened_from, ">="),
            ("opened_at", q.opened_to, "<"),
            ("updated_at", q.updated_from, ">="),
            ("updated_at", q.updated_to, "<"),
        ):
            if bound is not None:
                where.append(f"{column} {op} ?")
                params.append(c.micros(bound))
        if q.linked_to is not None:
            where.append(
                "EXISTS (SELECT 1 FROM links l WHERE l.other_id = ? AND l.ticket_id = tickets.id)"
            )
            params.append(q.linked_to)
        return where, params

    def find(self, query: TicketQuery) -> Page:
        """The matching tickets in ``query.order``, one page at a time (keyset paging).

        >>> with SQLiteStore(":memory:") as store:
        ...     store.find(TicketQuery(customer_id="c-1"))
        Page(items=(), next_cursor=None)
        """
        q = c.check_query(query)
        where, params = self._where(q)
        column = _ORDER_COLUMN[q.order]
        desc = c.descending(q.order)
        if q.after is not None:
            key, after_id = c.decode_cursor(q.after, q.order)
            where.append(f"({column}, id) {'<' if desc else '>'} (?, ?)")
            params.extend((key, after_id))
        direction = "DESC" if desc else "ASC"
        sql = (
            f"WITH page AS (SELECT id, {column} AS k FROM tickets"
            f"{' WHERE ' + ' AND '.join(where) if where else ''}"
            f" ORDER BY k {direction}, id {direction} LIMIT ?) "
            "SELECT page.id, page.k, e.data FROM page JOIN events e ON e.ticket_id = page.id "
            f"ORDER BY page.k {direction}, page.id {direction}, e.seq"
        )
        rows = self._read(
            "finding tickets",
            lambda conn: conn.execute(sql, (*params, q.limit + 1)).fetchall(),
        )
        groups = _group_rows(rows)
        items = tuple(self._fold(data, tid) for tid, _, data in groups[: q.limit])
        cursor = None
        if len(groups) > q.limit:
            last_id, last_key, _ = groups[q.limit - 1]
            cursor = c.encode_cursor(q.order, last_key, last_id)
        return Page(items=items, next_cursor=cursor)

    def count(self, query: TicketQuery | None = None) -> int:
        """How many tickets match ``query`` (all when ``None``); ignores paging.

        >>> with SQLiteStore(":memory:") as store:
        ...     store.count(TicketQuery(owner="a-1"))
        0
        """
        where, params = (
            self._where(c.check_query(query)) if query is not None else ([], [])
        )
        sql = "SELECT count(*) FROM tickets" + (
            " WHERE " + " AND ".join(where) if where else ""
        )
        return int(
            self._read(
                "counting tickets", lambda conn: conn.execute(sql, params).fetchone()[0]
            )
        )

    def iter_all(self) -> Iterator[Ticket]:
        """Every ticket in id order, streamed in small chunks (no long-held lock).

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = SQLiteStore(":memory:")
        >>> store.add(_demo_ticket())
        >>> [t.id for t in store.iter_all()]
        ['t-demo']
        >>> store.close()
        """
        last: str | None = None
        while True:
            condition, params = (
                ("WHERE id > ?", (last,)) if last is not None else ("", ())
            )
            sql = (
                f"WITH page AS (SELECT id FROM tickets {condition} ORDER BY id LIMIT ?) "
                "SELECT page.id, 0, e.data FROM page JOIN events e ON e.ticket_id = page.id "
                "ORDER BY page.id, e.seq"
            )
            rows = self._read(
                "reading all tickets", partial(_fetch_all, sql, (*params, _CHUNK))
            )
            groups = _group_rows(rows)
            for tid, _, data in groups:
                yield self._fold(data, tid)
            if len(groups) < _CHUNK:
                return
            last = groups[-1][0]

    def search(self, text: str, *, limit: int = 20) -> tuple[Ticket, ...]:
        """Tickets whose summary, description or notes contain every word of ``text``.

        Case-insensitive substring match, newest opened first; uses the FTS5
        trigram index when available, else a ``LIKE`` scan (patterns are
        escaped, so ``%`` and ``_`` are plain characters).

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = SQLiteStore(":memory:")
        >>> store.add(_demo_ticket())
        >>> [t.id for t in store.search("PRINTER respond")]
        ['t-demo']
        >>> store.search("100%")
        ()
        >>> store.close()
        """
        words = c.search_words(text)
        c.check_search_limit(limit)
        where: list[str] = []
        params: list[Any] = []
        # The SQL only narrows the candidates (a superset); the exact rule runs
        # in Python below. NUL ends a string inside LIKE, so words are cut there.
        segments = {
            piece[:_PREFILTER_CHARS]
            for word in words
            for piece in word.split("\x00")
            if piece
        }
        for segment in sorted(segments, key=len, reverse=True)[:_PREFILTER_TERMS]:
            if self.full_text and len(segment) >= 3:
                # The index, and a scan of the text it has not caught up with
                # (none after a catch-up; the rest when it could not be written).
                where.append(
                    "id IN (SELECT ticket_id FROM ticket_text WHERE rowid IN "
                    "(SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?) "
                    "UNION ALL SELECT ticket_id FROM ticket_text WHERE rowid > "
                    "(SELECT value FROM deskflow_meta WHERE key = 'fts_indexed_rowid') "
                    "AND body LIKE ? ESCAPE '\\')"
                )
                params.append('"' + segment.replace('"', '""') + '"')
                params.append("%" + _escape_like(segment) + "%")
            else:
                where.append(
                    "id IN (SELECT ticket_id FROM ticket_text "
                    "WHERE body LIKE ? ESCAPE '\\')"
                )
                params.append("%" + _escape_like(segment) + "%")
        if self.full_text:
            try:
                self._catch_up_index()
            except StorageError as exc:
                # A read-only file or connection: the query above also scans
                # the text not yet indexed, so the answer stays whole.
                if not _is_read_only(exc.__cause__):
                    raise
        sql = (
            "SELECT id FROM tickets"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY opened_at DESC, id DESC"
        )
        ids = [
            r[0]
            for r in self._read(
                "searching tickets", lambda conn: conn.execute(sql, params).fetchall()
            )
        ]
        found: list[Ticket] = []
        for ticket_id in ids:
            try:
                ticket = self.get(ticket_id)
            except TicketNotFound:  # pragma: no cover - tickets are never deleted
                continue
            if c.text_matches(c.searchable_texts(ticket), words):
                found.append(ticket)
                if len(found) == limit:
                    break
        return tuple(found)

    def _catch_up_index(self) -> None:
        """Index the search text saved since the last search (one transaction)."""

        def pending(conn: sqlite3.Connection) -> bool:
            done = conn.execute(
                "SELECT value FROM deskflow_meta WHERE key = 'fts_indexed_rowid'"
            ).fetchone()[0]
            last = conn.execute("SELECT max(rowid) FROM ticket_text").fetchone()[0]
            return last is not None and last > done

        if not self._read("checking the search index", pending):
            return
        with self._write("updating the search index") as conn:
            done = conn.execute(
                "SELECT value FROM deskflow_meta WHERE key = 'fts_indexed_rowid'"
            ).fetchone()[0]
            last = conn.execute("SELECT max(rowid) FROM ticket_text").fetchone()[0]
            if last is None or last <= done:
                return  # another connection caught up meanwhile
            conn.execute(
                "INSERT INTO ticket_fts (rowid, body) "
                "SELECT rowid, body FROM ticket_text WHERE rowid > ? ORDER BY rowid",
                (done,),
            )
            conn.execute(
                "UPDATE deskflow_meta SET value = ? WHERE key = 'fts_indexed_rowid'",
                (last,),
            )

    # -- life cycle ----------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; later calls raise ``StorageError``.

        >>> store = SQLiteStore(":memory:")
        >>> store.close()
        >>> store.count()
        Traceback (most recent call last):
        ...
        deskflow.errors.StorageError: the store is closed
        """
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SQLiteStore {self.path!r}>"


def _select_clash(
    conn: sqlite3.Connection, *, ticket_id: str, reference: str
) -> object:
    return conn.execute(
        "SELECT 1 FROM tickets WHERE id = ? OR reference = ?", (ticket_id, reference)
    ).fetchone()


def _fetch_all(sql: str, params: Sequence[Any], conn: sqlite3.Connection) -> list[Any]:
    return conn.execute(sql, params).fetchall()


def _group_rows(
    rows: Sequence[tuple[str, Any, str]],
) -> list[tuple[str, Any, list[str]]]:
    """``(id, key, data)`` rows, consecutive per ticket, as ``(id, key, [data...])``."""
    groups: list[tuple[str, Any, list[str]]] = []
    for ticket_id, key, data in rows:
        if groups and groups[-1][0] == ticket_id:
            groups[-1][2].append(data)
        else:
            groups.append((ticket_id, key, [data]))
    return groups


def _uri_file(uri: str) -> str:
    """The file an SQLite ``file:`` URI names (its path, percent-decoded)."""
    path = uri[len("file:") :].partition("?")[0].partition("#")[0]
    if path.startswith("//"):  # file://host/path: the authority is empty or localhost
        path = "/" + path[2:].partition("/")[2]
    return unquote(path)


def _check_header(path: str) -> None:
    """Refuse a file that is not an SQLite database before SQLite touches it."""
    file = Path(path)
    if file.is_dir():
        raise StorageError(f"{path!r} is a folder; give the path of a database file")
    if not file.exists() and not file.absolute().parent.is_dir():
        raise StorageError(
            f"cannot create {path}: its folder {str(file.absolute().parent)!r} "
            "does not exist"
        )
    try:
        if not file.exists() or file.stat().st_size == 0:
            return
        with file.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc}") from exc
    if not header.startswith(_SQLITE_MAGIC):
        raise StorageError(
            f"{path} is not an SQLite database (no SQLite header); "
            "refusing to open or modify it"
        )
