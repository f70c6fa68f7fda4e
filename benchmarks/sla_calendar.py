"""Business-time arithmetic: deskflow against pandas and businesstime, side by side.

Run from the repository root (needs the ``bench`` extra):

    .venv/bin/python benchmarks/sla_calendar.py [--quick]

It first prints which build of deskflow runs: ``deskflow.sla`` and
``deskflow.calendars`` are compiled by Cython when deskflow is installed
(``deskflow.sla.COMPILED``, and the ``.so`` files named), or run as their
``.py`` source.

Section 3 times ``deskflow.sla.evaluate`` on 20-event tickets (no peer
library evaluates SLA clocks from a timeline, so it prints its rate next to
the calendar operations it is built on, a machine reference, and a bound
for any pure-Python evaluation: reading the events, the same calendar
calls, and named tuples for the results, with no clock logic), and the
same tickets under smaller policies, down to one with no targets at all.
When the compiled build is installed, every row is measured on both builds
of the same source, side by side with their ratio: the compiled one in this
process, the pure-Python one in a child process started with
``DESKFLOW_PURE_PYTHON=1`` (one after the other, so those ratios are not
interleaved); the goal judges the build installed. The calendar calls
evaluate makes are recorded on the pure-Python build (the compiled
``_Tables`` cannot be patched; the same source makes the same calls) and
replayed alone on each; the floor and calendar rows are Python loops on
both builds, so on the compiled one they do not bound its evaluate, which
makes those calls from C. Without a compiled build (or with
``DESKFLOW_PURE_PYTHON`` set, to measure the pure-Python build only) the
section prints the pure-Python rows alone:

    DESKFLOW_PURE_PYTHON=1 .venv/bin/python benchmarks/sla_calendar.py

Each section measures one operation in one process (section 3, one process
per build), prints operations per CPU second (the median of several
repeats) for every library that can express the case, the ratio
deskflow/peer, the goals, and every case where a peer disagrees with
deskflow and why. Sections are plain functions listed in
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
import hashlib
import importlib.machinery
import json
import os
import random
import statistics
import subprocess
import sys
import textwrap
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from types import ModuleType
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


def say(text: str) -> None:
    """Print a paragraph of notes, wrapped."""
    print(textwrap.fill(text, width=88, subsequent_indent="  "))


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


# What the section prints for each build, in table order: a key and a label.
# "floor_calendar" and "bound" are derived from the rows they combine.
_SLA_ROWS = (
    ("full", "evaluate (with alerts)"),
    ("sub_second", "evaluate, sub-second instants"),
    ("states", "evaluate (alerts=False)"),
    ("floor", "floor: read events, build results"),
    ("calendar", "calendar work alone (the recorded calls, replayed)"),
    ("floor_calendar", "floor + calendar work"),
    ("tuple_floor", "floor with tuples for results"),
    ("bound", "floor with tuples + calendar work: the bound"),
    ("elapsed", "calendar.elapsed"),
)
# The _Tables methods evaluate() calls for its calendar arithmetic.
_TABLE_CALLS = ("clock_at", "first_reaching", "add")


@dataclass
class _SlaFigures:
    """What :func:`_sla_measure` found in one process, for one build of deskflow.

    Plain values only, so that a child process can hand it over as JSON.
    """

    compiled: bool  # deskflow.sla.COMPILED in the process that measured
    file: str  # the deskflow.sla module file it ran
    clocks: float  # clock reports per ticket
    alerts: float  # alerts per ticket
    digest: str  # sha256 of the repr of every evaluation measured
    rates: dict[str, float]  # _SLA_ROWS key -> operations per CPU second
    shapes: list[tuple[str, float, float, float]]  # policy, clocks, alerts, rate
    reference: float  # sum(range(100)) per second
    calls: dict[str, Any]  # the recorded calendar calls (see _record_calls)
    mismatches: int  # replayed calls that did not return what was recorded


def _module_file(module: ModuleType) -> str:
    return os.path.relpath(str(module.__file__))


def _compiled_build_present() -> bool:
    """Whether a compiled deskflow.sla sits beside ``sla.py``, loaded or not."""
    from deskflow import sla

    here = Path(sla.__file__).parent
    return any(
        (here / f"sla{suffix}").exists()
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )


def _record_calls(policy: Any, pairs: Sequence[tuple[Any, datetime]]) -> dict[str, Any]:
    """The calendar calls ``evaluate`` makes over ``pairs``, with what each returned.

    Pure-Python build only: the compiled ``_Tables`` is an extension type
    whose methods cannot be replaced, and the compiled ``evaluate`` calls
    them (and ``sla._datetime``) from C. Both builds run the same source,
    so they make the same calls. A call made inside a recorded call
    (``add`` ends in ``first_reaching``) is not recorded: replaying the
    outer call makes it again.

    Tables are named by calendar and years, zones by key, and instants are
    integers, so the result crosses processes as JSON.
    """
    from deskflow import calendars, sla

    tables_cls = calendars._Tables
    originals = {name: getattr(tables_cls, name) for name in _TABLE_CALLS}
    original_datetime = sla._datetime
    recorded: dict[str, list[tuple[tuple[Any, ...], Any]]] = {
        name: [] for name in (*_TABLE_CALLS, "_datetime")
    }
    depth = 0

    def recording(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        calls = recorded[name]

        def wrapper(*args: Any) -> Any:
            nonlocal depth
            if depth:
                return fn(*args)
            depth += 1
            try:
                result = fn(*args)
            finally:
                depth -= 1
            calls.append((args, result))
            return result

        return wrapper

    for name in _TABLE_CALLS:
        setattr(tables_cls, name, recording(name, originals[name]))
    sla._datetime = recording("_datetime", original_datetime)
    try:
        for t, a in pairs:
            sla.evaluate(t, at=a, policy=policy)
    finally:
        for name in _TABLE_CALLS:
            setattr(tables_cls, name, originals[name])
        sla._datetime = original_datetime

    cores = [(c.name, c.calendar._core) for c in policy.calendars]
    keys: list[tuple[str, int, int]] = []
    index: dict[int, int] = {}

    def key(tables: Any) -> int:
        found = index.get(id(tables))
        if found is None:
            # every _Tables of a calendar shares its core's template lists
            name = next(n for n, core in cores if tables.t_starts is core.t_starts)
            found = index[id(tables)] = len(keys)
            keys.append((name, tables.year_low, tables.year_high))
        return found

    def zone(tz: Any) -> str:
        if not isinstance(tz, ZoneInfo):
            raise TypeError(f"cannot record a call with time zone {tz!r}")
        return tz.key

    out: dict[str, Any] = {
        name: [(key(args[0]), *args[1:], result) for args, result in recorded[name]]
        for name in _TABLE_CALLS
    }
    out["_datetime"] = [
        (u, zone(tz), result.isoformat(), result.fold)
        for (u, tz), result in recorded["_datetime"]
    ]
    out["tables"] = keys
    return out


def _replay(
    policy: Any, calls: dict[str, Any]
) -> tuple[Callable[[], None], Callable[[], int]]:
    """The recorded ``calls`` on this process's build: (replay them, count mismatches).

    The tables are this process's own for the same calendar and years (the
    ones evaluate left, or fresh ones when it dropped them); the methods are
    called through the class, as the recording saw them.
    """
    from deskflow import calendars, sla

    cores = {c.name: c.calendar._core for c in policy.calendars}

    def tables_for(name: str, low: int, high: int) -> Any:
        core = cores[name]
        for tables in (core.tables, *core.spare_tables):
            if tables is not None and (tables.year_low, tables.year_high) == (
                low,
                high,
            ):
                return tables
        return calendars._Tables(core, low, high)

    tables = [tables_for(*k) for k in calls["tables"]]
    clock_at_calls = [(tables[t], u) for t, u, _ in calls["clock_at"]]
    first_reaching_calls = [(tables[t], x) for t, x, _ in calls["first_reaching"]]
    add_calls = [(tables[t], u, d) for t, u, d, _ in calls["add"]]
    datetime_calls = [(u, ZoneInfo(z)) for u, z, _, _ in calls["_datetime"]]
    clock_at, first_reaching, add = (
        getattr(calendars._Tables, name) for name in _TABLE_CALLS
    )
    to_datetime = sla._datetime

    def run() -> None:
        for t, u in clock_at_calls:
            clock_at(t, u)
        for t, x in first_reaching_calls:
            first_reaching(t, x)
        for t, u, d in add_calls:
            add(t, u, d)
        for u, tz in datetime_calls:
            to_datetime(u, tz)

    def mismatches() -> int:
        wrong = sum(
            clock_at(t, u) != r
            for (t, u), (*_, r) in zip(clock_at_calls, calls["clock_at"], strict=True)
        )
        wrong += sum(
            first_reaching(t, x) != r
            for (t, x), (*_, r) in zip(
                first_reaching_calls, calls["first_reaching"], strict=True
            )
        )
        wrong += sum(
            add(t, u, d) != r
            for (t, u, d), (*_, r) in zip(add_calls, calls["add"], strict=True)
        )
        for (u, tz), (*_, iso, fold) in zip(
            datetime_calls, calls["_datetime"], strict=True
        ):
            got: datetime = to_datetime(u, tz)
            wrong += (got.isoformat(), got.fold) != (iso, fold)
        return int(wrong)

    return run, mismatches


def _sla_measure(settings: Settings, calls: dict[str, Any] | None) -> _SlaFigures:
    """Every figure of the sla_evaluate section, on the build this process runs.

    ``calls`` are the calendar calls to replay, recorded by a pure-Python
    run; ``None`` records them here (pure-Python build only).
    """
    from deskflow import sla
    from deskflow.sla import (  # _new_*: the constructors evaluate() uses
        Evaluation,
        _new_alert,
        _new_report,
        default_policy,
        evaluate,
    )

    policy = default_policy(ZONE)
    rng = random.Random(11)
    count = settings.starts * 8
    tickets = [_sla_ticket(rng, n) for n in range(count)]
    # at the last event (clocks stopped) and a day later (a mix with running ones)
    pairs = [(t, t.updated_at + timedelta(days=i % 2)) for i, t in enumerate(tickets)]
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
    # the results (sla._datetime). Recorded on one pass over all the tickets
    # (by the pure-Python build, here or in a child process), then replayed
    # alone: the same calls with the same arguments.
    if calls is None:
        if sla.COMPILED:
            raise SystemExit(
                "the calendar calls can only be recorded on the pure-Python build"
            )
        calls = _record_calls(policy, pairs)
    replay, count_mismatches = _replay(policy, calls)

    def run_calendar_work() -> int:
        replay()
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
    shape_rows = []
    for (name, shape), rate in zip(shapes, shape_rates, strict=True):
        evaluations = [evaluate(t, at=a, policy=shape) for t, a in pairs]
        shape_rows.append(
            (
                name,
                sum(len(e.clocks) for e in evaluations) / count,
                sum(len(e.alerts) for e in evaluations) / count,
                rate,
            )
        )
    return _SlaFigures(
        compiled=sla.COMPILED,
        file=_module_file(sla),
        clocks=sum(len(e.clocks) for e in results) / count,
        alerts=sum(len(e.alerts) for e in results) / count,
        digest=hashlib.sha256(repr(results).encode()).hexdigest(),
        rates={
            "full": full,
            "sub_second": sub_second,
            "states": states,
            "floor": floor,
            "calendar": calendar_work,
            "floor_calendar": 1 / (1 / floor + 1 / calendar_work),
            "tuple_floor": tuple_floor,
            "bound": 1 / (1 / tuple_floor + 1 / calendar_work),
            "elapsed": ops_per_second(run_elapsed, settings),
        },
        shapes=shape_rows,
        reference=ops_per_second(run_reference, settings),
        calls=calls,
        mismatches=count_mismatches(),
    )


def _sla_pure_child(settings: Settings) -> _SlaFigures:
    """:func:`_sla_measure` on the pure-Python build, in a child process."""
    done = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--section",
            "sla_evaluate",
            "--child-rows",
            json.dumps(asdict(settings)),
        ],
        env={**os.environ, "DESKFLOW_PURE_PYTHON": "1"},
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    )
    return _SlaFigures(**json.loads(done.stdout))


def sla_evaluate(settings: Settings) -> None:
    from deskflow import sla
    from deskflow._loader import pure_python_requested

    print("\n== sla.evaluate(ticket, at=...): every clock of a 20-event ticket ==")
    count = settings.starts * 8
    if sla.COMPILED:
        # the pure build first: it records the calendar calls both replay
        child = _sla_pure_child(settings)
        figures = [_sla_measure(settings, child.calls), child]
        names = ["compiled", "pure"]
        judged = "the compiled build (installed)"
        missing = ""
    else:
        figures = [_sla_measure(settings, None)]
        names = ["pure"]
        judged = "the pure-Python build"
        if not _compiled_build_present():
            missing = "the compiled build is not installed"
        elif pure_python_requested():
            missing = "the compiled build is installed: DESKFLOW_PURE_PYTHON is set"
        else:
            missing = (
                "the compiled build is installed but not loaded: the source "
                "changed after the build (see the warning)"
            )
    mine = figures[0]
    calls = mine.calls
    per_ticket = {
        k: len(calls[k]) / count for k in (*_TABLE_CALLS, "_datetime")
    }  # the calls are recorded over one pass of the tickets
    print(
        f"{count} tickets x 20 events, {mine.clocks:.1f} clock reports and "
        f"{mine.alerts:.1f} alerts each"
    )
    for name, f in zip(names, figures, strict=True):
        where = (
            "this process" if f is mine else "a child process, DESKFLOW_PURE_PYTHON=1"
        )
        print(f"  {name} build: {f.file} ({where})")
    if missing:
        print(f"  {missing}")
    replayed = sum(len(calls[k]) for k in (*_TABLE_CALLS, "_datetime"))
    say(
        f"calendar work: per ticket, evaluate asks for {per_ticket['clock_at']:.1f} "
        f"positions (_Tables.clock_at), {per_ticket['first_reaching']:.1f} deadlines "
        f"(first_reaching), {per_ticket['add']:.1f} next open (add) and "
        f"{per_ticket['_datetime']:.1f} datetimes (sla._datetime); recorded on the "
        "pure-Python build (the same source makes the same calls), replayed alone "
        "on each build"
    )
    for name, f in zip(names, figures, strict=True):
        print(
            f"  {name}: {replayed - f.mismatches} of {replayed} replayed calls "
            "return what they returned when recorded"
        )
    if len(figures) == 2:
        same = figures[0].digest == figures[1].digest
        print(
            f"the two builds' evaluations of the {count} tickets are "
            f"{'equal (same repr)' if same else 'NOT EQUAL (their reprs differ)'}"
        )
    header = ["operation"]
    for name in names:
        header += [f"{name} ops/s", "us/op", "elapsed calls"]
    if len(figures) == 2:
        header.append("compiled/pure")
    rows = []
    for key, text in _SLA_ROWS:
        row = [text]
        for f in figures:
            rate = f.rates[key]
            row += [
                fmt_rate(rate),
                f"{1e6 / rate:.1f}",
                f"{f.rates['elapsed'] / rate:.1f}",
            ]
        if len(figures) == 2:
            row.append(f"{figures[0].rates[key] / figures[1].rates[key]:.2f}x")
        rows.append(row)
    table(header, rows)
    if len(figures) == 2:
        say(
            "Each build's rows ran in its own process, one after the other: the "
            "ratios across builds are not interleaved like the others (compare "
            "the machine references). In the compiled column the floor and "
            "calendar rows are the same Python loops calling the compiled "
            "constructors, _Tables methods and sla._datetime; the compiled "
            "evaluate makes those calls from C, so they bound only a pure-Python "
            "evaluate."
        )
    print(
        "machine reference: sum(range(100)) "
        + ", ".join(
            f"{f.reference:,.0f}/s ({name})"
            for name, f in zip(names, figures, strict=True)
        )
        + " (about 1,000,000/s on a current laptop, idle)"
    )
    print("\nThe same tickets under smaller policies (where the time goes):")
    header = ["policy", "clocks", "alerts"]
    for name in names:
        header += [f"{name} ops/s", "us/op"]
    if len(figures) == 2:
        header.append("compiled/pure")
    rows = []
    for index, (policy, clocks, alerts, _) in enumerate(mine.shapes):
        row = [policy, f"{clocks:.1f}", f"{alerts:.1f}"]
        rates = [f.shapes[index][3] for f in figures]
        for rate in rates:
            row += [fmt_rate(rate), f"{1e6 / rate:.1f}"]
        if len(figures) == 2:
            row.append(f"{rates[0] / rates[1]:.2f}x")
        rows.append(row)
    table(header, rows)
    print("\nGoals:")
    full = mine.rates["full"]
    goal(
        f"evaluate: at least 20,000 tickets/s, on {judged} ({full:,.0f})",
        full >= 20_000,
    )
    pure = figures[-1].rates  # the pure-Python build's
    print(
        f"  pure Python: evaluate costs {pure['floor'] / pure['full']:.1f}x the floor; "
        f"the floor alone allows {pure['floor']:,.0f} tickets/s on this machine, the "
        f"floor and the calendar work {pure['floor_calendar']:,.0f}"
    )
    budget = 1e6 / 20_000 - 1e6 / pure["bound"]
    print(
        f"  with tuples for results and no clock logic at all, the bound for any "
        f"pure-Python evaluate is {pure['bound']:,.0f} tickets/s: at 20,000/s the "
        f"logic for 20 events and {mine.clocks:.1f} clocks would have {budget:.1f} us"
    )
    if len(figures) == 2:
        print(
            f"  compiled: evaluate runs {full / pure['full']:.2f}x as fast as the "
            f"pure-Python build, {full / pure['bound']:.2f}x that bound"
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
    # internal: sla_evaluate's pure-Python rows, printed as JSON, for the
    # process that runs the compiled build (the value is the Settings)
    parser.add_argument("--child-rows", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_rows is not None:
        figures = _sla_measure(Settings(**json.loads(args.child_rows)), None)
        print(json.dumps(asdict(figures)))
        return
    settings = (
        Settings(repeats=3, min_time=0.05, starts=16) if args.quick else Settings()
    )
    from deskflow import calendars, sla

    print(
        f"Python {sys.version.split()[0]}, pandas {pd.__version__}, holidays {holidays.__version__}"
    )
    print(
        f"deskflow {'compiled' if sla.COMPILED else 'pure-Python'} build "
        f"(deskflow.sla.COMPILED = {sla.COMPILED}): {_module_file(sla)}, "
        f"{_module_file(calendars)}"
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
