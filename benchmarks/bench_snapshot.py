"""Print what a state snapshot costs next to building the same state through the API.

1. The rich state (S3 with versions and a 10 MiB object, DynamoDB: 5 tables
   with a GSI and 200 items, FIFO and standard queues with a message in
   flight, SNS -> SQS, IAM, Kinesis, SSM, Secrets Manager, a CloudFormation
   stack): the time to build it through boto3, to capture it as a Snapshot,
   to restore that Snapshot, and restore / build (target <= 0.02; capture target <= 50 ms).
2. A small state (1 bucket, 1 table, 10 items): the time to restore it
   (target <= 1 ms).
3. 100 tests that each start from the rich state: seeded once with
   ``setUpAWSState`` (unittest) or a session-scoped ``aws_state`` fixture
   (pytest), against the same unittest tests each building it in ``setUp``
   (target <= 0.05). Each test reads from S3 and DynamoDB and sends an SQS
   message, through clients made once for all tests (a test that makes
   its own three boto3 clients adds some 40 ms to both sides). Wall time
   of running the tests, the one build of the seeded state included and
   pytest's start-up and collection left out. For scale it also times the
   same test bodies run one after another in one mock, without isolation:
   what a test costs that neither builds nor restores.

   This machine's speed drifts by tens of percent within a minute, so the
   building tests run in ``--rounds`` chunks, each followed by one seeded
   unittest run and one pytest run of all the tests: building is the sum
   of the chunks, each seeded figure the median of its runs, and so both
   sides are timed across the same stretch of time.

Each figure in 1 and 2 is the median of several runs (this machine's speed
drifts). Run: ``python benchmarks/bench_snapshot.py [--builds N]
[--restores N] [--tests N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import textwrap
import time
import unittest
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

import aiomoto
from aiomoto import snapshots

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


#: Clients the 100 tests share; made with their own fake keys, they work in any mock.
_SHARED: dict[str, Any] = {}


def _shared_client(service: str) -> Any:
    if service not in _SHARED:
        _SHARED[service] = boto3.client(
            service, region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench"
        )
    return _SHARED[service]


def one_test() -> None:
    """What each of the seeded or building tests does with the rich state."""
    s3 = _shared_client("s3")
    assert s3.get_object(Bucket="rich-a", Key="k1")["Body"].read() == b"small body 1"
    ddb = _shared_client("dynamodb")
    assert "Item" in ddb.get_item(TableName="table0", Key={"pk": {"S": "item1"}})
    sqs = _shared_client("sqs")
    url = sqs.get_queue_url(QueueName="rich-standard")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="from a test")


def _unittest_seconds(base: type[unittest.TestCase], tests: int) -> float:
    methods = {f"test_{i:03d}": lambda self: one_test() for i in range(tests)}
    case = type(base.__name__, (base,), methods)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    start = time.perf_counter()
    result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
    seconds = time.perf_counter() - start
    if not result.wasSuccessful() or result.testsRun != tests:
        raise SystemExit(f"{base.__name__}: {result.errors + result.failures}")
    return seconds


class _Seeded(aiomoto.MockAWSTestCase):
    @classmethod
    def setUpAWSState(cls) -> None:
        build_rich_state()


class _Building(aiomoto.MockAWSTestCase):
    def setUp(self) -> None:
        super().setUp()
        build_rich_state()


def _unisolated_seconds(tests: int) -> float:
    with aiomoto.mock_aws():
        build_rich_state()
        start = time.perf_counter()
        for _ in range(tests):
            one_test()
        return time.perf_counter() - start


_PYTEST_FILE = """
import pytest
from aiomoto import mock_aws
from bench_snapshot import build_rich_state, one_test

@pytest.fixture(scope="session")
def aws_state():
    with mock_aws() as mock:
        build_rich_state()
        return mock.snapshot()

@pytest.mark.parametrize("number", range({tests}))
def test_seeded(aws, number):
    one_test()
"""


class _RunTimer:
    """A pytest plugin that times the test loop: every test's setup, call and teardown."""

    seconds = 0.0

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        start = time.perf_counter()
        try:
            return (yield)
        finally:
            self.seconds = time.perf_counter() - start


def _pytest_seconds(tests: int, run: int = 0) -> float:
    timer = _RunTimer()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        ini = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        (root / "pytest.ini").write_text(ini)
        # A new module name per run: pytest refuses a second file imported as the same module.
        test_file = root / f"test_seeded_{run}.py"
        test_file.write_text(textwrap.dedent(_PYTEST_FILE.format(tests=tests)))
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        code = pytest.main(
            [
                str(root),
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "-c",
                str(root / "pytest.ini"),
                "-W",
                "ignore::pytest.PytestAssertRewriteWarning",
            ],
            plugins=[timer],
        )
        sys.path.pop(0)
    if code != 0:
        raise SystemExit(f"the pytest run failed ({code})")
    return timer.seconds


def _interleaved(tests: int, rounds: int) -> tuple[float, float, float]:
    """Building (summed over ``rounds`` chunks), seeded and pytest (medians of ``rounds`` runs)."""
    chunks = [tests // rounds + (1 if i < tests % rounds else 0) for i in range(rounds)]
    building, seeded, with_pytest = 0.0, [], []
    for run, chunk in enumerate(chunks):
        building += _unittest_seconds(_Building, chunk)
        seeded.append(_unittest_seconds(_Seeded, tests))
        with_pytest.append(_pytest_seconds(tests, run))
    return building, statistics.median(seeded), statistics.median(with_pytest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", type=int, default=3, help="builds of the rich state to time")
    parser.add_argument("--restores", type=int, default=30, help="captures/restores to time")
    parser.add_argument("--tests", type=int, default=100, help="tests per seeded/building run")
    parser.add_argument(
        "--rounds", type=int, default=5, help="chunks of building tests, seeded runs of each kind"
    )
    args = parser.parse_args()

    build = _build_time(build_rich_state, args.builds)
    with aiomoto.mock_aws():
        build_rich_state()
        capture = _median(args.restores, snapshots.capture)
        rich = snapshots.capture()
        restore = _median(args.restores, rich._restore_backends)
    print(f"rich state: {rich.size / 2**20:.1f} MiB pickled")
    print(f"  build through the API  {build * 1000:8.1f} ms")
    print(f"  capture                {capture * 1000:8.2f} ms   (target <= 50 ms)")
    print(f"  restore                {restore * 1000:8.2f} ms")
    print(f"  restore / build        {restore / build:8.4f}    (target <= 0.02)")

    with aiomoto.mock_aws():
        build_small_state()
        small = snapshots.capture()
        small_restore = _median(args.restores * 10, small._restore_backends)
    print(f"small state: {small.size / 1024:.1f} KiB pickled")
    print(f"  restore                {small_restore * 1000:8.3f} ms   (target <= 1 ms)")

    building, seeded, with_pytest = _interleaved(args.tests, max(1, min(args.rounds, args.tests)))
    bodies = _unisolated_seconds(args.tests)
    print(f"{args.tests} tests starting from the rich state (running the tests):")
    print(f"  each building it in setUp        {building:8.2f} s")
    print(f"  seeded with setUpAWSState        {seeded:8.2f} s   ratio {seeded / building:.4f}")
    print(
        f"  seeded with aws_state (pytest)   {with_pytest:8.2f} s   ratio "
        f"{with_pytest / building:.4f}   (target <= 0.05)"
    )
    print(f"  the bodies alone, not isolated   {bodies:8.2f} s   ratio {bodies / building:.4f}")


if __name__ == "__main__":
    main()
