"""The aiobotocore side of the request path, and all aiomoto knows of aiobotocore's internals.

Each hook names the aiobotocore lines it was checked against: the 2.25 line
(the one aioboto3 15.x pins) and 3.x.

While a mock is active (between :func:`patch` and :func:`unpatch`):

- ``AioBaseClient._make_api_call`` runs each API call inside
  ``_intercept.api_call``, which records it;
- ``AioEndpoint._send``, which aiobotocore awaits for each attempt of its
  retry loop when no ``before-send`` handler answered (Moto's stubber lets
  every request pass then, see ``aiomoto._botocore``), reads a possibly
  async request body, asks ``aiomoto._intercept`` for the answer and wraps
  it in the response type the client's HTTP backend would have produced, so
  streaming bodies, checksums and errors behave as they do against AWS. When
  ``_intercept`` says so (server mode, Moto's passthrough), the request goes
  to aiohttp or httpx as usual;
- the sleep between retry attempts and adaptive mode's token bucket
  (``AsyncTokenBucket._acquire``) ask ``aiomoto._retry_waits`` whether to
  wait;
- a client with no credentials at all signs with the mock's fake ones
  (``AioRequestSigner.get_auth_instance``), as in ``aiomoto._botocore``.

Nothing is registered at import time, so sessions and clients created before
``import aiomoto`` or before the mock started are served all the same.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

import aiobotocore.awsrequest
import aiobotocore.client
import aiobotocore.endpoint
import aiobotocore.hooks
import aiobotocore.retries.bucket
import aiobotocore.signers
from aiobotocore.credentials import AioCredentials
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from aiomoto import _botocore, _intercept, _retry_waits

__all__ = ["EVENT_EMITTERS", "patch", "unpatch"]

#: The httpx module aiobotocore itself checks responses against: ``httpx2``
#: or the legacy ``httpx`` on 3.x (``aiobotocore._httpx``), ``httpx`` on
#: 2.25.x; ``None`` when neither is installed. Both lines bind it as
#: ``aiobotocore.endpoint.httpx``.
httpx: Any = aiobotocore.endpoint.httpx
HttpxSession: Any = None
if httpx is not None:
    import aiobotocore.httpxsession

    HttpxSession = aiobotocore.httpxsession.HttpxSession

#: aiobotocore's event emitters: 2.25.x and 3.x both put an
#: ``AioHierarchicalEmitter`` (botocore's handler table, awaited handlers)
#: behind botocore's own ``EventAliaser``; ``aiomoto._shared_methods``
#: reads their handler tables as botocore's.
EVENT_EMITTERS: tuple[type, ...] = (aiobotocore.hooks.AioHierarchicalEmitter,)

_AioEndpoint = aiobotocore.endpoint.AioEndpoint
_AioBaseClient = aiobotocore.client.AioBaseClient

#: The originals, as aiobotocore (2.25.x, 3.x) defines them.
_original_make_api_call = _AioBaseClient._make_api_call
_original_send = _AioEndpoint._send
_AsyncTokenBucket = aiobotocore.retries.bucket.AsyncTokenBucket
_original_acquire = _AsyncTokenBucket._acquire
_AioRequestSigner = aiobotocore.signers.AioRequestSigner
_original_get_auth_instance = _AioRequestSigner.get_auth_instance

#: 3.x: each endpoint class's own ``_sleep``, which ``_needs_retry`` awaits
#: between attempts (``AioEndpoint``: asyncio; ``AnyioEndpoint``, the httpx
#: backend's: anyio). 2.25.x has none: its ``_needs_retry`` awaits
#: ``asyncio.sleep`` from the module's globals (see ``_RetryAsyncio``).
_original_sleeps: dict[type, Any] = {
    cls: cls.__dict__["_sleep"]
    for cls in vars(aiobotocore.endpoint).values()
    if isinstance(cls, type) and issubclass(cls, _AioEndpoint) and "_sleep" in cls.__dict__
}


def patch() -> None:
    """Route aiobotocore calls and attempts through ``_intercept`` (on the outermost enter)."""
    _AioBaseClient._make_api_call = _make_api_call
    _AioEndpoint._send = _send
    _AsyncTokenBucket._acquire = _acquire
    _AioRequestSigner.get_auth_instance = _get_auth_instance
    for cls, original in _original_sleeps.items():
        setattr(cls, "_sleep", _retry_sleep(original))  # noqa: B010
    if not _original_sleeps:
        setattr(aiobotocore.endpoint, "asyncio", _RetryAsyncio())  # noqa: B010


def unpatch() -> None:
    """Restore aiobotocore as it was (called on the outermost exit)."""
    _AioBaseClient._make_api_call = _original_make_api_call
    _AioEndpoint._send = _original_send
    _AsyncTokenBucket._acquire = _original_acquire
    _AioRequestSigner.get_auth_instance = _original_get_auth_instance
    for cls, original in _original_sleeps.items():
        setattr(cls, "_sleep", original)  # noqa: B010
    if not _original_sleeps:
        setattr(aiobotocore.endpoint, "asyncio", asyncio)  # noqa: B010


def _retry_sleep(original: Any) -> Any:
    # 3.x: the endpoint's _sleep is only awaited between retry attempts.
    async def _sleep(endpoint: Any, seconds: float) -> None:
        if _retry_waits.retry_wait(seconds):
            await original(endpoint, seconds)

    return _sleep


class _RetryAsyncio:
    """``asyncio`` as 2.25.x's ``aiobotocore.endpoint`` sees it while a mock is active.

    That module uses ``asyncio`` for one thing only, the sleep between retry
    attempts in ``AioEndpoint._needs_retry``; this sends it to ``_retry_waits``.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(seconds: float) -> None:
        if _retry_waits.retry_wait(seconds):
            await asyncio.sleep(seconds)


