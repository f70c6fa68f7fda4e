"""Call scripts: construction checks, skipping known facts, identity policies, loading."""

from __future__ import annotations

import json

import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import deskflow
from deskflow.errors import ValidationError
from deskflow.scripts import (
    DEFAULT_IDENTITY_POLICIES,
    DEFAULT_PHASES,
    DEFAULT_SCRIPT,
    CallScript,
    Facts,
    IdentityPolicy,
    Phase,
    QuestionKind,
    ScriptDefinitionError,
    ScriptPhase,
    ScriptStep,
    Sensitivity,
    StepKind,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    load_toml,
    script_from_json,
    script_from_toml,
)
from deskflow.serialization import configure_converter, from_dict, make_converter

from .strategies import scripts

PASSED = VerificationOutcome.PASSED


def say(id: str, **kw: object) -> ScriptStep:
    return ScriptStep(id=id, kind=StepKind.STATEMENT, text=f"say {id}", **kw)  # type: ignore[arg-type]


def one_phase(*steps: ScriptStep, **kw: object) -> CallScript:
    return CallScript(
        name="t",
        phases=(ScriptPhase(phase=Phase.GREETING, steps=steps),),
        **kw,  # type: ignore[arg-type]
    )


def test_default_script_has_every_phase_in_order() -> None:
    assert [p.phase for p in DEFAULT_SCRIPT.phases] == list(Phase)
    assert set(DEFAULT_PHASES) == set(Phase)
    assert all(DEFAULT_PHASES[p].steps for p in Phase)


def test_default_questions_say_why() -> None:
    for step in DEFAULT_SCRIPT.steps:
        assert step.why.strip(), step.id


def test_duplicate_step_id_refused() -> None:
    with pytest.raises(ScriptDefinitionError, match="used twice"):
        one_phase(say("a"), say("a"))


def test_dangling_next_refused() -> None:
    with pytest.raises(ScriptDefinitionError, match="unknown step 'zz'"):
        one_phase(say("a", next=("zz",)))


def test_unreachable_step_refused() -> None:
    with pytest.raises(ScriptDefinitionError, match="'b' is unreachable"):
        one_phase(say("a", next=("c",)), say("b"), say("c"))


def test_branches_make_steps_reachable() -> None:
    script = one_phase(say("a", next=("b", "c")), say("b", next=("c",)), say("c"))
    assert [s.id for s in script.steps] == ["a", "b", "c"]


def test_phases_out_of_order_refused() -> None:
    with pytest.raises(ScriptDefinitionError, match="call order"):
        CallScript(
            name="t",
            phases=(
                ScriptPhase(phase=Phase.CLOSURE, steps=(say("a"),)),
                ScriptPhase(phase=Phase.GREETING, steps=(say("b"),)),
            ),
        )


def test_sensitive_step_needs_a_policy() -> None:
    general = IdentityPolicy(name="g", sensitivity=Sensitivity.GENERAL)
    with pytest.raises(ScriptDefinitionError, match="no policy covers it"):
        one_phase(
            ScriptStep(
                id="reset",
                kind=StepKind.ACTION,
                text="reset password",
                sensitivity=Sensitivity.ACCOUNT,
            ),
            identity=(general,),
        )


def test_question_kind_only_on_questions() -> None:
    with pytest.raises(ValidationError, match="only a question"):
        ScriptStep(
            id="a", kind=StepKind.ACTION, text="x", question_kind=QuestionKind.OPEN
        )


def test_plan_skips_known_facts_but_not_confirming_questions() -> None:
    known = frozenset({Facts.ASSET_SERIAL, Facts.CUSTOMER_CONTACT})
    plan = [s.id for s in DEFAULT_SCRIPT.plan(known)]
    assert "ask-asset" not in plan
    assert "confirm-contact" in plan
    assert "ask-asset" in [s.id for s in DEFAULT_SCRIPT.plan()]


def test_skip_when_any_listed_fact_is_known() -> None:
    step = say("a", skip_when=("x.y",))
    assert step.is_skipped(frozenset({"x.y"}))
    assert not step.is_skipped(frozenset({"other"}))


def test_policy_two_of_three_optional() -> None:
    policy = DEFAULT_SCRIPT.policy_for(Sensitivity.ACCOUNT)
    assert policy is not None
    one = [
        VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=PASSED),
        VerificationRecord(method=Verifier.MANAGER_NAME, outcome=PASSED),
    ]
    assert not policy.is_satisfied_by(one)
    two = [*one, VerificationRecord(method=Verifier.OFFICE_LOCATION, outcome=PASSED)]
    assert policy.is_satisfied_by(two)
    failed = [
        *one,
        VerificationRecord(
            method=Verifier.OFFICE_LOCATION, outcome=VerificationOutcome.FAILED
        ),
    ]
    assert not policy.is_satisfied_by(failed)


def test_password_reset_needs_more_than_printer_question() -> None:
    general = DEFAULT_SCRIPT.policy_for(Sensitivity.GENERAL)
    account = DEFAULT_SCRIPT.policy_for(Sensitivity.ACCOUNT)
    assert general is not None
    assert account is not None
    records = [
        VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=PASSED),
        VerificationRecord(method=Verifier.MANAGER_NAME, outcome=PASSED),
    ]
    assert general.is_satisfied_by(records)
    assert not account.is_satisfied_by(records)


