"""The storage contract kit: prove that a backend keeps deskflow's storage promises.

Every :class:`~deskflow.storage.protocol.TicketStore` — the built-in
:class:`~deskflow.storage.memory.MemoryStore` and
:class:`~deskflow.storage.sqlite.SQLiteStore`, and any third-party backend —
proves itself the same way: its test module subclasses
:class:`StoreContract` and says how to make a fresh, empty store::

    from deskflow.testing.contract import StoreContract

    class TestMyStore(StoreContract):
        def make_store(self):
            return MyStore()

pytest (or ``unittest``) then runs every contract test against that store:
round trips, duplicates, atomic batches, optimistic concurrency, every query
filter, ordering and keyset paging, aware datetimes across zones, threads
and, for durable backends, close and reopen. Optional capabilities are class
flags; a test whose capability is off is skipped with the reason.

:func:`make_state_machine` adds a randomised check: a hypothesis
``RuleBasedStateMachine`` (:class:`StoreStateMachine`) drives the backend and
:class:`~deskflow.storage.memory.MemoryStore` (the executable reference) with
the same random operations and requires the same results and the same
errors.

The import path ``deskflow.testing.contract`` is public and stable. The
module needs the ``testing`` extra (hypothesis); ``import deskflow`` never
imports it.

>>> import io, unittest
>>> from deskflow.storage.memory import MemoryStore
>>> class MemoryContract(StoreContract):
...     def make_store(self):
...         return MemoryStore()
>>> suite = unittest.defaultTestLoader.loadTestsFromTestCase(MemoryContract)
>>> result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
>>> result.wasSuccessful(), len(result.skipped) > 0
(True, True)
"""

# The contract is a unittest.TestCase so that it runs under any runner (pytest,
# unittest, or programmatically) with the same messages: its assertions are
# TestCase methods on purpose, not bare asserts that depend on pytest's rewriting.
# ruff: noqa: PT009, PT027

from __future__ import annotations

import itertools
import threading
import unittest
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, currently_in_test_context, event, given
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
)

from deskflow import errors
from deskflow.clock import to_utc
from deskflow.errors import (
    ConcurrencyConflict,
    DeskflowError,
    DuplicateTicket,
    InvalidTransition,
    StorageError,
    TicketNotFound,
)
from deskflow.parties import Asset, Customer, Tier
from deskflow.priority import Impact, Priority, Urgency
from deskflow.storage.memory import MemoryStore
from deskflow.storage.protocol import (
    Order,
    Page,
    SearchableStore,
    TicketQuery,
    TicketStore,
)
from deskflow.testing import strategies
from deskflow.tickets import link_tickets
from deskflow.tickets.events import Opened
from deskflow.tickets.model import (
    Incident,
    Problem,
    ServiceRequest,
    Ticket,
    make_reference,
)
from deskflow.tickets.notes import ArticleRef, ErrorMessage, Note, Step, StepOutcome
from deskflow.tickets.values import (
    BusinessContext,
    Channel,
    Handoff,
    HoldReason,
    KnownError,
    LinkRelation,
    RequestType,
    Status,
    TicketKind,
)

__all__ = ["StoreContract", "StoreStateMachine", "make_state_machine"]

# -- ticket builders (private: the contract's own fixed data) -------------------

_T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
_BRUSSELS = ZoneInfo("Europe/Brussels")
_NEW_YORK = ZoneInfo("America/New_York")
_KOLKATA = timezone(timedelta(hours=5, minutes=30), "IST")
_ACTOR = "a-contract"

_KIND_CLASSES: dict[TicketKind, type[Ticket]] = {
    TicketKind.INCIDENT: Incident,
    TicketKind.SERVICE_REQUEST: ServiceRequest,
    TicketKind.PROBLEM: Problem,
}


def _h(hours: float) -> datetime:
    return _T0 + timedelta(hours=hours)


def _open(
    ticket_id: str,
    *,
    kind: TicketKind = TicketKind.INCIDENT,
    at: datetime = _T0,
    customer: str = "c-1",
    asset: str | None = None,
    priority: Priority = Priority.MEDIUM,
    owner: str | None = None,
    group: str | None = None,
    tier: Tier = Tier.L1,
    reference: str | None = None,
    summary: str | None = None,
    description: str = "",
) -> Ticket:
    cls = _KIND_CLASSES[kind]
    return cls.open(
        id=ticket_id,
        reference=reference,
        summary=summary or f"contract ticket {ticket_id}",
        description=description,
        customer=Customer(id=customer, name=f"Customer {customer}"),
        asset=Asset(serial=asset) if asset is not None else None,
        priority=priority,
        owner=owner,
        group=group,
        tier=tier,
        at=at,
        actor=_ACTOR,
    )


def _note(text: str, at: datetime, author: str = _ACTOR) -> Note:
    return Note(author=author, at=at, text=text)


def _rich_incident() -> Ticket:
    """An incident whose timeline touches most event types and nested values."""
    t = Incident.open(
        id="rich-inc",
        summary="Confidential report will not print",
        description="Counsellor must print a report before a 10:00 meeting",
        customer=Customer(
            id="c-17",
            name="Alice Moreau",
            email="alice@example.org",
            organisation="Student Services",
            time_zone="Europe/Brussels",
        ),
        asset=Asset(serial="CN-4821-X", model="LaserJet M404", location="B-2.14"),
        category="printing",
        channel=Channel.EMAIL,
        impact=Impact.LOW,
        urgency=Urgency.HIGH,
        context=BusinessContext(
            deadline=datetime(2026, 3, 2, 10, 0, tzinfo=_BRUSSELS),
            deadline_reason="meeting needs the printed report",
            confidential=True,
            confidentiality_note="report holds student case notes",
        ),
        owner="a-sam",
        at=datetime(2026, 3, 2, 8, 5, tzinfo=_BRUSSELS),
        actor="a-sam",
    )
    t = t.start_work(at=_h(0.1), actor="a-sam")
    t = t.add_note(
        Note(
            author="a-sam",
            at=_h(0.2),
            text="power-cycled, still offline",
            symptoms=("offline in the print queue",),
            errors=(ErrorMessage(text="Error 49.4C02"),),
            steps=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
            articles=(ArticleRef(article_id="KB-101"),),
            next_steps=("escalate to desktop support",),
        )
    )
    t = t.put_on_hold(
        reason=HoldReason.AWAITING_CUSTOMER,
        until=datetime(2026, 3, 2, 16, 0, tzinfo=_NEW_YORK),
        at=_h(0.3),
        actor="a-sam",
        detail="customer away from desk",
    )
    t = t.customer_reply("back at my desk", at=_h(0.4))
    t = t.escalate(
        to_tier=Tier.L2,
        to_group="desktop",
        reason="firmware fault suspected",
        handoff=Handoff(
            contact_verified=True,
            contact="+32 2 555 0101",
            symptoms=("offline",),
            error_messages=(ErrorMessage(text="Error 49.4C02"),),
            screenshots=("att-1",),
            steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
            articles=(ArticleRef(article_id="KB-101"),),
            context=BusinessContext(confidential=True),
            summary="printer offline after power cycle",
        ),
        at=_h(0.5),
        actor="a-sam",
    )
    t = t.change_priority(
        impact=Impact.MEDIUM,
        urgency=Urgency.HIGH,
        justification="deadline at 10:00",
        at=_h(0.6),
        actor="a-sam",
    )
    return t.link(
        relation=LinkRelation.RELATED, other_id="prb-x", at=_h(0.7), actor="a"
    )


def _rich_problem() -> Ticket:
    p = _open("rich-prb", kind=TicketKind.PROBLEM, at=_h(0), priority=Priority.HIGH)
    p = p.start_work(at=_h(1), actor=_ACTOR)
    assert isinstance(p, Problem)
    return p.record_known_error(
        KnownError(root_cause="firmware 2.1 drops jobs", workaround="pin firmware 2.0"),
        at=_h(2),
        actor=_ACTOR,
    )


def _rich_request() -> Ticket:
    r = ServiceRequest.open(
        id="rich-req",
        summary="Access to the case-notes share",
        customer=Customer(id="c-2", name="Bo"),
        request_type=RequestType.ACCESS,
        channel=Channel.PORTAL,
        at=datetime(2026, 3, 2, 4, 0, tzinfo=_NEW_YORK),
        actor=_ACTOR,
    )
    r = r.assign(assignee="a-2", group="access", tier=Tier.L2, at=_h(1), actor=_ACTOR)
    return r.resolve(resolution="access granted", articles=(), at=_h(2), actor=_ACTOR)


