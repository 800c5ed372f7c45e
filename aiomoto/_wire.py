"""AWS error responses, written in each service's own wire protocol.

An injected fault must look to the client exactly like the error AWS would
send, so that botocore's parser, retry handlers and exception factory treat
it as they treat the real one. Each protocol spells an error differently:

- ``rest-xml`` (S3: ``<Error>``; others: ``<ErrorResponse>``) and ``query``
  (``<ErrorResponse><Error>``), ``ec2`` (``<Response><Errors><Error>``);
- ``json`` (``{"__type": ...}``) and ``rest-json`` (``x-amzn-ErrorType``);
- ``smithy-rpc-v2-cbor`` (a CBOR map with ``__type``).

Services that moved from ``query`` to a newer protocol
(``awsQueryCompatible``) also send ``x-amzn-query-error``, which carries
the old error code the client's exception classes are keyed by.

:func:`check_error_code` rejects a code that nothing knows (a typo would
otherwise be sent as an unmodelled, non-retryable error: one failed
attempt instead of the throttle the test meant); :class:`CustomErrorCode`
sends one anyway.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import botocore.retries.standard
from botocore.loaders import create_loader

from aiomoto import _cbor, _names

__all__ = [
    "CustomErrorCode",
    "ErrorAnswer",
    "check_error_code",
    "default_status",
    "error_response",
    "wire_code",
]

#: The header botocore's new retry behaviour reads the server's retry delay
#: from, in integer milliseconds.
RETRY_AFTER_HEADER = "x-amz-retry-after"

#: A response ready for the HTTP hooks: status, headers, body.
ErrorAnswer = tuple[int, dict[str, str], bytes]

#: The HTTP status AWS sends with common error codes that are not (or not
#: everywhere) in the service models: throttling, and server-side failures.
_KNOWN_STATUS = {
    "InternalError": 500,
    "InternalFailure": 500,
    "InternalServerError": 500,
    "LimitExceededException": 400,
    "ProvisionedThroughputExceededException": 400,
    "RequestLimitExceeded": 503,
    "RequestTimeout": 400,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
    "SlowDown": 503,
    "Throttling": 400,
    "ThrottlingException": 400,
    "TooManyRequestsException": 429,
    "TransactionInProgressException": 400,
}

#: Codes AWS documents as common to all services, which most models do not list.
_COMMON_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "ExpiredToken",
        "ExpiredTokenException",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidAction",
        "InvalidClientTokenId",
        "InvalidParameterCombination",
        "InvalidParameterValue",
        "InvalidQueryParameter",
        "MalformedQueryString",
        "MissingAction",
        "MissingAuthenticationToken",
        "MissingParameter",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "ValidationError",
        "ValidationException",
    }
)

_SERVER_SIDE_WORDS = ("Internal", "Unavailable", "ServerError", "ServiceError", "SlowDown")


def wire_code(service_model: Any, code: str) -> tuple[str, Any]:
    """The code AWS puts on the wire for ``code``, and its modelled error shape or ``None``.

    ``code`` may be the wire code or the error shape's name, which differ
    for some modelled errors (SNS's ``ThrottledException`` is sent as
    ``Throttled``).
    """
    shape = service_model.shape_for_error_code(code)
    if shape is None:
        shape = next((s for s in service_model.error_shapes if s.name == code), None)
    return (shape.error_code if shape is not None else code), shape


class CustomErrorCode(str):
    """An AWS error code to send as it is, though no service model or list knows it.

    ``inject_fault(..., error=...)`` rejects an unknown code as a likely
    typo; wrap it to send it anyway:
    ``error=aiomoto.CustomErrorCode("BrandNewThrottle")``.
    """

    __slots__ = ()


def check_error_code(service_model: Any, code: str) -> None:
    """Raise ``ValueError`` unless ``code`` is an error code known for ``service_model``.

    Known: the service's modelled errors (shape names and wire codes), the
    codes botocore's retry logic knows, and AWS's common codes. A
    :class:`CustomErrorCode` is always accepted. The message names the
    closest known codes.
    """
    if isinstance(code, CustomErrorCode):
        return
    modelled = {
        name for shape in service_model.error_shapes for name in (shape.name, shape.error_code)
    }
    if code in modelled or code in _generic_codes():
        return
    raise ValueError(
        f"{code!r} is not an error code {service_model.service_name} models, botocore's "
        f"retry logic knows, or AWS documents as common"
        f"{_names.suggest(code, modelled | _generic_codes())} To send it anyway, pass "
        f"error=aiomoto.CustomErrorCode({code!r})."
    )


@functools.cache
def _generic_codes() -> frozenset[str]:
    codes = set(_KNOWN_STATUS) | _COMMON_CODES
    # The lists botocore's standard and adaptive modes retry on.
    for value in vars(botocore.retries.standard).values():
        if isinstance(value, type):
            for name, listed in vars(value).items():
                if name.endswith("_ERROR_CODES") and isinstance(listed, (list, tuple, set)):
                    codes.update(str(item) for item in listed)
    # The codes legacy mode's per-service policies retry on.
    codes.update(_values_of("service_error_code", create_loader().load_data("_retry")))
    return frozenset(codes)


def _values_of(key: str, data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for name, value in data.items():
            if name == key and isinstance(value, str):
                yield value
            else:
                yield from _values_of(key, value)
    elif isinstance(data, list):
        for item in data:
            yield from _values_of(key, item)


def default_status(code: str, shape: Any) -> int:
    """The status AWS sends with ``code``: modelled, else known, else by who is at fault."""
    error = shape.metadata.get("error", {}) if shape is not None else {}
    if "httpStatusCode" in error:
        return int(error["httpStatusCode"])
    if code in _KNOWN_STATUS:
        return _KNOWN_STATUS[code]
    if "senderFault" in error:
        return 400 if error["senderFault"] else 500
    return 500 if any(word in code for word in _SERVER_SIDE_WORDS) else 400


def error_response(
    service_model: Any,
    code: str,
    shape: Any,
    status: int,
    message: str,
    method: str | None,
    retry_after: float | None = None,
) -> ErrorAnswer:
    """Render the error response AWS would send, in ``service_model``'s protocol.

    A HEAD response carries no body, as from AWS: the client then reads the
    error from the status alone. ``retry_after`` (seconds) is sent as the
    ``x-amz-retry-after`` header, in whole milliseconds.
    """
    request_id = str(uuid.uuid4())
    fault_type = "Sender" if status < 500 else "Receiver"
    protocol = _protocol(service_model)
    headers = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id}
    if retry_after is not None:
        headers[RETRY_AFTER_HEADER] = str(round(retry_after * 1000))
    if protocol in ("json", "smithy-rpc-v2-cbor"):
        type_name = shape.name if shape is not None else code
        document = {"__type": type_name, "message": message}
        if service_model.metadata.get("awsQueryCompatible") is not None:
            headers["x-amzn-query-error"] = f"{code};{fault_type}"
        if protocol == "json":
            version = service_model.metadata.get("jsonVersion", "1.0")
            headers["Content-Type"] = f"application/x-amz-json-{version}"
            body = json.dumps(document).encode()
        else:
            headers["Content-Type"] = "application/cbor"
            headers["smithy-protocol"] = "rpc-v2-cbor"
            body = _cbor.encode(document)
    elif protocol == "rest-json":
        headers["Content-Type"] = "application/json"
        headers["x-amzn-ErrorType"] = code
        kind = "User" if status < 500 else "Service"
        body = json.dumps({"message": message, "Type": kind}).encode()
    else:
        headers["Content-Type"] = "text/xml" if protocol in ("query", "ec2") else "application/xml"
        body = _xml_error(
            protocol, service_model.service_name, code, fault_type, message, request_id
        )
    if method == "HEAD":
        body = b""
    return status, headers, body


def _protocol(service_model: Any) -> str:
    # botocore 1.40+ chooses among several protocols a model lists; older
    # botocore knows only the one in ``protocol``.
    resolved = getattr(service_model, "resolved_protocol", None)
    return str(resolved or service_model.protocol)


def _xml_error(
    protocol: str, service: str, code: str, fault_type: str, message: str, request_id: str
) -> bytes:
    code, message = escape(code), escape(message)
    if protocol == "ec2":
        document = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
    elif protocol == "rest-xml" and service in ("s3", "s3control"):
        document = (
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
    else:
        document = (
            f"<ErrorResponse><Error><Type>{fault_type}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
            f"</ErrorResponse>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + document).encode()
