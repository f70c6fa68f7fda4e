"""Replay the BPI Challenge 2013 incident log (Volvo IT Belgium, VINST) through deskflow.

The log (DOI 10.4121/uuid:500573e6-accc-4b0c-9576-aa5468b10cee) records
65,533 status changes of 7,554 incidents handled in Volvo IT's VINST system.
Each row says when an incident moved to a ``Status`` / ``Sub Status``, which
support team (``Involved ST``) held it and who (``Owner First Name``). This
module maps every row to the deskflow commands that express it and replays
them through :func:`deskflow.tickets.handle` with the default incident
lifecycle, so the lifecycle's own transitions and guards judge each step.

The mapping (one row can become several commands; the ticket's current state
decides which):

=================================  =========================================
VINST Status / Sub Status          deskflow commands
=================================  =========================================
Queued / Awaiting Assignment       ``Route`` to ``Involved ST`` (no-op if already queued there)
Accepted / Assigned                ``Resume`` (if on hold), ``Assign`` the owner in ``Involved ST``
Accepted / In Progress             ``Assign`` (if the owner or team changed), then ``Resume`` (if on hold) or ``StartWork``
Accepted / Wait - <reason>         ``Assign`` (if changed; a held ticket stays held), ``Hold`` with the mapped reason and a nominal time frame (unless already held for it)
Completed / Resolved               ``Resolve``
Completed / In Call                ``Resolve(first_contact=True)``, ``Confirm`` by the customer, and ``Close`` if it is the case's last row
Completed / Closed                 ``Close`` (``automatic`` when the owner is the ``Siebel`` system)
Completed / Cancelled              ``Cancel``
Accepted or Queued after Resolved  ``Reopen`` first, then as above
Unmatched / Unmatched              not mappable: the case is rejected (rule ``export-artefact``)
=================================  =========================================

A row identical to the ticket's current state (same status, team, owner and
hold reason) is a no-op: VINST records such repeats, deskflow need not.

The support tier comes from the suffix of ``Involved ST`` (``V5 3rd`` is
L3, ``G140 2nd`` L2, no suffix L1); the impact from ``SR Latest Impact``
(Major is critical, with priority P1 since the default matrix has no
critical row). The log records neither the customer nor the urgency: every
case gets the same anonymous customer and medium urgency.

A refused command rejects its case, and the refusal is classified under one
of the :data:`REJECTION_RULES`. :func:`replay` returns a
:class:`ReplayReport`.

>>> from datetime import datetime, timezone
>>> rows = [
...     VinstRow(case="1-1", at=datetime(2012, 5, 2, 9, tzinfo=timezone.utc),
...              status="Accepted", sub_status="In Progress", group="V5 3rd", owner="Anne"),
...     VinstRow(case="1-1", at=datetime(2012, 5, 2, 10, tzinfo=timezone.utc),
...              status="Completed", sub_status="In Call", group="V5 3rd", owner="Anne"),
... ]
>>> result = replay_case(rows)
>>> result.accepted, result.ticket.status.value, result.ticket.resolution.first_contact
(True, 'closed', True)
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from deskflow._validators import aware, non_empty
from deskflow.clock import to_utc
from deskflow.errors import InvalidTransition, ValidationError
from deskflow.parties import Customer, Tier
from deskflow.priority import Impact, Priority, Urgency
from deskflow.tickets import commands as cmd
from deskflow.tickets.events import Confirmed
from deskflow.tickets.lifecycle import INCIDENT_LIFECYCLE, Lifecycle
from deskflow.tickets.model import Incident, handle
from deskflow.tickets.values import HoldReason, Status

__all__ = [
    "DATA_PATH",
    "DEFAULT_HOLD_TIME_FRAME",
    "HOLD_REASONS",
    "IMPACTS",
    "INFERRED",
    "REJECTION_RULES",
    "RULES_BY_ID",
    "SYSTEM_OWNER",
    "UNCLASSIFIED",
    "VINST_CUSTOMER",
    "CaseResult",
    "MappedCommand",
    "Rejection",
    "RejectionRule",
    "ReplayReport",
    "RuleCount",
    "UnmappableRow",
    "VinstRow",
    "classify",
    "group_cases",
    "impact_of",
    "map_row",
    "open_ticket",
    "read_cases",
    "read_rows",
    "replay",
    "replay_case",
    "tier_of",
]

DATA_PATH = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "bpic2013"
    / "bpic2013_incidents.csv"
)
"""Where the log lives: ``../shared/data/bpic2013/`` next to the repository of a
source checkout (never copied into it).

The path is absolute, resolved from this module's place in the checkout, so
``read_cases(DATA_PATH)`` works from any working directory. In an installed
package it points nowhere useful: pass the path of your own copy instead.

