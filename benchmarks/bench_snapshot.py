"""Print what a state snapshot costs next to building the same state through the API.

1. The rich state (S3 with versions and a 10 MiB object, DynamoDB: 5 tables
   with a GSI and 200 items, FIFO and standard queues with a message in
   flight, SNS -> SQS, IAM, Kinesis, SSM, Secrets Manager, a CloudFormation
   stack): the time to build it through boto3, to capture it, to restore it,
   and restore / build (target <= 0.02; capture target <= 50 ms).
2. A small state (1 bucket, 1 table, 10 items): the time to restore it
   (target <= 1 ms).

Each figure is the median of several runs (this machine's speed drifts).
Run: ``python benchmarks/bench_snapshot.py [--builds N] [--restores N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3

import aiomoto
from aiomoto import _state_copy

REGION = "us-east-1"
ACCOUNT = "123456789012"


def _client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def build_rich_state() -> None:
    """Build the rich state through boto3 (inside an active mock)."""
    s3 = _client("s3")
    s3.create_bucket(Bucket="rich-versions")
    s3.put_bucket_versioning(Bucket="rich-versions", VersioningConfiguration={"Status": "Enabled"})
    for i in range(5):
        s3.put_object(Bucket="rich-versions", Key="doc", Body=b"version %d" % i)
    s3.put_object(Bucket="rich-versions", Key="big", Body=b"x" * (10 * 1024 * 1024))
    for name in ("rich-a", "rich-b"):
        s3.create_bucket(Bucket=name)
        for i in range(10):
            s3.put_object(Bucket=name, Key=f"k{i}", Body=b"small body %d" % i)

    ddb = _client("dynamodb")
    for t in range(5):
        ddb.create_table(
            TableName=f"table{t}",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for batch in range(0, 40, 20):
            ddb.batch_write_item(
                RequestItems={
                    f"table{t}": [
                        {
                            "PutRequest": {
                                "Item": {
                                    "pk": {"S": f"item{i}"},
                                    "g": {"S": f"group{i % 4}"},
                                    "n": {"N": str(i)},
                                }
                            }
                        }
                        for i in range(batch, batch + 20)
                    ]
                }
            )

    sqs = _client("sqs")
    standard = sqs.create_queue(QueueName="rich-standard")["QueueUrl"]
    fifo = sqs.create_queue(
        QueueName="rich.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=standard, MessageBody=f"m{i}")
        sqs.send_message(QueueUrl=fifo, MessageBody=f"f{i}", MessageGroupId="g")
    sqs.receive_message(QueueUrl=standard)  # one in flight

    sns = _client("sns")
    topic = sns.create_topic(Name="rich-topic")["TopicArn"]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:rich-standard"
    )

    iam = _client("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="rich-role", AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_user(UserName="rich-user")
    iam.put_user_policy(
        UserName="rich-user",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )

    kinesis = _client("kinesis")
    kinesis.create_stream(StreamName="rich-stream", ShardCount=2)
    for i in range(10):
        kinesis.put_record(StreamName="rich-stream", Data=b"record %d" % i, PartitionKey=str(i))

    ssm = _client("ssm")
    for i in range(5):
        ssm.put_parameter(Name=f"/rich/p{i}", Value=str(i), Type="String")

    secrets = _client("secretsmanager")
    for i in range(3):
        secrets.create_secret(Name=f"rich-secret{i}", SecretString=f"s{i}")

    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "rich-cfn"}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "rich-cfn"}},
        }
    }
    _client("cloudformation").create_stack(StackName="rich", TemplateBody=json.dumps(template))


def build_small_state() -> None:
    """One bucket, one table with 10 items."""
    _client("s3").create_bucket(Bucket="small")
    ddb = _client("dynamodb")
    ddb.create_table(
        TableName="small",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for i in range(10):
        ddb.put_item(TableName="small", Item={"pk": {"S": str(i)}})


def _median(runs: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _build_time(build: Callable[[], None], builds: int) -> float:
    times = []
    for _ in range(builds):
        with aiomoto.mock_aws():
            start = time.perf_counter()
            build()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", type=int, default=3, help="builds of the rich state to time")
    parser.add_argument("--restores", type=int, default=30, help="captures/restores to time")
    args = parser.parse_args()

    build = _build_time(build_rich_state, args.builds)
    with aiomoto.mock_aws():
        build_rich_state()
        capture = _median(args.restores, _state_copy.capture)
        data = _state_copy.capture()
        restore = _median(args.restores, lambda: _state_copy.restore(data))
    print(f"rich state: {len(data) / 2**20:.1f} MiB pickled")
    print(f"  build through the API  {build * 1000:8.1f} ms")
    print(f"  capture                {capture * 1000:8.2f} ms   (target <= 50 ms)")
    print(f"  restore                {restore * 1000:8.2f} ms")
    print(f"  restore / build        {restore / build:8.4f}    (target <= 0.02)")

    with aiomoto.mock_aws():
        build_small_state()
        small = _state_copy.capture()
        small_restore = _median(args.restores * 10, lambda: _state_copy.restore(small))
    print(f"small state: {len(small) / 1024:.1f} KiB pickled")
    print(f"  restore                {small_restore * 1000:8.3f} ms   (target <= 1 ms)")


if __name__ == "__main__":
    main()
