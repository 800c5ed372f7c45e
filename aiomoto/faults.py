"""Fault injection: make matching AWS calls throttle, fail, time out or slow down.

:meth:`aiomoto.MockAWS.inject_fault` returns a :class:`Fault`. aiomoto
answers each HTTP attempt of a matching call from inside the SDK's retry
loop, as AWS or the network would: an error in the service's own wire
protocol, a refused connection or a read timeout, after an optional
latency. So the client's retry mode retries what it retries against AWS,
``ResponseMetadata["RetryAttempts"]`` counts those retries, and when they
run out the client raises the modelled exception. A faulted attempt never
reaches Moto.
"""

from __future__ import annotations

import math
import random
import re
import threading
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from aiomoto import _names, _wire
from aiomoto._rules import Installed, Rule, made_by_a_mock
from aiomoto._wire import CustomErrorCode

if TYPE_CHECKING:
    from aiomoto._calls import APICall

__all__ = ["Connection", "CustomErrorCode", "Fault"]

#: How a faulted connection fails.
Connection = Literal["refused", "timeout"]

_CONNECTIONS = ("refused", "timeout")

#: The longest ``latency`` accepted, in seconds: more than botocore's
#: default connect and read timeouts (60 s), and short enough that a
#: mistake ends a test run rather than hangs it.
MAX_LATENCY = 300.0

#: Characters XML 1.0 cannot carry, so no error message may hold them.
_UNSENDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def new_fault(service: str, operation: str | None, /, **options: Any) -> Fault:
    """A :class:`Fault` for ``inject_fault`` or ``Stub.fail``: the one way to make one."""
    with made_by_a_mock():
        return Fault(service, operation, **options)


class Fault(Installed):
    """One injected fault; made by :meth:`aiomoto.MockAWS.inject_fault`.

    :attr:`hits` counts the attempts it answered. :meth:`remove` ends it,
    and so does leaving ``with fault:``, or the exit of the mock that
    injected it.
    """

    _remake = "inject a new fault with inject_fault(...) on an active mock"

    def __init__(
        self,
        service: str,
        operation: str | None = None,
        /,
        *,
        error: str | None = None,
        status: int | None = None,
        message: str | None = None,
        connection: Connection | None = None,
        latency: float | None = None,
        times: int | None = None,
        probability: float | None = None,
        region: str | None = None,
        seed: int = 0,
        retry_after: float | None = None,
    ) -> None:
        super().__init__()
        self._rule = Rule.of(service, operation, {}, region)
        self.service = service
        self.operation = self._rule.operation
        self.region = self._rule.region
        model = _names.service_model(service)
        _check_effect(error, status, message, connection, latency, retry_after, model)
        self.error = error
        self.status = status
        self.message = message
        self.connection = connection
        self.latency = float(latency) if latency is not None else 0.0
        self.retry_after = None if retry_after is None else float(retry_after)
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
            raise TypeError(f"inject_fault(times=...) must be None or an int, not {times!r}")
        if times is not None and times < 1:
            raise ValueError(f"inject_fault(times=...) must be at least 1, not {times}")
        self.times = times
        if probability is not None:
            _check_number("probability", probability)
            if not 0 < probability <= 1:
                raise ValueError(
                    f"inject_fault(probability=...) must be between 0 and 1, and not 0 "
                    f"(a fault that never fires), not {probability}"
                )
        self.probability = probability
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise TypeError(f"inject_fault(seed=...) must be an int, not {seed!r}")
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._hits = 0

    @property
    def hits(self) -> int:
        """How many attempts this fault answered (or slowed down) so far."""
        return self._hits

    @property
    def active(self) -> bool:
        """Whether the fault still applies: not removed, and ``times`` not used up."""
        return not self._removed and (self.times is None or self._hits < self.times)

    def __repr__(self) -> str:
        target = self.service + (f".{self.operation}" if self.operation else "")
        details = [
            f"{name}={value!r}"
            for name, value in (
                ("region", self.region),
                ("error", self.error),
                ("status", self.status),
                ("connection", self.connection),
                ("latency", self.latency or None),
                ("retry_after", self.retry_after),
                ("times", self.times),
                ("probability", self.probability),
            )
            if value is not None
        ]
        return f"<Fault {target} {' '.join(details)} hits={self._hits}>"

    # -- used by aiomoto._intercept, for each attempt ---------------------------

    def _applies_to(self, call: APICall) -> bool:
        return self._rule.matches(call)

    def _fires(self) -> bool:
        """Whether this matching attempt is hit; counts the hit."""
        with self._lock:
            if not self.active:
                return False
            if self.probability is not None and self._random.random() >= self.probability:
                return False
            self._hits += 1
            return True

    @property
    def _answers(self) -> bool:
        """Whether the fault answers the attempt, rather than only delaying it."""
        return self.error is not None or self.connection is not None

    def _raise_or_render(self, call: APICall, url: str, method: str | None) -> _wire.ErrorAnswer:
        if self.connection == "refused":
            raise EndpointConnectionError(
                endpoint_url=url, error=ConnectionRefusedError("refused by aiomoto.inject_fault")
            )
        if self.connection == "timeout":
            raise ReadTimeoutError(
                endpoint_url=url, error=TimeoutError("timed out by aiomoto.inject_fault")
            )
        assert self.error is not None
        model = call.service_model
        code, shape = _wire.wire_code(model, self.error)
        status = self.status if self.status is not None else _wire.default_status(code, shape)
        message = self.message if self.message is not None else f"{code} (aiomoto.inject_fault)"
        return _wire.error_response(model, code, shape, status, message, method, self.retry_after)


