"""The real-HTTP guard's policy: which requests may leave the process, and why not.

While an in-process mock is active, a botocore or aiobotocore request that
Moto does not answer (``aiomoto._intercept`` asks it), and an AWS URL that
aiohttp is asked to fetch (``aiomoto._aiohttp``), raise
:class:`~aiomoto.exceptions.RealHTTPRequestBlockedError`, explaining why the
request was not intercepted: most often an ambient ``AWS_ENDPOINT_URL``.
Only Moto's ``passthrough`` config lets one out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from botocore.configloader import load_config
from moto import backend_index
from moto.core.config import default_user_config

from aiomoto.exceptions import RealHTTPRequestBlockedError

__all__ = [
    "IGNORE_CONFIGURED_ENDPOINTS_VAR",
    "blocked_request_error",
    "moto_lets_through",
]

#: botocore skips ``AWS_ENDPOINT_URL*`` and config-file ``endpoint_url``
#: while this variable is ``true``; aiomoto sets it while in-process mocking.
IGNORE_CONFIGURED_ENDPOINTS_VAR = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def moto_lets_through(url: str) -> bool:
    """Whether Moto's ``core.passthrough`` config lets ``url`` reach the network."""
    passthrough = default_user_config.get("core", {}).get("passthrough", {})
    parts = urlsplit(url)
    clean_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if any(re.match(pattern, clean_url) for pattern in passthrough.get("urls", [])):
        return True
    services = passthrough.get("services", [])
    return any(
        service in services and pattern.match(clean_url)
        for service, pattern in backend_index.backend_url_patterns
    )


def blocked_request_error(method: str | None, url: str) -> RealHTTPRequestBlockedError:
    """Build the error for a request that Moto did not answer, with its cause."""
    for source, endpoint in _ambient_endpoints():
        if _same_endpoint(url, endpoint):
            reason = (
                f"The URL comes from ambient endpoint configuration "
                f"({source} = {endpoint}), so botocore sent the request there "
                f"instead of to an AWS URL that Moto intercepts. aiomoto sets "
                f"{IGNORE_CONFIGURED_ENDPOINTS_VAR}=true while it is active, which "
                f"covers clients created inside mock_aws; this client was created "
                f"before the mock started. Create the client inside mock_aws, or "
                f"unset {source} (or set {IGNORE_CONFIGURED_ENDPOINTS_VAR}=true) "
                f"for the test run. To talk to a real local endpoint on purpose, "
                f"use server mode instead of the in-process mock."
            )
            break
    else:
        reason = (
            "Moto has no handler for this URL, so it would have been sent over "
            "the network. If the client was given an explicit endpoint_url, drop "
            "it for in-process tests so the client uses the AWS URL Moto "
            "intercepts. To let this URL through on purpose, list it in Moto's "
            'passthrough config: mock_aws(config={"core": {"passthrough": '
            '{"urls": [r"<regex>"]}}}).'
        )
    return RealHTTPRequestBlockedError(method or "?", url, reason)


def _same_endpoint(url: str, endpoint: str) -> bool:
    want, got = urlsplit(endpoint), urlsplit(url)
    return (want.scheme, want.netloc) == (got.scheme, got.netloc) and got.path.startswith(
        want.path.rstrip("/")
    )


def _ambient_endpoints() -> Iterator[tuple[str, str]]:
    """Yield ``(where it was set, endpoint)`` for configured endpoint URLs."""
    for name, value in sorted(os.environ.items()):
        if (name == "AWS_ENDPOINT_URL" or name.startswith("AWS_ENDPOINT_URL_")) and value:
            yield name, value
    path = os.path.expanduser(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"))
    try:
        config = load_config(path)
    except Exception:  # noqa: BLE001 - an unreadable file only loses a hint
        return
    profile_name = (
        os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"
    )
    profile = config.get("profiles", {}).get(profile_name, {})
    where = f"endpoint_url in profile {profile_name!r} of {path}"
    if profile.get("endpoint_url"):
        yield where, profile["endpoint_url"]
    services = config.get("services", {}).get(profile.get("services", ""), {})
    for service, settings in services.items():
        if isinstance(settings, dict) and settings.get("endpoint_url"):
            yield f"{service} endpoint_url in {path}", settings["endpoint_url"]
