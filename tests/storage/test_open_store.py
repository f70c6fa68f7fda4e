"""open_store: URLs to stores, and the deskflow.stores entry-point group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import deskflow.storage as storage_module
from deskflow.errors import StorageError, ValidationError
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


@pytest.mark.parametrize("name", ["timeot", "journal", "path", "mode"])
def test_an_unknown_sqlite_option_is_named(name: str, tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    with pytest.raises(ValidationError) as info:
        open_store(f"sqlite:///{db}", **{name: 3})
    assert info.value.path == name
    for known in ("timeout", "durable", "full_text", "converter"):
        assert known in str(info.value)
    assert not db.exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", "3"),
        ("timeout", -1),
        ("timeout", -0.5),
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", True),
        ("timeout", None),
        ("durable", "yes"),
        ("durable", 1),
        ("full_text", None),
        ("converter", "json"),
    ],
)
def test_a_wrong_sqlite_option_value_is_named_and_nothing_is_created(
    option: str, value: Any, tmp_path: Path
) -> None:
    db = tmp_path / "desk.db"
    for make in (
        lambda: open_store(f"sqlite:///{db}", **{option: value}),
        lambda: SQLiteStore(db, **{option: value}),
    ):
        with pytest.raises(ValidationError) as info:
            make()
        assert info.value.path == option
    assert not db.exists()


@pytest.mark.parametrize("timeout", [0, 0.0, 2, 2.5])
def test_a_timeout_of_zero_or_more_seconds_is_accepted(
    timeout: float, tmp_path: Path
) -> None:
    with SQLiteStore(tmp_path / "desk.db", timeout=timeout) as store:
        assert store.count() == 0


@pytest.mark.parametrize("path", [None, 5, b"desk.db", ["desk.db"]])
def test_sqlite_store_needs_a_path(path: Any) -> None:
    with pytest.raises(ValidationError) as info:
        SQLiteStore(path)
    assert info.value.path == "path"


def test_a_database_in_a_missing_folder_is_a_storage_error_naming_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "nope" / "desk.db"
    with pytest.raises(StorageError, match="does not exist") as info:
        SQLiteStore(db)
    assert str(db) in str(info.value)
    with pytest.raises(StorageError, match="folder"):
        SQLiteStore(tmp_path)
    assert not db.parent.exists()
