"""SLA clocks by the definition, one event at a time: the oracle for ``deskflow.sla.evaluate``.

Slow on purpose and written from the documented rules only (the module
docstring of :mod:`deskflow.sla`, the docstrings of its result and policy
classes, and ``docs/guides/sla.md``), never from the fast path. It walks the
timeline event by event, keeps each clock as a plain list of running
stretches ``[start, end]`` (datetimes), and measures them with the public
calendar API:

- elapsed time is the sum of ``cal.elapsed(start, end)`` over the stretches;
- an amount of business time is used up at the first stretch whose running
  total reaches it, at ``cal.add(stretch start, amount still owed)``.

The readings it takes where the documents leave room, each marked
``Reading:`` below, are listed in the differential test module's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from deskflow.calendars import BusinessCalendar
from deskflow.clock import to_utc
from deskflow.parties import Tier
from deskflow.priority import Priority
from deskflow.sla import (
    Alert,
    ClockKind,
    ClockReport,
    ClockState,
    Evaluation,
    PolicyHistory,
    PolicyPeriod,
    SlaPolicy,
    Target,
)
from deskflow.tickets import events as ev
from deskflow.tickets.model import Ticket
from deskflow.tickets.notes import NoteKind, Visibility
from deskflow.tickets.values import HoldReason, Status, TicketKind

ZERO = timedelta(0)


@dataclass
class Clock:
    """One clock (one cycle of it) while the timeline is walked."""

    kind: ClockKind
    cycle: int
    started_at: datetime
    to_tier: Tier | None = None
    # running stretches of earlier cycles (a reopened resolution keeps them)
    carry: list[tuple[datetime, datetime]] = field(default_factory=list)
    # this cycle's running stretches; the last one has end None while running
    stretches: list[list[datetime | None]] = field(default_factory=list)
    stopped_at: datetime | None = None
    cancelled: bool = False
    target: Target | None = None
    policy: SlaPolicy | None = None
    priority: Priority | None = None

    @property
    def live(self) -> bool:
        return self.stopped_at is None

    @property
    def running(self) -> bool:
        return bool(self.stretches) and self.stretches[-1][1] is None

    def run(self, at: datetime, should: bool) -> None:
        """Start or end a running stretch at ``at`` so that the clock runs iff ``should``."""
        if self.running and not should:
            self.stretches[-1][1] = at
        elif not self.running and should:
            self.stretches.append([at, None])

    def stop(self, at: datetime, *, cancelled: bool = False) -> None:
        self.run(at, False)
        self.stopped_at = at
        self.cancelled = cancelled

    def intervals(self, end: datetime) -> list[tuple[datetime, datetime]]:
        """Every running stretch (earlier cycles first), an open one ending at ``end``."""
        own = [(s, e if e is not None else end) for s, e in self.stretches]
        assert all(s is not None for s, _ in own)
        return [*self.carry, *((s, e) for s, e in own if s is not None)]


def used_up(
    cal: BusinessCalendar,
    intervals: list[tuple[datetime, datetime]],
    amount: timedelta,
    *,
    open_last: bool,
) -> datetime | None:
    """The first instant at which ``amount`` of business time is used up over ``intervals``.

    With ``open_last`` the last interval is taken to go on running after its
    end (a running clock's projection, or a clock counted from its last
    running stretch); otherwise ``None`` when the intervals never use it up.
    """
    used = ZERO
    for index, (start, end) in enumerate(intervals):
        length = cal.elapsed(start, end)
        last = open_last and index == len(intervals) - 1
        if last or used + length >= amount:
            return cal.add(start, amount - used)
        used += length
    return None


def _before(a: datetime, b: datetime) -> bool:
    return to_utc(a) < to_utc(b)


def _same(a: datetime, b: datetime) -> bool:
    return to_utc(a) == to_utc(b)


def target_for(
    policy: SlaPolicy,
    ticket_kind: TicketKind,
    priority: Priority,
    service_level: str | None,
    kind: ClockKind,
    to_tier: Tier | None,
) -> Target | None:
    """The target of the most specific rule for one clock.

    Reading: an escalation-response target naming the escalation's tier wins
    over one without a tier (which covers every escalation).
    """
    targets = [
        t
        for t in policy.targets_for(ticket_kind, priority, service_level)
        if t.kind is kind
    ]
    if kind is ClockKind.ESCALATION_RESPONSE:
        exact = [t for t in targets if t.to_tier is not None and t.to_tier is to_tier]
        if exact:
            return exact[0]
        targets = [t for t in targets if t.to_tier is None]
    return targets[0] if targets else None


class Walk:
    """The state of a ticket while its timeline is walked."""

    def __init__(self, opened: ev.Opened, policy: SlaPolicy) -> None:
        self.ticket_kind = opened.kind
        self.service_level = opened.customer.service_level
        self.customer = opened.customer.id
        self.priority = opened.priority
        self.policy = policy
        self.status = opened.status or Status.NEW
        self.hold: HoldReason | None = None
        self.clocks: list[Clock] = []
        self.response: Clock | None = None
        self.resolution: Clock | None = None
        self.update: Clock | None = None
        self.ola: Clock | None = None
        self.vendor: Clock | None = None
        self.responded = False
        self.resolved = False
        self.ended = False  # cancelled, or closed without a resolution
        self.updates = 0
        self.escalations = 0
        self.vendor_holds = 0
        self.resolution_cycles = 0

    # -- clocks -------------------------------------------------------------

    def paused_kinds(self) -> set[ClockKind]:
        kinds: set[ClockKind] = set()
        for rule in self.policy.pause_rules:
            if rule.matches(self.status, self.hold):
                kinds |= rule.clocks
        return kinds

    def settle(self, at: datetime) -> None:
        """Every live clock runs at ``at`` unless a pause rule in force stops it."""
        paused = self.paused_kinds()
        for clock in self.clocks:
            if clock.live:
                clock.run(at, clock.kind not in paused)

    def retarget(self, clock: Clock) -> None:
        target = target_for(
            self.policy,
            self.ticket_kind,
            self.priority,
            self.service_level,
            clock.kind,
            clock.to_tier,
        )
        clock.target = target
        clock.policy = self.policy if target is not None else None
        clock.priority = self.priority if target is not None else None

    def start(
        self,
        kind: ClockKind,
        cycle: int,
        at: datetime,
        *,
        to_tier: Tier | None = None,
        carry: list[tuple[datetime, datetime]] | None = None,
    ) -> Clock:
        clock = Clock(kind=kind, cycle=cycle, started_at=at, to_tier=to_tier)
        if carry:
            clock.carry = list(carry)
        self.retarget(clock)
        self.clocks.append(clock)
        return clock

    def breached_by(self, clock: Clock, at: datetime) -> bool:
        """Whether ``clock`` had breached its target in force by the instant ``at``."""
        if clock.target is None or clock.policy is None:
            return False
        cal = clock.policy.calendar(clock.target.calendar)
        end = clock.stopped_at if clock.stopped_at is not None else at
        due = used_up(cal, clock.intervals(end), clock.target.within, open_last=False)
        return due is not None and _before(due, at)

    def retarget_live(self, at: datetime) -> None:
        """A priority or policy change: every live clock that has not breached takes the new target."""
        for clock in self.clocks:
            if clock.live and not self.breached_by(clock, at):
                self.retarget(clock)

    def stop(self, clock: Clock | None, at: datetime) -> None:
        if clock is not None and clock.live:
            clock.stop(at)

    def first_response(self, at: datetime) -> None:
        # Reading: nothing starts a clock on a ticket that was cancelled
        if self.responded or self.ended:
            return
        self.responded = True
        self.stop(self.response, at)
        self.updates += 1
        self.update = self.start(ClockKind.UPDATE, self.updates, at)

    # -- events -------------------------------------------------------------

    def apply(self, event: ev.EventBase) -> None:
        at = event.at
        hold_before = self.hold
        if event.status is not None:
            self.status = event.status
        if isinstance(event, ev.Held):
            self.hold = event.reason
        elif event.status is not None and event.status is not Status.ON_HOLD:
            self.hold = None

        if isinstance(event, ev.Cancelled) or (
            isinstance(event, ev.Closed) and not self.resolved
        ):
            # a cancellation ends every running clock, the vendor wait it ends included
            self.ended = True
            for clock in self.clocks:
                if clock.live:
                    clock.stop(at, cancelled=True)
        # a vendor hold ends when the ticket leaves the hold or waits for another reason
        # Reading: a new hold awaiting the vendor during one continues the same wait.
        if (
            hold_before is HoldReason.AWAITING_VENDOR
            and self.hold is not HoldReason.AWAITING_VENDOR
        ):
            self.stop(self.vendor, at)

        if isinstance(event, ev.NoteAdded):
            note = event.note
            # Reading: a note of the customer-reply kind is the customer's reply,
            # whoever typed it in
            if (
                note.visibility is Visibility.CUSTOMER
                and note.author != self.customer
                and note.kind is not NoteKind.CUSTOMER_REPLY
            ):
                if not self.responded:
                    self.first_response(at)
                elif self.update is not None and self.update.live:
                    self.update.stop(at)
                    self.updates += 1
                    self.update = self.start(ClockKind.UPDATE, self.updates, at)
        elif isinstance(event, ev.WorkStarted):
            self.first_response(at)
            self.stop(self.ola, at)
        elif isinstance(event, ev.Assigned):
            self.stop(self.ola, at)
        elif isinstance(event, ev.Held):
            if (
                event.reason is HoldReason.AWAITING_VENDOR
                and not self.ended
                and (self.vendor is None or not self.vendor.live)
            ):
                self.vendor_holds += 1
                self.vendor = self.start(ClockKind.VENDOR, self.vendor_holds, at)
        elif isinstance(event, ev.Escalated) and not self.ended:
            if self.ola is not None and self.ola.live:
                self.ola.stop(at, cancelled=True)
            self.escalations += 1
            self.ola = self.start(
                ClockKind.ESCALATION_RESPONSE,
                self.escalations,
                at,
                to_tier=event.to_tier,
            )
        elif isinstance(event, ev.PriorityChanged):
            self.priority = event.priority
            self.retarget_live(at)
        elif isinstance(event, ev.Resolved):
            self.first_response(at)
            self.resolved = True
            self.stop(self.response, at)
            self.stop(self.resolution, at)
            self.stop(self.ola, at)
            update = self.update
            if update is not None and update.live:
                update.stop(at)
                if _same(update.started_at, at):
                    # it would begin and end at the resolution: the resolution is that update
                    self.clocks.remove(update)
                    self.updates -= 1
        elif isinstance(event, ev.Reopened):
            self.resolved = False
            previous = self.resolution
            carry: list[tuple[datetime, datetime]] = []
            if previous is not None:
                end = previous.stopped_at if previous.stopped_at is not None else at
                carry = previous.intervals(end)
                self.stop(previous, at)
            self.resolution_cycles += 1
            self.resolution = self.start(
                ClockKind.RESOLUTION, self.resolution_cycles, at, carry=carry
            )
            self.updates += 1
            self.update = self.start(ClockKind.UPDATE, self.updates, at)
        self.settle(at)

    def change_policy(self, policy: SlaPolicy, at: datetime) -> None:
        self.policy = policy
        self.retarget_live(at)
        self.settle(at)

    # -- reports ------------------------------------------------------------

    def report(
        self, clock: Clock, at: datetime, already: set[str]
    ) -> tuple[ClockReport, list[Alert]] | None:
        """The clock's report and alerts; ``already`` names the thresholds earlier cycles reached."""
        target, policy, priority = clock.target, clock.policy, clock.priority
        if target is None or policy is None or priority is None:
            return None
        cal = policy.calendar(target.calendar)
        within = target.within
        end = clock.stopped_at if clock.stopped_at is not None else at
        intervals = clock.intervals(end)
        elapsed = sum((cal.elapsed(s, e) for s, e in intervals), ZERO)
        crossed = used_up(cal, intervals, within, open_last=False)
        # counted from the last running stretch: while running, or when it ran up to its stop
        ran_to_end = clock.running or (
            clock.stopped_at is not None
            and bool(clock.stretches)
            and clock.stretches[-1][1] is not None
            and _same(clock.stretches[-1][1], clock.stopped_at)
        )
        breached = crossed is not None and _before(crossed, end)
        met_at = breached_at = None
        due: datetime | None
        if breached:
            state, due, breached_at = ClockState.BREACHED, crossed, crossed
        else:
            due = (
                used_up(cal, intervals, within, open_last=True) if ran_to_end else None
            )
            if clock.stopped_at is not None:
                if clock.cancelled:
                    state = ClockState.CANCELLED
                else:
                    state, met_at = ClockState.MET, clock.stopped_at
            elif not clock.running:
                state, due = ClockState.PAUSED, None
            elif elapsed >= within * policy.warn_at:  # Reading: "past" includes "at"
                state = ClockState.WARNING
            else:
                state = ClockState.RUNNING
        report = ClockReport(
            name=target.name,
            kind=clock.kind,
            agreement=target.agreement,
            cycle=clock.cycle,
            target=within,
            calendar=target.calendar,
            started_at=clock.started_at,
            elapsed=elapsed,
            remaining=within - elapsed,
            due=due,
            state=state,
            running=clock.running,
            met_at=met_at,
            breached_at=breached_at,
            stopped_at=clock.stopped_at,
            policy_version=policy.version,
            priority=priority,
        )
        return report, self.alerts(clock, report, intervals, already)

    def alerts(
        self,
        clock: Clock,
        report: ClockReport,
        intervals: list[tuple[datetime, datetime]],
        already: set[str],
    ) -> list[Alert]:
        assert clock.target is not None
        assert clock.policy is not None
        policy = clock.policy
        cal = policy.calendar(clock.target.calendar)
        out: list[Alert] = []
        for threshold in sorted(policy.thresholds, key=lambda t: t.fraction):
            if threshold.clocks and clock.kind not in threshold.clocks:
                continue
            share = clock.target.within * threshold.fraction
            if threshold.name in already:
                continue  # an earlier cycle reached it: not alerted again
            reached_at = used_up(cal, intervals, share, open_last=False)
            reached = reached_at is not None
            if reached_at is None:
                if not clock.running:
                    continue
                # the next threshold a running clock will reach, then no more
                reached_at = used_up(cal, intervals, share, open_last=True)
                assert reached_at is not None
            notify_at = reached_at
            if threshold.deliver_on is not None:
                notify_at = policy.calendar(threshold.deliver_on).next_open(reached_at)
            out.append(
                Alert(
                    clock=report.name,
                    kind=clock.kind,
                    cycle=clock.cycle,
                    threshold=threshold.name,
                    action=threshold.action,
                    recipient=threshold.recipient,
                    fraction=threshold.fraction,
                    target=clock.target.within,
                    reached_at=reached_at,
                    notify_at=notify_at,
                    reached=reached,
                    deferred=not _same(notify_at, reached_at),
                    policy_version=policy.version,
                )
            )
            if not reached:
                break
        return out


