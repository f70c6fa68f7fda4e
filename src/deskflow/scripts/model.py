"""Call scripts as data: phases, steps, facts and identity policies.

A :class:`CallScript` is what an agent follows on a call, in four phases
(greeting and validation; investigation and diagnosis; resolution; closure).
Each :class:`ScriptStep` is a question of a kind (closed, open, probing,
confirming), an action or a statement; it says *why* it is there, which fact
it establishes, and when it is skipped because the fact is already known (from
the ticket, its notes, or a previous call): the customer is never asked again
for what they already gave.

Identity validation is an :class:`IdentityPolicy`: required verifiers plus a
minimum number of optional ones, chosen by the :class:`Sensitivity` of what
the caller is about to do. Only the method and the outcome of each check are
kept (:class:`VerificationRecord`), never the customer's answers.

A script is checked when it is built (unique ids, no dangling ``next``
reference, every step reachable) and loads from JSON or TOML through the
package converter.

>>> script = DEFAULT_SCRIPT
>>> [p.phase.value for p in script.phases]
['greeting', 'investigation', 'resolution', 'closure']
>>> known = frozenset({Facts.CUSTOMER_NAME, Facts.ASSET_SERIAL})
>>> "ask-asset" in [s.id for s in script.plan(known)]
False
"""

from __future__ import annotations

import enum
import importlib
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from deskflow._validators import (
    instance_of,
    non_empty,
    optional_instance_of,
    to_tuple,
    tuple_of,
)
from deskflow.errors import DeskflowError, ValidationError

__all__ = [
    "DEFAULT_IDENTITY_POLICIES",
    "DEFAULT_PHASES",
    "DEFAULT_SCRIPT",
    "CallScript",
    "Facts",
    "IdentityPolicy",
    "Phase",
    "QuestionKind",
    "ScriptDefinitionError",
    "ScriptPhase",
    "ScriptStep",
    "Sensitivity",
    "StepKind",
    "TomlUnavailable",
    "VerificationOutcome",
    "VerificationRecord",
    "Verifier",
    "load_toml",
    "script_from_json",
    "script_from_toml",
]


class ScriptDefinitionError(ValidationError):
    """A call script is inconsistent (checked when it is built).

    >>> issubclass(ScriptDefinitionError, ValueError)
    True
    """


class TomlUnavailable(DeskflowError, ImportError):
    """TOML was asked for on a Python without ``tomllib`` and without ``tomli``.

    >>> issubclass(TomlUnavailable, ImportError)
    True
    """


class Phase(enum.Enum):
    """The phases of a call, in the order they happen.

    >>> [p.value for p in Phase]
    ['greeting', 'investigation', 'resolution', 'closure']
    """

    GREETING = "greeting"
    INVESTIGATION = "investigation"
    RESOLUTION = "resolution"
    CLOSURE = "closure"


class StepKind(enum.Enum):
    """What a script step asks the agent to do.

    >>> StepKind("question")
    <StepKind.QUESTION: 'question'>
    """

    QUESTION = "question"
    ACTION = "action"
    STATEMENT = "statement"


class QuestionKind(enum.Enum):
    """The kinds of question an agent asks.

    *Closed* questions take yes/no or a short fact; *open* ones let the
    customer describe; *probing* ones dig into a detail; *confirming* ones
    read back what is known (a call-back number, "is it working now?"), so
    they may repeat a known fact on purpose.

    >>> QuestionKind.CONFIRMING.value
    'confirming'
    """

    CLOSED = "closed"
    OPEN = "open"
    PROBING = "probing"
    CONFIRMING = "confirming"


class Sensitivity(enum.Enum):
    """How much identity assurance what the caller is about to do needs.

    ``GENERAL``: a question about a device or a service (a printer).
    ``ACCOUNT``: a change to the caller's account (a password reset, an unlock).
    ``PRIVILEGED``: access rights, another person's data, payments.

    >>> Sensitivity.ACCOUNT.rank > Sensitivity.GENERAL.rank
    True
    """

    GENERAL = "general"
    ACCOUNT = "account"
    PRIVILEGED = "privileged"

    @property
    def rank(self) -> int:
        """Order of assurance (general = 0).

        >>> Sensitivity.PRIVILEGED.rank
        2
        """
        return _SENSITIVITY_RANK[self]


