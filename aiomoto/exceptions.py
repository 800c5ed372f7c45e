"""Errors raised by aiomoto.

Every misuse of aiomoto raises one of these, so a test suite can catch
``AiomotoError`` to handle all of them, or a specific class for one case.
"""

from __future__ import annotations

__all__ = [
    "AiomotoError",
    "MockStateError",
    "RealHTTPRequestBlockedError",
]


class AiomotoError(Exception):
    """Base class of every error aiomoto raises on purpose."""


class MockStateError(AiomotoError, RuntimeError):
    """A mock was stopped more often than it was started.

    It subclasses ``RuntimeError`` because Moto raises ``RuntimeError`` for
    the same misuse, so code written against Moto keeps catching it.
    """


class RealHTTPRequestBlockedError(AiomotoError):
    """A boto3 or aiobotocore request would have left the process while mocked.

    Moto answers requests for the AWS endpoints it knows. Anything else (an
    ``endpoint_url`` pointing elsewhere, an ambient ``AWS_ENDPOINT_URL``, a
    service Moto has no backend for) would otherwise go to the network. The
    message names the method and URL, and the likely cause.

    :attr:`method` and :attr:`url` hold the request that was stopped.
    """

    def __init__(self, method: str, url: str, reason: str) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(
            f"aiomoto blocked a real HTTP request while mock_aws was active: "
            f"{method} {url}\n{reason}"
        )
