"""Print what aiomoto costs next to plain Moto, measured in one process.

1. Per-call time of an S3 put_object + get_object (body read) pair through
   aiobotocore under aiomoto, divided by the same pair through boto3 under
   Moto's own mock_aws (target <= 1.05).
2. The cost of one empty ``with aiomoto.mock_aws(): pass`` divided by Moto's
   own ``with moto.mock_aws(): pass`` (target <= 1.0).

To tell aiomoto's cost from aiobotocore's, it also prints boto3 under aiomoto
against boto3 under Moto (what aiomoto adds to a request), and aiobotocore
against boto3, both under aiomoto (what aiobotocore's async machinery costs
next to botocore's).

This machine's speed drifts by several percent within seconds, so the sides
are timed in small batches that alternate, each ratio is taken between
batches that ran next to each other, and the median of those ratios is
printed. Run: ``python benchmarks/bench_core.py [--batches N] [--pairs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3
import moto
from aiobotocore.session import AioSession

import aiomoto

BODY = b"x" * 1024


def _sync_pairs(s3: Any, pairs: int) -> float:
    s3.create_bucket(Bucket="bench")
    start = time.perf_counter()
    for i in range(pairs):
        s3.put_object(Bucket="bench", Key=f"k{i}", Body=BODY)
        s3.get_object(Bucket="bench", Key=f"k{i}")["Body"].read()
    return (time.perf_counter() - start) / pairs


async def _async_pairs(s3: Any, pairs: int) -> float:
    await s3.create_bucket(Bucket="bench")
    start = time.perf_counter()
    for i in range(pairs):
        await s3.put_object(Bucket="bench", Key=f"k{i}", Body=BODY)
        response = await s3.get_object(Bucket="bench", Key=f"k{i}")
        await response["Body"].read()
    return (time.perf_counter() - start) / pairs


def _empty_contexts(make: Callable[[], AbstractContextManager[Any]], contexts: int) -> float:
    start = time.perf_counter()
    for _ in range(contexts):
        with make():
            pass
    return (time.perf_counter() - start) / contexts


async def _median_ratio(
    ours: Callable[[], Awaitable[float]], theirs: Callable[[], Awaitable[float]], batches: int
) -> tuple[float, float, float]:
    ours_times, theirs_times, ratios = [], [], []
    for batch in range(batches):
        # Alternate which side goes first, so neither always runs warmer.
        if batch % 2:
            mine, base = await ours(), await theirs()
        else:
            base, mine = await theirs(), await ours()
        ours_times.append(mine)
        theirs_times.append(base)
        ratios.append(mine / base)
    return statistics.median(ours_times), statistics.median(theirs_times), statistics.median(ratios)


async def main(batches: int, pairs: int, contexts: int) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    sync_s3 = boto3.client("s3", region_name="us-east-1")
    async with AioSession().create_client("s3", region_name="us-east-1") as aio_s3:

        async def boto3_under_moto() -> float:
            with moto.mock_aws():
                return _sync_pairs(sync_s3, pairs)

        async def boto3_under_aiomoto() -> float:
            with aiomoto.mock_aws():
                return _sync_pairs(sync_s3, pairs)

        async def aiobotocore_under_aiomoto() -> float:
            async with aiomoto.mock_aws():
                return await _async_pairs(aio_s3, pairs)

        async def empty_aiomoto() -> float:
            return _empty_contexts(aiomoto.mock_aws, contexts)

        async def empty_moto() -> float:
            return _empty_contexts(moto.mock_aws, contexts)

        for warm_up in (boto3_under_moto, boto3_under_aiomoto, aiobotocore_under_aiomoto):
            await warm_up()

        mine, base, ratio = await _median_ratio(
            aiobotocore_under_aiomoto, boto3_under_moto, batches
        )
        print(
            f"S3 put+get pair: aiobotocore under aiomoto {mine * 1e3:.3f} ms, "
            f"boto3 under Moto {base * 1e3:.3f} ms, ratio {ratio:.3f} (target <= 1.05)"
        )
        mine, base, ratio = await _median_ratio(boto3_under_aiomoto, boto3_under_moto, batches)
        print(
            f"  aiomoto's part: boto3 under aiomoto {mine * 1e3:.3f} ms, "
            f"under Moto {base * 1e3:.3f} ms, ratio {ratio:.3f}"
        )
        mine, base, ratio = await _median_ratio(
            aiobotocore_under_aiomoto, boto3_under_aiomoto, batches
        )
        print(
            f"  aiobotocore's part: aiobotocore {mine * 1e3:.3f} ms, boto3 {base * 1e3:.3f} ms, "
            f"both under aiomoto, ratio {ratio:.3f}"
        )
        mine, base, ratio = await _median_ratio(empty_aiomoto, empty_moto, batches)
        print(
            f"empty context: aiomoto {mine * 1e6:.1f} us, Moto {base * 1e6:.1f} us, "
            f"ratio {ratio:.3f} (target <= 1.0)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=21)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--contexts", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.batches, args.pairs, args.contexts))
