"""Class decoration: ``@mock_aws`` on unittest ``TestCase`` and pytest classes.

The mock a class was decorated with is stored on it as ``__aiomoto_mock__``
and looked up on the instance's class at run time, so a subclass keeps
working, decorating again replaces the options instead of wrapping twice,
and a subclass may be decorated with options of its own.

- ``unittest.TestCase`` (and ``IsolatedAsyncioTestCase``): ``run`` and
  ``debug`` are wrapped, so ``setUp``/``asyncSetUp``, the test, ``tearDown``
  and every cleanup share one activation, and each test starts fresh.
- Any other class (pytest style): each method whose name starts with
  ``test`` runs in a fresh mock; ``setup_method`` / ``teardown_method`` open
  and close that same activation when the class has them.
- Classes defined in the decorated class's body are decorated the same way.
- ``scope="class"``: one activation from ``setUpClass`` / ``setup_class`` to
  ``tearDownClass`` / ``teardown_class``, shared by all the class's tests.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from typing import Any, TypeVar

from aiomoto import _activation, _leaks
from aiomoto._functions import MockAWS, call_inside, is_coroutine_callable

__all__ = ["TEST_PREFIX", "decorate_class"]

_C = TypeVar("_C")

#: Methods of pytest-style classes whose names start with this are tests.
TEST_PREFIX = "test"

_MOCK_ATTR = "__aiomoto_mock__"


_WRAPPED_ATTR = "__aiomoto_wrapped__"


def decorate_class(mock: MockAWS, klass: _C) -> _C:
    """Make every test of ``klass`` run inside ``mock`` (see module docstring)."""
    assert isinstance(klass, type)
    setattr(klass, _MOCK_ATTR, mock)
    if mock._scope == "class":
        if issubclass(klass, unittest.TestCase):
            _wrap_set_up_class(klass)
        else:
            _wrap_setup_class(klass)
    elif issubclass(klass, unittest.TestCase):
        for name in ("run", "debug"):
            _wrap_method(klass, name, _around_test_case)
    else:
        _decorate_pytest_class(klass)
    _decorate_nested_classes(mock, klass)
    return klass


def _decorate_nested_classes(mock: MockAWS, klass: type) -> None:
    # Test classes defined inside a decorated class are mocked too, as with
    # Moto; otherwise their requests would go to real AWS. Classes merely
    # assigned to an attribute are not the decorated class's own.
    for name, value in list(vars(klass).items()):
        if (
            inspect.isclass(value)
            and not name.startswith("_")
            and value.__qualname__ == f"{klass.__qualname__}.{name}"
        ):
            decorate_class(mock, value)


def _mock_of(owner: Any) -> MockAWS:
    klass = owner if isinstance(owner, type) else type(owner)
    mock: MockAWS = getattr(klass, _MOCK_ATTR)
    return mock


def _wrap_method(
    klass: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]
) -> None:
    original = getattr(klass, name)
    if getattr(original, _WRAPPED_ATTR, False):
        return  # already wrapped here or in a base class: the lookup is dynamic
    wrapper = make(original)
    setattr(wrapper, _WRAPPED_ATTR, True)
    setattr(klass, name, wrapper)


def _around(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``method`` inside the mock of its first argument's class (sync or async).

    The first argument is the instance, or the class for a classmethod.
    """
    return _wrapping(method, lambda args: _mock_of(args[0]))


