"""The storage protocol's behaviour, on MemoryStore and SQLiteStore alike."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from deskflow import Status
from deskflow.errors import (
    ConcurrencyConflict,
    DuplicateTicket,
    StorageError,
    TicketNotFound,
    ValidationError,
)
from deskflow.storage import Order, SearchableStore, TicketQuery, TicketStore
from deskflow.tickets import LinkRelation, TicketKind

from .helpers import T0, incident, problem, with_notes


def test_both_backends_implement_the_protocols(store: TicketStore) -> None:
    assert isinstance(store, TicketStore)
    assert isinstance(store, SearchableStore)


def test_add_then_get_returns_an_equal_ticket(store: TicketStore) -> None:
    t = with_notes(incident("t-1", serial="SN-1"), 3)
    store.add(t)
    got = store.get("t-1")
    assert got == t
    assert type(got) is type(t)
    assert store.get_by_reference(t.reference) == t
    assert store.timeline("t-1") == t.timeline


def test_missing_ticket_is_ticket_not_found(store: TicketStore) -> None:
    for call in (store.get, store.get_by_reference, store.timeline):
        with pytest.raises(TicketNotFound) as info:
            call("nope")
        assert info.value.key == "nope"
        assert isinstance(info.value, LookupError)
    with pytest.raises(TicketNotFound):
        store.save(incident("ghost").start_work(at=T0, actor="a"), expected_version=1)


def test_duplicate_id_or_reference_is_refused(store: TicketStore) -> None:
    t = incident("t-1")
    store.add(t)
    with pytest.raises(DuplicateTicket) as info:
        store.add(t)
    assert info.value.ticket_id == "t-1"
    clone = incident("t-2")
    import attrs

    same_ref = attrs.evolve(clone, reference=t.reference)
    with pytest.raises(DuplicateTicket):
        store.add(same_ref)
    assert store.count() == 1


def test_add_many_is_all_or_nothing(store: TicketStore) -> None:
    store.add(incident("t-3"))
    batch = [incident("t-1"), incident("t-2"), incident("t-3")]
    with pytest.raises(DuplicateTicket) as info:
        store.add_many(batch)
    assert info.value.ticket_id == "t-3"
    assert store.count() == 1
    with pytest.raises(DuplicateTicket):
        store.add_many([incident("t-4"), incident("t-4")])
    assert store.count() == 1
    assert store.add_many([incident("t-1"), incident("t-2")]) == 2
    assert store.add_many([]) == 0
    assert store.count() == 3


def test_save_appends_and_checks_the_version(store: TicketStore) -> None:
    t = incident("t-1")
    store.add(t)
    t2 = t.start_work(at=T0, actor="a-1")
    store.save(t2, expected_version=1)
    assert store.get("t-1") == t2
    stale = t.assign(assignee="a-2", at=T0, actor="a-1")
    with pytest.raises(ConcurrencyConflict) as info:
        store.save(stale, expected_version=1)
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert store.get("t-1") == t2
    # Nothing new: a no-op that still checks the version.
    store.save(t2, expected_version=2)
    with pytest.raises(ConcurrencyConflict):
        store.save(t2, expected_version=1)


def test_save_updates_the_head_used_by_queries(store: TicketStore) -> None:
    t = incident("t-1")
    store.add(t)
    t2 = t.assign(
        assignee="a-9", group="desktop", at=T0 + timedelta(hours=1), actor="a-1"
    )
    store.save(t2, expected_version=1)
    assert store.count(TicketQuery(assignee="a-9", group="desktop")) == 1
    assert store.count(TicketQuery(statuses={Status.NEW})) == 0
    assert store.count(TicketQuery(updated_from=T0 + timedelta(hours=1))) == 1


@pytest.mark.parametrize("bad", [0, -1, True, "1", None])
def test_save_refuses_a_bad_expected_version(store: TicketStore, bad: object) -> None:
    t = incident("t-1")
    store.add(t)
    with pytest.raises(ValidationError) as info:
        store.save(t, expected_version=bad)  # type: ignore[arg-type]
    assert info.value.path == "expected_version"


def test_save_refuses_a_version_ahead_of_the_ticket(store: TicketStore) -> None:
    t = incident("t-1")
    store.add(t)
    with pytest.raises(ValidationError):
        store.save(t, expected_version=2)


def test_non_tickets_are_refused(store: TicketStore) -> None:
    with pytest.raises(ValidationError):
        store.add("t-1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        store.find({"customer_id": "x"})  # type: ignore[arg-type]


def test_find_filters(store: TicketStore) -> None:
    a = incident("a", customer="c-1", serial="SN-1", minutes=0)
    b = incident("b", customer="c-1", minutes=10)
    c = incident("c", customer="c-2", serial="SN-1", minutes=20)
    p = problem("p", minutes=30)
    store.add_many([a, b, c, p])
    p2 = p.link(
        relation=LinkRelation.CAUSES, other_id="a", at=p.updated_at, actor="a-1"
    )
    store.save(p2, expected_version=1)

    def ids(**kw: object) -> list[str]:
        return [t.id for t in store.find(TicketQuery(**kw)).items]  # type: ignore[arg-type]

    assert ids(customer_id="c-1") == ["b", "a"]
    assert ids(asset_serial="SN-1") == ["c", "a"]
    assert ids(kinds={TicketKind.PROBLEM}) == ["p"]
    assert ids(
        opened_from=T0 + timedelta(minutes=10), opened_to=T0 + timedelta(minutes=30)
    ) == [
        "c",
        "b",
    ]
    assert ids(linked_to="a") == ["p"]
    assert ids(linked_to="b") == []
    assert ids(order=Order.OPENED_ASC) == ["a", "b", "c", "p"]
    assert ids(customer_id="nobody") == []
    assert store.count() == 4
    assert store.count(TicketQuery(customer_id="c-1", limit=1)) == 2


def test_keyset_paging_visits_every_ticket_once(store: TicketStore) -> None:
    # Several tickets share an opening instant: ties are broken by id.
    tickets = [incident(f"t-{i:02d}", minutes=i // 3) for i in range(20)]
    store.add_many(tickets)
    for order in Order:
        seen: list[str] = []
        cursor = None
        while True:
            page = store.find(TicketQuery(order=order, limit=6, after=cursor))
            seen.extend(t.id for t in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
            # A ticket added in the middle of paging does not shift the pages.
            if len(seen) == 6 and order is Order.OPENED_ASC:
                store.add(incident("zz-late", minutes=100))
        expected = sorted(
            (t for t in tickets),
            key=lambda t: (t.opened_at, t.id),
            reverse=order in (Order.OPENED_DESC, Order.UPDATED_DESC),
        )
        expected_ids = [t.id for t in expected]
        if order is Order.OPENED_ASC:
            expected_ids.append("zz-late")
        elif "zz-late" in {t.id for t in store.iter_all()}:
            late_first = order in (Order.OPENED_DESC, Order.UPDATED_DESC)
            expected_ids = (
                ["zz-late", *expected_ids] if late_first else [*expected_ids, "zz-late"]
            )
        assert seen == expected_ids, order


def test_a_full_last_page_has_no_cursor(store: TicketStore) -> None:
    store.add_many([incident(f"t-{i}", minutes=i) for i in range(4)])
    first = store.find(TicketQuery(limit=2))
    assert first.next_cursor is not None
    second = store.find(TicketQuery(limit=2, after=first.next_cursor))
    assert len(second.items) == 2
    assert second.next_cursor is None


_HUGE = "WyJvcGVuZWRfZGVzYyIsIDEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwLCAidCJd"  # key 10**22


@pytest.mark.parametrize("cursor", ["garbage", "", "W10", "!!!", _HUGE])
def test_a_foreign_cursor_is_a_validation_error(
    store: TicketStore, cursor: str
) -> None:
    with pytest.raises(ValidationError) as info:
        store.find(TicketQuery(after=cursor))
    assert info.value.path == "after"


def test_a_cursor_from_another_order_is_refused(store: TicketStore) -> None:
    store.add_many([incident(f"t-{i}", minutes=i) for i in range(3)])
    cursor = store.find(TicketQuery(limit=1)).next_cursor
    with pytest.raises(ValidationError, match="order"):
        store.find(TicketQuery(limit=1, after=cursor, order=Order.UPDATED_ASC))


def test_iter_all_streams_in_id_order(store: TicketStore) -> None:
    ids = [f"t-{i:04d}" for i in range(600)]
    store.add_many(incident(i, minutes=-n) for n, i in enumerate(reversed(ids)))
    assert [t.id for t in store.iter_all()] == ids


def test_search_matches_every_word_in_any_field(store: TicketStore) -> None:
    assert isinstance(store, SearchableStore)
    a = with_notes(
        incident("a", summary="VPN drops at night"), 1, text="router firmware"
    )
    b = incident("b", summary="Printer jam", minutes=5)
    store.add_many([a, b])
    assert [t.id for t in store.search("vpn FIRMWARE")] == ["a"]
    assert [t.id for t in store.search("p")] == ["b", "a"]
    assert store.search("vpn printer") == ()
    # Notes added by a later save are searchable too.
    b2 = with_notes(b, 1, text="toner low")
    store.save(b2, expected_version=b.version)
    assert [t.id for t in store.search("toner")] == ["b"]
    assert len(store.search("p", limit=1)) == 1
    with pytest.raises(ValidationError):
        store.search("   ")
    with pytest.raises(ValidationError):
        store.search("x", limit=0)


def test_closed_store_refuses_calls(store: TicketStore) -> None:
    store.close()
    with pytest.raises(StorageError):
        store.count()


def test_threads_never_lose_an_update(store: TicketStore) -> None:
    store.add(incident("t-1"))
    threads = 4
    per_thread = 10
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                while True:
                    current = store.get("t-1")
                    changed = with_notes(current, 1, text=f"w{n}-{i}")
                    try:
                        store.save(changed, expected_version=current.version)
                        break
                    except ConcurrencyConflict:
                        continue
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    final = store.get("t-1")
    texts = sorted(n.text for n in final.notes)
    expected = sorted(f"w{n}-{i} 0" for n in range(threads) for i in range(per_thread))
    assert texts == expected