def test_policy_rules() -> None:
    with pytest.raises(ValidationError, match="min_optional"):
        IdentityPolicy(
            name="x",
            sensitivity=Sensitivity.GENERAL,
            optional=frozenset({Verifier.MANAGER_NAME}),
            min_optional=2,
        )
    with pytest.raises(ValidationError, match="not both"):
        IdentityPolicy(
            name="x",
            sensitivity=Sensitivity.GENERAL,
            required=frozenset({Verifier.MANAGER_NAME}),
            optional=frozenset({Verifier.MANAGER_NAME}),
        )


def test_verification_record_holds_no_answer() -> None:
    assert {a.name for a in VerificationRecord.__attrs_attrs__} == {"method", "outcome"}
    record = VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=PASSED)
    with pytest.raises(AttributeError):
        record.answer = "E-10234"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        VerificationRecord(method="E-10234", outcome=PASSED)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "converter",
    [make_converter(), configure_converter(cattrs.Converter())],
    ids=["package", "lenient-user-converter"],
)
def test_loading_a_record_with_an_answer_is_refused(
    converter: cattrs.Converter,
) -> None:
    data = {"method": "employee_number", "outcome": "passed", "answer": "E-10234"}
    with pytest.raises(ValidationError, match="never the customer's answers"):
        from_dict(data, VerificationRecord, converter=converter)


def test_script_round_trips_through_the_converter() -> None:
    data = deskflow.to_dict(DEFAULT_SCRIPT)
    json.dumps(data)
    assert deskflow.from_dict(data, CallScript) == DEFAULT_SCRIPT
    assert deskflow.loads(deskflow.dumps(DEFAULT_SCRIPT), CallScript) == DEFAULT_SCRIPT


def test_script_dump_is_stable() -> None:
    assert deskflow.dumps(DEFAULT_SCRIPT) == deskflow.dumps(
        deskflow.loads(deskflow.dumps(DEFAULT_SCRIPT), CallScript)
    )


def test_script_from_json_reports_definition_errors() -> None:
    data = deskflow.to_dict(DEFAULT_SCRIPT)
    data["phases"][0]["steps"][0]["next"] = ["nowhere"]
    with pytest.raises(ScriptDefinitionError, match="unknown step 'nowhere'"):
        script_from_json(json.dumps(data))


def test_script_from_json_names_bad_field() -> None:
    data = deskflow.to_dict(DEFAULT_SCRIPT)
    data["phases"][0]["steps"][0]["kind"] = "sing"
    with pytest.raises(ValidationError) as info:
        script_from_json(json.dumps(data))
    assert "phases" in info.value.path
    assert "kind" in info.value.path


TOML = """
name = "password-reset"

[[identity]]
name = "account"
sensitivity = "account"
required = ["employee_number"]
optional = ["manager_name", "office_location", "last_ticket_number"]
min_optional = 2

[[phases]]
phase = "greeting"

[[phases.steps]]
id = "greet"
kind = "statement"
text = "Service desk, Sam speaking. How can I help?"

[[phases.steps]]
id = "validate"
kind = "action"
text = "Validate identity"

[[phases]]
phase = "resolution"

[[phases.steps]]
id = "reset"
kind = "action"
text = "Reset the password"
why = "a new temporary password lets you sign in again"
sensitivity = "account"
"""


def test_script_from_toml() -> None:
    script = script_from_toml(TOML)
    assert script.step("reset").sensitivity is Sensitivity.ACCOUNT
    assert script.policy_for(Sensitivity.ACCOUNT) == DEFAULT_IDENTITY_POLICIES[1]
    assert from_dict(load_toml(TOML), CallScript) == script


def test_bad_toml_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="not valid TOML"):
        load_toml("name = ")


@given(
    st.sets(st.sampled_from(list(Verifier))), st.sets(st.sampled_from(list(Verifier)))
)
def test_policy_satisfied_iff_nothing_missing(
    required: set[Verifier], passed: set[Verifier]
) -> None:
    optional = set(Verifier) - required
    policy = IdentityPolicy(
        name="p",
        sensitivity=Sensitivity.GENERAL,
        required=frozenset(required),
        optional=frozenset(optional),
        min_optional=min(2, len(optional)),
    )
    records = [VerificationRecord(method=v, outcome=PASSED) for v in passed]
    expected = required <= passed and len(passed & optional) >= policy.min_optional
    assert policy.is_satisfied_by(records) is expected


@given(scripts())
def test_random_scripts_round_trip(script: CallScript) -> None:
    assert deskflow.loads(deskflow.dumps(script), CallScript) == script
    assert script_from_json(deskflow.dumps(script)) == script


@given(
    scripts(), st.sets(st.sampled_from(["asset.serial", "x.custom", "issue.resolved"]))
)
def test_plan_keeps_order_and_drops_only_skipped_steps(
    script: CallScript, known: set[str]
) -> None:
    plan = script.plan(frozenset(known))
    assert [s for s in script.steps if s in plan] == list(plan)
    for step in script.steps:
        assert (step in plan) is not step.is_skipped(frozenset(known))
