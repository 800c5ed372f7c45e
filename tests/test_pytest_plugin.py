"""The pytest plugin: the ``aws`` fixture and the ``mock_aws`` marker."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_plugin_use=textwrap.dedent(source))
    return pytester.runpytest_inprocess("-p", "no:randomly", *args)


def test_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["aiomoto"] == "aiomoto.pytest_plugin"


def test_aws_fixture_activates_the_mock_for_sync_and_async_tests(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import boto3
        from aiobotocore.session import AioSession
        from aiomoto import MockAWS, _activation

        def test_sync(aws):
            assert isinstance(aws, MockAWS) and _activation.is_active()
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="sync-bucket")

        async def test_async(aws):
            async with AioSession().create_client("s3", region_name="us-east-1") as s3:
                assert (await s3.list_buckets())["Buckets"] == []  # fresh per test

        def test_without_fixture_nothing_is_active():
            assert not _activation.is_active()
        """,
        "-o",
        "asyncio_mode=auto",
    )
    result.assert_outcomes(passed=3)


def test_marker_activates_the_mock_with_its_options(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from moto.core.config import default_user_config
        from aiomoto import _activation

        @pytest.mark.mock_aws(config={"batch": {"use_docker": False}})
        def test_marked():
            assert _activation.is_active()
            assert default_user_config["batch"]["use_docker"] is False

        @pytest.mark.mock_aws(reset=False)
        def test_marked_with_fixture(aws):
            assert "reset=False" in repr(aws)
        """,
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("mode", ["auto", "strict"])
def test_marker_runs_the_tests_other_fixtures_inside_the_mock(
    pytester: pytest.Pytester, mode: str
) -> None:
    asyncio_mark = "@pytest.mark.asyncio" if mode == "strict" else ""
    source = """
        import boto3
        import pytest

        @pytest.fixture
        def bucket():
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="fixture-bucket")
            yield "fixture-bucket"

        @pytest.mark.mock_aws
        def test_uses_bucket(bucket):
            s3 = boto3.client("s3", region_name="us-east-1")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]

        @pytest.mark.mock_aws
        ASYNCIO_MARK
        async def test_async_uses_bucket(bucket):
            s3 = boto3.client("s3", region_name="us-east-1")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]
        """
    result = run(
        pytester, source.replace("ASYNCIO_MARK", asyncio_mark), "-o", f"asyncio_mode={mode}"
    )
    result.assert_outcomes(passed=2)


def test_marker_enters_the_mock_after_autouse_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from aiomoto import _activation

        order = []

        @pytest.fixture(autouse=True)
        def scene(monkeypatch):
            order.append(("autouse", _activation.is_active()))
            monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
        """
    )
    result = run(
        pytester,
        """
        import os
        import pytest
        from conftest import order
        from aiomoto import _activation

        @pytest.fixture
        def own():
            order.append(("own", _activation.is_active()))

        @pytest.mark.mock_aws
        def test_order(own):
            assert order == [("autouse", False), ("own", True)]
            assert os.environ["AWS_ACCESS_KEY_ID"] == "FOOBARKEY"  # not wiped
        """,
    )
    result.assert_outcomes(passed=1)


def test_marker_on_a_class_applies_to_its_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from aiomoto import _activation

        @pytest.mark.mock_aws
        class TestMarked:
            def test_one(self):
                assert _activation.is_active()

            async def test_two(self):
                assert _activation.is_active()
        """,
        "-o",
        "asyncio_mode=auto",
    )
    result.assert_outcomes(passed=2)


def test_marker_with_positional_arguments_is_an_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.mock_aws(False)
        def test_bad():
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes keyword options only*"])


def test_marker_with_an_unknown_option_is_an_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.mock_aws(resett=True)
        def test_bad():
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*resett*"])


def test_marker_is_documented_in_pytest_markers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mock_aws(**options):*"])


def test_suites_that_use_neither_do_not_import_moto_or_aiobotocore(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_plain=textwrap.dedent(
            """
            import sys

            def test_nothing_heavy_was_imported():
                assert "moto" not in sys.modules
                assert "aiobotocore" not in sys.modules
                assert "aiomoto.mock" not in sys.modules
            """
        )
    )
    # A fresh interpreter, as a suite that never mentions aiomoto would run.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio"],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
