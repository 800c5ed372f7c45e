"""One API call under way: what was asked, its attempts so far, and its record when it ends.

``aiomoto._intercept.api_call`` makes one for each client method call; the
attempts of that call (its retries) find it through :data:`current_call`,
and what answers an attempt (a fault, a stub) reads what was asked from it.
When the call ends it is added, once, to the history of every mock that
was recording when it started, and of every stub that answered it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from contextvars import ContextVar, Token
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from aiomoto.history import AWSCall, CallHistory

__all__ = ["APICall", "current_call"]

_T = TypeVar("_T")

#: The API call under way in this thread or task, which attempts belong to.
current_call: ContextVar[APICall | None] = ContextVar("aiomoto_api_call", default=None)

#: Numbers API calls in the order they start.
_call_order = itertools.count()


class APICall:
    """One API call under way: what was asked, and its attempts so far."""

    def __init__(
        self,
        service_model: Any,
        operation: str,
        params: Mapping[str, Any],
        region: str | None,
        recorders: tuple[CallHistory, ...],
    ) -> None:
        #: The client's own model, so that answers are rendered in the
        #: protocol this client speaks.
        self.service_model = service_model
        self.service: str = service_model.service_name
        self.operation = operation
        # Handlers may change the caller's dict later in the call (botocore
        # wraps a bytes Body in a file object, for one): keep what was passed.
        self.params = MappingProxyType(_copy_containers(params))
        self.region = region
        self.attempts = 0
        self.retry_waits: list[float] = []
        self.order = next(_call_order)
        self.recorders = recorders
        #: The histories of the stubs that answered an attempt of this call.
        self.answered_by: list[CallHistory] = []
        #: Whether a stub answered the latest attempt.
        self.stubbed = False
        self.response: Mapping[str, Any] | None = None
        self._token: Token[APICall | None] | None = None

    def done(self, response: _T) -> _T:
        """Keep the parsed response of a call that succeeded, and return it."""
        self.response = response  # type: ignore[assignment]
        return response

    def __enter__(self) -> APICall:
        self._token = current_call.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        current_call.reset(self._token)  # type: ignore[arg-type]
        record = self._record(exc)
        for history in self.recorders:
            history._add(self.order, record)
        for history in dict.fromkeys(self.answered_by):
            history._add(self.order, record)

    def _record(self, exc: BaseException | None) -> AWSCall:
        response = self.response
        error_code = None
        if isinstance(exc, ClientError):
            response = exc.response
            error_code = exc.response.get("Error", {}).get("Code")
        metadata = response.get("ResponseMetadata", {}) if response is not None else {}
        retries = metadata.get("RetryAttempts")
        return AWSCall(
            service=self.service,
            operation=self.operation,
            params=self.params,
            region=self.region,
            status=metadata.get("HTTPStatusCode"),
            error_code=error_code,
            # The SDK's count is right even when a handler answered an attempt
            # before it reached us; with no response, ours is all there is.
            attempts=retries + 1 if isinstance(retries, int) else self.attempts,
            response=response,
            exception=exc,
            stubbed=self.stubbed,
            retry_waits=tuple(self.retry_waits),
        )


def _copy_containers(value: Any) -> Any:
    # Only dicts and lists are copied; anything else (a file object being
    # uploaded, say) is kept as it is, unread.
    if isinstance(value, Mapping):
        return {key: _copy_containers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_containers(item) for item in value]
    return value
