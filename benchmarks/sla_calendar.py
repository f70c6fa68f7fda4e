"""Business-time arithmetic: deskflow against pandas and businesstime, side by side.

Run from the repository root (needs the ``bench`` extra):

    .venv/bin/python benchmarks/sla_calendar.py [--quick]

Section 3 times ``deskflow.sla.evaluate`` on 20-event tickets (no peer
library evaluates SLA clocks from a timeline, so it prints its rate next to
the calendar operations it is built on, a machine reference, and a bound
for any pure-Python evaluation: reading the events, the same calendar
calls, and named tuples for the results, with no clock logic), and the
same tickets under smaller policies, down to one with no targets at all.

Each section measures one operation in one process, prints operations per
CPU second (the median of several repeats) for every library that can express the
case, the ratio deskflow/peer, the goals, and every case where a peer
disagrees with deskflow and why. Sections are plain functions listed in
``SECTIONS``; add a new one by appending a function that takes a ``Settings``
and returns nothing.

Cases: a Monday-Friday split-shift calendar (09:00-12:00, 13:00-17:00) in
Europe/Berlin with the 2026 public holidays of Berlin (from the ``holidays``
package, passed as the same explicit date list to every library), 64 start
instants spread over 2026 (in and out of working hours), and durations of
15 min, 4 h, 8 h, 40 h, 400 h and 4000 h.

Peers:
- pandas ``CustomBusinessHour``: ``add`` only (it has no business-time
  difference), whole hours only, so 15 min is not expressible. It moves a
  deadline that falls exactly on a closing time to the next opening.
- ``businesstime`` 0.3: ``elapsed`` only (``businesstimedelta``), one interval
  a day and naive datetimes only; so it is measured on a 09:00-17:00 calendar
  (deskflow measured on the same calendar) with naive local wall times. It
  imports unchanged on Python 3.11; no shim was needed.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import holidays
import pandas as pd
from businesstime import BusinessTime

from deskflow.calendars import BusinessCalendar

ZONE = "Europe/Berlin"
TZ = ZoneInfo(ZONE)
SPLIT = "09:00-12:00,13:00-17:00"
DURATIONS_H = (0.25, 4, 8, 40, 400, 4000)
HOLIDAYS = tuple(sorted(holidays.country_holidays("DE", subdiv="BE", years=2026)))
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Settings:
    repeats: int = 5
    min_time: float = 0.25  # seconds per repeat and library
    starts: int = 64


def make_starts(count: int) -> list[datetime]:
    rng = random.Random(2026)
    first = datetime(2026, 1, 1, tzinfo=TZ)
    return [
        (first + timedelta(minutes=rng.randrange(365 * 1440))).replace(second=0)
        for _ in range(count)
    ]


def _rate(run: Callable[[], int], min_time: float) -> float:
    ops = 0
    began = clock.process_time()
    while True:
        ops += run()
        elapsed = clock.process_time() - began
        if elapsed >= min_time:
            return ops / elapsed


def ops_per_second(run: Callable[[], int], settings: Settings) -> float:
    """Median over repeats of operations per second; ``run`` returns its op count.

    Time is this process's CPU time (``time.process_time``), not wall time, so
    that other work on a shared machine does not skew the rates or the ratios.
    """
    return side_by_side([run], settings)[0]


def side_by_side(runs: Sequence[Callable[[], int]], settings: Settings) -> list[float]:
    """:func:`ops_per_second` of several runs, their repeats interleaved.

    Each repeat measures every run once, one after the other, so a change in
    the machine's load during the measurement touches all of them alike and
    the ratios stay fair.
    """
    rates: list[list[float]] = [[] for _ in runs]
    for _ in range(settings.repeats):
        for run, out in zip(runs, rates, strict=True):
            out.append(_rate(run, settings.min_time))
    return [statistics.median(r) for r in rates]


def label(hours: float) -> str:
    return f"{int(hours * 60)} min" if hours < 1 else f"{hours:g} h"


def hours_text(value: timedelta) -> str:
    return f"{value / timedelta(hours=1):+g} h"


def fmt_rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:,.0f}"


def fmt_ratio(ours: float, theirs: float | None) -> str:
    return "n/a" if theirs is None else f"{ours / theirs:,.0f}x"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def goal(text: str, ok: bool) -> None:
    print(f"  [{'met' if ok else 'MISSED'}] {text}")


# -- section 1: add (deadline) -------------------------------------------------------


def calendar_add(settings: Settings) -> None:
    print(
        "\n== add(start, duration) -> deadline: split shift 09:00-12:00, 13:00-17:00 =="
    )
    cal = BusinessCalendar.weekdays(SPLIT, zone=ZONE, holidays=HOLIDAYS)
    starts = make_starts(settings.starts)
    pd_starts = [pd.Timestamp(s) for s in starts]
    rows = []
    rates: dict[float, float] = {}
    worst_vs_pandas = float("inf")
    disagreements: list[str] = []
    for hours in DURATIONS_H:
        duration = timedelta(hours=hours)
        for s in starts:  # warm the calendar's tables for the years reached
            cal.add(s, duration)

        def run_ours(duration: timedelta = duration) -> int:
            add = cal.add
            for s in starts:
                add(s, duration)
            return len(starts)

        theirs = None
        if float(hours).is_integer():
            offset = pd.offsets.CustomBusinessHour(
                n=int(hours),
                start=["09:00", "13:00"],
                end=["12:00", "17:00"],
                holidays=list(HOLIDAYS),
            )

            def run_pandas(offset: Any = offset) -> int:
                for s in pd_starts:
                    s + offset
                return len(pd_starts)

            ours, theirs = side_by_side([run_ours, run_pandas], settings)
            worst_vs_pandas = min(worst_vs_pandas, ours / theirs)
            for s, ps in zip(starts, pd_starts, strict=True):
                mine = cal.add(s, duration)
                peer = (ps + offset).to_pydatetime()
                if peer != mine:
                    why = (
                        "moved a deadline at closing time to the next opening"
                        if peer == cal.next_open(mine + timedelta(microseconds=1))
                        and not cal.is_open(mine)
                        else "WRONG"
                    )
                    disagreements.append(
                        f"  {label(hours):>7}  from {s:%a %Y-%m-%d %H:%M}: deskflow {mine:%a %m-%d %H:%M}, "
                        f"pandas {peer:%a %m-%d %H:%M}  ({why})"
                    )
        else:
            ours = ops_per_second(run_ours, settings)
        rates[hours] = ours
        rows.append(
            [label(hours), fmt_rate(ours), fmt_rate(theirs), fmt_ratio(ours, theirs)]
        )
    table(["duration", "deskflow ops/s", "pandas CBH ops/s", "ratio"], rows)
    print("\nGoals:")
    goal(
        f"at least 30x pandas CustomBusinessHour at every duration (worst {worst_vs_pandas:,.0f}x)",
        worst_vs_pandas >= 30,
    )
    cost_ratio = rates[DURATIONS_H[0]] / rates[DURATIONS_H[-1]]
    goal(
        f"4000 h costs at most 2x the 15 min case ({cost_ratio:.2f}x)", cost_ratio <= 2
    )
    closing = sum("closing time" in line for line in disagreements)
    print(
        f"\npandas disagrees with deskflow in {len(disagreements)} of {len(starts) * 5} cases: "
        f"{closing} where it moved a deadline at a closing time to the next opening, "
        f"{len(disagreements) - closing} wrong (first 10 shown):"
    )
    for line in disagreements[:10]:
        print(line)


# -- section 2: elapsed (business time between two instants) -----------------------


def calendar_elapsed(settings: Settings) -> None:
    print("\n== elapsed(start, end): business time between two instants ==")
    split = BusinessCalendar.weekdays(SPLIT, zone=ZONE, holidays=HOLIDAYS)
    day = BusinessCalendar.weekdays("09:00-17:00", zone=ZONE, holidays=HOLIDAYS)
    peer = BusinessTime(
        business_hours=(time(9), time(17)),
        holidays=list(HOLIDAYS),
    )
    starts = make_starts(settings.starts)
    rows = []
    worst_vs_bt = float("inf")
    disagreements: list[str] = []
    for hours in DURATIONS_H:
        duration = timedelta(hours=hours)
        split_pairs = [(s, split.add(s, duration)) for s in starts]
        day_pairs = [(s, day.add(s, duration)) for s in starts]
        naive_pairs = [
            (a.replace(tzinfo=None), b.replace(tzinfo=None)) for a, b in day_pairs
        ]

        def run_split(pairs: list[tuple[datetime, datetime]] = split_pairs) -> int:
            elapsed = split.elapsed
            for a, b in pairs:
                elapsed(a, b)
            return len(pairs)

        def run_day(pairs: list[tuple[datetime, datetime]] = day_pairs) -> int:
            elapsed = day.elapsed
            for a, b in pairs:
                elapsed(a, b)
            return len(pairs)

        def run_peer(pairs: list[tuple[datetime, datetime]] = naive_pairs) -> int:
            for a, b in pairs:
                peer.businesstime_hours(a, b)
            return len(pairs)

        ours_split, ours_day, theirs = side_by_side(
            [run_split, run_day, run_peer], settings
        )
        if hours >= 40:  # a week or more of 09:00-17:00 business time
            worst_vs_bt = min(worst_vs_bt, ours_day / theirs)
        rows.append(
            [
                label(hours),
                fmt_rate(ours_split),
                fmt_rate(ours_day),
                fmt_rate(theirs),
                fmt_ratio(ours_day, theirs),
            ]
        )
        for (a, b), (na, nb) in zip(day_pairs, naive_pairs, strict=True):
            mine = day.elapsed(a, b)
            for forward in (True, False):
                got = (
                    peer.businesstime_hours(na, nb)
                    if forward
                    else peer.businesstime_hours(nb, na)
                )
                want = mine if forward else -mine
                if got != want:
                    disagreements.append(
                        f"  {label(hours):>7}  {'' if forward else 'reversed '}{a:%a %m-%d %H:%M} -> {b:%a %m-%d %H:%M}: "
                        f"deskflow {hours_text(want)}, businesstime {hours_text(got)}"
                    )
    table(
        [
            "span",
            "deskflow split ops/s",
            "deskflow 9-17 ops/s",
            "businesstime 9-17 ops/s",
            "ratio (9-17)",
        ],
        rows,
    )
    print("\nGoals:")
    goal(
        f"at least 10x businesstime for spans of a week or more (worst {worst_vs_bt:,.0f}x)",
        worst_vs_bt >= 10,
    )
    total = len(starts) * len(DURATIONS_H) * 2
    reversed_ = [line for line in disagreements if " reversed " in line]
    forward = [line for line in disagreements if " reversed " not in line]
    print(
        f"\nbusinesstime disagrees with deskflow in {len(disagreements)} of {total} cases: "
        f"{len(reversed_)} with reversed arguments (end before start), "
        f"{len(forward)} in order (first 5 of each shown):"
    )
    for line in reversed_[:5] + forward[:5]:
        print(line)


# -- section 3: SLA evaluation (deskflow.sla.evaluate) ------------------------------


def _sla_ticket(rng: random.Random, n: int, sub_second: bool = False) -> Any:
    """An incident with exactly 20 timeline events: notes to the customer, holds
    awaiting the customer or a vendor, an escalation, priority changes, a
    resolution and, for some, a reopen. ``sub_second`` gives every instant
    a microsecond part, as instants taken from a running clock have."""
    from deskflow import (
        Customer,
        Handoff,
        HoldReason,
        Impact,
        Incident,
        Note,
        Step,
        StepOutcome,
        Tier,
        Urgency,
    )
    from deskflow.tickets import NoteKind, Visibility

    handoff = Handoff(
        contact_verified=True,
        contact="+32 2 555 0101",
        no_error_shown=True,
        no_article_applies=True,
        steps_taken=(Step(action="power-cycled", outcome=StepOutcome.FAILED),),
    )
    levels = (Impact.HIGH, Impact.MEDIUM, Impact.LOW)
    urgency = rng.choice((Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW))
    at = datetime(2026, 3, 2, 8, 30, tzinfo=TZ) + timedelta(
        days=rng.randint(0, 20), minutes=rng.randint(0, 600)
    )
    if sub_second:
        at += timedelta(microseconds=rng.randint(1, 999_999))
    inc = Incident.open(
        id=f"t-{n}",
        summary="printer offline",
        customer=Customer(id=f"c-{n % 50}", name="Customer"),
        impact=rng.choice(levels),
        urgency=urgency,
        at=at,
        actor="a-1",
    )

    def later() -> datetime:
        nonlocal at
        at += timedelta(minutes=rng.randint(5, 180))
        return at

    def public(text: str) -> Any:
        return Note(
            author="a-1",
            at=later(),
            text=text,
            kind=NoteKind.STATUS_UPDATE,
            visibility=Visibility.CUSTOMER,
        )

    inc = inc.start_work(at=later(), actor="a-1")
    while inc.version < 16:
        roll = rng.random()
        if roll < 0.35:
            inc = inc.add_note(public("status update"))
        elif roll < 0.5:
            inc = inc.add_note(Note(author="a-1", at=later(), text="work note"))
        elif roll < 0.65:
            reason = rng.choice(
                (HoldReason.AWAITING_CUSTOMER, HoldReason.AWAITING_VENDOR)
            )
            start = later()
            inc = inc.put_on_hold(
                reason=reason, until=start + timedelta(days=1), at=start, actor="a-1"
            )
            inc = inc.resume(at=later(), actor="a-1")
        elif roll < 0.75 and inc.tier is Tier.L1:
            inc = inc.escalate(
                to_tier=Tier.L2,
                to_group="desktop",
                reason="needs desktop support",
                handoff=handoff,
                at=later(),
                actor="a-1",
            )
            inc = inc.assign(assignee="a-2", at=later(), actor="a-2")
        elif roll < 0.85:
            inc = inc.change_priority(
                impact=rng.choice(levels),
                urgency=urgency,
                justification="reassessed",
                at=later(),
                actor="a-1",
            )
        else:
            inc = inc.customer_reply("any news?", at=later())
    inc = inc.resolve(resolution="fixed", articles=(), at=later(), actor="a-1")
    if rng.random() < 0.3:
        inc = inc.reopen(reason="failed again", at=later(), actor="a-1")
        inc = inc.add_note(public("looking again"))
    while inc.version < 20:
        inc = inc.add_note(Note(author="a-1", at=later(), text="follow-up"))
    return inc


def sla_evaluate(settings: Settings) -> None:
    from deskflow import calendars, sla
    from deskflow.sla import (  # _new_*: the constructors evaluate() uses
        Evaluation,
        _new_alert,
        _new_report,
        default_policy,
        evaluate,
    )

    print("\n== sla.evaluate(ticket, at=...): every clock of a 20-event ticket ==")
    policy = default_policy(ZONE)
    rng = random.Random(11)
    count = settings.starts * 8
    tickets = [_sla_ticket(rng, n) for n in range(count)]
    # at the last event (clocks stopped) and a day later (a mix with running ones)
    pairs = [(t, t.updated_at + timedelta(days=i % 2)) for i, t in enumerate(tickets)]
    clocks = sum(len(evaluate(t, at=a, policy=policy).clocks) for t, a in pairs)
    business = policy.calendar("business")
    a, b = pairs[0][0].opened_at, pairs[0][0].updated_at

    def run_full() -> int:
        for t, at in pairs:
            evaluate(t, at=at, policy=policy)
        return len(pairs)

    # the same timelines with a microsecond part on every instant
    sub_rng = random.Random(11)
    sub_pairs = [
        (t, t.updated_at + timedelta(days=i % 2))
        for i, t in enumerate(_sla_ticket(sub_rng, n, True) for n in range(count))
    ]

    def run_sub_second() -> int:
        for t, at in sub_pairs:
            evaluate(t, at=at, policy=policy)
        return len(sub_pairs)

    def run_states() -> int:
        for t, at in pairs:
            evaluate(t, at=at, policy=policy, alerts=False)
        return len(pairs)

    # The floor: what any evaluate() returning these typed results must do
    # at least, with no clock logic at all: read each event's instant, type
    # and status, and build the same reports, alerts and Evaluation from
    # field values computed ahead of time (the constructors evaluate uses).
    results = [evaluate(t, at=a, policy=policy) for t, a in pairs]
    fields = [
        (
            t.timeline,
            [attrs.astuple(r, recurse=False) for r in e.clocks],
            [attrs.astuple(x, recurse=False) for x in e.alerts],
            e,
        )
        for (t, _), e in zip(pairs, results, strict=True)
    ]

    def read(timeline: Sequence[Any]) -> None:
        """What evaluate() reads of each event: its instant, type and status."""
        epoch = _EPOCH
        for event in timeline:
            span = event.at - epoch
            _ = span.days, span.seconds, span.microseconds
            _ = event.__class__, event.status

    def run_floor() -> int:
        for timeline, report_fields, alert_fields, e in fields:
            read(timeline)
            reports = tuple(_new_report(*f) for f in report_fields)
            found = tuple(_new_alert(*f) for f in alert_fields)
            Evaluation(
                ticket_id=e.ticket_id,
                at=e.at,
                clocks=reports,
                alerts=found,
                periods=e.periods,
            )
        return len(fields)

    # The same floor with the lightest records Python has: each report, alert
    # and the evaluation a plain named tuple (tuple.__new__, no per-field
    # calls). No implementation in Python builds a result object more cheaply,
    # so this floor plus the calendar work bounds any pure-Python evaluate().
    report_tuple = collections.namedtuple(  # type: ignore[misc]
        "report_tuple", [f.name for f in attrs.fields(sla.ClockReport)]
    )
    alert_tuple = collections.namedtuple(  # type: ignore[misc]
        "alert_tuple", [f.name for f in attrs.fields(sla.Alert)]
    )
    evaluation_tuple = collections.namedtuple(  # type: ignore[misc]
        "evaluation_tuple", [f.name for f in attrs.fields(Evaluation)]
    )
    new_tuple = tuple.__new__

    def run_tuple_floor() -> int:
        for timeline, report_fields, alert_fields, e in fields:
            read(timeline)
            reports = tuple([new_tuple(report_tuple, f) for f in report_fields])
            found = tuple([new_tuple(alert_tuple, f) for f in alert_fields])
            new_tuple(evaluation_tuple, (e.ticket_id, e.at, reports, found, e.periods))
        return len(fields)

    # The calendar arithmetic evaluate() cannot skip: a position for each
    # instant where a clock starts, pauses or stops (_Tables.clock_at), a
    # deadline for each due instant and threshold (first_reaching), a next
    # open instant for each deferred notice (add), and the aware datetimes of
    # the results (sla._datetime). Recorded on one pass over all the tickets,
    # then replayed alone: the same calls with the same arguments.
    tables_cls = calendars._Tables
    names = ("clock_at", "first_reaching", "add")
    originals = {name: getattr(tables_cls, name) for name in names}
    original_datetime = sla._datetime
    recorded: dict[str, list[tuple[Any, ...]]] = {
        name: [] for name in (*names, "_datetime")
    }

    def recording(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        calls = recorded[name]

        def wrapper(*args: Any) -> Any:
            calls.append(args)
            return fn(*args)

        return wrapper

    for name in names:
        setattr(tables_cls, name, recording(name, originals[name]))
    sla._datetime = recording("_datetime", original_datetime)
    try:
        for t, a in pairs:
            evaluate(t, at=a, policy=policy)
    finally:
        for name in names:
            setattr(tables_cls, name, originals[name])
        sla._datetime = original_datetime
    per_ticket = {k: len(v) / len(pairs) for k, v in recorded.items()}
    clock_at_calls = recorded["clock_at"]
    first_reaching_calls = recorded["first_reaching"]
    add_calls = recorded["add"]
    datetime_calls = recorded["_datetime"]

    def run_calendar_work() -> int:
        clock_at, first_reaching, add = (originals[name] for name in names)
        for tables, u in clock_at_calls:
            clock_at(tables, u)
        for tables, target in first_reaching_calls:
            first_reaching(tables, target)
        for tables, u, d in add_calls:
            add(tables, u, d)
        for u, tz in datetime_calls:
            original_datetime(u, tz)
        return len(pairs)

    def run_elapsed() -> int:
        elapsed = business.elapsed
        for _ in range(100):
            elapsed(a, b)
        return 100

    def run_reference() -> int:
        for _ in range(100):
            sum(range(100))
        return 100

    # The same tickets under smaller policies: what a clock costs, and what
    # reading the timeline costs with no clock reported at all.
    def narrowed(kinds: set[sla.ClockKind]) -> sla.SlaPolicy:
        rules = tuple(
            attrs.evolve(r, targets=tuple(x for x in r.targets if x.kind in kinds))
            for r in policy.rules
        )
        return attrs.evolve(policy, rules=rules)

    K = sla.ClockKind
    shapes = [
        ("no targets: the timeline read, no clock reported", narrowed(set())),
        ("resolution only", narrowed({K.RESOLUTION})),
        ("response and resolution", narrowed({K.RESPONSE, K.RESOLUTION})),
        ("the default policy (as above)", policy),
    ]

    def shape_run(shape: sla.SlaPolicy) -> Callable[[], int]:
        def run() -> int:
            for t, at in pairs:
                evaluate(t, at=at, policy=shape)
            return len(pairs)

        return run

    full, sub_second, states, floor, tuple_floor, calendar_work = side_by_side(
        [
            run_full,
            run_sub_second,
            run_states,
            run_floor,
            run_tuple_floor,
            run_calendar_work,
        ],
        settings,
    )
    shape_rates = side_by_side([shape_run(p) for _, p in shapes], settings)
    floor_and_calendar = 1 / (1 / floor + 1 / calendar_work)
    bound = 1 / (1 / tuple_floor + 1 / calendar_work)
    elapsed = ops_per_second(run_elapsed, settings)
    reference = ops_per_second(run_reference, settings)
    alerts = sum(len(e.alerts) for e in results)
    print(
        f"{count} tickets x 20 events, {clocks / count:.1f} clock reports and "
        f"{alerts / count:.1f} alerts each"
    )
    table(
        ["operation", "ops/s", "us/op", "calendar.elapsed calls"],
        [
            [name, fmt_rate(rate), f"{1e6 / rate:.1f}", f"{elapsed / rate:.1f}"]
            for name, rate in (
                ("evaluate (with alerts)", full),
                ("evaluate, sub-second instants", sub_second),
                ("evaluate (alerts=False)", states),
                ("floor: read events, build results", floor),
                (
                    f"calendar work alone ({per_ticket['clock_at']:.1f} positions, "
                    f"{per_ticket['first_reaching']:.1f} deadlines, "
                    f"{per_ticket['add']:.1f} next open, "
                    f"{per_ticket['_datetime']:.1f} datetimes)",
                    calendar_work,
                ),
                ("floor + calendar work", floor_and_calendar),
                ("floor with tuples for results", tuple_floor),
                ("floor with tuples + calendar work: the bound", bound),
                ("calendar.elapsed", elapsed),
            )
        ],
    )
    print(
        f"machine reference: sum(range(100)) {reference:,.0f}/s "
        "(about 1,000,000/s on a current laptop, idle)"
    )
    print("\nThe same tickets under smaller policies (where the time goes):")
    shape_rows = []
    for (name, shape), rate in zip(shapes, shape_rates, strict=True):
        evaluations = [evaluate(t, at=a, policy=shape) for t, a in pairs]
        shape_rows.append(
            [
                name,
                f"{sum(len(e.clocks) for e in evaluations) / count:.1f}",
                f"{sum(len(e.alerts) for e in evaluations) / count:.1f}",
                fmt_rate(rate),
                f"{1e6 / rate:.1f}",
            ]
        )
    table(["policy", "clocks", "alerts", "ops/s", "us/op"], shape_rows)
    print("\nGoals:")
    goal(f"evaluate: at least 20,000 tickets/s ({full:,.0f})", full >= 20_000)
    print(
        f"  evaluate costs {floor / full:.1f}x the floor; the floor alone allows "
        f"{floor:,.0f} tickets/s on this machine, the floor and the calendar work "
        f"{floor_and_calendar:,.0f}"
    )
    budget = 1e6 / 20_000 - 1e6 / bound
    print(
        f"  with tuples for results and no clock logic at all, the bound is "
        f"{bound:,.0f} tickets/s: at 20,000/s the logic for 20 events and "
        f"{clocks / count:.1f} clocks would have {budget:.1f} us"
    )


SECTIONS: list[Callable[[Settings], None]] = [
    calendar_add,
    calendar_elapsed,
    sla_evaluate,
]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats, for a smoke run"
    )
    parser.add_argument(
        "--section",
        action="append",
        choices=[f.__name__ for f in SECTIONS],
        help="run only this section (repeatable)",
    )
    args = parser.parse_args(argv)
    settings = (
        Settings(repeats=3, min_time=0.05, starts=16) if args.quick else Settings()
    )
    print(
        f"Python {sys.version.split()[0]}, pandas {pd.__version__}, holidays {holidays.__version__}"
    )
    print(
        f"{len(HOLIDAYS)} holidays in 2026; medians of {settings.repeats} repeats, {settings.starts} starts"
    )
    only = set(args.section or ())
    for section in SECTIONS:
        if not only or section.__name__ in only:
            section(settings)


if __name__ == "__main__":
    main()
