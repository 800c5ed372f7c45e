"""Shared fixtures: the network guard, leak checks and client factories."""

from __future__ import annotations

import copy
import importlib
import ipaddress
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

# Hypothesis too: first imported inside a pytester run (by its plugin's
# terminal summary), it runs its entry points, and trio's registers trio's
# random generator; on Python 3.13 Hypothesis then warns that the generator
# may be garbage collected, which fails that run.
import hypothesis  # noqa: F401

# Imported before any in-process pytester run: a module first imported inside
# one is unloaded after it, and importing it again makes a second copy whose
# backends are not those that Moto's S3 URL map (built once, see
# aiomoto._speedups) sends requests to. Examples read S3's backends directly.
import moto.s3.models  # noqa: F401
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from moto.core.config import default_user_config
from moto.core.models import MockAWS as MotoMockAWS
from moto.core.models import botocore_stubber

import aiomoto
import aiomoto.mock
import aiomoto.snapshots
from aiomoto import MotoServer, _activation
from aiomoto.server import reset_server

# The plugin is loaded here rather than through its entry point (disabled by
# "-p no:aiomoto" in setup.cfg) so that coverage, which starts after entry
# points load, measures it; test_pytest_plugin.py checks the entry point.
pytest_plugins = ("aiomoto.pytest_plugin",)

# pytester unloads the modules a test imported, while the package keeps the
# names it handed out (aiomoto.mock_aws): imported here, aiomoto.mock and
# aiomoto.snapshots stay one module each, so a Snapshot made through one name
# is the Snapshot class that mock_aws(state=...) checks for. The same goes
# for Moto's service modules (see _moto_services_stay_loaded).

# tests/typing holds code for mypy to check, not to run: test_typing.py runs
# mypy on it.
collect_ignore = ["typing"]

# ---------------------------------------------------------------------------
# Network guard: no test may open a connection to a non-loopback address or
# resolve a non-loopback name. Violations raise at once AND are recorded, so a
# test fails even when the code under test swallows the error (botocore
# retries, for instance).
# ---------------------------------------------------------------------------


class NetworkAccessError(OSError):
    """A test tried to reach the network."""


