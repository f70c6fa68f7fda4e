"""SLA clocks over realistic random tickets, and the corner cases they turned up.

The property tests draw tickets from :func:`deskflow.testing.strategies.tickets`
(every ticket kind, random zones, events sharing one instant) and evaluate them
at instants on, just before and just after their events.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Impact, Incident, Note, Priority, Ticket, Urgency
from deskflow.clock import to_utc
from deskflow.errors import DeskflowError, ValidationError
from deskflow.sla import (
    DEFAULT_POLICY,
    ClockKind,
    ClockState,
    Evaluation,
    NamedCalendar,
    PauseRule,
    PolicyHistory,
    PolicyVersion,
    SlaPolicy,
    SlaRule,
    Target,
    Threshold,
    default_policy,
    evaluate,
)
from deskflow.testing.strategies import tickets
from deskflow.tickets import NoteKind, Status, Visibility
from deskflow.tickets import events as ev

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, business opens
H = timedelta(hours=1)
US = timedelta(microseconds=1)
BRUSSELS = default_policy("Europe/Brussels")
# a second version on other calendars and hours, so a change retargets clocks
NEW_YORK = attrs.evolve(
    default_policy("America/New_York", hours="08:00-12:00"), version="2"
)
SLOW = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _history(change: datetime) -> PolicyHistory:
    return PolicyHistory(
        versions=(
            PolicyVersion(
                effective_from=datetime(1900, 1, 1, tzinfo=UTC), policy=BRUSSELS
            ),
            PolicyVersion(effective_from=change, policy=NEW_YORK),
        )
    )


@st.composite
def observed(draw: st.DrawFn) -> tuple[Ticket, datetime, SlaPolicy | PolicyHistory]:
    """A ticket, an instant on, next to or between its events, and a policy."""
    ticket = draw(tickets(max_commands=15))
    instants = [to_utc(e.at) for e in ticket.timeline]
    event = draw(st.sampled_from(instants))
    at = draw(
        st.sampled_from([event, event - US, event + US])
        | st.builds(
            lambda d: instants[0] + d, st.timedeltas(timedelta(0), timedelta(days=20))
        )
    )
    policy = draw(
        st.sampled_from([DEFAULT_POLICY, BRUSSELS])
        | st.sampled_from(instants).map(_history)  # a version on an event's instant
    )
    return ticket, at, policy


def _keyed(result: Evaluation) -> dict[tuple[str, int], Any]:
    return {(c.name, c.cycle): c for c in result.clocks}


def _p3() -> Incident:
    return Incident.open(
        id="t-r",
        summary="printer offline",
        customer=Customer(id="c-1", name="Alice"),
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        at=T0,
        actor="a-sam",
    )


def _resolution_note(at: datetime) -> Note:
    return Note(
        author="a-sam",
        at=at,
        text="replaced the cable",
        kind=NoteKind.RESOLUTION,
        visibility=Visibility.CUSTOMER,
    )


def _updates(ticket: Ticket, at: datetime) -> list[tuple[int, str, Any, Any]]:
    return [
        (c.cycle, c.state.value, c.elapsed, c.stopped_at)
        for c in evaluate(ticket, at=at).cycles(ClockKind.UPDATE)
    ]


@SLOW
@given(observed())
def test_an_observer_in_the_past_saw_what_the_truncated_timeline_gives(
    case: tuple[Ticket, datetime, SlaPolicy | PolicyHistory],
) -> None:
    ticket, at, policy = case
    full = evaluate(ticket, at=at, policy=policy)
    seen = [e for e in ticket.timeline if to_utc(e.at) <= to_utc(at)]
    if not seen:
        assert full.clocks == ()
        assert full.alerts == ()
        return
    assert full == evaluate(Ticket.from_events(seen), at=at, policy=policy)


@SLOW
@given(observed(), st.timedeltas(US, timedelta(days=10)))
def test_later_observers_never_see_less_time_or_another_verdict(
    case: tuple[Ticket, datetime, SlaPolicy | PolicyHistory], later: timedelta
) -> None:
    ticket, at, policy = case
    before = _keyed(evaluate(ticket, at=at, policy=policy))
    after = _keyed(evaluate(ticket, at=at + later, policy=policy))
    for key, seen in before.items():
        now = after[key]
        if (now.target, now.calendar, now.policy_version) == (
            seen.target,
            seen.calendar,
            seen.policy_version,
        ):
            assert now.elapsed >= seen.elapsed
        if seen.state.is_final:
            assert now.state is seen.state
            assert now.met_at == seen.met_at
            assert now.breached_at == seen.breached_at
        if seen.stopped_at is not None:
            assert now == seen  # a stopped clock is history


@SLOW
@given(observed())
def test_alerts_are_sorted_never_early_and_deferred_to_an_open_instant(
    case: tuple[Ticket, datetime, SlaPolicy | PolicyHistory],
) -> None:
    ticket, at, policy = case
    result = evaluate(ticket, at=at, policy=policy)
    in_force = policy.in_force(at) if isinstance(policy, PolicyHistory) else policy
    by_version = (
        {v.policy.version: v.policy for v in policy.versions}
        if isinstance(policy, PolicyHistory)
        else {policy.version: policy}
    )
    notify = [to_utc(a.notify_at) for a in result.alerts]
    assert notify == sorted(notify)
    for alert in result.alerts:
        assert to_utc(alert.notify_at) >= to_utc(alert.reached_at)
        assert alert.deferred is (to_utc(alert.notify_at) != to_utc(alert.reached_at))
        applied = by_version[alert.policy_version]
        threshold = next(t for t in applied.thresholds if t.name == alert.threshold)
        if threshold.deliver_on is not None:
            open_at = applied.calendar(threshold.deliver_on).next_open(alert.reached_at)
            assert to_utc(alert.notify_at) == to_utc(open_at)
    for clock in result.clocks:
        if clock.running and clock.remaining > timedelta(0):
            # nothing happens after `at`: the due instant is the calendar's
            cal = in_force.calendar(clock.calendar)
            assert clock.policy_version == in_force.version
            assert to_utc(clock.due) == to_utc(cal.add(at, clock.remaining))


# -- a resolution note is part of the resolution ---------------------------------


@pytest.mark.parametrize("worked", [False, True])
def test_a_customer_visible_resolution_note_adds_no_empty_update_cycle(
    worked: bool,
) -> None:
    ticket = _p3()
    if worked:
        ticket = ticket.start_work(at=T0 + H, actor="a-sam")
    kwargs: dict[str, Any] = {
        "resolution": "fixed",
        "articles": (),
        "at": T0 + 3 * H,
        "actor": "a-sam",
    }
    bare = ticket.resolve(**kwargs)
    noted = ticket.resolve(**kwargs, note=_resolution_note(T0 + 3 * H))
    # The note and the resolution are one customer-visible act: the update
    # cycles are those of the same resolution without the note.
    assert _updates(noted, T0 + 4 * H) == _updates(bare, T0 + 4 * H)
    # ...and after a reopen the next cycle is numbered on from there.
    reopened = noted.reopen(reason="offline again", at=T0 + 5 * H, actor="a-sam")
    bare_reopened = bare.reopen(reason="offline again", at=T0 + 5 * H, actor="a-sam")
    assert _updates(reopened, T0 + 6 * H) == _updates(bare_reopened, T0 + 6 * H)


# -- a reopened clock does not repeat the alerts of its earlier cycles ------------


def test_a_reopened_resolution_does_not_repeat_alerts_of_its_first_cycle() -> None:
    ticket = _p3().start_work(at=T0, actor="a-sam")
    # resolution target 16 business hours: 75% is reached on Tuesday at 13:00
    ticket = ticket.resolve(
        resolution="fixed", articles=(), at=T0 + 30 * H, actor="a-sam"
    )
    ticket = ticket.reopen(reason="again", at=T0 + 48 * H, actor="a-sam")
    result = evaluate(ticket, at=T0 + 49 * H)
    first = result.clock(ClockKind.RESOLUTION, cycle=1)
    second = result.clock(ClockKind.RESOLUTION, cycle=2)
    assert first is not None
    assert second is not None
    assert second.state is ClockState.WARNING  # it carries the first cycle's time
    reached = [
        (a.threshold, to_utc(a.reached_at))
        for a in result.alerts
        if a.kind is ClockKind.RESOLUTION and a.reached
    ]
    assert reached  # the first cycle reached its warning
    assert len(reached) == len(set(reached))


# -- bad policy data is refused with the field's path ------------------------------


def _rule(**changes: Any) -> Any:
    return lambda: SlaRule(
        **{"priority": DEFAULT_POLICY.rules[0].priority, "targets": (), **changes}
    )


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Target(kind="response", within=H), "kind"),
        (
            lambda: Target(kind=ClockKind.RESPONSE, within=H, agreement="sla"),
            "agreement",
        ),
        (
            lambda: Target(kind=ClockKind.ESCALATION_RESPONSE, within=H, to_tier="l2"),
            "to_tier",
        ),
        (_rule(priority="p1"), "priority"),
        (_rule(kind="incident"), "kind"),
        (_rule(service_level=3), "service_level"),
        (
            lambda: PauseRule(status="known_error", clocks={ClockKind.RESOLUTION}),
            "status",
        ),
        (
            lambda: PauseRule(
                hold_reason="awaiting_customer", clocks={ClockKind.UPDATE}
            ),
            "hold_reason",
        ),
        (lambda: Threshold(name="warn", fraction=0.5, action="warn"), "action"),
        (lambda: Threshold(name="warn", fraction=0.5, deliver_on=7), "deliver_on"),
        (lambda: Threshold(name="warn", fraction=float("inf")), "fraction"),
        (lambda: NamedCalendar(name="business", calendar="Mon-Fri"), "calendar"),
        (lambda: PolicyVersion(effective_from=T0, policy="default"), "policy"),
        (
            lambda: attrs.evolve(
                DEFAULT_POLICY, thresholds=(Threshold(name="late", fraction=1e9),)
            ),
            "thresholds[0].fraction",
        ),
    ],
)
def test_policy_values_of_the_wrong_type_are_refused_by_path(
    build: Any, path: str
) -> None:
    # A string where an enum belongs must not build a rule that never
    # matches (a pause rule that pauses nothing) nor fail later with an
    # AttributeError or OverflowError.
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.path == path
    assert isinstance(caught.value, DeskflowError)


def test_a_far_threshold_still_builds_when_it_fits() -> None:
    # the overflow check refuses only what cannot be represented
    policy = attrs.evolve(
        DEFAULT_POLICY, thresholds=(Threshold(name="late", fraction=1000.0),)
    )
    result = evaluate(_p3(), at=T0 + H, policy=policy)
    assert [a.threshold for a in result.alerts] == ["late", "late"]
    assert all(not a.reached for a in result.alerts)


# -- a closure ends the clocks, whether or not the lifecycle resolved first ---------


def test_closing_an_unresolved_ticket_ends_its_clocks_like_a_cancellation() -> None:
    # Lifecycles are data: a host's may close a duplicate without resolving it
    # (and an imported history may hold such a closure).
    worked = _p3().start_work(at=T0 + H, actor="a-sam")
    closed = Ticket.from_events(
        (
            *worked.timeline,
            ev.Closed(at=T0 + 2 * H, actor="a-sam", status=Status.CLOSED, reason="dup"),
        )
    )
    cancelled = worked.cancel(reason="dup", at=T0 + 2 * H, actor="a-sam")
    much_later = T0 + 100 * H
    assert evaluate(closed, at=much_later).clocks == (
        evaluate(cancelled, at=much_later).clocks
    )
    assert evaluate(closed, at=much_later).clocks == (
        evaluate(closed, at=T0 + 2 * H).clocks
    )


@pytest.mark.parametrize("ticket", [None, "t-1", {"timeline": ()}])
def test_evaluate_refuses_what_is_not_a_ticket_by_path(ticket: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        evaluate(ticket, at=T0)
    assert caught.value.path == "ticket"


def test_a_tiny_threshold_is_not_reached_before_the_clock_counted() -> None:
    # A fraction whose share of the target rounds to no time at all must not
    # date its alert at the calendar's last closing, before the ticket opened.
    night = T0 + 11 * H  # Monday 20:00, the business calendar is closed
    ticket = Incident.open(
        summary="printer offline",
        customer=Customer(id="c-1", name="Alice"),
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        at=night,
        actor="a-sam",
    )
    policy = attrs.evolve(
        DEFAULT_POLICY, thresholds=(Threshold(name="early", fraction=1e-12),)
    )
    result = evaluate(ticket, at=night + H, policy=policy)
    assert result.alerts
    for alert in result.alerts:
        assert to_utc(alert.reached_at) > to_utc(night)
        assert not alert.reached  # no business time has counted yet


def _visible(at: datetime) -> Note:
    return Note(
        author="a-sam",
        at=at,
        text="still on it",
        kind=NoteKind.STATUS_UPDATE,
        visibility=Visibility.CUSTOMER,
    )


def test_a_clock_stopped_without_a_target_gains_none_from_a_later_change() -> None:
    # P3 promises no status updates here, P2 does. An update cycle that ended
    # while the ticket was P3 had no target when it stopped, and a stopped
    # clock keeps the target in force when it stopped: a later upgrade must
    # not give it a verdict after the fact.
    rules = tuple(
        attrs.evolve(
            rule,
            targets=tuple(t for t in rule.targets if t.kind is not ClockKind.UPDATE),
        )
        if rule.priority is Priority.MEDIUM
        else rule
        for rule in DEFAULT_POLICY.rules
    )
    policy = attrs.evolve(DEFAULT_POLICY, rules=rules)
    ticket = _p3().start_work(at=T0, actor="a-sam")
    ticket = ticket.add_note(_visible(T0 + H))  # ends update cycle 1
    before = evaluate(ticket, at=T0 + 2 * H, policy=policy)
    upgraded = ticket.change_priority(
        impact=Impact.HIGH,
        urgency=Urgency.MEDIUM,
        priority=Priority.HIGH,
        justification="whole floor",
        at=T0 + 2 * H,
        actor="a-sam",
    )
    after = evaluate(upgraded, at=T0 + 3 * H, policy=policy)
    assert before.cycles(ClockKind.UPDATE) == ()
    # the running cycle takes the new target; the stopped one stays unmeasured
    assert [c.cycle for c in after.cycles(ClockKind.UPDATE)] == [2]
