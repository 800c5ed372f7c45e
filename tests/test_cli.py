"""The command line: ``python -m aiomoto server`` and the ``aiomoto`` console script."""

from __future__ import annotations

import os
import platform
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points, version
from pathlib import Path

import boto3
import pytest

import aiomoto
import aiomoto.__main__ as cli
from aiomoto import MotoServer, server
from tests.conftest import PATIENCE, server_process


def bucket_names(endpoint: str) -> set[str]:
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="cli",
        aws_secret_access_key="cli",
    )
    return {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}


def interrupt_when_waiting(
    monkeypatch: pytest.MonkeyPatch, while_serving: Callable[[], None] = lambda: None
) -> None:
    """Make the CLI run ``while_serving`` where it would wait, then get SIGTERM."""

    def block() -> None:
        while_serving()
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli, "_block", block)


def printed_endpoint(output: str) -> str:
    export = output.splitlines()[-1]
    assert export.startswith("export AWS_ENDPOINT_URL=")
    return export.split("=", 1)[1]


# -- in this process ---------------------------------------------------------


def test_server_command_prints_the_endpoint_and_an_export_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    interrupt_when_waiting(monkeypatch)
    assert cli.main(["server"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Moto server running at http://127.0.0.1:")
    assert lines[1] == f"export AWS_ENDPOINT_URL={lines[0].split()[4]}"


def test_server_command_serves_until_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[set[str]] = []

    def use_the_server() -> None:
        seen.append(bucket_names(printed_endpoint(capsys.readouterr().out)))

    interrupt_when_waiting(monkeypatch, use_the_server)
    assert cli.main(["server"]) == 0
    assert seen == [set()]


def test_server_command_is_stopped_after_the_interrupt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    interrupt_when_waiting(monkeypatch)
    cli.main(["server"])
    endpoint = printed_endpoint(capsys.readouterr().out)
    with pytest.raises(server.ServerUnreachableError):
        server.wait_until_answering(endpoint)


def test_sigterm_handler_is_restored_after_the_server_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    interrupt_when_waiting(monkeypatch)
    cli.main(["server"])
    assert signal.getsignal(signal.SIGTERM) == before


def test_server_command_listens_on_a_host_given_explicitly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    interrupt_when_waiting(monkeypatch)
    cli.main(["server", "--host", "127.0.0.2"])
    assert printed_endpoint(capsys.readouterr().out).startswith("http://127.0.0.2:")


def test_server_command_verbose_logs_each_request(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    interrupt_when_waiting(
        monkeypatch, lambda: bucket_names(printed_endpoint(capsys.readouterr().out))
    )
    with caplog.at_level("INFO", logger="werkzeug"):
        cli.main(["server", "--verbose"])
    assert any("GET / HTTP/1.1" in r.getMessage() for r in caplog.records if r.name == "werkzeug")


def test_server_command_on_a_port_in_use_fails_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with MotoServer() as running:
        port = running.port
        assert cli.main(["server", "--port", str(port)]) == 1
    assert f"127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["65536", "-1", "http"])
def test_server_command_rejects_a_bad_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["server", "--port", port])
    assert exited.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
    assert "usage: python -m aiomoto" in capsys.readouterr().err


def printed_before_exiting(
    command: Callable[[], object], capsys: pytest.CaptureFixture[str]
) -> str:
    """What ``command`` prints before it exits with status 0, as --help and --version do."""
    with pytest.raises(SystemExit) as exited:
        command()
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_version_names_aiomoto_moto_aiobotocore_and_python(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert printed_before_exiting(lambda: cli.main(["--version"]), capsys) == (
        f"aiomoto {aiomoto.__version__} (Moto {version('moto')}, "
        f"aiobotocore {version('aiobotocore')}, Python {platform.python_version()})\n"
    )


@pytest.mark.parametrize("prog", ["python -m aiomoto", "aiomoto"])
def test_help_lists_the_commands_under_the_name_it_runs_as(
    prog: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [prog, "--help"])
    help_text = printed_before_exiting(cli.console if prog == "aiomoto" else cli.main, capsys)
    assert help_text.startswith(f"usage: {prog} [-h] [--version] COMMAND ...")
    assert "server    run Moto's server until interrupted" in help_text
    assert "--version" in help_text
    assert f"Run '{prog} COMMAND --help' for the options of a command." in help_text


def test_console_script_names_itself_in_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with MotoServer() as running:
        monkeypatch.setattr(sys, "argv", ["aiomoto", "server", "--port", str(running.port)])
        assert cli.console() == 1
    assert capsys.readouterr().err.startswith("aiomoto server: ")


def test_console_script_is_declared_as_an_entry_point() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["aiomoto"] == "aiomoto.__main__:console"


# -- as a separate process: python -m aiomoto, and the console script --------


#: The console script pip installed beside this interpreter.
CONSOLE_SCRIPT = Path(sys.executable).with_name("aiomoto")


@pytest.fixture(
    params=[[sys.executable, "-m", "aiomoto"], [str(CONSOLE_SCRIPT)]],
    ids=["python -m aiomoto", "aiomoto"],
)
def cli_process(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    """``python -m aiomoto server`` or ``aiomoto server`` in a child process."""
    with server_process(request.param) as process:
        yield process


def read_endpoint(process: subprocess.Popen[str]) -> str:
    """Read the two lines the server prints, without blocking past ``PATIENCE``."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    output = b""
    while output.count(b"\n") < 2:
        ready, _, _ = select.select([fd], [], [], PATIENCE)
        assert ready, "the server printed nothing"
        chunk = os.read(fd, 4096)
        assert chunk, "the server exited before printing its endpoint"
        output += chunk
    return printed_endpoint(output.decode())


def test_server_process_serves_at_the_printed_endpoint(
    cli_process: subprocess.Popen[str],
) -> None:
    assert bucket_names(read_endpoint(cli_process)) == set()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_server_process_exits_cleanly_on_a_signal(
    cli_process: subprocess.Popen[str], signum: int
) -> None:
    read_endpoint(cli_process)
    cli_process.send_signal(signum)
    assert cli_process.wait(timeout=PATIENCE) == 0


def test_server_process_logs_nothing_per_request(
    cli_process: subprocess.Popen[str],
) -> None:
    bucket_names(read_endpoint(cli_process))
    cli_process.send_signal(signal.SIGINT)
    _, stderr = cli_process.communicate(timeout=PATIENCE)
    assert stderr == ""


def test_console_script_prints_the_version() -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith(f"aiomoto {aiomoto.__version__} (Moto ")