_SENSITIVITY_RANK = {
    Sensitivity.GENERAL: 0,
    Sensitivity.ACCOUNT: 1,
    Sensitivity.PRIVILEGED: 2,
}


class Verifier(enum.Enum):
    """A method of checking who the caller is.

    >>> Verifier.EMPLOYEE_NUMBER.value
    'employee_number'
    """

    EMPLOYEE_NUMBER = "employee_number"
    MANAGER_NAME = "manager_name"
    OFFICE_LOCATION = "office_location"
    LAST_TICKET_NUMBER = "last_ticket_number"
    CALLBACK_TO_NUMBER_ON_FILE = "callback_to_number_on_file"
    ONE_TIME_CODE = "one_time_code"
    DATE_OF_BIRTH = "date_of_birth"
    CALLER_ID_MATCH = "caller_id_match"


class VerificationOutcome(enum.Enum):
    """What came of one identity check.

    >>> VerificationOutcome.PASSED.value
    'passed'
    """

    PASSED = "passed"
    FAILED = "failed"
    DECLINED = "declined"


@attrs.frozen(kw_only=True)
class VerificationRecord:
    """One identity check: the method and the outcome, *nothing else*.

    The customer's answer (the employee number they gave, their manager's
    name) is never stored. The type has no field that could hold it: both
    fields are enums, checked on construction, the class has slots (no
    attribute can be added), and the package converter refuses any extra
    key when a record is loaded, whichever converter settings you use.

    >>> VerificationRecord(method=Verifier.MANAGER_NAME, outcome=VerificationOutcome.PASSED)
    VerificationRecord(method=<Verifier.MANAGER_NAME: 'manager_name'>, outcome=<VerificationOutcome.PASSED: 'passed'>)
    >>> VerificationRecord(method="E-10234", outcome=VerificationOutcome.PASSED)
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: method: expected Verifier, got str
    """

    method: Verifier = attrs.field(validator=instance_of(Verifier))
    outcome: VerificationOutcome = attrs.field(
        validator=instance_of(VerificationOutcome)
    )


def _frozenset_of_verifiers(value: Any) -> Any:
    return frozenset(value) if isinstance(value, (list, tuple, set)) else value


def _check_verifiers(
    instance: Any, attribute: attrs.Attribute[Any], value: Any
) -> None:
    if not isinstance(value, frozenset):
        raise ValidationError(
            f"expected a set of verifiers, got {type(value).__name__}",
            path=attribute.name,
        )
    for item in value:
        if not isinstance(item, Verifier):
            raise ValidationError(
                f"expected Verifier, got {type(item).__name__}", path=attribute.name
            )


def _whole_number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # bool is an int to Python, but True is no count of verifiers.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            f"expected an int, got {type(value).__name__}", path=attribute.name
        )


@attrs.frozen(kw_only=True)
class IdentityPolicy:
    """Which checks prove the caller's identity for a given :class:`Sensitivity`.

    Every verifier in ``required`` must pass, and at least ``min_optional``
    of ``optional``.

    >>> policy = IdentityPolicy(name="account", sensitivity=Sensitivity.ACCOUNT,
    ...     required=frozenset({Verifier.EMPLOYEE_NUMBER}),
    ...     optional=frozenset({Verifier.MANAGER_NAME, Verifier.OFFICE_LOCATION,
    ...                         Verifier.LAST_TICKET_NUMBER}),
    ...     min_optional=2)
    >>> passed = VerificationOutcome.PASSED
    >>> policy.is_satisfied_by([
    ...     VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=passed),
    ...     VerificationRecord(method=Verifier.MANAGER_NAME, outcome=passed)])
    False
    >>> policy.missing([VerificationRecord(method=Verifier.EMPLOYEE_NUMBER, outcome=passed)])
    ('2 of last_ticket_number, manager_name, office_location',)
    """

    name: str = attrs.field(validator=non_empty)
    sensitivity: Sensitivity = attrs.field(validator=instance_of(Sensitivity))
    required: frozenset[Verifier] = attrs.field(
        default=frozenset(),
        converter=_frozenset_of_verifiers,
        validator=_check_verifiers,
    )
    optional: frozenset[Verifier] = attrs.field(
        default=frozenset(),
        converter=_frozenset_of_verifiers,
        validator=_check_verifiers,
    )
    min_optional: int = attrs.field(default=0, validator=_whole_number)

    def __attrs_post_init__(self) -> None:
        if self.required & self.optional:
            both = ", ".join(sorted(v.value for v in self.required & self.optional))
            raise ValidationError(
                f"a verifier is either required or optional, not both: {both}",
                path="optional",
            )
        if not 0 <= self.min_optional <= len(self.optional):
            raise ValidationError(
                f"min_optional must be between 0 and {len(self.optional)} "
                "(the number of optional verifiers)",
                path="min_optional",
            )

    def missing(self, records: Iterable[VerificationRecord]) -> tuple[str, ...]:
        """What the passed checks in ``records`` still lack, as readable parts.

        >>> IdentityPolicy(name="open", sensitivity=Sensitivity.GENERAL).missing([])
        ()
        """
        passed = {r.method for r in records if r.outcome is VerificationOutcome.PASSED}
        out = [v.value for v in sorted(self.required - passed, key=lambda v: v.value)]
        short = self.min_optional - len(passed & self.optional)
        if short > 0:
            names = ", ".join(sorted(v.value for v in self.optional - passed))
            out.append(f"{short} of {names}")
        return tuple(out)

    def is_satisfied_by(self, records: Iterable[VerificationRecord]) -> bool:
        """True when the passed checks in ``records`` meet this policy.

        >>> IdentityPolicy(name="open", sensitivity=Sensitivity.GENERAL).is_satisfied_by([])
        True
        """
        return not self.missing(records)


