"""Previous cases and recurring faults, read through the storage protocol.

Before asking the customer again, an agent reads what is already known:
:func:`previous_cases` lists the earlier tickets of a customer or of a unit,
newest first, and :func:`digest` condenses one into what was tried and how it
ended. :func:`detect_recurrence` finds the same unit (or the same customer
and category) failing again and again within a window and suggests opening
or linking a problem: a unit refurbished and sent back three times is a
lemon, and should stop being sent out.

Everything here reads a :class:`~deskflow.storage.TicketStore` (or plain
tickets); nothing is written.

>>> RecurrencePolicy().threshold
3
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import attrs

from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import ValidationError
from deskflow.serialization import format_duration
from deskflow.storage.protocol import Order, TicketQuery, TicketStore
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import ErrorMessage, Step
from deskflow.tickets.values import LinkRelation, TicketKind

__all__ = [
    "CaseDigest",
    "CaseHistory",
    "RecurrenceBasis",
    "RecurrenceFinding",
    "RecurrencePolicy",
    "detect_recurrence",
    "digest",
    "history_for",
    "previous_cases",
    "recurrence_for",
]


def _check_store(store: object) -> None:
    """Refuse what is not a ticket store (a URL, a list of tickets, None)."""
    if not isinstance(store, TicketStore):
        hint = (
            "; open one first: deskflow.storage.open_store(url)"
            if isinstance(store, str)
            else "; add tickets held in memory to a deskflow.storage.MemoryStore"
            if isinstance(store, Iterable)
            else ""
        )
        raise ValidationError(
            f"expected a ticket store (a TicketStore), got {type(store).__name__}{hint}",
            path="store",
        )


def _check_ticket(ticket: object) -> None:
    """Refuse what is not a ticket, with a hint when it is a ticket id."""
    if not isinstance(ticket, Ticket):
        hint = (
            f"; load it first: store.get({ticket!r})" if isinstance(ticket, str) else ""
        )
        raise ValidationError(
            f"expected a Ticket, got {type(ticket).__name__}{hint}", path="ticket"
        )


def previous_cases(
    store: TicketStore,
    *,
    customer_id: str | None = None,
    asset_serial: str | None = None,
    before: datetime | None = None,
    exclude: Iterable[str] = (),
    limit: int = 20,
) -> tuple[Ticket, ...]:
    """Earlier tickets of a customer and/or a unit, newest first.

    ``before`` keeps tickets opened strictly before that instant; ``exclude``
    leaves out ticket ids (usually the current one).

    >>> from deskflow.storage.memory import MemoryStore
    >>> from deskflow._demo import build_case
    >>> store = MemoryStore()
    >>> store.add(build_case())
    >>> [t.reference for t in previous_cases(store, asset_serial="CN-4821-X")] == [
    ...     build_case().reference]
    True
    >>> previous_cases(store)
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: customer_id: give a customer id, an asset serial, or both
    """
    _check_store(store)
    if customer_id is None and asset_serial is None:
        raise ValidationError(
            "give a customer id, an asset serial, or both", path="customer_id"
        )
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("must be a positive integer", path="limit")
    if before is not None:
        ensure_aware(before, "before")
    skip = set(exclude)
    out: list[Ticket] = []
    cursor: str | None = None
    while len(out) < limit:
        page = store.find(
            TicketQuery(
                customer_id=customer_id,
                asset_serial=asset_serial,
                opened_to=before,
                order=Order.OPENED_DESC,
                limit=min(10_000, limit + len(skip)),
                after=cursor,
            )
        )
        out.extend(t for t in page.items if t.id not in skip)
        cursor = page.next_cursor
        if cursor is None:
            break
    return tuple(out[:limit])


@attrs.frozen(kw_only=True)
class CaseHistory:
    """The previous cases of a ticket's customer and of its unit, newest first.

    >>> CaseHistory(customer=(), asset=()).is_empty
    True
    """

    customer: tuple[Ticket, ...]
    asset: tuple[Ticket, ...]

    @property
    def is_empty(self) -> bool:
        """True when neither the customer nor the unit has a previous case.

        >>> CaseHistory(customer=(), asset=()).is_empty
        True
        """
        return not (self.customer or self.asset)


def history_for(store: TicketStore, ticket: Ticket, *, limit: int = 10) -> CaseHistory:
    """The cases opened before ``ticket`` for its customer and its unit.

    >>> from deskflow.storage.memory import MemoryStore
    >>> from deskflow._demo import build_case
    >>> history_for(MemoryStore(), build_case()).is_empty
    True
    >>> history_for(MemoryStore(), "inc-1")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: ticket: expected a Ticket, got str; load it first: store.get('inc-1')
    """
    _check_store(store)
    _check_ticket(ticket)
    customer = previous_cases(
        store,
        customer_id=ticket.customer.id,
        before=ticket.opened_at,
        exclude=(ticket.id,),
        limit=limit,
    )
    asset: tuple[Ticket, ...] = ()
    if ticket.asset is not None:
        asset = previous_cases(
            store,
            asset_serial=ticket.asset.serial,
            before=ticket.opened_at,
            exclude=(ticket.id,),
            limit=limit,
        )
    return CaseHistory(customer=customer, asset=asset)


@attrs.frozen(kw_only=True)
class CaseDigest:
    """What an agent reads of a previous case: what happened, what was tried, how it ended.

    >>> from deskflow._demo import build_case
    >>> print(digest(build_case()))  # doctest: +ELLIPSIS
    INC-... 2026-03-02 closed: Desktop printer not responding
      tried: checked cable and power (failed); power-cycled the printer (failed); ...
      errors: Printer offline (0x00000709)
      resolution: replaced the damaged network cable; test page printed
    """

    ticket_id: str
    reference: str
    opened_at: datetime
    status: str
    summary: str
    category: str
    steps: tuple[Step, ...]
    errors: tuple[ErrorMessage, ...]
    resolution: str | None
    reopen_count: int

    def __str__(self) -> str:
        lines = [
            f"{self.reference} {self.opened_at:%Y-%m-%d} {self.status}: {self.summary}"
        ]
        if self.steps:
            lines.append(
                "  tried: "
                + "; ".join(f"{s.action} ({s.outcome.value})" for s in self.steps)
            )
        if self.errors:
            lines.append("  errors: " + "; ".join(e.text for e in self.errors))
        if self.resolution:
            lines.append(f"  resolution: {self.resolution}")
        if self.reopen_count:
            lines.append(f"  reopened {self.reopen_count} time(s)")
        return "\n".join(lines)


def digest(ticket: Ticket) -> CaseDigest:
    """Condense a ticket into a :class:`CaseDigest`.

    >>> from deskflow._demo import build_case
    >>> digest(build_case()).status
    'closed'
    """
    _check_ticket(ticket)
    steps: list[Step] = []
    errors: list[ErrorMessage] = []
    for note in ticket.notes:
        steps.extend(s for s in note.steps if s not in steps)
        errors.extend(e for e in note.errors if e not in errors)
    return CaseDigest(
        ticket_id=ticket.id,
        reference=ticket.reference,
        opened_at=ticket.opened_at,
        status=ticket.status.value,
        summary=ticket.summary,
        category=ticket.category,
        steps=tuple(steps),
        errors=tuple(errors),
        resolution=ticket.resolution.text if ticket.resolution else None,
        reopen_count=ticket.reopen_count,
    )


# -- recurrence ------------------------------------------------------------------


class RecurrenceBasis(enum.Enum):
    """What the recurring incidents have in common.

    >>> RecurrenceBasis.ASSET.value
    'asset'
    """

    ASSET = "asset"
    CUSTOMER_CATEGORY = "customer_category"


def _at_least_two(
    instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValidationError("must be an integer of at least 2", path="threshold")


def _positive(
    instance: object, attribute: attrs.Attribute[timedelta], value: timedelta
) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValidationError("must be a positive duration", path="window")


def _bases(
    instance: object,
    attribute: attrs.Attribute[tuple[RecurrenceBasis, ...]],
    value: tuple[RecurrenceBasis, ...],
) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            "must be a non-empty tuple of RecurrenceBasis", path="bases"
        )
    for index, basis in enumerate(value):
        if not isinstance(basis, RecurrenceBasis):
            raise ValidationError(
                f"expected a RecurrenceBasis, got {basis!r}", path=f"bases[{index}]"
            )
        if basis in value[:index]:
            raise ValidationError(f"{basis.value!r} is listed twice", path="bases")


@attrs.frozen(kw_only=True)
class RecurrencePolicy:
    """``threshold`` incidents on the same basis opened within ``window`` make a finding.

    ``bases`` lists what the incidents must have in common, each at most once.

    >>> RecurrencePolicy(threshold=1)
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: threshold: must be an integer of at least 2
    >>> RecurrencePolicy(bases=("asset",))
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: bases[0]: expected a RecurrenceBasis, got 'asset'
    """

    threshold: int = attrs.field(default=3, validator=_at_least_two)
    window: timedelta = attrs.field(default=timedelta(days=90), validator=_positive)
    bases: tuple[RecurrenceBasis, ...] = attrs.field(
        default=(RecurrenceBasis.ASSET, RecurrenceBasis.CUSTOMER_CATEGORY),
        validator=_bases,
    )


@attrs.frozen(kw_only=True)
class RecurrenceFinding:
    """Incidents that keep coming back, and what to do about them.

    ``ticket_ids`` are oldest first. ``problem_ids`` are problems already
    linked to any of them: link the rest there rather than open a new one.
    ``lemon`` marks a unit that keeps failing.

    >>> RecurrenceFinding.__name__
    'RecurrenceFinding'
    """

    basis: RecurrenceBasis
    key: str
    ticket_ids: tuple[str, ...]
    references: tuple[str, ...]
    first_opened: datetime
    last_opened: datetime
    problem_ids: tuple[str, ...]
    lemon: bool
    suggestion: str

    @property
    def count(self) -> int:
        """How many incidents recur.

        >>> from datetime import timezone
        >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> RecurrenceFinding(basis=RecurrenceBasis.ASSET, key="SN", ticket_ids=("a", "b"),
        ...     references=("A", "B"), first_opened=t, last_opened=t, problem_ids=(),
        ...     lemon=False, suggestion="").count
        2
        """
        return len(self.ticket_ids)


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _window_start(end: datetime, window: timedelta) -> datetime:
    """``end - window``, or the earliest instant when the window reaches past it."""
    return end - window if end - _EARLIEST > window else _EARLIEST


def _window_text(window: timedelta) -> str:
    """``90 days``, ``1 day``, ``36 hours`` or an ISO 8601 duration."""
    days, rest = divmod(window, timedelta(days=1))
    if not rest:
        return f"{days} day" + ("s" if days != 1 else "")
    hours, rest = divmod(window, timedelta(hours=1))
    if not rest:
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return format_duration(window)


def _key(ticket: Ticket, basis: RecurrenceBasis) -> str | None:
    if basis is RecurrenceBasis.ASSET:
        return ticket.asset.serial if ticket.asset is not None else None
    if not ticket.category:
        return None
    return f"{ticket.customer.id}/{ticket.category}"


def detect_recurrence(
    tickets: Iterable[Ticket],
    *,
    at: datetime,
    policy: RecurrencePolicy | None = None,
) -> tuple[RecurrenceFinding, ...]:
    """Findings for incidents opened in the window ``(at - window, at]``.

    Only incidents count (problems and service requests do not recur in
    this sense). Findings come ordered by basis, then key.

    >>> from deskflow._demo import build_case
    >>> detect_recurrence([build_case()], at=build_case().closed_at)
    ()
    """
    ensure_aware(at, "at")
    if isinstance(tickets, (Ticket, TicketStore)) or not isinstance(tickets, Iterable):
        hint = (
            "; pass store.iter_all(), or use recurrence_for(store, ticket, at=...)"
            if isinstance(tickets, TicketStore)
            else ""
        )
        raise ValidationError(
            f"expected a collection of tickets, got {type(tickets).__name__}{hint}",
            path="tickets",
        )
    rules = policy or RecurrencePolicy()
    end = to_utc(at)
    start = _window_start(end, rules.window)
    groups: dict[tuple[RecurrenceBasis, str], list[Ticket]] = {}
    seen: set[str] = set()
    for index, ticket in enumerate(tickets):
        if not isinstance(ticket, Ticket):
            raise ValidationError(
                f"expected a Ticket, got {type(ticket).__name__}",
                path=f"tickets[{index}]",
            )
        if ticket.kind is not TicketKind.INCIDENT or ticket.id in seen:
            continue
        seen.add(ticket.id)
        if not start < to_utc(ticket.opened_at) <= end:
            continue
        for basis in rules.bases:
            key = _key(ticket, basis)
            if key is not None:
                groups.setdefault((basis, key), []).append(ticket)
    order = list(RecurrenceBasis)
    findings = []
    for (basis, key), found in sorted(
        groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])
    ):
        if len(found) < rules.threshold:
            continue
        found.sort(key=lambda t: (to_utc(t.opened_at), t.id))
        problems = tuple(
            sorted({p for t in found for p in t.linked(LinkRelation.CAUSED_BY)})
        )
        lemon = basis is RecurrenceBasis.ASSET
        what = (
            f"unit {key}"
            if lemon
            else f"customer {found[0].customer.id} ({found[0].category})"
        )
        within = _window_text(rules.window)
        if problems:
            suggestion = (
                f"{len(found)} incidents on {what} within {within}: link them to "
                f"problem {', '.join(problems)}"
            )
        else:
            suggestion = (
                f"{len(found)} incidents on {what} within {within}: open a problem "
                "and link them"
            )
        if lemon:
            suggestion += "; the unit is a lemon: stop sending it out, replace it"
        findings.append(
            RecurrenceFinding(
                basis=basis,
                key=key,
                ticket_ids=tuple(t.id for t in found),
                references=tuple(t.reference for t in found),
                first_opened=found[0].opened_at,
                last_opened=found[-1].opened_at,
                problem_ids=problems,
                lemon=lemon,
                suggestion=suggestion,
            )
        )
    return tuple(findings)


def recurrence_for(
    store: TicketStore,
    ticket: Ticket,
    *,
    at: datetime,
    policy: RecurrencePolicy | None = None,
) -> tuple[RecurrenceFinding, ...]:
    """Findings that involve ``ticket``: its unit, and its customer with its category.

    Reads the store for the ticket's unit and customer within the policy's
    window and returns only the findings ``ticket`` belongs to.

    >>> from deskflow.storage.memory import MemoryStore
    >>> from deskflow._demo import build_case
    >>> recurrence_for(MemoryStore(), build_case(), at=build_case().closed_at)
    ()
    """
    _check_store(store)
    _check_ticket(ticket)
    ensure_aware(at, "at")
    rules = policy or RecurrencePolicy()
    candidates: dict[str, Ticket] = {ticket.id: ticket}
    queries = []
    if ticket.asset is not None and RecurrenceBasis.ASSET in rules.bases:
        queries.append(TicketQuery(asset_serial=ticket.asset.serial))
    if RecurrenceBasis.CUSTOMER_CATEGORY in rules.bases:
        queries.append(TicketQuery(customer_id=ticket.customer.id))
    for base in queries:
        query = attrs.evolve(
            base,
            kinds=frozenset({TicketKind.INCIDENT}),
            opened_from=_window_start(to_utc(at), rules.window),
            limit=10_000,
        )
        cursor: str | None = None
        while True:
            page = store.find(attrs.evolve(query, after=cursor))
            for found in page.items:
                candidates.setdefault(found.id, found)
            cursor = page.next_cursor
            if cursor is None:
                break
    return tuple(
        f
        for f in detect_recurrence(candidates.values(), at=at, policy=rules)
        if ticket.id in f.ticket_ids
    )
