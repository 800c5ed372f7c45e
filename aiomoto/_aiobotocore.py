"""The bridge between aiobotocore and Moto's request handler.

Everything aiomoto knows about aiobotocore's internals lives in this module.
Each hook names the aiobotocore lines it was checked against: the 2.25 line
(the one aioboto3 15.x pins) and 3.x define all three the same way.

Moto answers botocore requests from a ``before-send`` handler (its
``BotocoreStubber``, a built-in handler of every session, aiobotocore's
included). Its answer is a sync response that aiobotocore cannot await, so
while aiomoto is active (between :func:`patch` and :func:`unpatch`):

1. ``AioEndpoint.create_request`` tags each request it prepares as async.
2. Moto's stubber lets tagged requests pass unanswered, so Moto never sees
   one twice; sync requests are answered exactly as before.
3. ``AioEndpoint._send`` (which would hand the request to aiohttp or httpx)
   reads the possibly async request body, asks Moto, and wraps the answer in
   the response type the client's HTTP backend would have produced, so
   streaming bodies, checksums and errors behave as they do against AWS. A
   request Moto does not answer raises
   :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError` unless Moto's
   ``passthrough`` config lets it out.

Nothing is registered at import time, so sessions and clients created before
``import aiomoto`` or before the mock started are served all the same.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

import aiobotocore.awsrequest
import aiobotocore.endpoint
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.models import botocore_stubber

from aiomoto import _guard

__all__ = ["patch", "unpatch"]

#: The httpx module aiobotocore itself checks responses against: ``httpx2``
#: or the legacy ``httpx`` on 3.x (``aiobotocore._httpx``), ``httpx`` on
#: 2.25.x; ``None`` when neither is installed. Both lines bind it as
#: ``aiobotocore.endpoint.httpx``.
httpx: Any = aiobotocore.endpoint.httpx
HttpxSession: Any = None
if httpx is not None:
    import aiobotocore.httpxsession

    HttpxSession = aiobotocore.httpxsession.HttpxSession

_AioEndpoint = aiobotocore.endpoint.AioEndpoint

#: The originals, as aiobotocore (2.25.x, 3.x) and Moto (5.x) define them.
_original_create_request = _AioEndpoint.create_request
_original_send = _AioEndpoint._send
_original_stubber_call = BotocoreStubber.__call__

#: Attribute set on requests prepared by an aiobotocore endpoint.
_ASYNC_TAG = "_aiomoto_async"


def patch() -> None:
    """Serve aiobotocore requests from Moto (called on the outermost enter)."""
    _swap(_tagging_create_request, _send_to_moto, _stubber_call)


def unpatch() -> None:
    """Restore aiobotocore and Moto as they were (called on the outermost exit)."""
    _swap(_original_create_request, _original_send, _original_stubber_call)


def _swap(create_request: Any, send: Any, stubber_call: Any) -> None:
    _AioEndpoint.create_request = create_request
    _AioEndpoint._send = send
    setattr(BotocoreStubber, "__call__", stubber_call)  # noqa: B010


async def _tagging_create_request(
    endpoint: Any, params: Any, operation_model: Any = None
) -> AWSPreparedRequest:
    request: AWSPreparedRequest = await _original_create_request(endpoint, params, operation_model)
    setattr(request, _ASYNC_TAG, True)
    return request


def _stubber_call(
    stubber: BotocoreStubber, event_name: str, request: Any, **kwargs: Any
) -> AWSResponse | None:
    if getattr(request, _ASYNC_TAG, False):
        return None  # answered by _send_to_moto, which knows the HTTP backend
    response: AWSResponse | None = _original_stubber_call(stubber, event_name, request, **kwargs)
    return response


async def _send_to_moto(endpoint: Any, request: AWSPreparedRequest) -> AWSResponse:
    request.body = await _read_body(request.body)
    answer = botocore_stubber.process_request(request) if botocore_stubber.enabled else None
    if answer is None:
        if _guard.moto_lets_through(request.url):
            response: AWSResponse = await _original_send(endpoint, request)
            return response
        raise _guard.blocked_request_error(request.method, request.url)
    status, headers, body = answer
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    # aiohttp's session lowercases header names; Moto may give non-str values.
    response_headers = {str(k).lower(): str(v) for k, v in headers.items()}
    if HttpxSession is not None and isinstance(endpoint.http_session, HttpxSession):
        return _httpx_response(request, status, response_headers, data)
    return aiobotocore.awsrequest.AioAWSResponse(
        request.url, status, response_headers, _AiohttpLikeResponse(request.url, data)
    )


async def _read_body(body: Any) -> bytes:
    """Return a request body as bytes, awaiting async readers and iterables.

    Moto reads request bodies synchronously; aiobotocore may hand over an
    async reader (``AioAwsChunkedWrapper`` for flexible checksums, aiohttp
    streams) or an async iterable.
    """
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        if inspect.isawaitable(data):
            data = await data
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, AsyncIterable):
        return b"".join([bytes(chunk) async for chunk in body])
    return b"".join(bytes(chunk) for chunk in body)


def _httpx_response(
    request: AWSPreparedRequest, status: int, headers: Mapping[str, str], data: bytes
) -> AWSResponse:
    # aiobotocore picks ``AioHttpxStreamingBody`` only when ``raw`` is an
    # ``httpx.Response``, so build a real one around an async byte stream.
    raw = httpx.Response(
        status,
        headers=list(headers.items()),
        stream=_HttpxByteStream(data),
        request=httpx.Request(request.method, request.url),
    )
    return aiobotocore.awsrequest.HttpxAWSResponse(request.url, status, headers, raw)


if httpx is not None:

    class _HttpxByteStream(httpx.AsyncByteStream):  # type: ignore[misc]
        """A one-shot async stream over a body Moto already produced."""

        def __init__(self, data: bytes) -> None:
            self._data = data

        async def __aiter__(self) -> AsyncIterator[bytes]:
            if self._data:
                yield self._data


class _StreamReader:
    """The subset of ``aiohttp.StreamReader`` that aiobotocore reads from.

    ``AioStreamingBody`` calls ``read(n)`` and ``at_eof()``; event streams
    iterate ``iter_chunks()``. No event loop is involved, so it works under
    asyncio and trio alike.
    """

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def at_eof(self) -> bool:
        return self._pos >= len(self._data)

    async def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n is None or n < 0 else self._pos + n
        chunk = self._data[self._pos : end].tobytes()
        self._pos += len(chunk)
        return chunk

    async def readany(self) -> bytes:
        return await self.read()

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while not self.at_eof():
            yield await self.read(), True


class _AiohttpLikeResponse:
    """The subset of ``aiohttp.ClientResponse`` that aiobotocore uses as ``raw``.

    aiobotocore 2.25.x's ``StreamingBody`` proxies every other attribute to
    ``raw`` and delegates ``async with`` to it, as aiohttp's response allows.
    """

    def __init__(self, url: str, data: bytes) -> None:
        self.url = url
        self.content = _StreamReader(data)
        self.closed = False

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        self.closed = True

    def release(self) -> None:
        self.closed = True

    async def __aenter__(self) -> _AiohttpLikeResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.release()
