"""MockAWSTestCase, IsolatedAsyncioMockAWSTestCase and the mixins.

Written with unittest only, so that this module runs under pytest and under
``python -m unittest tests.test_testcase`` alike (.ci/run does both).
"""

from __future__ import annotations

import os
import unittest
from contextlib import AsyncExitStack
from typing import ClassVar

import boto3
from aiobotocore.session import AioSession

from aiomoto import (
    AsyncMockAWSMixin,
    IsolatedAsyncioMockAWSTestCase,
    MockAWSMixin,
    MockAWSOptions,
    MockAWSTestCase,
    MockStateError,
    _activation,
    mock_aws,
)

REGION = "us-east-1"


def bucket_names() -> list[str]:
    s3 = boto3.client("s3", region_name=REGION)
    return sorted(b["Name"] for b in s3.list_buckets()["Buckets"])


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


# -- used directly as test classes ---------------------------------------------


class SyncBaseClassTest(MockAWSTestCase):
    def setUp(self) -> None:
        super().setUp()
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="from-setup")

    def test_setup_state_is_visible(self) -> None:
        self.assertEqual(bucket_names(), ["from-setup"])

    def test_each_test_starts_fresh(self) -> None:
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="only-here")
        self.assertEqual(bucket_names(), ["from-setup", "only-here"])

    def test_the_active_mock_is_exposed(self) -> None:
        assert self.aws_mock is not None
        self.assertTrue(_activation.is_active())


class AsyncBaseClassTest(IsolatedAsyncioMockAWSTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        # AsyncExitStack rather than enterAsyncContext, which Python 3.10 lacks.
        clients = AsyncExitStack()
        self.addAsyncCleanup(clients.aclose)
        self.s3 = await clients.enter_async_context(
            AioSession().create_client("s3", region_name=REGION)
        )
        await self.s3.create_bucket(Bucket="async-setup")

    async def test_client_from_async_setup_works(self) -> None:
        listed = await self.s3.list_buckets()
        self.assertEqual([b["Name"] for b in listed["Buckets"]], ["async-setup"])

    def test_sync_test_in_async_case_sees_the_same_backend(self) -> None:
        self.assertEqual(bucket_names(), ["async-setup"])

    async def asyncTearDown(self) -> None:
        self.assertTrue(_activation.is_active())
        await super().asyncTearDown()


class SyncAssertionsTest(MockAWSTestCase):
    def test_assert_aws_called_and_not_called(self) -> None:
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="asserted")
        self.assertAWSCalled("s3", "CreateBucket", Bucket="asserted")
        self.assertAWSCalled("s3", "create_bucket", 1)
        self.assertAWSNotCalled("s3", "DeleteBucket")
        self.assertAWSNotCalled("sqs")

    def test_a_failed_assertion_is_a_test_failure_listing_the_calls(self) -> None:
        boto3.client("s3", region_name=REGION).list_buckets()
        with self.assertRaises(self.failureException) as failure:
            self.assertAWSCalled("s3", "ListBuckets", times=2)
        self.assertIn("1. s3.ListBuckets() -> 200", str(failure.exception))
        with self.assertRaises(self.failureException):
            self.assertAWSNotCalled("s3", "ListBuckets")

    def test_a_typo_raises_value_error(self) -> None:
        with self.assertRaisesRegex(ValueError, "did you mean 'DeleteBucket'"):
            self.assertAWSNotCalled("s3", "DeleteBuckit")


class AsyncAssertionsTest(IsolatedAsyncioMockAWSTestCase):
    async def test_async_calls_are_asserted(self) -> None:
        async with AioSession().create_client("sqs", region_name=REGION) as sqs:
            await sqs.create_queue(QueueName="asserted")
        self.assertAWSCalled("sqs", "CreateQueue", times=1, QueueName="asserted")
        self.assertAWSNotCalled("sqs", "DeleteQueue")


class MixinAssertionsTest(MockAWSMixin, unittest.TestCase):
    def test_mixins_have_the_assertions(self) -> None:
        boto3.client("s3", region_name=REGION).list_buckets()
        self.assertAWSCalled("s3", "ListBuckets")


class OptionsClassTest(MockAWSTestCase):
    mock_aws_options: ClassVar[MockAWSOptions] = {"config": {"batch": {"use_docker": False}}}

    def test_options_reach_moto(self) -> None:
        from moto.core.config import default_user_config

        self.assertIs(default_user_config["batch"]["use_docker"], False)


# -- behaviour checked by running small cases ----------------------------------


