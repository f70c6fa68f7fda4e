"""Turning deskflow values into JSON-ready data and back, losslessly.

One configured ``cattrs`` converter handles every model and policy: tickets
(tagged by ``kind``), timeline events (tagged by ``type``), lifecycles and
their guards, calendars and SLA policies. The converter is yours:
:func:`make_converter` returns a fresh one, :func:`configure_converter` adds
deskflow's hooks to a converter you already own. There is no global
configuration; the module-level :func:`to_dict`, :func:`from_dict`,
:func:`dumps` and :func:`loads` use a private default converter.

Formats: aware datetimes as ISO 8601 with offset (a datetime in a
``zoneinfo`` zone also names its zone, RFC 9557 style:
``2026-10-25T02:30:00+02:00[Europe/Brussels]``, so a wall time in a repeated
DST hour comes back equal; a naive datetime is refused with
:class:`~deskflow.errors.NaiveDatetimeError`, on writing as on reading),
dates as ``YYYY-MM-DD``,
times as ``HH:MM[:SS]``, durations as ISO 8601 (``PT1H30M``), enums by value,
tuples and frozensets as lists. Top-level documents carry
``"deskflow_schema": 1`` so stored documents can be migrated later.

Malformed input raises :class:`~deskflow.errors.ValidationError` naming the
path of every bad field.

>>> from deskflow import Customer
>>> data = to_dict(Customer(id="c-1", name="Alice"))
>>> data["deskflow_schema"], data["name"]
(1, 'Alice')
>>> from_dict({"id": "c-1"}, Customer)
Traceback (most recent call last):
...
deskflow.errors.ValidationError: $.name: required field missing
"""

from __future__ import annotations

import collections.abc
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, TypeVar, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.strategies import configure_tagged_union, include_subclasses

from deskflow.clock import is_aware
from deskflow.errors import NaiveDatetimeError, SchemaVersionError, ValidationError
from deskflow.tickets.events import EVENT_TYPES, Event
from deskflow.tickets.lifecycle import GUARD_TYPES, Guard
from deskflow.tickets.model import Ticket

__all__ = [
    "SCHEMA_KEY",
    "SCHEMA_VERSION",
    "configure_converter",
    "dumps",
    "format_duration",
    "from_dict",
    "loads",
    "make_converter",
    "parse_duration",
    "to_dict",
]

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The schema version written into every top-level document."""

SCHEMA_KEY = "deskflow_schema"
"""The key that carries the schema version."""

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)(?:\.(?P<fraction>\d{1,6}))?S)?)?$"
)


def format_duration(value: timedelta) -> str:
    """An exact ISO 8601 duration (days, hours, minutes, seconds).

    >>> format_duration(timedelta(days=1, hours=2, minutes=30)), format_duration(timedelta(0))
    ('P1DT2H30M', 'PT0S')
    >>> format_duration(-timedelta(seconds=1.5))
    '-PT1.5S'
    """
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, rest = divmod(micros, 86_400 * 1_000_000)
    hours, rest = divmod(rest, 3_600 * 1_000_000)
    minutes, rest = divmod(rest, 60 * 1_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    out = f"{sign}P{days}D" if days else f"{sign}P"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or fraction:
        clock += (
            f"{seconds}.{fraction:06d}".rstrip("0") + "S" if fraction else f"{seconds}S"
        )
    if clock:
        out += "T" + clock
    elif not days:
        out += "T0S"
    return out


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration of weeks, days, hours, minutes and seconds.

    Years and months are refused: they have no fixed length. Text that is
    not such a duration, or one longer than :class:`~datetime.timedelta`
    holds, raises :class:`~deskflow.errors.ValidationError`.

    >>> parse_duration("PT1H30M"), parse_duration("-P1DT0.5S")
    (datetime.timedelta(seconds=5400), datetime.timedelta(days=-2, seconds=86399, microseconds=500000))
    """
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or text in ("P", "-P") or text.endswith("T"):
        raise ValidationError(
            f"not an ISO 8601 duration of weeks/days/hours/minutes/seconds: {text!r} (e.g. 'PT4H')"
        )
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")
    try:
        value = timedelta(
            weeks=int(parts["weeks"] or 0),
            days=int(parts["days"] or 0),
            hours=int(parts["hours"] or 0),
            minutes=int(parts["minutes"] or 0),
            seconds=int(parts["seconds"] or 0),
            microseconds=int(fraction or 0),
        )
    except OverflowError:
        raise ValidationError(
            f"duration {text!r} out of range: at most 999999999 days either way"
        ) from None
    return -value if parts["sign"] else value


