"""The one path where aiomoto answers: every HTTP attempt of every client passes here.

While a mock is active, the HTTP hooks of both SDKs (``aiomoto._botocore``
for botocore and boto3, ``aiomoto._aiobotocore`` for aiobotocore and what is
built on it) hand each attempt to :func:`answer`, from inside the SDK's
retry loop, in place of the call that would put it on the wire. Those hooks
only adapt I/O (reading an async body, sleeping without blocking, building
the response type their HTTP backend expects); what the answer is gets
decided here, once, for sync and async clients, in-process and server mode:

- in-process, Moto answers; a request Moto does not recognise raises
  :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError`, unless Moto's
  ``passthrough`` config lets it out;
- in server mode, the request goes to the server over HTTP as it is.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSPreparedRequest
from moto.core.models import botocore_stubber

from aiomoto import _guard

__all__ = ["MotoAnswer", "answer", "reads_body", "serve_in_process"]

#: A response as Moto's handlers produce it: status, headers, body.
MotoAnswer = tuple[int, Any, Any]

#: Whether the active mock answers in-process (``False``: server mode).
_in_process = True


def serve_in_process(in_process: bool) -> None:
    """Choose the mode for the activation that is starting (called under its lock)."""
    global _in_process
    _in_process = in_process


def reads_body() -> bool:
    """Whether :func:`answer` reads the request body (the async hook must read it first)."""
    return _in_process


def answer(request: AWSPreparedRequest) -> MotoAnswer | None:
    """Answer one attempt, or return ``None`` to send it over HTTP as it is.

    In-process, ``request.body`` must be readable synchronously (the async
    hook reads an async body first). Raises ``RealHTTPRequestBlockedError``
    for a request that would leave the process.
    """
    if not _in_process:
        return None
    found: MotoAnswer | None = (
        botocore_stubber.process_request(request) if botocore_stubber.enabled else None
    )
    if found is None and not _guard.moto_lets_through(request.url):
        raise _guard.blocked_request_error(request.method, request.url)
    return found
