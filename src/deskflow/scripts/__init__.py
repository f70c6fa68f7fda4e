"""Call scripts, recorded calls and call review: the customer-service side of the desk.

- scripts (``deskflow.scripts.model``): :class:`CallScript` (phases of steps,
  each with why it is asked and which fact it establishes), identity policies
  and :class:`VerificationRecord` (method and outcome only), loading from
  JSON/TOML, and ``DEFAULT_SCRIPT``.
- calls (``deskflow.scripts.calls``): the :class:`Call` as a frozen value of
  timestamped events, its ticket note, and helpers to open or update a ticket.
- review (``deskflow.scripts.rules``): :func:`review` and its rules,
  thresholds and findings.

Import every name from ``deskflow.scripts``.

>>> from datetime import datetime, timezone
>>> from deskflow.scripts import DEFAULT_SCRIPT, Call, Greeted, review
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> call = Call.start(id="c1", at=t0, agent="a-sam").add(Greeted(at=t0))
>>> review(call, DEFAULT_SCRIPT)
()
"""

from __future__ import annotations

import enum
from typing import Any

import cattrs

from deskflow.scripts.calls import (
    CALL_EVENT_TYPES,
    ArticleUsed,
    BriefingPart,
    Call,
    CallClosed,
    CallEvent,
    CallEventBase,
    ErrorNoted,
    Escalated,
    FactEstablished,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    NextStepAgreed,
    QuestionAsked,
    StatementMade,
    StepTaken,
    SymptomNoted,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
    open_ticket_from_call,
    record_on_ticket,
)
from deskflow.scripts.model import (
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
    TomlUnavailable,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    load_toml,
    script_from_json,
    script_from_toml,
)
from deskflow.scripts.rules import (
    DEFAULT_REVIEW_POLICY,
    RULES,
    Finding,
    ReviewPolicy,
    Rule,
    Severity,
    format_findings,
    known_facts,
    review,
    tried_actions,
)

__all__ = [
    "CALL_EVENT_TYPES",
    "DEFAULT_IDENTITY_POLICIES",
    "DEFAULT_PHASES",
    "DEFAULT_REVIEW_POLICY",
    "DEFAULT_SCRIPT",
    "RULES",
    "ArticleUsed",
    "BriefingPart",
    "Call",
    "CallClosed",
    "CallEvent",
    "CallEventBase",
    "CallScript",
    "ErrorNoted",
    "Escalated",
    "FactEstablished",
    "Facts",
    "Finding",
    "Greeted",
    "HoldCheckedIn",
    "HoldEnded",
    "HoldStarted",
    "IdentityChecked",
    "IdentityPolicy",
    "Muted",
    "NextStepAgreed",
    "Phase",
    "QuestionAsked",
    "QuestionKind",
    "ReviewPolicy",
    "Rule",
    "ScriptDefinitionError",
    "ScriptPhase",
    "ScriptStep",
    "Sensitivity",
    "Severity",
    "StatementMade",
    "StepKind",
    "StepTaken",
    "SymptomNoted",
    "Temperament",
    "TemperamentObserved",
    "TomlUnavailable",
    "Transferred",
    "Unmuted",
    "VerificationOutcome",
    "VerificationRecord",
    "Verifier",
    "format_findings",
    "known_facts",
    "load_toml",
    "open_ticket_from_call",
    "record_on_ticket",
    "review",
    "script_from_json",
    "script_from_toml",
    "tried_actions",
]


def _configure_converter(converter: cattrs.Converter) -> None:
    """Register the hooks call scripts and calls need (called by the package converter).

    Call events are a tagged union on ``type``; a :class:`VerificationRecord`
    refuses any key besides ``method`` and ``outcome`` whatever the
    converter's own ``forbid_extra_keys`` setting, so a stored answer can
    never slip in; sets are written as sorted lists so documents are stable.
    """
    from cattrs.strategies import configure_tagged_union

    def is_sorted_set(cls: Any) -> bool:
        return getattr(cls, "__origin__", None) is frozenset and cls.__args__[0] in (
            Verifier,
            BriefingPart,
            str,
        )

    def unstructure_set(value: frozenset[Any]) -> list[Any]:
        return sorted(v.value if isinstance(v, enum.Enum) else v for v in value)

    converter.register_unstructure_hook_func(is_sorted_set, unstructure_set)

    def structure_record(data: Any, _: type) -> VerificationRecord:
        if not isinstance(data, dict):
            raise TypeError(
                f"a verification record is an object, got {type(data).__name__}"
            )
        extra = sorted(set(data) - {"method", "outcome"})
        if extra:
            raise ValueError(
                "a verification record keeps only 'method' and 'outcome', never the "
                f"customer's answers; refused field(s): {', '.join(extra)}"
            )
        return VerificationRecord(
            method=converter.structure(data["method"], Verifier),
            outcome=converter.structure(data["outcome"], VerificationOutcome),
        )

    converter.register_structure_hook(VerificationRecord, structure_record)

    def tag(cls: Any) -> str:
        return str(cls.type)

    configure_tagged_union(CallEvent, converter, tag_generator=tag, tag_name="type")
