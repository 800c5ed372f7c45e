"""Decorated functions keep their signatures and return types."""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

from typing_extensions import assert_type

from aiomoto import MockAWS, mock_aws, mock_aws_decorator


@mock_aws
def bare(name: str, *, count: int = 1) -> list[str]:
    return [name] * count


@mock_aws(reset=False, config={"batch": {"use_docker": False}})
def with_options(name: str) -> bytes:
    return name.encode()


@mock_aws_decorator
def decorator_bare(size: int) -> float:
    return size / 2


@mock_aws_decorator(remove_data=False)
def decorator_with_options(size: int) -> int:
    return size


@mock_aws
async def async_bare(name: str) -> dict[str, int]:
    return {name: 1}


@mock_aws(reset=True)
async def async_with_options(name: str, *, retries: int = 0) -> str | None:
    return name if retries else None


@mock_aws
def generator(limit: int) -> Iterator[int]:
    yield from range(limit)


@mock_aws(server_mode=True)
async def async_generator(limit: int) -> AsyncIterator[str]:
    for number in range(limit):
        yield str(number)


def sync_calls_keep_their_types() -> None:
    assert_type(bare("a"), list[str])
    assert_type(bare("a", count=2), list[str])
    assert_type(with_options("a"), bytes)
    assert_type(decorator_bare(3), float)
    assert_type(decorator_with_options(3), int)
    assert_type(generator(3), Iterator[int])


async def async_calls_keep_their_types() -> None:
    result = await assert_type(async_bare("a"), Coroutine[Any, Any, dict[str, int]])
    assert_type(result, dict[str, int])
    assert_type(await async_with_options("a", retries=1), str | None)
    assert_type(async_generator(2), AsyncIterator[str])
    assert_type([item async for item in async_generator(2)], list[str])


def signatures_are_kept() -> None:
    bare(1)  # type: ignore[arg-type]
    bare("a", 2)  # type: ignore[call-arg]
    bare("a", counts=2)  # type: ignore[call-arg]
    with_options()  # type: ignore[call-arg]
    decorator_bare("3")  # type: ignore[arg-type]
    decorator_with_options(size="3")  # type: ignore[arg-type]
    generator("3")  # type: ignore[arg-type]


async def async_signatures_are_kept() -> None:
    await async_bare(b"a")  # type: ignore[arg-type]
    await async_with_options("a", retries="1")  # type: ignore[arg-type]


class TestClass:
    def test_method(self) -> int:
        return 1


def classes_keep_their_types() -> None:
    decorated = mock_aws(TestClass)
    assert_type(decorated, type[TestClass])
    assert_type(mock_aws(scope="class")(TestClass)().test_method(), int)


async def a_mock_decorates_many_functions() -> None:
    shared = mock_aws_decorator(reset=False)
    assert_type(shared, MockAWS)
    assert_type(shared(bare)("a"), list[str])
    assert_type(await shared(async_bare)("a"), dict[str, int])
    await shared(async_bare)(1)  # type: ignore[arg-type]