_violations: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback_host(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in ("localhost", "", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(address: object) -> None:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths stay on this machine
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback_host(host):
        _violations.append(f"connect to {address!r}")
        raise NetworkAccessError(f"tests must not use the network: connect to {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback_host(host):
        _violations.append(f"resolve {host!r}")
        raise NetworkAccessError(f"tests must not use the network: resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo


#: Services that snapshots are taken of in pytester runs and docs examples.
_SNAPSHOT_SERVICES = ("s3", "dynamodb", "sqs", "sns")


@pytest.fixture(scope="session", autouse=True)
def _moto_services_stay_loaded() -> None:
    """Import Moto's modules for those services before any pytester test.

    Loaded inside a pytester test, a service's modules are unloaded after it
    while Moto keeps using its old backend dict beside the new one, whose
    classes are then no longer importable and cannot be snapshotted.
    """
    from moto.backends import get_backend

    for name in _SNAPSHOT_SERVICES:
        get_backend(name)  # type: ignore[call-overload]
        importlib.import_module(f"moto.{name}.urls")


@pytest.fixture(autouse=True)
def _no_network_and_no_leaks() -> Iterator[None]:
    """Fail a test that touched the network or left a mock active.

    Environment restoration has its own tests (test_environment.py): here the
    per-test ``monkeypatch`` would blur what a mock left behind.
    """
    _violations.clear()
    yield
    seen = list(_violations)
    _violations.clear()
    assert not seen, f"test used the network: {seen}"
    assert not _activation.is_active(), "test left a mock_aws active"


@pytest.fixture
def network_violations() -> list[str]:
    """The recorded network violations, for the guard's own tests to inspect."""
    return _violations


# ---------------------------------------------------------------------------
# Environment: tests start from a known AWS_* environment.
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Run each test with no ambient AWS_* configuration and empty AWS files."""
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("aws-home")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def pytester(pytester: pytest.Pytester) -> pytest.Pytester:
    """pytester with an ini that settles pytest-asyncio's loop-scope default."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester


# ---------------------------------------------------------------------------
# A clean process: what a misuse must leave as it found it.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessState:
    """What a mock changes while active and must put back: AWS_* variables, Moto's config."""

    environment: dict[str, str]
    moto_config: dict[str, Any]

    @classmethod
    def now(cls) -> ProcessState:
        """The state as it is now."""
        return cls(
            {k: v for k, v in os.environ.items() if k.startswith("AWS_")},
            copy.deepcopy(dict(default_user_config)),
        )


def assert_process_clean(before: ProcessState) -> None:
    """Assert that no mock is active and nothing outlived one, and that ``mock_aws()`` works.

    ``before`` is the state from before the misuse: ``AWS_*`` variables and
    Moto's config must be as they were then, Moto's patching off.
    """
    assert not _activation.is_active(), f"a mock is still active: {_activation.activations()}"
    assert not botocore_stubber.enabled, "Moto's interception is still enabled"
    assert MotoMockAWS._nested_count == 0, "Moto's own mock is still counted as active"
    now = ProcessState.now()
    assert now.environment == before.environment
    assert now.moto_config == before.moto_config
    with aiomoto.mock_aws() as aws:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="after-the-misuse")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["after-the-misuse"]
    aws.assert_called_once("s3", "CreateBucket")
    assert not _activation.is_active()
    assert ProcessState.now() == before


@pytest.fixture
def clean_process() -> Callable[[], None]:
    """Call the returned function to assert the process is as clean as when the test began."""
    before = ProcessState.now()
    return lambda: assert_process_clean(before)


# ---------------------------------------------------------------------------
# Servers for server mode.
# ---------------------------------------------------------------------------


@pytest.fixture
def moto_server() -> Iterator[MotoServer]:
    """A running server that no mock_aws started, empty at first; stopped however the test ends.

    It serves this process's own Moto backends, so what an earlier test kept
    there (``remove_data=False``) would otherwise be found in it.
    """
    with MotoServer() as running:
        reset_server(running.endpoint)
        yield running


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


#: Seconds a child process gets to print or to exit before the test fails.
PATIENCE = 60


@contextmanager
def server_process(command: list[str]) -> Iterator[subprocess.Popen[str]]:
    """``command`` (``python -m aiomoto`` or ``aiomoto``) running ``server`` in a child process.

    The process is killed if a test leaves it running.
    """
    process = subprocess.Popen(
        [*command, "server"],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=PATIENCE)


@pytest.fixture
def cli_process() -> Iterator[subprocess.Popen[str]]:
    """``python -m aiomoto server`` in a child process, killed if a test leaves it."""
    with server_process([sys.executable, "-m", "aiomoto"]) as process:
        yield process


# ---------------------------------------------------------------------------
# aiobotocore clients on each HTTP backend this aiobotocore offers.
# ---------------------------------------------------------------------------


def _backends() -> list[str]:
    try:
        from aiobotocore.httpxsession import HttpxSession  # noqa: F401
    except ImportError:  # pragma: no cover - httpx comes with the test extra
        return ["aiohttp"]
    import aiobotocore

    # aiobotocore 2.x ships an experimental httpx session; the supported one
    # (and the one aiomoto promises to serve) is 3.x's.
    return ["aiohttp", "httpx"] if int(aiobotocore.__version__.split(".")[0]) >= 3 else ["aiohttp"]


BACKENDS = _backends()

AioClientFactory = Callable[..., AbstractAsyncContextManager[Any]]


def aio_config(backend: str, **kwargs: Any) -> AioConfig:
    """An ``AioConfig`` that selects ``backend`` ("aiohttp" or "httpx")."""
    if backend == "httpx":
        from aiobotocore.httpxsession import HttpxSession

        kwargs["http_session_cls"] = HttpxSession
    return AioConfig(**kwargs)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each aiobotocore HTTP backend available in this environment."""
    return str(request.param)


@pytest.fixture
def aio_client(backend: str) -> AioClientFactory:
    """Make aiobotocore clients on the parametrized backend: ``aio_client("s3")``."""

    @asynccontextmanager
    async def make(service: str, **kwargs: Any) -> AsyncIterator[Any]:
        kwargs.setdefault("region_name", "us-east-1")
        config = aio_config(backend, **kwargs.pop("config_kwargs", {}))
        async with AioSession().create_client(service, config=config, **kwargs) as client:
            yield client

    return make


__all__ = [
    "BACKENDS",
    "PATIENCE",
    "NetworkAccessError",
    "ProcessState",
    "aio_config",
    "aiomoto",
    "assert_process_clean",
]
