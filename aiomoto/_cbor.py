"""A small CBOR encoder (RFC 8949), for ``smithy-rpc-v2-cbor`` bodies.

botocore parses CBOR but has no encoder, and neither has Moto; responses
aiomoto renders for CBOR services (a fault's error, a stub's output) are
encoded here. It writes the definite-length forms only, which every CBOR
decoder reads, and the types Smithy's RPC v2 CBOR protocol uses: maps with
text keys, arrays, text and byte strings, integers, doubles, booleans,
null, and timestamps (tag 1, epoch seconds).
"""

from __future__ import annotations

import datetime
import struct
from collections.abc import Mapping, Sequence

__all__ = ["encode"]

_UNSIGNED, _NEGATIVE, _BYTES, _TEXT, _ARRAY, _MAP, _TAG = range(7)
_FALSE, _TRUE, _NULL, _DOUBLE = b"\xf4", b"\xf5", b"\xf6", b"\xfb"
_EPOCH_TAG = 1


def encode(value: object) -> bytes:
    """``value`` as CBOR; raises ``TypeError`` for a type CBOR bodies do not carry."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _encode(value: object, out: bytearray) -> None:
    if value is None:
        out += _NULL
    elif isinstance(value, bool):
        out += _TRUE if value else _FALSE
    elif isinstance(value, int):
        if value >= 0:
            out += _head(_UNSIGNED, value)
        else:
            out += _head(_NEGATIVE, -1 - value)
    elif isinstance(value, float):
        out += _DOUBLE + struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        out += _head(_TEXT, len(data)) + data
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        out += _head(_BYTES, len(data)) + data
    elif isinstance(value, datetime.datetime):
        out += _head(_TAG, _EPOCH_TAG)
        _encode(_epoch_seconds(value), out)
    elif isinstance(value, Mapping):
        out += _head(_MAP, len(value))
        for key, item in value.items():
            _encode(key, out)
            _encode(item, out)
    elif isinstance(value, Sequence):
        out += _head(_ARRAY, len(value))
        for item in value:
            _encode(item, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR: {value!r}")


def _epoch_seconds(value: datetime.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.timestamp()


def _head(major: int, argument: int) -> bytes:
    """The initial byte(s) of an item: its major type and length or value."""
    if argument < 24:
        return bytes([major << 5 | argument])
    if argument < 0x100:
        return bytes([major << 5 | 24, argument])
    if argument < 0x10000:
        return bytes([major << 5 | 25]) + struct.pack(">H", argument)
    if argument < 0x1_0000_0000:
        return bytes([major << 5 | 26]) + struct.pack(">I", argument)
    if argument < 0x1_0000_0000_0000_0000:
        return bytes([major << 5 | 27]) + struct.pack(">Q", argument)
    raise OverflowError(f"{argument} does not fit in a CBOR integer (64 bits)")
