"""The pytest plugin: an ``aws`` fixture and a ``mock_aws`` marker.

Registered through the ``pytest11`` entry point. It imports Moto and
aiobotocore only when a test uses the fixture or the marker, so suites that
use neither run exactly as without aiomoto installed.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aiomoto.mock import MockAWS

__all__ = ["aws"]

_MARKER = "mock_aws"
_FIXTURE = "aws"


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
def aws(request: pytest.FixtureRequest) -> Iterator[MockAWS]:
    """An active ``mock_aws`` for the test, sync or async; yields the mock.

    Options come from the test's ``@pytest.mark.mock_aws(...)`` marker, if
    any. Raises ``TypeError`` for a marker with positional arguments or
    unknown options.
    """
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
    with MockAWS(**options) as mock:
        yield mock