def _unstructure_datetime(value: datetime) -> str:
    zone = value.tzinfo
    if zone is None or (type(zone) is not ZoneInfo and zone.utcoffset(value) is None):
        # refused on writing as on reading: nothing is written that cannot be read
        raise NaiveDatetimeError(f"naive datetime {value!r}; give it a UTC offset")
    text = value.isoformat()
    if type(zone) is ZoneInfo and zone.key:
        # The offset alone loses the zone: a wall time in a repeated DST hour
        # would then never compare equal to the value it was written from.
        return f"{text}[{zone.key}]"
    return text


def _structure_datetime(value: Any, _: type) -> datetime:
    zone: ZoneInfo | None = None
    if isinstance(value, str) and value.endswith("]") and "[" in value:
        value, _sep, name = value[:-1].partition("[")
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} in datetime") from None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            from dateutil.parser import isoparse

            try:
                result = isoparse(value)
            except (ValueError, OverflowError):
                raise ValueError(f"not an ISO 8601 datetime: {value!r}") from None
    else:
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    if not is_aware(result):
        raise NaiveDatetimeError(f"naive datetime {value!r}; include a UTC offset")
    return result.astimezone(zone) if zone is not None else result


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected a 'YYYY-MM-DD' string, got {type(value).__name__}")
    return date.fromisoformat(value)


def _structure_time(value: Any, _: type) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an 'HH:MM' string, got {type(value).__name__}")
    return time.fromisoformat(value)


def _structure_timedelta(value: Any, _: type) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _event_tag(cls: Any) -> str:
    return str(cls.type)


def _tag(cls: type) -> str:
    kind = getattr(cls, "kind", None)
    return str(kind.value) if kind is not None else "ticket"


def configure_converter(
    converter: cattrs.Converter, *, guards: Iterable[type[Any]] = ()
) -> cattrs.Converter:
    """Add deskflow's hooks to ``converter`` and return it.

    ``guards`` registers a host's own lifecycle guard classes (each with a
    unique ``tag``) so lifecycles using them round-trip.

    >>> conv = configure_converter(cattrs.Converter())
    >>> conv.unstructure(timedelta(hours=4))
    'PT4H'
    """
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(time, lambda t: t.isoformat("auto"))
    converter.register_structure_hook(time, _structure_time)
    converter.register_unstructure_hook(timedelta, format_duration)
    converter.register_structure_hook(timedelta, _structure_timedelta)
    # Strict scalars: "1" is not an int and 0 is not a bool in a stored document.
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(int, _structure_int)

    registry: dict[str, type[Any]] = dict(GUARD_TYPES)
    for cls in guards:
        tag = getattr(cls, "tag", None)
        if not isinstance(tag, str) or not tag:
            raise ValidationError(
                f"guard class {cls.__name__} needs a string 'tag'", path="guards"
            )
        if tag in registry and registry[tag] is not cls:
            raise ValidationError(f"guard tag {tag!r} is already taken", path="guards")
        registry[tag] = cls

    def unstructure_guard(guard: Any) -> dict[str, Any]:
        data = converter.unstructure(guard, unstructure_as=type(guard))
        return {"type": guard.tag, **data}

    def structure_guard(data: Any, _: type) -> Any:
        if not isinstance(data, dict) or "type" not in data:
            raise ValueError("a guard is an object with a 'type'")
        cls = registry.get(data["type"])
        if cls is None:
            raise ValueError(
                f"unknown guard type {data['type']!r}; known: {', '.join(sorted(registry))}"
            )
        return converter.structure({k: v for k, v in data.items() if k != "type"}, cls)

    converter.register_unstructure_hook_func(lambda t: t is Guard, unstructure_guard)
    converter.register_structure_hook_func(lambda t: t is Guard, structure_guard)

    _configure_shapes(converter)
    configure_tagged_union(Event, converter, tag_generator=_event_tag, tag_name="type")
    _configure_event_tag_check(converter)
    include_subclasses(
        Ticket,
        converter,
        union_strategy=partial(
            configure_tagged_union, tag_generator=_tag, tag_name="kind"
        ),
    )
    _configure_ticket_tag_check(converter)
    for hook in _module_hooks():
        hook(converter)
    return converter