>>> DATA_PATH.name, DATA_PATH.is_absolute()
('bpic2013_incidents.csv', True)
"""

# The columns every row needs, by their VINST names (the others are optional).
_REQUIRED_COLUMNS = (
    "SR Number",
    "Change Date+Time",
    "Status",
    "Sub Status",
    "Involved ST",
    "Owner First Name",
)

SYSTEM_OWNER = "Siebel"
"""The owner name VINST records for closures made by the system itself.

>>> SYSTEM_OWNER
'Siebel'
"""

DEFAULT_HOLD_TIME_FRAME = timedelta(days=3)
"""The time frame the replay states for every hold.

VINST records a wait's reason but no expected end, while deskflow requires
one (a hold states its time frame). The replay states this nominal frame; it
is not taken from the data.

>>> DEFAULT_HOLD_TIME_FRAME.days
3
"""

HOLD_REASONS: Mapping[str, HoldReason] = {
    "Wait - User": HoldReason.AWAITING_USER,
    "Wait - Customer": HoldReason.AWAITING_CUSTOMER,
    "Wait - Vendor": HoldReason.AWAITING_VENDOR,
    "Wait - Implementation": HoldReason.AWAITING_CHANGE,
    "Wait": HoldReason.UNSPECIFIED,
}
"""VINST wait sub statuses and the hold reason each maps to.

>>> HOLD_REASONS["Wait - Implementation"].value
'awaiting_change'
"""

IMPACTS: Mapping[str, Impact] = {
    "Low": Impact.LOW,
    "Medium": Impact.MEDIUM,
    "High": Impact.HIGH,
    "Major": Impact.CRITICAL,
}
"""VINST ``SR Latest Impact`` values and the deskflow impact each maps to.

>>> IMPACTS["Major"].value
'critical'
"""

VINST_CUSTOMER = Customer(id="vinst-user", name="VINST end user (not in the log)")
"""The customer every replayed case gets: the log does not record one.