def oracle_evaluate(
    ticket: Ticket, at: datetime, policy: SlaPolicy | PolicyHistory
) -> Evaluation:
    """What the documentation says ``evaluate(ticket, at=at, policy=policy)`` returns."""
    events = [e for e in ticket.timeline if to_utc(e.at) <= to_utc(at)]
    if not events:
        return Evaluation(ticket_id=ticket.id, at=at, clocks=(), alerts=(), periods=())
    opened = events[0]
    assert isinstance(opened, ev.Opened)
    if isinstance(policy, SlaPolicy):
        changes: list[tuple[datetime, SlaPolicy]] = []
        first = policy
    else:
        first = policy.in_force(opened.at)
        changes = [
            (v.effective_from, v.policy)
            for v in policy.versions[1:]  # the first applies from the opening anyway
            if to_utc(opened.at) < to_utc(v.effective_from) <= to_utc(at)
        ]
    walk = Walk(opened, first)
    periods: list[tuple[datetime, SlaPolicy]] = [(opened.at, first)]
    walk.response = walk.start(ClockKind.RESPONSE, 1, opened.at)
    walk.resolution_cycles = 1
    walk.resolution = walk.start(ClockKind.RESOLUTION, 1, opened.at)
    walk.settle(opened.at)
    for event in events[1:]:
        # a version takes effect before the events of its own instant
        while changes and to_utc(changes[0][0]) <= to_utc(event.at):
            effective, version = changes.pop(0)
            walk.change_policy(version, effective)
            periods.append((effective, version))
        walk.apply(event)
    for effective, version in changes:
        walk.change_policy(version, effective)
        periods.append((effective, version))

    reports: list[ClockReport] = []
    alerts: list[Alert] = []
    reached: set[str] = set()  # thresholds earlier resolution cycles reached
    for clock in walk.clocks:
        carries = clock.kind is ClockKind.RESOLUTION
        found = walk.report(clock, at, reached if carries else set())
        if found is not None:
            reports.append(found[0])
            alerts.extend(found[1])
            if carries:
                reached |= {a.threshold for a in found[1] if a.reached}
    # Reading: alerts that share a notify_at instant come by clock name, then cycle
    alerts.sort(key=lambda a: (to_utc(a.notify_at), a.clock, a.cycle))
    return Evaluation(
        ticket_id=ticket.id,
        at=at,
        clocks=tuple(reports),
        alerts=tuple(alerts),
        periods=tuple(
            PolicyPeriod(
                start=start,
                end=periods[i + 1][0] if i + 1 < len(periods) else None,
                policy=p.name,
                version=p.version,
            )
            for i, (start, p) in enumerate(periods)
        ),
    )
