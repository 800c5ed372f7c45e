"""The pytest plugin: an ``aws`` fixture, a ``mock_aws`` marker and a leak check.

The ``aws`` fixture starts from the snapshot that the ``aws_state`` fixture
returns (``None`` here: empty backends); overriding ``aws_state`` in a
conftest, module or class, at any scope, seeds those tests.

Registered through the ``pytest11`` entry point. It imports Moto and
aiobotocore only when a test uses the fixture or the marker, so suites that
use neither run exactly as without aiomoto installed.

The leak check fails a test, in its teardown, that leaves a mock active
(see ``aiomoto._leaks``). Mocks that a class-, module-, package- or
session-scoped fixture keeps open are not leaks; the ini option
``aiomoto_leak_check = false`` turns the check off.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aiomoto._activation import Activation
    from aiomoto.mock import MockAWS
    from aiomoto.snapshots import Snapshot

__all__ = ["aws", "aws_state"]

_MARKER = "mock_aws"
_FIXTURE = "aws"
_LEAK_CHECK_INI = "aiomoto_leak_check"

#: The activations open when a test's setup began.
_BEFORE = pytest.StashKey["list[Activation]"]()
#: Activations that wider-scoped fixtures opened, and so keep open on purpose.
_HELD = pytest.StashKey["list[Activation]"]()

_PYTEST_ALLOW_HINT = (
    "To keep a mock open across tests on purpose, open it in a session-, "
    "module- or class-scoped fixture, or turn this check off with "
    f"`{_LEAK_CHECK_INI} = false` in the pytest ini file (or "
    f"`-o {_LEAK_CHECK_INI}=false`)."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        _LEAK_CHECK_INI,
        type="bool",
        default=True,
        help="fail a test that leaves an aiomoto mock active, and stop that mock (default: true)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**options): run the test inside aiomoto.mock_aws(**options); "
        f"the '{_FIXTURE}' fixture yields the active mock.",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A marked test gets the fixture just before the first fixture it asks
    # for itself, so that those (clients, buckets, ...) are made inside the
    # mock, while autouse fixtures, which set the scene (environment
    # variables, say), run first, as they would around a plain mock_aws.
    for item in items:
        if item.get_closest_marker(_MARKER) is None:
            continue
        names = getattr(item, "fixturenames", None)
        function = getattr(item, "obj", None)
        if names is None or function is None:
            continue
        if _FIXTURE in names:
            names.remove(_FIXTURE)
        own = set(inspect.signature(function).parameters)
        position = next((i for i, name in enumerate(names) if name in own), len(names))
        names.insert(position, _FIXTURE)


@pytest.fixture
def aws_state() -> Snapshot | None:
    """The state that each test's ``aws`` fixture starts from: ``None``, empty backends.

    Override it, at any scope, with a fixture of the same name that returns
    an :class:`aiomoto.Snapshot`: one built once, say, by a session-scoped
    fixture inside ``with mock_aws() as m:`` returning ``m.snapshot()``.
    """
    return None


@pytest.fixture
def aws(request: pytest.FixtureRequest, aws_state: Snapshot | None) -> Iterator[MockAWS]:
    """An active ``mock_aws`` for the test, sync or async; yields the mock.

    It starts from a copy of the ``aws_state`` fixture's snapshot. Options
    come from the test's ``@pytest.mark.mock_aws(...)`` marker, if any (its
    ``state=`` wins over ``aws_state``). Raises ``TypeError`` for a marker
    with positional arguments or unknown options, or an ``aws_state`` that
    is not a snapshot.
    """
    from aiomoto import snapshots
    from aiomoto.mock import MockAWS

    marker = request.node.get_closest_marker(_MARKER)
    options = {}
    if marker is not None:
        if marker.args:
            raise TypeError(
                f"@pytest.mark.{_MARKER} takes keyword options only, such as "
                f"@pytest.mark.{_MARKER}(reset=False); got {marker.args!r}"
            )
        options = dict(marker.kwargs)
    if "state" not in options:
        options["state"] = snapshots.check_state(aws_state, "The value of the aws_state fixture")
    with MockAWS(**options) as mock:
        yield mock


def _open_activations() -> list[Activation]:
    # No aiomoto mock can be active before aiomoto's activation module is
    # imported, so there is nothing to import (Moto) just to find out.
    activation = sys.modules.get("aiomoto._activation")
    return [] if activation is None else list(activation.activations())


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    before = _open_activations()
    try:
        return (yield)
    finally:
        if fixturedef.scope != "function":
            held = request.config.stash.setdefault(_HELD, [])
            held.extend(a for a in _open_activations() if a not in before)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    item.stash[_BEFORE] = _open_activations()
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    __tracebackhide__ = True
    try:
        return (yield)
    finally:
        _check_leaks(item)


def _check_leaks(item: pytest.Item) -> None:
    __tracebackhide__ = True
    # Nothing can be open if aiomoto's activation module was never imported.
    if "aiomoto._activation" not in sys.modules or not item.config.getini(_LEAK_CHECK_INI):
        return
    from aiomoto import _leaks

    before = item.stash.get(_BEFORE, [])

    open_now = _open_activations()
    held = item.config.stash.get(_HELD, [])
    held[:] = [a for a in held if a in open_now]  # forget the closed
    _leaks.check(before, item.nodeid, _PYTEST_ALLOW_HINT, allowed=held)
