"""Write a storage backend and prove it with deskflow's contract kit.

``EventListStore`` keeps each ticket as the list of its events (appended to,
never rewritten) plus the current ticket value as the head, all in a few
dicts behind one lock. It is written from scratch against the
:class:`~deskflow.storage.TicketStore` protocol, the way a third-party
backend would be, and then checked twice:

1. :class:`~deskflow.testing.contract.StoreContract`: the contract tests
   (round trips, duplicates, atomic batches, stale saves, every query
   filter, ordering and keyset paging, time zones, threads).
2. :func:`~deskflow.testing.contract.make_state_machine`: random operations
   on this store and on ``MemoryStore``, which must agree.

Run it with ``python examples/custom_store.py`` (it runs the contract
programmatically and prints a summary), or with ``pytest
examples/custom_store.py`` (pytest collects the two ``Test...`` classes).
"""

from __future__ import annotations

import io
import threading
import unittest
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone

from hypothesis import settings

from deskflow.errors import (
    ConcurrencyConflict,
    DuplicateTicket,
    StorageError,
    TicketNotFound,
)
from deskflow.storage import Order, Page, TicketQuery, TicketStore
from deskflow.testing.contract import StoreContract, make_state_machine
from deskflow.tickets import Ticket
from deskflow.tickets.events import Event

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _micros(at: datetime) -> int:
    # Integer microseconds since the epoch: instants in any zone compare exactly.
    return (at - _EPOCH) // timedelta(microseconds=1)


def _matches(t: Ticket, q: TicketQuery) -> bool:
    def within(at: datetime, start: datetime | None, end: datetime | None) -> bool:
        return (start is None or at >= start) and (end is None or at < end)

    return (
        (q.customer_id is None or t.customer.id == q.customer_id)
        and (
            q.asset_serial is None
            or (t.asset is not None and t.asset.serial == q.asset_serial)
        )
        and (q.kinds is None or t.kind in q.kinds)
        and (q.statuses is None or t.status in q.statuses)
        and (q.priorities is None or t.priority in q.priorities)
        and (q.owner is None or t.owner == q.owner)
        and (q.assignee is None or t.assignee == q.assignee)
        and (q.group is None or t.group == q.group)
        and (q.tier is None or t.tier is q.tier)
        and within(t.opened_at, q.opened_from, q.opened_to)
        and within(t.updated_at, q.updated_from, q.updated_to)
        and (
            q.linked_to is None
            or any(link.ticket_id == q.linked_to for link in t.links)
        )
    )


class EventListStore:
    """A thread-safe, in-process ticket store: event lists plus heads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, list[Event]] = {}
        self._heads: dict[str, Ticket] = {}
        self._references: dict[str, str] = {}
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")

    def add(self, ticket: Ticket) -> None:
        self.add_many([ticket])

    def add_many(self, tickets: Iterable[Ticket]) -> int:
        batch = list(tickets)
        with self._lock:
            self._check_open()
            ids, references = set(self._heads), set(self._references)
            for t in batch:  # check everything before writing anything
                if t.id in ids or t.reference in references:
                    raise DuplicateTicket(t.id)
                ids.add(t.id)
                references.add(t.reference)
            for t in batch:
                self._events[t.id] = list(t.timeline)
                self._heads[t.id] = t
                self._references[t.reference] = t.id
        return len(batch)

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        with self._lock:
            self._check_open()
            events = self._events.get(ticket.id)
            if events is None:
                raise TicketNotFound(ticket.id)
            if len(events) != expected_version:
                raise ConcurrencyConflict(
                    ticket.id, expected=expected_version, actual=len(events)
                )
            # The ticket must have been built on the stored history, not on
            # another writer's fork that happens to have as many events.
            if tuple(events) != ticket.timeline[:expected_version]:
                raise ConcurrencyConflict(
                    ticket.id, expected=expected_version, actual=len(events)
                )
            events.extend(ticket.timeline[expected_version:])  # only the new events
            self._heads[ticket.id] = ticket

    def get(self, ticket_id: str) -> Ticket:
        with self._lock:
            self._check_open()
            if ticket_id not in self._heads:
                raise TicketNotFound(ticket_id)
            return self._heads[ticket_id]

    def get_by_reference(self, reference: str) -> Ticket:
        with self._lock:
            self._check_open()
            if reference not in self._references:
                raise TicketNotFound(reference)
            return self._heads[self._references[reference]]

    def timeline(self, ticket_id: str) -> tuple[Event, ...]:
        with self._lock:
            self._check_open()
            if ticket_id not in self._events:
                raise TicketNotFound(ticket_id)
            return tuple(self._events[ticket_id])

    def find(self, query: TicketQuery) -> Page:
        opened = query.order in (Order.OPENED_ASC, Order.OPENED_DESC)
        descending = query.order in (Order.OPENED_DESC, Order.UPDATED_DESC)
        with self._lock:
            self._check_open()
            found = [t for t in self._heads.values() if _matches(t, query)]
        # Keyset paging: sort by (instant, id); the cursor is the last key seen.
        keyed = sorted(
            ((_micros(t.opened_at if opened else t.updated_at), t.id), t) for t in found
        )
        if descending:
            keyed.reverse()
        if query.after is not None:
            micros, _, last_id = query.after.partition(":")
            last = (int(micros), last_id)
            keyed = [(k, t) for k, t in keyed if (k < last if descending else k > last)]
        page = keyed[: query.limit]
        more = len(keyed) > query.limit
        cursor = f"{page[-1][0][0]}:{page[-1][0][1]}" if more else None
        return Page(items=tuple(t for _, t in page), next_cursor=cursor)

    def count(self, query: TicketQuery | None = None) -> int:
        with self._lock:
            self._check_open()
            heads = list(self._heads.values())
        return sum(1 for t in heads if query is None or _matches(t, query))

    def iter_all(self) -> Iterator[Ticket]:
        with self._lock:
            self._check_open()
            heads = sorted(self._heads.items())
        for _, ticket in heads:
            yield ticket

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._events.clear()
            self._heads.clear()
            self._references.clear()


# -- the proof: what a backend's test module holds ----------------------------


class TestEventListStore(StoreContract):
    # Optional capabilities this backend lacks: their tests skip with the reason.
    durable = False
    supports_search = False

    def make_store(self) -> TicketStore:
        return EventListStore()


TestEventListStoreMatchesMemoryStore = make_state_machine(
    EventListStore, settings=settings(max_examples=25, database=None)
)


def main() -> int:
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite(
        [
            loader.loadTestsFromTestCase(TestEventListStore),
            TestEventListStoreMatchesMemoryStore("runTest"),
        ]
    )
    result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
    skipped = {reason for _, reason in result.skipped}
    print("EventListStore against deskflow's storage contract")
    print(f"  tests run : {result.testsRun}")
    print(f"  failures  : {len(result.failures) + len(result.errors)}")
    print(f"  skipped   : {len(result.skipped)}")
    for reason in sorted(skipped):
        print(f"    - {reason}")
    for case, trace in result.failures + result.errors:
        print(f"FAILED {case.id()}\n{trace}")
    print("passed" if result.wasSuccessful() else "FAILED")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    raise SystemExit(main())
