"""Frozen dataclasses to JSON and back, driven by their fields and type hints: how results are stored.

Generic on purpose: the readiness engine's result types grow new fields and outcomes, and the stored copy must
follow without anyone writing a serialiser by hand. What round-trips: nested (frozen) dataclasses, tuples,
lists, dicts (any hashable keys), Fractions, dates and datetimes, enums, None, bools, ints, floats and
strings. ``decode(cls, encode(value)) == value`` for every such value; ``shape(cls)`` is a hash of the field
names and hints of ``cls`` and everything it contains, so a stored copy made for another shape is never read.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from fractions import Fraction
from functools import cache

# Values JSON has no type for are tagged: {"$fraction": "1/3"}; dicts with keys other than strings are
# stored as {"$map": [[key, value], ...]}.
_TAGS = ("$fraction", "$datetime", "$date", "$map")


def encode(value):
    """A JSON-ready structure for ``value`` (a dataclass instance, container or scalar)."""
    if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, Fraction):
        return {"$fraction": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Mapping):
        if all(isinstance(key, str) for key in value) and not any(key in _TAGS for key in value):
            return {key: encode(item) for key, item in value.items()}
        return {"$map": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, (tuple, list, set, frozenset)):
        return [encode(item) for item in value]
    raise TypeError(f"cannot store a {type(value).__name__} value: {value!r}")


def dumps(value) -> str:
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(cls, text: str):
    return decode(cls, json.loads(text))


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _untagged(data):
    """A tagged scalar back to its value, or ``data`` unchanged."""
    if isinstance(data, dict) and len(data) == 1:
        (tag, text), = data.items()
        if tag == "$fraction":
            return Fraction(text)
        if tag == "$datetime":
            return datetime.fromisoformat(text)
        if tag == "$date":
            return date.fromisoformat(text)
    return data


def decode(hint, data):
    """The value of type ``hint`` that ``encode`` turned into ``data``."""
    if data is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _decode_union(args, data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{f.name: decode(hints[f.name], data[f.name])
                       for f in dataclasses.fields(hint) if f.init and f.name in data})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if origin in (tuple, list, set, frozenset) or hint in (tuple, list, set, frozenset):
        return _decode_sequence(origin or hint, args, data)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping) or hint in (dict, Mapping):
        key_hint, value_hint = args if len(args) == 2 else (typing.Any, typing.Any)
        pairs = data["$map"] if isinstance(data, dict) and set(data) == {"$map"} else data.items()
        return {decode(key_hint, key): decode(value_hint, value) for key, value in pairs}
    if hint is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    data = _untagged(data)
    if isinstance(data, list):  # no hint to go by (Any, object): the engine's sequences are tuples
        return tuple(decode(typing.Any, item) for item in data)
    return data


def _decode_union(args, data):
    options = [arg for arg in args if arg is not type(None)]
    if len(options) == 1:
        return decode(options[0], data)
    for option in options:  # int | str, float | None, A | B: the first option the data fits
        if isinstance(option, type) and dataclasses.is_dataclass(option):
            if isinstance(data, dict) and {f.name for f in dataclasses.fields(option) if f.init} >= set(data):
                return decode(option, data)
        elif isinstance(option, type) and not isinstance(data, (dict, list)) and isinstance(data, option):
            return data
    return decode(typing.Any, data)


def _decode_sequence(kind, args, data):
    if kind is tuple and len(args) == 2 and args[1] is Ellipsis:
        items = [decode(args[0], item) for item in data]
    elif kind is tuple and args and args != ((),):
        items = [decode(arg, item) for arg, item in zip(args, data)]
    else:
        items = [decode(args[0] if args else typing.Any, item) for item in data]
    return kind(items)


@cache
def shape(cls) -> str:
    """A short hash of the field names and type hints of ``cls`` and of every dataclass inside it."""
    seen: dict[str, str] = {}

    def walk(hint):
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            name = f"{hint.__module__}.{hint.__qualname__}"
            if name not in seen:
                hints = _hints(hint)
                seen[name] = ";".join(f"{f.name}:{hints[f.name]!r}" for f in dataclasses.fields(hint))
                for f in dataclasses.fields(hint):
                    walk(hints[f.name])
        for arg in typing.get_args(hint):
            walk(arg)

    walk(cls)
    text = "\n".join(f"{name}={fields}" for name, fields in sorted(seen.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
