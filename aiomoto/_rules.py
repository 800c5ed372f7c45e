"""What an injected fault or a stub answers: the calls it matches, and how it answers.

A :class:`Rule` is the match half, shared by :class:`~aiomoto.Fault` and
:class:`~aiomoto.Stub`: a service, optionally an operation, a region and
parameter values, checked against botocore's models when it is made and
compared with a call the way ``calls.filter`` compares (``mock.ANY``
matches anything).

The answer half is any object with ``_raise_or_render(call, url, method)``
that returns the response for one attempt (status, headers, body) or
raises what the network would: a fault's error or connection failure
(``aiomoto.faults``) and a stub's scripted output (``aiomoto.stubs``) both
are one, so ``aiomoto._intercept`` answers an attempt the same way
whichever of them took it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aiomoto import _names
from aiomoto.exceptions import MockStateError
from aiomoto.history import _Pattern

if TYPE_CHECKING:
    from aiomoto._calls import APICall

__all__ = ["Answer", "Installed", "Rule", "made_by_a_mock"]

#: A response ready for the HTTP hooks: status, headers, body.
Response = tuple[int, Mapping[str, str], bytes]


class Answer(Protocol):
    """How one attempt is answered; see the module docstring."""

    def _raise_or_render(self, call: APICall, url: str, method: str | None) -> Response: ...


@dataclass(frozen=True)
class Rule:
    """The calls a fault or stub applies to; made only through :meth:`of`."""

    pattern: _Pattern
    region: str | None

    @classmethod
    def of(
        cls,
        service: str,
        operation: str | None,
        params: Mapping[str, Any],
        region: str | None = None,
    ) -> Rule:
        """Check the names; raises ``TypeError`` / ``ValueError`` naming the closest ones."""
        pattern = _Pattern.of(service, operation, params)
        return cls(pattern, None if region is None else _names.region_name(region))

    @property
    def service(self) -> str:
        return str(self.pattern.service)

    @property
    def operation(self) -> str | None:
        return self.pattern.operation

    def matches(self, call: APICall) -> bool:
        """Whether ``call`` is one this rule applies to."""
        return (self.region is None or call.region == self.region) and self.pattern.matches(
            call  # type: ignore[arg-type]  # an API call under way has the fields matched
        )


class Installed:
    """The lifetime a fault and a stub share: in force until removed.

    It ends with :meth:`remove`, on leaving ``with it:``, or when the mock
    that installed it exits (that mock sets ``_on_remove``). Entering it
    after it ended raises, since it would never answer again.
    """

    #: Says how to make a new one, for the errors below.
    _remake = "make a new one on an active mock"

    def __init__(self) -> None:
        if not _making.get():
            raise TypeError(
                f"a {type(self).__name__} is made by a mock, which also installs it; "
                f"one made directly would never answer: {self._remake}, e.g. through "
                f"aiomoto.active_mock()."
            )
        self._removed = False
        #: Called once by :meth:`remove`; set by the mock that installs it.
        self._on_remove: Callable[[Any], None] = _not_installed

    def remove(self) -> None:
        """Stop applying it; removing it again does nothing."""
        if not self._removed:
            self._removed = True
            self._on_remove(self)

    def __enter__(self: _Self) -> _Self:
        if self._removed:
            raise MockStateError(
                f"{self!r} was entered after it ended (by remove(), a with block, or "
                f"the exit of the mock that installed it), so it would never answer "
                f"again: {self._remake}."
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()


_Self = TypeVar("_Self", bound=Installed)

#: Set while a mock makes a fault or a stub, the only way either is made.
_making: ContextVar[bool] = ContextVar("aiomoto_making", default=False)


@contextmanager
def made_by_a_mock() -> Iterator[None]:
    """Let the faults and stubs made inside be made (``inject_fault``, ``on``, ``Stub.fail``)."""
    token = _making.set(True)
    try:
        yield
    finally:
        _making.reset(token)


def _not_installed(item: Installed) -> None:
    """What removing one does until a mock installs it."""
