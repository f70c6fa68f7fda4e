"""Commitments, contact windows, update cadence, follow-ups and the agenda (deskflow.followup)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow.calendars import BusinessCalendar
from deskflow.errors import InvalidTransition, NaiveDatetimeError, ValidationError
from deskflow.followup import (
    AgendaKind,
    Commitment,
    CommitmentKind,
    CommitmentState,
    CommitmentStatus,
    ContactWindow,
    FollowUpOutcome,
    OutsideContactWindow,
    UpdateCadence,
    agenda,
    book_call_back,
    commitment,
    keep,
    last_customer_contact,
    next_update_due,
    open_commitments,
    promise_status_update,
    promise_to_find_out,
    record_follow_up,
    schedule_follow_up,
    send_status_update,
    withdraw,
)
from deskflow.parties import Customer
from deskflow.serialization import dumps, loads
from deskflow.tickets import (
    CancelCommitment,
    Incident,
    MakeCommitment,
    MeetCommitment,
    Note,
    Status,
    Ticket,
    Visibility,
)
from deskflow.tickets import events as ev
from deskflow.tiers import SlaReading

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BRUSSELS)  # a Monday
WINDOW = ContactWindow(start=time(9), end=time(12, 30))
ALICE = Customer(
    id="c-alice", name="Alice", time_zone="Europe/Brussels", contact_window=WINDOW
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket(**kw: Any) -> Incident:
    fields: dict[str, Any] = {
        "summary": "Printer not responding",
        "customer": ALICE,
        "at": T0,
        "actor": "a-sam",
        "owner": "a-sam",
        "group": "service-desk",
        "id": "t-1",
    }
    fields.update(kw)
    return Incident.open(**fields)


# -- contact window -----------------------------------------------------------------


def test_contact_window_is_half_open_and_reads_the_customers_zone() -> None:
    assert WINDOW.contains(datetime(2026, 3, 2, 9, 0, tzinfo=BRUSSELS), BRUSSELS)
    assert not WINDOW.contains(datetime(2026, 3, 2, 12, 30, tzinfo=BRUSSELS), BRUSSELS)
    # 08:30 UTC is 09:30 in Brussels in March (UTC+1).
    utc = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
    assert WINDOW.contains(utc, BRUSSELS)
    assert not WINDOW.contains(utc, timezone.utc)


def test_next_opening_skips_evenings_and_weekends() -> None:
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=BRUSSELS)
    assert WINDOW.next_opening(friday_evening, BRUSSELS) == datetime(
        2026, 3, 9, 9, 0, tzinfo=BRUSSELS
    )
    early = datetime(2026, 3, 3, 7, 0, tzinfo=BRUSSELS)
    assert WINDOW.next_opening(early, BRUSSELS) == datetime(
        2026, 3, 3, 9, 0, tzinfo=BRUSSELS
    )
    inside = datetime(2026, 3, 3, 10, 0, tzinfo=BRUSSELS)
    assert WINDOW.next_opening(inside, BRUSSELS) == inside


def test_contact_window_validation() -> None:
    with pytest.raises(ValidationError, match="end after it starts"):
        ContactWindow(start=time(12), end=time(9))
    with pytest.raises(ValidationError, match="weekday"):
        ContactWindow(start=time(9), end=time(12), weekdays=(7,))
    with pytest.raises(ValidationError, match="at least one weekday"):
        ContactWindow(start=time(9), end=time(12), weekdays=())
    with pytest.raises(NaiveDatetimeError):
        WINDOW.contains(datetime(2026, 3, 2, 9), BRUSSELS)
    assert ContactWindow(start=time(9), end=time(10), weekdays=[3, 1, 3]).weekdays == (
        1,
        3,
    )


@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2027, 12, 31),
        timezones=st.just(BRUSSELS),
    )
)
def test_next_opening_is_inside_and_never_earlier(instant: datetime) -> None:
    opening = WINDOW.next_opening(instant, BRUSSELS)
    assert opening >= instant
    assert WINDOW.contains(opening, BRUSSELS)
    assert opening - instant < timedelta(days=4)


def test_customer_with_a_window_round_trips() -> None:
    assert loads(dumps(ALICE), Customer) == ALICE
    assert Customer(id="c", name="n").contact_window is None


# -- commitments in the core ------------------------------------------------------------


def test_commitments_are_on_the_ticket_and_its_timeline() -> None:
    t = new_ticket().handle(
        MakeCommitment(kind=CommitmentKind.CALL_BACK, due=at(60), text="call"),
        at=at(1),
        actor="a-sam",
    )
    t = t.handle(
        MakeCommitment(kind=CommitmentKind.STATUS_UPDATE, due=at(90)),
        at=at(2),
        actor="a-sam",
    )
    assert [c.id for c in t.commitments] == ["c1", "c2"]
    first = t.commitments[0]
    assert (first.owed_by, first.made_at, first.status) == (
        "a-sam",
        at(1),
        CommitmentStatus.OPEN,
    )
    assert isinstance(t.timeline[-1], ev.CommitmentMade)
    t = t.handle(
        MeetCommitment(commitment_id="c1", outcome="called"), at=at(50), actor="a-sam"
    )
    t = t.handle(
        CancelCommitment(commitment_id="c2", reason="customer away"),
        at=at(51),
        actor="a-sam",
    )
    assert [c.status for c in t.commitments] == [
        CommitmentStatus.MET,
        CommitmentStatus.CANCELLED,
    ]
    assert t.commitments[1].outcome == "customer away"
    assert Ticket.from_events(t.timeline) == t
    assert loads(dumps(t), Ticket) == t


def test_commitment_commands_refuse_bad_input() -> None:
    t = new_ticket()
    with pytest.raises(ValidationError, match="falls due after it is made"):
        t.handle(
            MakeCommitment(kind=CommitmentKind.CALL_BACK, due=at(0)),
            at=at(0),
            actor="a",
        )
    t = t.handle(
        MakeCommitment(kind=CommitmentKind.CALL_BACK, due=at(5), id="cb"),
        at=at(0),
        actor="a",
    )
    with pytest.raises(ValidationError, match="already has a commitment 'cb'"):
        t.handle(
            MakeCommitment(kind=CommitmentKind.CALL_BACK, due=at(5), id="cb"),
            at=at(0),
            actor="a",
        )
    with pytest.raises(ValidationError, match="open ones: cb"):
        t.handle(MeetCommitment(commitment_id="c9"), at=at(1), actor="a")
    t = t.handle(MeetCommitment(commitment_id="cb"), at=at(1), actor="a")
    with pytest.raises(ValidationError, match="already met"):
        t.handle(MeetCommitment(commitment_id="cb"), at=at(2), actor="a")
    with pytest.raises(ValidationError, match="closed_at"):
        Commitment(
            id="x",
            kind=CommitmentKind.CALL_BACK,
            due=at(1),
            owed_by="a",
            made_at=at(0),
            status=CommitmentStatus.MET,
        )


def test_promises_are_made_while_open_or_resolved_and_kept_even_after_closure() -> None:
    t = new_ticket().resolve(resolution="fixed", articles=(), at=at(1), actor="a-sam")
    t = t.handle(
        MakeCommitment(kind=CommitmentKind.FOLLOW_UP, due=at(60)),
        at=at(2),
        actor="a-sam",
    )
    t = t.confirm(at=at(3)).close(at=at(4), actor="a-sam")
    with pytest.raises(InvalidTransition):
        t.handle(
            MakeCommitment(kind=CommitmentKind.CALL_BACK, due=at(90)),
            at=at(5),
            actor="a",
        )
    t = t.handle(MeetCommitment(commitment_id="c1"), at=at(61), actor="a-sam")
    assert t.commitments[0].met_late


# -- making and keeping promises ----------------------------------------------------


def test_call_back_outside_the_window_is_refused_with_a_suggestion() -> None:
    t = new_ticket()
    with pytest.raises(OutsideContactWindow) as info:
        book_call_back(t, due=at(5 * 60), at=at(1), actor="a-sam")
    assert info.value.suggestion == datetime(2026, 3, 3, 9, 0, tzinfo=BRUSSELS)
    assert info.value.path == "due"
    booked = book_call_back(t, due=info.value.suggestion, at=at(1), actor="a-sam")
    assert booked.commitments[0].due == info.value.suggestion


def test_call_back_is_stored_in_the_customers_zone() -> None:
    t = new_ticket()
    due = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)  # 11:00 in Brussels
    c = book_call_back(
        t, due=due, at=at(1), actor="a-sam", owed_by="a-kim"
    ).commitments[0]
    assert c.due == due
    assert c.due.utcoffset() == timedelta(hours=1)
    assert c.owed_by == "a-kim"


def test_a_window_without_a_time_zone_cannot_be_read() -> None:
    t = new_ticket(customer=attrs.evolve(ALICE, time_zone=None))
    with pytest.raises(ValidationError, match="no time zone"):
        book_call_back(t, due=at(30), at=at(1), actor="a-sam")
    free = new_ticket(customer=Customer(id="c", name="Bo"))
    assert book_call_back(free, due=at(600), at=at(1), actor="a").commitments


def test_find_out_promise_names_the_question() -> None:
    t = promise_to_find_out(
        new_ticket(), question="warranty?", due=at(120), at=at(1), actor="a-sam"
    )
    assert (t.commitments[0].kind, t.commitments[0].text) == (
        CommitmentKind.FIND_OUT,
        "warranty?",
    )
    with pytest.raises(ValidationError, match="question"):
        promise_to_find_out(
            new_ticket(), question=" ", due=at(120), at=at(1), actor="a"
        )


def test_status_update_keeps_open_update_promises_and_returns_a_notice() -> None:
    t = promise_status_update(new_ticket(), due=at(240), at=at(1), actor="a-sam")
    t = book_call_back(t, due=at(60), at=at(1), actor="a-sam")
    t, notice = send_status_update(
        t, "Still waiting for the part.", at=at(30), actor="a-sam", next_steps=("x",)
    )
    assert [c.status for c in t.commitments] == [
        CommitmentStatus.MET,
        CommitmentStatus.OPEN,
    ]
    assert t.notes[-1].visibility is Visibility.CUSTOMER
    assert notice.text.startswith(f"[{t.reference}] Still waiting for the part.")
    assert [c.id for c in open_commitments(t)] == ["c2"]


def test_keep_withdraw_and_lookup() -> None:
    t = book_call_back(new_ticket(), due=at(60), at=at(1), actor="a-sam")
    assert keep(t, "c1", at=at(2), actor="a-sam").commitments[0].state_at(at(3)) is (
        CommitmentState.MET
    )
    gone = withdraw(t, "c1", reason="customer will call", at=at(2), actor="a-sam")
    assert gone.commitments[0].state_at(at(120)) is CommitmentState.CANCELLED
    assert commitment(t, "c1").kind is CommitmentKind.CALL_BACK
    with pytest.raises(ValidationError):
        commitment(t, "c2")


# -- cadence -----------------------------------------------------------------------------


def test_update_cadence_restarts_at_each_customer_visible_note() -> None:
    t = new_ticket()
    assert next_update_due(t, cadence=timedelta(hours=4)) == at(240)
    t = t.add_note(Note(author="a-sam", at=at(30), text="internal only"))
    assert next_update_due(t, cadence=timedelta(hours=4)) == at(240)
    t, _ = send_status_update(t, "no news", at=at(60), actor="a-sam")
    assert last_customer_contact(t) == at(60)
    assert next_update_due(t, cadence=UpdateCadence(every=timedelta(hours=4))) == at(
        300
    )
    assert last_customer_contact(t, at=at(59)) == T0


def test_update_cadence_in_business_hours_and_from_a_policy() -> None:
    t = new_ticket(at=datetime(2026, 3, 6, 15, 0, tzinfo=BRUSSELS))
    calendar = BusinessCalendar.weekdays("09:00-17:00", zone="Europe/Brussels")
    assert next_update_due(t, cadence=timedelta(hours=4), calendar=calendar) == (
        datetime(2026, 3, 9, 11, 0, tzinfo=BRUSSELS)
    )

    @attrs.frozen
    class Policy:
        update_every: timedelta

    assert next_update_due(t, cadence=Policy(timedelta(hours=1))) == datetime(
        2026, 3, 6, 16, 0, tzinfo=BRUSSELS
    )
    with pytest.raises(ValidationError, match="cadence"):
        next_update_due(t, cadence="often")
    with pytest.raises(ValidationError, match="positive"):
        UpdateCadence(every=timedelta(0))
    resolved = t.resolve(resolution="x", articles=(), at=t.opened_at, actor="a")
    assert next_update_due(resolved, cadence=timedelta(hours=1)) is None


# -- follow-up after resolution -------------------------------------------------------


def resolved_ticket() -> Incident:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    return t.resolve(resolution="new cable", articles=(), at=at(40), actor="a-tom")


def test_follow_up_is_owed_by_the_owner_inside_the_window() -> None:
    t = schedule_follow_up(resolved_ticket(), at=at(41), actor="a-tom")
    follow = t.commitments[-1]
    assert follow.kind is CommitmentKind.FOLLOW_UP
    assert follow.owed_by == "a-sam"
    assert follow.due == datetime(2026, 3, 3, 9, 41, tzinfo=BRUSSELS)
    late = schedule_follow_up(
        resolved_ticket(), at=at(41), actor="a-tom", after=timedelta(hours=4)
    )
    assert late.commitments[-1].due == datetime(2026, 3, 3, 9, 0, tzinfo=BRUSSELS)


def test_follow_up_needs_a_resolved_ticket() -> None:
    with pytest.raises(ValidationError, match="once the ticket is resolved"):
        schedule_follow_up(new_ticket(), at=at(1), actor="a-sam")


def test_a_held_fix_is_confirmed() -> None:
    t = schedule_follow_up(resolved_ticket(), at=at(41), actor="a-tom")
    t = record_follow_up(
        t, outcome=FollowUpOutcome.HELD, at=at(24 * 60), actor="a-sam", detail="fine"
    )
    assert t.confirmed_at == at(24 * 60)
    assert t.commitments[-1].outcome == "held: fine"
    assert t.close(at=at(24 * 60 + 1), actor="a-sam").status is Status.CLOSED


def test_a_reverted_fix_reopens_the_ticket() -> None:
    t = schedule_follow_up(resolved_ticket(), at=at(41), actor="a-tom")
    t = record_follow_up(
        t,
        outcome=FollowUpOutcome.REVERTED,
        at=at(24 * 60),
        actor="a-sam",
        detail="offline after reboot",
    )
    assert (t.status, t.reopen_count) == (Status.IN_PROGRESS, 1)
    reopened = t.timeline[-1]
    assert isinstance(reopened, ev.Reopened)
    assert "offline after reboot" in reopened.reason
    with pytest.raises(ValidationError, match="no open follow-up"):
        record_follow_up(t, outcome=FollowUpOutcome.HELD, at=at(24 * 60), actor="a")


# -- the agenda ------------------------------------------------------------------------


def test_agenda_orders_by_urgency_and_keeps_to_the_agent() -> None:
    one = book_call_back(new_ticket(id="t-1"), due=at(30), at=at(1), actor="a-sam")
    one = promise_status_update(one, due=at(200), at=at(1), actor="a-sam")
    one = book_call_back(one, due=at(45), at=at(1), actor="a-kim")
    two = promise_to_find_out(
        new_ticket(id="t-2"), question="q", due=at(20), at=at(1), actor="a-sam"
    )
    three = book_call_back(
        new_ticket(id="t-3"), due=at(60 * 3), at=at(1), actor="a-sam"
    )
    three = keep(three, "c1", at=at(2), actor="a-sam")
    far = book_call_back(
        new_ticket(id="t-4"),
        due=datetime(2026, 3, 4, 9, 30, tzinfo=BRUSSELS),
        at=at(1),
        actor="a-sam",
    )
    items = agenda([one, two, three, far], agent="a-sam", at=at(35))
    assert [(i.ticket_id, i.kind, i.overdue) for i in items] == [
        ("t-2", AgendaKind.FIND_OUT, True),
        ("t-1", AgendaKind.CALL_BACK, True),
        ("t-1", AgendaKind.STATUS_UPDATE, False),
    ]
    assert str(items[0]).startswith("OVERDUE Mon 09:20")


def test_agenda_includes_update_cadence_and_sla_clocks_of_owned_tickets() -> None:
    t = new_ticket()
    not_mine = new_ticket(id="t-9", owner="a-kim")

    def clocks(ticket: Ticket) -> list[SlaReading]:
        return [
            SlaReading(
                name="resolution",
                elapsed=timedelta(hours=3),
                target=timedelta(hours=4),
                due=at(240),
            ),
            SlaReading(
                name="response", elapsed=timedelta(minutes=1), target=timedelta(hours=1)
            ),
        ]

    items = agenda(
        [t, not_mine],
        agent="a-sam",
        at=at(180),
        cadence=timedelta(hours=2),
        clocks=clocks,
    )
    assert [(i.kind, i.due, i.overdue) for i in items] == [
        (AgendaKind.UPDATE_DUE, at(120), True),
        (AgendaKind.SLA_AT_RISK, at(240), False),
    ]


# -- properties ---------------------------------------------------------------------------

_steps = st.lists(
    st.tuples(
        st.sampled_from(["make", "meet", "cancel"]),
        st.integers(min_value=0, max_value=120),
        st.integers(min_value=1, max_value=240),
    ),
    max_size=15,
)


@given(_steps, st.lists(st.integers(min_value=-60, max_value=2000), min_size=1))
def test_every_commitment_is_met_cancelled_overdue_or_pending(
    steps: list[tuple[str, int, int]], probes: list[int]
) -> None:
    t = new_ticket(customer=Customer(id="c", name="Bo"))
    now = T0
    for action, gap, horizon in steps:
        now = now + timedelta(minutes=gap)
        pending = [c for c in t.commitments if c.is_open]
        if action == "make":
            t = t.handle(
                MakeCommitment(
                    kind=CommitmentKind.CALL_BACK, due=now + timedelta(minutes=horizon)
                ),
                at=now,
                actor="a-sam",
            )
        elif pending:
            target = pending[horizon % len(pending)].id
            command: Any = (
                MeetCommitment(commitment_id=target)
                if action == "meet"
                else CancelCommitment(commitment_id=target, reason="no longer needed")
            )
            t = t.handle(command, at=now, actor="a-sam")
    for c in t.commitments:
        met = [
            e.at
            for e in t.timeline
            if isinstance(e, ev.CommitmentMet) and e.commitment_id == c.id
        ]
        cancelled = [
            e.at
            for e in t.timeline
            if isinstance(e, ev.CommitmentCancelled) and e.commitment_id == c.id
        ]
        assert len(met) + len(cancelled) <= 1
        for minutes in probes:
            instant = at(minutes)
            state = c.state_at(instant)
            if met and met[0] <= instant:
                expected = CommitmentState.MET
            elif cancelled and cancelled[0] <= instant:
                expected = CommitmentState.CANCELLED
            elif instant > c.due:
                expected = CommitmentState.OVERDUE
            else:
                expected = CommitmentState.PENDING
            assert state is expected
        # Once closed, a commitment stays closed.
        if c.closed_at is not None:
            later = c.closed_at + timedelta(days=365)
            assert c.state_at(later) is c.state_at(c.closed_at)


# -- with deskflow.sla ------------------------------------------------------------------


def test_update_cadence_from_the_sla_policy() -> None:
    from deskflow.sla import DEFAULT_POLICY

    t = new_ticket(at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    cadence = UpdateCadence.from_policy(DEFAULT_POLICY, t)
    assert cadence is not None
    assert cadence.calendar is not None
    due = next_update_due(t, cadence=DEFAULT_POLICY)
    assert due == cadence.calendar.add(t.opened_at, cadence.every)
    assert next_update_due(t, cadence=cadence) == due


def test_agenda_reads_sla_evaluations_and_their_update_clock() -> None:
    from deskflow.sla import evaluate

    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    t = new_ticket(at=start, customer=Customer(id="c", name="Bo"))
    t = t.start_work(at=start + timedelta(minutes=5), actor="a-sam")
    now = start + timedelta(hours=7)
    items = agenda(
        [t],
        agent="a-sam",
        at=now,
        horizon=timedelta(days=2),
        cadence=timedelta(hours=1),
        clocks=lambda ticket: evaluate(ticket, at=now),
    )
    kinds = [i.kind for i in items]
    # The SLA's update clock replaces the cadence: one update item, not two.
    assert kinds.count(AgendaKind.UPDATE_DUE) == 1
    update = next(i for i in items if i.kind is AgendaKind.UPDATE_DUE)
    assert "SLA update clock" in update.text
    assert update.due == evaluate(t, at=now).clock("update").due  # type: ignore[union-attr]


# -- round trips ------------------------------------------------------------------------

_times = st.times(min_value=time(0, 0), max_value=time(23, 58)).map(
    lambda t: t.replace(second=0, microsecond=0)
)


@given(
    _times,
    st.integers(min_value=1, max_value=600),
    st.sets(st.integers(0, 6), min_size=1),
)
def test_contact_window_round_trips(start: time, minutes: int, days: set[int]) -> None:
    end_minutes = min(start.hour * 60 + start.minute + minutes, 23 * 60 + 59)
    end = time(end_minutes // 60, end_minutes % 60)
    if end <= start:
        return
    window = ContactWindow(start=start, end=end, weekdays=days)
    assert loads(dumps(window), ContactWindow) == window


@given(st.integers(min_value=1, max_value=10_000), st.booleans())
def test_update_cadence_round_trips(minutes: int, business: bool) -> None:
    calendar = BusinessCalendar.weekdays(zone="Europe/Brussels") if business else None
    cadence = UpdateCadence(every=timedelta(minutes=minutes), calendar=calendar)
    assert loads(dumps(cadence), UpdateCadence) == cadence


_instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2030, 1, 1),
    timezones=st.just(timezone.utc),
)


@given(
    st.sampled_from(CommitmentKind),
    _instants,
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from(CommitmentStatus),
    st.text(max_size=20),
)
def test_commitments_round_trip(
    kind: CommitmentKind,
    made: datetime,
    minutes: int,
    status: CommitmentStatus,
    text: str,
) -> None:
    closed = None if status is CommitmentStatus.OPEN else made + timedelta(minutes=1)
    value = Commitment(
        id="c1",
        kind=kind,
        due=made + timedelta(minutes=minutes),
        owed_by="a-sam",
        made_at=made,
        text=text,
        status=status,
        closed_at=closed,
        outcome=text,
    )
    assert loads(dumps(value), Commitment) == value
