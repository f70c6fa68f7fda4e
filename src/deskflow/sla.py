"""SLA policies and the clocks they put on a ticket, derived from its timeline.

A :class:`SlaPolicy` maps a ticket's kind, priority and (optionally) the
customer's service level to :class:`Target` values: time to first response,
time to resolution, the cadence of status updates, the response an internal
group owes after an escalation (an OLA) and the time a vendor may keep a
ticket on hold (an underpinning contract). Each target is measured on one of
the policy's named :class:`~deskflow.calendars.BusinessCalendar` values
("business", "24x7"). :class:`PauseRule` values say which statuses and hold
reasons stop which clocks; :class:`Threshold` values say who hears of a
clock at which fraction of its target.

:func:`evaluate` is a pure function of the ticket's timeline: it never reads
the wall clock, and only events at or before ``at`` count, so evaluating at a
past instant shows what an observer saw then. It returns an
:class:`Evaluation` with one :class:`ClockReport` per clock (and per cycle)
and the :class:`Alert` values the thresholds produced.

The rules, precisely (the guide ``docs/guides/sla.md`` has examples):

- **First response** is the first agent action the customer can perceive: a
  customer-visible note by anyone but the customer, the start of work, or a
  resolution. Opening the ticket does not count, even on the phone.
- **Response** runs from the opening to the first response. **Resolution**
  runs from the opening to the resolution; a reopen starts a new cycle of it
  that keeps the time already spent (its elapsed time includes the earlier
  cycles, but not their alerts: a threshold an earlier cycle reached is not
  alerted again). **Update** runs in cycles: the first starts at the first
  response; each customer-visible note by an agent ends a cycle (met or
  breached) and starts the next; the resolution ends the last cycle and a
  reopen starts a new one. A cycle that would begin and end at the
  resolution's instant (a customer-visible resolution note, or work started
  at that instant) is not reported: the resolution is that update.
  **Escalation response** (OLA) starts at each escalation and is met by the
  next assignment, start of work or resolution;
  a new escalation ends the previous one unanswered. **Vendor** (underpinning
  contract) runs while the ticket is on hold awaiting the vendor and is met
  when that hold ends. A cancellation, or a closure without a resolution,
  ends every running clock.
- A clock is **met** when it stops at or before its due instant and
  **breached** once the due instant has passed; the due instant is the
  earliest instant at which the target's business time is used up, so a
  target ending at a closing time is due at that closing time.
- **Priority or policy changes** retarget every clock that has not yet
  breached: the new target and calendar apply to the whole clock,
  recomputed from history (time spent paused stays paused). A clock that
  breached keeps the target it breached: a change cannot undo a breach.
  Stopped clocks keep the target in force when they stopped (a clock that
  stopped with no target stays unreported).
- **Ties**: events at the same instant apply in timeline order; a policy
  version takes effect at its ``effective_from`` instant, before the events
  of that instant; a clock stopped exactly at its due instant is met.

>>> from datetime import datetime, timedelta, timezone
>>> from deskflow import Customer, Impact, Incident, Urgency
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
>>> inc = Incident.open(summary="VPN down", customer=Customer(id="c-1", name="Bo"),
...     impact=Impact.MEDIUM, urgency=Urgency.HIGH, at=t0, actor="a-sam")
>>> inc = inc.start_work(at=t0 + timedelta(minutes=10), actor="a-sam")
>>> result = evaluate(inc, at=t0 + timedelta(hours=1))
>>> response = result.clock(ClockKind.RESPONSE)
>>> response.state.value, response.elapsed
('met', datetime.timedelta(seconds=600))
>>> resolution = result.clock(ClockKind.RESOLUTION)
>>> resolution.state.value, resolution.target, resolution.due.isoformat()
('running', datetime.timedelta(seconds=28800), '2026-03-02T17:00:00+00:00')
"""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

import attrs

from deskflow import _native
from deskflow._validators import (
    instance_of,
    non_empty,
    optional_instance_of,
    to_tuple,
)
from deskflow.calendars import BusinessCalendar, _Ruler
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import ValidationError
from deskflow.parties import Tier
from deskflow.priority import Priority
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import NoteKind, Visibility
from deskflow.tickets.values import HoldReason, Status, TicketKind

__all__ = [
    "COMPILED",
    "DEFAULT_PAUSE_RULES",
    "DEFAULT_POLICY",
    "DEFAULT_THRESHOLDS",
    "Agreement",
    "Alert",
    "ClockKind",
    "ClockReport",
    "ClockState",
    "Evaluation",
    "NamedCalendar",
    "PauseRule",
    "PolicyHistory",
    "PolicyPeriod",
    "PolicyVersion",
    "SlaPolicy",
    "SlaRule",
    "Target",
    "Threshold",
    "ThresholdAction",
    "default_policy",
    "evaluate",
    "format_hours",
]

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_ZERO = timedelta(0)
_EPOCH_DAY = _EPOCH.toordinal()


def _micros(value: timedelta) -> int:
    return value.days * 86_400_000_000 + value.seconds * 1_000_000 + value.microseconds


# -- vocabulary -----------------------------------------------------------------


class Agreement(enum.Enum):
    """Whom a clock's promise is made to.

    ``SLA``: the service desk to the customer. ``OLA``: one internal group to
    another (L2 owes L1 a response after an escalation). ``UNDERPINNING``: a
    vendor to the desk (an underpinning contract).

    >>> Agreement("ola")
    <Agreement.OLA: 'ola'>
    """

    SLA = "sla"
    OLA = "ola"
    UNDERPINNING = "underpinning"


class ClockKind(enum.Enum):
    """What a clock measures (see the module docstring for when each starts and stops).

    >>> ClockKind.ESCALATION_RESPONSE.default_agreement
    <Agreement.OLA: 'ola'>
    """

    RESPONSE = "response"
    RESOLUTION = "resolution"
    UPDATE = "update"
    ESCALATION_RESPONSE = "escalation_response"
    VENDOR = "vendor"

    @property
    def default_agreement(self) -> Agreement:
        """The agreement a target of this kind serves unless it says otherwise.

        >>> ClockKind.VENDOR.default_agreement.value
        'underpinning'
        """
        if self is ClockKind.ESCALATION_RESPONSE:
            return Agreement.OLA
        if self is ClockKind.VENDOR:
            return Agreement.UNDERPINNING
        return Agreement.SLA


class ClockState(enum.Enum):
    """A clock seen at an instant.

    ``RUNNING`` and ``WARNING`` (at or past the policy's ``warn_at`` fraction) count
    time; ``PAUSED`` does not; ``MET`` and ``BREACHED`` are final for a
    stopped clock, and ``BREACHED`` also for a running one past its due
    instant; ``CANCELLED`` is a clock the ticket's cancellation or closure
    (or a later escalation, for an OLA) ended before it was met or breached.

    >>> ClockState.MET.is_final, ClockState.WARNING.is_final
    (True, False)
    """

    RUNNING = "running"
    WARNING = "warning"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """True for a state a clock never leaves (met, breached, cancelled).

        >>> ClockState.BREACHED.is_final
        True
        """
        return self in (ClockState.MET, ClockState.BREACHED, ClockState.CANCELLED)


class ThresholdAction(enum.Enum):
    """What should happen when a clock reaches a threshold.

    >>> ThresholdAction("escalate")
    <ThresholdAction.ESCALATE: 'escalate'>
    """

    WARN = "warn"
    ESCALATE = "escalate"
    NOTIFY = "notify"


# -- validators -------------------------------------------------------------------


def _positive_duration(
    instance: Any, attribute: attrs.Attribute[Any], value: Any
) -> None:
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"expected a timedelta, got {type(value).__name__}", path=attribute.name
        )
    if value <= _ZERO:
        raise ValidationError("must be a positive duration", path=attribute.name)


def _fraction(upper: float | None) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(
                f"expected a number, got {type(value).__name__}", path=attribute.name
            )
        if (
            not value > 0
            or not math.isfinite(value)
            or (upper is not None and value > upper)
        ):
            bound = f" and at most {upper:g}" if upper is not None else ""
            raise ValidationError(
                f"must be above 0{bound} (a fraction of the target), got {value!r}",
                path=attribute.name,
            )

    return check


def _to_frozenset(value: Any) -> Any:
    return frozenset(value) if isinstance(value, (list, tuple, set)) else value