class Facts:
    """Names of the facts deskflow derives from a ticket (facts are plain strings).

    A host may use any other name for its own facts (``"vpn.client_version"``).

    >>> Facts.CUSTOMER_CONTACT
    'customer.contact'
    """

    CUSTOMER_NAME: ClassVar[str] = "customer.name"
    CUSTOMER_CONTACT: ClassVar[str] = "customer.contact"
    CUSTOMER_MANAGER: ClassVar[str] = "customer.manager"
    CUSTOMER_ORGANISATION: ClassVar[str] = "customer.organisation"
    ASSET_SERIAL: ClassVar[str] = "asset.serial"
    ASSET_MODEL: ClassVar[str] = "asset.model"
    ASSET_LOCATION: ClassVar[str] = "asset.location"
    ISSUE_SUMMARY: ClassVar[str] = "issue.summary"
    ISSUE_SYMPTOMS: ClassVar[str] = "issue.symptoms"
    ISSUE_ERROR: ClassVar[str] = "issue.error_message"
    ISSUE_STEPS_TRIED: ClassVar[str] = "issue.steps_tried"
    BUSINESS_CONTEXT: ClassVar[str] = "business.context"
    ISSUE_RESOLVED: ClassVar[str] = "issue.resolved"
    NEXT_STEPS_UNDERSTOOD: ClassVar[str] = "next_steps.understood"


def _str_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, frozenset, set)) else value


@attrs.frozen(kw_only=True)
class ScriptStep:
    """One step of a script: a question, an action or a statement.

    ``why`` is what the agent can tell the customer about the direction taken.
    ``establishes`` names the fact the step gives; the step is skipped when
    that fact is already known (unless it is a *confirming* question, whose
    purpose is to read a known fact back) or when any fact in ``skip_when``
    is known. ``next`` lists the step ids that may follow (branches); empty
    means the next step in the script. ``sensitivity`` marks an action that
    needs the identity policy of that level first.

    >>> ask = ScriptStep(id="ask-error", kind=StepKind.QUESTION,
    ...     question_kind=QuestionKind.PROBING, text="What does the message say, exactly?",
    ...     why="the exact code points to the fault", establishes="issue.error_message")
    >>> ask.is_skipped(frozenset({"issue.error_message"}))
    True
    >>> ScriptStep(id="x", kind=StepKind.QUESTION, text="?")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: question_kind: a question step needs a question_kind
    """

    id: str = attrs.field(validator=non_empty)
    kind: StepKind = attrs.field(validator=instance_of(StepKind))
    text: str = attrs.field(validator=non_empty)
    question_kind: QuestionKind | None = attrs.field(
        default=None, validator=optional_instance_of(QuestionKind)
    )
    why: str = attrs.field(default="", validator=instance_of(str))
    establishes: str | None = attrs.field(
        default=None, validator=optional_instance_of(str)
    )
    skip_when: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )
    next: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )
    sensitivity: Sensitivity = attrs.field(
        default=Sensitivity.GENERAL, validator=instance_of(Sensitivity)
    )

    def __attrs_post_init__(self) -> None:
        if self.kind is StepKind.QUESTION and self.question_kind is None:
            raise ValidationError(
                "a question step needs a question_kind", path="question_kind"
            )
        if self.kind is not StepKind.QUESTION and self.question_kind is not None:
            raise ValidationError(
                f"only a question has a question_kind, this step is a {self.kind.value}",
                path="question_kind",
            )
        if self.establishes is not None and not self.establishes.strip():
            raise ValidationError("must not be blank; use null", path="establishes")

    def is_skipped(self, known: frozenset[str]) -> bool:
        """True when the facts already ``known`` make this step unnecessary.

        >>> confirm = ScriptStep(id="c", kind=StepKind.QUESTION,
        ...     question_kind=QuestionKind.CONFIRMING, text="Still on +32 2 555 0101?",
        ...     establishes="customer.contact")
        >>> confirm.is_skipped(frozenset({"customer.contact"}))
        False
        """
        if any(fact in known for fact in self.skip_when):
            return True
        return (
            self.establishes is not None
            and self.establishes in known
            and self.question_kind is not QuestionKind.CONFIRMING
        )


