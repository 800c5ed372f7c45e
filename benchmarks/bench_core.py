"""Print what aiomoto costs next to plain Moto, measured in one process.

1. Per-call time of an S3 put_object + get_object (body read) pair through
   aiobotocore under aiomoto, divided by the same pair through boto3 under
   Moto's own mock_aws (target <= 1.10).
2. The cost of one empty ``with aiomoto.mock_aws(): pass`` divided by Moto's
   own ``with moto.mock_aws(): pass`` (target <= 1.05).

Each figure is the median of several rounds; rounds of the two sides
alternate so that drift on the machine hits both. Run:
``python benchmarks/bench_core.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable

import boto3
import moto
from aiobotocore.session import AioSession

import aiomoto

BODY = b"x" * 1024


def _time_moto_pairs(pairs: int) -> float:
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench")
        start = time.perf_counter()
        for i in range(pairs):
            s3.put_object(Bucket="bench", Key=f"k{i}", Body=BODY)
            s3.get_object(Bucket="bench", Key=f"k{i}")["Body"].read()
        return (time.perf_counter() - start) / pairs


def _time_aiomoto_pairs(pairs: int) -> float:
    async def run() -> float:
        async with aiomoto.mock_aws():
            async with AioSession().create_client("s3", region_name="us-east-1") as s3:
                await s3.create_bucket(Bucket="bench")
                start = time.perf_counter()
                for i in range(pairs):
                    await s3.put_object(Bucket="bench", Key=f"k{i}", Body=BODY)
                    response = await s3.get_object(Bucket="bench", Key=f"k{i}")
                    await response["Body"].read()
                return (time.perf_counter() - start) / pairs

    return asyncio.run(run())


def _time_empty_contexts(make: Callable[[], object], contexts: int) -> float:
    start = time.perf_counter()
    for _ in range(contexts):
        with make():  # type: ignore[attr-defined]
            pass
    return (time.perf_counter() - start) / contexts


def _median_ratio(
    ours: Callable[[], float], theirs: Callable[[], float], rounds: int
) -> tuple[float, float, float]:
    ours_times, theirs_times = [], []
    for _ in range(rounds):
        theirs_times.append(theirs())
        ours_times.append(ours())
    mine, base = statistics.median(ours_times), statistics.median(theirs_times)
    return mine, base, mine / base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--contexts", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    # Warm up imports and Moto's lazily built backends on both sides.
    _time_moto_pairs(20)
    _time_aiomoto_pairs(20)
    _time_empty_contexts(moto.mock_aws, 20)
    _time_empty_contexts(aiomoto.mock_aws, 20)

    mine, base, ratio = _median_ratio(
        lambda: _time_aiomoto_pairs(args.pairs), lambda: _time_moto_pairs(args.pairs), args.rounds
    )
    print(
        f"S3 put+get pair: aiobotocore under aiomoto {mine * 1e3:.3f} ms, "
        f"boto3 under Moto {base * 1e3:.3f} ms, ratio {ratio:.3f} (target <= 1.10)"
    )
    mine, base, ratio = _median_ratio(
        lambda: _time_empty_contexts(aiomoto.mock_aws, args.contexts),
        lambda: _time_empty_contexts(moto.mock_aws, args.contexts),
        args.rounds,
    )
    print(
        f"empty context: aiomoto {mine * 1e6:.1f} us, Moto {base * 1e6:.1f} us, "
        f"ratio {ratio:.3f} (target <= 1.05)"
    )


if __name__ == "__main__":
    main()
