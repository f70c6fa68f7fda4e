"""``python -m deskflow``: the demo and inspection commands.

- ``demo [--db PATH]``: walk the printer case end to end and store it in an
  SQLite file (``deskflow-demo.db`` in the working directory by default).
- ``show REF [--db PATH]``: print one stored ticket's timeline, by reference
  number or id.

>>> main(["--help"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
SystemExit: 0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

DEFAULT_DB = "deskflow-demo.db"


def _demo(db: str) -> int:
    from deskflow import _demo
    from deskflow.errors import DeskflowError

    try:
        return _demo.run(db=db)
    except DeskflowError as exc:
        # A --db that cannot be opened (no such folder, not an SQLite file,
        # another application's database) is the user's to fix: say so on
        # one line, as show does, rather than with a traceback.
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _show(reference: str, db: str) -> int:
    from deskflow import _demo
    from deskflow.errors import DeskflowError, TicketNotFound
    from deskflow.storage import SQLiteStore

    if not Path(db).is_file():
        print(
            f"no database at {db}; run 'python -m deskflow demo --db {db}' first",
            file=sys.stderr,
        )
        return 1
    try:
        with SQLiteStore(db) as store:
            try:
                ticket = store.get_by_reference(reference)
            except TicketNotFound:
                ticket = store.get(reference)
    except DeskflowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{ticket.reference}  {ticket.summary}\n"
        f"  status={ticket.status.value}  priority={ticket.priority.label}  "
        f"owner={ticket.owner}  customer={ticket.customer.name}  version={ticket.version}\n"
    )
    print(_demo.format_timeline(ticket))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit status.

    >>> main(["show", "INC-0000-0000", "--db", "no-such-folder/desk.db"])
    1
    """
    parser = argparse.ArgumentParser(
        prog="python -m deskflow",
        description="The deskflow demo and inspection commands.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="walk the printer case end to end and store it")
    demo.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"SQLite file to store the case in (default: {DEFAULT_DB})",
    )
    show = sub.add_parser("show", help="print a stored ticket's timeline")
    show.add_argument("ref", help="the ticket's reference number (INC-...) or id")
    show.add_argument(
        "--db", default=DEFAULT_DB, help=f"SQLite file (default: {DEFAULT_DB})"
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo(args.db)
    if args.command == "show":
        return _show(args.ref, args.db)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2  # pragma: no cover


def _run() -> int:
    """:func:`main`, stopping quietly when the reader of the output goes away."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # ``python -m deskflow demo | head``: stop as Unix tools do, without
        # a traceback. Python flushes stdout once more at exit; point it at
        # devnull so that flush does not fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    raise SystemExit(_run())