def _kinds(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset):
        raise ValidationError(
            f"expected a set of clock kinds, got {type(value).__name__}",
            path=attribute.name,
        )
    for item in value:
        if not isinstance(item, ClockKind):
            raise ValidationError(
                f"expected ClockKind values, got {item!r}", path=attribute.name
            )


def _items(kind: type) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"expected a tuple, got {type(value).__name__}", path=attribute.name
            )
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValidationError(
                    f"expected {kind.__name__}, got {type(item).__name__}",
                    path=f"{attribute.name}[{index}]",
                )

    return check


# -- policy values ---------------------------------------------------------------


def _kind_of(target: Target) -> ClockKind:
    # The defaults below read the kind before attrs runs the validators.
    if not isinstance(target.kind, ClockKind):
        raise ValidationError(
            f"expected ClockKind, got {type(target.kind).__name__}", path="kind"
        )
    return target.kind


def _default_agreement(self: Target) -> Agreement:
    return _kind_of(self).default_agreement


def _default_name(self: Target) -> str:
    return _kind_of(self).value


@attrs.frozen(kw_only=True)
class Target:
    """One clock's target: what is measured, within how much business time, on which calendar.

    ``calendar`` names one of the policy's calendars. ``agreement`` defaults
    from the kind (SLA; OLA for escalation responses; underpinning contract
    for vendors). ``to_tier`` narrows an escalation-response target to
    escalations to that tier (a target without it covers every escalation).
    ``name`` labels the clock in reports (the kind's value by default).

    >>> t = Target(kind=ClockKind.ESCALATION_RESPONSE, within=timedelta(hours=2),
    ...     to_tier=Tier.L2)
    >>> t.agreement.value, t.calendar, t.name
    ('ola', 'business', 'escalation_response')
    """

    kind: ClockKind = attrs.field(validator=instance_of(ClockKind))
    within: timedelta = attrs.field(validator=_positive_duration)
    calendar: str = attrs.field(default="business", validator=non_empty)
    agreement: Agreement = attrs.field(
        default=attrs.Factory(_default_agreement, takes_self=True),
        validator=instance_of(Agreement),
    )
    to_tier: Tier | None = attrs.field(
        default=None, validator=optional_instance_of(Tier)
    )
    name: str = attrs.field(
        default=attrs.Factory(_default_name, takes_self=True), validator=non_empty
    )

    def __attrs_post_init__(self) -> None:
        if self.to_tier is not None and self.kind is not ClockKind.ESCALATION_RESPONSE:
            raise ValidationError(
                "only an escalation-response target names a tier", path="to_tier"
            )


@attrs.frozen(kw_only=True)
class SlaRule:
    """The targets for one priority, optionally narrowed to a ticket kind and a service level.

    ``kind=None`` covers every ticket kind; ``service_level=None`` covers
    customers whatever their service level. The most specific rule wins (see
    :meth:`SlaPolicy.targets_for`).

    >>> rule = SlaRule(priority=Priority.HIGH, targets=(
    ...     Target(kind=ClockKind.RESPONSE, within=timedelta(minutes=30)),))
    >>> rule.kind is None, rule.targets[0].within
    (True, datetime.timedelta(seconds=1800))
    """

    priority: Priority = attrs.field(validator=instance_of(Priority))
    targets: tuple[Target, ...] = attrs.field(
        converter=to_tuple, validator=_items(Target)
    )
    kind: TicketKind | None = attrs.field(
        default=None, validator=optional_instance_of(TicketKind)
    )
    service_level: str | None = attrs.field(
        default=None, validator=optional_instance_of(str)
    )

    def __attrs_post_init__(self) -> None:
        seen: dict[tuple[ClockKind, Tier | None], int] = {}
        names: dict[str, int] = {}
        for index, target in enumerate(self.targets):
            key = (target.kind, target.to_tier)
            if key in seen:
                tier = f" to {target.to_tier.value}" if target.to_tier else ""
                raise ValidationError(
                    f"two {target.kind.value}{tier} targets (also targets[{seen[key]}])",
                    path=f"targets[{index}]",
                )
            if target.name in names:
                raise ValidationError(
                    f"two targets named {target.name!r} (also targets[{names[target.name]}])",
                    path=f"targets[{index}].name",
                )
            seen[key] = index
            names[target.name] = index
        if self.service_level is not None and not self.service_level.strip():
            raise ValidationError(
                "a service level is a non-empty name or None", path="service_level"
            )


@attrs.frozen(kw_only=True)
class PauseRule:
    """While a ticket is in ``status`` (and on hold for ``hold_reason``), ``clocks`` stop.

    Either field may be ``None`` (any); at least one must be given. A rule
    with a hold reason applies only while the ticket is on hold.

    >>> rule = PauseRule(hold_reason=HoldReason.AWAITING_CUSTOMER,
    ...     clocks=frozenset({ClockKind.RESOLUTION, ClockKind.UPDATE}))
    >>> rule.matches(Status.ON_HOLD, HoldReason.AWAITING_CUSTOMER)
    True
    """

    clocks: frozenset[ClockKind] = attrs.field(
        converter=_to_frozenset, validator=_kinds
    )
    status: Status | None = attrs.field(
        default=None, validator=optional_instance_of(Status)
    )
    hold_reason: HoldReason | None = attrs.field(
        default=None, validator=optional_instance_of(HoldReason)
    )

    def __attrs_post_init__(self) -> None:
        if self.status is None and self.hold_reason is None:
            raise ValidationError(
                "a pause rule names a status, a hold reason or both", path="status"
            )
        if self.hold_reason is not None and self.status not in (None, Status.ON_HOLD):
            raise ValidationError(
                "a hold reason only applies to the on_hold status", path="status"
            )

    def matches(self, status: Status, hold_reason: HoldReason | None) -> bool:
        """Whether the rule applies to a ticket in ``status`` held for ``hold_reason``.

        >>> PauseRule(status=Status.KNOWN_ERROR, clocks={ClockKind.RESOLUTION}).matches(
        ...     Status.IN_PROGRESS, None)
        False
        """
        if self.status is not None and self.status is not status:
            return False
        if self.hold_reason is None:
            return True
        return status is Status.ON_HOLD and hold_reason is self.hold_reason


@attrs.frozen(kw_only=True)
class Threshold:
    """At ``fraction`` of a clock's target, ``action`` for ``recipient``.

    Fractions above 1 lie after the due instant (1.5: half the target again
    after the breach). ``deliver_on`` names a policy calendar: an alert that
    reaches a person is moved to that calendar's next open instant, so nobody
    is paged at midnight for a business-hours queue. ``clocks`` limits the
    threshold to some clock kinds (empty: every kind).

    >>> Threshold(name="manager", fraction=1.5, action=ThresholdAction.NOTIFY,
    ...     recipient="service desk manager", deliver_on="business").fraction
    1.5
    """

    name: str = attrs.field(validator=non_empty)
    fraction: float = attrs.field(validator=_fraction(None))
    action: ThresholdAction = attrs.field(
        default=ThresholdAction.WARN, validator=instance_of(ThresholdAction)
    )
    recipient: str = attrs.field(default="", validator=instance_of(str))
    deliver_on: str | None = attrs.field(
        default=None, validator=optional_instance_of(str)
    )
    clocks: frozenset[ClockKind] = attrs.field(
        default=frozenset(), converter=_to_frozenset, validator=_kinds
    )


@attrs.frozen(kw_only=True)
class NamedCalendar:
    """A calendar as a policy names it (``"business"``, ``"24x7"``).

    >>> NamedCalendar(name="24x7", calendar=BusinessCalendar.always_open()).name
    '24x7'
    """

    name: str = attrs.field(validator=non_empty)
    calendar: BusinessCalendar = attrs.field(validator=instance_of(BusinessCalendar))


_DEFAULT_TARGET_CALENDAR = attrs.fields(Target).calendar.default

DEFAULT_PAUSE_RULES: tuple[PauseRule, ...] = (
    PauseRule(
        hold_reason=HoldReason.AWAITING_CUSTOMER,
        clocks=frozenset({ClockKind.RESPONSE, ClockKind.RESOLUTION, ClockKind.UPDATE}),
    ),
    PauseRule(
        hold_reason=HoldReason.AWAITING_USER,
        clocks=frozenset({ClockKind.RESPONSE, ClockKind.RESOLUTION, ClockKind.UPDATE}),
    ),
    PauseRule(status=Status.KNOWN_ERROR, clocks=frozenset({ClockKind.RESOLUTION})),
)
"""Waiting on the customer (or user) pauses every clock the customer is owed
(response, resolution, updates); a problem recorded as a known error pauses
its resolution. Waiting on a vendor, a change or an approval pauses nothing:
the desk still owes the customer."""

