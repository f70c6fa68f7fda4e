"""Streaming export and import of a store as JSON Lines.

One ticket per line, as written by the package converter
(:func:`deskflow.serialization.to_dict`, with ``deskflow_schema``), so an
export is a lossless, backend-neutral backup: import it into any store and
every ticket compares equal. Export streams (``iter_all``); exported to a
path, it writes a new file beside the target and moves it into place only
when complete, so a failed export leaves the previous file whole. Import
reads line by line and writes in batches through ``add_many``, which is
atomic. A bad line (not UTF-8, not JSON, not a ticket, a string that is not
valid Unicode, a ticket already stored) stops the import with
:class:`ImportLineError`, naming the line; nothing of that line's batch is
written, earlier batches stay imported.

>>> import io
>>> from deskflow.storage import MemoryStore
>>> from deskflow.tickets.model import _demo_ticket
>>> source = MemoryStore()
>>> source.add(_demo_ticket())
>>> buffer = io.StringIO()
>>> export_jsonl(source, buffer)
1
>>> target = MemoryStore()
>>> import_jsonl(target, io.StringIO(buffer.getvalue()))
1
>>> target.get("t-demo") == source.get("t-demo")
True
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

import cattrs

from deskflow.errors import DuplicateTicket, StorageError, ValidationError
from deskflow.serialization import from_dict, to_dict
from deskflow.storage.protocol import TicketStore
from deskflow.tickets.model import Ticket

__all__ = ["ImportLineError", "export_jsonl", "import_jsonl"]


class ImportLineError(ValidationError):
    """A line of a JSON Lines import is bad; nothing of its batch was written.

    ``line`` is the 1-based line number, ``imported`` how many tickets of
    earlier batches were written before the import stopped.

    >>> err = ImportLineError("$.summary: must not be empty", line=7, imported=0)
    >>> print(err)
    line 7: $.summary: must not be empty (0 tickets imported before this batch)
    >>> err.line, err.path
    (7, 'line 7')
    """

    def __init__(self, message: str, *, line: int, imported: int) -> None:
        self.line = line
        self.imported = imported
        super().__init__(
            f"{message} ({imported} tickets imported before this batch)",
            path=f"line {line}",
        )


# A surrogate code point, raw or as a JSON escape: only then is a line's
# data checked for a lone one (a valid pair decodes to one character).
_SURROGATE = re.compile("[\ud800-\udfff]|\\\\u[dD][89a-fA-F]")


def _has_lone_surrogate(data: object) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@contextmanager
def _output(target: str | os.PathLike[str] | IO[str]) -> Iterator[IO[str]]:
    """A text stream to write an export to; for a path, replaced only on success."""
    if not isinstance(target, (str, os.PathLike)):
        yield target
        return
    given = os.fspath(target)
    path = os.path.realpath(target)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    fd = None
    with _naming(given):
        if mode is None or stat.S_ISREG(mode):  # not a device or a pipe
            # O_EXCL: never write through someone else's file; 0o666 less the
            # umask, like open(); an existing file's permissions are kept below.
            with suppress(PermissionError):  # a folder we may not add files to
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        if fd is None:  # write in place, as open() would
            handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    if fd is None:
        with handle:
            yield handle
        return
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            with _naming(given):
                handle.flush()
                os.fsync(handle.fileno())
        with _naming(given):
            if mode is not None:
                os.chmod(temporary, stat.S_IMODE(mode))
            os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextmanager
def _naming(given: str) -> Iterator[None]:
    """Turn an OSError of the export's own file handling into a StorageError naming ``given``.

    The export writes a temporary file beside the target; the user named the
    target, so that is the path the error names.
    """
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            reason = f"its folder {os.path.dirname(given) or '.'!r} does not exist"
        raise StorageError(f"cannot write the export to {given!r}: {reason}") from exc


@contextmanager
def _input(source: str | os.PathLike[str] | IO[str]) -> Iterator[Iterator[str | bytes]]:
    """The lines of ``source``; a file's as bytes, decoded line by line by the caller."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            yield handle
    else:
        yield iter(source)


