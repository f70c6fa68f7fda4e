"""The BPIC 2013 mapping on hand-made rows: no data folder needed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskflow.errors import InvalidTransition, ValidationError
from deskflow.importers import bpic2013 as b
from deskflow.importers.bpic2013 import VinstRow, map_row, open_ticket, replay_case
from deskflow.parties import Tier
from deskflow.priority import Impact, Priority
from deskflow.tickets import Ticket
from deskflow.tickets.lifecycle import Lifecycle, Transition, incident_lifecycle
from deskflow.tickets.values import HoldReason, Status

T0 = datetime(2012, 5, 2, 9, 0, tzinfo=timezone(timedelta(hours=2)))


def row(
    key: str,
    *,
    minutes: float = 0,
    owner: str = "Anne",
    group: str = "V5 3rd",
    impact: str = "Medium",
) -> VinstRow:
    status, sub = key.split("/")
    return VinstRow(
        case="1-1",
        at=T0 + timedelta(minutes=minutes),
        status=status,
        sub_status=sub,
        group=group,
        owner=owner,
        impact=impact,
    )


def names(rows_: list[VinstRow], last: VinstRow, *, is_last: bool = False) -> list[str]:
    """Replay ``rows_`` then map ``last``; return the mapped command names."""
    result = replay_case(rows_)
    assert result.accepted, result.rejection
    mapped = map_row(last, result.ticket, is_last=is_last)
    return [m.command.name for m in mapped]


IN_PROGRESS = "Accepted/In Progress"
QUEUED = "Queued/Awaiting Assignment"
RESOLVED = "Completed/Resolved"


# -- values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "tier"),
    [
        ("V30", Tier.L1),
        ("G140 2nd", Tier.L2),
        ("V5 3rd", Tier.L3),
        ("V13 2nd 3rd", Tier.L3),
        ("N38 ", Tier.L1),
        ("2nd", Tier.L1),
    ],
)
def test_tier_comes_from_the_team_suffix(group: str, tier: Tier) -> None:
    assert b.tier_of(group) is tier


def test_major_impact_is_critical_with_priority_p1() -> None:
    ticket = open_ticket(row(IN_PROGRESS, impact="Major"))
    assert ticket.impact is Impact.CRITICAL
    assert ticket.priority is Priority.CRITICAL


@pytest.mark.parametrize("impact", ["Low", "Medium", "High"])
def test_other_impacts_map_by_name(impact: str) -> None:
    assert open_ticket(row(IN_PROGRESS, impact=impact)).impact.value == impact.lower()


def test_unknown_impact_names_the_column() -> None:
    with pytest.raises(ValidationError) as info:
        open_ticket(row(IN_PROGRESS, impact="Severe"))
    assert info.value.path == "SR Latest Impact"


def test_record_with_a_bad_instant_names_line_and_column() -> None:
    record = {
        "SR Number": "1-1",
        "Change Date+Time": "yesterday",
        "Status": "Accepted",
        "Sub Status": "In Progress",
        "Involved ST": "V30",
        "Owner First Name": "Anne",
    }
    with pytest.raises(ValidationError) as info:
        VinstRow.from_record(record, line=12)
    assert info.value.path == "line 12.Change Date+Time"


def test_record_with_a_naive_instant_is_refused() -> None:
    record = {
        "SR Number": "1-1",
        "Change Date+Time": "2012-05-02T09:00:00",
        "Status": "Accepted",
        "Sub Status": "In Progress",
        "Involved ST": "V30",
        "Owner First Name": "Anne",
    }
    with pytest.raises(ValidationError, match="no UTC offset") as info:
        VinstRow.from_record(record, line=3)
    assert info.value.path == "line 3.Change Date+Time"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            b"1-2,2012-05-02T09:00:00+02:00,Queued,Awaiting \xff,T19,Lars\n",
            "line 3",
        ),
        (
            b"1-2,2012-05-02T09:00:00+02:00,Queued,Awaiting,T19,Lars,\xe9x\n",
            "line 3",
        ),
    ],
)
def test_a_row_that_is_not_utf8_names_its_line_and_column(
    tmp_path: Path, body: bytes, path: str
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(
        b"SR Number,Change Date+Time,Status,Sub Status,Involved ST,Owner First Name\n"
        b"1-1,2012-05-02T09:00:00+02:00,Queued,Awaiting Assignment,T19,Lars\n" + body
    )
    rows = b.read_rows(log)
    assert next(rows).case == "1-1"
    with pytest.raises(ValidationError, match="not UTF-8") as info:
        next(rows)
    assert info.value.path == path


def test_record_with_an_empty_owner_is_refused() -> None:
    record = {
        "SR Number": "1-1",
        "Change Date+Time": "2012-05-02T09:00:00+02:00",
        "Status": "Accepted",
        "Sub Status": "In Progress",
        "Involved ST": "V30",
        "Owner First Name": "",
    }
    with pytest.raises(ValidationError, match="owner"):
        VinstRow.from_record(record, line=3)


# -- the mapping ---------------------------------------------------------------


def test_first_queued_row_routes_to_the_team_with_its_tier() -> None:
    result = replay_case([row(QUEUED, group="G356 2nd")])
    assert result.accepted
    assert result.ticket.status is Status.QUEUED
    assert (result.ticket.group, result.ticket.tier) == ("G356 2nd", Tier.L2)
    assert result.ticket.assignee is None


def test_requeue_in_the_same_team_is_a_no_op_and_another_team_routes() -> None:
    assert names([row(QUEUED)], row(QUEUED, minutes=1)) == []
    assert names([row(QUEUED)], row(QUEUED, minutes=1, group="T19")) == ["route"]


def test_in_progress_assigns_the_owner_then_starts_work() -> None:
    assert names([row(QUEUED)], row(IN_PROGRESS, minutes=1)) == ["assign", "start_work"]
    result = replay_case([row(QUEUED), row(IN_PROGRESS, minutes=1, owner="Björn")])
    assert result.ticket.status is Status.IN_PROGRESS
    assert result.ticket.assignee == "Björn"


def test_repeated_in_progress_is_a_no_op_unless_the_owner_changes() -> None:
    assert names([row(IN_PROGRESS)], row(IN_PROGRESS, minutes=1)) == []
    assert names([row(IN_PROGRESS)], row(IN_PROGRESS, minutes=1, owner="Eric")) == [
        "assign",
        "start_work",
    ]


def test_assigned_assigns() -> None:
    assert names([row(IN_PROGRESS)], row("Accepted/Assigned", minutes=1)) == ["assign"]
    result = replay_case([row(IN_PROGRESS), row("Accepted/Assigned", minutes=1)])
    assert result.ticket.status is Status.ASSIGNED


@pytest.mark.parametrize(("sub", "reason"), list(b.HOLD_REASONS.items()))
def test_each_wait_holds_with_its_reason_and_the_nominal_time_frame(
    sub: str, reason: HoldReason
) -> None:
    wait = row(f"Accepted/{sub}", minutes=5)
    result = replay_case([row(IN_PROGRESS), wait])
    assert result.accepted
    hold = result.ticket.hold
    assert hold is not None
    assert hold.reason is reason
    assert hold.until == wait.at + b.DEFAULT_HOLD_TIME_FRAME
    assert "no time frame" in hold.detail


def test_hold_time_frame_is_adjustable() -> None:
    wait = row("Accepted/Wait - User", minutes=5)
    result = replay_case([row(IN_PROGRESS), wait], hold_time_frame=timedelta(hours=4))
    assert result.ticket.hold is not None
    assert result.ticket.hold.until == wait.at + timedelta(hours=4)


def test_repeated_wait_is_a_no_op_a_new_reason_re_holds() -> None:
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    assert names(first, row("Accepted/Wait - User", minutes=2)) == []
    assert names(first, row("Accepted/Wait - Vendor", minutes=2)) == ["hold"]


def test_queued_straight_to_wait_is_accepted() -> None:
    result = replay_case([row(QUEUED), row("Accepted/Wait", minutes=3, owner="Lars")])
    assert result.accepted
    assert result.ticket.status is Status.ON_HOLD
    assert result.ticket.assignee == "Lars"


def test_reassigning_a_held_ticket_keeps_it_held() -> None:
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    later = row("Accepted/Wait - User", minutes=2, owner="Lucas")
    assert names(first, later) == ["assign"]
    result = replay_case([*first, later])
    assert result.ticket.status is Status.ON_HOLD
    assert result.ticket.assignee == "Lucas"
    assert result.ticket.hold is not None
    assert result.ticket.hold.since == first[1].at  # the wait did not restart


def test_reassigning_with_a_new_wait_reason_re_holds() -> None:
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    later = row("Accepted/Wait - Vendor", minutes=2, owner="Lucas")
    assert names(first, later) == ["assign", "hold"]


def _assign_ends_hold() -> Lifecycle:
    """The default incident lifecycle, except that assigning a held ticket ends the hold."""
    base = incident_lifecycle()
    transitions = [t for t in base.transitions if t.command != "assign"]
    transitions.append(
        Transition(
            command="assign",
            sources={
                Status.QUEUED,
                Status.ASSIGNED,
                Status.IN_PROGRESS,
                Status.ON_HOLD,
                Status.NEW,
            },
            target=Status.ASSIGNED,
        )
    )
    return attrs.evolve(base, transitions=tuple(transitions))


def test_with_a_lifecycle_where_assign_ends_the_hold_the_wait_is_re_held() -> None:
    lc = _assign_ends_hold()
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    later = row("Accepted/Wait - User", minutes=2, owner="Lucas")
    ticket = replay_case(first, lifecycle=lc).ticket
    assert [m.command.name for m in map_row(later, ticket, lifecycle=lc)] == [
        "assign",
        "hold",
    ]
    back = row(IN_PROGRESS, minutes=3, owner="Kent")
    assert [m.command.name for m in map_row(back, ticket, lifecycle=lc)] == [
        "resume",
        "assign",
        "start_work",
    ]
    result = replay_case([*first, later, back], lifecycle=lc)
    assert result.accepted
    assert result.ticket.status is Status.IN_PROGRESS


def test_in_progress_after_a_wait_resumes() -> None:
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    assert names(first, row(IN_PROGRESS, minutes=2)) == ["resume"]
    assert names(first, row(IN_PROGRESS, minutes=2, owner="Kent")) == [
        "assign",
        "resume",
    ]
    result = replay_case([*first, row(IN_PROGRESS, minutes=2, owner="Kent")])
    assert (result.ticket.status, result.ticket.assignee) == (
        Status.IN_PROGRESS,
        "Kent",
    )


def test_assigned_after_a_wait_resumes_then_assigns() -> None:
    first = [row(IN_PROGRESS), row("Accepted/Wait - User", minutes=1)]
    assert names(first, row("Accepted/Assigned", minutes=2)) == ["resume", "assign"]
    result = replay_case([*first, row("Accepted/Assigned", minutes=2)])
    assert result.ticket.status is Status.ASSIGNED
    assert result.ticket.hold is None


def test_resolved_resolves_and_a_repeat_is_a_no_op() -> None:
    assert names([row(IN_PROGRESS)], row(RESOLVED, minutes=1)) == ["resolve"]
    assert names([row(IN_PROGRESS), row(RESOLVED)], row(RESOLVED, minutes=1)) == []


def test_in_call_as_last_row_resolves_at_first_contact_confirms_and_closes() -> None:
    result = replay_case([row(IN_PROGRESS), row("Completed/In Call", minutes=9)])
    assert result.accepted
    ticket = result.ticket
    assert ticket.status is Status.CLOSED
    assert ticket.resolution is not None
    assert ticket.resolution.first_contact
    assert ticket.confirmed_at is not None
    confirm = next(e for e in ticket.timeline if e.type == "confirmed")
    assert confirm.actor == b.VINST_CUSTOMER.id


def test_in_call_followed_by_work_is_reopened_not_closed() -> None:
    rows = [row(IN_PROGRESS), row("Completed/In Call", minutes=1)]
    assert names(rows[:1], rows[1]) == ["resolve", "confirm"]
    result = replay_case([*rows, row(IN_PROGRESS, minutes=60)])
    assert result.accepted
    assert result.ticket.status is Status.IN_PROGRESS
    assert result.ticket.reopen_count == 1


def test_leaving_resolved_reopens_first() -> None:
    rows = [row(IN_PROGRESS), row(RESOLVED, minutes=1)]
    assert names(rows, row(QUEUED, minutes=2, group="T19")) == ["reopen", "route"]
    assert names(rows, row("Accepted/Assigned", minutes=2)) == ["reopen", "assign"]


def test_system_close_after_the_quiet_period_is_automatic() -> None:
    quiet = 7 * 24 * 60
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Completed/Closed", minutes=quiet + 1, owner="Siebel"),
    ]
    result = replay_case(rows)
    assert result.accepted
    closed = result.ticket.timeline[-1]
    assert closed.type == "closed"
    assert closed.automatic  # type: ignore[union-attr]


def test_system_close_before_the_quiet_period_is_rejected() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Completed/Closed", minutes=600, owner="Siebel"),
    ]
    result = replay_case(rows)
    assert result.rejection is not None
    assert result.rejection.rule == "early-auto-close"
    assert result.rejection.row == 2
    assert result.ticket.status is Status.RESOLVED


def test_a_shorter_quiet_period_accepts_the_early_system_close() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Completed/Closed", minutes=600, owner="Siebel"),
    ]
    lifecycle = incident_lifecycle(quiet_period=timedelta(hours=8))
    assert replay_case(rows, lifecycle=lifecycle).accepted


def test_agent_close_without_confirmation_is_rejected() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Completed/Closed", minutes=1),
    ]
    result = replay_case(rows)
    assert result.rejection is not None
    assert result.rejection.rule == "unconfirmed-agent-close"


def test_inferred_confirmation_accepts_early_closes_and_marks_them() -> None:
    for owner, minutes in (("Anne", 1), ("Siebel", 600)):
        rows = [
            row(IN_PROGRESS),
            row(RESOLVED, minutes=1),
            row("Completed/Closed", minutes=minutes, owner=owner),
        ]
        result = replay_case(rows, infer_confirmation=True)
        assert result.accepted
        confirm = next(e for e in result.ticket.timeline if e.type == "confirmed")
        assert confirm.comment == b.INFERRED  # type: ignore[union-attr]


def test_inferred_confirmation_leaves_a_late_system_close_unconfirmed() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Completed/Closed", minutes=8 * 24 * 60, owner="Siebel"),
    ]
    result = replay_case(rows, infer_confirmation=True)
    assert result.accepted
    assert result.ticket.confirmed_at is None


def test_repeated_close_is_a_no_op_and_later_work_is_rejected() -> None:
    rows = [
        row(IN_PROGRESS),
        row("Completed/In Call", minutes=1),
        row("Completed/Closed", minutes=2),
        row("Completed/Closed", minutes=3),
    ]
    assert replay_case(rows).accepted
    result = replay_case([*rows, row(IN_PROGRESS, minutes=4)])
    assert result.rejection is not None
    assert result.rejection.rule == "activity-after-close"
    assert result.rejection.row == 4


def test_reopen_after_the_window_is_rejected() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row(IN_PROGRESS, minutes=15 * 24 * 60),
    ]
    result = replay_case(rows)
    assert result.rejection is not None
    assert result.rejection.rule == "reopen-after-window"


def test_close_without_a_resolution_is_rejected() -> None:
    result = replay_case([row(IN_PROGRESS), row("Completed/Closed", minutes=1)])
    assert result.rejection is not None
    assert result.rejection.rule == "close-without-resolution"


def test_cancelled_cancels() -> None:
    result = replay_case([row(QUEUED), row("Completed/Cancelled", minutes=1)])
    assert result.accepted
    assert result.ticket.status is Status.CANCELLED


def test_unmatched_row_rejects_the_case_as_an_export_artefact() -> None:
    rows = [
        row(IN_PROGRESS),
        row(RESOLVED, minutes=1),
        row("Unmatched/Unmatched", minutes=2),
    ]
    result = replay_case(rows)
    assert result.rejection is not None
    assert result.rejection.rule == "export-artefact"
    assert result.rejection.row == 2


@pytest.mark.parametrize("key", ["Accepted/Sleeping", "Archived/Gone"])
def test_unknown_status_is_its_own_rule(key: str) -> None:
    result = replay_case([row(IN_PROGRESS), row(key, minutes=1)])
    assert result.rejection is not None
    assert result.rejection.rule == "unknown-status"


def test_rows_with_the_same_instant_replay_in_order() -> None:
    rows = [row(IN_PROGRESS), row(RESOLVED), row(QUEUED, group="V30"), row(IN_PROGRESS)]
    result = replay_case(rows)
    assert result.accepted
    assert result.ticket.status is Status.IN_PROGRESS
    assert result.ticket.reopen_count == 1


def test_classify_leaves_other_errors_unclassified() -> None:
    err = InvalidTransition(ticket_id="1", state="new", command="hold", allowed=())
    assert b.classify(err) == b.UNCLASSIFIED
    assert b.classify(ValidationError("x", path="y")) == b.UNCLASSIFIED


def test_an_empty_case_is_refused() -> None:
    with pytest.raises(ValidationError):
        replay_case([])


def test_replay_case_takes_the_rows_of_one_case() -> None:
    # The whole dict of cases used to fail with a bare KeyError: 0.
    cases = {"1-1": (row(IN_PROGRESS), row("Completed/In Call", minutes=5))}
    with pytest.raises(ValidationError) as info:
        replay_case(cases)  # type: ignore[arg-type]
    assert info.value.path == "rows"
    assert "replay(cases)" in str(info.value)
    with pytest.raises(ValidationError) as info:
        replay_case(row(IN_PROGRESS))  # type: ignore[arg-type]
    assert info.value.path == "rows"
    with pytest.raises(ValidationError) as info:
        replay_case([row(IN_PROGRESS), "Completed/In Call"])  # type: ignore[list-item]
    assert info.value.path == "rows[1]"
    # any sequence of rows will do, a generator too
    assert replay_case(iter(cases["1-1"])).accepted


def test_replay_takes_a_mapping_of_cases() -> None:
    # A list of cases used to fail with a bare AttributeError ('values').
    rows = (row(IN_PROGRESS), row("Completed/In Call", minutes=5))
    with pytest.raises(ValidationError) as info:
        b.replay([rows])  # type: ignore[arg-type]
    assert info.value.path == "cases"
    assert "group_cases" in str(info.value)
    with pytest.raises(ValidationError) as info:
        b.replay({"1-1": row(IN_PROGRESS)})  # type: ignore[dict-item]
    assert info.value.path == "cases['1-1']"
    assert b.replay({"1-1": rows}).accepted == 1


HEADER = "SR Number,Change Date+Time,Status,Sub Status,Involved ST,Owner First Name"


def test_a_log_with_the_wrong_header_names_the_missing_columns(tmp_path: Path) -> None:
    # This used to read "line 2.SR Number: column missing".
    log = tmp_path / "log.csv"
    log.write_text(
        HEADER.replace("SR Number", "Case").replace("Status,", "State,", 1)
        + "\n1-1,2012-05-02T09:00:00+02:00,Queued,Awaiting Assignment,T19,Lars\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        next(b.read_rows(log))
    assert info.value.path == "line 1"
    assert "missing columns 'SR Number', 'Status'" in str(info.value)


def test_a_log_separated_by_semicolons_is_named_so(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER.replace(",", ";") + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        next(b.read_rows(log))
    assert info.value.path == "line 1"
    assert "separated by ';'" in str(info.value)


def test_an_empty_log_has_no_header(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        next(b.read_rows(log))
    assert info.value.path == "line 1"


def test_a_short_row_names_its_line_and_the_missing_column(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        HEADER + "\n1-1,2012-05-02T09:00:00+02:00,Queued,Awaiting Assignment,T19\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        next(b.read_rows(log))
    assert str(info.value) == "line 2: missing column 'Owner First Name'"


def test_the_data_path_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It was relative to the repository root, so read_cases(DATA_PATH) only
    # worked from there.
    root = Path(__file__).resolve().parents[2]
    expected = (root / ".." / "shared" / "data" / "bpic2013").resolve()
    monkeypatch.chdir(tmp_path)
    assert Path(b.DATA_PATH).is_absolute()
    assert Path(b.DATA_PATH).parent == expected
    assert Path(b.DATA_PATH).name == "bpic2013_incidents.csv"


def test_report_counts_rules_with_examples() -> None:
    cases = {
        "a": [row(IN_PROGRESS), row("Completed/In Call", minutes=1)],
        "b": [row(IN_PROGRESS), row("Unmatched/Unmatched", minutes=1)],
        "c": [
            row(IN_PROGRESS),
            row(RESOLVED, minutes=1),
            row("Completed/Closed", minutes=2),
        ],
        "d": [row(IN_PROGRESS), row("Unmatched/Unmatched", minutes=1)],
    }
    cases = {k: [attrs.evolve(r, case=k) for r in v] for k, v in cases.items()}
    report = b.replay(cases)
    assert (report.cases, report.accepted, report.rejected_cases) == (4, 1, 3)
    assert report.by_rule() == {"export-artefact": 2, "unconfirmed-agent-close": 1}
    assert report.rejected[0].example == "b"
    assert report.rows == 9
    assert report.first_contact == 1
    assert report.quiet_period == timedelta(days=7)
    assert "export-artefact" in report.format()
    assert repr(report).startswith("<ReplayReport 1/4 cases accepted")


# -- properties ----------------------------------------------------------------

KEYS = [
    QUEUED,
    "Accepted/Assigned",
    IN_PROGRESS,
    *(f"Accepted/{sub}" for sub in b.HOLD_REASONS),
    RESOLVED,
    "Completed/In Call",
    "Completed/Closed",
    "Completed/Cancelled",
    "Unmatched/Unmatched",
]

vinst_rows = st.lists(
    st.tuples(
        st.sampled_from(KEYS),
        st.sampled_from(["Anne", "Lars", "Siebel"]),
        st.sampled_from(["V30", "G356 2nd", "V5 3rd"]),
        st.floats(min_value=0, max_value=12 * 24 * 60, allow_nan=False),
    ),
    min_size=1,
    max_size=25,
)


def _build(spec: list[tuple[str, str, str, float]]) -> list[VinstRow]:
    out, minutes = [], 0.0
    for key, owner, group, step in spec:
        minutes += step
        out.append(row(key, minutes=minutes, owner=owner, group=group))
    return out


@given(vinst_rows, st.booleans())
def test_every_case_is_accepted_or_rejected_under_a_documented_rule(
    spec: list[tuple[str, str, str, float]], infer: bool
) -> None:
    result = replay_case(_build(spec), infer_confirmation=infer)
    if result.rejection is not None:
        assert result.rejection.rule in b.RULES_BY_ID, result.rejection
    # Accepted or not, what was replayed is a valid timeline.
    assert Ticket.from_events(result.ticket.timeline) == result.ticket
    # One event per accepted command, after the opening event.
    assert result.commands == len(result.ticket.timeline) - 1


@given(vinst_rows)
def test_a_repeated_row_never_adds_events(
    spec: list[tuple[str, str, str, float]],
) -> None:
    rows = _build(spec)
    result = replay_case(rows)
    last = rows[-1]
    if result.accepted and last.key != ("Completed", "In Call"):
        again = map_row(last, result.ticket)
        assert again == ()
