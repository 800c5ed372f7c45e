"""aioboto3 clients, resources and S3 transfers share one backend with boto3.

aioboto3 15.x pins aiobotocore 2.25.x, so this file runs only in the matrix
cells that install it (nox's "aiobotocore-2.25"); elsewhere every test here
is reported as skipped, with the reason. Every test writes through one
library and reads back through the other.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiobotocore.config import AioConfig
from boto3.dynamodb.conditions import Key
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from aiomoto import mock_aws

aioboto3 = pytest.importorskip(
    "aioboto3",
    reason="aioboto3 is not installed: it pins aiobotocore 2.25.x, so these tests run in "
    "the nox cell 'aiobotocore-2.25' (nox -s 'tests(aiobotocore-2.25)')",
)

#: Transfers above 5 MiB (S3's smallest part) go multipart, in 5 MiB parts.
MULTIPART = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
LARGE = 6 * 1024 * 1024


def _bucket() -> Any:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="shared")
    return s3


def _orders_table() -> Any:
    return boto3.resource("dynamodb", region_name="us-east-1").create_table(
        TableName="orders",
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


async def test_session_client_reads_what_boto3_wrote() -> None:
    async with mock_aws():
        _bucket().put_object(Bucket="shared", Key="k", Body=b"from boto3")
        async with aioboto3.Session().client("s3") as s3:
            response = await s3.get_object(Bucket="shared", Key="k")
            assert await response["Body"].read() == b"from boto3"


async def test_boto3_reads_what_a_session_client_wrote() -> None:
    async with mock_aws():
        async with aioboto3.Session().client("sqs") as sqs:
            await sqs.create_queue(QueueName="jobs")
        urls = boto3.client("sqs", region_name="us-east-1").list_queues()["QueueUrls"]
        assert [url.rsplit("/", 1)[-1] for url in urls] == ["jobs"]


async def test_s3_resource_bucket_lists_objects_written_by_boto3() -> None:
    async with mock_aws():
        s3 = _bucket()
        for key in ("a", "b"):
            s3.put_object(Bucket="shared", Key=key, Body=b"x")
        async with aioboto3.Session().resource("s3") as resource:
            bucket = await resource.Bucket("shared")
            assert [summary.key async for summary in bucket.objects.all()] == ["a", "b"]


async def test_s3_resource_object_put_is_read_by_boto3() -> None:
    async with mock_aws():
        s3 = _bucket()
        async with aioboto3.Session().resource("s3") as resource:
            obj = await resource.Object("shared", "note.txt")
            await obj.put(Body=b"from the resource")
            assert await (await obj.get())["Body"].read() == b"from the resource"
        assert s3.get_object(Bucket="shared", Key="note.txt")["Body"].read() == b"from the resource"


async def test_dynamodb_table_put_item_is_read_by_boto3() -> None:
    async with mock_aws():
        table = _orders_table()
        async with aioboto3.Session().resource("dynamodb") as dynamodb:
            aio_table = await dynamodb.Table("orders")
            await aio_table.put_item(Item={"customer": "ada", "order": "1", "total": 12})
        item = table.get_item(Key={"customer": "ada", "order": "1"})["Item"]
        assert item["total"] == 12


async def test_dynamodb_table_get_item_reads_what_boto3_wrote() -> None:
    async with mock_aws():
        _orders_table().put_item(Item={"customer": "ada", "order": "1", "total": 12})
        async with aioboto3.Session().resource("dynamodb") as dynamodb:
            table = await dynamodb.Table("orders")
            response = await table.get_item(Key={"customer": "ada", "order": "1"})
        assert response["Item"]["total"] == 12


async def test_dynamodb_table_query_reads_what_boto3_wrote() -> None:
    # Shown in docs/integrations.rst: keep it self-contained.
    async with mock_aws():
        table = boto3.resource("dynamodb", region_name="us-east-1").create_table(
            TableName="orders",
            KeySchema=[
                {"AttributeName": "customer", "KeyType": "HASH"},
                {"AttributeName": "order", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "customer", "AttributeType": "S"},
                {"AttributeName": "order", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for customer, order in [("ada", "1"), ("ada", "2"), ("bob", "1")]:
            table.put_item(Item={"customer": customer, "order": order})

        session = aioboto3.Session(region_name="us-east-1")
        async with session.resource("dynamodb") as dynamodb:
            orders = await dynamodb.Table("orders")
            response = await orders.query(KeyConditionExpression=Key("customer").eq("ada"))

        assert [item["order"] for item in response["Items"]] == ["1", "2"]


async def test_dynamodb_batch_writer_writes_every_item() -> None:
    async with mock_aws():
        table = _orders_table()
        async with aioboto3.Session().resource("dynamodb") as dynamodb:
            aio_table = await dynamodb.Table("orders")
            # More than one BatchWriteItem call (25 items each).
            async with aio_table.batch_writer() as batch:
                for number in range(60):
                    await batch.put_item(Item={"customer": "ada", "order": f"{number:02}"})
        assert table.scan(Select="COUNT")["Count"] == 60


async def test_upload_file_is_read_by_boto3(tmp_path: Path) -> None:
    source = tmp_path / "report.csv"
    source.write_bytes(b"a,b\n1,2\n")
    async with mock_aws():
        s3 = _bucket()
        async with aioboto3.Session().client("s3") as aio_s3:
            await aio_s3.upload_file(str(source), "shared", "report.csv")
        assert s3.get_object(Bucket="shared", Key="report.csv")["Body"].read() == b"a,b\n1,2\n"


async def test_upload_file_goes_multipart_above_the_threshold(tmp_path: Path) -> None:
    source = tmp_path / "large.bin"
    source.write_bytes(os.urandom(LARGE))
    async with mock_aws():
        s3 = _bucket()
        async with aioboto3.Session().client("s3") as aio_s3:
            await aio_s3.upload_file(str(source), "shared", "large.bin", Config=MULTIPART)
        head = s3.head_object(Bucket="shared", Key="large.bin")
        assert head["ETag"].endswith('-2"')  # two parts
        assert s3.get_object(Bucket="shared", Key="large.bin")["Body"].read() == source.read_bytes()


async def test_download_file_writes_what_boto3_uploaded(tmp_path: Path) -> None:
    async with mock_aws():
        _bucket().put_object(Bucket="shared", Key="report.csv", Body=b"a,b\n")
        async with aioboto3.Session().client("s3") as aio_s3:
            await aio_s3.download_file("shared", "report.csv", str(tmp_path / "copy.csv"))
    assert (tmp_path / "copy.csv").read_bytes() == b"a,b\n"


async def test_download_file_reassembles_a_large_object_from_ranges(tmp_path: Path) -> None:
    body = os.urandom(LARGE)
    async with mock_aws():
        _bucket().put_object(Bucket="shared", Key="large.bin", Body=body)
        async with aioboto3.Session().client("s3") as aio_s3:
            target = str(tmp_path / "large.bin")
            await aio_s3.download_file("shared", "large.bin", target, Config=MULTIPART)
    assert (tmp_path / "large.bin").read_bytes() == body


async def test_upload_fileobj_is_read_by_boto3() -> None:
    # Shown in docs/integrations.rst: keep it self-contained.
    async with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="shared")

        session = aioboto3.Session(region_name="us-east-1")
        async with session.client("s3") as aio_s3:
            await aio_s3.upload_fileobj(io.BytesIO(b"in memory"), "shared", "memory.txt")

        assert s3.get_object(Bucket="shared", Key="memory.txt")["Body"].read() == b"in memory"


async def test_download_fileobj_reads_what_boto3_uploaded() -> None:
    async with mock_aws():
        _bucket().put_object(Bucket="shared", Key="memory.txt", Body=b"in memory")
        target = io.BytesIO()
        async with aioboto3.Session().client("s3") as aio_s3:
            await aio_s3.download_fileobj("shared", "memory.txt", target)
    assert target.getvalue() == b"in memory"


async def test_copy_makes_an_object_boto3_reads() -> None:
    async with mock_aws():
        s3 = _bucket()
        s3.put_object(Bucket="shared", Key="original", Body=b"copied")
        async with aioboto3.Session().client("s3") as aio_s3:
            await aio_s3.copy({"Bucket": "shared", "Key": "original"}, "shared", "copy")
        assert s3.get_object(Bucket="shared", Key="copy")["Body"].read() == b"copied"


async def test_copy_of_a_large_object_goes_multipart() -> None:
    body = os.urandom(LARGE)
    async with mock_aws():
        s3 = _bucket()
        s3.put_object(Bucket="shared", Key="large.bin", Body=body)
        async with aioboto3.Session().client("s3") as aio_s3:
            source = {"Bucket": "shared", "Key": "large.bin"}
            await aio_s3.copy(source, "shared", "large-copy.bin", Config=MULTIPART)
        head = s3.head_object(Bucket="shared", Key="large-copy.bin")
        assert head["ETag"].endswith('-2"')
        assert s3.get_object(Bucket="shared", Key="large-copy.bin")["Body"].read() == body


async def test_bucket_upload_and_download_file_helpers_round_trip(tmp_path: Path) -> None:
    (tmp_path / "up.txt").write_bytes(b"round trip")
    async with mock_aws():
        _bucket()
        async with aioboto3.Session().resource("s3") as resource:
            bucket = await resource.Bucket("shared")
            await bucket.upload_file(str(tmp_path / "up.txt"), "up.txt")
            await bucket.download_file("up.txt", str(tmp_path / "down.txt"))
    assert (tmp_path / "down.txt").read_bytes() == b"round trip"


async def test_aioboto3_client_and_resource_calls_are_recorded() -> None:
    async with mock_aws() as aws:
        session = aioboto3.Session()
        async with session.client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="recorded")
        async with session.resource("dynamodb", region_name="us-east-1") as dynamodb:
            _orders_table()
            table = await dynamodb.Table("orders")
            await table.put_item(Item={"customer": "c1", "order": "o1"})
    aws.assert_called_once("s3", "CreateBucket", Bucket="recorded")
    aws.assert_called_once("dynamodb", "PutItem", TableName="orders")
    assert aws.calls.filter("dynamodb", "PutItem")[0].params["Item"] == {
        "customer": "c1",
        "order": "o1",
    }


async def test_aioboto3_sees_injected_faults_inside_its_retry_loop() -> None:
    async with mock_aws() as aws:
        session = aioboto3.Session()
        config = AioConfig(retries={"mode": "standard", "total_max_attempts": 3})
        async with session.client("sqs", region_name="us-east-1", config=config) as sqs:
            url = (await sqs.create_queue(QueueName="retried"))["QueueUrl"]
            aws.inject_fault("sqs", "SendMessage", error="ThrottlingException", times=1)
            response = await sqs.send_message(QueueUrl=url, MessageBody="once")
            assert response["ResponseMetadata"]["RetryAttempts"] == 1
            aws.inject_fault("sqs", "DeleteQueue", error="InternalError")
            with pytest.raises(ClientError):
                await sqs.delete_queue(QueueUrl=url)
    assert aws.calls.filter("sqs", "SendMessage")[0].attempts == 2


async def test_a_stub_answers_an_aioboto3_client_and_resource() -> None:
    async with mock_aws() as aws:
        aws.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "orders"})
        aws.on("s3", "GetObject", Bucket="shared", Key="k").respond({"Body": b"stubbed"})
        session = aioboto3.Session()
        async with session.client("dynamodb", region_name="us-east-1") as dynamodb:
            insights = await dynamodb.describe_contributor_insights(TableName="orders")
        async with session.resource("s3", region_name="us-east-1") as s3:
            obj = await s3.Object("shared", "k")
            body = (await obj.get())["Body"]
            data = await body.read()
    assert (insights["TableName"], data) == ("orders", b"stubbed")
    assert [call.stubbed for call in aws.calls] == [True, True]