def _around_static(klass: type, func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func``, which is given no instance, inside the mock of ``klass``."""
    return _wrapping(func, lambda args: _mock_of(klass))


def _wrapping(
    func: Callable[..., Any], mock_for: Callable[[tuple[Any, ...]], MockAWS]
) -> Callable[..., Any]:
    if is_coroutine_callable(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            mock = mock_for(args)
            mock.start()
            try:
                return await func(*args, **kwargs)
            finally:
                mock.stop()

        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call_inside(mock_for(args), func, *args, **kwargs)

    return wrapper


def _around_test_case(run: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``TestCase.run`` (or ``debug``) inside the class mock; fail a test that leaks one.

    A mock that the test left active (a ``start()`` without ``stop()``) is
    stopped and reported as the test's error, as the unittest base classes
    do, unless the class sets ``mock_aws_leak_check = False``.
    """

    @functools.wraps(run)
    def wrapper(self: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
        before = _activation.activations()
        with _mock_of(self):
            if getattr(self, "mock_aws_leak_check", True):
                ours = _leaks.left_open(before)
                # Registered first, so it runs after every other cleanup.
                self.addCleanup(_leaks.check, before, self.id(), _LEAK_HINT, ours)
            return run(self, *args, **kwargs)

    return wrapper


_LEAK_HINT = (
    "To keep a mock open across a class's tests on purpose, decorate the class "
    "with @mock_aws(scope='class'), or set mock_aws_leak_check = False on the class."
)


def _decorate_pytest_class(klass: type) -> None:
    for name in dir(klass):
        if name.startswith(TEST_PREFIX):
            _wrap_test(klass, name, inspect.getattr_static(klass, name))
    if hasattr(klass, "setup_method"):
        _wrap_method(klass, "setup_method", _opening)
        if hasattr(klass, "teardown_method"):
            _wrap_method(klass, "teardown_method", _closing)
        else:
            _install_closing_teardown(klass)
    _decorate_future_subclasses(klass)


def _wrap_test(klass: type, name: str, attr: Any) -> None:
    """Make the test ``name`` of ``klass`` run inside its mock, whatever kind of callable it is.

    Raises ``TypeError`` for a callable it cannot wrap, rather than leave it
    to run unmocked.
    """
    if inspect.isfunction(attr):
        _wrap_method(klass, name, _around)
    elif isinstance(attr, (staticmethod, classmethod)):
        if not getattr(attr.__func__, _WRAPPED_ATTR, False):
            if isinstance(attr, staticmethod):
                wrapper = _around_static(klass, attr.__func__)
            else:
                wrapper = _around(attr.__func__)
            setattr(wrapper, _WRAPPED_ATTR, True)
            setattr(klass, name, type(attr)(wrapper))
    elif isinstance(attr, functools.partialmethod):
        if not getattr(attr.func, _WRAPPED_ATTR, False):
            wrapper = _around(attr.func)
            setattr(wrapper, _WRAPPED_ATTR, True)
            setattr(klass, name, functools.partialmethod(wrapper, *attr.args, **attr.keywords))
    elif inspect.isclass(attr) or not callable(getattr(klass, name)):
        return  # a nested class is decorated on its own; data is not a test
    elif hasattr(type(attr), "__get__"):
        raise TypeError(
            f"@mock_aws cannot wrap {klass.__qualname__}.{name}, a "
            f"{type(attr).__name__}: a test of a @mock_aws class must be a function, "
            f"a staticmethod, a classmethod, a functools.partialmethod or a callable "
            f"object. Define it as a plain method, or rename it so that it does not "
            f"start with {TEST_PREFIX!r}."
        )
    else:
        # A callable object is not bound to the instance: it runs as a static.
        wrapper = _around_static(klass, attr)
        setattr(wrapper, _WRAPPED_ATTR, True)
        setattr(klass, name, staticmethod(wrapper))


def _decorate_future_subclasses(klass: type) -> None:
    # Tests that an undecorated subclass adds must run mocked too.
    if getattr(klass.__dict__.get("__init_subclass__"), _WRAPPED_ATTR, False):
        return
    original = klass.__dict__.get("__init_subclass__")
    owner: Any = klass

    def init_subclass(cls: Any, /, **kwargs: Any) -> None:
        if original is None:
            super(owner, cls).__init_subclass__(**kwargs)
        else:
            original.__func__(cls, **kwargs)
        _decorate_pytest_class(cls)

    hook: Any = classmethod(init_subclass)
    setattr(hook, _WRAPPED_ATTR, True)
    klass.__init_subclass__ = hook  # type: ignore[method-assign]


#: Instance attribute that marks the activation ``setup_method`` opened.
_OPEN_ATTR = "_aiomoto_open_mock"


def _opening(method: Callable[..., Any]) -> Callable[..., Any]:
    """Start the mock before ``method`` and keep it open for the test.

    Idempotent per instance, so overrides that call ``super()`` open once.
    """

    @functools.wraps(method)
    def setup_method(self: Any, test: Any = None) -> Any:
        opened = False
        if getattr(self, _OPEN_ATTR, None) is None:
            mock = _mock_of(self)
            mock.start()
            setattr(self, _OPEN_ATTR, mock)
            opened = True
        try:
            return _call_xunit(method, self, test)
        except BaseException:
            if opened:  # pytest skips teardown_method when setup_method fails
                _close(self)
            raise

    return setup_method


def _call_xunit(method: Callable[..., Any], instance: Any, test: Any) -> Any:
    # pytest passes the test function only to xunit methods that take it, so
    # the wrappers take it (optionally) and forward it the same way.
    takes_test = len(inspect.signature(method).parameters) > 1
    return method(instance, test) if takes_test else method(instance)


def _close(instance: Any) -> None:
    mock = getattr(instance, _OPEN_ATTR, None)
    if mock is not None:
        setattr(instance, _OPEN_ATTR, None)
        mock.stop()


def _closing(method: Callable[..., Any]) -> Callable[..., Any]:
    """Stop the mock that ``setup_method`` opened, after ``method`` ran."""

    @functools.wraps(method)
    def teardown_method(self: Any, test: Any = None) -> Any:
        try:
            return _call_xunit(method, self, test)
        finally:
            _close(self)

    return teardown_method


def _install_closing_teardown(klass: type) -> None:
    def teardown_method(self: Any, method: Any = None) -> None:
        _close(self)

    setattr(teardown_method, _WRAPPED_ATTR, True)
    klass.teardown_method = teardown_method  # type: ignore[attr-defined]


def _wrap_set_up_class(klass: type[unittest.TestCase]) -> None:
    original = klass.__dict__.get("setUpClass")
    if original is not None and getattr(original.__func__, _WRAPPED_ATTR, False):
        return

    def set_up_class(cls: Any) -> None:
        mock = _mock_of(cls)
        mock.start()
        # Class cleanups run even when setUpClass fails, under unittest and
        # pytest alike, and after tearDownClass.
        cls.addClassCleanup(mock.stop)
        if original is None:
            super(klass, cls).setUpClass()
        else:
            original.__func__(cls)

    setattr(set_up_class, _WRAPPED_ATTR, True)
    klass.setUpClass = classmethod(set_up_class)  # type: ignore[assignment]


def _wrap_setup_class(klass: type) -> None:
    setup = inspect.getattr_static(klass, "setup_class", None)
    teardown = inspect.getattr_static(klass, "teardown_class", None)
    if setup is not None and getattr(setup.__func__, _WRAPPED_ATTR, False):
        return

    def setup_class(cls: type) -> None:
        mock = _mock_of(cls)
        mock.start()
        try:
            if setup is not None:
                setup.__func__(cls)
        except BaseException:
            mock.stop()
            raise

    def teardown_class(cls: type) -> None:
        try:
            if teardown is not None:
                teardown.__func__(cls)
        finally:
            _mock_of(cls).stop()

    for func in (setup_class, teardown_class):
        setattr(func, _WRAPPED_ATTR, True)
    klass.setup_class = classmethod(setup_class)  # type: ignore[attr-defined]
    klass.teardown_class = classmethod(teardown_class)  # type: ignore[attr-defined]
