"""Process-wide activation state: one ref count, one lock, one env snapshot.

However many ``mock_aws`` objects are entered, in whatever mix of threads,
tasks, decorators and ``with`` blocks, the process has one Moto backend.
The first enter (depth 0 -> 1) snapshots every ``AWS_*`` environment
variable, starts Moto (resetting its backends if that context asked for it)
and installs the hooks; the last exit (depth 1 -> 0) stops Moto (removing
data if the outermost context asked for it), removes the hooks and puts the
environment back exactly as it was. Inner enters and exits only count.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any, Protocol

from moto.core.config import default_user_config
from moto.core.models import MockAWS as _MotoMockAWS

from aiomoto import _aiobotocore, _guard
from aiomoto.exceptions import MockStateError

__all__ = ["Owner", "enter", "exit", "is_active"]

#: Credential variables that must not pair a real value with Moto's fake keys.
_REAL_CREDENTIAL_VARS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION")


class Owner(Protocol):
    """What activation needs from a ``mock_aws`` object."""

    depth: int
    reset: bool
    remove_data: bool
    config: Mapping[str, Any] | None


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.remove_data = True
        self.env_snapshot: dict[str, str] = {}
        self.moto: _MotoMockAWS | None = None


_state = _State()


def is_active() -> bool:
    """Whether any aiomoto mock is active in this process."""
    return _state.depth > 0


def enter(owner: Owner, reset: bool | None = None) -> None:
    """Count one enter of ``owner``; the outermost one starts the mock."""
    with _state.lock:
        if _state.depth == 0:
            _start(owner.config, owner.reset if reset is None else reset)
            _state.remove_data = owner.remove_data
        _state.depth += 1
        owner.depth += 1


def exit(owner: Owner, remove_data: bool | None = None) -> None:
    """Count one exit of ``owner``; the outermost one stops the mock.

    Raises :class:`MockStateError` if ``owner`` is not active.
    """
    with _state.lock:
        if owner.depth == 0:
            raise MockStateError(
                "mock_aws was stopped more often than it was started: stop() and "
                "__exit__ must pair with an earlier start() or __enter__ of the "
                "same object."
            )
        owner.depth -= 1
        _state.depth -= 1
        if _state.depth == 0:
            _stop(_state.remove_data if remove_data is None else remove_data)


def _start(config: Mapping[str, Any] | None, reset: bool) -> None:
    _state.env_snapshot = _aws_environment()
    moto = _MotoMockAWS(dict(config) if config is not None else None)  # type: ignore[arg-type]
    try:
        moto.start(reset=reset)
        try:
            _isolate_environment()
            _guard.patch_endpoint()
            _aiobotocore.patch()
        except BaseException:
            moto.stop(remove_data=False)
            raise
    except BaseException:
        _unpatch_and_restore()
        raise
    _state.moto = moto


def _stop(remove_data: bool) -> None:
    moto, _state.moto = _state.moto, None
    try:
        if moto is not None:
            moto.stop(remove_data=remove_data)
    finally:
        _unpatch_and_restore()


def _unpatch_and_restore() -> None:
    _aiobotocore.unpatch()
    _guard.unpatch_endpoint()
    _restore_environment(_state.env_snapshot)


def _aws_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


def _isolate_environment() -> None:
    # Moto sets fake AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY unless its
    # config says otherwise; a real session token must not ride along.
    if default_user_config.get("core", {}).get("mock_credentials", True) is not False:
        for name in _REAL_CREDENTIAL_VARS:
            os.environ.pop(name, None)
    # Ambient endpoints would send requests past Moto; see the docs'
    # "AWS_ENDPOINT_URL gotcha". Restored with the rest on exit.
    os.environ[_guard.IGNORE_CONFIGURED_ENDPOINTS_VAR] = "true"


def _restore_environment(snapshot: Mapping[str, str]) -> None:
    for name in [k for k in os.environ if k.startswith("AWS_") and k not in snapshot]:
        del os.environ[name]
    for name, value in snapshot.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
