"""How fast SQLiteStore is next to raw ``sqlite3`` on the same schema.

Side by side, in one process, on files in a temporary directory:

- bulk import: ``SQLiteStore.add_many`` of N tickets (5 events each) vs raw
  ``executemany`` of the very same rows (already serialized) into the same
  schema: the physical limit. Goal >= 50 % of raw.
- one save (one new event) on a ticket with 5 events vs one with 500:
  goal ratio <= 1.5 (a save must not cost more with a longer history).
- one save vs a raw single-row INSERT + COMMIT in the same journal mode
  (WAL, synchronous=NORMAL): goal >= 50 % of raw.
- get by id (the full typed ticket) and a customer's previous cases (50 of
  N tickets): p50 and p99. Goals: p99 <= 1 ms and <= 10 ms.
- file size per ticket.

N is 100,000 by default and 1,000,000 with ``--large``. Run with::

    python benchmarks/storage.py [--large] [--tickets N]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs

from deskflow import Asset, Customer, Impact, Incident, Note, Urgency
from deskflow.storage import SQLiteStore, TicketQuery
from deskflow.storage import _common as common
from deskflow.storage import sqlite as sqlite_backend
from deskflow.tickets.model import Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PER_CUSTOMER = 50
BATCH = 10_000


def template() -> Incident:
    """A typical ticket: opened, assigned, work started, a note, resolved (5 events)."""
    t = Incident.open(
        id="template",
        summary="Desktop printer not responding",
        description="Print jobs stay queued; the printer shows Ready.",
        customer=Customer(id="c-0", name="Alice Moreau", email="alice@example.edu"),
        asset=Asset(serial="CN-4821-X", model="LaserJet M404dn"),
        impact=Impact.LOW,
        urgency=Urgency.MEDIUM,
        at=T0,
        actor="a-sam",
        group="service-desk",
    )
    t = t.assign(assignee="a-sam", at=T0 + timedelta(minutes=1), actor="a-sam")
    t = t.start_work(at=T0 + timedelta(minutes=2), actor="a-sam")
    t = t.add_note(
        Note(author="a-sam", at=T0 + timedelta(minutes=5), text="cleared the queue")
    )
    return t.resolve(
        resolution="replaced the network cable",
        articles=(),
        at=T0 + timedelta(minutes=20),
        actor="a-sam",
    )


def generate(n: int) -> list[Ticket]:
    """``n`` tickets varied from the template: ids, references, customers, instants."""
    base = template()
    customers = [
        Customer(id=f"c-{i}", name=f"Customer {i}")
        for i in range(max(1, n // PER_CUSTOMER))
    ]
    out: list[Ticket] = []
    for i in range(n):
        delta = timedelta(seconds=37 * i)
        ticket_id = f"t-{i:07d}"
        customer = customers[i % len(customers)]
        events = tuple(attrs.evolve(e, at=e.at + delta) for e in base.timeline)
        events = (
            attrs.evolve(
                events[0],
                ticket_id=ticket_id,
                reference=f"INC-{i:08d}",
                customer=customer,
            ),
            *events[1:],
        )
        out.append(
            attrs.evolve(
                base,
                id=ticket_id,
                reference=f"INC-{i:08d}",
                customer=customer,
                opened_at=base.opened_at + delta,
                updated_at=base.updated_at + delta,
                timeline=events,
            )
        )
    return out


def rows_for(store: SQLiteStore, tickets: Sequence[Ticket]) -> list[tuple[list, ...]]:  # type: ignore[type-arg]
    """The rows add_many writes, serialized ahead of time, batch by batch."""
    batches = []
    for start in range(0, len(tickets), BATCH):
        heads, events, texts = [], [], []
        for t in tickets[start : start + BATCH]:
            heads.append(store._head(t))
            rows, _ = store._event_rows(t, 0)
            events.extend(rows)
            texts.append((t.id, sqlite_backend._fold_text(common.searchable_texts(t))))
        batches.append((heads, events, texts))
    return batches


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def save_chain(ticket: Ticket, count: int) -> list[Ticket]:
    """``ticket`` and ``count`` successors, each with one more note event."""
    chain = [ticket]
    at = ticket.updated_at
    for i in range(count):
        at += timedelta(seconds=1)
        chain.append(
            chain[-1].add_note(Note(author="a-sam", at=at, text=f"update {i}"))
        )
    return chain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="1,000,000 tickets")
    parser.add_argument("--tickets", type=int, default=None)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument(
        "--plain-text",
        action="store_true",
        help="search text in a plain LIKE table instead of an FTS5 index",
    )
    args = parser.parse_args()
    n = args.tickets or (1_000_000 if args.large else 100_000)

    started = time.perf_counter()
    tickets = generate(n)
    # The generated tickets stay alive all run; keep the collector off them,
    # as an application that does not hold 100,000 tickets in memory would.
    gc.collect()
    gc.freeze()
    print(
        f"generated {n:,} tickets (5 events each, {PER_CUSTOMER} per customer) "
        f"in {time.perf_counter() - started:.1f} s; sqlite {sqlite3.sqlite_version}; "
        f"search text: {'plain LIKE table' if args.plain_text else 'FTS5 trigram'}"
    )
    results: list[tuple[str, str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        # -- bulk import ------------------------------------------------------
        store = SQLiteStore(Path(tmp) / "desk.db", full_text=not args.plain_text)
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            store.add_many(tickets[i : i + BATCH])
        ours = n / (time.perf_counter() - start)

        raw_path = Path(tmp) / "raw.db"
        SQLiteStore(raw_path, full_text=not args.plain_text).close()  # same schema
        batches = rows_for(store, tickets)
        conn = raw_connection(raw_path)
        start = time.perf_counter()
        for heads, events, texts in batches:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(sqlite_backend._INSERT_HEAD, heads)
            conn.executemany(sqlite_backend._INSERT_EVENT, events)
            conn.executemany(sqlite_backend._INSERT_TEXT, texts)
            conn.execute("COMMIT")
        raw = n / (time.perf_counter() - start)
        conn.close()
        del batches
        results.append(
            (
                f"bulk import {n:,} tickets",
                f"{ours:,.0f} tickets/s",
                f"{raw:,.0f} tickets/s",
                f"{ours / raw:.0%} of raw",
                ">= 50%",
            )
        )

        # -- one save: short vs long history ------------------------------------
        saves = 200
        short = save_chain(tickets[0], saves)
        long_base = save_chain(tickets[1], 495)[-1]
        store.save(long_base, expected_version=tickets[1].version)
        long = save_chain(long_base, saves)

        def run_saves(chain: list[Ticket]) -> list[float]:
            out = []
            for prev, nxt in itertools.pairwise(chain):
                start = time.perf_counter()
                store.save(nxt, expected_version=prev.version)
                out.append(time.perf_counter() - start)
            return out

        t5 = statistics.median(run_saves(short))
        t500 = statistics.median(run_saves(long))
        results.append(
            (
                "one save: 5-event vs 500-event ticket",
                f"{t5 * 1e6:,.0f} µs",
                f"{t500 * 1e6:,.0f} µs",
                f"{t500 / t5:.2f}x",
                "<= 1.5x",
            )
        )

        # -- one save vs raw single-row insert + commit -------------------------
        conn = raw_connection(Path(tmp) / "raw.db")
        seq = iter(range(10, 10_000_000))

        def raw_insert() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                sqlite_backend._INSERT_EVENT,
                ("t-0000000", next(seq), "note_added", 0, '{"type":"note_added"}'),
            )
            conn.execute("COMMIT")

        raw_save = statistics.median(timed(raw_insert, saves))
        conn.close()
        results.append(
            (
                "one save vs raw INSERT + COMMIT (WAL)",
                f"{1 / t5:,.0f} saves/s",
                f"{1 / raw_save:,.0f} inserts/s",
                f"{raw_save / t5:.0%} of raw",
                ">= 50%",
            )
        )

        # -- reads ---------------------------------------------------------------
        rng = random.Random(7)
        ids = [tickets[rng.randrange(2, n)].id for _ in range(args.samples)]
        gets = []
        for ticket_id in ids:
            start = time.perf_counter()
            store.get(ticket_id)
            gets.append(time.perf_counter() - start)
        results.append(
            (
                "get by id (typed ticket, 5 events)",
                f"p50 {percentile(gets, 50) * 1e3:.3f} ms",
                f"p99 {percentile(gets, 99) * 1e3:.3f} ms",
                "",
                "p99 <= 1 ms",
            )
        )
        customers = max(1, n // PER_CUSTOMER)
        history = []
        for _ in range(max(50, args.samples // 10)):
            query = TicketQuery(customer_id=f"c-{rng.randrange(customers)}", limit=50)
            start = time.perf_counter()
            page = store.find(query)
            history.append(time.perf_counter() - start)
            assert len(page.items) == PER_CUSTOMER or n < PER_CUSTOMER * 2
        results.append(
            (
                f"customer's previous cases (50 of {n:,})",
                f"p50 {percentile(history, 50) * 1e3:.2f} ms",
                f"p99 {percentile(history, 99) * 1e3:.2f} ms",
                "",
                "p99 <= 10 ms",
            )
        )
        store.close()
        check = sqlite3.connect(Path(tmp) / "desk.db")
        check.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        check.close()
        size = os.path.getsize(Path(tmp) / "desk.db")
        results.append(
            (
                "file size per ticket",
                f"{size / n:,.0f} bytes",
                f"{size / 2**20:,.0f} MiB total",
                "",
                "",
            )
        )

    header = ("measurement", "deskflow", "raw / peer", "ratio", "goal")
    widths = [max(len(row[i]) for row in [header, *results]) for i in range(5)]
    line = " | ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print("-+-".join("-" * w for w in widths))
    for row in results:
        print(line.format(*row))


if __name__ == "__main__":
    main()
