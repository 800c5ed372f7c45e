"""``aiomoto server --state FILE``: state that survives restarts of the server."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

import aiomoto.__main__ as cli
from aiomoto import Snapshot, SnapshotError, _state_copy, mock_aws
from tests.conftest import PATIENCE

OUTSIDE = {"aws_access_key_id": "cli", "aws_secret_access_key": "cli"}


def bucket_names(endpoint: str) -> set[str]:
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, **OUTSIDE)
    return {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}


def create_bucket(endpoint: str, name: str) -> None:
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, **OUTSIDE)
    client.create_bucket(Bucket=name)


def endpoint_in(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("export "))
    return line.split("=", 1)[1]


def serve_once(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: Path,
    bucket: str | None = None,
) -> tuple[int, set[str], str]:
    """Run ``server --state path`` in this process: list (and make ``bucket``), then stop."""
    seen: list[set[str]] = []

    def block() -> None:
        endpoint = endpoint_in(capsys.readouterr().out)
        seen.append(bucket_names(endpoint))
        if bucket is not None:
            create_bucket(endpoint, bucket)
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli, "_block", block)
    code = cli.main(["server", "--state", str(path)])
    return code, seen[0] if seen else set(), capsys.readouterr().out


# -- in this process ---------------------------------------------------------


def test_state_option_saves_the_state_when_the_server_stops(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dev.snapshot"
    code, _, out = serve_once(monkeypatch, capsys, path, bucket="kept")
    assert code == 0
    assert out == f"State: saved to {path}\n"
    with mock_aws(state=Snapshot.load(path)):
        assert {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]} == {"kept"}


def test_state_option_loads_the_state_saved_by_the_last_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dev.snapshot"
    serve_once(monkeypatch, capsys, path, bucket="first-run")
    code, seen, _ = serve_once(monkeypatch, capsys, path, bucket="second-run")
    assert code == 0
    assert seen == {"first-run"}
    _, seen, _ = serve_once(monkeypatch, capsys, path)
    assert seen == {"first-run", "second-run"}


def test_state_option_says_where_the_state_comes_from_and_goes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dev.snapshot"
    printed: list[str] = []

    def block() -> None:
        printed.append(capsys.readouterr().out.splitlines()[0])
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli, "_block", block)
    cli.main(["server", "--state", str(path)])
    capsys.readouterr()  # what it printed on stopping
    cli.main(["server", "--state", str(path)])
    assert printed[0] == f"State: {path} does not exist yet; starting empty, saving there on stop"
    assert printed[1].startswith(f"State: loaded from {path} (<Snapshot ")


def test_state_option_with_a_missing_directory_fails_before_serving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "missing" / "dev.snapshot"
    assert cli.main(["server", "--state", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"python -m aiomoto server: cannot save the state to {path}")


def test_state_option_with_a_file_that_is_not_a_snapshot_fails_before_serving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dev.snapshot"
    path.write_bytes(b"not a snapshot")
    assert cli.main(["server", "--state", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Moto server running" not in captured.out
    assert "is not an aiomoto snapshot file" in captured.err
    assert path.read_bytes() == b"not a snapshot"


def test_state_that_cannot_be_saved_fails_and_keeps_the_old_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dev.snapshot"
    serve_once(monkeypatch, capsys, path, bucket="old")
    saved = path.read_bytes()

    def refuse(*args: object) -> bytes:
        raise SnapshotError("batch: a job is still running")

    monkeypatch.setattr(_state_copy, "capture", refuse)
    code, _, _ = serve_once(monkeypatch, capsys, path, bucket="new")
    assert code == 1
    assert path.read_bytes() == saved


def test_state_that_cannot_be_saved_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def refuse(*args: object) -> bytes:
        raise SnapshotError("batch: a job is still running")

    monkeypatch.setattr(_state_copy, "capture", refuse)
    monkeypatch.setattr(cli, "_block", lambda: signal.raise_signal(signal.SIGTERM))
    cli.main(["server", "--state", str(tmp_path / "dev.snapshot")])
    assert capsys.readouterr().err == (
        f"python -m aiomoto server: the state was not saved to {tmp_path / 'dev.snapshot'}: "
        f"batch: a job is still running\n"
    )


# -- as a separate process ---------------------------------------------------


Start = Callable[[Path], "tuple[subprocess.Popen[str], str]"]


@pytest.fixture
def start() -> Iterator[Start]:
    """Start ``python -m aiomoto server --state FILE`` processes; kill any left running."""
    started: list[subprocess.Popen[str]] = []

    def run(path: Path) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "aiomoto", "server", "--state", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        started.append(process)
        return process, read_endpoint(process)

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=PATIENCE)


def read_endpoint(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    output = b""
    while b"export " not in output or not output.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], PATIENCE)
        assert ready, "the server printed nothing"
        chunk = os.read(fd, 4096)
        assert chunk, "the server exited before printing its endpoint"
        output += chunk
    return endpoint_in(output.decode())


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_server_process_keeps_its_state_across_a_restart(
    start: Start, tmp_path: Path, signum: int
) -> None:
    path = tmp_path / "dev.snapshot"
    process, endpoint = start(path)
    create_bucket(endpoint, "survives")
    process.send_signal(signum)
    assert process.wait(timeout=PATIENCE) == 0
    _, endpoint = start(path)
    assert bucket_names(endpoint) == {"survives"}
