"""The one path where aiomoto answers: every API call and HTTP attempt of every client.

While a mock is active, the hooks of both SDKs (``aiomoto._botocore`` for
botocore and boto3, ``aiomoto._aiobotocore`` for aiobotocore and what is
built on it) do two things, for sync and async clients, in-process and in
server mode alike:

- each API call (a client method call, however many attempts it takes)
  runs inside :func:`api_call`, which records it, once, in the history of
  every mock that is recording (:func:`start_recording`);
- each HTTP attempt, from inside the SDK's retry loop, is handed to
  :func:`attempt` in place of the call that would put it on the wire.

Those hooks only adapt I/O (reading an async body, sleeping without
blocking, building the response type their HTTP backend expects); what the
answer is gets decided here, once:

- a matching injected fault (:func:`add_fault`) answers first, with an AWS
  error or a connection failure, after its latency;
- in-process, Moto answers; a request Moto does not recognise raises
  :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError`, unless Moto's
  ``passthrough`` config lets it out;
- in server mode, the request goes to the server over HTTP as it is.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from contextvars import ContextVar, Token
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar

from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError
from moto.core.models import botocore_stubber

from aiomoto import _gate, _guard
from aiomoto.faults import Fault
from aiomoto.history import AWSCall, CallHistory

__all__ = [
    "Attempt",
    "MotoAnswer",
    "add_fault",
    "api_call",
    "attempt",
    "clear",
    "note_retry_wait",
    "remove_fault",
    "serve_in_process",
    "start_recording",
    "stop_recording",
]

_T = TypeVar("_T")

#: A response as Moto's handlers produce it: status, headers, body.
MotoAnswer = tuple[int, Any, Any]

#: Whether the active mock answers in-process (``False``: server mode).
_in_process = True


#: Guards changes to the two lists below; readers take a snapshot.
_lock = threading.Lock()

#: The histories of the mocks that are active, which every call is added to.
_recorders: list[CallHistory] = []

#: The faults in force, oldest first.
_faults: list[Fault] = []

#: The API call under way in this thread or task, which attempts belong to.
_current_call: ContextVar[_APICall | None] = ContextVar("aiomoto_api_call", default=None)

#: Numbers API calls in the order they start.
_call_order = itertools.count()


def start_recording(history: CallHistory) -> None:
    """Add every API call from now on to ``history``."""
    with _lock:
        _recorders.append(history)


def stop_recording(history: CallHistory) -> None:
    """Stop adding calls to ``history``; does nothing if it is not recording."""
    _discard(_recorders, history)


def add_fault(fault: Fault) -> None:
    """Apply ``fault`` to every attempt from now on, before older faults."""
    with _lock:
        _faults.append(fault)


def remove_fault(fault: Fault) -> None:
    """Stop applying ``fault``; does nothing if it is not applied."""
    _discard(_faults, fault)


def _discard(items: list[Any], item: object) -> None:
    with _lock:
        if item in items:
            items.remove(item)


def clear() -> None:
    """Forget every recorder and fault (called when the outermost mock exits)."""
    with _lock:
        _recorders.clear()
        faults = list(_faults)
    for fault in faults:
        fault.remove()  # also ends it for the mock that injected it
    with _lock:
        _faults.clear()


def serve_in_process(in_process: bool) -> None:
    """Choose the mode for the activation that is starting (called under its lock)."""
    global _in_process
    _in_process = in_process


def note_retry_wait(seconds: float) -> None:
    """Add ``seconds`` to the retry waits of the API call under way, if any."""
    call = _current_call.get()
    if call is not None:
        call.retry_waits.append(seconds)


def attempt(request: AWSPreparedRequest) -> Attempt:
    """Decide how to answer one HTTP attempt; counts it for its API call.

    The newest matching fault that fires answers it (earlier latency-only
    faults that fire add their delay); otherwise Moto does, in-process.
    """
    call = _current_call.get()
    delay = 0.0
    answering = None
    if call is not None:
        call.attempts += 1
        for fault in reversed(tuple(_faults)):
            if fault._applies_to(call) and fault._fires():
                delay += fault.latency
                if fault._answers:
                    answering = fault
                    break
    return Attempt(call, delay, answering)


class Attempt:
    """How aiomoto answers one attempt: wait :attr:`delay` seconds, then :meth:`respond`."""

    def __init__(self, call: _APICall | None, delay: float, fault: Fault | None) -> None:
        self._call = call
        self.delay = delay
        self._fault = fault
        #: Whether :meth:`respond` reads the request body (async hooks read
        #: an async body first).
        self.reads_body = fault is None and _in_process

    def respond(self, request: AWSPreparedRequest) -> MotoAnswer | None:
        """The answer, or ``None`` to send the request over HTTP as it is.

        Raises what the network would for a connection fault, and
        ``RealHTTPRequestBlockedError`` for a request that would leave the
        process.
        """
        if self._fault is not None and self._call is not None:
            return self._fault._raise_or_render(self._call, request.url, request.method)
        if not _in_process:
            return None
        found: MotoAnswer | None = None
        if botocore_stubber.enabled:
            with _gate.moto_call():  # a restore never lands halfway through an answer
                found = botocore_stubber.process_request(request)
        if found is None and not _guard.moto_lets_through(request.url):
            raise _guard.blocked_request_error(request.method, request.url)
        return found


def api_call(client: Any, operation_name: str, api_params: Mapping[str, Any]) -> _APICall:
    """Run one API call of ``client`` inside ``with``; record it on the way out.

    Use as ``with api_call(...) as call: return call.done(<the SDK's call>)``.
    """
    meta = client.meta
    return _APICall(meta.service_model, operation_name, api_params, meta.region_name)


class _APICall:
    """One API call under way: what was asked, and its attempts so far."""

    def __init__(
        self, service_model: Any, operation: str, params: Mapping[str, Any], region: str | None
    ) -> None:
        #: The client's own model, so that errors are rendered in the
        #: protocol this client speaks.
        self.service_model = service_model
        self.service: str = service_model.service_name
        self.operation = operation
        # Handlers may change the caller's dict later in the call (botocore
        # wraps a bytes Body in a file object, for one): keep what was passed.
        self.params = MappingProxyType(_copy_containers(params))
        self.region = region
        self.attempts = 0
        self.retry_waits: list[float] = []
        self.order = next(_call_order)
        self.recorders = tuple(_recorders)
        self.response: Mapping[str, Any] | None = None
        self._token: Token[_APICall | None] | None = None

    def done(self, response: _T) -> _T:
        """Keep the parsed response of a call that succeeded, and return it."""
        self.response = response  # type: ignore[assignment]
        return response

    def __enter__(self) -> _APICall:
        self._token = _current_call.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _current_call.reset(self._token)  # type: ignore[arg-type]
        record = self._record(exc)
        for history in self.recorders:
            history._add(self.order, record)

    def _record(self, exc: BaseException | None) -> AWSCall:
        response = self.response
        error_code = None
        if isinstance(exc, ClientError):
            response = exc.response
            error_code = exc.response.get("Error", {}).get("Code")
        metadata = response.get("ResponseMetadata", {}) if response is not None else {}
        retries = metadata.get("RetryAttempts")
        return AWSCall(
            service=self.service,
            operation=self.operation,
            params=self.params,
            region=self.region,
            status=metadata.get("HTTPStatusCode"),
            error_code=error_code,
            # The SDK's count is right even when a handler answered an attempt
            # before it reached us; with no response, ours is all there is.
            attempts=retries + 1 if isinstance(retries, int) else self.attempts,
            response=response,
            exception=exc,
            retry_waits=tuple(self.retry_waits),
        )


def _copy_containers(value: Any) -> Any:
    # Only dicts and lists are copied; anything else (a file object being
    # uploaded, say) is kept as it is, unread.
    if isinstance(value, Mapping):
        return {key: _copy_containers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_containers(item) for item in value]
    return value