>>> VINST_CUSTOMER.id
'vinst-user'
"""

_TIERS = {"2nd": Tier.L2, "3rd": Tier.L3}
_ACCEPTED = "Accepted"
_COMPLETED = "Completed"
_QUEUED = "Queued"


class UnmappableRow(ValidationError):
    """A row that no deskflow command expresses; ``rule`` names the rejection rule.

    >>> UnmappableRow("export artefact", path="rows[3]", rule_id="export-artefact").rule_id
    'export-artefact'
    """

    def __init__(self, message: str, *, path: str, rule_id: str) -> None:
        super().__init__(message, path=path)
        self.rule_id = rule_id


def tier_of(group: str) -> Tier:
    """The support tier a VINST team name encodes in its suffix.

    No suffix is the service desk (L1), ``2nd`` is L2 and ``3rd`` is L3; a
    team listed as ``2nd 3rd`` works at its last (highest) tier.

    >>> tier_of("V30"), tier_of("G140 2nd"), tier_of("V13 2nd 3rd")
    (<Tier.L1: 'l1'>, <Tier.L2: 'l2'>, <Tier.L3: 'l3'>)
    """
    parts = group.split()
    if len(parts) > 1 and parts[-1] in _TIERS:
        return _TIERS[parts[-1]]
    return Tier.L1


def impact_of(value: str) -> Impact:
    """The deskflow impact of a VINST ``SR Latest Impact`` value.

    >>> impact_of("High")
    <Impact.HIGH: 'high'>
    >>> impact_of("Huge")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: SR Latest Impact: unknown impact 'Huge'; known: Low, Medium, High, Major
    """
    try:
        return IMPACTS[value]
    except KeyError:
        raise ValidationError(
            f"unknown impact {value!r}; known: {', '.join(IMPACTS)}",
            path="SR Latest Impact",
        ) from None


@attrs.frozen(kw_only=True)
class VinstRow:
    """One row of the log: a case moved to ``status`` / ``sub_status`` at ``at``.

    >>> from datetime import datetime, timezone
    >>> row = VinstRow(case="1-9", at=datetime(2012, 5, 2, 9, tzinfo=timezone.utc),
    ...     status="Queued", sub_status="Awaiting Assignment", group="G140 2nd", owner="Lars")
    >>> row.tier.value, row.key
    ('l2', ('Queued', 'Awaiting Assignment'))
    """

    case: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)
    status: str = attrs.field(validator=non_empty)
    sub_status: str = attrs.field(validator=non_empty)
    group: str = attrs.field(validator=non_empty)
    owner: str = attrs.field(validator=non_empty)
    impact: str = "Medium"
    product: str = ""
    country: str = ""

    @property
    def tier(self) -> Tier:
        """The tier of the row's team (see :func:`tier_of`).

        >>> _row("Accepted", "In Progress", group="V5 3rd").tier.value
        'l3'
        """
        return tier_of(self.group)

    @property
    def key(self) -> tuple[str, str]:
        """``(status, sub_status)``.

        >>> _row("Completed", "Resolved").key
        ('Completed', 'Resolved')
        """
        return (self.status, self.sub_status)

    @property
    def is_system(self) -> bool:
        """True when the VINST system itself made the change (owner ``Siebel``).

        >>> _row("Completed", "Closed", owner="Siebel").is_system
        True
        """
        return self.owner == SYSTEM_OWNER

    @classmethod
    def from_record(cls, record: Mapping[str, str], *, line: int = 0) -> VinstRow:
        """Build a row from a CSV record keyed by the original VINST column names.

        >>> VinstRow.from_record({"SR Number": "1-9", "Change Date+Time": "2010-03-31T16:59:42+02:00",
        ...     "Status": "Accepted", "Sub Status": "In Progress", "Involved ST": "V30",
        ...     "Owner First Name": "Frederic", "SR Latest Impact": "Medium"}).at.isoformat()
        '2010-03-31T16:59:42+02:00'
        >>> VinstRow.from_record({"SR Number": "1-9"}, line=7)
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: line 7: missing column 'Change Date+Time'
        """
        values: dict[str, str] = {}
        for column in _REQUIRED_COLUMNS:
            value = record.get(column)
            if value is None:
                raise ValidationError(f"missing column {column!r}", path=f"line {line}")
            values[column] = value
        try:
            at = datetime.fromisoformat(values["Change Date+Time"])
        except ValueError:
            raise ValidationError(
                f"not an ISO 8601 instant: {values['Change Date+Time']!r}",
                path=f"line {line}.Change Date+Time",
            ) from None
        if at.utcoffset() is None:
            raise ValidationError(
                f"no UTC offset in {values['Change Date+Time']!r}",
                path=f"line {line}.Change Date+Time",
            )
        try:
            return cls(
                case=values["SR Number"],
                at=at,
                status=values["Status"],
                sub_status=values["Sub Status"],
                group=values["Involved ST"],
                owner=values["Owner First Name"],
                impact=record.get("SR Latest Impact") or "Medium",
                product=record.get("Product") or "",
                country=record.get("Country") or "",
            )
        except ValidationError as exc:
            raise ValidationError(exc.rule, path=f"line {line}.{exc.path}") from exc


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def read_rows(path: str | Path) -> Iterator[VinstRow]:
    """Read the flat CSV conversion of the log (UTF-8, comma-separated), row by row.

    A row that is not UTF-8, or whose instant has no UTC offset, raises a
    :class:`~deskflow.errors.ValidationError` naming its line (and column).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "log.csv"
    ...     _ = p.write_text(
    ...         "SR Number,Change Date+Time,Status,Sub Status,Involved ST,Owner First Name\\n"
    ...         "1-1,2012-05-02T09:00:00+02:00,Queued,Awaiting Assignment,T19,Lars\\n",
    ...         encoding="utf-8")
    ...     [r.group for r in read_rows(p)]
    ['T19']
    """
    # Bytes that are not UTF-8 come through as lone surrogates, so that the
    # line that holds them can be named.
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle_:
        reader = csv.DictReader(_utf8_lines(handle_))
        header = reader.fieldnames
        if header is None:
            raise ValidationError(
                f"the file is empty; expected a header with the columns "
                f"{', '.join(map(repr, _REQUIRED_COLUMNS))}",
                path="line 1",
            )
        missing = [c for c in _REQUIRED_COLUMNS if c not in header]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            found = (
                "the header is one column holding ';': is the file separated by "
                "';' rather than ','?"
                if len(header) == 1 and ";" in header[0]
                else f"the header has {', '.join(map(repr, header))}"
            )
            raise ValidationError(
                f"missing column{plural} {', '.join(map(repr, missing))}; {found}",
                path="line 1",
            )
        for line, record in enumerate(reader, start=2):
            yield VinstRow.from_record(record, line=line)


def _utf8_lines(lines: Iterable[str]) -> Iterator[str]:
    for number, text in enumerate(lines, start=1):
        if not text.isascii() and _NOT_UTF8.search(text):
            raise ValidationError("not UTF-8 text", path=f"line {number}")
        yield text


def group_cases(rows: Iterable[VinstRow]) -> dict[str, tuple[VinstRow, ...]]:
    """Group rows by case, keeping the first-seen order of cases and of rows.

    >>> rows = [_row("Queued", "Awaiting Assignment", case="a"), _row("Accepted", "In Progress", case="b"),
    ...         _row("Accepted", "In Progress", case="a")]
    >>> {k: len(v) for k, v in group_cases(rows).items()}
    {'a': 2, 'b': 1}
    """
    grouped: dict[str, list[VinstRow]] = {}
    for row in rows:
        grouped.setdefault(row.case, []).append(row)
    return {case: tuple(rows_) for case, rows_ in grouped.items()}


def read_cases(path: str | Path) -> dict[str, tuple[VinstRow, ...]]:
    """Read the log and group it by case (see :func:`read_rows`, :func:`group_cases`).

    >>> read_cases.__name__
    'read_cases'
    """
    return group_cases(read_rows(path))


@attrs.frozen(kw_only=True)
class MappedCommand:
    """A command with the actor who gives it and the instant it is given at.

    >>> from deskflow.tickets.commands import StartWork
    >>> MappedCommand(command=StartWork(), actor="Anne", at=_T0).command.name
    'start_work'
    """

    command: cmd.Command
    actor: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)


def open_ticket(first: VinstRow, *, lifecycle: Lifecycle | None = None) -> Incident:
    """Open the incident a case's first row starts (status new; the row itself is mapped next).

    >>> t = open_ticket(_row("Accepted", "In Progress", case="1-5"))
    >>> t.id, t.status.value, t.impact.value
    ('1-5', 'new', 'medium')
    """
    impact = impact_of(first.impact)
    return Incident.open(
        summary=f"VINST incident {first.case}"
        + (f" ({first.product})" if first.product else ""),
        customer=VINST_CUSTOMER,
        at=first.at,
        actor=first.owner,
        id=first.case,
        reference=first.case,
        category=first.product,
        impact=impact,
        urgency=Urgency.MEDIUM,
        priority=Priority.CRITICAL if impact is Impact.CRITICAL else None,
        lifecycle=lifecycle,
    )


def map_row(
    row: VinstRow,
    ticket: Incident,
    *,
    is_last: bool = False,
    hold_time_frame: timedelta = DEFAULT_HOLD_TIME_FRAME,
    infer_confirmation: bool = False,
    lifecycle: Lifecycle | None = None,
    path: str = "row",
) -> tuple[MappedCommand, ...]:
    """The commands that take ``ticket`` to the state ``row`` records.

    The mapping reads the ticket's current status, team, assignee and hold,
    so a repeated row is a no-op and a row after a resolution reopens first.
    It never checks the lifecycle: :func:`replay_case` hands every command to
    the engine, which decides.

    ``infer_confirmation`` reads a close that the lifecycle would refuse for
    want of a confirmation (an agent's close, or a system close before the
    quiet period of ``lifecycle``) as a close after the user accepted the
    solution, which VINST does not log: a :class:`Confirm` by the customer,
    marked as inferred (:data:`INFERRED`), is mapped before the close.

    >>> t = open_ticket(_row("Queued", "Awaiting Assignment"))
    >>> [m.command.name for m in map_row(_row("Queued", "Awaiting Assignment"), t)]
    ['route']
    >>> [m.command.name for m in map_row(_row("Accepted", "Wait - Vendor"), t)]
    ['assign', 'hold']
    >>> map_row(_row("Unmatched", "Unmatched"), t)
    Traceback (most recent call last):
    ...
    deskflow.importers.bpic2013.UnmappableRow: row: 'Unmatched/Unmatched' is an export artefact of the source system, not a status
    """
    actor = row.owner
    status = ticket.status
    assignee = ticket.assignee
    group = ticket.group
    closed = status in (Status.CLOSED, Status.CANCELLED)

    def emit(command: cmd.Command, who: str = actor) -> None:
        commands.append(MappedCommand(command=command, actor=who, at=row.at))

    commands: list[MappedCommand] = []
    key = row.key
    if row.status == _COMPLETED:
        if key == (_COMPLETED, "Closed"):
            if status is Status.CLOSED:
                return ()
            reason = (
                "closed by the VINST system"
                if row.is_system
                else f"closed by {row.owner} in VINST"
            )
            if (
                infer_confirmation
                and status is Status.RESOLVED
                and ticket.confirmed_at is None
                and _needs_confirmation(row, ticket, lifecycle or INCIDENT_LIFECYCLE)
            ):
                emit(cmd.Confirm(comment=INFERRED), ticket.customer.id)
            emit(cmd.Close(automatic=row.is_system, reason=reason))
        elif key == (_COMPLETED, "Cancelled"):
            if status is Status.CANCELLED:
                return ()
            emit(cmd.Cancel(reason="cancelled in VINST"))
        elif key == (_COMPLETED, "Resolved"):
            if status is Status.RESOLVED:
                return ()
            emit(
                cmd.Resolve(
                    resolution="resolved in VINST (the log does not record the text)",
                    articles=(),
                )
            )
        elif key == (_COMPLETED, "In Call"):
            if status is not Status.RESOLVED:
                emit(
                    cmd.Resolve(
                        resolution="resolved during the call (VINST 'In Call')",
                        articles=(),
                        first_contact=True,
                    )
                )
            if status is not Status.RESOLVED or ticket.confirmed_at is None:
                emit(
                    cmd.Confirm(comment="confirmed on the call"),
                    ticket.customer.id,
                )
            if is_last:
                emit(cmd.Close(reason="resolved and confirmed at first contact"))
        else:
            raise _unknown(row, path)
        return tuple(commands)

    if row.status not in (_ACCEPTED, _QUEUED):
        if key == ("Unmatched", "Unmatched"):
            raise UnmappableRow(
                "'Unmatched/Unmatched' is an export artefact of the source system, "
                "not a status",
                path=path,
                rule_id="export-artefact",
            )
        raise _unknown(row, path)
    if key not in _OPEN_KEYS:
        raise _unknown(row, path)

    if status is Status.RESOLVED or closed:
        # Leaving Completed for work again is a reopen; after a close the
        # engine refuses it (rule activity-after-close).
        emit(cmd.Reopen(reason=f"VINST moved it back to {row.status}/{row.sub_status}"))
        status = Status.IN_PROGRESS
    changed = assignee != row.owner or group != row.group
    assign = cmd.Assign(assignee=row.owner, group=row.group, tier=row.tier)
    # Does assigning a held ticket keep it on hold (the default lifecycle),
    # or end the hold (a host's own lifecycle may say so)?
    on_hold_assign = (lifecycle or INCIDENT_LIFECYCLE).transition(
        Status.ON_HOLD, cmd.Assign.name
    )
    assign_keeps_hold = on_hold_assign is not None and on_hold_assign.target in (
        None,
        Status.ON_HOLD,
    )
    resume = cmd.Resume(reason=f"VINST moved it to {row.status}/{row.sub_status}")

    if row.status == _QUEUED:
        if status is Status.QUEUED and group == row.group:
            return tuple(commands)
        emit(cmd.Route(group=row.group, tier=row.tier))
    elif row.sub_status == "Assigned":
        if status is Status.ASSIGNED and not changed:
            return tuple(commands)
        if status is Status.ON_HOLD and assign_keeps_hold:
            emit(resume)
        emit(assign)
    elif row.sub_status == "In Progress":
        if status is Status.ON_HOLD:
            if changed and assign_keeps_hold:
                emit(assign)
                changed = False
            emit(resume)
            status = Status.IN_PROGRESS
        if changed:
            emit(assign)
            status = Status.ASSIGNED
        if status is not Status.IN_PROGRESS:
            emit(cmd.StartWork())
    else:
        hold_reason = HOLD_REASONS[row.sub_status]
        held = ticket.hold.reason if ticket.hold is not None else None
        if changed:
            emit(assign)
            if status is not Status.ON_HOLD or not assign_keeps_hold:
                held = None
        if status is Status.ON_HOLD and held is hold_reason:
            return tuple(commands)
        emit(
            cmd.Hold(
                reason=hold_reason,
                until=row.at + hold_time_frame,
                detail=f"VINST '{row.sub_status}'; the log states no time frame, "
                f"nominal {hold_time_frame}",
            )
        )
    return tuple(commands)


INFERRED = "inferred: VINST closed it before the quiet period; the log does not record the user's acceptance"
"""The comment of a confirmation the replay infers (see ``infer_confirmation``)."""


def _needs_confirmation(row: VinstRow, ticket: Incident, lc: Lifecycle) -> bool:
    if not row.is_system:
        return True
    quiet = _guard_value(lc.transition(Status.RESOLVED, cmd.Close.name), "quiet_period")
    resolved = ticket.resolved_at
    return (
        quiet is not None
        and resolved is not None
        and to_utc(row.at) < to_utc(resolved) + quiet
    )


_OPEN_KEYS = frozenset(
    {
        (_QUEUED, "Awaiting Assignment"),
        (_ACCEPTED, "Assigned"),
        (_ACCEPTED, "In Progress"),
    }
    | {(_ACCEPTED, sub) for sub in HOLD_REASONS}
)


def _unknown(row: VinstRow, path: str) -> UnmappableRow:
    return UnmappableRow(
        f"unknown VINST status {row.status}/{row.sub_status}",
        path=path,
        rule_id="unknown-status",
    )


@attrs.frozen(kw_only=True)
class RejectionRule:
    """A documented reason why a case of the log is not replayed.

    >>> RULES_BY_ID["activity-after-close"].title
    'activity after the incident was closed'
    """

    id: str = attrs.field(validator=non_empty)
    title: str = attrs.field(validator=non_empty)
    explanation: str = attrs.field(validator=non_empty)


REJECTION_RULES: tuple[RejectionRule, ...] = (
    RejectionRule(
        id="export-artefact",
        title="an 'Unmatched' export artefact",
        explanation="The case holds an 'Unmatched/Unmatched' row, which the "
        "challenge data documents as an artefact of the export, not a status.",
    ),
    RejectionRule(
        id="unknown-status",
        title="a status the mapping does not know",
        explanation="A Status/Sub Status pair outside the VINST vocabulary.",
    ),
    RejectionRule(
        id="activity-after-close",
        title="activity after the incident was closed",
        explanation="VINST let work continue on a closed incident. A closed "
        "ticket is terminal in deskflow: later work belongs on a new ticket "
        "linked to the old one, so the engine refuses the reopen.",
    ),
    RejectionRule(
        id="early-auto-close",
        title="system close before the quiet period, without a recorded confirmation",
        explanation="The VINST system (owner 'Siebel') closed the incident "
        "sooner after its resolution than the lifecycle's quiet period. "
        "VINST's nightly run also closes incidents whose user accepted the "
        "solution, but the log does not record that acceptance, and the "
        "close-after-confirmation guard refuses an unconfirmed early close.",
    ),
    RejectionRule(
        id="unconfirmed-agent-close",
        title="agent closed without a recorded confirmation",
        explanation="An agent closed the incident right after resolving it; "
        "the customer's confirmation is not recorded, so the "
        "close-after-confirmation guard refuses the close.",
    ),
    RejectionRule(
        id="reopen-after-window",
        title="reopen after the reopen window",
        explanation="Work resumed on a resolved incident after the "
        "lifecycle's reopen window; the reopen-window guard refuses it.",
    ),
    RejectionRule(
        id="close-without-resolution",
        title="closed without a resolution",
        explanation="A close or cancel recorded in a state the lifecycle "
        "does not close from (a close needs a resolution first; a resolved "
        "incident is closed, not cancelled).",
    ),
)
"""Every rule a case can be rejected under, in report order."""

RULES_BY_ID: Mapping[str, RejectionRule] = {rule.id: rule for rule in REJECTION_RULES}
"""The rejection rules by id.

