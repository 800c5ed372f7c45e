"""Decorated async generators: a run holds its mock, and a test's end closes it.

A ``@mock_aws`` async generator keeps its mock active while it is suspended
at a ``yield``, because that is where a fixture's test runs. A consumer that
leaves an ``async for`` early drops the generator unfinished, and asyncio
closes it on a later turn of its event loop (PEP 525): only then does the
mock exit. When a test ends before that turn, the leak checks call
:func:`close_left_open`, which closes each such generator on its own event
loop (idle between tests, or running in another thread), so that its
cleanup runs inside its mock and the next test starts clean.

Where its loop cannot run the close (the loop is closed, the check runs
inside a loop, or it is not an asyncio generator), the close is driven by
hand, still inside the mock: a cleanup that has to wait on a loop there is
cut short at that wait, and the leak report says so. Either way the
generator is closed before its mock exits, so none of its code runs later
with no mock active.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from aiomoto import _activation
from aiomoto.exceptions import MockStateError

if TYPE_CHECKING:
    from aiomoto._functions import MockAWS

__all__ = ["CLOSE_TIMEOUT", "close_left_open", "wrap"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: The open runs, by the enter each holds.
_runs: dict[_activation.Activation, _Run] = {}
#: How long a loop running in another thread has to close a generator.
CLOSE_TIMEOUT = 30.0
#: How many waits of a cleanup closed by hand get ``GeneratorExit`` before aiomoto gives up.
_MAX_WAITS = 100


class _Run:
    """One run of a decorated async generator: its enter of the mock and the wrapped generator."""

    def __init__(self, mock: MockAWS, reset: bool | None) -> None:
        self.mock = mock
        #: The generator's qualified name, for messages.
        self.name = ""
        self.reset = reset
        self.activation: _activation.Activation  # set by begin()
        self.loop: asyncio.AbstractEventLoop | None = None
        #: Set once a leak check has closed the run.
        self.closed_by_check = False
        self._ended = False
        self._closed = False
        #: ``None`` until closing begins; then whoever waits for it to end.
        self._closing: list[asyncio.Future[None]] | None = None

    def begin(self, func: Callable[..., Any], args: Any, kwargs: Any) -> AsyncGenerator[Any, Any]:
        """Enter the mock and call ``func``, which gives the generator to run."""
        self.mock.start(reset=self.reset)
        self.activation = _innermost_of(self.mock)
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:  # another async framework, or driven by hand
            self.loop = None
        _runs[self.activation] = self
        try:
            inner: AsyncGenerator[Any, Any] = func(*args, **kwargs)
        except BaseException:
            self.end()
            raise
        self.inner = inner
        self.name = getattr(inner, "__qualname__", repr(inner))
        return inner

    def check_resumable(self) -> None:
        """Raise ``MockStateError`` if a leak check has closed this run."""
        if self.closed_by_check:
            raise MockStateError(
                f"the @mock_aws async generator {self.name} was resumed after aiomoto's "
                f"leak check closed it, at the end of the test that left it suspended at "
                f"a yield: a test must finish or close (`contextlib.aclosing`) the "
                f"generators it iterates."
            )

    async def close_inner(self) -> None:
        """Close the wrapped generator once, inside the mock; a later caller waits for it."""
        if self._closed:
            return
        if self._closing is not None:
            # Only a leak check on the run's asyncio loop closes it alongside
            # the loop's own finalisation of the generator.
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._closing.append(waiter)
            await waiter
            return
        self._closing = []
        try:
            await self.inner.aclose()
        finally:
            self._closed = True
            for waiter in self._closing:
                with contextlib.suppress(asyncio.InvalidStateError):  # cancelled
                    waiter.set_result(None)

    async def close_for_check(self) -> None:
        """Close the run for a leak check: its cleanup, then its exit of the mock."""
        self.closed_by_check = True
        try:
            await self.close_inner()
        finally:
            self.end()

    def close_by_hand(self) -> bool:
        """Close the run with no event loop; whether its cleanup ran to its end.

        A cleanup that waits on a loop gets ``GeneratorExit`` at each wait.
        Raises what the cleanup raised.
        """
        self.closed_by_check = True
        try:
            return self._closed or _close_by_hand(self.inner)
        finally:
            self._closed = True
            self.end()

    def end(self) -> None:
        """Exit the mock the run entered, once."""
        if self._ended:
            return
        self._ended = True
        _runs.pop(self.activation, None)
        self.mock.stop()


def wrap(mock: MockAWS, func: _F, reset: bool | None = None) -> _F:
    """``func``, an async generator function, with each run inside ``mock``."""

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        run = _Run(mock, reset)
        inner = run.begin(func, args, kwargs)
        try:
            item = await inner.__anext__()
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    await run.close_inner()
                    raise
                except BaseException as exc:  # noqa: BLE001 - forwarded to the inner generator
                    run.check_resumable()
                    item = await inner.athrow(exc)
                else:
                    run.check_resumable()
                    item = await inner.asend(sent)
        except StopAsyncIteration:
            return
        finally:
            run.end()

    return wrapper  # type: ignore[return-value]


def close_left_open(
    leaked: Sequence[_activation.Activation],
) -> tuple[list[str], BaseException | None]:
    """Close each generator run that holds one of ``leaked``, innermost first.

    Returns a report line for each run that could not be closed in full
    (for the leak report), and the first error a cleanup raised.
    """
    notes: list[str] = []
    error: BaseException | None = None
    for activation in reversed(leaked):
        run = _runs.get(activation)
        if run is None:
            continue
        try:
            note = _close(run)
        except Exception as exc:  # noqa: BLE001 - the others are closed first
            note, error = None, error or exc
        if note is not None:
            notes.append(
                f"  - {activation.owner!r}, entered at {activation.where} by the @mock_aws "
                f"async generator {run.name}, left suspended at a yield (an `async for` "
                f"left early?): {note}. Close it with `async with contextlib.aclosing(...)`."
            )
    return notes, error


def _close(run: _Run) -> str | None:
    # None when the run's cleanup ran in full, else why not.
    loop = run.loop
    if loop is not None and not loop.is_closed() and not _runs_a_loop():
        if not loop.is_running():
            loop.run_until_complete(run.close_for_check())
            return None
        closing = asyncio.run_coroutine_threadsafe(run.close_for_check(), loop)
        try:
            closing.result(CLOSE_TIMEOUT)
        except concurrent.futures.TimeoutError:
            closing.cancel()
        else:
            return None
        why = f"its event loop, running in another thread, did not close it in {CLOSE_TIMEOUT:g} s"
    elif loop is None:
        why = "it does not run on an asyncio event loop"
    elif loop.is_closed():
        why = "its event loop is closed"
    else:
        why = "the leak check ran inside a running event loop"
    if run.close_by_hand():
        return None
    return (
        f"aiomoto closed it without its loop, as {why}, and its cleanup was cut short "
        f"where it waited"
    )


def _close_by_hand(inner: AsyncGenerator[Any, Any]) -> bool:
    # Whether ``inner`` closed without waiting on a loop.
    closing = inner.aclose().__await__()
    try:
        closing.send(None)
    except StopIteration:
        return True
    try:
        for _ in range(_MAX_WAITS):
            try:
                closing.throw(GeneratorExit)
            except StopIteration:
                return False
        closing.close()  # Python 3.13+ raises "coroutine ignored GeneratorExit" here
    except RuntimeError as error:
        raise _gave_up(inner) from error
    raise _gave_up(inner)


def _gave_up(inner: AsyncGenerator[Any, Any]) -> RuntimeError:
    return RuntimeError(
        f"aiomoto gave up closing the async generator {inner!r}: its cleanup went on "
        f"waiting after GeneratorExit. Let GeneratorExit end its cleanup."
    )


def _runs_a_loop() -> bool:
    # Whether this thread is inside a running event loop.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _innermost_of(mock: Any) -> _activation.Activation:
    return [a for a in _activation.activations() if a.owner is mock][-1]
