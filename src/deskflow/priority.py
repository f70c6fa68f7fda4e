"""Impact, urgency and the priority matrix that turns them into a priority.

*Impact* is how much of the business is affected; *urgency* is how soon it
hurts. A :class:`PriorityMatrix` maps each ``(impact, urgency)`` pair to a
:class:`Priority`. The ITIL-style 3×3 default ships as
:data:`DEFAULT_MATRIX`; any matrix from 1×1 to 5×5 over the levels below can
be built or loaded as data.

>>> DEFAULT_MATRIX.priority_for(Impact.HIGH, Urgency.HIGH)
<Priority.CRITICAL: 'p1'>
>>> DEFAULT_MATRIX.priority_for(Impact.LOW, Urgency.MEDIUM)
<Priority.LOW: 'p4'>
"""

from __future__ import annotations

import enum

import attrs

from deskflow._validators import instance_of, to_tuple
from deskflow.errors import ValidationError

__all__ = [
    "DEFAULT_MATRIX",
    "Impact",
    "MatrixCell",
    "Priority",
    "PriorityMatrix",
    "Urgency",
]


class Impact(enum.Enum):
    """How widely a service is affected, from one user up to the whole business.

    >>> Impact("high")
    <Impact.HIGH: 'high'>
    """

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    MINIMAL = "minimal"

    @property
    def rank(self) -> int:
        """1 for the most severe level.

        >>> Impact.CRITICAL.rank
        1
        """
        return _LEVEL_RANK[self.value]


class Urgency(enum.Enum):
    """How soon the effect becomes serious.

    >>> Urgency.HIGH.rank < Urgency.LOW.rank
    True
    """

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    MINIMAL = "minimal"

    @property
    def rank(self) -> int:
        """1 for the most urgent level.

        >>> Urgency.MEDIUM.rank
        3
        """
        return _LEVEL_RANK[self.value]


_LEVEL_RANK = {"critical": 1, "high": 2, "medium": 3, "low": 4, "minimal": 5}


class Priority(enum.Enum):
    """The resulting priority, P1 (critical) to P5 (planning).

    >>> Priority.CRITICAL.label, Priority("p3").rank
    ('P1', 3)
    """

    CRITICAL = "p1"
    HIGH = "p2"
    MEDIUM = "p3"
    LOW = "p4"
    PLANNING = "p5"

    @property
    def rank(self) -> int:
        """1 for P1.

        >>> Priority.PLANNING.rank
        5
        """
        return int(self.value[1:])

    @property
    def label(self) -> str:
        """``'P1'`` … ``'P5'``, as said on the phone.

        >>> Priority.HIGH.label
        'P2'
        """
        return self.value.upper()


@attrs.frozen(kw_only=True)
class MatrixCell:
    """One cell of a priority matrix.

    >>> MatrixCell(impact=Impact.LOW, urgency=Urgency.LOW, priority=Priority.PLANNING)
    MatrixCell(impact=<Impact.LOW: 'low'>, urgency=<Urgency.LOW: 'low'>, priority=<Priority.PLANNING: 'p5'>)
    """

    impact: Impact = attrs.field(validator=instance_of(Impact))
    urgency: Urgency = attrs.field(validator=instance_of(Urgency))
    priority: Priority = attrs.field(validator=instance_of(Priority))


def _check_cells(
    instance: PriorityMatrix, attribute: object, cells: tuple[MatrixCell, ...]
) -> None:
    if not isinstance(cells, tuple) or not cells:
        raise ValidationError("a matrix needs at least one cell", path="cells")
    seen: dict[tuple[Impact, Urgency], int] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, MatrixCell):
            raise ValidationError("expected a MatrixCell", path=f"cells[{index}]")
        key = (cell.impact, cell.urgency)
        if key in seen:
            raise ValidationError(
                f"duplicate cell for impact={cell.impact.value}, "
                f"urgency={cell.urgency.value} (also cells[{seen[key]}])",
                path=f"cells[{index}]",
            )
        seen[key] = index
    impacts = {c.impact for c in cells}
    urgencies = {c.urgency for c in cells}
    missing = [
        f"{i.value}/{u.value}"
        for i in sorted(impacts, key=lambda x: x.rank)
        for u in sorted(urgencies, key=lambda x: x.rank)
        if (i, u) not in seen
    ]
    if missing:
        raise ValidationError(
            "the matrix must cover every impact × urgency pair it uses; missing "
            + ", ".join(missing),
            path="cells",
        )


