"""Capture and restore of Moto's whole state: exact, through API calls, three rounds in a row.

Each scenario seeds some state, takes a snapshot, then three times over
changes the state, restores the snapshot, and checks through the API that
what it seeded is back exactly (and nothing of the change is left). Every
scenario runs with boto3 and with aiobotocore (each HTTP backend) clients.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import boto3
import pytest

from aiomoto import _state_copy, mock_aws
from tests.conftest import AioClientFactory

Call = Callable[..., Awaitable[Any]]
Clients = Callable[[str], Awaitable[Call]]
Context = dict[str, Any]
Step = Callable[[Clients, Context], Awaitable[None]]

REGION = "us-east-1"
ACCOUNT = "123456789012"


@asynccontextmanager
async def sync_clients() -> AsyncIterator[Clients]:
    async def clients(service: str) -> Call:
        client = boto3.client(service, region_name=REGION)

        async def call(operation: str, **params: Any) -> Any:
            return getattr(client, operation)(**params)

        return call

    yield clients


@asynccontextmanager
async def async_clients(aio_client: AioClientFactory) -> AsyncIterator[Clients]:
    async with AsyncExitStack() as stack:

        async def clients(service: str) -> Call:
            client = await stack.enter_async_context(aio_client(service))

            async def call(operation: str, **params: Any) -> Any:
                return await getattr(client, operation)(**params)

            return call

        yield clients


async def three_rounds(clients: Clients, seed: Step, mutate: Step, check: Step) -> None:
    """Seed, snapshot, then three times: mutate, restore, check."""
    context: Context = {}
    await seed(clients, context)
    data = _state_copy.capture()
    for _ in range(3):
        await mutate(clients, context)
        _state_copy.restore(data)
        await check(clients, context)


# -- S3 ---------------------------------------------------------------------------


async def s3_seed(clients: Clients, context: Context) -> None:
    s3 = await clients("s3")
    await s3("create_bucket", Bucket="versions")
    await s3(
        "put_bucket_versioning",
        Bucket="versions",
        VersioningConfiguration={"Status": "Enabled"},
    )
    context["versions"] = [
        (await s3("put_object", Bucket="versions", Key="k", Body=b"v%d" % i))["VersionId"]
        for i in range(3)
    ]
    context["marker"] = (await s3("delete_object", Bucket="versions", Key="k"))["VersionId"]
    await s3(
        "put_bucket_tagging", Bucket="versions", Tagging={"TagSet": [{"Key": "t", "Value": "1"}]}
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::versions/*",
            }
        ],
    }
    await s3("put_bucket_policy", Bucket="versions", Policy=json.dumps(policy))
    upload = await s3("create_multipart_upload", Bucket="versions", Key="mp")
    context["upload"] = upload["UploadId"]
    await s3(
        "upload_part",
        Bucket="versions",
        Key="mp",
        UploadId=upload["UploadId"],
        PartNumber=1,
        Body=b"p" * (5 * 1024 * 1024),
    )


async def s3_mutate(clients: Clients, context: Context) -> None:
    s3 = await clients("s3")
    for version in context["versions"]:
        await s3("delete_object", Bucket="versions", Key="k", VersionId=version)
    await s3("delete_bucket_tagging", Bucket="versions")
    await s3("delete_bucket_policy", Bucket="versions")
    await s3("abort_multipart_upload", Bucket="versions", Key="mp", UploadId=context["upload"])
    await s3("create_bucket", Bucket="added")


async def s3_check(clients: Clients, context: Context) -> None:
    s3 = await clients("s3")
    names = [b["Name"] for b in (await s3("list_buckets"))["Buckets"]]
    assert names == ["versions"]
    listing = await s3("list_object_versions", Bucket="versions")
    assert [v["VersionId"] for v in listing["Versions"]] == context["versions"][::-1]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == [context["marker"]]
    for i, version in enumerate(context["versions"]):
        body = await s3("get_object", Bucket="versions", Key="k", VersionId=version)
        assert await _read(body["Body"]) == b"v%d" % i
    tags = (await s3("get_bucket_tagging", Bucket="versions"))["TagSet"]
    assert tags == [{"Key": "t", "Value": "1"}]
    policy = json.loads((await s3("get_bucket_policy", Bucket="versions"))["Policy"])
    assert policy["Statement"][0]["Resource"] == "arn:aws:s3:::versions/*"
    parts = await s3("list_parts", Bucket="versions", Key="mp", UploadId=context["upload"])
    assert [p["Size"] for p in parts["Parts"]] == [5 * 1024 * 1024]


async def _read(body: Any) -> bytes:
    data = body.read()
    return bytes(await data if inspect.isawaitable(data) else data)


# -- DynamoDB ---------------------------------------------------------------------


async def dynamodb_seed(clients: Clients, context: Context) -> None:
    ddb = await clients("dynamodb")
    await ddb(
        "create_table",
        TableName="t",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for i in range(5):
        item = {"pk": {"S": "p"}, "sk": {"S": str(i)}, "g": {"S": "g"}, "l": {"S": str(9 - i)}}
        await ddb("put_item", TableName="t", Item=item)


async def dynamodb_mutate(clients: Clients, context: Context) -> None:
    ddb = await clients("dynamodb")
    await ddb("delete_item", TableName="t", Key={"pk": {"S": "p"}, "sk": {"S": "0"}})
    item = {"pk": {"S": "p"}, "sk": {"S": "new"}, "g": {"S": "g"}, "l": {"S": "0"}}
    await ddb("put_item", TableName="t", Item=item)


async def dynamodb_check(clients: Clients, context: Context) -> None:
    ddb = await clients("dynamodb")
    by_g = await ddb(
        "query",
        TableName="t",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g"}},
    )
    assert sorted(i["sk"]["S"] for i in by_g["Items"]) == ["0", "1", "2", "3", "4"]
    by_l = await ddb(
        "query",
        TableName="t",
        IndexName="by-l",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    assert [i["sk"]["S"] for i in by_l["Items"]] == ["4", "3", "2", "1", "0"]
    stream_arn = (await ddb("describe_table", TableName="t"))["Table"]["LatestStreamArn"]
    streams = await clients("dynamodbstreams")
    shard = (await streams("describe_stream", StreamArn=stream_arn))["StreamDescription"]
    iterator = await streams(
        "get_shard_iterator",
        StreamArn=stream_arn,
        ShardId=shard["Shards"][0]["ShardId"],
        ShardIteratorType="TRIM_HORIZON",
    )
    records = (await streams("get_records", ShardIterator=iterator["ShardIterator"]))["Records"]
    assert [r["eventName"] for r in records] == ["INSERT"] * 5


# -- SQS --------------------------------------------------------------------------


async def sqs_seed(clients: Clients, context: Context) -> None:
    sqs = await clients("sqs")
    url = (await sqs("create_queue", QueueName="q", Attributes={"VisibilityTimeout": "600"}))[
        "QueueUrl"
    ]
    context["url"] = url
    await sqs("send_message", QueueUrl=url, MessageBody="in-flight")
    await sqs("receive_message", QueueUrl=url)
    await sqs("send_message", QueueUrl=url, MessageBody="waiting")
    fifo = await sqs(
        "create_queue",
        QueueName="f.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )
    context["fifo"] = fifo["QueueUrl"]
    for body in ("a", "b", "c"):
        await sqs("send_message", QueueUrl=fifo["QueueUrl"], MessageBody=body, MessageGroupId="g")


async def sqs_mutate(clients: Clients, context: Context) -> None:
    sqs = await clients("sqs")
    await sqs("purge_queue", QueueUrl=context["url"])
    for message in (await sqs("receive_message", QueueUrl=context["fifo"])).get("Messages", []):
        await sqs(
            "delete_message", QueueUrl=context["fifo"], ReceiptHandle=message["ReceiptHandle"]
        )
    await sqs("create_queue", QueueName="added")


async def sqs_check(clients: Clients, context: Context) -> None:
    sqs = await clients("sqs")
    urls = (await sqs("list_queues"))["QueueUrls"]
    assert sorted(u.rsplit("/", 1)[1] for u in urls) == ["f.fifo", "q"]
    attributes = await sqs("get_queue_attributes", QueueUrl=context["url"], AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"
    received = await sqs(
        "receive_message",
        QueueUrl=context["url"],
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    )
    assert [m["Body"] for m in received["Messages"]] == ["waiting"]
    assert received["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "1"
    # A duplicate of a message sent before the snapshot is still dropped.
    await sqs("send_message", QueueUrl=context["fifo"], MessageBody="a", MessageGroupId="g")
    bodies = []
    for _ in range(4):
        fifo = await sqs("receive_message", QueueUrl=context["fifo"])
        for message in fifo.get("Messages", []):
            bodies.append(message["Body"])
            await sqs(
                "delete_message", QueueUrl=context["fifo"], ReceiptHandle=message["ReceiptHandle"]
            )
    assert bodies == ["a", "b", "c"]


SCENARIOS: dict[str, tuple[Step, Step, Step]] = {
    "s3": (s3_seed, s3_mutate, s3_check),
    "dynamodb": (dynamodb_seed, dynamodb_mutate, dynamodb_check),
    "sqs": (sqs_seed, sqs_mutate, sqs_check),
}


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_boto3_built(service: str) -> None:
    async with mock_aws():
        async with sync_clients() as clients:
            await three_rounds(clients, *SCENARIOS[service])


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_aiobotocore_built(
    service: str, aio_client: AioClientFactory
) -> None:
    async with mock_aws():
        async with async_clients(aio_client) as clients:
            await three_rounds(clients, *SCENARIOS[service])
