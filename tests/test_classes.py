"""@mock_aws on test classes: unittest TestCase, IsolatedAsyncioTestCase, pytest style."""

from __future__ import annotations

import os
import sys
import textwrap
import unittest
from contextlib import AsyncExitStack
from typing import Any

import boto3
import pytest
from aiobotocore.session import AioSession

from aiomoto import _activation, mock_aws, mock_aws_decorator


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    """Run a TestCase class the way ``python -m unittest`` does, in process."""
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def assert_passed(result: unittest.TestResult, count: int) -> None:
    problems = [text for _, text in result.failures + result.errors]
    assert problems == [], "\n".join(problems)
    assert result.testsRun == count


def buckets() -> set[str]:
    return {
        b["Name"] for b in boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]
    }


# -- unittest.TestCase ---------------------------------------------------------


def test_testcase_shares_one_activation_from_setup_to_cleanups() -> None:
    seen: list[tuple[str, set[str], bool]] = []

    @mock_aws
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-setup")
            self.addCleanup(lambda: seen.append(("cleanup", buckets(), _activation.is_active())))

        def tearDown(self) -> None:
            seen.append(("tearDown", buckets(), _activation.is_active()))

        def test_one(self) -> None:
            seen.append(("test_one", buckets(), _activation.is_active()))
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-one")

        def test_two(self) -> None:
            seen.append(("test_two", buckets(), _activation.is_active()))

    assert_passed(run_case(Case), 2)
    assert seen == [
        ("test_one", {"from-setup"}, True),
        ("tearDown", {"from-setup", "from-one"}, True),
        ("cleanup", {"from-setup", "from-one"}, True),
        # the next test starts fresh: nothing from test_one leaked
        ("test_two", {"from-setup"}, True),
        ("tearDown", {"from-setup"}, True),
        ("cleanup", {"from-setup"}, True),
    ]
    assert not _activation.is_active()


def test_moto_style_class_passes_unchanged() -> None:
    class Base(unittest.TestCase):
        def setUp(self) -> None:
            self.s3 = boto3.client("s3", region_name="us-east-1")
            self.s3.create_bucket(Bucket="inherited-setup")

    @mock_aws
    class Case(Base):
        region = "us-east-1"

        @classmethod
        def bucket_name(cls) -> str:
            return "class-method"

        @staticmethod
        def key_name() -> str:
            return "static-method"

        @property
        def client(self) -> Any:
            return self.s3

        def helper(self) -> set[str]:
            return buckets()

        def test_uses_everything(self) -> None:
            self.client.create_bucket(Bucket=self.bucket_name())
            self.client.put_object(Bucket="class-method", Key=self.key_name(), Body=b"x")
            assert self.helper() == {"inherited-setup", "class-method"}
            assert self.region == "us-east-1"

    assert_passed(run_case(Case), 1)
    assert Case.bucket_name() == "class-method"
    assert Case.key_name() == "static-method"


def test_failing_testcase_does_not_leave_the_mock_active() -> None:
    @mock_aws
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp failed")

        def test_never_runs(self) -> None:  # pragma: no cover - setUp fails first
            pass

    result = run_case(Case)
    assert len(result.errors) == 1
    assert not _activation.is_active()


def test_after_a_whole_class_the_environment_is_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}

    @mock_aws
    class Case(unittest.TestCase):
        def test_fake_credentials_inside(self) -> None:
            assert os.environ["AWS_ACCESS_KEY_ID"] != "real"
            assert "AWS_SESSION_TOKEN" not in os.environ

        def test_fails(self) -> None:
            raise AssertionError("boom")

    result = run_case(Case)
    assert len(result.failures) == 1
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before
    assert not _activation.is_active()