@attrs.frozen(kw_only=True)
class PriorityMatrix:
    """Impact × urgency → priority, as data.

    Every pair of the impacts and urgencies the matrix mentions must have a
    cell; asking for a level the matrix does not use is a clear error.

    >>> m = PriorityMatrix.from_rows(
    ...     impacts=(Impact.HIGH, Impact.LOW),
    ...     urgencies=(Urgency.HIGH, Urgency.LOW),
    ...     rows=(("p1", "p2"), ("p3", "p4")),
    ... )
    >>> m.priority_for(Impact.LOW, Urgency.HIGH)
    <Priority.MEDIUM: 'p3'>
    """

    cells: tuple[MatrixCell, ...] = attrs.field(
        converter=to_tuple, validator=_check_cells
    )
    _lookup: dict[tuple[Impact, Urgency], Priority] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "_lookup", {(c.impact, c.urgency): c.priority for c in self.cells}
        )

    @classmethod
    def from_rows(
        cls,
        *,
        impacts: tuple[Impact, ...],
        urgencies: tuple[Urgency, ...],
        rows: tuple[tuple[str | Priority, ...], ...],
    ) -> PriorityMatrix:
        """Build a matrix from a table: one row per impact, one column per urgency.

        >>> PriorityMatrix.from_rows(impacts=(Impact.HIGH,), urgencies=(Urgency.HIGH,),
        ...     rows=(("p2",),)).priority_for(Impact.HIGH, Urgency.HIGH).label
        'P2'
        """
        if len(rows) != len(impacts):
            raise ValidationError(
                f"{len(rows)} rows for {len(impacts)} impacts", path="rows"
            )
        cells = []
        for r, (impact, row) in enumerate(zip(impacts, rows, strict=True)):
            if len(row) != len(urgencies):
                raise ValidationError(
                    f"{len(row)} columns for {len(urgencies)} urgencies",
                    path=f"rows[{r}]",
                )
            for urgency, value in zip(urgencies, row, strict=True):
                priority = value if isinstance(value, Priority) else _priority(value, r)
                cells.append(
                    MatrixCell(impact=impact, urgency=urgency, priority=priority)
                )
        return cls(cells=tuple(cells))

    @property
    def impacts(self) -> tuple[Impact, ...]:
        """The impact levels this matrix uses, most severe first.

        >>> [i.value for i in DEFAULT_MATRIX.impacts]
        ['high', 'medium', 'low']
        """
        return tuple(sorted({c.impact for c in self.cells}, key=lambda x: x.rank))

    @property
    def urgencies(self) -> tuple[Urgency, ...]:
        """The urgency levels this matrix uses, most urgent first.

        >>> len(DEFAULT_MATRIX.urgencies)
        3
        """
        return tuple(sorted({c.urgency for c in self.cells}, key=lambda x: x.rank))

    def priority_for(self, impact: Impact, urgency: Urgency) -> Priority:
        """Look up the priority of ``(impact, urgency)``.

        >>> DEFAULT_MATRIX.priority_for(Impact.MEDIUM, Urgency.HIGH).label
        'P2'
        >>> DEFAULT_MATRIX.priority_for(Impact.CRITICAL, Urgency.HIGH)
        Traceback (most recent call last):
        ...
        deskflow.errors.ValidationError: impact: this matrix has no impact level 'critical' (it uses: high, medium, low)
        """
        try:
            return self._lookup[(impact, urgency)]
        except KeyError:
            for value, kind, path in (
                (impact, Impact, "impact"),
                (urgency, Urgency, "urgency"),
            ):
                if not isinstance(value, kind):
                    raise ValidationError(
                        f"expected an {kind.__name__}, got {type(value).__name__}",
                        path=path,
                    ) from None
            if impact not in {c.impact for c in self.cells}:
                levels = ", ".join(i.value for i in self.impacts)
                raise ValidationError(
                    f"this matrix has no impact level {getattr(impact, 'value', impact)!r} (it uses: {levels})",
                    path="impact",
                ) from None
            levels = ", ".join(u.value for u in self.urgencies)
            raise ValidationError(
                f"this matrix has no urgency level {getattr(urgency, 'value', urgency)!r} (it uses: {levels})",
                path="urgency",
            ) from None


def _priority(value: str, row: int) -> Priority:
    try:
        return Priority(value.lower())
    except (ValueError, AttributeError):
        raise ValidationError(
            f"unknown priority {value!r}; use p1..p5", path=f"rows[{row}]"
        ) from None


DEFAULT_MATRIX = PriorityMatrix.from_rows(
    impacts=(Impact.HIGH, Impact.MEDIUM, Impact.LOW),
    urgencies=(Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW),
    rows=(
        ("p1", "p2", "p3"),
        ("p2", "p3", "p4"),
        ("p3", "p4", "p5"),
    ),
)
"""The ITIL-style 3×3 matrix: P1 for high impact and high urgency, P5 for low/low."""
