"""Fixtures: every storage test that takes ``store`` runs on both built-in backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskflow.storage import MemoryStore, SQLiteStore, TicketStore


@pytest.fixture(params=["memory", "sqlite-file", "sqlite-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    made: TicketStore
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite-file":
        made = SQLiteStore(tmp_path / "desk.db")
    else:
        made = SQLiteStore(":memory:")
    yield made
    made.close()
