"""Stubs: answer an AWS operation yourself, while Moto keeps serving everything else.

:meth:`aiomoto.MockAWS.on` returns a :class:`Stub` for the calls of one
operation whose parameters include the values given (matched as
``calls.filter`` matches). A stub is an ordered queue of answers: each HTTP
attempt of a matching call, inside the SDK's retry loop, takes the first
answer that still has uses left, so a :meth:`~Stub.fail` answer is retried
by the client into the next answer, as against AWS. When no answer is
left, the call goes to Moto as usual.

A :meth:`~Stub.respond` answer is the operation's output as a dict (or a
callable returning one), checked against the operation's model
(``aiomoto._output_check``) and rendered in the wire protocol the client
speaks (``aiomoto._render``); a
:meth:`~Stub.fail` answer is an injected fault (``aiomoto.faults``), made
from the same keywords as :meth:`~aiomoto.MockAWS.inject_fault`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aiomoto import _names, _output_check, _render
from aiomoto._rules import Answer, Installed, Rule, made_by_a_mock
from aiomoto.faults import Fault, new_fault
from aiomoto.history import CallHistory, _describe

if TYPE_CHECKING:
    from aiomoto._calls import APICall

__all__ = ["Response", "Stub"]

#: What :meth:`Stub.respond` takes: the output, or a function of the call's parameters.
Response = Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]]


class Stub(Installed):
    """Scripted answers for one operation's matching calls; made by :meth:`aiomoto.MockAWS.on`.

    Queue answers with :meth:`respond` and :meth:`fail` (each returns the
    stub, so they chain). :attr:`calls` holds the calls it answered.
    :meth:`remove` ends it, and so does leaving ``with stub:``, or the exit
    of the mock that made it.
    """

    _remake = "make a new stub with on(...) on an active mock"

    def __init__(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        super().__init__()
        if operation is None:
            raise TypeError("on() needs an operation, e.g. aws.on('s3', 'GetObject')")
        self._rule = Rule.of(service, operation, params)
        self.service = self._rule.service
        self.operation = str(self._rule.operation)
        self._key = (self.service, self.operation)
        self._output_shape = (
            _names.service_model(self.service).operation_model(self.operation).output_shape
        )
        self._answers: list[_Respond | Fault] = []
        self._lock = threading.Lock()
        self._calls = CallHistory()

    @property
    def calls(self) -> CallHistory:
        """The calls this stub answered an attempt of, oldest first."""
        return self._calls

    @property
    def active(self) -> bool:
        """Whether the stub is still in force (not removed, its mock not exited)."""
        return not self._removed

    def respond(self, response: Response, /, *, times: int | None = None) -> Stub:
        """Answer the next ``times`` attempts (``None``: every one from then on) with ``response``.

        ``response`` is the operation's output as a dict, or a callable
        that takes the call's parameters (a read-only mapping) and returns
        one. A dict is checked now, a callable's result when it is used:
        an unknown member raises ``ValueError`` naming the closest ones, a
        value of the wrong type ``TypeError`` naming where it is. Raises
        ``ValueError`` if an earlier answer already takes every attempt.
        """
        self._check_reachable("respond")
        _check_times(times)
        if not callable(response):
            _output_check.check(self._output_shape, response, self._where())
        self._answers.append(_Respond(self, response, times))
        return self

    def fail(self, **options: Any) -> Stub:
        """Answer the next attempts with an error, a connection failure or latency.

        Takes the keywords of :meth:`aiomoto.MockAWS.inject_fault` except
        ``region`` (``error``, ``status``, ``message``, ``connection``,
        ``latency``, ``times``, ``probability``, ``seed``), with the same
        meaning and checks; without ``times`` it answers every attempt from
        then on. A ``latency`` alone delays the attempt, which the next
        answer then takes.
        """
        self._check_reachable("fail")
        if "region" in options:
            raise TypeError(
                "Stub.fail() takes no region=...: the stub matches calls in every region"
            )
        self._answers.append(new_fault(self.service, self.operation, **options))
        return self

    def __repr__(self) -> str:
        state = "" if self.active else " removed"
        target = _describe(self.service, self.operation, self._rule.pattern.params)
        return f"<Stub {target} answers={len(self._answers)} calls={len(self._calls)}{state}>"

    def _where(self) -> str:
        return f"{self.service}.{self.operation} response"

    def _check_reachable(self, method: str) -> None:
        last = self._answers[-1] if self._answers else None
        endless = (isinstance(last, _Respond) and last.times is None) or (
            isinstance(last, Fault) and last.times is None and last.probability is None
        )
        if endless:
            raise ValueError(
                f"Stub.{method}() after an answer with no times=... can never be "
                f"reached: that answer takes every attempt; give it times=N"
            )

    # -- used by aiomoto._intercept, for each attempt ---------------------------

    def _take(self, call: APICall) -> tuple[float, Answer | None]:
        """The answer for this attempt of ``call`` (counted as used), and the delay before it."""
        delay = 0.0
        if not self._rule.matches(call):
            return delay, None
        with self._lock:
            for answer in self._answers:
                if isinstance(answer, _Respond):
                    if answer.times is None or answer.used < answer.times:
                        answer.used += 1
                        return delay, answer
                elif answer._fires():
                    delay += answer.latency
                    if answer._answers:
                        return delay, answer
        return delay, None


class _Respond:
    """A :meth:`Stub.respond` answer: the output to render, and how often."""

    def __init__(self, stub: Stub, response: Response, times: int | None) -> None:
        self._stub = stub
        self.response = response
        self.times = times
        self.used = 0

    def _raise_or_render(self, call: APICall, url: str, method: str | None) -> _render.Rendered:
        output = self.response
        if callable(output):
            output = output(call.params)
            _output_check.check(self._stub._output_shape, output, self._stub._where())
        operation_model = call.service_model.operation_model(call.operation)
        return _render.render(operation_model, output, method)


def _check_times(times: object) -> None:
    if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
        raise TypeError(f"Stub.respond(times=...) must be None or an int, not {times!r}")
    if times is not None and times < 1:
        raise ValueError(f"Stub.respond(times=...) must be at least 1, not {times}")


def new_stub(service: str, operation: str, params: Mapping[str, Any]) -> Stub:
    """A :class:`Stub` for ``MockAWS.on``: the one way to make one."""
    with made_by_a_mock():
        return Stub(service, operation, params)
