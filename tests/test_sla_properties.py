"""Property tests for deskflow.sla over random ticket histories."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from deskflow import (
    Customer,
    DeskflowError,
    Handoff,
    HoldReason,
    Impact,
    Incident,
    Note,
    Step,
    StepOutcome,
    Ticket,
    Tier,
    Urgency,
)
from deskflow.sla import (
    DEFAULT_POLICY,
    ClockState,
    Evaluation,
    PolicyHistory,
    PolicyVersion,
    default_policy,
    evaluate,
)
from deskflow.tickets import NoteKind, Visibility
from deskflow.tickets.events import Event

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HANDOFF = Handoff(
    contact_verified=True,
    contact="+32 2 555 0101",
    no_error_shown=True,
    no_article_applies=True,
    steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
)
LEVELS = (Impact.HIGH, Impact.MEDIUM, Impact.LOW)
URGENCIES = (Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW)
ACTIONS = (
    "start",
    "public",
    "internal",
    "reply",
    "hold_customer",
    "hold_vendor",
    "resume",
    "escalate",
    "assign",
    "priority",
    "resolve",
    "reopen",
    "cancel",
)
BRUSSELS = default_policy("Europe/Brussels")
STRICT = default_policy("Europe/Brussels", hours="08:00-12:00")


def apply(ticket: Incident, action: str, at: datetime, n: int) -> Incident:
    if action == "start":
        return ticket.start_work(at=at, actor="a-1")
    if action in ("public", "internal"):
        visibility = Visibility.CUSTOMER if action == "public" else Visibility.INTERNAL
        note = Note(
            author="a-1",
            at=at,
            text="note",
            kind=NoteKind.STATUS_UPDATE,
            visibility=visibility,
        )
        return ticket.add_note(note)
    if action == "reply":
        return ticket.customer_reply("news?", at=at)
    if action.startswith("hold"):
        reason = (
            HoldReason.AWAITING_CUSTOMER
            if action == "hold_customer"
            else HoldReason.AWAITING_VENDOR
        )
        return ticket.put_on_hold(
            reason=reason, until=at + timedelta(days=2), at=at, actor="a-1"
        )
    if action == "resume":
        return ticket.resume(at=at, actor="a-1")
    if action == "escalate":
        return ticket.escalate(
            to_tier=Tier.L2 if n % 2 else Tier.L3,
            to_group="g",
            reason="needs skill",
            handoff=HANDOFF,
            at=at,
            actor="a-1",
        )
    if action == "assign":
        return ticket.assign(assignee="a-2", at=at, actor="a-2")
    if action == "priority":
        return ticket.change_priority(
            impact=LEVELS[n % 3],
            urgency=URGENCIES[(n // 3) % 3],
            justification="reassessed",
            at=at,
            actor="a-1",
        )
    if action == "resolve":
        return ticket.resolve(resolution="fixed", articles=(), at=at, actor="a-1")
    if action == "reopen":
        return ticket.reopen(reason="again", at=at, actor="a-1")
    return ticket.cancel(reason="withdrawn", at=at, actor="a-1")


steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=600),  # minutes after the previous event
        st.integers(min_value=0, max_value=8),
    ),
    max_size=14,
)


def build(plan: list[tuple[str, int, int]], start: datetime = T0) -> Incident:
    ticket = Incident.open(
        id="t-p",
        summary="printer",
        customer=Customer(id="c-1", name="Alice"),
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        at=start,
        actor="a-1",
    )
    at = start
    for action, gap, n in plan:
        at = at + timedelta(minutes=gap)
        try:
            ticket = apply(ticket, action, at, n)
        except DeskflowError:
            continue
    return ticket


@st.composite
def histories(draw: st.DrawFn) -> tuple[Incident, datetime]:
    ticket = build(draw(steps))
    span = (ticket.updated_at - T0) + timedelta(days=3)
    offset = draw(st.integers(min_value=0, max_value=int(span.total_seconds() // 60)))
    return ticket, T0 + timedelta(minutes=offset)


def policy_history() -> PolicyHistory:
    return PolicyHistory(
        versions=(
            PolicyVersion(effective_from=T0 - timedelta(days=1), policy=BRUSSELS),
            PolicyVersion(effective_from=T0 + timedelta(hours=7), policy=STRICT),
        )
    )


POLICIES = st.sampled_from([DEFAULT_POLICY, BRUSSELS, policy_history()])


def keyed(result: Evaluation) -> dict[tuple[str, int], object]:
    return {(c.name, c.cycle): c for c in result.clocks}


@given(histories(), POLICIES)
def test_elapsed_plus_remaining_is_the_target(
    case: tuple[Incident, datetime], policy: object
) -> None:
    ticket, at = case
    for clock in evaluate(ticket, at=at, policy=policy).clocks:  # type: ignore[arg-type]
        assert clock.elapsed + clock.remaining == clock.target
        assert clock.elapsed >= timedelta(0)
        if clock.state in (ClockState.RUNNING, ClockState.WARNING):
            assert clock.running
            assert clock.due is not None
            assert clock.due >= at


@given(histories(), POLICIES)
def test_evaluating_the_past_equals_evaluating_the_truncated_ticket(
    case: tuple[Incident, datetime], policy: object
) -> None:
    ticket, at = case
    truncated = Ticket.from_events(e for e in ticket.timeline if e.at <= at)
    assert evaluate(ticket, at=at, policy=policy) == evaluate(  # type: ignore[arg-type]
        truncated,
        at=at,
        policy=policy,  # type: ignore[arg-type]
    )


@given(histories(), POLICIES)
def test_evaluation_is_deterministic(
    case: tuple[Incident, datetime], policy: object
) -> None:
    ticket, at = case
    first = evaluate(ticket, at=at, policy=policy)  # type: ignore[arg-type]
    again = evaluate(Ticket.from_events(ticket.timeline), at=at, policy=policy)  # type: ignore[arg-type]
    assert first == again
    assert [a.reason for a in first.alerts] == [a.reason for a in again.alerts]


@given(histories(), st.integers(min_value=1, max_value=3000), POLICIES)
def test_final_states_never_change(
    case: tuple[Incident, datetime], later_minutes: int, policy: object
) -> None:
    ticket, at = case
    before = keyed(evaluate(ticket, at=at, policy=policy))  # type: ignore[arg-type]
    after = keyed(
        evaluate(ticket, at=at + timedelta(minutes=later_minutes), policy=policy)  # type: ignore[arg-type]
    )
    for key, seen in before.items():
        assert key in after
        now = after[key]
        if seen.stopped_at is not None:  # type: ignore[attr-defined]
            assert now == seen  # a stopped clock is history
        if seen.state.is_final:  # type: ignore[attr-defined]
            # met stays met, breached stays breached (even while it runs on)
            assert now.state is seen.state  # type: ignore[attr-defined]
            assert now.breached_at == seen.breached_at  # type: ignore[attr-defined]
            assert now.met_at == seen.met_at  # type: ignore[attr-defined]


def _with_pause(
    events: list[Event], index: int, length: int, reason: HoldReason
) -> Ticket | None:
    """The history with a hold of up to ``length`` minutes after ``events[index]``.

    The pause fits between two events, so the rest of the history is
    unchanged; None when no hold can begin there.
    """
    previous = events[index]
    gap = (
        events[index + 1].at - previous.at
        if index + 1 < len(events)
        else timedelta(days=2)
    )
    pause = min(timedelta(minutes=length), gap)
    if pause <= timedelta(0):
        return None
    paused = Ticket.from_events(events[: index + 1])
    if paused.hold is not None:
        # Already on hold: the inserted resume would end that hold early,
        # which is not "adding a pause" to the history.
        return None
    try:
        paused = paused.put_on_hold(
            reason=reason,
            until=previous.at + timedelta(days=3),
            at=previous.at,
            actor="a-1",
        )
        paused = paused.resume(at=previous.at + pause, actor="a-1")
    except DeskflowError:
        return None
    return Ticket.from_events((*paused.timeline, *events[index + 1 :]))


@given(
    steps,
    st.integers(min_value=0, max_value=14),
    st.integers(min_value=1, max_value=600),
    st.sampled_from([HoldReason.AWAITING_CUSTOMER, HoldReason.AWAITING_USER]),
    POLICIES,
    st.integers(min_value=0, max_value=14),
)
def test_pausing_never_moves_a_due_instant_earlier(
    plan: list[tuple[str, int, int]],
    where: int,
    length: int,
    reason: HoldReason,
    policy: object,
    work_from: int,
) -> None:
    """Every clock: response, resolution, update cycles and escalations.

    Work starts at some step (a new ticket cannot be put on hold), and the
    pause goes after the first event from ``where`` on (going round) after
    which a hold can begin, so that most histories are compared.
    """
    plain = build([*plan[:work_from], ("start", 5, 0), *plan[work_from:]])
    events = list(plain.timeline)
    for offset in range(len(events)):
        paused = _with_pause(events, (where + offset) % len(events), length, reason)
        if paused is not None:
            break
    else:
        return  # no event can be followed by a hold (never worked, say)
    at = plain.updated_at + timedelta(hours=1)
    with_pause = keyed(evaluate(paused, at=at, policy=policy))  # type: ignore[arg-type]
    for key, clock in keyed(evaluate(plain, at=at, policy=policy)).items():  # type: ignore[arg-type]
        if key not in with_pause:
            continue
        other = with_pause[key]
        if other.target != clock.target:  # type: ignore[attr-defined]
            # a later priority change may find one clock breached and the
            # other not, and retarget only the latter: not comparable
            continue
        assert other.elapsed <= clock.elapsed  # type: ignore[attr-defined]
        if clock.due is not None and other.due is not None:  # type: ignore[attr-defined]
            assert other.due >= clock.due  # type: ignore[attr-defined]
