"""Edge cases of call scripts, recorded calls and review: bad input, huge values, zones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow import BusinessContext, Customer, Incident
from deskflow.errors import DeskflowError, NaiveDatetimeError, ValidationError
from deskflow.scripts import (
    DEFAULT_IDENTITY_POLICIES,
    DEFAULT_PHASES,
    DEFAULT_SCRIPT,
    Call,
    CallClosed,
    CallScript,
    Escalated,
    Facts,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    IdentityPolicy,
    Muted,
    Phase,
    QuestionAsked,
    QuestionKind,
    ReviewPolicy,
    ScriptDefinitionError,
    ScriptPhase,
    ScriptStep,
    Sensitivity,
    StepKind,
    StepTaken,
    Transferred,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    known_facts,
    load_toml,
    review,
    script_from_json,
    script_from_toml,
    tried_actions,
)
from deskflow.tickets import Step, StepOutcome

from .strategies import T0, calls, sensitive_steps

PASSED = VerificationOutcome.PASSED
LONDON = ZoneInfo("Europe/London")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def start(when: datetime = T0) -> Call:
    return Call.start(id="c-edge", at=when, agent="a-1")


def rules(call: Call, script: CallScript = DEFAULT_SCRIPT, **kw: Any) -> list[str]:
    return [f.rule for f in review(call, script, **kw)]


def reset_script(identity: tuple[IdentityPolicy, ...]) -> CallScript:
    return CallScript(
        name="password-reset",
        identity=identity,
        phases=(
            ScriptPhase(
                phase=Phase.GREETING,
                steps=(ScriptStep(id="greet", kind=StepKind.STATEMENT, text="Hello"),),
            ),
            ScriptPhase(
                phase=Phase.RESOLUTION,
                steps=(
                    ScriptStep(
                        id="reset",
                        kind=StepKind.ACTION,
                        text="Reset the password",
                        sensitivity=Sensitivity.ACCOUNT,
                    ),
                ),
            ),
        ),
    )


def taken(minutes: float, **kw: Any) -> StepTaken:
    return StepTaken(
        at=at(minutes),
        explained=True,
        step=Step(
            action="reset the password",
            outcome=StepOutcome.WORKED,
            why="a temporary password lets you sign in",
        ),
        **kw,
    )


# -- identity: the script's sensitivity counts --------------------------------


def test_step_from_a_sensitive_script_step_needs_identity() -> None:
    """A step taken from a script step marked account-sensitive is checked like one."""
    script = reset_script(DEFAULT_IDENTITY_POLICIES)
    call = start().add(Greeted(at=T0), taken(1, step_id="reset"))
    assert rules(call, script) == ["identity-not-validated"]


def test_event_sensitivity_still_counts_when_the_script_step_is_general() -> None:
    call = start().add(
        Greeted(at=T0), taken(1, step_id="apply-fix", sensitivity=Sensitivity.ACCOUNT)
    )
    assert rules(call) == ["identity-not-validated"]


def test_step_from_a_sensitive_script_step_after_validation_is_fine() -> None:
    script = reset_script(DEFAULT_IDENTITY_POLICIES)
    records = tuple(
        VerificationRecord(method=v, outcome=PASSED)
        for v in (
            Verifier.EMPLOYEE_NUMBER,
            Verifier.MANAGER_NAME,
            Verifier.OFFICE_LOCATION,
        )
    )
    call = start().add(
        Greeted(at=T0),
        IdentityChecked(at=at(0.5), records=records),
        taken(1, step_id="reset"),
    )
    assert rules(call, script) == []


@given(calls(), sensitive_steps(sensitive_ids=("reset",), other_ids=("greet",)))
def test_a_sensitive_step_before_any_check_is_always_flagged(
    call: Call, sensitive: StepTaken
) -> None:
    """Whatever came before, a sensitive step with no identity check at all is flagged."""
    events = [
        e for e in call.events if not isinstance(e, (IdentityChecked, CallClosed))
    ]
    when = events[-1].at if events else call.started_at
    longer = attrs.evolve(call, events=(*events, attrs.evolve(sensitive, at=when)))
    findings = review(longer, reset_script(DEFAULT_IDENTITY_POLICIES))
    assert any(
        f.rule == "identity-not-validated" and f.event_index == len(events)
        for f in findings
    )


def test_script_without_identity_policies_refuses_sensitive_steps() -> None:
    """The script's docstring: a policy for every sensitivity a step uses."""
    with pytest.raises(ScriptDefinitionError, match="no policy covers it"):
        reset_script(())


