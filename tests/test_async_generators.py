"""A ``@mock_aws`` async generator left suspended at a yield when its test ends.

Leaving an ``async for`` early (``break``) drops the generator unfinished;
asyncio closes it on a later turn of its loop. The leak checks close it when
the test ends, on its own loop, so that its cleanup runs inside its mock; one
they cannot close is reported and its code never runs unmocked.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import gc
import textwrap
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

import pytest

from aiomoto import MockLeakError, MockStateError, _activation, _async_generators, _leaks, mock_aws

Clean = Callable[[], None]

_HINT = "(allow hint)"


class Pages:
    """A decorated async generator of two pages that notes what its cleanup saw."""

    def __init__(self, *, cleanup_waits: bool = False, cleanup_fails: bool = False) -> None:
        #: Whether a mock was active, each time the cleanup ran.
        self.cleanup_saw: list[bool] = []
        self.cleanup_waits = cleanup_waits
        self.cleanup_fails = cleanup_fails

    @property
    def generator(self) -> AsyncGenerator[int, None]:
        @mock_aws
        async def pages() -> AsyncGenerator[int, None]:
            try:
                yield 1
                yield 2
            finally:
                if self.cleanup_waits:
                    await asyncio.sleep(0)  # a cleanup that awaits the loop
                self.cleanup_saw.append(_activation.is_active())
                if self.cleanup_fails:
                    raise KeyError("cleanup failed")

        return pages()

    def left_open(
        self, run: Callable[[Coroutine[Any, Any, int]], object]
    ) -> tuple[list[_activation.Activation], AsyncGenerator[int, None]]:
        """The enters open before, and a generator of these pages whose first page ``run`` took."""
        before = _activation.activations()
        held = self.generator
        run(first_page(held))
        return before, held


async def first_page(pages: AsyncIterator[int]) -> int:
    async for page in pages:
        return page  # leaves the loop with the generator suspended
    raise AssertionError("no page")


def first_page_by_hand(pages: AsyncIterator[int]) -> None:
    """Take the first page with no event loop at all, as another framework might."""
    step = pages.__anext__().__await__()
    with pytest.raises(StopIteration):
        step.send(None)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop of the test's own, idle between the test's calls."""
    own = asyncio.new_event_loop()
    try:
        yield own
    finally:
        own.run_until_complete(own.shutdown_asyncgens())
        own.close()


@pytest.fixture
def loop_in_a_thread() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in a thread of its own."""
    own = asyncio.new_event_loop()
    thread = threading.Thread(target=own.run_forever)
    thread.start()
    try:
        yield own
    finally:
        asyncio.run_coroutine_threadsafe(own.shutdown_asyncgens(), own).result(30)
        own.call_soon_threadsafe(own.stop)
        thread.join(30)
        own.close()


def in_thread(loop: asyncio.AbstractEventLoop, awaitable: object) -> object:
    future: concurrent.futures.Future[object] = asyncio.run_coroutine_threadsafe(
        awaitable,  # type: ignore[arg-type]
        loop,
    )
    return future.result(30)


def test_a_module_scoped_loop_test_that_breaks_out_hands_the_next_test_a_clean_process(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_breaks=textwrap.dedent(
            """
            import pytest
            from aiomoto import _activation, mock_aws

            pytestmark = pytest.mark.asyncio(loop_scope="module")
            cleanup_saw = []


            @mock_aws
            async def pages():
                try:
                    yield 1
                    yield 2
                finally:
                    cleanup_saw.append(_activation.is_active())


            async def test_breaks_out():
                async for _page in pages():
                    break
                assert _activation.is_active()  # the loop has not closed it yet


            async def test_after():
                assert cleanup_saw == [True]  # the cleanup ran inside the mock
                assert not _activation.is_active()
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_check_closes_a_generator_left_open_on_its_idle_loop(
    loop: asyncio.AbstractEventLoop, clean_process: Clean
) -> None:
    pages = Pages()
    before, held = pages.left_open(loop.run_until_complete)
    assert _activation.is_active()
    _leaks.check(before, "test_x", _HINT)  # no leak: closed as its loop would close it
    assert pages.cleanup_saw == [True]
    clean_process()
    loop.run_until_complete(held.aclose())  # closing it again does nothing more
    assert pages.cleanup_saw == [True]


