"""Leak checks: one test that leaves a mock active cannot poison the ones after it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from typing import Any

import boto3
import pytest

from aiomoto import (
    IsolatedAsyncioMockAWSTestCase,
    MockAWSMixin,
    MockAWSTestCase,
    MockLeakError,
    MockStateError,
    _activation,
    mock_aws,
)

ROOT = Path(__file__).resolve().parent.parent

#: A suite whose second test leaves a mock active; the third must not notice.
LEAKY_SUITE = """
    import boto3
    from aiomoto import _activation, mock_aws

    def test_one():
        with mock_aws():
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="one")

    def test_two():
        mock_aws().start()  # never stopped

    def test_three():
        assert not _activation.is_active()
        with mock_aws(server_mode=True):  # a ModeConflictError if test_two's mock stayed
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="three")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["three"]
"""


def line_of(source: str, text: str) -> int:
    """The line number of ``text`` in ``source`` as pytester writes it."""
    lines = textwrap.dedent(source).strip().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_leaky=textwrap.dedent(source))
    return pytester.runpytest_inprocess("-p", "no:randomly", *args)


# -- the record of open activations -------------------------------------------


def test_active_owners_lists_each_open_enter_outermost_first() -> None:
    outer, inner = mock_aws(), mock_aws()
    with outer, inner, outer:
        assert _activation.active_owners() == [outer, inner, outer]
    assert _activation.active_owners() == []


def test_an_exit_forgets_that_owners_innermost_enter() -> None:
    outer, inner = mock_aws(), mock_aws()
    outer.start()
    inner.start()
    outer.start()
    outer.stop()
    assert _activation.active_owners() == [outer, inner]
    inner.stop()
    outer.stop()
    assert _activation.active_owners() == []


def test_an_activation_knows_where_it_was_entered() -> None:
    with mock_aws():
        (activation,) = _activation.activations()
    line = sys._getframe().f_lineno - 2
    assert activation.where == f"{__file__}:{line} in {sys._getframe().f_code.co_name}"


def test_a_decorated_functions_activation_names_its_caller() -> None:
    seen: list[str] = []

    @mock_aws
    def decorated() -> None:
        seen.append(_activation.activations()[0].where)

    decorated()
    assert seen[0].startswith(f"{__file__}:")
    assert seen[0].endswith(" in " + sys._getframe().f_code.co_name)


def test_unwind_stops_the_given_activations_innermost_first() -> None:
    kept = mock_aws()
    kept.start()
    try:
        mock_aws().start()
        mock_aws(config={"batch": {"use_docker": False}}).start()
        leaked = _activation.activations()[1:]
        closed_already = mock_aws()
        with closed_already:
            leaked += _activation.activations()[-1:]
        _activation.unwind(leaked)
        assert _activation.active_owners() == [kept]
    finally:
        kept.stop()
    assert not _activation.is_active()


# -- under pytest -------------------------------------------------------------


def test_the_leaking_test_errors_in_teardown_and_the_next_one_passes(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, LEAKY_SUITE)
    line = line_of(LEAKY_SUITE, "never stopped")
    result.assert_outcomes(passed=3, errors=1)
    output = result.stdout.str()
    assert "ERROR at teardown of test_two" in output
    result.stdout.fnmatch_lines(
        [
            "*MockLeakError: test_leaky.py::test_two left 1 aiomoto mock active:",
            f"*- MockAWS(reset=True, *), entered at */test_leaky.py:{line} in test_two",
            "*aiomoto has stopped it so that the tests after this one start clean.*",
        ]
    )
    assert "aiomoto_leak_check = false" in output
    assert not _activation.is_active()


def test_every_mock_a_test_leaves_is_reported_and_stopped(pytester: pytest.Pytester) -> None:
    source = """
        from aiomoto import _activation, mock_aws

        def test_leaks_two():
            with mock_aws():
                mock_aws(reset=False).start()
                mock_aws(remove_data=False).__enter__()

        def test_after():
            assert _activation.active_owners() == []
        """
    result = run(pytester, source)
    result.assert_outcomes(passed=2, errors=1)
    first, second = line_of(source, "start()"), line_of(source, "__enter__()")
    result.stdout.fnmatch_lines(
        [
            "*test_leaky.py::test_leaks_two left 2 aiomoto mocks active:",
            f"*- MockAWS(reset=False, *), entered at *test_leaky.py:{first} in test_leaks_two",
            f"*- MockAWS(reset=True, remove_data=False, *), entered at *test_leaky.py:{second} *",
            "*aiomoto has stopped them*",
        ]
    )


def test_a_function_scoped_fixture_that_never_stops_its_mock_is_a_leak(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import pytest
        from aiomoto import _activation, mock_aws

        @pytest.fixture
        def started():
            mock = mock_aws()
            mock.start()
            return mock

        def test_uses_it(started):
            assert _activation.is_active()

        def test_after():
            assert not _activation.is_active()
        """,
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_leaky.py::test_uses_it left 1 aiomoto mock active:"])