def _corpus() -> dict[str, Ticket]:
    """Six tickets that differ in every attribute a query can filter on.

    =====  =======  ========  ========  =====  ============  =========  ========  ==========  =======  ===========
    name   kind     customer  asset     prio   status        owner      assignee  group       tier     opened/upd
    =====  =======  ========  ========  =====  ============  =========  ========  ==========  =======  ===========
    d      problem  c-3       SN-1      P2     new           -          -         -           L1       0h / 12h
    a      inc      c-1       SN-1      P1     assigned      a-1        a-2       desktop     L2       1h / 11h
    b      inc      c-1       -         P4     queued        -          -         network     L1       3h / 12h
    c      request  c-2       SN-2      P3     in_progress   a-3        -         -           L1       5h / 6h
    e      inc      c-2       SN-1      P3     resolved      -          a-2       network     L3       7h / 8h
    f      inc      c-3       -         P5     cancelled     a-1        -         -           L1       9h / 10h
    =====  =======  ========  ========  =====  ============  =========  ========  ==========  =======  ===========

    ``a`` and ``b`` are caused by problem ``d`` (linked both ways).
    """
    d = _open(
        "ct-d",
        kind=TicketKind.PROBLEM,
        at=_h(0),
        customer="c-3",
        asset="SN-1",
        priority=Priority.HIGH,
    )
    a = _open(
        "ct-a",
        at=_h(1),
        customer="c-1",
        asset="SN-1",
        priority=Priority.CRITICAL,
        owner="a-1",
    )
    a = a.assign(assignee="a-2", group="desktop", tier=Tier.L2, at=_h(2), actor=_ACTOR)
    b = _open("ct-b", at=_h(3), customer="c-1", priority=Priority.LOW)
    b = b.route(group="network", at=_h(4), actor=_ACTOR)
    c = _open(
        "ct-c",
        kind=TicketKind.SERVICE_REQUEST,
        at=_h(5),
        customer="c-2",
        asset="SN-2",
        priority=Priority.MEDIUM,
        owner="a-3",
    )
    c = c.start_work(at=_h(6), actor=_ACTOR)
    e = _open("ct-e", at=_h(7), customer="c-2", asset="SN-1", priority=Priority.MEDIUM)
    e = e.assign(
        assignee="a-2", group="network", tier=Tier.L3, at=_h(7.5), actor=_ACTOR
    )
    e = e.resolve(resolution="replaced cable", articles=(), at=_h(8), actor=_ACTOR)
    f = _open("ct-f", at=_h(9), customer="c-3", priority=Priority.PLANNING, owner="a-1")
    f = f.cancel(reason="raised twice", at=_h(10), actor=_ACTOR)
    assert isinstance(a, Incident)
    assert isinstance(b, Incident)
    assert isinstance(d, Problem)
    a, d = link_tickets(a, d, at=_h(11), actor=_ACTOR)
    b, d = link_tickets(b, d, at=_h(12), actor=_ACTOR)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def _renamed(ticket: Ticket, ticket_id: str) -> Ticket:
    """The same ticket under another id (and the reference derived from it)."""
    opened = ticket.timeline[0]
    assert isinstance(opened, Opened)
    assert ticket.kind is not None
    first = attrs.evolve(
        opened, ticket_id=ticket_id, reference=make_reference(ticket.kind, ticket_id)
    )
    return Ticket.from_events((first, *ticket.timeline[1:]))


def _ids(tickets: Iterable[Ticket]) -> list[str]:
    return [t.id for t in tickets]


# -- the contract ----------------------------------------------------------------


