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

- a matching injected fault (:func:`install`) answers first, with an AWS
  error or a connection failure, after its latency;
- then the newest matching stub (:func:`install`) with an answer left, with
  its scripted output or its failure, rendered as AWS would send it;
- in-process, Moto answers; a request Moto does not recognise raises
  :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError`, unless Moto's
  ``passthrough`` config lets it out, and an operation Moto does not
  implement raises :class:`~aiomoto.exceptions.NotImplementedByMotoError`;
- in server mode, the request goes to the server over HTTP as it is.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import moto
from botocore.awsrequest import AWSPreparedRequest
from moto.core.models import botocore_stubber

from aiomoto import _gate, _guard
from aiomoto._calls import APICall, current_call
from aiomoto._rules import Answer
from aiomoto.exceptions import NotImplementedByMotoError
from aiomoto.faults import Fault
from aiomoto.history import CallHistory

if TYPE_CHECKING:
    from aiomoto.stubs import Stub

__all__ = [
    "Attempt",
    "MotoAnswer",
    "api_call",
    "attempt",
    "clear",
    "install",
    "note_retry_wait",
    "serve_in_process",
    "start_recording",
    "stop_recording",
    "uninstall",
]

#: A response as Moto's handlers produce it: status, headers, body.
MotoAnswer = tuple[int, Any, Any]

#: Whether the active mock answers in-process (``False``: server mode).
_in_process = True


#: Guards changes to the collections below; readers take a snapshot.
_lock = threading.Lock()

#: What Moto's ``BaseResponse.call_action`` raises for an action it has no handler for.
_NOT_IMPLEMENTED = re.compile(r"The \S+ action has not been implemented")

#: The histories of the mocks that are active, which every call is added to.
_recorders: list[CallHistory] = []

#: The faults in force, oldest first.
_faults: list[Fault] = []

#: The stubs in force by (service, operation), oldest first.
_stubs: dict[tuple[str, str], list[Stub]] = {}


def start_recording(history: CallHistory) -> None:
    """Add every API call from now on to ``history``."""
    with _lock:
        _recorders.append(history)


def stop_recording(history: CallHistory) -> None:
    """Stop adding calls to ``history``; does nothing if it is not recording."""
    _discard(_recorders, history)


def install(item: Fault | Stub) -> None:
    """Apply a fault or stub to every attempt from now on, before older ones."""
    with _lock:
        if isinstance(item, Fault):
            _faults.append(item)
        else:
            # By operation: an attempt looks at its own operation's stubs only.
            _stubs.setdefault(item._key, []).append(item)


def uninstall(item: Fault | Stub) -> None:
    """Stop applying a fault or stub; does nothing if it is not applied."""
    with _lock:
        if isinstance(item, Fault):
            _faults[:] = [fault for fault in _faults if fault is not item]
            return
        rest = [stub for stub in _stubs.get(item._key, []) if stub is not item]
        if rest:
            _stubs[item._key] = rest
        else:
            _stubs.pop(item._key, None)


def _discard(items: list[Any], item: object) -> None:
    with _lock:
        if item in items:
            items.remove(item)


def clear() -> None:
    """Forget every recorder, fault and stub (called when the outermost mock exits)."""
    with _lock:
        _recorders.clear()
        installed: list[Fault | Stub] = [*_faults]
        for stubs in _stubs.values():
            installed.extend(stubs)
    for item in installed:
        item.remove()  # also ends it for the mock that installed it
    with _lock:
        _faults.clear()
        _stubs.clear()


def serve_in_process(in_process: bool) -> None:
    """Choose the mode for the activation that is starting (called under its lock)."""
    global _in_process
    _in_process = in_process


def note_retry_wait(seconds: float) -> None:
    """Add ``seconds`` to the retry waits of the API call under way, if any."""
    call = current_call.get()
    if call is not None:
        call.retry_waits.append(seconds)


def attempt(request: AWSPreparedRequest) -> Attempt:
    """Decide how to answer one HTTP attempt; counts it for its API call.

    The newest matching fault that fires answers it (earlier latency-only
    faults that fire add their delay); else the newest matching stub with
    an answer left; otherwise Moto does, in-process.
    """
    call = current_call.get()
    delay = 0.0
    answer: Answer | None = None
    if call is not None:
        call.attempts += 1
        call.stubbed = False
        for fault in reversed(tuple(_faults)):
            if fault._applies_to(call) and fault._fires():
                delay += fault.latency
                if fault._answers:
                    answer = fault
                    break
        stubs = _stubs.get((call.service, call.operation)) if answer is None else None
        if stubs:
            for stub in reversed(tuple(stubs)):
                stub_delay, answer = stub._take(call)
                delay += stub_delay
                if answer is not None:
                    call.stubbed = True
                    call.answered_by.append(stub._calls)
                    break
    return Attempt(call, delay, answer)


class Attempt:
    """How aiomoto answers one attempt: wait :attr:`delay` seconds, then :meth:`respond`."""

    def __init__(self, call: APICall | None, delay: float, answer: Answer | None) -> None:
        self._call = call
        self.delay = delay
        self._answer = answer
        #: Whether :meth:`respond` reads the request body (async hooks read
        #: an async body first).
        self.reads_body = answer is None and _in_process

    def respond(self, request: AWSPreparedRequest) -> MotoAnswer | None:
        """The answer, or ``None`` to send the request over HTTP as it is.

        Raises what the network would for a connection fault, and
        ``RealHTTPRequestBlockedError`` for a request that would leave the
        process.
        """
        if self._answer is not None and self._call is not None:
            return self._answer._raise_or_render(self._call, request.url, request.method)
        if not _in_process:
            return None
        found: MotoAnswer | None = None
        if botocore_stubber.enabled:
            try:
                with _gate.moto_call():  # a restore never lands halfway through an answer
                    found = botocore_stubber.process_request(request)
            except NotImplementedError as error:
                call = self._call
                if call is None or not _NOT_IMPLEMENTED.fullmatch(str(error)):
                    raise
                raise NotImplementedByMotoError(
                    call.service, call.operation, moto.__version__
                ) from error
        if found is None and not _guard.moto_lets_through(request.url):
            raise _guard.blocked_request_error(request.method, request.url)
        return found


def api_call(client: Any, operation_name: str, api_params: Mapping[str, Any]) -> APICall:
    """Run one API call of ``client`` inside ``with``; record it on the way out.

    Use as ``with api_call(...) as call: return call.done(<the SDK's call>)``.
    """
    meta = client.meta
    return APICall(
        meta.service_model, operation_name, api_params, meta.region_name, tuple(_recorders)
    )