DEFAULT_THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        name="warn", fraction=0.75, action=ThresholdAction.WARN, recipient="assignee"
    ),
    Threshold(
        name="escalate",
        fraction=1.0,
        action=ThresholdAction.ESCALATE,
        recipient="group lead",
    ),
    Threshold(
        name="manager",
        fraction=1.5,
        action=ThresholdAction.NOTIFY,
        recipient="service desk manager",
        deliver_on="business",
    ),
)
"""Warn the assignee at 75 %, escalate to the group lead at 100 %, tell the
service desk manager at 150 % (during business hours)."""


class _CTarget:
    """A target resolved against its policy: what the hot loop reads."""

    __slots__ = (
        "agreement",
        "always",
        "cal",
        "cal_name",
        "kind",
        "name",
        "policy",
        "thresholds",
        "tz",
        "version",
        "warn_us",
        "within",
        "within_us",
    )

    def __init__(
        self, target: Target, policy: SlaPolicy, cal: BusinessCalendar
    ) -> None:
        self.kind = target.kind
        self.within = target.within
        self.within_us = _micros(target.within)
        self.cal = cal
        self.cal_name = target.calendar
        self.agreement = target.agreement
        self.name = target.name
        self.policy = policy
        self.version = policy.version
        self.warn_us = _micros(target.within * policy.warn_at)
        self.always = _is_always_open(cal)
        self.tz = cal.tzinfo
        # A share that rounds to no time at all is reached with the first
        # microsecond counted: amounts are positive, as calendar adds need.
        self.thresholds = tuple(
            (
                t,
                max(1, _micros(target.within * t.fraction)),
                policy.calendar(t.deliver_on) if t.deliver_on else None,
            )
            for t in sorted(policy.thresholds, key=lambda t: t.fraction)
            if not t.clocks or target.kind in t.clocks
        )


def _is_always_open(cal: BusinessCalendar) -> bool:
    return (
        cal.weekly_hours == timedelta(days=7)
        and not cal.holidays
        and not cal.closures
        and not cal.extra_days
        and cal.country is None
    )


# Hot-path keys are ints and strings: Enum.__hash__ is Python code. A rule's
# key is (kind value or None, priority value, service level or None).
_RuleKey = tuple[str | None, str, str | None]
_Compiled = dict[tuple[int, str | None], _CTarget]
_BIT = {kind: 1 << index for index, kind in enumerate(ClockKind)}
_BIT_OF_VALUE = {kind._value_: bit for kind, bit in _BIT.items()}


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """Named calendars, rules (targets per priority), pause rules and thresholds.

    Args:
        name: what the policy is called.
        version: a label for this version (``"2026-03"``), reported with
            every clock measured against it.
        calendars: the named calendars targets and thresholds refer to.
        rules: the :class:`SlaRule` values; no two may share kind, priority
            and service level.
        pause_rules: which statuses and hold reasons stop which clocks.
        warn_at: the fraction of a target at or past which a running clock is
            in the ``WARNING`` state.
        thresholds: the alerts to produce (see :class:`Threshold`).

    >>> policy = default_policy("Europe/Brussels")
    >>> [c.name for c in policy.calendars]
    ['business', '24x7']
    >>> policy.targets_for(TicketKind.INCIDENT, Priority.CRITICAL)[0].calendar
    '24x7'
    """

    name: str = attrs.field(validator=non_empty)
    version: str = attrs.field(default="1", validator=non_empty)
    calendars: tuple[NamedCalendar, ...] = attrs.field(
        converter=to_tuple, validator=_items(NamedCalendar)
    )
    rules: tuple[SlaRule, ...] = attrs.field(
        converter=to_tuple, validator=_items(SlaRule)
    )
    pause_rules: tuple[PauseRule, ...] = attrs.field(
        default=DEFAULT_PAUSE_RULES, converter=to_tuple, validator=_items(PauseRule)
    )
    warn_at: float = attrs.field(default=0.75, validator=_fraction(1.0))
    thresholds: tuple[Threshold, ...] = attrs.field(
        default=DEFAULT_THRESHOLDS, converter=to_tuple, validator=_items(Threshold)
    )

    _by_name: dict[str, BusinessCalendar] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _rules: dict[_RuleKey, _Compiled] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _paused: dict[tuple[str, str | None], int] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        by_name: dict[str, BusinessCalendar] = {}
        for index, named in enumerate(self.calendars):
            if named.name in by_name:
                raise ValidationError(
                    f"calendar {named.name!r} is listed twice",
                    path=f"calendars[{index}]",
                )
            by_name[named.name] = named.calendar
        object.__setattr__(self, "_by_name", by_name)
        known = ", ".join(by_name) or "none"
        for index, threshold in enumerate(self.thresholds):
            if threshold.deliver_on is not None and threshold.deliver_on not in by_name:
                hint = ""
                if threshold in DEFAULT_THRESHOLDS:
                    hint = (
                        f"; the default threshold {threshold.name!r} delivers on "
                        f"{threshold.deliver_on!r}: name a calendar "
                        f"{threshold.deliver_on!r} or give thresholds of your own"
                    )
                raise ValidationError(
                    f"no calendar named {threshold.deliver_on!r} "
                    f"(calendars: {known}){hint}",
                    path=f"thresholds[{index}].deliver_on",
                )
        compiled: dict[_RuleKey, _Compiled] = {}
        for r, rule in enumerate(self.rules):
            key = _rule_key(rule.kind, rule.priority, rule.service_level)
            if key in compiled:
                raise ValidationError(
                    f"two rules for kind={_v(rule.kind)}, priority={rule.priority.label}, "
                    f"service_level={rule.service_level}",
                    path=f"rules[{r}]",
                )
            table: _Compiled = {}
            for t, target in enumerate(rule.targets):
                cal = by_name.get(target.calendar)
                if cal is None:
                    hint = ""
                    if target.calendar == _DEFAULT_TARGET_CALENDAR:
                        hint = (
                            f"; a target is measured on {target.calendar!r} unless "
                            "it names another calendar"
                        )
                    raise ValidationError(
                        f"no calendar named {target.calendar!r} "
                        f"(calendars: {known}){hint}",
                        path=f"rules[{r}].targets[{t}].calendar",
                    )
                tier = target.to_tier._value_ if target.to_tier is not None else None
                for h, threshold in enumerate(self.thresholds):
                    if threshold.clocks and target.kind not in threshold.clocks:
                        continue
                    try:
                        target.within * threshold.fraction
                    except OverflowError:
                        raise ValidationError(
                            f"{threshold.fraction:g} of the {target.within} target of "
                            f"rules[{r}].targets[{t}] is longer than a timedelta holds",
                            path=f"thresholds[{h}].fraction",
                        ) from None
                table[(_BIT[target.kind], tier)] = _CTarget(target, self, cal)
            compiled[key] = table
        object.__setattr__(self, "_rules", compiled)
        paused: dict[tuple[str, str | None], int] = {}
        for status in Status:
            for reason in (None, *HoldReason):
                mask = 0
                for rule_ in self.pause_rules:
                    if rule_.matches(status, reason):
                        for kind in rule_.clocks:
                            mask |= _BIT[kind]
                paused[(status._value_, reason._value_ if reason else None)] = mask
        object.__setattr__(self, "_paused", paused)

    def calendar(self, name: str) -> BusinessCalendar:
        """The calendar called ``name``.

        >>> default_policy().calendar("business")
        BusinessCalendar(zone='UTC', hours='Mon-Fri 09:00-17:00')
        >>> default_policy().calendar("night")
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: calendar: no calendar named 'night' (calendars: business, 24x7)
        """
        try:
            return self._by_name[name]
        except KeyError:
            raise ValidationError(
                f"no calendar named {name!r} (calendars: {', '.join(self._by_name)})",
                path="calendar",
            ) from None

    def targets_for(
        self,
        kind: TicketKind,
        priority: Priority,
        service_level: str | None = None,
    ) -> tuple[Target, ...]:
        """The targets of the most specific rule for a ticket (empty if none matches).

        Rules are tried in this order: kind and service level; any kind and
        the service level; kind without service level; any kind without
        service level.

        >>> [t.kind.value for t in default_policy().targets_for(TicketKind.PROBLEM, Priority.LOW)]
        ['response', 'resolution', 'update', 'escalation_response', 'vendor']
        """
        rule = self.rule_for(kind, priority, service_level)
        return rule.targets if rule is not None else ()

    def rule_for(
        self,
        kind: TicketKind,
        priority: Priority,
        service_level: str | None = None,
    ) -> SlaRule | None:
        """The most specific rule for a ticket (see :meth:`targets_for`), or ``None``.

        >>> default_policy().rule_for(TicketKind.INCIDENT, Priority.HIGH).priority.label
        'P2'
        """
        by_key = {_rule_key(r.kind, r.priority, r.service_level): r for r in self.rules}
        for key in _candidates(kind, priority, service_level):
            if key in by_key:
                return by_key[key]
        return None

    def _compiled_for(
        self, kind: TicketKind, priority: Priority, service_level: str | None
    ) -> _Compiled:
        rules = self._rules
        k = kind._value_
        p = priority._value_
        if service_level is not None:
            found = rules.get((k, p, service_level))
            if found is not None:
                return found
            found = rules.get((None, p, service_level))
            if found is not None:
                return found
        found = rules.get((k, p, None))
        if found is not None:
            return found
        return rules.get((None, p, None), _EMPTY)