def test_isolated_asyncio_testcase_shares_one_activation() -> None:
    seen: list[str] = []

    @mock_aws
    class Case(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            # AsyncExitStack rather than enterAsyncContext, which Python 3.10 lacks.
            clients = AsyncExitStack()
            self.addAsyncCleanup(clients.aclose)
            self.s3 = await clients.enter_async_context(
                AioSession().create_client("s3", region_name="us-east-1")
            )
            await self.s3.create_bucket(Bucket="async-setup")
            self.addAsyncCleanup(self.record, "async cleanup")

        async def record(self, label: str) -> None:
            names = {b["Name"] for b in (await self.s3.list_buckets())["Buckets"]}
            seen.append(f"{label}: {sorted(names)}")

        async def asyncTearDown(self) -> None:
            await self.record("asyncTearDown")

        async def test_async(self) -> None:
            await self.s3.create_bucket(Bucket="async-test")
            await self.record("test_async")

        def test_sync(self) -> None:
            seen.append(f"test_sync: {sorted(buckets())}")

    assert_passed(run_case(Case), 2)
    assert seen == [
        "test_async: ['async-setup', 'async-test']",
        "asyncTearDown: ['async-setup', 'async-test']",
        "async cleanup: ['async-setup', 'async-test']",
        "test_sync: ['async-setup']",
        "asyncTearDown: ['async-setup']",
        "async cleanup: ['async-setup']",
    ]
    assert not _activation.is_active()


def test_testcase_class_scope_shares_state_across_tests() -> None:
    seen: list[set[str]] = []

    @mock_aws(scope="class")
    class Case(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="class-wide")

        def test_a(self) -> None:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-a")
            seen.append(buckets())

        def test_b(self) -> None:
            seen.append(buckets())

    assert_passed(run_case(Case), 2)
    assert seen == [{"class-wide", "from-a"}, {"class-wide", "from-a"}]
    assert not _activation.is_active()


def test_testcase_class_scope_without_own_setupclass() -> None:
    @mock_aws(scope="class")
    class Case(unittest.TestCase):
        def test_active(self) -> None:
            assert _activation.is_active()

    assert_passed(run_case(Case), 1)
    assert not _activation.is_active()


def test_testcase_class_scope_stops_when_setupclass_fails() -> None:
    @mock_aws(scope="class")
    class Case(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            raise RuntimeError("setUpClass failed")

        def test_never_runs(self) -> None:  # pragma: no cover - setUpClass fails
            pass

    result = unittest.TestResult()
    unittest.TestSuite([unittest.defaultTestLoader.loadTestsFromTestCase(Case)]).run(result)
    assert len(result.errors) == 1
    assert not _activation.is_active()


def test_subclass_of_decorated_testcase_keeps_working() -> None:
    @mock_aws
    class Base(unittest.TestCase):
        def test_base(self) -> None:
            assert _activation.is_active()

    class Child(Base):
        def setUp(self) -> None:  # no super().setUp(): the mock spans run()
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="child")

        def test_child(self) -> None:
            assert buckets() == {"child"}

    assert_passed(run_case(Child), 2)


def test_decorating_a_testcase_twice_does_not_double_wrap() -> None:
    depths: list[int] = []

    class Case(unittest.TestCase):
        def test_depth(self) -> None:
            depths.append(_activation._state.depth)

    first = mock_aws(Case)
    run = Case.run
    second = mock_aws(reset=False)(first)
    assert second is Case
    assert Case.run is run
    assert_passed(run_case(Case), 1)
    assert depths == [1]
    assert "reset=False" in repr(Case.__aiomoto_mock__)  # type: ignore[attr-defined]


def test_subclass_decorated_with_its_own_options_uses_them() -> None:
    @mock_aws
    class Base(unittest.TestCase):
        def test_config(self) -> None:
            from moto.core.config import default_user_config

            self.observed = default_user_config["batch"]["use_docker"]
            seen.append(self.observed)

    seen: list[bool] = []

    @mock_aws(config={"batch": {"use_docker": False}})
    class Child(Base):
        pass

    assert_passed(run_case(Base), 1)
    assert_passed(run_case(Child), 1)
    assert seen == [True, False]


def test_classes_nested_in_a_decorated_class_are_mocked() -> None:
    class Helper:
        pass

    @mock_aws
    class Outer:
        assigned = Helper  # not defined here: left alone

        class Inner(unittest.TestCase):
            def test_inner(self) -> None:
                assert _activation.is_active()

        class TestPlainInner:
            def test_plain(self) -> None:
                assert _activation.is_active()

    assert_passed(run_case(Outer.Inner), 1)
    Outer.TestPlainInner().test_plain()
    assert not hasattr(Helper, "__aiomoto_mock__")
    assert not _activation.is_active()


def test_mock_aws_decorator_decorates_classes() -> None:
    @mock_aws_decorator(reset=False)
    class Case(unittest.TestCase):
        def test_active(self) -> None:
            assert _activation.is_active()

    assert_passed(run_case(Case), 1)


def test_class_scope_on_a_function_raises_type_error() -> None:
    with pytest.raises(TypeError, match="decorates test classes only"):
        mock_aws(scope="class")(lambda: None)
    with pytest.raises(TypeError, match="decorates test classes only"):
        with mock_aws(scope="class"):
            pass  # pragma: no cover - never entered


def test_unknown_scope_raises_value_error() -> None:
    with pytest.raises(ValueError, match="'function' or 'class'"):
        mock_aws(scope="module")  # type: ignore[call-overload]


# -- pytest-style classes, run by pytest itself --------------------------------

PLAIN_CLASSES = """
import boto3
import pytest
from aiobotocore.session import AioSession
from aiomoto import _activation, mock_aws


def names():
    s3 = boto3.client("s3", region_name="us-east-1")
    return {b["Name"] for b in s3.list_buckets()["Buckets"]}


@mock_aws
class TestPlain:
    def test_sync_is_fresh(self):
        assert names() == set()
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="sync-made")

    MARK
    async def test_async_is_fresh(self):
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            assert (await s3.list_buckets())["Buckets"] == []
            await s3.create_bucket(Bucket="async-made")

    def helper_is_not_wrapped(self):
        return _activation.is_active()

    def test_helpers_stay_plain(self):
        assert self.helper_is_not_wrapped() is True  # called inside a test


@mock_aws
class TestWithSetupMethod:
    def setup_method(self, method):
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-setup")

    def teardown_method(self, method):
        assert names() == {"from-setup", "from-test"}

    def test_sees_setup_state(self):
        assert names() == {"from-setup"}
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-test")

    MARK
    async def test_async_sees_setup_state(self):
        assert names() == {"from-setup"}
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-test")


@mock_aws
class TestSetupMethodOnly:
    def setup_method(self, method):
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="only-setup")

    def test_sees_it(self):
        assert names() == {"only-setup"}


class TestChildOfDecorated(TestPlain):
    def test_added_by_child_is_mocked(self):
        assert _activation.is_active()
        assert names() == set()


@mock_aws(scope="class")
class TestClassScope:
    @classmethod
    def setup_class(cls):
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="class-wide")

    def test_a(self):
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="from-a")

    def test_b(self):
        assert names() == {"class-wide", "from-a"}


def test_nothing_left_active():
    assert not _activation.is_active()
"""


@pytest.mark.parametrize("mode", ["auto", "strict"])
def test_pytest_classes_under_pytest_asyncio(pytester: pytest.Pytester, mode: str) -> None:
    mark = "@pytest.mark.asyncio" if mode == "strict" else ""
    pytester.makepyfile(test_plain=PLAIN_CLASSES.replace("MARK", mark))
    result = pytester.runpytest_inprocess("-o", f"asyncio_mode={mode}", "-p", "no:randomly")
    result.assert_outcomes(passed=13)
    assert not _activation.is_active()


def test_setup_method_failure_stops_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_failing=textwrap.dedent(
            """
            from aiomoto import _activation, mock_aws

            @mock_aws
            class TestBroken:
                def setup_method(self, method):
                    raise RuntimeError("setup failed")

                def test_never_runs(self):
                    pass

            def test_after():
                assert not _activation.is_active()
            """
        )
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)


