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
  request over HTTP when ``_intercept`` says so;
- the sleep between retry attempts (``Endpoint._needs_retry``) and adaptive
  mode's token bucket (``TokenBucket._acquire``) ask ``aiomoto._retry_waits``
  whether to wait;
- a client that has no credentials at all (made before the mock, in an
  environment with none) signs with the mock's fake ones
  (``RequestSigner.get_auth_instance``); one with its own keeps them.
"""

from __future__ import annotations

import os
import time
from typing import Any

import botocore.client
import botocore.endpoint
import botocore.retries.bucket
import botocore.signers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from aiomoto import _intercept, _retry_waits

__all__ = ["fake_credentials", "patch", "unpatch"]

#: The originals, as botocore (1.x) and Moto (5.x) define them.
_original_make_api_call = botocore.client.BaseClient._make_api_call
_original_send = botocore.endpoint.Endpoint._send
_original_stubber_call = BotocoreStubber.__call__
_TokenBucket = botocore.retries.bucket.TokenBucket
_original_acquire = _TokenBucket._acquire
_RequestSigner = botocore.signers.RequestSigner
_original_get_auth_instance = _RequestSigner.get_auth_instance


class _RetryClock:
    """``time`` as ``botocore.endpoint`` sees it while a mock is active.

    That module uses ``time`` for one thing only, the sleep between retry
    attempts in ``Endpoint._needs_retry``; this sends it to ``_retry_waits``.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        if _retry_waits.retry_wait(seconds):
            time.sleep(seconds)


def patch() -> None:
    """Route sync attempts through ``_intercept`` (called on the outermost enter)."""
    _swap(_make_api_call, _send, _pass_to_intercept, _RetryClock(), _acquire, _get_auth_instance)


def unpatch() -> None:
    """Restore botocore and Moto as they were (called on the outermost exit)."""
    _swap(
        _original_make_api_call,
        _original_send,
        _original_stubber_call,
        time,
        _original_acquire,
        _original_get_auth_instance,
    )


def _swap(
    make_api_call: Any, send: Any, stubber_call: Any, clock: Any, acquire: Any, get_auth: Any
) -> None:
    setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)  # noqa: B010
    setattr(botocore.endpoint.Endpoint, "_send", send)  # noqa: B010
    setattr(BotocoreStubber, "__call__", stubber_call)  # noqa: B010
    setattr(botocore.endpoint, "time", clock)  # noqa: B010
    setattr(_TokenBucket, "_acquire", acquire)  # noqa: B010
    setattr(_RequestSigner, "get_auth_instance", get_auth)  # noqa: B010


def fake_credentials(cls: type[Credentials] = Credentials) -> Credentials:
    """The mock's fake credentials, as ``cls``: those in the environment, else Moto's defaults."""
    return cls(
        os.environ.get("AWS_ACCESS_KEY_ID", "FOOBARKEY"),
        os.environ.get("AWS_SECRET_ACCESS_KEY", "FOOBARSECRET"),
    )


def _get_auth_instance(
    signer: Any, *args: Any, request_credentials: Any = None, **kwargs: Any
) -> Any:
    if request_credentials is None and signer._credentials is None:
        request_credentials = fake_credentials()
    return _original_get_auth_instance(
        signer, *args, request_credentials=request_credentials, **kwargs
    )


def _acquire(bucket: Any, amount: float, block: bool) -> Any:
    _retry_waits.limiter_may_wait(bucket, amount, block)
    return _original_acquire(bucket, amount, block)


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