def _check_effect(
    error: object,
    status: object,
    message: object,
    connection: object,
    latency: object,
    retry_after: object = None,
    service_model: Any = None,
) -> None:
    # With the model of the service the error is for, the code is checked too.
    if error is None and (status is not None or message is not None):
        raise TypeError(
            "inject_fault(status=..., message=...) describe an error: pass error=... too"
        )
    if error is None and connection is None and latency is None:
        raise TypeError("inject_fault() needs error=..., connection=... or latency=... (or more)")
    if error is not None and connection is not None:
        raise TypeError(
            "inject_fault() takes error=... (AWS answers with an error) or "
            "connection=... (no answer arrives), not both"
        )
    if error is not None and (
        not isinstance(error, str)
        or not error
        or not error.isprintable()
        or any(c.isspace() for c in error)
    ):
        raise TypeError(
            f"inject_fault(error=...) must be an AWS error code such as "
            f"'ThrottlingException', not {error!r}"
        )
    if status is not None:
        if not isinstance(status, int) or isinstance(status, bool):
            raise TypeError(f"inject_fault(status=...) must be an int, not {status!r}")
        if not 400 <= status <= 599:
            raise ValueError(
                f"inject_fault(status=...) must be an error status (400-599), not {status}"
            )
    if message is not None and not isinstance(message, str):
        raise TypeError(f"inject_fault(message=...) must be a str, not {message!r}")
    if message is not None and _UNSENDABLE.search(message):
        # XML cannot carry them: the client would fail to parse the answer
        # and report a generic 5xx instead of this error.
        raise ValueError(
            f"inject_fault(message=...) must not hold control characters (other than "
            f"tab, newline and carriage return), which no AWS protocol can carry: {message!r}"
        )
    if connection is not None and connection not in _CONNECTIONS:
        raise ValueError(
            f"inject_fault(connection=...) must be 'refused' or 'timeout', not {connection!r}"
        )
    if latency is not None:
        _check_number("latency", latency)
        if not 0 <= latency <= MAX_LATENCY:  # type: ignore[operator]
            raise ValueError(
                f"inject_fault(latency=...) must be >= 0 seconds and at most "
                f"{MAX_LATENCY:g} (aiomoto.faults.MAX_LATENCY), not {latency}"
            )
        if latency == 0 and error is None and connection is None:
            raise ValueError(
                "inject_fault(latency=0) alone would change nothing: give a latency "
                "above 0, or error=... or connection=..."
            )
    if retry_after is not None:
        if error is None:
            raise TypeError(
                "inject_fault(retry_after=...) is sent with an error response: pass error=... too"
            )
        _check_number("retry_after", retry_after)
        if not math.isfinite(retry_after) or retry_after < 0:  # type: ignore[arg-type, operator]
            raise ValueError(
                f"inject_fault(retry_after=...) must be a finite number of seconds >= 0, "
                f"not {retry_after}"
            )
    if error is not None and service_model is not None:
        _wire.check_error_code(service_model, error)


def _check_number(name: str, value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"inject_fault({name}=...) must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"inject_fault({name}=...) must be a finite number, not {value!r}")
