"""Bad input, silent fixes and timeline invariants at the edges of the ticket engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Incident, Problem, ServiceRequest, Ticket
from deskflow.errors import (
    DeskflowError,
    LifecycleDefinitionError,
    TimeOrderError,
    ValidationError,
)
from deskflow.parties import Tier
from deskflow.priority import Impact, Priority, Urgency
from deskflow.testing import strategies as ds
from deskflow.tickets import (
    Channel,
    Commitment,
    CommitmentKind,
    Handoff,
    HandoffPart,
    HoldReason,
    Lifecycle,
    LinkRelation,
    RequestType,
    Status,
    TicketKind,
    TicketLink,
    Transition,
)
from deskflow.tickets import commands as cmd
from deskflow.tickets import events as ev
from deskflow.tickets.lifecycle import (
    CloseAfterConfirmation,
    ReopenWindow,
    RequireFields,
    RequireHandoff,
    incident_lifecycle,
    problem_lifecycle,
    service_request_lifecycle,
)

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
ALICE = Customer(id="c-1", name="Alice")
SLOW = settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])


def incident(**kw: Any) -> Incident:
    return Incident.open(
        summary="Printer offline", customer=ALICE, at=T0, actor="a", **kw
    )


def working() -> Incident:
    return incident(id="i-1").start_work(at=T0, actor="a")


# -- the engine refuses what is not a command ---------------------------------


@pytest.mark.parametrize("command", ["start_work", None, 42, cmd.StartWork])
def test_handle_refuses_what_is_not_a_command(command: Any) -> None:
    with pytest.raises(ValidationError) as info:
        working().handle(command, at=T0, actor="a")
    assert info.value.path == "command"


# -- typed fields are checked where the user gives them -----------------------

_BAD_COMMANDS: list[tuple[str, Any]] = [
    (
        "reason",
        lambda: cmd.Hold(reason="awaiting_customer", until=T0 + timedelta(days=1)),
    ),
    ("to_tier", lambda: cmd.Escalate(to_tier="l2", reason="r", handoff=Handoff())),
    (
        "handoff",
        lambda: cmd.Escalate(to_tier=Tier.L2, reason="r", handoff=None),
    ),
    (
        "kind",
        lambda: cmd.Escalate(to_tier=Tier.L2, reason="r", handoff=Handoff(), kind="x"),
    ),
    ("relation", lambda: cmd.Link(relation="caused_by", other_id="p-1")),
    ("note", lambda: cmd.AddNote(note="called the customer")),
    ("note", lambda: cmd.CustomerReply(note=None)),
    ("tier", lambda: cmd.Route(group="desk", tier="l2")),
    ("tier", lambda: cmd.Assign(assignee="a-2", tier="l3")),
    (
        "impact",
        lambda: cmd.ChangePriority(impact="high", urgency=None, justification="j"),
    ),
    ("context", lambda: cmd.UpdateContext(context={"confidential": True})),
    ("known_error", lambda: cmd.RecordKnownError(known_error="driver bug")),
    ("kind", lambda: cmd.MakeCommitment(kind="call_back", due=T0)),
    ("kind", lambda: cmd.RecordConduct(description="shouted", kind="rude")),
    (
        "priority",
        lambda: cmd.ChangePriority(
            impact=Impact.HIGH, urgency=Urgency.HIGH, justification="j", priority="p1"
        ),
    ),
]


@pytest.mark.parametrize(("path", "build"), _BAD_COMMANDS)
def test_a_command_refuses_a_field_of_the_wrong_type(path: str, build: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == path


def test_a_hold_reason_given_as_text_does_not_silently_stop_auto_resume() -> None:
    # The reply must resume a hold awaiting the customer; with the reason as a
    # plain string the hold was accepted and the reply then never resumed it.
    with pytest.raises(ValidationError):
        working().handle(
            cmd.Hold(reason="awaiting_customer", until=T0 + timedelta(days=1)),  # type: ignore[arg-type]
            at=T0,
            actor="a",
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel", "phone"),
        ("tier", "l2"),
        ("priority", "p1"),
        ("context", "confidential"),
        ("asset", "laptop"),
    ],
)
def test_open_refuses_a_field_of_the_wrong_type(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        incident(**{field: value})
    assert info.value.path == field


def test_open_accepts_every_enum_member() -> None:
    for channel in Channel:
        for tier in Tier:
            t = incident(channel=channel, tier=tier, priority=Priority.CRITICAL)
            assert (t.channel, t.tier) == (channel, tier)


# -- silent fixes of bad input -------------------------------------------------


@pytest.mark.parametrize("field", ["id", "reference"])
def test_open_refuses_an_empty_id_or_reference_instead_of_inventing_one(
    field: str,
) -> None:
    with pytest.raises(ValidationError) as info:
        incident(**{field: ""})
    assert info.value.path == field


@pytest.mark.parametrize(
    ("cls", "kw", "path"),
    [
        (Problem, {"major": True}, "major"),
        (ServiceRequest, {"major": True}, "major"),
        (Incident, {"request_type": RequestType.ACCESS}, "request_type"),
        (Problem, {"request_type": RequestType.ACCESS}, "request_type"),
    ],
)
def test_open_refuses_a_field_the_kind_does_not_have(
    cls: type[Ticket], kw: dict[str, Any], path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        cls.open(summary="x", customer=ALICE, at=T0, actor="a", **kw)
    assert info.value.path == path


def test_the_fields_a_kind_has_are_still_accepted() -> None:
    assert incident(major=True).major
    sr = ServiceRequest.open(
        summary="x", customer=ALICE, at=T0, actor="a", request_type=RequestType.ACCESS
    )
    assert sr.request_type is RequestType.ACCESS
    assert not incident(major=False).major


@pytest.mark.parametrize("method", ["confirm", "customer_reply", "add_note"])
def test_an_empty_actor_is_refused_not_replaced(method: str) -> None:
    from deskflow.tickets import Note

    resolved = working().resolve(resolution="x", articles=(), at=T0, actor="a")
    calls = {
        "confirm": lambda: resolved.confirm(at=T0, actor=""),
        "customer_reply": lambda: resolved.customer_reply("thanks", at=T0, actor=""),
        "add_note": lambda: resolved.add_note(
            Note(author="a", at=T0, text="x"), actor=""
        ),
    }
    with pytest.raises(ValidationError) as info:
        calls[method]()
    assert info.value.path in {"actor", "author"}


# -- commitment ids ----------------------------------------------------------


@given(
    plan=st.lists(
        st.one_of(st.none(), st.builds("c{}".format, st.integers(1, 6))),
        min_size=1,
        max_size=8,
    )
)
def test_an_automatic_commitment_id_never_collides_with_a_chosen_one(
    plan: list[str | None],
) -> None:
    t: Ticket = working()
    for chosen in plan:
        command = cmd.MakeCommitment(
            kind=CommitmentKind.CALL_BACK, due=T0 + timedelta(hours=1), id=chosen
        )
        if chosen is not None and any(c.id == chosen for c in t.commitments):
            with pytest.raises(ValidationError):
                t.handle(command, at=T0, actor="a")
            continue
        t = t.handle(command, at=T0, actor="a")
        made = t.commitments[-1]
        if chosen is not None:
            assert made.id == chosen
    ids = [c.id for c in t.commitments]
    assert len(ids) == len(set(ids))


# -- from_events: a timeline is a timeline ------------------------------------


@pytest.mark.parametrize("kind", list(TicketKind))
@SLOW
@given(data=st.data())
def test_from_events_refuses_a_timeline_that_runs_backwards(
    kind: TicketKind, data: st.DataObject
) -> None:
    ticket = data.draw(ds.tickets(kind=kind, max_commands=10))
    back = data.draw(st.timedeltas(timedelta(microseconds=1), timedelta(days=400)))
    earlier = (ticket.updated_at.astimezone(UTC) - back).astimezone(
        ticket.updated_at.tzinfo
    )  # in real time: wall-clock arithmetic can land in a DST gap
    late = ev.WorkStarted(at=earlier, actor="a", status=None)
    with pytest.raises(TimeOrderError) as info:
        Ticket.from_events((*ticket.timeline, late))
    assert info.value.path == f"timeline[{ticket.version}]"
    # the same event at the last instant (or later) is a fact like any other
    same = attrs.evolve(late, at=ticket.updated_at)
    assert Ticket.from_events((*ticket.timeline, same)).version == ticket.version + 1


def test_from_events_compares_instants_not_wall_times_across_a_fold() -> None:
    from zoneinfo import ZoneInfo

    brussels = ZoneInfo("Europe/Brussels")
    first = datetime(2026, 10, 25, 2, 45, fold=0, tzinfo=brussels)  # 00:45 UTC
    later = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=brussels)  # 01:10 UTC
    t = Incident.open(summary="x", customer=ALICE, at=first, actor="a")
    t = t.start_work(at=later, actor="a")
    assert Ticket.from_events(t.timeline) == t


@pytest.mark.parametrize(
    "extra",
    [
        {"type": "work_started"},
        None,
        "opened",
    ],
)
def test_from_events_refuses_what_is_not_an_event(extra: Any) -> None:
    t = working()
    with pytest.raises(ValidationError) as info:
        Ticket.from_events((*t.timeline, extra))
    assert info.value.path == "timeline[2]"


def test_from_events_refuses_a_second_opening() -> None:
    t = working()
    with pytest.raises(ValidationError) as info:
        Ticket.from_events((*t.timeline, t.timeline[0]))
    assert info.value.path == "timeline[2]"


def test_from_events_refuses_what_is_not_iterable() -> None:
    with pytest.raises(ValidationError) as info:
        Ticket.from_events(None)  # type: ignore[arg-type]
    assert info.value.path == "timeline"


# -- lifecycle definitions -----------------------------------------------------

_CLOSE = Transition(command="close", sources={Status.NEW}, target=Status.CLOSED)


def _lifecycle(**kw: Any) -> Lifecycle:
    base: dict[str, Any] = {
        "name": "x",
        "initial": Status.NEW,
        "terminal": {Status.CLOSED},
        "transitions": (_CLOSE,),
    }
    return Lifecycle(**{**base, **kw})


@pytest.mark.parametrize(
    "build",
    [
        lambda: Transition(command="close", sources={"flying"}, target=Status.CLOSED),
        lambda: Transition(command="close", sources="new", target=Status.CLOSED),
        lambda: Transition(command="close", sources=None, target=Status.CLOSED),
        lambda: Transition(command="close", sources={Status.NEW}, target="closd"),
        lambda: Transition(command="close", sources={Status.NEW}, target=7),
        lambda: _lifecycle(initial="brand_new"),
        lambda: _lifecycle(initial=None),
        lambda: _lifecycle(version=True),
        lambda: _lifecycle(version="2"),
        lambda: _lifecycle(terminal={"done"}),
        lambda: _lifecycle(transitions=_CLOSE),
        lambda: _lifecycle(auto_resume={"awaiting_nobody"}),
        lambda: _lifecycle(transitions=(attrs.evolve(_CLOSE, guards=ReopenWindow()),)),
    ],
)
def test_a_malformed_lifecycle_is_a_definition_error(build: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert isinstance(info.value, DeskflowError)


def test_status_and_hold_reason_values_are_read_like_the_documents_give_them() -> None:
    lc = _lifecycle(auto_resume={"awaiting_customer"})
    assert lc.auto_resume == frozenset({HoldReason.AWAITING_CUSTOMER})
    t = Transition(command="close", sources={"new"}, target=Status.CLOSED)
    assert t.sources == frozenset({Status.NEW})


@pytest.mark.parametrize("status", list(Status))
def test_initial_and_target_take_a_state_string_as_the_sets_do(status: Status) -> None:
    t = Transition(command="close", sources={status.value}, target=status.value)
    assert t.target is status
    assert t == Transition(command="close", sources={status}, target=status)
    if status is not Status.CLOSED:
        lc = _lifecycle(
            initial=status.value,
            transitions=(
                Transition(command="close", sources={status.value}, target="closed"),
            ),
        )
        assert lc.initial is status
        assert lc.transition(status, "close") == Transition(
            command="close", sources={status}, target=Status.CLOSED
        )


@pytest.mark.parametrize(
    "build",
    [
        lambda: ReopenWindow(window=14),
        lambda: ReopenWindow(window=timedelta(days=-1)),
        lambda: CloseAfterConfirmation(quiet_period="P7D"),
        lambda: CloseAfterConfirmation(quiet_period=timedelta(seconds=-1)),
        lambda: RequireFields(fields="reason"),
        lambda: RequireFields(fields=("reason", 3)),
    ],
)
def test_a_malformed_guard_is_refused_when_built(build: Any) -> None:
    with pytest.raises(ValidationError):
        build()


@pytest.mark.parametrize(
    ("path", "build"),
    [
        ("initial", lambda: _lifecycle(initial="brand_new")),
        ("initial", lambda: _lifecycle(initial=1)),
        ("target", lambda: Transition(command="close", sources={"new"}, target="x")),
        ("target", lambda: Transition(command="close", sources={"new"}, target=1)),
    ],
)
def test_a_lifecycle_error_is_a_definition_error_for_bad_statuses(
    path: str, build: Any
) -> None:
    with pytest.raises(LifecycleDefinitionError) as info:
        build()
    assert info.value.path == path


@pytest.mark.parametrize(
    ("factory", "parameter"),
    [
        (incident_lifecycle, "reopen_window"),
        (incident_lifecycle, "quiet_period"),
        (service_request_lifecycle, "reopen_window"),
        (service_request_lifecycle, "quiet_period"),
        (problem_lifecycle, "reopen_window"),
    ],
)
@pytest.mark.parametrize("value", [timedelta(days=-1), timedelta(seconds=-1), 14])
def test_a_default_lifecycle_names_its_own_bad_parameter(
    factory: Any, parameter: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        factory(**{parameter: value})
    assert info.value.path == parameter


def test_the_lifecycle_factories_are_public() -> None:
    import deskflow.tickets.lifecycle as module

    for name in (
        "incident_lifecycle",
        "service_request_lifecycle",
        "problem_lifecycle",
    ):
        assert name in module.__all__
        assert getattr(module, name).__doc__


# -- values with typed fields ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "build"),
    [
        ("contact", lambda: Handoff(contact_verified=True, contact=None)),
        ("context", lambda: Handoff(context="deadline at 10:00")),
        ("no_error_shown", lambda: Handoff(no_error_shown="no")),
        ("relation", lambda: TicketLink(relation="caused_by", ticket_id="p-1")),
        (
            "kind",
            lambda: Commitment(
                id="c1", kind="call_back", due=T0, owed_by="a", made_at=T0
            ),
        ),
        (
            "status",
            lambda: Commitment(
                id="c1",
                kind=CommitmentKind.CALL_BACK,
                due=T0,
                owed_by="a",
                made_at=T0,
                status="met",
                closed_at=T0,
            ),
        ),
    ],
)
def test_a_value_refuses_a_field_of_the_wrong_type(path: str, build: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == path


@SLOW
@given(
    made=ds.aware_datetimes(),
    gap=st.timedeltas(timedelta(days=-30), timedelta(days=30)),
)
def test_a_commitment_built_directly_falls_due_after_it_is_made(
    made: datetime, gap: timedelta
) -> None:
    # The make_commitment command always refused such a promise; a value
    # built directly (or read back) used to accept one that was overdue
    # from the instant it was made.
    def build() -> Commitment:
        return Commitment(
            id="c1",
            kind=CommitmentKind.CALL_BACK,
            due=made + gap,
            owed_by="a",
            made_at=made,
        )

    if gap > timedelta(0):
        assert build().due == made + gap
        return
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.path == "due"
    assert "falls due after it is made" in str(info.value)


def test_a_commitment_due_at_the_instant_it_is_made_is_refused_in_any_zone() -> None:
    # the same instant written in two zones is not "after"
    berlin = T0.astimezone(ZoneInfo("Europe/Berlin"))
    with pytest.raises(ValidationError, match="not after made_at"):
        Commitment(
            id="c1",
            kind=CommitmentKind.CALL_BACK,
            due=berlin,
            owed_by="a",
            made_at=T0,
        )


def test_a_hand_off_guard_built_from_part_names_still_checks_them() -> None:
    # With the names as strings, no part was ever found missing and every
    # escalation passed.
    guard = RequireHandoff(parts={"steps_taken"})
    assert guard.parts == frozenset({HandoffPart.STEPS_TAKEN})
    escalate = cmd.Escalate(to_tier=Tier.L2, reason="r", handoff=Handoff())
    refusal = guard.check(working(), escalate, T0)
    assert refusal is not None
    assert refusal.missing == (HandoffPart.STEPS_TAKEN.label,)
    with pytest.raises(LifecycleDefinitionError) as info:
        RequireHandoff(parts={"screenshots"})
    assert info.value.path == "parts"


# -- the close guard at the far end of time --------------------------------------

_FAR = datetime.max.replace(tzinfo=UTC)


@given(
    resolved_at=ds.aware_datetimes(),
    quiet=st.timedeltas(timedelta(0), timedelta.max),
    later=st.timedeltas(timedelta(0), timedelta.max),
)
def test_an_automatic_close_is_allowed_exactly_once_the_quiet_period_has_passed(
    resolved_at: datetime, quiet: timedelta, later: timedelta
) -> None:
    ticket = Incident.open(summary="x", customer=ALICE, at=resolved_at, actor="a")
    ticket = ticket.resolve(resolution="x", articles=(), at=resolved_at, actor="a")
    room = _FAR - resolved_at.astimezone(UTC)
    at = resolved_at.astimezone(UTC) + min(later, room)
    refusal = CloseAfterConfirmation(quiet_period=quiet).check(
        ticket, cmd.Close(automatic=True), at
    )
    elapsed = at.astimezone(UTC) - resolved_at.astimezone(UTC)
    assert (refusal is None) == (elapsed >= quiet)


def test_a_quiet_period_past_the_end_of_time_refuses_instead_of_overflowing() -> None:
    ticket = working().resolve(resolution="x", articles=(), at=T0, actor="a")
    refusal = CloseAfterConfirmation(quiet_period=timedelta.max).check(
        ticket, cmd.Close(automatic=True), T0 + timedelta(days=1)
    )
    assert refusal is not None
    assert "never" in refusal.reason


# -- the guide's table of the default incident lifecycle -------------------------


def _guide_table() -> dict[str, set[str]]:
    """Command → the 'from' cell of each of its rows in the lifecycle guide."""
    from pathlib import Path

    guide = Path(__file__).parents[2] / "docs" / "guides" / "lifecycles.md"
    text = guide.read_text(encoding="utf-8")
    table = text.split("| command | from | to | guards |", 1)[1].split("\n\n", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for name in cells[0].replace("`", "").split(","):
            rows.setdefault(name.strip(), set()).add(cells[1])
    return rows


_SETS = {
    "open states": {"new", "queued", "assigned", "in_progress", "on_hold"},
    "open states and resolved": {
        "new",
        "queued",
        "assigned",
        "in_progress",
        "on_hold",
        "resolved",
    },
    "open states except on hold": {"new", "queued", "assigned", "in_progress"},
    "every state": {s.value for s in Status} - {"known_error"},
}


def _states(cell: str) -> set[str]:
    if cell in _SETS:
        return _SETS[cell]
    return {part.strip().replace(" ", "_") for part in cell.split(",")}


def test_the_guide_lists_every_command_of_the_incident_lifecycle_from_its_states() -> (
    None
):
    from deskflow.tickets import INCIDENT_LIFECYCLE

    documented = _guide_table()
    actual: dict[str, set[str]] = {}
    for t in INCIDENT_LIFECYCLE.transitions:
        actual.setdefault(t.command, set()).update(s.value for s in t.sources)
    assert set(documented) == set(actual)
    for name, cells in documented.items():
        assert set().union(*(_states(c) for c in cells)) == actual[name], name


# -- a host lifecycle that reopens closed tickets ----------------------------------


def test_a_reopened_closed_ticket_is_no_longer_closed() -> None:
    reopenable = Lifecycle(
        name="reopenable",
        initial=Status.NEW,
        terminal={Status.CANCELLED},
        transitions=(
            Transition(
                command="start_work", sources={Status.NEW}, target=Status.IN_PROGRESS
            ),
            Transition(
                command="resolve", sources={Status.IN_PROGRESS}, target=Status.RESOLVED
            ),
            Transition(
                command="close", sources={Status.RESOLVED}, target=Status.CLOSED
            ),
            Transition(
                command="reopen",
                sources={Status.RESOLVED, Status.CLOSED},
                target=Status.IN_PROGRESS,
            ),
            Transition(
                command="cancel", sources={Status.IN_PROGRESS}, target=Status.CANCELLED
            ),
        ),
    )
    t = Incident.open(
        summary="x", customer=ALICE, at=T0, actor="a", lifecycle=reopenable
    )
    t = t.start_work(at=T0, actor="a", lifecycle=reopenable)
    t = t.resolve(resolution="r", articles=(), at=T0, actor="a", lifecycle=reopenable)
    t = t.close(at=T0 + timedelta(hours=1), actor="a", lifecycle=reopenable)
    assert t.closed_at is not None
    t = t.reopen(
        reason="again", at=T0 + timedelta(hours=2), actor="a", lifecycle=reopenable
    )
    assert t.is_open
    assert (t.closed_at, t.resolved_at, t.resolution) == (None, None, None)
    assert Ticket.from_events(t.timeline) == t
    t = t.cancel(
        reason="withdrawn", at=T0 + timedelta(hours=3), actor="a", lifecycle=reopenable
    )
    assert t.closed_at == T0 + timedelta(hours=3)


# -- asking a lifecycle with the wrong kind of value -------------------------------


@pytest.mark.parametrize("status", ["resolved", None, 3])
def test_a_lifecycle_asked_about_a_non_status_says_so(status: Any) -> None:
    from deskflow.tickets import INCIDENT_LIFECYCLE

    # "resolved" as a string used to get () and None: nothing allowed, no such move.
    with pytest.raises(ValidationError) as info:
        INCIDENT_LIFECYCLE.allowed(status)
    assert info.value.path == "status"
    with pytest.raises(ValidationError):
        INCIDENT_LIFECYCLE.transition(status, "close")


@pytest.mark.parametrize("lifecycle", ["incident", {"name": "x"}])
def test_the_engine_refuses_what_is_not_a_lifecycle(lifecycle: Any) -> None:
    with pytest.raises(ValidationError) as info:
        working().start_work(at=T0, actor="a", lifecycle=lifecycle)
    assert info.value.path == "lifecycle"
    with pytest.raises(ValidationError) as info:
        incident(lifecycle=lifecycle)
    assert info.value.path == "lifecycle"


def test_a_note_guard_reads_the_kind_as_documents_give_it() -> None:
    from deskflow.tickets import NoteKind
    from deskflow.tickets.lifecycle import RequireNote

    assert RequireNote(kind="resolution").kind is NoteKind.RESOLUTION
    with pytest.raises(LifecycleDefinitionError) as info:
        RequireNote(kind="poem")
    assert info.value.path == "kind"


@pytest.mark.parametrize("ticket_id", ["\ud800", "inc-\udfff-1", None, 42])
def test_a_reference_is_only_derived_from_an_id_that_is_text(ticket_id: Any) -> None:
    from deskflow.tickets import make_reference

    with pytest.raises(ValidationError) as info:
        make_reference(TicketKind.INCIDENT, ticket_id)
    assert info.value.path == "id"


def test_open_refuses_an_id_with_a_lone_surrogate() -> None:
    with pytest.raises(ValidationError) as info:
        incident(id="\ud800")
    assert info.value.path == "id"


@given(ticket_id=st.text(min_size=1).filter(str.strip))
def test_any_encodable_id_gets_a_reference_a_person_can_read_out(
    ticket_id: str,
) -> None:
    from deskflow.tickets import make_reference

    reference = make_reference(TicketKind.PROBLEM, ticket_id)
    prefix, first, second = reference.split("-")
    assert prefix == "PRB"
    assert len(first) == len(second) == 4
    assert not set(first + second) & set("ILOU")


@given(st.sampled_from(list(LinkRelation)))
def test_a_ticket_cannot_be_linked_to_itself(relation: LinkRelation) -> None:
    ticket = Incident.open(
        summary="printer", customer=Customer(id="c-1", name="Ann"), at=T0, actor="a-1"
    )
    with pytest.raises(ValidationError) as info:
        ticket.link(relation=relation, other_id=ticket.id, at=T0, actor="a-1")
    assert info.value.path == "other_id"
    assert ticket.link(relation=relation, other_id="p-1", at=T0, actor="a-1").links
