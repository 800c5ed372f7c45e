"""Keep the speed-ups' long-lived data out of the garbage collector's full collections.

The parsed botocore data that the speed-ups keep for the whole process (see
``aiomoto._shared_loader``) is a large heap of containers, and every full
(generation 2) collection walks all of it again, though none of it ever
becomes garbage. ``gc.freeze()`` moves every object alive at that moment to
the permanent generation, which collections do not walk; cyclic garbage in
it is collected only after ``gc.unfreeze()``. So aiomoto freezes only at a
moment when little besides long-lived data is alive, and never for good:

- At an outermost start, before anything of that test's mock exists: the
  first time (in a process, or after a release), and whenever the shared
  data has grown since the last freeze (the first tests parse it). A
  refreeze runs ``gc.collect()`` first, which walks only what is not frozen
  yet, so no garbage made since the last freeze is frozen; the first
  freeze does not, as that collection would walk the whole heap.
- Every :data:`REFREEZE_EVERY` outermost starts (a thaw), everything is
  unfrozen before that collection, so whatever died while frozen is
  collected then. A thaw walks the whole heap, so one is also not due
  until :data:`THAW_SPACING` times as long as the last one took has passed
  since it: thaws take at most ~0.5% of the time, however short the tests.
  Until a thaw has been timed, what one takes is estimated from the size
  of the heap (:data:`SECONDS_PER_BLOCK`), so that a short suite does not
  pay for a whole-heap walk in its hundredth test.
  Waiting longer keeps no more garbage: only what was alive at a freeze
  can die frozen, and between thaws aiomoto freezes again only when the
  shared data grows (in the first tests, in practice).
- Once aiomoto is no longer used (:data:`IDLE_COLLECTIONS` full collections
  happen outside any mock, with no outermost start between them), it
  unfreezes (a release), and the collector takes everything back.

Only what is alive at an outermost start that freezes is frozen, so what a
test makes and drops before the next outermost start is collected as
usual (a first freeze also freezes cyclic garbage not collected yet). What
is frozen and dies later (made before entering the mock, or kept past its
exit) is collected at the next thaw or release at the latest.
Nothing happens unless the speed-ups are on, and a process whose garbage
collector is disabled, or that froze objects itself, is left alone.
"""

from __future__ import annotations

import gc
import sys
import time
from typing import Any

__all__ = [
    "IDLE_COLLECTIONS",
    "REFREEZE_EVERY",
    "SECONDS_PER_BLOCK",
    "THAW_SPACING",
    "frozen",
    "release",
    "started",
    "stopped",
]

#: Outermost starts after which everything is unfrozen, collected and frozen again.
REFREEZE_EVERY = 100
#: A thaw is due only once this many times its last one's duration has passed since.
THAW_SPACING = 200
#: What a thaw is assumed to take per memory block the interpreter has
#: allocated (``sys.getallocatedblocks()``), until one is timed: a little
#: more than one took on a slow machine (0.145 s for 2 million blocks).
SECONDS_PER_BLOCK = 1e-7
#: Full collections outside any mock after which the freeze is released.
IDLE_COLLECTIONS = 2


class _Canary:
    """Made right after each freeze, so it is frozen only if someone else froze since."""


class _State:
    frozen = False
    canary = _Canary()
    #: The shared data's size (:func:`started`'s argument) at our last freeze.
    frozen_size = 0
    #: Outermost starts since what is frozen was last all unfrozen.
    starts_since_thaw = 0
    #: When the last thaw (or first freeze) ended, and what the last thaw took.
    thawed_at = 0.0
    thaw_seconds = 0.0
    #: Whether ``thaw_seconds`` is what a thaw took (else an estimate).
    thaw_timed = False
    active = False
    idle_collections = 0


_state = _State()


def frozen() -> bool:
    """Whether objects are frozen by aiomoto right now."""
    return _state.frozen


def started(shared_size: int) -> None:
    """Note an outermost start; refreeze first if due.

    ``shared_size`` measures the long-lived data (0 before any was made).
    """
    _state.active = True
    _state.idle_collections = 0
    _state.starts_since_thaw += 1
    thaw = _state.starts_since_thaw >= REFREEZE_EVERY and (
        time.perf_counter() - _state.thawed_at >= _state.thaw_seconds * THAW_SPACING
    )
    if _state.frozen and not thaw and shared_size == _state.frozen_size:
        return  # the usual start: nothing to do, and nothing to look at
    if not gc.isenabled():
        return
    began = time.perf_counter()
    if not _untouched_by_others():
        _forget()
        return
    if _state.frozen:
        if thaw:
            gc.unfreeze()
            _state.starts_since_thaw = 0
        gc.collect()
    else:
        # No collection first: it would walk the whole heap, and garbage
        # frozen now is collected at the next thaw or release.
        _forget()  # the collector released it and could not drop its callback
        gc.callbacks.append(_after_collection)
        _state.starts_since_thaw = 0
    gc.freeze()
    ended = time.perf_counter()
    if _state.starts_since_thaw == 0:  # a thaw, or a first freeze
        _state.thawed_at = ended
        _state.thaw_timed = _state.frozen
        _state.thaw_seconds = ended - began
    if not _state.thaw_timed:
        # A first freeze collects nothing, so it says nothing about what a
        # thaw takes; nor do the refreezes as the shared data grows.
        _state.thaw_seconds = sys.getallocatedblocks() * SECONDS_PER_BLOCK
    _state.frozen = True
    _state.canary = _Canary()
    _state.frozen_size = shared_size


def stopped() -> None:
    """Note an outermost exit."""
    _state.active = False


def release() -> None:
    """Unfreeze what aiomoto froze, unless someone else has frozen or unfrozen since."""
    if _state.frozen and _untouched_by_others():
        gc.unfreeze()
    _forget()


#: What the interpreter keeps frozen of its own from start-up (CPython 3.12
#: has a few hundred objects there; 3.10, 3.11 and 3.13 none). Those can
#: only die, so more than this means someone else froze objects.
_FROZEN_AT_START = gc.get_freeze_count()


def _untouched_by_others() -> bool:
    # Both looks walk the collector's lists, so they are made only before
    # aiomoto freezes or unfreezes, never on an ordinary start.
    if not _state.frozen:
        return gc.get_freeze_count() <= _FROZEN_AT_START
    canary = _state.canary
    return gc.get_freeze_count() > 0 and any(found is canary for found in gc.get_objects())


def _forget() -> None:
    if _after_collection in gc.callbacks:
        gc.callbacks.remove(_after_collection)
    _state.frozen = False


def _after_collection(phase: str, info: dict[str, Any]) -> None:
    # Runs inside the collector, in whichever thread triggered it, while it
    # walks gc.callbacks: so it leaves that list alone (the next start or
    # release() drops this callback).
    if phase != "stop" or info["generation"] != 2 or _state.active or not _state.frozen:
        return
    _state.idle_collections += 1
    if _state.idle_collections >= IDLE_COLLECTIONS:
        if _untouched_by_others():
            gc.unfreeze()
        _state.frozen = False
