"""Instants in the hour that repeats when clocks fall back are ordered by real time.

Python compares and subtracts two datetimes that share a ``tzinfo`` by their
wall times, ignoring ``fold``: in London on 25 October 2020, 01:45 BST
(+01:00) compares after 01:15 GMT (+00:00), though it comes 30 minutes
before it. Every rule of deskflow that orders instants or measures the time
between them must use real time. Each test below fails if that rule compares
wall times instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from deskflow import Customer, HoldReason, Incident, Note
from deskflow.clock import to_utc
from deskflow.errors import InvalidTransition
from deskflow.followup import next_update_due, promise_status_update
from deskflow.scripts import CallClosed, Greeted
from deskflow.scripts.calls import Call
from deskflow.sla import default_policy, evaluate
from deskflow.tickets.lifecycle import incident_lifecycle
from deskflow.tickets.values import CommitmentState

LONDON = ZoneInfo("Europe/London")


def bst(hour: int, minute: int) -> datetime:
    """A wall time on 2020-10-25 in London, first pass (BST, +01:00)."""
    return datetime(2020, 10, 25, hour, minute, tzinfo=LONDON)


def gmt(hour: int, minute: int) -> datetime:
    """A wall time on 2020-10-25 in London, second pass (GMT, +00:00)."""
    return datetime(2020, 10, 25, hour, minute, fold=1, tzinfo=LONDON)


def opened(at: datetime) -> Incident:
    return Incident.open(
        summary="VPN drops",
        customer=Customer(id="c-1", name="Ann"),
        at=at,
        actor="a-1",
        id="t-1",
    )


def test_the_fold_is_what_these_tests_say() -> None:
    assert gmt(1, 15) < bst(1, 45)  # Python: by wall time
    assert to_utc(gmt(1, 15)) - to_utc(bst(1, 45)) == timedelta(minutes=30)


def test_a_promise_due_in_the_second_pass_is_after_one_made_in_the_first() -> None:
    t = promise_status_update(
        opened(bst(1, 30)), due=gmt(1, 15), at=bst(1, 45), actor="a-1"
    )
    (c,) = t.commitments
    assert c.state_at(bst(1, 50)) is CommitmentState.PENDING
    assert c.state_at(gmt(1, 10)) is CommitmentState.PENDING
    assert c.state_at(gmt(1, 20)) is CommitmentState.OVERDUE


def test_a_hold_may_end_in_the_second_pass() -> None:
    t = opened(bst(1, 30)).start_work(at=bst(1, 35), actor="a-1")
    held = t.put_on_hold(
        reason=HoldReason.AWAITING_CUSTOMER,
        until=gmt(1, 15),
        at=bst(1, 45),
        actor="a-1",
    )
    assert held.hold is not None
    assert held.hold.until == gmt(1, 15)


def test_the_reopen_window_is_real_time() -> None:
    one_hour = incident_lifecycle(reopen_window=timedelta(hours=1))
    t = opened(bst(0, 10)).start_work(at=bst(0, 20), actor="a-1")
    t = t.resolve(resolution="fixed", articles=(), at=bst(0, 50), actor="a-1")
    # 100 minutes of real time later, though the wall clock moved only 40.
    with pytest.raises(InvalidTransition, match="reopen window"):
        t.reopen(reason="again", at=gmt(1, 30), actor="a-1", lifecycle=one_hour)


def test_an_update_cadence_counts_real_time() -> None:
    t = opened(bst(0, 30))  # 23:30 UTC
    due = next_update_due(t, cadence=timedelta(hours=2))
    assert due is not None
    assert to_utc(due) == datetime(2020, 10, 25, 1, 30, tzinfo=timezone.utc)
    assert due.fold == 1  # 01:30 GMT, the second pass


def test_sla_evaluation_in_the_second_pass_sees_a_ticket_opened_in_the_first() -> None:
    t = opened(bst(1, 45))
    e = evaluate(t, at=gmt(1, 15), policy=default_policy("Europe/London"))
    assert [c.name for c in e.clocks] == ["response", "resolution"]
    assert e.clocks[0].started_at == bst(1, 45)


def test_a_call_may_run_through_the_fold() -> None:
    call = Call(
        id="call-1",
        agent="a-1",
        started_at=bst(1, 55),
        events=(
            Greeted(at=gmt(1, 0), said="Service desk, Sam speaking"),
            CallClosed(at=gmt(1, 5)),
        ),
    )
    assert to_utc(call.ended_at) - to_utc(call.started_at) == timedelta(minutes=10)


def test_note_ordering_on_a_timeline_is_real_time() -> None:
    t = opened(bst(1, 50))
    t = t.add_note(Note(author="a-1", at=gmt(1, 5), text="later, in GMT"))
    assert t.updated_at == gmt(1, 5)


# Any two instants within three hours of the fall-back, as London wall times
# (so that about half of them fall in the repeated hour, in either pass).
_FOLD = datetime(2020, 10, 25, 1, 0, tzinfo=timezone.utc)
_around_fold = st.integers(-3 * 3600, 3 * 3600).map(
    lambda s: (_FOLD + timedelta(seconds=s)).astimezone(LONDON)
)


@given(_around_fold, _around_fold)
def test_a_promise_falls_due_at_its_real_instant(a: datetime, b: datetime) -> None:
    made, due = sorted((a, b), key=to_utc)
    assume(to_utc(made) < to_utc(due))
    t = promise_status_update(
        opened(made - timedelta(minutes=1)), due=due, at=made, actor="a-1"
    )
    (c,) = t.commitments
    tick = timedelta(seconds=1)
    assert c.state_at(made) is CommitmentState.PENDING
    assert c.state_at(due) is CommitmentState.PENDING
    after = (to_utc(due) + tick).astimezone(LONDON)
    assert c.state_at(after) is CommitmentState.OVERDUE


# Integer instants (UTC microseconds) within three hours of a fall-back or a
# spring-forward, with any sub-second part, in zones whose clocks go back by
# an hour (London), by 30 minutes (Lord Howe) and forward at midnight (Santiago).
_ZONE_EDGES = [
    (ZoneInfo("Europe/London"), datetime(2020, 10, 25, 1, 0, tzinfo=timezone.utc)),
    (ZoneInfo("Europe/London"), datetime(2020, 3, 29, 1, 0, tzinfo=timezone.utc)),
    (ZoneInfo("Australia/Lord_Howe"), datetime(2020, 4, 4, 15, 0, tzinfo=timezone.utc)),
    (ZoneInfo("America/Santiago"), datetime(2020, 9, 6, 4, 0, tzinfo=timezone.utc)),
]


@given(
    st.sampled_from(_ZONE_EDGES),
    st.integers(-3 * 3600 * 10**6, 3 * 3600 * 10**6),
)
def test_integer_instants_convert_to_the_same_instant_and_fold(
    edge: tuple[ZoneInfo, datetime], offset: int
) -> None:
    from deskflow.sla import _datetime, _us

    zone, transition = edge
    u = _us(transition) + offset
    got = _datetime(u, zone)
    expected = (transition + timedelta(microseconds=offset)).astimezone(zone)
    assert got.tzinfo is zone
    assert _us(got) == u
    # == compares wall times within one zone: check the fold as well
    assert (got.replace(tzinfo=None), got.fold) == (
        expected.replace(tzinfo=None),
        expected.fold,
    )


@given(
    st.sampled_from(_ZONE_EDGES),
    st.integers(-3 * 3600 * 10**6, 0),
    st.integers(1, 3 * 3600 * 10**6),
    st.booleans(),
)
def test_a_deadline_with_microseconds_is_its_instant_in_either_pass(
    edge: tuple[ZoneInfo, datetime], offset: int, micros: int, always: bool
) -> None:
    from deskflow.calendars import BusinessCalendar

    zone, transition = edge
    cal = (
        BusinessCalendar.always_open(zone.key)
        if always
        else BusinessCalendar(
            zone=zone.key,
            hours=dict.fromkeys(
                ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "00:00-24:00"
            ),
        )
    )
    start = (transition + timedelta(microseconds=offset)).astimezone(zone)
    d = timedelta(microseconds=micros)
    got = cal.add(start, d)
    expected = (transition + timedelta(microseconds=offset + micros)).astimezone(zone)
    assert to_utc(got) == to_utc(expected)
    assert (got.replace(tzinfo=None), got.fold) == (
        expected.replace(tzinfo=None),
        expected.fold,
    )
