"""Presigned URLs made inside the mock, fetched with plain aiohttp, stay in-process.

aiohttp does not go through botocore, so ``aiomoto._aiohttp`` answers its
requests to AWS URLs from Moto. Non-AWS URLs below use reserved names and
documentation addresses (192.0.2.0/24): if one escaped, the network guard in
conftest.py would record it and fail the test.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import boto3
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from aiohttp import web
from aiohttp.test_utils import TestServer
from botocore.exceptions import EndpointConnectionError
from moto.core.models import botocore_stubber

from aiomoto import RealHTTPRequestBlockedError, mock_aws
from tests.conftest import AioClientFactory

ESCAPE = "http://reports.example.com/report.csv"
PASSTHROUGH = "http://192.0.2.10:8080/report.csv"


def _bucket_with(key: str, body: bytes) -> Any:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key=key, Body=body)
    return s3


def _presigned(s3: Any, operation: str, key: str) -> str:
    url: str = s3.generate_presigned_url(operation, Params={"Bucket": "shared", "Key": key})
    return url


async def test_presigned_get_url_from_aiobotocore_is_served_in_process(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws():
        _bucket_with("report.csv", b"a,b\n1,2\n")
        async with aio_client("s3") as s3:
            url = await s3.generate_presigned_url(
                "get_object", Params={"Bucket": "shared", "Key": "report.csv"}
            )
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "binary/octet-stream"
            assert await response.read() == b"a,b\n1,2\n"


async def test_presigned_url_for_a_key_with_spaces_and_unicode_is_served() -> None:
    async with mock_aws():
        s3 = _bucket_with("a folder/résumé.txt", b"cv")
        async with aiohttp.ClientSession() as session:
            async with session.get(_presigned(s3, "get_object", "a folder/résumé.txt")) as response:
                assert await response.read() == b"cv"


async def test_presigned_head_reports_the_object_size_without_a_body() -> None:
    async with mock_aws():
        s3 = _bucket_with("report.csv", b"12345")
        async with aiohttp.ClientSession() as session:
            async with session.head(_presigned(s3, "head_object", "report.csv")) as response:
                assert response.status == 200
                assert response.headers["Content-Length"] == "5"
                assert await response.read() == b""


async def test_presigned_put_url_uploads_an_object_that_boto3_reads() -> None:
    async with mock_aws():
        s3 = _bucket_with("unused", b"")
        async with aiohttp.ClientSession() as session:
            url = _presigned(s3, "put_object", "upload.bin")
            async with session.put(url, data=b"from aiohttp") as response:
                assert response.status == 200
        assert s3.get_object(Bucket="shared", Key="upload.bin")["Body"].read() == b"from aiohttp"


async def test_streamed_upload_body_reaches_moto_whole() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"first,"
        yield b"second"

    async with mock_aws():
        s3 = _bucket_with("unused", b"")
        async with aiohttp.ClientSession() as session:
            async with session.put(_presigned(s3, "put_object", "streamed"), data=chunks()):
                pass
        assert s3.get_object(Bucket="shared", Key="streamed")["Body"].read() == b"first,second"


async def test_upload_that_expects_100_continue_completes() -> None:
    async with mock_aws():
        s3 = _bucket_with("unused", b"")
        async with aiohttp.ClientSession() as session:
            url = _presigned(s3, "put_object", "careful")
            async with session.put(url, data=b"body", expect100=True) as response:
                assert response.status == 200
        assert s3.get_object(Bucket="shared", Key="careful")["Body"].read() == b"body"


async def test_presigned_post_form_uploads_through_aiohttp() -> None:
    async with mock_aws():
        s3 = _bucket_with("unused", b"")
        post = s3.generate_presigned_post("shared", "posted.txt")
        form = aiohttp.FormData(post["fields"])
        form.add_field("file", b"form body", filename="posted.txt")
        async with aiohttp.ClientSession() as session:
            async with session.post(post["url"], data=form) as response:
                assert response.status == 204
        assert s3.get_object(Bucket="shared", Key="posted.txt")["Body"].read() == b"form body"


async def test_large_object_streams_in_chunks() -> None:
    body = os.urandom(3 * 1024 * 1024)
    async with mock_aws():
        s3 = _bucket_with("large.bin", body)
        received = bytearray()
        async with aiohttp.ClientSession() as session:
            async with session.get(_presigned(s3, "get_object", "large.bin")) as response:
                async for chunk in response.content.iter_chunked(64 * 1024):
                    received += chunk
        assert bytes(received) == body


async def test_missing_object_answers_with_the_aws_error() -> None:
    async with mock_aws():
        s3 = _bucket_with("unused", b"")
        async with aiohttp.ClientSession() as session:
            async with session.get(_presigned(s3, "get_object", "missing")) as response:
                assert response.status == 404
                assert "<Code>NoSuchKey</Code>" in await response.text()
                with pytest.raises(aiohttp.ClientResponseError):
                    response.raise_for_status()


async def test_non_aws_url_is_blocked_before_any_dns_lookup() -> None:
    async with mock_aws(), aiohttp.ClientSession() as session:
        with pytest.raises(RealHTTPRequestBlockedError) as raised:
            await session.get(ESCAPE)
    assert raised.value.method == "GET"
    assert raised.value.url == ESCAPE
    assert "passthrough" in str(raised.value)


async def test_aws_url_that_moto_does_not_answer_is_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with mock_aws():
        s3 = _bucket_with("report.csv", b"x")
        url = _presigned(s3, "get_object", "report.csv")
        monkeypatch.setattr(botocore_stubber, "process_request", lambda request: None)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(RealHTTPRequestBlockedError, match="Moto has no handler"):
                await session.get(url)


async def test_error_raised_by_moto_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(request: Any) -> None:
        raise NotImplementedError("this feature has not been implemented in Moto yet")

    async with mock_aws():
        s3 = _bucket_with("report.csv", b"x")
        url = _presigned(s3, "get_object", "report.csv")
        monkeypatch.setattr(botocore_stubber, "process_request", fail)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(NotImplementedError, match="not been implemented"):
                await session.get(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_server_stays_reachable_while_mocked(host: str) -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="local")

    app = web.Application()
    app.router.add_get("/", hello)
    async with TestServer(app, host="127.0.0.1") as server:
        async with mock_aws(), aiohttp.ClientSession() as session:
            async with session.get(server.make_url("/").with_host(host)) as response:
                assert await response.text() == "local"


async def test_moto_passthrough_url_lets_an_aiohttp_request_out(
    network_violations: list[str],
) -> None:
    config = {"core": {"passthrough": {"urls": [r"http://192\.0\.2\.10:8080/.*"]}}}
    async with mock_aws(config=config), aiohttp.ClientSession() as session:
        # It reached the socket layer (where conftest's guard stopped it)
        # instead of being blocked by aiomoto.
        with pytest.raises(aiohttp.ClientConnectorError):
            await session.get(PASSTHROUGH)
    assert network_violations == ["connect to ('192.0.2.10', 8080)"]
    network_violations.clear()


async def test_aiobotocore_passthrough_request_still_goes_out_through_aiohttp(
    network_violations: list[str],
) -> None:
    config = {"core": {"passthrough": {"urls": [r"http://192\.0\.2\.10:8080/.*"]}}}
    no_retries = AioConfig(retries={"total_max_attempts": 1})
    async with mock_aws(config=config):
        session = AioSession()
        async with session.create_client(
            "sqs", endpoint_url="http://192.0.2.10:8080", config=no_retries
        ) as sqs:
            with pytest.raises(EndpointConnectionError):
                await sqs.list_queues()
    assert network_violations == ["connect to ('192.0.2.10', 8080)"]
    network_violations.clear()


async def test_aiohttp_connections_are_restored_after_exit() -> None:
    original = aiohttp.TCPConnector._create_connection
    async with mock_aws():
        assert aiohttp.TCPConnector._create_connection is not original
    assert aiohttp.TCPConnector._create_connection is original


async def test_connections_to_moto_are_not_kept_for_reuse() -> None:
    async with mock_aws():
        s3 = _bucket_with("report.csv", b"x")
        connector = aiohttp.TCPConnector()
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(_presigned(s3, "get_object", "report.csv")) as response:
                await response.read()
            # Nothing pooled, so no connection to the in-process Moto
            # could be reused for a real request after the mock exits.
            assert not connector._conns


async def test_hop_by_hop_headers_in_an_answer_are_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # They describe a connection; the in-process one has its own.
    answer = (200, {"Connection": "keep-alive", "Transfer-Encoding": "chunked"}, "plain")
    async with mock_aws():
        s3 = _bucket_with("report.csv", b"x")
        url = _presigned(s3, "get_object", "report.csv")
        monkeypatch.setattr(botocore_stubber, "process_request", lambda request: answer)
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert await response.text() == "plain"
            assert "Transfer-Encoding" not in response.headers


async def test_sockets_are_closed_when_the_in_process_connection_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[socket.socket] = []

    def socketpair() -> tuple[socket.socket, socket.socket]:
        pair = real_socketpair()
        made.extend(pair)
        return pair

    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("refused")

    real_socketpair = socket.socketpair
    async with mock_aws():
        s3 = _bucket_with("report.csv", b"x")
        url = _presigned(s3, "get_object", "report.csv")
        async with aiohttp.ClientSession() as session:
            monkeypatch.setattr(socket, "socketpair", socketpair)
            loop = asyncio.get_running_loop()
            monkeypatch.setattr(loop, "connect_accepted_socket", refuse)
            with pytest.raises(aiohttp.ClientError):
                await session.get(url)
    assert len(made) == 2
    assert all(sock.fileno() == -1 for sock in made)
