"""Clients made before the mock, in an environment with no credentials, work inside it.

conftest's ``_aws_environment`` already leaves no ``AWS_*`` credentials and
empty config and credentials files; ``no_credentials`` also points ``HOME``
at an empty folder and turns off the instance-metadata lookup (which would
otherwise try the network), so botocore finds no credentials at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError

from aiomoto import mock_aws
from tests.conftest import AioClientFactory


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # A default session an earlier test made may hold credentials it found then.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    assert boto3.Session().get_credentials() is None


class _SeenKeys:
    """A ``before-send`` handler that keeps the access key each request was signed with."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, request: Any, **kwargs: Any) -> None:
        authorization = request.headers["Authorization"]
        authorization = (
            authorization.decode() if isinstance(authorization, bytes) else authorization
        )
        self.keys.append(authorization.split("Credential=")[1].split("/")[0])


def test_a_client_without_credentials_made_before_the_mock_works_inside_it() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    with mock_aws():
        s3.create_bucket(Bucket="made-before")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["made-before"]


def test_it_signs_with_the_mocks_fake_keys() -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    seen = _SeenKeys()
    sqs.meta.events.register("before-send.sqs", seen)
    with mock_aws():
        sqs.list_queues()
    assert seen.keys == ["FOOBARKEY"]


def test_after_the_mock_it_has_no_credentials_again() -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    with mock_aws():
        sqs.list_queues()
    with pytest.raises(NoCredentialsError):
        sqs.list_queues()


def test_a_client_with_its_own_credentials_keeps_them() -> None:
    sqs = boto3.client(
        "sqs", region_name="us-east-1", aws_access_key_id="AKIDOWNKEY", aws_secret_access_key="s"
    )
    seen = _SeenKeys()
    sqs.meta.events.register("before-send.sqs", seen)
    with mock_aws():
        sqs.list_queues()
    assert seen.keys == ["AKIDOWNKEY"]


def test_a_presigned_url_is_signed_with_the_fake_keys() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    with mock_aws():
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    assert "FOOBARKEY" in url


async def test_an_aiobotocore_client_without_credentials_works_inside_the_mock(
    aio_client: AioClientFactory,
) -> None:
    async with aio_client("sqs") as sqs:
        seen = _SeenKeys()
        sqs.meta.events.register("before-send.sqs", seen)
        async with mock_aws():
            await sqs.create_queue(QueueName="made-before")
            urls = (await sqs.list_queues())["QueueUrls"]
        with pytest.raises(NoCredentialsError):
            await sqs.list_queues()
    assert [url.rsplit("/", 1)[1] for url in urls] == ["made-before"]
    assert seen.keys == ["FOOBARKEY", "FOOBARKEY"]


async def test_an_aiobotocore_client_with_its_own_credentials_keeps_them(
    aio_client: AioClientFactory,
) -> None:
    keys = {"aws_access_key_id": "AKIDOWNKEY", "aws_secret_access_key": "s"}
    async with aio_client("sqs", **keys) as sqs:
        seen = _SeenKeys()
        sqs.meta.events.register("before-send.sqs", seen)
        async with mock_aws():
            await sqs.list_queues()
    assert seen.keys == ["AKIDOWNKEY"]
