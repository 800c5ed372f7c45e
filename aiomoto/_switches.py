"""Moto's environment switches: ``TEST_SERVER_MODE`` and ``TEST_PROXY_MODE``.

Moto reads them once, when it is imported. aiomoto reads them each time a
mock is entered (and ``TEST_PROXY_MODE`` also when one is created), so a
variable set by a conftest, a fixture or ``monkeypatch`` takes effect for
the mocks entered after it is set.

- ``TEST_SERVER_MODE=true``: a ``mock_aws`` that would run in-process runs
  in server mode instead, attached to ``TEST_SERVER_MODE_ENDPOINT`` (Moto's
  default ``http://localhost:5000``, or ``MOTO_PORT``), with clients that
  have no ``endpoint_url`` of their own pointed at it. Nothing is started
  or stopped. ``MOTO_CALL_RESET_API=false`` keeps the server's data: no
  reset on enter, on exit or on ``reset()``.
- ``TEST_PROXY_MODE=true``: Moto's proxy mode, which aiomoto does not run;
  it raises :class:`~aiomoto.exceptions.ProxyModeUnsupportedError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from aiomoto._server_options import DEFAULT_HOST, AutoEndpointMode, ServerOptions, endpoint_from
from aiomoto.exceptions import ProxyModeUnsupportedError

__all__ = [
    "ENDPOINT_VAR",
    "PROXY_MODE_VAR",
    "RESET_API_VAR",
    "SERVER_MODE_VAR",
    "environment_server",
    "reject_proxy_mode",
    "server_options_for",
]

SERVER_MODE_VAR = "TEST_SERVER_MODE"
ENDPOINT_VAR = "TEST_SERVER_MODE_ENDPOINT"
RESET_API_VAR = "MOTO_CALL_RESET_API"
PROXY_MODE_VAR = "TEST_PROXY_MODE"
#: Moto builds its default endpoint from this port variable, 5000 when unset.
_PORT_VAR = "MOTO_PORT"


def _is_true(name: str) -> bool:
    # Moto's own test: only "true", in any case, switches it on.
    return os.environ.get(name, "").lower() == "true"


def reject_proxy_mode() -> None:
    """Raise :class:`ProxyModeUnsupportedError` if ``TEST_PROXY_MODE=true``."""
    if _is_true(PROXY_MODE_VAR):
        raise ProxyModeUnsupportedError(
            f"{PROXY_MODE_VAR}=true asks for Moto's proxy mode, which aiomoto does not "
            f"support: it would send every client through an HTTPS proxy with "
            f"certificate checks turned off. To run the suite against a Moto server, "
            f"set {SERVER_MODE_VAR}=true (and {ENDPOINT_VAR} if the server is not at "
            f"http://localhost:5000) instead; to mock in-process, unset {PROXY_MODE_VAR}."
        )


def environment_server() -> ServerOptions | None:
    """The server ``TEST_SERVER_MODE=true`` asks for, or ``None`` when it is off.

    Raises ``ValueError`` naming ``TEST_SERVER_MODE_ENDPOINT`` if that is not
    a server's base URL, or ``MOTO_PORT`` (used when it is unset) if that is
    not a port number.
    """
    if not _is_true(SERVER_MODE_VAR):
        return None
    given = os.environ.get(ENDPOINT_VAR)
    if given:
        endpoint = endpoint_from(given, what=ENDPOINT_VAR)
    else:
        endpoint = f"http://localhost:{_moto_port()}"
    return ServerOptions(
        # As Moto does: only clients made without an endpoint_url are redirected.
        auto_endpoint=AutoEndpointMode.IF_MISSING,
        host=DEFAULT_HOST,
        endpoint=endpoint,
        verbose=False,
        endpoint_variable=ENDPOINT_VAR,
        reset_api=os.environ.get(RESET_API_VAR, "").lower() != "false",
    )


def _moto_port() -> int:
    text = os.environ.get(_PORT_VAR) or "5000"
    port = int(text) if text.strip().isdigit() else 0
    if not 1 <= port <= 65535:
        raise ValueError(
            f"{_PORT_VAR}={text!r} must be a port number (1-65535): TEST_SERVER_MODE=true "
            f"without {ENDPOINT_VAR} attaches to http://localhost:{_PORT_VAR}. Fix "
            f"{_PORT_VAR}, or set {ENDPOINT_VAR} to the server's URL."
        )
    return port


def server_options_for(
    server: ServerOptions | None, config: Mapping[str, Any] | None
) -> ServerOptions | None:
    """The server a mock with these options runs against as it is entered now.

    ``server`` and ``config`` are the mock's own options; ``None`` means
    in-process.

    Raises :class:`ProxyModeUnsupportedError` under ``TEST_PROXY_MODE=true``,
    and ``ValueError`` for an in-process ``config`` under
    ``TEST_SERVER_MODE=true``.
    """
    reject_proxy_mode()
    if server is not None:
        return server
    options = environment_server()
    if options is not None and config is not None:
        raise ValueError(
            f"mock_aws(config=...) configures the in-process mock, but "
            f"{SERVER_MODE_VAR}=true runs this mock against the Moto server at "
            f"{options.endpoint}: configure that server through its /moto-api/config "
            f"endpoint, or unset {SERVER_MODE_VAR} for this test."
        )
    return options
