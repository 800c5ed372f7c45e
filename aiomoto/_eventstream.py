"""Event-stream framing (``application/vnd.amazon.eventstream``), for streamed stub answers.

Operations such as Bedrock's ``ConverseStream`` or S3's
``SelectObjectContent`` answer with a sequence of binary messages, each a
prelude (lengths and their CRC32), typed headers, a payload and a CRC32 of
the whole; botocore's ``EventStream`` checks both checksums. This module
writes such messages; what goes in their payloads is ``aiomoto._render``'s
job.
"""

from __future__ import annotations

import binascii
import datetime
import struct
import uuid
from collections.abc import Mapping

__all__ = ["message"]

#: The header value types of the framing, by the Python type written as each.
_TRUE, _FALSE, _INT64, _BYTES, _STRING, _TIMESTAMP, _UUID = 0, 1, 5, 6, 7, 8, 9


def message(headers: Mapping[str, object], payload: bytes) -> bytes:
    """One event-stream message with ``headers`` (names -> values) and ``payload``."""
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    framed = prelude + struct.pack(">I", binascii.crc32(prelude)) + encoded + payload
    return framed + struct.pack(">I", binascii.crc32(framed))


def _header(name: str, value: object) -> bytes:
    key = name.encode("utf-8")
    head = struct.pack(">B", len(key)) + key
    if isinstance(value, bool):
        return head + bytes([_TRUE if value else _FALSE])
    if isinstance(value, int):
        return head + bytes([_INT64]) + struct.pack(">q", value)
    if isinstance(value, datetime.datetime):
        millis = int(value.timestamp() * 1000)
        return head + bytes([_TIMESTAMP]) + struct.pack(">q", millis)
    if isinstance(value, uuid.UUID):
        return head + bytes([_UUID]) + value.bytes
    if isinstance(value, (bytes, bytearray)):
        return head + bytes([_BYTES]) + struct.pack(">H", len(value)) + bytes(value)
    data = str(value).encode("utf-8")
    return head + bytes([_STRING]) + struct.pack(">H", len(data)) + data