@attrs.frozen(kw_only=True)
class ScriptPhase:
    """The steps of one phase, in the order they are normally taken.

    >>> ScriptPhase(phase=Phase.CLOSURE, steps=()).phase.value
    'closure'
    """

    phase: Phase = attrs.field(validator=instance_of(Phase))
    steps: tuple[ScriptStep, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ScriptStep)
    )


@attrs.frozen(kw_only=True)
class CallScript:
    """A whole call script: phases of steps and the identity policies.

    Checked when built: phases in call order and each at most once, step ids
    unique, every ``next`` pointing at a step of the script, every step
    reachable from the first one, one identity policy per sensitivity at most,
    and a policy for every sensitivity a step uses.

    >>> greet = ScriptStep(id="greet", kind=StepKind.STATEMENT, text="Hello",
    ...     next=("close",))
    >>> lost = ScriptStep(id="lost", kind=StepKind.STATEMENT, text="never said")
    >>> close = ScriptStep(id="close", kind=StepKind.STATEMENT, text="Bye")
    >>> CallScript(name="tiny", phases=(
    ...     ScriptPhase(phase=Phase.GREETING, steps=(greet, lost)),
    ...     ScriptPhase(phase=Phase.CLOSURE, steps=(close,))))
    Traceback (most recent call last):
    ...
    deskflow.scripts.model.ScriptDefinitionError: phases: step 'lost' is unreachable from 'greet'
    """

    name: str = attrs.field(validator=non_empty)
    phases: tuple[ScriptPhase, ...] = attrs.field(
        converter=to_tuple, validator=tuple_of(ScriptPhase)
    )
    identity: tuple[IdentityPolicy, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(IdentityPolicy)
    )
    description: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        _check_script(self)

    @property
    def steps(self) -> tuple[ScriptStep, ...]:
        """Every step, phase by phase.

        >>> DEFAULT_SCRIPT.steps[0].id
        'greet'
        """
        return tuple(step for phase in self.phases for step in phase.steps)

    def step(self, step_id: str) -> ScriptStep:
        """The step with this id.

        >>> DEFAULT_SCRIPT.step("confirm-resolved").question_kind
        <QuestionKind.CONFIRMING: 'confirming'>
        >>> DEFAULT_SCRIPT.step("nope")
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: step_id: no step 'nope' in script 'default'
        """
        for step in self.steps:
            if step.id == step_id:
                return step
        raise ValidationError(
            f"no step {step_id!r} in script {self.name!r}", path="step_id"
        )

    def phase_of(self, step_id: str) -> Phase:
        """The phase a step belongs to.

        >>> DEFAULT_SCRIPT.phase_of("confirm-resolved")
        <Phase.CLOSURE: 'closure'>
        """
        for phase in self.phases:
            if any(step.id == step_id for step in phase.steps):
                return phase.phase
        raise ValidationError(
            f"no step {step_id!r} in script {self.name!r}", path="step_id"
        )

    def policy_for(self, sensitivity: Sensitivity) -> IdentityPolicy | None:
        """The identity policy for ``sensitivity``; else the nearest stricter one; else ``None``.

        A lower level's policy never stands in for a higher one: a password
        reset is not covered by the policy for printer questions.

        >>> DEFAULT_SCRIPT.policy_for(Sensitivity.ACCOUNT).min_optional
        2
        """
        if not isinstance(sensitivity, Sensitivity):
            raise ValidationError(
                f"expected Sensitivity, got {type(sensitivity).__name__}",
                path="sensitivity",
            )
        best: IdentityPolicy | None = None
        for policy in self.identity:
            if policy.sensitivity.rank >= sensitivity.rank and (
                best is None or policy.sensitivity.rank < best.sensitivity.rank
            ):
                best = policy
        return best

    def plan(self, known: frozenset[str] = frozenset()) -> tuple[ScriptStep, ...]:
        """The steps to take, in order, leaving out those the ``known`` facts make unnecessary.

        >>> [s.id for s in DEFAULT_SCRIPT.plan()][:3]
        ['greet', 'ask-name', 'validate-identity']
        """
        if isinstance(known, str):
            # "in" would then match substrings and skip the wrong steps.
            raise ValidationError(
                "expected a set of fact names, got a single string; "
                "pass frozenset({...})",
                path="known",
            )
        return tuple(step for step in self.steps if not step.is_skipped(known))


