"""Call review: one scenario per rule (fires when broken, silent when followed), and properties."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import deskflow
from deskflow import Asset, Customer, Incident, Note
from deskflow._demo_calls import good_call, poor_call
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.scripts import (
    DEFAULT_SCRIPT,
    RULES,
    BriefingPart,
    Call,
    CallClosed,
    CallEvent,
    Escalated,
    Facts,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    QuestionAsked,
    QuestionKind,
    ReviewPolicy,
    Sensitivity,
    StepTaken,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    format_findings,
    review,
)
from deskflow.tickets import Step, StepOutcome
from deskflow.tickets.values import EscalationKind

from .strategies import calls

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PASSED = VerificationOutcome.PASSED
ALL_TOLD = frozenset(BriefingPart)


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(method: Verifier) -> VerificationRecord:
    return VerificationRecord(method=method, outcome=PASSED)


def confirm(fact: str, at: float) -> QuestionAsked:
    return QuestionAsked(
        at=m(at), kind=QuestionKind.CONFIRMING, text="Right?", answer="yes", fact=fact
    )


def step(action: str, at: float, **kw: object) -> StepTaken:
    fields: dict[str, object] = {"explained": True}
    fields.update(kw)
    why = str(fields.pop("why", "rules out one cause"))
    return StepTaken(
        at=m(at),
        step=Step(action=action, outcome=StepOutcome.FAILED, why=why),
        **fields,  # type: ignore[arg-type]
    )


GREETING = Greeted(at=T0 + timedelta(seconds=5))


def make(
    middle: tuple[CallEvent, ...] = (),
    *,
    greeting: Greeted | None = GREETING,
    close: bool = True,
) -> Call:
    """A call that follows practice around ``middle``: greeted, validated, confirmed, closed."""
    events: list[CallEvent] = []
    if greeting is not None:
        events.append(greeting)
    checked = max(T0 + timedelta(seconds=20), events[-1].at if events else T0)
    events.append(
        IdentityChecked(
            at=checked,
            records=(record(Verifier.EMPLOYEE_NUMBER), record(Verifier.MANAGER_NAME)),
        )
    )
    events.extend(middle)
    end = max([e.at for e in events]) + timedelta(minutes=1)
    if close:
        events.append(attrs.evolve(confirm(Facts.ISSUE_RESOLVED, 0), at=end))
        events.append(CallClosed(at=end))
    return Call.start(id="c", at=T0, agent="a-sam").add(*events)


def rules(call: Call, **kw: object) -> list[str]:
    return [f.rule for f in review(call, DEFAULT_SCRIPT, **kw)]  # type: ignore[arg-type]


TICKET = Incident.open(
    summary="Printer offline",
    customer=Customer(id="c-1", name="Alice", phone="+32 2 555 0101"),
    asset=Asset(serial="CN-4821-X"),
    at=T0 - timedelta(days=1),
    actor="a-1",
).add_note(
    Note(
        author="a-1",
        at=T0 - timedelta(days=1),
        steps=(Step(action="Restarted the PC", by_customer=True),),
    )
)

# rule id -> (broken call, followed call, extra review kwargs)
SCENARIOS: dict[str, tuple[Call, Call, dict[str, object]]] = {
    "greeting-missing": (make(greeting=None), make(), {}),
    "greeting-late": (
        make(greeting=Greeted(at=T0 + timedelta(seconds=16))),
        make(greeting=Greeted(at=T0 + timedelta(seconds=15))),
        {},
    ),
    "identity-not-validated": (
        make((step("reset the password", 1, sensitivity=Sensitivity.ACCOUNT),)),
        make(
            (
                IdentityChecked(at=m(0.9), records=(record(Verifier.OFFICE_LOCATION),)),
                step("reset the password", 1, sensitivity=Sensitivity.ACCOUNT),
            )
        ),
        {},
    ),
    "hold-no-reason": (
        make(
            (
                HoldStarted(at=m(1), time_frame=timedelta(minutes=2)),
                HoldEnded(at=m(2), thanked=True),
            )
        ),
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldEnded(at=m(2), thanked=True),
            )
        ),
        {},
    ),
    "hold-no-time-frame": (
        make(
            (HoldStarted(at=m(1), reason="checking"), HoldEnded(at=m(2), thanked=True))
        ),
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldEnded(at=m(2), thanked=True),
            )
        ),
        {},
    ),
    "hold-overrun": (
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldEnded(at=m(5), thanked=True),
            )
        ),
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldCheckedIn(at=m(2.9), time_frame=timedelta(minutes=3)),
                HoldEnded(at=m(5), thanked=True),
            )
        ),
        {},
    ),
    "hold-no-thanks": (
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldEnded(at=m(2)),
            )
        ),
        make(
            (
                HoldStarted(
                    at=m(1), reason="checking", time_frame=timedelta(minutes=2)
                ),
                HoldEnded(at=m(2), thanked=True),
            )
        ),
        {},
    ),
    "mute-unannounced": (
        make((Muted(at=m(1)), Unmuted(at=m(2)))),
        make(
            (
                Muted(at=m(1), announced=True),
                Unmuted(at=m(2)),
                Muted(at=m(3)),
                Unmuted(at=m(3.25)),
            )
        ),
        {},
    ),
    "handover-briefing-incomplete": (
        make(
            (
                confirm(Facts.CUSTOMER_CONTACT, 1),
                Escalated(
                    at=m(2),
                    to_group="field-technicians",
                    to_tier=Tier.L3,
                    told=ALL_TOLD - {BriefingPart.TICKET_NUMBER},
                    understood=True,
                ),
            ),
            close=False,
        ),
        make(
            (
                confirm(Facts.CUSTOMER_CONTACT, 1),
                Escalated(
                    at=m(2),
                    to_group="field-technicians",
                    to_tier=Tier.L3,
                    told=ALL_TOLD,
                    understood=True,
                ),
            ),
            close=False,
        ),
        {},
    ),
    "handover-not-understood": (
        make(
            (
                confirm(Facts.CUSTOMER_CONTACT, 1),
                Transferred(at=m(2), to="desktop-support", warm=True, told=ALL_TOLD),
            )
        ),
        make(
            (
                confirm(Facts.CUSTOMER_CONTACT, 1),
                Transferred(
                    at=m(2),
                    to="desktop-support",
                    warm=True,
                    told=ALL_TOLD,
                    understood=True,
                ),
            )
        ),
        {},
    ),
    "contact-not-confirmed": (
        make(
            (
                Transferred(
                    at=m(2), to="desktop-support", told=ALL_TOLD, understood=True
                ),
            )
        ),
        make(
            (
                confirm(Facts.CUSTOMER_CONTACT, 1),
                Transferred(
                    at=m(2), to="desktop-support", told=ALL_TOLD, understood=True
                ),
            )
        ),
        {},
    ),
    "redundant-question": (
        make(
            (
                QuestionAsked(
                    at=m(1),
                    kind=QuestionKind.CLOSED,
                    text="What's the serial number?",
                    answer="CN-4821-X",
                    fact=Facts.ASSET_SERIAL,
                ),
            )
        ),
        make(
            (
                QuestionAsked(
                    at=m(1),
                    kind=QuestionKind.CONFIRMING,
                    text="It's the printer CN-4821-X, right?",
                    answer="yes",
                    fact=Facts.ASSET_SERIAL,
                ),
            )
        ),
        {"ticket": TICKET},
    ),
    "step-already-tried": (
        make((step("restarted the  pc", 1),)),
        make((step("cleared the print queue", 1),)),
        {"ticket": TICKET},
    ),
    "direction-unexplained": (
        make((step("cleared the print queue", 1, explained=False),)),
        make((step("cleared the print queue", 1),)),
        {},
    ),
    "closure-unconfirmed": (
        make((CallClosed(at=m(3)),), close=False),
        make(),
        {},
    ),
    "abuse-not-handed-over": (
        make(
            (
                TemperamentObserved(at=m(1), temperament=Temperament.ABUSIVE),
                step("cleared the print queue", 6),
            )
        ),
        make(
            (
                TemperamentObserved(at=m(1), temperament=Temperament.ABUSIVE),
                confirm(Facts.CUSTOMER_CONTACT, 1.5),
                Escalated(
                    at=m(2),
                    to_group="team-leads",
                    kind=EscalationKind.HIERARCHICAL,
                    told=ALL_TOLD,
                    understood=True,
                ),
                step("cleared the print queue", 6),
            )
        ),
        {},
    ),
}


def test_every_rule_has_a_scenario() -> None:
    assert set(SCENARIOS) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule", list(SCENARIOS))
def test_rule_fires_when_broken(rule: str) -> None:
    broken, _, kw = SCENARIOS[rule]
    assert rules(broken, **kw) == [rule]


@pytest.mark.parametrize("rule", list(SCENARIOS))
def test_rule_silent_when_followed(rule: str) -> None:
    _, followed, kw = SCENARIOS[rule]
    assert rules(followed, **kw) == []


@pytest.mark.parametrize("rule", list(SCENARIOS))
def test_rule_can_be_disabled(rule: str) -> None:
    broken, _, kw = SCENARIOS[rule]
    policy = ReviewPolicy(disabled=frozenset({rule}))
    assert rules(broken, policy=policy, **kw) == []


def test_findings_carry_severity_moment_and_message() -> None:
    call = make(
        (
            HoldStarted(at=m(1), reason="checking", time_frame=timedelta(minutes=2)),
            HoldEnded(at=m(5), thanked=True),
        )
    )
    (finding,) = review(call, DEFAULT_SCRIPT)
    assert finding.severity.value == "major"
    assert finding.at == m(3)
    assert finding.offset == timedelta(minutes=3)
    assert finding.event_index == 2
    assert "check-in" in finding.message


def test_hold_overrun_at_call_end_without_hold_end() -> None:
    call = make(
        (HoldStarted(at=m(1), reason="checking", time_frame=timedelta(minutes=1)),),
        close=False,
    ).add(CallClosed(at=m(10)))
    assert "hold-overrun" in rules(call)


def test_unended_mute_counts_until_call_end() -> None:
    call = make((Muted(at=m(1)),), close=False).add(CallClosed(at=m(5)))
    assert "mute-unannounced" in rules(call)


def test_thresholds_are_data() -> None:
    late = make(greeting=Greeted(at=T0 + timedelta(seconds=40)))
    assert rules(late) == ["greeting-late"]
    assert rules(late, policy=ReviewPolicy(greeting_within=timedelta(minutes=1))) == []


def test_redundant_question_within_the_same_call() -> None:
    ask = QuestionAsked(
        at=m(1),
        kind=QuestionKind.CLOSED,
        text="Serial?",
        answer="X",
        fact="asset.serial",
    )
    call = make((ask, attrs.evolve(ask, at=m(2))))
    assert rules(call) == ["redundant-question"]


def test_ticket_opened_during_the_call_does_not_make_its_questions_redundant() -> None:
    call = make(
        (
            QuestionAsked(
                at=m(1),
                kind=QuestionKind.CLOSED,
                text="Serial?",
                answer="CN-4821-X",
                fact=Facts.ASSET_SERIAL,
            ),
        )
    )
    opened_now = Incident.open(
        summary="Printer",
        customer=Customer(id="c", name="A"),
        asset=Asset(serial="CN-4821-X"),
        at=m(2),
        actor="a",
    )
    assert rules(call, ticket=opened_now) == []


def test_previous_calls_count_as_known() -> None:
    earlier = Call.start(id="c0", at=T0 - timedelta(days=1), agent="a").add(
        QuestionAsked(
            at=T0 - timedelta(days=1),
            kind=QuestionKind.PROBING,
            text="Error?",
            answer="0x709",
            fact=Facts.ISSUE_ERROR,
        ),
        step("power-cycled the printer", -1000),
    )
    call = make(
        (
            QuestionAsked(
                at=m(1),
                kind=QuestionKind.PROBING,
                text="Error?",
                answer="0x709",
                fact=Facts.ISSUE_ERROR,
            ),
            step("Power-cycled the printer", 2),
        )
    )
    assert rules(call, previous_calls=[earlier]) == [
        "redundant-question",
        "step-already-tried",
    ]
    assert rules(call) == []


def test_customer_reported_step_is_not_suggested_again() -> None:
    reported = StepTaken(
        at=m(1), step=Step(action="rebooted the printer", by_customer=True)
    )
    call = make((reported, step("Rebooted the printer", 2)))
    assert rules(call) == ["step-already-tried"]


def test_abuse_calming_down_resets_the_clock() -> None:
    call = make(
        (
            TemperamentObserved(at=m(1), temperament=Temperament.ABUSIVE),
            TemperamentObserved(at=m(2), temperament=Temperament.CALM),
            step("cleared the print queue", 8),
        )
    )
    assert rules(call) == []


def test_abuse_handed_to_senior_by_transfer() -> None:
    call = make(
        (
            TemperamentObserved(at=m(1), temperament=Temperament.ABUSIVE),
            confirm(Facts.CUSTOMER_CONTACT, 1.2),
            Transferred(
                at=m(2), to="team-lead", told=ALL_TOLD, understood=True, to_senior=True
            ),
        ),
        close=False,
    ).add(CallClosed(at=m(9)))
    assert rules(call) == []


def test_demo_calls() -> None:
    assert review(good_call(), DEFAULT_SCRIPT) == ()
    found = {f.rule for f in review(poor_call(), DEFAULT_SCRIPT)}
    assert found >= {
        "greeting-late",
        "redundant-question",
        "step-already-tried",
        "mute-unannounced",
        "hold-no-reason",
        "hold-no-time-frame",
        "hold-overrun",
        "hold-no-thanks",
        "handover-briefing-incomplete",
        "contact-not-confirmed",
    }


def test_format_findings() -> None:
    assert format_findings(()) == "no findings: the call followed practice"
    text = format_findings(review(poor_call(), DEFAULT_SCRIPT))
    assert text.splitlines()[0].startswith("[minor] greeting-late at +0:00:40")


def test_review_policy_validation() -> None:
    with pytest.raises(ValidationError, match="negative"):
        ReviewPolicy(brief_mute=timedelta(seconds=-1))


@given(calls())
def test_review_never_crashes_and_is_deterministic(call: Call) -> None:
    findings = review(call, DEFAULT_SCRIPT, ticket=TICKET)
    assert findings == review(call, DEFAULT_SCRIPT, ticket=TICKET)
    known = {rule.id: rule.severity for rule in RULES}
    for finding in findings:
        assert known[finding.rule] is finding.severity
        assert finding.at >= call.started_at
        assert finding.offset == finding.at - call.started_at
        assert finding.message
    assert list(findings) == sorted(
        findings,
        key=lambda f: (f.at, -1 if f.event_index is None else f.event_index),
    )


@given(calls(), st.sampled_from(["check the cable", "update the driver"]))
def test_adding_a_conforming_step_adds_no_finding(call: Call, action: str) -> None:
    """A step with its reason explained, not tried before, needing no identity."""
    events = list(call.events)
    at = events[-1].at if events else call.started_at
    fresh = StepTaken(
        at=at,
        step=Step(action=action, outcome=StepOutcome.WORKED, why="rules out one cause"),
        explained=True,
    )
    position = len(events) - 1 if call.ended else len(events)
    events.insert(position, fresh)
    longer = attrs.evolve(call, events=tuple(events))

    def key(call: Call) -> set[tuple[str, datetime]]:
        return {(f.rule, f.at) for f in review(call, DEFAULT_SCRIPT)}

    assert key(longer) <= key(call)


def test_question_from_a_script_step_seeks_the_step_fact() -> None:
    ask = QuestionAsked(
        at=m(1),
        kind=QuestionKind.CLOSED,
        text="Which printer is it?",
        answer="CN-4821-X",
        step_id="ask-asset",
    )
    assert rules(make((ask,)), ticket=TICKET) == ["redundant-question"]
    assert rules(make((ask,))) == []


def test_findings_and_policy_round_trip() -> None:
    findings = review(poor_call(), DEFAULT_SCRIPT)
    for finding in findings:
        assert deskflow.loads(deskflow.dumps(finding), type(finding)) == finding
    policy = ReviewPolicy(
        brief_mute=timedelta(seconds=45),
        disabled=frozenset({"hold-no-thanks", "greeting-late"}),
    )
    data = deskflow.to_dict(policy)
    assert data["disabled"] == ["greeting-late", "hold-no-thanks"]
    assert deskflow.from_dict(data, ReviewPolicy) == policy
    with pytest.raises(ValidationError, match="unknown rule"):
        deskflow.from_dict({"disabled": ["nope"]}, ReviewPolicy)


def test_previous_calls_must_be_a_collection_of_calls() -> None:
    # One call instead of a collection used to be a bare TypeError ("'Call'
    # object is not iterable"); a string would be read letter by letter.
    from deskflow.scripts import known_facts, tried_actions

    earlier = Call.start(id="c0", at=T0 - timedelta(days=1), agent="a")
    call = make(())
    for read in (
        lambda bad: review(call, DEFAULT_SCRIPT, previous_calls=bad),
        lambda bad: known_facts(None, bad),
        lambda bad: tried_actions(None, bad),
    ):
        with pytest.raises(ValidationError) as info:
            read(earlier)
        assert info.value.path == "previous_calls"
        assert "wrap it in a tuple" in str(info.value)
        for bad in ("c0", 5, None):
            with pytest.raises(ValidationError) as info:
                read(bad)
            assert info.value.path == "previous_calls"
