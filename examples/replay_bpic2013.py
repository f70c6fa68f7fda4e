"""Replay the BPI Challenge 2013 incident log (Volvo IT, VINST) through deskflow.

Reads ../shared/data/bpic2013/bpic2013_incidents.csv (relative to the
repository root; DOI 10.4121/uuid:500573e6-accc-4b0c-9576-aa5468b10cee),
replays all 7,554 cases with the default incident lifecycle, then again
inferring the confirmations VINST does not log, and prints both reports and
one replayed case. If the data folder is absent it says so and exits 0.

Run: python examples/replay_bpic2013.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from deskflow.importers import bpic2013


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    path = root / bpic2013.DATA_PATH
    if not path.is_file():
        print(
            f"BPI Challenge 2013 data not found at {path}; nothing to replay.\n"
            "Place the shared data folder next to the repository to run this example."
        )
        return 0
    cases = bpic2013.read_cases(path)

    report = bpic2013.replay(cases)
    print(report.format())
    for count in report.rejected:
        rule = bpic2013.RULES_BY_ID[count.rule]
        print(f"  - {rule.id}: {rule.title}")
    print()
    print("With the user's acceptance inferred for closes before the quiet period:")
    print(bpic2013.replay(cases, infer_confirmation=True).format())

    print()
    result = bpic2013.replay_case(cases["1-580987781"])
    ticket = result.ticket
    print(f"Case 1-580987781: {ticket!r}")
    for event in ticket.timeline:
        detail = getattr(event, "reason", "") or getattr(event, "group", "") or ""
        detail = getattr(detail, "value", detail)
        status = event.status.value if event.status else ""
        print(
            f"  {event.at.isoformat()}  {event.type:<14} {status:<12} "
            f"{event.actor:<10} {detail}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
