"""The one exception hierarchy of deskflow.

Every error the library raises on purpose derives from :class:`DeskflowError`,
so a host can catch them all in one place. Where a builtin exception fits, the
deskflow error also inherits it (a :class:`ValidationError` *is* a
``ValueError``, a :class:`TicketNotFound` *is* a ``LookupError``), so code that
already catches the builtin keeps working.

Errors carry structured fields (the field path, the ticket id, the state, the
command, the commands allowed now) as well as a message a person can act on.

>>> try:
...     raise ValidationError("must be timezone-aware", path="at")
... except DeskflowError as exc:
...     print(exc.path, "-", exc)
at - at: must be timezone-aware
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConcurrencyConflict",
    "DeskflowError",
    "DuplicateTicket",
    "IncompleteHandoff",
    "InvalidTransition",
    "LifecycleDefinitionError",
    "NaiveDatetimeError",
    "SchemaVersionError",
    "StorageError",
    "StoredDataError",
    "TicketNotFound",
    "TimeOrderError",
    "ValidationError",
]


class DeskflowError(Exception):
    """Base class of every error deskflow raises on purpose.

    >>> issubclass(ValidationError, DeskflowError)
    True
    """


class ValidationError(DeskflowError, ValueError):
    """A value broke a rule; ``path`` names the field (``customer.email``).

    ``errors`` holds every ``(path, message)`` pair found, when several fields
    were wrong at once; the message lists them all.

    >>> err = ValidationError("must not be empty", path="summary")
    >>> str(err), err.path
    ('summary: must not be empty', 'summary')
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        errors: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.path = path
        self.rule = message
        self.errors: tuple[tuple[str, str], ...] = tuple(errors) or ((path, message),)
        if len(self.errors) > 1:
            text = "; ".join(f"{p or '$'}: {m}" for p, m in self.errors)
        else:
            text = f"{path}: {message}" if path else message
        super().__init__(text)


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone was given where an instant is needed.

    deskflow never guesses a zone: attach one (``datetime(..., tzinfo=UTC)``
    or ``zoneinfo.ZoneInfo("Europe/Berlin")``).

    >>> from datetime import datetime
    >>> from deskflow.clock import ensure_aware
    >>> ensure_aware(datetime(2026, 1, 1, 9, 0), "at")
    Traceback (most recent call last):
    ...
    deskflow.errors.NaiveDatetimeError: at: naive datetime 2026-01-01T09:00:00; pass a timezone-aware datetime
    """


class TimeOrderError(ValidationError):
    """An event would be recorded before the last event of the timeline.

    >>> issubclass(TimeOrderError, ValueError)
    True
    """


class SchemaVersionError(ValidationError):
    """A stored document or database has a schema this code does not know.

    >>> SchemaVersionError("schema 9 is newer than 1", path="deskflow_schema").path
    'deskflow_schema'
    """


class LifecycleDefinitionError(ValidationError):
    """A lifecycle definition is inconsistent (checked when it is built).

    >>> str(LifecycleDefinitionError("state 'x' is unreachable", path="states"))
    "states: state 'x' is unreachable"
    """


class InvalidTransition(DeskflowError, ValueError):
    """A command is not allowed in the ticket's current state, or a guard refused it.

    Carries the ticket id, the current ``state``, the ``command`` name, the
    commands ``allowed`` now, and the ``reasons`` a guard gave.

    >>> err = InvalidTransition(
    ...     ticket_id="t1", state="closed", command="hold", allowed=("reopen",)
    ... )
    >>> print(err)
    cannot 'hold' ticket t1 in state 'closed'; allowed now: reopen
    """

    def __init__(
        self,
        *,
        ticket_id: str,
        state: str,
        command: str,
        allowed: Iterable[str],
        reasons: Iterable[str] = (),
    ) -> None:
        self.ticket_id = ticket_id
        self.state = state
        self.command = command
        self.allowed: tuple[str, ...] = tuple(allowed)
        self.reasons: tuple[str, ...] = tuple(reasons)
        allowed_text = ", ".join(self.allowed) or "nothing (terminal state)"
        if self.reasons:
            text = (
                f"cannot '{command}' ticket {ticket_id} in state '{state}': "
                + "; ".join(self.reasons)
            )
        else:
            text = (
                f"cannot '{command}' ticket {ticket_id} in state '{state}'; "
                f"allowed now: {allowed_text}"
            )
        super().__init__(text)


class IncompleteHandoff(InvalidTransition):
    """An escalation was refused because its hand-off package is incomplete.

    ``missing`` lists each part that must be added before the next tier
    accepts the ticket.

    >>> err = IncompleteHandoff(ticket_id="t1", state="in_progress",
    ...     allowed=("escalate",), missing=("contact details verified",))
    >>> err.missing
    ('contact details verified',)
    """

    def __init__(
        self,
        *,
        ticket_id: str,
        state: str,
        allowed: Iterable[str],
        missing: Iterable[str],
        command: str = "escalate",
    ) -> None:
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(
            ticket_id=ticket_id,
            state=state,
            command=command,
            allowed=allowed,
            reasons=("hand-off incomplete, missing: " + ", ".join(self.missing),),
        )


class StorageError(DeskflowError):
    """A storage backend failed; the driver's exception is the ``__cause__``.

    >>> issubclass(StorageError, DeskflowError)
    True
    """


class StoredDataError(StorageError):
    """Stored data cannot be read back: a damaged event row, or events that do not make a ticket.

    ``ticket_id`` names the ticket and ``version`` the event (its version,
    from 1) when they are known, so a host can set that ticket aside and go
    on; the decoding error is the ``__cause__``. Reading changes nothing, and
    the store's other tickets still read.

    >>> err = StoredDataError("a stored event cannot be read", ticket_id="t-1", version=2)
    >>> err.ticket_id, err.version, isinstance(err, StorageError)
    ('t-1', 2, True)
    """

    def __init__(
        self, message: str, *, ticket_id: str | None = None, version: int | None = None
    ) -> None:
        self.ticket_id = ticket_id
        self.version = version
        super().__init__(message)


class TicketNotFound(StorageError, LookupError):
    """No ticket has this id or reference number.

    >>> TicketNotFound("INC-1234").key
    'INC-1234'
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no ticket with id or reference {key!r}")


