"""Credentials are fake inside the mock; everything is restored on the way out."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import boto3
import botocore.endpoint
import pytest
from aiobotocore.session import AioSession
from moto.core.models import MockAWS as MotoMockAWS
from moto.core.models import botocore_stubber

from aiomoto import _activation, mock_aws

REAL = {
    "AWS_ACCESS_KEY_ID": "AKIAREALREALREAL",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-token",
    "AWS_SECURITY_TOKEN": "real-token",
    "AWS_PROFILE": "default",
}


def aws_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


@pytest.fixture
def real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real-looking credentials in the environment and in a credentials file."""
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[default]\naws_access_key_id = AKIAFILEFILEFILE\n"
        "aws_secret_access_key = file-secret\naws_session_token = file-token\n"
    )


@pytest.mark.usefixtures("real_credentials")
def test_boto3_clients_inside_use_fake_credentials() -> None:
    with mock_aws():
        credentials = boto3.client("s3")._request_signer._credentials
        assert credentials.access_key not in ("AKIAREALREALREAL", "AKIAFILEFILEFILE")
        assert credentials.secret_key not in ("real-secret", "file-secret")
        assert credentials.token is None


@pytest.mark.usefixtures("real_credentials")
async def test_aiobotocore_clients_inside_use_fake_credentials() -> None:
    async with mock_aws():
        credentials = await AioSession().get_credentials()
        assert credentials is not None
        assert credentials.access_key not in ("AKIAREALREALREAL", "AKIAFILEFILEFILE")
        assert credentials.token is None


@pytest.mark.usefixtures("real_credentials")
def test_environment_is_exactly_restored_after_exit() -> None:
    before = aws_environment()
    with mock_aws():
        assert aws_environment() != before
    assert aws_environment() == before


def test_empty_and_missing_variables_are_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    # Moto's own restore turns an empty value into a missing one.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    before = aws_environment()
    with mock_aws():
        pass
    assert aws_environment() == before
    assert os.environ["AWS_ACCESS_KEY_ID"] == ""


def test_variables_set_inside_the_mock_are_removed_on_exit() -> None:
    before = aws_environment()
    with mock_aws():
        os.environ["AWS_SOMETHING_NEW"] = "1"
    assert aws_environment() == before


@pytest.mark.usefixtures("real_credentials")
def test_reentering_the_same_object_restores_the_real_values() -> None:
    # Moto keeps the saved values per object, so re-entering one object
    # would save the fake values over the real ones.
    before = aws_environment()
    mock = mock_aws()
    with mock:
        with mock:
            pass
    assert aws_environment() == before


def test_ignore_configured_endpoints_is_set_inside_and_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")
    with mock_aws():
        assert os.environ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] == "true"
    assert os.environ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] == "false"


@pytest.mark.usefixtures("real_credentials")
def test_real_credentials_stay_when_moto_is_told_not_to_mock_them() -> None:
    with mock_aws(config={"core": {"mock_credentials": False}}):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALREALREAL"
        assert os.environ["AWS_SESSION_TOKEN"] == "real-token"


@pytest.mark.usefixtures("real_credentials")
def test_failing_body_restores_everything() -> None:
    before = aws_environment()
    send = botocore.endpoint.Endpoint._send

    @mock_aws
    def failing() -> None:
        boto3.client("s3").create_bucket(Bucket="doomed")
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing()
    assert aws_environment() == before
    assert not _activation.is_active()
    assert not botocore_stubber.enabled
    assert botocore.endpoint.Endpoint._send is send


@pytest.mark.usefixtures("real_credentials")
async def test_cancelled_task_restores_everything() -> None:
    before = aws_environment()
    entered = asyncio.Event()

    async def body() -> None:
        async with mock_aws():
            entered.set()
            await asyncio.Event().wait()  # until cancelled

    task = asyncio.create_task(body())
    await entered.wait()
    assert _activation.is_active()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert aws_environment() == before
    assert not _activation.is_active()
    assert not botocore_stubber.enabled


@pytest.mark.usefixtures("real_credentials")
def test_failure_while_starting_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    before = aws_environment()
    send = botocore.endpoint.Endpoint._send

    def broken_patch() -> None:
        raise OSError("hook failed")

    monkeypatch.setattr("aiomoto._aiobotocore.patch", broken_patch)
    with pytest.raises(OSError, match="hook failed"):
        with mock_aws():
            pass  # pragma: no cover - never entered
    assert aws_environment() == before
    assert not _activation.is_active()
    assert not botocore_stubber.enabled
    assert botocore.endpoint.Endpoint._send is send


@pytest.mark.usefixtures("real_credentials")
def test_failure_while_moto_starts_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    before = aws_environment()

    def broken_start(self: MotoMockAWS, reset: bool = True) -> None:
        raise OSError("moto failed")

    monkeypatch.setattr(MotoMockAWS, "start", broken_start)
    mock = mock_aws()
    with pytest.raises(OSError, match="moto failed"):
        mock.start()
    assert not _activation.is_active()
    assert aws_environment() == before
    assert not _activation.is_active()


@pytest.mark.usefixtures("real_credentials")
def test_failure_while_moto_stops_still_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    before = aws_environment()
    send = botocore.endpoint.Endpoint._send
    mock = mock_aws()
    mock.start()
    real_stop = MotoMockAWS.stop

    def broken_stop(self: MotoMockAWS, remove_data: bool = True) -> None:
        real_stop(self, remove_data)
        raise OSError("moto failed")

    monkeypatch.setattr(MotoMockAWS, "stop", broken_stop)
    with pytest.raises(OSError, match="moto failed"):
        mock.stop()
    assert aws_environment() == before
    assert not _activation.is_active()
    assert botocore.endpoint.Endpoint._send is send


def test_boto3_default_session_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # undone after the test
    boto3.setup_default_session(region_name="eu-west-1")
    session = boto3.DEFAULT_SESSION
    with mock_aws():
        assert boto3.DEFAULT_SESSION is not session
    assert boto3.DEFAULT_SESSION is session
