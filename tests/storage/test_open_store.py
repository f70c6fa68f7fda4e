"""open_store: URLs to stores, and the deskflow.stores entry-point group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import deskflow.storage as storage_module
from deskflow.errors import ValidationError
from deskflow.storage import ENTRY_POINT_GROUP, MemoryStore, SQLiteStore, open_store


def test_memory_url() -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    with pytest.raises(ValidationError):
        open_store("memory://somewhere")


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite://:memory:", "sqlite:///:memory:"]
)
def test_sqlite_in_memory_urls(url: str) -> None:
    store = open_store(url)
    assert isinstance(store, SQLiteStore)
    assert store.path == ":memory:"
    store.close()


def test_sqlite_relative_and_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///rel.db", timeout=1.0)
    assert isinstance(store, SQLiteStore)
    store.close()
    assert (tmp_path / "rel.db").is_file()
    absolute = tmp_path / "sub dir" / "abs.db"
    absolute.parent.mkdir()
    store = open_store("sqlite:///" + str(absolute).replace(" ", "%20"))
    store.close()
    assert absolute.is_file()
    assert os.path.isabs(str(absolute))


@pytest.mark.parametrize("url", ["", "desk.db", "nosuch://x", 42])
def test_unusable_urls(url: Any) -> None:
    with pytest.raises(ValidationError) as info:
        open_store(url)
    assert info.value.path == "url"


class _EntryPoint:
    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self._value = value

    def load(self) -> Any:
        return self._value


def test_third_party_schemes_come_from_the_entry_point_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def factory(url: str, **options: Any) -> MemoryStore:
        calls.append((url, options))
        return MemoryStore()

    def fake_entry_points(*, group: str) -> list[_EntryPoint]:
        assert group == ENTRY_POINT_GROUP == "deskflow.stores"
        return [_EntryPoint("acme", factory), _EntryPoint("junk", lambda url: object())]

    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    store = open_store("acme://db.example/desk", pool=3)
    assert isinstance(store, MemoryStore)
    assert calls == [("acme://db.example/desk", {"pool": 3})]
    with pytest.raises(ValidationError, match="not a TicketStore"):
        open_store("junk://x")
    assert storage_module.open_store is open_store
