"""JSON round trips per second: deskflow's converter vs plain cattrs vs msgspec.

One incident with 20 notes and 40 timeline events is written to JSON and read
back to a typed value, many times, in one process:

- ``deskflow``: :func:`deskflow.serialization.dumps` / :func:`loads` (strict
  scalars, aware datetimes with zones, error paths, schema key);
- ``cattrs``: a plain ``cattrs.preconf.json.make_converter()`` on the same
  attrs classes, with only what it needs to round-trip them registered: the
  ``type``-tagged event union and the ``kind``-tagged ticket classes;
- ``msgspec``: an equivalent ``msgspec.Struct`` model tree (the fast
  reference; no deskflow validators run).

Prints the median round trips per second of several repeats and the ratios.
Run with::

    python benchmarks/serialization.py [--repeats 7] [--number 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import msgspec
from cattrs.preconf.json import make_converter as plain_json_converter
from cattrs.strategies import configure_tagged_union, include_subclasses

from deskflow import Customer, Incident, Note, Ticket
from deskflow.serialization import dumps, loads
from deskflow.tickets import Handoff, HoldReason, Step, StepOutcome
from deskflow.tickets.events import Event

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def build_incident() -> Incident:
    """An incident with 20 notes and 40 timeline events."""
    at = T0
    inc = Incident.open(
        summary="Printer offline",
        customer=Customer(id="c-1", name="Alice", email="alice@example.org"),
        at=at,
        actor="a-sam",
        id="i-1",
    )
    inc = inc.start_work(at=at, actor="a-sam")
    handoff = Handoff(
        contact_verified=True,
        contact="+32 2 555 0101",
        steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
        no_error_shown=True,
        no_article_applies=True,
    )
    while len(inc.notes) < 20:
        at += timedelta(minutes=7)
        inc = inc.add_note(
            Note(
                author="a-sam",
                at=at,
                text=f"checked spooler {len(inc.notes)}",
                symptoms=("offline",),
                steps=(Step(action="restart spooler", outcome=StepOutcome.PARTIAL),),
            )
        )
        if len(inc.notes) % 5 == 0:
            inc = inc.put_on_hold(
                reason=HoldReason.AWAITING_VENDOR,
                until=at + timedelta(days=1),
                at=at,
                actor="a-sam",
            ).resume(at=at, actor="a-sam")
    while inc.version < 39:
        at += timedelta(minutes=3)
        inc = (
            inc.escalate(
                to_tier=inc.tier,
                reason="needs L2",
                handoff=handoff,
                at=at,
                actor="a-sam",
            )
            if inc.version % 2
            else inc.assign(assignee="a-lee", at=at, actor="a-sam")
        )
    inc = inc.resolve(resolution="replaced cable", articles=(), at=at, actor="a-lee")
    assert len(inc.notes) == 20, len(inc.notes)
    assert inc.version == 40, inc.version
    return inc


def plain_cattrs() -> Any:
    conv = plain_json_converter()
    configure_tagged_union(Event, conv, tag_generator=lambda c: c.type, tag_name="type")
    include_subclasses(
        Ticket,
        conv,
        union_strategy=partial(
            configure_tagged_union,
            tag_generator=lambda c: c.kind.value if c.kind else "ticket",
            tag_name="kind",
        ),
    )
    return conv


# -- the msgspec model tree ------------------------------------------------------------


class MCustomer(msgspec.Struct, kw_only=True):
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    organisation: str | None = None
    manager: str | None = None
    time_zone: str | None = None
    service_level: str | None = None
    contact_window: dict[str, Any] | None = None


class MStep(msgspec.Struct, kw_only=True):
    action: str
    outcome: str = "unknown"
    why: str = ""
    detail: str = ""
    by_customer: bool = False


class MError(msgspec.Struct, kw_only=True):
    text: str
    source: str = ""
    screenshot: str | None = None


class MArticle(msgspec.Struct, kw_only=True):
    article_id: str
    usage: str = "used"
    version: int | None = None


class MNote(msgspec.Struct, kw_only=True):
    author: str
    at: datetime
    text: str = ""
    kind: str = "work"
    visibility: str = "internal"
    symptoms: tuple[str, ...] = ()
    errors: tuple[MError, ...] = ()
    steps: tuple[MStep, ...] = ()
    articles: tuple[MArticle, ...] = ()
    next_steps: tuple[str, ...] = ()


class MContext(msgspec.Struct, kw_only=True):
    deadline: datetime | None = None
    deadline_reason: str = ""
    confidential: bool = False
    confidentiality_note: str = ""


class MHandoff(msgspec.Struct, kw_only=True):
    contact_verified: bool = False
    contact: str = ""
    symptoms: tuple[str, ...] = ()
    error_messages: tuple[MError, ...] = ()
    screenshots: tuple[str, ...] = ()
    no_error_shown: bool = False
    steps_taken: tuple[MStep, ...] = ()
    articles: tuple[MArticle, ...] = ()
    no_article_applies: bool = False
    context: MContext | None = None
    summary: str = ""


class MEvent(msgspec.Struct, kw_only=True, tag_field="type"):
    at: datetime
    actor: str
    status: str | None = None


class MOpened(MEvent, kw_only=True, tag="opened"):
    ticket_id: str
    reference: str
    kind: str
    summary: str
    description: str = ""
    customer: MCustomer
    asset: dict[str, Any] | None = None
    category: str = ""
    channel: str = "phone"
    impact: str
    urgency: str
    priority: str
    context: MContext
    major: bool = False
    request_type: str | None = None
    owner: str | None = None
    group: str | None = None
    tier: str = "l1"


class MWorkStarted(MEvent, kw_only=True, tag="work_started"):
    pass


class MNoteAdded(MEvent, kw_only=True, tag="note_added"):
    note: MNote


class MHeld(MEvent, kw_only=True, tag="held"):
    reason: str
    until: datetime
    detail: str = ""


class MResumed(MEvent, kw_only=True, tag="resumed"):
    reason: str = ""
    automatic: bool = False


class MAssigned(MEvent, kw_only=True, tag="assigned"):
    assignee: str
    group: str | None = None
    tier: str | None = None


class MEscalated(MEvent, kw_only=True, tag="escalated"):
    kind: str
    reason: str
    from_tier: str
    to_tier: str
    to_group: str | None = None
    to_agent: str | None = None
    warm: bool = False
    handoff: MHandoff


class MResolved(MEvent, kw_only=True, tag="resolved"):
    resolution: str
    code: str = ""
    articles: tuple[MArticle, ...] = ()
    first_contact: bool = False


MAnyEvent = (
    MOpened
    | MWorkStarted
    | MNoteAdded
    | MHeld
    | MResumed
    | MAssigned
    | MEscalated
    | MResolved
)


class MResolution(msgspec.Struct, kw_only=True):
    text: str
    articles: tuple[MArticle, ...] = ()
    code: str = ""
    first_contact: bool = False


class MIncident(msgspec.Struct, kw_only=True, tag_field="kind", tag="incident"):
    id: str
    reference: str
    summary: str
    description: str = ""
    customer: MCustomer
    asset: dict[str, Any] | None = None
    category: str = ""
    channel: str = "phone"
    impact: str
    urgency: str
    priority: str
    context: MContext
    status: str
    owner: str | None = None
    assignee: str | None = None
    group: str | None = None
    tier: str = "l1"
    hold: dict[str, Any] | None = None
    resolution: MResolution | None = None
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    notes: tuple[MNote, ...] = ()
    links: tuple[dict[str, Any], ...] = ()
    commitments: tuple[dict[str, Any], ...] = ()
    timeline: tuple[MAnyEvent, ...] = ()
    major: bool = False


def rate(fn: Any, number: int, repeats: int) -> float:
    """Median round trips per second over ``repeats`` runs of ``number`` calls."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rates.append(number / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()

    inc = build_incident()
    conv = plain_cattrs()
    encoder, decoder = msgspec.json.Encoder(), msgspec.json.Decoder(MIncident)
    m_inc = msgspec.json.decode(
        dumps(inc).replace('"deskflow_schema": 1, ', ""), type=MIncident
    )

    assert loads(dumps(inc), Incident) == inc
    assert conv.loads(conv.dumps(inc, unstructure_as=Ticket), Ticket) == inc
    assert decoder.decode(encoder.encode(m_inc)) == m_inc

    cases = {
        "deskflow (dumps + loads)": lambda: loads(dumps(inc), Incident),
        "plain cattrs json converter": lambda: conv.loads(
            conv.dumps(inc, unstructure_as=Ticket), Ticket
        ),
        "msgspec Structs": lambda: decoder.decode(encoder.encode(m_inc)),
    }
    results = {name: rate(fn, args.number, args.repeats) for name, fn in cases.items()}
    ours = results["deskflow (dumps + loads)"]
    print(
        f"JSON round trip of one incident: {len(inc.notes)} notes, {inc.version} events, {len(dumps(inc))} bytes"
    )
    print(f"median of {args.repeats} repeats x {args.number} round trips\n")
    print(f"{'implementation':<30} {'round trips/s':>14} {'vs deskflow':>14}")
    for name, value in results.items():
        ratio = (
            "-"
            if value == ours
            else f"{value / ours:.2f}x slower"
            if value < ours
            else f"{value / ours:.2f}x faster"
        )
        print(f"{name:<30} {value:>14,.0f} {ratio:>14}")
    overhead = results["plain cattrs json converter"] / ours - 1
    print(f"\ndeskflow over plain cattrs: {overhead:+.0%} (goal: at most +20%)")
    print(
        f"msgspec over deskflow: {results['msgspec Structs'] / ours:.1f}x (goal: at most 8x)"
    )


if __name__ == "__main__":
    main()