class StoreContract(unittest.TestCase):
    """The contract test suite every storage backend passes; subclass it in your tests.

    Override :meth:`make_store` to return a fresh, empty store. Name the
    subclass ``Test...`` and pytest collects it; this base class is never
    collected itself (``__test__ = False``; subclasses get ``__test__ = True``
    unless they set it, so an intermediate base can stay abstract)::

        class TestMyStore(StoreContract):
            durable = True            # data survives close() + reopen_store()
            supports_search = True    # the store is a SearchableStore

            def make_store(self):
                return MyStore(self.path)

            def reopen_store(self):
                return MyStore(self.path)

    Flags (class attributes) declare optional capabilities; each test that
    needs a capability the backend lacks is skipped with the reason:

    - ``durable`` (default ``False``): tickets survive ``close()`` and
      :meth:`reopen_store`.
    - ``supports_search`` (default ``False``): the store implements
      :class:`~deskflow.storage.protocol.SearchableStore`.
    - ``supports_threads`` (default ``True``): several threads may share one
      store (the protocol asks for it; set ``False`` for a backend that
      documents otherwise).

    ``thread_count`` and ``changes_per_thread`` size the concurrency tests.

    Every store made by :meth:`make_store` or :meth:`reopen_store` is closed
    after the test.

    >>> StoreContract.__test__, StoreContract.durable, StoreContract.supports_threads
    (False, False, True)
    >>> class TestDict(StoreContract):
    ...     def make_store(self):
    ...         return MemoryStore()
    >>> TestDict.__test__
    True
    """

    __test__: ClassVar[bool] = False

    durable: ClassVar[bool] = False
    supports_search: ClassVar[bool] = False
    supports_threads: ClassVar[bool] = True
    thread_count: ClassVar[int] = 4
    changes_per_thread: ClassVar[int] = 5

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True

    # -- hooks ------------------------------------------------------------------

    def make_store(self) -> TicketStore:
        """Return a new, empty store of the backend under test (the one hook to write).

        >>> StoreContract().make_store()
        Traceback (most recent call last):
        ...
        NotImplementedError: StoreContract.make_store: return a new, empty store
        """
        raise NotImplementedError(
            f"{type(self).__name__}.make_store: return a new, empty store"
        )

    def reopen_store(self) -> TicketStore:
        """Return a store over the data of the last store made, after it was closed.

        Only durable backends (``durable = True``) implement it; the contract
        closes the first store before calling it.

        >>> StoreContract().reopen_store()
        Traceback (most recent call last):
        ...
        NotImplementedError: StoreContract.reopen_store: a durable backend reopens its data here
        """
        raise NotImplementedError(
            f"{type(self).__name__}.reopen_store: a durable backend reopens its data here"
        )

    # -- plumbing -----------------------------------------------------------------

    def setUp(self) -> None:
        super().setUp()
        self._closed: set[int] = set()
        self.store = self._track(self.make_store())

    def _assert_only_anns(self, anns: Ticket) -> None:
        """After a refused save of Bob's: t-1 is Ann's, events and head row alike."""
        self.assertEqual(self.store.get("t-1"), anns)
        self.assertEqual(self.store.timeline("t-1"), anns.timeline)
        self.assertEqual(self.store.count(TicketQuery(assignee="bob")), 0)

    def _track(self, store: TicketStore) -> TicketStore:
        self.addCleanup(self._close, store)
        return store

    def _close(self, store: TicketStore) -> None:
        if id(store) not in self._closed:
            self._closed.add(id(store))
            store.close()

    def _reopen(self) -> TicketStore:
        self._close(self.store)
        self.store = self._track(self.reopen_store())
        return self.store

    def _need(self, flag: str, reason: str) -> None:
        if not getattr(self, flag):
            self.skipTest(reason)

    def _add_corpus(self) -> dict[str, Ticket]:
        corpus = _corpus()
        self.assertEqual(self.store.add_many(corpus.values()), len(corpus))
        return corpus

    def _find_ids(self, **query: Any) -> list[str]:
        page = self.store.find(TicketQuery(**query))
        return _ids(page.items)

    def _assert_finds(self, expected: Iterable[str], **query: Any) -> None:
        """Exactly the tickets named (corpus names) match; count agrees."""
        want = sorted(f"ct-{name}" for name in expected)
        got = sorted(self._find_ids(**query))
        self.assertEqual(got, want, f"find(TicketQuery(**{query!r}))")
        self.assertEqual(
            self.store.count(TicketQuery(**query)), len(want), f"count(**{query!r})"
        )

    def _all_pages(self, query: TicketQuery, *, max_pages: int = 1000) -> list[Page]:
        pages = [self.store.find(query)]
        while pages[-1].next_cursor is not None:
            self.assertLess(len(pages), max_pages, "paging does not end")
            pages.append(
                self.store.find(_evolve_query(query, after=pages[-1].next_cursor))
            )
        return pages

    # -- an empty store -------------------------------------------------------------

    def test_store_implements_the_protocol(self) -> None:
        self.assertIsInstance(self.store, TicketStore)

    def test_new_store_is_empty(self) -> None:
        self.assertEqual(self.store.count(), 0)
        self.assertEqual(self.store.count(TicketQuery()), 0)
        self.assertEqual(list(self.store.iter_all()), [])
        page = self.store.find(TicketQuery())
        self.assertEqual(page.items, ())
        self.assertIsNone(page.next_cursor)

    # -- add and get ------------------------------------------------------------

    def test_add_then_get_returns_an_equal_typed_ticket(self) -> None:
        for ticket in (_rich_incident(), _rich_problem(), _rich_request()):
            with self.subTest(kind=ticket.kind):
                self.store.add(ticket)
                got = self.store.get(ticket.id)
                self.assertIs(type(got), type(ticket))
                self.assertEqual(got, ticket)
                self.assertEqual(got.version, ticket.version)
                self.assertEqual(got.timeline, ticket.timeline)

    def test_get_by_reference_returns_the_ticket(self) -> None:
        ticket = _rich_incident()
        other = _open("other", reference="INC-TEST-0001")
        self.store.add(ticket)
        self.store.add(other)
        self.assertEqual(self.store.get_by_reference(ticket.reference), ticket)
        self.assertEqual(self.store.get_by_reference("INC-TEST-0001"), other)

    def test_unknown_id_or_reference_raises_ticket_not_found(self) -> None:
        self.store.add(_open("known"))
        calls: dict[str, Callable[[], object]] = {
            "get": lambda: self.store.get("unknown"),
            "get_by_reference": lambda: self.store.get_by_reference("INC-0000-0000"),
            "timeline": lambda: self.store.timeline("unknown"),
            "get(reference)": lambda: self.store.get(_open("known").reference),
            "get_by_reference(id)": lambda: self.store.get_by_reference("known"),
        }
        for name, call in calls.items():
            with self.subTest(call=name), self.assertRaises(TicketNotFound) as caught:
                call()
            self.assertIsInstance(caught.exception, LookupError)

    def test_save_of_an_unknown_ticket_raises_ticket_not_found(self) -> None:
        ticket = _open("never-added").start_work(at=_h(1), actor=_ACTOR)
        with self.assertRaises(TicketNotFound) as caught:
            self.store.save(ticket, expected_version=1)
        self.assertEqual(caught.exception.key, "never-added")
        self.assertEqual(self.store.count(), 0)

    def test_add_with_a_taken_id_is_refused(self) -> None:
        first = _open("t-1", summary="the first")
        self.store.add(first)
        with self.assertRaises(DuplicateTicket) as caught:
            self.store.add(
                _open("t-1", summary="the second", reference="INC-NEW0-0001")
            )
        self.assertEqual(caught.exception.ticket_id, "t-1")
        self.assertEqual(self.store.get("t-1"), first)
        self.assertEqual(self.store.count(), 1)
        with self.assertRaises(TicketNotFound):
            self.store.get_by_reference("INC-NEW0-0001")

    def test_add_with_a_taken_reference_is_refused(self) -> None:
        first = _open("t-1", reference="INC-SAME-0001")
        self.store.add(first)
        with self.assertRaises(DuplicateTicket) as caught:
            self.store.add(_open("t-2", reference="INC-SAME-0001"))
        self.assertEqual(caught.exception.ticket_id, "t-2")
        self.assertEqual(self.store.get_by_reference("INC-SAME-0001"), first)
        self.assertEqual(self.store.count(), 1)
        with self.assertRaises(TicketNotFound):
            self.store.get("t-2")

    def test_add_many_stores_every_ticket_and_returns_the_count(self) -> None:
        tickets = [_open(f"m-{i}", at=_h(i)) for i in range(5)]
        self.assertEqual(self.store.add_many(iter(tickets)), 5)
        self.assertEqual(self.store.add_many([]), 0)
        self.assertEqual(self.store.count(), 5)
        for ticket in tickets:
            self.assertEqual(self.store.get(ticket.id), ticket)

    def test_add_many_is_atomic(self) -> None:
        existing = _open("old", reference="INC-OLD0-0001")
        self.store.add(existing)
        batches = {
            "id taken in the store": [_open("new-1"), _open("old"), _open("new-2")],
            "reference taken in the store": [
                _open("new-1"),
                _open("new-2", reference="INC-OLD0-0001"),
            ],
            "id twice in the batch": [_open("new-1"), _open("new-2"), _open("new-1")],
            "reference twice in the batch": [
                _open("new-1", reference="INC-TWIN-0001"),
                _open("new-2", reference="INC-TWIN-0001"),
            ],
        }
        for case, batch in batches.items():
            with self.subTest(case=case):
                with self.assertRaises(DuplicateTicket):
                    self.store.add_many(batch)
                self.assertEqual(_ids(self.store.iter_all()), ["old"])
                self.assertEqual(self.store.count(), 1)
                for new_id in ("new-1", "new-2"):
                    with self.assertRaises(TicketNotFound):
                        self.store.get(new_id)

    # -- save -------------------------------------------------------------------

    def test_save_appends_only_the_new_events(self) -> None:
        t1 = _open("t-1")
        self.store.add(t1)
        t3 = t1.start_work(at=_h(1), actor=_ACTOR).add_note(_note("checked", _h(2)))
        self.store.save(t3, expected_version=1)
        self.assertEqual(self.store.get("t-1"), t3)
        self.assertEqual(self.store.timeline("t-1"), t3.timeline)
        t4 = self.store.get("t-1").assign(assignee="a-2", at=_h(3), actor=_ACTOR)
        self.store.save(t4, expected_version=3)
        self.assertEqual(self.store.get("t-1"), t4)
        self.assertEqual(self.store.get("t-1").version, 4)
        self.assertEqual(self.store.timeline("t-1"), t4.timeline)
        self.assertEqual(self.store.timeline("t-1")[:3], t3.timeline)

    def test_save_without_new_events_changes_nothing(self) -> None:
        t = _open("t-1").start_work(at=_h(1), actor=_ACTOR)
        self.store.add(t)
        self.store.save(t, expected_version=2)
        self.assertEqual(self.store.get("t-1"), t)
        self.assertEqual(self.store.timeline("t-1"), t.timeline)

    def test_stale_save_is_refused_and_writes_nothing(self) -> None:
        t1 = _open("t-1")
        self.store.add(t1)
        read_by_ann = self.store.get("t-1")
        read_by_bob = self.store.get("t-1")
        anns = read_by_ann.start_work(at=_h(1), actor="ann").add_note(
            _note("ann was here", _h(1), "ann")
        )
        self.store.save(anns, expected_version=read_by_ann.version)
        bobs = read_by_bob.assign(assignee="bob", at=_h(2), actor="bob")
        with self.assertRaises(ConcurrencyConflict) as caught:
            self.store.save(bobs, expected_version=read_by_bob.version)
        conflict = caught.exception
        self.assertIsInstance(conflict, StorageError)
        self.assertEqual(
            (conflict.ticket_id, conflict.expected, conflict.actual), ("t-1", 1, 3)
        )
        self._assert_only_anns(anns)

    def test_save_ahead_of_the_stored_version_is_refused(self) -> None:
        t1 = _open("t-1")
        self.store.add(t1)
        t2 = t1.start_work(at=_h(1), actor=_ACTOR)
        t3 = t2.add_note(_note("n", _h(2)))
        # Claims to have read version 2, which was never stored.
        with self.assertRaises(ConcurrencyConflict) as caught:
            self.store.save(t3, expected_version=2)
        self.assertEqual((caught.exception.expected, caught.exception.actual), (2, 1))
        self.assertEqual(self.store.get("t-1"), t1)

    def test_save_not_built_on_the_stored_history_is_refused(self) -> None:
        # Bob read version 2; Ann saved version 3; Bob claims to have read 3.
        t2 = _open("t-1").start_work(at=_h(1), actor=_ACTOR)
        self.store.add(t2)
        anns = t2.add_note(_note("ann was here", _h(2), "ann"))
        self.store.save(anns, expected_version=2)
        # Bob's third event has Ann's instant and kind, but it is not hers.
        bobs = t2.add_note(_note("bob was here", _h(2), "bob")).assign(
            assignee="bob", at=_h(3), actor="bob"
        )
        with self.assertRaises(ConcurrencyConflict) as caught:
            self.store.save(bobs, expected_version=3)
        self.assertEqual((caught.exception.expected, caught.exception.actual), (3, 3))
        self._assert_only_anns(anns)

    def test_save_of_a_fork_ending_in_the_stored_last_event_is_refused(self) -> None:
        # Ann and Bob both read version 1. Ann assigned and started work;
        # Bob assigned himself and then recorded the very same start of work
        # (same instant, actor and content) before adding a note. His fork's
        # event at version 3 equals the stored one, but the history does not.
        t1 = _open("t-1")
        self.store.add(t1)
        anns = t1.assign(assignee="ann", at=_h(1), actor="ann").start_work(
            at=_h(2), actor=_ACTOR
        )
        self.store.save(anns, expected_version=1)
        bobs = (
            t1.assign(assignee="bob", at=_h(1), actor="bob")
            .start_work(at=_h(2), actor=_ACTOR)
            .add_note(_note("bob was here", _h(3), "bob"))
        )
        self.assertEqual(bobs.timeline[2], anns.timeline[2])
        with self.assertRaises(ConcurrencyConflict):
            self.store.save(bobs, expected_version=3)
        self._assert_only_anns(anns)

    def test_save_of_a_fork_without_new_events_is_refused(self) -> None:
        # Bob read version 1 and assigned; Ann saved version 2 meanwhile. Bob's
        # ticket is at version 2 too: saving it as version 2 has no new
        # events, and must not drop his assignment in silence.
        t1 = _open("t-1")
        self.store.add(t1)
        anns = t1.start_work(at=_h(1), actor="ann")
        self.store.save(anns, expected_version=1)
        bobs = t1.assign(assignee="bob", at=_h(1), actor="bob")
        with self.assertRaises(ConcurrencyConflict):
            self.store.save(bobs, expected_version=2)
        self.store.save(anns, expected_version=2)  # the stored ticket itself
        self._assert_only_anns(anns)

    def test_retry_after_a_conflict_succeeds(self) -> None:
        t1 = _open("t-1")
        self.store.add(t1)
        self.store.save(t1.start_work(at=_h(1), actor="ann"), expected_version=1)
        stale = t1.add_note(_note("from bob", _h(2), "bob"))
        with self.assertRaises(ConcurrencyConflict):
            self.store.save(stale, expected_version=1)
        fresh = self.store.get("t-1")
        retried = fresh.add_note(_note("from bob", _h(2), "bob"))
        self.store.save(retried, expected_version=fresh.version)
        self.assertEqual(self.store.get("t-1"), retried)
        self.assertEqual(self.store.get("t-1").version, 3)

    # -- queries ------------------------------------------------------------------

    def test_find_by_customer(self) -> None:
        self._add_corpus()
        self._assert_finds("ab", customer_id="c-1")
        self._assert_finds("ce", customer_id="c-2")
        self._assert_finds("", customer_id="c-404")

    def test_find_by_asset(self) -> None:
        self._add_corpus()
        self._assert_finds("ade", asset_serial="SN-1")
        self._assert_finds("c", asset_serial="SN-2")
        self._assert_finds("", asset_serial="SN-404")

    def test_find_by_kind(self) -> None:
        self._add_corpus()
        self._assert_finds("abef", kinds={TicketKind.INCIDENT})
        self._assert_finds("cd", kinds={TicketKind.SERVICE_REQUEST, TicketKind.PROBLEM})

    def test_find_by_status(self) -> None:
        self._add_corpus()
        self._assert_finds("d", statuses={Status.NEW})
        self._assert_finds("ef", statuses={Status.RESOLVED, Status.CANCELLED})
        self._assert_finds(
            "abc", statuses={Status.ASSIGNED, Status.QUEUED, Status.IN_PROGRESS}
        )
        self._assert_finds("", statuses={Status.ON_HOLD})
        self._assert_finds("", statuses=frozenset())

    def test_find_by_priority(self) -> None:
        self._add_corpus()
        self._assert_finds("a", priorities={Priority.CRITICAL})
        self._assert_finds("bce", priorities={Priority.MEDIUM, Priority.LOW})

    def test_find_by_owner_assignee_and_group(self) -> None:
        self._add_corpus()
        self._assert_finds("af", owner="a-1")
        self._assert_finds("c", owner="a-3")
        self._assert_finds("ae", assignee="a-2")
        self._assert_finds("be", group="network")
        self._assert_finds("a", group="desktop")

    def test_find_by_tier(self) -> None:
        self._add_corpus()
        self._assert_finds("a", tier=Tier.L2)
        self._assert_finds("e", tier=Tier.L3)
        self._assert_finds("bcdf", tier=Tier.L1)
        self._assert_finds("", tier=Tier.VENDOR)

    def test_find_by_opened_range_is_half_open(self) -> None:
        self._add_corpus()
        self._assert_finds("ab", opened_from=_h(1), opened_to=_h(5))
        self._assert_finds("ef", opened_from=_h(7))
        self._assert_finds("d", opened_to=_h(1))
        self._assert_finds("", opened_from=_h(3), opened_to=_h(3))
        self._assert_finds("", opened_from=_h(5), opened_to=_h(1))

    def test_find_by_updated_range_is_half_open(self) -> None:
        self._add_corpus()
        self._assert_finds("efa", updated_from=_h(8), updated_to=_h(12))
        self._assert_finds("bd", updated_from=_h(12))
        self._assert_finds("c", updated_to=_h(8))

    def test_find_by_linked_ticket(self) -> None:
        self._add_corpus()
        self._assert_finds("ab", linked_to="ct-d")
        self._assert_finds("d", linked_to="ct-a")
        self._assert_finds("", linked_to="ct-f")

    def test_filters_combine_with_and(self) -> None:
        self._add_corpus()
        self._assert_finds("b", customer_id="c-1", statuses={Status.QUEUED})
        self._assert_finds(
            "ae", kinds={TicketKind.INCIDENT}, asset_serial="SN-1", assignee="a-2"
        )
        self._assert_finds("", customer_id="c-1", group="desktop", tier=Tier.L1)
        self._assert_finds("a", linked_to="ct-d", opened_to=_h(2))

    def test_find_orders_results_with_ties_broken_by_id(self) -> None:
        self._add_corpus()
        expected = {
            Order.OPENED_ASC: "dabcef",
            Order.OPENED_DESC: "fecbad",
            Order.UPDATED_ASC: "cefabd",  # b and d tie at 12h: by id
            Order.UPDATED_DESC: "dbafec",
        }
        for order, names in expected.items():
            with self.subTest(order=order):
                self.assertEqual(
                    self._find_ids(order=order), [f"ct-{n}" for n in names]
                )
        self.assertEqual(self._find_ids(), [f"ct-{n}" for n in "fecbad"])

    def test_find_respects_the_limit(self) -> None:
        self._add_corpus()
        page = self.store.find(TicketQuery(order=Order.OPENED_ASC, limit=2))
        self.assertEqual(_ids(page.items), ["ct-d", "ct-a"])
        self.assertIsNotNone(page.next_cursor)

    def test_pages_concatenate_to_the_full_ordered_result(self) -> None:
        self._add_corpus()
        self.store.add_many(
            [_open(f"ct-tie-{i}", at=_h(5), customer="c-2") for i in range(3)]
        )
        for query in (TicketQuery(), TicketQuery(customer_id="c-2")):
            for order in Order:
                full = _ids(self.store.find(_evolve_query(query, order=order)).items)
                self.assertEqual(len(full), self.store.count(query))
                for limit in (1, 2, 3, 4, len(full), len(full) + 1):
                    with self.subTest(query=query, order=order, limit=limit):
                        pages = self._all_pages(
                            _evolve_query(query, order=order, limit=limit)
                        )
                        got = [i for p in pages for i in _ids(p.items)]
                        self.assertEqual(got, full)
                        self.assertTrue(all(p.items for p in pages) or len(pages) == 1)
                        self.assertTrue(all(len(p.items) <= limit for p in pages))
                        self.assertIsNone(pages[-1].next_cursor)

    def test_last_page_has_no_cursor(self) -> None:
        self.store.add_many([_open(f"p-{i}", at=_h(i)) for i in range(4)])
        first = self.store.find(TicketQuery(order=Order.OPENED_ASC, limit=2))
        self.assertIsNotNone(first.next_cursor)
        second = self.store.find(
            TicketQuery(order=Order.OPENED_ASC, limit=2, after=first.next_cursor)
        )
        self.assertEqual(_ids(second.items), ["p-2", "p-3"])
        self.assertIsNone(second.next_cursor)
        exact = self.store.find(TicketQuery(limit=4))
        self.assertEqual(len(exact.items), 4)
        self.assertIsNone(exact.next_cursor)

    def test_paging_is_stable_while_tickets_are_added(self) -> None:
        self.store.add_many([_open(f"p-{i}", at=_h(i + 1)) for i in range(6)])
        query = TicketQuery(order=Order.OPENED_ASC, limit=2)
        first = self.store.find(query)
        self.assertEqual(_ids(first.items), ["p-0", "p-1"])
        # Behind the cursor: never shown. Ahead of it: shown in its place.
        self.store.add(_open("early", at=_h(0)))
        self.store.add(_open("mid", at=_h(4.5)))
        self.store.add(_open("late", at=_h(10)))
        seen = _ids(first.items)
        cursor = first.next_cursor
        while cursor is not None:
            page = self.store.find(_evolve_query(query, after=cursor))
            seen += _ids(page.items)
            cursor = page.next_cursor
            if cursor is not None and len(seen) < 12:
                self.store.add(_open(f"late-{len(seen)}", at=_h(20 + len(seen))))
        self.assertEqual(len(seen), len(set(seen)), "a ticket was returned twice")
        self.assertEqual(
            seen[:8], ["p-0", "p-1", "p-2", "p-3", "mid", "p-4", "p-5", "late"]
        )
        self.assertNotIn("early", seen)
        everything = _ids(self.store.find(_evolve_query(query, limit=100)).items)
        self.assertEqual(seen, [i for i in everything if i != "early"])

    def test_paging_descending_is_stable_while_tickets_are_added(self) -> None:
        self.store.add_many([_open(f"p-{i}", at=_h(i + 1)) for i in range(6)])
        query = TicketQuery(order=Order.OPENED_DESC, limit=2)
        first = self.store.find(query)
        self.assertEqual(_ids(first.items), ["p-5", "p-4"])
        self.store.add(_open("newest", at=_h(30)))  # behind the cursor
        self.store.add(_open("oldest", at=_h(0)))  # ahead of it
        seen = [i for p in self._all_pages_from(query, first) for i in _ids(p.items)]
        self.assertEqual(seen, ["p-5", "p-4", "p-3", "p-2", "p-1", "p-0", "oldest"])

    def _all_pages_from(self, query: TicketQuery, first: Page) -> list[Page]:
        pages = [first]
        while pages[-1].next_cursor is not None:
            self.assertLess(len(pages), 1000, "paging does not end")
            pages.append(
                self.store.find(_evolve_query(query, after=pages[-1].next_cursor))
            )
        return pages

    def test_count_with_and_without_a_query(self) -> None:
        self._add_corpus()
        self.assertEqual(self.store.count(), 6)
        self.assertEqual(self.store.count(None), 6)
        self.assertEqual(self.store.count(TicketQuery()), 6)
        self.assertEqual(self.store.count(TicketQuery(customer_id="c-1")), 2)
        # count ignores paging
        self.assertEqual(self.store.count(TicketQuery(limit=1)), 6)
        first = self.store.find(TicketQuery(limit=1))
        self.assertEqual(
            self.store.count(TicketQuery(limit=1, after=first.next_cursor)), 6
        )

    def test_queries_see_saved_changes(self) -> None:
        corpus = self._add_corpus()
        c = corpus["c"]
        changed = c.assign(
            assignee="a-9", group="field", tier=Tier.L3, at=_h(13), actor=_ACTOR
        )
        self.store.save(changed, expected_version=c.version)
        self._assert_finds("c", assignee="a-9", group="field", tier=Tier.L3)
        self._assert_finds("c", updated_from=_h(13))
        self._assert_finds("", statuses={Status.IN_PROGRESS})
        self._assert_finds("ac", statuses={Status.ASSIGNED})
        self.assertEqual(self._find_ids(order=Order.UPDATED_DESC)[0], "ct-c")

    def test_iter_all_streams_every_ticket_in_id_order(self) -> None:
        corpus = self._add_corpus()
        extra = _open("aaa-first", at=_h(30))
        self.store.add(extra)
        got = list(self.store.iter_all())
        self.assertEqual(
            _ids(got), sorted([*(t.id for t in corpus.values()), extra.id])
        )
        by_id = {t.id: t for t in [*corpus.values(), extra]}
        for ticket in got:
            self.assertEqual(ticket, by_id[ticket.id])

    def test_realistic_tickets_round_trip_through_add_and_save(self) -> None:
        # Tickets driven through the real engine: every event type, any zone,
        # any text. Part of the timeline is added, the rest saved on top.
        numbers = itertools.count()

        @Settings(
            # the active profile, capped: each example drives the lifecycle engine
            max_examples=min(Settings().max_examples, 30),
            suppress_health_check=[HealthCheck.too_slow],
            deadline=None,
        )
        @given(ticket=strategies.tickets(max_commands=12), data=st.data())
        def round_trip(ticket: Ticket, data: st.DataObject) -> None:
            ticket = _renamed(ticket, f"rt-{next(numbers)}")
            read_at = data.draw(st.integers(1, ticket.version), label="read_at")
            self.store.add(Ticket.from_events(ticket.timeline[:read_at]))
            self.store.save(ticket, expected_version=read_at)
            got = self.store.get(ticket.id)
            self.assertIs(type(got), type(ticket))
            self.assertEqual(got, ticket)
            self.assertEqual(self.store.get_by_reference(ticket.reference), ticket)
            timeline = self.store.timeline(ticket.id)
            self.assertEqual(timeline, ticket.timeline)
            self.assertEqual(
                [e.at.utcoffset() for e in timeline],
                [e.at.utcoffset() for e in ticket.timeline],
            )

        round_trip()

    def test_timeline_of_one_ticket(self) -> None:
        ticket = _rich_incident()
        self.store.add(ticket)
        self.store.add(_open("other"))
        timeline = self.store.timeline(ticket.id)
        self.assertIsInstance(timeline, tuple)
        self.assertEqual(timeline, ticket.timeline)
        self.assertEqual(
            [type(e) for e in timeline], [type(e) for e in ticket.timeline]
        )
        self.assertEqual(Ticket.from_events(timeline), ticket)

    # -- time zones -------------------------------------------------------------

    def _zoned(self) -> dict[str, Ticket]:
        tickets = {
            # 08:00Z, 08:30Z and 08:15Z: wall-clock order differs from instant order
            "z-a": _open("z-a", at=datetime(2026, 3, 2, 9, 0, tzinfo=_BRUSSELS)),
            "z-b": _open("z-b", at=datetime(2026, 3, 2, 3, 30, tzinfo=_NEW_YORK)),
            "z-c": _open("z-c", at=datetime(2026, 3, 2, 13, 45, tzinfo=_KOLKATA)),
            # the same instant as z-a, three ways
            "z-d": _open("z-d", at=datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)),
            "z-e": _open("z-e", at=datetime(2026, 3, 2, 3, 0, tzinfo=_NEW_YORK)),
        }
        self.store.add_many(tickets.values())
        return tickets

    def test_datetimes_in_different_zones_order_by_instant(self) -> None:
        self._zoned()
        self.assertEqual(
            self._find_ids(order=Order.OPENED_ASC), ["z-a", "z-d", "z-e", "z-c", "z-b"]
        )
        self.assertEqual(
            self._find_ids(order=Order.OPENED_DESC), ["z-b", "z-c", "z-e", "z-d", "z-a"]
        )
        self.assertEqual(
            [
                i
                for p in self._all_pages(TicketQuery(order=Order.OPENED_ASC, limit=1))
                for i in _ids(p.items)
            ],
            ["z-a", "z-d", "z-e", "z-c", "z-b"],
        )

    def test_datetime_ranges_compare_instants_across_zones(self) -> None:
        self._zoned()
        at_0815z_in_brussels = datetime(2026, 3, 2, 9, 15, tzinfo=_BRUSSELS)
        at_0815z_in_new_york = datetime(2026, 3, 2, 3, 15, tzinfo=_NEW_YORK)
        self.assertEqual(
            sorted(self._find_ids(opened_from=at_0815z_in_brussels)), ["z-b", "z-c"]
        )
        self.assertEqual(
            sorted(self._find_ids(opened_to=at_0815z_in_new_york)),
            ["z-a", "z-d", "z-e"],
        )
        at_0800z_in_kolkata = datetime(2026, 3, 2, 13, 30, tzinfo=_KOLKATA)
        self.assertEqual(
            sorted(
                self._find_ids(
                    updated_from=at_0800z_in_kolkata, updated_to=at_0815z_in_new_york
                )
            ),
            ["z-a", "z-d", "z-e"],
        )

    def test_returned_datetimes_equal_the_originals(self) -> None:
        tickets = self._zoned()
        rich = _rich_incident()
        self.store.add(rich)
        for ticket in [*tickets.values(), rich]:
            got = self.store.get(ticket.id)
            with self.subTest(ticket=ticket.id):
                self.assertEqual(got.opened_at, ticket.opened_at)
                self.assertEqual(got.updated_at, ticket.updated_at)
                self.assertIsNotNone(got.opened_at.tzinfo)
                self.assertEqual(
                    [e.at for e in self.store.timeline(ticket.id)],
                    [e.at for e in ticket.timeline],
                )

    def test_returned_datetimes_keep_their_utc_offset(self) -> None:
        tickets = self._zoned()
        for ticket in tickets.values():
            got = self.store.get(ticket.id)
            with self.subTest(ticket=ticket.id):
                self.assertEqual(
                    got.opened_at.utcoffset(), ticket.opened_at.utcoffset()
                )

    # -- close and reopen --------------------------------------------------------------

    def test_a_closed_store_refuses_calls(self) -> None:
        self.store.add(_open("t-1"))
        self._close(self.store)
        calls: dict[str, Callable[[], object]] = {
            "get": lambda: self.store.get("t-1"),
            "count": lambda: self.store.count(),
            "find": lambda: self.store.find(TicketQuery()),
            "add": lambda: self.store.add(_open("t-2")),
            "iter_all": lambda: list(self.store.iter_all()),
        }
        for name, call in calls.items():
            with self.subTest(call=name), self.assertRaises(StorageError):
                call()

    def test_tickets_survive_close_and_reopen(self) -> None:
        self._need("durable", "backend is not durable")
        corpus = self._add_corpus()
        rich = _rich_incident()
        self.store.add(rich)
        c = corpus["c"].add_note(_note("saved before closing", _h(13)))
        self.store.save(c, expected_version=corpus["c"].version)
        expected = {**{t.id: t for t in corpus.values()}, c.id: c, rich.id: rich}
        store = self._reopen()
        self.assertEqual(store.count(), len(expected))
        self.assertEqual(
            list(store.iter_all()), [expected[i] for i in sorted(expected)]
        )
        for ticket in expected.values():
            self.assertEqual(store.get(ticket.id), ticket)
            self.assertEqual(store.get_by_reference(ticket.reference), ticket)
            self.assertEqual(store.timeline(ticket.id), ticket.timeline)
        self._assert_finds("ab", linked_to="ct-d")
        self._assert_finds("ae", assignee="a-2")
        self.assertEqual(
            self._find_ids(order=Order.UPDATED_ASC),
            _ids(sorted(expected.values(), key=lambda t: (to_utc(t.updated_at), t.id))),
        )

    def test_versions_and_keys_survive_close_and_reopen(self) -> None:
        self._need("durable", "backend is not durable")
        t1 = _open("t-1", reference="INC-KEEP-0001")
        self.store.add(t1)
        t2 = t1.start_work(at=_h(1), actor=_ACTOR)
        self.store.save(t2, expected_version=1)
        store = self._reopen()
        with self.assertRaises(ConcurrencyConflict) as caught:
            store.save(t1.add_note(_note("stale", _h(2))), expected_version=1)
        self.assertEqual((caught.exception.expected, caught.exception.actual), (1, 2))
        with self.assertRaises(DuplicateTicket):
            store.add(_open("t-1", reference="INC-OTHR-0001"))
        with self.assertRaises(DuplicateTicket):
            store.add(_open("t-9", reference="INC-KEEP-0001"))
        t3 = t2.add_note(_note("fresh", _h(2)))
        store.save(t3, expected_version=2)
        self.assertEqual(store.get("t-1"), t3)

    def test_a_page_cursor_survives_close_and_reopen(self) -> None:
        self._need("durable", "backend is not durable")
        self._add_corpus()
        first = self.store.find(TicketQuery(order=Order.OPENED_ASC, limit=3))
        store = self._reopen()
        rest = store.find(
            TicketQuery(order=Order.OPENED_ASC, limit=3, after=first.next_cursor)
        )
        self.assertEqual(_ids(rest.items), ["ct-c", "ct-e", "ct-f"])

    # -- threads --------------------------------------------------------------------

    def _in_threads(self, work: Callable[[int], None]) -> None:
        barrier = threading.Barrier(self.thread_count)
        failures: list[BaseException] = []

        def run(n: int) -> None:
            try:
                barrier.wait(timeout=30)
                work(n)
            except BaseException as exc:  # reported in the test's thread
                failures.append(exc)

        threads = [
            threading.Thread(target=run, args=(n,), name=f"contract-writer-{n}")
            for n in range(self.thread_count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads), "a writer thread hangs")
        if failures:
            raise failures[0]

    def test_concurrent_saves_lose_no_update(self) -> None:
        self._need("supports_threads", "backend does not support threads")
        self.store.add(_open("shared"))
        conflicts = [0] * self.thread_count

        def work(n: int) -> None:
            for k in range(self.changes_per_thread):
                while True:
                    read = self.store.get("shared")
                    changed = read.add_note(_note(f"w{n}-{k}", _h(1), f"a-{n}"))
                    try:
                        self.store.save(changed, expected_version=read.version)
                        break
                    except ConcurrencyConflict:
                        conflicts[n] += 1

        self._in_threads(work)
        total = self.thread_count * self.changes_per_thread
        final = self.store.get("shared")
        self.assertEqual(final.version, 1 + total)
        self.assertEqual(len(self.store.timeline("shared")), 1 + total)
        self.assertEqual(
            sorted(n.text for n in final.notes),
            sorted(
                f"w{n}-{k}"
                for n in range(self.thread_count)
                for k in range(self.changes_per_thread)
            ),
        )
        for n in range(self.thread_count):
            mine = [note.text for note in final.notes if note.author == f"a-{n}"]
            self.assertEqual(
                mine, [f"w{n}-{k}" for k in range(self.changes_per_thread)]
            )

    def test_concurrent_adds_and_reads(self) -> None:
        self._need("supports_threads", "backend does not support threads")

        def work(n: int) -> None:
            for k in range(self.changes_per_thread):
                ticket = _open(f"th-{n}-{k}", at=_h(k), customer=f"c-{n}")
                self.store.add(ticket)
                self.assertEqual(self.store.get(ticket.id), ticket)
                self.store.count(TicketQuery(customer_id=f"c-{n}"))

        self._in_threads(work)
        self.assertEqual(
            self.store.count(), self.thread_count * self.changes_per_thread
        )
        for n in range(self.thread_count):
            self.assertEqual(
                self.store.count(TicketQuery(customer_id=f"c-{n}")),
                self.changes_per_thread,
            )

    def test_concurrent_duplicate_adds_store_one_ticket(self) -> None:
        self._need("supports_threads", "backend does not support threads")
        winners: list[int] = []

        def work(n: int) -> None:
            try:
                self.store.add(_open("contested", summary=f"from writer {n}"))
                winners.append(n)
            except DuplicateTicket:
                pass

        self._in_threads(work)
        self.assertEqual(len(winners), 1)
        self.assertEqual(self.store.count(), 1)
        self.assertEqual(
            self.store.get("contested").summary, f"from writer {winners[0]}"
        )

    # -- search -----------------------------------------------------------------------

    def test_store_is_searchable(self) -> None:
        self._need("supports_search", "backend does not support full-text search")
        self.assertIsInstance(self.store, SearchableStore)

    def test_search_matches_every_word_in_summary_description_or_notes(self) -> None:
        self._need("supports_search", "backend does not support full-text search")
        store: Any = self.store
        printer = _open("s-1", summary="Printer jams on tray two", at=_h(0))
        vpn = _open(
            "s-2", summary="VPN drops", description="after the printer update", at=_h(1)
        )
        other = _open("s-3", summary="Mailbox full", at=_h(2))
        self.store.add_many([printer, vpn, other])
        self.assertEqual(sorted(_ids(store.search("printer"))), ["s-1", "s-2"])
        self.assertEqual(_ids(store.search("PRINTER tray")), ["s-1"])
        self.assertEqual(_ids(store.search("printer mailbox")), [])
        noted = other.add_note(_note("customer reports a printer error", _h(3)))
        self.store.save(noted, expected_version=other.version)
        self.assertEqual(sorted(_ids(store.search("printer"))), ["s-1", "s-2", "s-3"])
        self.assertEqual(_ids(store.search("mailbox printer")), ["s-3"])
        self.assertEqual(len(store.search("printer", limit=2)), 2)
        found = store.search("tray")
        self.assertEqual(found, (printer,))


