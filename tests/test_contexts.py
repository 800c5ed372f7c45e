"""mock_aws as context manager and decorator, and its nesting rules."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import boto3
import pytest
from aiobotocore.session import AioSession

from aiomoto import MockAWS, MockStateError, _activation, mock_aws, mock_aws_decorator


def bucket_names() -> set[str]:
    return {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}


def make_bucket(name: str) -> None:
    boto3.client("s3").create_bucket(Bucket=name)


async def aio_bucket_names() -> set[str]:
    async with AioSession().create_client("s3", region_name="us-east-1") as s3:
        return {b["Name"] for b in (await s3.list_buckets())["Buckets"]}


# -- context managers --------------------------------------------------------


def test_with_block_mocks_boto3() -> None:
    with mock_aws():
        make_bucket("demo")
        assert bucket_names() == {"demo"}
    assert not _activation.is_active()


async def test_async_with_block_mocks_aiobotocore() -> None:
    async with mock_aws():
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="demo")
        assert bucket_names() == {"demo"}
    assert not _activation.is_active()


def test_context_returns_the_mock_object() -> None:
    mock = mock_aws()
    with mock as entered:
        assert entered is mock
        assert mock._depth == 1


async def test_async_context_returns_the_mock_object() -> None:
    mock = mock_aws()
    async with mock as entered:
        assert entered is mock
    assert mock._depth == 0


def test_start_and_stop_work_without_with() -> None:
    mock = mock_aws()
    mock.start()
    try:
        make_bucket("started")
        assert bucket_names() == {"started"}
    finally:
        mock.stop()
    assert not _activation.is_active()


# -- decorators --------------------------------------------------------------


def test_bare_decorator_on_sync_function() -> None:
    @mock_aws
    def body() -> set[str]:
        make_bucket("bare")
        return bucket_names()

    assert body() == {"bare"}
    assert not _activation.is_active()


def test_parenthesised_decorator_on_sync_function() -> None:
    @mock_aws()
    def body() -> set[str]:
        make_bucket("parens")
        return bucket_names()

    assert body() == {"parens"}


async def test_bare_decorator_on_async_function_spans_the_await() -> None:
    @mock_aws
    async def body() -> set[str]:
        await asyncio.sleep(0)  # the mock must survive a suspension
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="async-bare")
        return await aio_bucket_names()

    assert await body() == {"async-bare"}
    assert not _activation.is_active()


async def test_parenthesised_decorator_on_async_function() -> None:
    @mock_aws(reset=False)
    async def body() -> bool:
        return _activation.is_active()

    assert await body() is True


def test_decorated_function_passes_arguments_and_returns() -> None:
    @mock_aws
    def add(a: int, b: int = 2) -> int:
        return a + b

    assert add(1, b=5) == 6


def test_decorator_stops_the_mock_when_the_body_raises() -> None:
    @mock_aws
    def body() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        body()
    assert not _activation.is_active()


def test_decorator_preserves_metadata_and_signature() -> None:
    def original(bucket: str, *, count: int = 1) -> str:
        """Docstring kept."""
        return bucket * count

    wrapped = mock_aws(original)
    assert wrapped.__name__ == "original"
    assert wrapped.__doc__ == "Docstring kept."
    assert wrapped.__wrapped__ is original  # type: ignore[attr-defined]
    assert inspect.signature(wrapped) == inspect.signature(original)


def test_decorated_coroutine_function_is_still_a_coroutine_function() -> None:
    async def original(name: str) -> str:
        return name

    wrapped = mock_aws(original)
    assert inspect.iscoroutinefunction(wrapped)
    assert asyncio.iscoroutinefunction(wrapped)
    assert inspect.signature(wrapped) == inspect.signature(original)


def test_decorated_sync_function_is_not_a_coroutine_function() -> None:
    wrapped = mock_aws(lambda: None)
    assert not inspect.iscoroutinefunction(wrapped)


def test_decorated_generator_keeps_the_mock_while_it_runs() -> None:
    @mock_aws
    def fixture_like() -> Iterator[set[str]]:
        make_bucket("gen")
        yield bucket_names()
        assert _activation.is_active()  # still active on resumption

    gen = fixture_like()
    assert inspect.isgeneratorfunction(fixture_like)
    assert next(gen) == {"gen"}
    assert _activation.is_active()
    with pytest.raises(StopIteration):
        next(gen)
    assert not _activation.is_active()


async def test_decorated_async_generator_keeps_the_mock_while_it_runs() -> None:
    @mock_aws
    async def fixture_like() -> AsyncIterator[set[str]]:
        make_bucket("agen")
        received = yield bucket_names()
        assert received == "sent"
        yield await aio_bucket_names()

    agen = fixture_like()
    assert inspect.isasyncgenfunction(fixture_like)
    assert await agen.__anext__() == {"agen"}
    assert _activation.is_active()
    assert await agen.asend("sent") == {"agen"}
    with pytest.raises(StopAsyncIteration):
        await agen.__anext__()
    assert not _activation.is_active()


async def test_decorated_async_generator_forwards_thrown_exceptions() -> None:
    seen: list[BaseException] = []

    @mock_aws
    async def fixture_like() -> AsyncIterator[int]:
        try:
            yield 1
        except KeyError as exc:
            seen.append(exc)
            yield 2

    agen = fixture_like()
    assert await agen.__anext__() == 1
    assert await agen.athrow(KeyError("x")) == 2
    await agen.aclose()
    assert isinstance(seen[0], KeyError)
    assert not _activation.is_active()


def test_mock_aws_decorator_bare_wraps_with_defaults() -> None:
    @mock_aws_decorator
    def body() -> set[str]:
        make_bucket("explicit")
        return bucket_names()

    assert body() == {"explicit"}


async def test_preconfigured_mock_aws_decorator_is_reusable() -> None:
    mock_no_reset = mock_aws_decorator(reset=False, remove_data=False)
    assert isinstance(mock_no_reset, MockAWS)

    @mock_no_reset
    async def first() -> None:
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="kept")

    @mock_no_reset
    async def second() -> set[str]:
        return await aio_bucket_names()

    await first()
    # remove_data=False kept the bucket; reset=False did not clear it.
    assert "kept" in await second()
    with mock_aws():  # leave a clean backend for later tests
        pass


def test_mock_aws_decorator_with_function_and_options_honours_options() -> None:
    def body() -> None:
        make_bucket("opt")

    mock_aws_decorator(body, remove_data=False)()  # type: ignore[call-overload]
    with mock_aws(reset=False):
        assert bucket_names() == {"opt"}


def test_config_is_passed_to_moto() -> None:
    from moto.core.config import default_user_config

    with mock_aws(config={"batch": {"use_docker": False}}):
        assert default_user_config["batch"]["use_docker"] is False
    assert default_user_config["batch"]["use_docker"] is True


# -- nesting -----------------------------------------------------------------


def test_nested_context_shares_the_outer_backend() -> None:
    # The seed example of the nesting rules.
    @mock_aws
    def test_nested() -> None:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="outer")

        with mock_aws():
            assert any(b["Name"] == "outer" for b in s3.list_buckets()["Buckets"])
            s3.create_bucket(Bucket="inner")

        names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
        assert names == {"outer", "inner"}

    test_nested()


def test_inner_reset_and_remove_data_are_ignored_while_nested() -> None:
    with mock_aws():
        make_bucket("outer")
        with mock_aws(reset=True, remove_data=True):
            assert bucket_names() == {"outer"}
            make_bucket("inner")
        assert bucket_names() == {"outer", "inner"}


def test_only_the_outermost_flags_apply() -> None:
    with mock_aws(remove_data=False):
        with mock_aws(remove_data=True):
            make_bucket("survives")
    with mock_aws(reset=False):
        assert bucket_names() == {"survives"}


def test_same_object_can_be_reentered() -> None:
    mock = mock_aws()
    with mock:
        make_bucket("one")
        with mock:
            assert mock._depth == 2
            make_bucket("two")
        assert mock._depth == 1
        assert bucket_names() == {"one", "two"}
    assert mock._depth == 0
    assert not _activation.is_active()


async def test_with_inside_async_with_inside_decorator() -> None:
    @mock_aws
    async def body() -> set[str]:
        make_bucket("aaa")
        async with mock_aws():
            with mock_aws():
                make_bucket("bbb")
            async with AioSession().create_client("s3", region_name="us-east-1") as s3:
                await s3.create_bucket(Bucket="ccc")
        return bucket_names()

    assert await body() == {"aaa", "bbb", "ccc"}
    assert not _activation.is_active()


def test_outermost_exit_removes_data() -> None:
    with mock_aws():
        make_bucket("gone")
    with mock_aws(reset=False):
        assert bucket_names() == set()


def test_reset_clears_data_left_by_an_earlier_context() -> None:
    with mock_aws(remove_data=False):
        make_bucket("left")
    with mock_aws(reset=True):
        assert bucket_names() == set()


def test_reset_false_keeps_data_left_by_an_earlier_context() -> None:
    with mock_aws(remove_data=False):
        make_bucket("left")
    with mock_aws(reset=False):
        assert bucket_names() == {"left"}


def test_start_and_stop_arguments_override_the_flags_like_moto() -> None:
    mock = mock_aws()
    mock.start()
    make_bucket("kept")
    mock.stop(remove_data=False)
    mock.start(reset=False)
    try:
        assert bucket_names() == {"kept"}
    finally:
        mock.stop()


def test_stopping_more_often_than_started_raises() -> None:
    mock = mock_aws()
    with pytest.raises(MockStateError, match="stopped more often than it was started"):
        mock.stop()
    mock.start()
    mock.stop()
    with pytest.raises(MockStateError):
        mock.stop()


def test_stopping_an_object_that_another_object_started_raises() -> None:
    outer, other = mock_aws(), mock_aws()
    with outer:
        with pytest.raises(MockStateError):
            other.stop()
        assert _activation.is_active()


def test_mock_state_error_is_a_runtime_error_like_motos() -> None:
    assert issubclass(MockStateError, RuntimeError)


def test_nesting_is_thread_safe() -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                with mock_aws():
                    assert _activation.is_active()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with mock_aws():
        make_bucket("held")
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # the workers only nested inside the held context: nothing was reset
        assert bucket_names() == {"held"}
    assert errors == []
    assert not _activation.is_active()


async def test_concurrent_tasks_share_one_backend() -> None:
    async def task(name: str) -> None:
        async with mock_aws():
            async with AioSession().create_client("s3", region_name="us-east-1") as s3:
                await s3.create_bucket(Bucket=name)
                await asyncio.sleep(0)

    async with mock_aws():
        await asyncio.gather(*(task(f"bucket{i}") for i in range(5)))
        assert bucket_names() == {f"bucket{i}" for i in range(5)}


def test_reset_method_empties_the_backends_like_motos() -> None:
    with mock_aws() as mock:
        make_bucket("emptied")
        mock.reset()
        assert bucket_names() == set()
        assert _activation.is_active()


def test_reset_method_works_while_inactive_like_motos() -> None:
    with mock_aws(remove_data=False):
        make_bucket("left-over")
    mock_aws().reset()
    with mock_aws(reset=False):
        assert bucket_names() == set()


def test_public_surface_is_motos_plus_server_history_fault_stub_and_snapshot_methods() -> None:
    mock = mock_aws()
    public = {name for name in dir(mock) if not name.startswith("_")}
    assert public == {
        *("reset", "start", "stop"),
        *("server_endpoint", "server_host", "server_port"),
        *("calls", "assert_called", "assert_called_once", "assert_not_called"),
        *("inject_fault", "on"),
        *("snapshot", "restore"),
    }
    assert [name for name in vars(mock) if not name.startswith("_")] == []


def test_nested_config_applies_until_the_inner_context_exits() -> None:
    from moto.core.config import default_user_config

    with mock_aws(config={"batch": {"use_docker": False}}):
        with mock_aws(config={"lambda": {"use_docker": False}}):
            assert default_user_config["batch"]["use_docker"] is False
            assert default_user_config["lambda"]["use_docker"] is False
        assert default_user_config["lambda"]["use_docker"] is True
        assert default_user_config["batch"]["use_docker"] is False


def test_nested_config_that_mocks_credentials_sets_them_until_it_exits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "user-key")
    with mock_aws(config={"core": {"mock_credentials": False}}):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "user-key"
        with mock_aws(config={"core": {"mock_credentials": True}}):
            assert os.environ["AWS_ACCESS_KEY_ID"] == "FOOBARKEY"
        assert os.environ["AWS_ACCESS_KEY_ID"] == "user-key"


def test_nested_config_passthrough_is_honoured_by_the_guard() -> None:
    from aiomoto import _guard

    url = "http://127.0.0.1:9/"
    with mock_aws():
        assert not _guard.moto_lets_through(url)
        with mock_aws(config={"core": {"passthrough": {"urls": [r"http://127\.0\.0\.1:9/.*"]}}}):
            assert _guard.moto_lets_through(url)
        assert not _guard.moto_lets_through(url)


def test_repr_shows_the_options() -> None:
    assert repr(mock_aws(reset=False)) == (
        "MockAWS(reset=False, remove_data=True, config=None, scope='function')"
    )


# -- bad input ---------------------------------------------------------------


def test_unknown_keyword_raises_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="resett"):
        mock_aws(resett=True)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", ["reset", "remove_data"])
@pytest.mark.parametrize("value", [1, "yes", None])
def test_non_bool_flag_raises_type_error(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=f"{name}=.*must be True or False"):
        mock_aws(**{name: value})


@pytest.mark.parametrize("method", ["start", "stop"])
def test_non_bool_start_stop_argument_raises_type_error(method: str) -> None:
    with pytest.raises(TypeError, match="must be True or False"):
        getattr(mock_aws(), method)("no")


def test_non_mapping_config_raises_type_error() -> None:
    with pytest.raises(TypeError, match="config"):
        mock_aws(config=["core"])  # type: ignore[call-overload]


@pytest.mark.parametrize("target", [42, "text", None.__class__.__mro__])
def test_decorating_a_non_callable_raises_type_error(target: Any) -> None:
    with pytest.raises(TypeError, match="can decorate a function"):
        mock_aws()(target)
    with pytest.raises(TypeError, match="can decorate a function"):
        mock_aws(target)