class BehaviourTest(unittest.TestCase):
    def test_mock_is_inactive_and_environment_restored_after_a_class(self) -> None:
        before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
        result = run_case(SyncBaseClassTest)
        self.assertTrue(result.wasSuccessful(), result.errors + result.failures)
        self.assertEqual(result.testsRun, 3)
        self.assertFalse(_activation.is_active())
        self.assertEqual({k: v for k, v in os.environ.items() if k.startswith("AWS_")}, before)

    def test_failure_later_in_subclass_setup_still_stops_the_mock(self) -> None:
        class Broken(MockAWSTestCase):
            def setUp(self) -> None:
                super().setUp()
                raise RuntimeError("subclass setUp failed")

            def test_never_runs(self) -> None:  # pragma: no cover - setUp fails
                pass

        result = run_case(Broken)
        self.assertEqual(len(result.errors), 1)
        self.assertIn("subclass setUp failed", result.errors[0][1])
        self.assertFalse(_activation.is_active())

    def test_assertions_outside_a_running_test_raise_mock_state_error(self) -> None:
        case = SyncAssertionsTest("test_a_typo_raises_value_error")
        with self.assertRaisesRegex(MockStateError, "none is active"):
            case.assertAWSCalled("s3", "ListBuckets")
        with self.assertRaisesRegex(MockStateError, "none is active"):
            case.assertAWSNotCalled("s3")

    def test_forgetting_super_setup_raises_a_clear_error(self) -> None:
        class Forgetful(MockAWSTestCase):
            def setUp(self) -> None:  # no super().setUp()
                self.ready = True

            def test_talks_to_aws(self) -> None:  # pragma: no cover - never reached
                bucket_names()

        result = run_case(Forgetful)
        self.assertEqual(len(result.errors), 1)
        message = result.errors[0][1]
        self.assertIn(MockStateError.__name__, message)
        self.assertIn("Forgetful.setUp() did not start mock_aws", message)
        self.assertIn("super().setUp()", message)

    def test_forgetting_super_async_setup_raises_a_clear_error(self) -> None:
        class Forgetful(IsolatedAsyncioMockAWSTestCase):
            async def asyncSetUp(self) -> None:  # no super().asyncSetUp()
                self.ready = True

            async def test_talks_to_aws(self) -> None:  # pragma: no cover - never reached
                bucket_names()

        result = run_case(Forgetful)
        self.assertEqual(len(result.errors), 1)
        self.assertIn("super().asyncSetUp()", result.errors[0][1])

    def test_options_persist_data_across_tests_when_asked(self) -> None:
        seen: list[list[str]] = []

        class Keep(MockAWSTestCase):
            mock_aws_options: ClassVar[MockAWSOptions] = {"reset": False, "remove_data": False}

            def test_1_create(self) -> None:
                boto3.client("s3", region_name=REGION).create_bucket(Bucket="kept")

            def test_2_read(self) -> None:
                seen.append(bucket_names())

        result = run_case(Keep)
        self.assertTrue(result.wasSuccessful(), result.errors + result.failures)
        with mock_aws():
            pass  # a default mock resets the data left behind
        self.assertEqual(seen, [["kept"]])

    def test_unknown_option_raises_type_error(self) -> None:
        class Misconfigured(MockAWSTestCase):
            mock_aws_options: ClassVar[MockAWSOptions] = {"resett": True}  # type: ignore[typeddict-unknown-key]

            def test_x(self) -> None:  # pragma: no cover - setUp fails
                pass

        result = run_case(Misconfigured)
        self.assertEqual(len(result.errors), 1)
        self.assertIn("resett", result.errors[0][1])
        self.assertFalse(_activation.is_active())

    def test_mixin_adds_the_mock_to_another_testcase_base(self) -> None:
        calls: list[str] = []

        class FrameworkTestCase(unittest.TestCase):
            """Stands in for a framework base such as Django's SimpleTestCase."""

            def setUp(self) -> None:
                calls.append("framework setUp")
                super().setUp()

        class Case(MockAWSMixin, FrameworkTestCase):
            def test_mocked(self) -> None:
                boto3.client("s3", region_name=REGION).create_bucket(Bucket="mixed")
                calls.append(f"test sees {bucket_names()}")

        result = run_case(Case)
        self.assertTrue(result.wasSuccessful(), result.errors + result.failures)
        self.assertEqual(calls, ["framework setUp", "test sees ['mixed']"])
        self.assertFalse(_activation.is_active())

    def test_async_mixin_adds_the_mock_to_another_async_base(self) -> None:
        calls: list[str] = []

        class AsyncFrameworkTestCase(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self) -> None:
                calls.append("framework asyncSetUp")

        class Case(AsyncMockAWSMixin, AsyncFrameworkTestCase):
            async def test_mocked(self) -> None:
                async with AioSession().create_client("s3", region_name=REGION) as s3:
                    await s3.create_bucket(Bucket="async-mixed")
                calls.append(f"test sees {bucket_names()}")

        result = run_case(Case)
        self.assertTrue(result.wasSuccessful(), result.errors + result.failures)
        self.assertEqual(calls, ["framework asyncSetUp", "test sees ['async-mixed']"])

    def test_async_mixin_on_a_base_without_async_setup_raises(self) -> None:
        class Case(AsyncMockAWSMixin, unittest.TestCase):
            def test_x(self) -> None:  # pragma: no cover - never set up
                pass

        async def call_async_setup() -> None:
            await Case("test_x").asyncSetUp()

        import asyncio

        with self.assertRaisesRegex(TypeError, "needs a base with asyncSetUp"):
            asyncio.run(call_async_setup())
        self.assertFalse(_activation.is_active())


if __name__ == "__main__":
    unittest.main()
