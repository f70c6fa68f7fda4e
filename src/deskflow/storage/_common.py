"""Pieces every built-in backend shares (not public API).

Sort keys, the keyset cursor, argument checks and the text that full-text
search looks at live here, so :class:`~deskflow.storage.memory.MemoryStore`
and :class:`~deskflow.storage.sqlite.SQLiteStore` agree to the byte: a cursor
or a search means the same thing whichever backend produced it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from deskflow.errors import ValidationError
from deskflow.storage.protocol import Order, TicketQuery
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)

# Events whose fold appends exactly one note to ``Ticket.notes``.
NOTE_EVENTS = (ev.NoteAdded, ev.CustomerReplied, ev.PriorityChanged)


def micros(value: datetime) -> int:
    """An aware datetime as integer microseconds since the Unix epoch (UTC).

    Integers sort by instant whatever the original offset, and are exact.
    """
    return (value - _EPOCH) // _MICRO


def sort_key(ticket: Ticket, order: Order) -> int:
    """The primary sort key of ``ticket`` under ``order``."""
    if order in (Order.OPENED_ASC, Order.OPENED_DESC):
        return micros(ticket.opened_at)
    return micros(ticket.updated_at)


def descending(order: Order) -> bool:
    """Whether ``order`` sorts newest first."""
    return order in (Order.OPENED_DESC, Order.UPDATED_DESC)


def encode_cursor(order: Order, key: int, ticket_id: str) -> str:
    """An opaque, URL-safe cursor for the position just after ``(key, ticket_id)``."""
    raw = json.dumps([order.value, key, ticket_id], ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, order: Order) -> tuple[int, str]:
    """The ``(key, ticket_id)`` a cursor encodes; ``ValidationError`` if it is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise ValidationError(
            "not a cursor from Page.next_cursor", path="after"
        ) from None
    if (
        not isinstance(data, list)
        or len(data) != 3
        or not isinstance(data[1], int)
        or isinstance(data[1], bool)
        or not -(2**63) <= data[1] < 2**63
        or not isinstance(data[2], str)
    ):
        raise ValidationError("not a cursor from Page.next_cursor", path="after")
    if data[0] != order.value:
        raise ValidationError(
            f"the cursor belongs to order {data[0]!r}, the query asks for {order.value!r}",
            path="after",
        )
    return data[1], data[2]


def check_ticket(ticket: Any, path: str = "ticket") -> Ticket:
    """Refuse anything that is not a ticket with a timeline."""
    if not isinstance(ticket, Ticket):
        raise ValidationError(
            f"expected a Ticket, got {type(ticket).__name__}", path=path
        )
    if not ticket.timeline or not isinstance(ticket.timeline[0], ev.Opened):
        raise ValidationError(
            "a stored ticket's timeline starts with its 'opened' event",
            path=f"{path}.timeline",
        )
    return ticket


def check_query(query: Any) -> TicketQuery:
    """Refuse anything that is not a :class:`TicketQuery`."""
    if not isinstance(query, TicketQuery):
        raise ValidationError(
            f"expected a TicketQuery, got {type(query).__name__}", path="query"
        )
    return query


def check_expected_version(ticket: Ticket, expected_version: Any) -> int:
    """``expected_version`` must be a positive int no greater than the ticket's version."""
    if (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or expected_version < 1
    ):
        raise ValidationError(
            "must be the positive version the ticket was read at",
            path="expected_version",
        )
    if ticket.version < expected_version:
        raise ValidationError(
            f"the ticket has {ticket.version} events, fewer than expected_version "
            f"{expected_version}; save the ticket returned by the command",
            path="expected_version",
        )
    return expected_version


def matches(ticket: Ticket, q: TicketQuery) -> bool:
    """Whether ``ticket`` passes every filter of ``q`` (the reference semantics)."""
    if q.customer_id is not None and ticket.customer.id != q.customer_id:
        return False
    if q.asset_serial is not None and (
        ticket.asset is None or ticket.asset.serial != q.asset_serial
    ):
        return False
    if q.kinds is not None and ticket.kind not in q.kinds:
        return False
    if q.statuses is not None and ticket.status not in q.statuses:
        return False
    if q.priorities is not None and ticket.priority not in q.priorities:
        return False
    if q.owner is not None and ticket.owner != q.owner:
        return False
    if q.assignee is not None and ticket.assignee != q.assignee:
        return False
    if q.group is not None and ticket.group != q.group:
        return False
    if q.tier is not None and ticket.tier is not q.tier:
        return False
    opened = micros(ticket.opened_at)
    updated = micros(ticket.updated_at)
    if q.opened_from is not None and opened < micros(q.opened_from):
        return False
    if q.opened_to is not None and opened >= micros(q.opened_to):
        return False
    if q.updated_from is not None and updated < micros(q.updated_from):
        return False
    if q.updated_to is not None and updated >= micros(q.updated_to):
        return False
    return q.linked_to is None or any(
        link.ticket_id == q.linked_to for link in ticket.links
    )


def search_words(text: Any) -> tuple[str, ...]:
    """The case-folded words of a search text; ``ValidationError`` when there are none."""
    if not isinstance(text, str):
        raise ValidationError(
            f"expected a string, got {type(text).__name__}", path="text"
        )
    words = tuple(dict.fromkeys(text.casefold().split()))
    if not words:
        raise ValidationError("give at least one word to search for", path="text")
    return words


def check_search_limit(limit: Any) -> int:
    """The search ``limit`` must be an int from 1 to 10000."""
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= 10_000
    ):
        raise ValidationError("must be an integer from 1 to 10000", path="limit")
    return limit


def searchable_texts(ticket: Ticket) -> tuple[str, ...]:
    """What full-text search looks at: summary, description and every note's text."""
    return (ticket.summary, ticket.description, *(n.text for n in ticket.notes))


def new_note_texts(ticket: Ticket, new_events: Iterable[ev.Event]) -> tuple[str, ...]:
    """The texts of the notes that ``new_events`` appended to ``ticket.notes``."""
    count = sum(isinstance(e, NOTE_EVENTS) for e in new_events)
    if count == 0:
        return ()
    return tuple(n.text for n in ticket.notes[-count:])


def text_matches(texts: Iterable[str], words: Iterable[str]) -> bool:
    """Every word is a substring of some text, ignoring case (the reference rule)."""
    folded = [t.casefold() for t in texts]
    return all(any(w in t for t in folded) for w in words)
