"""Keep tickets in an SQLite file: add, save with retry, query, page, export.

Run with ``python examples/storage_sqlite.py``; it works in a temporary
directory and prints what each step did.
"""

from __future__ import annotations

import io
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from deskflow import Asset, Customer, Impact, Incident, Note, Urgency
from deskflow.errors import ConcurrencyConflict
from deskflow.storage import (
    MemoryStore,
    SQLiteStore,
    TicketQuery,
    export_jsonl,
    import_jsonl,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ALICE = Customer(id="c-alice", name="Alice Moreau")
PRINTER = Asset(serial="CN-4821-X", model="LaserJet M404dn")


def open_case(ticket_id: str, days: int) -> Incident:
    return Incident.open(
        id=ticket_id,
        summary="Desktop printer not responding",
        customer=ALICE,
        asset=PRINTER,
        impact=Impact.LOW,
        urgency=Urgency.MEDIUM,
        at=T0 + timedelta(days=days),
        actor="a-sam",
    )


def add_note_with_retry(
    store: SQLiteStore, ticket_id: str, text: str, at: datetime
) -> int:
    """Read, change, save; on a conflict, read again. Returns the attempts made."""
    attempts = 0
    while True:
        attempts += 1
        current = store.get(ticket_id)
        changed = current.add_note(Note(author="a-sam", at=at, text=text))
        try:
            store.save(changed, expected_version=current.version)
            return attempts
        except ConcurrencyConflict:
            continue


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "desk.db"
        with SQLiteStore(path) as store:
            # The same unit came back three times: previous cases show it.
            store.add_many(open_case(f"inc-{n}", days=30 * n) for n in range(3))
            print(
                f"stored {store.count()} tickets in {path.name} ({store.journal_mode} mode)"
            )

            # A second connection (another process, say) saves first.
            latest = "inc-2"
            read = store.get(latest)
            with SQLiteStore(path) as other:
                other.save(
                    read.start_work(at=read.updated_at, actor="a-tom"),
                    expected_version=read.version,
                )
            try:
                store.save(
                    read.assign(assignee="a-sam", at=read.updated_at, actor="a-sam"),
                    expected_version=read.version,
                )
            except ConcurrencyConflict as exc:
                print(f"conflict: {exc}")
            attempts = add_note_with_retry(
                store, latest, "third return of this printer", T0 + timedelta(days=61)
            )
            print(
                f"note saved after {attempts} attempt(s); version {store.get(latest).version}"
            )

            history = store.find(TicketQuery(asset_serial=PRINTER.serial, limit=2))
            print(
                "previous cases of",
                PRINTER.serial,
                [t.reference for t in history.items],
            )
            rest = store.find(
                TicketQuery(
                    asset_serial=PRINTER.serial, limit=2, after=history.next_cursor
                )
            )
            print("next page:", [t.reference for t in rest.items])
            print(
                "search 'third return':", [t.id for t in store.search("third return")]
            )

            backup = io.StringIO()
            print(f"exported {export_jsonl(store, backup)} tickets as JSON Lines")
        copy = MemoryStore()
        print(
            f"imported {import_jsonl(copy, io.StringIO(backup.getvalue()))} into memory"
        )


if __name__ == "__main__":
    main()
