"""Function decoration: ``@mock_aws`` on sync and async functions and generators.

:meth:`aiomoto.MockAWS.__call__` dispatches classes to ``aiomoto._classes``
and everything else here, to one wrapper per kind: a coroutine function, an
async generator function, a generator function, or any other callable.
Each wrapper keeps the mock active for as long as the wrapped code runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, TypeVar

from aiomoto._classes import MockAWS as _Mock

__all__ = ["decorate_function"]

_F = TypeVar("_F", bound=Callable[..., Any])


def decorate_function(mock: _Mock, target: _F) -> _F:
    """Wrap ``target`` so that each call runs inside ``mock``.

    Raises ``TypeError`` if ``target`` is not callable.
    """
    if not callable(target):
        raise TypeError(
            f"mock_aws can decorate a function, a coroutine function or a "
            f"class, not {type(target).__name__}: {target!r}"
        )
    if inspect.iscoroutinefunction(target):
        return _wrap_coroutine_function(mock, target)
    if inspect.isasyncgenfunction(target):
        return _wrap_async_generator_function(mock, target)
    if inspect.isgeneratorfunction(target):
        return _wrap_generator_function(mock, target)
    return _wrap_function(mock, target)


def _wrap_function(mock: _Mock, func: _F) -> _F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mock:
            return func(*args, **kwargs)

    return _mark(wrapper, func)


def _wrap_coroutine_function(mock: _Mock, func: _F) -> _F:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        async with mock:
            return await func(*args, **kwargs)

    return _mark(wrapper, func)


def _wrap_generator_function(mock: _Mock, func: _F) -> _F:
    # A generator (a pytest fixture that yields, say) needs the mock for
    # as long as it runs, not just while it is created.
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        with mock:
            return (yield from func(*args, **kwargs))

    return _mark(wrapper, func)


def _wrap_async_generator_function(mock: _Mock, func: _F) -> _F:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        async with mock:
            agen = func(*args, **kwargs)
            try:
                item = await agen.__anext__()
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        await agen.aclose()
                        raise
                    except BaseException as exc:  # noqa: BLE001 - forwarded to the inner generator
                        item = await agen.athrow(exc)
                    else:
                        item = await agen.asend(sent)
            except StopAsyncIteration:
                return

    return _mark(wrapper, func)


def _mark(wrapper: Callable[..., Any], func: _F) -> _F:
    wrapper.__aiomoto_wrapped__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
