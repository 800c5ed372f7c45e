"""The gate between Moto's calls and a snapshot: calls share it, capture and restore hold it alone.

Every in-process Moto call (``aiomoto._intercept``) passes through
:func:`moto_call`; any number of them may run at once, in any threads, as
Moto allows. :func:`exclusive` (taken by ``aiomoto._state_copy`` to capture
or restore Moto's state) waits until the calls under way have answered and
keeps new ones waiting until it is done, so that no answer is built from
two states.

A Moto server running in this process answers through its own threads, not
through ``aiomoto._intercept``: its application must pass the same gate.

A thread already inside a call may start another (Moto answering one
request may make another one): it passes without waiting, so a restore
that is waiting cannot deadlock it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiomoto.exceptions import SnapshotError

__all__ = ["exclusive", "moto_call"]

_cond = threading.Condition(threading.Lock())
#: How many calls are under way.
_calls = 0
#: Whether a capture or restore holds the gate or waits for it.
_exclusive = False
#: How deep the current thread is in calls.
_depth = threading.local()


class _MotoCall:
    """The context of one Moto call (a class: this runs on every request)."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _calls
        depth = getattr(_depth, "n", 0)
        with _cond:
            # A nested call in a thread that is already inside one must pass:
            # the exclusive holder waits for that thread's outer call.
            while _exclusive and depth == 0:
                _cond.wait()
            _calls += 1
        _depth.n = depth + 1

    def __exit__(self, *exc_info: object) -> None:
        global _calls
        _depth.n -= 1
        with _cond:
            _calls -= 1
            if _calls == 0 and _exclusive:
                _cond.notify_all()


_MOTO_CALL = _MotoCall()


def moto_call() -> _MotoCall:
    """Use as ``with moto_call():`` around one Moto call; waits while the gate is held."""
    return _MOTO_CALL


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the gate alone: waits for the calls under way, blocks new ones.

    Raises ``SnapshotError`` in a thread that is inside a Moto call (it
    would wait for itself).
    """
    global _exclusive
    if getattr(_depth, "n", 0):
        raise SnapshotError("a snapshot cannot be taken or restored from inside a Moto call")
    with _cond:
        while _exclusive:
            _cond.wait()
        _exclusive = True
        while _calls:
            _cond.wait()
    try:
        yield
    finally:
        with _cond:
            _exclusive = False
            _cond.notify_all()
