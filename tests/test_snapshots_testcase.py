"""``setUpAWSState`` / ``asyncSetUpAWSState``: state built once per unittest class."""

from __future__ import annotations

import unittest
from typing import Any, ClassVar

import boto3
from aiobotocore.session import AioSession

from aiomoto import (
    AsyncMockAWSMixin,
    IsolatedAsyncioMockAWSTestCase,
    MockAWSMixin,
    MockAWSOptions,
    MockAWSTestCase,
    SnapshotError,
    _activation,
    mock_aws,
)

REGION = "us-east-1"


def s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def bucket_names() -> set[str]:
    return {bucket["Name"] for bucket in s3().list_buckets()["Buckets"]}


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


def passed(result: unittest.TestResult) -> bool:
    assert not result.errors, result.errors
    assert not result.failures, result.failures
    return result.testsRun > 0


# -- sync ------------------------------------------------------------------------


class Seeded(MockAWSTestCase):
    """Records what each test saw, and changes it, so the next one can tell."""

    __test__ = False  # run through fresh() copies only

    builds: ClassVar[list[str]]
    seen: ClassVar[list[set[str]]]

    @classmethod
    def setUpAWSState(cls) -> None:
        cls.builds.append(cls.__name__)
        s3().create_bucket(Bucket="seeded")

    def test_one(self) -> None:
        self.seen.append(bucket_names())
        s3().create_bucket(Bucket="changed-by-one")

    def test_two(self) -> None:
        self.seen.append(bucket_names())
        s3().create_bucket(Bucket="changed-by-two")


def fresh(case: type[Any]) -> type[Any]:
    """A subclass of ``case`` with empty records (each test gets its own class)."""
    return type(case.__name__, (case,), {"builds": [], "seen": [], "__test__": False})


def test_set_up_aws_state_runs_once_per_class() -> None:
    case = fresh(Seeded)
    assert passed(run_case(case))
    assert case.builds == [case.__name__]


def test_every_test_starts_from_a_copy_of_the_state_set_up_aws_state_built() -> None:
    case = fresh(Seeded)
    assert passed(run_case(case))
    assert case.seen == [{"seeded"}, {"seeded"}]


def test_set_up_aws_state_runs_in_a_mock_of_its_own() -> None:
    inside: list[int] = []

    class Case(MockAWSTestCase):
        @classmethod
        def setUpAWSState(cls) -> None:
            inside.append(len(_activation.activations()))

        def test_it(self) -> None:
            assert self.aws_mock is not None
            inside.append(len(_activation.activations()))

    assert passed(run_case(Case))
    assert inside == [1, 1]


def test_a_subclass_hook_builds_on_its_parents_through_super() -> None:
    seen: list[set[str]] = []

    class Parent(MockAWSTestCase):
        @classmethod
        def setUpAWSState(cls) -> None:
            s3().create_bucket(Bucket="parent")

        def test_it(self) -> None:
            seen.append(bucket_names())

    class Child(Parent):
        @classmethod
        def setUpAWSState(cls) -> None:
            super().setUpAWSState()
            s3().create_bucket(Bucket="child")

    assert passed(run_case(Child))
    assert passed(run_case(Parent))
    assert seen == [{"parent", "child"}, {"parent"}]


def test_a_subclass_without_a_hook_of_its_own_gets_its_parents_state() -> None:
    seen: list[set[str]] = []

    class Parent(MockAWSTestCase):
        @classmethod
        def setUpAWSState(cls) -> None:
            s3().create_bucket(Bucket="parent")

    class Child(Parent):
        def test_it(self) -> None:
            seen.append(bucket_names())

    assert passed(run_case(Child))
    assert seen == [{"parent"}]


def test_a_class_without_a_hook_starts_each_test_empty() -> None:
    states: list[object] = []

    class Case(MockAWSTestCase):
        def test_it(self) -> None:
            assert self.aws_mock is not None
            states.append(self.aws_mock._state)
            assert bucket_names() == set()

    assert passed(run_case(Case))
    assert states == [None]


def test_the_hook_uses_the_class_mock_aws_options() -> None:
    seen: list[set[str]] = []

    with mock_aws() as mock:
        s3().create_bucket(Bucket="from-options")
        base = mock.snapshot()

    class Case(MockAWSTestCase):
        mock_aws_options: ClassVar[MockAWSOptions] = {"state": base}

        @classmethod
        def setUpAWSState(cls) -> None:
            s3().create_bucket(Bucket="from-hook")

        def test_it(self) -> None:
            seen.append(bucket_names())

    assert passed(run_case(Case))
    assert seen == [{"from-options", "from-hook"}]


def test_the_snapshot_is_dropped_when_the_class_is_done() -> None:
    case = fresh(Seeded)
    assert passed(run_case(case))
    assert "_aiomoto_state" not in vars(case)


def test_a_class_run_again_builds_its_state_again() -> None:
    case = fresh(Seeded)
    run_case(case)
    run_case(case)
    assert case.builds == [case.__name__, case.__name__]


