"""Moto's HTTP server on loopback, and the requests aiomoto sends to a server.

Some tools cannot be patched in-process: pandas and pyarrow S3 I/O, polars,
DuckDB, the AWS CLI, another process, a pytest-xdist worker. They talk HTTP
themselves, so server mode gives them a real endpoint.

:class:`MotoServer` runs Moto's server (the ``aiomoto[server]`` extra) on
a background thread: on 127.0.0.1 and a free port unless told otherwise,
without werkzeug's log line per request unless ``verbose``, and stopping
in milliseconds rather than after werkzeug's default 0.5 s poll.
:func:`wait_until_answering` and :func:`reset_server` talk to any Moto
server. What the outermost ``mock_aws(server_mode=True)`` does with a server
lives in ``aiomoto._server_session``.
"""

from __future__ import annotations

import functools
import http.client
import importlib
import socket
import threading
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from types import ModuleType, TracebackType
from typing import Any

from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    make_server,
    select_address_family,
)

from aiomoto import _gate
from aiomoto._server_options import (
    DEFAULT_HOST,
    ENDPOINT_VAR,
    AutoEndpointMode,
    check_host,
    check_port,
    endpoint_url,
)
from aiomoto.exceptions import MotoServerError, ServerModeDependencyError, ServerUnreachableError

__all__ = [
    "DEFAULT_HOST",
    "ENDPOINT_VAR",
    "AutoEndpointMode",
    "MotoServer",
    "reset_server",
    "wait_until_answering",
]

#: How often werkzeug's serve loop checks for a stop request. Its default,
#: 0.5 s, is most of what a naive stop costs; an idle loop waking 50 times a
#: second costs next to nothing.
_POLL_INTERVAL = 0.02

#: Seconds to wait for a server to answer one request.
_HTTP_TIMEOUT = 5.0

#: Any request answers the readiness probe; this one is cheap and has no effect.
_PROBE_PATH = "/moto-api/config"
_RESET_PATH = "/moto-api/reset"

#: Our own calls to the server must not go through an HTTP proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# -- the server ---------------------------------------------------------------


class MotoServer:
    """Moto's server on a background thread, for tools that speak HTTP themselves.

    Listens on ``host`` (loopback unless given another) and ``port`` (0
    picks a free one: read :attr:`port` after :meth:`start`). werkzeug's log
    line per request is dropped unless ``verbose``. Use ``with MotoServer()
    as server:`` or :meth:`start` / :meth:`stop`. The server answers from
    this process's Moto backends. Raises ``TypeError`` / ``ValueError`` for
    bad options.
    """

    def __init__(self, host: str = DEFAULT_HOST, port: int = 0, *, verbose: bool = False) -> None:
        check_host("MotoServer(host=...)", host)
        check_port("MotoServer(port=...)", port, lowest=0)
        if not isinstance(verbose, bool):
            raise TypeError(f"MotoServer(verbose=...) must be True or False, not {verbose!r}")
        self.host = host
        self.requested_port = port
        self.verbose = verbose
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.endpoint if self.running else "stopped"
        return f"<{type(self).__name__} {where}>"

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The port the server listens on. Raises ``MotoServerError`` if stopped."""
        return self._running_server().port

    @property
    def endpoint(self) -> str:
        """The server's URL, e.g. ``http://127.0.0.1:50123``. Raises if stopped."""
        return endpoint_url(self.host, self.port)

    def start(self) -> None:
        """Start serving; return once the server answers.

        Raises :class:`~aiomoto.exceptions.ServerModeDependencyError` without
        the ``aiomoto[server]`` extra, and
        :class:`~aiomoto.exceptions.MotoServerError` if it cannot listen on
        ``host``:``port`` or is running already.
        """
        if self._server is not None:
            raise MotoServerError(f"{self!r} is running already; stop() it first")
        module = _moto_server_module()
        app = _moto_application(module)
        handler = _request_handler(module, self.verbose)
        listener = _listen(self.host, self.requested_port)
        try:
            # werkzeug exits the process when it cannot bind, so it gets a
            # socket that is bound already.
            server = make_server(
                self.host, 0, app, threaded=True, request_handler=handler, fd=listener.fileno()
            )
        finally:
            listener.close()
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"aiomoto-server-{server.port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        try:
            wait_until_answering(self.endpoint)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop serving; does nothing if the server is not running."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        # werkzeug closes every connection after its response, so once the
        # loop has ended nothing is served any more.
        server.shutdown()
        thread.join()

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _running_server(self) -> BaseWSGIServer:
        if self._server is None:
            raise MotoServerError(f"{self!r} is not running; start() it first")
        return self._server


