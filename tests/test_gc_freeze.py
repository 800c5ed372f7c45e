"""Freezing the speed-ups' long-lived data: what a test makes stays collectable.

Nothing here measures time (``benchmarks/bench_suite.py`` prints the time
spent in full collections): freezing is observed through
``gc.get_freeze_count()`` and ``gc.get_objects()`` (which lists only objects
that are not frozen), and collectability through weak references.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from aiomoto import _gc_freeze, _shared_loader, _speedups, mock_aws

#: What the interpreter itself keeps frozen (CPython 3.12: a few hundred
#: objects, back after every full collection; other versions: none).
INTERPRETERS_OWN = _gc_freeze._FROZEN_AT_START


class Node:
    """An object in a reference cycle: only the collector can free it."""

    def __init__(self) -> None:
        self.me = self


def unfrozen(obj: Any) -> bool:
    return any(tracked is obj for tracked in gc.get_objects())


def shared_shapes() -> Any:
    source = next(iter(_shared_loader._sources.values()))
    return source.load_service_model("s3", "service-2")["shapes"]


@pytest.fixture(autouse=True)
def nothing_frozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen and shared data parsed."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1")
    _gc_freeze.release()
    yield
    _gc_freeze.release()
    assert gc.get_freeze_count() <= INTERPRETERS_OWN


def test_the_next_outermost_start_freezes_the_shared_data() -> None:
    assert unfrozen(shared_shapes())
    with mock_aws():
        assert _gc_freeze.frozen()
        assert not unfrozen(shared_shapes())
    assert _gc_freeze.frozen()  # kept for the tests that follow


def test_cyclic_garbage_made_inside_the_mock_is_collected_after_it() -> None:
    with mock_aws():
        assert _gc_freeze.frozen()
        node = Node()
        alive = weakref.ref(node)
        assert unfrozen(node)
    del node
    gc.collect()
    assert alive() is None


def test_a_start_with_no_new_shared_data_freezes_nothing_new() -> None:
    with mock_aws():
        pass
    node = Node()
    with mock_aws():
        assert unfrozen(node)


def test_cyclic_garbage_made_before_the_mock_is_collected_once_aiomoto_is_idle() -> None:
    node = Node()
    alive = weakref.ref(node)
    with mock_aws():
        assert not unfrozen(node)  # frozen with the shared data
    del node
    for _ in range(_gc_freeze.IDLE_COLLECTIONS + 1):
        gc.collect()
    assert alive() is None
    assert gc.get_freeze_count() <= INTERPRETERS_OWN


def test_a_refreeze_collects_what_died_while_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_gc_freeze, "REFREEZE_EVERY", 1)
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 0)
    node = Node()
    alive = weakref.ref(node)
    with mock_aws():
        pass
    del node
    with mock_aws():
        assert alive() is None
        assert _gc_freeze.frozen()


def test_a_thaw_waits_until_spacing_times_the_last_one_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_gc_freeze, "REFREEZE_EVERY", 1)
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 0)
    with mock_aws():
        pass
    with mock_aws():  # a thaw: it took some time
        pass
    assert _gc_freeze._state.thaw_seconds > 0
    node = Node()
    alive = weakref.ref(node)
    with mock_aws():  # frozen at this thaw
        pass
    del node
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 10**12)
    with mock_aws():
        assert alive() is not None  # not due yet: still frozen
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 0)
    with mock_aws():
        assert alive() is None


def test_until_a_thaw_is_timed_its_walk_is_estimated_from_the_heap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first freeze collects nothing, so its own duration says nothing
    # about a thaw's: an hour per block of the heap keeps the first thaw away.
    monkeypatch.setattr(_gc_freeze, "REFREEZE_EVERY", 1)
    monkeypatch.setattr(_gc_freeze, "SECONDS_PER_BLOCK", 3600.0)
    node = Node()
    alive = weakref.ref(node)
    with mock_aws():  # the first freeze
        pass
    assert not _gc_freeze._state.thaw_timed
    assert _gc_freeze._state.thaw_seconds >= 3600.0 * 1000
    del node
    with mock_aws():
        assert alive() is not None  # the estimated thaw is not due
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 0)
    with mock_aws():
        assert alive() is None  # thawed
    assert _gc_freeze._state.thaw_timed
    assert _gc_freeze._state.thaw_seconds < 3600.0


def test_new_shared_data_is_frozen_at_the_next_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # Shared data of its own, so that an earlier test's parse of the same
    # model (frozen already) cannot stand in for the new one.
    monkeypatch.setattr(_shared_loader, "_sources", {})
    with mock_aws():
        boto3.client("kinesis", region_name="us-east-1")
    kinesis = _shared_loader._sources
    assert kinesis  # parsed while frozen: not frozen yet
    source = next(iter(kinesis.values()))
    shapes = source.load_service_model("kinesis", "service-2")["shapes"]
    assert unfrozen(shapes)
    with mock_aws():
        assert not unfrozen(shapes)


def test_the_switch_off_freezes_nothing_and_releases_a_freeze(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mock_aws():
        assert _gc_freeze.frozen()
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")
    with mock_aws():
        assert gc.get_freeze_count() <= INTERPRETERS_OWN
        assert not _gc_freeze.frozen()
    assert _gc_freeze._after_collection not in gc.callbacks


def test_someone_elses_freeze_is_left_alone() -> None:
    gc.freeze()
    try:
        theirs = gc.get_freeze_count()
        with mock_aws():
            assert not _gc_freeze.frozen()
        assert 0 < gc.get_freeze_count() <= theirs  # frozen objects can only die
    finally:
        gc.unfreeze()


def test_a_freeze_made_over_ours_is_left_to_its_maker() -> None:
    with mock_aws():
        pass
    gc.freeze()
    try:
        _gc_freeze.release()
        assert not _gc_freeze.frozen()
        assert gc.get_freeze_count() > 0  # theirs to unfreeze, ours mixed in
    finally:
        gc.unfreeze()


def test_a_refreeze_due_after_someone_elses_freeze_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_gc_freeze, "REFREEZE_EVERY", 1)
    monkeypatch.setattr(_gc_freeze, "THAW_SPACING", 0)
    with mock_aws():
        pass
    gc.freeze()
    try:
        with mock_aws():
            assert not _gc_freeze.frozen()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_someone_elses_unfreeze_is_noticed() -> None:
    with mock_aws():
        pass
    gc.unfreeze()
    for _ in range(_gc_freeze.IDLE_COLLECTIONS):
        gc.collect()
    assert not _gc_freeze.frozen()
    assert gc.get_freeze_count() <= INTERPRETERS_OWN


def test_a_disabled_collector_is_left_alone() -> None:
    gc.disable()
    try:
        with mock_aws():
            assert gc.get_freeze_count() <= INTERPRETERS_OWN
    finally:
        gc.enable()


def test_a_process_first_start_freezes_and_its_next_one_collects_first() -> None:
    code = (
        "import gc, weakref, boto3\n"
        "from aiomoto import _gc_freeze, mock_aws\n"
        "class Node:\n"
        "    def __init__(self): self.me = self\n"
        "def unfrozen(obj): return any(o is obj for o in gc.get_objects())\n"
        "imported = Node()\n"
        "with mock_aws():\n"
        "    assert _gc_freeze.frozen() and not unfrozen(imported)\n"
        "    made = Node()\n"
        "    alive = weakref.ref(made)\n"
        "    boto3.client('s3', region_name='us-east-1')\n"
        "del made\n"
        "with mock_aws():\n"
        "    assert alive() is None\n"
        "    assert _gc_freeze.frozen()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_collections_inside_the_mock_do_not_count_as_idle() -> None:
    with mock_aws():
        for _ in range(_gc_freeze.IDLE_COLLECTIONS + 1):
            gc.collect()
        gc.collect(0)
        assert _gc_freeze.frozen()


def test_release_leaves_the_collector_as_it_found_it() -> None:
    callbacks = list(gc.callbacks)
    with mock_aws():
        assert _gc_freeze._after_collection in gc.callbacks
    _gc_freeze.release()
    assert gc.callbacks == callbacks
    assert gc.get_freeze_count() <= INTERPRETERS_OWN


def test_a_process_that_never_starts_a_mock_has_its_collector_untouched() -> None:
    code = (
        # CPython 3.12 keeps a few hundred objects of its own frozen from start-up.
        "import gc\n"
        "at_start = gc.get_freeze_count()\n"
        "import aiomoto, aiomoto.mock, aiomoto.testcase, aiomoto.pytest_plugin\n"
        "from aiomoto import _speedups\n"
        "before = (gc.get_threshold(), gc.isenabled())\n"
        "aiomoto.mock_aws()\n"
        "assert gc.get_freeze_count() == at_start, gc.get_freeze_count()\n"
        "assert gc.callbacks == [], gc.callbacks\n"
        "assert (gc.get_threshold(), gc.isenabled()) == before\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
