"""Capture and restore of S3, DynamoDB, SQS, SNS and Kinesis: exact, three rounds in a row.

Each scenario seeds some state, takes a snapshot, then three times over
changes the state, restores the snapshot, and checks through the API that
what it seeded is back exactly (and nothing of the change is left). Every
scenario runs with boto3 and with aiobotocore (each HTTP backend) clients.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import AioClientFactory
from tests.state_copy_harness import (
    ACCOUNT,
    REGION,
    Clients,
    Context,
    Scenario,
    read_body,
    run_with_aiobotocore,
    run_with_boto3,
)

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
        assert await read_body(body["Body"]) == b"v%d" % i
    tags = (await s3("get_bucket_tagging", Bucket="versions"))["TagSet"]
    assert tags == [{"Key": "t", "Value": "1"}]
    policy = json.loads((await s3("get_bucket_policy", Bucket="versions"))["Policy"])
    assert policy["Statement"][0]["Resource"] == "arn:aws:s3:::versions/*"
    parts = await s3("list_parts", Bucket="versions", Key="mp", UploadId=context["upload"])
    assert [p["Size"] for p in parts["Parts"]] == [5 * 1024 * 1024]


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
    for _ in range(2):  # received twice: the second time it stays in flight
        received = await sqs("receive_message", QueueUrl=url)
        handle = received["Messages"][0]["ReceiptHandle"]
        await sqs(
            "change_message_visibility", QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0
        )
    await sqs(
        "change_message_visibility", QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=600
    )
    context["handle"] = handle
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
    # The in-flight message's receipt handle still works; let it come back.
    await sqs(
        "change_message_visibility",
        QueueUrl=context["url"],
        ReceiptHandle=context["handle"],
        VisibilityTimeout=0,
    )
    received = await sqs(
        "receive_message",
        QueueUrl=context["url"],
        MaxNumberOfMessages=10,
        # Moto 5.1.2 reads the older name of the parameter.
        AttributeNames=["ApproximateReceiveCount"],
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    )
    counts = {m["Body"]: m["Attributes"]["ApproximateReceiveCount"] for m in received["Messages"]}
    assert counts == {"in-flight": "3", "waiting": "1"}
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


# -- SNS --------------------------------------------------------------------------


async def sns_seed(clients: Clients, context: Context) -> None:
    sqs = await clients("sqs")
    context["url"] = (await sqs("create_queue", QueueName="inbox"))["QueueUrl"]
    sns = await clients("sns")
    context["topic"] = (await sns("create_topic", Name="news"))["TopicArn"]
    await sns(
        "subscribe",
        TopicArn=context["topic"],
        Protocol="sqs",
        Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:inbox",
    )


async def sns_mutate(clients: Clients, context: Context) -> None:
    sns = await clients("sns")
    await sns("delete_topic", TopicArn=context["topic"])
    sqs = await clients("sqs")
    await sqs("delete_queue", QueueUrl=context["url"])


async def sns_check(clients: Clients, context: Context) -> None:
    sns = await clients("sns")
    await sns("publish", TopicArn=context["topic"], Message="after restore")
    sqs = await clients("sqs")
    received = await sqs("receive_message", QueueUrl=context["url"], MaxNumberOfMessages=10)
    assert [json.loads(m["Body"])["Message"] for m in received["Messages"]] == ["after restore"]
    for message in received["Messages"]:
        await sqs("delete_message", QueueUrl=context["url"], ReceiptHandle=message["ReceiptHandle"])


# -- Kinesis ----------------------------------------------------------------------


async def kinesis_seed(clients: Clients, context: Context) -> None:
    kinesis = await clients("kinesis")
    await kinesis("create_stream", StreamName="s", ShardCount=1)
    for i in range(3):
        await kinesis("put_record", StreamName="s", Data=b"r%d" % i, PartitionKey="p")


async def kinesis_mutate(clients: Clients, context: Context) -> None:
    kinesis = await clients("kinesis")
    await kinesis("put_record", StreamName="s", Data=b"later", PartitionKey="p")
    await kinesis("create_stream", StreamName="added", ShardCount=1)


async def kinesis_check(clients: Clients, context: Context) -> None:
    kinesis = await clients("kinesis")
    assert (await kinesis("list_streams"))["StreamNames"] == ["s"]
    shard = (await kinesis("describe_stream", StreamName="s"))["StreamDescription"]["Shards"][0]
    iterator = await kinesis(
        "get_shard_iterator",
        StreamName="s",
        ShardId=shard["ShardId"],
        ShardIteratorType="TRIM_HORIZON",
    )
    records = (await kinesis("get_records", ShardIterator=iterator["ShardIterator"]))["Records"]
    assert [r["Data"] for r in records] == [b"r0", b"r1", b"r2"]


SCENARIOS: dict[str, Scenario] = {
    "s3": (s3_seed, s3_mutate, s3_check),
    "dynamodb": (dynamodb_seed, dynamodb_mutate, dynamodb_check),
    "sqs": (sqs_seed, sqs_mutate, sqs_check),
    "sns": (sns_seed, sns_mutate, sns_check),
    "kinesis": (kinesis_seed, kinesis_mutate, kinesis_check),
}


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_boto3_built(service: str) -> None:
    await run_with_boto3(SCENARIOS[service])


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_aiobotocore_built(
    service: str, aio_client: AioClientFactory
) -> None:
    await run_with_aiobotocore(SCENARIOS[service], aio_client)
