"""One server-mode activation: the server it uses, and clients pointed at it.

:class:`ServerSession` is what the outermost ``mock_aws(server_mode=True)``
runs (see ``aiomoto._activation``): it starts a server or attaches to a
running one, resets it through Moto's reset API, and points clients at it as
:class:`~aiomoto.server.AutoEndpointMode` says.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from aiobotocore.session import AioSession

from aiomoto._guard import IGNORE_CONFIGURED_ENDPOINTS_VAR
from aiomoto._server_options import DEFAULT_HOST, ENDPOINT_VAR, AutoEndpointMode, ServerOptions
from aiomoto.exceptions import ModeConflictError
from aiomoto.server import MotoServer, reset_server, wait_until_answering

__all__ = ["ServerSession", "check_nested"]


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