def _evolve_query(query: TicketQuery, **changes: Any) -> TicketQuery:
    return attrs.evolve(query, **changes)


# -- the state machine ------------------------------------------------------------

_IDS = ("s-0", "s-1", "s-2", "s-3", "s-4")
_REFERENCES = ("INC-SAME-0001", "INC-SAME-0002")
_CUSTOMERS = ("c-1", "c-2")
_ASSETS = ("SN-1", "SN-2")
_AGENTS = ("a-1", "a-2")
_GROUPS = ("desktop", "network")
_ZONES: tuple[tzinfo, ...] = (timezone.utc, _BRUSSELS, _NEW_YORK, _KOLKATA)
# Few distinct instants, so ties in ordering and range edges happen often.
_OPENED_INSTANTS = tuple(_h(h) for h in (0, 1, 1, 2, 3))


def _zoned_instants() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda at, zone: at.astimezone(zone),
        st.sampled_from((*_OPENED_INSTANTS, _h(1.5), _h(4), _h(8))),
        st.sampled_from(_ZONES),
    )


def _ticket_specs() -> st.SearchStrategy[dict[str, Any]]:
    # Plain data: the ticket is built in the rule, so generation stays cheap.
    return st.fixed_dictionaries(
        {
            "ticket_id": st.sampled_from(_IDS),
            "kind": st.sampled_from(TicketKind),
            "at": st.builds(
                lambda at, zone: at.astimezone(zone),
                st.sampled_from(_OPENED_INSTANTS),
                st.sampled_from(_ZONES),
            ),
            "customer": st.sampled_from(_CUSTOMERS),
            "asset": st.none() | st.sampled_from(_ASSETS),
            "priority": st.sampled_from(Priority),
            "owner": st.none() | st.sampled_from(_AGENTS),
            "group": st.none() | st.sampled_from(_GROUPS),
            "tier": st.sampled_from((Tier.L1, Tier.L2)),
            "reference": st.none() | st.sampled_from(_REFERENCES),
        }
    )


