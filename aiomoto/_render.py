"""A stub's output, once checked (``aiomoto._output_check``), rendered as AWS would send it.

:func:`render` writes the HTTP response in the wire protocol the client
speaks (``rest-xml``, ``query``, ``ec2``, ``json``, ``rest-json``,
``smithy-rpc-v2-cbor``): members bound to headers or to the status code go
there, a blob or string payload is the raw body (the client wraps it in its
streaming body), an event stream is framed message by message, and the
status is the model's ``responseCode`` (200 unless the model says
otherwise). botocore's own parser then reads it like any AWS response, so
timestamps come back as ``datetime`` and blobs as ``bytes``.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree

from botocore.utils import parse_timestamp

from aiomoto import _cbor, _eventstream, _wire

__all__ = ["render"]

#: A rendered response: status, headers, body.
Rendered = tuple[int, dict[str, str], bytes]

_JSON_PROTOCOLS = ("json", "rest-json")
_REST_PROTOCOLS = ("rest-json", "rest-xml")


# -- rendering --------------------------------------------------------------------------


def render(operation_model: Any, output: Mapping[str, Any], method: str | None) -> Rendered:
    """The HTTP response AWS would send with ``output``, in the client's protocol.

    ``output`` must have passed ``aiomoto._output_check.check``.
    """
    service_model = operation_model.service_model
    protocol = _wire._protocol(service_model)
    shape = operation_model.output_shape
    status = int(operation_model.http.get("responseCode", 200))
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id}
    body = b""
    if protocol in _REST_PROTOCOLS:
        status = _bind_to_http(shape, output, headers, status)
        body = _rest_body(protocol, shape, output, headers)
    elif protocol in ("json", "smithy-rpc-v2-cbor"):
        body = _rpc_body(protocol, service_model, shape, output, headers)
    else:
        body = _query_body(protocol, operation_model, shape, output, request_id, headers)
    if method == "HEAD":
        body = b""
    return status, headers, body


def _members(shape: Any, output: Mapping[str, Any], *, in_body: bool = True) -> Iterable[Any]:
    """(name, member shape, value) of the members given, in the body or bound to HTTP."""
    if shape is None:
        return []
    return [
        (name, member, output[name])
        for name, member in shape.members.items()
        if name in output
        and output[name] is not None
        and (("location" not in member.serialization) == in_body)
        and not member.serialization.get("eventheader")
    ]


def _bind_to_http(
    shape: Any, output: Mapping[str, Any], headers: dict[str, str], status: int
) -> int:
    for name, member, value in _members(shape, output, in_body=False):
        location = member.serialization["location"]
        if location == "statusCode":
            status = int(value)
        elif location == "headers":
            prefix = member.serialization.get("name", "")
            headers.update({prefix + key: str(item) for key, item in value.items()})
        else:  # "header": the only other place an output member is bound to
            headers[member.serialization.get("name", name)] = _header_text(member, value)
    return status


def _header_text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "list":
        return ", ".join(_header_text(shape.member, item) for item in value)
    if kind == "timestamp":
        return email.utils.format_datetime(_as_datetime(value), usegmt=True)
    if kind == "blob":
        return base64.b64encode(_as_bytes(value)).decode()
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value).encode()).decode()
    return _text(kind, value)


def _rest_body(
    protocol: str, shape: Any, output: Mapping[str, Any], headers: dict[str, str]
) -> bytes:
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload is None:
        members = _members(shape, output)
        if not members:
            return b""
        return _document(protocol, shape.name, shape, dict((n, v) for n, _, v in members), headers)
    member = shape.members[payload]
    value = output.get(payload)
    if member.serialization.get("eventstream"):
        headers["Content-Type"] = "application/vnd.amazon.eventstream"
        return _events(protocol, member, value or [])
    if value is None:
        return b""
    if member.type_name in ("blob", "string"):
        return _as_bytes(value)
    name = member.serialization.get("name", member.name)
    return _document(protocol, name, member, value, headers)


def _document(
    protocol: str, root: str, shape: Any, value: Mapping[str, Any], headers: dict[str, str]
) -> bytes:
    """A structure as the body of a JSON or XML protocol."""
    if protocol in _JSON_PROTOCOLS:
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(_plain(shape, value, protocol)).encode()
    headers.setdefault("Content-Type", "application/xml")
    element = ElementTree.Element(root)
    _xml_fields(element, shape, value)
    return _xml_bytes(element)


def _rpc_body(
    protocol: str,
    service_model: Any,
    shape: Any,
    output: Mapping[str, Any],
    headers: dict[str, str],
) -> bytes:
    stream = shape.event_stream_name if shape is not None else None
    top = {name: value for name, _, value in _members(shape, output) if name != stream}
    if protocol == "json":
        version = service_model.metadata.get("jsonVersion", "1.0")
        headers["Content-Type"] = f"application/x-amz-json-{version}"
    else:
        headers["Content-Type"] = "application/cbor"
        headers["smithy-protocol"] = "rpc-v2-cbor"
    if stream is None:
        return _encode_rpc(protocol, shape, top)
    # These protocols open a stream with the output's other members.
    headers["Content-Type"] = "application/vnd.amazon.eventstream"
    initial = _eventstream.message(
        {":message-type": "event", ":event-type": "initial-response"},
        _encode_rpc(protocol, shape, top),
    )
    return initial + _events(protocol, shape.members[stream], output.get(stream) or [])


def _encode_rpc(protocol: str, shape: Any, value: Mapping[str, Any]) -> bytes:
    if shape is None:
        value = {}
    if protocol == "json":
        return json.dumps(_plain(shape, value, protocol) if shape is not None else {}).encode()
    return _cbor.encode(_plain(shape, value, protocol) if shape is not None else {})


def _events(protocol: str, shape: Any, events: Iterable[Mapping[str, Any]]) -> bytes:
    """The messages of an event stream, one per event."""
    out = bytearray()
    for event in events:
        [(name, members)] = event.items()
        event_shape = shape.members[name]
        headers: dict[str, object] = {":message-type": "event", ":event-type": name}
        for member_name, member in event_shape.members.items():
            if member.serialization.get("eventheader") and member_name in members:
                headers[member_name] = _header_value(member, members[member_name])
        payload, headers[":content-type"] = _event_payload(protocol, event_shape, members)
        out += _eventstream.message(headers, payload)
    return bytes(out)


def _header_value(shape: Any, value: Any) -> object:
    if shape.type_name == "timestamp":
        return _as_datetime(value)
    if shape.type_name == "blob":
        return _as_bytes(value)
    return value


def _event_payload(protocol: str, shape: Any, members: Mapping[str, Any]) -> tuple[bytes, str]:
    for name, member in shape.members.items():
        if member.serialization.get("eventpayload"):
            value = members.get(name)
            if member.type_name == "blob":
                return _as_bytes(value or b""), "application/octet-stream"
            if member.type_name == "string":
                return _as_bytes(value or ""), "text/plain"
            return _event_document(protocol, member, name, value or {})
    body = {n: v for n, _, v in _members(shape, members)}
    return _event_document(protocol, shape, shape.name, body)


def _event_document(
    protocol: str, shape: Any, root: str, value: Mapping[str, Any]
) -> tuple[bytes, str]:
    if protocol in _JSON_PROTOCOLS:
        return json.dumps(_plain(shape, value, protocol)).encode(), "application/json"
    if protocol == "smithy-rpc-v2-cbor":
        return _cbor.encode(_plain(shape, value, protocol)), "application/cbor"
    element = ElementTree.Element(root)
    _xml_fields(element, shape, value)
    return _xml_bytes(element), "text/xml"


def _plain(shape: Any, value: Any, protocol: str) -> Any:
    """``value`` as JSON (or CBOR) data: names as serialized, timestamps and blobs encoded."""
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return value
        return {
            (
                member.serialization.get("name", name) if protocol != "smithy-rpc-v2-cbor" else name
            ): (_plain(member, value[name], protocol))
            for name, member in shape.members.items()
            if value.get(name) is not None and "location" not in member.serialization
        }
    if kind == "list":
        return [_plain(shape.member, item, protocol) for item in value]
    if kind == "map":
        return {key: _plain(shape.value, item, protocol) for key, item in value.items()}
    if kind == "timestamp":
        moment = _as_datetime(value)
        return moment if protocol == "smithy-rpc-v2-cbor" else moment.timestamp()
    if kind == "blob":
        data = _as_bytes(value)
        return data if protocol == "smithy-rpc-v2-cbor" else base64.b64encode(data).decode()
    if kind in ("float", "double") and protocol == "smithy-rpc-v2-cbor":
        return float(value)
    return value


def _query_body(
    protocol: str,
    operation_model: Any,
    shape: Any,
    output: Mapping[str, Any],
    request_id: str,
    headers: dict[str, str],
) -> bytes:
    headers["Content-Type"] = "text/xml"
    root = ElementTree.Element(f"{operation_model.name}Response")
    namespace = operation_model.service_model.metadata.get("xmlNamespace")
    if namespace:
        root.set("xmlns", namespace)
    if protocol == "ec2":
        ElementTree.SubElement(root, "requestId").text = request_id
        if shape is not None:
            _xml_fields(root, shape, output)
        return _xml_bytes(root)
    wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
    if shape is not None:
        parent = root if wrapper is None else ElementTree.SubElement(root, wrapper)
        _xml_fields(parent, shape, output)
    metadata = ElementTree.SubElement(root, "ResponseMetadata")
    ElementTree.SubElement(metadata, "RequestId").text = request_id
    return _xml_bytes(root)


def _xml_fields(element: ElementTree.Element, shape: Any, value: Mapping[str, Any]) -> None:
    namespace = shape.serialization.get("xmlNamespace")
    if namespace:
        # An attribute such as S3's xsi:type needs its prefix declared.
        prefix = namespace.get("prefix")
        element.set(f"xmlns:{prefix}" if prefix else "xmlns", namespace["uri"])
    for name, member, item in _members(shape, value):
        serialized = member.serialization.get("name", name)
        if member.serialization.get("xmlAttribute"):
            element.set(serialized, _text(member.type_name, item))
        else:
            _xml_member(element, serialized, member, item)


def _xml_member(parent: ElementTree.Element, name: str, shape: Any, value: Any) -> None:
    kind = shape.type_name
    flattened = shape.serialization.get("flattened", False)
    if kind == "list":
        item_shape = shape.member
        if flattened:
            item_name = item_shape.serialization.get("name", name)
            for item in value:
                _xml_member(parent, item_name, item_shape, item)
            return
        wrapper = ElementTree.SubElement(parent, name)
        for item in value:
            _xml_member(wrapper, item_shape.serialization.get("name", "member"), item_shape, item)
    elif kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        holder = parent if flattened else ElementTree.SubElement(parent, name)
        for key, item in value.items():
            entry = ElementTree.SubElement(holder, name if flattened else "entry")
            _xml_member(entry, key_name, shape.key, key)
            _xml_member(entry, value_name, shape.value, item)
    elif kind == "structure":
        _xml_fields(ElementTree.SubElement(parent, name), shape, value)
    elif kind == "timestamp":
        moment = _as_datetime(value).astimezone(datetime.timezone.utc)
        ElementTree.SubElement(parent, name).text = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    elif kind == "blob":
        ElementTree.SubElement(parent, name).text = base64.b64encode(_as_bytes(value)).decode()
    else:
        ElementTree.SubElement(parent, name).text = _text(kind, value)


def _xml_bytes(element: ElementTree.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(element)


def _text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def _as_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        moment = parse_timestamp(value)
    else:
        moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.timezone.utc)


def _as_bytes(value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
