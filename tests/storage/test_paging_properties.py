"""Keyset paging, as a property: pages concatenate to the full ordered result."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from deskflow.storage import MemoryStore, Order, SQLiteStore, TicketQuery, TicketStore

from .helpers import incident

tickets_spec = st.dictionaries(
    keys=st.text(alphabet="ab%_'\x00é", min_size=1, max_size=4).filter(
        lambda s: s.strip()
    ),
    values=st.tuples(
        st.integers(0, 5), st.integers(0, 3), st.sampled_from(["c-1", "c-2"])
    ),
    max_size=25,
)


def _pages(store: TicketStore, query: TicketQuery) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = store.find(TicketQuery(**{**_fields(query), "after": cursor}))
        assert len(page.items) <= query.limit
        seen.extend(t.id for t in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen
        assert len(page.items) == query.limit


def _fields(query: TicketQuery) -> dict[str, object]:
    return {
        "customer_id": query.customer_id,
        "order": query.order,
        "limit": query.limit,
    }


@given(
    spec=tickets_spec,
    order=st.sampled_from(Order),
    limit=st.integers(1, 7),
    customer=st.sampled_from([None, "c-1", "c-2"]),
)
def test_pages_concatenate_to_the_ordered_result(
    spec: dict[str, tuple[int, int, str]],
    order: Order,
    limit: int,
    customer: str | None,
) -> None:
    tickets = []
    for ticket_id, (opened, later, customer_id) in spec.items():
        t = incident(ticket_id, minutes=opened, customer=customer_id)
        if later:
            t = t.start_work(at=t.opened_at + timedelta(minutes=later), actor="a-1")
        tickets.append(t)
    wanted = [t for t in tickets if customer is None or t.customer.id == customer]
    key = (
        (lambda t: (t.opened_at, t.id))
        if order in (Order.OPENED_ASC, Order.OPENED_DESC)
        else (lambda t: (t.updated_at, t.id))
    )
    expected = [
        t.id
        for t in sorted(
            wanted, key=key, reverse=order in (Order.OPENED_DESC, Order.UPDATED_DESC)
        )
    ]
    query = TicketQuery(customer_id=customer, order=order, limit=limit)
    memory = MemoryStore()
    with SQLiteStore(":memory:") as sqlite:
        for store in (memory, sqlite):
            store.add_many(tickets)
            assert _pages(store, query) == expected
            assert store.count(query) == len(expected)
