"""unittest base classes and mixins that run each test inside ``mock_aws``.

``MockAWSTestCase`` enters the mock in ``setUp``; ``IsolatedAsyncioMockAWSTestCase``
in ``asyncSetUp``. Both exit through a cleanup, so a failure later in a
subclass's ``setUp`` (or in the test, ``tearDown`` or another cleanup) still
stops the mock. Options come from the typed class attribute
``mock_aws_options``. The mixins add the same behaviour to any other
``TestCase`` base, such as Django's ``SimpleTestCase``.

After a test, a mock that it left active (a ``start()`` without ``stop()``)
is stopped and the test errors with :class:`~aiomoto.exceptions.MockLeakError`,
so the tests after it start clean; ``mock_aws_leak_check = False`` turns
that off for a class that keeps a mock open across tests on purpose.

Seeded state: a class that overrides ``setUpAWSState`` (sync) or
``asyncSetUpAWSState`` (asyncio) has it run once, in a mock of its own,
just before its first test; every test then starts from a copy of a
snapshot of what it built (``mock_aws(state=...)``). Each class keeps its
own snapshot until its class cleanups run, so a subclass's hook builds on
its parent's by calling ``super()``.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from typing import Any, ClassVar

from aiomoto import _activation, _leaks
from aiomoto.exceptions import MockStateError, SnapshotError
from aiomoto.mock import MockAWS, MockAWSOptions
from aiomoto.snapshots import Snapshot

__all__ = [
    "AsyncMockAWSMixin",
    "IsolatedAsyncioMockAWSTestCase",
    "MockAWSMixin",
    "MockAWSOptions",
    "MockAWSTestCase",
]


class _MockAWSBase(unittest.TestCase):
    """What both mixins share: the options, the start and the setUp check."""

    #: Options for the mock around each test, e.g. ``{"reset": False}``.
    mock_aws_options: ClassVar[MockAWSOptions] = {}

    #: The mock of the running test; set when setUp / asyncSetUp starts it.
    aws_mock: MockAWS | None = None

    #: Whether a mock the test leaves active fails it (and is stopped).
    mock_aws_leak_check: ClassVar[bool] = True

    _set_up_hook = "setUp"

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)
        test = getattr(self, methodName, None)
        if test is not None:
            # Fail with a clear error, not with requests that escape the mock,
            # when a subclass forgets to call super().setUp().
            setattr(self, methodName, self._require_started(test))

    def assertAWSCalled(
        self, service: str, operation: str, times: int | None = None, **params: Any
    ) -> None:
        """Fail unless the test's mock recorded a matching call (at least once, or ``times``).

        Same semantics as :meth:`aiomoto.MockAWS.assert_called`.
        """
        self._running_mock().assert_called(service, operation, times=times, **params)

    def assertAWSNotCalled(self, service: str, operation: str | None = None, **params: Any) -> None:
        """Fail if the test's mock recorded a matching call (see ``MockAWS.assert_not_called``)."""
        self._running_mock().assert_not_called(service, operation, **params)

    def _running_mock(self) -> MockAWS:
        if self.aws_mock is None:
            raise MockStateError(
                f"{type(self).__name__}: the AWS assertions read the mock of the running "
                f"test, and none is active (outside the test, or setUp did not start it)."
            )
        return self.aws_mock

    def _start_mock_aws(self, state: Snapshot | None = None) -> None:
        before = _activation.activations()
        options = dict(self.mock_aws_options)
        if state is not None:
            options["state"] = state
        mock = MockAWS(**options)  # type: ignore[arg-type]
        mock.start()
        self.addCleanup(self._stop_mock_aws, mock, before)
        self.aws_mock = mock

    def _stop_mock_aws(self, mock: MockAWS, before: list[_activation.Activation]) -> None:
        self.aws_mock = None
        try:
            mock.stop()
        finally:
            if self.mock_aws_leak_check:
                _leaks.check(before, self.id(), _UNITTEST_ALLOW_HINT)

    def _check_started(self) -> None:
        if self.aws_mock is None:
            name = type(self).__name__
            raise MockStateError(
                f"{name}.{self._set_up_hook}() did not start mock_aws: an override of "
                f"{self._set_up_hook}() in {name} must call "
                f"super().{self._set_up_hook}() before anything that talks to AWS."
            )

    def _require_started(self, test: Any) -> Any:
        if inspect.iscoroutinefunction(test):

            @functools.wraps(test)
            async def async_checked(*args: Any, **kwargs: Any) -> Any:
                self._check_started()
                return await test(*args, **kwargs)

            return async_checked

        @functools.wraps(test)
        def checked(*args: Any, **kwargs: Any) -> Any:
            self._check_started()
            return test(*args, **kwargs)

        return checked

    @classmethod
    def _built_state(cls) -> Snapshot | None:
        """The snapshot this very class's hook built, if it has run."""
        state: Snapshot | None = cls.__dict__.get(_STATE_ATTR)
        return state

    @classmethod
    def _state_mock(cls, hook: str) -> MockAWS:
        """The outermost mock a state hook runs in; raises if one is active already."""
        active = _activation.activations()
        if active:
            raise SnapshotError(
                f"{cls.__name__}.{hook}() builds its state in a mock_aws of its own, "
                f"but the mock_aws entered at {active[0].where} is still active. Each "
                f"test of a class with {hook}() must run in an outermost mock: exit that "
                f"one first, and do not also decorate the class with @mock_aws."
            )
        return MockAWS(**cls.mock_aws_options)

    @classmethod
    def _keep_state(cls, snapshot: Snapshot) -> Snapshot:
        setattr(cls, _STATE_ATTR, snapshot)
        # Dropped with the class's other fixtures, so a finished class holds
        # no copy of its state; a class run again builds it again.
        cls.addClassCleanup(delattr, cls, _STATE_ATTR)
        return snapshot


