"""Frozen dataclasses to JSON and back, driven by their fields and type hints: how results are stored.

Generic on purpose: the readiness engine's result types grow new fields and outcomes, and the stored copy must
follow without anyone writing a serialiser by hand. What round-trips: nested (frozen) dataclasses, tuples,
lists, dicts (any hashable keys), Fractions, dates and datetimes, enums, None, bools, ints, floats and
strings. ``loads(cls, dumps(value)) == value`` for every such value (an object used in several places is
stored once and comes back as one object); ``shape(cls)`` is a hash of the field
names and hints of ``cls`` and everything it contains, so a stored copy made for another shape is never read.
"""

from __future__ import annotations

import contextvars
import dataclasses
import enum
import hashlib
import json
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from fractions import Fraction
from functools import cache

# Values JSON has no type for are tagged: {"$fraction": "1/3"}; dicts with keys other than strings are
# stored as {"$map": [[key, value], ...]}.
_TAGS = ("$fraction", "$datetime", "$date", "$map")


def encode(value, shared: Mapping[int, int] | None = None):
    """A JSON-ready structure for ``value`` (a dataclass instance, container or scalar). Dataclass instances
    whose ``id`` is in ``shared`` are written as ``{"$ref": index}`` (see ``dumps``)."""
    if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if shared and id(value) in shared:
            return {"$ref": shared[id(value)]}
        return {f.name: encode(getattr(value, f.name), shared) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, Fraction):
        return {"$fraction": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Mapping):
        if all(isinstance(key, str) for key in value) and not any(key in _TAGS for key in value):
            return {key: encode(item, shared) for key, item in value.items()}
        return {"$map": [[encode(key, shared), encode(item, shared)] for key, item in value.items()]}
    if isinstance(value, (tuple, list, set, frozenset)):
        return [encode(item, shared) for item in value]
    raise TypeError(f"cannot store a {type(value).__name__} value: {value!r}")


def _repeated(value) -> list:
    """Dataclass instances that occur more than once inside ``value`` (the same object), in order of first use."""
    seen: dict[int, int] = {}
    order: list = []

    def walk(item):
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            seen[id(item)] = seen.get(id(item), 0) + 1
            if seen[id(item)] > 1:
                return
            order.append(item)
            for f in dataclasses.fields(item):
                walk(getattr(item, f.name))
        elif isinstance(item, Mapping):
            for key, entry in item.items():
                walk(key)
                walk(entry)
        elif isinstance(item, (tuple, list, set, frozenset)):
            for entry in item:
                walk(entry)

    walk(value)
    return [item for item in order if seen[id(item)] > 1]


def dumps(value) -> str:
    """JSON text of ``value``. An object that occurs more than once (a competency listed under the
    competencies and again under the strengths) is written once, in ``$shared``, and referred to."""
    repeated = _repeated(value)
    if not repeated:
        return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
    shared = {id(item): index for index, item in enumerate(repeated)}
    table = [{f.name: encode(getattr(item, f.name), shared) for f in dataclasses.fields(item) if f.init}
             for item in repeated]
    return json.dumps({"$shared": table, "$root": encode(value, shared)}, ensure_ascii=False, separators=(",", ":"))


#: The ``$shared`` table of the text being decoded, and what was decoded from it (per entry and decoder).
_shared: contextvars.ContextVar = contextvars.ContextVar("result_codec_shared", default=None)


def loads(cls, text: str):
    data = json.loads(text)
    if not (isinstance(data, dict) and "$root" in data and "$shared" in data):
        return decode(cls, data)
    token = _shared.set((data["$shared"], {}))
    try:
        return decode(cls, data["$root"])
    finally:
        _shared.reset(token)


def _resolve(index: int, decode_entry: Callable):
    """A ``$ref``: the shared entry decoded (once per decoder, so repeated objects stay one object)."""
    table, done = _shared.get()
    key = (index, decode_entry)
    if key not in done:
        done[key] = decode_entry(table[index])
    return done[key]


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
    return decoder(hint)(data)


def _any(data):
    """No hint to go by (Any, object): tagged scalars back, lists as tuples (the engine's sequences are)."""
    data = _untagged(data)
    if isinstance(data, list):
        return tuple(_any(item) for item in data)
    return data


def _identity(data):
    return data


@cache
def decoder(hint) -> Callable:
    """A function that decodes data of type ``hint``, built once per hint from the type hints (fast to apply:
    stored results are decoded on every page view). Every decoder maps None to None."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        options = [arg for arg in args if arg is not type(None)]
        if len(options) == 1:
            return decoder(options[0])
        return lambda data: _decode_union(options, data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda data: None if data is None else hint(data)
    if origin in (tuple, list, set, frozenset) or hint in (tuple, list, set, frozenset):
        return _sequence_decoder(origin or hint, args)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping) or hint in (dict, Mapping):
        return _mapping_decoder(*(args if len(args) == 2 else (typing.Any, typing.Any)))
    if hint is float:
        return lambda data: float(data) if type(data) is int else _untagged(data)
    if hint in (int, str, bool):
        return _identity
    return _any


def _dataclass_decoder(cls) -> Callable:
    hints = _hints(cls)
    every = dataclasses.fields(cls)
    fields = [(f.name, decoder(hints[f.name])) for f in every if f.init]
    names = {name for name, _ in fields}
    # A plain frozen dataclass (every field in __init__, no __post_init__, no slots) is filled in directly: its
    # __init__ would only set the same attributes one object.__setattr__ at a time, three times slower.
    direct = (len(fields) == len(every) and not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__"))

    def decode_dataclass(data):
        if data is None:
            return None
        if len(data) == 1 and "$ref" in data:
            return _resolve(data["$ref"], decode_dataclass)
        values = {name: decode_field(data[name]) for name, decode_field in fields if name in data}
        if direct and len(values) == len(names):
            instance = object.__new__(cls)
            instance.__dict__.update(values)
            return instance
        return cls(**values)

    return decode_dataclass


def _sequence_decoder(kind, args) -> Callable:
    if kind is tuple and args and args != ((),) and not (len(args) == 2 and args[1] is Ellipsis):
        items = [decoder(arg) for arg in args]
        return lambda data: None if data is None else tuple(f(item) for f, item in zip(items, data))
    item = decoder(args[0]) if args else _any
    if kind is list:
        return lambda data: None if data is None else [item(value) for value in data]
    return lambda data: None if data is None else kind([item(value) for value in data])


def _mapping_decoder(key_hint, value_hint) -> Callable:
    key, value = decoder(key_hint), decoder(value_hint)

    def decode_mapping(data):
        if data is None:
            return None
        pairs = data["$map"] if len(data) == 1 and "$map" in data else data.items()
        return {key(k): value(v) for k, v in pairs}

    return decode_mapping


def _decode_union(options, data):
    if data is None:
        return None
    keys = set(data) if isinstance(data, dict) else set()
    if keys == {"$ref"}:  # a shared object: its entry says which option it is
        keys = set(_shared.get()[0][data["$ref"]])
    for option in options:  # int | str, A | B: the first option the data fits
        if isinstance(option, type) and dataclasses.is_dataclass(option):
            if isinstance(data, dict) and {f.name for f in dataclasses.fields(option) if f.init} >= keys:
                return decoder(option)(data)
        elif isinstance(option, type) and not isinstance(data, (dict, list)) and isinstance(data, option):
            return data
    return _any(data)


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
