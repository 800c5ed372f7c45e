"""The command line: ``aiomoto server`` (or ``python -m aiomoto server``) runs Moto's server.

For tools and processes that cannot share a test process: start it once,
paste the ``export AWS_ENDPOINT_URL=...`` line it prints, or attach tests to
it with ``mock_aws(server_mode=True, server_port=...)``. ``aiomoto --version``
names the versions of aiomoto, Moto, aiobotocore and Python in use.
``aiomoto server --state FILE`` starts from the snapshot in FILE, if there is
one, and saves the state there when it stops: development data that
survives restarts.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import threading
from collections.abc import Sequence
from importlib.metadata import version
from types import FrameType

from aiomoto import __version__
from aiomoto._server_options import check_host
from aiomoto.exceptions import MotoServerError, ServerModeDependencyError, SnapshotError
from aiomoto.server import DEFAULT_HOST, ENDPOINT_VAR, MotoServer

__all__ = ["console", "main"]


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m aiomoto") -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``prog`` is the name that usage lines and error messages show.
    """
    args = _parser(prog).parse_args(argv)
    return _serve(args.host, args.port, verbose=args.verbose, prog=prog, state=args.state)


def console() -> int:
    """The ``aiomoto`` console script: the same command line as ``python -m aiomoto``."""
    return main(prog="aiomoto")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="aiomoto's command line tools.",
        epilog=f"Run '{prog} COMMAND --help' for the options of a command.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=_versions(),
        help="show the versions of aiomoto, Moto, aiobotocore and Python, and exit",
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    server = commands.add_parser(
        "server",
        help="run Moto's server until interrupted",
        description=(
            "Run Moto's server until Ctrl+C (or SIGTERM), printing its endpoint and "
            "an export line for AWS_ENDPOINT_URL. Quiet unless --verbose."
        ),
    )
    server.add_argument(
        "--host",
        type=_host,
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)",
    )
    server.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: 0, a free port)"
    )
    server.add_argument("--verbose", action="store_true", help="log every request to stderr")
    server.add_argument(
        "--state",
        metavar="FILE",
        help=(
            "start from the snapshot in FILE when it exists, and save the state to FILE "
            "when the server stops"
        ),
    )
    return parser


def _versions() -> str:
    # What a bug report needs: aiomoto's behaviour depends on all four.
    return (
        f"aiomoto {__version__} (Moto {version('moto')}, aiobotocore "
        f"{version('aiobotocore')}, Python {platform.python_version()})"
    )


def _host(text: str) -> str:
    try:
        check_host("the host", text)
    except (TypeError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {port}")
    return port


def _serve(host: str, port: int, *, verbose: bool, prog: str, state: str | None = None) -> int:
    from aiomoto import _activation

    server = MotoServer(host, port, verbose=verbose)
    # The server answers from this process's backends: it starts from empty
    # ones (or the state file) even in a process that used Moto before, and
    # takes its data with it when it stops.
    _activation.reset_backends()
    try:
        if state is not None:
            _load_state(state)
        server.start()
    except (MotoServerError, ServerModeDependencyError, SnapshotError, OSError) as error:
        print(f"{prog} server: {error}", file=sys.stderr)
        return 1
    # SIGTERM (from a CI job or a process manager) stops the server like
    # Ctrl+C. Installed before the endpoint is printed, so that a signal sent
    # as soon as it appears is handled too.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(f"Moto server running at {server.endpoint} (Ctrl+C to stop)")
        print(f"export {ENDPOINT_VAR}={server.endpoint}", flush=True)
        _block()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    try:
        return 0 if state is None else _save_state(state, prog)
    finally:
        _activation.reset_backends()


def _load_state(path: str) -> None:
    """Restore the snapshot at ``path`` into this process's backends, if there is one.

    Raises ``OSError`` if the state could not be saved there when the
    server stops, and ``SnapshotError`` for a file that is not a snapshot
    of these versions.
    """
    from aiomoto import snapshots

    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save the state to {path}: {directory} is not a directory")
    if not os.path.exists(path):
        print(f"State: {path} does not exist yet; starting empty, saving there on stop")
        return
    seed = snapshots.Snapshot.load(path)
    seed._restore_backends()
    print(f"State: loaded from {path} ({seed!r}); saving there on stop")


def _save_state(path: str, prog: str) -> int:
    from aiomoto import snapshots

    try:
        snapshots.capture().save(path)
    except (SnapshotError, OSError) as error:
        print(f"{prog} server: the state was not saved to {path}: {error}", file=sys.stderr)
        return 1
    print(f"State: saved to {path}")
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _block() -> None:
    """Wait until a signal interrupts."""
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
