"""What one ``mock_aws`` object holds while entered: its call history, its faults and stubs.

Its first open enter starts a fresh :class:`~aiomoto.CallHistory` recording
every API call; its last exit stops the recording (the history stays
readable) and removes every fault and stub it installed, so none outlives
the mock. ``aiomoto._activation`` begins and ends them, under its lock.
"""

from __future__ import annotations

from typing import TypeVar

from aiomoto import _intercept
from aiomoto.exceptions import MockStateError
from aiomoto.faults import Fault
from aiomoto.history import CallHistory
from aiomoto.stubs import Stub

__all__ = ["Holdings", "require_active"]

_Installed = TypeVar("_Installed", Fault, Stub)


def require_active(depth: int, method: str, doing: str) -> None:
    """Raise ``MockStateError`` for ``method`` of a mock entered ``depth`` (0) times."""
    if depth == 0:
        raise MockStateError(
            f"{method} was called on a mock_aws that is not active: {doing} "
            f"inside its with block, decorated function or test."
        )


class Holdings:
    """One mock's call history and the faults and stubs it installed, newest last."""

    def __init__(self) -> None:
        self.calls = CallHistory()
        self.faults: list[Fault | Stub] = []

    def begin(self) -> None:
        """Record calls from now on, into a new history."""
        self.calls = CallHistory()
        _intercept.start_recording(self.calls)

    def end(self) -> None:
        """Stop recording, and remove every fault and stub still installed."""
        _intercept.stop_recording(self.calls)
        for fault in list(self.faults):
            fault.remove()

    def install(self, item: _Installed) -> _Installed:
        """Apply ``item`` to every attempt until it is removed or :meth:`end` runs."""
        item._on_remove = self._forget
        self.faults.append(item)
        _intercept.install(item)
        return item

    def _forget(self, item: Fault | Stub) -> None:
        _intercept.uninstall(item)
        self.faults = [kept for kept in self.faults if kept is not item]
