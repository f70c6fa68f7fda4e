"""SQLiteStore passes the storage contract, in memory and on a file, and matches MemoryStore."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskflow.storage.protocol import TicketStore
from deskflow.storage.sqlite import SQLiteStore
from deskflow.testing.contract import StoreContract, make_state_machine


class TestSQLiteInMemory(StoreContract):
    supports_search = True

    def make_store(self) -> TicketStore:
        return SQLiteStore(":memory:")


class TestSQLiteFile(StoreContract):
    durable = True
    supports_search = True

    @pytest.fixture(autouse=True)
    def _database_path(self, tmp_path: Path) -> None:
        self.path = tmp_path / "desk.db"

    def make_store(self) -> TicketStore:
        return SQLiteStore(self.path)

    def reopen_store(self) -> TicketStore:
        return SQLiteStore(self.path)


class TestSQLiteFileWithoutFullText(TestSQLiteFile):
    """The plain-table search fallback keeps the same promises."""

    def make_store(self) -> TicketStore:
        return SQLiteStore(self.path, full_text=False)


TestSQLiteMatchesMemoryStore = make_state_machine(lambda: SQLiteStore(":memory:"))
