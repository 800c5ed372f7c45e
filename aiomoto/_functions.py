"""Function decoration: ``@mock_aws`` on sync and async functions and generators.

:meth:`aiomoto.MockAWS.__call__` dispatches classes to ``aiomoto._classes``
and everything else here, to one wrapper per kind: a coroutine function (or
an object whose ``__call__`` is one), an async generator function, a
generator function, or any other callable. Each wrapper keeps the mock
active for as long as the wrapped code runs.

A plain callable may still return a coroutine, generator or async generator
to be run later: a ``def`` wrapper made with ``functools.wraps`` around a
coroutine function, say. Such a result runs inside the mock too, when it is
awaited or iterated (with the data the call made kept, see
:func:`_run_inside`), so its requests never leave the process. Deciding by
the result rather than by ``inspect.unwrap`` keeps a ``def`` that runs a
coroutine to completion itself (an ``async_to_sync`` wrapper) a plain
function.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any, Protocol, TypeVar

from aiomoto import _async_generators

__all__ = ["MockAWS", "call_inside", "decorate_function", "is_coroutine_callable"]

_F = TypeVar("_F", bound=Callable[..., Any])


class MockAWS(Protocol):
    """What decoration needs of a ``mock_aws`` object (``aiomoto.mock.MockAWS``)."""

    @property
    def _scope(self) -> str: ...

    def start(self, reset: bool | None = None) -> None: ...

    def stop(self, remove_data: bool | None = None) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def __aenter__(self) -> Any: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def decorate_function(mock: MockAWS, target: _F) -> _F:
    """Wrap ``target`` so that each call runs inside ``mock``.

    A ``staticmethod`` or ``classmethod`` stays one, around the wrapped
    function. Raises ``TypeError`` if ``target`` is not callable.
    """
    if isinstance(target, (staticmethod, classmethod)):
        # ``@mock_aws`` above ``@staticmethod``: wrap the function, keep the kind.
        return type(target)(decorate_function(mock, target.__func__))
    if not callable(target):
        raise TypeError(
            f"mock_aws can decorate a function, a coroutine function or a "
            f"class, not {type(target).__name__}: {target!r}"
        )
    if is_coroutine_callable(target):
        return _wrap_coroutine_function(mock, target)
    if inspect.isasyncgenfunction(target):
        return _wrap_async_generator_function(mock, target)
    if inspect.isgeneratorfunction(target):
        return _wrap_generator_function(mock, target)
    return _wrap_function(mock, target)


def is_coroutine_callable(target: object) -> bool:
    """Whether calling ``target`` gives a coroutine: a coroutine function or ``async __call__``."""
    if inspect.iscoroutinefunction(target):
        return True
    call = getattr(type(target), "__call__", None)  # noqa: B004 - the method, not callable()
    return not inspect.isroutine(target) and inspect.iscoroutinefunction(call)


def _runs_later(result: object) -> bool:
    """Whether ``result`` is code that runs when awaited or iterated: see :func:`_run_inside`."""
    return inspect.iscoroutine(result) or inspect.isasyncgen(result) or inspect.isgenerator(result)


def _run_inside(mock: MockAWS, result: Any) -> Any:
    """``result`` (a coroutine, async generator or generator), made to run inside ``mock``.

    The caller has just exited ``mock`` with ``remove_data=False`` (see
    :func:`call_inside`); the run enters it again without a reset and exits
    it as usual, so data the call made is kept and removed at the end.
    """
    if inspect.iscoroutine(result):
        return _wrap_coroutine_function(mock, lambda: result, reset=False)()
    if inspect.isasyncgen(result):
        return _wrap_async_generator_function(mock, lambda: result, reset=False)()
    return _wrap_generator_function(mock, lambda: result, reset=False)()


def call_inside(mock: MockAWS, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` inside ``mock``; a coroutine or generator it returns runs inside too."""
    mock.start()
    try:
        result = func(*args, **kwargs)
    except BaseException:
        mock.stop()
        raise
    later = _runs_later(result)
    mock.stop(remove_data=False if later else None)
    return _run_inside(mock, result) if later else result


def _wrap_function(mock: MockAWS, func: _F) -> _F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call_inside(mock, func, *args, **kwargs)

    return _mark(wrapper, func)


def _wrap_coroutine_function(mock: MockAWS, func: _F, reset: bool | None = None) -> _F:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        mock.start(reset=reset)
        try:
            return await func(*args, **kwargs)
        finally:
            mock.stop()

    return _mark(wrapper, func)


def _wrap_generator_function(mock: MockAWS, func: _F, reset: bool | None = None) -> _F:
    # A generator (a pytest fixture that yields, say) needs the mock for
    # as long as it runs, not just while it is created.
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        mock.start(reset=reset)
        try:
            return (yield from func(*args, **kwargs))
        finally:
            mock.stop()

    return _mark(wrapper, func)


def _wrap_async_generator_function(mock: MockAWS, func: _F, reset: bool | None = None) -> _F:
    # The mock stays active while the generator is suspended at a yield (a
    # pytest fixture's test runs there): see aiomoto._async_generators.
    return _mark(_async_generators.wrap(mock, func, reset), func)


def _mark(wrapper: Callable[..., Any], func: _F) -> _F:
    wrapper.__aiomoto_wrapped__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
