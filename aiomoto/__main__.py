"""The command line: ``python -m aiomoto server`` runs Moto's server until interrupted.

For tools and processes that cannot share a test process: start it once,
paste the ``export AWS_ENDPOINT_URL=...`` line it prints, or attach tests to
it with ``mock_aws(server_mode=True, server_port=...)``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from aiomoto.exceptions import MotoServerError, ServerModeDependencyError
from aiomoto.server import DEFAULT_HOST, ENDPOINT_VAR, MotoServer

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    args = _parser().parse_args(argv)
    return _serve(args.host, args.port, verbose=args.verbose)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m aiomoto", description="aiomoto's command line tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
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
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)",
    )
    server.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: 0, a free port)"
    )
    server.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {port}")
    return port


def _serve(host: str, port: int, *, verbose: bool) -> int:
    server = MotoServer(host, port, verbose=verbose)
    try:
        server.start()
    except (MotoServerError, ServerModeDependencyError) as error:
        print(f"python -m aiomoto server: {error}", file=sys.stderr)
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
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _block() -> None:
    """Wait until a signal interrupts."""
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
