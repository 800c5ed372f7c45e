"""Call history: the AWS API calls a mock saw, and assertions about them.

While a mock is active, every API call of every boto3, botocore and
aiobotocore client (so also aioboto3 and s3fs) is recorded once, however
many HTTP attempts its retries took, as an :class:`AWSCall`. A mock's
:attr:`~aiomoto.MockAWS.calls` is a :class:`CallHistory`; the assertions on
:class:`~aiomoto.MockAWS` (``assert_called`` and friends) read it. Service,
operation and parameter names are checked against botocore's models: a typo
raises ``ValueError`` instead of matching nothing.
"""

from __future__ import annotations

import bisect
import reprlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from botocore import xform_name

from aiomoto import _names

__all__ = ["AWSCall", "CallHistory"]

#: How many recorded calls an assertion message lists, at most: the first
#: and last half of this many when there are more.
_LISTED = 20

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60
_repr.maxdict = _repr.maxlist = _repr.maxtuple = 6
_repr.maxlevel = 3


@dataclass(frozen=True)
class AWSCall:
    """One AWS API call, as the client was asked to make it, and how it ended.

    ``params`` are the arguments as the caller passed them (a streaming body
    is kept as the object it was, never read). ``status`` is the HTTP status
    of the final attempt (``None`` if no response arrived), ``error_code``
    the AWS error code the client raised (``None`` on success), ``attempts``
    the HTTP attempts made, retries included, and ``response`` the parsed
    response or error response. ``exception`` is what the call raised, if
    anything (a ``ClientError``, or ``EndpointConnectionError`` when the
    connection failed on every attempt). ``retry_waits`` are the seconds the
    SDK's retry handler chose to wait before each retry, in order (skipped
    under a mock unless ``mock_aws(real_retry_waits=True)``).
    connection failed on every attempt). ``stubbed`` says whether a stub
    (:meth:`aiomoto.MockAWS.on`) answered the final attempt.
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str | None
    status: int | None
    error_code: str | None
    attempts: int
    response: Mapping[str, Any] | None = field(repr=False)
    exception: BaseException | None = field(default=None, repr=False, compare=False)
    retry_waits: tuple[float, ...] = ()
    stubbed: bool = False

    @property
    def method(self) -> str:
        """The client method's name, e.g. ``put_object`` for ``PutObject``."""
        return str(xform_name(self.operation))

    def __str__(self) -> str:
        if self.error_code is not None:
            outcome = f"{self.error_code} ({self.status})"
        elif self.exception is not None:
            outcome = type(self.exception).__name__
        else:
            outcome = str(self.status)
        retries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{_describe(self.service, self.operation, self.params)} -> {outcome}{retries}"


