"""Errors raised by aiomoto.

Every misuse of aiomoto raises one of these, so a test suite can catch
``AiomotoError`` to handle all of them, or a specific class for one case.
"""

from __future__ import annotations

__all__ = [
    "AiomotoError",
    "MockLeakError",
    "MockStateError",
    "ModeConflictError",
    "MotoServerError",
    "NotImplementedByMotoError",
    "NotInServerModeError",
    "ProxyModeUnsupportedError",
    "RealHTTPRequestBlockedError",
    "ServerModeDependencyError",
    "ServerUnreachableError",
    "SnapshotError",
]


class AiomotoError(Exception):
    """Base class of every error aiomoto raises on purpose."""


class MockStateError(AiomotoError, RuntimeError):
    """A mock was stopped more often than it was started.

    It subclasses ``RuntimeError`` because Moto raises ``RuntimeError`` for
    the same misuse, so code written against Moto keeps catching it.
    """


class MockLeakError(MockStateError):
    """A test ended with a mock it entered still active.

    The pytest plugin and the unittest base classes raise it in that test's
    teardown, after stopping what was left open, so the tests after it start
    clean. The message names the test, each mock left active and where it
    was entered, and how to fix or allow it.
    """


class NotInServerModeError(AiomotoError, AttributeError):
    """A ``server_*`` attribute was read from a mock that runs no server.

    It subclasses ``AttributeError``, so ``getattr(mock, "server_endpoint",
    None)`` and ``hasattr`` work as for any attribute that is not there.
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


class ModeConflictError(AiomotoError):
    """An in-process mock and server mode were mixed in one process.

    Both modes serve from the process's one set of Moto backends, but they
    send requests different ways, so a nested context must use the mode of
    the outermost one (and, in server mode, the same server).
    """


class ServerModeDependencyError(AiomotoError, ImportError):
    """Server mode needs Moto's server dependencies: install ``aiomoto[server]``.

    It subclasses ``ImportError`` so code that probes for optional
    dependencies with ``except ImportError`` keeps working.
    """


class MotoServerError(AiomotoError):
    """A Moto server could not be started, or did not do what it was asked.

    For example the port is in use, the host is not an address of this
    machine, or the server refused Moto's reset request.
    """


class ServerUnreachableError(MotoServerError, ConnectionError):
    """No server answers at the endpoint that server mode was told to use.

    :attr:`endpoint` holds that endpoint, and :attr:`variable` the
    environment variable it came from (``TEST_SERVER_MODE_ENDPOINT``), if
    any.
    """

    def __init__(self, endpoint: str, reason: str, variable: str | None = None) -> None:
        self.endpoint = endpoint
        self.reason = reason
        self.variable = variable
        if variable is None:
            advice = (
                "Start one with `python -m aiomoto server`, or let "
                "mock_aws(server_mode=True) start its own by leaving out server_port "
                "and server_endpoint."
            )
        else:
            advice = (
                f"The endpoint comes from {variable} (TEST_SERVER_MODE=true runs "
                f"mock_aws against it): start a server there, for example with "
                f"`python -m aiomoto server --port <port>`, point {variable} at a "
                f"running one, or unset TEST_SERVER_MODE to mock in-process."
            )
        super().__init__(f"No Moto server answers at {endpoint} ({reason}). {advice}")


class ProxyModeUnsupportedError(AiomotoError):
    """``TEST_PROXY_MODE=true`` asks for Moto's proxy mode, which aiomoto does not run.

    Raised when a ``mock_aws`` is created or entered while it is set. Use
    ``TEST_SERVER_MODE=true`` to run a suite against a Moto server instead,
    or unset the variable to mock in-process.
    """


class SnapshotError(AiomotoError):
    """A snapshot of Moto's state could not be taken, restored, saved or loaded.

    For example a service whose state cannot be copied (the message names
    it and why), background work still running in Moto, or a snapshot file
    written by another version of Moto, aiomoto or Python, or that is not a
    snapshot at all (the message says which, with both versions).
    """


class NotImplementedByMotoError(AiomotoError, NotImplementedError):
    """The mock was asked for an AWS operation that Moto does not implement.

    It subclasses ``NotImplementedError``, which Moto raises for the same
    call, so code that catches that keeps working. :attr:`service` and
    :attr:`operation` name the call; the message names Moto's version and
    the ``aws.on(...).respond({...})`` line that answers it with a stub.
    """

    def __init__(self, service: str, operation: str, moto_version: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(
            f"Moto {moto_version} does not implement {service}.{operation}. Answer it "
            f"yourself with a stub while Moto serves everything else, inside the mock:\n"
            f'    aws.on("{service}", "{operation}").respond({{...}})\n'
            f"(aws being the active mock_aws, e.g. the `aws` pytest fixture); see "
            f"aiomoto's docs, \"Filling Moto's gaps\"."
        )
