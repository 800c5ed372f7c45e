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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aiomoto import _names
from aiomoto.history import _Pattern

if TYPE_CHECKING:
    from aiomoto._calls import APICall

__all__ = ["Answer", "Rule"]

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
