"""The bridge between aiobotocore and Moto's request handler.

Everything aiomoto knows about aiobotocore's internals lives in this module.
Each hook names the aiobotocore lines it was checked against; both hooks
exist unchanged in the 2.25 line (the one aioboto3 15.x pins) and in 3.x.

How a request flows while aiomoto is active:

1. Moto registers its ``BotocoreStubber`` as a built-in ``before-send``
   handler. For aiobotocore sessions we register :func:`_before_send`
   in its place, which answers nothing while aiomoto is active, so Moto never
   sees the request twice (``emit`` calls every handler).
2. With no ``before-send`` answer, ``AioEndpoint._send`` would hand the
   request to the HTTP session. :func:`_send_to_moto` replaces it: it reads
   the (possibly async) request body, asks Moto, and wraps Moto's answer in
   the response type that the client's HTTP backend (aiohttp or httpx) would
   have produced, so streaming bodies, checksums and errors behave as they do
   against AWS.
3. A request Moto does not answer is refused with
   :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError` instead of
   reaching the network, unless Moto's ``passthrough`` config lets it out.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiobotocore.awsrequest
import aiobotocore.endpoint
import aiobotocore.hooks
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.models import botocore_stubber

from aiomoto import _guard

#: The httpx module aiobotocore itself checks responses against: ``httpx2``
#: or the legacy ``httpx`` on 3.x (``aiobotocore._httpx``), ``httpx`` on
#: 2.25.x; ``None`` when neither is installed. Both lines bind it as
#: ``aiobotocore.endpoint.httpx``.
httpx: Any = aiobotocore.endpoint.httpx
HttpxSession: Any = None
if httpx is not None:
    from aiobotocore.httpxsession import HttpxSession

__all__ = ["install", "patch_endpoint", "unpatch_endpoint"]

_SendFunc = Callable[[Any, AWSPreparedRequest], Awaitable[AWSResponse]]

#: ``AioEndpoint._send`` as aiobotocore defines it (2.25.x and 3.x), kept for
#: passthrough requests and to restore on the outermost exit.
_original_send: _SendFunc = aiobotocore.endpoint.AioEndpoint._send

#: Set while an in-process mock is active; read by :func:`_before_send`.
_active = False


def install() -> None:
    """Route Moto's built-in handler for aiobotocore sessions through aiomoto.

    aiobotocore (2.25.x and 3.x) swaps built-in botocore handlers for async
    twins through ``aiobotocore.hooks._HANDLER_MAPPING`` when a session
    registers them. Adding Moto's stubber there means every ``AioSession``
    created after ``import aiomoto`` gets :func:`_before_send` instead. It
    is idempotent and changes nothing while no aiomoto mock is active.
    """
    aiobotocore.hooks._HANDLER_MAPPING[botocore_stubber] = _before_send


def _before_send(**kwargs: Any) -> AWSResponse | None:
    # While aiomoto is active the patched ``_send`` answers instead, because
    # it knows which HTTP backend the client uses. Otherwise behave exactly
    # as Moto's stubber would, so plain ``moto.mock_aws`` is unaffected.
    if _active:
        return None
    response: AWSResponse | None = botocore_stubber(**kwargs)
    return response


def patch_endpoint() -> None:
    """Answer aiobotocore requests from Moto (called on the outermost enter)."""
    global _active
    aiobotocore.endpoint.AioEndpoint._send = _send_to_moto  # type: ignore[method-assign]
    _active = True


def unpatch_endpoint() -> None:
    """Restore aiobotocore's own ``_send`` (called on the outermost exit)."""
    global _active
    _active = False
    aiobotocore.endpoint.AioEndpoint._send = _original_send  # type: ignore[method-assign]


async def _send_to_moto(
    endpoint: aiobotocore.endpoint.AioEndpoint, request: AWSPreparedRequest
) -> AWSResponse:
    request.body = await _read_body(request.body)
    answer = botocore_stubber.process_request(request)
    if answer is None:
        if _guard.moto_lets_through(request.url):
            return await _original_send(endpoint, request)
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

    class _HttpxByteStream(httpx.AsyncByteStream):
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
    """The subset of ``aiohttp.ClientResponse`` that aiobotocore uses as ``raw``."""

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
