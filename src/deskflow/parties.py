"""The people and things a ticket is about: customers, agents and assets.

These are plain values: a ticket keeps a snapshot of its customer and asset as
they were when the ticket was opened, so a later change to the customer record
never rewrites history.

>>> alice = Customer(id="c-17", name="Alice Moreau", email="alice@example.org",
...                  phone="+32 2 555 0101", organisation="Student Services",
...                  manager="Dr. Nadia Haddad")
>>> alice.display_name
'Alice Moreau (Student Services)'
"""

from __future__ import annotations

import enum
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

import attrs

from deskflow._validators import (
    instance_of,
    non_empty,
    optional_instance_of,
    to_tuple,
    tuple_of,
)
from deskflow.clock import ensure_aware
from deskflow.errors import ValidationError

__all__ = ["Agent", "Asset", "ContactWindow", "Customer", "Tier"]


class Tier(enum.Enum):
    """The support tiers a ticket moves through.

    ``L1`` is the service desk, ``L2`` desktop support / senior agents, ``L3``
    field technicians or engineering, ``SME`` subject-matter experts and
    ``VENDOR`` an external supplier.

    >>> Tier("l2"), Tier.L3.value
    (<Tier.L2: 'l2'>, 'l3')
    """

    L1 = "l1"
    L2 = "l2"
    L3 = "l3"
    SME = "sme"
    VENDOR = "vendor"

    @property
    def rank(self) -> int:
        """Position in the escalation ladder (L1 = 1).

        >>> Tier.L1.rank < Tier.L3.rank
        True
        """
        return _TIER_RANK[self]


_TIER_RANK = {Tier.L1: 1, Tier.L2: 2, Tier.L3: 3, Tier.SME: 4, Tier.VENDOR: 5}


_text = optional_instance_of(str)


def _to_weekdays(value: Any) -> Any:
    # Sorted and without repeats, so equal windows compare (and serialize) equal.
    if isinstance(value, (list, tuple, set, frozenset)):
        try:
            return tuple(sorted(set(value)))
        except TypeError:
            return tuple(value)
    return value


def _check_weekdays(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            "give at least one weekday (0 = Monday ... 6 = Sunday)", path="weekdays"
        )
    for day in value:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValidationError(
                f"{day!r} is not a weekday number (0 = Monday ... 6 = Sunday)",
                path="weekdays",
            )


def _check_window_end(
    instance: Any, attribute: attrs.Attribute[Any], value: time
) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValidationError("expected a wall-clock time without a zone", path="end")
    if value <= instance.start:
        raise ValidationError(
            f"the window must end after it starts ({instance.start.isoformat('minutes')})",
            path="end",
        )


def _check_window_start(
    instance: Any, attribute: attrs.Attribute[Any], value: time
) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValidationError("expected a wall-clock time without a zone", path="start")


@attrs.frozen(kw_only=True)
class ContactWindow:
    """When a customer may be called, as wall-clock hours in their own time zone.

    ``weekdays`` are numbers, 0 for Monday to 6 for Sunday. The window is
    half-open: a call may start at ``start`` but not at ``end``.

    >>> from zoneinfo import ZoneInfo
    >>> window = ContactWindow(start=time(9, 30), end=time(12, 0))
    >>> brussels = ZoneInfo("Europe/Brussels")
    >>> window.contains(datetime(2026, 3, 2, 10, tzinfo=brussels), brussels)
    True
    >>> window.next_opening(datetime(2026, 3, 6, 12, 30, tzinfo=brussels), brussels).isoformat()
    '2026-03-09T09:30:00+01:00'
    """

    start: time = attrs.field(validator=_check_window_start)
    end: time = attrs.field(validator=_check_window_end)
    weekdays: tuple[int, ...] = attrs.field(
        default=(0, 1, 2, 3, 4), converter=_to_weekdays, validator=_check_weekdays
    )

    def contains(self, at: datetime, zone: tzinfo) -> bool:
        """Whether a call at the instant ``at`` falls inside the window in ``zone``.

        >>> from datetime import timezone
        >>> ContactWindow(start=time(9), end=time(17)).contains(
        ...     datetime(2026, 3, 7, 10, tzinfo=timezone.utc), timezone.utc)  # a Saturday
        False
        """
        local = ensure_aware(at, "at").astimezone(zone)
        return (
            local.weekday() in self.weekdays
            and self.start <= local.time().replace(tzinfo=None) < self.end
        )

    def next_opening(self, at: datetime, zone: tzinfo) -> datetime:
        """The first instant at or after ``at`` inside the window (``at`` itself if inside).

        The result is in ``zone``.

        >>> from datetime import timezone
        >>> ContactWindow(start=time(9), end=time(17)).next_opening(
        ...     datetime(2026, 3, 2, 18, tzinfo=timezone.utc), timezone.utc).isoformat()
        '2026-03-03T09:00:00+00:00'
        """
        local = ensure_aware(at, "at").astimezone(zone)
        if self.contains(local, zone):
            return local
        day = local.date()
        for offset in range(8):
            candidate_day = day + timedelta(days=offset)
            if candidate_day.weekday() not in self.weekdays:
                continue
            candidate = datetime.combine(candidate_day, self.start, tzinfo=zone)
            # Wall-clock times that do not exist (a DST gap) normalise forward.
            candidate = candidate.astimezone(zone)
            if candidate >= local:
                return candidate
        raise AssertionError(
            "unreachable: a week always holds a window day"
        )  # pragma: no cover


@attrs.frozen(kw_only=True)
class Customer:
    """A person who asks the desk for help.

    ``time_zone`` is an IANA name (``"Europe/Brussels"``) used to book
    call-backs in the customer's own time; ``service_level`` names the
    agreement that applies to them (e.g. ``"gold"``), if any;
    ``contact_window`` says when they may be called (in ``time_zone``).

    >>> Customer(id="c-1", name="Bo").organisation is None
    True
    """

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    email: str | None = attrs.field(default=None, validator=_text)
    phone: str | None = attrs.field(default=None, validator=_text)
    organisation: str | None = attrs.field(default=None, validator=_text)
    manager: str | None = attrs.field(default=None, validator=_text)
    time_zone: str | None = attrs.field(default=None, validator=_text)
    service_level: str | None = attrs.field(default=None, validator=_text)
    contact_window: ContactWindow | None = attrs.field(
        default=None, validator=optional_instance_of(ContactWindow)
    )

    @property
    def display_name(self) -> str:
        """Name with the organisation, for lists and notices.

        >>> Customer(id="c-1", name="Bo").display_name
        'Bo'
        """
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


@attrs.frozen(kw_only=True)
class Agent:
    """A member of the support organisation.

    >>> Agent(id="a-1", name="Sam", tier=Tier.L1, groups=("service-desk",)).tier
    <Tier.L1: 'l1'>
    """

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    tier: Tier = attrs.field(default=Tier.L1, validator=instance_of(Tier))
    groups: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    supervisor: str | None = attrs.field(default=None, validator=_text)
    email: str | None = attrs.field(default=None, validator=_text)


@attrs.frozen(kw_only=True)
class Asset:
    """A unit or device a ticket is about (a printer, a laptop, a phone).

    >>> Asset(serial="CN-4821-X", model="LaserJet M404", owner="c-17").serial
    'CN-4821-X'
    """

    serial: str = attrs.field(validator=non_empty)
    model: str | None = attrs.field(default=None, validator=_text)
    owner: str | None = attrs.field(default=None, validator=_text)
    location: str | None = attrs.field(default=None, validator=_text)
    tag: str | None = attrs.field(default=None, validator=_text)
