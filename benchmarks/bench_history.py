"""Print what the call history costs: time per call, and memory across a suite.

1. Recording cost: an aiobotocore S3 put_object + get_object pair under
   aiomoto with the mock's history recording, divided by the same pair with
   recording switched off for the batch (the faults and request path stay).
   Interleaved batches, median of adjacent ratios, as in bench_core.py.
2. Memory: RSS after 300 cycles of ``with mock: put 1 MiB`` (one mock object
   re-entered, as a decorated test is, and a new object each time), minus
   RSS after the first 20 cycles (target < 2 MiB growth).

Run: ``python benchmarks/bench_history.py [--batches N] [--pairs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import time
from typing import Any

import boto3
from aiobotocore.session import AioSession
from bench_core import _median_ratio  # this folder is on sys.path when run as a script

import aiomoto
from aiomoto import _intercept

BODY = b"x" * 1024
MIB = b"m" * (1024 * 1024)


def _rss_mib() -> float:
    # Linux: the resident set size, in pages, is the second field.
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


async def _pairs(s3: Any, pairs: int) -> float:
    start = time.perf_counter()
    for i in range(pairs):
        await s3.put_object(Bucket="bench", Key=f"k{i}", Body=BODY)
        response = await s3.get_object(Bucket="bench", Key=f"k{i}")
        await response["Body"].read()
    return (time.perf_counter() - start) / pairs


async def recording_cost(batches: int, pairs: int) -> None:
    async with AioSession().create_client("s3", region_name="us-east-1") as s3:
        async with aiomoto.mock_aws() as aws:
            await s3.create_bucket(Bucket="bench")
            await _pairs(s3, pairs)  # warm up

            async def recording() -> float:
                return await _pairs(s3, pairs)

            async def not_recording() -> float:
                _intercept.stop_recording(aws.calls)
                try:
                    return await _pairs(s3, pairs)
                finally:
                    _intercept.start_recording(aws.calls)

            on, off, ratio = await _median_ratio(recording, not_recording, batches)
    print(
        f"S3 put+get pair (aiobotocore): recording {on * 1e3:.3f} ms, "
        f"not recording {off * 1e3:.3f} ms, ratio {ratio:.3f}"
    )


def memory(cycles: int, first: int) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    for label, fresh_object in (("one object re-entered", False), ("a new object each time", True)):
        reused = aiomoto.mock_aws()
        rss_after_first = 0.0
        for cycle in range(cycles):
            mock = aiomoto.mock_aws() if fresh_object else reused
            with mock:
                s3.create_bucket(Bucket="memory")
                s3.put_object(Bucket="memory", Key="big", Body=MIB)
            if cycle + 1 == first:
                gc.collect()
                rss_after_first = _rss_mib()
        gc.collect()
        growth = _rss_mib() - rss_after_first
        print(
            f"RSS growth from cycle {first} to {cycles} of a 1 MiB put, {label}: "
            f"{growth:.2f} MiB (target < 2)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=21)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    asyncio.run(recording_cost(args.batches, args.pairs))
    memory(args.cycles, first=20)