def test_the_check_and_the_loops_own_close_of_a_dropped_generator_close_it_once(
    loop: asyncio.AbstractEventLoop, clean_process: Clean
) -> None:
    # Dropped, the generator's close is scheduled on its loop, and runs
    # alongside the check's: a cleanup that awaits makes them overlap.
    pages = Pages(cleanup_waits=True)
    before = _activation.activations()
    assert loop.run_until_complete(first_page(pages.generator)) == 1
    _leaks.check(before, "test_x", _HINT)
    assert pages.cleanup_saw == [True]
    clean_process()


def test_resuming_a_generator_the_check_closed_raises_mock_state_error(
    loop: asyncio.AbstractEventLoop,
) -> None:
    pages = Pages()
    before, held = pages.left_open(loop.run_until_complete)
    _leaks.check(before, "test_x", _HINT)
    with pytest.raises(MockStateError, match=r"resumed after aiomoto's leak check closed it"):
        loop.run_until_complete(held.__anext__())
    assert not _activation.is_active()


def test_a_cleanup_that_fails_when_the_check_closes_it_is_raised(
    loop: asyncio.AbstractEventLoop, clean_process: Clean
) -> None:
    pages = Pages(cleanup_fails=True)
    before, _held = pages.left_open(loop.run_until_complete)
    with pytest.raises(KeyError, match="cleanup failed"):
        _leaks.check(before, "test_x", _HINT)
    assert pages.cleanup_saw == [True]
    clean_process()


def test_a_failing_cleanup_and_another_leak_are_reported_together(
    loop: asyncio.AbstractEventLoop, clean_process: Clean
) -> None:
    pages = Pages(cleanup_fails=True)
    before, _held = pages.left_open(loop.run_until_complete)
    mock_aws().start()  # the other leak
    with pytest.raises(MockLeakError, match="left 1 aiomoto mock active") as caught:
        _leaks.check(before, "test_x", _HINT)
    assert isinstance(caught.value.__cause__, KeyError)
    clean_process()


def test_a_generator_whose_loop_runs_in_another_thread_is_closed_there(
    loop_in_a_thread: asyncio.AbstractEventLoop, clean_process: Clean
) -> None:
    pages = Pages(cleanup_waits=True)
    before, held = pages.left_open(functools.partial(in_thread, loop_in_a_thread))
    _leaks.check(before, "test_x", _HINT)
    assert pages.cleanup_saw == [True]
    clean_process()
    with pytest.raises(MockStateError, match="resumed after aiomoto's leak check closed it"):
        in_thread(loop_in_a_thread, held.__anext__())


def test_a_generator_whose_loop_does_not_answer_in_time_is_closed_by_hand_and_reported(
    loop_in_a_thread: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    clean_process: Clean,
) -> None:
    pages = Pages(cleanup_waits=True)
    before, _held = pages.left_open(functools.partial(in_thread, loop_in_a_thread))
    monkeypatch.setattr(_async_generators, "CLOSE_TIMEOUT", 0)
    release = threading.Event()
    loop_in_a_thread.call_soon_threadsafe(release.wait, 30)  # the loop is busy
    try:
        with pytest.raises(MockLeakError) as caught:
            _leaks.check(before, "test_x", _HINT)
    finally:
        release.set()
    message = str(caught.value)
    assert "by the @mock_aws async generator Pages.generator.<locals>.pages," in message
    assert "running in another thread, did not close it in 0 s" in message
    assert "its cleanup was cut short where it waited" in message
    assert "contextlib.aclosing" in message
    assert pages.cleanup_saw == []  # cut short at its wait, before it noted anything
    clean_process()