def test_a_failing_hook_errors_the_tests_and_leaves_nothing_active() -> None:
    class Case(MockAWSTestCase):
        @classmethod
        def setUpAWSState(cls) -> None:
            raise RuntimeError("no state today")

        def test_it(self) -> None:
            raise AssertionError("must not run")

    result = run_case(Case)
    assert len(result.errors) == 1
    assert "no state today" in result.errors[0][1]
    assert not _activation.is_active()


def test_the_hook_raises_while_another_mock_is_active() -> None:
    case = fresh(Seeded)
    with mock_aws():
        result = run_case(case)
    assert len(result.errors) == 2
    assert all(
        "setUpAWSState() builds its state in a mock_aws of its own" in error
        for _, error in result.errors
    )
    assert all(SnapshotError.__name__ in error for _, error in result.errors)


def test_the_hook_works_on_the_mixin_over_another_test_case_base() -> None:
    seen: list[set[str]] = []

    class Case(MockAWSMixin, unittest.TestCase):
        @classmethod
        def setUpAWSState(cls) -> None:
            s3().create_bucket(Bucket="mixed")

        def test_it(self) -> None:
            seen.append(bucket_names())

    assert passed(run_case(Case))
    assert seen == [{"mixed"}]


# -- async -----------------------------------------------------------------------


async def async_bucket_names() -> set[str]:
    async with AioSession().create_client("s3", region_name=REGION) as client:
        return {b["Name"] for b in (await client.list_buckets())["Buckets"]}


async def async_create_bucket(name: str) -> None:
    async with AioSession().create_client("s3", region_name=REGION) as client:
        await client.create_bucket(Bucket=name)


class AsyncSeeded(IsolatedAsyncioMockAWSTestCase):
    __test__ = False  # run through fresh() copies only

    builds: ClassVar[list[str]]
    seen: ClassVar[list[set[str]]]

    @classmethod
    async def asyncSetUpAWSState(cls) -> None:
        cls.builds.append(cls.__name__)
        await async_create_bucket("async-seeded")

    async def test_one(self) -> None:
        self.seen.append(await async_bucket_names())
        await async_create_bucket("changed-by-one")

    async def test_two(self) -> None:
        self.seen.append(await async_bucket_names())
        await async_create_bucket("changed-by-two")


def test_async_set_up_aws_state_runs_once_per_class() -> None:
    case = fresh(AsyncSeeded)
    assert passed(run_case(case))
    assert case.builds == [case.__name__]


def test_every_async_test_starts_from_a_copy_of_what_the_async_hook_built() -> None:
    case = fresh(AsyncSeeded)
    assert passed(run_case(case))
    assert case.seen == [{"async-seeded"}, {"async-seeded"}]


def test_the_async_hook_runs_on_the_first_tests_loop_in_a_mock_of_its_own() -> None:
    import asyncio

    loops: list[object] = []
    depths: list[int] = []

    class Case(IsolatedAsyncioMockAWSTestCase):
        @classmethod
        async def asyncSetUpAWSState(cls) -> None:
            loops.append(asyncio.get_running_loop())
            depths.append(len(_activation.activations()))

        async def test_it(self) -> None:
            loops.append(asyncio.get_running_loop())
            depths.append(len(_activation.activations()))

    assert passed(run_case(Case))
    assert loops[0] is loops[1]
    assert depths == [1, 1]


def test_an_async_subclass_hook_builds_on_its_parents_through_super() -> None:
    seen: list[set[str]] = []

    class Parent(IsolatedAsyncioMockAWSTestCase):
        @classmethod
        async def asyncSetUpAWSState(cls) -> None:
            await async_create_bucket("parent")

        async def test_it(self) -> None:
            seen.append(await async_bucket_names())

    class Child(Parent):
        @classmethod
        async def asyncSetUpAWSState(cls) -> None:
            await super().asyncSetUpAWSState()
            await async_create_bucket("child")

    assert passed(run_case(Child))
    assert seen == [{"parent", "child"}]


def test_an_async_class_without_a_hook_starts_each_test_empty() -> None:
    states: list[object] = []

    class Case(IsolatedAsyncioMockAWSTestCase):
        async def test_it(self) -> None:
            assert self.aws_mock is not None
            states.append(self.aws_mock._state)

    assert passed(run_case(Case))
    assert states == [None]


def test_the_async_hook_works_on_the_mixin() -> None:
    seen: list[set[str]] = []

    class Case(AsyncMockAWSMixin, unittest.IsolatedAsyncioTestCase):
        @classmethod
        async def asyncSetUpAWSState(cls) -> None:
            await async_create_bucket("mixed")

        async def test_it(self) -> None:
            seen.append(await async_bucket_names())

    assert passed(run_case(Case))
    assert seen == [{"mixed"}]


def test_a_failing_async_hook_errors_the_test_and_leaves_nothing_active() -> None:
    class Case(IsolatedAsyncioMockAWSTestCase):
        @classmethod
        async def asyncSetUpAWSState(cls) -> None:
            raise RuntimeError("no async state today")

        async def test_it(self) -> None:
            raise AssertionError("must not run")

    result = run_case(Case)
    assert len(result.errors) == 1
    assert "no async state today" in result.errors[0][1]
    assert not _activation.is_active()