def _is_homogenous_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_set(t: Any) -> bool:
    return (get_origin(t) or t) in (frozenset, set, collections.abc.Set)


def _configure_shapes(converter: cattrs.Converter) -> None:
    """Refuse the wrong JSON shape up front, and write sets as sorted lists.

    Without the checks a string given for a list is iterated character by
    character and ``None`` given for an object fails deep inside cattrs with
    a message about ``.keys()``; with them the error names what was expected.
    """

    def tuple_factory(t: Any) -> Callable[[Any, Any], Any]:
        inner = homogenous_tuple_structure_factory(t, converter)

        def structure_tuple(value: Any, cls: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"expected a list, got {_json_type(value)}")
            return inner(value, cls)

        return structure_tuple

    def set_structure_factory(t: Any) -> Callable[[Any, Any], Any]:
        args = get_args(t)
        items = converter.get_structure_hook(tuple[args[0] if args else Any, ...])  # type: ignore[misc]
        make = set if (get_origin(t) or t) is set else frozenset

        def structure_set(value: Any, cls: Any) -> Any:
            return make(items(value, cls))

        return structure_set

    def set_unstructure_factory(t: Any) -> Callable[[Any], Any]:
        args = get_args(t)
        item = (
            converter.get_unstructure_hook(args[0]) if args else converter.unstructure
        )

        def unstructure_set(value: Any) -> list[Any]:
            out = [item(v) for v in value]
            try:  # a stable order, so equal values give equal documents
                return sorted(out)
            except TypeError:
                return sorted(out, key=lambda v: json.dumps(v, sort_keys=True))

        return unstructure_set

    def attrs_factory(cls: Any) -> Callable[[Any, Any], Any]:
        inner = converter.gen_structure_attrs_fromdict(cls)

        def structure_object(value: Any, target: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"expected an object, got {_json_type(value)}")
            return inner(value, target)

        return structure_object

    converter.register_structure_hook_factory(_is_homogenous_tuple, tuple_factory)
    converter.register_structure_hook_factory(_is_set, set_structure_factory)
    converter.register_unstructure_hook_factory(_is_set, set_unstructure_factory)
    converter.register_structure_hook_factory(attrs.has, attrs_factory)


def _configure_event_tag_check(converter: cattrs.Converter) -> None:
    """Name a missing or unknown event ``type`` instead of a bare KeyError."""
    hooks: dict[str, Callable[[Any, Any], Any]] = {}

    def structure_event(value: Any, _: Any) -> Any:
        _check_tag(value, "type", EVENT_TYPES, "event type")
        cls = EVENT_TYPES[value["type"]]
        hook = hooks.get(cls.type)
        if hook is None:  # resolved on first use, after every hook is registered
            hook = hooks[cls.type] = converter.get_structure_hook(cls)
        return hook({k: v for k, v in value.items() if k != "type"}, cls)

    converter.register_structure_hook_func(lambda t: t == Event, structure_event)


def _configure_ticket_tag_check(converter: cattrs.Converter) -> None:
    """Name a missing or unknown ticket ``kind`` instead of a bare KeyError."""
    tagged = converter.get_structure_hook(Ticket)
    kinds = {cls.kind.value for cls in Ticket.__subclasses__() if cls.kind is not None}

    def structure_ticket(value: Any, cls: Any) -> Any:
        _check_tag(value, "kind", kinds, "ticket kind")
        return tagged(value, cls)

    converter.register_structure_hook_func(lambda t: t is Ticket, structure_ticket)


