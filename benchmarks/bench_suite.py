"""Print what a realistic mocked test costs, with and without aiomoto's speed-ups.

A "realistic test" is written the way users write them: it enters
``mock_aws``, makes its clients afresh (``boto3.client`` three times and a new
``AioSession`` with two clients), creates an S3 bucket, a DynamoDB table and
an SQS queue, and makes round trips both ways (written by boto3 and read by
aiobotocore, and the other way round). Printed, each as a per-test median
and a total over the run:

1. the realistic test under ``aiomoto.mock_aws`` with its speed-ups, and
   with them switched off (``AIOMOTO_SPEEDUPS=0``), and their ratio
   (target <= 0.25, stretch 0.15);
2. a sync-only variant (boto3 clients only) under ``aiomoto.mock_aws``
   beside the same under Moto's own ``moto.mock_aws`` (target <= 0.3);
3. an empty ``with aiomoto.mock_aws(): pass`` beside Moto's own
   (target <= 1.0);
4. how much the process's resident memory grew from the 20th to the 300th
   realistic test (target <= 20 MiB).

The per-call figure (async S3 put+get against boto3 under Moto) is printed
by ``benchmarks/bench_core.py``.

This machine's speed drifts by several percent within seconds, so the sides
run in small batches that alternate, each ratio is taken between batches that
ran next to each other, and the median of those ratios is printed. Run:
``python benchmarks/bench_suite.py [--batches N] [--tests N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3
import moto
from aiobotocore.session import AioSession

import aiomoto
from aiomoto import _speedups

REGION = "us-east-1"
BODY = b"x" * 1024


def _make_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _sync_setup() -> tuple[Any, Any, Any, str]:
    s3 = boto3.client("s3", region_name=REGION)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    s3.create_bucket(Bucket="bucket")
    _make_table(dynamodb)
    queue_url = sqs.create_queue(QueueName="queue")["QueueUrl"]
    return s3, dynamodb, sqs, queue_url


def sync_only_test() -> None:
    """The realistic test with boto3 clients only."""
    s3, dynamodb, sqs, queue_url = _sync_setup()
    s3.put_object(Bucket="bucket", Key="key", Body=BODY)
    assert s3.get_object(Bucket="bucket", Key="key")["Body"].read() == BODY
    dynamodb.put_item(TableName="table", Item={"pk": {"S": "a"}})
    assert dynamodb.get_item(TableName="table", Key={"pk": {"S": "a"}})["Item"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"]


async def realistic_test() -> None:
    """Three boto3 clients and two aiobotocore clients, round trips both ways."""
    s3, dynamodb, sqs, queue_url = _sync_setup()
    session = AioSession()
    async with (
        session.create_client("s3", region_name=REGION) as aio_s3,
        session.create_client("sqs", region_name=REGION) as aio_sqs,
    ):
        s3.put_object(Bucket="bucket", Key="sync", Body=BODY)
        response = await aio_s3.get_object(Bucket="bucket", Key="sync")
        assert await response["Body"].read() == BODY
        await aio_s3.put_object(Bucket="bucket", Key="async", Body=BODY)
        assert s3.get_object(Bucket="bucket", Key="async")["Body"].read() == BODY
        dynamodb.put_item(TableName="table", Item={"pk": {"S": "a"}})
        await aio_sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
        assert sqs.receive_message(QueueUrl=queue_url)["Messages"]
        sqs.send_message(QueueUrl=queue_url, MessageBody="back")
        assert (await aio_sqs.receive_message(QueueUrl=queue_url))["Messages"]


def _run_sync(mock: Callable[[], AbstractContextManager[Any]], tests: int) -> list[float]:
    times = []
    for _ in range(tests):
        start = time.perf_counter()
        with mock():
            sync_only_test()
        times.append(time.perf_counter() - start)
    return times


def _run_realistic(speedups: bool, tests: int) -> list[float]:
    os.environ[_speedups.SWITCH_VAR] = "1" if speedups else "0"
    times = []
    for _ in range(tests):
        start = time.perf_counter()
        with aiomoto.mock_aws():
            asyncio.run(realistic_test())
        times.append(time.perf_counter() - start)
    return times


def _rss_mib() -> float:
    # Linux: resident set size from /proc; elsewhere, ru_maxrss (a peak).
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def _compare(
    label: str,
    ours: Callable[[], list[float]],
    theirs: Callable[[], list[float]],
    batches: int,
    target: str,
) -> None:
    ours_times: list[float] = []
    theirs_times: list[float] = []
    ratios = []
    for batch in range(batches):
        # Alternate which side goes first, so neither always runs warmer.
        if batch % 2:
            mine, base = ours(), theirs()
        else:
            base, mine = theirs(), ours()
        ours_times += mine
        theirs_times += base
        ratios.append(statistics.median(mine) / statistics.median(base))
    print(
        f"{label}: {statistics.median(ours_times) * 1e3:.2f} ms vs "
        f"{statistics.median(theirs_times) * 1e3:.2f} ms per test (totals "
        f"{sum(ours_times):.2f} s vs {sum(theirs_times):.2f} s over {len(ours_times)} "
        f"tests each), ratio {statistics.median(ratios):.3f} ({target})"
    )


def _empty(mock: Callable[[], AbstractContextManager[Any]], contexts: int) -> list[float]:
    times = []
    for _ in range(contexts):
        start = time.perf_counter()
        with mock():
            pass
        times.append(time.perf_counter() - start)
    return times


def main(batches: int, tests: int, memory_tests: int) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    switch = os.environ.get(_speedups.SWITCH_VAR)
    try:
        for warm_up in (True, False):
            _run_realistic(warm_up, 2)
        _run_sync(moto.mock_aws, 2)
        _compare(
            "realistic test, aiomoto with speed-ups vs without",
            lambda: _run_realistic(True, tests),
            lambda: _run_realistic(False, tests),
            batches,
            "target <= 0.25, stretch 0.15",
        )
        os.environ[_speedups.SWITCH_VAR] = "1"
        _compare(
            "sync-only test, aiomoto.mock_aws vs moto.mock_aws",
            lambda: _run_sync(aiomoto.mock_aws, tests),
            lambda: _run_sync(moto.mock_aws, tests),
            batches,
            "target <= 0.3",
        )
        _compare(
            "empty 'with mock_aws(): pass', aiomoto vs Moto",
            lambda: _empty(aiomoto.mock_aws, tests * 10),
            lambda: _empty(moto.mock_aws, tests * 10),
            batches,
            "target <= 1.0",
        )
        _run_realistic(True, 20)
        after_20 = _rss_mib()
        _run_realistic(True, memory_tests - 20)
        growth = _rss_mib() - after_20
        print(
            f"memory: RSS grew by {growth:.1f} MiB from the 20th to the "
            f"{memory_tests}th realistic test (target <= 20 MiB)"
        )
    finally:
        if switch is None:
            os.environ.pop(_speedups.SWITCH_VAR, None)
        else:
            os.environ[_speedups.SWITCH_VAR] = switch


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=11)
    parser.add_argument("--tests", type=int, default=3, help="tests per batch and side")
    parser.add_argument("--memory-tests", type=int, default=300)
    args = parser.parse_args()
    main(args.batches, args.tests, args.memory_tests)
