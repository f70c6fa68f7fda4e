"""Support model, escalation advice and the hand-over (deskflow.tiers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_fixtures import ALICE, BRUSSELS, FULL, at, new_ticket
from deskflow.calendars import BusinessCalendar
from deskflow.errors import IncompleteHandoff, InvalidTransition, ValidationError
from deskflow.serialization import from_dict, make_converter, to_dict
from deskflow.tickets import (
    BusinessContext,
    ConductKind,
    EscalationKind,
    HoldReason,
    Incident,
    Note,
    RecordConduct,
    RequestEscalation,
    Status,
    Step,
    StepOutcome,
    Ticket,
)
from deskflow.tickets import events as ev
from deskflow.tiers import (
    DEFAULT_ESCALATION_POLICY,
    DEFAULT_SUPPORT_MODEL,
    Advice,
    AdviceContext,
    CategoryOutsideSkills,
    ConductOnRecord,
    CustomerAsked,
    EscalationPolicy,
    Handoff,
    NoticeKind,
    RepeatedReopens,
    SlaAtRisk,
    SlaReading,
    StepsAlreadyTried,
    SupportGroup,
    SupportModel,
    Tier,
    TimeAtTier,
    UnknownGroup,
    _configure_converter,
    escalate,
    handoff_problems,
    notices_since,
    steps_taken,
)


def rules_of(advice: tuple[Advice, ...]) -> list[str]:
    return [a.rule for a in advice]


def step_note(minutes: float, *steps: Step) -> Note:
    return Note(author="a-sam", at=at(minutes), steps=steps)


# -- the support model --------------------------------------------------------


def test_default_model_has_three_levels_plus_smes() -> None:
    tiers = {g.tier for g in DEFAULT_SUPPORT_MODEL.groups}
    assert {Tier.L1, Tier.L2, Tier.L3, Tier.SME} <= tiers
    assert DEFAULT_SUPPORT_MODEL.group("service-desk").supervisor == "a-desk-lead"


def test_groups_for_orders_by_tier_and_next_group_goes_up() -> None:
    names = [g.name for g in DEFAULT_SUPPORT_MODEL.groups_for("network")]
    assert names == ["desktop-support", "engineering", "field-technicians"]
    assert DEFAULT_SUPPORT_MODEL.next_group("printing", above=Tier.L1).name == (
        "desktop-support"
    )
    assert DEFAULT_SUPPORT_MODEL.next_group("printing", above=Tier.L3) is None


def test_unknown_group_is_a_validation_and_lookup_error() -> None:
    with pytest.raises(UnknownGroup) as info:
        DEFAULT_SUPPORT_MODEL.group("nope")
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, ValidationError)
    assert "service-desk" in str(info.value)


def test_model_refuses_duplicate_and_empty_groups() -> None:
    g = SupportGroup(name="desk", tier=Tier.L1)
    with pytest.raises(ValidationError, match="listed twice"):
        SupportModel(groups=(g, g))
    with pytest.raises(ValidationError, match="at least one group"):
        SupportModel(groups=())


def test_group_label_defaults_from_name_and_categories_are_sorted() -> None:
    g = SupportGroup(name="mail-team", tier=Tier.L2, categories=["email", "calendar"])
    assert g.label == "mail team"
    assert g.categories == ("calendar", "email")
    assert g.has_skill("x") is False


# -- time at tier -----------------------------------------------------------------


def test_time_at_tier_advises_after_the_limit_without_progress() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    assert DEFAULT_ESCALATION_POLICY.recommend(t, at=at(30)) == ()
    advice = DEFAULT_ESCALATION_POLICY.recommend(t, at=at(31))
    assert rules_of(advice) == ["time_at_tier"]
    assert advice[0].kind is EscalationKind.FUNCTIONAL
    assert advice[0].to_group == "desktop-support"
    assert advice[0].to_tier is Tier.L2
    assert "31 min at L1" in advice[0].reason


def test_progress_restarts_the_time_at_tier() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    t = t.add_note(
        step_note(20, Step(action="reseated cable", outcome=StepOutcome.FAILED))
    )
    assert DEFAULT_ESCALATION_POLICY.recommend(t, at=at(45)) == ()
    assert rules_of(DEFAULT_ESCALATION_POLICY.recommend(t, at=at(51))) == [
        "time_at_tier"
    ]


def test_a_ticket_on_hold_gets_no_time_at_tier_advice() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    t = t.put_on_hold(
        reason=HoldReason.AWAITING_VENDOR, until=at(600), at=at(2), actor="a-sam"
    )
    assert DEFAULT_ESCALATION_POLICY.recommend(t, at=at(300)) == ()


def test_time_at_tier_counts_business_time_with_a_calendar() -> None:
    friday = datetime(2026, 3, 6, 16, 50, tzinfo=BRUSSELS)
    t = new_ticket(at=friday)
    monday = datetime(2026, 3, 9, 9, 5, tzinfo=BRUSSELS)
    calendar = BusinessCalendar.weekdays("09:00-17:00", zone="Europe/Brussels")
    policy = EscalationPolicy(rules=(TimeAtTier(),))
    assert policy.recommend(t, at=monday, calendar=calendar) == ()
    assert rules_of(policy.recommend(t, at=monday)) == ["time_at_tier"]


def test_time_at_tier_restarts_when_the_tier_changes() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    t = escalate(
        t,
        to_group="desktop-support",
        reason="r",
        handoff=FULL,
        at=at(25),
        actor="a-sam",
    ).ticket
    policy = EscalationPolicy(rules=(TimeAtTier(),))
    assert policy.recommend(t, at=at(60)) == ()  # 35 min at L2, limit 4 h
    advice = policy.recommend(t, at=at(25 + 4 * 60 + 1))
    assert advice[0].to_group == "field-technicians"


# -- SLA at risk -------------------------------------------------------------------


def reading(fraction: float, **kw: Any) -> SlaReading:
    return SlaReading(
        name=kw.pop("name", "resolution"),
        elapsed=timedelta(minutes=240 * fraction),
        target=timedelta(hours=4),
        due=at(240),
        **kw,
    )


def test_sla_at_risk_fires_at_the_warning_fraction_and_alerts_the_supervisor() -> None:
    t = new_ticket()
    policy = EscalationPolicy(rules=(SlaAtRisk(),))
    assert policy.recommend(t, at=at(5), clocks=[reading(0.74)]) == ()
    (advice,) = policy.recommend(t, at=at(5), clocks=[reading(0.75)])
    assert advice.kind is EscalationKind.HIERARCHICAL
    assert advice.to_agent == "a-desk-lead"
    assert "75% used" in advice.reason
    (breached,) = policy.recommend(t, at=at(5), clocks=[reading(1.5)])
    assert "breached" in breached.reason


def test_sla_at_risk_ignores_paused_clocks_and_reads_duck_typed_clocks() -> None:
    t = new_ticket()
    policy = EscalationPolicy(rules=(SlaAtRisk(warning_fraction=0.5),))
    assert policy.recommend(t, at=at(5), clocks=[reading(0.9, paused=True)]) == ()

    @attrs.frozen
    class Clock:
        name: str
        elapsed: timedelta
        target: timedelta
        due: datetime | None

    clock = Clock("response", timedelta(minutes=15), timedelta(minutes=20), at(20))
    assert rules_of(policy.recommend(t, at=at(5), clocks=[clock])) == ["sla_at_risk"]
    with pytest.raises(ValidationError, match="lacks 'elapsed'"):
        policy.recommend(t, at=at(5), clocks=[object()])


# -- the customer asks ------------------------------------------------------------------


def test_customer_request_for_a_supervisor_is_advised_until_answered() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    t = t.handle(RequestEscalation(reason="wants a manager"), at=at(2), actor="c-alice")
    policy = EscalationPolicy(rules=(CustomerAsked(),))
    (advice,) = policy.recommend(t, at=at(3))
    assert advice.kind is EscalationKind.HIERARCHICAL
    assert advice.to_agent == "a-desk-lead"
    assert "wants a manager" in advice.reason
    done = escalate(
        t,
        kind=EscalationKind.HIERARCHICAL,
        reason="customer asked",
        handoff=FULL,
        at=at(4),
        actor="a-sam",
    ).ticket
    assert policy.recommend(done, at=at(5)) == ()


def test_customer_request_for_a_specialist_is_functional() -> None:
    t = new_ticket().handle(
        RequestEscalation(kind=EscalationKind.FUNCTIONAL), at=at(2), actor="c-alice"
    )
    (advice,) = EscalationPolicy(rules=(CustomerAsked(),)).recommend(t, at=at(3))
    assert advice.kind is EscalationKind.FUNCTIONAL
    assert advice.to_group == "desktop-support"


# -- steps already tried --------------------------------------------------------------


def test_suggesting_a_step_already_tried_is_flagged() -> None:
    tried = Step(
        action="Power-cycled the printer", outcome=StepOutcome.FAILED, by_customer=True
    )
    t = new_ticket().add_note(step_note(3, tried))
    policy = EscalationPolicy(rules=(StepsAlreadyTried(standard_steps=()),))
    advice = policy.recommend(
        t, at=at(4), suggested_steps=("power-cycled the printer.", "update the driver")
    )
    assert len(advice) == 1
    assert advice[0].kind is None
    assert "already tried by the customer (failed)" in advice[0].reason
    assert "power-cycled the printer." in advice[0].reason


def test_every_standard_step_failed_means_escalate() -> None:
    steps = [
        Step(action=a, outcome=StepOutcome.FAILED, by_customer=i == 0)
        for i, a in enumerate(
            (
                "checked cable and power",
                "power-cycled the printer",
                "cleared the print queue and restarted the spooler",
            )
        )
    ]
    policy = EscalationPolicy(rules=(StepsAlreadyTried(),))
    partial = new_ticket().add_note(step_note(3, *steps[:2]))
    assert policy.recommend(partial, at=at(4)) == ()
    full = new_ticket().add_note(step_note(3, *steps))
    (advice,) = policy.recommend(full, at=at(4))
    assert advice.kind is EscalationKind.FUNCTIONAL
    assert "the 3 steps to try already failed (1 by the customer" in advice.reason


def test_a_step_that_worked_is_not_a_reason_to_escalate() -> None:
    t = new_ticket().add_note(
        step_note(3, Step(action="reboot", outcome=StepOutcome.WORKED))
    )
    policy = EscalationPolicy(rules=(StepsAlreadyTried(standard_steps=()),))
    advice = policy.recommend(t, at=at(4), suggested_steps=("reboot",))
    assert [a.kind for a in advice] == [None]


def test_steps_taken_include_hand_off_steps_without_repeats() -> None:
    t = new_ticket().add_note(
        step_note(
            3, Step(action="power-cycled the printer", outcome=StepOutcome.FAILED)
        )
    )
    t = escalate(
        t, to_group="desktop-support", reason="r", handoff=FULL, at=at(4), actor="a-sam"
    ).ticket
    assert [s.action for s in steps_taken(t)] == ["power-cycled the printer"]


# -- conduct, skills, reopenings ----------------------------------------------------------


def test_abusive_conduct_goes_to_a_senior_member() -> None:
    t = new_ticket().handle(
        RecordConduct(description="insults the agent", kind=ConductKind.ABUSIVE),
        at=at(2),
        actor="a-sam",
    )
    policy = EscalationPolicy(rules=(ConductOnRecord(),))
    (advice,) = policy.recommend(t, at=at(3))
    assert advice.kind is EscalationKind.HIERARCHICAL
    assert advice.to_agent == "a-desk-lead"
    assert "abusive conduct recorded: insults the agent" in advice.reason
    handled = escalate(
        t,
        kind=EscalationKind.HIERARCHICAL,
        reason="abusive caller",
        handoff=FULL,
        at=at(4),
        actor="a-sam",
    ).ticket
    assert policy.recommend(handled, at=at(5)) == ()


def test_category_outside_the_groups_skills() -> None:
    policy = EscalationPolicy(rules=(CategoryOutsideSkills(),))
    (advice,) = policy.recommend(new_ticket(category="database"), at=at(1))
    assert advice.to_group == "database-sme"
    assert advice.to_tier is Tier.SME
    assert policy.recommend(new_ticket(), at=at(1)) == ()
    assert policy.recommend(new_ticket(group="elsewhere"), at=at(1)) == ()
    (nobody,) = policy.recommend(new_ticket(category="astrology"), at=at(1))
    assert nobody.to_group is None
    assert "no group handles it" in nobody.reason


def test_repeated_reopenings() -> None:
    t = new_ticket()
    policy = EscalationPolicy(rules=(RepeatedReopens(threshold=2),))
    for i in range(2):
        assert policy.recommend(t, at=at(10 * i)) == ()
        t = t.resolve(resolution="fixed", articles=(), at=at(10 * i + 1), actor="a-sam")
        t = t.reopen(reason="failed again", at=at(10 * i + 2), actor="c-alice")
    (advice,) = policy.recommend(t, at=at(30))
    assert "reopened 2 times" in advice.reason


def test_advice_ignores_events_after_the_instant() -> None:
    t = new_ticket().handle(RequestEscalation(), at=at(2), actor="c-alice")
    before = DEFAULT_ESCALATION_POLICY.recommend(t, at=at(3))
    later = t.resolve(resolution="fixed", articles=(), at=at(5), actor="a-sam")
    assert DEFAULT_ESCALATION_POLICY.recommend(later, at=at(3)) == before
    assert DEFAULT_ESCALATION_POLICY.recommend(later, at=at(6)) == ()
    assert DEFAULT_ESCALATION_POLICY.recommend(t, at=at(-1)) == ()


def test_a_host_rule_extends_the_policy_and_serializes() -> None:
    @attrs.frozen(kw_only=True)
    class VipCustomer:
        tag: ClassVar[str] = "vip_customer"
        level: str = "gold"

        def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
            if ticket.customer.service_level != self.level:
                return ()
            return (
                Advice(rule=self.tag, reason="VIP", kind=EscalationKind.HIERARCHICAL),
            )

    policy = EscalationPolicy(rules=(VipCustomer(),))
    vip = new_ticket(customer=attrs.evolve(ALICE, service_level="gold"))
    assert rules_of(policy.recommend(vip, at=at(1))) == ["vip_customer"]
    conv = make_converter()
    _configure_converter(conv, rules=(VipCustomer,))
    assert from_dict(
        to_dict(policy, converter=conv), EscalationPolicy, converter=conv
    ) == (policy)


def test_policy_and_model_round_trip() -> None:
    conv = make_converter()
    _configure_converter(conv)
    data = to_dict(DEFAULT_ESCALATION_POLICY, converter=conv)
    assert data["rules"][0] == {"type": "customer_asked"}
    assert (
        from_dict(data, EscalationPolicy, converter=conv) == DEFAULT_ESCALATION_POLICY
    )
    with pytest.raises(ValidationError, match="unknown escalation rule"):
        from_dict({"rules": [{"type": "nope"}]}, EscalationPolicy, converter=conv)


def test_a_rule_without_advise_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"rules\[0\]"):
        EscalationPolicy(rules=(object(),))  # type: ignore[arg-type]


# -- hand-over ----------------------------------------------------------------------------


def test_incomplete_handoff_is_refused_listing_what_is_missing() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    bad = Handoff(
        contact_verified=True,
        contact="x",
        screenshots=("data:image/png;base64,AAAA", ""),
    )
    with pytest.raises(IncompleteHandoff) as info:
        escalate(
            t,
            to_group="field-technicians",
            reason="r",
            handoff=bad,
            at=at(2),
            actor="a-sam",
        )
    missing = info.value.missing
    assert "steps already taken, with outcomes" in missing
    assert any("screenshot 1 is embedded data" in m for m in missing)
    assert "screenshot 2 is empty" in missing
    assert isinstance(info.value, InvalidTransition)


def test_screenshot_references_count_as_error_evidence() -> None:
    t = new_ticket()
    handoff = attrs.evolve(FULL, error_messages=(), screenshots=("att://shot-1",))
    assert handoff_problems(t, handoff) == ()


def test_business_context_must_travel_and_match() -> None:
    ctx = BusinessContext(deadline=at(60), deadline_reason="meeting")
    t = new_ticket(context=ctx)
    assert handoff_problems(t, FULL) == (
        "business context (deadline, confidentiality)",
    )
    assert handoff_problems(t, attrs.evolve(FULL, context=ctx)) == ()
    other = BusinessContext(confidential=True)
    assert handoff_problems(t, attrs.evolve(FULL, context=other)) == (
        "business context differs from the ticket's",
    )


def test_functional_escalation_returns_both_notices() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    result = escalate(
        t,
        to_group="field-technicians",
        reason="needs an on-site visit",
        handoff=FULL,
        warm=True,
        at=at(10),
        actor="a-sam",
        time_frame=timedelta(minutes=30),
    )
    new = result.ticket
    assert (new.tier, new.group, new.owner, new.status) == (
        Tier.L3,
        "field-technicians",
        "a-sam",
        Status.QUEUED,
    )
    event = new.timeline[-1]
    assert isinstance(event, ev.Escalated)
    assert (event.kind, event.warm, event.actor) == (
        EscalationKind.FUNCTIONAL,
        True,
        "a-sam",
    )
    notice = result.customer_notice
    assert notice.kind is NoticeKind.ESCALATED
    assert notice.reference == t.reference
    assert notice.group == "our field technicians"
    assert notice.time_frame == at(40)
    assert "Mon 02 Mar 09:40 (Europe/Brussels)" in notice.text
    assert notice.text.startswith(f"[{t.reference}] Your ticket is now with")
    assert notice.next_steps
    internal = result.internal_notice
    assert (internal.to_group, internal.warm, internal.handoff) == (
        "field-technicians",
        True,
        FULL,
    )
    assert "warm transfer" in internal.text


def test_time_frame_in_business_time_and_as_an_instant() -> None:
    t = new_ticket(at=datetime(2026, 3, 6, 16, 0, tzinfo=BRUSSELS))
    calendar = BusinessCalendar.weekdays("09:00-17:00", zone="Europe/Brussels")
    result = escalate(
        t,
        to_group="desktop-support",
        reason="r",
        handoff=FULL,
        at=t.opened_at,
        actor="a-sam",
        time_frame=timedelta(hours=2),
        calendar=calendar,
    )
    assert result.customer_notice.time_frame == datetime(
        2026, 3, 9, 10, 0, tzinfo=BRUSSELS
    )
    due = datetime(2026, 3, 6, 18, 0, tzinfo=BRUSSELS)
    result = escalate(
        t,
        to_group="desktop-support",
        reason="r",
        handoff=FULL,
        at=t.opened_at,
        actor="a-sam",
        time_frame=due,
    )
    assert result.customer_notice.time_frame == due
    with pytest.raises(ValidationError, match="time_frame"):
        escalate(
            t,
            to_group="desktop-support",
            reason="r",
            handoff=FULL,
            at=t.opened_at,
            actor="a-sam",
            time_frame=datetime(2026, 3, 6, 18, 0),
        )


def test_hierarchical_escalation_goes_to_the_supervisor_and_keeps_the_tier() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    result = escalate(
        t,
        kind=EscalationKind.HIERARCHICAL,
        reason="abusive caller",
        handoff=FULL,
        at=at(2),
        actor="a-sam",
    )
    assert result.ticket.tier is Tier.L1
    assert result.ticket.assignee == "a-desk-lead"
    assert result.ticket.owner == "a-sam"
    assert result.customer_notice.kind is NoticeKind.SUPERVISOR_ALERTED
    assert result.internal_notice.to_agent == "a-desk-lead"


def test_escalation_input_errors() -> None:
    t = new_ticket()
    with pytest.raises(ValidationError, match="goes to a group"):
        escalate(t, reason="r", handoff=FULL, at=at(1), actor="a")
    with pytest.raises(UnknownGroup):
        escalate(t, to_group="nobody", reason="r", handoff=FULL, at=at(1), actor="a")
    no_lead = new_ticket(group="security-sme")
    with pytest.raises(ValidationError, match="supervisor"):
        escalate(
            no_lead,
            kind=EscalationKind.HIERARCHICAL,
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a",
        )


def test_customer_is_kept_in_the_loop_on_internal_events() -> None:
    t = new_ticket().start_work(at=at(1), actor="a-sam")
    t = escalate(
        t,
        to_group="field-technicians",
        reason="r",
        handoff=FULL,
        at=at(2),
        actor="a-sam",
    ).ticket
    seen = t.version
    t = t.assign(assignee="a-tom", at=at(3), actor="a-tom")
    t = escalate(
        t,
        kind=EscalationKind.HIERARCHICAL,
        reason="deadline at risk",
        handoff=FULL,
        at=at(4),
        actor="a-sam",
    ).ticket
    notices = notices_since(t, seen)
    assert [n.kind for n in notices] == [
        NoticeKind.SPECIALIST_JOINED,
        NoticeKind.SUPERVISOR_ALERTED,
    ]
    assert all(n.reference == t.reference for n in notices)
    assert notices_since(t, t.version) == ()
    # An L1 assignment is not news for the customer.
    l1 = new_ticket().assign(assignee="a-kim", at=at(1), actor="a-sam")
    assert notices_since(l1, 0) == ()


# -- properties ------------------------------------------------------------------------


_ops = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "note",
                "customer_step",
                "ask",
                "conduct",
                "escalate",
                "supervisor",
                "hold",
                "resume",
                "resolve_reopen",
                "assign",
                "take_ownership",
            ]
        ),
        st.integers(min_value=0, max_value=180),
    ),
    max_size=12,
)


def _play(ops: list[tuple[str, int]]) -> Incident:
    t = new_ticket().start_work(at=at(0), actor="a-sam")
    now = at(0)
    for name, gap in ops:
        now = now + timedelta(minutes=gap)
        try:
            if name == "note":
                t = t.add_note(
                    Note(
                        author="a-sam",
                        at=now,
                        steps=(Step(action=f"step {gap}", outcome=StepOutcome.FAILED),),
                    )
                )
            elif name == "customer_step":
                t = t.customer_reply("tried it", at=now)
            elif name == "ask":
                t = t.handle(RequestEscalation(), at=now, actor="c-alice")
            elif name == "conduct":
                t = t.handle(
                    RecordConduct(description="shouting"), at=now, actor="a-sam"
                )
            elif name == "escalate":
                group = DEFAULT_SUPPORT_MODEL.next_group("printing", above=t.tier)
                if group is not None:
                    t = escalate(
                        t,
                        to_group=group.name,
                        reason="up",
                        handoff=FULL,
                        at=now,
                        actor="a-sam",
                    ).ticket
            elif name == "supervisor":
                t = escalate(
                    t,
                    kind=EscalationKind.HIERARCHICAL,
                    reason="up",
                    handoff=FULL,
                    at=now,
                    actor="a-sam",
                    to_agent="a-lead",
                ).ticket
            elif name == "hold":
                t = t.put_on_hold(
                    reason=HoldReason.AWAITING_VENDOR,
                    until=now + timedelta(hours=1),
                    at=now,
                    actor="a-sam",
                )
            elif name == "resume":
                t = t.resume(at=now, actor="a-sam")
            elif name == "resolve_reopen":
                t = t.resolve(resolution="fixed", articles=(), at=now, actor="a-sam")
                t = t.reopen(reason="back", at=now, actor="c-alice")
            elif name == "assign":
                t = t.assign(assignee="a-kim", at=now, actor="a-sam")
            elif name == "take_ownership":
                t = t.take_ownership(owner=f"a-{gap}", at=now, actor="a-sam")
        except InvalidTransition:
            pass  # not allowed in this state: the ticket is unchanged
    return t


@given(_ops, st.integers(min_value=-10, max_value=2000))
def test_advice_is_deterministic_for_a_ticket_and_an_instant(
    ops: list[tuple[str, int]], minutes: int
) -> None:
    t = _play(ops)
    instant = at(minutes)
    clocks = [reading(minutes / 240)]
    first = DEFAULT_ESCALATION_POLICY.recommend(t, at=instant, clocks=clocks)
    assert DEFAULT_ESCALATION_POLICY.recommend(t, at=instant, clocks=clocks) == first
    rebuilt = Ticket.from_events(t.timeline)
    assert (
        DEFAULT_ESCALATION_POLICY.recommend(rebuilt, at=instant, clocks=clocks) == first
    )
    # Only the timeline up to the instant matters.
    prefix = [e for e in t.timeline if e.at <= instant]
    if prefix:
        earlier = Ticket.from_events(prefix)
        assert (
            DEFAULT_ESCALATION_POLICY.recommend(earlier, at=instant, clocks=clocks)
            == first
        )
    assert all(a.reason for a in first)


@given(_ops)
def test_an_escalation_never_loses_the_owner(ops: list[tuple[str, int]]) -> None:
    t = _play(ops)
    explicit = [e.owner for e in t.timeline if isinstance(e, ev.OwnershipTaken)]
    assert t.owner == (explicit[-1] if explicit else "a-sam")
    owner = "a-sam"
    for e in t.timeline:
        if isinstance(e, ev.OwnershipTaken):
            owner = e.owner
        prefix = Ticket.from_events(t.timeline[: t.timeline.index(e) + 1])
        assert prefix.owner == owner


def test_advice_reads_an_sla_evaluation() -> None:
    from deskflow.sla import evaluate

    start = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
    t = new_ticket(at=start)
    late = start + timedelta(hours=1, minutes=45)  # response target 2 h, not met
    evaluation = evaluate(t, at=late)
    policy = EscalationPolicy(rules=(SlaAtRisk(),))
    (advice,) = policy.recommend(t, at=late, clocks=evaluation)
    assert "'response'" in advice.reason
    met = t.start_work(at=start + timedelta(minutes=5), actor="a-sam")
    assert policy.recommend(met, at=late, clocks=evaluate(met, at=late)) == ()


_names = st.text(alphabet="abcdefghij-", min_size=1, max_size=8).filter(str.strip)


@given(
    st.lists(
        st.builds(
            SupportGroup,
            name=_names,
            tier=st.sampled_from(Tier),
            skills=st.lists(_names, max_size=3),
            categories=st.lists(_names, max_size=3),
            supervisor=st.none() | _names,
            label=st.just("") | _names,
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda g: g.name,
    )
)
def test_support_model_round_trips(groups: list[SupportGroup]) -> None:
    from deskflow.serialization import dumps, loads

    model = SupportModel(groups=tuple(groups))
    assert loads(dumps(model), SupportModel) == model
