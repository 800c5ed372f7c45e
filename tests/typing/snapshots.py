"""Snapshots: what ``snapshot()``, ``Snapshot.load`` and the hooks are typed as."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from typing_extensions import assert_type

from aiomoto import (
    IsolatedAsyncioMockAWSTestCase,
    MockAWSOptions,
    MockAWSTestCase,
    Snapshot,
    mock_aws,
)


def snapshots_round_trip(path: Path) -> None:
    with mock_aws() as mock:
        snapshot = mock.snapshot()
        assert_type(snapshot, Snapshot)
        mock.restore(snapshot)
        mock.restore("state.snapshot")  # type: ignore[arg-type]
    snapshot.save(path)
    snapshot.save(str(path))
    assert_type(Snapshot.load(path), Snapshot)
    assert_type(snapshot.versions, Mapping[str, str])
    assert_type(snapshot.size, int)
    with mock_aws(state=snapshot):
        pass
    with mock_aws(state=b"bytes"):  # type: ignore[call-overload]
        pass
    options: MockAWSOptions = {"state": snapshot}
    assert_type(options, MockAWSOptions)


class Seeded(MockAWSTestCase):
    @classmethod
    def setUpAWSState(cls) -> None:
        super().setUpAWSState()


class AsyncSeeded(IsolatedAsyncioMockAWSTestCase):
    @classmethod
    async def asyncSetUpAWSState(cls) -> None:
        await super().asyncSetUpAWSState()
