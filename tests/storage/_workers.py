"""Code that runs in child processes of the reliability tests (spawn start method).

Kept in its own module so the children import nothing but this and deskflow.
"""

from __future__ import annotations

from multiprocessing.connection import Connection

from deskflow.errors import ConcurrencyConflict
from deskflow.storage import SQLiteStore

from .helpers import incident, with_notes


def note_text(worker: int, ticket: int, step: int) -> str:
    """The text of the note one worker adds in one step: unique per change."""
    return f"w{worker}-t{ticket}-s{step}"


def update_tickets(path: str, worker: int, tickets: int, steps: int) -> int:
    """Add ``steps`` notes to each ticket, re-reading and retrying on conflict."""
    conflicts = 0
    with SQLiteStore(path, timeout=30.0) as store:
        for step in range(steps):
            for t in range(tickets):
                while True:
                    current = store.get(f"t-{t}")
                    changed = with_notes(current, 1, text=note_text(worker, t, step))
                    try:
                        store.save(changed, expected_version=current.version)
                        break
                    except ConcurrencyConflict:
                        conflicts += 1
    return conflicts


def run_updates(
    path: str, worker: int, tickets: int, steps: int, out: Connection
) -> None:
    """Process entry point: do the updates, then report the conflicts seen."""
    out.send(update_tickets(path, worker, tickets, steps))
    out.close()


def batch(number: int, size: int) -> list:  # type: ignore[type-arg]
    """The tickets of import batch ``number``: the same in every process."""
    return [
        with_notes(incident(f"b{number:05d}-{i:03d}", minutes=number), 3)
        for i in range(size)
    ]


def bulk_import(path: str, size: int, progress: Connection) -> None:
    """Import batches forever, reporting each batch after add_many returned."""
    with SQLiteStore(path) as store:
        number = 0
        while True:
            store.add_many(batch(number, size))
            progress.send(number)
            number += 1
