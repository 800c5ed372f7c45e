"""Snapshots: ``MockAWS.snapshot()`` / ``restore()``, ``mock_aws(state=...)``, snapshot files.

What a snapshot holds, service by service, is ``aiomoto._state_copy``'s job
and has its own tests; these use S3 and DynamoDB as examples of state.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import pickle
import subprocess
import sys
import threading
import unittest
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest

from aiomoto import (
    MockAWS,
    MockAWSOptions,
    MockAWSTestCase,
    MockStateError,
    Snapshot,
    SnapshotError,
    _activation,
    _gate,
    _state_copy,
    mock_aws,
    server,
    snapshots,
)
from tests.conftest import PATIENCE, AioClientFactory

REGION = "us-east-1"


def s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def bucket_names() -> set[str]:
    return {bucket["Name"] for bucket in s3().list_buckets()["Buckets"]}


def put_item(key: str) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName="table", Item={"pk": {"S": key}}
    )


def item_keys() -> set[str]:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="table")["Items"]
    return {item["pk"]["S"] for item in items}


def build_state() -> None:
    """A bucket holding an object, and a table holding an item."""
    s3().create_bucket(Bucket="seeded")
    s3().put_object(Bucket="seeded", Key="key", Body=b"seeded body")
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    put_item("seeded")


@pytest.fixture(scope="module")
def seeded() -> Snapshot:
    """A snapshot of ``build_state()``."""
    with mock_aws() as mock:
        build_state()
        return mock.snapshot()


@pytest.fixture
def other() -> Snapshot:
    """A snapshot holding only a bucket named ``other``."""
    with mock_aws() as mock:
        s3().create_bucket(Bucket="other")
        return mock.snapshot()


# -- snapshot() and restore() --------------------------------------------------


def test_snapshot_is_not_changed_by_later_changes(seeded: Snapshot) -> None:
    with mock_aws() as mock:
        mock.restore(seeded)
        s3().create_bucket(Bucket="later")
        put_item("later")
        mock.restore(seeded)
        assert bucket_names() == {"seeded"}
        assert item_keys() == {"seeded"}


def test_restore_replaces_the_whole_state(seeded: Snapshot) -> None:
    with mock_aws() as mock:
        s3().create_bucket(Bucket="before")
        mock.restore(seeded)
        assert bucket_names() == {"seeded"}
        assert s3().get_object(Bucket="seeded", Key="key")["Body"].read() == b"seeded body"


def test_restore_gives_a_fresh_copy_every_time(seeded: Snapshot) -> None:
    with mock_aws() as mock:
        for round_ in range(3):
            mock.restore(seeded)
            assert item_keys() == {"seeded"}
            put_item(f"round-{round_}")
            s3().put_object(Bucket="seeded", Key="key", Body=f"round {round_}".encode())
        mock.restore(seeded)
        assert item_keys() == {"seeded"}
        assert s3().get_object(Bucket="seeded", Key="key")["Body"].read() == b"seeded body"


def test_restore_works_in_another_mock_than_the_one_that_took_it(seeded: Snapshot) -> None:
    with mock_aws():
        assert bucket_names() == set()
    with mock_aws() as mock:
        mock.restore(seeded)
        assert bucket_names() == {"seeded"}


def test_a_nested_mock_snapshots_and_restores_the_one_shared_state() -> None:
    with mock_aws() as outer:
        s3().create_bucket(Bucket="outer")
        with mock_aws() as inner:
            taken = inner.snapshot()
            s3().create_bucket(Bucket="inner")
        outer.restore(taken)
        assert bucket_names() == {"outer"}


async def test_snapshot_and_restore_serve_async_clients(aio_client: AioClientFactory) -> None:
    async with mock_aws() as mock:
        async with aio_client("s3") as client:
            await client.create_bucket(Bucket="async-seeded")
            taken = mock.snapshot()
            await client.create_bucket(Bucket="async-later")
            mock.restore(taken)
            names = {b["Name"] for b in (await client.list_buckets())["Buckets"]}
    assert names == {"async-seeded"}


def test_state_is_emptied_by_the_outermost_exit_after_a_restore(seeded: Snapshot) -> None:
    with mock_aws() as mock:
        mock.restore(seeded)
    with mock_aws(reset=False):
        assert bucket_names() == set()


# -- misuse of snapshot() and restore() ---------------------------------------


def test_snapshot_before_start_raises_mock_state_error() -> None:
    with pytest.raises(MockStateError, match=r"snapshot\(\) was called on a mock_aws that is not"):
        mock_aws().snapshot()


def test_snapshot_after_stop_raises_mock_state_error() -> None:
    mock = mock_aws()
    with mock:
        pass
    with pytest.raises(MockStateError, match="not active"):
        mock.snapshot()


def test_snapshot_of_an_inactive_mock_raises_even_while_another_is_active() -> None:
    with mock_aws(), pytest.raises(MockStateError, match="not active"):
        mock_aws().snapshot()


def test_restore_outside_the_mock_raises_mock_state_error(seeded: Snapshot) -> None:
    with pytest.raises(MockStateError, match=r"restore\(\) was called on a mock_aws that is not"):
        mock_aws().restore(seeded)


@pytest.mark.parametrize("value", [None, b"bytes", "a path", object()], ids=repr)
def test_restore_of_something_else_than_a_snapshot_raises_type_error(value: Any) -> None:
    with mock_aws() as mock, pytest.raises(TypeError, match=r"restore\(snapshot\) takes an aio"):
        mock.restore(value)


def test_restore_of_none_says_how_to_empty_the_backends() -> None:
    with mock_aws() as mock, pytest.raises(TypeError, match=r"call reset\(\)"):
        mock.restore(None)  # type: ignore[arg-type]


def test_snapshot_raises_what_the_engine_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> bytes:
        raise SnapshotError("batch: a job is still running")

    monkeypatch.setattr(_state_copy, "capture", refuse)
    with mock_aws() as mock, pytest.raises(SnapshotError, match="batch: a job"):
        mock.snapshot()


# -- the Snapshot object ------------------------------------------------------


def test_snapshot_records_the_versions_it_was_made_with(seeded: Snapshot) -> None:
    assert dict(seeded.versions) == snapshots.current_versions()
    assert set(seeded.versions) == {"moto", "aiomoto", "python", "botocore"}


def test_snapshot_versions_cannot_be_changed(seeded: Snapshot) -> None:
    with pytest.raises(TypeError):
        seeded.versions["moto"] = "0"  # type: ignore[index]


def test_snapshot_attributes_cannot_be_set(seeded: Snapshot) -> None:
    with pytest.raises(AttributeError, match="immutable"):
        seeded._payload = b""


def test_snapshot_attributes_cannot_be_deleted(seeded: Snapshot) -> None:
    with pytest.raises(AttributeError, match="immutable"):
        del seeded._payload


def test_snapshot_cannot_be_made_directly() -> None:
    with pytest.raises(TypeError, match=r"MockAWS.snapshot\(\)"):
        Snapshot()


def test_copying_a_snapshot_gives_the_same_immutable_object(seeded: Snapshot) -> None:
    assert copy.copy(seeded) is seeded
    assert copy.deepcopy(seeded) is seeded


def test_pickling_a_snapshot_raises_type_error_pointing_at_save(seeded: Snapshot) -> None:
    with pytest.raises(TypeError, match=r"save\(path\)"):
        pickle.dumps(seeded)


def test_snapshot_size_is_the_size_of_the_copied_state(seeded: Snapshot) -> None:
    assert seeded.size == len(seeded._payload) > 0


@pytest.mark.parametrize(
    ("size", "shown"), [(10, "10 B"), (2048, "2.0 KiB"), (3 * 1024 * 1024, "3.0 MiB")]
)
def test_snapshot_repr_shows_its_size_and_versions(size: int, shown: str) -> None:
    versions = snapshots.current_versions()
    snapshot = Snapshot._of(b"x" * size, versions)
    assert repr(snapshot) == (
        f"<Snapshot {shown}, Moto {versions['moto']}, aiomoto {versions['aiomoto']}, "
        f"{versions['python']}>"
    )


# -- mock_aws(state=...) ------------------------------------------------------


def test_state_option_starts_the_with_block_from_the_snapshot(seeded: Snapshot) -> None:
    with mock_aws(state=seeded):
        assert bucket_names() == {"seeded"}
        assert item_keys() == {"seeded"}


async def test_state_option_starts_the_async_with_block_from_the_snapshot(
    seeded: Snapshot, aio_client: AioClientFactory
) -> None:
    async with mock_aws(state=seeded), aio_client("s3") as client:
        names = {b["Name"] for b in (await client.list_buckets())["Buckets"]}
    assert names == {"seeded"}


def test_state_option_replaces_data_kept_from_before(seeded: Snapshot) -> None:
    with mock_aws(remove_data=False):
        s3().create_bucket(Bucket="kept")
    with mock_aws(state=seeded):
        assert bucket_names() == {"seeded"}


def test_state_option_starts_each_enter_from_a_fresh_copy(seeded: Snapshot) -> None:
    mock = mock_aws(state=seeded)
    for _ in range(3):
        with mock:
            assert item_keys() == {"seeded"}
            put_item("changed")


def test_state_option_seeds_each_call_of_a_decorated_function(seeded: Snapshot) -> None:
    seen = []

    @mock_aws(state=seeded)
    def use() -> None:
        seen.append(item_keys())
        put_item("changed")

    use()
    use()
    assert seen == [{"seeded"}, {"seeded"}]


async def test_state_option_seeds_a_decorated_coroutine_function(
    seeded: Snapshot, aio_client: AioClientFactory
) -> None:
    @mock_aws(state=seeded)
    async def use() -> set[str]:
        async with aio_client("s3") as client:
            return {b["Name"] for b in (await client.list_buckets())["Buckets"]}

    assert await use() == {"seeded"}


def test_state_option_seeds_each_test_of_a_decorated_test_case(seeded: Snapshot) -> None:
    seen = []

    @mock_aws(state=seeded)
    class Case(unittest.TestCase):
        def test_one(self) -> None:
            seen.append(bucket_names())
            s3().create_bucket(Bucket="changed")

        def test_two(self) -> None:
            seen.append(bucket_names())
            s3().create_bucket(Bucket="changed")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [{"seeded"}, {"seeded"}]


def test_state_option_seeds_each_test_of_a_decorated_pytest_class(seeded: Snapshot) -> None:
    @mock_aws(state=seeded)
    class TestCase:
        def test_it(self) -> set[str]:
            names = bucket_names()
            s3().create_bucket(Bucket="changed")
            return names

    assert TestCase().test_it() == TestCase().test_it() == {"seeded"}


def test_state_in_mock_aws_options_seeds_each_test(seeded: Snapshot) -> None:
    seen = []

    class Case(MockAWSTestCase):
        mock_aws_options: ClassVar[MockAWSOptions] = {"state": seeded}

        def test_one(self) -> None:
            seen.append(bucket_names())
            s3().create_bucket(Bucket="changed")

        def test_two(self) -> None:
            seen.append(bucket_names())

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [{"seeded"}, {"seeded"}]


def test_mock_repr_shows_the_state(seeded: Snapshot) -> None:
    assert repr(mock_aws(state=seeded)).endswith(f", state={seeded!r})")


def test_a_nested_mock_may_repeat_the_outer_state(seeded: Snapshot) -> None:
    with mock_aws(state=seeded):
        s3().create_bucket(Bucket="outer")
        with mock_aws(state=seeded):
            assert bucket_names() == {"seeded", "outer"}


def test_a_nested_mock_with_another_state_raises_naming_the_outer_mock(
    seeded: Snapshot, other: Snapshot
) -> None:
    with mock_aws(state=seeded):
        with pytest.raises(SnapshotError, match=r"entered at .*test_snapshots.py:\d+"):
            mock_aws(state=other).start()
        assert bucket_names() == {"seeded"}
        assert len(_activation.activations()) == 1


def test_a_nested_mock_with_a_state_inside_an_empty_one_raises(seeded: Snapshot) -> None:
    with mock_aws(), pytest.raises(SnapshotError, match="only the outermost enter"):
        mock_aws(state=seeded).start()


@pytest.mark.parametrize("value", ["a path", b"bytes", 1], ids=repr)
def test_state_option_of_something_else_than_a_snapshot_raises_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=r"mock_aws\(state=...\) must be an aiomoto.Snapshot"):
        mock_aws(state=value)


def test_state_option_with_reset_false_raises_value_error(seeded: Snapshot) -> None:
    with pytest.raises(ValueError, match="reset=False"):
        mock_aws(state=seeded, reset=False)


def test_start_with_reset_false_on_a_mock_with_a_state_raises_value_error(
    seeded: Snapshot,
) -> None:
    mock = mock_aws(state=seeded)
    with pytest.raises(ValueError, match="reset=False"):
        mock.start(reset=False)
    assert not _activation.is_active()


def test_a_state_that_fails_to_restore_leaves_nothing_active(
    seeded: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise SnapshotError("cannot restore")

    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    monkeypatch.setattr(_state_copy, "restore", refuse)
    mock = mock_aws(state=seeded)
    with pytest.raises(SnapshotError, match="cannot restore"):
        mock.start()
    assert not _activation.is_active()
    assert mock._depth == 0
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


# -- server mode ---------------------------------------------------------------


def test_server_mode_with_its_own_server_snapshots_and_restores(seeded: Snapshot) -> None:
    with mock_aws(server_mode=True) as mock:
        s3().create_bucket(Bucket="served")
        taken = mock.snapshot()
        mock.restore(seeded)
        assert bucket_names() == {"seeded"}
        mock.restore(taken)
        assert bucket_names() == {"served"}


def test_server_mode_with_its_own_server_starts_from_the_state(seeded: Snapshot) -> None:
    with mock_aws(server_mode=True, state=seeded):
        assert bucket_names() == {"seeded"}


def test_a_state_that_fails_to_restore_in_server_mode_stops_the_server(
    seeded: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise SnapshotError("cannot restore")

    monkeypatch.setattr(_state_copy, "restore", refuse)
    with pytest.raises(SnapshotError, match="cannot restore"):
        mock_aws(server_mode=True, state=seeded).start()
    assert not _activation.is_active()
    assert _activation.server_session() is None
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_a_server_this_process_runs_answers_inside_the_snapshot_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entered: list[str] = []

    @contextlib.contextmanager
    def recording() -> Iterator[None]:
        entered.append(threading.current_thread().name)
        yield

    with mock_aws(server_mode=True):
        monkeypatch.setattr(_gate, "moto_call", recording)
        bucket_names()
    assert entered  # in the server's request threads, not this one
    assert threading.current_thread().name not in entered


class _Body(list[bytes]):
    closed = False

    def close(self) -> None:
        self.closed = True


def test_the_gated_server_app_closes_the_body_it_read() -> None:
    body = _Body([b"a", b"b"])
    assert server._gated(lambda environ, start_response: body)({}, None) == [b"a", b"b"]
    assert body.closed


def test_the_gated_server_app_takes_a_body_without_close() -> None:
    assert server._gated(lambda environ, start_response: iter([b"a"]))({}, None) == [b"a"]


@pytest.fixture
def attached(moto_server: Any) -> Iterator[MockAWS]:
    with mock_aws(server_mode=True, server_port=moto_server.port) as mock:
        yield mock


def test_snapshot_of_a_mock_attached_to_a_server_raises_snapshot_error(
    attached: MockAWS,
) -> None:
    with pytest.raises(SnapshotError, match="state lives in another process"):
        attached.snapshot()


def test_restore_of_a_mock_attached_to_a_server_raises_snapshot_error(
    attached: MockAWS, seeded: Snapshot
) -> None:
    with pytest.raises(SnapshotError, match="state lives in another process"):
        attached.restore(seeded)


def test_state_option_of_a_mock_attached_to_a_server_raises_before_starting(
    moto_server: Any, seeded: Snapshot
) -> None:
    mock = mock_aws(server_mode=True, server_port=moto_server.port, state=seeded)
    with pytest.raises(SnapshotError, match=f"server at {moto_server.endpoint}"):
        mock.start()
    assert not _activation.is_active()


def test_state_option_under_test_server_mode_raises_snapshot_error(
    moto_server: Any, seeded: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", moto_server.endpoint)
    with pytest.raises(SnapshotError, match="another process"):
        mock_aws(state=seeded).start()
    assert not _activation.is_active()


def test_snapshot_under_test_server_mode_raises_snapshot_error(
    moto_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", moto_server.endpoint)
    with mock_aws() as mock, pytest.raises(SnapshotError, match="another process"):
        mock.snapshot()


# -- files ---------------------------------------------------------------------


def test_a_saved_snapshot_loads_with_the_same_state(seeded: Snapshot, tmp_path: Path) -> None:
    seeded.save(tmp_path / "state.snapshot")
    loaded = Snapshot.load(str(tmp_path / "state.snapshot"))
    assert loaded.versions == seeded.versions
    with mock_aws(state=loaded):
        assert bucket_names() == {"seeded"}
        assert item_keys() == {"seeded"}


def test_a_saved_snapshot_loads_in_another_process(seeded: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "state.snapshot"
    seeded.save(path)
    code = (
        "import sys, boto3\n"
        "from aiomoto import Snapshot, mock_aws\n"
        "with mock_aws(state=Snapshot.load(sys.argv[1])):\n"
        "    s3 = boto3.client('s3', region_name='us-east-1')\n"
        "    print(s3.get_object(Bucket='seeded', Key='key')['Body'].read().decode())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert result.stdout == "seeded body\n", result.stderr


def test_save_replaces_an_existing_file_and_leaves_no_temporary_file(
    seeded: Snapshot, other: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "state.snapshot"
    other.save(path)
    seeded.save(path)
    assert os.listdir(tmp_path) == ["state.snapshot"]
    with mock_aws(state=Snapshot.load(path)):
        assert bucket_names() == {"seeded"}


def test_a_failed_save_keeps_the_old_file(
    seeded: Snapshot, other: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.snapshot"
    other.save(path)
    written = path.read_bytes()

    def fail(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        seeded.save(path)
    assert path.read_bytes() == written
    assert os.listdir(tmp_path) == ["state.snapshot"]


def test_save_into_a_missing_directory_raises_os_error(seeded: Snapshot, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        seeded.save(tmp_path / "missing" / "state.snapshot")


def test_a_snapshot_file_starts_with_a_readable_header(seeded: Snapshot, tmp_path: Path) -> None:
    seeded.save(tmp_path / "state.snapshot")
    with open(tmp_path / "state.snapshot", "rb") as file:
        assert file.readline() == snapshots.MAGIC
        header = json.loads(file.readline())
    assert header["versions"] == dict(seeded.versions)
    assert header["size"] == seeded.size


@pytest.mark.parametrize("method", ["save", "load"])
def test_a_path_that_is_not_a_path_raises_type_error(seeded: Snapshot, method: str) -> None:
    action = seeded.save if method == "save" else Snapshot.load
    with pytest.raises(TypeError, match=rf"Snapshot.{method}\(path\) takes a file path"):
        action(3)  # type: ignore[arg-type]


def test_load_of_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Snapshot.load(tmp_path / "missing.snapshot")


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "it is empty"),
        (b"garbage that is no snapshot", "it starts with b'garbage"),
        (pickle.dumps({"a": 1}), "it is a pickle"),
    ],
    ids=["empty", "garbage", "a pickle"],
)
def test_load_of_a_file_that_is_not_a_snapshot_raises_saying_so(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = write(tmp_path / "not.snapshot", content)
    with pytest.raises(SnapshotError, match="is not an aiomoto snapshot file") as raised:
        Snapshot.load(path)
    assert reason in str(raised.value)
    assert f"Moto {snapshots.current_versions()['moto']}" in str(raised.value)


def saved_parts(snapshot: Snapshot, tmp_path: Path) -> tuple[dict[str, Any], bytes]:
    snapshot.save(tmp_path / "state.snapshot")
    with open(tmp_path / "state.snapshot", "rb") as file:
        file.readline()
        return json.loads(file.readline()), file.read()


def doctored(tmp_path: Path, header: object, payload: bytes) -> Path:
    line = json.dumps(header).encode() + b"\n"
    return write(tmp_path / "doctored.snapshot", snapshots.MAGIC + line + payload)


@pytest.mark.parametrize(
    ("key", "name"), [("moto", "Moto"), ("aiomoto", "aiomoto"), ("python", "Python")]
)
def test_load_of_a_file_from_another_version_names_it_and_both_versions(
    seeded: Snapshot, tmp_path: Path, key: str, name: str
) -> None:
    header, payload = saved_parts(seeded, tmp_path)
    here = header["versions"][key]
    header["versions"][key] = "0.0.1"
    path = doctored(tmp_path, header, payload)
    with pytest.raises(SnapshotError) as raised:
        Snapshot.load(path)
    assert f"was written by {name} 0.0.1 (this process runs {name} {here})" in str(raised.value)


def test_load_of_a_file_from_other_versions_names_each(seeded: Snapshot, tmp_path: Path) -> None:
    header, payload = saved_parts(seeded, tmp_path)
    header["versions"].update(moto="0.0.1", python="CPython 2.7.18")
    with pytest.raises(SnapshotError, match=r"Moto 0.0.1 .*, Python CPython 2.7.18 \(this"):
        Snapshot.load(doctored(tmp_path, header, payload))


def test_load_of_a_file_from_another_botocore_works(seeded: Snapshot, tmp_path: Path) -> None:
    header, payload = saved_parts(seeded, tmp_path)
    header["versions"]["botocore"] = "0.0.1"
    loaded = Snapshot.load(doctored(tmp_path, header, payload))
    assert loaded.versions["botocore"] == "0.0.1"


def test_load_checks_the_versions_before_the_state(seeded: Snapshot, tmp_path: Path) -> None:
    header, _ = saved_parts(seeded, tmp_path)
    header["versions"]["moto"] = "0.0.1"
    with pytest.raises(SnapshotError, match=r"Moto 0\.0\.1"):
        Snapshot.load(doctored(tmp_path, header, b"not a pickle at all"))


def test_load_of_a_truncated_file_raises_saying_so(seeded: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "state.snapshot"
    seeded.save(path)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(SnapshotError, match="is truncated: its header promises"):
        Snapshot.load(path)


def test_load_of_a_file_cut_inside_its_header_raises_saying_so(
    seeded: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "state.snapshot"
    seeded.save(path)
    path.write_bytes(path.read_bytes()[: len(snapshots.MAGIC) + 20])
    with pytest.raises(SnapshotError, match="truncated or damaged: its header"):
        Snapshot.load(path)


def test_load_of_a_file_with_bytes_after_the_state_raises_saying_so(
    seeded: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "state.snapshot"
    seeded.save(path)
    path.write_bytes(path.read_bytes() + b"more")
    with pytest.raises(SnapshotError, match="is damaged: its header promises"):
        Snapshot.load(path)


def test_load_of_a_file_whose_state_was_changed_raises_saying_so(
    seeded: Snapshot, tmp_path: Path
) -> None:
    header, payload = saved_parts(seeded, tmp_path)
    changed = bytes([payload[0] ^ 1]) + payload[1:]
    with pytest.raises(SnapshotError, match="does not match the checksum"):
        Snapshot.load(doctored(tmp_path, header, changed))


@pytest.mark.parametrize(
    "header",
    [
        "not json",
        ["a list"],
        {"size": 1, "sha256": "x"},
        {"versions": {"moto": "1"}, "size": 1, "sha256": "x"},
        {"versions": {"moto": "1", "aiomoto": "1", "python": "1"}, "sha256": "x"},
        {"versions": {"moto": "1", "aiomoto": "1", "python": "1"}, "size": 1},
    ],
    ids=["not json", "a list", "no versions", "versions missing", "no size", "no checksum"],
)
def test_load_of_a_file_with_a_damaged_header_raises_saying_so(
    tmp_path: Path, header: object
) -> None:
    if header == "not json":
        path = write(tmp_path / "bad.snapshot", snapshots.MAGIC + b"{not json\n")
    else:
        path = doctored(tmp_path, header, b"")
    with pytest.raises(SnapshotError, match="truncated or damaged: its header"):
        Snapshot.load(path)
