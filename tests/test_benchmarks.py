"""Every script in benchmarks/ still runs to its end and prints its figures.

The scripts are run small (their figures mean nothing at these sizes), in a
fresh process each, as a user would run them: so that a change in aiomoto
that breaks one is caught here, not the next time someone measures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

#: Each script, the arguments that make it small, and a line it must print.
RUNS = {
    "bench_core.py": (["--batches", "1", "--pairs", "2", "--contexts", "1"], "empty context:"),
    "bench_history.py": (["--batches", "1", "--pairs", "2", "--cycles", "2"], "recording"),
    "bench_retries.py": (["--calls", "1", "--no-real"], "throttled until retries run out"),
    "bench_stubs.py": (["--batches", "1", "--pairs", "2"], "deciding one PutObject attempt"),
    "bench_snapshot.py": (
        ["--builds", "1", "--restores", "1", "--tests", "2"],
        "seeded with aws_state (pytest)",
    ),
    "bench_suite.py": (
        ["--batches=1", "--tests=1", "--memory-tests=21", "--suite-tests=3", "--processes=1"],
        "full collections:",
    ),
    "server_start_stop.py": (["1"], "moto.server.ThreadedMotoServer"),
}


def test_every_benchmark_script_is_run_here() -> None:
    assert sorted(RUNS) == sorted(path.name for path in BENCHMARKS.glob("*.py"))


@pytest.mark.parametrize("script", sorted(RUNS))
def test_the_benchmark_runs_to_its_end_and_prints_its_figures(script: str) -> None:
    arguments, expected = RUNS[script]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIOMOTO_")}
    finished = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert expected in finished.stdout
