"""The storage protocol: what any deskflow backend promises.

A backend keeps tickets as an append-only timeline of events plus a head
(the current fold, with indexed columns for queries). Saving a changed
ticket appends only its new events, after checking that nobody saved a newer
version meanwhile (optimistic concurrency on ``Ticket.version``, the number
of events).

The protocol is deliberately small; optional capabilities (full-text search)
are separate protocols a backend may also implement. Every backend proves
itself by passing :class:`deskflow.testing.contract.StoreContract`.

>>> from deskflow.storage.protocol import TicketQuery, Order
>>> TicketQuery(statuses={Status.NEW}, order=Order.OPENED_DESC, limit=20).limit
20
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from deskflow._validators import optional_aware
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.priority import Priority
from deskflow.tickets.events import Event
from deskflow.tickets.model import Ticket
from deskflow.tickets.values import Status, TicketKind

__all__ = [
    "Order",
    "Page",
    "SearchableStore",
    "TicketQuery",
    "TicketStore",
]


class Order(enum.Enum):
    """Sort order of query results; ties are broken by ticket id, same direction.

    >>> Order.UPDATED_DESC.value
    'updated_desc'
    """

    OPENED_ASC = "opened_asc"
    OPENED_DESC = "opened_desc"
    UPDATED_ASC = "updated_asc"
    UPDATED_DESC = "updated_desc"


# The strings a filter accepts for each member: its value and, for a
# priority, its label too ("P4", as said on the phone and shown by ``.label``).
_SPELLINGS: dict[type[enum.Enum], dict[str, enum.Enum]] = {
    kind: {
        **{m.value: m for m in kind},
        **({m.label: m for m in Priority} if kind is Priority else {}),
    }
    for kind in (TicketKind, Status, Priority, Tier, Order)
}


def _member(kind: type[enum.Enum], value: object, path: str) -> enum.Enum:
    """``value`` as a member of ``kind``: a member, or one of its accepted strings."""
    if isinstance(value, kind):
        return value
    spellings = _SPELLINGS[kind]
    if isinstance(value, str):
        member = spellings.get(value)
        if member is not None:
            return member
        got = repr(value)
    else:
        got = type(value).__name__
    raise ValidationError(
        f"expected a member of {kind.__name__} or one of "
        f"{', '.join(map(repr, spellings))}; got {got}",
        path=path,
    )


def _members(kind: type[enum.Enum], path: str) -> Any:
    def convert(value: object) -> frozenset[enum.Enum] | None:
        if value is None:
            return None
        if isinstance(value, (str, enum.Enum)):
            return frozenset((_member(kind, value, path),))
        if isinstance(value, (bytes, bytearray, Mapping, enum.EnumMeta)) or not (
            isinstance(value, Iterable)
        ):
            raise ValidationError(
                f"expected a set of {kind.__name__} members (or their strings), "
                f"or one of them; got {type(value).__name__}",
                path=path,
            )
        return frozenset(_member(kind, v, path) for v in value)

    return convert


def _one(kind: type[enum.Enum], path: str, *, optional: bool) -> Any:
    def convert(value: object) -> enum.Enum | None:
        if value is None and optional:
            return None
        return _member(kind, value, path)

    return convert


def _optional_text(
    instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError(
            f"expected a string or None, got {type(value).__name__}",
            path=attribute.name,
        )


def _positive_limit(
    instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= 10_000
    ):
        raise ValidationError("must be an integer from 1 to 10000", path="limit")


@attrs.frozen(kw_only=True)
class TicketQuery:
    """A typed query. Every given filter must match (AND); a set matches any member.

    Ranges are half-open: ``opened_from <= opened_at < opened_to``.
    ``linked_to`` matches tickets whose own timeline records a link to that
    ticket id (e.g. incidents that recorded ``caused_by`` a problem); links
    the named ticket recorded itself are on that ticket
    (:meth:`~deskflow.Ticket.linked`), so a problem's incidents are both
    together. ``after`` is the ``next_cursor`` of the previous
    :class:`Page` (keyset pagination: stable while tickets are added).

    Every filter is checked and converted when the query is built, so every
    backend reads the same typed query. ``kinds``, ``statuses`` and
    ``priorities`` take a set (any iterable) of members or one member;
    ``tier`` and ``order`` take one member. Where a member goes, its value
    string works too (``"in_progress"``, ``"l2"``, ``"opened_asc"``), and a
    priority may also be given by its label (``"P4"`` as well as ``"p4"``).
    Anything else, and a text filter that is not a string, raises
    :class:`~deskflow.errors.ValidationError` naming the field.

    >>> TicketQuery(kinds={TicketKind.INCIDENT}).kinds
    frozenset({<TicketKind.INCIDENT: 'incident'>})
    >>> q = TicketQuery(priorities=["P1", "p2"], tier="l2", order="updated_asc")
    >>> sorted(p.label for p in q.priorities), q.tier, q.order
    (['P1', 'P2'], <Tier.L2: 'l2'>, <Order.UPDATED_ASC: 'updated_asc'>)
    >>> TicketQuery(order="newest")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: order: expected a member of Order or one of 'opened_asc', 'opened_desc', 'updated_asc', 'updated_desc'; got 'newest'
    """

    customer_id: str | None = attrs.field(default=None, validator=_optional_text)
    asset_serial: str | None = attrs.field(default=None, validator=_optional_text)
    kinds: frozenset[TicketKind] | None = attrs.field(
        default=None,
        converter=_members(TicketKind, "kinds"),  # type: ignore[misc]
    )
    statuses: frozenset[Status] | None = attrs.field(
        default=None,
        converter=_members(Status, "statuses"),  # type: ignore[misc]
    )
    priorities: frozenset[Priority] | None = attrs.field(
        default=None,
        converter=_members(Priority, "priorities"),  # type: ignore[misc]
    )
    owner: str | None = attrs.field(default=None, validator=_optional_text)
    assignee: str | None = attrs.field(default=None, validator=_optional_text)
    group: str | None = attrs.field(default=None, validator=_optional_text)
    tier: Tier | None = attrs.field(
        default=None,
        converter=_one(Tier, "tier", optional=True),  # type: ignore[misc]
    )
    opened_from: datetime | None = attrs.field(default=None, validator=optional_aware)
    opened_to: datetime | None = attrs.field(default=None, validator=optional_aware)
    updated_from: datetime | None = attrs.field(default=None, validator=optional_aware)
    updated_to: datetime | None = attrs.field(default=None, validator=optional_aware)
    linked_to: str | None = attrs.field(default=None, validator=_optional_text)
    order: Order = attrs.field(
        default=Order.OPENED_DESC,
        converter=_one(Order, "order", optional=False),  # type: ignore[misc]
    )
    limit: int = attrs.field(default=50, validator=_positive_limit)
    after: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class Page:
    """One page of results and the cursor of the next page (``None`` at the end).

    >>> Page(items=(), next_cursor=None).items
    ()
    """

    items: tuple[Ticket, ...]
    next_cursor: str | None = None


@runtime_checkable
class TicketStore(Protocol):
    """What every storage backend implements.

    All methods are safe to call from several threads. Errors are
    :class:`~deskflow.errors.StorageError` subclasses: ``TicketNotFound``,
    ``DuplicateTicket``, ``ConcurrencyConflict``; a driver's own exception is
    the ``__cause__``, never raised bare.

    >>> from deskflow.storage import MemoryStore
    >>> isinstance(MemoryStore(), TicketStore)
    True
    """

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket (all its events); ``DuplicateTicket`` if its id or reference exists."""
        ...

    def add_many(self, tickets: Iterable[Ticket]) -> int:
        """Store new tickets atomically: all of them or, on any error, none. Returns the count."""
        ...

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with this id; ``TicketNotFound`` otherwise."""
        ...

    def get_by_reference(self, reference: str) -> Ticket:
        """The ticket with this reference number; ``TicketNotFound`` otherwise."""
        ...

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Append the ticket's events after ``expected_version`` and update its head.

        ``expected_version`` is the version the ticket was read at. If the
        stored version differs, raise ``ConcurrencyConflict`` and write
        nothing.
        """
        ...

    def find(self, query: TicketQuery) -> Page:
        """The tickets matching ``query``, in its order, one page at a time."""
        ...

    def count(self, query: TicketQuery | None = None) -> int:
        """How many tickets match ``query`` (all tickets when ``None``); ignores paging."""
        ...

    def timeline(self, ticket_id: str) -> tuple[Event, ...]:
        """The events of one ticket, oldest first; ``TicketNotFound`` otherwise."""
        ...

    def iter_all(self) -> Iterator[Ticket]:
        """Every stored ticket, in id order, streamed."""
        ...

    def close(self) -> None:
        """Release resources; the store is unusable afterwards."""
        ...


@runtime_checkable
class SearchableStore(Protocol):
    """Optional capability: full-text search over summaries, descriptions and notes.

    >>> from deskflow.storage import SQLiteStore
    >>> with SQLiteStore(":memory:") as store:
    ...     isinstance(store, SearchableStore)
    True
    """

    def search(self, text: str, *, limit: int = 20) -> tuple[Ticket, ...]:
        """Tickets whose summary, description or notes contain all words of ``text``."""
        ...
