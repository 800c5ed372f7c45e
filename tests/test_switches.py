"""Moto's environment switches: TEST_SERVER_MODE, MOTO_CALL_RESET_API, TEST_PROXY_MODE."""

from __future__ import annotations

import os
import subprocess
import textwrap

import boto3
import pytest

from aiomoto import (
    AiomotoError,
    AutoEndpointMode,
    ModeConflictError,
    MotoServer,
    ProxyModeUnsupportedError,
    ServerUnreachableError,
    _activation,
    _switches,
    mock_aws,
)
from tests.conftest import AioClientFactory
from tests.test_cli import read_endpoint
from tests.test_server_mode import bucket_names, make_bucket, server_threads


@pytest.fixture
def test_server_mode(monkeypatch: pytest.MonkeyPatch, moto_server: MotoServer) -> MotoServer:
    """TEST_SERVER_MODE=true with TEST_SERVER_MODE_ENDPOINT at a running server."""
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", moto_server.endpoint)
    return moto_server


# -- reading the switches -----------------------------------------------------


def test_server_mode_is_off_unless_the_variable_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _switches.environment_server() is None
    monkeypatch.setenv("TEST_SERVER_MODE", "1")  # Moto only takes "true"
    assert _switches.environment_server() is None


def test_server_mode_defaults_to_moto_s_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "True")
    options = _switches.environment_server()
    assert options is not None
    assert options.endpoint == "http://localhost:5000"
    assert options.auto_endpoint is AutoEndpointMode.IF_MISSING
    assert options.endpoint_variable == "TEST_SERVER_MODE_ENDPOINT"
    assert options.reset_api is True


@pytest.mark.parametrize(
    ("variables", "endpoint", "reset_api"),
    [
        ({"MOTO_PORT": "5123"}, "http://localhost:5123", True),
        ({"TEST_SERVER_MODE_ENDPOINT": "http://127.0.0.1:4000/"}, "http://127.0.0.1:4000", True),
        ({"MOTO_CALL_RESET_API": "False"}, "http://localhost:5000", False),
    ],
    ids=["MOTO_PORT", "TEST_SERVER_MODE_ENDPOINT", "MOTO_CALL_RESET_API"],
)
def test_the_variables_moto_reads_beside_it_apply(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], endpoint: str, reset_api: bool
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    options = _switches.environment_server()
    assert options is not None
    assert (options.endpoint, options.reset_api) == (endpoint, reset_api)


def test_a_bad_endpoint_variable_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", "localhost:5000")
    with pytest.raises(ValueError, match="TEST_SERVER_MODE_ENDPOINT must be a server's base URL"):
        mock_aws().start()
    assert not _activation.is_active()


# -- TEST_SERVER_MODE=true ----------------------------------------------------


def test_clients_without_an_endpoint_go_to_the_server(test_server_mode: MotoServer) -> None:
    with mock_aws() as aws:
        assert aws.server_endpoint == test_server_mode.endpoint
        s3 = boto3.client("s3", region_name="us-east-1")
        assert s3.meta.endpoint_url == test_server_mode.endpoint
        s3.create_bucket(Bucket="on-the-server")
        assert bucket_names(test_server_mode.endpoint) == {"on-the-server"}


def test_clients_given_an_endpoint_keep_it(test_server_mode: MotoServer) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url="http://localhost:4566")
        assert s3.meta.endpoint_url == "http://localhost:4566"


async def test_aiobotocore_clients_go_to_the_server(
    test_server_mode: MotoServer, aio_client: AioClientFactory
) -> None:
    async with mock_aws():
        async with aio_client("s3") as s3:
            assert s3.meta.endpoint_url == test_server_mode.endpoint
            await s3.create_bucket(Bucket="from-aiobotocore")
    assert bucket_names(test_server_mode.endpoint) == set()  # removed on exit


def test_the_decorator_and_the_server_mode_are_read_when_entered(
    monkeypatch: pytest.MonkeyPatch, moto_server: MotoServer
) -> None:
    @mock_aws
    def decorated() -> str | None:
        return boto3.client("s3", region_name="us-east-1").meta.endpoint_url

    assert decorated() == "https://s3.amazonaws.com"
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", moto_server.endpoint)
    assert decorated() == moto_server.endpoint


def test_nothing_is_started_or_stopped(test_server_mode: MotoServer) -> None:
    threads_before = server_threads()
    with mock_aws():
        assert server_threads() == threads_before
    assert test_server_mode.running


def test_the_outermost_enter_resets_the_server(test_server_mode: MotoServer) -> None:
    make_bucket("left-over", test_server_mode.endpoint)
    with mock_aws():
        assert bucket_names() == set()


def test_the_outermost_exit_removes_the_data(test_server_mode: MotoServer) -> None:
    with mock_aws():
        make_bucket("made-inside")
    assert bucket_names(test_server_mode.endpoint) == set()


def test_reset_false_and_remove_data_false_keep_the_data(test_server_mode: MotoServer) -> None:
    make_bucket("before", test_server_mode.endpoint)
    with mock_aws(reset=False, remove_data=False):
        make_bucket("inside")
    assert bucket_names(test_server_mode.endpoint) == {"before", "inside"}


