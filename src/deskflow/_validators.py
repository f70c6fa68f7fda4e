"""Small attrs validators shared by the models (not public API)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import attrs

from deskflow.clock import ensure_aware
from deskflow.errors import ValidationError


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse an empty or blank string."""
    if not isinstance(value, str):
        raise ValidationError(
            f"expected a string, got {type(value).__name__}", path=attribute.name
        )
    if not value.strip():
        raise ValidationError("must not be empty", path=attribute.name)


def aware(instance: Any, attribute: attrs.Attribute[Any], value: datetime) -> None:
    """Refuse a naive datetime."""
    ensure_aware(value, attribute.name)


def optional_aware(
    instance: Any, attribute: attrs.Attribute[Any], value: datetime | None
) -> None:
    """Refuse a naive datetime, accept ``None``."""
    if value is not None:
        ensure_aware(value, attribute.name)


def tuple_of(item_type: type | tuple[type, ...]) -> Any:
    """A validator for a tuple whose items are all of ``item_type``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"expected a tuple, got {type(value).__name__}", path=attribute.name
            )
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                raise ValidationError(
                    f"expected {_names(item_type)}, got {type(item).__name__}",
                    path=f"{attribute.name}[{index}]",
                )

    return check


def instance_of(kind: type | tuple[type, ...]) -> Any:
    """Like ``attrs.validators.instance_of`` but raising ValidationError."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"expected {_names(kind)}, got {type(value).__name__}",
                path=attribute.name,
            )

    return check


def optional_instance_of(kind: type | tuple[type, ...]) -> Any:
    """Like :func:`instance_of` but also accepting ``None``."""
    inner = instance_of(kind)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def _names(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def to_tuple(value: Any) -> Any:
    """Converter: turn a list into a tuple, leave anything else alone."""
    return tuple(value) if isinstance(value, list) else value


def text_items(value: Any, path: str) -> tuple[str, ...]:
    """A tuple of strings from an iterable of strings; a bare string is refused.

    A string is iterable, so without this check "call back" would become one
    item per character.
    """
    if isinstance(value, (str, bytes)):
        raise ValidationError(
            "expected a collection of strings, got a single string "
            "(wrap it in a tuple)",
            path=path,
        )
    try:
        items = tuple(value)
    except TypeError:
        raise ValidationError(
            f"expected a collection of strings, got {type(value).__name__}", path=path
        ) from None
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ValidationError(
                f"expected a string, got {type(item).__name__}",
                path=f"{path}[{index}]",
            )
    return items


def check_fraction(value: Any, path: str) -> None:
    """Refuse anything but a finite positive number (a fraction of a target)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValidationError(
            f"must be a positive number (a fraction of the target), got {value!r}",
            path=path,
        )