>>> sorted(RULES_BY_ID)[:2]
['activity-after-close', 'close-without-resolution']
"""

UNCLASSIFIED = "unclassified"
"""The rule id given to a refusal no documented rule explains (a replay bug)."""


def classify(error: Exception) -> str:
    """The rejection rule id that explains ``error``, or ``'unclassified'``.

    >>> from deskflow.errors import InvalidTransition
    >>> classify(InvalidTransition(ticket_id="1", state="closed", command="reopen", allowed=()))
    'activity-after-close'
    >>> classify(InvalidTransition(ticket_id="1", state="new", command="hold", allowed=()))
    'unclassified'
    """
    if isinstance(error, UnmappableRow):
        return error.rule_id
    if not isinstance(error, InvalidTransition):
        return UNCLASSIFIED
    reasons = " ".join(error.reasons)
    if error.state in (Status.CLOSED.value, Status.CANCELLED.value):
        return "activity-after-close"
    if error.command == cmd.Close.name and error.state == Status.RESOLVED.value:
        if "automatic close is allowed from" in reasons:
            return "early-auto-close"
        if "has not confirmed" in reasons:
            return "unconfirmed-agent-close"
    if error.command in (cmd.Close.name, cmd.Cancel.name) and not error.reasons:
        return "close-without-resolution"
    if error.command == cmd.Reopen.name and "reopen window" in reasons:
        return "reopen-after-window"
    return UNCLASSIFIED


@attrs.frozen(kw_only=True)
class Rejection:
    """Why a case was not replayed: the rule, the row that failed and the engine's message.

    >>> Rejection(rule="export-artefact", row=3, detail="x").rule
    'export-artefact'
    """

    rule: str = attrs.field(validator=non_empty)
    row: int
    detail: str


@attrs.frozen(kw_only=True)
class CaseResult:
    """The outcome of one case: the replayed ticket, or a rejection.

    ``ticket`` is the ticket as far as the replay got (the whole case when
    accepted). ``commands`` counts the commands the engine accepted.

    >>> replay_case([_row("Accepted", "In Progress")]).ticket.status.value
    'in_progress'
    """

    case: str
    rows: int
    commands: int
    ticket: Incident
    rejection: Rejection | None = None

    @property
    def accepted(self) -> bool:
        """True when every row of the case was replayed.

        >>> replay_case([_row("Accepted", "In Progress")]).accepted
        True
        """
        return self.rejection is None


def _case_rows(rows: Any, path: str) -> tuple[VinstRow, ...]:
    """The rows of one case as a tuple, refusing a mapping of cases or a lone row."""
    if isinstance(rows, Mapping):
        raise ValidationError(
            "expected the rows of one case, got a mapping of cases; replay them "
            "all with replay(cases), or one with replay_case(cases[case_id])",
            path=path,
        )
    if isinstance(rows, (VinstRow, str, bytes)) or not isinstance(rows, Iterable):
        raise ValidationError(
            f"expected a sequence of VinstRow, got {type(rows).__name__}", path=path
        )
    found = tuple(rows)
    if not found:
        raise ValidationError("a case has at least one row", path=path)
    for index, row in enumerate(found):
        if not isinstance(row, VinstRow):
            raise ValidationError(
                f"expected a VinstRow, got {type(row).__name__}",
                path=f"{path}[{index}]",
            )
    return found


def replay_case(
    rows: Sequence[VinstRow],
    *,
    lifecycle: Lifecycle | None = None,
    hold_time_frame: timedelta = DEFAULT_HOLD_TIME_FRAME,
    infer_confirmation: bool = False,
) -> CaseResult:
    """Open the case's incident and replay every row through :func:`~deskflow.tickets.handle`.

    Stops at the first refused command and classifies it (:func:`classify`).
    ``infer_confirmation`` is passed to :func:`map_row`.

    >>> r = replay_case([_row("Accepted", "In Progress"), _row("Completed", "Resolved"),
    ...                  _row("Completed", "Closed", owner="Siebel")])
    >>> r.rejection.rule
    'early-auto-close'
    """
    rows = _case_rows(rows, "rows")
    lc = lifecycle or INCIDENT_LIFECYCLE
    ticket = open_ticket(rows[0], lifecycle=lc)
    applied = 0
    last = len(rows) - 1
    for index, row in enumerate(rows):
        try:
            mapped = map_row(
                row,
                ticket,
                is_last=index == last,
                hold_time_frame=hold_time_frame,
                infer_confirmation=infer_confirmation,
                lifecycle=lc,
                path=f"rows[{index}]",
            )
            for m in mapped:
                ticket = handle(ticket, m.command, at=m.at, actor=m.actor, lifecycle=lc)
                applied += 1
        except (InvalidTransition, ValidationError) as exc:
            return CaseResult(
                case=rows[0].case,
                rows=len(rows),
                commands=applied,
                ticket=ticket,
                rejection=Rejection(rule=classify(exc), row=index, detail=str(exc)),
            )
    return CaseResult(
        case=rows[0].case, rows=len(rows), commands=applied, ticket=ticket
    )


@attrs.frozen(kw_only=True)
class RuleCount:
    """How many cases one rule rejected, with the first such case as an example.

    >>> RuleCount(rule="export-artefact", cases=5, example="1-722103633").cases
    5
    """

    rule: str
    cases: int
    example: str


@attrs.frozen(kw_only=True, repr=False)
class ReplayReport:
    """What a replay of the log accepted and rejected, and how long it took.

    ``rows`` is the number of log rows read, ``commands`` the commands the
    engine accepted and ``events`` the timeline events of the accepted
    cases. ``statuses`` counts the final status of accepted cases.

    >>> report = ReplayReport.from_results([replay_case([_row("Accepted", "In Progress")])],
    ...     duration=timedelta(seconds=1), lifecycle=INCIDENT_LIFECYCLE)
    >>> report.accepted, report.accepted_share
    (1, 1.0)
    """

    cases: int
    accepted: int
    rejected: tuple[RuleCount, ...]
    rows: int
    commands: int
    events: int
    duration: timedelta
    statuses: tuple[tuple[str, int], ...] = ()
    reopened: int = 0
    first_contact: int = 0
    inferred_confirmations: int = 0
    lifecycle: str = "incident"
    quiet_period: timedelta | None = None
    reopen_window: timedelta | None = None

    @property
    def rejected_cases(self) -> int:
        """The number of rejected cases.

        >>> ReplayReport(cases=2, accepted=1, rejected=(RuleCount(rule="x", cases=1, example="c"),),
        ...     rows=3, commands=2, events=3, duration=timedelta(0)).rejected_cases
        1
        """
        return sum(r.cases for r in self.rejected)

    @property
    def accepted_share(self) -> float:
        """Accepted cases as a share of all cases (0 for an empty replay).

        >>> ReplayReport(cases=0, accepted=0, rejected=(), rows=0, commands=0, events=0,
        ...     duration=timedelta(0)).accepted_share
        0.0
        """
        return self.accepted / self.cases if self.cases else 0.0

    def by_rule(self) -> dict[str, int]:
        """Rejected cases per rule id.

        >>> ReplayReport(cases=1, accepted=0, rejected=(RuleCount(rule="x", cases=1, example="c"),),
        ...     rows=1, commands=0, events=0, duration=timedelta(0)).by_rule()
        {'x': 1}
        """
        return {r.rule: r.cases for r in self.rejected}

    @classmethod
    def from_results(
        cls,
        results: Iterable[CaseResult],
        *,
        duration: timedelta,
        lifecycle: Lifecycle,
    ) -> ReplayReport:
        """Summarise case results (see :func:`replay`).

        >>> ReplayReport.from_results([], duration=timedelta(0), lifecycle=INCIDENT_LIFECYCLE).cases
        0
        """
        cases = accepted = rows = commands = events = reopened = first_contact = 0
        inferred = 0
        counts: Counter[str] = Counter()
        examples: dict[str, str] = {}
        statuses: Counter[str] = Counter()
        for r in results:
            cases += 1
            rows += r.rows
            commands += r.commands
            if r.rejection is None:
                accepted += 1
                events += r.ticket.version
                statuses[r.ticket.status.value] += 1
                reopened += r.ticket.reopen_count > 0
                resolution = r.ticket.resolution
                first_contact += resolution is not None and resolution.first_contact
                inferred += any(
                    isinstance(e, Confirmed) and e.comment == INFERRED
                    for e in r.ticket.timeline
                )
            else:
                counts[r.rejection.rule] += 1
                examples.setdefault(r.rejection.rule, r.case)
        order = {rule.id: i for i, rule in enumerate(REJECTION_RULES)}
        rejected = tuple(
            RuleCount(rule=rule, cases=n, example=examples[rule])
            for rule, n in sorted(
                counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])
            )
        )
        close = lifecycle.transition(Status.RESOLVED, cmd.Close.name)
        reopen = lifecycle.transition(Status.RESOLVED, cmd.Reopen.name)
        return cls(
            cases=cases,
            accepted=accepted,
            rejected=rejected,
            rows=rows,
            commands=commands,
            events=events,
            duration=duration,
            statuses=tuple(sorted(statuses.items())),
            reopened=reopened,
            first_contact=first_contact,
            inferred_confirmations=inferred,
            lifecycle=lifecycle.name,
            quiet_period=_guard_value(close, "quiet_period"),
            reopen_window=_guard_value(reopen, "window"),
        )

    def __repr__(self) -> str:
        return (
            f"<ReplayReport {self.accepted}/{self.cases} cases accepted "
            f"({self.accepted_share:.1%}), {self.rejected_cases} rejected>"
        )

    def format(self) -> str:
        """A plain-text table of the replay, for a terminal or a log.

        >>> print(ReplayReport(cases=2, accepted=1, rows=3, commands=4, events=5,
        ...     rejected=(RuleCount(rule="export-artefact", cases=1, example="1-7"),),
        ...     duration=timedelta(seconds=2)).format())
        BPI Challenge 2013 replay (lifecycle 'incident')
          cases: 2  rows: 3  commands accepted: 4  events: 5  duration: 2.0 s
          accepted: 1 (50.0%)  rejected: 1
          rule                          cases  example
          export-artefact                   1  1-7
        """
        lines = [
            f"BPI Challenge 2013 replay (lifecycle {self.lifecycle!r}"
            + (
                f", quiet period {_days(self.quiet_period)}"
                if self.quiet_period
                else ""
            )
            + (
                f", reopen window {_days(self.reopen_window)}"
                if self.reopen_window
                else ""
            )
            + ")",
            f"  cases: {self.cases}  rows: {self.rows}  commands accepted: "
            f"{self.commands}  events: {self.events}  duration: "
            f"{self.duration.total_seconds():.1f} s",
            f"  accepted: {self.accepted} ({self.accepted_share:.1%})  "
            f"rejected: {self.rejected_cases}",
        ]
        if self.statuses:
            lines.append(
                "  accepted, final status: "
                + ", ".join(f"{s} {n}" for s, n in self.statuses)
                + f"; reopened {self.reopened}; first contact {self.first_contact}"
                + (
                    f"; inferred confirmations {self.inferred_confirmations}"
                    if self.inferred_confirmations
                    else ""
                )
            )
        if self.rejected:
            lines.append(f"  {'rule':<28}{'cases':>7}  example")
            lines += [f"  {r.rule:<28}{r.cases:>7}  {r.example}" for r in self.rejected]
        return "\n".join(lines)


def _days(value: timedelta) -> str:
    days = value / timedelta(days=1)
    return f"{days:g} d"


def _guard_value(transition: Any, name: str) -> timedelta | None:
    if transition is None:
        return None
    for guard in transition.guards:
        value = getattr(guard, name, None)
        if isinstance(value, timedelta):
            return value
    return None


def replay(
    cases: Mapping[str, Sequence[VinstRow]],
    *,
    lifecycle: Lifecycle | None = None,
    hold_time_frame: timedelta = DEFAULT_HOLD_TIME_FRAME,
    infer_confirmation: bool = False,
) -> ReplayReport:
    """Replay every case and summarise the outcome.

    ``duration`` in the report is the wall time of the replay (it is a
    measurement, not part of any ticket).

    >>> report = replay({"1-1": [_row("Accepted", "In Progress"), _row("Completed", "In Call")]})
    >>> report.accepted, report.first_contact
    (1, 1)
    """
    if not isinstance(cases, Mapping):
        raise ValidationError(
            f"expected a mapping of case id to rows (as read_cases returns), got "
            f"{type(cases).__name__}; group rows by case with group_cases(rows)",
            path="cases",
        )
    checked = [_case_rows(rows, f"cases[{case!r}]") for case, rows in cases.items()]
    lc = lifecycle or INCIDENT_LIFECYCLE
    started = time.perf_counter()
    results = [
        replay_case(
            rows,
            lifecycle=lc,
            hold_time_frame=hold_time_frame,
            infer_confirmation=infer_confirmation,
        )
        for rows in checked
    ]
    duration = timedelta(seconds=time.perf_counter() - started)
    return ReplayReport.from_results(results, duration=duration, lifecycle=lc)


# -- doctest helpers (not public) ----------------------------------------------

from datetime import timezone as _tz  # noqa: E402

_T0 = datetime(2012, 5, 2, 9, 0, tzinfo=_tz.utc)


def _row(
    status: str,
    sub_status: str,
    *,
    case: str = "1-1",
    group: str = "V5 3rd",
    owner: str = "Anne",
    at: datetime = _T0,
) -> VinstRow:
    return VinstRow(
        case=case, at=at, status=status, sub_status=sub_status, group=group, owner=owner
    )