def test_mocks_held_by_wider_scoped_fixtures_are_not_leaks(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import unittest

        import boto3
        import pytest
        from aiomoto import _activation, mock_aws

        @pytest.fixture(scope="session")
        def session_mock():
            with mock_aws() as mock:
                yield mock

        @pytest.fixture(scope="module")
        def module_mock(session_mock):
            with mock_aws(reset=False) as mock:
                yield mock

        def test_first(session_mock, module_mock):
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kept")
            assert _activation.active_owners() == [session_mock, module_mock]

        def test_second(session_mock):
            s3 = boto3.client("s3", region_name="us-east-1")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]

        @mock_aws(scope="class", reset=False)
        class TestWithOneMockPerClass:
            def test_a(self):
                assert len(_activation.active_owners()) == 3

            def test_b(self):
                assert len(_activation.active_owners()) == 3

        @mock_aws(scope="class", reset=False)
        class TestUnittestClass(unittest.TestCase):
            def test_c(self):
                assert len(_activation.active_owners()) == 3

            def test_d(self):
                assert len(_activation.active_owners()) == 3
        """,
    )
    result.assert_outcomes(passed=6)
    assert not _activation.is_active()


def test_the_check_can_be_turned_off_for_suites_that_keep_a_mock_open(
    pytester: pytest.Pytester,
) -> None:
    source = """
        from aiomoto import _activation, mock_aws

        MOCK = mock_aws()

        def test_opens():
            MOCK.start()

        def test_closes():
            assert _activation.active_owners() == [MOCK]
            MOCK.stop()
        """
    run(pytester, source, "-o", "aiomoto_leak_check=false").assert_outcomes(passed=2)
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\naiomoto_leak_check = false\n"
    )
    run(pytester, source).assert_outcomes(passed=2)


def test_the_leak_check_is_in_pytest_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(["*aiomoto_leak_check*"])


def test_a_test_that_fails_and_leaks_gets_both_reported(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from aiomoto import _activation, mock_aws

        def test_fails_and_leaks():
            mock_aws().start()
            assert False, "the test's own failure"

        def test_after():
            assert not _activation.is_active()
        """,
    )
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*the test's own failure*", "*MockLeakError*"])


def test_a_failing_stop_while_unwinding_is_chained_to_the_leak_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiomoto import _leaks

    before = _activation.activations()
    mock_aws().start()

    def unwind_fails(leaked: Any) -> None:
        for activation in reversed(leaked):
            activation.owner.stop()
        raise OSError("stop failed")

    monkeypatch.setattr(_activation, "unwind", unwind_fails)
    with pytest.raises(MockLeakError, match="some test left 1") as caught:
        _leaks.check(before, "some test", "hint")
    assert isinstance(caught.value.__cause__, OSError)
    assert not _activation.is_active()


def test_mock_leak_error_is_a_mock_state_error() -> None:
    assert issubclass(MockLeakError, MockStateError)


# -- under unittest -----------------------------------------------------------


def run_unittest(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def leak_errors(result: unittest.TestResult) -> dict[str, str]:
    return {test.id().rsplit(".", 1)[1]: text for test, text in result.errors}


class LeakyCase(MockAWSTestCase):
    __test__ = False  # run by the test below it, not by pytest

    def test_1_clean(self) -> None:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="one")

    def test_2_leaks(self) -> None:
        mock_aws().start()

    def test_3_starts_clean(self) -> None:
        assert self.aws_mock is not None
        assert _activation.active_owners() == [self.aws_mock]
        assert boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"] == []


