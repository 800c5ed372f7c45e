"""Print what installed stubs cost the calls they do not answer.

Times an S3 put_object + get_object (body read) pair through aiobotocore
under aiomoto, with no stub and with 100 stubs installed on other
operations (S3's and other services'), each divided by the same pair
through boto3 under Moto's own mock_aws, and prints how far the ratio moves
(target: no more than 2%). Stubs are looked up by (service, operation), so
the 100 should cost next to nothing.

As in bench_core.py, the sides are timed in small alternating batches and
medians of ratios between neighbouring batches are printed, because this
machine's speed drifts by several percent within seconds; the two aiomoto
sides run in the same mock, one right after the other. Run:
``python benchmarks/bench_stubs.py [--batches N] [--pairs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

import boto3
import moto
from aiobotocore.session import AioSession

# The same put+get pairs as bench_core.py, so the two ratios compare.
from bench_core import _async_pairs, _sync_pairs

import aiomoto

STUBS = 100

#: Operations to stub, none of them PutObject or GetObject.
_OTHERS = [
    ("s3", "HeadObject"),
    ("s3", "ListObjectsV2"),
    ("s3", "DeleteObject"),
    ("sqs", "SendMessage"),
    ("dynamodb", "GetItem"),
]


def _install_stubs(aws: aiomoto.MockAWS) -> list[aiomoto.Stub]:
    stubs = []
    for number in range(STUBS):
        service, operation = _OTHERS[number % len(_OTHERS)]
        stubs.append(aws.on(service, operation).respond({}, times=1))
    return stubs


def _remove_stubs(stubs: list[aiomoto.Stub]) -> None:
    for stub in stubs:
        stub.remove()


async def main(batches: int, pairs: int) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    sync_s3 = boto3.client("s3", region_name="us-east-1")
    async with AioSession().create_client("s3", region_name="us-east-1") as aio_s3:

        def boto3_under_moto() -> float:
            with moto.mock_aws():
                return _sync_pairs(sync_s3, pairs)

        async def both_under_aiomoto(stubs_first: bool) -> tuple[float, float]:
            """(without stubs, with stubs), timed in one mock, in the order asked."""
            async with aiomoto.mock_aws() as aws:
                await aio_s3.create_bucket(Bucket="bench")
                if stubs_first:
                    stubs = _install_stubs(aws)
                    loaded = await _async_pairs(aio_s3, pairs)
                    _remove_stubs(stubs)
                    return await _async_pairs(aio_s3, pairs), loaded
                plain = await _async_pairs(aio_s3, pairs)
                _install_stubs(aws)
                return plain, await _async_pairs(aio_s3, pairs)

        boto3_under_moto()
        await both_under_aiomoto(stubs_first=False)
        plain_ratios, loaded_ratios, moved = [], [], []
        fastest = {False: float("inf"), True: float("inf")}
        for batch in range(batches):
            # Alternate what runs first, so that neither side always runs warmer.
            if batch % 2:
                base = boto3_under_moto()
                plain, loaded = await both_under_aiomoto(stubs_first=True)
            else:
                plain, loaded = await both_under_aiomoto(stubs_first=False)
                base = boto3_under_moto()
            plain_ratios.append(plain / base)
            loaded_ratios.append(loaded / base)
            moved.append(loaded / plain)
            fastest = {False: min(fastest[False], plain), True: min(fastest[True], loaded)}
        lookup = await _lookup_cost(aio_s3)
        print(
            f"S3 put+get pair, aiobotocore under aiomoto / boto3 under Moto: "
            f"no stubs {statistics.median(plain_ratios):.3f}, "
            f"{STUBS} stubs on other operations {statistics.median(loaded_ratios):.3f}; "
            f"the ratio moved by {(statistics.median(moved) - 1) * 100:+.1f}% "
            f"(median of neighbouring batches; target within 2%)"
        )
        print(
            f"  fastest batch of each, per pair: {fastest[False] * 1e3:.3f} ms with no stub, "
            f"{fastest[True] * 1e3:.3f} ms with {STUBS} stubs "
            f"({(fastest[True] / fastest[False] - 1) * 100:+.1f}%)"
        )
        print(
            f"  deciding one PutObject attempt: {lookup[0] * 1e9:.0f} ns with no stub, "
            f"{lookup[1] * 1e9:.0f} ns with {STUBS} stubs on other operations"
        )


async def _lookup_cost(s3: Any, rounds: int = 20, calls: int = 20_000) -> tuple[float, float]:
    """Seconds ``_intercept.attempt`` takes for a PutObject attempt: (no stubs, 100 stubs).

    The sides alternate, and the fastest round of each is kept: on a busy
    machine the minimum is the figure least disturbed by other work.
    """
    from aiomoto import _intercept

    best = {False: float("inf"), True: float("inf")}
    stubs: list[aiomoto.Stub] = []
    async with aiomoto.mock_aws() as aws:
        with _intercept.api_call(s3, "PutObject", {"Bucket": "b", "Key": "k"}):
            for number in range(rounds):
                stubbed = bool(number % 2)
                if stubbed:
                    stubs = _install_stubs(aws)
                else:
                    _remove_stubs(stubs)
                start = time.perf_counter()
                for _ in range(calls):
                    _intercept.attempt(None)  # type: ignore[arg-type]
                best[stubbed] = min(best[stubbed], (time.perf_counter() - start) / calls)
    return best[False], best[True]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=31)
    parser.add_argument("--pairs", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.batches, args.pairs))