def test_testcase_classes_under_python_m_unittest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_cases=textwrap.dedent(
            """
            import unittest
            from contextlib import AsyncExitStack

            import boto3
            from aiobotocore.session import AioSession
            from aiomoto import mock_aws

            @mock_aws
            class SyncCase(unittest.TestCase):
                def setUp(self):
                    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="setup")

                def test_sees_setup(self):
                    s3 = boto3.client("s3", region_name="us-east-1")
                    self.assertEqual([b["Name"] for b in s3.list_buckets()["Buckets"]], ["setup"])

            @mock_aws
            class AsyncCase(unittest.IsolatedAsyncioTestCase):
                async def asyncSetUp(self):
                    clients = AsyncExitStack()
                    self.addAsyncCleanup(clients.aclose)
                    self.s3 = await clients.enter_async_context(
                        AioSession().create_client("s3", region_name="us-east-1")
                    )
                    await self.s3.create_bucket(Bucket="async-setup")

                async def test_sees_setup(self):
                    names = [b["Name"] for b in (await self.s3.list_buckets())["Buckets"]]
                    self.assertEqual(names, ["async-setup"])
            """
        )
    )
    env = {"AWS_DEFAULT_REGION": "us-east-1"}
    result = pytester.run(sys.executable, "-m", "unittest", "-v", "test_cases", timeout=120)
    assert result.ret == 0, result.stderr.str()
    result.stderr.fnmatch_lines(["Ran 2 tests*", "OK"])
    assert env  # the subprocess inherits the test's clean AWS environment


