"""AWS service, operation and parameter names, checked against botocore's models.

Call-history filters, assertions and fault rules name what they match; a typo
there must raise rather than match nothing (an ``assert_not_called`` that
passes because of a misspelt operation would hide a bug). Names are checked
against the service models botocore ships, and an unknown one raises
``ValueError`` listing the closest known names.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from unittest import mock

from botocore import xform_name
from botocore.loaders import create_loader
from botocore.model import ServiceModel

__all__ = [
    "check_params",
    "operation_name",
    "positional_only",
    "region_name",
    "service_model",
    "suggest",
]

_F = TypeVar("_F", bound=Callable[..., Any])


@functools.cache
def _loader() -> Any:
    return create_loader()


@functools.cache
def _service_names() -> frozenset[str]:
    return frozenset(_loader().list_available_services("service-2"))


def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service``; raises ``ValueError`` for an unknown name."""
    # Checked before the cache, which would fail on an unhashable value
    # (mock.ANY, a list) with an error that names no argument.
    if not isinstance(service, str):
        raise TypeError(
            f"an AWS service name must be a str such as 's3', not {service!r}{_any_hint(service)}"
        )
    return _service_model(service)


@functools.cache
def _service_model(service: str) -> ServiceModel:
    if service not in _service_names():
        raise ValueError(
            f"{service!r} is not an AWS service botocore knows{_suggest(service, _service_names())}"
        )
    data = _loader().load_service_model(service, "service-2")
    return ServiceModel(data, service_name=service)


@functools.cache
def _operations(service: str) -> Mapping[str, str]:
    """Every accepted spelling of ``service``'s operations -> the API name."""
    spellings: dict[str, str] = {}
    for name in service_model(service).operation_names:
        spellings[name] = name
        spellings[xform_name(name)] = name
    return spellings


def operation_name(service: str, operation: str) -> str:
    """The API name (``PutObject``) of ``operation``, given as that or as ``put_object``.

    Raises ``ValueError`` naming the closest operations of ``service``.
    """
    if not isinstance(operation, str):
        raise TypeError(
            f"an operation name must be a str such as 'PutObject' or 'put_object', "
            f"not {operation!r}{_any_hint(operation)}"
        )
    spellings = _operations(service)
    try:
        return spellings[operation]
    except KeyError:
        # Suggest in the spelling the caller used: method or API names.
        snake = operation.islower() or "_" in operation
        same_style = [name for name in spellings if name.islower() == snake]
        raise ValueError(
            f"{service} has no operation {operation!r}{_suggest(operation, same_style)}"
        ) from None


@functools.cache
def _parameters(service: str, operation: str | None) -> frozenset[str]:
    model = service_model(service)
    names = model.operation_names if operation is None else [operation]
    found: set[str] = set()
    for name in names:
        shape = model.operation_model(name).input_shape
        if shape is not None:
            found.update(shape.members)
    return frozenset(found)


def check_params(service: str, operation: str | None, params: Iterable[str]) -> None:
    """Raise ``ValueError`` for a parameter name that ``operation`` does not take.

    With ``operation=None``, a name is accepted if any operation of
    ``service`` takes it.
    """
    known = _parameters(service, operation)
    for name in params:
        if name not in known:
            where = f"{service}.{operation}" if operation else f"any {service} operation"
            raise ValueError(f"{name!r} is not a parameter of {where}{_suggest(name, known)}")


@functools.cache
def _regions() -> frozenset[str]:
    partitions = _loader().load_data("endpoints")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"])


def region_name(region: str) -> str:
    """``region`` if botocore knows it; raises ``ValueError`` naming the closest regions."""
    if not isinstance(region, str):
        raise TypeError(f"a region must be a str such as 'us-east-1', not {region!r}")
    if region not in _regions():
        raise ValueError(
            f"{region!r} is not an AWS region botocore knows{_suggest(region, _regions())}"
        )
    return region


def _any_hint(value: object) -> str:
    if value is mock.ANY:
        return " (unittest.mock.ANY matches parameter values, not names)"
    return ""


def suggest(name: str, known: Iterable[str]) -> str:
    """A ``; did you mean ...?`` naming the closest entries of ``known``, or ``.``."""
    return _suggest(name, known)


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    if not close:
        lowered = name.lower()
        close = sorted(k for k in known if lowered and lowered in k.lower())[:3]
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else "."


def positional_only(example: str) -> Callable[[_F], _F]:
    """Make passing a method's positional-only names by keyword a ``TypeError`` showing ``example``.

    For a method whose service and operation are positional-only: a keyword
    named like one of them whose slot was not filled is a mistake (Python
    would put it in ``**params``, or fail with a bare "missing argument"),
    unless some operation of the service given takes a parameter of that
    name (ECS's ``UpdateService`` takes ``service``): then it is that
    parameter.
    """

    def decorate(method: _F) -> _F:
        parameters = inspect.signature(method).parameters.values()
        slots = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_ONLY]
        takes_params = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
        name = method.__name__

        @functools.wraps(method)
        def checked(*args: Any, **kwargs: Any) -> Any:
            misplaced = [slot for slot in slots[len(args) :] if slot in kwargs]
            service = args[1] if len(args) > 1 and isinstance(args[1], str) else None
            if misplaced and takes_params and service in _service_names():
                taken = _parameters(service, None)
                misplaced = [slot for slot in misplaced if slot not in taken]
            if misplaced:
                given = ", ".join(f"{slot}=..." for slot in misplaced)
                raise TypeError(
                    f"{name}() takes {' and '.join(slots[1:])} by position, not as keywords "
                    f"({given}): call it as {example}"
                )
            return method(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
