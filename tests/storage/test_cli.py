"""``python -m deskflow demo --db`` and ``show``: the demo case goes through the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskflow.__main__ import main
from deskflow.storage import SQLiteStore


def test_demo_stores_the_case_and_a_second_run_loads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--db", db]) == 0
    first = capsys.readouterr().out
    assert "Saved INC-" in first
    with SQLiteStore(db) as store:
        (ticket,) = store.iter_all()
        assert ticket.status.value == "closed"
        # Every step was saved as it happened: the events are all there, in order.
        assert [e.type for e in store.timeline(ticket.id)][:2] == [
            "opened",
            "note_added",
        ]
    assert main(["demo", "--db", db]) == 0
    second = capsys.readouterr().out
    assert "already stored" in second
    assert ticket.reference in second
    with SQLiteStore(db) as store:
        assert store.count() == 1

    assert main(["show", ticket.reference, "--db", db]) == 0
    shown = capsys.readouterr().out
    assert ticket.reference in shown
    assert "closed" in shown
    assert main(["show", ticket.id, "--db", db]) == 0


def test_show_reports_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "none.db")
    assert main(["show", "INC-0000-0000", "--db", db]) == 1
    assert "no database" in capsys.readouterr().err
    assert not Path(db).exists()
    SQLiteStore(db).close()
    assert main(["show", "INC-0000-0000", "--db", db]) == 1
    assert "no ticket" in capsys.readouterr().err


def test_demo_with_an_unusable_db_prints_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("shopping list\n", encoding="utf-8")
    before = not_sqlite.read_bytes()
    for db in (tmp_path / "nope" / "x.db", not_sqlite, tmp_path):
        assert main(["demo", "--db", str(db)]) == 1
        captured = capsys.readouterr()
        (line,) = captured.err.splitlines()
        assert line.startswith("error: ")
        assert str(db) in line
        assert "Traceback" not in captured.err
        assert "Saved" not in captured.out
    assert not (tmp_path / "nope").exists()
    assert not_sqlite.read_bytes() == before
    assert main(["show", "INC-0000-0000", "--db", str(not_sqlite)]) == 1
    assert capsys.readouterr().err.startswith("error: ")
