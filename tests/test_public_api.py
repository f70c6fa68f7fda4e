"""The package face: a pinned, sorted ``__all__`` and a light import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import deskflow

EXPECTED = [
    "Agent",
    "ArticleRef",
    "Asset",
    "BusinessContext",
    "Clock",
    "Customer",
    "DeskflowError",
    "FixedClock",
    "Handoff",
    "HoldReason",
    "Impact",
    "Incident",
    "IncompleteHandoff",
    "InvalidTransition",
    "Lifecycle",
    "Note",
    "Priority",
    "PriorityMatrix",
    "Problem",
    "ServiceRequest",
    "Status",
    "Step",
    "StepOutcome",
    "SystemClock",
    "Ticket",
    "TicketKind",
    "TicketNotFound",
    "Tier",
    "Urgency",
    "ValidationError",
    "dumps",
    "from_dict",
    "loads",
    "to_dict",
]


def test_all_is_pinned_and_sorted() -> None:
    assert deskflow.__all__ == EXPECTED
    assert sorted(deskflow.__all__) == deskflow.__all__


def test_every_public_name_exists_and_has_a_docstring() -> None:
    for name in deskflow.__all__:
        obj = getattr(deskflow, name)
        assert obj.__doc__, f"{name} has no docstring"


def test_import_is_light() -> None:
    code = (
        "import sys, deskflow; heavy = {'hypothesis', 'pandas', 'sqlite3', 'holidays', 'numpy'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_demo_stops_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    # ``python -m deskflow demo | head -1``: the pipe closes before the demo
    # has printed everything.
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskflow", "demo"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err, err
    assert "BrokenPipeError" not in err, err
    assert (tmp_path / "deskflow-demo.db").is_file()


def test_demo_runs_from_the_command_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "deskflow", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "closed" in out.stdout
    # The printer case shows its SLA clocks at each step.
    printer_case = out.stdout.split("Timeline:")[0]
    steps = printer_case.split("\n* ")[1:]
    assert len(steps) >= 5
    for step in steps:
        assert "SLA: resolution " in step, step
    assert "SLA: update " in printer_case
    assert "escalation " in printer_case
    assert (tmp_path / "deskflow-demo.db").is_file()
    again = subprocess.run(
        [sys.executable, "-m", "deskflow", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "already stored" in again.stdout
