"""AWS URLs fetched with plain aiohttp (presigned URLs, say), answered by Moto.

Moto serves the ``requests`` library through ``responses``, but nothing stops
an ``aiohttp.ClientSession`` from taking a presigned URL to the network.
While aiomoto is active (between :func:`patch` and :func:`unpatch`),
``aiohttp.TCPConnector._create_connection`` (aiohttp 3.x; the one private
hook this module needs) decides, per connection, before any DNS lookup:

- a URL Moto's ``core.passthrough`` config lets out connects as usual;
- an AWS URL (one Moto has a backend for, or any ``*.amazonaws.com`` URL)
  is connected to an in-process socket pair whose far end is a one-request
  ``aiohttp.web.Server`` that asks Moto. The client side is aiohttp's own
  code end to end, so the response is a real ``ClientResponse``: headers,
  status codes, streaming, ``raise_for_status`` and chunked uploads behave
  as against AWS;
- a loopback host (a local test server) connects as usual: it never leaves
  the machine;
- anything else raises :class:`~aiomoto.exceptions.RealHTTPRequestBlockedError`.

aiobotocore's own requests never reach aiohttp while aiomoto is active
(``aiomoto._aiobotocore`` answers them first), except URLs that Moto's
passthrough config lets out, which this hook lets out too.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import ipaddress
import re
import socket
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.client_proto import ResponseHandler
from botocore.awsrequest import AWSPreparedRequest
from botocore.compat import HTTPHeaders
from moto import backend_index
from moto.core.models import botocore_stubber
from moto.core.utils import get_equivalent_url_in_aws_domain
from werkzeug.wrappers import Request as WerkzeugRequest

from aiomoto import _guard

if TYPE_CHECKING:  # aiohttp's server side loads when a URL is first answered
    from aiohttp import web

__all__ = ["patch", "unpatch"]

#: aiohttp 3.x's own connection factory, restored by :func:`unpatch`.
_original_create_connection = aiohttp.TCPConnector._create_connection

#: Moto answers unknown ``*.amazonaws.com`` URLs itself (a 404), so they
#: count as AWS URLs too.
_AMAZONAWS_URL = re.compile(r"https?://.+\.amazonaws\.com/.*")

#: Newer Moto (5.2.5, say) normalises whatever request its handler is given
#: in ``moto.core.request``, form posts included. Older Moto (5.1.2, say),
#: which has no such module, parses form posts only from a werkzeug request,
#: as its own ``requests`` hook builds; this module then builds one too.
_MOTO_NORMALISES_REQUESTS = importlib.util.find_spec("moto.core.request") is not None

#: Hop-by-hop headers that belong to the in-process connection, not to Moto.
_CONNECTION_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding"})


def patch() -> None:
    """Answer aiohttp requests to AWS URLs from Moto (called on the outermost enter)."""
    setattr(aiohttp.TCPConnector, "_create_connection", _create_connection)  # noqa: B010


def unpatch() -> None:
    """Restore aiohttp's own connections (called on the outermost exit)."""
    setattr(aiohttp.TCPConnector, "_create_connection", _original_create_connection)  # noqa: B010


async def _create_connection(
    connector: aiohttp.TCPConnector, req: Any, traces: Any, timeout: Any
) -> ResponseHandler:
    url = str(req.url)
    if not _guard.moto_lets_through(url):
        if _served_by_moto(url):
            return await _connect_to_moto(url)
        if not _is_loopback(req.url.host):
            raise _guard.blocked_request_error(req.method, url)
    protocol: ResponseHandler = await _original_create_connection(connector, req, traces, timeout)
    return protocol


def _served_by_moto(url: str) -> bool:
    # The same URL normalisation Moto's request handler applies.
    parsed, _ = get_equivalent_url_in_aws_domain(url)
    clean_url = f"{parsed.scheme}://{parsed.netloc}{parsed.path}"
    return bool(_AMAZONAWS_URL.match(clean_url)) or any(
        pattern.match(clean_url) for _, pattern in backend_index.backend_url_patterns
    )


def _is_loopback(host: str | None) -> bool:
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _connect_to_moto(url: str) -> ResponseHandler:
    """Connect a new aiohttp client protocol to an in-process Moto responder."""
    from aiohttp import web

    loop = asyncio.get_running_loop()
    client_end, server_end = socket.socketpair()
    try:
        protocol = ResponseHandler(loop=loop)
        server = web.Server(_MotoResponder(url, protocol).answer, access_log=None)
        await loop.connect_accepted_socket(server, server_end)
        await loop.create_connection(lambda: protocol, sock=client_end)
    except BaseException:
        client_end.close()
        server_end.close()
        raise
    return protocol


class _MotoResponder:
    """The far end of one in-process connection: one request, one Moto answer."""

    def __init__(self, url: str, client: ResponseHandler) -> None:
        # The URL as the client asked for it; the request line on the wire
        # holds only its path, or an absolute URL when a proxy is configured.
        self.url = url
        self.client = client

    async def answer(self, request: web.BaseRequest) -> web.StreamResponse:
        from aiohttp import web

        if request.headers.get("Expect", "").lower() == "100-continue":
            # aiohttp's client holds the body back until it hears this.
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        moto_request = _moto_request(
            request.method, self.url, request.headers, await request.read()
        )
        try:
            answer = botocore_stubber.process_request(moto_request)
            if answer is None:
                raise _guard.blocked_request_error(request.method, self.url)
        except Exception as exc:  # noqa: BLE001 - handed to the client that asked
            # Raise Moto's error where the request was made, as botocore
            # clients see it, instead of turning it into an HTTP 500.
            self.client.set_exception(exc)
            response = web.Response(status=500)
            response.force_close()
            return response
        status, moto_headers, body = answer
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        response = web.Response(status=status, body=data)
        for name, value in moto_headers.items():
            name = str(name)
            if name.lower() in _CONNECTION_HEADERS:
                continue
            if name.lower() == "content-length" and request.method != "HEAD":
                continue  # computed from the body Moto gave
            response.headers[name] = str(value)
        # One request per connection: aiohttp then closes it instead of
        # pooling it, so no pooled connection outlives the mock.
        response.force_close()
        return response


def _moto_request(method: str, url: str, headers: Mapping[str, str], body: bytes) -> Any:
    """Build the request object the installed Moto's handler reads fully."""
    # aiohttp's server has already undone any chunked transfer encoding.
    kept = [(k, v) for k, v in headers.items() if k.lower() not in _CONNECTION_HEADERS]
    if _MOTO_NORMALISES_REQUESTS:
        http_headers = HTTPHeaders()
        for name, value in kept:
            http_headers[name] = value
        return AWSPreparedRequest(
            method=method, url=url, headers=http_headers, body=body, stream_output=False
        )
    parts = urlsplit(url)  # pragma: no cover - older Moto, in the old matrix cell
    return WerkzeugRequest.from_values(  # pragma: no cover
        base_url=f"{parts.scheme}://{parts.netloc}",
        path=f"{parts.path}?{parts.query}",
        method=method,
        headers=kept,
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=headers.get("Content-Type"),
    )