def test_sensitive_step_with_no_covering_policy_is_flagged() -> None:
    """Review fails closed: no policy of the script covers the action, so it was not validated."""
    general_only = tuple(
        p for p in DEFAULT_IDENTITY_POLICIES if p.sensitivity is Sensitivity.GENERAL
    )
    script = attrs.evolve(DEFAULT_SCRIPT, identity=general_only)
    call = start().add(Greeted(at=T0), taken(1, sensitivity=Sensitivity.PRIVILEGED))
    findings = review(call, script)
    assert [f.rule for f in findings] == ["identity-not-validated"]
    assert "privileged" in findings[0].message


# -- holds: huge time frames and instants near the end of time ---------------


@pytest.mark.parametrize(
    "frame", [timedelta.max, timedelta(days=999_999_000), timedelta(days=3_000_000)]
)
def test_huge_hold_time_frame_is_reviewed(frame: timedelta) -> None:
    call = start().add(
        Greeted(at=T0),
        HoldStarted(at=at(1), reason="checking", time_frame=frame),
        HoldEnded(at=at(3), thanked=True),
        CallClosed(at=at(4)),
    )
    assert rules(call) == ["closure-unconfirmed"]


def test_huge_check_in_time_frame_is_reviewed() -> None:
    call = start().add(
        Greeted(at=T0),
        HoldStarted(at=at(1), reason="checking", time_frame=timedelta(minutes=2)),
        HoldCheckedIn(at=at(2), time_frame=timedelta.max),
    )
    assert rules(call) == []


def test_hold_near_the_end_of_time_is_reviewed() -> None:
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc)
    call = start(late).add(
        Greeted(at=late),
        HoldStarted(at=late, reason="checking", time_frame=timedelta(hours=2)),
        HoldEnded(at=late + timedelta(minutes=30), thanked=True),
    )
    assert rules(call) == []


@given(
    frame=st.timedeltas(min_value=timedelta(seconds=1)),
    held=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)
def test_hold_overrun_iff_the_hold_outlasts_frame_and_grace(
    frame: timedelta, held: timedelta
) -> None:
    call = start().add(
        Greeted(at=T0),
        HoldStarted(at=at(1), reason="checking", time_frame=frame),
        HoldEnded(at=at(1) + held, thanked=True),
    )
    overrun = held > frame + ReviewPolicy().hold_grace
    assert ("hold-overrun" in rules(call)) is overrun


# -- loading scripts ----------------------------------------------------------


@pytest.mark.parametrize("text", ["5", '"ab"', "null", "true", "[]", '[["name", "x"]]'])
def test_script_from_json_refuses_a_document_that_is_not_an_object(text: str) -> None:
    with pytest.raises(ValidationError, match="expected an object"):
        script_from_json(text)


# -- known facts: naive instants refused -------------------------------------


@pytest.mark.parametrize("function", [known_facts, tried_actions])
def test_naive_before_is_refused(function: Any) -> None:
    ticket = Incident.open(
        summary="Printer offline",
        at=T0,
        actor="a-1",
        customer=Customer(id="c-1", name="Al"),
    )
    naive = datetime(2026, 3, 2, 10, 0)  # naive on purpose
    with pytest.raises(NaiveDatetimeError, match="before"):
        function(ticket, before=naive)
    with pytest.raises(NaiveDatetimeError, match="before"):
        function(before=naive)


# -- wrong types are refused when built, naming the field --------------------


