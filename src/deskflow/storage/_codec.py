"""Event rows of the SQLite store as JSON text, fast (not public API).

:class:`~deskflow.storage.sqlite.SQLiteStore` keeps each timeline event as
the JSON the package converter makes of it: the class's fields in order,
then its ``type`` tag. Going through ``cattrs`` and :mod:`json` costs most
of a save and of a read, so this module generates, for each event class
and each attrs class inside one, an encoder straight to JSON text and a
decoder from the parsed JSON, from the classes' attrs fields.

They are shortcuts, not a second format: an encoder returns exactly the
text the converter path would write, a decoder exactly the event the
converter would build (``tests/storage/test_sqlite_codec.py`` compares them
over every event type). Whenever a value is not of the type its field
declares, or a row is not exactly what the encoder writes (a missing or
extra key, a wrong type, a zone-named datetime), the shortcut gives up and
the store asks the converter, which has the last word: an odd value is
written as before, and a damaged row still fails with the converter's
message.

Only the store's default converter is mirrored: str, bool, int, enum,
tuple and attrs fields are handled here as that converter handles them,
and every other type goes through the converter's own hook for it. A store
given its own converter does not use this module.

>>> from datetime import datetime, timezone
>>> from deskflow.tickets.events import WorkStarted
>>> from deskflow.tickets.values import Status
>>> from deskflow.storage.sqlite import _default_converter
>>> encode, decode = event_codec(_default_converter())
>>> e = WorkStarted(at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), actor="a-1",
...                 status=Status.IN_PROGRESS)
>>> encode(e)
'{"at":"2026-03-02T09:00:00+00:00","actor":"a-1","status":"in_progress","type":"work_started"}'
>>> decode(encode(e)) == e
True
"""

from __future__ import annotations

import enum
import itertools
import json
import types
import typing
from collections.abc import Callable
from datetime import datetime, timezone
from json.encoder import encode_basestring
from typing import Any, Union

import attrs
import cattrs

from deskflow.tickets.events import EVENT_TYPES, EventBase

__all__ = ["GiveUp", "event_codec"]

Encoder = Callable[[Any], str]
Decoder = Callable[[Any], Any]


class GiveUp(Exception):
    """The shortcut does not handle this value: ask the converter."""


def _give_up() -> Any:
    raise GiveUp


def _optional_of(tp: Any) -> Any | None:
    """``X`` for ``X | None`` (``Optional[X]``), else ``None``."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _item_of(tp: Any) -> Any | None:
    """``X`` for ``tuple[X, ...]``, else ``None``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def _plain_enum(tp: Any) -> bool:
    # An enum whose value the converter writes and reads as is (no typed _value_).
    return (
        isinstance(tp, type)
        and issubclass(tp, enum.Enum)
        and "_value_" not in getattr(tp, "__annotations__", {})
    )


