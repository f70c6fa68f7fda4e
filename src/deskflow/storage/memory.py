"""The in-memory store: the executable reference of the storage protocol.

:class:`MemoryStore` keeps each ticket as the immutable value it was saved
as, in a dict guarded by one lock. Every query is a plain scan with the
reference filters, so the store is small enough to read in one sitting and
is what :class:`~deskflow.storage.sqlite.SQLiteStore` (and any third-party
backend) is compared with. Use it in tests, notebooks and short-lived tools.

>>> from datetime import datetime, timezone
>>> from deskflow import Customer, Incident
>>> store = MemoryStore()
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> inc = Incident.open(summary="VPN drops", customer=Customer(id="c-1", name="Ann"),
...     at=t0, actor="a-1", id="t-1")
>>> store.add(inc)
>>> store.save(inc.start_work(at=t0, actor="a-1"), expected_version=1)
>>> store.get("t-1").status.value, store.count()
('in_progress', 1)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from deskflow.errors import (
    ConcurrencyConflict,
    DuplicateTicket,
    StorageError,
    TicketNotFound,
)
from deskflow.storage import _common as c
from deskflow.storage.protocol import Page, TicketQuery
from deskflow.tickets.events import Event
from deskflow.tickets.model import Ticket

__all__ = ["MemoryStore"]


class MemoryStore:
    """A thread-safe, in-process :class:`~deskflow.storage.protocol.TicketStore`.

    Also implements :class:`~deskflow.storage.protocol.SearchableStore`
    (case-insensitive substring search, every word must appear).

    >>> store = MemoryStore()
    >>> store.count(), list(store.iter_all())
    (0, [])
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tickets: dict[str, Ticket] = {}
        self._references: dict[str, str] = {}
        self._closed = False

    def __repr__(self) -> str:
        return f"<MemoryStore {len(self._tickets)} tickets>"

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")

    # -- writes ----------------------------------------------------------------

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket; ``DuplicateTicket`` if its id or reference is taken.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = MemoryStore()
        >>> store.add(_demo_ticket())
        >>> store.add(_demo_ticket())
        Traceback (most recent call last):
        ...
        deskflow.errors.DuplicateTicket: ticket 't-demo' is already stored; use save() to change it
        """
        self.add_many((ticket,))

    def add_many(self, tickets: Iterable[Ticket]) -> int:
        """Store new tickets, all or none; returns how many.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> MemoryStore().add_many([_demo_ticket()])
        1
        """
        batch = [c.check_ticket(t, f"tickets[{i}]") for i, t in enumerate(tickets)]
        with self._lock:
            self._check_open()
            ids: set[str] = set()
            refs: set[str] = set()
            for t in batch:
                if (
                    t.id in self._tickets
                    or t.reference in self._references
                    or t.id in ids
                    or t.reference in refs
                ):
                    raise DuplicateTicket(t.id)
                ids.add(t.id)
                refs.add(t.reference)
            for t in batch:
                self._tickets[t.id] = t
                self._references[t.reference] = t.id
        return len(batch)

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Replace the stored ticket if it is still at ``expected_version``.

        The ticket must continue the stored history: its first
        ``expected_version`` events must be the stored ones, or
        ``ConcurrencyConflict`` (nothing is replaced).

        >>> from deskflow.tickets.model import _demo_ticket, _T0
        >>> store = MemoryStore()
        >>> t = _demo_ticket()
        >>> store.add(t)
        >>> store.save(t.start_work(at=_T0, actor="a-1"), expected_version=1)
        >>> store.save(t.start_work(at=_T0, actor="a-2"), expected_version=1)
        Traceback (most recent call last):
        ...
        deskflow.errors.ConcurrencyConflict: ticket 't-demo' was changed by someone else: read at version 1, stored version is 2; nothing was written
        """
        c.check_ticket(ticket)
        c.check_expected_version(ticket, expected_version)
        with self._lock:
            self._check_open()
            stored = self._tickets.get(ticket.id)
            if stored is None:
                raise TicketNotFound(ticket.id)
            if stored.version != expected_version:
                raise ConcurrencyConflict(
                    ticket.id, expected=expected_version, actual=stored.version
                )
            # Linear in the history (fast where the events are the very
            # objects stored): the reference backend checks it all.
            if stored.timeline != ticket.timeline[:expected_version]:
                # Not built on the stored history: refuse rather than drop
                # the stored events (or, with no new events, the ticket's).
                raise ConcurrencyConflict(
                    ticket.id, expected=expected_version, actual=stored.version
                )
            if ticket.version > expected_version:
                self._tickets[ticket.id] = ticket

    # -- reads -----------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with this id; ``TicketNotFound`` otherwise.

        >>> MemoryStore().get("nope")
        Traceback (most recent call last):
        ...
        deskflow.errors.TicketNotFound: no ticket with id or reference 'nope'
        """
        with self._lock:
            self._check_open()
            ticket = self._tickets.get(ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        return ticket

    def get_by_reference(self, reference: str) -> Ticket:
        """The ticket with this reference number; ``TicketNotFound`` otherwise.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = MemoryStore()
        >>> store.add(_demo_ticket())
        >>> store.get_by_reference(_demo_ticket().reference).id
        't-demo'
        """
        with self._lock:
            self._check_open()
            ticket_id = self._references.get(reference)
            ticket = self._tickets.get(ticket_id) if ticket_id is not None else None
        if ticket is None:
            raise TicketNotFound(reference)
        return ticket

    def find(self, query: TicketQuery) -> Page:
        """The matching tickets in ``query.order``, one page at a time.

        >>> MemoryStore().find(TicketQuery(customer_id="c-1"))
        Page(items=(), next_cursor=None)
        """
        q = c.check_query(query)
        desc = c.descending(q.order)
        after = c.decode_cursor(q.after, q.order) if q.after is not None else None
        with self._lock:
            self._check_open()
            candidates = [t for t in self._tickets.values() if c.matches(t, q)]
        keyed = sorted(
            ((c.sort_key(t, q.order), t.id, t) for t in candidates),
            key=lambda item: (item[0], item[1]),
            reverse=desc,
        )
        if after is not None:
            keyed = [
                item
                for item in keyed
                if ((item[0], item[1]) < after if desc else (item[0], item[1]) > after)
            ]
        items = keyed[: q.limit]
        cursor = None
        if len(keyed) > q.limit:
            key, ticket_id, _ = items[-1]
            cursor = c.encode_cursor(q.order, key, ticket_id)
        return Page(items=tuple(t for _, _, t in items), next_cursor=cursor)

    def count(self, query: TicketQuery | None = None) -> int:
        """How many tickets match ``query`` (all when ``None``).

        >>> MemoryStore().count(TicketQuery(owner="a-1"))
        0
        """
        q = c.check_query(query) if query is not None else None
        with self._lock:
            self._check_open()
            if q is None:
                return len(self._tickets)
            return sum(1 for t in self._tickets.values() if c.matches(t, q))

    def timeline(self, ticket_id: str) -> tuple[Event, ...]:
        """The events of one ticket, oldest first.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = MemoryStore()
        >>> store.add(_demo_ticket())
        >>> [e.type for e in store.timeline("t-demo")]
        ['opened']
        """
        return self.get(ticket_id).timeline

    def iter_all(self) -> Iterator[Ticket]:
        """Every ticket in id order (a snapshot taken when iteration starts).

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = MemoryStore()
        >>> store.add(_demo_ticket())
        >>> [t.id for t in store.iter_all()]
        ['t-demo']
        """
        with self._lock:
            self._check_open()
            snapshot = sorted(self._tickets.items())
        for _, ticket in snapshot:
            yield ticket

    def search(self, text: str, *, limit: int = 20) -> tuple[Ticket, ...]:
        """Tickets whose summary, description or notes contain every word of ``text``.

        Case-insensitive substring match; newest opened first.

        >>> from deskflow.tickets.model import _demo_ticket
        >>> store = MemoryStore()
        >>> store.add(_demo_ticket())
        >>> [t.id for t in store.search("PRINTER respond")]
        ['t-demo']
        """
        words = c.search_words(text)
        c.check_search_limit(limit)
        with self._lock:
            self._check_open()
            found = [
                t
                for t in self._tickets.values()
                if c.text_matches(c.searchable_texts(t), words)
            ]
        found.sort(key=lambda t: (c.micros(t.opened_at), t.id), reverse=True)
        return tuple(found[:limit])

    def close(self) -> None:
        """Forget every ticket; later calls raise ``StorageError``.

        >>> store = MemoryStore()
        >>> store.close()
        >>> store.count()
        Traceback (most recent call last):
        ...
        deskflow.errors.StorageError: the store is closed
        """
        with self._lock:
            self._closed = True
            self._tickets.clear()
            self._references.clear()
