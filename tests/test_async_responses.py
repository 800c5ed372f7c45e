"""Async responses under aiomoto behave like aiobotocore's responses from AWS."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import aiobotocore.response
import boto3
import pytest
from botocore.exceptions import ClientError, FlexibleChecksumError

from aiomoto import mock_aws
from tests.conftest import AioClientFactory

BIG = bytes(range(256)) * (9 * 4096 + 7)  # a little over 9 MiB
assert len(BIG) > 8 * 1024 * 1024


@pytest.fixture
async def s3(aio_client: AioClientFactory) -> AsyncIterator[Any]:
    """An aiobotocore S3 client inside an active mock, with bucket "bkt" made."""
    async with mock_aws():
        async with aio_client("s3") as client:
            await client.create_bucket(Bucket="bkt")
            yield client


async def put(s3: Any, key: str, body: bytes) -> None:
    await s3.put_object(Bucket="bkt", Key=key, Body=body)


async def test_body_read_returns_the_whole_object(s3: Any) -> None:
    await put(s3, "k", b"hello world")
    response = await s3.get_object(Bucket="bkt", Key="k")
    assert await response["Body"].read() == b"hello world"
    assert response["ContentLength"] == 11


async def test_body_is_the_backends_streaming_type(s3: Any, backend: str) -> None:
    await put(s3, "k", b"x")
    body = (await s3.get_object(Bucket="bkt", Key="k"))["Body"]
    expected = {
        "aiohttp": aiobotocore.response.StreamingBody,
        "httpx": getattr(aiobotocore.response, "HttpxStreamingBody", None),
    }[backend]
    assert isinstance(body, expected)
    await body.read()


async def test_body_read_n_returns_successive_slices(s3: Any) -> None:
    await put(s3, "k", b"0123456789")
    body = (await s3.get_object(Bucket="bkt", Key="k"))["Body"]
    assert await body.read(3) == b"012"
    assert await body.read(4) == b"3456"
    assert await body.read() == b"789"
    assert await body.read(5) == b""


async def test_body_iter_chunks(s3: Any) -> None:
    await put(s3, "k", b"abcdefghij")
    body = (await s3.get_object(Bucket="bkt", Key="k"))["Body"]
    assert [chunk async for chunk in body.iter_chunks(4)] == [b"abcd", b"efgh", b"ij"]


async def test_body_iter_lines(s3: Any) -> None:
    await put(s3, "k", b"one\ntwo\r\nthree")
    body = (await s3.get_object(Bucket="bkt", Key="k"))["Body"]
    assert [line async for line in body.iter_lines(chunk_size=2)] == [b"one", b"two", b"three"]


async def test_body_as_async_context_manager(s3: Any) -> None:
    await put(s3, "k", b"ctx")
    async with (await s3.get_object(Bucket="bkt", Key="k"))["Body"] as body:
        assert await body.read() == b"ctx"


async def test_range_request_returns_the_slice(s3: Any) -> None:
    await put(s3, "k", b"0123456789")
    response = await s3.get_object(Bucket="bkt", Key="k", Range="bytes=2-5")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert response["ContentRange"] == "bytes 2-5/10"
    assert await response["Body"].read() == b"2345"


async def test_empty_object(s3: Any) -> None:
    await put(s3, "empty", b"")
    response = await s3.get_object(Bucket="bkt", Key="empty")
    assert response["ContentLength"] == 0
    assert await response["Body"].read() == b""


async def test_object_larger_than_8_mib_round_trips(s3: Any) -> None:
    await put(s3, "big", BIG)
    body = (await s3.get_object(Bucket="bkt", Key="big"))["Body"]
    chunks = [chunk async for chunk in body.iter_chunks(1024 * 1024)]
    assert len(chunks) == 10
    assert hashlib.sha256(b"".join(chunks)).digest() == hashlib.sha256(BIG).digest()
    # and boto3 reads the same bytes
    sync_body = boto3.client("s3").get_object(Bucket="bkt", Key="big")["Body"].read()
    assert sync_body == BIG


async def test_head_object(s3: Any) -> None:
    await put(s3, "k", b"12345")
    head = await s3.head_object(Bucket="bkt", Key="k")
    assert head["ContentLength"] == 5
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200


async def test_head_of_missing_object_raises_404(s3: Any) -> None:
    with pytest.raises(ClientError) as raised:
        await s3.head_object(Bucket="bkt", Key="missing")
    assert raised.value.response["Error"]["Code"] == "404"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    ("call", "code", "status"),
    [
        ({"Bucket": "bkt", "Key": "missing"}, "NoSuchKey", 404),
        ({"Bucket": "no-such-bucket", "Key": "k"}, "NoSuchBucket", 404),
    ],
)
async def test_error_responses_raise_client_error(
    s3: Any, call: dict[str, str], code: str, status: int
) -> None:
    with pytest.raises(ClientError) as raised:
        await s3.get_object(**call)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    # the modeled exception class is raised, as against AWS
    assert type(raised.value).__name__ == code


async def test_multipart_upload(s3: Any) -> None:
    upload = await s3.create_multipart_upload(Bucket="bkt", Key="mp")
    part_size = 5 * 1024 * 1024
    parts = []
    for number, start in enumerate(range(0, len(BIG), part_size), start=1):
        part = await s3.upload_part(
            Bucket="bkt",
            Key="mp",
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=BIG[start : start + part_size],
        )
        parts.append({"PartNumber": number, "ETag": part["ETag"]})
    await s3.complete_multipart_upload(
        Bucket="bkt", Key="mp", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    body = (await s3.get_object(Bucket="bkt", Key="mp"))["Body"]
    assert await body.read() == BIG


async def test_paginator(s3: Any) -> None:
    for i in range(25):
        await put(s3, f"key-{i:02d}", b"")
    paginator = s3.get_paginator("list_objects_v2")
    pages = [
        page async for page in paginator.paginate(Bucket="bkt", PaginationConfig={"PageSize": 10})
    ]
    assert [page["KeyCount"] for page in pages] == [10, 10, 5]
    keys = [obj["Key"] async for obj in paginator.paginate(Bucket="bkt").search("Contents")]
    assert keys == [f"key-{i:02d}" for i in range(25)]


async def test_waiter(s3: Any) -> None:
    await put(s3, "k", b"1")
    await s3.get_waiter("object_exists").wait(Bucket="bkt", Key="k", WaiterConfig={"Delay": 0})
    await s3.get_waiter("bucket_exists").wait(Bucket="bkt", WaiterConfig={"Delay": 0})


async def test_get_object_validates_response_checksum(s3: Any) -> None:
    await s3.put_object(Bucket="bkt", Key="k", Body=b"checked", ChecksumAlgorithm="SHA256")
    response = await s3.get_object(Bucket="bkt", Key="k", ChecksumMode="ENABLED")
    assert response["ChecksumSHA256"]
    assert await response["Body"].read() == b"checked"


async def test_get_object_detects_a_checksum_mismatch(s3: Any) -> None:
    from moto.s3.models import s3_backends

    await s3.put_object(Bucket="bkt", Key="k", Body=b"checked", ChecksumAlgorithm="SHA256")
    # Corrupt the stored checksum: validation must now fail while reading.
    backends = s3_backends["123456789012"]
    partition = "aws" if "aws" in backends else "global"  # "global" before Moto 5.0.x
    key = backends[partition].buckets["bkt"].keys["k"]
    key.checksum_value = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    response = await s3.get_object(Bucket="bkt", Key="k", ChecksumMode="ENABLED")
    with pytest.raises(FlexibleChecksumError):
        await response["Body"].read()


async def test_put_with_flexible_checksum_from_an_async_stream(s3: Any) -> None:
    # An unseekable async body makes aiobotocore send aws-chunked with a
    # trailing checksum, read through an async reader.
    class AsyncReader:
        def __init__(self, data: bytes) -> None:
            self._data = data

        async def read(self, n: int = -1) -> bytes:
            chunk, self._data = (self._data, b"") if n < 0 else (self._data[:n], self._data[n:])
            return chunk

    await s3.put_object(
        Bucket="bkt", Key="stream", Body=AsyncReader(b"streamed body"), ChecksumAlgorithm="CRC32"
    )
    body = (await s3.get_object(Bucket="bkt", Key="stream"))["Body"]
    assert await body.read() == b"streamed body"


async def test_presigned_url_generation(s3: Any) -> None:
    import requests

    await put(s3, "k", b"signed")
    url = await s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    assert "Signature=" in url
    # Moto serves the requests library in-process, so the URL is valid for it.
    assert requests.get(url, timeout=5).content == b"signed"  # noqa: ASYNC210


async def test_sqs_receive_is_processed_exactly_once(aio_client: AioClientFactory) -> None:
    async with mock_aws():
        async with aio_client("sqs") as sqs:
            url = (await sqs.create_queue(QueueName="once"))["QueueUrl"]
            await sqs.send_message(QueueUrl=url, MessageBody="m")
            received = await sqs.receive_message(
                QueueUrl=url,
                AttributeNames=["ApproximateReceiveCount"],  # what older Moto reads
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
            (message,) = received["Messages"]
            assert message["Attributes"]["ApproximateReceiveCount"] == "1"
            # a second handler answering too would have consumed it again
            assert "Messages" not in await sqs.receive_message(QueueUrl=url)
