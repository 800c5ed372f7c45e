"""Parallel runs under pytest-xdist: per-worker mocks and per-worker servers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

#: Each test writes "<worker> <what it saw>" here, one file per test.
SEEN = "seen"

IN_PROCESS_SUITE = """
    import os
    from pathlib import Path

    import boto3
    import pytest
    from aiomoto import mock_aws

    @pytest.mark.parametrize("n", range(4))
    @mock_aws
    def test_same_bucket_name_in_every_test(n):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="same-name")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["same-name"]
        Path("seen", f"{n}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""

SERVER_SUITE = """
    import os
    from pathlib import Path

    import boto3
    import pytest
    from aiobotocore.session import AioSession
    from aiomoto import MotoServer, mock_aws

    @pytest.fixture(scope="session")
    def worker_server():
        with MotoServer() as server:
            yield server

    @pytest.fixture
    def aws_server(worker_server):
        with mock_aws(server_mode=True, server_endpoint=worker_server.endpoint) as mock:
            yield mock

    @pytest.mark.parametrize("n", range(4))
    async def test_each_worker_has_its_own_server(aws_server, n):
        async with AioSession().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="same-name")
        names = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
        assert names == ["same-name"]
        worker = os.environ["PYTEST_XDIST_WORKER"]
        Path("seen", f"{n}").write_text(f"{worker} {aws_server.server_port}")
"""


def run_with_two_workers(pytester: pytest.Pytester, source: str) -> list[str]:
    """Run ``source`` with ``-n 2``; return what each of its tests saw."""
    pytester.makepyfile(test_parallel=textwrap.dedent(source))
    Path(pytester.path, SEEN).mkdir()
    result = pytester.runpytest_inprocess(
        "-n", "2", "-p", "no:randomly", "-o", "asyncio_mode=auto", "-o", "aiomoto_leak_check=true"
    )
    result.assert_outcomes(passed=4)
    return [path.read_text() for path in sorted(Path(pytester.path, SEEN).iterdir())]


def test_in_process_mocks_run_in_parallel_workers(pytester: pytest.Pytester) -> None:
    seen = run_with_two_workers(pytester, IN_PROCESS_SUITE)
    assert sorted(set(seen)) == ["gw0", "gw1"]


def test_each_worker_runs_its_own_server_on_a_free_port(pytester: pytest.Pytester) -> None:
    seen = [line.split() for line in run_with_two_workers(pytester, SERVER_SUITE)]
    ports_by_worker = {worker: set() for worker, _ in seen}
    for worker, port in seen:
        ports_by_worker[worker].add(port)
    assert sorted(ports_by_worker) == ["gw0", "gw1"]
    # One server per worker, for all of that worker's tests, and no two alike.
    assert all(len(ports) == 1 for ports in ports_by_worker.values())
    assert len(set.union(*ports_by_worker.values())) == 2
