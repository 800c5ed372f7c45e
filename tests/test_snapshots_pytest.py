"""The pytest plugin's ``aws_state`` fixture and the marker's ``state=``."""

from __future__ import annotations

import textwrap

import pytest

#: A conftest whose session-scoped ``aws_state`` builds a bucket once.
SEEDING_CONFTEST = """
    import boto3
    import pytest
    from aiomoto import mock_aws

    BUILDS = []

    @pytest.fixture(scope="session")
    def aws_state():
        BUILDS.append(1)
        with mock_aws() as mock:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="seeded")
            return mock.snapshot()
"""

#: Test helpers shared by the test files below.
HELPERS = """
    import boto3

    def names():
        s3 = boto3.client("s3", region_name="us-east-1")
        return {b["Name"] for b in s3.list_buckets()["Buckets"]}
"""


def run(
    pytester: pytest.Pytester, source: str, conftest: str | None = None, *args: str
) -> pytest.RunResult:
    if conftest is not None:
        pytester.makeconftest(textwrap.dedent(conftest))
    pytester.makepyfile(helpers=textwrap.dedent(HELPERS), test_state_use=textwrap.dedent(source))
    return pytester.runpytest_inprocess("-p", "no:randomly", "-o", "asyncio_mode=auto", *args)


def test_default_aws_state_is_none_and_tests_start_empty(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from helpers import names

        def test_state(aws_state, aws):
            assert aws_state is None
            assert names() == set()
        """,
    )
    result.assert_outcomes(passed=1)


def test_a_session_aws_state_seeds_every_test_from_a_fresh_copy(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import boto3
        from helpers import names

        def test_one(aws):
            assert names() == {"seeded"}
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="one")

        def test_two(aws):
            assert names() == {"seeded"}
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="two")

        def test_built_once():
            from conftest import BUILDS
            assert BUILDS == [1]
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=3)


def test_aws_state_seeds_async_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from aiobotocore.session import AioSession

        async def test_async(aws):
            async with AioSession().create_client("s3", region_name="us-east-1") as s3:
                names = {b["Name"] for b in (await s3.list_buckets())["Buckets"]}
            assert names == {"seeded"}
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=1)


def test_aws_state_seeds_tests_that_use_the_marker(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from helpers import names

        @pytest.mark.mock_aws
        def test_marked():
            assert names() == {"seeded"}
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=1)


def test_a_module_aws_state_overrides_the_conftest_one(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from aiomoto import mock_aws
        from helpers import names

        @pytest.fixture(scope="module")
        def aws_state():
            with mock_aws() as mock:
                boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="module")
                return mock.snapshot()

        def test_module(aws):
            assert names() == {"module"}
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=1)


def test_a_class_aws_state_seeds_only_that_class(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from aiomoto import mock_aws
        from helpers import names

        class TestSeeded:
            @pytest.fixture(scope="class")
            def aws_state(self):
                with mock_aws() as mock:
                    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="cls")
                    return mock.snapshot()

            def test_in_class(self, aws):
                assert names() == {"cls"}

        def test_outside(aws):
            assert names() == set()
        """,
    )
    result.assert_outcomes(passed=2)


def test_a_function_aws_state_may_build_on_a_wider_one(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from aiomoto import mock_aws
        from helpers import names

        @pytest.fixture
        def aws_state(aws_state):
            with mock_aws(state=aws_state) as mock:
                boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="more")
                return mock.snapshot()

        def test_built_on(aws):
            assert names() == {"seeded", "more"}
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=1)


def test_the_marker_state_seeds_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from aiomoto import mock_aws
        from helpers import names

        with mock_aws() as mock:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="marked")
            MARKED = mock.snapshot()

        @pytest.mark.mock_aws(state=MARKED)
        def test_marked():
            assert names() == {"marked"}
        """,
    )
    result.assert_outcomes(passed=1)


def test_the_marker_state_wins_over_aws_state(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from helpers import names

        @pytest.mark.mock_aws(state=None)
        def test_marked_empty(aws):
            assert names() == set()
        """,
        SEEDING_CONFTEST,
    )
    result.assert_outcomes(passed=1)


def test_an_aws_state_that_is_not_a_snapshot_errors_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.fixture
        def aws_state():
            return "state.snapshot"

        def test_it(aws):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*TypeError: The value of the aws_state fixture must be an*"])
