"""Run by ``nox -s packaging`` with pytest in the installed wheel's venv.

No conftest loads aiomoto's plugin here: the fixture and the marker
(``--strict-markers`` rejects unknown markers) come from its pytest11 entry
point.
"""

from __future__ import annotations

import boto3
import pytest

from aiomoto import MockAWS


def test_the_plugin_is_loaded_from_its_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("aiomoto")
    assert plugin is not None
    assert plugin.__name__ == "aiomoto.pytest_plugin"


def test_the_aws_fixture_mocks_aws(aws: MockAWS) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="from-the-wheel")
    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["from-the-wheel"]


@pytest.mark.mock_aws(reset=True)
def test_the_marker_mocks_aws() -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    assert "QueueUrls" not in sqs.list_queues()
