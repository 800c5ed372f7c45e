"""How long server mode takes to start and stop, in milliseconds.

Run from a checkout: ``python benchmarks/server_start_stop.py [runs]``.

- ``MotoServer``: ``start()`` returns once the server has answered a
  request; ``stop()`` returns once the serving thread has ended.
- ``mock_aws(server_mode=True)``: the whole enter (start, reset, patches)
  and exit (reset, stop, restore), as a test pays them.
- Moto's own ``ThreadedMotoServer`` on a free port, for comparison.

The first start in a process also imports Moto's server app (Flask); it is
reported on its own line and left out of the medians.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable

from aiomoto import MotoServer, mock_aws


def _ms(seconds: float) -> float:
    return seconds * 1000


def _report(name: str, starts: list[float], stops: list[float]) -> None:
    def summary(values: list[float]) -> str:
        return (
            f"median {statistics.median(values):6.1f}  "
            f"min {min(values):6.1f}  max {max(values):6.1f}"
        )

    print(f"{name}")
    print(f"  start ms: {summary(starts)}")
    print(f"  stop  ms: {summary(stops)}")


def _time(start: Callable[[], object], stop: Callable[[], object]) -> tuple[float, float]:
    began = time.perf_counter()
    start()
    started = time.perf_counter()
    stop()
    stopped = time.perf_counter()
    return _ms(started - began), _ms(stopped - started)


def bench_moto_server(runs: int) -> None:
    starts, stops = [], []
    for _ in range(runs):
        server = MotoServer()
        start, stop = _time(server.start, server.stop)
        starts.append(start)
        stops.append(stop)
    _report(f"aiomoto.MotoServer ({runs} runs)", starts, stops)


def bench_mock_aws(runs: int) -> None:
    starts, stops = [], []
    for _ in range(runs):
        mock = mock_aws(server_mode=True)
        start, stop = _time(mock.start, mock.stop)
        starts.append(start)
        stops.append(stop)
    _report(f"mock_aws(server_mode=True) enter/exit ({runs} runs)", starts, stops)


def bench_threaded_moto_server(runs: int) -> None:
    from moto.server import ThreadedMotoServer

    # It logs every request through werkzeug; keep this report readable.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    starts, stops = [], []
    for _ in range(runs):
        server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)

        def start(server: ThreadedMotoServer = server) -> None:
            server.start()
            host, port = server.get_host_and_port()
            # Answering, as MotoServer.start() guarantees.
            urllib.request.urlopen(f"http://{host}:{port}/moto-api/config").close()

        start_ms, stop_ms = _time(start, server.stop)
        starts.append(start_ms)
        stops.append(stop_ms)
    _report(f"moto.server.ThreadedMotoServer, for comparison ({runs} runs)", starts, stops)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    first = MotoServer()
    start, stop = _time(first.start, first.stop)
    print(f"first start in this process (imports Moto's server): {start:.1f} ms")
    print(f"first stop: {stop:.1f} ms")
    bench_moto_server(runs)
    bench_mock_aws(runs)
    bench_threaded_moto_server(min(runs, 5))


if __name__ == "__main__":
    main()
