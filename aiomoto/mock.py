"""``mock_aws``: one object that is a context manager and a decorator.

:class:`MockAWS` follows the shape of ``unittest.mock.patch``: ``start`` and
``stop`` do the work, ``with`` / ``async with`` call them, and ``__call__``
dispatches once on what it decorates: a class to ``aiomoto._classes``,
anything else to ``aiomoto._functions`` (one wrapper per kind). The
process-wide state behind ``start`` / ``stop`` lives in
``aiomoto._activation``; its options are checked in ``aiomoto._options``,
and what it holds while entered (calls, faults, stubs) in
``aiomoto._holdings``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from aiomoto import _activation, _options, snapshots
from aiomoto._classes import decorate_class
from aiomoto._functions import decorate_function
from aiomoto._holdings import Holdings, require_active
from aiomoto._names import positional_only
from aiomoto._options import CLASS_SCOPE_ONLY, MockAWSOptions, Scope
from aiomoto._options import DecoratorOptions as _DecoratorOptions
from aiomoto._server_options import DEFAULT_HOST, AutoEndpointMode
from aiomoto.faults import Connection, Fault, new_fault
from aiomoto.history import CallHistory, _check_called, _check_not_called, _Pattern
from aiomoto.snapshots import Snapshot
from aiomoto.stubs import Stub, new_stub

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["MockAWS", "MockAWSOptions", "active_mock", "mock_aws", "mock_aws_decorator"]

_F = TypeVar("_F", bound=Callable[..., Any])


class MockAWS:
    """An in-process Moto mock shared by boto3, botocore and aiobotocore clients.

    Use it as ``with``, ``async with``, a decorator of sync or async
    functions and test classes, or ``start()`` / ``stop()``. The same object
    may be entered again while active; nesting is ref-counted process-wide.

    ``reset`` resets Moto's backends on the outermost enter and
    ``remove_data`` removes their data on the outermost exit; a nested
    context's flags are ignored. ``config`` is passed to Moto; a nested
    context's ``config`` applies until that context exits. ``scope="class"``
    (class decoration only) keeps one mock around a whole test class.
    ``state`` (a :class:`~aiomoto.Snapshot`) makes the outermost enter start
    from a copy of it instead of empty backends; a nested context may only
    repeat the outermost one's ``state`` (else ``SnapshotError``).

    While active it sets fake ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``,
    removes ``AWS_SESSION_TOKEN`` and sets ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``
    to ``true``; the outermost exit restores every ``AWS_*`` variable.

    With ``server_mode=True`` it runs Moto's server instead (see
    ``docs/server-mode.rst``) on ``server_host`` (loopback) and a free port,
    or attaches to a running one at ``server_port`` / ``server_endpoint``;
    ``verbose`` logs each request. Clients reach it over HTTP, and
    :attr:`server_endpoint` says where. It sets the same fake credentials
    and, unless ``auto_endpoint`` is ``DISABLED``, ``AWS_ENDPOINT_URL``.

    While active, it records every AWS API call of this process's clients
    in :attr:`calls`, which the ``assert_*`` methods read, and applies the
    faults :meth:`inject_fault` adds and the stubs :meth:`on` makes. The SDK's waits between retry
    attempts (and adaptive mode's rate limiter) are skipped and recorded in
    each call's ``retry_waits``; ``real_retry_waits=True`` sleeps them, for
    as long as this mock is open.
    """

    def __init__(
        self,
        *,
        reset: bool = True,
        remove_data: bool = True,
        config: Mapping[str, Any] | None = None,
        scope: Scope = "function",
        server_mode: bool = False,
        auto_endpoint: AutoEndpointMode | str = AutoEndpointMode.FORCE,
        server_port: int | None = None,
        server_endpoint: str | None = None,
        server_host: str = DEFAULT_HOST,
        verbose: bool = False,
        real_retry_waits: bool = False,
        state: Snapshot | None = None,
    ) -> None:
        # Options are private: like Moto's object, the public surface is
        # start/stop/reset, plus the ``server_*`` properties in server mode.
        self._state, self._server, self._config = _options.checked(
            reset=reset,
            remove_data=remove_data,
            config=config,
            scope=scope,
            server_mode=server_mode,
            auto_endpoint=auto_endpoint,
            server_port=server_port,
            server_endpoint=server_endpoint,
            server_host=server_host,
            verbose=verbose,
            real_retry_waits=real_retry_waits,
            state=state,
        )
        self._reset = reset
        self._remove_data = remove_data
        self._scope = scope
        self._real_retry_waits = real_retry_waits
        self._depth = 0  # how many times this object is entered right now
        # Its calls, and faults and stubs that end with it; _activation begins
        # them under its lock, so that a second thread entering at the same
        # moment cannot skip it.
        self._holdings = Holdings()

    def __repr__(self) -> str:
        server = "" if self._server is None else f", server={self._server!r}"
        state = "" if self._state is None else f", state={self._state!r}"
        return (
            f"{type(self).__name__}(reset={self._reset!r}, "
            f"remove_data={self._remove_data!r}, config={self._config!r}, scope={self._scope!r}"
            f"{server}{state})"
        )

    @property
    def server_endpoint(self) -> str:
        """The server's URL, such as ``http://127.0.0.1:40123``.

        Raises :class:`~aiomoto.exceptions.NotInServerModeError` (an
        ``AttributeError``) unless this is an active server-mode mock.
        """
        return _activation.server_session_of(self, "server_endpoint").endpoint

    @property
    def server_host(self) -> str:
        """The server's host; raises like :attr:`server_endpoint`."""
        return _activation.server_session_of(self, "server_host").host

    @property
    def server_port(self) -> int:
        """The server's port; raises like :attr:`server_endpoint`."""
        return _activation.server_session_of(self, "server_port").port

    @property
    def calls(self) -> CallHistory:
        """The AWS API calls made while this object was active, oldest first.

        An outer mock sees every call, a nested one those made while it was
        entered. It stays readable after exit, and starts empty again when
        this object is entered again.
        """
        return self._holdings.calls

    @positional_only("assert_called('s3', 'PutObject', Bucket='b')")
    def assert_called(
        self, service: str, operation: str, /, *, times: int | None = None, **params: Any
    ) -> None:
        """Assert that a matching call was made: at least once, or exactly ``times`` times.

        ``operation`` is the API name (``PutObject``) or the method name
        (``put_object``); ``params`` match the keys given, by equality, with
        ``unittest.mock.ANY`` as a wildcard. Raises ``AssertionError``
        listing the recorded calls, and ``ValueError`` for an unknown
        service, operation or parameter name.
        """
        _check_called(self._holdings.calls, _Pattern.of(service, operation, params), times)

    @positional_only("assert_called_once('s3', 'PutObject', Bucket='b')")
    def assert_called_once(self, service: str, operation: str, /, **params: Any) -> None:
        """Assert that exactly one matching call was made (see :meth:`assert_called`)."""
        _check_called(self._holdings.calls, _Pattern.of(service, operation, params), 1)

    @positional_only("assert_not_called('s3', 'DeleteObject')")
    def assert_not_called(
        self, service: str, operation: str | None = None, /, **params: Any
    ) -> None:
        """Assert that no matching call was made; without ``operation``, no call to ``service``.

        Names are checked as in :meth:`assert_called`.
        """
        _check_not_called(self._holdings.calls, _Pattern.of(service, operation, params))

    @positional_only("inject_fault('s3', 'PutObject', error='SlowDown')")
    def inject_fault(
        self,
        service: str,
        operation: str | None = None,
        /,
        *,
        error: str | None = None,
        status: int | None = None,
        message: str | None = None,
        connection: Connection | None = None,
        latency: float | None = None,
        times: int | None = None,
        probability: float | None = None,
        region: str | None = None,
        seed: int = 0,
        retry_after: float | None = None,
    ) -> Fault:
        """Make matching calls fail, time out or slow down, at the HTTP-attempt level.

        Matches calls to ``service`` (``operation``: API or method name,
        ``None`` for all; ``region``: ``None`` for any). Each matching
        attempt, inside the client's retry loop, gets:

        - ``error``: that AWS error code, with ``status`` (default: the
          status AWS uses for it) and ``message``, in the service's protocol;
        - ``connection``: ``"refused"`` (``EndpointConnectionError``) or
          ``"timeout"`` (``ReadTimeoutError``);
        - ``latency``: that many seconds first (alone: a slow success);
        - ``retry_after``: with ``error``, the ``x-amz-retry-after`` header
          (whole milliseconds), which botocore's new retry behaviour honours.

        ``error`` must be a code the service models, botocore retries on,
        or AWS lists as common; wrap any other in
        :class:`~aiomoto.CustomErrorCode`.

        ``times=N`` hits the first N matching attempts only;
        ``probability=p`` hits each with probability ``p``, drawn from a
        generator seeded with ``seed`` (so a run repeats exactly). The newest
        fault that hits answers. The fault ends with ``remove()``, on leaving
        ``with fault:``, or when this mock exits.

        Raises :class:`~aiomoto.exceptions.MockStateError` unless this mock is
        active, ``ValueError`` for unknown names or values out of range, and
        ``TypeError`` for a missing effect, ``error`` with ``connection``, or
        ill-typed options.
        """
        require_active(self._depth, "inject_fault()", "inject faults")
        fault = new_fault(
            service,
            operation,
            error=error,
            status=status,
            message=message,
            connection=connection,
            latency=latency,
            times=times,
            probability=probability,
            region=region,
            seed=seed,
            retry_after=retry_after,
        )
        return self._holdings.install(fault)

    @positional_only("on('s3', 'GetObject', Bucket='b')")
    def on(self, service: str, operation: str, /, **params: Any) -> Stub:
        """Answer matching calls yourself: a :class:`~aiomoto.Stub` (see ``docs/gaps.rst``).

        Matches calls of ``operation`` whose parameters include ``params``; it
        ends as a fault does. Raises ``MockStateError`` unless this mock is active.
        """
        require_active(self._depth, "on()", "make stubs")
        return self._holdings.install(new_stub(service, operation, params))

    def start(self, reset: bool | None = None) -> None:
        """Enter the mock; ``reset`` overrides this object's flag for this call.

        Only the outermost enter in the process resets Moto's backends.
        """
        if reset is not None:
            _options.require_bool("reset", reset)
            snapshots.check_state(self._state, reset=reset)
        _activation.enter(self, reset=reset)

    def stop(self, remove_data: bool | None = None) -> None:
        """Exit the mock; ``remove_data`` overrides this object's flag for this call.

        Raises :class:`~aiomoto.exceptions.MockStateError` if this object was
        not started. Only the outermost exit removes data and restores the
        environment.
        """
        if remove_data is not None:
            _options.require_bool("remove_data", remove_data)
        _activation.exit(self, remove_data=remove_data)

    def reset(self) -> None:
        """Empty every Moto backend now, as Moto's ``MockAWS.reset()`` does.

        It resets the backend in use: the server's in server mode, else the
        in-process one (which works whether or not a mock is active).
        """
        _activation.reset_backends()

    def snapshot(self) -> Snapshot:
        """A copy of all of Moto's state in this process now; later changes never reach it.

        Raises ``MockStateError`` unless this mock is active, and
        ``SnapshotError`` (naming the service and why) for state that cannot
        be copied or a mock attached to another process's server.
        """
        return snapshots.take(self)

    def restore(self, snapshot: Snapshot) -> None:
        """Replace Moto's state in this process with a fresh copy of ``snapshot``.

        Usable any number of times. Raises like :meth:`snapshot`, and
        ``TypeError`` unless given a ``Snapshot``.
        """
        snapshots.put_back(self, snapshot)

    def __enter__(self) -> MockAWS:
        if self._scope == "class":
            raise TypeError(CLASS_SCOPE_ONLY)
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MockAWS:
        # Starting Moto does no I/O (server mode only waits briefly on
        # loopback), so this touches no event loop and runs under asyncio,
        # trio or anything else.
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def __call__(self, target: _F) -> _F:
        """Decorate ``target`` so each call or test runs inside this mock.

        Raises ``TypeError`` if ``target`` is neither a class nor callable.
        """
        if inspect.isclass(target):
            return decorate_class(self, target)
        if self._scope == "class":
            raise TypeError(CLASS_SCOPE_ONLY)
        return decorate_function(self, target)


def active_mock() -> MockAWS:
    """The innermost active mock: the one entered last and not exited yet.

    Code under a ``@mock_aws`` decorator reaches that decorator's mock this
    way (a ``with mock_aws():`` block inside it is innermost while it runs).
    Its :attr:`~MockAWS.calls` hold the calls made since it was entered.
    Raises :class:`~aiomoto.exceptions.MockStateError` if no mock is active.
    """
    # Only MockAWS objects enter; no isinstance check, so that a mock
    # made by a re-imported aiomoto.mock (pytester unloads modules) counts.
    return cast(MockAWS, _activation.innermost_owner())


@overload
def mock_aws(func: _F, /) -> _F: ...


@overload
def mock_aws(func: None = None, /, **options: Unpack[_DecoratorOptions]) -> MockAWS: ...


def mock_aws(func: _F | None = None, /, **options: Unpack[_DecoratorOptions]) -> MockAWS | _F:
    """Mock AWS for boto3, botocore and aiobotocore clients.

    ``@mock_aws`` decorates directly with the defaults; ``mock_aws(**options)``
    returns a :class:`MockAWS` (see it for the options) to use with ``with``,
    ``async with``, ``start()``/``stop()`` or as a decorator of functions and
    test classes. Raises ``TypeError`` for unknown or ill-typed options and
    ``ValueError`` for values out of range or that do not go together.
    """
    return _build(func, options)


@overload
def mock_aws_decorator(func: _F, /) -> _F: ...


@overload
def mock_aws_decorator(func: None = None, /, **options: Unpack[_DecoratorOptions]) -> MockAWS: ...


def mock_aws_decorator(
    func: _F | None = None, /, **options: Unpack[_DecoratorOptions]
) -> MockAWS | _F:
    """The decorator-first name for :func:`mock_aws`, with the same options.

    ``@mock_aws_decorator`` wraps with the defaults;
    ``mock_aws_decorator(reset=False)`` returns a reusable :class:`MockAWS`
    that decorates any number of functions (and also works as a context).
    """
    return _build(func, options)


def _build(func: _F | None, options: Mapping[str, Any]) -> MockAWS | _F:
    mock = MockAWS(**options)
    return mock if func is None else mock(func)
