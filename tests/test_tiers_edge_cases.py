"""Edge cases of deskflow.tiers and deskflow.priority: bad input, boundaries, invariants."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_fixtures import BRUSSELS, FULL, T0, at, new_ticket
from deskflow.errors import DeskflowError, NaiveDatetimeError, ValidationError
from deskflow.priority import (
    DEFAULT_MATRIX,
    Impact,
    MatrixCell,
    Priority,
    PriorityMatrix,
    Urgency,
)
from deskflow.serialization import dumps, loads
from deskflow.tickets import (
    EscalationKind,
    Incident,
    Note,
    Step,
    StepOutcome,
)
from deskflow.tiers import (
    DEFAULT_ESCALATION_POLICY,
    CustomerNotice,
    EscalationPolicy,
    InternalNotice,
    NoticeKind,
    RepeatedReopens,
    SlaAtRisk,
    SlaReading,
    StepsAlreadyTried,
    SupportGroup,
    Tier,
    TierLimit,
    TimeAtTier,
    UnknownGroup,
    escalate,
    notices_since,
    steps_taken,
)


def with_steps(ticket: Incident, minutes: float, *steps: Step) -> Incident:
    return ticket.add_note(
        Note(author="a-sam", at=at(minutes), steps=steps), at=at(minutes), actor="a-sam"
    )


# -- escalate() ------------------------------------------------------------------


def test_hierarchical_escalation_to_an_unknown_group_is_refused() -> None:
    # escalate() documents UnknownGroup for a to_group the model does not know;
    # a hierarchical escalation used to record the unknown group silently.
    t = new_ticket()
    with pytest.raises(UnknownGroup, match="'nobody'"):
        escalate(
            t,
            kind=EscalationKind.HIERARCHICAL,
            to_group="nobody",
            to_agent="a-lead",
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a-sam",
        )


@pytest.mark.parametrize(
    "time_frame",
    [timedelta(hours=-1), T0 - timedelta(days=1)],
    ids=["negative duration", "instant before the escalation"],
)
def test_a_time_frame_in_the_past_is_refused(time_frame: datetime | timedelta) -> None:
    # The customer would be told to expect the next step at a time already past.
    with pytest.raises(ValidationError) as info:
        escalate(
            new_ticket(),
            to_group="desktop-support",
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a-sam",
            time_frame=time_frame,
        )
    assert info.value.path == "time_frame"


@given(st.integers(min_value=-600, max_value=600))
def test_the_promised_time_frame_never_precedes_the_escalation(minutes: int) -> None:
    def run() -> datetime | None:
        result = escalate(
            new_ticket(),
            to_group="desktop-support",
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a-sam",
            time_frame=timedelta(minutes=minutes),
        )
        return result.customer_notice.time_frame

    if minutes < 0:
        with pytest.raises(ValidationError, match="time_frame"):
            run()
        return
    frame = run()
    assert frame is not None
    assert frame.astimezone(ZoneInfo("UTC")) >= at(1).astimezone(ZoneInfo("UTC"))


def test_next_steps_given_as_one_string_are_refused() -> None:
    # A bare string is iterable: it used to become one next step per character.
    with pytest.raises(ValidationError) as info:
        escalate(
            new_ticket(),
            to_group="desktop-support",
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a-sam",
            next_steps="a technician will call you",
        )
    assert info.value.path == "next_steps"


def test_an_escalation_kind_given_as_a_string_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        escalate(
            new_ticket(),
            kind="hierarchical",  # type: ignore[arg-type]
            reason="r",
            handoff=FULL,
            at=at(1),
            actor="a-sam",
        )
    assert info.value.path == "kind"


def test_a_customer_notice_refuses_naive_instants() -> None:
    fields: dict[str, Any] = {
        "kind": NoticeKind.ESCALATED,
        "ticket_id": "t",
        "reference": "INC-1",
        "customer_id": "c",
        "at": T0,
        "headline": "h",
    }
    with pytest.raises(NaiveDatetimeError):
        CustomerNotice(**{**fields, "at": datetime(2026, 3, 2, 9)})
    with pytest.raises(NaiveDatetimeError):
        CustomerNotice(**{**fields, "time_frame": datetime(2026, 3, 2, 9)})
    with pytest.raises(ValidationError):
        CustomerNotice(**{**fields, "kind": "escalated"})


# -- recommend() and the rules ---------------------------------------------------------


def test_suggested_steps_given_as_one_string_are_refused() -> None:
    t = with_steps(new_ticket(), 3, Step(action="restart", outcome=StepOutcome.FAILED))
    with pytest.raises(ValidationError) as info:
        DEFAULT_ESCALATION_POLICY.recommend(t, at=at(4), suggested_steps="restart")
    assert info.value.path == "suggested_steps"


@pytest.mark.parametrize(
    "clocks",
    [
        None,
        SlaReading(name="x", elapsed=timedelta(0), target=timedelta(hours=1)),
        "response",
    ],
    ids=["None", "one reading", "a string"],
)
def test_clocks_that_are_not_a_collection_are_refused(clocks: Any) -> None:
    with pytest.raises(ValidationError) as info:
        DEFAULT_ESCALATION_POLICY.recommend(new_ticket(), at=at(1), clocks=clocks)
    assert info.value.path == "clocks"


def test_a_step_that_failed_then_worked_leaves_nothing_to_escalate() -> None:
    # The latest outcome of a step is what counts: it worked the second time.
    t = with_steps(
        new_ticket(), 3, Step(action="restart the spooler", outcome=StepOutcome.FAILED)
    )
    t = with_steps(
        t, 5, Step(action="Restart the spooler.", outcome=StepOutcome.WORKED)
    )
    policy = EscalationPolicy(rules=(StepsAlreadyTried(standard_steps=()),))
    advice = policy.recommend(t, at=at(6), suggested_steps=("restart the spooler",))
    assert [a.is_escalation for a in advice] == [False]
    assert "(worked)" in advice[0].reason


_OUTCOMES = st.sampled_from(
    [StepOutcome.FAILED, StepOutcome.WORKED, StepOutcome.PARTIAL]
)


@given(st.lists(_OUTCOMES, min_size=1, max_size=5))
def test_steps_already_tried_reads_the_latest_outcome(
    outcomes: list[StepOutcome],
) -> None:
    t = new_ticket()
    for index, outcome in enumerate(outcomes):
        t = with_steps(t, 2 + index, Step(action="reseat the cable", outcome=outcome))
    policy = EscalationPolicy(rules=(StepsAlreadyTried(standard_steps=()),))
    advice = policy.recommend(t, at=at(10), suggested_steps=("reseat the cable",))
    cautions = [a for a in advice if not a.is_escalation]
    escalations = [a for a in advice if a.is_escalation]
    assert len(cautions) == 1
    assert f"({outcomes[-1].value})" in cautions[0].reason
    assert bool(escalations) == (outcomes[-1] is not StepOutcome.WORKED)


def test_steps_taken_refuses_a_naive_instant() -> None:
    with pytest.raises(NaiveDatetimeError):
        steps_taken(new_ticket(), at=datetime(2026, 3, 2, 9, 30))


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: TierLimit(tier="l1", limit=timedelta(minutes=5)), "tier"),
        (lambda: TierLimit(tier=Tier.L1, limit=timedelta(0)), "limit"),
        (lambda: TierLimit(tier=Tier.L1, limit=timedelta(minutes=-5)), "limit"),
        (lambda: TierLimit(tier=Tier.L1, limit=30), "limit"),
        (
            lambda: TimeAtTier(
                limits=(
                    TierLimit(tier=Tier.L1, limit=timedelta(minutes=30)),
                    TierLimit(tier=Tier.L1, limit=timedelta(hours=1)),
                )
            ),
            "limits[1]",
        ),
        (lambda: SlaAtRisk(warning_fraction=0.0), "warning_fraction"),
        (lambda: SlaAtRisk(warning_fraction=-0.5), "warning_fraction"),
        (lambda: SlaAtRisk(warning_fraction=math.nan), "warning_fraction"),
        (lambda: SlaAtRisk(warning_fraction="0.5"), "warning_fraction"),
        (lambda: SlaAtRisk(warning_fraction=True), "warning_fraction"),
        # past 1 a clock is breached: it would never warn (SlaPolicy.warn_at agrees)
        (lambda: SlaAtRisk(warning_fraction=1.5), "warning_fraction"),
        (lambda: SlaAtRisk(kind="functional"), "kind"),
        (lambda: RepeatedReopens(threshold=0), "threshold"),
        (lambda: RepeatedReopens(threshold="2"), "threshold"),
        (lambda: RepeatedReopens(threshold=1.5), "threshold"),
        (lambda: EscalationPolicy(rules=(), model=None), "model"),
        (lambda: SupportGroup(name="g", tier="l2"), "tier"),
        (lambda: SupportGroup(name="g", tier=Tier.L2, skills=(1,)), "skills[0]"),
        (lambda: SupportGroup(name="g", tier=Tier.L2, categories=(" ",)), "categories"),
        (lambda: SupportGroup(name="g", tier=Tier.L2, supervisor=""), "supervisor"),
        (lambda: SupportGroup(name="g", tier=Tier.L2, supervisor=7), "supervisor"),
    ],
)
def test_rule_and_model_parameters_are_checked_when_built(
    build: Any, path: str
) -> None:
    # Each of these used to be accepted and then fail later with a bare
    # TypeError or AttributeError, or silently never (or always) advise.
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == path


def test_a_threshold_of_one_still_advises_after_one_reopening() -> None:
    t = new_ticket().resolve(resolution="cable", articles=(), at=at(5), actor="a-sam")
    t = t.reopen(reason="back", at=at(6), actor="c-alice")
    policy = EscalationPolicy(rules=(RepeatedReopens(threshold=1),))
    assert [a.rule for a in policy.recommend(t, at=at(7))] == ["repeated_reopens"]
    assert policy.recommend(new_ticket(), at=at(7)) == ()


def test_rules_with_bad_parameters_are_refused_when_loaded() -> None:
    text = dumps(DEFAULT_ESCALATION_POLICY)
    assert loads(text, EscalationPolicy) == DEFAULT_ESCALATION_POLICY
    bad = text.replace('"threshold": 2', '"threshold": 0')
    assert bad != text
    with pytest.raises(ValidationError, match="threshold"):
        loads(bad, EscalationPolicy)


# -- priority --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (
            lambda: MatrixCell(
                impact="high", urgency=Urgency.HIGH, priority=Priority.HIGH
            ),
            "impact",
        ),
        (
            lambda: MatrixCell(
                impact=Impact.HIGH, urgency=Impact.HIGH, priority=Priority.HIGH
            ),
            "urgency",
        ),
        (
            lambda: MatrixCell(impact=Impact.HIGH, urgency=Urgency.HIGH, priority="p1"),
            "priority",
        ),
        (
            lambda: PriorityMatrix.from_rows(
                impacts=("high",), urgencies=(Urgency.HIGH,), rows=(("p1",),)
            ),
            "impact",
        ),
        (
            lambda: PriorityMatrix.from_rows(
                impacts=(Impact.HIGH,), urgencies=(Urgency.HIGH,), rows=((1,),)
            ),
            "rows[0]",
        ),
    ],
)
def test_matrix_input_of_the_wrong_type_is_a_validation_error(
    build: Any, path: str
) -> None:
    # These raised a bare AttributeError ('str' object has no attribute 'rank').
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == path


def test_asking_with_an_urgency_for_an_impact_names_the_type() -> None:
    # Urgency.HIGH has the value 'high', which the message listed as a known level.
    with pytest.raises(ValidationError, match="expected an Impact, got Urgency"):
        DEFAULT_MATRIX.priority_for(Urgency.HIGH, Urgency.HIGH)  # type: ignore[arg-type]


_LEVELS = st.lists(st.integers(min_value=0, max_value=4), min_size=1, unique=True)


@given(_LEVELS, _LEVELS, st.data())
def test_a_matrix_built_from_rows_answers_its_table_and_round_trips(
    impact_ix: list[int], urgency_ix: list[int], data: st.DataObject
) -> None:
    impacts = tuple(list(Impact)[i] for i in impact_ix)
    urgencies = tuple(list(Urgency)[i] for i in urgency_ix)
    rows = tuple(
        tuple(data.draw(st.sampled_from(Priority)) for _ in urgencies) for _ in impacts
    )
    matrix = PriorityMatrix.from_rows(impacts=impacts, urgencies=urgencies, rows=rows)
    for impact, row in zip(impacts, rows, strict=True):
        for urgency, priority in zip(urgencies, row, strict=True):
            assert matrix.priority_for(impact, urgency) is priority
    assert loads(dumps(matrix), PriorityMatrix) == matrix
    for impact in Impact:
        if impact not in impacts:
            with pytest.raises(DeskflowError):
                matrix.priority_for(impact, urgencies[0])


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"elapsed": 3}, "elapsed"),
        ({"elapsed": None}, "elapsed"),
        ({"target": "PT4H"}, "target"),
        ({"due": datetime(2026, 3, 2, 13)}, "due"),
    ],
)
def test_an_sla_reading_checks_its_fields(fields: dict[str, Any], path: str) -> None:
    # A reading with a number for elapsed used to fail later, in fraction, with
    # a bare TypeError.
    base: dict[str, Any] = {
        "name": "resolution",
        "elapsed": timedelta(hours=1),
        "target": timedelta(hours=4),
    }
    with pytest.raises(ValidationError) as info:
        SlaReading(**{**base, **fields})
    assert info.value.path == path


def test_a_duck_typed_clock_with_a_bad_elapsed_is_refused_on_clocks() -> None:
    @attrs.frozen
    class Clock:
        name: str = "response"
        elapsed: object = None
        target: timedelta = timedelta(hours=2)
        due: datetime | None = None

    with pytest.raises(ValidationError, match="elapsed"):
        DEFAULT_ESCALATION_POLICY.recommend(new_ticket(), at=at(1), clocks=[Clock()])


@given(st.integers(min_value=0, max_value=600), st.integers(min_value=1, max_value=600))
def test_a_reading_is_breached_exactly_when_it_is_past_its_target(
    elapsed: int, target: int
) -> None:
    reading = SlaReading(
        name="x", elapsed=timedelta(minutes=elapsed), target=timedelta(minutes=target)
    )
    assert reading.breached == (elapsed > target)
    assert reading.fraction == pytest.approx(elapsed / target)


@pytest.mark.parametrize("version", [-1, 1.5, True, "3"])
def test_notices_since_refuses_a_version_that_is_not_a_count(version: Any) -> None:
    with pytest.raises(ValidationError) as info:
        notices_since(new_ticket(), version)
    assert info.value.path == "version"


@pytest.mark.parametrize("headline", ["Can you reboot now?", "Fixed!", "No news yet."])
def test_a_notice_headline_keeps_its_own_final_punctuation(headline: str) -> None:
    notice = CustomerNotice(
        kind=NoticeKind.STATUS_UPDATE,
        ticket_id="t",
        reference="INC-1",
        customer_id="c",
        at=T0,
        headline=headline,
    )
    assert notice.text == f"[INC-1] {headline}"


def test_an_internal_notice_refuses_naive_instants() -> None:
    fields: dict[str, Any] = {
        "ticket_id": "t",
        "reference": "INC-1",
        "at": T0,
        "kind": EscalationKind.FUNCTIONAL,
        "from_actor": "a-sam",
        "reason": "r",
        "to_group": "desktop-support",
        "to_agent": None,
        "warm": False,
        "priority": "P3",
        "handoff": FULL,
    }
    assert InternalNotice(**fields).at == T0
    for name in ("at", "deadline", "time_frame"):
        with pytest.raises(NaiveDatetimeError):
            InternalNotice(**{**fields, name: datetime(2026, 3, 2, 9)})


@given(
    st.integers(min_value=-180, max_value=180),
    st.integers(min_value=1, max_value=240),
    st.sampled_from([0, 1]),
)
def test_a_time_frame_duration_is_real_time_across_dst_changes(
    offset: int, minutes: int, fold: int
) -> None:
    # Around the autumn fold, wall-clock addition gave a time frame an hour
    # longer (or shorter) than the duration asked.
    utc = ZoneInfo("UTC")
    change = datetime(2026, 10, 25, 1, 0, tzinfo=utc)  # Brussels falls back
    start = (change + timedelta(minutes=offset)).astimezone(BRUSSELS)
    start = start.replace(fold=fold) if fold else start
    t = new_ticket(at=start)
    result = escalate(
        t,
        to_group="desktop-support",
        reason="r",
        handoff=FULL,
        at=start,
        actor="a-sam",
        time_frame=timedelta(minutes=minutes),
    )
    frame = result.customer_notice.time_frame
    assert frame is not None
    assert frame.astimezone(utc) - start.astimezone(utc) == timedelta(minutes=minutes)


def _reopen(t: Incident, minutes: float) -> Incident:
    t = t.resolve(resolution="fixed", articles=(), at=at(minutes), actor="a-sam")
    return t.reopen(reason="failed again", at=at(minutes + 1), actor="c-alice")


def test_repeated_reopens_is_answered_by_a_functional_escalation() -> None:
    # Once the ticket moved up for its reopenings, the same reopenings kept
    # asking for the next tier, and the next, with nothing new.
    policy = EscalationPolicy(rules=(RepeatedReopens(threshold=2),))
    t = _reopen(_reopen(new_ticket(), 10), 20)
    (advice,) = policy.recommend(t, at=at(25))
    assert advice.to_group == "desktop-support"
    t = escalate(
        t,
        to_group="desktop-support",
        reason="the fix does not hold",
        handoff=FULL,
        at=at(30),
        actor="a-sam",
    ).ticket
    assert policy.recommend(t, at=at(31)) == ()
    t = _reopen(_reopen(t, 40), 50)
    (advice,) = policy.recommend(t, at=at(55))
    assert advice.to_tier is Tier.L3
    assert "reopened 2 times" in advice.reason


def test_a_functional_sla_alert_points_one_tier_up() -> None:
    # With kind=FUNCTIONAL the advice named the ticket's own group as the
    # target of the escalation.
    policy = EscalationPolicy(rules=(SlaAtRisk(kind=EscalationKind.FUNCTIONAL),))
    clock = SlaReading(
        name="resolution", elapsed=timedelta(hours=7), target=timedelta(hours=8)
    )
    (advice,) = policy.recommend(new_ticket(), at=at(1), clocks=[clock])
    assert (advice.kind, advice.to_tier, advice.to_group, advice.to_agent) == (
        EscalationKind.FUNCTIONAL,
        Tier.L2,
        "desktop-support",
        None,
    )
    (advice,) = EscalationPolicy(rules=(SlaAtRisk(),)).recommend(
        new_ticket(), at=at(1), clocks=[clock]
    )
    assert (advice.to_tier, advice.to_group, advice.to_agent) == (
        Tier.L1,
        "service-desk",
        "a-desk-lead",
    )


@given(st.integers(min_value=1, max_value=59))
def test_a_time_frame_in_the_repeated_hour_is_told_unambiguously(minute: int) -> None:
    # 02:MM happens twice when Brussels falls back; both read the same in the
    # customer's notice, an hour apart.
    utc = ZoneInfo("UTC")
    first = datetime(2026, 10, 25, 0, minute, tzinfo=utc)  # 02:MM CEST
    second = first + timedelta(hours=1)  # 02:MM CET
    start = datetime(2026, 10, 24, 23, 0, tzinfo=utc)
    t = new_ticket(at=start)
    texts = [
        escalate(
            t,
            to_group="desktop-support",
            reason="r",
            handoff=FULL,
            at=start,
            actor="a-sam",
            time_frame=frame,
        ).customer_notice.time_frame_text
        for frame in (first, second)
    ]
    assert texts[0] != texts[1]
    assert all(f"02:{minute:02d}" in text for text in texts)


# -- escalate(to_tier=...) and moves between tiers ------------------------------------


def _escalate(ticket: Incident, minutes: float, **kw: Any) -> Incident:
    fields: dict[str, Any] = {
        "reason": "r",
        "handoff": FULL,
        "at": at(minutes),
        "actor": "a-sam",
    }
    fields.update(kw)
    return escalate(ticket, **fields).ticket


_GROUPS = DEFAULT_ESCALATION_POLICY.model.groups


@given(
    st.sampled_from(sorted({c for g in _GROUPS for c in g.categories})),
    st.sampled_from(Tier),
)
def test_escalating_to_a_tier_picks_the_models_group_for_the_category(
    category: str, tier: Tier
) -> None:
    # escalate() took no to_tier (a bare TypeError) though Ticket.escalate does.
    ticket = new_ticket(category=category)
    at_tier = [
        g
        for g in DEFAULT_ESCALATION_POLICY.model.groups_for(category)
        if g.tier is tier
    ]
    if not at_tier:
        with pytest.raises(ValidationError) as info:
            _escalate(ticket, 1, to_tier=tier)
        assert info.value.path == "to_tier"
        assert repr(category) in str(info.value)
        return
    by_tier = _escalate(ticket, 1, to_tier=tier)
    assert by_tier == _escalate(ticket, 1, to_group=at_tier[0].name)
    assert by_tier.tier is tier


def test_a_tier_that_disagrees_with_the_group_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        _escalate(new_ticket(), 1, to_tier=Tier.L3, to_group="desktop-support")
    assert info.value.path == "to_tier"
    assert "desktop-support" in str(info.value)
    agreed = _escalate(new_ticket(), 1, to_tier=Tier.L2, to_group="desktop-support")
    assert (agreed.tier, agreed.group) == (Tier.L2, "desktop-support")


@pytest.mark.parametrize("to_tier", ["l2", 2])
def test_a_tier_given_as_text_is_refused(to_tier: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _escalate(new_ticket(), 1, to_tier=to_tier)
    assert info.value.path == "to_tier"


def test_a_hierarchical_escalation_takes_only_the_tickets_own_tier() -> None:
    ticket = new_ticket()
    kind = EscalationKind.HIERARCHICAL
    with pytest.raises(ValidationError) as info:
        _escalate(ticket, 1, kind=kind, to_tier=Tier.L2)
    assert info.value.path == "to_tier"
    assert _escalate(ticket, 1, kind=kind, to_tier=Tier.L1) == _escalate(
        ticket, 1, kind=kind
    )


@given(st.sampled_from(_GROUPS), st.sampled_from(_GROUPS))
def test_a_functional_escalation_moves_up_or_across_never_down(
    held_by: SupportGroup, to: SupportGroup
) -> None:
    # docs/guides/escalation.md: a ticket moves up to a group with the skill;
    # a move down used to be accepted (L3 back to the L1 service desk).
    ticket = new_ticket()
    if held_by.name != ticket.group:
        ticket = _escalate(ticket, 1, to_group=held_by.name)
    assert ticket.tier is held_by.tier
    if to.tier.rank < held_by.tier.rank:
        with pytest.raises(ValidationError) as info:
            _escalate(ticket, 2, to_group=to.name)
        assert info.value.path == "to_group"
        assert "route" in str(info.value)
    else:
        assert _escalate(ticket, 2, to_group=to.name).tier is to.tier
