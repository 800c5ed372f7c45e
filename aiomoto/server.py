"""Server mode: Moto's HTTP server on loopback, and clients pointed at it.

Some tools cannot be patched in-process: pandas and pyarrow S3 I/O, polars,
DuckDB, the AWS CLI, another process, a pytest-xdist worker. They talk HTTP
themselves, so server mode gives them a real endpoint.

- :class:`MotoServer` runs Moto's server (the ``aiomoto[server]`` extra) on
  a background thread: on 127.0.0.1 and a free port unless told otherwise,
  without werkzeug's log line per request unless ``verbose``, and stopping
  in milliseconds rather than after werkzeug's default 0.5 s poll.
- :class:`ServerSession` is what the outermost
  ``mock_aws(server_mode=True)`` runs (see ``aiomoto._activation``): it
  starts a server or attaches to a running one, resets it through Moto's
  reset API, and points clients at it as :class:`AutoEndpointMode` says.
"""

from __future__ import annotations

import functools
import http.client
import importlib
import inspect
import os
import socket
import threading
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from types import ModuleType, TracebackType
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from aiobotocore.session import AioSession
from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    make_server,
    select_address_family,
)

from aiomoto._guard import IGNORE_CONFIGURED_ENDPOINTS_VAR
from aiomoto.exceptions import (
    ModeConflictError,
    MotoServerError,
    ServerModeDependencyError,
    ServerUnreachableError,
)

__all__ = [
    "DEFAULT_HOST",
    "ENDPOINT_VAR",
    "AutoEndpointMode",
    "MotoServer",
    "ServerOptions",
    "ServerSession",
    "check_nested",
    "endpoint_from",
    "reset_server",
    "server_options",
    "wait_until_answering",
]

#: Where servers listen unless a host is given explicitly: this machine only.
DEFAULT_HOST = "127.0.0.1"

#: The variable botocore (and pyarrow, polars, the AWS CLI) read an endpoint from.
ENDPOINT_VAR = "AWS_ENDPOINT_URL"

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


class AutoEndpointMode(str, Enum):
    """Which clients created inside ``mock_aws(server_mode=True)`` use the server.

    In every mode but ``DISABLED``, child processes inherit
    ``AWS_ENDPOINT_URL`` set to the server (service-specific
    ``AWS_ENDPOINT_URL_<SERVICE>`` variables are removed while active).
    """

    #: Every boto3, botocore and aiobotocore client, even one given its own
    #: ``endpoint_url``.
    FORCE = "force"
    #: Clients given no ``endpoint_url``; an explicit one is kept.
    IF_MISSING = "if_missing"
    #: None: clients and the environment are left alone; use
    #: ``server_endpoint`` yourself.
    DISABLED = "disabled"


@dataclass(frozen=True)
class ServerOptions:
    """The validated server-mode options of one ``mock_aws`` object."""

    auto_endpoint: AutoEndpointMode
    #: Where a server that mock_aws starts listens.
    host: str
    #: The running server to attach to; ``None`` starts a new one.
    endpoint: str | None
    verbose: bool
    #: The environment variable ``endpoint`` came from, for error messages.
    endpoint_variable: str | None = None
    #: Whether reset and remove_data call the server's reset API
    #: (``MOTO_CALL_RESET_API=false`` turns it off).
    reset_api: bool = True


def server_options(
    server_mode: bool,
    *,
    auto_endpoint: AutoEndpointMode | str,
    server_port: int | None,
    server_endpoint: str | None,
    server_host: str,
    verbose: bool,
) -> ServerOptions | None:
    """Check ``mock_aws``'s server options; ``None`` means the in-process mock.

    Raises ``TypeError`` for ill-typed options and ``ValueError`` for bad
    values or combinations, such as a server option without
    ``server_mode=True``.
    """
    if not isinstance(server_mode, bool):
        raise TypeError(f"mock_aws(server_mode=...) must be True or False, not {server_mode!r}")
    mode = _auto_endpoint_mode(auto_endpoint)
    if server_port is not None:
        _check_port("mock_aws(server_port=...)", server_port, lowest=1)
    if not isinstance(server_host, str) or not server_host:
        raise TypeError(f"mock_aws(server_host=...) must be a host name or IP, not {server_host!r}")
    if not isinstance(verbose, bool):
        raise TypeError(f"mock_aws(verbose=...) must be True or False, not {verbose!r}")
    endpoint = None if server_endpoint is None else endpoint_from(server_endpoint)
    if not server_mode:
        given = {
            "auto_endpoint": mode is not AutoEndpointMode.FORCE,
            "server_port": server_port is not None,
            "server_endpoint": server_endpoint is not None,
            "server_host": server_host != DEFAULT_HOST,
            "verbose": verbose,
        }
        for name, is_given in given.items():
            if is_given:
                raise ValueError(
                    f"mock_aws({name}=...) is a server-mode option: pass "
                    f"server_mode=True as well, or leave it out for the in-process mock"
                )
        return None
    if server_port is not None and endpoint is not None:
        raise ValueError(
            "mock_aws() takes server_port or server_endpoint to attach to a running "
            "server, not both"
        )
    if endpoint is not None and server_host != DEFAULT_HOST:
        raise ValueError(
            "mock_aws(server_endpoint=...) already names the host; leave out server_host"
        )
    if server_port is not None:
        endpoint = _endpoint_url(server_host, server_port)
    if endpoint is not None and verbose:
        raise ValueError(
            "mock_aws(verbose=True) applies to a server that mock_aws starts; an "
            "attached server logs as it was started (python -m aiomoto server --verbose)"
        )
    return ServerOptions(auto_endpoint=mode, host=server_host, endpoint=endpoint, verbose=verbose)