async def _acquire(bucket: Any, amount: float, block: bool) -> Any:
    # 2.25.x and 3.x (whose AnyioTokenBucket inherits it): called with the
    # bucket's condition held.
    _retry_waits.limiter_may_wait(bucket, amount, block)
    return await _original_acquire(bucket, amount, block)


async def _get_auth_instance(
    signer: Any, *args: Any, request_credentials: Any = None, **kwargs: Any
) -> Any:
    # 2.25.x and 3.x: a coroutine that awaits the credentials' frozen copy.
    if request_credentials is None and signer._credentials is None:
        request_credentials = _botocore.fake_credentials(AioCredentials)
    return await _original_get_auth_instance(
        signer, *args, request_credentials=request_credentials, **kwargs
    )


async def _make_api_call(client: Any, operation_name: str, api_params: Any) -> Any:
    # AioBaseClient (2.25.x, 3.x) overrides botocore's _make_api_call with a
    # coroutine; one API call, all its attempts.
    with _intercept.api_call(client, operation_name, api_params) as call:
        return call.done(await _original_make_api_call(client, operation_name, api_params))


async def _send(endpoint: Any, request: AWSPreparedRequest) -> AWSResponse:
    attempt = _intercept.attempt(request)
    if attempt.delay:
        await _sleep(endpoint, attempt.delay)
    if attempt.reads_body:
        request.body = await _read_body(request.body)
    found = attempt.respond(request)
    if found is None:
        response: AWSResponse = await _original_send(endpoint, request)
        return response
    status, headers, body = found
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    # aiohttp's session lowercases header names; Moto may give non-str values.
    response_headers = {str(k).lower(): str(v) for k, v in headers.items()}
    if HttpxSession is not None and isinstance(endpoint.http_session, HttpxSession):
        return _httpx_response(request, status, response_headers, data)
    return aiobotocore.awsrequest.AioAWSResponse(
        request.url, status, response_headers, _AiohttpLikeResponse(request.url, data)
    )


async def _sleep(endpoint: Any, seconds: float) -> None:
    """Wait without blocking the event loop, the way the endpoint waits between retries.

    For a ``latency=`` fault: always waits, whatever ``_retry_waits`` decides.
    """
    own_sleep = next(
        (_original_sleeps[cls] for cls in type(endpoint).__mro__ if cls in _original_sleeps), None
    )
    if own_sleep is not None:
        # 3.x: AioEndpoint._sleep uses asyncio; AnyioEndpoint._sleep (httpx
        # backend) uses anyio, so it also works under trio.
        await own_sleep(endpoint, seconds)
    else:
        # 2.25.x: no _sleep; the endpoint runs on asyncio only.
        await asyncio.sleep(seconds)


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