class _Generator:
    """Writes the encoder and decoder functions; one per converter."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self.conv = converter
        self.dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.ns: dict[str, Any] = {
            "_s": encode_basestring,
            "_dumps": self.dumps,
            "_give_up": _give_up,
            "_int": int.__repr__,
            "_tuple": tuple,
            "_list": list,
            "_dict": dict,
            "_str": str,
            "_int_t": int,
            "_datetime": datetime,
            "_timezone": timezone,
            "_fromisoformat": datetime.fromisoformat,
        }
        self.encoders: dict[tuple[type, str | None], str] = {}
        self.decoders: dict[tuple[type, str | None], str] = {}
        self.counter = itertools.count()

    def name(self, value: Any, hint: str) -> str:
        key = f"_{hint}{next(self.counter)}"
        self.ns[key] = value
        return key

    def compile(self, source: str, function: str) -> Any:
        exec(compile(source, f"<deskflow event codec {function}>", "exec"), self.ns)
        return self.ns[function]

    @staticmethod
    def supported(cls: type) -> bool:
        return attrs.has(cls) and all(
            a.init and a.alias == a.name and a.name.isidentifier()
            for a in attrs.fields(cls)
        )

    # -- encoding ------------------------------------------------------------

    def encode_expr(self, tp: Any, var: str) -> str:
        """An expression for the JSON text of ``var`` (a field declared ``tp``)."""
        inner = _optional_of(tp)
        if inner is not None:
            return f'("null" if {var} is None else {self.encode_expr(inner, var)})'
        if tp is str:
            return f"_s({var})"  # TypeError for a non-str: the converter decides
        if tp is bool:
            return f'("true" if {var} is True else "false" if {var} is False else _give_up())'
        if tp is int:
            return f"(_int({var}) if {var}.__class__ is _int_t else _give_up())"
        if _plain_enum(tp):
            # Keyed by member name: hashing a member runs Enum.__hash__ in Python.
            unstructure = self.conv.get_unstructure_hook(tp)
            table = {m.name: self.dumps(unstructure(m)) for m in tp}
            return (
                f"({self.name(table, 'enum')}[{var}._name_] "
                f"if {var}.__class__ is {self.name(tp, 'E')} else _give_up())"
            )
        item = _item_of(tp)
        if item is not None:
            return f"{self.tuple_encoder(item)}({var})"
        if isinstance(tp, type) and self.supported(tp):
            cls = self.name(tp, "C")
            return (
                f"({self.class_encoder(tp)}({var}) if {var}.__class__ is {cls} "
                "else _give_up())"
            )
        # Anything else (datetimes, times, sets, unions): the converter's own hook.
        hook = self.name(self.conv.get_unstructure_hook(tp), "hook")
        if tp is datetime:
            return f"_s({hook}({var}))"
        return f"_dumps({hook}({var}))"

    def tuple_encoder(self, item: Any) -> str:
        fn = f"_encode_tuple{next(self.counter)}"
        source = (
            f"def {fn}(v):\n"
            "    if v.__class__ is not _tuple:\n"
            "        _give_up()\n"
            "    if not v:\n"
            "        return '[]'\n"
            f"    return '[' + ','.join([{self.encode_expr(item, 'x')} for x in v]) + ']'\n"
        )
        self.compile(source, fn)
        return fn

    def class_encoder(self, cls: type, tag: str | None = None) -> str:
        if (cls, tag) in self.encoders:
            return self.encoders[cls, tag]
        fn = self.encoders[cls, tag] = f"_encode_{cls.__name__}{next(self.counter)}"
        hints = typing.get_type_hints(cls)
        parts: list[str] = []
        for i, a in enumerate(attrs.fields(cls)):
            key = ("{" if i == 0 else ",") + encode_basestring(a.name) + ":"
            parts.append(repr(key))
            parts.append(self.encode_expr(hints[a.name], f"o.{a.name}"))
        if tag is not None:
            parts.append(
                repr(("," if parts else "{") + '"type":' + self.dumps(tag) + "}")
            )
        else:
            parts.append(repr("}" if parts else "{}"))
        source = f"def {fn}(o):\n    return ''.join(({', '.join(parts)},))\n"
        self.compile(source, fn)
        return fn

    # -- decoding ------------------------------------------------------------

    def decode_expr(self, tp: Any, var: str) -> str:
        """An expression for the value of a field declared ``tp``, from JSON ``var``."""
        inner = _optional_of(tp)
        if inner is not None:
            return f"(None if {var} is None else {self.decode_expr(inner, var)})"
        if tp is str:
            return f"({var} if {var}.__class__ is _str else _give_up())"
        if tp is bool:
            return f"({var} if {var} is True or {var} is False else _give_up())"
        if tp is int:
            return f"({var} if {var}.__class__ is _int_t else _give_up())"
        if _plain_enum(tp):
            # What ``Enum(value)`` finds first; a KeyError or TypeError gives up.
            return f"{self.name(tp._value2member_map_, 'members')}[{var}]"
        if tp is datetime:
            # A plain ISO 8601 text with an offset is read here as the
            # converter reads it; a zone name ("...[Europe/Brussels]") or
            # anything else goes to the converter's hook.
            return (
                f"(_r if {var}.__class__ is _str and {var}[-1:] != ']' and "
                f"(_r := _fromisoformat({var})).tzinfo.__class__ is _timezone "
                f"else {self.name(self.conv.get_structure_hook(datetime), 'hook')}"
                f"({var}, _datetime))"
            )
        item = _item_of(tp)
        if item is not None:  # most lists are empty: no call for those
            return f"(() if {var} == [] else {self.tuple_decoder(item)}({var}))"
        if isinstance(tp, type) and self.supported(tp):
            return f"{self.class_decoder(tp)}({var})"
        hook = self.name(self.conv.get_structure_hook(tp), "hook")
        return f"{hook}({var}, {self.name(tp, 'T')})"

    def tuple_decoder(self, item: Any) -> str:
        fn = f"_decode_tuple{next(self.counter)}"
        source = (
            f"def {fn}(v):\n"
            "    if v.__class__ is not _list:\n"
            "        _give_up()\n"
            f"    return _tuple([{self.decode_expr(item, 'x')} for x in v])\n"
        )
        self.compile(source, fn)
        return fn

    def class_decoder(self, cls: type, tag: str | None = None) -> str:
        if (cls, tag) in self.decoders:
            return self.decoders[cls, tag]
        fn = self.decoders[cls, tag] = f"_decode_{cls.__name__}{next(self.counter)}"
        hints = typing.get_type_hints(cls)
        fields = attrs.fields(cls)
        # Exactly the keys the encoder writes: every field (and the tag).
        size = len(fields) + (tag is not None)
        lines = [
            f"def {fn}(d):",
            f"    if d.__class__ is not _dict or len(d) != {size}:",
            "        _give_up()",
        ]
        args = []
        for i, a in enumerate(fields):
            lines.append(f"    v{i} = d[{a.name!r}]")
            args.append(f"{a.name}={self.decode_expr(hints[a.name], f'v{i}')}")
        lines.append(f"    return {self.name(cls, 'C')}({', '.join(args)})")
        self.compile("\n".join(lines) + "\n", fn)
        return fn


def event_codec(
    converter: cattrs.Converter,
) -> tuple[Callable[[EventBase], str], Callable[[str], EventBase]]:
    """``(encode, decode)`` shortcuts for the event classes of ``EVENT_TYPES``.

    ``encode(event)`` is the event's JSON text with its ``type`` tag last;
    ``decode(text)`` builds the event from such a text.
    Both raise (:class:`GiveUp`, or whatever a value raised) when the value
    is not what they were built for: the caller then asks the converter.
    """
    gen = _Generator(converter)
    decoder: Any = json.JSONDecoder()  # its scanner is not in the type stubs
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once
    encoders: dict[type, Encoder] = {}
    decoders: dict[str, Decoder] = {}
    for tag, cls in EVENT_TYPES.items():
        if not gen.supported(cls) or any(a.name == "type" for a in attrs.fields(cls)):
            continue
        encoders[cls] = gen.ns[gen.class_encoder(cls, tag)]
        decoders[tag] = gen.ns[gen.class_decoder(cls, tag)]

    def encode(event: EventBase) -> str:
        return encoders[event.__class__](event)

    def decode(text: str) -> EventBase:
        # json.loads without its Python wrapper: the C scanner, which must
        # consume the whole text (rows are written without whitespace).
        data, end = scan(text, 0)
        if end != len(text):
            raise GiveUp
        return decoders[data["type"]](data)  # type: ignore[no-any-return]

    return encode, decode