def _check_script(script: CallScript) -> None:
    if not script.phases:
        raise ScriptDefinitionError("a script needs at least one phase", path="phases")
    order = [p.phase for p in script.phases]
    if len(set(order)) != len(order):
        raise ScriptDefinitionError("each phase may appear once", path="phases")
    if order != sorted(order, key=list(Phase).index):
        raise ScriptDefinitionError(
            "phases must follow the call order: " + ", ".join(p.value for p in Phase),
            path="phases",
        )
    steps = script.steps
    if not steps:
        raise ScriptDefinitionError("a script needs at least one step", path="phases")
    ids: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.id in ids:
            raise ScriptDefinitionError(
                f"step id {step.id!r} is used twice", path="phases"
            )
        ids[step.id] = index
    for step in steps:
        for target in step.next:
            if target not in ids:
                raise ScriptDefinitionError(
                    f"step {step.id!r} points to unknown step {target!r}", path="phases"
                )
    seen = {steps[0].id}
    todo = [0]
    while todo:
        index = todo.pop()
        step = steps[index]
        targets = (
            [ids[t] for t in step.next]
            if step.next
            else ([index + 1] if index + 1 < len(steps) else [])
        )
        for follower in targets:
            if steps[follower].id not in seen:
                seen.add(steps[follower].id)
                todo.append(follower)
    for step in steps:
        if step.id not in seen:
            raise ScriptDefinitionError(
                f"step {step.id!r} is unreachable from {steps[0].id!r}", path="phases"
            )
    levels = [p.sensitivity for p in script.identity]
    if len(set(levels)) != len(levels):
        raise ScriptDefinitionError(
            "one identity policy per sensitivity", path="identity"
        )
    for step in steps:
        if step.sensitivity.rank > 0 and script.policy_for(step.sensitivity) is None:
            raise ScriptDefinitionError(
                f"step {step.id!r} needs {step.sensitivity.value} identity "
                "assurance but no policy covers it",
                path="identity",
            )


# -- loading -----------------------------------------------------------------


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML text with ``tomllib`` (Python 3.11+) or ``tomli`` (3.10).

    Raises :class:`TomlUnavailable` on Python 3.10 without ``tomli``, and
    :class:`~deskflow.errors.ValidationError` for malformed TOML or for
    anything but a ``str`` (decode bytes as UTF-8 first).

    >>> load_toml('name = "x"')
    {'name': 'x'}
    >>> load_toml('name = ')
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: $: not valid TOML: Invalid value (at end of document)
    """
    if not isinstance(text, str):
        # tomllib takes only str; bytes (a file opened in binary mode) would
        # raise a bare TypeError from inside it.
        hint = "; decode it as UTF-8 first" if isinstance(text, bytes) else ""
        raise ValidationError(
            f"expected TOML text (str), got {type(text).__name__}{hint}", path="text"
        )
    toml_module = _toml_module()
    try:
        data: dict[str, Any] = toml_module.loads(text)
    except toml_module.TOMLDecodeError as exc:
        raise ValidationError(f"not valid TOML: {exc}", path="$") from exc
    return data


def _toml_module() -> Any:
    # Imported lazily and by name: tomllib is stdlib from 3.11, tomli is its
    # backport for 3.10 and not a dependency of deskflow.
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise TomlUnavailable(
        "reading TOML needs Python 3.11+ or the 'tomli' package "
        "(pip install tomli); or parse the text yourself and pass the "
        "dict to deskflow.from_dict"
    )


def script_from_toml(text: str) -> CallScript:
    """Load a :class:`CallScript` from TOML text.

    >>> script = script_from_toml('''
    ... name = "printer"
    ... [[phases]]
    ... phase = "greeting"
    ... [[phases.steps]]
    ... id = "greet"
    ... kind = "statement"
    ... text = "Service desk, Sam speaking. How can I help?"
    ... ''')
    >>> script.steps[0].kind
    <StepKind.STATEMENT: 'statement'>
    """
    return _from_mapping(load_toml(text))


def script_from_json(text: str | bytes) -> CallScript:
    """Load a :class:`CallScript` from JSON text.

    >>> script_from_json('{"name": "x", "phases": []}')
    Traceback (most recent call last):
    ...
    deskflow.scripts.model.ScriptDefinitionError: phases: a script needs at least one phase
    >>> script_from_json('[]')
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: $: a script is an object, got list; expected an object with 'name' and 'phases'
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"not valid JSON: {exc}", path="$") from exc
    return _from_mapping(data)