_EMPTY: _Compiled = {}


def _rule_key(
    kind: TicketKind | None, priority: Priority, service_level: str | None
) -> _RuleKey:
    return (
        kind._value_ if kind is not None else None,
        priority._value_,
        service_level,
    )


def _candidates(
    kind: TicketKind, priority: Priority, service_level: str | None
) -> list[_RuleKey]:
    """Rule keys from the most specific to the least (as ``_compiled_for`` tries them)."""
    out: list[_RuleKey] = []
    if service_level is not None:
        out += [
            _rule_key(kind, priority, service_level),
            _rule_key(None, priority, service_level),
        ]
    return [*out, _rule_key(kind, priority, None), _rule_key(None, priority, None)]


def _v(value: Any) -> str:
    return "any" if value is None else str(value.value)


@attrs.frozen(kw_only=True)
class PolicyVersion:
    """One version of a policy and the instant from which it applies.

    >>> from datetime import datetime, timezone
    >>> PolicyVersion(effective_from=datetime(2026, 1, 1, tzinfo=timezone.utc),
    ...     policy=DEFAULT_POLICY).policy.version
    '1'
    """

    effective_from: datetime = attrs.field(
        validator=lambda _i, a, v: ensure_aware(v, a.name) and None
    )
    policy: SlaPolicy = attrs.field(validator=instance_of(SlaPolicy))


