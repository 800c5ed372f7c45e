"""Leak checks: a test must not end with a mock it entered still active.

A mock left active (a ``start()`` without ``stop()``, an ``__enter__``
without ``__exit__``) would stay active for every later test in the
process, and they would fail far from the cause. The pytest plugin and the
unittest base classes note the open activations before a test and call
:func:`check` after it: whatever the test left open is stopped, innermost
first, and :class:`~aiomoto.exceptions.MockLeakError` names the test, each
mock and where it was entered. A ``@mock_aws`` async generator left
suspended at a ``yield`` is closed first, on its own event loop, and is no
leak (see ``aiomoto._async_generators``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aiomoto import _activation, _async_generators
from aiomoto.exceptions import MockLeakError

__all__ = ["check", "left_open"]


def left_open(
    before: Sequence[_activation.Activation], allowed: Sequence[_activation.Activation] = ()
) -> list[_activation.Activation]:
    """The activations open now that were not open ``before`` and are not ``allowed``."""
    return [
        activation
        for activation in _activation.activations()
        if activation not in before and activation not in allowed
    ]


def check(
    before: Sequence[_activation.Activation],
    test: str,
    allow_hint: str,
    allowed: Sequence[_activation.Activation] = (),
) -> None:
    """Stop what ``test`` left open since ``before`` and raise ``MockLeakError``.

    ``allow_hint`` tells how to keep a mock open across tests on purpose.
    Does nothing if nothing was left open.
    """
    __tracebackhide__ = True  # pytest shows the message, not this function
    leaked = left_open(before, allowed)
    if not leaked:
        return
    # A generator left suspended at a yield is closed as its event loop would
    # close it later, but now: its cleanup runs inside its mock.
    closed_short, cleanup_error = _async_generators.close_left_open(leaked)
    leaked = [a for a in leaked if a in _activation.activations()]
    if not leaked and not closed_short:
        if cleanup_error is not None:
            raise cleanup_error
        return
    lines = "\n".join([f"  - {a.owner!r}, entered at {a.where}" for a in leaked] + closed_short)
    count = len(leaked) + len(closed_short)
    one = count == 1
    mocks = "1 aiomoto mock" if one else f"{count} aiomoto mocks"
    message = (
        f"{test} left {mocks} active:\n{lines}\n"
        f"aiomoto has stopped {'it' if one else 'them'} so that the tests after "
        f"this one start clean. "
        f"Pair every start() with a stop() (and __enter__ with __exit__), best by "
        f"using `with mock_aws():`, the @mock_aws decorator or the aws fixture, "
        f"which stop the mock however the test ends. {allow_hint}"
    )
    try:
        _activation.unwind(leaked)
    except Exception as error:  # the leak is the news; a failed stop goes along
        raise MockLeakError(message) from error
    if cleanup_error is not None:
        raise MockLeakError(message) from cleanup_error
    raise MockLeakError(message)