class DuplicateTicket(StorageError, ValueError):
    """A ticket with this id or reference number is already stored.

    >>> DuplicateTicket("t1").ticket_id
    't1'
    """

    def __init__(self, ticket_id: str) -> None:
        self.ticket_id = ticket_id
        super().__init__(
            f"ticket {ticket_id!r} is already stored; use save() to change it"
        )


class ConcurrencyConflict(StorageError):
    """A save was based on a stale version; nothing was written.

    Re-read the ticket, re-apply the command, and save again.

    When the versions agree, the ticket was not built on the stored history
    (it was read at an older version than the one claimed):

    >>> err = ConcurrencyConflict("t1", expected=3, actual=4)
    >>> print(err)
    ticket 't1' was changed by someone else: read at version 3, stored version is 4; nothing was written
    >>> print(ConcurrencyConflict("t1", expected=4, actual=4))
    ticket 't1' was changed by someone else: stored version 4 holds other events than this ticket's first 4 (it was read at an earlier version); nothing was written
    """

    def __init__(self, ticket_id: str, *, expected: int, actual: int) -> None:
        self.ticket_id = ticket_id
        self.expected = expected
        self.actual = actual
        if expected == actual:
            detail = (
                f"stored version {actual} holds other events than this ticket's "
                f"first {expected} (it was read at an earlier version)"
            )
        else:
            detail = f"read at version {expected}, stored version is {actual}"
        super().__init__(
            f"ticket {ticket_id!r} was changed by someone else: {detail}; "
            "nothing was written"
        )
