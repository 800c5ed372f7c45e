"""While mocking, requests Moto does not answer never leave the process.

The blocked endpoints below are documentation addresses (192.0.2.0/24): if
one escaped, the network guard in conftest.py would record it and fail the
test even where the error is swallowed.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import boto3
import botocore.config
import botocore.endpoint
import pytest
from aiobotocore.session import AioSession
from botocore.exceptions import EndpointConnectionError

from aiomoto import AiomotoError, RealHTTPRequestBlockedError, _guard, mock_aws
from tests.conftest import AioClientFactory

ESCAPE = "http://192.0.2.10:4566"


async def test_async_request_to_an_explicit_endpoint_is_blocked(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws():
        async with aio_client("s3", endpoint_url=ESCAPE) as s3:
            with pytest.raises(RealHTTPRequestBlockedError) as raised:
                await s3.list_buckets()
    error = raised.value
    assert error.method == "GET"
    assert error.url == f"{ESCAPE}/"
    assert f"GET {ESCAPE}/" in str(error)
    assert "explicit endpoint_url" in str(error)
    assert "passthrough" in str(error)


def test_sync_request_to_an_explicit_endpoint_is_blocked() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", endpoint_url=ESCAPE)
        with pytest.raises(RealHTTPRequestBlockedError, match=f"POST {ESCAPE}/"):
            sqs.list_queues()


def test_blocked_error_is_an_aiomoto_error() -> None:
    assert issubclass(RealHTTPRequestBlockedError, AiomotoError)


async def test_ambient_endpoint_url_is_ignored_by_clients_made_inside(
    monkeypatch: pytest.MonkeyPatch, aio_client: AioClientFactory
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", ESCAPE)
    async with mock_aws():
        boto3.client("s3").create_bucket(Bucket="inside")
        async with aio_client("s3") as s3:
            assert [b["Name"] for b in (await s3.list_buckets())["Buckets"]] == ["inside"]


async def test_ambient_endpoint_url_on_an_earlier_client_is_blocked_and_explained(
    monkeypatch: pytest.MonkeyPatch, aio_client: AioClientFactory
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", ESCAPE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    async with aio_client("s3") as s3:
        async with mock_aws():
            with pytest.raises(RealHTTPRequestBlockedError) as raised:
                await s3.list_buckets()
    message = str(raised.value)
    assert f"AWS_ENDPOINT_URL = {ESCAPE}" in message
    assert "created before the mock started" in message
    assert "server mode" in message


def test_service_specific_ambient_endpoint_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", ESCAPE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    sqs = boto3.client("sqs")
    with mock_aws():
        with pytest.raises(RealHTTPRequestBlockedError, match="AWS_ENDPOINT_URL_SQS"):
            sqs.list_queues()


def test_config_file_endpoint_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(f"[default]\nendpoint_url = {ESCAPE}\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    s3 = boto3.session.Session().client("s3")  # a fresh session reads the file
    with mock_aws():
        with pytest.raises(RealHTTPRequestBlockedError) as raised:
            s3.list_buckets()
    assert f"endpoint_url in profile 'default' of {config}" in str(raised.value)


def test_config_file_services_endpoint_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(
        f"[profile dev]\nservices = local\n\n[services local]\nsqs =\n  endpoint_url = {ESCAPE}\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    sqs = boto3.session.Session().client("sqs")
    with mock_aws():
        with pytest.raises(RealHTTPRequestBlockedError, match=f"sqs endpoint_url in {config}"):
            sqs.list_queues()


def test_unreadable_config_file_only_loses_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # Credentials given: a client made outside a mock would look for them
    # elsewhere, the instance metadata service included.
    sqs = boto3.client(
        "sqs", endpoint_url=ESCAPE, aws_access_key_id="outside", aws_secret_access_key="outside"
    )
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text("[default\nnot ini at all")
    with mock_aws():
        with pytest.raises(RealHTTPRequestBlockedError, match="explicit endpoint_url"):
            sqs.list_queues()


def _closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_moto_passthrough_url_lets_an_async_request_out(
    aio_client: AioClientFactory,
) -> None:
    endpoint = f"http://127.0.0.1:{_closed_loopback_port()}"
    config = {"core": {"passthrough": {"urls": [rf"{endpoint}/.*"]}}}
    async with mock_aws(config=config):
        async with aio_client(
            "s3", endpoint_url=endpoint, config_kwargs={"retries": {"max_attempts": 1}}
        ) as s3:
            # it reached the (closed) port instead of being blocked
            with pytest.raises(EndpointConnectionError):
                await s3.list_buckets()


def test_moto_passthrough_service_is_honoured() -> None:
    # A passed-through service keeps its real AWS URL, so only the decision
    # is tested here: sending it would leave the machine.
    url = "https://sqs.us-east-1.amazonaws.com/"
    with mock_aws(config={"core": {"passthrough": {"services": ["sqs"]}}}):
        assert _guard.moto_lets_through(url)
        assert not _guard.moto_lets_through("https://s3.amazonaws.com/")
    with mock_aws():
        assert not _guard.moto_lets_through(url)


def test_moto_passthrough_url_lets_a_sync_request_out() -> None:
    endpoint = f"http://127.0.0.1:{_closed_loopback_port()}"
    config = {"core": {"passthrough": {"urls": [rf"{endpoint}/.*"]}}}
    with mock_aws(config=config):
        retries = botocore.config.Config(retries={"max_attempts": 1})
        sqs = boto3.client("sqs", endpoint_url=endpoint, config=retries)
        with pytest.raises(EndpointConnectionError):
            sqs.list_queues()


def test_guard_is_removed_after_exit() -> None:
    original = botocore.endpoint.Endpoint._send
    with mock_aws():
        assert botocore.endpoint.Endpoint._send is not original
    assert botocore.endpoint.Endpoint._send is original


async def test_aiobotocore_send_is_restored_after_exit() -> None:
    import aiobotocore.endpoint

    original = aiobotocore.endpoint.AioEndpoint._send
    async with mock_aws():
        assert aiobotocore.endpoint.AioEndpoint._send is not original
    assert aiobotocore.endpoint.AioEndpoint._send is original


async def test_plain_moto_is_unchanged_for_aiobotocore_after_importing_aiomoto() -> None:
    # aiomoto's hook defers to Moto's own handler when aiomoto is inactive,
    # so plain moto.mock_aws fails on aiobotocore exactly as it always has.
    import moto

    with moto.mock_aws():
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            with pytest.raises(TypeError, match="can't be used in 'await' expression"):
                await s3.list_buckets()