def _query_filters() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "customer_id": st.sampled_from((*_CUSTOMERS, "c-404")),
        "asset_serial": st.sampled_from(_ASSETS),
        "kinds": st.frozensets(st.sampled_from(TicketKind), min_size=1),
        "statuses": st.frozensets(st.sampled_from(Status), min_size=1),
        "priorities": st.frozensets(st.sampled_from(Priority), min_size=1),
        "owner": st.sampled_from(_AGENTS),
        "assignee": st.sampled_from(_AGENTS),
        "group": st.sampled_from(_GROUPS),
        "tier": st.sampled_from((Tier.L1, Tier.L2, Tier.L3)),
        "opened_from": _zoned_instants(),
        "opened_to": _zoned_instants(),
        "updated_from": _zoned_instants(),
        "updated_to": _zoned_instants(),
        "linked_to": st.sampled_from(_IDS),
    }


def _queries() -> st.SearchStrategy[TicketQuery]:
    # A few filters at a time: with all of them at once nothing would match.
    filters = _query_filters()
    chosen = st.lists(st.sampled_from(sorted(filters)), unique=True, max_size=3)
    return st.builds(
        lambda given, order, limit: TicketQuery(**given, order=order, limit=limit),
        chosen.flatmap(
            lambda names: st.fixed_dictionaries({n: filters[n] for n in names})
        ),
        st.sampled_from(Order),
        st.integers(min_value=1, max_value=4),
    )