# -- pytest-style edge cases, driven the way pytest drives them -----------------


def test_static_and_class_methods_of_a_plain_class_are_wrapped_and_data_is_not() -> None:
    @mock_aws
    class TestShapes:
        test_data = (1, 2)  # not a function

        @staticmethod
        def test_static() -> bool:
            return _activation.is_active()

        @classmethod
        def test_class(cls) -> bool:
            return _activation.is_active()

        def test_method(self) -> bool:
            return _activation.is_active()

    assert TestShapes.test_data == (1, 2)
    assert TestShapes.test_static() is True
    assert TestShapes.test_class() is True
    assert TestShapes().test_method() is True


def test_plain_class_with_its_own_init_subclass_keeps_it() -> None:
    seen: list[str] = []

    @mock_aws
    class TestBase:
        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            seen.append(cls.__name__)

    class TestChild(TestBase):
        def test_child(self) -> bool:
            return _activation.is_active()

    assert seen == ["TestChild"]
    assert TestChild().test_child() is True


def test_decorating_a_plain_class_twice_does_not_double_wrap() -> None:
    class TestTwice:
        def test_depth(self) -> int:
            return _activation._state.depth

    mock_aws(mock_aws(TestTwice))
    assert TestTwice().test_depth() == 1


def test_setup_method_opens_once_when_overrides_call_super() -> None:
    @mock_aws
    class TestBase:
        def setup_method(self, method: Any) -> None:
            self.base_set_up = True

    class TestChild(TestBase):
        def setup_method(self, method: Any) -> None:
            super().setup_method(method)

        def test_depth(self) -> int:
            return _activation._state.depth

    case = TestChild()
    case.setup_method(case.test_depth)
    assert case.test_depth() == 2  # the opened activation plus the test's own
    case.teardown_method(case.test_depth)
    assert not _activation.is_active()
    case.teardown_method(case.test_depth)  # a second teardown closes nothing
    assert not _activation.is_active()


def test_setup_method_failure_in_an_inner_override_closes_once() -> None:
    @mock_aws
    class TestBase:
        def setup_method(self) -> None:
            raise RuntimeError("base setup failed")

    class TestChild(TestBase):
        def setup_method(self) -> None:
            super().setup_method()

    with pytest.raises(RuntimeError, match="base setup failed"):
        TestChild().setup_method()
    assert not _activation.is_active()


def test_plain_class_scope_runs_setup_and_teardown_class_inside() -> None:
    calls: list[tuple[str, bool]] = []

    @mock_aws(scope="class")
    class TestScoped:
        @classmethod
        def teardown_class(cls) -> None:
            calls.append(("teardown_class", _activation.is_active()))

    mock_aws(scope="class")(TestScoped)  # again: no double wrap
    TestScoped.setup_class()  # type: ignore[attr-defined]
    assert _activation._state.depth == 1
    TestScoped.teardown_class()
    assert calls == [("teardown_class", True)]
    assert not _activation.is_active()


def test_plain_class_scope_stops_when_setup_class_fails() -> None:
    @mock_aws(scope="class")
    class TestBroken:
        @classmethod
        def setup_class(cls) -> None:
            raise RuntimeError("setup_class failed")

    with pytest.raises(RuntimeError, match="setup_class failed"):
        TestBroken.setup_class()
    assert not _activation.is_active()


def test_testcase_class_scope_decorated_twice_wraps_once() -> None:
    @mock_aws(scope="class")
    class Case(unittest.TestCase):
        def test_depth(self) -> None:
            assert _activation._state.depth == 1

    mock_aws(scope="class")(Case)
    assert_passed(run_case(Case), 1)
    assert not _activation.is_active()
