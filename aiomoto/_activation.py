"""Process-wide activation state: one ref count, one lock, one env snapshot.

However many ``mock_aws`` objects are entered, in whatever mix of threads,
tasks, decorators and ``with`` blocks, the process has one Moto backend.
The first enter (depth 0 -> 1) snapshots every ``AWS_*`` environment
variable, starts Moto (resetting its backends if that context asked for it)
and installs the hooks; the last exit (depth 1 -> 0) stops Moto (removing
data if the outermost context asked for it), removes the hooks and puts the
environment back exactly as it was (``aiomoto._environment`` touches the
variables). Inner enters and exits only count, except that a nested
``config`` is layered over the outer one (``aiomoto._config_layers``).

The outermost enter also picks the mode for everyone nested inside it: the
in-process mock above, or server mode (``aiomoto._server_session``), which starts or
attaches to a Moto server instead and patches nothing of Moto's. Entering
the other mode while one is active raises :class:`ModeConflictError`
(``aiomoto._nesting`` checks what a nested enter must agree with).
A ``state`` snapshot is restored by the outermost enter, after the reset.
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from moto.core.models import MockAWS as _MotoMockAWS

from aiomoto import (
    _aiobotocore,
    _aiohttp,
    _botocore,
    _config,
    _environment,
    _intercept,
    _nesting,
    _retry_waits,
    _speedups,
    _switches,
)
from aiomoto._config_layers import ConfigLayers
from aiomoto._server_options import ServerOptions
from aiomoto.exceptions import MockStateError, NotInServerModeError

if TYPE_CHECKING:  # server mode's modules load when a server-mode mock starts
    from aiomoto._holdings import Holdings
    from aiomoto._server_session import ServerSession

__all__ = [
    "Activation",
    "Owner",
    "activations",
    "active_owners",
    "enter",
    "exit",
    "innermost_owner",
    "is_active",
    "server_session",
    "server_session_of",
    "unwind",
]


class Seed(Protocol):
    """A state to start from (``aiomoto.Snapshot``)."""

    def _restore_backends(self) -> None:
        """Replace Moto's state in this process with a copy of this one."""


class Owner(Protocol):
    """What activation needs from a ``mock_aws`` object (its private options)."""

    _depth: int
    _reset: bool
    _remove_data: bool
    _config: Mapping[str, Any] | None
    #: Server-mode options; ``None`` for the in-process mock.
    _server: ServerOptions | None
    #: Whether the SDK's waits between retries are slept while it is open.
    _real_retry_waits: bool

    @property
    def _state(self) -> Seed | None:
        """The snapshot the outermost enter starts from; ``None``: empty backends."""

    def stop(self, remove_data: bool | None = None) -> None:
        """Exit once (see ``MockAWS.stop``)."""

    #: Its call history, faults and stubs: begun on its first open enter,
    #: ended on its last exit.
    _holdings: Holdings


@dataclass(frozen=True, eq=False)
class Activation:
    """One open enter of a ``mock_aws`` object, and where it was entered.

    Compared by identity: the same owner entered twice is two activations.
    """

    owner: Owner
    #: ``file:line in function`` of the first caller outside aiomoto.
    where: str


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.remove_data = True
        self.env_snapshot: dict[str, str] = {}
        self.moto: _MotoMockAWS | None = None
        #: The running server-mode session; ``None`` in-process or inactive.
        self.session: ServerSession | None = None
        #: Moto's config as the outermost context set it, and the nested
        #: contexts' configs layered over it.
        self.config = ConfigLayers()
        #: Moto's config from before the outermost enter, put back after
        #: the outermost exit whatever happened in between.
        self.config_before: dict[str, Any] = {}
        #: Every open enter, outermost first.
        self.activations: list[Activation] = []

    @property
    def depth(self) -> int:
        """How many enters are open: the nesting level of the process's mock."""
        return len(self.activations)


_state = _State()


def active_owners() -> list[Owner]:
    """The objects entered and not yet exited, one entry per enter, outermost first."""
    with _state.lock:
        return [activation.owner for activation in _state.activations]


def innermost_owner() -> Owner:
    """The owner entered last and not exited yet (for ``active_mock()``).

    Raises :class:`MockStateError` if no mock is active.
    """
    owners = active_owners()
    if owners:
        return owners[-1]
    raise MockStateError(
        "active_mock() was called while no mock_aws is active: call it inside a "
        "mock_aws context, a @mock_aws-decorated function or a test that uses the "
        "aws fixture."
    )


def is_active() -> bool:
    """Whether any aiomoto mock is active in this process."""
    return bool(_state.activations)


def activations() -> list[Activation]:
    """The open enters, outermost first."""
    with _state.lock:
        return list(_state.activations)


def unwind(leaked: Sequence[Activation]) -> None:
    """Stop the owner of each of ``leaked`` that is still open, innermost first.

    Through the owner's own ``stop()``, which also ends what it started
    (call recording, faults).
    """
    for activation in reversed(leaked):
        if activation in activations():
            activation.owner.stop()


def enter(owner: Owner, reset: bool | None = None) -> None:
    """Count one enter of ``owner``; the outermost one starts the mock.

    The whole enter happens under one lock, including beginning the owner's
    holdings when this is its first open enter, so that threads entering
    the same object at once all find it recording.
    """
    where = _call_site()
    with _state.lock:
        server = _switches.server_options_for(owner._server, owner._config)
        outermost = not _state.activations
        if outermost:
            _nesting.check_seedable(owner._state, server)
            if server is None:
                _start(owner._config, owner._reset if reset is None else reset)
            else:
                _start_server(server, owner._reset if reset is None else reset)
            _state.remove_data = owner._remove_data
            if owner._state is not None:
                _seed(owner._state)
        else:
            _nesting.require_active_mode(server, _state.session)
            first = _state.activations[0]
            _nesting.require_same_state(owner._state, first.owner._state, first.where)
            if owner._config is not None:
                _state.config.push(owner, owner._config)
        owner._depth += 1
        _state.activations.append(Activation(owner, where))
        if owner._depth == 1:
            try:
                owner._holdings.begin()
            except BaseException:
                _exit_locked(owner, remove_data=False)
                raise


