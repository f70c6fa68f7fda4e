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

import attrs

from deskflow._validators import non_empty, to_tuple, tuple_of

__all__ = ["Agent", "Asset", "Customer", "Tier"]


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


@attrs.frozen(kw_only=True)
class Customer:
    """A person who asks the desk for help.

    ``time_zone`` is an IANA name (``"Europe/Brussels"``) used to book
    call-backs in the customer's own time; ``service_level`` names the
    agreement that applies to them (e.g. ``"gold"``), if any.

    >>> Customer(id="c-1", name="Bo").organisation is None
    True
    """

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    email: str | None = None
    phone: str | None = None
    organisation: str | None = None
    manager: str | None = None
    time_zone: str | None = None
    service_level: str | None = None

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
    tier: Tier = Tier.L1
    groups: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    supervisor: str | None = None
    email: str | None = None


@attrs.frozen(kw_only=True)
class Asset:
    """A unit or device a ticket is about (a printer, a laptop, a phone).

    >>> Asset(serial="CN-4821-X", model="LaserJet M404", owner="c-17").serial
    'CN-4821-X'
    """

    serial: str = attrs.field(validator=non_empty)
    model: str | None = None
    owner: str | None = None
    location: str | None = None
    tag: str | None = None
