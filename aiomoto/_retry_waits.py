"""The SDK's waits between retry attempts: recorded, and skipped unless a mock asks for them.

Against AWS, a throttled call waits before each retry (botocore's and
aiobotocore's retry handlers, in legacy, standard and adaptive mode) and
adaptive mode's client-side rate limiter waits for tokens. Against a mock
those waits only slow a test down and make it random, so while a mock is
active they are not slept, unless an open ``mock_aws(real_retry_waits=True)``
asks for them. Either way each wait the retry handler chose is recorded in
the call's :attr:`~aiomoto.AWSCall.retry_waits`. Only the waiting changes:
the attempts, ``RetryAttempts``, retry quotas and the final exception are
the SDK's own.

This module decides and records; ``aiomoto._botocore`` and
``aiomoto._aiobotocore`` route the SDKs' sleeps here, between the outermost
enter (:func:`install`) and exit (:func:`uninstall`). After that exit the
SDK sleeps as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiomoto import _intercept

__all__ = ["install", "limiter_may_wait", "retry_wait", "uninstall"]


def _always() -> bool:
    return True


#: Whether some open mock asked for real waits; set while a mock is active,
#: and always true outside one.
_wants_real: Callable[[], bool] = _always


def install(wants_real: Callable[[], bool]) -> None:
    """Skip waits from now on unless ``wants_real()`` says otherwise (on the outermost enter)."""
    global _wants_real
    _wants_real = wants_real


def uninstall() -> None:
    """Let every wait happen again (on the outermost exit)."""
    global _wants_real
    _wants_real = _always


def retry_wait(seconds: float) -> bool:
    """Record that the SDK chose to wait ``seconds`` before a retry; return whether to sleep."""
    _intercept.note_retry_wait(float(seconds))
    return _wants_real()


def limiter_may_wait(bucket: Any, amount: float, block: bool) -> None:
    """Let adaptive mode's token ``bucket`` hand out ``amount`` tokens without waiting.

    Called with the bucket's lock held, before its own ``_acquire``: when
    waits are skipped and the bucket is short, it is filled to ``amount``,
    as if the wait had passed, so the acquire succeeds at once. A
    non-blocking acquire is left to raise as it does.
    """
    if not block or _wants_real():
        return
    bucket._refill()
    if bucket._current_capacity < amount:
        bucket._current_capacity = amount
