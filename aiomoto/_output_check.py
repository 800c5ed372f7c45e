"""A stub's output checked against the operation's output shape, before it is rendered.

:func:`check` walks a response dict along the operation's output shape, so
a misspelt member or a value of the wrong type raises before a stub is
installed (or, for a callable answer, when it is used), naming where.
``aiomoto._render`` then writes the checked output as AWS would send it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from aiomoto import _names

__all__ = ["check"]


def check(shape: Any, value: Any, path: str) -> None:
    """Raise ``ValueError`` / ``TypeError`` unless ``value`` fits ``shape``; ``path`` names it.

    ``shape`` ``None`` (an operation with no output) takes an empty dict.
    """
    if shape is None:
        if not isinstance(value, Mapping):
            raise _wrong_type(path, "a dict", value)
        if value:
            raise ValueError(f"{path} must be empty: the operation has no output members")
        return
    kind = shape.type_name
    if kind == "structure":
        if shape.serialization.get("eventstream"):
            _check_events(shape, value, path)
        elif not shape.is_document_type:
            _check_structure(shape, value, path)
    elif kind == "list":
        if not isinstance(value, (list, tuple)):
            raise _wrong_type(path, "a list", value)
        for index, item in enumerate(value):
            check(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, Mapping):
            raise _wrong_type(path, "a dict", value)
        for key, item in value.items():
            check(shape.key, key, f"{path} key {key!r}")
            check(shape.value, item, f"{path}[{key!r}]")
    elif not shape.serialization.get("jsonvalue"):  # a JSON value header takes any JSON
        _check_scalar(kind, value, path)


def _check_structure(shape: Any, value: Any, path: str) -> None:
    if not isinstance(value, Mapping):
        raise _wrong_type(path, f"a dict ({shape.name})", value)
    for name, item in value.items():
        if name not in shape.members:
            close = _names._suggest(name, shape.members)
            raise ValueError(f"{path} has no member {name!r} ({shape.name}){close}")
        check(shape.members[name], item, f"{path}[{name!r}]")


def _check_events(shape: Any, value: Any, path: str) -> None:
    if not isinstance(value, (list, tuple)):
        raise _wrong_type(path, "a list of events, each {event_name: {...}}", value)
    for index, event in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(event, Mapping) or len(event) != 1:
            raise _wrong_type(where, "an event: a dict of one event name to its members", event)
        [(name, members)] = event.items()
        if name not in shape.members:
            raise ValueError(
                f"{where}: {shape.name} has no event {name!r}{_names._suggest(name, shape.members)}"
            )
        check(shape.members[name], members, f"{where}[{name!r}]")


_SCALARS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a str"),
    "character": ((str,), "a str"),
    "boolean": ((bool,), "a bool"),
    "integer": ((int,), "an int"),
    "long": ((int,), "an int"),
    "short": ((int,), "an int"),
    "byte": ((int,), "an int"),
    "float": ((int, float), "a number"),
    "double": ((int, float), "a number"),
    "bigdecimal": ((int, float), "a number"),
    "biginteger": ((int,), "an int"),
    "blob": ((bytes, bytearray, str), "bytes or a str"),
    "timestamp": ((datetime.datetime, int, float, str), "a datetime (or epoch seconds)"),
}


def _check_scalar(kind: str, value: Any, path: str) -> None:
    types, expected = _SCALARS.get(kind, ((object,), "anything"))
    if not isinstance(value, types) or (isinstance(value, bool) and kind != "boolean"):
        raise _wrong_type(path, expected, value)


def _wrong_type(path: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{path} must be {expected}, not {type(value).__name__} {value!r:.60}")
