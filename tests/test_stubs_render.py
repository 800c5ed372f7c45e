"""Rendering a stub's output, unit by unit: every shape kind, read back by botocore's parsers.

The end-to-end tests (test_stubs.py) go through real clients and real
models; the models botocore ships use some shape features nowhere in an
output (list and blob headers, event headers, flattened XML maps), so those
are rendered here against small models of our own.
"""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import botocore.parsers
import pytest
from botocore.awsrequest import HeadersDict
from botocore.eventstream import EventStream, EventStreamBuffer
from botocore.model import ServiceModel

from aiomoto import _cbor, _eventstream, _output_check, _render

WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)


def _operation(protocol: str, output: dict[str, Any], shapes: dict[str, Any]) -> Any:
    definition = {
        "metadata": {
            "protocol": protocol,
            "protocols": [protocol],
            "serviceId": "Synthetic",
            "apiVersion": "2024-01-01",
            "endpointPrefix": "synthetic",
            "jsonVersion": "1.0",
            "targetPrefix": "Synthetic",
        },
        "operations": {
            "Op": {
                "name": "Op",
                "http": {"method": "POST", "requestUri": "/"},
                "output": {"shape": "OpOutput"},
            }
        },
        "shapes": {
            "OpOutput": {"type": "structure", **output},
            "String": {"type": "string"},
            "Long": {"type": "long"},
            "Boolean": {"type": "boolean"},
            "Blob": {"type": "blob"},
            "Timestamp": {"type": "timestamp"},
            **shapes,
        },
    }
    return ServiceModel(definition, "synthetic").operation_model("Op")


def _parse(operation: Any, output: dict[str, Any]) -> dict[str, Any]:
    _output_check.check(operation.output_shape, output, "response")
    status, headers, body = _render.render(operation, output, "POST")
    protocol = operation.service_model.protocol
    response = {
        "status_code": status,
        "headers": HeadersDict(headers),
        "body": body,
        "context": {},
    }
    if operation.has_event_stream_output:
        response["body"] = _Raw(body)
    parsed = botocore.parsers.create_parser(protocol).parse(response, operation.output_shape)
    parsed.pop("ResponseMetadata", None)
    return {k: list(v) if isinstance(v, EventStream) else v for k, v in parsed.items()}