_CHANGES = (
    "start_work",
    "assign",
    "route",
    "note",
    "take_ownership",
    "resolve",
    "cancel",
    "link",
)


def _change(
    ticket: Ticket, change: str, at: datetime, agent: str, other: str
) -> Ticket:
    """Apply one named change; a change the lifecycle refuses becomes a note."""
    try:
        if change == "start_work":
            return ticket.start_work(at=at, actor=agent)
        if change == "assign":
            return ticket.assign(
                assignee=agent, group=_GROUPS[0], tier=Tier.L2, at=at, actor=agent
            )
        if change == "route":
            return ticket.route(group=_GROUPS[1], at=at, actor=agent)
        if change == "take_ownership":
            return ticket.take_ownership(owner=agent, at=at, actor=agent)
        if change == "resolve":
            return ticket.resolve(resolution="fixed", articles=(), at=at, actor=agent)
        if change == "cancel":
            return ticket.cancel(reason="not needed", at=at, actor=agent)
        if change == "link" and other != ticket.id:
            return ticket.link(
                relation=LinkRelation.RELATED, other_id=other, at=at, actor=agent
            )
    except InvalidTransition:
        pass
    return ticket.add_note(_note(f"{change} by {agent}", at, agent))


def _outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call did: ``("ok", value)`` or ``("raised", error class, key fields)``."""
    try:
        return ("ok", call())
    except DeskflowError as exc:
        kind = next(
            k for k in type(exc).__mro__ if getattr(errors, k.__name__, None) is k
        )
        if isinstance(exc, ConcurrencyConflict):
            return ("raised", kind, exc.ticket_id, exc.expected, exc.actual)
        if isinstance(exc, TicketNotFound):
            return ("raised", kind, exc.key)
        return ("raised", kind)


def _describe(outcome: tuple[Any, ...]) -> str:
    if outcome[0] == "raised":
        return str(outcome[1].__name__)
    value = outcome[1]
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple):
        return "page with items" if value[0] else "empty page"
    return "ok"


class StoreStateMachine(RuleBasedStateMachine):
    """Drive a backend and :class:`~deskflow.storage.memory.MemoryStore` with the same random operations.

    Each step adds tickets (one or a batch; ids and references come from
    small pools, so duplicates are frequent), reads them by id, by reference
    and their timeline (known and unknown), saves changes read at the current
    or at an older version (stale saves must conflict the same way, and so
    must a ticket read earlier that claims the current version), runs
    random queries and pages through every result, counts and iterates. The
    backend must return equal values of the same classes and raise the same
    errors as the reference (for a ``ConcurrencyConflict``, with the same
    versions; for a ``TicketNotFound``, with the same key).

    Subclass it and override :meth:`make_store`, then run
    ``YourMachine.TestCase``; or let :func:`make_state_machine` do both. The
    rules can also be called by hand, which is how a failing run found by
    hypothesis is replayed:

    >>> class MemoryMachine(StoreStateMachine):
    ...     def make_store(self):
    ...         return MemoryStore()
    >>> machine = MemoryMachine()
    >>> machine.add(spec={"ticket_id": "s-0"})
    >>> machine.save(ticket_id="s-0", changes=["start_work"], agent="a-1",
    ...     other="s-1", minutes=5, zone=timezone.utc, staleness=0)
    >>> machine.store.get("s-0").status.value
    'in_progress'
    >>> machine.teardown()
    """

    def __init__(self) -> None:
        super().__init__()
        self.reference: TicketStore = MemoryStore()
        self.store: TicketStore = self.make_store()
        self._forks = 0

    def make_store(self) -> TicketStore:
        """Return a new, empty store of the backend under test (override it).

        >>> class MemoryMachine(StoreStateMachine):
        ...     def make_store(self):
        ...         return MemoryStore()
        >>> MemoryMachine().store.count()
        0
        """
        raise NotImplementedError(
            f"{type(self).__name__}.make_store: return a new, empty store "
            "of the backend under test"
        )

    def teardown(self) -> None:
        """Close both stores at the end of a run.

        >>> machine = _memory_machine()
        >>> machine.teardown()
        >>> machine.store.count()
        Traceback (most recent call last):
        ...
        deskflow.errors.StorageError: the store is closed
        """
        self.store.close()
        self.reference.close()

    def _same(self, what: str, call: Callable[[TicketStore], Any]) -> Any:
        want = _outcome(lambda: call(self.reference))
        got = _outcome(lambda: call(self.store))
        if currently_in_test_context():  # also callable by hand, to replay a run
            event(f"{what.split('(')[0]}: {_describe(want)}")
        if got != want:
            raise AssertionError(
                f"{what}: the backend gave {got!r}, the reference gave {want!r}"
            )
        if want[0] == "ok" and type(got[1]) is not type(want[1]):
            raise AssertionError(
                f"{what}: the backend gave a {type(got[1]).__name__}, "
                f"the reference a {type(want[1]).__name__}"
            )
        return want

    @rule(spec=_ticket_specs())
    def add(self, spec: dict[str, Any]) -> None:
        """Add one new ticket (its id or reference may be taken).

        >>> machine = _memory_machine()
        >>> machine.add(spec={"ticket_id": "s-0"})
        >>> machine.add(spec={"ticket_id": "s-0"})  # both stores refuse it
        >>> machine.store.count()
        1
        """
        ticket = _open(**spec)
        self._same(f"add({ticket.id!r})", lambda s: s.add(ticket))

    @rule(specs=st.lists(_ticket_specs(), max_size=3))
    def add_many(self, specs: list[dict[str, Any]]) -> None:
        """Add a batch, all or nothing.

        >>> machine = _memory_machine()
        >>> machine.add_many(specs=[{"ticket_id": "s-0"}, {"ticket_id": "s-0"}])
        >>> machine.store.count()
        0
        """
        tickets = [_open(**spec) for spec in specs]
        self._same(f"add_many({_ids(tickets)!r})", lambda s: s.add_many(tickets))

    @rule(ticket_id=st.sampled_from((*_IDS, "unknown")))
    def get(self, ticket_id: str) -> None:
        """Read a ticket and its timeline by id.

        >>> machine = _memory_machine()
        >>> machine.get(ticket_id="unknown")  # TicketNotFound from both
        """
        self._same(f"get({ticket_id!r})", lambda s: s.get(ticket_id))
        self._same(f"timeline({ticket_id!r})", lambda s: s.timeline(ticket_id))

    @rule(
        reference=st.sampled_from(
            (
                *_REFERENCES,
                "INC-0000-0000",
                *(make_reference(k, i) for i in _IDS for k in TicketKind),
            )
        )
    )
    def get_by_reference(self, reference: str) -> None:
        """Read a ticket by reference.

        >>> machine = _memory_machine()
        >>> machine.add(spec={"ticket_id": "s-0", "reference": "INC-SAME-0001"})
        >>> machine.get_by_reference(reference="INC-SAME-0001")
        """
        self._same(
            f"get_by_reference({reference!r})", lambda s: s.get_by_reference(reference)
        )

    @rule(
        ticket_id=st.sampled_from(_IDS),
        changes=st.lists(st.sampled_from(_CHANGES), min_size=1, max_size=3),
        agent=st.sampled_from(_AGENTS),
        other=st.sampled_from(_IDS),
        minutes=st.integers(min_value=0, max_value=600),
        zone=st.sampled_from(_ZONES),
        staleness=st.integers(min_value=0, max_value=3),
    )
    def save(
        self,
        ticket_id: str,
        changes: list[str],
        agent: str,
        other: str,
        minutes: int,
        zone: tzinfo,
        staleness: int,
    ) -> None:
        """Apply changes to a ticket read ``staleness`` versions ago, and save.

        >>> machine = _memory_machine()
        >>> machine.add(spec={"ticket_id": "s-0"})
        >>> for staleness in (0, 1):  # the second save is stale: both conflict
        ...     machine.save(ticket_id="s-0", changes=["note"], agent="a-1",
        ...         other="s-0", minutes=1, zone=timezone.utc, staleness=staleness)
        >>> machine.store.get("s-0").version
        2
        """
        try:
            current = self.reference.get(ticket_id)
        except TicketNotFound:
            current = _open(ticket_id)
        read_at = max(1, current.version - staleness)
        base = Ticket.from_events(current.timeline[:read_at])
        at = (base.updated_at + timedelta(minutes=minutes)).astimezone(zone)
        changed = base
        for change in changes:
            changed = _change(changed, change, at, agent, other)
        self._same(
            f"save({ticket_id!r} {changes!r}, expected_version={read_at})",
            lambda s: s.save(changed, expected_version=read_at),
        )

    @rule(
        ticket_id=st.sampled_from(_IDS),
        staleness=st.integers(min_value=1, max_value=3),
        agent=st.sampled_from(_AGENTS),
        minutes=st.integers(min_value=0, max_value=600),
    )
    def save_claiming_the_current_version(
        self, ticket_id: str, staleness: int, agent: str, minutes: int
    ) -> None:
        """Save a ticket read ``staleness`` versions ago as if read at the current one.

        Its events after the version it was read at are notes no other save
        wrote, so unless it was read at the current version it does not
        continue the stored history, and both stores must refuse it alike.

        >>> machine = _memory_machine()
        >>> machine.add(spec={"ticket_id": "s-0"})
        >>> machine.save(ticket_id="s-0", changes=["note"], agent="a-1",
        ...     other="s-0", minutes=1, zone=timezone.utc, staleness=0)
        >>> machine.save_claiming_the_current_version(  # refused by both
        ...     ticket_id="s-0", staleness=1, agent="a-1", minutes=1)
        >>> machine.store.get("s-0").version
        2
        """
        try:
            current = self.reference.get(ticket_id)
        except TicketNotFound:
            current = _open(ticket_id)
        read_at = max(1, current.version - staleness)
        forked = Ticket.from_events(current.timeline[:read_at])
        at = forked.updated_at + timedelta(minutes=minutes)
        self._forks += 1
        for i in range(current.version - read_at + 1):
            forked = forked.add_note(_note(f"fork {self._forks}.{i}", at, agent))
        self._same(
            f"save({ticket_id!r} read at {read_at}, "
            f"expected_version={current.version})",
            lambda s: s.save(forked, expected_version=current.version),
        )

    @rule(query=_queries())
    def find(self, query: TicketQuery) -> None:
        """Page through a query to the end; every page must match.

        >>> machine = _memory_machine()
        >>> machine.add_many(specs=[{"ticket_id": "s-0"}, {"ticket_id": "s-1"}])
        >>> machine.find(query=TicketQuery(limit=1))
        """
        cursors: dict[int, str | None] = {
            id(self.reference): None,
            id(self.store): None,
        }

        def page(s: TicketStore) -> tuple[tuple[Ticket, ...], bool]:
            result = s.find(attrs.evolve(query, after=cursors[id(s)]))
            cursors[id(s)] = result.next_cursor
            return result.items, result.next_cursor is None

        for number in range(100):
            outcome = self._same(f"find({query!r}) page {number}", page)
            if outcome[0] != "ok" or outcome[1][1]:
                return
        raise AssertionError(f"find({query!r}): paging does not end")

    @rule(query=st.none() | _queries())
    def count(self, query: TicketQuery | None) -> None:
        """Count the tickets a query matches (all when ``None``).

        >>> _memory_machine().count(query=TicketQuery(customer_id="c-1"))
        """
        self._same(f"count({query!r})", lambda s: s.count(query))

    @rule()
    def iter_all(self) -> None:
        """Stream every ticket.

        >>> _memory_machine().iter_all()
        """
        self._same("iter_all()", lambda s: list(s.iter_all()))

    @invariant()
    def same_count(self) -> None:
        """After every step, both stores hold as many tickets.

        >>> _memory_machine().same_count()
        """
        self._same("count()", lambda s: s.count())


def _memory_machine() -> StoreStateMachine:
    """A machine whose backend is a second MemoryStore (for the examples)."""

    class MemoryMachine(StoreStateMachine):
        def make_store(self) -> TicketStore:
            return MemoryStore()

    return MemoryMachine()


def make_state_machine(
    make_store: Callable[[], TicketStore], *, settings: Settings | None = None
) -> type[unittest.TestCase]:
    """A ``unittest.TestCase`` class running :class:`StoreStateMachine` on ``make_store()``.

    Assign it to a ``Test...`` name in a test module and pytest runs it.
    ``settings`` (hypothesis) defaults to the active profile, read when this
    function is called. Either way the ``too_slow`` health check is
    suppressed: each step of the machine does real storage work, and a busy
    machine must not turn that into a failure.

    >>> import io
    >>> from hypothesis import settings
    >>> TestMemoryMachine = make_state_machine(
    ...     MemoryStore, settings=settings(max_examples=2, stateful_step_count=4,
    ...         database=None))
    >>> unittest.TextTestRunner(stream=io.StringIO()).run(
    ...     TestMemoryMachine("runTest")).wasSuccessful()
    True
    """

    def make(self: StoreStateMachine) -> TicketStore:
        return make_store()

    name = getattr(make_store, "__name__", "store")
    machine: type[StoreStateMachine] = type(
        f"StoreStateMachine_{name}",
        (StoreStateMachine,),
        {"make_store": make, "__module__": __name__},
    )
    base = settings if settings is not None else Settings()
    test_case: type[unittest.TestCase] = machine.TestCase
    test_case.settings = Settings(  # type: ignore[attr-defined]
        base,
        suppress_health_check=(*base.suppress_health_check, HealthCheck.too_slow),
    )
    return test_case
