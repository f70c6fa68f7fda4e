"""Hypothesis strategies for recorded calls (test helpers)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import strategies as st

from deskflow.parties import Tier
from deskflow.scripts import (
    DEFAULT_IDENTITY_POLICIES,
    ArticleUsed,
    BriefingPart,
    Call,
    CallClosed,
    CallEvent,
    CallScript,
    ErrorNoted,
    Escalated,
    FactEstablished,
    Facts,
    Greeted,
    HoldCheckedIn,
    HoldEnded,
    HoldStarted,
    IdentityChecked,
    Muted,
    NextStepAgreed,
    Phase,
    QuestionAsked,
    QuestionKind,
    ScriptPhase,
    ScriptStep,
    Sensitivity,
    StatementMade,
    StepKind,
    StepTaken,
    SymptomNoted,
    Temperament,
    TemperamentObserved,
    Transferred,
    Unmuted,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
)
from deskflow.tickets import ArticleRef, ErrorMessage, Step, StepOutcome
from deskflow.tickets.values import EscalationKind

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

FACTS = st.sampled_from(
    [
        Facts.ASSET_SERIAL,
        Facts.CUSTOMER_CONTACT,
        Facts.ISSUE_RESOLVED,
        Facts.ISSUE_ERROR,
        "x.custom",
    ]
)
TEXT = st.text(alphabet="abc -", min_size=1, max_size=8).filter(str.strip)
ACTIONS = st.sampled_from(["restart", "Restart", "power-cycle", "clear queue"])
FRAMES = st.none() | st.integers(1, 600).map(lambda s: timedelta(seconds=s))
BRIEF = st.frozensets(st.sampled_from(list(BriefingPart)))


AT = st.just(T0)


def _event() -> st.SearchStrategy[Any]:
    return st.one_of(  # built once, at T0; events() moves each to its instant
        st.builds(Greeted, at=AT),
        st.builds(
            IdentityChecked,
            at=AT,
            records=st.lists(
                st.builds(
                    VerificationRecord,
                    method=st.sampled_from(list(Verifier)),
                    outcome=st.sampled_from(list(VerificationOutcome)),
                ),
                max_size=3,
            ).map(tuple),
        ),
        st.builds(
            QuestionAsked,
            at=AT,
            kind=st.sampled_from(list(QuestionKind)),
            text=TEXT,
            answer=st.sampled_from(["", "yes"]),
            fact=st.none() | FACTS,
        ),
        st.builds(FactEstablished, at=AT, fact=FACTS),
        st.builds(SymptomNoted, at=AT, text=TEXT),
        st.builds(ErrorNoted, at=AT, error=st.builds(ErrorMessage, text=TEXT)),
        st.builds(ArticleUsed, at=AT, article=st.builds(ArticleRef, article_id=TEXT)),
        st.builds(
            TemperamentObserved, at=AT, temperament=st.sampled_from(list(Temperament))
        ),
        st.builds(
            StepTaken,
            at=AT,
            step=st.builds(
                Step,
                action=ACTIONS,
                outcome=st.sampled_from(list(StepOutcome)),
                why=st.sampled_from(["", "because"]),
                by_customer=st.booleans(),
            ),
            explained=st.booleans(),
            sensitivity=st.sampled_from(list(Sensitivity)),
        ),
        st.builds(StatementMade, at=AT, text=TEXT),
        st.builds(
            HoldStarted, at=AT, reason=st.sampled_from(["", "check"]), time_frame=FRAMES
        ),
        st.builds(HoldCheckedIn, at=AT, time_frame=FRAMES),
        st.builds(HoldEnded, at=AT, thanked=st.booleans()),
        st.builds(Muted, at=AT, announced=st.booleans()),
        st.builds(Unmuted, at=AT),
        st.builds(
            Transferred,
            at=AT,
            to=TEXT,
            warm=st.booleans(),
            told=BRIEF,
            understood=st.booleans(),
            to_senior=st.booleans(),
        ),
        st.builds(
            Escalated,
            at=AT,
            to_group=TEXT,
            to_tier=st.none() | st.sampled_from(list(Tier)),
            kind=st.sampled_from(list(EscalationKind)),
            told=BRIEF,
            understood=st.booleans(),
        ),
        st.builds(NextStepAgreed, at=AT, text=TEXT),
    )


EVENT = _event()


@st.composite
def events(draw: st.DrawFn, max_size: int = 25) -> tuple[CallEvent, ...]:
    """Events with non-decreasing instants, optionally ending with a closure."""
    out: list[CallEvent] = []
    at = T0
    for _ in range(draw(st.integers(0, max_size))):
        at += timedelta(seconds=draw(st.integers(0, 400)))
        out.append(attrs.evolve(draw(EVENT), at=at))
    if draw(st.booleans()):
        at += timedelta(seconds=draw(st.integers(0, 60)))
        out.append(CallClosed(at=at))
    return tuple(out)


@st.composite
def calls(draw: st.DrawFn) -> Call:
    """A random recorded call starting at :data:`T0`."""
    return Call.start(id="c-h", at=T0, agent="a-1").add(*draw(events()))


@st.composite
def scripts(draw: st.DrawFn) -> CallScript:
    """A valid random script: phases in order, unique ids, every step reachable."""
    phases = sorted(
        draw(st.sets(st.sampled_from(list(Phase)), min_size=1)), key=list(Phase).index
    )
    counts = [draw(st.integers(1, 4)) for _ in phases]
    ids = [f"s{n}" for n in range(sum(counts))]
    steps: list[ScriptStep] = []
    for n, step_id in enumerate(ids):
        kind = draw(st.sampled_from(list(StepKind)))
        later = ids[n + 1 :]
        # Branches always include the following step, so nothing becomes unreachable.
        following = (
            (later[0], *draw(st.lists(st.sampled_from(later), max_size=2, unique=True)))
            if later and draw(st.booleans())
            else ()
        )
        steps.append(
            ScriptStep(
                id=step_id,
                kind=kind,
                text=draw(TEXT),
                question_kind=draw(st.sampled_from(list(QuestionKind)))
                if kind is StepKind.QUESTION
                else None,
                why=draw(st.sampled_from(["", "because"])),
                establishes=draw(st.none() | FACTS),
                skip_when=tuple(draw(st.lists(FACTS, max_size=2))),
                next=tuple(dict.fromkeys(following)),
                sensitivity=draw(st.sampled_from(list(Sensitivity))),
            )
        )
    out: list[ScriptPhase] = []
    start = 0
    for phase, count in zip(phases, counts, strict=True):
        out.append(ScriptPhase(phase=phase, steps=tuple(steps[start : start + count])))
        start += count
    return CallScript(
        name=draw(TEXT), phases=tuple(out), identity=DEFAULT_IDENTITY_POLICIES
    )


@st.composite
def sensitive_steps(
    draw: st.DrawFn,
    sensitive_ids: tuple[str, ...] = (),
    other_ids: tuple[str, ...] = (),
) -> StepTaken:
    """A step by the desk (not the customer) that needs account or privileged assurance.

    Either the event says so itself, or it names (``step_id``) one of
    ``sensitive_ids``, script steps marked sensitive.
    """
    step = st.builds(
        Step,
        action=ACTIONS,
        outcome=st.sampled_from(list(StepOutcome)),
        why=st.sampled_from(["", "because"]),
        by_customer=st.just(False),
    )
    own = st.builds(
        StepTaken,
        at=AT,
        step=step,
        explained=st.booleans(),
        sensitivity=st.sampled_from([Sensitivity.ACCOUNT, Sensitivity.PRIVILEGED]),
        step_id=st.none() | st.sampled_from(other_ids or ("none",)),
    )
    if not sensitive_ids:
        return draw(own)
    scripted = st.builds(
        StepTaken,
        at=AT,
        step=step,
        explained=st.booleans(),
        sensitivity=st.sampled_from(list(Sensitivity)),
        step_id=st.sampled_from(sensitive_ids),
    )
    return draw(own | scripted)
