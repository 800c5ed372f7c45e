"""Large S3 bodies in snapshots: kept out of the pickle, shared by restores, never written into.

A snapshot keeps each S3 body of at least ``_state_reducers.OUT_OF_BAND``
bytes as the bytes themselves, beside the pickle; every restore hands Moto
those same bytes instead of copying them. Bytes cannot change, and Moto
copies a body before it first writes into a key's buffer: these tests check
that no write after a restore reaches the snapshot, and that snapshot files
carry the bodies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from aiomoto import Snapshot, SnapshotError, _state_copy, mock_aws, snapshots
from aiomoto._state_reducers import OUT_OF_BAND

REGION = "us-east-1"
BIG = b"big body " * (OUT_OF_BAND // 8)
SMALL = b"small body"


def s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def body(key: str) -> bytes:
    data: bytes = s3().get_object(Bucket="bodies", Key=key)["Body"].read()
    return data


def live_value(key: str) -> bytes:
    from moto.s3.models import s3_backends

    value: bytes = s3_backends["123456789012"]["aws"].buckets["bodies"].keys[key].value
    return value


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    """A bucket holding one large and one small object."""
    with mock_aws() as mock:
        s3().create_bucket(Bucket="bodies")
        s3().put_object(Bucket="bodies", Key="big", Body=BIG)
        s3().put_object(Bucket="bodies", Key="small", Body=SMALL)
        return mock.snapshot()


def test_a_large_body_is_kept_beside_the_pickle_not_in_it(snapshot: Snapshot) -> None:
    assert snapshot._buffers == (BIG,)
    assert BIG not in snapshot._payload
    assert SMALL in snapshot._payload


def test_snapshot_size_counts_the_bodies_kept_beside_the_pickle(snapshot: Snapshot) -> None:
    assert snapshot.size == len(snapshot._payload) + len(BIG)


def test_a_restored_large_body_is_the_snapshots_bytes_not_a_copy(snapshot: Snapshot) -> None:
    with mock_aws(state=snapshot):
        assert live_value("big") is snapshot._buffers[0]


def test_a_restore_serves_the_large_and_small_bodies(snapshot: Snapshot) -> None:
    with mock_aws(state=snapshot):
        assert body("big") == BIG
        assert body("small") == SMALL


def test_overwriting_a_restored_large_body_leaves_the_snapshot_unchanged(
    snapshot: Snapshot,
) -> None:
    for round_ in range(3):
        with mock_aws(state=snapshot):
            assert body("big") == BIG
            s3().put_object(Bucket="bodies", Key="big", Body=b"overwritten %d" % round_)
            assert body("big") == b"overwritten %d" % round_
    assert snapshot._buffers == (BIG,)


def test_writing_into_a_restored_keys_buffer_copies_the_body_first(snapshot: Snapshot) -> None:
    from moto.s3.models import s3_backends

    with mock_aws(state=snapshot):
        key = s3_backends["123456789012"]["aws"].buckets["bodies"].keys["big"]
        key._value_buffer.seek(0)
        key._value_buffer.write(b"X" * 16)  # what an in-place write by Moto would do
        assert key.value.startswith(b"X" * 16)
        assert snapshot._buffers[0] == BIG
    with mock_aws(state=snapshot):
        assert body("big") == BIG


def test_a_large_body_survives_save_and_load(snapshot: Snapshot, tmp_path: Path) -> None:
    snapshot.save(tmp_path / "bodies.snapshot")
    loaded = Snapshot.load(tmp_path / "bodies.snapshot")
    assert loaded._buffers == (BIG,)
    assert loaded.size == snapshot.size
    with mock_aws(state=loaded):
        assert body("big") == BIG
        assert body("small") == SMALL


def test_a_saved_file_lists_the_size_of_each_body_in_its_header(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    header, rest = saved_parts(snapshot, tmp_path)
    assert header["buffers"] == [len(BIG)]
    assert header["size"] == len(rest) == snapshot.size
    assert rest.endswith(BIG)


def test_load_of_a_file_whose_body_was_changed_raises_saying_so(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    header, rest = saved_parts(snapshot, tmp_path)
    changed = rest[:-1] + bytes([rest[-1] ^ 1])
    with pytest.raises(SnapshotError, match="does not match the checksum"):
        Snapshot.load(doctored(tmp_path, header, changed))


def test_load_of_a_file_listing_more_body_bytes_than_it_holds_raises_saying_so(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    header, rest = saved_parts(snapshot, tmp_path)
    header["buffers"] = [len(rest) + 1]
    with pytest.raises(SnapshotError, match="lists more bytes of S3 bodies than it holds"):
        Snapshot.load(doctored(tmp_path, header, rest))


@pytest.mark.parametrize("sizes", ["10", [-1], [1.5]], ids=["not a list", "negative", "float"])
def test_load_of_a_file_with_damaged_body_sizes_raises_saying_so(
    snapshot: Snapshot, tmp_path: Path, sizes: object
) -> None:
    header, rest = saved_parts(snapshot, tmp_path)
    header["buffers"] = sizes
    with pytest.raises(SnapshotError, match="truncated or damaged: its header"):
        Snapshot.load(doctored(tmp_path, header, rest))


def test_a_file_whose_header_lists_no_bodies_loads(tmp_path: Path) -> None:
    with mock_aws() as mock:
        s3().create_bucket(Bucket="bodies")
        s3().put_object(Bucket="bodies", Key="small", Body=SMALL)
        small = mock.snapshot()
    header, rest = saved_parts(small, tmp_path)
    del header["buffers"]
    loaded = Snapshot.load(doctored(tmp_path, header, rest))
    with mock_aws(state=loaded):
        assert body("small") == SMALL


def test_the_engine_without_a_buffer_list_keeps_large_bodies_in_the_pickle() -> None:
    with mock_aws():
        s3().create_bucket(Bucket="bodies")
        s3().put_object(Bucket="bodies", Key="big", Body=BIG)
        data = _state_copy.capture()
        s3().put_object(Bucket="bodies", Key="big", Body=SMALL)
        _state_copy.restore(data)
        assert BIG in data
        assert body("big") == BIG


def test_the_engine_refuses_a_pickle_whose_bodies_are_missing() -> None:
    with mock_aws():
        s3().create_bucket(Bucket="bodies")
        s3().put_object(Bucket="bodies", Key="big", Body=BIG)
        data = _state_copy.capture([])
        with pytest.raises(SnapshotError, match="cannot be restored"):
            _state_copy.restore(data)
        assert body("big") == BIG


# -- helpers ---------------------------------------------------------------------


def saved_parts(snapshot: Snapshot, tmp_path: Path) -> tuple[dict[str, Any], bytes]:
    snapshot.save(tmp_path / "state.snapshot")
    with open(tmp_path / "state.snapshot", "rb") as file:
        file.readline()
        return json.loads(file.readline()), file.read()


def doctored(tmp_path: Path, header: object, rest: bytes) -> Path:
    path = tmp_path / "doctored.snapshot"
    path.write_bytes(snapshots.MAGIC + json.dumps(header).encode() + b"\n" + rest)
    return path