def _check_tag(value: Any, key: str, known: Iterable[str], what: str) -> None:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {_json_type(value)}")
    if key not in value:
        raise ValidationError(f"missing the {what} tag", path=key)
    if value[key] not in known:
        raise ValidationError(
            f"unknown {what} {value[key]!r}; known: {', '.join(sorted(known))}",
            path=key,
        )


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _module_hooks() -> list[Callable[[cattrs.Converter], None]]:
    """Hooks contributed by topic modules that need more than the defaults."""
    hooks: list[Callable[[cattrs.Converter], None]] = []
    from deskflow.scripts import _configure_converter as _scripts_hooks
    from deskflow.tiers import _configure_converter as _tiers_hooks

    hooks.append(_scripts_hooks)
    hooks.append(_tiers_hooks)
    return hooks


def make_converter(*, guards: Iterable[type[Any]] = ()) -> cattrs.Converter:
    """A fresh converter configured for every deskflow model and policy.

    >>> conv = make_converter()
    >>> conv.structure("PT15M", timedelta)
    datetime.timedelta(seconds=900)
    """
    return configure_converter(cattrs.Converter(forbid_extra_keys=True), guards=guards)


_DEFAULT: list[cattrs.Converter] = []


def _default_converter() -> cattrs.Converter:
    # Built on first use, so ``import deskflow`` stays light and topic modules
    # with hooks (scripts, tiers, ...) load only when something is serialized.
    if not _DEFAULT:
        _DEFAULT.append(make_converter())
    return _DEFAULT[0]


def _translate(exc: Exception) -> ValidationError:
    """One ValidationError listing every ``(path, message)`` found in ``exc``."""
    errors = list(_walk(exc, "$"))
    if len(errors) == 1:
        path, message = errors[0]
        # Keep the specific class (NaiveDatetimeError, LifecycleDefinitionError).
        leaves = list(_leaf_exceptions(exc))
        if len(leaves) == 1 and isinstance(leaves[0], ValidationError):
            try:
                return type(leaves[0])(message, path=path)
            except TypeError:  # a subclass with another signature
                pass
        return ValidationError(message, path=path)
    return ValidationError(
        "; ".join(m for _, m in errors), path=errors[0][0], errors=errors
    )