def test_a_mock_aws_test_case_that_leaks_errors_and_the_next_test_passes() -> None:
    result = run_unittest(LeakyCase)
    assert result.testsRun == 3
    assert not result.failures
    errors = leak_errors(result)
    assert list(errors) == ["test_2_leaks"]
    assert (
        "MockLeakError: tests.test_leaks.LeakyCase.test_2_leaks left 1 aiomoto"
        in errors["test_2_leaks"]
    )
    assert f"entered at {__file__}:" in errors["test_2_leaks"]
    assert "mock_aws_leak_check = False" in errors["test_2_leaks"]
    assert not _activation.is_active()


class LeakyAsyncCase(IsolatedAsyncioMockAWSTestCase):
    __test__ = False  # run by the test below it, not by pytest

    async def test_1_leaks(self) -> None:
        mock_aws().start()

    async def test_2_starts_clean(self) -> None:
        assert _activation.active_owners() == [self.aws_mock]


def test_an_async_test_case_that_leaks_errors_and_the_next_test_passes() -> None:
    result = run_unittest(LeakyAsyncCase)
    assert result.testsRun == 2
    assert not result.failures
    assert list(leak_errors(result)) == ["test_1_leaks"]
    assert not _activation.is_active()


class LeakyMixinCase(MockAWSMixin, unittest.TestCase):
    __test__ = False  # run by the test below it, not by pytest

    def test_1_leaks(self) -> None:
        mock_aws().start()

    def test_2_starts_clean(self) -> None:
        assert _activation.active_owners() == [self.aws_mock]


def test_a_mixin_test_case_that_leaks_errors_and_the_next_test_passes() -> None:
    result = run_unittest(LeakyMixinCase)
    assert list(leak_errors(result)) == ["test_1_leaks"]
    assert result.testsRun == 2
    assert not result.failures
    assert not _activation.is_active()


OPEN_ACROSS_TESTS = mock_aws()


class KeepsAMockOpenOnPurpose(MockAWSTestCase):
    __test__ = False  # run by the test below it, not by pytest

    mock_aws_leak_check = False

    def test_1_opens(self) -> None:
        OPEN_ACROSS_TESTS.start()

    def test_2_closes(self) -> None:
        assert _activation.active_owners() == [OPEN_ACROSS_TESTS, self.aws_mock]
        OPEN_ACROSS_TESTS.stop()


def test_a_test_case_can_turn_the_check_off() -> None:
    result = run_unittest(KeepsAMockOpenOnPurpose)
    assert result.wasSuccessful()
    assert result.testsRun == 2
    assert not _activation.is_active()


class OpensAMockInSetUpClass(MockAWSTestCase):
    __test__ = False  # run by the test below it, not by pytest

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.class_mock = mock_aws()
        cls.class_mock.start()
        cls.addClassCleanup(cls.class_mock.stop)

    def test_1(self) -> None:
        assert _activation.active_owners() == [self.class_mock, self.aws_mock]

    def test_2(self) -> None:
        assert len(_activation.active_owners()) == 2


def test_a_mock_opened_in_set_up_class_is_not_a_leak() -> None:
    result = run_unittest(OpensAMockInSetUpClass)
    assert result.wasSuccessful()
    assert result.testsRun == 2
    assert not _activation.is_active()


UNITTEST_MODULE = """
import unittest

import boto3
from aiomoto import MockAWSTestCase, _activation, mock_aws


class Leaky(MockAWSTestCase):
    def test_1_clean(self):
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="one")

    def test_2_leaks(self):
        mock_aws().start()

    def test_3_starts_clean(self):
        self.assertEqual(_activation.active_owners(), [self.aws_mock])
"""


def test_the_check_works_under_plain_python_m_unittest(tmp_path: Path) -> None:
    (tmp_path / "test_leaky_module.py").write_text(UNITTEST_MODULE.strip() + "\n")
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", "test_leaky_module"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Ran 3 tests" in result.stderr
    assert "FAILED (errors=1)" in result.stderr
    assert "test_3_starts_clean (test_leaky_module.Leaky" in result.stderr
    assert "ERROR: test_2_leaks (test_leaky_module.Leaky" in result.stderr
    assert "MockLeakError: test_leaky_module.Leaky.test_2_leaks left 1 aiomoto mock" in (
        result.stderr
    )
    line = line_of(UNITTEST_MODULE, "mock_aws().start()")
    assert f"test_leaky_module.py:{line} in test_2_leaks" in result.stderr
