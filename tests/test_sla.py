"""Scenario tests for deskflow.sla: every clock rule a help desk would recognise."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from deskflow import (
    Customer,
    Handoff,
    HoldReason,
    Impact,
    Incident,
    Note,
    Priority,
    Step,
    StepOutcome,
    Tier,
    Urgency,
)
from deskflow.calendars import BusinessCalendar
from deskflow.errors import NaiveDatetimeError, ValidationError
from deskflow.serialization import dumps, from_dict, loads, make_converter, to_dict
from deskflow.sla import (
    DEFAULT_POLICY,
    Agreement,
    ClockKind,
    ClockState,
    NamedCalendar,
    PauseRule,
    PolicyHistory,
    PolicyVersion,
    SlaPolicy,
    SlaRule,
    Target,
    Threshold,
    ThresholdAction,
    default_policy,
    evaluate,
    format_hours,
)
from deskflow.tickets import NoteKind, Status, TicketKind, Visibility

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 09:00, business opens
H = timedelta(hours=1)
M = timedelta(minutes=1)
HANDOFF = Handoff(
    contact_verified=True,
    contact="+32 2 555 0101",
    no_error_shown=True,
    no_article_applies=True,
    steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
)
ALICE = Customer(id="c-alice", name="Alice")


def p3(at: datetime = T0, customer: Customer = ALICE) -> Incident:
    """A P3 incident (default policy: response 2h, resolution 16h, updates 8h)."""
    return Incident.open(
        id="t-1",
        summary="printer offline",
        customer=customer,
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        at=at,
        actor="a-sam",
    )


def visible(at: datetime, author: str = "a-sam") -> Note:
    return Note(
        author=author,
        at=at,
        text="update",
        kind=NoteKind.STATUS_UPDATE,
        visibility=Visibility.CUSTOMER,
    )


# -- first response -------------------------------------------------------------


def test_start_of_work_is_the_first_response() -> None:
    inc = p3().start_work(at=T0 + 10 * M, actor="a-sam")
    r = evaluate(inc, at=T0 + H).clock(ClockKind.RESPONSE)
    assert r is not None
    assert (r.state, r.met_at, r.elapsed) == (ClockState.MET, T0 + 10 * M, 10 * M)


def test_a_customer_visible_note_by_an_agent_is_the_first_response() -> None:
    inc = p3().add_note(visible(T0 + 20 * M))
    r = evaluate(inc, at=T0 + H).clock(ClockKind.RESPONSE)
    assert r is not None
    assert r.met_at == T0 + 20 * M


def test_internal_notes_and_customer_replies_are_not_a_response() -> None:
    inc = p3().add_note(Note(author="a-sam", at=T0 + 5 * M, text="looked at logs"))
    inc = inc.customer_reply("any news?", at=T0 + 10 * M)
    r = evaluate(inc, at=T0 + H).clock(ClockKind.RESPONSE)
    assert r is not None
    assert (r.state, r.elapsed, r.remaining) == (ClockState.RUNNING, H, H)
    assert r.due == T0 + 2 * H


def test_a_resolution_is_a_response_and_starts_no_update_cycle() -> None:
    inc = p3().resolve(resolution="fixed", articles=(), at=T0 + 30 * M, actor="a-sam")
    result = evaluate(inc, at=T0 + 2 * H)
    r = result.clock(ClockKind.RESPONSE)
    assert r is not None
    assert r.met_at == T0 + 30 * M
    assert result.clock(ClockKind.UPDATE) is None


def test_response_breaches_after_the_due_instant_not_at_it() -> None:
    inc = p3()
    at_due = evaluate(inc, at=T0 + 2 * H).clock(ClockKind.RESPONSE)
    after = evaluate(inc, at=T0 + 2 * H + M).clock(ClockKind.RESPONSE)
    assert at_due is not None
    assert after is not None
    assert at_due.state is ClockState.WARNING
    assert at_due.remaining == timedelta(0)
    assert after.state is ClockState.BREACHED
    assert after.breached_at == T0 + 2 * H
    met_on_time = inc.start_work(at=T0 + 2 * H, actor="a-sam")
    r = evaluate(met_on_time, at=T0 + 3 * H).clock(ClockKind.RESPONSE)
    assert r is not None
    assert r.state is ClockState.MET


def test_business_hours_stretch_a_due_instant_over_the_night() -> None:
    inc = p3(at=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    r = evaluate(inc, at=datetime(2026, 3, 2, 20, tzinfo=UTC)).clock(ClockKind.RESPONSE)
    assert r is not None
    assert r.elapsed == H
    assert r.state is ClockState.RUNNING
    assert r.due == datetime(2026, 3, 3, 10, tzinfo=UTC)


# -- pause rules -------------------------------------------------------------------


def held(reason: HoldReason) -> Incident:
    inc = p3().start_work(at=T0 + 5 * M, actor="a-sam")
    inc = inc.put_on_hold(
        reason=reason, until=T0 + 5 * H, at=T0 + H, actor="a-sam", detail="waiting"
    )
    return inc.resume(at=T0 + 3 * H, actor="a-sam")


def test_awaiting_the_customer_pauses_resolution_and_updates() -> None:
    result = evaluate(held(HoldReason.AWAITING_CUSTOMER), at=T0 + 4 * H)
    resolution = result.clock(ClockKind.RESOLUTION)
    update = result.clock(ClockKind.UPDATE)
    assert resolution is not None
    assert update is not None
    assert resolution.elapsed == 2 * H  # 4h minus the 2h hold
    assert update.elapsed == 2 * H - 5 * M
    plain = evaluate(p3().start_work(at=T0 + 5 * M, actor="a"), at=T0 + 4 * H)
    plain_resolution = plain.clock(ClockKind.RESOLUTION)
    assert plain_resolution is not None
    assert resolution.due is not None
    assert plain_resolution.due is not None
    assert plain_resolution.due == datetime(2026, 3, 3, 17, tzinfo=UTC)
    assert resolution.due == datetime(2026, 3, 4, 11, tzinfo=UTC)  # 2 business h later


def test_a_clock_is_paused_during_the_hold() -> None:
    inc = p3().start_work(at=T0 + 5 * M, actor="a-sam")
    inc = inc.put_on_hold(
        reason=HoldReason.AWAITING_CUSTOMER, until=T0 + 5 * H, at=T0 + H, actor="a"
    )
    r = evaluate(inc, at=T0 + 2 * H).clock(ClockKind.RESOLUTION)
    assert r is not None
    assert (r.state, r.running, r.due, r.elapsed) == (ClockState.PAUSED, False, None, H)


def test_awaiting_a_vendor_does_not_pause_resolution_by_default() -> None:
    result = evaluate(held(HoldReason.AWAITING_VENDOR), at=T0 + 4 * H)
    resolution = result.clock(ClockKind.RESOLUTION)
    assert resolution is not None
    assert resolution.elapsed == 4 * H


def test_pause_rules_are_data() -> None:
    policy = attrs.evolve(
        DEFAULT_POLICY,
        pause_rules=(
            PauseRule(
                hold_reason=HoldReason.AWAITING_VENDOR,
                clocks=frozenset({ClockKind.RESOLUTION}),
            ),
        ),
    )
    result = evaluate(held(HoldReason.AWAITING_VENDOR), at=T0 + 4 * H, policy=policy)
    resolution = result.clock(ClockKind.RESOLUTION)
    assert resolution is not None
    assert resolution.elapsed == 2 * H


def test_a_status_rule_pauses_while_a_problem_is_a_known_error() -> None:
    rule = PauseRule(status=Status.KNOWN_ERROR, clocks={ClockKind.RESOLUTION})
    assert rule.matches(Status.KNOWN_ERROR, None)
    assert not rule.matches(Status.ON_HOLD, HoldReason.AWAITING_CUSTOMER)


def test_a_pause_rule_needs_a_status_or_a_reason() -> None:
    with pytest.raises(ValidationError) as err:
        PauseRule(clocks=frozenset({ClockKind.RESOLUTION}))
    assert err.value.path == "status"
    with pytest.raises(ValidationError):
        PauseRule(
            status=Status.NEW,
            hold_reason=HoldReason.AWAITING_USER,
            clocks=frozenset({ClockKind.RESOLUTION}),
        )


# -- update cycles --------------------------------------------------------------------


def test_every_update_cycle_is_reported_met_or_breached() -> None:
    inc = p3().start_work(at=T0, actor="a-sam")  # cycle 1 starts at 09:00
    inc = inc.add_note(visible(T0 + 3 * H))  # cycle 1 met (8h target)
    t2 = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 12:00 Mon -> 15:00 Tue = 11h
    inc = inc.add_note(visible(t2))  # cycle 2 breached
    inc = inc.resolve(resolution="fixed", articles=(), at=t2 + H, actor="a-sam")
    cycles = evaluate(inc, at=t2 + 2 * H).cycles(ClockKind.UPDATE)
    assert [(c.cycle, c.state) for c in cycles] == [
        (1, ClockState.MET),
        (2, ClockState.BREACHED),
        (3, ClockState.MET),
    ]
    assert cycles[1].elapsed == 11 * H
    assert cycles[1].breached_at == datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    assert cycles[2].started_at == t2
    assert cycles[2].met_at == t2 + H


def test_a_note_by_the_customer_does_not_end_a_cycle() -> None:
    inc = p3().start_work(at=T0, actor="a-sam")
    inc = inc.add_note(visible(T0 + H, author=ALICE.id))
    assert len(evaluate(inc, at=T0 + 2 * H).cycles(ClockKind.UPDATE)) == 1


# -- OLA on escalation, underpinning contract ----------------------------------------


def escalated() -> Incident:
    inc = p3().start_work(at=T0, actor="a-sam")
    return inc.escalate(
        to_tier=Tier.L2,
        to_group="desktop",
        reason="needs desktop support",
        handoff=HANDOFF,
        at=T0 + H,
        actor="a-sam",
    )


def test_each_escalation_starts_a_new_ola_clock() -> None:
    inc = escalated().assign(assignee="a-lee", at=T0 + 2 * H, actor="a-lee")
    inc = inc.escalate(
        to_tier=Tier.L3,
        to_group="field",
        reason="needs a visit",
        handoff=HANDOFF,
        at=T0 + 3 * H,
        actor="a-lee",
    )
    result = evaluate(inc, at=T0 + 6 * H)
    olas = result.cycles(ClockKind.ESCALATION_RESPONSE)
    assert [(o.cycle, o.state, o.agreement) for o in olas] == [
        (1, ClockState.MET, Agreement.OLA),
        (2, ClockState.BREACHED, Agreement.OLA),
    ]
    assert olas[0].elapsed == H
    assert olas[1].breached_at == T0 + 5 * H


def test_an_ola_target_can_name_the_tier_that_owes_it() -> None:
    targets = (
        Target(kind=ClockKind.ESCALATION_RESPONSE, within=2 * H, to_tier=Tier.L2),
        Target(kind=ClockKind.ESCALATION_RESPONSE, within=8 * H, name="l3 visit"),
    )
    policy = SlaPolicy(
        name="olas",
        calendars=DEFAULT_POLICY.calendars,
        rules=(SlaRule(priority=Priority.MEDIUM, targets=targets),),
    )
    ola = evaluate(escalated(), at=T0 + 2 * H, policy=policy).clock(
        ClockKind.ESCALATION_RESPONSE
    )
    assert ola is not None
    assert (ola.target, ola.name) == (2 * H, "escalation_response")


def test_a_second_escalation_ends_an_unanswered_one() -> None:
    inc = escalated().escalate(
        to_tier=Tier.L3,
        to_group="field",
        reason="straight to a visit",
        handoff=HANDOFF,
        at=T0 + 90 * M,
        actor="a-sam",
    )
    olas = evaluate(inc, at=T0 + 2 * H).cycles(ClockKind.ESCALATION_RESPONSE)
    assert [o.state for o in olas] == [ClockState.CANCELLED, ClockState.RUNNING]


def test_the_vendor_clock_runs_only_while_awaiting_the_vendor() -> None:
    result = evaluate(held(HoldReason.AWAITING_VENDOR), at=T0 + 4 * H)
    vendor = result.clock(ClockKind.VENDOR)
    assert vendor is not None
    assert (vendor.state, vendor.elapsed, vendor.agreement) == (
        ClockState.MET,
        2 * H,
        Agreement.UNDERPINNING,
    )
    assert vendor.started_at == T0 + H
    assert vendor.stopped_at == T0 + 3 * H
    assert (
        evaluate(held(HoldReason.AWAITING_CUSTOMER), at=T0 + 4 * H).clock(
            ClockKind.VENDOR
        )
        is None
    )


def test_a_vendor_that_overruns_breaches_the_underpinning_contract() -> None:
    inc = p3().start_work(at=T0, actor="a")
    inc = inc.put_on_hold(
        reason=HoldReason.AWAITING_VENDOR,
        until=T0 + timedelta(days=9),
        at=T0,
        actor="a",
    )
    vendor = evaluate(inc, at=T0 + timedelta(days=3)).clock(ClockKind.VENDOR)
    assert vendor is not None
    assert vendor.state is ClockState.BREACHED
    assert vendor.breached_at == datetime(2026, 3, 3, 17, tzinfo=UTC)  # 16 business h


# -- thresholds and deferral --------------------------------------------------------------


def test_thresholds_become_dated_alerts_and_night_pages_wait_for_business_hours() -> (
    None
):
    night = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    p1 = Incident.open(
        summary="site down",
        customer=ALICE,
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
        at=night,
        actor="monitor",
    )
    result = evaluate(p1, at=night + H)
    response = [a for a in result.alerts if a.clock == "response"]
    assert [(a.threshold, a.reached, a.reached_at) for a in response] == [
        ("warn", True, night + timedelta(seconds=675)),
        ("escalate", True, night + 15 * M),
        ("manager", True, night + timedelta(seconds=1350)),
    ]
    manager = response[-1]
    assert manager.deferred
    assert manager.notify_at == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert "next open time" in manager.reason
    assert manager not in result.due_alerts
    assert response[0] in result.due_alerts


def test_a_running_clock_projects_only_its_next_threshold() -> None:
    result = evaluate(p3(), at=T0 + 30 * M)
    projected = [a for a in result.alerts if a.clock == "response"]
    assert [(a.threshold, a.reached) for a in projected] == [("warn", False)]
    assert projected[0].reached_at == T0 + 90 * M
    assert projected[0].reason.startswith("response will reach 75%")


def test_a_stopped_clock_alerts_only_for_thresholds_it_reached() -> None:
    inc = p3().start_work(at=T0 + 100 * M, actor="a")
    result = evaluate(inc, at=T0 + 3 * H)
    assert [a.threshold for a in result.alerts if a.clock == "response"] == ["warn"]


def test_evaluate_can_skip_alerts() -> None:
    assert evaluate(p3(), at=T0 + 3 * H, alerts=False).alerts == ()


# -- reopen, policy and priority changes -----------------------------------------------------


def test_reopen_resumes_resolution_keeping_time_spent() -> None:
    inc = p3().start_work(at=T0, actor="a")
    inc = inc.resolve(resolution="fixed", articles=(), at=T0 + 2 * H, actor="a")
    tuesday = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    inc = inc.reopen(reason="failed again", at=tuesday, actor="a")
    result = evaluate(inc, at=tuesday + H)
    first, second = result.cycles(ClockKind.RESOLUTION)
    assert (first.cycle, first.state, first.elapsed) == (1, ClockState.MET, 2 * H)
    assert (second.cycle, second.state, second.elapsed) == (
        2,
        ClockState.RUNNING,
        3 * H,
    )
    assert second.started_at == tuesday
    assert second.due == datetime(2026, 3, 4, 15, tzinfo=UTC)  # 13h left
    update = result.clock(ClockKind.UPDATE)
    assert update is not None
    assert update.started_at == tuesday


def test_a_priority_change_retargets_the_whole_running_clock() -> None:
    inc = p3().change_priority(
        impact=Impact.HIGH,
        urgency=Urgency.MEDIUM,
        justification="whole floor affected",
        at=T0 + H,
        actor="a",
    )
    resolution = evaluate(inc, at=T0 + 2 * H).clock(ClockKind.RESOLUTION)
    assert resolution is not None
    assert (resolution.priority, resolution.target, resolution.due) == (
        Priority.HIGH,
        8 * H,
        T0 + 8 * H,
    )


def test_an_upgrade_can_breach_a_clock_from_its_start() -> None:
    inc = p3().change_priority(
        impact=Impact.HIGH,
        urgency=Urgency.MEDIUM,
        justification="whole floor affected",
        at=T0 + H,
        actor="a",
    )
    response = evaluate(inc, at=T0 + 2 * H).clock(ClockKind.RESPONSE)
    assert response is not None
    assert response.state is ClockState.BREACHED
    assert response.breached_at == T0 + 30 * M


def test_a_breach_survives_a_downgrade() -> None:
    inc = p3().change_priority(
        impact=Impact.LOW,
        urgency=Urgency.LOW,
        justification="workaround found",
        at=T0 + 3 * H,
        actor="a",
    )
    response = evaluate(inc, at=T0 + 4 * H).clock(ClockKind.RESPONSE)
    assert response is not None
    assert (response.state, response.priority, response.target) == (
        ClockState.BREACHED,
        Priority.MEDIUM,
        2 * H,
    )


def test_a_met_clock_keeps_the_target_it_was_met_under() -> None:
    inc = p3().start_work(at=T0 + 10 * M, actor="a")
    inc = inc.change_priority(
        impact=Impact.LOW,
        urgency=Urgency.LOW,
        justification="workaround",
        at=T0 + H,
        actor="a",
    )
    response = evaluate(inc, at=T0 + 2 * H).clock(ClockKind.RESPONSE)
    assert response is not None
    assert response.priority is Priority.MEDIUM


def history() -> PolicyHistory:
    stricter = attrs.evolve(
        DEFAULT_POLICY,
        version="2",
        rules=tuple(
            attrs.evolve(
                rule,
                targets=tuple(
                    attrs.evolve(t, within=t.within / 2) for t in rule.targets
                ),
            )
            for rule in DEFAULT_POLICY.rules
        ),
    )
    return PolicyHistory(
        versions=(
            PolicyVersion(
                effective_from=T0 - timedelta(days=30), policy=DEFAULT_POLICY
            ),
            PolicyVersion(effective_from=T0 + 2 * H, policy=stricter),
        )
    )


def test_a_policy_change_mid_ticket_recomputes_from_history() -> None:
    inc = held(HoldReason.AWAITING_CUSTOMER)  # paused 10:00-12:00 under version 1
    result = evaluate(inc, at=T0 + 4 * H, policy=history())
    resolution = result.clock(ClockKind.RESOLUTION)
    assert resolution is not None
    assert (resolution.policy_version, resolution.target, resolution.elapsed) == (
        "2",
        8 * H,
        2 * H,
    )
    assert [(p.version, p.start, p.end) for p in result.periods] == [
        ("1", T0, T0 + 2 * H),
        ("2", T0 + 2 * H, None),
    ]
    before = evaluate(inc, at=T0 + 90 * M, policy=history())
    assert [p.version for p in before.periods] == ["1"]


def test_a_policy_version_takes_effect_before_events_at_its_instant() -> None:
    inc = p3().start_work(at=T0 + 2 * H, actor="a")
    response = evaluate(inc, at=T0 + 3 * H, policy=history()).clock(ClockKind.RESPONSE)
    assert response is not None
    # Version 2 halves the target to 1h: the response at 11:00 came late.
    assert response.state is ClockState.BREACHED
    assert response.policy_version == "2"


def test_a_history_needs_increasing_versions() -> None:
    version = PolicyVersion(effective_from=T0, policy=DEFAULT_POLICY)
    with pytest.raises(ValidationError) as err:
        PolicyHistory(versions=(version, version))
    assert err.value.path == "versions[1].effective_from"
    with pytest.raises(ValidationError):
        PolicyHistory(versions=())


# -- service levels and rule lookup ----------------------------------------------------------


def gold_policy() -> SlaPolicy:
    gold = SlaRule(
        priority=Priority.MEDIUM,
        service_level="gold",
        targets=(Target(kind=ClockKind.RESOLUTION, within=4 * H, calendar="24x7"),),
    )
    return attrs.evolve(DEFAULT_POLICY, rules=(*DEFAULT_POLICY.rules, gold))


def test_a_customers_service_level_selects_its_own_rule() -> None:
    gold = Customer(id="c-gold", name="Gil", service_level="gold")
    result = evaluate(p3(customer=gold), at=T0 + H, policy=gold_policy())
    resolution = result.clock(ClockKind.RESOLUTION)
    assert resolution is not None
    assert resolution.calendar == "24x7"
    assert resolution.target == 4 * H
    assert result.clock(ClockKind.RESPONSE) is None  # the gold rule has no response


def test_an_unknown_service_level_falls_back_to_the_general_rule() -> None:
    silver = Customer(id="c-s", name="Sil", service_level="silver")
    resolution = evaluate(p3(customer=silver), at=T0 + H, policy=gold_policy()).clock(
        ClockKind.RESOLUTION
    )
    assert resolution is not None
    assert resolution.target == 16 * H


def test_rule_lookup_prefers_kind_and_service_level() -> None:
    policy = gold_policy()
    assert policy.rule_for(TicketKind.INCIDENT, Priority.MEDIUM, "gold") is not None
    assert policy.targets_for(TicketKind.INCIDENT, Priority.MEDIUM, "bronze") == (
        DEFAULT_POLICY.targets_for(TicketKind.INCIDENT, Priority.MEDIUM)
    )
    empty = SlaPolicy(name="empty", calendars=DEFAULT_POLICY.calendars, rules=())
    assert empty.targets_for(TicketKind.PROBLEM, Priority.LOW) == ()
    assert evaluate(p3(), at=T0 + H, policy=empty).clocks == ()


# -- cancellation, edges, validation --------------------------------------------------------------


def test_cancelling_ends_running_clocks_without_a_verdict() -> None:
    inc = p3().cancel(reason="raised in error", at=T0 + H, actor="a")
    result = evaluate(inc, at=T0 + 5 * H)
    assert {c.state for c in result.clocks} == {ClockState.CANCELLED}
    assert all(c.stopped_at == T0 + H for c in result.clocks)


def test_a_note_after_cancellation_starts_no_clock() -> None:
    inc = p3().cancel(reason="raised in error", at=T0 + H, actor="a")
    inc = inc.add_note(visible(T0 + 2 * H))
    result = evaluate(inc, at=T0 + 3 * H)
    assert [c.name for c in result.clocks] == ["response", "resolution"]
    assert {c.state for c in result.clocks} == {ClockState.CANCELLED}


def test_evaluating_before_the_opening_sees_nothing() -> None:
    result = evaluate(p3(), at=T0 - H)
    assert (result.clocks, result.alerts, result.periods) == ((), (), ())


def test_evaluate_refuses_naive_instants_and_foreign_policies() -> None:
    with pytest.raises(NaiveDatetimeError):
        evaluate(p3(), at=datetime(2026, 3, 2, 10))
    with pytest.raises(ValidationError) as err:
        evaluate(p3(), at=T0, policy="default")  # type: ignore[arg-type]
    assert err.value.path == "policy"


def test_policies_refuse_unknown_calendars_and_duplicate_rules() -> None:
    rule = SlaRule(
        priority=Priority.LOW,
        targets=(Target(kind=ClockKind.RESPONSE, within=H, calendar="night"),),
    )
    with pytest.raises(ValidationError) as err:
        SlaPolicy(name="x", calendars=DEFAULT_POLICY.calendars, rules=(rule,))
    assert err.value.path == "rules[0].targets[0].calendar"
    ok = SlaRule(priority=Priority.LOW, targets=())
    with pytest.raises(ValidationError) as err:
        SlaPolicy(name="x", calendars=DEFAULT_POLICY.calendars, rules=(ok, ok))
    assert err.value.path == "rules[1]"
    with pytest.raises(ValidationError) as err:
        SlaPolicy(
            name="x",
            calendars=DEFAULT_POLICY.calendars,
            rules=(),
            thresholds=(Threshold(name="t", fraction=1.0, deliver_on="night"),),
        )
    assert err.value.path == "thresholds[0].deliver_on"


def test_without_business_a_policy_hears_what_defaults_to_it() -> None:
    # The default thresholds deliver the manager's notice on "business": a
    # policy that names its calendars otherwise learns which threshold and why.
    night = NamedCalendar(name="night", calendar=BusinessCalendar.always_open())
    with pytest.raises(ValidationError) as err:
        SlaPolicy(name="x", calendars=(night,), rules=())
    assert err.value.path == "thresholds[2].deliver_on"
    assert "default threshold 'manager'" in str(err.value)
    assert "name a calendar 'business'" in str(err.value)
    # a threshold of the host's own gets the plain message
    with pytest.raises(ValidationError) as err:
        SlaPolicy(
            name="x",
            calendars=(night,),
            rules=(),
            thresholds=(Threshold(name="t", fraction=1.0, deliver_on="business"),),
        )
    assert "default threshold" not in str(err.value)
    # and with thresholds of its own (or none), the policy is accepted
    assert SlaPolicy(name="x", calendars=(night,), rules=(), thresholds=()).name == "x"
    # a target that names no calendar is measured on "business", and hears so
    rule = SlaRule(
        priority=Priority.LOW, targets=(Target(kind=ClockKind.RESPONSE, within=H),)
    )
    with pytest.raises(ValidationError) as err:
        SlaPolicy(name="x", calendars=(night,), rules=(rule,), thresholds=())
    assert err.value.path == "rules[0].targets[0].calendar"
    assert "unless it names another calendar" in str(err.value)
    named = SlaRule(
        priority=Priority.LOW,
        targets=(Target(kind=ClockKind.RESPONSE, within=H, calendar="day"),),
    )
    with pytest.raises(ValidationError) as err:
        SlaPolicy(name="x", calendars=(night,), rules=(named,), thresholds=())
    assert "unless" not in str(err.value)


def test_targets_and_rules_check_themselves() -> None:
    with pytest.raises(ValidationError):
        Target(kind=ClockKind.RESPONSE, within=timedelta(0))
    with pytest.raises(ValidationError) as err:
        Target(kind=ClockKind.RESPONSE, within=H, to_tier=Tier.L2)
    assert err.value.path == "to_tier"
    response = Target(kind=ClockKind.RESPONSE, within=H)
    with pytest.raises(ValidationError) as err:
        SlaRule(priority=Priority.LOW, targets=(response, response))
    assert err.value.path == "targets[1]"
    with pytest.raises(ValidationError):
        Threshold(name="t", fraction=0)
    with pytest.raises(ValidationError):
        attrs.evolve(DEFAULT_POLICY, warn_at=1.5)


def test_a_target_says_which_agreement_it_serves() -> None:
    assert Target(kind=ClockKind.VENDOR, within=H).agreement is Agreement.UNDERPINNING
    explicit = Target(kind=ClockKind.RESPONSE, within=H, agreement=Agreement.OLA)
    assert explicit.agreement is Agreement.OLA


def test_local_zones_keep_business_hours_in_the_desks_zone() -> None:
    policy = default_policy("Europe/Brussels")
    monday_8_utc = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Brussels
    response = evaluate(p3(at=monday_8_utc), at=monday_8_utc + H, policy=policy).clock(
        ClockKind.RESPONSE
    )
    assert response is not None
    assert response.elapsed == H


def test_the_24x7_calendar_is_exact_across_a_dst_change() -> None:
    policy = default_policy("Europe/Brussels")
    saturday = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # clocks go forward at 01:00
    p1 = Incident.open(
        summary="site down",
        customer=ALICE,
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
        at=saturday,
        actor="monitor",
    )
    resolution = evaluate(p1, at=saturday + 3 * H, policy=policy).clock(
        ClockKind.RESOLUTION
    )
    assert resolution is not None
    assert resolution.elapsed == 3 * H
    assert resolution.due == saturday + 4 * H


def test_format_hours() -> None:
    assert format_hours(timedelta(hours=40)) == "40:00"
    assert format_hours(-timedelta(minutes=75)) == "-1:15"


# -- serialization ------------------------------------------------------------------------------


def test_the_default_policy_round_trips_through_the_converter() -> None:
    assert from_dict(to_dict(DEFAULT_POLICY), SlaPolicy) == DEFAULT_POLICY
    assert loads(dumps(DEFAULT_POLICY), SlaPolicy) == DEFAULT_POLICY


def test_a_policy_history_round_trips() -> None:
    assert from_dict(to_dict(history()), PolicyHistory) == history()


def test_policies_load_from_hand_written_data() -> None:
    data = {
        "name": "vendor desk",
        "calendars": [
            {
                "name": "business",
                "calendar": to_dict(BusinessCalendar.weekdays(zone="UTC")),
            }
        ],
        "rules": [
            {
                "priority": "p2",
                "targets": [{"kind": "vendor", "within": "PT8H"}],
            }
        ],
    }
    data["calendars"][0]["calendar"].pop("deskflow_schema")  # type: ignore[index]
    policy = from_dict(data, SlaPolicy)
    (target,) = policy.targets_for(TicketKind.INCIDENT, Priority.HIGH)
    assert (target.within, target.agreement) == (8 * H, Agreement.UNDERPINNING)
    with pytest.raises(ValidationError) as err:
        from_dict({**data, "warn_at": 2}, SlaPolicy)
    assert "warn_at" in str(err.value)


def test_policy_documents_list_clock_kinds_sorted() -> None:
    rule = PauseRule(
        hold_reason=HoldReason.AWAITING_USER,
        clocks=frozenset({ClockKind.UPDATE, ClockKind.RESOLUTION, ClockKind.RESPONSE}),
    )
    converter = make_converter()
    assert converter.unstructure(rule)["clocks"] == ["resolution", "response", "update"]
    assert converter.structure(converter.unstructure(rule), PauseRule) == rule


def test_named_calendars_are_what_targets_refer_to() -> None:
    named = NamedCalendar(name="24x7", calendar=BusinessCalendar.always_open())
    assert DEFAULT_POLICY.calendar("24x7") == named.calendar
    assert ThresholdAction.NOTIFY.value == "notify"


def test_evaluation_results_equal_their_constructed_values() -> None:
    # evaluate fills reports and alerts through their slots: they must be
    # indistinguishable from values built through __init__.
    from deskflow.sla import _demo_ticket

    e = evaluate(_demo_ticket(), at=T0 + timedelta(hours=7))
    assert e.clocks
    assert e.alerts
    for value in (*e.clocks, *e.alerts):
        rebuilt = type(value)(**attrs.asdict(value, recurse=False))
        assert rebuilt == value
        assert hash(rebuilt) == hash(value)
        assert repr(rebuilt) == repr(value)


def test_a_due_instant_in_a_year_the_calendar_has_not_seen_yet() -> None:
    # A fresh policy: its calendars have built tables for no year yet.
    policy = default_policy("UTC")
    opened = datetime(2026, 12, 23, 9, tzinfo=UTC)  # due after New Year
    inc = Incident.open(
        id="t-year-end",
        summary="printer offline",
        customer=ALICE,
        impact=Impact.LOW,
        urgency=Urgency.LOW,
        at=opened,
        actor="a-sam",
    )
    e = evaluate(inc, at=opened + H, policy=policy)
    resolution = e.clock(ClockKind.RESOLUTION)
    assert resolution is not None
    business = policy.calendar("business")
    assert resolution.due == business.add(opened, resolution.target)
    assert resolution.due is not None
    assert resolution.due.year == 2027
    assert all(a.notify_at.year >= 2026 for a in e.alerts)
