"""MemoryStore passes the storage contract; the contract's own plumbing works."""

from __future__ import annotations

import unittest
from datetime import timedelta, timezone

import attrs
import pytest

from deskflow.errors import TicketNotFound
from deskflow.storage.memory import MemoryStore
from deskflow.storage.protocol import TicketStore
from deskflow.testing.contract import StoreContract, StoreStateMachine


class TestMemoryStore(StoreContract):
    supports_search = True

    def make_store(self) -> TicketStore:
        return MemoryStore()


def test_the_base_class_is_not_collected() -> None:
    assert StoreContract.__test__ is False
    assert TestMemoryStore.__test__ is True


def test_an_intermediate_base_can_stay_abstract() -> None:
    class Base(StoreContract):
        __test__ = False

    class TestConcrete(Base):
        def make_store(self) -> TicketStore:
            return MemoryStore()

    assert Base.__test__ is False
    assert TestConcrete.__test__ is True


def _run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_missing_capabilities_skip_with_a_reason() -> None:
    class Plain(StoreContract):
        supports_threads = False

        def make_store(self) -> TicketStore:
            return MemoryStore()

    result = _run(Plain)
    reasons = {reason for _, reason in result.skipped}
    assert reasons == {
        "backend is not durable",
        "backend does not support threads",
        "backend does not support full-text search",
    }
    assert result.wasSuccessful()


_MICRO = timedelta(microseconds=1)


class _LosesUpdates(MemoryStore):
    """A broken backend: save ignores the expected version."""

    def save(self, ticket, *, expected_version):  # type: ignore[no-untyped-def]
        with self._lock:
            if ticket.id not in self._tickets:
                raise TicketNotFound(ticket.id)
            self._tickets[ticket.id] = ticket


class _ForgetsTheZone(MemoryStore):
    """A broken backend: ``find`` sorts by wall-clock time, not by instant."""

    def find(self, query):  # type: ignore[no-untyped-def]
        page = super().find(query)
        items = sorted(
            page.items, key=lambda t: (t.opened_at.replace(tzinfo=None), t.id)
        )
        return type(page)(items=tuple(items), next_cursor=page.next_cursor)


class _NotAtomic(MemoryStore):
    """A broken backend: ``add_many`` writes ticket by ticket."""

    def add_many(self, tickets):  # type: ignore[no-untyped-def]
        return sum(super(_NotAtomic, self).add_many([t]) for t in tickets)


class _InclusiveEnd(MemoryStore):
    """A broken backend: ``opened_to`` is inclusive."""

    def find(self, query):  # type: ignore[no-untyped-def]
        if query.opened_to is not None:
            query = attrs.evolve(query, opened_to=query.opened_to + _MICRO)
        return super().find(query)


class _NoTieBreak(MemoryStore):
    """A broken backend: ties in the sort key come out in reverse id order."""

    def find(self, query):  # type: ignore[no-untyped-def]
        page = super().find(query)
        items = sorted(
            page.items,
            key=lambda t: (t.opened_at, t.updated_at),
            reverse=query.order.value.endswith("desc"),
        )
        by_key: dict[object, list[object]] = {}
        for t in items:
            by_key.setdefault((t.opened_at, t.updated_at), []).append(t)
        flipped = tuple(t for group in by_key.values() for t in reversed(group))
        return attrs.evolve(page, items=flipped)


class _LosesTheOffset(MemoryStore):
    """A broken backend: gives datetimes back in UTC (same instant, other offset)."""

    def get(self, ticket_id):  # type: ignore[no-untyped-def]
        t = super().get(ticket_id)
        return attrs.evolve(t, opened_at=t.opened_at.astimezone(timezone.utc))


@pytest.mark.parametrize(
    ("store_class", "failing"),
    [
        (_LosesUpdates, "test_stale_save_is_refused_and_writes_nothing"),
        (_ForgetsTheZone, "test_datetimes_in_different_zones_order_by_instant"),
        (_NotAtomic, "test_add_many_is_atomic"),
        (_InclusiveEnd, "test_find_by_opened_range_is_half_open"),
        (_NoTieBreak, "test_find_orders_results_with_ties_broken_by_id"),
        (_LosesTheOffset, "test_returned_datetimes_keep_their_utc_offset"),
    ],
)
def test_the_contract_catches_a_broken_backend(
    store_class: type[MemoryStore], failing: str
) -> None:
    class Broken(StoreContract):
        def make_store(self) -> TicketStore:
            return store_class()

    result = _run(Broken)
    failed = {
        getattr(case, "test_case", case)._testMethodName  # a subtest's parent
        for case, _ in result.failures
    }
    assert failing in failed


def test_the_state_machine_catches_a_broken_backend() -> None:
    from hypothesis import settings

    class Machine(StoreStateMachine):
        def make_store(self) -> TicketStore:
            return _LosesUpdates()

    Machine.TestCase.settings = settings(max_examples=200, stateful_step_count=20)
    result = unittest.TestResult()
    Machine.TestCase("runTest").run(result)
    assert result.failures
    assert "ConcurrencyConflict" in result.failures[0][1]