class _Raw:
    """The raw-stream shape botocore's EventStream reads."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self) -> Any:
        yield self._data.read()


def test_members_of_every_kind_bound_to_headers() -> None:
    operation = _operation(
        "rest-json",
        {
            "members": {
                "Names": {"shape": "Names", "location": "header", "locationName": "x-names"},
                "Token": {"shape": "Blob", "location": "header", "locationName": "x-token"},
                "Doc": {"shape": "JsonString", "location": "header", "locationName": "x-doc"},
                "At": {"shape": "Timestamp", "location": "header", "locationName": "x-at"},
                "Count": {"shape": "Long", "location": "header", "locationName": "x-count"},
                "On": {"shape": "Boolean", "location": "header", "locationName": "x-on"},
                "Meta": {"shape": "Meta", "location": "headers", "locationName": "x-meta-"},
            }
        },
        {
            "Names": {"type": "list", "member": {"shape": "String"}},
            "JsonString": {"type": "string", "jsonvalue": True},
            "Meta": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
        },
    )
    output = {
        "Names": ["a", "b"],
        "Token": b"\x00secret",
        "Doc": {"slots": [1, 2]},
        "At": WHEN,
        "Count": 3,
        "On": True,
        "Meta": {"k": "v"},
    }
    assert _parse(operation, output) == output


def _stream_operation(protocol: str, event_members: dict[str, Any]) -> Any:
    return _operation(
        protocol,
        {"members": {"Events": {"shape": "Events"}, "Id": {"shape": "String"}}, "payload": "Events"}
        if protocol.startswith("rest")
        else {"members": {"Events": {"shape": "Events"}, "Id": {"shape": "String"}}},
        {
            "Events": {
                "type": "structure",
                "eventstream": True,
                "members": {"Tick": {"shape": "Tick"}, "Note": {"shape": "Note"}},
            },
            "Tick": {"type": "structure", "event": True, "members": event_members},
            "Note": {
                "type": "structure",
                "event": True,
                "members": {"Text": {"shape": "String", "eventpayload": True}},
            },
        },
    )


def test_event_members_bound_to_event_headers() -> None:
    operation = _stream_operation(
        "rest-json",
        {
            "Name": {"shape": "String", "eventheader": True},
            "Count": {"shape": "Long", "eventheader": True},
            "On": {"shape": "Boolean", "eventheader": True},
            "At": {"shape": "Timestamp", "eventheader": True},
            "Raw": {"shape": "Blob", "eventheader": True},
            "Body": {"shape": "String"},
        },
    )
    tick = {"Name": "n", "Count": 7, "On": False, "At": WHEN, "Raw": b"\x01", "Body": "b"}
    events = [{"Tick": tick}, {"Note": {"Text": "plain text"}}]
    assert _parse(operation, {"Events": events}) == {"Events": events}


@pytest.mark.parametrize("protocol", ["json", "smithy-rpc-v2-cbor"])
def test_an_rpc_event_stream_opens_with_the_other_members(protocol: str) -> None:
    operation = _stream_operation(protocol, {"Body": {"shape": "String"}})
    output = {"Id": "first", "Events": [{"Tick": {"Body": "b"}}]}
    assert _parse(operation, output) == output


def test_flattened_xml_maps_blobs_and_namespaces() -> None:
    operation = _operation(
        "rest-xml",
        {
            "members": {
                "Tags": {"shape": "Tags", "flattened": True},
                "Data": {"shape": "Blob"},
                "Inner": {"shape": "Inner"},
            }
        },
        {
            "Tags": {
                "type": "map",
                "flattened": True,
                "key": {"shape": "String", "locationName": "Name"},
                "value": {"shape": "String", "locationName": "Value"},
            },
            "Inner": {
                "type": "structure",
                "xmlNamespace": {"uri": "https://example.com/inner"},
                "members": {"Id": {"shape": "String"}},
            },
        },
    )
    output = {"Tags": {"a": "1", "b": "2"}, "Data": b"\x00\xff", "Inner": {"Id": "i"}}
    assert _parse(operation, output) == output


def test_an_output_for_an_operation_without_output_must_be_empty() -> None:
    with pytest.raises(ValueError, match="no output members"):
        _output_check.check(None, {"Anything": 1}, "response")
    with pytest.raises(TypeError, match="must be a dict"):
        _output_check.check(None, [], "response")


# -- CBOR --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        23,
        24,
        255,
        256,
        65535,
        65536,
        2**32,
        2**64 - 1,
        -1,
        -25,
        -(2**64),
        1.5,
        "",
        "é" * 300,
        b"\x00" * 70_000,
        [1, [2, "three"]],
        {"a": {"b": [None]}},
        WHEN,
    ],
)
def test_cbor_values_read_back_with_botocores_parser(value: object) -> None:
    parser = botocore.parsers.RpcV2CBORParser()
    data = _cbor.encode(value)
    assert parser.parse_data_item(parser.get_peekable_stream_from_bytes(data)) == value


def test_a_naive_datetime_is_encoded_as_utc() -> None:
    parser = botocore.parsers.RpcV2CBORParser()
    data = _cbor.encode(WHEN.replace(tzinfo=None))
    assert parser.parse_data_item(parser.get_peekable_stream_from_bytes(data)) == WHEN


def test_cbor_refuses_what_it_cannot_encode() -> None:
    with pytest.raises(OverflowError, match="64 bits"):
        _cbor.encode(2**64)
    with pytest.raises(TypeError, match="cannot encode object"):
        _cbor.encode(object())


# -- event-stream framing -----------------------------------------------------------------


def test_event_stream_headers_of_every_type_read_back() -> None:
    key = uuid.UUID(int=5)
    headers = {"t": True, "f": False, "n": -3, "at": WHEN, "id": key, "raw": b"\x01", "s": "x"}
    buffer = EventStreamBuffer()
    buffer.add_data(_eventstream.message(headers, b"payload"))
    [message] = list(buffer)
    assert message.payload == b"payload"
    assert message.headers == {
        "t": True,
        "f": False,
        "n": -3,
        "at": int(WHEN.timestamp() * 1000),
        "id": key.bytes,
        "raw": b"\x01",
        "s": "x",
    }


@pytest.mark.parametrize("protocol", ["query", "ec2"])
def test_query_protocols_without_a_namespace(protocol: str) -> None:
    operation = _operation(
        protocol,
        {"members": {"Names": {"shape": "Names"}, "At": {"shape": "Timestamp"}}},
        {"Names": {"type": "list", "member": {"shape": "String", "locationName": "item"}}},
    )
    output = {"Names": ["a", "b"], "At": WHEN}
    assert _parse(operation, output) == output


def test_cbor_numbers_of_a_double_member_are_sent_as_doubles() -> None:
    operation = _operation(
        "smithy-rpc-v2-cbor",
        {"members": {"Ratio": {"shape": "Double"}, "At": {"shape": "Timestamp"}}},
        {"Double": {"type": "double"}},
    )
    parsed = _parse(operation, {"Ratio": 2, "At": WHEN})
    assert parsed == {"Ratio": 2.0, "At": WHEN}
    assert isinstance(parsed["Ratio"], float)