def _auto_endpoint_mode(value: object) -> AutoEndpointMode:
    try:
        return AutoEndpointMode(value)
    except ValueError:
        choices = ", ".join(f"AutoEndpointMode.{m.name} ({m.value!r})" for m in AutoEndpointMode)
        raise ValueError(
            f"mock_aws(auto_endpoint=...) must be one of {choices}, not {value!r}"
        ) from None


def _check_port(what: str, port: object, *, lowest: int) -> None:
    if not isinstance(port, int) or isinstance(port, bool):
        raise TypeError(f"{what} must be an int, not {port!r}")
    if not lowest <= port <= 65535:
        raise ValueError(f"{what} must be between {lowest} and 65535, not {port}")


def endpoint_from(value: object, what: str = "mock_aws(server_endpoint=...)") -> str:
    """``value`` as a server's base URL, ``scheme://host:port``.

    Raises ``TypeError`` / ``ValueError`` naming ``what`` for anything else.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a URL string, not {value!r}")
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        valid = False
    else:
        valid = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.path in ("", "/")
            and not (parts.query or parts.fragment or parts.username)
        )
    if not valid:
        raise ValueError(
            f"{what} must be a server's base URL such as 'http://127.0.0.1:5000', not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _endpoint_url(host: str, port: int) -> str:
    # A server listening on every interface is reached through loopback.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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
        if not isinstance(host, str) or not host:
            raise TypeError(f"MotoServer(host=...) must be a host name or IP, not {host!r}")
        _check_port("MotoServer(port=...)", port, lowest=0)
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
        return _endpoint_url(self.host, self.port)

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
            _app = (module, module.DomainDispatcherApplication(module.create_backend_app))
        return _app[1]


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


# -- one server-mode activation -----------------------------------------------


class ServerSession:
    """The server the outermost ``mock_aws(server_mode=True)`` uses, and its patches.

    Opened on the outermost enter and closed on the outermost exit, both
    under ``aiomoto._activation``'s lock. It changes ``AWS_ENDPOINT_URL*``
    and ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``; putting the environment
    back is the caller's job.
    """

    def __init__(self, options: ServerOptions, endpoint: str, server: MotoServer | None) -> None:
        self.options = options
        self.endpoint = endpoint
        #: The server this session started; ``None`` when attached.
        self.server = server
        self._originals: list[tuple[type, Callable[..., Any]]] = []
        #: boto3's default session from before the patch, in a 1-tuple.
        self._saved_default_session: tuple[boto3.Session | None] | None = None

    @classmethod
    def open(cls, options: ServerOptions, reset: bool) -> ServerSession:
        """Start or attach to the server, reset it if asked, point clients at it.

        Leaves no server running and nothing patched if it raises.
        """
        server = None
        if options.endpoint is None:
            server = MotoServer(options.host, verbose=options.verbose)
            server.start()
            endpoint = server.endpoint
        else:
            endpoint = options.endpoint
            wait_until_answering(endpoint, options.endpoint_variable)
        session = cls(options, endpoint, server)
        try:
            if reset:
                session.reset()
            session._patch()
        except BaseException:
            session._unpatch()
            if server is not None:
                server.stop()
            raise
        return session

    def close(self, remove_data: bool) -> None:
        """Remove the data if asked, undo the patches, stop a server it started."""
        try:
            if remove_data:
                self.reset()
        finally:
            try:
                self._unpatch()
            finally:
                if self.server is not None:
                    self.server.stop()

    def reset(self) -> None:
        """Reset the server's backends, unless its options turn the reset API off."""
        if self.options.reset_api:
            reset_server(self.endpoint, self.options.endpoint_variable)

    @property
    def host(self) -> str:
        """The server's host as it appears in :attr:`endpoint`."""
        return urlsplit(self.endpoint).hostname or ""

    @property
    def port(self) -> int:
        """The server's port."""
        parts = urlsplit(self.endpoint)
        return parts.port or (443 if parts.scheme == "https" else 80)

    def _patch(self) -> None:
        # A default session made earlier caches credentials from before the
        # mock; boto3 makes a fresh one inside, as under Moto's own mock.
        self._saved_default_session = (boto3.DEFAULT_SESSION,)
        boto3.DEFAULT_SESSION = None
        mode = self.options.auto_endpoint
        if mode is AutoEndpointMode.DISABLED:
            return
        force = mode is AutoEndpointMode.FORCE
        for session_class in (botocore.session.Session, AioSession):
            original = session_class.__dict__["create_client"]
            self._originals.append((session_class, original))
            wrapper = _pointing_create_client(original, self.endpoint, force=force)
            setattr(session_class, "create_client", wrapper)  # noqa: B010
        _point_environment_at(self.endpoint)

    def _unpatch(self) -> None:
        while self._originals:
            session_class, original = self._originals.pop()
            setattr(session_class, "create_client", original)  # noqa: B010
        if self._saved_default_session is not None:
            (boto3.DEFAULT_SESSION,) = self._saved_default_session
            self._saved_default_session = None