def _leaf_exceptions(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        for sub in exc.exceptions:
            yield from _leaf_exceptions(sub)
    else:
        yield exc


def _join(path: str, sub: str) -> str:
    if not sub or sub == "$":
        return path
    if sub.startswith("$"):
        sub = sub[1:]
    return f"{path}{sub}" if sub.startswith(("[", ".")) else f"{path}.{sub}"


def _walk(exc: BaseException, path: str) -> Iterator[tuple[str, str]]:
    """Every leaf failure in a cattrs error tree, with its full field path."""
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step = (
                f"[{note.index!r}]"
                if isinstance(note, IterableValidationNote)
                else f".{note.name}"
            )
            yield from _walk_leaf(sub, path + step, note.type)
        for sub in without:
            yield from _walk_leaf(sub, path, None)
    else:
        yield from _walk_leaf(exc, path, None)


def _walk_leaf(
    exc: BaseException, path: str, type_: type | None
) -> Iterator[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        yield from _walk(exc, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield _join(path, key), "unknown field"
    elif isinstance(exc, ValidationError):
        for sub_path, message in exc.errors:
            yield _join(path, sub_path), message
    else:
        yield path, _format_exception(exc, type_)


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if (
        isinstance(exc, ValueError)
        and type_ is not None
        and hasattr(type_, "__members__")
    ):
        values = ", ".join(repr(m.value) for m in type_)  # type: ignore[attr-defined]
        return f"not a valid {type_.__name__}: expected one of {values}"
    if isinstance(exc, (TypeError, ValueError, AttributeError)):
        return str(exc) or type(exc).__name__
    return cattrs.v.format_exception(exc, type_)


def to_dict(value: Any, *, converter: cattrs.Converter | None = None) -> dict[str, Any]:
    """JSON-ready data for a deskflow value, with the schema version.

    >>> from deskflow import Asset
    >>> to_dict(Asset(serial="SN1"))["serial"]
    'SN1'
    """
    conv = converter or _default_converter()
    data = conv.unstructure(
        value, unstructure_as=Ticket if isinstance(value, Ticket) else type(value)
    )
    if not isinstance(data, dict):
        raise ValidationError(
            f"{type(value).__name__} is not a document type", path="$"
        )
    return {SCHEMA_KEY: SCHEMA_VERSION, **data}


def from_dict(
    data: Any, cls: type[T], *, converter: cattrs.Converter | None = None
) -> T:
    """Build a ``cls`` from data made by :func:`to_dict` (or written by hand).

    The schema key is optional (absent means the current version); a newer
    schema than this code knows is refused.

    >>> from deskflow import Asset
    >>> from_dict({"serial": "SN1", "deskflow_schema": 1}, Asset)
    Asset(serial='SN1', model=None, owner=None, location=None, tag=None)
    >>> from_dict({"serial": "SN1", "deskflow_schema": 7}, Asset)
    Traceback (most recent call last):
    ...
    deskflow.errors.SchemaVersionError: deskflow_schema: document schema 7 is newer than this deskflow (1); upgrade deskflow
    """
    if not isinstance(data, dict):
        raise ValidationError(
            f"expected an object, got {type(data).__name__}", path="$"
        )
    if SCHEMA_KEY in data:
        version = data[SCHEMA_KEY]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise SchemaVersionError(
                f"not a schema version: {version!r}", path=SCHEMA_KEY
            )
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"document schema {version} is newer than this deskflow ({SCHEMA_VERSION}); upgrade deskflow",
                path=SCHEMA_KEY,
            )
        data = {k: v for k, v in data.items() if k != SCHEMA_KEY}
    conv = converter or _default_converter()
    # Tickets are tagged by kind: structure through the base, then check the kind.
    target: Any = Ticket if isinstance(cls, type) and issubclass(cls, Ticket) else cls
    wanted = getattr(cls, "kind", None) if target is Ticket else None
    if wanted is not None and data.get("kind", wanted.value) != wanted.value:
        raise ValidationError(
            f"expected a document of kind {wanted.value!r} ({cls.__name__}), "
            f"got kind {data['kind']!r}",
            path="$.kind",
        )
    try:
        result = conv.structure(data, target)
    except Exception as exc:  # every failure becomes one ValidationError with paths
        raise _translate(exc) from exc
    if target is not cls and not isinstance(result, cls):
        raise ValidationError(
            f"expected a {cls.__name__}, the document holds a {type(result).__name__}",
            path="$.kind",
        )
    return result  # type: ignore[no-any-return]


def dumps(
    value: Any, *, converter: cattrs.Converter | None = None, indent: int | None = None
) -> str:
    """Serialize a deskflow value to a JSON string.

    >>> from deskflow import Asset
    >>> dumps(Asset(serial="SN1"))
    '{"deskflow_schema": 1, "serial": "SN1", "model": null, "owner": null, "location": null, "tag": null}'
    """
    return json.dumps(
        to_dict(value, converter=converter), ensure_ascii=False, indent=indent
    )


def loads(
    text: str | bytes, cls: type[T], *, converter: cattrs.Converter | None = None
) -> T:
    """Parse a JSON string made by :func:`dumps` into a ``cls``.

    >>> from deskflow import Asset
    >>> loads('{"serial": "SN1"}', Asset).serial
    'SN1'
    >>> loads('{"serial": ', Asset)
    Traceback (most recent call last):
    ...
    deskflow.errors.ValidationError: $: not valid JSON: Expecting value (line 1 column 12)
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValidationError("not valid JSON: nested too deeply", path="$") from None
    except (ValueError, TypeError) as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        where = (
            f" (line {exc.lineno} column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise ValidationError(f"not valid JSON: {message}{where}", path="$") from exc
    return from_dict(data, cls, converter=converter)