def exit(owner: Owner, remove_data: bool | None = None) -> None:
    """Count one exit of ``owner``; the outermost one stops the mock.

    Raises :class:`MockStateError` if ``owner`` is not active.
    """
    with _state.lock:
        if owner._depth == 0:
            raise MockStateError(
                "mock_aws was stopped more often than it was started: stop() and "
                "__exit__ must pair with an earlier start() or __enter__ of the "
                "same object."
            )
        _exit_locked(owner, remove_data)


def _exit_locked(owner: Owner, remove_data: bool | None) -> None:
    owner._depth -= 1
    _forget(owner)
    try:
        if _state.activations and owner._config is not None:
            _state.config.pop(owner)
        if not _state.activations:
            _intercept.clear()
            _state.config.clear()
            remove = _state.remove_data if remove_data is None else remove_data
            session, _state.session = _state.session, None
            if session is None:
                _stop(remove)
            else:
                _stop_server(session, remove)
    finally:
        if owner._depth == 0:
            owner._holdings.end()


def _forget(owner: Owner) -> None:
    # An owner with _depth > 0 has an entry; its innermost one goes.
    found = _state.activations
    del found[max(i for i, activation in enumerate(found) if activation.owner is owner)]


def _call_site() -> str:
    # The first frame outside aiomoto (and contextlib, which ``with`` and
    # ExitStack pass through) is where the user entered the mock.
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
        "aiomoto",
        "contextlib",
    ):
        frame = frame.f_back
    code = frame.f_code
    return f"{code.co_filename}:{frame.f_lineno} in {code.co_name}"


def reset_backends() -> None:
    """Empty the backend in use: the server's in server mode, else Moto's in-process one."""
    with _state.lock:
        if _state.session is not None:
            _state.session.reset()
        else:
            (_state.moto or _MotoMockAWS()).reset()


def server_session() -> ServerSession | None:
    """The active server-mode session, or ``None``."""
    return _state.session


def server_session_of(owner: Owner, attribute: str) -> ServerSession:
    """The session serving ``owner``, for its ``attribute`` (``server_endpoint``...).

    Raises :class:`NotInServerModeError` unless ``owner`` is an active
    server-mode mock.
    """
    session = _state.session if owner._depth > 0 else None
    if session is None:
        state = "is in-process" if owner._server is None else "is not active"
        raise NotInServerModeError(
            f"{attribute} is only set while a mock_aws(server_mode=True) is "
            f"active, and this mock {state}."
        )
    return session


def _seed(seed: Seed) -> None:
    try:
        seed._restore_backends()
    except BaseException:
        session, _state.session = _state.session, None
        if session is None:
            _stop(remove_data=True)
        else:
            _stop_server(session, remove_data=True)
        raise


def _start_server(options: ServerOptions, reset: bool) -> None:
    from aiomoto._server_session import ServerSession

    _state.env_snapshot = _environment.aws_environment()
    try:
        session = ServerSession.open(options, reset)
        try:
            _environment.fake_credentials()
            _patch_request_path(in_process=False)
        except BaseException:
            _unpatch_request_path()
            session.close(remove_data=False)
            raise
    except BaseException:
        _environment.restore_environment(_state.env_snapshot)
        raise
    _state.session = session


def _stop_server(session: ServerSession, remove_data: bool) -> None:
    try:
        session.close(remove_data)
    finally:
        _unpatch_request_path()
        _environment.restore_environment(_state.env_snapshot)


def _patch_request_path(*, in_process: bool) -> None:
    # Both modes send every attempt of every client through _intercept.
    _intercept.serve_in_process(in_process)
    _retry_waits.install(_wants_real_retry_waits)
    _botocore.patch()
    _aiobotocore.patch()


def _unpatch_request_path() -> None:
    _aiobotocore.unpatch()
    _botocore.unpatch()
    _retry_waits.uninstall()


def _wants_real_retry_waits() -> bool:
    # Any open mock that asked for real waits gets them, nested or not.
    return any(activation.owner._real_retry_waits for activation in list(_state.activations))


def _start(config: Mapping[str, Any] | None, reset: bool) -> None:
    _state.env_snapshot = _environment.aws_environment()
    _state.config_before = _config.snapshot()
    # A deep copy: Moto keeps what it is given, and must not share it with
    # the owner's options.
    moto = _MotoMockAWS(copy.deepcopy(dict(config)) if config is not None else None)  # type: ignore[arg-type]
    started = _MotoMockAWS._nested_count
    try:
        _speedups.install()
        try:
            moto.start(reset=reset)
            _state.config.base = _config.snapshot()
            _environment.isolate_environment()
            _patch_request_path(in_process=True)
            _aiohttp.patch()
        except BaseException:
            if _MotoMockAWS._nested_count > started:
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
    try:
        _speedups.uninstall()
        _aiohttp.unpatch()
        _unpatch_request_path()
    finally:
        # Moto's stop puts its config back only when its own start finished.
        _config.restore(_state.config_before)
        _environment.restore_environment(_state.env_snapshot)