class _NoRequestLog:
    """Mixin for werkzeug's request handler that drops the line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing; werkzeug still logs errors."""


def _moto_server_module() -> ModuleType:
    """Moto's server module; raises ``ServerModeDependencyError`` without the extra."""
    try:
        with warnings.catch_warnings():
            # Moto warns before it re-raises the ImportError explained below.
            warnings.simplefilter("ignore")
            return importlib.import_module("moto.moto_server.werkzeug_app")
    except ImportError as error:
        raise ServerModeDependencyError(
            f"Server mode runs Moto's server, which needs Flask and flask-cors "
            f"({error}). Install them with: pip install 'aiomoto[server]'"
        ) from error


_app_lock = threading.Lock()
#: Moto's server module and the app built from it; see _moto_application.
_app: tuple[ModuleType, Any] | None = None


def _moto_application(module: ModuleType) -> Any:
    """Moto's WSGI app, shared by every server of this process.

    Sharing it means each service's Flask app is built once per process,
    not once per server. It is rebuilt if Moto's server module was imported
    anew (pytester, for one, unloads modules), because the app must use the
    same Flask as Moto's request handling.
    """
    global _app
    with _app_lock:
        if _app is None or _app[0] is not module:
            _app = (module, _gated(module.DomainDispatcherApplication(module.create_backend_app)))
        return _app[1]


def _gated(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """``app`` answering each request inside ``aiomoto._gate``'s ``moto_call``.

    The whole body is built inside, so a snapshot restored meanwhile (the
    server answers from this process's backends) never lands mid-answer.
    """

    def gated(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _gate.moto_call():
            body = app(environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    return gated


@functools.cache
def _request_handler(module: ModuleType, verbose: bool) -> type[WSGIRequestHandler]:
    # Moto 5.2 adds a handler that keeps underscores in header names; older
    # Moto uses werkzeug's. Subclassing leaves both classes untouched when
    # werkzeug sets the HTTP version on the handler it is given.
    base = getattr(module, "MotoRequestHandler", WSGIRequestHandler)
    bases = (base,) if verbose else (_NoRequestLog, base)
    handler: type[WSGIRequestHandler] = type("AiomotoRequestHandler", bases, {})
    return handler


def _listen(host: str, port: int) -> socket.socket:
    try:
        return socket.create_server((host, port), family=select_address_family(host, port))
    except OSError as error:
        raise MotoServerError(
            f"Moto's server cannot listen on {host}:{port}: {error.strerror or error}. "
            f"Use port 0 for a free port, and a host that is an address of this machine."
        ) from error


# -- talking to a server ------------------------------------------------------


def _request(endpoint: str, method: str, path: str, variable: str | None = None) -> int:
    """Send one request to the server at ``endpoint``; return its HTTP status.

    ``variable`` names where the endpoint came from, for the error message.
    """
    data = b"" if method == "POST" else None
    request = urllib.request.Request(endpoint + path, data=data, method=method)
    try:
        with _OPENER.open(request, timeout=_HTTP_TIMEOUT) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except (OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise ServerUnreachableError(endpoint, str(reason), variable=variable) from error


def wait_until_answering(endpoint: str, variable: str | None = None) -> None:
    """Return once the server at ``endpoint`` answers an HTTP request.

    Raises :class:`~aiomoto.exceptions.ServerUnreachableError` naming the
    endpoint (and ``variable``, the setting it came from) if nothing answers.
    """
    _request(endpoint, "GET", _PROBE_PATH, variable)


def reset_server(endpoint: str, variable: str | None = None) -> None:
    """Reset every backend of the Moto server at ``endpoint``.

    Raises :class:`~aiomoto.exceptions.MotoServerError` if it answers but
    refuses, :class:`~aiomoto.exceptions.ServerUnreachableError` if it does
    not answer.
    """
    status = _request(endpoint, "POST", _RESET_PATH, variable)
    if status != 200:
        raise MotoServerError(
            f"The server at {endpoint} answered POST {_RESET_PATH} with HTTP {status}: "
            f"is it a Moto server? Pass reset=False and remove_data=False to use it "
            f"without resetting."
        )
