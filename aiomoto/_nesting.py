"""What an enter must agree with: the active mode, and the state the outermost enter started from.

The outermost enter picks the mode (in-process or server) and the
``state`` for everyone nested inside it; these checks raise
:class:`ModeConflictError` or :class:`SnapshotError` for an enter that
would silently run in another mode or with other data.
``aiomoto._activation`` calls them under its lock, before changing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiomoto._server_options import ServerOptions
from aiomoto.exceptions import ModeConflictError, SnapshotError

if TYPE_CHECKING:  # server mode's modules load when a server-mode mock starts
    from aiomoto._server_session import ServerSession

__all__ = ["check_seedable", "require_active_mode", "require_same_state"]


def require_active_mode(server: ServerOptions | None, session: ServerSession | None) -> None:
    """Raise ``ModeConflictError`` unless a nested enter's mode is the active ``session``'s."""
    if server is None and session is not None:
        raise ModeConflictError(
            f"An in-process mock_aws() was entered while mock_aws(server_mode=True) "
            f"is active (serving at {session.endpoint}). A process runs one mode at "
            f"a time: add server_mode=True to the inner mock_aws, or exit the "
            f"server-mode one first."
        )
    if server is not None and session is None:
        raise ModeConflictError(
            "mock_aws(server_mode=True) was entered while an in-process mock_aws() "
            "is active. A process runs one mode at a time: drop server_mode=True "
            "from the inner mock_aws, or use server mode for the outer one too."
        )
    if server is not None and session is not None:
        from aiomoto._server_session import check_nested

        check_nested(server, session)


def check_seedable(seed: object | None, server: ServerOptions | None) -> None:
    """Raise ``SnapshotError`` if an outermost enter's ``state`` cannot reach its backends."""
    if seed is not None and server is not None and server.endpoint is not None:
        raise SnapshotError(
            f"mock_aws(state=...) restores into this process's Moto backends, but this "
            f"mock attaches to the server at {server.endpoint}, whose state lives in "
            f"another process: let mock_aws(server_mode=True) start its own server, or "
            f"run that one with `aiomoto server --state FILE`."
        )


def require_same_state(seed: object | None, outermost: object | None, where: str) -> None:
    """Raise ``SnapshotError`` if a nested enter brings a ``state`` other than ``outermost``.

    ``where`` says where the outermost mock was entered.
    """
    if seed is not None and seed is not outermost:
        raise SnapshotError(
            f"A mock_aws(state=...) was entered while the mock_aws entered at "
            f"{where} is active; only the outermost enter starts from a state, "
            f"and a nested one would silently keep the outer one's data. Give the state "
            f"to the outermost mock_aws, or restore() it on the active mock."
        )
