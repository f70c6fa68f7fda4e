"""``Call.add`` checks only the appended events; a call built directly checks them all.

Recording a call event by event used to re-check every earlier event on each
add. An add now checks the new events against the state the existing ones
leave, and must refuse exactly what a full check refuses, with the same error
and path. The slow full check is still what ``Call(...)``, ``attrs.evolve``
and the converter run, so it is the reference here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deskflow
from deskflow.errors import DeskflowError, TimeOrderError, ValidationError
from deskflow.scripts import (
    Call,
    CallClosed,
    Greeted,
    HoldEnded,
    HoldStarted,
    QuestionAsked,
    QuestionKind,
    SymptomNoted,
    Temperament,
    TemperamentObserved,
)
from deskflow.tickets import Note

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
ZONES = st.sampled_from(
    [UTC, ZoneInfo("Europe/Brussels"), ZoneInfo("America/New_York")]
)

# Built at T0; items() moves each to its instant. The instants go back as
# well as forward (before the start too), a closure can come anywhere, and now
# and then an item is not a call event at all.
AT = st.just(T0)
EVENTS = st.one_of(
    st.builds(Greeted, at=AT),
    st.builds(SymptomNoted, at=AT, text=st.just("jobs stay queued")),
    st.builds(HoldStarted, at=AT, reason=st.sampled_from(["", "checking"])),
    st.builds(HoldEnded, at=AT, thanked=st.booleans()),
    st.builds(TemperamentObserved, at=AT, temperament=st.sampled_from(Temperament)),
    st.builds(
        QuestionAsked,
        at=AT,
        kind=st.sampled_from(QuestionKind),
        text=st.just("Serial?"),
    ),
    st.builds(CallClosed, at=AT),
)
NOT_EVENTS = st.sampled_from([None, "greeted", Note(author="a-1", at=T0, text="x")])


@st.composite
def items(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 20)) == 0:
        return draw(NOT_EVENTS)
    at = T0 + timedelta(seconds=draw(st.integers(-30, 300)))
    return attrs.evolve(draw(EVENTS), at=at.astimezone(draw(ZONES)))


@st.composite
def recordings(draw: st.DrawFn) -> tuple[datetime, list[list[Any]]]:
    """A start instant and the events, in chunks as separate adds would pass them."""
    started = (T0 + timedelta(seconds=draw(st.integers(-10, 10)))).astimezone(
        draw(ZONES)
    )
    chunks = draw(st.lists(st.lists(items(), max_size=3), max_size=12))
    return started, chunks


def _outcome(build: Any) -> Any:
    try:
        return build()
    except DeskflowError as exc:
        return (type(exc), str(exc), getattr(exc, "path", None))


def _start(started: datetime) -> Call:
    return Call.start(id="c-1", at=started, agent="a-1")


def _full(call: Call, chunk: list[Any]) -> Call:
    """The slow add: evolve re-checks every event."""
    return attrs.evolve(call, events=call.events + tuple(chunk))


@settings(max_examples=300)
@given(recording=recordings())
def test_each_add_refuses_what_a_full_check_refuses(
    recording: tuple[datetime, list[list[Any]]],
) -> None:
    started, chunks = recording
    call = _start(started)
    for chunk in chunks:
        fast = _outcome(lambda: call.add(*chunk))  # noqa: B023
        assert fast == _outcome(lambda: _full(call, chunk))  # noqa: B023
        if not isinstance(fast, Call):
            return
        call = fast


@settings(max_examples=300)
@given(recording=recordings())
def test_adding_one_by_one_equals_building_in_one_go(
    recording: tuple[datetime, list[list[Any]]],
) -> None:
    started, chunks = recording
    everything = [item for chunk in chunks for item in chunk]

    def one_by_one() -> Call:
        call = _start(started)
        for item in everything:
            call = call.add(item)
        return call

    def in_chunks() -> Call:
        call = _start(started)
        for chunk in chunks:
            call = call.add(*chunk)
        return call

    in_one_go = _outcome(
        lambda: Call(
            id="c-1", agent="a-1", started_at=started, events=tuple(everything)
        )
    )
    assert _outcome(one_by_one) == in_one_go
    assert _outcome(in_chunks) == in_one_go


def test_an_add_after_a_closure_names_the_appended_position() -> None:
    call = _start(T0).add(Greeted(at=T0), CallClosed(at=T0))
    with pytest.raises(ValidationError) as caught:
        call.add(Greeted(at=T0), Greeted(at=T0))
    assert caught.value.path == "events[2]"
    with pytest.raises(TimeOrderError) as late:
        _start(T0).add(Greeted(at=T0 + timedelta(minutes=1))).add(
            Greeted(at=T0 + timedelta(minutes=2)), Greeted(at=T0)
        )
    assert late.value.path == "events[2].at"


def test_a_call_built_directly_still_checks_every_event() -> None:
    good = _start(T0).add(Greeted(at=T0 + timedelta(minutes=1)))
    # the same events against a later start: the first one is now too early
    with pytest.raises(TimeOrderError) as caught:
        attrs.evolve(good, started_at=T0 + timedelta(minutes=2))
    assert caught.value.path == "events[0].at"
    with pytest.raises(TimeOrderError):
        Call(
            id="c-1",
            agent="a-1",
            started_at=T0 + timedelta(minutes=2),
            events=good.events,
        )
    data = deskflow.to_dict(good.add(CallClosed(at=T0 + timedelta(minutes=2))))
    data["events"].append(deskflow.to_dict(good)["events"][0])
    data["events"][-1]["at"] = (T0 + timedelta(minutes=3)).isoformat()
    with pytest.raises(ValidationError):
        deskflow.from_dict(data, Call)


LATER = T0 + timedelta(hours=1)


@attrs.frozen(kw_only=True)
class _LaterCopy(Call):
    """A call that, while being built, checks its events against a later start."""

    def __attrs_post_init__(self) -> None:
        if len(self.events) > 1:
            Call(id="copy", agent="a-1", started_at=LATER, events=self.events)


@attrs.frozen(kw_only=True)
class _EarlyFirst(Call):
    """A call that, while being built, builds one whose first event is too early."""

    def __attrs_post_init__(self) -> None:
        if len(self.events) > 1:
            early = Greeted(at=self.started_at - timedelta(minutes=1))
            Call(
                id="copy",
                agent="a-1",
                started_at=self.started_at,
                events=(early, *self.events[1:]),
            )


@pytest.mark.parametrize("kind", [_LaterCopy, _EarlyFirst])
def test_a_call_built_while_an_add_is_under_way_is_checked_in_full(
    kind: type[Call],
) -> None:
    call = kind.start(id="c-1", at=T0, agent="a-1").add(Greeted(at=T0))
    with pytest.raises(TimeOrderError) as caught:
        call.add(Greeted(at=LATER))
    assert caught.value.path == "events[0].at"


# -- linear: an add does not look at the events already recorded ----------------


class _Watched(Greeted):
    """A greeting that counts how often its instant is read."""

    __slots__ = ()
    reads = 0

    def __getattribute__(self, name: str) -> Any:
        if name == "at":
            _Watched.reads += 1
        return super().__getattribute__(name)


def test_recording_n_events_one_by_one_reads_each_instant_a_bounded_number_of_times() -> (
    None
):
    n = 300
    events = [_Watched(at=T0 + timedelta(seconds=i)) for i in range(n)]
    call = _start(T0)
    _Watched.reads = 0
    for event in events:
        call = call.add(event)
    reads = _Watched.reads
    assert len(call.events) == n
    # re-checking every earlier event on each add reads about n * n instants
    assert reads <= 4 * n


def test_a_call_built_directly_reads_every_instant() -> None:
    n = 300
    events = tuple(_Watched(at=T0 + timedelta(seconds=i)) for i in range(n))
    _Watched.reads = 0
    Call(id="c-1", agent="a-1", started_at=T0, events=events)
    assert _Watched.reads >= n