def _check_versions(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _items(PolicyVersion)(instance, attribute, value)
    if not value:
        raise ValidationError("a history holds at least one version", path="versions")
    for index in range(1, len(value)):
        if to_utc(value[index].effective_from) <= to_utc(
            value[index - 1].effective_from
        ):
            raise ValidationError(
                "versions must take effect in increasing order of effective_from",
                path=f"versions[{index}].effective_from",
            )


@attrs.frozen(kw_only=True)
class PolicyHistory:
    """Policy versions in the order they took effect.

    The version in force at an instant is the last one whose
    ``effective_from`` is at or before it; an instant before the first
    version uses the first one.

    >>> from datetime import datetime, timezone
    >>> v2 = attrs.evolve(DEFAULT_POLICY, version="2", warn_at=0.5)
    >>> history = PolicyHistory(versions=(
    ...     PolicyVersion(effective_from=datetime(2026, 1, 1, tzinfo=timezone.utc), policy=DEFAULT_POLICY),
    ...     PolicyVersion(effective_from=datetime(2026, 3, 1, tzinfo=timezone.utc), policy=v2)))
    >>> history.in_force(datetime(2026, 2, 1, tzinfo=timezone.utc)).version
    '1'
    """

    versions: tuple[PolicyVersion, ...] = attrs.field(
        converter=to_tuple, validator=_check_versions
    )

    def in_force(self, at: datetime) -> SlaPolicy:
        """The policy version in force at the instant ``at``.

        >>> from datetime import datetime, timezone
        >>> PolicyHistory(versions=(PolicyVersion(
        ...     effective_from=datetime(2026, 1, 1, tzinfo=timezone.utc), policy=DEFAULT_POLICY),
        ... )).in_force(datetime(2025, 1, 1, tzinfo=timezone.utc)).name
        'default'
        """
        ensure_aware(at, "at")
        current = self.versions[0].policy
        for version in self.versions[1:]:
            if to_utc(version.effective_from) > to_utc(at):
                break
            current = version.policy
        return current


# -- results ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ClockReport:
    """One clock (one cycle of it) as seen at the evaluation instant.

    ``elapsed`` is business time on ``calendar`` while the clock counted;
    ``remaining`` is ``target - elapsed`` (negative once overdue), so
    ``elapsed + remaining == target`` always. ``due`` is the instant the
    target is (or was) used up, counted from the clock's last running stretch:
    ``None`` while the clock is paused, since it depends on when it resumes
    (a clock that already breached keeps its breach instant, paused or not).
    ``met_at`` is set for a met clock, ``breached_at`` (the due instant that
    passed) for a breached one, ``stopped_at`` whenever the clock stopped.
    ``policy_version`` and ``priority`` say which target applied.

    >>> r = evaluate(_demo_ticket(), at=_T0).clock(ClockKind.RESOLUTION)
    >>> r.elapsed + r.remaining == r.target, r.running
    (True, True)
    """

    name: str
    kind: ClockKind
    agreement: Agreement
    cycle: int
    target: timedelta
    calendar: str
    started_at: datetime
    elapsed: timedelta
    remaining: timedelta
    due: datetime | None
    state: ClockState
    running: bool
    met_at: datetime | None = None
    breached_at: datetime | None = None
    stopped_at: datetime | None = None
    policy_version: str = "1"
    priority: Priority


@attrs.frozen(kw_only=True)
class Alert:
    """A threshold a clock reached (or will reach if it keeps running): a dated, explainable value.

    ``reached_at`` is the instant the clock reaches ``fraction`` of its
    target; ``notify_at`` the instant to tell ``recipient``, moved to the
    next open instant of the threshold's ``deliver_on`` calendar when set
    (``deferred`` says whether it moved). ``reached`` is False for a
    projection: the instant at which a running clock will reach the
    threshold if nothing stops or pauses it. :attr:`reason` explains it.

    >>> a = Alert(clock="resolution", kind=ClockKind.RESOLUTION, cycle=1, threshold="warn",
    ...     action=ThresholdAction.WARN, recipient="assignee", fraction=0.75,
    ...     target=timedelta(hours=8), reached_at=_T0, notify_at=_T0, reached=True,
    ...     deferred=False, policy_version="1")
    >>> a.reason
    'resolution reached 75% of its 8:00 target at 2026-03-02 09:00 UTC: warn assignee'
    """

    clock: str
    kind: ClockKind
    cycle: int
    threshold: str
    action: ThresholdAction
    recipient: str
    fraction: float
    target: timedelta
    reached_at: datetime
    notify_at: datetime
    reached: bool
    deferred: bool
    policy_version: str

    @property
    def reason(self) -> str:
        """One sentence a person can read: which clock, how far, when, what to do.

        >>> _demo_alert().reason.endswith("warn assignee")
        True
        """
        cycle = f" #{self.cycle}" if self.cycle > 1 else ""
        verb = "reached" if self.reached else "will reach"
        who = f" {self.recipient}" if self.recipient else ""
        text = (
            f"{self.clock}{cycle} {verb} {self.fraction:.0%} of its "
            f"{format_hours(self.target)} target at {_when(self.reached_at)}: "
            f"{self.action.value}{who}"
        )
        if self.deferred:
            text += f", at {_when(self.notify_at)} (next open time)"
        return text


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The slot setters of a frozen result class, in ``names`` order.

    :func:`evaluate` fills its results through these, skipping the generated
    ``__init__`` (one ``object.__setattr__`` call per field): the classes
    have no validators or converters, which this checks once at import.
    """
    fields = attrs.fields(cls)
    if (
        tuple(f.name for f in fields) != names
        or any(f.validator is not None or f.converter is not None for f in fields)
        or hasattr(cls, "__attrs_post_init__")
        or hasattr(cls, "__attrs_pre_init__")
    ):
        raise TypeError(f"{cls.__name__} changed: update its setters in sla.py")
    return _native.slot_setters(cls, names)


_REPORT_SET = _setters(
    ClockReport,
    (
        "name",
        "kind",
        "agreement",
        "cycle",
        "target",
        "calendar",
        "started_at",
        "elapsed",
        "remaining",
        "due",
        "state",
        "running",
        "met_at",
        "breached_at",
        "stopped_at",
        "policy_version",
        "priority",
    ),
)
_ALERT_SET = _setters(
    Alert,
    (
        "clock",
        "kind",
        "cycle",
        "threshold",
        "action",
        "recipient",
        "fraction",
        "target",
        "reached_at",
        "notify_at",
        "reached",
        "deferred",
        "policy_version",
    ),
)


def _new_report(
    name: str,
    kind: ClockKind,
    agreement: Agreement,
    cycle: int,
    target: timedelta,
    calendar: str,
    started_at: datetime,
    elapsed: timedelta,
    remaining: timedelta,
    due: datetime | None,
    state: ClockState,
    running: bool,
    met_at: datetime | None,
    breached_at: datetime | None,
    stopped_at: datetime | None,
    policy_version: str,
    priority: Priority,
) -> ClockReport:
    """``ClockReport(...)`` with positional fields, without the ``__init__`` call."""
    return _native.new17(  # type: ignore[no-any-return]
        ClockReport,
        _REPORT_SET,
        name,
        kind,
        agreement,
        cycle,
        target,
        calendar,
        started_at,
        elapsed,
        remaining,
        due,
        state,
        running,
        met_at,
        breached_at,
        stopped_at,
        policy_version,
        priority,
    )


def _new_alert(
    clock: str,
    kind: ClockKind,
    cycle: int,
    threshold: str,
    action: ThresholdAction,
    recipient: str,
    fraction: float,
    target: timedelta,
    reached_at: datetime,
    notify_at: datetime,
    reached: bool,
    deferred: bool,
    policy_version: str,
) -> Alert:
    """``Alert(...)`` with positional fields, without the ``__init__`` call."""
    return _native.new13(  # type: ignore[no-any-return]
        Alert,
        _ALERT_SET,
        clock,
        kind,
        cycle,
        threshold,
        action,
        recipient,
        fraction,
        target,
        reached_at,
        notify_at,
        reached,
        deferred,
        policy_version,
    )


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M %Z")


def format_hours(value: timedelta) -> str:
    """``H:MM`` for a duration (``-0:30`` when negative); used in reports and alerts.

    >>> format_hours(timedelta(hours=26, minutes=5)), format_hours(timedelta(minutes=-30))
    ('26:05', '-0:30')
    """
    minutes = (
        int(value.total_seconds() // 60)
        if value >= _ZERO
        else -int((-value).total_seconds() // 60)
    )
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{mins:02d}"


@attrs.frozen(kw_only=True)
class PolicyPeriod:
    """A stretch of the ticket's life during which one policy version applied.

    ``end`` is ``None`` for the version still in force at the evaluation instant.

    >>> evaluate(_demo_ticket(), at=_T0).periods[0].version
    '1'
    """

    start: datetime
    end: datetime | None
    policy: str
    version: str


@attrs.frozen(kw_only=True)
class Evaluation:
    """Every clock of a ticket at one instant, with the alerts its thresholds produced.

    ``clocks`` are in the order they started (cycles of one clock in cycle
    order); ``alerts`` are sorted by ``notify_at``; ``periods`` say which
    policy version applied when.

    >>> e = evaluate(_demo_ticket(), at=_T0)
    >>> [c.name for c in e.clocks]
    ['response', 'resolution']
    """

    ticket_id: str
    at: datetime
    clocks: tuple[ClockReport, ...]
    alerts: tuple[Alert, ...]
    periods: tuple[PolicyPeriod, ...]

    def clock(
        self, kind_or_name: ClockKind | str, cycle: int | None = None
    ) -> ClockReport | None:
        """The latest cycle (or the given ``cycle``) of a clock, by kind or by name.

        >>> evaluate(_demo_ticket(), at=_T0).clock("update") is None
        True
        """
        found = None
        for report in self.clocks:
            if (report.kind is kind_or_name or report.name == kind_or_name) and (
                cycle is None or report.cycle == cycle
            ):
                found = report
        return found

    def cycles(self, kind_or_name: ClockKind | str) -> tuple[ClockReport, ...]:
        """Every cycle of a clock, in order.

        >>> len(evaluate(_demo_ticket(), at=_T0).cycles(ClockKind.RESPONSE))
        1
        """
        return tuple(
            r for r in self.clocks if r.kind is kind_or_name or r.name == kind_or_name
        )

    @property
    def breached(self) -> tuple[ClockReport, ...]:
        """The clocks (cycles) in the ``BREACHED`` state.

        >>> evaluate(_demo_ticket(), at=_T0).breached
        ()
        """
        return tuple(r for r in self.clocks if r.state is ClockState.BREACHED)

    @property
    def due_alerts(self) -> tuple[Alert, ...]:
        """Alerts reached and due for delivery at the evaluation instant.

        >>> evaluate(_demo_ticket(), at=_T0).due_alerts
        ()
        """
        now = to_utc(self.at)
        return tuple(a for a in self.alerts if a.reached and to_utc(a.notify_at) <= now)


# -- evaluation -----------------------------------------------------------------------

_PERIOD_SET = _setters(PolicyPeriod, ("start", "end", "policy", "version"))
_EVALUATION_SET = _setters(
    Evaluation, ("ticket_id", "at", "clocks", "alerts", "periods")
)


def _new_period(
    start: datetime, end: datetime | None, policy: str, version: str
) -> PolicyPeriod:
    """``PolicyPeriod(...)`` with positional fields, without the ``__init__`` call."""
    return _native.new4(  # type: ignore[no-any-return]
        PolicyPeriod,
        _PERIOD_SET,
        start,
        end,
        policy,
        version,
    )


def _new_evaluation(
    ticket_id: str,
    at: datetime,
    clocks: tuple[ClockReport, ...],
    alerts: tuple[Alert, ...],
    periods: tuple[PolicyPeriod, ...],
) -> Evaluation:
    """``Evaluation(...)`` with positional fields, without the ``__init__`` call."""
    return _native.new5(  # type: ignore[no-any-return]
        Evaluation,
        _EVALUATION_SET,
        ticket_id,
        at,
        clocks,
        alerts,
        periods,
    )


# Enum members as module constants: attribute access on an Enum class is slow,
# and the evaluation loop reads them for every event.
_RUNNING = ClockState.RUNNING
_WARNING = ClockState.WARNING
_PAUSED = ClockState.PAUSED
_MET = ClockState.MET
_BREACHED = ClockState.BREACHED
_CANCELLED = ClockState.CANCELLED
_K_RESPONSE = ClockKind.RESPONSE
_K_RESOLUTION = ClockKind.RESOLUTION
_K_UPDATE = ClockKind.UPDATE
_K_OLA = ClockKind.ESCALATION_RESPONSE
_K_VENDOR = ClockKind.VENDOR
_VISIBLE = Visibility.CUSTOMER
_REPLY = NoteKind.CUSTOMER_REPLY
_ON_HOLD = Status.ON_HOLD
_NEW = Status.NEW
_AWAITING_VENDOR = HoldReason.AWAITING_VENDOR
_E_ASSIGNED = ev.Assigned
_E_CANCELLED = ev.Cancelled
_E_CLOSED = ev.Closed
_E_ESCALATED = ev.Escalated
_E_HELD = ev.Held
_E_NOTEADDED = ev.NoteAdded
_E_PRIORITYCHANGED = ev.PriorityChanged
_E_REOPENED = ev.Reopened
_E_RESOLVED = ev.Resolved
_E_WORKSTARTED = ev.WorkStarted


# Integer sentinels (instants are int64 microseconds; Cython types them so):
# a track that is not counting, and no further policy version.
_IDLE = -9_223_372_036_854_775_807
_NEVER = 9_223_372_036_854_775_807


class _Track:
    """One clock (one cycle) while the timeline is read.

    Instants are integer microseconds since the Unix epoch (UTC): the
    evaluation converts each event's instant once and measures in integers.
    ``open_since`` is the instant the clock last started counting, or
    :data:`_IDLE` while it does not count.
    """

    __slots__ = (
        "bit",
        "cycle",
        "frozen",
        "intervals",
        "key",
        "kind",
        "open_since",
        "prio",
        "started",
        "started_u",
        "stop_met",
        "stopped",
        "stopped_u",
        "tier_key",
    )

    def __init__(
        self,
        kind: ClockKind,
        cycle: int,
        started: datetime,
        started_u: int,
        intervals: list[tuple[int, int]],
        to_tier: Tier | None = None,
    ) -> None:
        self.kind = kind
        self.bit = bit = _BIT_OF_VALUE[kind._value_]
        # its keys in a compiled table: (bit, tier) first for an OLA to a tier
        self.key = (bit, None)
        self.tier_key = (bit, to_tier._value_) if to_tier is not None else None
        self.cycle = cycle
        self.started = started
        self.started_u = started_u
        self.intervals = intervals
        self.open_since = _IDLE
        self.stopped: datetime | None = None
        self.stopped_u = 0
        self.stop_met = True
        self.frozen: _CTarget | None = None
        self.prio: Priority | None = None


def _us(at: datetime) -> int:
    """An aware datetime -> integer microseconds since the Unix epoch.

    From the fields and the UTC offset, as fast as ``at - _EPOCH`` in Python;
    compiled, the fields are read without calls (see ``sla.pxd``).
    """
    off: timedelta = at.utcoffset()  # type: ignore[assignment]
    day = at.toordinal()
    return (
        (day - _EPOCH_DAY - off.days) * 86_400
        + at.hour * 3600
        + at.minute * 60
        + at.second
        - off.seconds
    ) * 1_000_000 + (at.microsecond - off.microseconds)


def _datetime(u: int, tz: tzinfo) -> datetime:
    """Integer microseconds since the Unix epoch -> an aware datetime in ``tz``."""
    return _native.datetime_at(u, tz)


class _Scale:
    """Business time on one calendar during one evaluation, as positions.

    A position is the open time from the ticket's opening to an instant, in
    integer microseconds; counting from the opening means calendars never
    need tables for years the ticket did not live through. A ticket's
    clocks start and stop at the same few event instants, so positions are
    memoised by instant. A clock's report reads its stretches once, as
    :meth:`runs`; its due instant and each threshold are then one calendar
    look-up each (:meth:`reaching`).

    Without a ruler (``_OPEN``) the calendar is always open: business time
    is real time, positions are the instants themselves and need no memo.
    """

    __slots__ = ("memo", "ruler")

    def __init__(self, ruler: _Ruler | None) -> None:
        self.ruler = ruler
        # the opening is at position 0, by definition
        self.memo: dict[int, int] = {ruler.anchor: 0} if ruler is not None else {}

    def runs(self, segs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """For each stretch a clock counted: ``(counted, origin)``.

        ``counted`` is the clock's elapsed time at the stretch's end;
        ``origin`` is where on the calendar the clock would have started had
        it counted without a pause up to that stretch, so the clock reaches
        an amount within the stretch at ``origin + amount``.
        """
        out = []
        counted = 0
        ruler = self.ruler
        if ruler is None:
            for start, stop in segs:
                counted += stop - start
                out.append((counted, stop - counted))
            return out
        memo = self.memo
        # ruler.position(u) is clock_at(u) - base while u is inside the
        # ruler's tables; the ruler itself handles the rest (and grows them)
        for start, stop in segs:
            found = memo.get(start)
            if found is None:
                clock = ruler.tables.clock_at(start)
                found = memo[start] = (
                    clock - ruler.base if clock is not None else ruler.position(start)
                )
            a: int = found
            found = memo.get(stop)
            if found is None:
                clock = ruler.tables.clock_at(stop)
                found = memo[stop] = (
                    clock - ruler.base if clock is not None else ruler.position(stop)
                )
            b: int = found
            counted += b - a
            out.append((counted, b - counted))
        return out

    def reaching(self, runs: list[tuple[int, int]], amount: int) -> int:
        """The instant a clock with these (non-empty) ``runs`` counts ``amount > 0``.

        Past its last run, the instant it would if that run went on.
        """
        position = runs[-1][1] + amount
        for counted, origin in runs:
            if counted >= amount:
                position = origin + amount
                break
        ruler = self.ruler
        if ruler is None:
            return position
        found = ruler.tables.first_reaching(position + ruler.base)
        return found if found is not None else ruler.reach(position)

    def next_open(self, u: int) -> int:
        """``cal.next_open(u)``: the instant one microsecond of open time ends, less one."""
        ruler = self.ruler
        assert ruler is not None  # an always-open calendar is open at u
        found = ruler.tables.add(u, 1)
        if found is None:
            found = ruler.reach(ruler.position(u) + 1)
        return found - 1


_OPEN = _Scale(None)


class _Measure:
    """The evaluation's scales, one per calendar, made when first needed."""

    __slots__ = ("anchor", "scales")

    def __init__(self, anchor: int) -> None:
        self.anchor = anchor
        self.scales: dict[int, _Scale] = {}

    def scale(self, cal: BusinessCalendar) -> _Scale:
        found = self.scales.get(id(cal))
        if found is None:
            found = self.scales[id(cal)] = _Scale(cal._ruler(self.anchor))
        return found


def _segments(track: _Track, end: int) -> list[tuple[int, int]]:
    if track.open_since != _IDLE:
        return [*track.intervals, (track.open_since, end)]
    return track.intervals


def _breached_by(m: _Measure, ct: _CTarget, track: _Track, end: int) -> bool:
    # Business time never exceeds the real time since the clock first
    # counted: most clocks are ruled out cheaply.
    first = track.intervals[0][0] if track.intervals else track.open_since
    within = ct.within_us
    if first == _IDLE or end - first < within:
        return False
    segs = _segments(track, end)
    scale = _OPEN if ct.always else m.scale(ct.cal)
    runs = scale.runs(segs)
    if runs[-1][0] < within:
        return False
    return scale.reaching(runs, within) < end


class _Run:
    """What the steps of one evaluation share: its clocks and the terms in force."""

    __slots__ = ("live", "m", "paused", "priority", "table", "tracks")

    def __init__(
        self, m: _Measure, table: _Compiled, paused: int, priority: Priority
    ) -> None:
        self.m = m
        self.table = table  # the targets in force
        self.paused = paused  # the clock bits the status pauses
        self.priority = priority
        self.tracks: list[_Track] = []
        self.live: list[_Track] = []  # the tracks not stopped

    def start(self, track: _Track, tu: int) -> _Track:
        if not track.bit & self.paused:
            track.open_since = tu
        self.tracks.append(track)
        self.live.append(track)
        return track

    def stop(self, track: _Track, t: datetime, tu: int, met: bool) -> None:
        if track.open_since != _IDLE:
            track.intervals.append((track.open_since, tu))
            track.open_since = _IDLE
        track.stopped = t
        track.stopped_u = tu
        track.stop_met = met
        if track.frozen is None:
            track.frozen = _lookup(self.table, track)
            track.prio = self.priority
        self.live.remove(track)

    def retarget(self, tu: int) -> None:
        # A clock that breached before the change keeps the target it breached.
        for track in self.live:
            if track.frozen is None:
                ct = _lookup(self.table, track)
                if ct is not None and _breached_by(self.m, ct, track, tu):
                    track.frozen = ct
                    track.prio = self.priority

    def repause(self, tu: int) -> None:
        paused = self.paused
        for track in self.live:
            if track.bit & paused:
                if track.open_since != _IDLE:
                    # a clock started at this very instant never ran
                    if track.open_since != tu:
                        track.intervals.append((track.open_since, tu))
                    track.open_since = _IDLE
            elif track.open_since == _IDLE:
                track.open_since = tu


def evaluate(
    ticket: Ticket,
    *,
    at: datetime,
    policy: SlaPolicy | PolicyHistory | None = None,
    alerts: bool = True,
) -> Evaluation:
    """Every SLA, OLA and underpinning-contract clock of ``ticket`` as seen at ``at``.

    A pure function of the timeline: only events at or before ``at`` count,
    so the result equals what an observer saw at ``at``. ``policy`` is one
    :class:`SlaPolicy` or a :class:`PolicyHistory` of versions (the default
    is :data:`DEFAULT_POLICY`). ``alerts=False`` skips the thresholds (a
    host that only shows clock states saves the calendar look-ups they cost).

    >>> e = evaluate(_demo_ticket(), at=_T0 + timedelta(hours=7))
    >>> r = e.clock(ClockKind.RESPONSE)
    >>> r.state.value, r.breached_at.isoformat()
    ('breached', '2026-03-02T11:00:00+00:00')
    >>> [a.threshold for a in e.alerts if a.reached and a.clock == "response"]
    ['warn', 'escalate', 'manager']
    """
    ensure_aware(at, "at")
    if not isinstance(ticket, Ticket):
        raise ValidationError(
            f"expected a Ticket, got {type(ticket).__name__}", path="ticket"
        )
    if policy is None:
        policy = DEFAULT_POLICY
    if isinstance(policy, SlaPolicy):
        # the first version applies from the opening whatever its instant
        versions: tuple[tuple[datetime, SlaPolicy], ...] = ((_EPOCH, policy),)
    elif isinstance(policy, PolicyHistory):
        versions = tuple([(v.effective_from, v.policy) for v in policy.versions])
    else:
        raise ValidationError(
            f"expected an SlaPolicy or a PolicyHistory, got {type(policy).__name__}",
            path="policy",
        )
    timeline = ticket.timeline
    opened = timeline[0] if timeline else None
    if not isinstance(opened, ev.Opened):
        raise ValidationError(
            "a timeline starts with an 'opened' event", path="timeline[0]"
        )
    # Instants are compared as integers (UTC microseconds): Python compares
    # two datetimes in one zone by wall time, which is wrong across a DST fold.
    opened_u = _us(opened.at)
    at_u = _us(at)
    if opened_u > at_u:
        return Evaluation(ticket_id=ticket.id, at=at, clocks=(), alerts=(), periods=())

    # The version in force at the opening, and the ones that follow.
    froms_u = [_us(start) for start, _ in versions[1:]]  # versions[0] from the start
    vi = 0
    while vi < len(froms_u) and froms_u[vi] <= opened_u:
        vi += 1
    pol = versions[vi][1]
    periods: list[tuple[datetime, SlaPolicy]] = [(opened.at, pol)]
    next_u = froms_u[vi] if vi < len(froms_u) else _NEVER

    kind = opened.kind
    priority = opened.priority
    service_level = opened.customer.service_level
    customer = opened.customer.id
    paused_map = pol._paused
    status = opened.status or _NEW
    hold: HoldReason | None = None
    st = _Run(
        _Measure(opened_u),
        pol._compiled_for(kind, priority, service_level),
        paused_map[(status._value_, None)],
        priority,
    )

    response: _Track | None = None
    resolution: _Track | None = None
    update: _Track | None = None
    ola: _Track | None = None
    vendor: _Track | None = None
    responded = False
    updates = 0
    escalations = 0
    vendor_holds = 0

    response = st.start(_Track(_K_RESPONSE, 1, opened.at, opened_u, []), opened_u)
    resolution = st.start(_Track(_K_RESOLUTION, 1, opened.at, opened_u, []), opened_u)

    for e in timeline[1:]:
        t = e.at
        off: timedelta = t.utcoffset()  # type: ignore[assignment]  # _us(t), inlined
        day = t.toordinal()
        tu = (
            (day - _EPOCH_DAY - off.days) * 86_400
            + t.hour * 3600
            + t.minute * 60
            + t.second
            - off.seconds
        ) * 1_000_000 + (t.microsecond - off.microseconds)
        if tu > at_u:
            break
        while next_u <= tu:
            st.retarget(next_u)
            vi += 1
            next_from, pol = versions[vi]
            periods.append((next_from, pol))
            st.table = pol._compiled_for(kind, st.priority, service_level)
            paused_map = pol._paused
            st.paused = paused_map[(status._value_, hold._value_ if hold else None)]
            st.repause(next_u)
            next_u = froms_u[vi] if vi < len(froms_u) else _NEVER
        cls = type(e)
        responds = False
        if cls is _E_NOTEADDED:
            note = e.note  # type: ignore[union-attr]
            if (
                note.visibility is _VISIBLE
                and e.actor != customer
                and note.kind is not _REPLY
            ):
                responds = True
                if update is not None and update.stopped is None:
                    st.stop(update, t, tu, True)
                    updates += 1
                    update = st.start(_Track(_K_UPDATE, updates + 1, t, tu, []), tu)
        elif cls is _E_WORKSTARTED:
            responds = True
            if ola is not None and ola.stopped is None:
                st.stop(ola, t, tu, True)
        elif cls is _E_ASSIGNED:
            if ola is not None and ola.stopped is None:
                st.stop(ola, t, tu, True)
        elif cls is _E_RESOLVED:
            responds = True
            if resolution is not None and resolution.stopped is None:
                st.stop(resolution, t, tu, True)
            if ola is not None and ola.stopped is None:
                st.stop(ola, t, tu, True)
        elif cls is _E_REOPENED:
            if resolution is not None and resolution.stopped is not None:
                resolution = st.start(
                    _Track(
                        _K_RESOLUTION,
                        resolution.cycle + 1,
                        t,
                        tu,
                        list(resolution.intervals),
                    ),
                    tu,
                )
            if responded and (update is None or update.stopped is not None):
                update = st.start(_Track(_K_UPDATE, updates + 1, t, tu, []), tu)
        elif cls is _E_ESCALATED:
            if ola is not None and ola.stopped is None:
                st.stop(ola, t, tu, False)
            escalations += 1
            ola = st.start(
                _Track(
                    _K_OLA,
                    escalations,
                    t,
                    tu,
                    [],
                    e.to_tier,  # type: ignore[union-attr]
                ),
                tu,
            )
        elif cls is _E_PRIORITYCHANGED:
            st.retarget(tu)
            st.priority = e.priority  # type: ignore[union-attr]
            st.table = pol._compiled_for(kind, st.priority, service_level)
        elif cls is _E_CANCELLED or cls is _E_CLOSED:
            # a lifecycle may close a ticket it never resolved
            for track in list(st.live):
                st.stop(track, t, tu, False)
        if responds and not responded:
            responded = True
            if response.stopped is None:
                st.stop(response, t, tu, True)
            # No update cycle starts on a resolved or cancelled ticket.
            if cls is not _E_RESOLVED and status.is_open:
                update = st.start(_Track(_K_UPDATE, 1, t, tu, []), tu)
        if cls is _E_RESOLVED and update is not None and update.stopped is None:
            if update.started_u == tu:
                # The cycle began at this very instant: the resolution is
                # that update, not the end of an empty cycle.
                st.tracks.remove(update)
                st.live.remove(update)
                update = None
            else:
                st.stop(update, t, tu, True)
                updates += 1
        # Status and hold reason after the event; then clocks pause or resume.
        new_status = e.status
        new_hold = hold
        if isinstance(e, _E_HELD):
            new_hold = e.reason
        if new_status is not None and new_status is not _ON_HOLD:
            new_hold = None
        if new_status is None:
            new_status = status
        if new_status is not status or new_hold is not hold:
            status, hold = new_status, new_hold
            on_vendor = status is _ON_HOLD and hold is _AWAITING_VENDOR
            if not on_vendor and vendor is not None and vendor.stopped is None:
                # stopped before the clocks resume: a vendor clock paused for
                # its whole hold must not gain a running stretch at its end
                st.stop(vendor, t, tu, True)
            st.paused = paused_map[(status._value_, hold._value_ if hold else None)]
            st.repause(tu)
            if on_vendor and (vendor is None or vendor.stopped is not None):
                vendor_holds += 1
                vendor = st.start(_Track(_K_VENDOR, vendor_holds, t, tu, []), tu)

    while next_u <= at_u:
        st.retarget(next_u)
        vi += 1
        next_from, pol = versions[vi]
        periods.append((next_from, pol))
        st.table = pol._compiled_for(kind, st.priority, service_level)
        paused_map = pol._paused
        st.paused = paused_map[(status._value_, hold._value_ if hold else None)]
        st.repause(next_u)
        next_u = froms_u[vi] if vi < len(froms_u) else _NEVER

    m = st.m
    table = st.table
    priority = st.priority
    reports: list[ClockReport] = []
    # Alerts with their sort key: (notify instant as an integer, clock,
    # cycle, fraction, then the order they were found in).
    found: list[tuple[int, str, int, float, int, Alert]] | None = [] if alerts else None
    # Thresholds (by name) a reopened resolution reached in its earlier
    # cycles: a later cycle carries their time but does not raise them again,
    # even when it runs on another target (a priority or policy change).
    reached_before: set[str] = set()
    reopened = found is not None and resolution is not None and resolution.cycle > 1
    for track in st.tracks:
        ct = track.frozen
        if ct is None:
            if track.stopped is not None:
                continue  # no target was in force when it stopped
            ct = _lookup(table, track)
            if ct is None:
                continue
        if not reopened or found is None or track.kind is not _K_RESOLUTION:
            _report(m, ct, track, at_u, track.prio or priority, reports, found)
            continue
        first = len(found)
        _report(m, ct, track, at_u, track.prio or priority, reports, found)
        mine = found[first:]
        if reached_before:
            found[first:] = [e for e in mine if e[5].threshold not in reached_before]
        reached_before.update([e[5].threshold for e in mine if e[5].reached])
    if found is not None and len(found) > 1:
        found.sort()
    out_periods = tuple(
        [
            _new_period(
                begin,
                periods[i + 1][0] if i + 1 < len(periods) else None,
                p.name,
                p.version,
            )
            for i, (begin, p) in enumerate(periods)
        ]
    )
    return _new_evaluation(
        ticket.id,
        at,
        tuple(reports),
        tuple([entry[5] for entry in found]) if found else (),
        out_periods,
    )


def _lookup(table: _Compiled, track: _Track) -> _CTarget | None:
    if track.tier_key is not None:
        found = table.get(track.tier_key)
        if found is not None:
            return found
    return table.get(track.key)


def _report(
    m: _Measure,
    ct: _CTarget,
    track: _Track,
    at: int,
    priority: Priority,
    reports: list[ClockReport],
    alerts: list[tuple[int, str, int, float, int, Alert]] | None,
) -> None:
    stopped = track.stopped
    end = track.stopped_u if stopped is not None else at
    counting = track.open_since != _IDLE
    segs = _segments(track, end)
    within = ct.within_us
    scale = _OPEN if ct.always else m.scale(ct.cal)
    runs = scale.runs(segs)
    elapsed = runs[-1][0] if runs else 0
    due_u = _IDLE  # none
    # A stopped clock that was counting when it stopped is due where it
    # would have been had it gone on; one paused at its stop has no due
    # instant unless it had reached its target.
    if (
        elapsed >= within
        or counting
        or (stopped is not None and segs and segs[-1][1] == end)
    ):
        due_u = scale.reaching(runs, within)
    tz = ct.tz
    due = _datetime(due_u, tz) if due_u != _IDLE else None
    breached = due_u != _IDLE and elapsed >= within and due_u < end
    if breached:
        state = _BREACHED
    elif stopped is not None:
        state = _MET if track.stop_met else _CANCELLED
    elif not counting:
        state = _PAUSED
    elif elapsed >= ct.warn_us:
        state = _WARNING
    else:
        state = _RUNNING
    reports.append(
        _new_report(
            ct.name,
            track.kind,
            ct.agreement,
            track.cycle,
            ct.within,
            ct.cal_name,
            track.started,
            _native.micros(elapsed),
            _native.micros(within - elapsed),
            due,
            state,
            counting,
            stopped if state is _MET else None,
            due if breached else None,
            stopped,
            ct.version,
            priority,
        )
    )
    if alerts is None:
        return
    for threshold, amount, deliver in ct.thresholds:  # sorted by fraction
        if elapsed >= amount:
            reached = True
        elif counting:
            # Only the next threshold of a running clock is projected: it is
            # the one a scheduler must wake up for.
            reached = False
        else:
            break
        if amount == within and due is not None:
            reached_u, reached_at = due_u, due  # the due instant, converted above
        else:
            reached_u = scale.reaching(runs, amount)
            reached_at = _datetime(reached_u, tz)
        if deliver is None:
            notify_u = reached_u
            notify_at = reached_at
            deferred = False
        else:
            notify_u = m.scale(deliver).next_open(reached_u)
            deferred = notify_u != reached_u
            notify_at = (
                reached_at
                if not deferred and deliver.tzinfo is tz
                else _datetime(notify_u, deliver.tzinfo)
            )
        alert = _new_alert(
            ct.name,
            track.kind,
            track.cycle,
            threshold.name,
            threshold.action,
            threshold.recipient,
            threshold.fraction,
            ct.within,
            reached_at,
            notify_at,
            reached,
            deferred,
            ct.version,
        )
        alerts.append(
            (notify_u, ct.name, track.cycle, threshold.fraction, len(alerts), alert)
        )
        if not reached:
            break


# -- the default policy ----------------------------------------------------------------


def default_policy(zone: str = "UTC", *, hours: str = "09:00-17:00") -> SlaPolicy:
    """The ITIL-style default: P1 around the clock, P2..P5 in business hours.

    The ``"business"`` calendar is Monday to Friday, ``hours`` in ``zone``;
    ``"24x7"`` is always open. Targets (business time unless marked 24×7):

    ========  ========  ==========  ========  ===========  ==========
    priority  response  resolution  updates   escalation   vendor
    ========  ========  ==========  ========  ===========  ==========
    P1        15m 24×7  4h 24×7     1h 24×7   15m 24×7     4h 24×7
    P2        30m       8h          2h        30m          8h
    P3        2h        16h         8h        2h           16h
    P4        4h        40h         16h       4h           40h
    P5        8h        80h         40h       8h           80h
    ========  ========  ==========  ========  ===========  ==========

    >>> policy = default_policy("Europe/Brussels")
    >>> policy.calendar("business").zone
    'Europe/Brussels'
    """
    h, m = timedelta(hours=1), timedelta(minutes=1)
    table = (
        (Priority.CRITICAL, "24x7", 15 * m, 4 * h, 1 * h, 15 * m, 4 * h),
        (Priority.HIGH, "business", 30 * m, 8 * h, 2 * h, 30 * m, 8 * h),
        (Priority.MEDIUM, "business", 2 * h, 16 * h, 8 * h, 2 * h, 16 * h),
        (Priority.LOW, "business", 4 * h, 40 * h, 16 * h, 4 * h, 40 * h),
        (Priority.PLANNING, "business", 8 * h, 80 * h, 40 * h, 8 * h, 80 * h),
    )
    rules = tuple(
        SlaRule(
            priority=priority,
            targets=(
                Target(kind=ClockKind.RESPONSE, within=response, calendar=cal),
                Target(kind=ClockKind.RESOLUTION, within=resolution, calendar=cal),
                Target(kind=ClockKind.UPDATE, within=update, calendar=cal),
                Target(kind=ClockKind.ESCALATION_RESPONSE, within=ola, calendar=cal),
                Target(kind=ClockKind.VENDOR, within=vendor, calendar=cal),
            ),
        )
        for priority, cal, response, resolution, update, ola, vendor in table
    )
    return SlaPolicy(
        name="default",
        calendars=(
            NamedCalendar(
                name="business", calendar=BusinessCalendar.weekdays(hours, zone=zone)
            ),
            NamedCalendar(name="24x7", calendar=BusinessCalendar.always_open(zone)),
        ),
        rules=rules,
    )


DEFAULT_POLICY = default_policy()
""":func:`default_policy` in UTC (build your own with your desk's zone)."""

COMPILED: bool = not __file__.endswith(".py")
"""True when this module runs compiled (Cython), False when it runs as Python.

Installing deskflow compiles this module and :mod:`deskflow.calendars`
where a C compiler is at hand; :func:`evaluate` then runs about three times
as fast, with the same results. ``DESKFLOW_PURE_PYTHON=1`` in the
environment (when installing, or when importing) keeps the Python modules.

:meta hide-value:
"""


# -- doctest helpers (not public) ------------------------------------------------------

_T0 = datetime(2026, 3, 2, 9, 0, tzinfo=_UTC)


def _demo_ticket() -> Ticket:
    from deskflow.parties import Customer
    from deskflow.priority import Impact, Urgency
    from deskflow.tickets.model import Incident

    return Incident.open(
        summary="Printer not responding",
        customer=Customer(id="c-1", name="Alice"),
        at=_T0,
        actor="a-1",
        id="t-demo",
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
    )


def _demo_alert() -> Alert:
    return evaluate(_demo_ticket(), at=_T0 + timedelta(hours=2)).alerts[0]
