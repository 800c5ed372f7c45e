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

import random
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from aiomoto import _wire
from aiomoto._rules import Rule

if TYPE_CHECKING:
    from aiomoto._calls import APICall

__all__ = ["Connection", "Fault"]

#: How a faulted connection fails.
Connection = Literal["refused", "timeout"]

_CONNECTIONS = ("refused", "timeout")


class Fault:
    """One injected fault; made by :meth:`aiomoto.MockAWS.inject_fault`.

    :attr:`hits` counts the attempts it answered. :meth:`remove` ends it,
    and so does leaving ``with fault:``, or the exit of the mock that
    injected it.
    """

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
    ) -> None:
        self._rule = Rule.of(service, operation, {}, region)
        self.service = service
        self.operation = self._rule.operation
        self.region = self._rule.region
        _check_effect(error, status, message, connection, latency)
        self.error = error
        self.status = status
        self.message = message
        self.connection = connection
        self.latency = float(latency) if latency is not None else 0.0
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
            raise TypeError(f"inject_fault(times=...) must be None or an int, not {times!r}")
        if times is not None and times < 1:
            raise ValueError(f"inject_fault(times=...) must be at least 1, not {times}")
        self.times = times
        if probability is not None:
            _check_number("probability", probability)
            if not 0 <= probability <= 1:
                raise ValueError(
                    f"inject_fault(probability=...) must be between 0 and 1, not {probability}"
                )
        self.probability = probability
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise TypeError(f"inject_fault(seed=...) must be an int, not {seed!r}")
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._hits = 0
        self._removed = False
        #: Called by :meth:`remove`; set by the mock that installs the fault.
        self._on_remove: Any = None

    @property
    def hits(self) -> int:
        """How many attempts this fault answered (or slowed down) so far."""
        return self._hits

    @property
    def active(self) -> bool:
        """Whether the fault still applies: not removed, and ``times`` not used up."""
        return not self._removed and (self.times is None or self._hits < self.times)

    def remove(self) -> None:
        """Stop applying this fault; removing it again does nothing."""
        if not self._removed:
            self._removed = True
            if self._on_remove is not None:
                self._on_remove(self)

    def __enter__(self) -> Fault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

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
        return _wire.error_response(model, code, shape, status, message, method)


def _check_effect(
    error: object, status: object, message: object, connection: object, latency: object
) -> None:
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
    if error is not None and (not isinstance(error, str) or not error or " " in error):
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
    if connection is not None and connection not in _CONNECTIONS:
        raise ValueError(
            f"inject_fault(connection=...) must be 'refused' or 'timeout', not {connection!r}"
        )
    if latency is not None:
        _check_number("latency", latency)
        if latency < 0:  # type: ignore[operator]
            raise ValueError(f"inject_fault(latency=...) must be >= 0 seconds, not {latency}")


def _check_number(name: str, value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"inject_fault({name}=...) must be a number, not {value!r}")
