"""Moto's ``requests`` routes: built once per process, registered again on later starts.

On every start Moto's ``MockAWS._enable_patching`` resets its ``responses``
mock and registers ~1,300 routes (one per URL pattern of every backend and
HTTP method, then a catch-all per method), each a new object. While the
speed-ups are installed, a start that resets Moto goes through
:func:`enable_patching` instead:

- the first such start runs Moto's own registration, handing out the routes
  of an earlier start again (:class:`Recycler`: the n-th route asked for is
  reused when it was asked for with equal arguments), and keeps what it
  registered (:class:`_Kept`);
- later ones do what Moto's does (the stubber on, Moto's reset, the
  ``responses`` mock started) and put the kept routes back into the new,
  empty registry: the same route objects, in the same order, under the
  same methods, their call records emptied. Only when nothing Moto's
  registration reads has changed since (its methods, every backend's URL
  patterns, the callbacks, the route class, the mock and its registry's
  type); otherwise they run Moto's registration again.

A start that does not reset Moto runs Moto's own registration unchanged: its
registry may still hold the routes, and it builds new ones.
"""

from __future__ import annotations

from typing import Any

import moto.backend_index
import moto.core.models

__all__ = ["Recycler", "enable_patching", "original_enable_patching", "recycler"]

_moto_models: Any = moto.core.models
_backend_index: Any = moto.backend_index

#: As Moto 5.x defines them.
original_enable_patching = _moto_models.MockAWS._enable_patching
_original_callback_response = _moto_models.CallbackResponse


class Recycler:
    """Moto's routes, built once and handed out again.

    Moto builds the same routes in the same order on every start, so the
    n-th route asked for is reused when it was asked for with equal
    arguments last time.
    """

    def __init__(self) -> None:
        self.routes: list[tuple[tuple[Any, ...], dict[str, Any], Any]] = []
        self.position = 0

    def restart(self) -> None:
        self.position = 0

    def callback_response(self, *args: Any, **kwargs: Any) -> Any:
        position, self.position = self.position, self.position + 1
        if position < len(self.routes):
            old_args, old_kwargs, route = self.routes[position]
            if old_args == args and old_kwargs == kwargs:
                route.calls.reset()  # what earlier tests sent is theirs
                return route
        route = _original_callback_response(*args, **kwargs)
        if position < len(self.routes):
            self.routes[position] = (args, kwargs, route)
        else:
            self.routes.append((args, kwargs, route))
        return route


recycler = Recycler()


class _Kept:
    """What one run of Moto's registration registered, and what it read to do so."""

    def __init__(self, inputs: tuple[Any, ...], by_method: dict[str, list[Any]]) -> None:
        self.inputs = inputs
        self.by_method = by_method
        self.routes = [route for routes in by_method.values() for route in routes]


class _State:
    kept: _Kept | None = None


_state = _State()


def enable_patching(moto_mock: Any, reset: bool = True) -> None:
    """Moto's ``MockAWS._enable_patching``, registering kept routes when it resets."""
    if not reset:
        original_enable_patching(moto_mock, reset)
        return
    inputs = _inputs()
    kept = _state.kept
    if kept is not None and kept.inputs == inputs and _register_kept(moto_mock, kept):
        return
    _state.kept = None
    moto_mock.reset()  # as Moto's registration does first; twice changes nothing
    if _moto_models.responses_mock._registry.registered:
        # A reset that left routes registered: Moto's registration adds its
        # own on top, new ones, and what it registers then is not kept.
        original_enable_patching(moto_mock, reset)
        return
    recycler.restart()
    _moto_models.CallbackResponse = recycler.callback_response
    try:
        original_enable_patching(moto_mock, reset)
    finally:
        _moto_models.CallbackResponse = _original_callback_response
    if inputs is not None:
        _state.kept = _keep(inputs)


def _inputs() -> tuple[Any, ...] | None:
    """What Moto's registration reads, to compare with ``==``; None if unknown."""
    mock = _moto_models.responses_mock
    if not isinstance(getattr(mock._registry, "_registered", None), dict):
        return None  # an older ``responses``: one list for all methods
    stubber = _moto_models.botocore_stubber
    return (
        mock,
        type(mock._registry),
        stubber,
        type(stubber),
        _moto_models.not_implemented_callback,
        _moto_models.CallbackResponse,
        tuple(_moto_models.RESPONSES_METHODS),
        # A copy, compared element by element (by identity first).
        list(_backend_index.backend_url_patterns),
    )


def _keep(inputs: tuple[Any, ...]) -> _Kept:
    registered = _moto_models.responses_mock._registry._registered
    return _Kept(inputs, {method: list(routes) for method, routes in registered.items()})


def _register_kept(moto_mock: Any, kept: _Kept) -> bool:
    """Do what Moto's registration does, with the kept routes; False if it cannot."""
    _moto_models.botocore_stubber.enabled = True
    moto_mock.reset()
    mock = _moto_models.responses_mock
    mock.start()
    registry = mock._registry
    if type(registry) is not kept.inputs[1] or registry._registered:
        # Not the new, empty registry Moto's reset makes: let Moto's own
        # registration run (starting and resetting again change nothing).
        return False
    for route in kept.routes:
        # What earlier tests sent is theirs. The CallList's own list is read
        # directly: call_count costs three calls per route, ~1,300 routes.
        calls = route.calls
        if getattr(calls, "_calls", True):
            calls.reset()
    for method, routes in kept.by_method.items():
        registry._registered[method] = list(routes)
    return True
