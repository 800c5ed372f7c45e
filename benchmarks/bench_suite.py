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
   realistic test (target <= 20 MiB);
5. the spread of a suite of 200 realistic tests run one after the other, as
   a test suite runs them: the mean, the median and the 90th percentile per
   test (targets: mean <= 1.2x and p90 <= 1.5x the median), and the time
   spent in full (generation 2) garbage collections, timed through
   ``gc.callbacks`` (target <= 3 ms per test), with how many collections
   ran and how many objects they freed (counts that do not depend on the
   machine's load);
6. the first realistic test in a fresh process (a subprocess that imports
   what a test module would, then runs one test), against the median of 5
   (target <= 8x the median).

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
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3
from aiobotocore.session import AioSession

# Only what a test module imports: the package loads its names on first use,
# so the fresh process of ``--first-test`` pays for them inside its timing.
import aiomoto

#: ``aiomoto._speedups.SWITCH_VAR``, spelt out so that importing this script
#: loads nothing of aiomoto's.
SWITCH_VAR = "AIOMOTO_SPEEDUPS"
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
    os.environ[SWITCH_VAR] = "1" if speedups else "0"
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


class _FullCollections:
    """Counts and times full (generation 2) collections and the objects they free."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.collected = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._started
            self.collected += info["collected"]

    def __enter__(self) -> _FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self)


def _percentile(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _suite(tests: int) -> float:
    """Run ``tests`` realistic tests back to back and print their spread; return the median."""
    os.environ[SWITCH_VAR] = "1"
    with _FullCollections() as collections:
        times = _run_realistic(True, tests)
    mean, median, p90 = statistics.mean(times), statistics.median(times), _percentile(times, 0.9)
    print(
        f"suite of {tests} realistic tests: mean {mean * 1e3:.1f} ms, median "
        f"{median * 1e3:.1f} ms, p90 {p90 * 1e3:.1f} ms; mean/median {mean / median:.2f} "
        f"(target <= 1.2), p90/median {p90 / median:.2f} (target <= 1.5); total "
        f"{sum(times):.2f} s"
    )
    print(
        f"full collections: {collections.count} in {tests} tests, "
        f"{collections.seconds * 1e3:.0f} ms in all, "
        f"{collections.seconds * 1e3 / tests:.2f} ms per test (target <= 3 ms); "
        f"{collections.collected / tests:.0f} objects freed by them per test, "
        f"{collections.seconds * 1e3 / max(collections.count, 1):.1f} ms per collection"
    )
    return median


def _first_test_in_fresh_process() -> None:
    """Child process: import what a test module would, run one test, print timings as JSON."""
    started = time.perf_counter()
    mock_aws = aiomoto.mock_aws  # what ``from aiomoto import mock_aws`` loads
    imported = time.perf_counter()
    with mock_aws():
        asyncio.run(realistic_test())
    first = time.perf_counter() - imported
    later = _run_realistic(True, 5)
    print(
        json.dumps(
            {"import": imported - started, "first": first, "median": statistics.median(later)}
        )
    )


def _first_tests(processes: int) -> None:
    results = []
    for _ in range(processes):
        child = subprocess.run(
            [sys.executable, __file__, "--first-test"],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(child.stdout))
    for result in results:
        print(
            f"first test in a fresh process: {result['first'] * 1e3:.0f} ms "
            f"(importing aiomoto.mock_aws before it: {result['import'] * 1e3:.0f} ms), "
            f"median of the next 5 there {result['median'] * 1e3:.1f} ms, ratio "
            f"{result['first'] / result['median']:.1f} (target <= 8)"
        )


def main(args: argparse.Namespace) -> None:
    import moto  # here, not above: see the imports there

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    _first_tests(args.processes)
    batches, tests = args.batches, args.tests
    switch = os.environ.get(SWITCH_VAR)
    try:
        # The process's first 20 tests, the suite, then the rest: one pass.
        _run_realistic(True, 20)
        after_20 = _rss_mib()
        _suite(args.suite_tests)
        rest = max(0, args.memory_tests - 20 - args.suite_tests)
        _run_realistic(True, rest)
        after_all = _rss_mib()
        print(
            f"memory: RSS grew by {after_all - after_20:.1f} MiB from the 20th to the "
            f"{20 + args.suite_tests + rest}th realistic test ({after_20:.0f} to "
            f"{after_all:.0f} MiB; target <= 20 MiB)"
        )
        if args.no_comparisons:
            return
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
        os.environ[SWITCH_VAR] = "1"
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
    finally:
        if switch is None:
            os.environ.pop(SWITCH_VAR, None)
        else:
            os.environ[SWITCH_VAR] = switch


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=11)
    parser.add_argument("--tests", type=int, default=3, help="tests per batch and side")
    parser.add_argument("--memory-tests", type=int, default=300)
    parser.add_argument("--suite-tests", type=int, default=200)
    parser.add_argument("--processes", type=int, default=3, help="fresh processes for --first-test")
    parser.add_argument(
        "--no-comparisons", action="store_true", help="print 4-6 only (no runs without speed-ups)"
    )
    parser.add_argument("--first-test", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_test:
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        _first_test_in_fresh_process()
    else:
        main(args)
