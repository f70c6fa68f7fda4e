"""Edge cases of deskflow.followup: bad input, boundaries, invariants."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_fixtures import BRUSSELS, at, new_ticket
from deskflow.errors import NaiveDatetimeError, ValidationError
from deskflow.followup import (
    FollowUpOutcome,
    agenda,
    last_customer_contact,
    next_update_due,
    open_commitments,
    promise_to_find_out,
    record_follow_up,
    schedule_follow_up,
    send_status_update,
)
from deskflow.parties import ContactWindow, Customer
from deskflow.sla import DEFAULT_POLICY
from deskflow.tickets import Incident, MakeCommitment, Status
from deskflow.tickets.values import CommitmentKind, CommitmentStatus

UTC = ZoneInfo("UTC")


def resolved(**kw: Any) -> Incident:
    return new_ticket(**kw).resolve(
        resolution="new cable", articles=(), at=at(5), actor="a-sam"
    )


# -- follow-ups ------------------------------------------------------------------------


def test_a_follow_up_cannot_ignore_a_window_it_cannot_read() -> None:
    # book_call_back refuses a contact window without a time zone; the
    # follow-up used to skip the window silently and book any hour.
    bo = Customer(
        id="c-bo", name="Bo", contact_window=ContactWindow(start=time(9), end=time(10))
    )
    with pytest.raises(ValidationError) as info:
        schedule_follow_up(resolved(customer=bo), at=at(6), actor="a-sam")
    assert info.value.path == "customer.time_zone"


def test_follow_up_checks_given_as_one_string_are_refused() -> None:
    # A bare string used to be joined letter by letter: "check: p; r; i; ...".
    with pytest.raises(ValidationError) as info:
        schedule_follow_up(
            resolved(), at=at(6), actor="a-sam", checks="the printer prints"
        )
    assert info.value.path == "checks"


def test_a_follow_up_is_recorded_only_against_a_follow_up() -> None:
    # Recording a reverted fix against a call-back used to keep the call-back
    # and reopen the ticket.
    t = promise_to_find_out(
        new_ticket(), question="is it covered?", due=at(60), at=at(1), actor="a-sam"
    )
    t = t.resolve(resolution="new cable", articles=(), at=at(5), actor="a-sam")
    with pytest.raises(ValidationError) as info:
        record_follow_up(
            t,
            outcome=FollowUpOutcome.REVERTED,
            at=at(10),
            actor="a-sam",
            commitment_id="c1",
        )
    assert info.value.path == "commitment_id"
    assert "find_out" in str(info.value)


def test_a_follow_up_outcome_must_be_a_follow_up_outcome() -> None:
    t = schedule_follow_up(resolved(), at=at(6), actor="a-sam")
    with pytest.raises(ValidationError) as info:
        record_follow_up(t, outcome="held", at=at(60 * 25), actor="a-sam")  # type: ignore[arg-type]
    assert info.value.path == "outcome"


@given(st.sampled_from(FollowUpOutcome), st.integers(min_value=1, max_value=3))
def test_recording_a_follow_up_keeps_exactly_that_promise(
    outcome: FollowUpOutcome, count: int
) -> None:
    t = resolved()
    for index in range(count):
        t = schedule_follow_up(
            t, at=at(6 + index), actor="a-sam", after=timedelta(hours=1 + index)
        )
    follow_ups = [c for c in t.commitments if c.kind is CommitmentKind.FOLLOW_UP]
    earliest = min(follow_ups, key=lambda c: (c.due.astimezone(UTC), c.id))
    new = record_follow_up(t, outcome=outcome, at=at(600), actor="a-sam")
    met = [c.id for c in new.commitments if c.status is CommitmentStatus.MET]
    assert met == [earliest.id]
    if outcome is FollowUpOutcome.REVERTED:
        assert new.is_open
    else:
        assert new.status is Status.RESOLVED
        assert new.confirmed_at is not None


# -- status updates and the cadence ---------------------------------------------------


def test_next_steps_of_a_status_update_given_as_one_string_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        send_status_update(
            new_ticket(), "No news yet", at=at(5), actor="a-sam", next_steps="we call"
        )
    assert info.value.path == "next_steps"


@pytest.mark.parametrize(
    "call",
    [
        lambda t: last_customer_contact(t, at=datetime(2026, 3, 2, 12)),
        lambda t: next_update_due(
            t, cadence=timedelta(hours=4), at=datetime(2026, 3, 2, 12)
        ),
    ],
    ids=["last_customer_contact", "next_update_due"],
)
def test_a_naive_instant_is_refused(call: Any) -> None:
    # It used to be read silently in the machine's local time zone.
    with pytest.raises(NaiveDatetimeError):
        call(new_ticket())


def test_a_find_out_question_must_be_text() -> None:
    with pytest.raises(ValidationError) as info:
        promise_to_find_out(
            new_ticket(),
            question=None,  # type: ignore[arg-type]
            due=at(60),
            at=at(1),
            actor="a-sam",
        )
    assert info.value.path == "question"


# -- the agenda --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"horizon": timedelta(hours=-1)}, "horizon"),
        ({"horizon": 8}, "horizon"),
        ({"warning_fraction": "0.75"}, "warning_fraction"),
        ({"warning_fraction": 0}, "warning_fraction"),
    ],
)
def test_agenda_parameters_are_checked(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        agenda([new_ticket()], agent="a-sam", at=at(1), **kwargs)
    assert info.value.path == path


def test_agenda_refuses_a_single_ticket() -> None:
    # A ticket is not a collection of tickets; this used to be a bare TypeError.
    with pytest.raises(ValidationError) as info:
        agenda(new_ticket(), agent="a-sam", at=at(1))  # type: ignore[arg-type]
    assert info.value.path == "tickets"


@given(st.integers(min_value=0, max_value=24 * 60))
def test_agenda_keeps_overdue_items_first_whatever_the_horizon(minutes: int) -> None:
    t = promise_to_find_out(
        new_ticket(), question="covered?", due=at(30), at=at(1), actor="a-sam"
    )
    items = agenda([t], agent="a-sam", at=at(120), horizon=timedelta(minutes=minutes))
    assert [(i.commitment_id, i.overdue) for i in items] == [("c1", True)]


def test_promises_due_at_the_same_instant_stay_in_the_order_they_were_made() -> None:
    # Ties were broken by the id as text, so 'c10' came before 'c2'.
    t = new_ticket()
    for index in range(11):
        t = promise_to_find_out(
            t, question=f"question {index}", due=at(60), at=at(1 + index), actor="a-sam"
        )
    made = [c.id for c in t.commitments]
    assert [c.id for c in open_commitments(t)] == made
    items = agenda([t], agent="a-sam", at=at(30))
    assert [i.commitment_id for i in items] == made


def test_the_default_follow_up_is_the_first_one_made_among_equals() -> None:
    t = resolved()
    for index, name in enumerate(("visit", "call", "email")):
        t = t.handle(
            MakeCommitment(kind=CommitmentKind.FOLLOW_UP, due=at(600), id=name),
            at=at(6 + index),
            actor="a-sam",
        )
    new = record_follow_up(t, outcome=FollowUpOutcome.HELD, at=at(700), actor="a-sam")
    met = [c.id for c in new.commitments if c.status is CommitmentStatus.MET]
    assert met == ["visit"]


@given(
    st.integers(min_value=-300, max_value=300), st.integers(min_value=1, max_value=600)
)
def test_a_follow_up_falls_after_real_time_across_dst_changes(
    offset: int, minutes: int
) -> None:
    # Wall-clock addition made "after" an hour longer (or shorter) around the
    # autumn fold, and could even fall before the resolution.
    change = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # Brussels falls back
    done = (change + timedelta(minutes=offset)).astimezone(BRUSSELS)
    t = new_ticket(at=done - timedelta(minutes=5)).resolve(
        resolution="new cable", articles=(), at=done, actor="a-sam"
    )
    follow = schedule_follow_up(
        t, at=done, actor="a-sam", after=timedelta(minutes=minutes)
    ).commitments[-1]
    assert follow.due.astimezone(UTC) - done.astimezone(UTC) == timedelta(
        minutes=minutes
    )


def _history_tightening_updates_at(instant: datetime) -> Any:
    from deskflow.sla import DEFAULT_POLICY, ClockKind, PolicyHistory, PolicyVersion

    def every(rule: Any, within: timedelta) -> Any:
        targets = tuple(
            attrs.evolve(x, within=within, calendar="24x7")
            if x.kind is ClockKind.UPDATE
            else x
            for x in rule.targets
        )
        return attrs.evolve(rule, targets=targets)

    def policy(version: str, within: timedelta) -> Any:
        return attrs.evolve(
            DEFAULT_POLICY,
            version=version,
            rules=tuple(every(r, within) for r in DEFAULT_POLICY.rules),
        )

    return PolicyHistory(
        versions=(
            PolicyVersion(
                effective_from=datetime(2026, 1, 1, tzinfo=UTC),
                policy=policy("1", timedelta(hours=8)),
            ),
            PolicyVersion(
                effective_from=instant, policy=policy("2", timedelta(hours=2))
            ),
        )
    )


def test_a_policy_history_is_read_at_the_instant_asked() -> None:
    # next_update_due read the history at the ticket's last event, ignoring
    # 'at', so a tighter update target already in force was not used.
    history = _history_tightening_updates_at(at(60))
    t = new_ticket()
    assert next_update_due(t, cadence=history, at=at(30)) == at(8 * 60)
    assert next_update_due(t, cadence=history, at=at(90)) == at(2 * 60)


def test_agenda_refuses_the_same_ticket_twice() -> None:
    # Each item used to appear twice; with two versions of a ticket, which
    # one the agent owes on is a guess.
    t = promise_to_find_out(
        new_ticket(), question="covered?", due=at(30), at=at(1), actor="a-sam"
    )
    with pytest.raises(ValidationError) as info:
        agenda([t, t], agent="a-sam", at=at(2))
    assert info.value.path == "tickets[1]"


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.integers(2, 24 * 60)),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=24 * 60),
)
def test_agenda_items_come_overdue_first_then_by_due_time(
    promises: list[tuple[int, int]], now: int
) -> None:
    tickets = [new_ticket(id=f"t-{i}") for i in range(4)]
    for index, due in promises:
        tickets[index] = promise_to_find_out(
            tickets[index], question="q", due=at(due), at=at(1), actor="a-sam"
        )
    items = agenda(tickets, agent="a-sam", at=at(now), horizon=timedelta(days=2))
    assert len(items) == len(promises)
    keys = [(not i.overdue, i.due.astimezone(UTC)) for i in items]
    assert keys == sorted(keys)
    assert all(i.overdue == (i.due.astimezone(UTC) < at(now)) for i in items)


# -- arguments that used to give an empty answer or a bare error ---------------------


def promised(ticket: Incident, kind: CommitmentKind, *, due: datetime) -> Incident:
    return ticket.handle(MakeCommitment(kind=kind, due=due), at=at(1), actor="a-sam")


@pytest.mark.parametrize("kind", ["call_back", "CALL_BACK", 5])
def test_open_commitments_refuses_a_kind_that_is_not_a_commitment_kind(
    kind: Any,
) -> None:
    # A string never equals an enum member, so kind="call_back" used to
    # return () even with a call-back open.
    ticket = promised(new_ticket(), CommitmentKind.CALL_BACK, due=at(60))
    with pytest.raises(ValidationError) as info:
        open_commitments(ticket, kind=kind)
    assert info.value.path == "kind"
    assert "CommitmentKind.CALL_BACK" in str(info.value)


@given(
    st.lists(st.sampled_from(CommitmentKind), max_size=5),
    st.sampled_from(CommitmentKind),
)
def test_open_commitments_of_a_kind_are_exactly_the_open_ones_of_that_kind(
    kinds: list[CommitmentKind], wanted: CommitmentKind
) -> None:
    ticket = new_ticket()
    for index, kind in enumerate(kinds):
        ticket = promised(ticket, kind, due=at(60 + index))
    found = open_commitments(ticket, kind=wanted)
    assert [c.kind for c in found] == [wanted] * kinds.count(wanted)


@pytest.mark.parametrize("after", [1, 1.5, "1 day", None])
def test_a_follow_up_delay_must_be_a_timedelta(after: Any) -> None:
    with pytest.raises(ValidationError) as info:
        schedule_follow_up(resolved(), at=at(6), actor="a-sam", after=after)
    assert info.value.path == "after"


@pytest.mark.parametrize("agent", [None, "", "  ", 5])
def test_agenda_refuses_an_agent_that_is_not_a_name(agent: Any) -> None:
    # agent=None matched no commitment and no owner: an empty agenda.
    ticket = promised(new_ticket(), CommitmentKind.CALL_BACK, due=at(60))
    with pytest.raises(ValidationError) as info:
        agenda([ticket], agent=agent, at=at(2))
    assert info.value.path == "agent"


@pytest.mark.parametrize("fraction", [1.01, 2, float("inf")])
def test_agenda_refuses_a_warning_fraction_above_one_like_the_sla_policy(
    fraction: float,
) -> None:
    with pytest.raises(ValidationError) as policy_info:
        attrs.evolve(DEFAULT_POLICY, warn_at=fraction)
    with pytest.raises(ValidationError) as info:
        agenda([new_ticket()], agent="a-sam", at=at(1), warning_fraction=fraction)
    assert info.value.path == "warning_fraction"
    assert info.value.rule == policy_info.value.rule


def test_agenda_accepts_a_warning_fraction_of_exactly_one() -> None:
    assert agenda([new_ticket()], agent="a-sam", at=at(1), warning_fraction=1) == ()
