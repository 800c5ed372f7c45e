"""The ``AWS_*`` environment while a mock is active: snapshot, fake credentials, restore.

The outermost enter snapshots every ``AWS_*`` variable, sets Moto's fake
credentials (dropping real session tokens that must not pair with them) and
tells the SDK to ignore configured endpoint URLs; the outermost exit puts
every ``AWS_*`` variable back exactly as it was. ``aiomoto._activation``
decides when; this module only touches ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from moto.core.config import default_user_config

from aiomoto import _guard

__all__ = [
    "aws_environment",
    "fake_credentials",
    "isolate_environment",
    "mocks_credentials",
    "restore_environment",
]

#: Credential variables that must not pair a real value with Moto's fake keys.
_REAL_CREDENTIAL_VARS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION")


def aws_environment() -> dict[str, str]:
    """A copy of every ``AWS_*`` environment variable now."""
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


def mocks_credentials() -> bool:
    """Whether Moto's config (``core.mock_credentials``) asks for fake credentials."""
    return default_user_config.get("core", {}).get("mock_credentials", True) is not False


def fake_credentials() -> None:
    """Set Moto's fake keys and remove real session credentials."""
    # The values Moto's in-process mock sets, so both modes sign alike; the
    # server ignores them, but they keep real credentials out of requests
    # and out of child processes.
    os.environ.update(AWS_ACCESS_KEY_ID="FOOBARKEY", AWS_SECRET_ACCESS_KEY="FOOBARSECRET")
    for name in _REAL_CREDENTIAL_VARS:
        os.environ.pop(name, None)


def isolate_environment() -> None:
    """Keep the in-process mock's clients off real credentials and ambient endpoints."""
    # Moto has just set the same fake keys unless its config says otherwise;
    # this also drops a real session token that must not ride along.
    if mocks_credentials():
        fake_credentials()
    # Ambient endpoints would send requests past Moto; see the docs'
    # "AWS_ENDPOINT_URL gotcha". Restored with the rest on exit.
    os.environ[_guard.IGNORE_CONFIGURED_ENDPOINTS_VAR] = "true"


def restore_environment(snapshot: Mapping[str, str]) -> None:
    """Make the ``AWS_*`` variables exactly ``snapshot`` again."""
    for name in [k for k in os.environ if k.startswith("AWS_") and k not in snapshot]:
        del os.environ[name]
    for name, value in snapshot.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
