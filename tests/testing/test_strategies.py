"""The testing kit itself: ManualClock, a light import, strategies that draw what they say."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskflow import Customer, Handoff, Incident, Lifecycle, Ticket
from deskflow.clock import Clock
from deskflow.errors import NaiveDatetimeError, ValidationError
from deskflow.testing import ManualClock
from deskflow.testing import strategies as ds
from deskflow.tickets.lifecycle import DEFAULT_HANDOFF_PARTS

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(T0)
    assert isinstance(clock, Clock)
    assert clock.advance(timedelta(hours=1)) == T0 + timedelta(hours=1)
    assert clock.now() == T0 + timedelta(hours=1)
    with pytest.raises(ValidationError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValidationError):
        clock.set(T0)
    with pytest.raises(NaiveDatetimeError):
        ManualClock(datetime(2026, 1, 1))


def test_importing_the_testing_package_does_not_import_hypothesis() -> None:
    code = "import sys, deskflow.testing; print('hypothesis' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@given(ds.aware_datetimes())
def test_datetimes_are_aware_and_in_a_known_zone(at: datetime) -> None:
    assert at.utcoffset() is not None
    assert getattr(at.tzinfo, "key", None) in ds.ZONES


@given(ds.handoffs(complete=True), ds.handoffs(complete=False))
def test_handoffs_are_complete_or_incomplete_as_asked(
    good: Handoff, bad: Handoff
) -> None:
    assert good.missing(DEFAULT_HANDOFF_PARTS) == ()
    assert bad.missing(DEFAULT_HANDOFF_PARTS) != ()


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_tickets_follow_a_random_lifecycle(data: st.DataObject) -> None:
    lc = data.draw(ds.lifecycles())
    ticket = data.draw(ds.tickets(lifecycle=lc, max_commands=10))
    assert ticket.status in lc.states
    assert Ticket.from_events(ticket.timeline) == ticket


@pytest.mark.parametrize("cls", [Customer, Handoff, Lifecycle, Incident])
def test_main_classes_are_registered_for_from_type(cls: type) -> None:
    @settings(max_examples=3, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_type(cls))
    def check(value: object) -> None:
        assert isinstance(value, cls)

    check()


@pytest.mark.parametrize("kind", ["incident", "INCIDENT", 1])
def test_tickets_refuses_a_kind_that_is_not_a_ticket_kind(kind: object) -> None:
    # kind="incident" used to fail only when drawing, with a bare KeyError.
    with pytest.raises(ValidationError) as info:
        ds.tickets(kind=kind)  # type: ignore[arg-type]
    assert info.value.path == "kind"
    assert "TicketKind.INCIDENT" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"max_commands": "5"}, "max_commands"),
        ({"max_commands": True}, "max_commands"),
        ({"lifecycle": "incident"}, "lifecycle"),
    ],
)
def test_tickets_checks_its_other_arguments(
    kwargs: dict[str, object], path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        ds.tickets(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ("steps_taken", "parts"),  # used to be read letter by letter, silently
        (5, "parts"),
        (("steps_taken",), "parts[0]"),
    ],
)
def test_handoffs_parts_are_handoff_parts(parts: object, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        ds.handoffs(parts=parts)  # type: ignore[arg-type]
    assert info.value.path == path


@settings(max_examples=30, database=None)
@given(st.data())
def test_a_complete_handoff_holds_every_part_asked_for(data: st.DataObject) -> None:
    from deskflow.tickets.values import HandoffPart

    parts = data.draw(
        st.frozensets(
            st.sampled_from(
                sorted(set(HandoffPart) - {HandoffPart.BUSINESS_CONTEXT}, key=str)
            )
        )
    )
    handoff = data.draw(ds.handoffs(complete=True, parts=parts))
    assert handoff.missing(parts) == ()


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"zones": ("Mars/Base",)}, "zones[0]"),  # was a bare ZoneInfoNotFoundError
        ({"zones": "Europe/Brussels"}, "zones"),  # was read letter by letter
        ({"min_value": T0}, "min_value"),  # the bounds are naive wall times
        ({"max_value": T0}, "max_value"),
    ],
)
def test_aware_datetimes_checks_its_arguments(
    kwargs: dict[str, object], path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        ds.aware_datetimes(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_events_takes_event_classes_not_their_tags() -> None:
    # events("opened") used to be a bare TypeError from hypothesis.
    with pytest.raises(ValidationError) as info:
        ds.events("opened")  # type: ignore[arg-type]
    assert info.value.path == "types_[0]"
    assert "Opened" in str(info.value)