#: The class attribute that holds the snapshot a class's state hook built.
_STATE_ATTR = "_aiomoto_state"

_UNITTEST_ALLOW_HINT = (
    "To keep a mock open across a class's tests on purpose, start it in "
    "setUpClass (or decorate the class with @mock_aws(scope='class')), or set "
    "mock_aws_leak_check = False on the class."
)


class MockAWSMixin(_MockAWSBase):
    """Enter ``mock_aws`` in ``setUp``; mix into any ``unittest.TestCase`` base.

    List it before the other base: ``class T(MockAWSMixin, SimpleTestCase)``.
    """

    @classmethod
    def setUpAWSState(cls) -> None:
        """Build the AWS state that every test of the class starts from; by default none.

        Override it to create buckets, tables, queues... with boto3 clients:
        it runs once per class, inside a ``mock_aws`` of its own (with the
        class's ``mock_aws_options``), before the first test, and each test
        starts from a fresh copy of what it built. Call
        ``super().setUpAWSState()`` first to build on a base class's state.
        """

    def setUp(self) -> None:
        self._start_mock_aws(self._class_state())
        super().setUp()

    @classmethod
    def _class_state(cls) -> Snapshot | None:
        if cls.setUpAWSState.__func__ is MockAWSMixin.setUpAWSState.__func__:  # type: ignore[attr-defined]
            return None
        built = cls._built_state()
        if built is None:
            with cls._state_mock("setUpAWSState") as mock:
                cls.setUpAWSState()
                built = cls._keep_state(mock.snapshot())
        return built


class AsyncMockAWSMixin(_MockAWSBase):
    """Enter ``mock_aws`` in ``asyncSetUp``; mix into an async ``TestCase`` base.

    The base must provide ``asyncSetUp`` (``IsolatedAsyncioTestCase`` does).
    """

    _set_up_hook = "asyncSetUp"

    @classmethod
    async def asyncSetUpAWSState(cls) -> None:
        """Build the AWS state that every test of the class starts from; by default none.

        The async form of ``MockAWSMixin.setUpAWSState``, for aiobotocore
        clients: awaited once per class, on the first test's event loop,
        inside a ``mock_aws`` of its own, before that test's mock starts.
        Call ``await super().asyncSetUpAWSState()`` to build on a base's state.
        """

    async def asyncSetUp(self) -> None:
        self._require_async_base()
        self._start_mock_aws(await self._class_state())
        await super().asyncSetUp()  # type: ignore[misc]

    def _check_started(self) -> None:
        # A sync TestCase never calls asyncSetUp: say so, rather than blame
        # an override of it that does not exist.
        self._require_async_base()
        super()._check_started()

    def _require_async_base(self) -> None:
        if getattr(super(), "asyncSetUp", None) is None:
            raise TypeError(
                f"{type(self).__name__} uses AsyncMockAWSMixin, which needs a base "
                f"with asyncSetUp such as unittest.IsolatedAsyncioTestCase; for a "
                f"sync TestCase use MockAWSMixin instead."
            )

    @classmethod
    async def _class_state(cls) -> Snapshot | None:
        hook = cls.asyncSetUpAWSState.__func__  # type: ignore[attr-defined]
        if hook is AsyncMockAWSMixin.asyncSetUpAWSState.__func__:  # type: ignore[attr-defined]
            return None
        built = cls._built_state()
        if built is None:
            async with cls._state_mock("asyncSetUpAWSState") as mock:
                await cls.asyncSetUpAWSState()
                built = cls._keep_state(mock.snapshot())
        return built


class MockAWSTestCase(MockAWSMixin, unittest.TestCase):
    """A ``unittest.TestCase`` whose every test runs in a fresh ``mock_aws``."""


class IsolatedAsyncioMockAWSTestCase(AsyncMockAWSMixin, unittest.IsolatedAsyncioTestCase):
    """An ``IsolatedAsyncioTestCase`` whose tests run in a fresh ``mock_aws``."""
