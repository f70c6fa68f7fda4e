"""Previous cases and recurrence detection (deskflow.history)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow.errors import ValidationError
from deskflow.history import (
    RecurrenceBasis,
    RecurrencePolicy,
    detect_recurrence,
    digest,
    history_for,
    previous_cases,
    recurrence_for,
)
from deskflow.parties import Asset, Customer
from deskflow.storage.memory import MemoryStore
from deskflow.tickets import (
    Incident,
    LinkRelation,
    Note,
    ServiceRequest,
    Step,
    StepOutcome,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
ALICE = Customer(id="c-alice", name="Alice")
BOB = Customer(id="c-bob", name="Bob")
UNIT = Asset(serial="CN-4821-X", model="LaserJet")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def incident(ident: str, opened: datetime, **kw: Any) -> Incident:
    fields: dict[str, Any] = {
        "summary": f"case {ident}",
        "customer": ALICE,
        "at": opened,
        "actor": "a-sam",
        "id": ident,
        "category": "printing",
    }
    fields.update(kw)
    return Incident.open(**fields)


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    s.add(incident("i-1", day(0), asset=UNIT))
    s.add(incident("i-2", day(10), asset=UNIT, customer=BOB))
    s.add(incident("i-3", day(20)))
    s.add(incident("i-4", day(30), asset=UNIT))
    return s


def test_previous_cases_of_a_customer_newest_first(store: MemoryStore) -> None:
    found = previous_cases(store, customer_id="c-alice")
    assert [t.id for t in found] == ["i-4", "i-3", "i-1"]
    assert [t.id for t in previous_cases(store, customer_id="c-alice", limit=2)] == [
        "i-4",
        "i-3",
    ]
    before = previous_cases(
        store, customer_id="c-alice", before=day(30), exclude=["i-1"]
    )
    assert [t.id for t in before] == ["i-3"]


def test_previous_cases_of_a_unit_across_customers(store: MemoryStore) -> None:
    found = previous_cases(store, asset_serial="CN-4821-X")
    assert [t.id for t in found] == ["i-4", "i-2", "i-1"]
    both = previous_cases(store, customer_id="c-bob", asset_serial="CN-4821-X")
    assert [t.id for t in both] == ["i-2"]


def test_previous_cases_input_errors(store: MemoryStore) -> None:
    with pytest.raises(ValidationError, match="customer id, an asset serial"):
        previous_cases(store)
    with pytest.raises(ValidationError, match="positive"):
        previous_cases(store, customer_id="c", limit=0)
    with pytest.raises(ValidationError):
        previous_cases(store, customer_id="c", before=datetime(2026, 1, 1))


def test_history_for_a_new_ticket(store: MemoryStore) -> None:
    current = incident("i-5", day(31), asset=UNIT)
    store.add(current)
    history = history_for(store, current)
    assert [t.id for t in history.customer] == ["i-4", "i-3", "i-1"]
    assert [t.id for t in history.asset] == ["i-4", "i-2", "i-1"]
    assert not history.is_empty
    no_unit = history_for(store, incident("i-6", day(40), customer=BOB))
    assert no_unit.asset == ()


def test_digest_shows_what_was_tried_and_how_it_ended() -> None:
    t = incident("i-1", day(0)).add_note(
        Note(
            author="a-sam",
            at=day(0),
            steps=(Step(action="reboot", outcome=StepOutcome.FAILED),),
        )
    )
    t = t.resolve(resolution="new fuser", articles=(), at=day(1), actor="a-tom")
    text = str(digest(t))
    assert "tried: reboot (failed)" in text
    assert "resolution: new fuser" in text
    t = t.reopen(reason="again", at=day(2), actor="c-alice")
    assert "reopened 1 time(s)" in str(digest(t))


# -- recurrence ---------------------------------------------------------------------


def test_three_returns_of_one_unit_make_a_lemon() -> None:
    tickets = [
        incident("i-1", day(0), asset=UNIT),
        incident("i-2", day(30), asset=UNIT, customer=BOB),
        incident("i-3", day(60), asset=UNIT, category="hardware"),
    ]
    (finding,) = detect_recurrence(tickets, at=day(61))
    assert finding.basis is RecurrenceBasis.ASSET
    assert finding.key == "CN-4821-X"
    assert finding.ticket_ids == ("i-1", "i-2", "i-3")
    assert finding.lemon
    assert finding.count == 3
    assert "open a problem" in finding.suggestion
    assert "stop sending it out" in finding.suggestion


def test_recurrence_suggests_linking_an_existing_problem() -> None:
    linked = incident("i-2", day(30), asset=UNIT).link(
        relation=LinkRelation.CAUSED_BY, other_id="prb-7", at=day(30), actor="a"
    )
    tickets = [
        incident("i-1", day(0), asset=UNIT),
        linked,
        incident("i-3", day(60), asset=UNIT),
    ]
    finding, by_customer = detect_recurrence(tickets, at=day(61))
    assert (finding.basis, by_customer.basis) == (
        RecurrenceBasis.ASSET,
        RecurrenceBasis.CUSTOMER_CATEGORY,
    )
    assert finding.problem_ids == by_customer.problem_ids == ("prb-7",)
    assert "link them to problem prb-7" in finding.suggestion


def test_the_same_customer_and_category_recur() -> None:
    tickets = [incident(f"i-{n}", day(n)) for n in range(3)]
    (finding,) = detect_recurrence(tickets, at=day(3))
    assert finding.basis is RecurrenceBasis.CUSTOMER_CATEGORY
    assert finding.key == "c-alice/printing"
    assert not finding.lemon


def test_no_finding_below_the_threshold_outside_the_window_or_for_requests() -> None:
    assert detect_recurrence([incident("i-1", day(0), asset=UNIT)] * 3, at=day(1)) == ()
    spread = [incident(f"i-{n}", day(50 * n), asset=UNIT) for n in range(3)]
    assert detect_recurrence(spread, at=day(101)) == ()
    assert (
        len(
            detect_recurrence(
                spread, at=day(101), policy=RecurrencePolicy(window=timedelta(days=120))
            )
        )
        == 2
    )
    requests = [
        ServiceRequest.open(
            summary="toner", customer=ALICE, at=day(n), actor="a", asset=UNIT
        )
        for n in range(3)
    ]
    assert detect_recurrence(requests, at=day(3)) == ()
    future = [incident(f"i-{n}", day(n), asset=UNIT) for n in range(3)]
    assert detect_recurrence(future, at=day(1)) == ()


def test_recurrence_policy_validation() -> None:
    with pytest.raises(ValidationError, match="at least 2"):
        RecurrencePolicy(threshold=1)
    with pytest.raises(ValidationError, match="positive"):
        RecurrencePolicy(window=timedelta(0))


def test_recurrence_for_a_ticket_reads_the_store(store: MemoryStore) -> None:
    current = incident("i-5", day(31), asset=UNIT, customer=BOB, category="hardware")
    store.add(current)
    findings = recurrence_for(store, current, at=day(31))
    assert [(f.basis, f.ticket_ids) for f in findings] == [
        (RecurrenceBasis.ASSET, ("i-1", "i-2", "i-4", "i-5")),
    ]
    alice_case = store.get("i-4")
    by_customer = recurrence_for(store, alice_case, at=day(30))
    assert {f.basis for f in by_customer} == {
        RecurrenceBasis.ASSET,
        RecurrenceBasis.CUSTOMER_CATEGORY,
    }


@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=2, max_value=5),
)
def test_a_finding_holds_exactly_the_incidents_in_the_window(
    days: list[int], now: int, threshold: int
) -> None:
    tickets = [incident(f"i-{i}", day(d), asset=UNIT) for i, d in enumerate(days)]
    policy = RecurrencePolicy(
        threshold=threshold, bases=(RecurrenceBasis.ASSET,), window=timedelta(days=90)
    )
    findings = detect_recurrence(tickets, at=day(now), policy=policy)
    inside = [
        t for t in tickets if day(now) - timedelta(days=90) < t.opened_at <= day(now)
    ]
    if len(inside) >= threshold:
        (finding,) = findings
        assert set(finding.ticket_ids) == {t.id for t in inside}
        opened = [t.opened_at for t in inside]
        assert (finding.first_opened, finding.last_opened) == (min(opened), max(opened))
    else:
        assert findings == ()


@given(
    st.integers(min_value=2, max_value=50),
    st.integers(min_value=1, max_value=1000),
    st.lists(st.sampled_from(RecurrenceBasis), min_size=1, max_size=2, unique=True),
)
def test_recurrence_policy_round_trips(
    threshold: int, days: int, bases: list[RecurrenceBasis]
) -> None:
    from deskflow.serialization import dumps, loads

    policy = RecurrencePolicy(
        threshold=threshold, window=timedelta(days=days), bases=tuple(bases)
    )
    assert loads(dumps(policy), RecurrencePolicy) == policy


@pytest.mark.parametrize(
    ("bases", "path"),
    [
        (("asset",), "bases[0]"),
        ("asset", "bases"),
        ((), "bases"),
        ((RecurrenceBasis.ASSET, RecurrenceBasis.ASSET), "bases"),
        ([RecurrenceBasis.ASSET], "bases"),
    ],
)
def test_recurrence_bases_are_checked(bases: Any, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        RecurrencePolicy(bases=bases)
    assert info.value.path == path


@pytest.mark.parametrize("now", [datetime(1, 1, 2, tzinfo=timezone.utc), day(61)])
def test_a_window_reaching_before_the_first_year_counts_everything(
    now: datetime,
) -> None:
    tickets = [
        incident(f"i-{n}", now - timedelta(hours=n), asset=UNIT) for n in (3, 2, 1)
    ]
    policy = RecurrencePolicy(
        window=timedelta(days=999_999_999), bases=(RecurrenceBasis.ASSET,)
    )
    (finding,) = detect_recurrence(tickets, at=now, policy=policy)
    assert finding.ticket_ids == ("i-3", "i-2", "i-1")
    store = MemoryStore()
    for t in tickets:
        store.add(t)
    (again,) = recurrence_for(store, tickets[0], at=now, policy=policy)
    assert again == finding


@pytest.mark.parametrize(
    ("window", "words"),
    [
        (timedelta(days=90), "within 90 days:"),
        (timedelta(days=1), "within 1 day:"),
        (timedelta(hours=36), "within 36 hours:"),
        (timedelta(minutes=90), "within PT1H30M:"),
    ],
)
def test_the_suggestion_names_the_window(window: timedelta, words: str) -> None:
    tickets = [incident(f"i-{n}", day(0) + timedelta(minutes=n)) for n in range(3)]
    policy = RecurrencePolicy(window=window)
    (finding,) = detect_recurrence(
        tickets, at=day(0) + timedelta(minutes=5), policy=policy
    )
    assert words in finding.suggestion


def test_a_customer_id_with_a_slash_is_named_whole() -> None:
    who = Customer(id="org/42", name="Org")
    tickets = [incident(f"i-{n}", day(n), customer=who) for n in range(3)]
    (finding,) = detect_recurrence(tickets, at=day(3))
    assert "customer org/42 (printing)" in finding.suggestion


# -- the wrong kind of argument names itself ---------------------------------------------


def test_history_and_digest_need_a_ticket_not_its_id(store: MemoryStore) -> None:
    # Both used to fail with a bare AttributeError on 'str'.
    with pytest.raises(ValidationError) as info:
        history_for(store, "i-1")  # type: ignore[arg-type]
    assert info.value.path == "ticket"
    assert "store.get('i-1')" in str(info.value)
    with pytest.raises(ValidationError) as info:
        digest("i-1")  # type: ignore[arg-type]
    assert info.value.path == "ticket"
    with pytest.raises(ValidationError) as info:
        recurrence_for(store, "i-1", at=day(20))  # type: ignore[arg-type]
    assert info.value.path == "ticket"


@pytest.mark.parametrize("bad", [None, "sqlite://:memory:", [incident("i-9", T0)]])
def test_readers_of_a_store_refuse_what_is_not_one(bad: Any) -> None:
    today = incident("i-9", day(20), asset=UNIT)
    for read in (
        lambda: history_for(bad, today),
        lambda: recurrence_for(bad, today, at=day(20)),
        lambda: previous_cases(bad, customer_id="c-alice"),
    ):
        with pytest.raises(ValidationError) as info:
            read()
        assert info.value.path == "store"


def test_detect_recurrence_reads_tickets_not_a_store(store: MemoryStore) -> None:
    # A store is not iterable: this used to be a bare TypeError.
    with pytest.raises(ValidationError) as info:
        detect_recurrence(store, at=day(20))  # type: ignore[arg-type]
    assert info.value.path == "tickets"
    assert "iter_all()" in str(info.value)
    with pytest.raises(ValidationError) as info:
        detect_recurrence(incident("i-9", T0), at=day(20))  # type: ignore[arg-type]
    assert info.value.path == "tickets"
    with pytest.raises(ValidationError) as info:
        detect_recurrence([incident("i-9", T0), "i-1"], at=day(20))  # type: ignore[list-item]
    assert info.value.path == "tickets[1]"


@given(st.integers(min_value=0, max_value=6))
def test_a_store_and_its_tickets_give_the_same_findings(returns: int) -> None:
    s = MemoryStore()
    for n in range(returns):
        s.add(incident(f"i-{n}", day(n), asset=UNIT))
    assert detect_recurrence(s.iter_all(), at=day(10)) == detect_recurrence(
        list(s.iter_all()), at=day(10)
    )
