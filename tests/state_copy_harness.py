"""Clients and the mutate -> restore -> check loop shared by the state-copy tests."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import boto3
import pytest

from aiomoto import _state_copy, mock_aws
from tests.conftest import AioClientFactory

Call = Callable[..., Awaitable[Any]]
#: ``await clients("s3")`` or ``await clients("ec2", "us-west-2")``: a call function.
Clients = Callable[..., Awaitable[Call]]
Context = dict[str, Any]
Step = Callable[[Clients, Context], Awaitable[None]]
Scenario = tuple[Step, Step, Step]

REGION = "us-east-1"
ACCOUNT = "123456789012"


@asynccontextmanager
async def sync_clients() -> AsyncIterator[Clients]:
    async def clients(service: str, region: str = REGION) -> Call:
        client = boto3.client(service, region_name=region)

        async def call(operation: str, **params: Any) -> Any:
            return getattr(client, operation)(**params)

        return call

    yield clients


@asynccontextmanager
async def async_clients(aio_client: AioClientFactory) -> AsyncIterator[Clients]:
    async with AsyncExitStack() as stack:

        async def clients(service: str, region: str = REGION) -> Call:
            client = await stack.enter_async_context(aio_client(service, region_name=region))

            async def call(operation: str, **params: Any) -> Any:
                return await getattr(client, operation)(**params)

            return call

        yield clients


async def three_rounds(clients: Clients, scenario: Scenario) -> None:
    """Seed, snapshot, then three times: mutate, restore, check."""
    seed, mutate, check = scenario
    context: Context = {}
    await seed(clients, context)
    data = _state_copy.capture()
    for _ in range(3):
        await mutate(clients, context)
        _state_copy.restore(data)
        await check(clients, context)


async def read_body(body: Any) -> bytes:
    """The bytes of a streaming body of either SDK."""
    data = body.read()
    return bytes(await data if inspect.isawaitable(data) else data)


async def run_with_boto3(scenario: Scenario) -> None:
    async with mock_aws():
        async with sync_clients() as clients:
            await three_rounds(clients, scenario)


async def run_with_aiobotocore(scenario: Scenario, aio_client: AioClientFactory) -> None:
    async with mock_aws():
        async with async_clients(aio_client) as clients:
            await three_rounds(clients, scenario)


__all__ = ["ACCOUNT", "REGION", "pytest"]
