"""Properties of the lifecycle engine over random command sequences."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Incident, Ticket
from deskflow.errors import InvalidTransition, TimeOrderError, ValidationError
from deskflow.serialization import dumps
from deskflow.testing import strategies as ds
from deskflow.tickets import DEFAULT_LIFECYCLES, TicketKind

SLOW = settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
UTC = timezone.utc


@pytest.mark.parametrize("kind", list(TicketKind))
@SLOW
@given(data=st.data())
def test_a_ticket_is_the_fold_of_its_timeline(
    kind: TicketKind, data: st.DataObject
) -> None:
    ticket = data.draw(ds.tickets(kind=kind))
    assert Ticket.from_events(ticket.timeline) == ticket
    assert ticket.version == len(ticket.timeline)
    instants = [e.at.astimezone(UTC) for e in ticket.timeline]
    assert instants == sorted(instants)
    assert ticket.updated_at == ticket.timeline[-1].at


@pytest.mark.parametrize("kind", list(TicketKind))
@SLOW
@given(data=st.data())
def test_a_refused_command_changes_nothing(
    kind: TicketKind, data: st.DataObject
) -> None:
    ticket = data.draw(ds.tickets(kind=kind, max_commands=15))
    before = dumps(ticket)
    command = data.draw(ds.commands_for(ticket))
    offset = data.draw(st.sampled_from([-60, 0, 0, 3600]))
    # Offset the instant, not the wall time: a minute before 03:00 on a
    # spring-forward day is 01:59, not the 02:59 that never happened (and
    # that Python places *after* 03:00).
    last = ticket.updated_at
    at = (last.astimezone(UTC) + timedelta(seconds=offset)).astimezone(last.tzinfo)
    try:
        after = ticket.handle(command, at=at, actor="a-1")
    except (InvalidTransition, TimeOrderError, ValidationError):
        assert dumps(ticket) == before
        return
    assert dumps(ticket) == before
    assert after.version > ticket.version
    assert after.timeline[: ticket.version] == ticket.timeline
    assert offset >= 0


@pytest.mark.parametrize("kind", list(TicketKind))
@SLOW
@given(data=st.data())
def test_a_finished_ticket_accepts_only_what_its_lifecycle_allows(
    kind: TicketKind, data: st.DataObject
) -> None:
    ticket = data.draw(ds.tickets(kind=kind))
    lc = DEFAULT_LIFECYCLES[kind.value]
    command = data.draw(ds.commands_for(ticket))
    if ticket.status in lc.terminal and command.name not in lc.allowed(ticket.status):
        with pytest.raises(InvalidTransition) as info:
            ticket.handle(command, at=ticket.updated_at, actor="a-1")
        assert info.value.allowed == lc.allowed(ticket.status)


def test_time_is_compared_as_instants_across_a_dst_fold() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    first = datetime(2026, 10, 25, 2, 45, fold=0, tzinfo=brussels)  # 00:45 UTC
    later = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=brussels)  # 01:10 UTC
    assert later.astimezone(UTC) > first.astimezone(UTC)
    inc = Incident.open(
        summary="x", customer=Customer(id="c", name="C"), at=first, actor="a"
    )
    assert inc.start_work(at=later, actor="a").updated_at == later
    with pytest.raises(TimeOrderError):
        inc.start_work(at=first - timedelta(minutes=1), actor="a")