def _from_mapping(data: Mapping[str, Any]) -> CallScript:
    from deskflow.serialization import from_dict

    if not isinstance(data, Mapping):
        # A JSON document may be a list, a string or a number; dict() would
        # raise a bare TypeError or ValueError, or read pairs as fields.
        raise ValidationError(
            f"a script is an object, got {type(data).__name__}; expected an object "
            "with 'name' and 'phases'",
            path="$",
        )
    try:
        return from_dict(dict(data), CallScript)
    except ValidationError as exc:
        # The converter wraps the script's own definition error; surface it as is.
        cause = exc.__cause__
        while cause is not None:
            if isinstance(cause, ScriptDefinitionError):
                raise cause from None
            inner = getattr(cause, "exceptions", ())
            found = [e for e in inner if isinstance(e, ScriptDefinitionError)]
            if found:
                raise found[0] from None
            cause = cause.__cause__
        raise


# -- defaults ----------------------------------------------------------------


def _q(
    id: str,
    kind: QuestionKind,
    text: str,
    *,
    why: str = "",
    establishes: str | None = None,
    skip_when: tuple[str, ...] = (),
) -> ScriptStep:
    return ScriptStep(
        id=id,
        kind=StepKind.QUESTION,
        question_kind=kind,
        text=text,
        why=why,
        establishes=establishes,
        skip_when=skip_when,
    )


def _do(
    id: str, text: str, *, why: str = "", sensitivity: Sensitivity = Sensitivity.GENERAL
) -> ScriptStep:
    return ScriptStep(
        id=id, kind=StepKind.ACTION, text=text, why=why, sensitivity=sensitivity
    )


def _say(id: str, text: str, *, why: str = "") -> ScriptStep:
    return ScriptStep(id=id, kind=StepKind.STATEMENT, text=text, why=why)


DEFAULT_IDENTITY_POLICIES: tuple[IdentityPolicy, ...] = (
    IdentityPolicy(
        name="general",
        sensitivity=Sensitivity.GENERAL,
        required=frozenset({Verifier.EMPLOYEE_NUMBER}),
        optional=frozenset({Verifier.MANAGER_NAME, Verifier.OFFICE_LOCATION}),
        min_optional=1,
    ),
    IdentityPolicy(
        name="account",
        sensitivity=Sensitivity.ACCOUNT,
        required=frozenset({Verifier.EMPLOYEE_NUMBER}),
        optional=frozenset(
            {
                Verifier.MANAGER_NAME,
                Verifier.OFFICE_LOCATION,
                Verifier.LAST_TICKET_NUMBER,
            }
        ),
        min_optional=2,
    ),
    IdentityPolicy(
        name="privileged",
        sensitivity=Sensitivity.PRIVILEGED,
        required=frozenset({Verifier.EMPLOYEE_NUMBER, Verifier.ONE_TIME_CODE}),
        optional=frozenset(
            {
                Verifier.MANAGER_NAME,
                Verifier.OFFICE_LOCATION,
                Verifier.LAST_TICKET_NUMBER,
            }
        ),
        min_optional=1,
    ),
)
"""Identity policies by sensitivity: a printer question needs less than a password reset."""