def export_jsonl(
    store: TicketStore,
    target: str | os.PathLike[str] | IO[str],
    *,
    converter: cattrs.Converter | None = None,
) -> int:
    """Write every ticket of ``store`` to ``target`` (a path or a text stream), one per line.

    Returns the number of tickets written. Tickets are streamed in id order.
    A path is written through a new file in the same folder that replaces
    it only once every ticket is written: if the export fails, a file
    already at the path is left as it was.

    Raises:
        ValidationError: a ticket holds a string that is not valid Unicode
            (a lone surrogate), which UTF-8 cannot hold.
        StorageError: the file cannot be written (its folder does not
            exist, no permission...); the message names ``target`` and the
            ``OSError`` is the ``__cause__``.

    >>> import io
    >>> from deskflow.storage import MemoryStore
    >>> export_jsonl(MemoryStore(), io.StringIO())
    0
    """
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    with _output(target) as out:
        for ticket in store.iter_all():
            try:
                out.write(encode(to_dict(ticket, converter=converter)) + "\n")
            except UnicodeEncodeError as exc:
                raise ValidationError(
                    f"a text of ticket {ticket.id!r} is not valid Unicode "
                    f"({exc.reason}); it cannot be written as UTF-8",
                    path="ticket",
                ) from exc
            count += 1
    return count


def import_jsonl(
    store: TicketStore,
    source: str | os.PathLike[str] | IO[str],
    *,
    batch_size: int = 1000,
    converter: cattrs.Converter | None = None,
) -> int:
    """Add the tickets of a JSON Lines file (or text stream) to ``store``; returns the count.

    Blank lines are skipped. Tickets are written ``batch_size`` at a time
    with ``add_many``.

    Raises:
        ImportLineError: a line is not UTF-8 (read from a path), not valid
            JSON, holds a string with a lone surrogate, is not a valid
            ticket, or its ticket is already stored (the ``__cause__`` says
            which); nothing of that line's batch is written.

    >>> import io
    >>> from deskflow.storage import MemoryStore
    >>> import_jsonl(MemoryStore(), io.StringIO('{"kind": "incident"}\\n'))
    Traceback (most recent call last):
    ...
    deskflow.storage.jsonl.ImportLineError: line 1: ...: required field missing...
    """
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or batch_size < 1
    ):
        raise ValidationError("must be a positive integer", path="batch_size")
    imported = 0
    batch: list[Ticket] = []
    lines: dict[str, int] = {}

    def flush() -> None:
        nonlocal imported
        if not batch:
            return
        try:
            imported += store.add_many(batch)
        except DuplicateTicket as exc:
            line = lines.get(exc.ticket_id, 0)
            raise ImportLineError(
                f"ticket {exc.ticket_id!r} is already stored",
                line=line,
                imported=imported,
            ) from exc
        batch.clear()
        lines.clear()

    with _input(source) as handle:
        for number, line in enumerate(handle, 1):
            try:
                text = line if isinstance(line, str) else line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportLineError(
                    f"not UTF-8 text: {exc}", line=number, imported=imported
                ) from exc
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise ImportLineError(
                    f"not valid JSON: {exc}", line=number, imported=imported
                ) from exc
            if _SURROGATE.search(text) and _has_lone_surrogate(data):
                raise ImportLineError(
                    "a string holds a lone surrogate, which is not valid Unicode "
                    "and cannot be stored",
                    line=number,
                    imported=imported,
                )
            try:
                ticket = from_dict(data, Ticket, converter=converter)
            except ValidationError as exc:
                raise ImportLineError(str(exc), line=number, imported=imported) from exc
            if ticket.id in lines:
                raise ImportLineError(
                    f"ticket {ticket.id!r} appears twice in the batch (first on line "
                    f"{lines[ticket.id]})",
                    line=number,
                    imported=imported,
                )
            batch.append(ticket)
            lines[ticket.id] = number
            if len(batch) >= batch_size:
                flush()
        flush()
    return imported
