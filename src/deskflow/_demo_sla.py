"""SLA clocks for the demo's printer case (not public API).

The demo calls :func:`sla_summary` after each step to show the clocks as an
observer at that instant sees them, measured on the default policy in the
desk's own zone.

>>> from deskflow._demo import build_case
>>> case = build_case()
>>> print(sla_summary(case, case.updated_at))
resolution 0:38/16:00 met 09:38; response met 09:05
update #2 met 09:38; escalation met 09:22
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskflow.sla import (
    ClockKind,
    ClockReport,
    ClockState,
    SlaPolicy,
    default_policy,
    evaluate,
    format_hours,
)
from deskflow.tickets import Ticket

ZONE = ZoneInfo("Europe/Brussels")
POLICY: SlaPolicy = default_policy("Europe/Brussels")


def _hm(at: datetime | None, now: datetime | None = None) -> str:
    if at is None:
        return "?"
    local = at.astimezone(ZONE)
    if now is not None and local.date() != now.astimezone(ZONE).date():
        return local.strftime("%a %H:%M")
    return local.strftime("%H:%M")


def _state(report: ClockReport, now: datetime) -> str:
    state = report.state
    if state is ClockState.MET:
        return f"met {_hm(report.met_at)}"
    if state is ClockState.BREACHED:
        return f"breached {_hm(report.breached_at)}"
    if state is ClockState.PAUSED:
        return "paused"
    if state is ClockState.CANCELLED:
        return "cancelled"
    return f"{state.value}, due {_hm(report.due, now)}"


def sla_summary(ticket: Ticket, at: datetime, policy: SlaPolicy = POLICY) -> str:
    """One or two short lines: the ticket's SLA clocks as seen at ``at``.

    The first line shows resolution (elapsed/target) and response; the
    second the latest update cycle and escalation response, once they exist.

    >>> from deskflow._demo import build_case
    >>> steps = []
    >>> _ = build_case(lambda title, t: steps.append(sla_summary(t, t.updated_at)))
    refused: ...
    >>> print(steps[0])
    resolution 0:00/40:00 running, due Fri 17:00; response running, due 13:00
    >>> print(steps[4])
    resolution 0:17/16:00 running, due Tue 17:00; response met 09:05
    update running, due Tue 09:05; escalation running, due 11:17
    """
    result = evaluate(ticket, at=at, policy=policy)
    first = []
    resolution = result.clock(ClockKind.RESOLUTION)
    if resolution is not None:
        first.append(
            f"resolution {format_hours(resolution.elapsed)}/"
            f"{format_hours(resolution.target)} {_state(resolution, at)}"
        )
    response = result.clock(ClockKind.RESPONSE)
    if response is not None:
        first.append(f"response {_state(response, at)}")
    second = []
    update = result.clock(ClockKind.UPDATE)
    if update is not None:
        cycle = f" #{update.cycle}" if update.cycle > 1 else ""
        second.append(f"update{cycle} {_state(update, at)}")
    ola = result.clock(ClockKind.ESCALATION_RESPONSE)
    if ola is not None:
        second.append(f"escalation {_state(ola, at)}")
    lines = ["; ".join(first)]
    if second:
        lines.append("; ".join(second))
    return "\n".join(lines)
