"""Print what a throttled call costs under aiomoto, with retry waits skipped and slept.

The cases of issue 17's table, each in legacy, standard and adaptive mode,
sync (boto3) and async (aiobotocore, aiohttp backend), with the SDK's
default retry settings:

- DynamoDB ``PutItem`` throttled twice (target <= 30 ms a call);
- SQS ``SendMessage`` throttled twice (target <= 30 ms);
- DynamoDB ``ListTables`` throttled until the retries run out (<= 100 ms).

Each case runs ``--calls`` times with the default settings (waits skipped),
median reported, then ``--real-calls`` times (default 1) with
``mock_aws(real_retry_waits=True)`` to show what the SDK's sleeps cost; the
legacy run-out case sleeps about 25 s there. ``--no-real`` leaves those out.

Run: ``python benchmarks/bench_retries.py [--calls N] [--real-calls N] [--no-real]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import ClientError

import aiomoto

MODES = ("legacy", "standard", "adaptive")
THROTTLE = "ProvisionedThroughputExceededException"
TABLE = {
    "TableName": "bench",
    "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}

#: name, service, the fault's operation and error, times (None: every attempt), target ms.
CASES = [
    ("DynamoDB PutItem throttled twice", "dynamodb", "PutItem", THROTTLE, 2, 30),
    ("SQS SendMessage throttled twice", "sqs", "SendMessage", "ThrottlingException", 2, 30),
    ("DynamoDB throttled until retries run out", "dynamodb", "ListTables", THROTTLE, None, 100),
]


def _setup_sync(client: Any, service: str) -> Callable[[], Any]:
    if service == "sqs":
        url = client.create_queue(QueueName="bench")["QueueUrl"]
        return lambda: client.send_message(QueueUrl=url, MessageBody="m")
    client.create_table(**TABLE)
    return lambda: client.put_item(TableName="bench", Item={"k": {"S": "v"}})


async def _setup_async(client: Any, service: str) -> Callable[[], Any]:
    if service == "sqs":
        url = (await client.create_queue(QueueName="bench"))["QueueUrl"]
        return lambda: client.send_message(QueueUrl=url, MessageBody="m")
    await client.create_table(**TABLE)
    return lambda: client.put_item(TableName="bench", Item={"k": {"S": "v"}})


def run_sync(case: tuple[Any, ...], mode: str, calls: int, real: bool) -> list[float]:
    _, service, operation, error, times, _ = case
    took = []
    with aiomoto.mock_aws(real_retry_waits=real) as aws:
        client = boto3.client(
            service, region_name="us-east-1", config=Config(retries={"mode": mode})
        )
        call = _setup_sync(client, service)
        if operation == "ListTables":
            call = client.list_tables
        call()  # warm up
        for _ in range(calls):
            fault = aws.inject_fault(service, operation, error=error, times=times)
            start = time.perf_counter()
            with contextlib.suppress(ClientError):
                call()
            took.append(time.perf_counter() - start)
            fault.remove()
    return took


async def run_async(case: tuple[Any, ...], mode: str, calls: int, real: bool) -> list[float]:
    _, service, operation, error, times, _ = case
    took = []
    async with aiomoto.mock_aws(real_retry_waits=real) as aws:
        config = AioConfig(retries={"mode": mode})
        async with AioSession().create_client(
            service, region_name="us-east-1", config=config
        ) as client:
            call = await _setup_async(client, service)
            if operation == "ListTables":
                call = client.list_tables
            await call()  # warm up
            for _ in range(calls):
                fault = aws.inject_fault(service, operation, error=error, times=times)
                start = time.perf_counter()
                with contextlib.suppress(ClientError):
                    await call()
                took.append(time.perf_counter() - start)
                fault.remove()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--real-calls", type=int, default=1)
    parser.add_argument("--no-real", action="store_true")
    args = parser.parse_args()
    settings = [("skipped", False, args.calls)]
    if not args.no_real:
        settings.append(("real_retry_waits=True", True, args.real_calls))
    print(f"{'case':42} {'mode':9} {'kind':6} {'waits':22} {'median ms':>10} {'target':>7}")
    for label, real, calls in settings:
        for case in CASES:
            for mode in MODES:
                for kind in ("sync", "async"):
                    if kind == "sync":
                        took = run_sync(case, mode, calls, real)
                    else:
                        took = asyncio.run(run_async(case, mode, calls, real))
                    median = statistics.median(took) * 1000
                    target = case[5]
                    verdict = "" if real else ("ok" if median <= target else "OVER")
                    print(
                        f"{case[0]:42} {mode:9} {kind:6} {label:22} {median:10.1f} "
                        f"{target:>5} {verdict}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
