"""Storage: the protocol, the in-memory and SQLite backends, JSON Lines export/import.

:func:`open_store` turns a URL into a store: ``memory://`` is a
:class:`MemoryStore`, ``sqlite:///relative.db``, ``sqlite:////abs/path.db``
and ``sqlite://:memory:`` are :class:`SQLiteStore`\\ s, and any other scheme
is looked up in the ``deskflow.stores`` entry-point group, where third-party
backends register a callable that takes the URL and returns a store.

>>> from deskflow.storage import TicketQuery
>>> TicketQuery().limit
50
>>> store = open_store("memory://")
>>> type(store).__name__, isinstance(store, TicketStore)
('MemoryStore', True)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from deskflow.errors import StorageError, ValidationError
from deskflow.storage.jsonl import ImportLineError, export_jsonl, import_jsonl
from deskflow.storage.memory import MemoryStore
from deskflow.storage.protocol import (
    Order,
    Page,
    SearchableStore,
    TicketQuery,
    TicketStore,
)
from deskflow.storage.sqlite import _OPTIONS as _SQLITE_OPTIONS
from deskflow.storage.sqlite import SQLiteStore

__all__ = [
    "ENTRY_POINT_GROUP",
    "ImportLineError",
    "MemoryStore",
    "Order",
    "Page",
    "SQLiteStore",
    "SearchableStore",
    "TicketQuery",
    "TicketStore",
    "export_jsonl",
    "import_jsonl",
    "open_store",
]

ENTRY_POINT_GROUP = "deskflow.stores"
"""The entry-point group where third-party backends register their URL scheme."""


def open_store(url: str, **options: Any) -> TicketStore:
    """Open the store a URL names; ``options`` go to the backend's constructor.

    - ``memory://``: a new, empty :class:`MemoryStore`.
    - ``sqlite:///desk.db`` (relative path), ``sqlite:////var/lib/desk.db``
      (absolute path), ``sqlite://:memory:`` (in-memory SQLite):
      an :class:`SQLiteStore` (``timeout=``, ``durable=`` as options, not
      as a query string: a ``?`` or ``#`` in the URL is refused).
    - ``<scheme>://...``: the callable registered under ``<scheme>`` in the
      ``deskflow.stores`` entry-point group, called as ``factory(url, **options)``.

    Raises:
        ValidationError: the URL has no scheme, no backend serves it, an
            ``sqlite://`` URL has a query string or fragment, or an option is
            unknown to the backend or has a wrong value (``path`` names it).
        StorageError: the entry point registered for the scheme cannot be
            loaded (its module fails to import, or lacks the factory); the
            original exception is the ``__cause__``.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = open_store("sqlite:///" + os.path.join(tmp, "desk.db"))
    ...     print(type(store).__name__, store.path.endswith("desk.db"))
    ...     store.close()
    SQLiteStore True
    >>> open_store("nosuch://x")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: url: no deskflow store is registered for 'nosuch://'; ...
    """
    if not isinstance(url, str) or "://" not in url:
        raise ValidationError(
            "expected a URL such as 'memory://' or 'sqlite:///desk.db'", path="url"
        )
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme == "memory":
        if rest or options:
            raise ValidationError("memory:// takes no path and no options", path="url")
        return MemoryStore()
    if scheme == "sqlite":
        if "?" in rest or "#" in rest:
            # Read as part of the path, it would name a file "desk.db?mode=ro".
            raise ValidationError(
                "an sqlite:// URL takes no query string or fragment: pass options "
                "as keyword arguments (timeout=..., durable=...), and write a '?' "
                "or '#' of the file name as %3F or %23",
                path="url",
            )
        for name in options:
            if name not in _SQLITE_OPTIONS:
                raise ValidationError(
                    "not an option of sqlite:// stores; they take "
                    f"{', '.join(_SQLITE_OPTIONS)} (the file is named in the URL)",
                    path=name,
                )
        path = unquote(rest)
        if path in ("", ":memory:", "/:memory:"):
            return SQLiteStore(":memory:", **options)
        # SQLAlchemy's convention: one slash after '//' starts a relative path.
        return SQLiteStore(path[1:] if path.startswith("/") else path, **options)
    factory = _entry_point(scheme)
    if factory is None:
        raise ValidationError(
            f"no deskflow store is registered for {scheme + '://'!r}; built in: "
            f"memory://, sqlite://; others register in the {ENTRY_POINT_GROUP!r} "
            "entry-point group",
            path="url",
        )
    store = factory(url, **options)
    if not isinstance(store, TicketStore):
        raise ValidationError(
            f"the {scheme!r} entry point returned a {type(store).__name__}, "
            "not a TicketStore",
            path="url",
        )
    return store


def _entry_point(scheme: str) -> Any:
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        if point.name.lower() == scheme:
            try:
                return point.load()
            except Exception as exc:  # the backend's import, not ours
                raise StorageError(
                    f"the store backend for {scheme + '://'!r} cannot be loaded: "
                    f"entry point {point.name} = {point.value!r} in the "
                    f"{ENTRY_POINT_GROUP!r} group raised {type(exc).__name__}: "
                    f"{exc}; check that the package providing it and its "
                    "dependencies are installed"
                ) from exc
    return None
