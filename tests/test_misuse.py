"""Hostile inputs to mock_aws: config, decoration, threads, leaks.

Each misuse gets a named error that says what to do, and afterwards the
process is clean (``assert_process_clean``): no mock active, ``AWS_*``
variables and Moto's config as before, Moto's patching off, and a plain
``mock_aws()`` works.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import io
import threading
import unittest
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.core.config import default_user_config

from aiomoto import MockLeakError, _activation, _environment, mock_aws
from tests.conftest import ProcessState, assert_process_clean

Clean = Callable[[], None]

# -- config: checked against Moto's settings before Moto sees it --------------


@pytest.mark.parametrize(
    ("config", "path", "expected"),
    [
        ({"core": None}, r"\['core'\]", "a dict of settings"),
        ({"core": {"passthrough": None}}, r"\['core'\]\['passthrough'\]", "a dict of settings"),
        (
            {"core": {"passthrough": {"urls": "https://x"}}},
            r"\['core'\]\['passthrough'\]\['urls'\]",
            "a list of str",
        ),
        (
            {"core": {"passthrough": {"services": [1]}}},
            r"\['core'\]\['passthrough'\]\['services'\]",
            "a list of str",
        ),
        (
            {"core": {"mock_credentials": "false"}},
            r"\['core'\]\['mock_credentials'\]",
            "True or False",
        ),
        (
            {"core": {"reset_boto3_session": 0}},
            r"\['core'\]\['reset_boto3_session'\]",
            "True or False",
        ),
        (
            {"core": {"service_whitelist": "s3"}},
            r"\['core'\]\['service_whitelist'\]",
            "a list of str",
        ),
        ({"batch": {"use_docker": None}}, r"\['batch'\]\['use_docker'\]", "True or False"),
        ({"iam": []}, r"\['iam'\]", "a dict of settings"),
    ],
    ids=repr,
)
def test_a_config_value_of_the_wrong_type_is_a_type_error_naming_its_path(
    config: dict[str, Any], path: str, expected: str, clean_process: Clean
) -> None:
    with pytest.raises(TypeError, match=rf"^mock_aws\(config=\.\.\.\){path} must be {expected}"):
        mock_aws(config=config)
    clean_process()


@pytest.mark.parametrize(
    ("config", "suggestion"),
    [
        ({"cor": {}}, "'core'"),
        ({"core": {"mock_credential": False}}, "'mock_credentials'"),
        ({"core": {"passthrough": {"url": []}}}, "'urls'"),
        ({"lamda": {"use_docker": False}}, "'lambda'"),
    ],
    ids=repr,
)
def test_a_misspelt_config_key_is_a_value_error_naming_the_closest(
    config: dict[str, Any], suggestion: str, clean_process: Clean
) -> None:
    with pytest.raises(ValueError, match=f"has no Moto setting .*did you mean {suggestion}"):
        mock_aws(config=config)
    clean_process()


def test_a_config_key_that_is_not_a_str_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"keys must be str setting names, not 1"):
        mock_aws(config={1: {}})  # type: ignore[dict-item]


def test_a_setting_of_another_type_that_moto_may_add_is_checked_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typing import TypedDict

    from aiomoto import _config

    class Future(TypedDict, total=False):
        name: str

    monkeypatch.setattr(_config, "_schema", lambda: {"future": Future})
    assert _config.checked_config({"future": {"name": "ok"}}) == {"future": {"name": "ok"}}
    with pytest.raises(TypeError, match=r"\['future'\]\['name'\] must be a str, not 1"):
        _config.checked_config({"future": {"name": 1}})


def test_a_passthrough_url_that_is_not_a_regular_expression_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"\['urls'\] holds regular expressions.*'\('"):
        mock_aws(config={"core": {"passthrough": {"urls": ["("]}}})


def test_a_bad_nested_config_leaves_the_outer_mock_working(clean_process: Clean) -> None:
    with mock_aws() as outer:
        with pytest.raises(TypeError, match=r"\['core'\] must be a dict"):
            mock_aws(config={"core": None})
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="outer")
    outer.assert_called_once("s3", "CreateBucket")
    clean_process()


def test_a_config_is_checked_once_and_later_changes_to_the_dict_are_ignored(
    clean_process: Clean,
) -> None:
    config: dict[str, Any] = {"batch": {"use_docker": False}}
    mock = mock_aws(config=config)
    config["core"] = None
    config["batch"]["use_docker"] = "no"
    with mock:
        assert default_user_config["batch"]["use_docker"] is False
        assert default_user_config["core"]["mock_credentials"] is True
    clean_process()


@pytest.mark.parametrize(
    "step",
    # Before Moto counts itself started, and after (with its interception on).
    ["_mock_env_variables", "reset"],
)
def test_everything_is_put_back_when_moto_fails_to_start(
    step: str, monkeypatch: pytest.MonkeyPatch, clean_process: Clean
) -> None:
    from moto.core.models import MockAWS as MotoMockAWS

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Moto could not start")

    with monkeypatch.context() as patch:
        patch.setattr(MotoMockAWS, step, broken)
        with pytest.raises(RuntimeError, match="Moto could not start"):
            mock_aws(config={"batch": {"use_docker": False}}).start()
    clean_process()


def test_a_failure_to_start_recording_leaves_nothing_active(
    monkeypatch: pytest.MonkeyPatch, clean_process: Clean
) -> None:
    from aiomoto import _intercept

    def broken(history: Any) -> None:
        raise RuntimeError("cannot record")

    with monkeypatch.context() as patch:
        patch.setattr(_intercept, "start_recording", broken)
        with pytest.raises(RuntimeError, match="cannot record"):
            mock_aws().start()
    clean_process()


def test_a_nested_config_that_fails_to_apply_leaves_the_outer_one_in_force(
    monkeypatch: pytest.MonkeyPatch, clean_process: Clean
) -> None:
    def broken() -> bool:
        raise RuntimeError("cannot apply")

    with mock_aws(config={"batch": {"use_docker": False}}):
        with monkeypatch.context() as patch:
            patch.setattr(_environment, "mocks_credentials", broken)
            with pytest.raises(RuntimeError, match="cannot apply"):
                mock_aws(config={"lambda": {"use_docker": False}}).start()
        assert default_user_config["batch"]["use_docker"] is False
        assert default_user_config["lambda"]["use_docker"] is True
        assert len(_activation.activations()) == 1
    clean_process()


def test_a_nested_config_without_mocked_credentials_keeps_the_outer_ones(
    clean_process: Clean,
) -> None:
    import os

    with mock_aws():
        keys = os.environ["AWS_ACCESS_KEY_ID"]
        with mock_aws(config={"core": {"mock_credentials": False}}):
            assert default_user_config["core"]["mock_credentials"] is False
            assert os.environ["AWS_ACCESS_KEY_ID"] == keys
    clean_process()


@pytest.mark.parametrize("whitelist", [None, ["s3"]])
def test_the_service_whitelist_takes_none_or_a_list(
    whitelist: list[str] | None, clean_process: Clean
) -> None:
    with mock_aws(config={"core": {"service_whitelist": whitelist}}):
        assert default_user_config["core"]["service_whitelist"] == whitelist
    clean_process()


def test_moto_config_is_put_back_after_the_outermost_exit_even_if_changed_inside(
    clean_process: Clean,
) -> None:
    with mock_aws(config={"lambda": {"use_docker": False}}):
        with mock_aws(config={"batch": {"use_docker": False}}):
            default_user_config["core"]["passthrough"]["urls"].append("changed in place")
    clean_process()


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.text(alphabet="ab.*", max_size=3), max_size=2),
)
_KEYS = st.sampled_from(
    [
        *("core", "batch", "lambda", "iam", "stepfunctions", "iot", "use_docker"),
        *("mock_credentials", "passthrough", "urls", "services", "service_whitelist"),
        *("reset_boto3_session", "cor"),
    ]
)
_CONFIGS = st.recursive(
    _LEAVES, lambda children: st.dictionaries(_KEYS, children, max_size=3), max_leaves=6
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=st.dictionaries(_KEYS, _CONFIGS, max_size=3))
def test_any_config_is_either_rejected_by_name_or_applied_and_undone(
    config: dict[str, Any],
) -> None:
    before = ProcessState.now()
    rejected: Exception | None = None
    try:
        mock = mock_aws(config=config)
    except (TypeError, ValueError) as error:
        rejected = error
    else:
        with mock:
            pass
    assert rejected is None or "mock_aws(config=...)" in str(rejected)
    assert_process_clean(before)


# -- decoration: whatever looks like a test runs inside the mock -------------


class _Callable:
    def __call__(self) -> bool:
        return _activation.is_active()


class _AsyncCallable:
    async def __call__(self) -> bool:
        return _activation.is_active()


def _active(self: Any, expected: bool) -> bool:
    return _activation.is_active() is expected


async def _async_active(self: Any) -> bool:
    return _activation.is_active()


def test_every_kind_of_test_callable_of_a_plain_class_runs_inside_the_mock() -> None:
    @mock_aws
    class TestKinds:
        @staticmethod
        def test_static() -> bool:
            return _activation.is_active()

        @classmethod
        def test_class(cls) -> bool:
            return _activation.is_active()

        test_partial = functools.partialmethod(_active, True)
        test_object = _Callable()

    assert TestKinds.test_static() is True
    assert TestKinds().test_static() is True
    assert TestKinds.test_class() is True
    assert TestKinds().test_partial() is True
    assert TestKinds().test_object() is True
    assert not _activation.is_active()


async def test_async_static_partial_and_callable_object_tests_run_inside_the_mock() -> None:
    @mock_aws
    class TestKinds:
        @staticmethod
        async def test_static() -> bool:
            return _activation.is_active()

        test_partial = functools.partialmethod(_async_active)
        test_object = _AsyncCallable()

    assert inspect.iscoroutinefunction(TestKinds.test_object)
    assert await TestKinds.test_static() is True
    assert await TestKinds().test_partial() is True
    assert await TestKinds().test_object() is True
    assert not _activation.is_active()


def test_a_test_the_class_decorator_cannot_wrap_is_a_type_error_at_decoration() -> None:
    class Dispatching:
        @functools.singledispatchmethod
        def test_dispatch(self, value: object) -> None: ...

    with pytest.raises(TypeError, match=r"cannot wrap .*test_dispatch, a singledispatchmethod"):
        mock_aws(Dispatching)


def test_mock_aws_above_staticmethod_or_classmethod_keeps_the_kind() -> None:
    class Helpers:
        @mock_aws
        @staticmethod
        def static() -> bool:
            return _activation.is_active()

        @mock_aws
        @classmethod
        def klass(cls) -> bool:
            return _activation.is_active()

    assert Helpers().static() is True
    assert Helpers.klass() is True
    assert isinstance(inspect.getattr_static(Helpers, "klass"), classmethod)


def test_class_attributes_that_are_not_callable_are_left_alone() -> None:
    @mock_aws
    class TestData:
        test_cases = ({"a": 1},)
        testing = "text"

    assert TestData.test_cases == ({"a": 1},)
    assert TestData.testing == "text"


def test_static_and_partial_tests_decorated_again_by_inheritance_are_wrapped_once() -> None:
    def depth(self: Any) -> int:
        return len(_activation.activations())

    @mock_aws
    class TestBase:
        @staticmethod
        def test_static() -> int:
            return len(_activation.activations())

        test_partial = functools.partialmethod(depth)

    @mock_aws
    class TestChild(TestBase):
        pass

    assert TestChild.test_static() == 1
    assert TestChild().test_partial() == 1


def _passthrough(func: Callable[..., Any]) -> Callable[..., Any]:
    # A decorator written without async in mind: a def returning what it wraps returns.
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


async def test_a_def_wrapper_around_a_coroutine_function_runs_the_coroutine_inside() -> None:
    @mock_aws
    @_passthrough
    async def work() -> bool:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="inside")
        return _activation.is_active()

    assert await work() is True
    assert not _activation.is_active()


async def test_a_def_wrapper_keeps_what_its_call_made_for_the_coroutine() -> None:
    def setting_up(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper() -> Any:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="made-first")
            return func()

        return wrapper

    @mock_aws
    @setting_up
    async def work() -> list[str]:
        s3 = boto3.client("s3", region_name="us-east-1")
        return [b["Name"] for b in s3.list_buckets()["Buckets"]]

    assert await work() == ["made-first"]


async def test_an_object_with_async_call_gets_the_async_wrapper() -> None:
    decorated = mock_aws(_AsyncCallable())
    assert inspect.iscoroutinefunction(decorated)
    assert await decorated() is True
    assert not _activation.is_active()


def test_a_def_wrapper_around_a_generator_function_runs_the_generator_inside() -> None:
    @mock_aws
    @_passthrough
    def states() -> Iterator[bool]:
        yield _activation.is_active()
        yield _activation.is_active()

    assert list(states()) == [True, True]
    assert not _activation.is_active()


async def test_a_def_wrapper_around_an_async_generator_runs_it_inside() -> None:
    @mock_aws
    @_passthrough
    async def states() -> AsyncIterator[bool]:
        yield _activation.is_active()

    assert [state async for state in states()] == [True]
    assert not _activation.is_active()


def test_a_def_that_runs_a_coroutine_itself_stays_a_plain_function() -> None:
    def run_sync(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper() -> Any:
            return asyncio.run(func())

        return wrapper

    @mock_aws
    @run_sync
    async def work() -> bool:
        return _activation.is_active()

    assert not inspect.iscoroutinefunction(work)
    assert work() is True


def test_a_failing_def_wrapper_leaves_nothing_active(clean_process: Clean) -> None:
    @mock_aws
    def fails() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    clean_process()


async def test_an_async_generator_closed_early_with_aclosing_exits_the_mock_at_once() -> None:
    @mock_aws
    async def pages() -> AsyncIterator[int]:
        for page in range(3):
            yield page

    async with contextlib.aclosing(pages()) as iterator:
        async for _page in iterator:
            break
        assert _activation.is_active()
    assert not _activation.is_active()


# -- threads: one lock for the whole first entry -----------------------------


def test_two_threads_entering_one_mock_at_once_both_find_it_recording(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Both threads finish entering before either goes on: the interleaving
    # in which the old first-entry check, made after the lock, failed.
    both_entered = threading.Barrier(2, timeout=30)
    enter = _activation.enter

    def enter_then_wait(owner: Any, reset: bool | None = None) -> None:
        enter(owner, reset=reset)
        both_entered.wait()

    monkeypatch.setattr(_activation, "enter", enter_then_wait)
    mock = mock_aws()
    threads = [threading.Thread(target=mock.start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="seen")
        mock.assert_called_once("s3", "CreateBucket")
    finally:
        mock.stop()
        mock.stop()


def _enter_and_call(
    mock: Any, ready: threading.Barrier, failures: list[BaseException], index: int
) -> None:
    try:
        ready.wait()
        mock.start()
        try:
            sqs = boto3.client("sqs", region_name="us-east-1")
            sqs.create_queue(QueueName=f"q{index}")
            mock.assert_called("sqs", "CreateQueue", QueueName=f"q{index}")
        finally:
            mock.stop()
    except BaseException as error:  # noqa: BLE001 - reported by the main thread
        failures.append(error)


def test_many_threads_entering_one_mock_at_once_all_record() -> None:
    for _round in range(25):
        mock = mock_aws()
        ready = threading.Barrier(4, timeout=30)
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=_enter_and_call, args=(mock, ready, failures, i))
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert not _activation.is_active()


# -- leaks under the plain unittest runner ------------------------------------


def _run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def test_a_leak_in_a_decorated_test_case_is_stopped_and_reported(clean_process: Clean) -> None:
    @mock_aws
    class Leaky(unittest.TestCase):
        def test_leaks(self) -> None:
            mock_aws().start()

    result = _run(Leaky)
    ((_test, traceback),) = result.errors
    assert "MockLeakError" in traceback
    assert "test_leaks left 1 aiomoto mock active" in traceback
    clean_process()


def test_a_decorated_test_case_that_leaks_nothing_passes(clean_process: Clean) -> None:
    @mock_aws
    class Tidy(unittest.TestCase):
        def test_nested(self) -> None:
            with mock_aws():
                boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="tidy")

    result = _run(Tidy)
    assert result.wasSuccessful(), result.errors
    clean_process()


def test_a_decorated_test_case_may_turn_the_leak_check_off() -> None:
    leaked: list[Any] = []

    @mock_aws
    class KeepsOpen(unittest.TestCase):
        mock_aws_leak_check = False

        def test_keeps(self) -> None:
            mock = mock_aws()
            mock.start()
            leaked.append(mock)

    result = _run(KeepsOpen)
    assert result.wasSuccessful(), result.errors
    assert _activation.is_active()
    leaked[0].stop()


def test_a_leak_in_a_decorated_test_case_run_by_debug_raises_mock_leak_error() -> None:
    @mock_aws
    class Leaky(unittest.TestCase):
        def test_leaks(self) -> None:
            mock_aws().start()

    case = Leaky("test_leaks")
    with pytest.raises(MockLeakError):
        case.debug()
    assert not _activation.is_active()