#: ``create_client``'s parameters, the same for botocore and aiobotocore.
_CREATE_CLIENT = inspect.signature(botocore.session.Session.create_client)


def _pointing_create_client(
    original: Callable[..., Any], endpoint: str, *, force: bool
) -> Callable[..., Any]:
    @functools.wraps(original)
    def create_client(*args: Any, **kwargs: Any) -> Any:
        call = _CREATE_CLIENT.bind(*args, **kwargs)
        if force or call.arguments.get("endpoint_url") is None:
            call.arguments["endpoint_url"] = endpoint
        return original(*call.args, **call.kwargs)

    return create_client


def _point_environment_at(endpoint: str) -> None:
    # Child processes create clients we cannot patch; botocore, the AWS CLI,
    # pyarrow and polars read the endpoint from here. A service-specific
    # variable would beat the global one, and botocore skips both while
    # AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
    for name in [k for k in os.environ if k.startswith(ENDPOINT_VAR + "_")]:
        del os.environ[name]
    os.environ.pop(IGNORE_CONFIGURED_ENDPOINTS_VAR, None)
    os.environ[ENDPOINT_VAR] = endpoint


def check_nested(options: ServerOptions, session: ServerSession) -> None:
    """Raise ``ModeConflictError`` if a nested ``options`` asks for another server.

    A nested server-mode context shares the active session, so an option it
    gives must agree with that session; an option left at its default
    follows the outer context.
    """
    if options.endpoint is not None and options.endpoint != session.endpoint:
        given = options.endpoint_variable or "server_port / server_endpoint"
        raise ModeConflictError(
            f"mock_aws(server_mode=True) was asked to attach to {options.endpoint} "
            f"(from {given}) while server mode is active with {session.endpoint}. "
            f"Nested server-mode contexts share the outermost one's server: leave "
            f"out server_port and server_endpoint, or exit the outer one first."
        )
    active = session.options
    conflicts: list[tuple[str, object, object]] = []
    if options.auto_endpoint is not AutoEndpointMode.FORCE:
        conflicts.append(("auto_endpoint", options.auto_endpoint, active.auto_endpoint))
    if options.endpoint is None:
        # Only a context that would start its own server says where it listens.
        listening = active.host if session.server is not None else session.host
        if options.host != DEFAULT_HOST:
            conflicts.append(("server_host", options.host, listening))
        if options.verbose:
            conflicts.append(("verbose", options.verbose, active.verbose))
    for name, inner, outer in conflicts:
        if inner != outer:
            asked = f"mock_aws(server_mode=True, {name}={_shown(inner)})"
            if options.endpoint_variable is not None:
                asked = f"A mock_aws() in server mode from the environment ({name}={_shown(inner)})"
            raise ModeConflictError(
                f"{asked} was entered while "
                f"server mode is active with {name}={_shown(outer)} (serving at "
                f"{session.endpoint}). Nested server-mode contexts share the outermost "
                f"one's server and settings: leave out {name}, or give it the outer "
                f"value, or exit the outer one first."
            )


def _shown(value: object) -> str:
    return f"AutoEndpointMode.{value.name}" if isinstance(value, AutoEndpointMode) else repr(value)