def test_moto_call_reset_api_false_keeps_the_servers_data(
    test_server_mode: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_CALL_RESET_API", "false")
    make_bucket("before", test_server_mode.endpoint)
    with mock_aws() as aws:
        make_bucket("inside")
        aws.reset()
        assert bucket_names() == {"before", "inside"}
    assert bucket_names(test_server_mode.endpoint) == {"before", "inside"}


def test_reset_empties_the_server(test_server_mode: MotoServer) -> None:
    with mock_aws() as aws:
        make_bucket("inside")
        aws.reset()
        assert bucket_names() == set()


def test_nested_mocks_share_the_server(test_server_mode: MotoServer) -> None:
    with mock_aws() as outer:
        make_bucket("outer")
        with mock_aws() as inner, mock_aws(server_mode=True) as explicit:
            assert inner.server_endpoint == explicit.server_endpoint == outer.server_endpoint
            assert bucket_names() == {"outer"}


def test_an_explicit_server_mode_mock_still_starts_its_own_server(
    test_server_mode: MotoServer,
) -> None:
    with mock_aws(server_mode=True) as aws:
        assert aws.server_endpoint != test_server_mode.endpoint
        with pytest.raises(ModeConflictError, match="from TEST_SERVER_MODE_ENDPOINT"):
            mock_aws().start()


def test_an_environment_mock_inside_an_explicit_one_must_agree_with_it(
    test_server_mode: MotoServer,
) -> None:
    with mock_aws(server_mode=True, server_endpoint=test_server_mode.endpoint):
        with pytest.raises(ModeConflictError) as caught:
            mock_aws().start()
    assert str(caught.value).startswith(
        "A mock_aws() in server mode from the environment "
        "(auto_endpoint=AutoEndpointMode.IF_MISSING) was entered while server mode is "
        "active with auto_endpoint=AutoEndpointMode.FORCE"
    )


def test_the_environment_is_restored_after_the_mock(test_server_mode: MotoServer) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    with mock_aws():
        assert os.environ["AWS_ENDPOINT_URL"] == test_server_mode.endpoint
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_an_unreachable_endpoint_names_it_and_the_variable(
    monkeypatch: pytest.MonkeyPatch, refused_port: int
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("MOTO_PORT", str(refused_port))
    endpoint = f"http://localhost:{refused_port}"
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    with pytest.raises(ServerUnreachableError) as caught:
        mock_aws().start()
    message = str(caught.value)
    assert f"No Moto server answers at {endpoint}" in message
    assert "The endpoint comes from TEST_SERVER_MODE_ENDPOINT" in message
    assert caught.value.variable == "TEST_SERVER_MODE_ENDPOINT"
    assert not _activation.is_active()
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_config_is_refused_under_test_server_mode(test_server_mode: MotoServer) -> None:
    mock = mock_aws(config={"batch": {"use_docker": False}})
    with pytest.raises(ValueError, match="TEST_SERVER_MODE=true runs this mock against"):
        mock.start()
    assert not _activation.is_active()


# -- TEST_PROXY_MODE=true -----------------------------------------------------


def test_proxy_mode_raises_when_the_mock_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PROXY_MODE", "true")
    with pytest.raises(ProxyModeUnsupportedError) as caught:
        mock_aws()
    assert "TEST_PROXY_MODE=true asks for Moto's proxy mode" in str(caught.value)
    assert "set TEST_SERVER_MODE=true" in str(caught.value)
    with pytest.raises(ProxyModeUnsupportedError):

        @mock_aws
        def decorated() -> None:
            """Never decorated."""


def test_proxy_mode_raises_when_the_mock_is_entered(monkeypatch: pytest.MonkeyPatch) -> None:
    mock = mock_aws()
    monkeypatch.setenv("TEST_PROXY_MODE", "TRUE")
    with pytest.raises(ProxyModeUnsupportedError):
        mock.start()
    assert not _activation.is_active()


def test_proxy_mode_unsupported_error_is_an_aiomoto_error() -> None:
    assert issubclass(ProxyModeUnsupportedError, AiomotoError)


# -- a whole suite against `python -m aiomoto server` --------------------------

SUITE = """
    import boto3
    from aiobotocore.session import AioSession
    from aiomoto import mock_aws

    @mock_aws
    def test_1_boto3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="first")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["first"]

    async def test_2_aiobotocore(aws):
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="second")
            names = [b["Name"] for b in (await s3.list_buckets())["Buckets"]]
        assert names == EXPECTED
"""


@pytest.fixture
def aiomoto_server(cli_process: subprocess.Popen[str]) -> str:
    """The endpoint of ``python -m aiomoto server`` in a child process."""
    return read_endpoint(cli_process)


@pytest.mark.parametrize(
    ("reset_api", "expected"),
    [("true", ["second"]), ("false", ["first", "second"])],
    ids=["reset-between-tests", "MOTO_CALL_RESET_API=false"],
)
def test_a_suite_runs_against_a_server_under_test_server_mode(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    aiomoto_server: str,
    reset_api: str,
    expected: list[str],
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", aiomoto_server)
    monkeypatch.setenv("MOTO_CALL_RESET_API", reset_api)
    pytester.makepyfile(test_against_server=textwrap.dedent(SUITE) + f"\nEXPECTED = {expected!r}\n")
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-o", "asyncio_mode=auto")
    result.assert_outcomes(passed=2)
    left = set() if reset_api == "true" else {"first", "second"}
    assert bucket_names(aiomoto_server) == left
