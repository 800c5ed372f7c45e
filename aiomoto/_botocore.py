"""The botocore side of the request path: sync clients' attempts go to ``aiomoto._intercept``.

While a mock is active (between :func:`patch` and :func:`unpatch`):

- Moto's ``BotocoreStubber`` (a ``before-send`` handler of every botocore
  and aiobotocore session) lets every request pass, so that no request is
  answered anywhere but in ``aiomoto._intercept``, and none twice;
- ``BaseClient._make_api_call`` (one API call, all its attempts) runs
  inside ``_intercept.api_call``, which records it;
- ``Endpoint._send``, which botocore calls for each attempt of its retry
  loop when no ``before-send`` handler answered, asks ``_intercept`` and
  wraps the answer as botocore's own HTTP session would, or sends the
  request over HTTP when ``_intercept`` says so.
"""

from __future__ import annotations

import time
from typing import Any

import botocore.client
import botocore.endpoint
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from aiomoto import _intercept

__all__ = ["patch", "unpatch"]

#: The originals, as botocore (1.x) and Moto (5.x) define them.
_original_make_api_call = botocore.client.BaseClient._make_api_call
_original_send = botocore.endpoint.Endpoint._send
_original_stubber_call = BotocoreStubber.__call__


def patch() -> None:
    """Route sync attempts through ``_intercept`` (called on the outermost enter)."""
    _swap(_make_api_call, _send, _pass_to_intercept)


def unpatch() -> None:
    """Restore botocore and Moto as they were (called on the outermost exit)."""
    _swap(_original_make_api_call, _original_send, _original_stubber_call)


def _swap(make_api_call: Any, send: Any, stubber_call: Any) -> None:
    setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)  # noqa: B010
    setattr(botocore.endpoint.Endpoint, "_send", send)  # noqa: B010
    setattr(BotocoreStubber, "__call__", stubber_call)  # noqa: B010


def _pass_to_intercept(stubber: BotocoreStubber, event_name: str, **kwargs: Any) -> None:
    return None  # the endpoint's _send asks _intercept, inside the retry loop


def _make_api_call(
    client: botocore.client.BaseClient, operation_name: str, api_params: dict[str, Any]
) -> dict[str, Any]:
    with _intercept.api_call(client, operation_name, api_params) as call:
        return call.done(_original_make_api_call(client, operation_name, api_params))


def _send(endpoint: botocore.endpoint.Endpoint, request: AWSPreparedRequest) -> AWSResponse:
    attempt = _intercept.attempt(request)
    if attempt.delay:
        time.sleep(attempt.delay)
    found = attempt.respond(request)
    if found is None:
        return _original_send(endpoint, request)
    status, headers, body = found
    # The response shape Moto's own handler gives botocore.
    return AWSResponse(request.url, status, headers, MockRawResponse(body))
