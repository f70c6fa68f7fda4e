"""Lifecycle definition checks, built-in guards and the default lifecycles' rules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deskflow import Customer, Handoff, Incident, ServiceRequest, Status
from deskflow.errors import (
    IncompleteHandoff,
    InvalidTransition,
    LifecycleDefinitionError,
    NaiveDatetimeError,
    TimeOrderError,
    ValidationError,
)
from deskflow.tickets import HoldReason, Lifecycle, Note, Step, StepOutcome, Transition
from deskflow.tickets import commands as cmd
from deskflow.tickets.lifecycle import RequireFields, RequireNote, incident_lifecycle
from deskflow.tickets.notes import NoteKind

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
S = Status


def incident() -> Incident:
    return Incident.open(
        summary="Printer offline",
        customer=Customer(id="c-1", name="Alice"),
        at=T0,
        actor="a",
    ).start_work(at=T0, actor="a")


def resolved() -> Incident:
    return incident().resolve(resolution="new cable", articles=(), at=T0, actor="a")


def make(**kw: object) -> Lifecycle:
    base: dict[str, object] = {
        "name": "x",
        "initial": S.NEW,
        "terminal": {S.CLOSED},
        "transitions": (Transition(command="close", sources={S.NEW}, target=S.CLOSED),),
    }
    base.update(kw)
    return Lifecycle(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "path", "words"),
    [
        (
            {
                "transitions": (
                    Transition(command="fly", sources={S.NEW}, target=S.CLOSED),
                )
            },
            "transitions[0].command",
            "unknown command",
        ),
        (
            {
                "transitions": (
                    Transition(command="close", sources={S.NEW}, target=S.CLOSED),
                    Transition(command="reopen", sources={S.CLOSED}, target=S.NEW),
                )
            },
            "transitions[1]",
            "cannot be left",
        ),
        (
            {
                "transitions": (
                    Transition(command="close", sources={S.NEW}, target=S.CLOSED),
                    Transition(
                        command="resume", sources={S.ON_HOLD}, target=S.IN_PROGRESS
                    ),
                )
            },
            "transitions",
            "unreachable",
        ),
        (
            {
                "transitions": (
                    Transition(command="close", sources={S.NEW}, target=S.CLOSED),
                    Transition(command="close", sources={S.NEW}, target=S.CLOSED),
                )
            },
            "transitions[1]",
            "defined twice",
        ),
        ({"terminal": {S.NEW, S.CLOSED}}, "initial", "cannot be terminal"),
    ],
    ids=[
        "unknown command",
        "terminal exit",
        "unreachable state",
        "duplicate",
        "initial terminal",
    ],
)
def test_definition_checks(kw: dict[str, object], path: str, words: str) -> None:
    with pytest.raises(LifecycleDefinitionError, match=words) as info:
        make(**kw)
    assert info.value.path == path


def test_require_fields_fires_when_empty_and_is_silent_when_given() -> None:
    guard = RequireFields(fields=("reason",))
    assert guard.check(None, cmd.Route(group="g"), T0) is not None
    assert guard.check(None, cmd.Route(group="g", reason="skills"), T0) is None


def test_require_note_fires_without_the_kind_and_is_silent_with_it() -> None:
    guard = RequireNote(kind=NoteKind.RESOLUTION)
    note = Note(author="a", at=T0, text="fixed", kind=NoteKind.RESOLUTION)
    assert guard.check(None, cmd.Resolve(resolution="x", articles=()), T0) is not None
    assert (
        guard.check(None, cmd.Resolve(resolution="x", articles=(), note=note), T0)
        is None
    )


def test_require_handoff_refuses_incomplete_and_accepts_complete() -> None:
    t = incident()
    with pytest.raises(IncompleteHandoff) as info:
        t.escalate(
            to_tier=t.tier, reason="admin rights", handoff=Handoff(), at=T0, actor="a"
        )
    assert "verified contact details" in info.value.missing
    full = Handoff(
        contact_verified=True,
        contact="+32 2 555 0101",
        steps_taken=(Step(action="reboot", outcome=StepOutcome.FAILED),),
        no_error_shown=True,
        no_article_applies=True,
    )
    assert (
        t.escalate(
            to_tier=t.tier, reason="admin rights", handoff=full, at=T0, actor="a"
        ).status
        is S.QUEUED
    )


def test_hold_must_end_later() -> None:
    t = incident()
    with pytest.raises(InvalidTransition, match="must be after"):
        t.put_on_hold(reason=HoldReason.AWAITING_VENDOR, until=T0, at=T0, actor="a")
    held = t.put_on_hold(
        reason=HoldReason.AWAITING_VENDOR,
        until=T0 + timedelta(hours=1),
        at=T0,
        actor="a",
    )
    assert held.status is S.ON_HOLD


def test_reopen_window() -> None:
    t = resolved()
    assert (
        t.reopen(reason="fails again", at=T0 + timedelta(days=14), actor="c-1").status
        is S.IN_PROGRESS
    )
    with pytest.raises(InvalidTransition, match="reopen window"):
        t.reopen(
            reason="fails again", at=T0 + timedelta(days=14, seconds=1), actor="c-1"
        )
    short = incident_lifecycle(reopen_window=timedelta(hours=1))
    with pytest.raises(InvalidTransition):
        t.reopen(reason="x", at=T0 + timedelta(hours=2), actor="c-1", lifecycle=short)


def test_close_after_confirmation_or_after_the_quiet_period() -> None:
    t = resolved()
    with pytest.raises(InvalidTransition, match="not confirmed"):
        t.close(at=T0, actor="a")
    assert t.confirm(at=T0).close(at=T0, actor="a").status is S.CLOSED
    with pytest.raises(InvalidTransition, match="automatic close is allowed from"):
        t.close(at=T0 + timedelta(days=6), actor="system", automatic=True)
    assert (
        t.close(at=T0 + timedelta(days=7), actor="system", automatic=True).status
        is S.CLOSED
    )


def test_customer_reply_resumes_a_hold_for_the_customer_but_not_for_a_vendor() -> None:
    later = T0 + timedelta(days=1)
    for reason, expected in [
        (HoldReason.AWAITING_CUSTOMER, S.IN_PROGRESS),
        (HoldReason.AWAITING_VENDOR, S.ON_HOLD),
    ]:
        held = incident().put_on_hold(reason=reason, until=later, at=T0, actor="a")
        replied = held.customer_reply("here is the error", at=T0 + timedelta(hours=1))
        assert replied.status is expected
    sr = ServiceRequest.open(
        summary="access", customer=Customer(id="c", name="C"), at=T0, actor="a"
    )
    sr = sr.start_work(at=T0, actor="a").put_on_hold(
        reason=HoldReason.AWAITING_APPROVAL, until=later, at=T0, actor="a"
    )
    assert sr.customer_reply("approved", at=T0).status is S.IN_PROGRESS


def test_priority_change_needs_a_justification() -> None:
    with pytest.raises(ValidationError) as info:
        cmd.ChangePriority(
            impact=incident().impact, urgency=incident().urgency, justification=""
        )
    assert info.value.path == "justification"


def test_naive_datetimes_are_refused_everywhere() -> None:
    naive = datetime(2026, 3, 2, 10)
    t = incident()
    with pytest.raises(NaiveDatetimeError):
        t.start_work(at=naive, actor="a")
    with pytest.raises(NaiveDatetimeError):
        Note(author="a", at=naive, text="x")
    with pytest.raises(NaiveDatetimeError):
        cmd.Hold(reason=HoldReason.AWAITING_VENDOR, until=naive)


def test_time_running_backwards_is_refused_and_changes_nothing() -> None:
    t = incident()
    with pytest.raises(TimeOrderError) as info:
        t.resolve(resolution="x", articles=(), at=T0 - timedelta(seconds=1), actor="a")
    assert info.value.path == "at"
    assert t.status is S.IN_PROGRESS
    assert t.version == 2
