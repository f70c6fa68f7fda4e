"""Recorded calls: ordering, closure, facts, notes, tickets and round trips."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given

import deskflow
from deskflow import Customer, Incident
from deskflow._demo_calls import good_call, poor_call
from deskflow.errors import NaiveDatetimeError, TimeOrderError, ValidationError
from deskflow.scripts import (
    Call,
    CallClosed,
    FactEstablished,
    Greeted,
    HoldStarted,
    IdentityChecked,
    QuestionAsked,
    QuestionKind,
    StepTaken,
    Temperament,
    TemperamentObserved,
    VerificationOutcome,
    VerificationRecord,
    Verifier,
    open_ticket_from_call,
    record_on_ticket,
)
from deskflow.serialization import make_converter
from deskflow.tickets import NoteKind, Step, StepOutcome

from .strategies import calls

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def start() -> Call:
    return Call.start(id="c1", at=T0, agent="a-sam")


def test_add_returns_a_new_call() -> None:
    call = start()
    longer = call.add(Greeted(at=T0))
    assert call.events == ()
    assert len(longer.events) == 1


def test_events_must_not_go_back_in_time() -> None:
    call = start().add(Greeted(at=T0 + timedelta(minutes=1)))
    with pytest.raises(TimeOrderError) as info:
        call.add(Greeted(at=T0))
    assert info.value.path == "events[1].at"


def test_equal_instants_are_allowed() -> None:
    call = start().add(Greeted(at=T0), Greeted(at=T0))
    assert len(call.events) == 2


def test_naive_instants_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        Greeted(at=datetime(2026, 3, 2, 9, 0))
    with pytest.raises(NaiveDatetimeError):
        Call.start(id="c", at=datetime(2026, 3, 2, 9, 0), agent="a")


def test_nothing_after_closure() -> None:
    call = start().add(CallClosed(at=T0))
    assert call.ended
    with pytest.raises(ValidationError, match="closed"):
        call.add(Greeted(at=T0))


def test_hold_time_frame_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="positive"):
        HoldStarted(at=T0, reason="x", time_frame=timedelta(0))


def test_identity_check_keeps_method_and_outcome_only() -> None:
    event = IdentityChecked(
        at=T0,
        records=(
            VerificationRecord(
                method=Verifier.EMPLOYEE_NUMBER, outcome=VerificationOutcome.PASSED
            ),
        ),
    )
    data = deskflow.to_dict(start().add(event))
    assert data["events"][0]["records"] == [
        {"method": "employee_number", "outcome": "passed"}
    ]


def test_facts_and_temperament() -> None:
    call = start().add(
        QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="?", fact="a", answer=""),
        QuestionAsked(at=T0, kind=QuestionKind.OPEN, text="?", fact="b", answer="x"),
        FactEstablished(at=T0, fact="c"),
        TemperamentObserved(at=T0, temperament=Temperament.ANGRY),
        TemperamentObserved(at=T0, temperament=Temperament.CALM),
    )
    assert call.facts == frozenset({"b", "c"})
    assert call.temperament is Temperament.CALM


def test_note_is_a_structured_call_summary() -> None:
    note = good_call().to_note(author="a-sam")
    assert note.kind is NoteKind.CALL_SUMMARY
    assert note.symptoms == ("jobs stay queued", "printer panel shows Ready")
    assert [e.text for e in note.errors] == ["Printer offline (0x00000709)"]
    assert [s.action for s in note.steps] == [
        "checked cable and power",
        "power-cycled the printer",
        "cleared the print queue and restarted the spooler",
    ]
    assert all(s.why for s in note.steps)
    assert note.steps[0].by_customer
    assert [a.article_id for a in note.articles] == ["KB-0042"]
    assert note.next_steps == ("on-site check of the network port",)
    assert "employee_number passed" in note.text
    assert note.at == good_call().ended_at


def test_note_never_contains_identity_answers() -> None:
    text = deskflow.dumps(good_call())
    assert "E-" not in text
    assert "answer" not in json.dumps(deskflow.to_dict(good_call())["events"][2])


def test_open_ticket_from_call_and_record_on_ticket() -> None:
    call = good_call()
    customer = Customer(id="c-1", name="Alice")
    ticket, linked = open_ticket_from_call(
        call, summary="Printer", customer=customer, id="t-1"
    )
    assert isinstance(ticket, Incident)
    assert linked.ticket_id == "t-1"
    assert ticket.opened_at == call.started_at
    assert ticket.notes[-1].kind is NoteKind.CALL_SUMMARY
    again = record_on_ticket(ticket, call, author="a-sam")
    assert len(again.notes) == 2
    assert again.version == ticket.version + 1


def test_a_call_linked_to_one_ticket_is_not_recorded_on_another() -> None:
    customer = Customer(id="c-1", name="Alice")
    ticket, linked = open_ticket_from_call(
        good_call(), summary="Printer", customer=customer, id="t-1"
    )
    assert (
        record_on_ticket(ticket, linked, author="a-sam").version == ticket.version + 1
    )
    other = Incident.open(summary="Mail", customer=customer, at=T0, actor="a", id="t-2")
    with pytest.raises(ValidationError) as refused:
        record_on_ticket(other, linked, author="a-sam")
    assert refused.value.path == "call.ticket_id"
    assert "'t-1'" in str(refused.value)
    assert "'t-2'" in str(refused.value)
    with pytest.raises(ValidationError) as again:
        open_ticket_from_call(linked, summary="Printer", customer=customer, id="t-3")
    assert again.value.path == "call.ticket_id"
    assert "record_on_ticket" in str(again.value)


@pytest.mark.parametrize("which", ["call", "ticket"])
def test_record_on_ticket_names_what_is_not_a_call_or_a_ticket(which: str) -> None:
    ticket = Incident.open(
        summary="Mail", customer=Customer(id="c", name="A"), at=T0, actor="a"
    )
    args = {"ticket": ticket, "call": good_call(), which: "t-1"}
    with pytest.raises(ValidationError) as refused:
        record_on_ticket(args["ticket"], args["call"], author="a")  # type: ignore[arg-type]
    assert refused.value.path == which


def test_by_customer_steps_keep_their_flag_in_the_note() -> None:
    call = start().add(
        StepTaken(
            at=T0,
            step=Step(action="rebooted", outcome=StepOutcome.FAILED, by_customer=True),
        )
    )
    assert call.to_note(author="a").steps[0].by_customer


@pytest.mark.parametrize("call", [good_call(), poor_call()], ids=["good", "poor"])
def test_demo_calls_round_trip(call: Call) -> None:
    data = deskflow.to_dict(call)
    json.dumps(data)
    assert deskflow.from_dict(data, Call) == call
    assert deskflow.loads(deskflow.dumps(call), Call) == call
    conv = make_converter()
    assert (
        deskflow.from_dict(deskflow.to_dict(call, converter=conv), Call, converter=conv)
        == call
    )


def test_events_are_tagged_by_type() -> None:
    data = deskflow.to_dict(good_call())
    assert data["events"][0]["type"] == "greeted"
    assert {e["type"] for e in data["events"]} >= {"identity_checked", "escalated"}


def test_unknown_event_type_refused() -> None:
    data = deskflow.to_dict(start().add(Greeted(at=T0)))
    data["events"][0]["type"] = "sang"
    with pytest.raises(ValidationError):
        deskflow.from_dict(data, Call)


def test_out_of_order_document_refused() -> None:
    data = deskflow.to_dict(start().add(Greeted(at=T0 + timedelta(minutes=1))))
    data["started_at"] = (T0 + timedelta(minutes=2)).isoformat()
    with pytest.raises(ValidationError):
        deskflow.from_dict(data, Call)


@given(calls())
def test_random_calls_round_trip(call: Call) -> None:
    assert deskflow.loads(deskflow.dumps(call), Call) == call