BAD_EVENTS: list[tuple[str, Any]] = [
    ("reason", lambda: HoldStarted(at=T0, reason=None)),
    (
        "answer",
        lambda: QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="q", answer=None),
    ),
    ("fact", lambda: QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="q", fact=5)),
    ("fact", lambda: QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="q", fact=" ")),
    (
        "step_id",
        lambda: QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="q", step_id=3),
    ),
    ("kind", lambda: Escalated(at=T0, to_group="g", kind="hierarchical")),
    ("to_tier", lambda: Escalated(at=T0, to_group="g", to_tier="L3")),
    ("understood", lambda: Escalated(at=T0, to_group="g", understood="no")),
    ("to_senior", lambda: Transferred(at=T0, to="x", to_senior="yes")),
    ("warm", lambda: Transferred(at=T0, to="x", warm=None)),
    ("said", lambda: Greeted(at=T0, said=None)),
    ("thanked", lambda: HoldEnded(at=T0, thanked="yes")),
    ("announced", lambda: Muted(at=T0, announced=1)),
    ("explained", lambda: StepTaken(at=T0, step=Step(action="x"), explained="no")),
    ("policy", lambda: IdentityChecked(at=T0, records=(), policy=None)),
    ("ticket_id", lambda: Call.start(id="c", at=T0, agent="a", ticket_id=5)),
    ("customer_id", lambda: Call.start(id="c", at=T0, agent="a", customer_id=5)),
    ("script", lambda: Call.start(id="c", at=T0, agent="a", script=5)),
]


