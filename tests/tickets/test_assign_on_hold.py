"""Reassigning a held ticket keeps it on hold, in every default lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deskflow import Customer, HoldReason, Incident, Problem, ServiceRequest, Status
from deskflow.tickets import Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind", [Incident, ServiceRequest, Problem])
def test_assign_while_on_hold_keeps_the_hold(kind: type[Ticket]) -> None:
    ticket = kind.open(
        summary="VPN drops", customer=Customer(id="c", name="C"), at=T0, actor="a"
    )
    ticket = ticket.start_work(at=T0, actor="a").put_on_hold(
        reason=HoldReason.AWAITING_USER, until=T0 + timedelta(days=1), at=T0, actor="a"
    )
    later = T0 + timedelta(hours=2)
    moved = ticket.assign(assignee="b", at=later, actor="lead")
    assert moved.status is Status.ON_HOLD
    assert moved.assignee == "b"
    assert moved.hold == ticket.hold  # same reason, end and start: the wait goes on
    assert moved.timeline[-1].status is None
    resumed = moved.resume(at=later + timedelta(hours=1), actor="b")
    assert (resumed.status, resumed.hold) == (Status.IN_PROGRESS, None)


def test_assign_while_working_still_goes_back_to_assigned() -> None:
    ticket = Incident.open(
        summary="x", customer=Customer(id="c", name="C"), at=T0, actor="a"
    )
    ticket = ticket.start_work(at=T0, actor="a").assign(assignee="b", at=T0, actor="a")
    assert ticket.status is Status.ASSIGNED
