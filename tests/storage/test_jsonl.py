"""JSON Lines export and import: lossless, streaming, and atomic per batch."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from deskflow.errors import DeskflowError, StorageError, ValidationError
from deskflow.storage import (
    ImportLineError,
    MemoryStore,
    SQLiteStore,
    TicketStore,
    export_jsonl,
    import_jsonl,
)

from .helpers import incident, problem, with_notes


def _sample() -> list:  # type: ignore[type-arg]
    return [
        with_notes(incident(f"t-{i}", minutes=i, serial="SN"), i % 3) for i in range(7)
    ] + [problem("p-1")]


def test_round_trip_between_backends_through_a_file(
    store: TicketStore, tmp_path: Path
) -> None:
    tickets = _sample()
    store.add_many(tickets)
    path = tmp_path / "export.jsonl"
    assert export_jsonl(store, path) == len(tickets)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(tickets)
    assert all(json.loads(line)["deskflow_schema"] == 1 for line in lines)
    for target in (MemoryStore(), SQLiteStore(tmp_path / "copy.db")):
        assert import_jsonl(target, path, batch_size=3) == len(tickets)
        assert list(target.iter_all()) == sorted(tickets, key=lambda t: t.id)
        # Export of the copy is byte for byte the same document.
        again = io.StringIO()
        export_jsonl(target, again)
        assert again.getvalue() == path.read_text(encoding="utf-8")
        target.close()


def test_a_bad_line_names_its_number_and_writes_nothing_of_its_batch(
    store: TicketStore,
) -> None:
    source = MemoryStore()
    source.add_many(_sample())
    buffer = io.StringIO()
    export_jsonl(source, buffer)
    lines = buffer.getvalue().splitlines()
    lines.insert(5, '{"kind": "incident", "id": "broken"}')  # line 6
    with pytest.raises(ImportLineError) as info:
        import_jsonl(store, io.StringIO("\n".join(lines) + "\n"), batch_size=4)
    err = info.value
    assert err.line == 6
    assert err.imported == 4  # the first batch (lines 1-4) went in
    assert isinstance(err, DeskflowError)
    assert isinstance(err, ValidationError)
    assert "line 6" in str(err)
    assert store.count() == 4  # nothing of the batch holding line 6


def test_invalid_json_and_duplicates_are_line_errors(store: TicketStore) -> None:
    with pytest.raises(ImportLineError) as info:
        import_jsonl(store, io.StringIO('\n{"kind": \n'))
    assert info.value.line == 2
    t = incident("t-1")
    store.add(t)
    buffer = io.StringIO()
    export_jsonl(store, buffer)
    with pytest.raises(ImportLineError, match="already stored") as dup:
        import_jsonl(store, io.StringIO(buffer.getvalue()))
    assert dup.value.line == 1
    twice = buffer.getvalue().replace('"t-1"', '"t-2"') * 2
    with pytest.raises(ImportLineError, match="twice") as again:
        import_jsonl(store, io.StringIO(twice))
    assert again.value.line == 2
    assert store.count() == 1


def test_blank_lines_are_skipped_and_batch_size_is_checked(store: TicketStore) -> None:
    source = MemoryStore()
    source.add(incident("t-1"))
    buffer = io.StringIO()
    export_jsonl(source, buffer)
    assert import_jsonl(store, io.StringIO("\n\n" + buffer.getvalue() + "\n  \n")) == 1
    with pytest.raises(ValidationError):
        import_jsonl(store, io.StringIO(""), batch_size=0)


def test_a_newer_document_schema_is_a_line_error(store: TicketStore) -> None:
    source = MemoryStore()
    source.add(incident("t-1"))
    buffer = io.StringIO()
    export_jsonl(source, buffer)
    newer = buffer.getvalue().replace('"deskflow_schema":1', '"deskflow_schema":9')
    with pytest.raises(ImportLineError, match="newer"):
        import_jsonl(store, io.StringIO(newer))
    assert store.count() == 0


def test_export_to_a_missing_folder_names_the_path_given(tmp_path: Path) -> None:
    store = MemoryStore()
    store.add(incident("t-1"))
    target = tmp_path / "nope" / "backup.jsonl"
    for given in (target, str(target)):
        with pytest.raises(StorageError) as info:
            export_jsonl(store, given)
        message = str(info.value)
        assert str(target) in message
        assert ".tmp" not in message
        assert isinstance(info.value.__cause__, OSError)
    assert not target.parent.exists()