@pytest.mark.parametrize("cleanup_waits", [False, True], ids=["cleanup-runs", "cleanup-waits"])
def test_a_generator_whose_loop_is_closed_is_closed_by_hand_inside_its_mock(
    cleanup_waits: bool, clean_process: Clean
) -> None:
    pages = Pages(cleanup_waits=cleanup_waits)
    before = _activation.activations()
    own = asyncio.new_event_loop()
    held = pages.generator
    own.run_until_complete(first_page(held))
    own.close()
    if cleanup_waits:
        with pytest.raises(MockLeakError, match="as its event loop is closed, and its cleanup"):
            _leaks.check(before, "test_x", _HINT)
        assert pages.cleanup_saw == []
    else:
        _leaks.check(before, "test_x", _HINT)
        assert pages.cleanup_saw == [True]
    clean_process()


@pytest.mark.parametrize("cleanup_waits", [False, True], ids=["cleanup-runs", "cleanup-waits"])
def test_a_generator_run_by_another_framework_is_closed_by_hand_inside_its_mock(
    cleanup_waits: bool, clean_process: Clean
) -> None:
    pages = Pages(cleanup_waits=cleanup_waits)
    before = _activation.activations()
    held = pages.generator
    first_page_by_hand(held)
    if cleanup_waits:
        with pytest.raises(MockLeakError, match="as it does not run on an asyncio event loop"):
            _leaks.check(before, "test_x", _HINT)
        assert pages.cleanup_saw == []
    else:
        _leaks.check(before, "test_x", _HINT)
        assert pages.cleanup_saw == [True]
    clean_process()


async def test_a_check_made_inside_a_running_loop_closes_the_generator_by_hand(
    clean_process: Clean,
) -> None:
    pages = Pages(cleanup_waits=True)
    before = _activation.activations()
    held = pages.generator
    own = asyncio.new_event_loop()

    def iterate_on_a_loop_of_its_own() -> None:
        own.run_until_complete(first_page(held))  # ``own`` stays open, idle

    worker = threading.Thread(target=iterate_on_a_loop_of_its_own)
    worker.start()
    worker.join(30)
    try:
        with pytest.raises(MockLeakError, match="as the leak check ran inside a running event"):
            _leaks.check(before, "test_x", _HINT)
    finally:
        own.close()
    clean_process()


def test_a_cleanup_that_waits_again_while_being_closed_is_closed_for_good(
    clean_process: Clean,
) -> None:
    stages: list[str] = []

    @mock_aws
    async def stubborn() -> AsyncIterator[int]:
        try:
            yield 1
        finally:
            try:
                await asyncio.sleep(0)
                stages.append("first wait")
            finally:
                await asyncio.sleep(0)  # waits again while being closed
                stages.append("second wait")

    before = _activation.activations()
    held = stubborn()
    first_page_by_hand(held)
    with pytest.raises(MockLeakError, match="its cleanup was cut short where it waited"):
        _leaks.check(before, "test_x", _HINT)
    del held
    gc.collect()
    assert stages == []  # closed for good: none of it ran, then or later
    clean_process()


def test_a_cleanup_that_never_stops_waiting_is_given_up_on(clean_process: Clean) -> None:
    keep_waiting = [True]

    @mock_aws
    async def endless() -> AsyncIterator[int]:
        try:
            yield 1
        finally:
            while keep_waiting[0]:
                with contextlib.suppress(GeneratorExit):
                    await asyncio.sleep(0)

    before = _activation.activations()
    held = endless()
    first_page_by_hand(held)
    with pytest.raises(RuntimeError, match="its cleanup went on waiting after GeneratorExit"):
        _leaks.check(before, "test_x", _HINT)
    clean_process()
    keep_waiting[0] = False  # lets it end when it is finalised


async def test_a_generator_called_with_wrong_arguments_leaves_no_mock_active(
    clean_process: Clean,
) -> None:
    @mock_aws
    async def pages(count: int) -> AsyncIterator[int]:
        for page in range(count):
            yield page

    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        await pages().__anext__()  # type: ignore[call-arg]
    clean_process()
