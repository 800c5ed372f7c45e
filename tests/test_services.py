"""boto3 and aiobotocore clients see one backend, for many services, both ways.

Each scenario writes through one kind of client and reads back through the
other. A scenario is written once, against ``clients(service)`` which returns
an awaitable ``call(operation, **params)`` for either kind, so the same steps
run in both directions.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import boto3
import pytest

from aiomoto import mock_aws
from tests.conftest import AioClientFactory

Call = Callable[..., Awaitable[Any]]
Clients = Callable[[str], Awaitable[Call]]
Step = Callable[[Clients, str], Awaitable[None]]


@asynccontextmanager
async def sync_clients() -> AsyncIterator[Clients]:
    async def clients(service: str) -> Call:
        client = boto3.client(service, region_name="us-east-1")

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


# -- the scenarios: (write, read) per service ----------------------------------


async def s3_write(clients: Clients, token: str) -> None:
    s3 = await clients("s3")
    await s3("create_bucket", Bucket=token)
    await s3("put_object", Bucket=token, Key="k", Body=b"payload")


async def s3_read(clients: Clients, token: str) -> None:
    s3 = await clients("s3")
    assert token in {b["Name"] for b in (await s3("list_buckets"))["Buckets"]}
    head = await s3("head_object", Bucket=token, Key="k")
    assert head["ContentLength"] == len(b"payload")


async def dynamodb_write(clients: Clients, token: str) -> None:
    ddb = await clients("dynamodb")
    await ddb(
        "create_table",
        TableName=token,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    await ddb("put_item", TableName=token, Item={"pk": {"S": "1"}, "v": {"S": token}})


async def dynamodb_read(clients: Clients, token: str) -> None:
    ddb = await clients("dynamodb")
    item = (await ddb("get_item", TableName=token, Key={"pk": {"S": "1"}}))["Item"]
    assert item["v"] == {"S": token}


async def sqs_write(clients: Clients, token: str) -> None:
    sqs = await clients("sqs")
    url = (await sqs("create_queue", QueueName=token))["QueueUrl"]
    await sqs("send_message", QueueUrl=url, MessageBody=token)


async def sqs_read(clients: Clients, token: str) -> None:
    sqs = await clients("sqs")
    url = (await sqs("get_queue_url", QueueName=token))["QueueUrl"]
    messages = (await sqs("receive_message", QueueUrl=url, MaxNumberOfMessages=10))["Messages"]
    assert [m["Body"] for m in messages] == [token]


async def sns_write(clients: Clients, token: str) -> None:
    sns = await clients("sns")
    arn = (await sns("create_topic", Name=token))["TopicArn"]
    await sns("subscribe", TopicArn=arn, Protocol="email", Endpoint="a@example.com")


async def sns_read(clients: Clients, token: str) -> None:
    sns = await clients("sns")
    arns = [t["TopicArn"] for t in (await sns("list_topics"))["Topics"]]
    (arn,) = [a for a in arns if a.endswith(f":{token}")]
    subscriptions = (await sns("list_subscriptions_by_topic", TopicArn=arn))["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == ["a@example.com"]


async def secretsmanager_write(clients: Clients, token: str) -> None:
    sm = await clients("secretsmanager")
    await sm("create_secret", Name=token, SecretString=json.dumps({"token": token}))


async def secretsmanager_read(clients: Clients, token: str) -> None:
    sm = await clients("secretsmanager")
    value = (await sm("get_secret_value", SecretId=token))["SecretString"]
    assert json.loads(value) == {"token": token}


async def kms_write(clients: Clients, token: str) -> None:
    kms = await clients("kms")
    key_id = (await kms("create_key", Description=token))["KeyMetadata"]["KeyId"]
    await kms("create_alias", AliasName=f"alias/{token}", TargetKeyId=key_id)


async def kms_read(clients: Clients, token: str) -> None:
    kms = await clients("kms")
    blob = (await kms("encrypt", KeyId=f"alias/{token}", Plaintext=b"secret"))["CiphertextBlob"]
    assert (await kms("decrypt", CiphertextBlob=blob))["Plaintext"] == b"secret"
    key = (await kms("describe_key", KeyId=f"alias/{token}"))["KeyMetadata"]
    assert key["Description"] == token


async def sts_write(clients: Clients, token: str) -> None:
    iam = await clients("iam")
    await iam("create_role", RoleName=token, AssumeRolePolicyDocument="{}")


async def sts_read(clients: Clients, token: str) -> None:
    sts = await clients("sts")
    arn = f"arn:aws:iam::123456789012:role/{token}"
    assumed = await sts("assume_role", RoleArn=arn, RoleSessionName="session")
    assert assumed["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{token}/session")
    assert (await sts("get_caller_identity"))["Account"] == "123456789012"


async def ssm_write(clients: Clients, token: str) -> None:
    ssm = await clients("ssm")
    await ssm("put_parameter", Name=f"/{token}", Value=token, Type="SecureString")


async def ssm_read(clients: Clients, token: str) -> None:
    ssm = await clients("ssm")
    param = (await ssm("get_parameter", Name=f"/{token}", WithDecryption=True))["Parameter"]
    assert param["Value"] == token


async def events_write(clients: Clients, token: str) -> None:
    events = await clients("events")
    await events("create_event_bus", Name=token)
    await events("put_rule", Name=token, EventBusName=token, EventPattern='{"source": ["x"]}')


async def events_read(clients: Clients, token: str) -> None:
    events = await clients("events")
    rule = await events("describe_rule", Name=token, EventBusName=token)
    assert json.loads(rule["EventPattern"]) == {"source": ["x"]}


async def kinesis_write(clients: Clients, token: str) -> None:
    kinesis = await clients("kinesis")
    await kinesis("create_stream", StreamName=token, ShardCount=1)
    await kinesis("put_record", StreamName=token, Data=b"\x00binary\xff", PartitionKey="p")


async def kinesis_read(clients: Clients, token: str) -> None:
    kinesis = await clients("kinesis")
    shards = (await kinesis("list_shards", StreamName=token))["Shards"]
    iterator = (
        await kinesis(
            "get_shard_iterator",
            StreamName=token,
            ShardId=shards[0]["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )
    )["ShardIterator"]
    records = (await kinesis("get_records", ShardIterator=iterator))["Records"]
    assert [r["Data"] for r in records] == [b"\x00binary\xff"]


async def logs_write(clients: Clients, token: str) -> None:
    logs = await clients("logs")
    await logs("create_log_group", logGroupName=token)
    await logs("create_log_stream", logGroupName=token, logStreamName="s")
    await logs(
        "put_log_events",
        logGroupName=token,
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": token}],
    )


async def logs_read(clients: Clients, token: str) -> None:
    logs = await clients("logs")
    events = (await logs("get_log_events", logGroupName=token, logStreamName="s"))["events"]
    assert [e["message"] for e in events] == [token]


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


async def lambda_write(clients: Clients, token: str) -> None:
    iam = await clients("iam")
    role = await iam("create_role", RoleName=token, AssumeRolePolicyDocument="{}")
    awslambda = await clients("lambda")
    await awslambda(
        "create_function",
        FunctionName=token,
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": _lambda_zip()},
        Tags={"token": token},
    )


async def lambda_read(clients: Clients, token: str) -> None:
    awslambda = await clients("lambda")
    function = await awslambda("get_function", FunctionName=token)
    assert function["Configuration"]["Handler"] == "handler.handler"
    assert function["Tags"] == {"token": token}


SCENARIOS: dict[str, tuple[Step, Step]] = {
    "s3": (s3_write, s3_read),
    "dynamodb": (dynamodb_write, dynamodb_read),
    "sqs": (sqs_write, sqs_read),
    "sns": (sns_write, sns_read),
    "secretsmanager": (secretsmanager_write, secretsmanager_read),
    "kms": (kms_write, kms_read),
    "sts": (sts_write, sts_read),
    "ssm": (ssm_write, ssm_read),
    "events": (events_write, events_read),
    "kinesis": (kinesis_write, kinesis_read),
    "logs": (logs_write, logs_read),
    "lambda": (lambda_write, lambda_read),
}


@pytest.mark.parametrize("service", SCENARIOS)
async def test_boto3_writes_and_aiobotocore_reads(
    service: str, aio_client: AioClientFactory
) -> None:
    write, read = SCENARIOS[service]
    async with mock_aws():
        async with sync_clients() as clients:
            await write(clients, "token-sync")
        async with async_clients(aio_client) as clients:
            await read(clients, "token-sync")


@pytest.mark.parametrize("service", SCENARIOS)
async def test_aiobotocore_writes_and_boto3_reads(
    service: str, aio_client: AioClientFactory
) -> None:
    write, read = SCENARIOS[service]
    async with mock_aws():
        async with async_clients(aio_client) as clients:
            await write(clients, "token-async")
        async with sync_clients() as clients:
            await read(clients, "token-async")


async def test_clients_created_before_the_context_are_mocked(
    aio_client: AioClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As with Moto, a client made before the mock resolves its credentials
    # then, so give it some to find.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "early")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "early")
    sync_s3 = boto3.client("s3", region_name="us-east-1")
    async with aio_client("s3") as aio_s3:
        async with mock_aws():
            await aio_s3.create_bucket(Bucket="early-async")
            sync_s3.create_bucket(Bucket="early-sync")
            names = {b["Name"] for b in (await aio_s3.list_buckets())["Buckets"]}
            assert names == {"early-async", "early-sync"}
            assert {b["Name"] for b in sync_s3.list_buckets()["Buckets"]} == names
