"""Server mode: a real local endpoint, and clients pointed at it."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import unittest
import urllib.request
from typing import Any

import boto3
import botocore.session
import pytest
from aiobotocore.session import AioSession

from aiomoto import (
    AiomotoError,
    AutoEndpointMode,
    ModeConflictError,
    MotoServer,
    MotoServerError,
    NotInServerModeError,
    ServerModeDependencyError,
    ServerUnreachableError,
    _activation,
    _environment,
    _server_options,
    _server_session,
    mock_aws,
    mock_aws_decorator,
    server,
)
from tests.conftest import AioClientFactory

# -- helpers -----------------------------------------------------------------

#: Credentials for talking to a server from outside any mock.
OUTSIDE = {"aws_access_key_id": "outside", "aws_secret_access_key": "outside"}


def bucket_names(endpoint: str | None = None) -> set[str]:
    kwargs: dict[str, Any] = {} if endpoint is None else {"endpoint_url": endpoint, **OUTSIDE}
    s3 = boto3.client("s3", region_name="us-east-1", **kwargs)
    return {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}


def make_bucket(name: str, endpoint: str | None = None) -> None:
    kwargs: dict[str, Any] = {} if endpoint is None else {"endpoint_url": endpoint, **OUTSIDE}
    boto3.client("s3", region_name="us-east-1", **kwargs).create_bucket(Bucket=name)


def answers(endpoint: str) -> bool:
    try:
        server.wait_until_answering(endpoint)
    except ServerUnreachableError:
        return False
    return True


def server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("aiomoto-server-")]


def aws_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


def create_client_methods() -> tuple[Any, Any]:
    return (
        botocore.session.Session.__dict__["create_client"],
        AioSession.__dict__["create_client"],
    )


# -- 1. starting a server ----------------------------------------------------


def test_server_mode_serves_boto3_clients_from_a_local_server() -> None:
    with mock_aws(server_mode=True) as aws:
        make_bucket("demo")
        assert bucket_names(aws.server_endpoint) == {"demo"}


def test_server_endpoint_host_and_port_are_exposed_while_active() -> None:
    with mock_aws(server_mode=True) as aws:
        assert aws.server_host == "127.0.0.1"
        assert isinstance(aws.server_port, int)
        assert aws.server_port > 0
        assert aws.server_endpoint == f"http://127.0.0.1:{aws.server_port}"


@pytest.mark.parametrize("attribute", ["server_endpoint", "server_host", "server_port"])
def test_server_attributes_raise_when_not_active(attribute: str) -> None:
    mock = mock_aws(server_mode=True)
    with pytest.raises(NotInServerModeError, match=f"{attribute} .*this mock is not active"):
        getattr(mock, attribute)
    assert getattr(mock, attribute, None) is None  # an AttributeError, as it should be


@pytest.mark.parametrize("attribute", ["server_endpoint", "server_host", "server_port"])
def test_server_attributes_raise_in_process(attribute: str) -> None:
    with mock_aws() as aws:
        with pytest.raises(NotInServerModeError, match="this mock is in-process"):
            getattr(aws, attribute)


def test_server_answers_as_soon_as_it_has_started() -> None:
    with MotoServer() as running:
        with urllib.request.urlopen(f"{running.endpoint}/moto-api/config") as response:
            assert response.status == 201


def test_servers_started_side_by_side_get_different_free_ports() -> None:
    with MotoServer() as first, MotoServer() as second:
        assert first.port != second.port


def test_server_listens_on_loopback_only_by_default() -> None:
    with MotoServer() as running:
        assert running.endpoint == f"http://127.0.0.1:{running.port}"
        # Bound to 127.0.0.1 itself, not to every address: 127.0.0.2 is refused.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", running.port)).close()


def test_server_listens_on_a_host_given_explicitly() -> None:
    with mock_aws(server_mode=True, server_host="127.0.0.2") as aws:
        assert aws.server_endpoint == f"http://127.0.0.2:{aws.server_port}"
        make_bucket("elsewhere")
        assert bucket_names(aws.server_endpoint) == {"elsewhere"}


@pytest.mark.parametrize(("host", "loopback"), [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
def test_a_server_on_every_interface_is_reached_through_loopback(host: str, loopback: str) -> None:
    assert _server_options.endpoint_url(host, 5000) == f"http://{loopback}:5000"


def test_server_is_stopped_after_the_outermost_exit() -> None:
    with mock_aws(server_mode=True) as aws:
        endpoint = aws.server_endpoint
        assert endpoint is not None
    assert not answers(endpoint)
    assert server_threads() == []


def test_stopping_a_server_that_is_not_running_does_nothing() -> None:
    stopped = MotoServer()
    stopped.stop()
    assert not stopped.running


def test_starting_a_running_server_raises_moto_server_error(moto_server: MotoServer) -> None:
    with pytest.raises(MotoServerError, match="running already"):
        moto_server.start()


def test_endpoint_of_a_stopped_server_raises_moto_server_error() -> None:
    with pytest.raises(MotoServerError, match="not running"):
        MotoServer().endpoint  # noqa: B018


def test_port_in_use_raises_moto_server_error_naming_it(moto_server: MotoServer) -> None:
    with pytest.raises(MotoServerError, match=f"127.0.0.1:{moto_server.port}"):
        MotoServer(port=moto_server.port).start()


def test_missing_server_extra_raises_an_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What an install without Moto's server dependencies looks like.
    monkeypatch.setitem(sys.modules, "flask", None)
    monkeypatch.delitem(sys.modules, "moto.moto_server.werkzeug_app", raising=False)
    before = aws_environment()
    with pytest.raises(ServerModeDependencyError, match=r"aiomoto\[server\]") as caught:
        mock_aws(server_mode=True).start()
    assert isinstance(caught.value, ImportError)
    assert not _activation.is_active()
    assert aws_environment() == before


def test_failed_start_leaves_environment_and_clients_untouched() -> None:
    before = aws_environment()
    methods = create_client_methods()
    # 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    with pytest.raises(MotoServerError, match=re.escape("192.0.2.1")):
        mock_aws(server_mode=True, server_host="192.0.2.1").start()
    assert aws_environment() == before
    assert create_client_methods() == methods
    assert not _activation.is_active()


def test_failure_after_the_server_started_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(endpoint: str, variable: str | None = None) -> None:
        raise MotoServerError(f"refused by {endpoint}")

    monkeypatch.setattr(_server_session, "reset_server", refuse)
    before = aws_environment()
    with pytest.raises(MotoServerError, match="refused"):
        mock_aws(server_mode=True).start()
    assert server_threads() == []
    assert aws_environment() == before
    assert not _activation.is_active()


def test_a_server_that_never_answers_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(endpoint: str) -> None:
        raise ServerUnreachableError(endpoint, "no answer")

    monkeypatch.setattr(server, "wait_until_answering", unreachable)
    with pytest.raises(ServerUnreachableError):
        MotoServer().start()
    assert server_threads() == []


def test_failure_while_setting_credentials_undoes_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail() -> None:
        raise RuntimeError("cannot set credentials")

    monkeypatch.setattr(_environment, "fake_credentials", fail)
    before = aws_environment()
    methods = create_client_methods()
    with pytest.raises(RuntimeError, match="cannot set credentials"):
        mock_aws(server_mode=True).start()
    assert server_threads() == []
    assert aws_environment() == before
    assert create_client_methods() == methods
    assert not _activation.is_active()


# -- 2. endpoint injection ---------------------------------------------------


def test_force_points_clients_given_their_own_endpoint_at_the_server() -> None:
    with mock_aws(server_mode=True) as aws:
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url="http://example.invalid")
        assert s3.meta.endpoint_url == aws.server_endpoint


def test_force_is_the_default() -> None:
    mock = mock_aws(server_mode=True)
    assert mock._server is not None
    assert mock._server.auto_endpoint is AutoEndpointMode.FORCE


def test_if_missing_keeps_an_explicit_endpoint_url() -> None:
    with mock_aws(server_mode=True, auto_endpoint=AutoEndpointMode.IF_MISSING):
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url="http://example.invalid")
        assert s3.meta.endpoint_url == "http://example.invalid"


def test_if_missing_points_clients_without_endpoint_url_at_the_server() -> None:
    with mock_aws(server_mode=True, auto_endpoint=AutoEndpointMode.IF_MISSING) as aws:
        assert boto3.client("s3", region_name="us-east-1").meta.endpoint_url == aws.server_endpoint


def test_disabled_leaves_clients_alone() -> None:
    with mock_aws(server_mode=True, auto_endpoint=AutoEndpointMode.DISABLED):
        s3 = boto3.client("s3", region_name="us-east-1")
        assert s3.meta.endpoint_url == "https://s3.amazonaws.com"


def test_disabled_leaves_the_endpoint_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://localhost:4566")
    with mock_aws(server_mode=True, auto_endpoint="disabled"):
        assert "AWS_ENDPOINT_URL" not in os.environ
        assert os.environ["AWS_ENDPOINT_URL_S3"] == "http://localhost:4566"


def test_endpoint_url_given_positionally_is_replaced_too() -> None:
    with mock_aws(server_mode=True) as aws:
        s3 = botocore.session.get_session().create_client(
            "s3", "us-east-1", None, True, None, "http://example.invalid"
        )
        assert s3.meta.endpoint_url == aws.server_endpoint


def test_boto3_resources_use_the_server() -> None:
    with mock_aws(server_mode=True) as aws:
        boto3.resource("s3", region_name="us-east-1").create_bucket(Bucket="resource")
        assert bucket_names(aws.server_endpoint) == {"resource"}


async def test_aiobotocore_client_reaches_the_server(aio_client: AioClientFactory) -> None:
    async with mock_aws(server_mode=True) as aws:
        async with aio_client("s3") as s3:
            assert s3.meta.endpoint_url == aws.server_endpoint
            await s3.create_bucket(Bucket="async")
            await s3.put_object(Bucket="async", Key="key", Body=b"over http")
            response = await s3.get_object(Bucket="async", Key="key")
            assert await response["Body"].read() == b"over http"
        assert bucket_names(aws.server_endpoint) == {"async"}


def test_clients_created_after_exit_are_not_pointed_at_the_server() -> None:
    methods = create_client_methods()
    with mock_aws(server_mode=True):
        pass
    assert create_client_methods() == methods
    s3 = boto3.client("s3", region_name="us-east-1", **OUTSIDE)
    assert s3.meta.endpoint_url == "https://s3.amazonaws.com"


def test_child_process_reaches_the_server_through_the_inherited_environment() -> None:
    child = (
        "import boto3\n"
        "s3 = boto3.client('s3', region_name='us-east-1')\n"
        "print(s3.get_object(Bucket='shared', Key='key')['Body'].read().decode())\n"
    )
    with mock_aws(server_mode=True):
        make_bucket("shared")
        boto3.client("s3", region_name="us-east-1").put_object(
            Bucket="shared", Key="key", Body=b"from the parent"
        )
        result = subprocess.run(
            [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from the parent"


def test_environment_points_child_processes_at_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://localhost:4566")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    with mock_aws(server_mode=True) as aws:
        assert os.environ["AWS_ENDPOINT_URL"] == aws.server_endpoint
        assert "AWS_ENDPOINT_URL_S3" not in os.environ
        assert "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" not in os.environ


def test_server_mode_gives_clients_fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    with mock_aws(server_mode=True):
        credentials = boto3.client("s3", region_name="us-east-1")._request_signer._credentials
        assert credentials.access_key != "AKIAREALREALREAL"
        assert credentials.token is None


def test_boto3_default_session_from_before_is_not_used_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    boto3.client("s3", region_name="us-east-1")._request_signer._credentials  # noqa: B018
    before = boto3.DEFAULT_SESSION
    with mock_aws(server_mode=True):
        credentials = boto3.client("s3", region_name="us-east-1")._request_signer._credentials
        assert credentials.access_key != "AKIAREALREALREAL"
    assert boto3.DEFAULT_SESSION is before


def test_environment_is_restored_after_server_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://localhost:4566")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    before = aws_environment()
    with mock_aws(server_mode=True):
        assert aws_environment() != before
    assert aws_environment() == before


def test_s3fs_reads_s3_urls_through_the_endpoint() -> None:
    import s3fs

    with mock_aws(server_mode=True):
        make_bucket("frames")
        boto3.client("s3", region_name="us-east-1").put_object(
            Bucket="frames", Key="data.csv", Body=b"a,b\n1,2\n"
        )
        fs = s3fs.S3FileSystem(skip_instance_cache=True)
        with fs.open("s3://frames/data.csv", "rb") as file:
            assert file.read() == b"a,b\n1,2\n"


# -- 3. reset, remove_data, nesting, modes -----------------------------------


def test_reset_clears_data_left_on_the_server(moto_server: MotoServer) -> None:
    make_bucket("left-over", moto_server.endpoint)
    with mock_aws(server_mode=True, server_port=moto_server.port):
        assert bucket_names() == set()


def test_reset_false_keeps_data_left_on_the_server(moto_server: MotoServer) -> None:
    make_bucket("left-over", moto_server.endpoint)
    with mock_aws(server_mode=True, server_port=moto_server.port, reset=False):
        assert bucket_names() == {"left-over"}


def test_outermost_exit_removes_data_from_the_server(moto_server: MotoServer) -> None:
    with mock_aws(server_mode=True, server_port=moto_server.port):
        make_bucket("inside")
    assert bucket_names(moto_server.endpoint) == set()


def test_remove_data_false_keeps_data_on_the_server(moto_server: MotoServer) -> None:
    with mock_aws(server_mode=True, server_port=moto_server.port, remove_data=False):
        make_bucket("inside")
    assert bucket_names(moto_server.endpoint) == {"inside"}


def test_nested_server_mode_contexts_share_one_server() -> None:
    with mock_aws(server_mode=True) as outer:
        make_bucket("outer")
        with mock_aws(server_mode=True) as inner:
            assert inner.server_endpoint == outer.server_endpoint
            assert bucket_names() == {"outer"}
            make_bucket("inner")
        assert bucket_names() == {"outer", "inner"}


def test_inner_attach_to_the_active_server_is_allowed() -> None:
    with mock_aws(server_mode=True) as outer:
        with mock_aws(server_mode=True, server_endpoint=outer.server_endpoint) as inner:
            assert inner.server_endpoint == outer.server_endpoint


def test_server_mode_decorator_runs_the_function_against_a_server() -> None:
    @mock_aws_decorator(server_mode=True)
    def create() -> str | None:
        make_bucket("decorated")
        return os.environ.get("AWS_ENDPOINT_URL")

    endpoint = create()
    assert endpoint is not None
    assert not answers(endpoint)


def test_server_mode_inside_in_process_mode_raises_mode_conflict_error() -> None:
    with mock_aws(), pytest.raises(ModeConflictError, match="in-process"):
        mock_aws(server_mode=True).start()


def test_in_process_mode_inside_server_mode_raises_mode_conflict_error() -> None:
    with mock_aws(server_mode=True), pytest.raises(ModeConflictError, match="server_mode=True"):
        mock_aws().start()


def test_outer_context_keeps_working_after_a_mode_conflict() -> None:
    with mock_aws(server_mode=True) as aws:
        with pytest.raises(ModeConflictError):
            mock_aws().start()
        make_bucket("still-served")
        assert bucket_names(aws.server_endpoint) == {"still-served"}


def test_attaching_to_another_server_while_active_raises_mode_conflict_error(
    moto_server: MotoServer,
) -> None:
    with (
        mock_aws(server_mode=True),
        pytest.raises(ModeConflictError, match=moto_server.endpoint),
    ):
        mock_aws(server_mode=True, server_port=moto_server.port).start()


@pytest.mark.parametrize(
    ("outer", "inner", "message"),
    [
        (
            {"auto_endpoint": "if_missing"},
            {"auto_endpoint": "disabled"},
            "auto_endpoint=AutoEndpointMode.DISABLED) was entered while server mode is "
            "active with auto_endpoint=AutoEndpointMode.IF_MISSING",
        ),
        (
            {},
            {"auto_endpoint": AutoEndpointMode.IF_MISSING},
            "auto_endpoint=AutoEndpointMode.IF_MISSING) was entered while server mode is "
            "active with auto_endpoint=AutoEndpointMode.FORCE",
        ),
        (
            {},
            {"server_host": "0.0.0.0"},
            "server_host='0.0.0.0') was entered while server mode is active with "
            "server_host='127.0.0.1'",
        ),
        (
            {},
            {"verbose": True},
            "verbose=True) was entered while server mode is active with verbose=False",
        ),
    ],
    ids=["auto_endpoint", "auto_endpoint-vs-default", "server_host", "verbose"],
)
def test_a_nested_server_option_that_differs_from_the_active_one_raises(
    outer: dict[str, Any], inner: dict[str, Any], message: str
) -> None:
    with mock_aws(server_mode=True, **outer) as aws:
        with pytest.raises(ModeConflictError) as caught:
            mock_aws(server_mode=True, **inner).start()
        assert message in str(caught.value)
        assert f"(serving at {aws.server_endpoint})" in str(caught.value)
        assert _activation.active_owners() == [aws]


def test_a_nested_server_host_differing_from_an_attached_servers_raises(
    moto_server: MotoServer,
) -> None:
    with mock_aws(server_mode=True, server_port=moto_server.port):
        with pytest.raises(ModeConflictError, match=r"host='localhost'.*host='127\.0\.0\.1'"):
            mock_aws(server_mode=True, server_host="localhost").start()


@pytest.mark.parametrize(
    "inner",
    [
        {"auto_endpoint": "if_missing"},
        {"server_host": "127.0.0.1"},
        {"verbose": True},
        {},
    ],
    ids=["same-auto_endpoint", "default-host", "same-verbose", "defaults"],
)
def test_nested_server_options_that_agree_with_the_active_ones_are_allowed(
    inner: dict[str, Any],
) -> None:
    with mock_aws(server_mode=True, auto_endpoint="if_missing", verbose=True) as outer:
        with mock_aws(server_mode=True, **inner) as nested:
            assert nested.server_endpoint == outer.server_endpoint


def test_mode_conflict_error_is_an_aiomoto_error() -> None:
    assert issubclass(ModeConflictError, AiomotoError)


def test_concurrent_server_mode_enters_share_one_server() -> None:
    barrier = threading.Barrier(4)
    endpoints: list[str | None] = []
    mock = mock_aws(server_mode=True)

    def enter_and_exit() -> None:
        barrier.wait()
        with mock:
            endpoints.append(mock.server_endpoint)
            barrier.wait()

    threads = [threading.Thread(target=enter_and_exit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(endpoints)) == 1
    assert None not in endpoints
    assert server_threads() == []


# -- 4. attaching to a running server ----------------------------------------


def test_exit_after_the_attached_server_went_away_still_restores_everything() -> None:
    before = aws_environment()
    methods = create_client_methods()
    running = MotoServer()
    running.start()
    try:
        mock = mock_aws(server_mode=True, server_port=running.port)
        mock.start()
    finally:
        running.stop()
    with pytest.raises(ServerUnreachableError):
        mock.stop()
    assert not _activation.is_active()
    assert aws_environment() == before
    assert create_client_methods() == methods


def test_server_port_attaches_without_stopping_the_server(moto_server: MotoServer) -> None:
    with mock_aws(server_mode=True, server_port=moto_server.port) as aws:
        assert aws.server_endpoint == moto_server.endpoint
        make_bucket("attached")
        assert bucket_names(moto_server.endpoint) == {"attached"}
    assert moto_server.running
    assert answers(moto_server.endpoint)


def test_server_endpoint_attaches_to_a_running_server(moto_server: MotoServer) -> None:
    with mock_aws(server_mode=True, server_endpoint=moto_server.endpoint + "/") as aws:
        assert aws.server_endpoint == moto_server.endpoint
        assert aws.server_port == moto_server.port
        make_bucket("attached")
        assert bucket_names(moto_server.endpoint) == {"attached"}


def test_unreachable_server_raises_an_error_naming_the_endpoint(refused_port: int) -> None:
    endpoint = f"http://127.0.0.1:{refused_port}"
    before = aws_environment()
    with pytest.raises(ServerUnreachableError, match=endpoint) as caught:
        mock_aws(server_mode=True, server_port=refused_port).start()
    assert caught.value.endpoint == endpoint
    assert isinstance(caught.value, ConnectionError)
    assert not _activation.is_active()
    assert aws_environment() == before


def test_a_server_that_refuses_reset_raises_moto_server_error(
    monkeypatch: pytest.MonkeyPatch, moto_server: MotoServer
) -> None:
    monkeypatch.setattr(server, "_RESET_PATH", "/moto-api/not-the-reset-api")
    with pytest.raises(MotoServerError, match="is it a Moto server"):
        mock_aws(server_mode=True, server_port=moto_server.port).start()


# -- 6. quiet unless verbose -------------------------------------------------


def test_server_logs_no_line_per_request_by_default(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="werkzeug"), mock_aws(server_mode=True):
        bucket_names()
    assert [r for r in caplog.records if r.name == "werkzeug"] == []


def test_verbose_server_logs_each_request(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="werkzeug"), mock_aws(server_mode=True, verbose=True):
        bucket_names()
    messages = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET / HTTP/1.1" in message for message in messages)


# -- 8. option checks before anything starts ---------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("server_port", 5000),
        ("server_endpoint", "http://127.0.0.1:5000"),
        ("auto_endpoint", AutoEndpointMode.DISABLED),
        ("server_host", "0.0.0.0"),
        ("verbose", True),
    ],
)
def test_server_options_need_server_mode(option: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"{option}=.*server_mode=True"):
        mock_aws(**{option: value})


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_server_port_out_of_range_is_rejected(port: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 65535"):
        mock_aws(server_mode=True, server_port=port)


@pytest.mark.parametrize("port", [True, "5000", 5000.0])
def test_server_port_that_is_not_an_int_is_rejected(port: Any) -> None:
    with pytest.raises(TypeError, match="server_port"):
        mock_aws(server_mode=True, server_port=port)


def test_unknown_auto_endpoint_is_rejected_with_the_choices() -> None:
    with pytest.raises(ValueError, match="IF_MISSING"):
        mock_aws(server_mode=True, auto_endpoint="sometimes")


def test_auto_endpoint_accepts_the_string_values() -> None:
    mock = mock_aws(server_mode=True, auto_endpoint="if_missing")
    assert mock._server is not None
    assert mock._server.auto_endpoint is AutoEndpointMode.IF_MISSING


def test_server_port_and_server_endpoint_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"):
        mock_aws(server_mode=True, server_port=5000, server_endpoint="http://127.0.0.1:5000")


def test_server_host_with_server_endpoint_is_rejected() -> None:
    with pytest.raises(ValueError, match="leave out server_host"):
        mock_aws(server_mode=True, server_host="::1", server_endpoint="http://127.0.0.1:5000")


def test_verbose_with_an_attached_server_is_rejected() -> None:
    with pytest.raises(ValueError, match="verbose"):
        mock_aws(server_mode=True, server_port=5000, verbose=True)


@pytest.mark.parametrize(
    "endpoint",
    [
        "127.0.0.1:5000",
        "ftp://127.0.0.1:5000",
        "http://127.0.0.1:5000/path",
        "http://:80",
        "http://h:x",
    ],
)
def test_server_endpoint_that_is_not_a_base_url_is_rejected(endpoint: str) -> None:
    with pytest.raises(ValueError, match="server_endpoint"):
        mock_aws(server_mode=True, server_endpoint=endpoint)


def test_server_endpoint_that_is_not_a_string_is_rejected() -> None:
    with pytest.raises(TypeError, match="server_endpoint"):
        mock_aws(server_mode=True, server_endpoint=5000)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "options", [{"server_mode": 1}, {"server_mode": True, "verbose": "yes"}], ids=str
)
def test_non_bool_server_flag_is_rejected(options: dict[str, Any]) -> None:
    option = list(options)[-1]
    with pytest.raises(TypeError, match=f"{option}=.*must be True or False"):
        mock_aws(**options)


@pytest.mark.parametrize("host", ["", None])
def test_empty_server_host_is_rejected(host: Any) -> None:
    with pytest.raises(TypeError, match="server_host"):
        mock_aws(server_mode=True, server_host=host)


def test_config_is_rejected_in_server_mode() -> None:
    with pytest.raises(ValueError, match="config"):
        mock_aws(server_mode=True, config={"core": {}})


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"port": 70000}, ValueError),
        ({"port": "0"}, TypeError),
        ({"host": ""}, TypeError),
        ({"verbose": 1}, TypeError),
    ],
)
def test_moto_server_rejects_bad_options(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error, match="MotoServer"):
        MotoServer(**kwargs)


def test_invalid_options_start_nothing() -> None:
    before = aws_environment()
    with pytest.raises(ValueError, match="server_port"):
        mock_aws(server_port=5000)
    assert aws_environment() == before
    assert server_threads() == []


def test_repr_shows_the_server_options() -> None:
    assert "auto_endpoint=<AutoEndpointMode.IF_MISSING" in repr(
        mock_aws(server_mode=True, auto_endpoint="if_missing")
    )


def test_repr_of_a_moto_server_shows_where_it_runs(moto_server: MotoServer) -> None:
    assert moto_server.endpoint in repr(moto_server)
    assert "stopped" in repr(MotoServer())


# -- the other ways to enter a mock ------------------------------------------


def test_pytest_marker_runs_the_test_in_server_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        import pytest


        @pytest.mark.mock_aws(server_mode=True)
        def test_marked(aws):
            assert aws.server_endpoint is not None
            assert os.environ["AWS_ENDPOINT_URL"] == aws.server_endpoint
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)


def test_decorated_test_class_runs_each_test_in_server_mode() -> None:
    endpoints: list[str | None] = []

    @mock_aws(server_mode=True)
    class Tests(unittest.TestCase):
        def test_one(self) -> None:
            endpoints.append(os.environ.get("AWS_ENDPOINT_URL"))

        def test_two(self) -> None:
            endpoints.append(os.environ.get("AWS_ENDPOINT_URL"))

    outcome = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Tests)
    )
    assert outcome.wasSuccessful()
    assert len(endpoints) == 2
    assert None not in endpoints
