"""The options of ``mock_aws``: their types, and the checks ``MockAWS()`` runs on them.

:class:`MockAWSOptions` types a reusable set of options (public, re-exported
from ``aiomoto.mock`` and ``aiomoto``); :func:`checked` raises the named
error for an ill-typed option, a value out of range or options that do not
go together, before a ``MockAWS`` exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, TypedDict

from aiomoto import _switches, snapshots
from aiomoto._config import checked_config
from aiomoto._server_options import AutoEndpointMode, ServerOptions, server_options
from aiomoto.snapshots import Snapshot

__all__ = [
    "CLASS_SCOPE_ONLY",
    "Checked",
    "DecoratorOptions",
    "MockAWSOptions",
    "Scope",
    "checked",
    "require_bool",
]

#: When a decorated test class enters the mock: around each test, or once
#: around the whole class.
Scope = Literal["function", "class"]


class MockAWSOptions(TypedDict, total=False):
    """The options of :class:`MockAWS`, for typing a reusable set of them.

    Test classes set them through ``mock_aws_options`` (see
    :mod:`aiomoto.testcase`); each key is described on :class:`MockAWS`.
    """

    reset: bool
    remove_data: bool
    config: Mapping[str, Any]
    server_mode: bool
    auto_endpoint: AutoEndpointMode | str
    server_port: int
    server_endpoint: str
    server_host: str
    verbose: bool
    real_retry_waits: bool
    state: Snapshot | None


class DecoratorOptions(MockAWSOptions, total=False):
    """:class:`MockAWSOptions` plus ``scope``, which only ``mock_aws()`` itself takes."""

    scope: Scope


CLASS_SCOPE_ONLY = (
    "mock_aws(scope='class') decorates test classes only; use the default "
    "scope='function' for functions and with blocks."
)


class Checked(NamedTuple):
    """The options ``MockAWS`` keeps in a form of their own, once checked."""

    state: Snapshot | None
    #: ``None`` for the in-process mock.
    server: ServerOptions | None
    #: A private deep copy of the ``config`` given, or ``None``.
    config: Mapping[str, Any] | None


def require_bool(name: str, value: object) -> None:
    """Raise ``TypeError`` unless the option ``name`` is ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise TypeError(f"mock_aws({name}=...) must be True or False, not {value!r}")


def checked(
    *,
    reset: bool,
    remove_data: bool,
    config: Mapping[str, Any] | None,
    scope: Scope,
    server_mode: bool,
    auto_endpoint: AutoEndpointMode | str,
    server_port: int | None,
    server_endpoint: str | None,
    server_host: str,
    verbose: bool,
    real_retry_waits: bool,
    state: Snapshot | None,
) -> Checked:
    """Check ``MockAWS()``'s options, in the order it always has; raise for the first bad one.

    Raises ``TypeError`` for an ill-typed option and ``ValueError`` for a
    value out of range or options that do not go together (proxy mode and
    ``state`` raise their own named errors).
    """
    _switches.reject_proxy_mode()
    require_bool("reset", reset)
    seed = snapshots.check_state(state, reset=reset)
    if scope not in ("function", "class"):
        raise ValueError(f"mock_aws(scope=...) must be 'function' or 'class', not {scope!r}")
    require_bool("remove_data", remove_data)
    require_bool("real_retry_waits", real_retry_waits)
    checked_copy: Mapping[str, Any] | None = None if config is None else checked_config(config)
    server = server_options(
        server_mode,
        auto_endpoint=auto_endpoint,
        server_port=server_port,
        server_endpoint=server_endpoint,
        server_host=server_host,
        verbose=verbose,
    )
    if server is not None and config is not None:
        raise ValueError(
            "mock_aws(config=...) configures the in-process mock; in server mode, "
            "configure the server through its /moto-api/config endpoint"
        )
    return Checked(seed, server, checked_copy)