# Read-only: a module-level dict could be rewritten by any importer, for all.
DEFAULT_PHASES: Mapping[Phase, ScriptPhase] = MappingProxyType(
    {
        Phase.GREETING: ScriptPhase(
            phase=Phase.GREETING,
            steps=(
                _say(
                    "greet",
                    "Thank you for calling the service desk, this is <agent>. How can I help?",
                    why="the caller knows at once they reached the right place and who helps them",
                ),
                _q(
                    "ask-name",
                    QuestionKind.CLOSED,
                    "May I have your name, please?",
                    establishes=Facts.CUSTOMER_NAME,
                    why="to find your record and previous cases",
                ),
                _do(
                    "validate-identity",
                    "Validate identity with the policy for what the caller needs",
                    why="we protect your account: we check who we speak with before changing anything",
                ),
                _q(
                    "confirm-contact",
                    QuestionKind.CONFIRMING,
                    "Can I still reach you on <number on file> if we get cut off?",
                    establishes=Facts.CUSTOMER_CONTACT,
                    why="so we can call you back if the line drops",
                ),
            ),
        ),
        Phase.INVESTIGATION: ScriptPhase(
            phase=Phase.INVESTIGATION,
            steps=(
                _q(
                    "describe-issue",
                    QuestionKind.OPEN,
                    "What is happening, in your own words?",
                    establishes=Facts.ISSUE_SYMPTOMS,
                    why="your description points us to the right area",
                ),
                _q(
                    "ask-asset",
                    QuestionKind.CLOSED,
                    "Which device is it? The label under it shows a serial number.",
                    establishes=Facts.ASSET_SERIAL,
                    why="the serial tells us the model and its history",
                ),
                _q(
                    "ask-error",
                    QuestionKind.PROBING,
                    "Does a message appear? Please read it to me exactly.",
                    establishes=Facts.ISSUE_ERROR,
                    why="the exact code points to the fault",
                ),
                _q(
                    "ask-tried",
                    QuestionKind.PROBING,
                    "What have you tried already?",
                    establishes=Facts.ISSUE_STEPS_TRIED,
                    why="so I do not ask you to repeat what you did",
                ),
                _q(
                    "ask-context",
                    QuestionKind.PROBING,
                    "Is there a deadline, or anything confidential involved?",
                    establishes=Facts.BUSINESS_CONTEXT,
                    why="context changes how fast and how we must help",
                ),
                _q(
                    "confirm-understanding",
                    QuestionKind.CONFIRMING,
                    "So, <summary>. Did I get that right?",
                    why="we agree on the problem before working on it",
                ),
            ),
        ),
        Phase.RESOLUTION: ScriptPhase(
            phase=Phase.RESOLUTION,
            steps=(
                _do(
                    "search-knowledge",
                    "Search the knowledge base and standard procedures",
                    why="a known fix is the fastest safe fix",
                ),
                _say(
                    "estimate",
                    "Tell the customer the plan and how long it should take",
                    why="the customer knows what will happen and for how long",
                ),
                _do(
                    "apply-fix",
                    "Apply the fix, explaining each step and why",
                    why="each step is chosen to rule out one cause",
                ),
                _q(
                    "verify-fix",
                    QuestionKind.CLOSED,
                    "Can you try again now: does it work?",
                    why="a fix counts once it is seen working",
                ),
            ),
        ),
        Phase.CLOSURE: ScriptPhase(
            phase=Phase.CLOSURE,
            steps=(
                _q(
                    "confirm-resolved",
                    QuestionKind.CONFIRMING,
                    "Is the issue resolved for you?",
                    establishes=Facts.ISSUE_RESOLVED,
                    why="we close only what you agree is fixed",
                ),
                _do(
                    "update-ticket",
                    "Update the ticket with the call summary",
                    why="the next person continues without asking you again",
                ),
                _say(
                    "close",
                    "Your ticket number is <reference>. Anything else I can help with? Thank you for calling.",
                    why="you can quote the number if the issue comes back",
                ),
            ),
        ),
    }
)
"""A default script for each phase, following common service-desk practice (read-only)."""

DEFAULT_SCRIPT = CallScript(
    name="default",
    description="Greeting and validation, investigation, resolution and closure.",
    phases=tuple(DEFAULT_PHASES[p] for p in Phase),
    identity=DEFAULT_IDENTITY_POLICIES,
)
"""The four default phases and identity policies in one script."""
