"""Moto's config while mocks nest: the outermost context's, with nested ones' layered over it.

A nested ``mock_aws(config=...)`` applies its config on top of the outer
ones until that context exits, as Moto's nested mocks do; when the layered
config mocks credentials, the fake ones are set again, and the ``AWS_*``
environment from before the nested enter comes back on its exit. The
process-wide instance lives in ``aiomoto._activation``, under its lock.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from aiomoto import _config, _environment

__all__ = ["ConfigLayers"]


class _Overlay:
    """A nested context's ``config``, applied until that context exits."""

    def __init__(self, owner: object, config: Mapping[str, Any]) -> None:
        self.owner = owner
        self.config = config
        self.env_snapshot = _environment.aws_environment()


class ConfigLayers:
    """The outermost context's Moto config, and the nested contexts' configs over it."""

    def __init__(self) -> None:
        #: Moto's config as the outermost context set it.
        self.base: dict[str, Any] = {}
        #: The nested contexts' configs, innermost last.
        self._overlays: list[_Overlay] = []

    def push(self, owner: object, config: Mapping[str, Any]) -> None:
        """Apply ``owner``'s ``config`` over the others; on failure, undo it and raise."""
        # Moto applies a nested mock's config on top of the outer one and, when
        # that config mocks credentials, sets its fake ones again; so do we.
        overlay = _Overlay(owner, config)
        self._overlays.append(overlay)
        try:
            self._apply()
            if _environment.mocks_credentials():
                _environment.fake_credentials()
        except BaseException:
            self._overlays.remove(overlay)
            self._apply()
            _environment.restore_environment(overlay.env_snapshot)
            raise

    def pop(self, owner: object) -> None:
        """Remove ``owner``'s innermost config and put back the environment from before it."""
        for index in range(len(self._overlays) - 1, -1, -1):
            if self._overlays[index].owner is owner:
                overlay = self._overlays.pop(index)
                self._apply()
                _environment.restore_environment(overlay.env_snapshot)
                return

    def clear(self) -> None:
        """Forget every nested config (the outermost exit restores Moto's config itself)."""
        self._overlays.clear()

    def _apply(self) -> None:
        layered = copy.deepcopy(self.base)
        for overlay in self._overlays:
            layered.update(copy.deepcopy(dict(overlay.config)))
        _config.restore(layered)
