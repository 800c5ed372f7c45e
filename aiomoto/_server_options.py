"""Server-mode options: what ``mock_aws(server_mode=True, ...)`` asks for, checked.

No I/O happens here: these are the values that ``aiomoto.server`` (running
Moto's server) and ``aiomoto._server_session`` (pointing clients at one)
act on, validated where they enter, with URL helpers both share.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_HOST",
    "ENDPOINT_VAR",
    "AutoEndpointMode",
    "ServerOptions",
    "check_host",
    "check_port",
    "endpoint_from",
    "endpoint_url",
    "server_options",
]

#: Where servers listen unless a host is given explicitly: this machine only.
DEFAULT_HOST = "127.0.0.1"

#: The variable botocore (and pyarrow, polars, the AWS CLI) read an endpoint from.
ENDPOINT_VAR = "AWS_ENDPOINT_URL"


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
        check_port("mock_aws(server_port=...)", server_port, lowest=1)
    check_host("mock_aws(server_host=...)", server_host)
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
        endpoint = endpoint_url(server_host, server_port)
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


def check_host(what: str, host: object) -> None:
    """Raise ``TypeError`` / ``ValueError`` naming ``what`` unless ``host`` is a host name or IP.

    A URL, a ``unix://`` socket path or an empty string is refused here,
    before a socket call fails with an error that names none of it.
    """
    if not isinstance(host, str) or not host:
        raise TypeError(f"{what} must be a host name or IP address (a str), not {host!r}")
    if "/" in host or any(c.isspace() or not c.isprintable() for c in host):
        raise ValueError(
            f"{what} must be a host name or IP address such as {DEFAULT_HOST!r} "
            f"(no scheme, path or unix:// socket), not {host!r}"
        )


def check_port(what: str, port: object, *, lowest: int) -> None:
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
    try:
        # urlsplit raises for a broken IPv6 literal, .port for a port that
        # is not a number; both are reported below as this option's error.
        parts = urlsplit(value)
        parts.port  # noqa: B018
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


def endpoint_url(host: str, port: int) -> str:
    # A server listening on every interface is reached through loopback.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