class CallHistory(Sequence[AWSCall]):
    """A read-only, ordered sequence of :class:`AWSCall`, oldest first.

    Calls appear in the order they were made (started), from any thread or
    task. Reading it while calls are under way is safe; iterating gives the
    calls recorded at the time iteration started.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[AWSCall] = []
        #: The order each call was started in, to keep ``_calls`` in order
        #: when concurrent calls finish out of order.
        self._started: list[int] = []

    def _add(self, started: int, call: AWSCall) -> None:
        with self._lock:
            index = bisect.bisect(self._started, started)
            self._started.insert(index, started)
            self._calls.insert(index, call)

    def _snapshot(self) -> list[AWSCall]:
        with self._lock:
            return list(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    @overload
    def __getitem__(self, index: int) -> AWSCall: ...

    @overload
    def __getitem__(self, index: slice) -> CallHistory: ...

    def __getitem__(self, index: int | slice) -> AWSCall | CallHistory:
        if isinstance(index, slice):
            return _history_of(self._snapshot()[index])
        return self._snapshot()[index]

    def __iter__(self) -> Iterator[AWSCall]:
        return iter(self._snapshot())

    def __repr__(self) -> str:
        calls = self._snapshot()
        return f"<CallHistory of {len(calls)} call{'s' if len(calls) != 1 else ''}>"

    @_names.positional_only("filter('s3', 'PutObject', Bucket='b')")
    def filter(
        self, service: str | None = None, operation: str | None = None, /, **params: Any
    ) -> CallHistory:
        """The calls that match, as a new :class:`CallHistory`.

        ``operation`` is the API name (``PutObject``) or the method name
        (``put_object``) and needs ``service``. ``params`` match the keys
        given (others are ignored) by equality; ``unittest.mock.ANY``
        matches anything. Raises ``ValueError`` for an unknown service,
        operation or parameter name, naming the closest ones.
        """
        pattern = _Pattern.of(service, operation, params)
        return _history_of([call for call in self._snapshot() if pattern.matches(call)])


def _history_of(calls: list[AWSCall]) -> CallHistory:
    history = CallHistory()
    history._calls = calls
    history._started = list(range(len(calls)))
    return history


@dataclass(frozen=True)
class _Pattern:
    """What a filter or assertion asks for, with its names checked."""

    service: str | None
    operation: str | None
    params: Mapping[str, Any]

    @classmethod
    def of(cls, service: str | None, operation: str | None, params: Mapping[str, Any]) -> _Pattern:
        """Check the names; raises ``TypeError`` / ``ValueError`` for bad ones."""
        if service is None:
            if operation is not None or params:
                raise TypeError(
                    "name the service too: an operation or parameters are matched "
                    "within one service, e.g. filter('s3', 'PutObject', Bucket='b')"
                )
            return cls(None, None, {})
        _names.service_model(service)
        if operation is not None:
            operation = _names.operation_name(service, operation)
        _names.check_params(service, operation, params)
        return cls(service, operation, dict(params))

    def matches(self, call: AWSCall) -> bool:
        """Whether ``call`` is one of the calls this pattern asks for."""
        if self.service is not None and call.service != self.service:
            return False
        if self.operation is not None and call.operation != self.operation:
            return False
        missing = object()
        # The expected value goes on the left, so that mock.ANY compares.
        return all(
            expected == call.params.get(name, missing) for name, expected in self.params.items()
        )

    def __str__(self) -> str:
        # Assertions always name a service; only filter() matches any call.
        service = str(self.service)
        if self.operation is None:
            where = f"any {service} call"
            return f"{where} with {_arguments(self.params)}" if self.params else where
        return _describe(service, self.operation, self.params)


def _check_called(history: CallHistory, pattern: _Pattern, times: int | None) -> None:
    """Raise ``AssertionError`` unless ``pattern`` matched at least once, or ``times`` times.

    Raises ``TypeError`` for a pattern without an operation: these
    assertions name one, so that a missing argument cannot match any call.
    """
    if pattern.operation is None:
        service = pattern.service or "s3"
        raise TypeError(
            f"assert_called() and assert_called_once() need an operation, such as "
            f"assert_called({service!r}, 'ListBuckets'); to assert that any {service} "
            f"call was made, use `assert mock.calls.filter({service!r})`."
        )
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 0):
        raise TypeError(f"times must be None or an int >= 0, not {times!r}")
    calls = history._snapshot()
    count = sum(1 for call in calls if pattern.matches(call))
    if times is None and count == 0:
        raise AssertionError(f"Expected {pattern} to be called; it was not.\n{_listing(calls)}")
    if times is not None and count != times:
        raise AssertionError(
            f"Expected {pattern} to be called {_times(times)}; it was called "
            f"{_times(count)}.\n{_listing(calls)}"
        )


def _check_not_called(history: CallHistory, pattern: _Pattern) -> None:
    """Raise ``AssertionError`` if ``pattern`` matched any recorded call.

    Raises ``TypeError`` for a pattern without a service, which would match
    every call.
    """
    if pattern.service is None:
        raise TypeError(
            "assert_not_called() needs a service, such as assert_not_called('s3'); to "
            "assert that no AWS call was made at all, use `assert not mock.calls`."
        )
    calls = history._snapshot()
    count = sum(1 for call in calls if pattern.matches(call))
    if count:
        raise AssertionError(
            f"Expected {pattern} not to be called; it was called {_times(count)}.\n"
            f"{_listing(calls)}"
        )


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _describe(service: str, operation: str, params: Mapping[str, Any]) -> str:
    return f"{service}.{operation}({_arguments(params)})"


def _arguments(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={_repr.repr(value)}" for name, value in params.items())


def _listing(calls: Sequence[AWSCall]) -> str:
    if not calls:
        return "No AWS calls were recorded."
    numbered = [f"  {number}. {call}" for number, call in enumerate(calls, 1)]
    if len(numbered) > _LISTED:
        half = _LISTED // 2
        hidden = len(numbered) - 2 * half
        numbered[half:-half] = [f"  ... {hidden} more ..."]
    return f"Recorded calls ({len(calls)}):\n" + "\n".join(numbered)
