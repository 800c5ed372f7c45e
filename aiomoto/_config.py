"""``mock_aws(config=...)``: Moto's settings, checked before Moto sees them.

Moto reads its config (``moto.core.config.default_user_config``) with
``.get`` chains and ``re.match``, so a misspelt key is ignored, a string
where a list belongs is read one character at a time, and ``None`` where a
section belongs breaks every later mock. :func:`checked_config` checks a
config against the settings Moto documents in ``moto.core.config``
(``DefaultConfig`` and the TypedDicts nested in it, read from the installed
Moto, so a setting a newer Moto adds is accepted) and returns a private
deep copy, so that later changes to the caller's dict cannot bypass the
check. :func:`snapshot` and :func:`restore` put Moto's config back exactly
after the outermost exit, whatever happened on the way.
"""

from __future__ import annotations

import copy
import functools
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Union

from moto.core import config as _moto_config

from aiomoto._names import suggest

__all__ = ["checked_config", "restore", "snapshot"]

_WHAT = "mock_aws(config=...)"


@functools.cache
def _schema() -> Mapping[str, Any]:
    hints: Mapping[str, Any] = typing.get_type_hints(_moto_config.DefaultConfig)
    return hints


def checked_config(config: object) -> dict[str, Any]:
    """A deep copy of ``config`` once it is known to be valid Moto settings.

    Raises ``ValueError`` for an unknown key (naming the closest ones) or a
    passthrough URL that is not a regular expression, and ``TypeError``
    naming the key path of a value of the wrong type.
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"{_WHAT} takes a dict of Moto settings, not {type(config).__name__}")
    _check_section(config, _schema(), _WHAT)
    return copy.deepcopy(dict(config))


def _check_section(section: Mapping[Any, Any], fields: Mapping[str, Any], path: str) -> None:
    for key, value in section.items():
        if not isinstance(key, str):
            raise TypeError(f"{path} keys must be str setting names, not {key!r}")
        if key not in fields:
            raise ValueError(
                f"{path} has no Moto setting {key!r}{suggest(key, fields)} "
                f"(settings: {', '.join(sorted(fields))})"
            )
        _check_value(value, fields[key], f"{path}[{key!r}]")


def _check_value(value: object, expected: Any, path: str) -> None:
    if typing.is_typeddict(expected):
        if not isinstance(value, Mapping):
            raise TypeError(
                f"{path} must be a dict of settings "
                f"({', '.join(sorted(typing.get_type_hints(expected)))}), not {value!r}"
            )
        _check_section(value, typing.get_type_hints(expected), path)
        return
    origin = typing.get_origin(expected)
    if origin in (Union, types.UnionType):
        options = typing.get_args(expected)
        if value is None and type(None) in options:
            return
        (expected,) = [option for option in options if option is not type(None)]
        origin = typing.get_origin(expected)
    if expected is bool:
        if not isinstance(value, bool):
            raise TypeError(f"{path} must be True or False, not {value!r}")
    elif origin is list:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{path} must be a list of str, not {value!r}")
        if path.endswith("['urls']"):
            _check_patterns(value, path)
    elif not isinstance(value, expected):  # a setting of another type that Moto may add
        raise TypeError(f"{path} must be a {expected.__name__}, not {value!r}")


def _check_patterns(patterns: Any, path: str) -> None:
    # Moto matches each with re.match when a request is made; a broken one
    # would raise there, far from the config that holds it.
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(
                f"{path} holds regular expressions matched against request URLs; "
                f"{pattern!r} is not one ({error})"
            ) from None


def snapshot() -> dict[str, Any]:
    """A deep copy of Moto's config as it is now."""
    return copy.deepcopy(dict(_moto_config.default_user_config))


def restore(saved: Mapping[str, Any]) -> None:
    """Put Moto's config back to ``saved`` (from :func:`snapshot`), in place."""
    # Moto types its config as a TypedDict; it is a plain dict underneath.
    config: dict[str, Any] = _moto_config.default_user_config  # type: ignore[assignment]
    config.clear()
    config.update(copy.deepcopy(dict(saved)))