@pytest.mark.parametrize(
    ("field", "build"),
    BAD_EVENTS,
    ids=[f"{n}-{f}" for n, (f, _) in enumerate(BAD_EVENTS)],
)
def test_call_values_refuse_wrong_types(field: str, build: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == field


BAD_SCRIPT_VALUES: list[tuple[str, Any]] = [
    (
        "establishes",
        lambda: ScriptStep(id="a", kind=StepKind.STATEMENT, text="t", establishes=5),
    ),
    ("why", lambda: ScriptStep(id="a", kind=StepKind.STATEMENT, text="t", why=None)),
    (
        "min_optional",
        lambda: IdentityPolicy(
            name="x", sensitivity=Sensitivity.GENERAL, min_optional="1"
        ),
    ),
    (
        "min_optional",
        lambda: IdentityPolicy(
            name="x", sensitivity=Sensitivity.GENERAL, min_optional=None
        ),
    ),
    (
        "min_optional",
        lambda: IdentityPolicy(
            name="x",
            sensitivity=Sensitivity.GENERAL,
            optional={Verifier.MANAGER_NAME},
            min_optional=0.5,
        ),
    ),
    (
        "min_optional",
        lambda: IdentityPolicy(
            name="x",
            sensitivity=Sensitivity.GENERAL,
            optional={Verifier.MANAGER_NAME},
            min_optional=True,
        ),
    ),
    ("description", lambda: attrs.evolve(DEFAULT_SCRIPT, description=None)),
]


@pytest.mark.parametrize(
    ("field", "build"),
    BAD_SCRIPT_VALUES,
    ids=[f"{n}-{f}" for n, (f, _) in enumerate(BAD_SCRIPT_VALUES)],
)
def test_script_values_refuse_wrong_types(field: str, build: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == field


@pytest.mark.parametrize(
    ("call", "script", "policy", "path"),
    [
        ("c", DEFAULT_SCRIPT, ReviewPolicy(), "call"),
        (None, DEFAULT_SCRIPT, ReviewPolicy(), "call"),
        (start(), "default", ReviewPolicy(), "script"),
        (start(), DEFAULT_SCRIPT, None, "policy"),
    ],
)
def test_review_refuses_wrong_arguments(
    call: Any, script: Any, policy: Any, path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        review(call, script, policy=policy)
    assert info.value.path == path


def test_policy_for_refuses_a_string() -> None:
    with pytest.raises(ValidationError, match="Sensitivity"):
        DEFAULT_SCRIPT.policy_for("account")  # type: ignore[arg-type]


def test_plan_refuses_a_string_of_known_facts() -> None:
    """A bare string would be read as a set of substrings and skip the wrong steps."""
    with pytest.raises(ValidationError, match="known"):
        DEFAULT_SCRIPT.plan("asset.serial")  # type: ignore[arg-type]


def test_every_error_is_a_deskflow_error() -> None:
    for _, build in BAD_EVENTS + BAD_SCRIPT_VALUES:
        with pytest.raises(DeskflowError):
            build()


# -- zones: review reads instants, not wall times ----------------------------


FOLD = datetime(
    2026, 10, 25, 0, 20, tzinfo=timezone.utc
)  # 01:20 BST, the hour before it repeats


def moved(call: Call, zone: Any) -> Call:
    """The same call, shifted to straddle London's autumn fold, written in ``zone``."""
    shift = FOLD - T0

    def move(value: datetime) -> datetime:
        return (value + shift).astimezone(zone)

    return Call(
        id=call.id,
        agent=call.agent,
        started_at=move(call.started_at),
        events=tuple(attrs.evolve(e, at=move(e.at)) for e in call.events),
    )


ZONES = [LONDON, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))]


@given(calls(), st.sampled_from(ZONES))
def test_review_is_the_same_in_every_zone(call: Call, zone: Any) -> None:
    in_utc = review(moved(call, timezone.utc), DEFAULT_SCRIPT)
    in_zone = review(moved(call, zone), DEFAULT_SCRIPT)
    assert [(f.rule, f.offset, f.event_index) for f in in_zone] == [
        (f.rule, f.offset, f.event_index) for f in in_utc
    ]
    assert [f.at.astimezone(timezone.utc) for f in in_zone] == [
        f.at.astimezone(timezone.utc) for f in in_utc
    ]


# -- the ticket note tells the holds, as to_note's docstring says ------------


def test_note_tells_each_hold_with_its_length_reason_and_time_frame() -> None:
    call = start().add(
        Greeted(at=T0),
        HoldStarted(
            at=at(1),
            reason="checking the print server",
            time_frame=timedelta(minutes=2),
        ),
        HoldEnded(at=at(2.5), thanked=True),
        HoldStarted(at=at(4)),
        CallClosed(at=at(5)),
    )
    text = call.to_note(author="a-1").text
    assert "On hold for 0:01:30: checking the print server (stated 0:02:00)." in text
    assert "On hold for 0:01:00, until the end of the call." in text


def test_note_measures_a_hold_across_the_autumn_fold_in_real_time() -> None:
    before = datetime(2026, 10, 25, 1, 50, tzinfo=LONDON)  # BST, +01:00
    after = datetime(2026, 10, 25, 1, 10, fold=1, tzinfo=LONDON)  # GMT, 20 min later
    call = start(before).add(
        HoldStarted(at=before, reason="checking"), HoldEnded(at=after, thanked=True)
    )
    assert "On hold for 0:20:00: checking." in call.to_note(author="a-1").text


@given(calls())
def test_note_has_one_hold_line_per_hold(call: Call) -> None:
    holds = 0
    on_hold = False
    for event in call.events:
        if isinstance(event, HoldStarted) and not on_hold:
            holds, on_hold = holds + 1, True
        elif isinstance(event, HoldEnded):
            on_hold = False
    assert call.to_note(author="a-1").text.count("On hold for ") == holds


# -- known facts: only what the ticket held before the call ------------------


def printer_ticket() -> Incident:
    return Incident.open(
        summary="Printer offline",
        at=T0 - timedelta(days=1),
        actor="a-lea",
        customer=Customer(id="c-1", name="Alice"),
    )


CONTEXT = BusinessContext(deadline_reason="board meeting at 11:00", confidential=True)


def test_context_recorded_after_the_call_does_not_make_its_question_redundant() -> None:
    """The agent asks about a deadline, then records the answer on the ticket."""
    call = start().add(
        Greeted(at=T0),
        QuestionAsked(
            at=at(1),
            kind=QuestionKind.PROBING,
            text="Is there a deadline?",
            answer="board meeting at 11",
            step_id="ask-context",
        ),
    )
    ticket = printer_ticket().update_context(CONTEXT, at=at(2), actor="a-sam")
    assert Facts.BUSINESS_CONTEXT not in known_facts(ticket, before=T0)
    assert rules(call, ticket=ticket) == []


def test_context_recorded_before_the_call_is_known() -> None:
    ticket = printer_ticket().update_context(CONTEXT, at=at(-60), actor="a-lea")
    assert Facts.BUSINESS_CONTEXT in known_facts(ticket, before=T0)
    later = ticket.update_context(BusinessContext(), at=at(2), actor="a-sam")
    assert Facts.BUSINESS_CONTEXT in known_facts(later, before=T0)
    assert Facts.BUSINESS_CONTEXT not in known_facts(later)


# -- loading TOML: text only -------------------------------------------------


@pytest.mark.parametrize("text", [b'name = "x"', None, 5])
def test_toml_must_be_text(text: Any) -> None:
    with pytest.raises(ValidationError, match="TOML text") as info:
        load_toml(text)
    assert info.value.path == "text"
    with pytest.raises(ValidationError, match="TOML text"):
        script_from_toml(text)


# -- what the desk holds: sources of the right type -------------------------


@pytest.mark.parametrize("function", [known_facts, tried_actions])
@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"ticket": "t-1"}, "ticket"),
        ({"previous_calls": ["c-0"]}, "previous_calls[0]"),
        ({"previous_calls": [start(), None]}, "previous_calls[1]"),
    ],
)
def test_what_the_desk_holds_refuses_wrong_sources(
    function: Any, kwargs: dict[str, Any], path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        function(**kwargs)
    assert info.value.path == path
    with pytest.raises(ValidationError) as info:
        review(start(), DEFAULT_SCRIPT, **kwargs)
    assert info.value.path == path


# -- a previous call's scripted questions count, as they do within a call ----


def asked_serial(call_start: datetime, *, script: str | None = None) -> Call:
    return Call.start(id="c-prev", at=call_start, agent="a-lea", script=script).add(
        QuestionAsked(
            at=call_start + timedelta(minutes=1),
            kind=QuestionKind.CLOSED,
            text="Which device is it?",
            answer="CN-4821-X",
            step_id="ask-asset",
        )
    )


def asks_serial_again() -> Call:
    return start().add(
        Greeted(at=T0),
        QuestionAsked(
            at=at(1),
            kind=QuestionKind.CLOSED,
            text="Serial number?",
            answer="CN-4821-X",
            fact=Facts.ASSET_SERIAL,
        ),
    )


@pytest.mark.parametrize("script", [None, "default"])
def test_scripted_question_of_a_previous_call_makes_its_fact_known(
    script: str | None,
) -> None:
    yesterday = asked_serial(T0 - timedelta(days=1), script=script)
    findings = rules(asks_serial_again(), previous_calls=[yesterday])
    assert findings == ["redundant-question"]


def test_previous_call_on_another_script_is_not_read_with_this_one() -> None:
    yesterday = asked_serial(T0 - timedelta(days=1), script="printer-v1")
    assert rules(asks_serial_again(), previous_calls=[yesterday]) == []


def test_a_later_call_does_not_count_as_previous() -> None:
    tomorrow = asked_serial(T0 + timedelta(days=1))
    assert rules(asks_serial_again(), previous_calls=[tomorrow]) == []


# -- shared defaults are values ---------------------------------------------


def test_default_phases_cannot_be_changed_in_place() -> None:
    """A shared default is a value: no module can rewrite it for the others."""
    with pytest.raises(TypeError):
        DEFAULT_PHASES[Phase.GREETING] = DEFAULT_PHASES[Phase.CLOSURE]  # type: ignore[index]
    assert DEFAULT_SCRIPT.phases == tuple(DEFAULT_PHASES[p] for p in Phase)


# -- holds: each stated time frame -------------------------------------------


def test_each_stated_hold_time_that_runs_out_is_flagged() -> None:
    """A late check-in states a new time frame; letting that one run out is a new lapse."""
    two = timedelta(minutes=2)
    call = start().add(
        Greeted(at=T0),
        HoldStarted(at=at(1), reason="checking", time_frame=two),
        HoldCheckedIn(at=at(5), time_frame=two),
        HoldEnded(at=at(20), thanked=True),
    )
    overruns = [f for f in review(call, DEFAULT_SCRIPT) if f.rule == "hold-overrun"]
    assert [f.at for f in overruns] == [at(3), at(7)]


def test_an_overrun_frame_is_flagged_once() -> None:
    call = start().add(
        Greeted(at=T0),
        HoldStarted(at=at(1), reason="checking", time_frame=timedelta(minutes=2)),
        *(Muted(at=at(m), announced=True) for m in (5, 6, 7)),
        HoldEnded(at=at(20), thanked=True),
    )
    assert rules(call).count("hold-overrun") == 1
