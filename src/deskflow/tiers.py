"""Support tiers and groups, escalation advice, and the hand-over itself.

(:class:`Tier`, :class:`~deskflow.tickets.values.EscalationKind` and
:class:`~deskflow.tickets.values.Handoff` are re-exported here for
convenience; they live in :mod:`deskflow.parties` and :mod:`deskflow.tickets`.)

This is the room for *who handles what* and *when a ticket should move up*:

- :class:`SupportGroup` and :class:`SupportModel` describe the tiers (service
  desk L1, desktop support L2, field technicians or engineering L3,
  subject-matter experts, vendors) and the groups with the skills and ticket
  categories they handle, as data. :data:`DEFAULT_SUPPORT_MODEL` is a
  three-level model plus SMEs.
- :class:`EscalationPolicy` holds rules (plain values a host can extend) that
  :meth:`~EscalationPolicy.recommend` evaluates into :class:`Advice`, each with
  its reason. Nothing escalates by itself: the host decides.
- :func:`escalate` checks the hand-off package, escalates through the ticket
  engine, and returns the :class:`CustomerNotice` to send and the
  :class:`InternalNotice` for the receiving group. :func:`notices_since` keeps
  the customer in the loop on internal events (an L3 engineer joined, a
  supervisor was alerted).

SLA clocks come in as :class:`SlaReading` values (or anything with the same
attributes), so advice can be computed with or without :mod:`deskflow.sla`.

>>> from deskflow._demo import build_case
>>> DEFAULT_SUPPORT_MODEL.group("field-technicians").tier
<Tier.L3: 'l3'>
>>> [g.name for g in DEFAULT_SUPPORT_MODEL.groups_for("printing")]
['service-desk', 'desktop-support', 'field-technicians']
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import (
    Any,
    ClassVar,
    Generic,
    Protocol,
    TypeVar,
    runtime_checkable,
)
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from deskflow._validators import (
    aware,
    instance_of,
    non_empty,
    optional_aware,
    text_items,
    to_tuple,
    tuple_of,
)
from deskflow.calendars import BusinessCalendar
from deskflow.clock import ensure_aware, to_utc
from deskflow.errors import IncompleteHandoff, ValidationError
from deskflow.parties import Tier
from deskflow.tickets import events as ev
from deskflow.tickets.lifecycle import DEFAULT_HANDOFF_PARTS, Lifecycle
from deskflow.tickets.model import Ticket, lifecycle_for
from deskflow.tickets.notes import Step, StepOutcome
from deskflow.tickets.values import EscalationKind, Handoff, HandoffPart, Status

__all__ = [
    "DEFAULT_ESCALATION_POLICY",
    "DEFAULT_SUPPORT_MODEL",
    "RULE_TYPES",
    "Advice",
    "AdviceContext",
    "CategoryOutsideSkills",
    "CategorySteps",
    "ConductOnRecord",
    "CustomerAsked",
    "CustomerNotice",
    "EscalationKind",
    "EscalationPolicy",
    "EscalationResult",
    "EscalationRule",
    "Handoff",
    "InternalNotice",
    "NoticeKind",
    "RepeatedReopens",
    "SlaAtRisk",
    "SlaReading",
    "StepsAlreadyTried",
    "SupportGroup",
    "SupportModel",
    "Tier",
    "TierLimit",
    "TimeAtTier",
    "UnknownGroup",
    "escalate",
    "handoff_problems",
    "notices_since",
    "readings",
    "steps_taken",
]

T = TypeVar("T", bound=Ticket)


class UnknownGroup(ValidationError, LookupError):
    """A support group name the model does not know.

    >>> DEFAULT_SUPPORT_MODEL.group("astronauts")
    Traceback (most recent call last):
    ...
    deskflow.tiers.UnknownGroup: group: no support group 'astronauts'; known: database-sme, desktop-support, engineering, field-technicians, security-sme, service-desk
    """


# -- the support model ---------------------------------------------------------


def _sorted_strings(value: Any) -> Any:
    # Only strings are tidied; anything else stays for the validator to refuse.
    if isinstance(value, (list, tuple, set, frozenset)) and all(
        isinstance(v, str) for v in value
    ):
        return tuple(sorted({v.strip() for v in value}))
    return tuple(value) if isinstance(value, (list, set, frozenset)) else value


def _names_of(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    tuple_of(str)(instance, attribute, value)
    if any(not v for v in value):
        raise ValidationError("names must not be empty", path=attribute.name)


def _optional_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        non_empty(instance, attribute, value)


@attrs.frozen(kw_only=True)
class SupportGroup:
    """A team at one tier, with the skills it has and the ticket categories it handles.

    ``label`` is what a customer reads ("our field technicians");
    ``supervisor`` the agent id that hierarchical escalations go to.

    >>> g = SupportGroup(name="desktop-support", tier=Tier.L2, categories=("printing", "email"))
    >>> g.handles("printing"), g.handles("network"), g.label
    (True, False, 'desktop support')
    """

    name: str = attrs.field(validator=non_empty)
    tier: Tier = attrs.field(validator=instance_of(Tier))
    skills: tuple[str, ...] = attrs.field(
        default=(), converter=_sorted_strings, validator=_names_of
    )
    categories: tuple[str, ...] = attrs.field(
        default=(), converter=_sorted_strings, validator=_names_of
    )
    supervisor: str | None = attrs.field(default=None, validator=_optional_name)
    label: str = attrs.field(default="")

    @label.validator
    def _label(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str):
            raise ValidationError("expected a string", path="label")

    def __attrs_post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("-", " "))

    def handles(self, category: str) -> bool:
        """Whether tickets of ``category`` are this group's work.

        >>> SupportGroup(name="g", tier=Tier.L1, categories=("email",)).handles("email")
        True
        """
        return category.strip() in self.categories

    def has_skill(self, skill: str) -> bool:
        """Whether the group has ``skill``.

        >>> SupportGroup(name="g", tier=Tier.L3, skills=("soldering",)).has_skill("soldering")
        True
        """
        return skill.strip() in self.skills


def _check_groups(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    tuple_of(SupportGroup)(instance, attribute, value)
    if not value:
        raise ValidationError("a support model needs at least one group", path="groups")
    seen: set[str] = set()
    for index, group in enumerate(value):
        if group.name in seen:
            raise ValidationError(
                f"group {group.name!r} is listed twice", path=f"groups[{index}]"
            )
        seen.add(group.name)


@attrs.frozen(kw_only=True)
class SupportModel:
    """The support organisation as data: its groups, by tier.

    >>> model = SupportModel(groups=(
    ...     SupportGroup(name="desk", tier=Tier.L1, categories=("email",)),
    ...     SupportGroup(name="mail-team", tier=Tier.L2, categories=("email",)),
    ... ))
    >>> model.next_group("email", above=Tier.L1).name
    'mail-team'
    """

    groups: tuple[SupportGroup, ...] = attrs.field(
        converter=to_tuple, validator=_check_groups
    )

    def group(self, name: str) -> SupportGroup:
        """The group called ``name``; :class:`UnknownGroup` otherwise.

        >>> DEFAULT_SUPPORT_MODEL.group("service-desk").tier
        <Tier.L1: 'l1'>
        """
        for group in self.groups:
            if group.name == name:
                return group
        known = ", ".join(sorted(g.name for g in self.groups))
        raise UnknownGroup(f"no support group {name!r}; known: {known}", path="group")

    def find(self, name: str | None) -> SupportGroup | None:
        """The group called ``name``, or ``None`` (also for ``None``).

        >>> DEFAULT_SUPPORT_MODEL.find("nobody") is None
        True
        """
        return next((g for g in self.groups if g.name == name), None)

    def groups_for(self, category: str) -> tuple[SupportGroup, ...]:
        """Groups that handle ``category``, lowest tier first (then by name).

        >>> [g.name for g in DEFAULT_SUPPORT_MODEL.groups_for("security")]
        ['service-desk', 'security-sme']
        """
        found = [g for g in self.groups if g.handles(category)]
        return tuple(sorted(found, key=lambda g: (g.tier.rank, g.name)))

    def with_skill(self, skill: str) -> tuple[SupportGroup, ...]:
        """Groups that have ``skill``, lowest tier first.

        >>> [g.name for g in DEFAULT_SUPPORT_MODEL.with_skill("on-site repair")]
        ['field-technicians']
        """
        found = [g for g in self.groups if g.has_skill(skill)]
        return tuple(sorted(found, key=lambda g: (g.tier.rank, g.name)))

    def next_group(self, category: str, *, above: Tier) -> SupportGroup | None:
        """The lowest-tier group above ``above`` that handles ``category``.

        >>> DEFAULT_SUPPORT_MODEL.next_group("printing", above=Tier.L2).name
        'field-technicians'
        >>> DEFAULT_SUPPORT_MODEL.next_group("printing", above=Tier.L3) is None
        True
        """
        return next(
            (g for g in self.groups_for(category) if g.tier.rank > above.rank), None
        )

    def supervisor_for(self, group: str | None) -> str | None:
        """The supervisor of ``group`` (``None`` when unknown or unset).

        >>> DEFAULT_SUPPORT_MODEL.supervisor_for("service-desk")
        'a-desk-lead'
        """
        found = self.find(group)
        return found.supervisor if found is not None else None


DEFAULT_SUPPORT_MODEL = SupportModel(
    groups=(
        SupportGroup(
            name="service-desk",
            tier=Tier.L1,
            label="the service desk",
            skills=("triage", "password reset", "standard procedures"),
            categories=(
                "access",
                "accounts",
                "email",
                "printing",
                "security",
                "software",
            ),
            supervisor="a-desk-lead",
        ),
        SupportGroup(
            name="desktop-support",
            tier=Tier.L2,
            label="desktop support",
            skills=("remote control", "software installation", "drivers"),
            categories=("email", "hardware", "network", "printing", "software"),
            supervisor="a-desktop-lead",
        ),
        SupportGroup(
            name="field-technicians",
            tier=Tier.L3,
            label="our field technicians",
            skills=("on-site repair", "cabling", "hardware replacement"),
            categories=("hardware", "network", "printing"),
            supervisor="a-field-lead",
        ),
        SupportGroup(
            name="engineering",
            tier=Tier.L3,
            label="engineering",
            skills=("servers", "applications", "network design"),
            categories=("applications", "network", "servers"),
            supervisor="a-eng-lead",
        ),
        SupportGroup(
            name="security-sme",
            tier=Tier.SME,
            label="our security specialists",
            skills=("incident response", "forensics"),
            categories=("security",),
        ),
        SupportGroup(
            name="database-sme",
            tier=Tier.SME,
            label="our database specialists",
            skills=("database tuning", "recovery"),
            categories=("database",),
        ),
    )
)
"""A default three-level model (service desk, desktop support, field/engineering) plus SMEs."""


# -- what advice reads -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class SlaReading:
    """One SLA clock as advice and agendas read it.

    ``elapsed`` and ``target`` are the clock's counted time and its target
    (business time, pauses excluded, as the SLA evaluation counts them);
    ``due`` is the instant it breaches if nothing pauses it; ``kind`` what
    the clock measures (``"response"``, ``"update"``, ...). A ``paused``
    clock is not counting; a ``stopped`` one was met, breached or cancelled
    and asks for nothing more. :meth:`of` reads the clocks of
    :func:`deskflow.sla.evaluate`.

    >>> from datetime import datetime, timezone
    >>> r = SlaReading(name="resolution", elapsed=timedelta(hours=3), target=timedelta(hours=4),
    ...     due=datetime(2026, 3, 2, 13, tzinfo=timezone.utc))
    >>> r.fraction
    0.75
    """

    name: str = attrs.field(validator=non_empty)
    elapsed: timedelta = attrs.field(validator=instance_of(timedelta))
    target: timedelta = attrs.field(validator=instance_of(timedelta))
    due: datetime | None = attrs.field(default=None, validator=optional_aware)
    paused: bool = False
    stopped: bool = False
    kind: str = ""

    @property
    def active(self) -> bool:
        """True while the clock counts (neither paused nor stopped).

        >>> SlaReading(name="x", elapsed=timedelta(0), target=timedelta(1), paused=True).active
        False
        """
        return not (self.paused or self.stopped)

    @property
    def fraction(self) -> float:
        """Elapsed over target (above 1.0 means breached; see :attr:`breached`).

        >>> SlaReading(name="x", elapsed=timedelta(0), target=timedelta(0)).fraction
        1.0
        """
        if self.target <= timedelta(0):
            return 1.0
        return self.elapsed / self.target

    @classmethod
    def of(cls, value: Any) -> SlaReading:
        """Read any SLA clock with ``name``, ``elapsed``, ``target`` and ``due`` attributes.

        A ``state`` of ``"paused"`` marks it paused; ``running=False``
        otherwise marks it stopped (as :class:`deskflow.sla.ClockReport` does).

        >>> from deskflow._demo import build_case
        >>> from deskflow.sla import evaluate
        >>> case = build_case()
        >>> [(r.name, r.stopped) for r in readings(evaluate(case, at=case.closed_at))][:2]
        [('response', True), ('resolution', True)]
        """
        if isinstance(value, SlaReading):
            return value
        try:
            state = getattr(value, "state", None)
            state_name = str(getattr(state, "value", state or ""))
            kind = getattr(value, "kind", "")
            paused = bool(getattr(value, "paused", False)) or state_name == "paused"
            return SlaReading(
                name=str(getattr(value, "name", None) or "sla"),
                elapsed=value.elapsed,
                target=value.target,
                due=getattr(value, "due", None),
                paused=paused,
                stopped=not paused and getattr(value, "running", True) is False,
                kind=str(getattr(kind, "value", kind) or ""),
            )
        except AttributeError as exc:
            raise ValidationError(
                "an SLA clock needs 'name', 'elapsed', 'target' and 'due'; "
                f"{type(value).__name__} lacks {exc.name!r}",
                path="clocks",
            ) from None

    @property
    def breached(self) -> bool:
        """True once the elapsed time exceeds the target.

        >>> SlaReading(name="x", elapsed=timedelta(hours=5), target=timedelta(hours=4)).breached
        True
        """
        return self.elapsed > self.target


def readings(clocks: Any) -> tuple[SlaReading, ...]:
    """SLA readings from an :class:`deskflow.sla.Evaluation` or an iterable of clocks.

    >>> readings([SlaReading(name="x", elapsed=timedelta(0), target=timedelta(hours=1))])[0].name
    'x'
    """
    inner = getattr(clocks, "clocks", None)
    if inner is not None:
        clocks = inner
    if isinstance(clocks, (str, bytes, SlaReading)) or not isinstance(clocks, Iterable):
        raise ValidationError(
            "expected an SLA evaluation or a collection of clocks, got "
            f"{type(clocks).__name__}",
            path="clocks",
        )
    return tuple(SlaReading.of(c) for c in clocks)


@attrs.frozen(kw_only=True)
class AdviceContext:
    """What rules read besides the ticket: the instant, the model and optional inputs.

    ``suggested_steps`` are the steps the agent is about to suggest;
    ``calendar`` makes time-at-tier count business time.

    >>> from datetime import datetime, timezone
    >>> AdviceContext(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc)).suggested_steps
    ()
    """

    at: datetime
    model: SupportModel = DEFAULT_SUPPORT_MODEL
    clocks: tuple[SlaReading, ...] = ()
    suggested_steps: tuple[str, ...] = ()
    calendar: BusinessCalendar | None = None


@attrs.frozen(kw_only=True)
class Advice:
    """One piece of escalation advice and its reason.

    ``kind`` is ``None`` for a caution that is not an escalation (e.g. "this
    step was already tried: do not suggest it again").

    >>> Advice(rule="customer_asked", reason="the customer asked for a supervisor",
    ...     kind=EscalationKind.HIERARCHICAL).is_escalation
    True
    """

    rule: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(validator=non_empty)
    kind: EscalationKind | None
    to_tier: Tier | None = None
    to_group: str | None = None
    to_agent: str | None = None

    @property
    def is_escalation(self) -> bool:
        """True unless this is a caution.

        >>> Advice(rule="r", reason="why", kind=None).is_escalation
        False
        """
        return self.kind is not None

    def __str__(self) -> str:
        tier = self.to_tier.value.upper() if self.to_tier else ""
        if self.kind is EscalationKind.HIERARCHICAL:
            target = self.to_agent or f"the supervisor of {self.to_group or '?'}"
        else:
            target = self.to_group or tier
        what = "caution" if self.kind is None else f"{self.kind.value} escalation"
        return f"{what}{' to ' + target if target else ''}: {self.reason} [{self.rule}]"


@runtime_checkable
class EscalationRule(Protocol):
    """A rule of an :class:`EscalationPolicy`.

    A rule is a frozen attrs value with a unique ``tag`` and an ``advise``
    method; hosts add their own the same way.

    >>> isinstance(CustomerAsked(), EscalationRule)
    True
    """

    tag: ClassVar[str]

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """The advice this rule gives for ``ticket`` in ``context`` (possibly none)."""
        ...


# -- reading the timeline --------------------------------------------------------


def _until(ticket: Ticket, at: datetime) -> tuple[ev.Event, ...]:
    limit = to_utc(at)
    return tuple(e for e in ticket.timeline if to_utc(e.at) <= limit)


def _tier_entered(events: Iterable[ev.Event]) -> tuple[Tier, datetime] | None:
    tier: Tier | None = None
    since: datetime | None = None
    for e in events:
        new: Tier | None = None
        if isinstance(e, ev.Opened):
            new = e.tier
        elif isinstance(e, ev.Escalated):
            new = e.to_tier
        elif isinstance(e, (ev.Routed, ev.Assigned)):
            new = e.tier
        if new is not None and new is not tier:
            tier, since = new, e.at
    return None if tier is None or since is None else (tier, since)


def _is_progress(e: ev.Event) -> bool:
    if isinstance(e, ev.NoteAdded):
        return bool(e.note.steps)
    return isinstance(e, (ev.CustomerReplied, ev.Resumed, ev.Resolved, ev.Reopened))


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip(" .;:!")


def steps_taken(ticket: Ticket, *, at: datetime | None = None) -> tuple[Step, ...]:
    """Every troubleshooting step on the ticket (notes and hand-offs), oldest first.

    >>> from deskflow._demo import build_case
    >>> [s.action for s in steps_taken(build_case())][:2]
    ['checked cable and power', 'power-cycled the printer']
    """
    events = ticket.timeline if at is None else _until(ticket, ensure_aware(at, "at"))
    seen: set[tuple[str, StepOutcome]] = set()
    out: list[Step] = []
    for step in _steps_in(events):
        key = (_normal(step.action), step.outcome)
        if key not in seen:
            seen.add(key)
            out.append(step)
    return tuple(out)


def _steps_in(events: Iterable[ev.Event]) -> Iterable[Step]:
    for e in events:
        if isinstance(e, (ev.NoteAdded, ev.CustomerReplied)):
            yield from e.note.steps
        elif isinstance(e, ev.Escalated):
            yield from e.handoff.steps_taken


def _duration(context: AdviceContext, start: datetime, end: datetime) -> timedelta:
    if context.calendar is not None:
        return context.calendar.elapsed(start, end)
    return to_utc(end) - to_utc(start)


def _fmt(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _next_up(ticket: Ticket, model: SupportModel) -> tuple[Tier | None, str | None]:
    group = (
        model.next_group(ticket.category, above=ticket.tier)
        if ticket.category
        else None
    )
    if group is not None:
        return group.tier, group.name
    higher = [t for t in Tier if t.rank == ticket.tier.rank + 1]
    return (higher[0] if higher else None), None


# -- the rules -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TierLimit:
    """How long a ticket may stay at ``tier`` without progress.

    >>> TierLimit(tier=Tier.L1, limit=timedelta(minutes=30)).limit
    datetime.timedelta(seconds=1800)
    """

    tier: Tier = attrs.field(validator=instance_of(Tier))
    limit: timedelta = attrs.field()

    @limit.validator
    def _positive(self, attribute: attrs.Attribute[timedelta], value: Any) -> None:
        if not isinstance(value, timedelta) or value <= timedelta(0):
            raise ValidationError("must be a positive duration", path="limit")


def _check_warning_fraction(value: Any, path: str) -> None:
    """Refuse a warning fraction outside (0, 1], as ``SlaPolicy.warn_at`` does.

    A clock warns before it breaches: past 1 it is breached, so a larger
    fraction would silently never warn.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(
            f"expected a number, got {type(value).__name__}", path=path
        )
    if not 0 < value <= 1:  # also refuses NaN and infinity
        raise ValidationError(
            f"must be above 0 and at most 1 (a fraction of the target), got {value!r}",
            path=path,
        )


def _check_limits(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    tuple_of(TierLimit)(instance, attribute, value)
    seen: set[Tier] = set()
    for index, item in enumerate(value):
        if item.tier in seen:
            raise ValidationError(
                f"tier {item.tier.value} has two limits", path=f"limits[{index}]"
            )
        seen.add(item.tier)


@attrs.frozen(kw_only=True)
class TimeAtTier:
    """Escalate (functionally, one tier up) when a ticket sits at its tier without progress.

    The clock starts when the ticket entered its current tier and restarts at
    each sign of progress: a note recording troubleshooting steps, a customer
    reply, a resumption, a resolution or a reopening. A ticket on hold is
    waiting on purpose and gets no advice. With a calendar in the context the
    time is business time.

    >>> TimeAtTier().limits[0]
    TierLimit(tier=<Tier.L1: 'l1'>, limit=datetime.timedelta(seconds=1800))
    """

    tag: ClassVar[str] = "time_at_tier"
    limits: tuple[TierLimit, ...] = attrs.field(
        default=(
            TierLimit(tier=Tier.L1, limit=timedelta(minutes=30)),
            TierLimit(tier=Tier.L2, limit=timedelta(hours=4)),
            TierLimit(tier=Tier.L3, limit=timedelta(days=2)),
        ),
        converter=to_tuple,
        validator=_check_limits,
    )

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Advise escalation once the limit of the ticket's tier is passed."""
        if not ticket.is_open or ticket.status is Status.ON_HOLD:
            return ()
        limit = next((x.limit for x in self.limits if x.tier is ticket.tier), None)
        events = _until(ticket, context.at)
        entered = _tier_entered(events)
        if limit is None or entered is None:
            return ()
        tier, since = entered
        after = to_utc(since)
        progress = [e.at for e in events if to_utc(e.at) >= after and _is_progress(e)]
        start = max([since, *progress], key=to_utc)
        spent = _duration(context, start, context.at)
        if spent <= limit:
            return ()
        to_tier, to_group = _next_up(ticket, context.model)
        what = (
            "since the last progress"
            if progress
            else f"since it reached {tier.value.upper()}"
        )
        return (
            Advice(
                rule=self.tag,
                reason=f"{_fmt(spent)} at {tier.value.upper()} {what} (limit {_fmt(limit)})",
                kind=EscalationKind.FUNCTIONAL,
                to_tier=to_tier,
                to_group=to_group,
            ),
        )


@attrs.frozen(kw_only=True)
class SlaAtRisk:
    """Alert a supervisor when an SLA clock has used ``warning_fraction`` of its target.

    Escalation on an SLA at risk is hierarchical by default (a supervisor can
    add people or reprioritise); with ``kind`` functional it goes one tier
    up, like :class:`TimeAtTier`. A breached clock says so in the reason.

    >>> from datetime import datetime, timezone
    >>> SlaAtRisk().warning_fraction
    0.75
    """

    tag: ClassVar[str] = "sla_at_risk"
    warning_fraction: float = attrs.field(default=0.75)
    kind: EscalationKind = attrs.field(
        default=EscalationKind.HIERARCHICAL, validator=instance_of(EscalationKind)
    )

    @warning_fraction.validator
    def _fraction(self, attribute: attrs.Attribute[float], value: Any) -> None:
        _check_warning_fraction(value, "warning_fraction")

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """One advice per clock past the warning fraction (paused clocks are ignored)."""
        if not ticket.is_open:
            return ()
        hierarchical = self.kind is EscalationKind.HIERARCHICAL
        if hierarchical:
            to_tier: Tier | None = ticket.tier
            to_group = ticket.group
            to_agent = context.model.supervisor_for(ticket.group)
        else:
            # A functional escalation moves the ticket to the next group up,
            # not to the group that already holds it.
            to_tier, to_group = _next_up(ticket, context.model)
            to_agent = None
        out = []
        for clock in sorted(context.clocks, key=lambda c: c.name):
            if not clock.active or clock.fraction < self.warning_fraction:
                continue
            due = (
                f", due {clock.due.isoformat(timespec='minutes')}" if clock.due else ""
            )
            state = "breached" if clock.breached else f"{clock.fraction:.0%} used"
            out.append(
                Advice(
                    rule=self.tag,
                    reason=f"SLA clock '{clock.name}' {state}{due}",
                    kind=self.kind,
                    to_tier=to_tier,
                    to_group=to_group,
                    to_agent=to_agent,
                )
            )
        return tuple(out)


def _since_last_escalation(
    events: tuple[ev.Event, ...], kind: EscalationKind | None
) -> tuple[ev.Event, ...]:
    last = -1
    for i, e in enumerate(events):
        if isinstance(e, ev.Escalated) and (kind is None or e.kind is kind):
            last = i
    return events[last + 1 :]


@attrs.frozen(kw_only=True)
class CustomerAsked:
    """Follow the customer's request to escalate, unless it was already answered.

    A request is answered by a later escalation of the same kind.

    >>> CustomerAsked.tag
    'customer_asked'
    """

    tag: ClassVar[str] = "customer_asked"

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Advise the kind of escalation the customer asked for."""
        if not ticket.is_open:
            return ()
        events = _until(ticket, context.at)
        out: list[Advice] = []
        for kind in EscalationKind:
            asked = [
                e
                for e in _since_last_escalation(events, kind)
                if isinstance(e, ev.EscalationRequested) and e.kind is kind
            ]
            if not asked:
                continue
            last = asked[-1]
            why = f": {last.reason}" if last.reason else ""
            if kind is EscalationKind.HIERARCHICAL:
                out.append(
                    Advice(
                        rule=self.tag,
                        reason=f"the customer asked for a supervisor{why}",
                        kind=kind,
                        to_tier=ticket.tier,
                        to_group=ticket.group,
                        to_agent=context.model.supervisor_for(ticket.group),
                    )
                )
            else:
                to_tier, to_group = _next_up(ticket, context.model)
                out.append(
                    Advice(
                        rule=self.tag,
                        reason=f"the customer asked for a specialist{why}",
                        kind=kind,
                        to_tier=to_tier,
                        to_group=to_group,
                    )
                )
        return tuple(out)


@attrs.frozen(kw_only=True)
class CategorySteps:
    """The standard steps of a category that the first tier walks through.

    >>> CategorySteps(category="printing", steps=("power-cycle the printer",)).steps
    ('power-cycle the printer',)
    """

    category: str = attrs.field(validator=non_empty)
    steps: tuple[str, ...] = attrs.field(converter=to_tuple, validator=tuple_of(str))


@attrs.frozen(kw_only=True)
class StepsAlreadyTried:
    """Do not make the customer repeat steps; escalate when nothing is left to try.

    For each step the agent is about to suggest (``suggested_steps`` in the
    context) that is already on the ticket, a caution names who tried it and
    its latest outcome. When every step to try (the suggested ones and
    the category's standard steps) is already on the ticket and none
    worked, this tier has nothing left: advise a functional escalation. The
    standard steps are those of ``tier`` (the service desk by default), so
    that part only applies while the ticket is at that tier.
    Steps match by their text, ignoring case, spacing and final punctuation.

    >>> StepsAlreadyTried().standard_steps[0].category
    'printing'
    """

    tag: ClassVar[str] = "steps_already_tried"
    tier: Tier = Tier.L1
    standard_steps: tuple[CategorySteps, ...] = attrs.field(
        default=(
            CategorySteps(
                category="printing",
                steps=(
                    "checked cable and power",
                    "power-cycled the printer",
                    "cleared the print queue and restarted the spooler",
                ),
            ),
        ),
        converter=to_tuple,
        validator=tuple_of(CategorySteps),
    )

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Cautions for repeated suggestions, and an escalation when all were tried."""
        if not ticket.is_open:
            return ()
        # The latest try of a step is what counts: a step that failed and
        # then worked has worked.
        taken: dict[str, Step] = {}
        for step in _steps_in(_until(ticket, context.at)):
            taken[_normal(step.action)] = step
        out: list[Advice] = []
        for suggestion in context.suggested_steps:
            earlier = taken.get(_normal(suggestion))
            if earlier is not None:
                who = "the customer" if earlier.by_customer else "the desk"
                out.append(
                    Advice(
                        rule=self.tag,
                        reason=f"'{suggestion}' was already tried by {who} "
                        f"({earlier.outcome.value}): do not ask again",
                        kind=None,
                    )
                )
        standard = next(
            (c.steps for c in self.standard_steps if c.category == ticket.category), ()
        )
        to_try = tuple(
            {
                _normal(x): x for x in reversed((*context.suggested_steps, *standard))
            }.values()
        )
        tried = [taken.get(_normal(s)) for s in to_try]
        if (
            ticket.tier is self.tier
            and to_try
            and all(
                s is not None and s.outcome is not StepOutcome.WORKED for s in tried
            )
        ):
            by_customer = sum(1 for s in tried if s is not None and s.by_customer)
            note = (
                f" ({by_customer} by the customer before calling)"
                if by_customer
                else ""
            )
            to_tier, to_group = _next_up(ticket, context.model)
            out.append(
                Advice(
                    rule=self.tag,
                    reason=f"nothing left to try at {ticket.tier.value.upper()}: the "
                    f"{'step' if len(to_try) == 1 else f'{len(to_try)} steps'} to try "
                    f"already failed{note}",
                    kind=EscalationKind.FUNCTIONAL,
                    to_tier=to_tier,
                    to_group=to_group,
                )
            )
        return tuple(out)


@attrs.frozen(kw_only=True)
class ConductOnRecord:
    """Hand abusive conduct to a senior member: a hierarchical escalation.

    Conduct recorded after the last hierarchical escalation asks for one.

    >>> ConductOnRecord.tag
    'conduct_on_record'
    """

    tag: ClassVar[str] = "conduct_on_record"

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Advise a hierarchical escalation naming the conduct recorded."""
        if not ticket.is_open:
            return ()
        events = _since_last_escalation(
            _until(ticket, context.at), EscalationKind.HIERARCHICAL
        )
        conduct = [e for e in events if isinstance(e, ev.ConductRecorded)]
        if not conduct:
            return ()
        last = conduct[-1]
        return (
            Advice(
                rule=self.tag,
                reason=f"{last.kind.value} conduct recorded: {last.description}",
                kind=EscalationKind.HIERARCHICAL,
                to_tier=ticket.tier,
                to_group=ticket.group,
                to_agent=context.model.supervisor_for(ticket.group),
            ),
        )


@attrs.frozen(kw_only=True)
class CategoryOutsideSkills:
    """Move a ticket whose category its current group does not handle.

    >>> CategoryOutsideSkills.tag
    'category_outside_skills'
    """

    tag: ClassVar[str] = "category_outside_skills"

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Advise the lowest-tier group that handles the category."""
        group = context.model.find(ticket.group)
        if not ticket.is_open or group is None or not ticket.category:
            return ()
        if group.handles(ticket.category):
            return ()
        target = next(iter(context.model.groups_for(ticket.category)), None)
        where = f"; {target.name} handles it" if target else "; no group handles it"
        return (
            Advice(
                rule=self.tag,
                reason=f"category '{ticket.category}' is outside the skills of {group.name}{where}",
                kind=EscalationKind.FUNCTIONAL,
                to_tier=target.tier if target else None,
                to_group=target.name if target else None,
            ),
        )


@attrs.frozen(kw_only=True)
class RepeatedReopens:
    """A fix that keeps failing needs a higher tier: escalate after ``threshold`` reopenings.

    Reopenings count since the last functional escalation: moving the ticket
    up answers them, and the new tier gets ``threshold`` reopenings of its own.

    >>> RepeatedReopens().threshold
    2
    """

    tag: ClassVar[str] = "repeated_reopens"
    threshold: int = attrs.field(default=2)

    @threshold.validator
    def _at_least_one(self, attribute: attrs.Attribute[int], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(
                f"must be a whole number of reopenings, 1 or more; got {value!r}",
                path="threshold",
            )

    def advise(self, ticket: Ticket, context: AdviceContext) -> tuple[Advice, ...]:
        """Advise a functional escalation once the ticket was reopened often enough."""
        events = _since_last_escalation(
            _until(ticket, context.at), EscalationKind.FUNCTIONAL
        )
        reopens = sum(1 for e in events if isinstance(e, ev.Reopened))
        if not ticket.is_open or reopens < self.threshold:
            return ()
        to_tier, to_group = _next_up(ticket, context.model)
        return (
            Advice(
                rule=self.tag,
                reason=f"reopened {reopens} times: the fix does not hold",
                kind=EscalationKind.FUNCTIONAL,
                to_tier=to_tier,
                to_group=to_group,
            ),
        )


RULE_TYPES: dict[str, type[Any]] = {
    cls.tag: cls
    for cls in (
        TimeAtTier,
        SlaAtRisk,
        CustomerAsked,
        StepsAlreadyTried,
        ConductOnRecord,
        CategoryOutsideSkills,
        RepeatedReopens,
    )
}
"""Built-in escalation rules by tag."""


def _check_rules(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError("expected a tuple of rules", path="rules")
    for index, rule in enumerate(value):
        if not isinstance(rule, EscalationRule):
            raise ValidationError(
                "a rule needs a 'tag' and an advise(ticket, context) method",
                path=f"rules[{index}]",
            )


@attrs.frozen(kw_only=True)
class EscalationPolicy:
    """Escalation rules as data; :meth:`recommend` turns them into advice.

    >>> from deskflow._demo import build_case
    >>> from datetime import timedelta
    >>> DEFAULT_ESCALATION_POLICY.recommend(build_case(), at=build_case().closed_at)
    ()
    """

    rules: tuple[EscalationRule, ...] = attrs.field(
        converter=to_tuple, validator=_check_rules
    )
    model: SupportModel = attrs.field(
        default=DEFAULT_SUPPORT_MODEL, validator=instance_of(SupportModel)
    )

    def recommend(
        self,
        ticket: Ticket,
        *,
        at: datetime,
        clocks: Iterable[Any] = (),
        suggested_steps: Iterable[str] = (),
        calendar: BusinessCalendar | None = None,
    ) -> tuple[Advice, ...]:
        """Evaluate every rule for ``ticket`` at the instant ``at``.

        The ticket is read as it stood at ``at`` (later events are ignored),
        so the same timeline and instant always give the same advice.

        ``clocks`` are the ticket's SLA clocks: an evaluation from
        :func:`deskflow.sla.evaluate`, or :class:`SlaReading` values (or any
        objects with ``name``, ``elapsed``, ``target``, ``due``).
        ``suggested_steps`` are the steps the agent is about to suggest.
        Advice comes in rule order.
        """
        ensure_aware(at, "at")
        if to_utc(ticket.updated_at) > to_utc(at):
            # Advice reads the ticket as it stood at ``at``: later events
            # (a closure, an escalation) must not change what was advised then.
            earlier = _until(ticket, at)
            if not earlier:
                return ()
            ticket = Ticket.from_events(earlier)
        context = AdviceContext(
            at=at,
            model=self.model,
            clocks=readings(clocks),
            suggested_steps=text_items(suggested_steps, "suggested_steps"),
            calendar=calendar,
        )
        out: list[Advice] = []
        for rule in self.rules:
            out.extend(rule.advise(ticket, context))
        return tuple(out)


DEFAULT_ESCALATION_POLICY = EscalationPolicy(
    rules=(
        CustomerAsked(),
        ConductOnRecord(),
        SlaAtRisk(),
        CategoryOutsideSkills(),
        StepsAlreadyTried(),
        RepeatedReopens(),
        TimeAtTier(),
    )
)
"""Every built-in rule with its defaults, over :data:`DEFAULT_SUPPORT_MODEL`."""


# -- the hand-over ----------------------------------------------------------------

_MAX_REFERENCE = 2048


def handoff_problems(
    ticket: Ticket,
    handoff: Handoff,
    *,
    parts: frozenset[HandoffPart] = DEFAULT_HANDOFF_PARTS,
) -> tuple[str, ...]:
    """Everything wrong with a hand-off package, as a person reads it.

    Beyond the lifecycle's required parts (and the business context when the
    ticket has one), screenshots must be references (a URL or an attachment
    id), not embedded data, and a stated business context must match the
    ticket's.

    >>> from deskflow._demo import build_case
    >>> handoff_problems(build_case(), Handoff(contact_verified=True, contact="x",
    ...     screenshots=("data:image/png;base64,iVBOR...",), steps_taken=(), no_article_applies=True))
    ('steps already taken, with outcomes', 'business context (deadline, confidentiality)', 'screenshot 1 is embedded data, not a reference (give a URL or an attachment id)')
    """
    required = set(parts)
    if ticket.context.is_stated:
        required.add(HandoffPart.BUSINESS_CONTEXT)
    problems = list(handoff.missing(frozenset(required)))
    for index, ref in enumerate(handoff.screenshots, start=1):
        text = ref.strip()
        if not text:
            problems.append(f"screenshot {index} is empty")
        elif text.startswith("data:") or len(text) > _MAX_REFERENCE:
            problems.append(
                f"screenshot {index} is embedded data, not a reference "
                "(give a URL or an attachment id)"
            )
    if (
        handoff.context is not None
        and ticket.context.is_stated
        and handoff.context != ticket.context
    ):
        problems.append("business context differs from the ticket's")
    return tuple(problems)


class NoticeKind(enum.Enum):
    """What a notice tells.

    >>> NoticeKind.SUPERVISOR_ALERTED.value
    'supervisor_alerted'
    """

    ESCALATED = "escalated"
    SPECIALIST_JOINED = "specialist_joined"
    SUPERVISOR_ALERTED = "supervisor_alerted"
    STATUS_UPDATE = "status_update"
    CALL_BACK_BOOKED = "call_back_booked"
    FOLLOW_UP = "follow_up"


def _zone(ticket: Ticket) -> ZoneInfo | None:
    if not ticket.customer.time_zone:
        return None
    try:
        return ZoneInfo(ticket.customer.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local(ticket: Ticket, instant: datetime) -> str:
    zone = _zone(ticket)
    local = instant.astimezone(zone) if zone is not None else instant
    text = local.strftime("%a %d %b %H:%M")
    if zone is None:
        return f"{text} ({local.tzname()})"
    # In the hour a fall-back repeats, the wall time alone names two instants.
    twin = local.replace(fold=1 - local.fold)
    if twin.utcoffset() != local.utcoffset():
        return f"{text} {local.tzname()} ({zone.key})"
    return f"{text} ({zone.key})"


@attrs.frozen(kw_only=True)
class CustomerNotice:
    """A message for the host to send the customer.

    It always carries the ticket's reference number; ``group`` is the team
    now working on it, ``time_frame`` when the customer can expect the next
    step, and ``next_steps`` what happens next.

    >>> from datetime import datetime, timezone
    >>> n = CustomerNotice(kind=NoticeKind.ESCALATED, ticket_id="t-1", reference="INC-1234-5678",
    ...     customer_id="c-1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...     headline="Your ticket is now with desktop support", group="desktop support",
    ...     next_steps=("a technician will call you",))
    >>> print(n.text)
    [INC-1234-5678] Your ticket is now with desktop support.
    Next: a technician will call you.
    """

    kind: NoticeKind = attrs.field(validator=instance_of(NoticeKind))
    ticket_id: str = attrs.field(validator=non_empty)
    reference: str = attrs.field(validator=non_empty)
    customer_id: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)
    headline: str = attrs.field(validator=non_empty)
    group: str | None = None
    time_frame: datetime | None = attrs.field(default=None, validator=optional_aware)
    time_frame_text: str = ""
    next_steps: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    @property
    def text(self) -> str:
        """The message as plain text.

        >>> from datetime import datetime, timezone
        >>> CustomerNotice(kind=NoticeKind.STATUS_UPDATE, ticket_id="t", reference="INC-1",
        ...     customer_id="c", at=datetime(2026, 3, 2, tzinfo=timezone.utc),
        ...     headline="No news yet").text
        '[INC-1] No news yet.'
        """
        lines = [_sentence(f"[{self.reference}] {self.headline}")]
        if self.time_frame_text:
            lines.append(f"Expect the next step by {self.time_frame_text}.")
        if self.next_steps:
            lines.append(_sentence("Next: " + "; ".join(self.next_steps)))
        return "\n".join(lines)


def _sentence(text: str) -> str:
    # A headline that ends with its own punctuation keeps it ("Fixed!", not "Fixed!.").
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


@attrs.frozen(kw_only=True)
class InternalNotice:
    """What the receiving group (or supervisor) is told on an escalation.

    >>> InternalNotice.__name__
    'InternalNotice'
    """

    ticket_id: str
    reference: str
    at: datetime = attrs.field(validator=aware)
    kind: EscalationKind = attrs.field(validator=instance_of(EscalationKind))
    from_actor: str
    reason: str
    to_group: str | None
    to_agent: str | None
    warm: bool
    priority: str
    handoff: Handoff
    deadline: datetime | None = attrs.field(default=None, validator=optional_aware)
    time_frame: datetime | None = attrs.field(default=None, validator=optional_aware)

    @property
    def text(self) -> str:
        """A short summary line for a queue or a pager.

        >>> from datetime import datetime, timezone
        >>> print(InternalNotice(ticket_id="t", reference="INC-1", kind=EscalationKind.FUNCTIONAL,
        ...     at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), from_actor="a-sam",
        ...     reason="needs an on-site visit", to_group="field-technicians", to_agent=None,
        ...     warm=True, priority="P3", handoff=Handoff()).text)
        INC-1 P3 → field-technicians (functional, warm transfer) from a-sam: needs an on-site visit
        """
        target = self.to_agent or self.to_group or "?"
        transfer = "warm transfer" if self.warm else "cold hand-off"
        deadline = (
            f"; customer deadline {self.deadline.isoformat(timespec='minutes')}"
            if self.deadline
            else ""
        )
        return (
            f"{self.reference} {self.priority} → {target} ({self.kind.value}, {transfer}) "
            f"from {self.from_actor}: {self.reason}{deadline}"
        )


@attrs.frozen(kw_only=True)
class EscalationResult(Generic[T]):
    """The escalated ticket and the two notices for the host to deliver.

    >>> EscalationResult.__name__
    'EscalationResult'
    """

    ticket: T
    customer_notice: CustomerNotice
    internal_notice: InternalNotice


def _functional_target(
    ticket: Ticket, model: SupportModel, *, to_group: str | None, to_tier: Tier | None
) -> SupportGroup:
    """The group a functional escalation goes to, up or across from the ticket's tier."""
    if to_group is not None:
        group = model.group(to_group)
        if to_tier is not None and group.tier is not to_tier:
            raise ValidationError(
                f"group {group.name!r} is at tier {group.tier.value}, not "
                f"{to_tier.value}; give one of them, or both in agreement",
                path="to_tier",
            )
        path = "to_group"
    elif to_tier is not None:
        found = [g for g in model.groups_for(ticket.category) if g.tier is to_tier]
        if not found:
            raise ValidationError(
                f"no group at tier {to_tier.value} handles category "
                f"{ticket.category!r} in the support model; give to_group",
                path="to_tier",
            )
        group = found[0]
        path = "to_tier"
    else:
        raise ValidationError(
            "a functional escalation goes to a group (to_group) or a tier (to_tier)",
            path="to_group",
        )
    if group.tier.rank < ticket.tier.rank:
        raise ValidationError(
            f"an escalation moves a ticket up or across, not down: group "
            f"{group.name!r} is at tier {group.tier.value}, the ticket at "
            f"{ticket.tier.value}; route the ticket to send it back",
            path=path,
        )
    return group


def escalate(
    ticket: T,
    *,
    reason: str,
    handoff: Handoff,
    at: datetime,
    actor: str,
    to_group: str | None = None,
    to_tier: Tier | None = None,
    kind: EscalationKind = EscalationKind.FUNCTIONAL,
    to_agent: str | None = None,
    warm: bool = False,
    time_frame: datetime | timedelta | None = None,
    calendar: BusinessCalendar | None = None,
    next_steps: Iterable[str] = (),
    model: SupportModel = DEFAULT_SUPPORT_MODEL,
    lifecycle: Lifecycle | None = None,
    parts: frozenset[HandoffPart] = DEFAULT_HANDOFF_PARTS,
) -> EscalationResult[T]:
    """Check the hand-off, escalate through the ticket engine, and write both notices.

    Functional escalation goes to ``to_group`` (its tier comes from the
    model), up or across, never down: a group below the ticket's tier is
    refused (route the ticket to send it back). ``to_tier``, as in
    ``Ticket.escalate``, may stand for the group: the model's first group at
    that tier that handles the ticket's category; given with ``to_group``,
    it must be that group's tier. Hierarchical escalation stays at the
    ticket's tier (``to_tier``, if given, must be it) and goes to
    ``to_agent``, by default the supervisor of the ticket's (or
    ``to_group``'s) group. The owner does not change.

    ``time_frame`` is when the customer can expect the next step: an
    instant (the SLA's due time), or a duration from ``at`` (business time
    when ``calendar`` is given).

    Raises:
        IncompleteHandoff: listing every problem of the hand-off package
            (:func:`handoff_problems`); nothing is changed.
        UnknownGroup: ``to_group`` is not in the model.
        ValidationError: the time frame lies before ``at``, ``next_steps``
            is a single string rather than a collection of steps, the group
            is below the ticket's tier, or ``to_tier`` names no group or
            disagrees with the group or the kind of escalation.
    """
    ensure_aware(at, "at")
    if not isinstance(kind, EscalationKind):
        raise ValidationError(
            f"expected an EscalationKind, got {type(kind).__name__}", path="kind"
        )
    steps = text_items(next_steps, "next_steps")
    problems = handoff_problems(ticket, handoff, parts=parts)
    if problems:
        lc = lifecycle or lifecycle_for(ticket)
        raise IncompleteHandoff(
            ticket_id=ticket.id,
            state=ticket.status.value,
            allowed=lc.allowed(ticket.status),
            missing=problems,
        )
    if to_tier is not None and not isinstance(to_tier, Tier):
        raise ValidationError(
            f"expected a Tier or None, got {type(to_tier).__name__}", path="to_tier"
        )
    if kind is EscalationKind.FUNCTIONAL:
        target = _functional_target(ticket, model, to_group=to_group, to_tier=to_tier)
        group: SupportGroup | None = target
        to_tier = target.tier
    else:
        if to_tier is not None and to_tier is not ticket.tier:
            raise ValidationError(
                f"a hierarchical escalation stays at the ticket's tier "
                f"({ticket.tier.value}), got {to_tier.value}; for another tier, "
                "escalate functionally",
                path="to_tier",
            )
        group = (
            model.group(to_group) if to_group is not None else model.find(ticket.group)
        )
        to_tier = ticket.tier
        to_agent = to_agent or (group.supervisor if group else None)
        if to_agent is None:
            raise ValidationError(
                "a hierarchical escalation goes to a supervisor; give to_agent or a "
                "group with a supervisor",
                path="to_agent",
            )
    new = ticket.escalate(
        to_tier=to_tier,
        reason=reason,
        handoff=handoff,
        at=at,
        actor=actor,
        kind=kind,
        to_group=group.name if group else to_group,
        to_agent=to_agent,
        warm=warm,
        lifecycle=lifecycle,
    )
    due: datetime | None
    if isinstance(time_frame, timedelta):
        # A duration is real elapsed time: across a DST change, wall-clock
        # arithmetic (at + time_frame) is off by the change.
        due = (
            calendar.add(at, time_frame)
            if calendar is not None
            else (to_utc(at) + time_frame).astimezone(at.tzinfo)
        )
    else:
        due = ensure_aware(time_frame, "time_frame") if time_frame is not None else None
    if due is not None and to_utc(due) < to_utc(at):
        raise ValidationError(
            f"the customer would be told to expect the next step by "
            f"{due.isoformat()}, before the escalation at {at.isoformat()}",
            path="time_frame",
        )
    if kind is EscalationKind.FUNCTIONAL:
        label = group.label if group else str(to_group)
        headline = f"Your ticket is now with {label}"
        if not steps:
            steps = (
                f"{label} will contact you",
                "the agent who took your call stays responsible for your ticket",
            )
        notice_kind = NoticeKind.ESCALATED
    else:
        label = "a supervisor"
        headline = "A supervisor has been alerted and is reviewing your ticket"
        if not steps:
            steps = ("the supervisor will contact you",)
        notice_kind = NoticeKind.SUPERVISOR_ALERTED
    customer_notice = CustomerNotice(
        kind=notice_kind,
        ticket_id=new.id,
        reference=new.reference,
        customer_id=new.customer.id,
        at=at,
        headline=headline,
        group=label,
        time_frame=due,
        time_frame_text=_local(new, due) if due is not None else "",
        next_steps=steps,
    )
    internal = InternalNotice(
        ticket_id=new.id,
        reference=new.reference,
        at=at,
        kind=kind,
        from_actor=actor,
        reason=reason,
        to_group=new.group,
        to_agent=to_agent,
        warm=warm,
        priority=new.priority.label,
        handoff=handoff,
        deadline=new.context.deadline,
        time_frame=due,
    )
    return EscalationResult(
        ticket=new, customer_notice=customer_notice, internal_notice=internal
    )


def notices_since(
    ticket: Ticket,
    version: int,
    *,
    model: SupportModel = DEFAULT_SUPPORT_MODEL,
    specialist_tiers: Iterable[Tier] = (Tier.L3, Tier.SME, Tier.VENDOR),
) -> tuple[CustomerNotice, ...]:
    """Notices that keep the customer in the loop on internal events after ``version``.

    An assignment at an L3, SME or vendor tier ("an engineer joined") and a
    hierarchical escalation ("a supervisor was alerted") each give one
    notice. The host remembers the version it last told the customer about.

    >>> from deskflow._demo import build_case
    >>> [n.headline for n in notices_since(build_case(), 0)]
    ['Our field technicians have joined your case']
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValidationError(
            f"expected a ticket version (a whole number, 0 or more), got {version!r}",
            path="version",
        )
    tiers = set(specialist_tiers)
    out: list[CustomerNotice] = []
    group: str | None = None
    tier = Tier.L1
    for index, e in enumerate(ticket.timeline):
        if isinstance(e, ev.Opened):
            group, tier = e.group, e.tier
        elif isinstance(e, ev.Escalated):
            group, tier = e.to_group or group, e.to_tier
        elif isinstance(e, (ev.Routed, ev.Assigned)):
            group = e.group or group
            tier = e.tier or tier
        if index < version:
            continue
        base: dict[str, Any] = {
            "ticket_id": ticket.id,
            "reference": ticket.reference,
            "customer_id": ticket.customer.id,
            "at": e.at,
        }
        if isinstance(e, ev.Assigned) and tier in tiers:
            found = model.find(group)
            label = found.label if found else "a specialist"
            out.append(
                CustomerNotice(
                    kind=NoticeKind.SPECIALIST_JOINED,
                    headline=f"{label[0].upper()}{label[1:]} have joined your case"
                    if found
                    else "A specialist has joined your case",
                    group=label,
                    **base,
                )
            )
        elif isinstance(e, ev.Escalated) and e.kind is EscalationKind.HIERARCHICAL:
            out.append(
                CustomerNotice(
                    kind=NoticeKind.SUPERVISOR_ALERTED,
                    headline="A supervisor has been alerted and is reviewing your ticket",
                    group="a supervisor",
                    **base,
                )
            )
    return tuple(out)


def _configure_converter(converter: Any, *, rules: Iterable[type[Any]] = ()) -> None:
    """Register escalation rules as a tagged union on ``type`` (called by the package converter).

    ``rules`` adds a host's own rule classes (each with a unique ``tag``).
    """
    registry: dict[str, type[Any]] = dict(RULE_TYPES)
    for cls in rules:
        tag = getattr(cls, "tag", None)
        if not isinstance(tag, str) or not tag:
            raise ValidationError(
                f"rule class {cls.__name__} needs a string 'tag'", path="rules"
            )
        if tag in registry and registry[tag] is not cls:
            raise ValidationError(f"rule tag {tag!r} is already taken", path="rules")
        registry[tag] = cls

    def unstructure_rule(rule: Any) -> dict[str, Any]:
        data = converter.unstructure(rule, unstructure_as=type(rule))
        return {"type": rule.tag, **data}

    def structure_rule(data: Any, _: type) -> Any:
        if not isinstance(data, dict) or "type" not in data:
            raise ValueError("an escalation rule is an object with a 'type'")
        cls = registry.get(data["type"])
        if cls is None:
            raise ValueError(
                f"unknown escalation rule {data['type']!r}; known: "
                f"{', '.join(sorted(registry))}"
            )
        return converter.structure({k: v for k, v in data.items() if k != "type"}, cls)

    converter.register_unstructure_hook_func(
        lambda t: t is EscalationRule, unstructure_rule
    )
    converter.register_structure_hook_func(
        lambda t: t is EscalationRule, structure_rule
    )
