"""Small attrs validators shared by the models (not public API)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import attrs

from deskflow.clock import ensure_aware
from deskflow.errors import ValidationError


def check_text(value: str, path: str) -> None:
    """Refuse a string that cannot be written as UTF-8 (a lone surrogate).

    Such a string is valid Python but not valid Unicode text: JSON files,
    SQLite and most other stores refuse it, so it is refused when the value
    is built rather than when it is saved. ASCII text (most text) costs one
    flag check; other text one ``str.encode``.

    >>> check_text("réseau", "summary")
    >>> check_text("P\\ud800", "summary")
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: summary: not valid Unicode text: lone surrogate '\\ud800' at index 1 (text must be encodable as UTF-8)
    """
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(
                f"not valid Unicode text: lone surrogate {value[exc.start]!r} at "
                f"index {exc.start} (text must be encodable as UTF-8)",
                path=path,
            ) from None


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse anything but a non-blank string of valid Unicode text."""
    if not isinstance(value, str):
        raise ValidationError(
            f"expected a string, got {type(value).__name__}", path=attribute.name
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            check_text(value, attribute.name)
    if not value.strip():
        raise ValidationError("must not be empty", path=attribute.name)


def is_text(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse anything but a string of valid Unicode text (empty is fine)."""
    if not isinstance(value, str):
        raise ValidationError(
            f"expected a string, got {type(value).__name__}", path=attribute.name
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            check_text(value, attribute.name)


def optional_text(
    instance: Any, attribute: attrs.Attribute[Any], value: str | None
) -> None:
    """Like :func:`is_text`, also accepting ``None``."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ValidationError(
            f"expected a string or None, got {type(value).__name__}",
            path=attribute.name,
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            check_text(value, attribute.name)


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
    """A validator for a tuple whose items are all of ``item_type``.

    String items must also be valid Unicode text (see :func:`check_text`).
    """
    texts = item_type is str or (isinstance(item_type, tuple) and str in item_type)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"expected a tuple, got {type(value).__name__}", path=attribute.name
            )
        if not value:  # most are empty: no loop for those
            return
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                raise ValidationError(
                    f"expected {_names(item_type)}, got {type(item).__name__}",
                    path=f"{attribute.name}[{index}]",
                )
            if texts and isinstance(item, str) and not item.isascii():
                check_text(item, f"{attribute.name}[{index}]")

    return check


def instance_of(kind: type | tuple[type, ...]) -> Any:
    """Like ``attrs.validators.instance_of`` but raising ValidationError.

    ``instance_of(str)`` is :func:`is_text`: a string must also be valid text.
    """
    if kind is str:
        return is_text
    texts = isinstance(kind, tuple) and str in kind

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"expected {_names(kind)}, got {type(value).__name__}",
                path=attribute.name,
            )
        if texts and isinstance(value, str) and not value.isascii():
            check_text(value, attribute.name)

    return check


def optional_instance_of(kind: type | tuple[type, ...]) -> Any:
    """Like :func:`instance_of` but also accepting ``None``."""
    if kind is str:
        return optional_text
    texts = isinstance(kind, tuple) and str in kind

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, kind):
            raise ValidationError(
                f"expected {_names(kind)} or None, got {type(value).__name__}",
                path=attribute.name,
            )
        if texts and isinstance(value, str) and not value.isascii():
            check_text(value, attribute.name)

    return check


def optional_int(
    instance: Any, attribute: attrs.Attribute[Any], value: int | None
) -> None:
    """Accept ``None`` or an ``int`` (not a ``bool``, which a document reads as true/false)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(
            f"expected an integer or None, got {type(value).__name__}",
            path=attribute.name,
        )


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
        if not item.isascii():
            check_text(item, f"{path}[{index}]")
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
