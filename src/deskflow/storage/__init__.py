"""Storage: the protocol, the in-memory and SQLite backends, JSON Lines export/import.

>>> from deskflow.storage import TicketQuery
>>> TicketQuery().limit
50
"""

from __future__ import annotations

from deskflow.storage.protocol import Order, Page, SearchableStore, TicketQuery, TicketStore

__all__ = ["Order", "Page", "SearchableStore", "TicketQuery", "TicketStore"]
