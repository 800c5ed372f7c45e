"""s3fs, sync and async, shares one backend with boto3 inside mock_aws.

s3fs talks to S3 through aiobotocore, so aiomoto serves it with nothing
s3fs-specific. What needs care is s3fs's (fsspec's) instance cache: the
last tests pin down what it keeps between mocks, and what clears it, as
docs/troubleshooting.rst describes.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import fsspec
import pytest
import s3fs

from aiomoto import mock_aws


@pytest.fixture(autouse=True)
def _fresh_s3fs_instances() -> Iterator[None]:
    """Give every test new S3FileSystem instances (the documented teardown)."""
    yield
    s3fs.S3FileSystem.clear_instance_cache()


def _bucket_with(**objects: bytes) -> Any:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="shared")
    for key, body in objects.items():
        s3.put_object(Bucket="shared", Key=key.replace("__", "/"), Body=body)
    return s3


def _read(s3: Any, key: str) -> bytes:
    body: bytes = s3.get_object(Bucket="shared", Key=key)["Body"].read()
    return body


# -- synchronous S3FileSystem --------------------------------------------------


def test_sync_ls_lists_what_boto3_wrote() -> None:
    with mock_aws():
        _bucket_with(a=b"1", b=b"2")
        assert s3fs.S3FileSystem().ls("shared") == ["shared/a", "shared/b"]


def test_sync_put_uploads_a_local_file_that_boto3_reads(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_bytes(b"a,b\n")
    with mock_aws():
        s3 = _bucket_with()
        s3fs.S3FileSystem().put(str(tmp_path / "report.csv"), "shared/report.csv")
        assert _read(s3, "report.csv") == b"a,b\n"


def test_sync_cat_reads_what_boto3_wrote() -> None:
    with mock_aws():
        _bucket_with(note=b"from boto3")
        assert s3fs.S3FileSystem().cat("shared/note") == b"from boto3"


def test_sync_open_writes_an_object_that_boto3_reads() -> None:
    with mock_aws():
        s3 = _bucket_with()
        with s3fs.S3FileSystem().open("shared/written.txt", "wb") as f:
            f.write(b"from s3fs")
        assert _read(s3, "written.txt") == b"from s3fs"


def test_sync_open_reads_what_boto3_wrote() -> None:
    with mock_aws():
        _bucket_with(note=b"line 1\nline 2\n")
        with s3fs.S3FileSystem().open("shared/note", "r") as f:
            assert f.readlines() == ["line 1\n", "line 2\n"]


def test_sync_glob_matches_keys_boto3_wrote() -> None:
    with mock_aws():
        _bucket_with(logs__a_log=b"", logs__b_log=b"", logs__c_txt=b"")
        fs = s3fs.S3FileSystem()
        assert fs.glob("shared/logs/*_log") == ["shared/logs/a_log", "shared/logs/b_log"]


def test_sync_rm_deletes_for_boto3_too() -> None:
    with mock_aws():
        s3 = _bucket_with(gone=b"", kept=b"")
        s3fs.S3FileSystem().rm("shared/gone")
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket="shared")["Contents"]]
        assert keys == ["kept"]


def test_fsspec_open_writes_and_reads_an_s3_url() -> None:
    with mock_aws():
        s3 = _bucket_with()
        with fsspec.open("s3://shared/via-fsspec.txt", "w") as f:
            f.write("through fsspec")
        assert _read(s3, "via-fsspec.txt") == b"through fsspec"
        with fsspec.open("s3://shared/via-fsspec.txt", "r") as f:
            assert f.read() == "through fsspec"


# -- asynchronous S3FileSystem -------------------------------------------------


async def test_async_ls_lists_what_boto3_wrote() -> None:
    async with mock_aws():
        _bucket_with(a=b"1", b=b"2")
        fs = s3fs.S3FileSystem(asynchronous=True)
        assert await fs._ls("shared") == ["shared/a", "shared/b"]


async def test_async_put_uploads_a_local_file_that_boto3_reads(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_bytes(b"a,b\n")
    async with mock_aws():
        s3 = _bucket_with()
        fs = s3fs.S3FileSystem(asynchronous=True)
        await fs._put(str(tmp_path / "report.csv"), "shared/report.csv")
        assert _read(s3, "report.csv") == b"a,b\n"


async def test_async_cat_reads_what_boto3_wrote() -> None:
    async with mock_aws():
        _bucket_with(note=b"from boto3")
        fs = s3fs.S3FileSystem(asynchronous=True)
        assert await fs._cat("shared/note") == b"from boto3"


async def test_async_open_reads_what_boto3_wrote() -> None:
    async with mock_aws():
        _bucket_with(note=b"from boto3")
        fs = s3fs.S3FileSystem(asynchronous=True)
        f = await fs.open_async("shared/note", "rb")
        assert await f.read() == b"from boto3"
        await f.close()


async def test_async_pipe_writes_an_object_that_boto3_reads() -> None:
    async with mock_aws():
        s3 = _bucket_with()
        fs = s3fs.S3FileSystem(asynchronous=True)
        await fs._pipe_file("shared/piped", b"from s3fs")
        assert _read(s3, "piped") == b"from s3fs"


async def test_async_glob_matches_keys_boto3_wrote() -> None:
    async with mock_aws():
        _bucket_with(logs__a_log=b"", logs__b_log=b"", logs__c_txt=b"")
        fs = s3fs.S3FileSystem(asynchronous=True)
        assert await fs._glob("shared/logs/*_log") == ["shared/logs/a_log", "shared/logs/b_log"]


async def test_async_rm_deletes_for_boto3_too() -> None:
    async with mock_aws():
        s3 = _bucket_with(gone=b"", kept=b"")
        fs = s3fs.S3FileSystem(asynchronous=True)
        await fs._rm("shared/gone")
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket="shared")["Contents"]]
        assert keys == ["kept"]


# -- instance cache and event loops --------------------------------------------


def test_cached_filesystem_keeps_listings_from_an_earlier_mock() -> None:
    with mock_aws():
        _bucket_with(old=b"")
        assert s3fs.S3FileSystem().ls("shared") == ["shared/old"]
    with mock_aws():
        _bucket_with(new=b"")
        # Same cached instance, same cached listing: stale.
        assert s3fs.S3FileSystem().ls("shared") == ["shared/old"]


def test_clearing_the_instance_cache_gives_each_mock_a_fresh_filesystem() -> None:
    with mock_aws():
        _bucket_with(old=b"")
        first = s3fs.S3FileSystem()
        assert first.ls("shared") == ["shared/old"]
    s3fs.S3FileSystem.clear_instance_cache()
    with mock_aws():
        _bucket_with(new=b"")
        second = s3fs.S3FileSystem()
        assert second is not first
        assert second.ls("shared") == ["shared/new"]


def test_invalidate_cache_refreshes_a_filesystem_kept_across_mocks() -> None:
    fs = s3fs.S3FileSystem()  # e.g. made at import time, before any mock
    with mock_aws():
        _bucket_with(old=b"")
        assert fs.ls("shared") == ["shared/old"]
    fs.invalidate_cache()
    with mock_aws():
        _bucket_with(new=b"")
        assert fs.ls("shared") == ["shared/new"]


def test_cached_filesystem_keeps_moto_credentials_after_the_mock() -> None:
    with mock_aws():
        _bucket_with()
        fs = s3fs.S3FileSystem()
        fs.ls("shared")  # its aiobotocore session resolves credentials here
    credentials = asyncio.run(s3fs.S3FileSystem().session.get_credentials())
    assert credentials.access_key == "FOOBARKEY"  # Moto's fake key


def test_async_filesystem_from_a_closed_event_loop_works_on_a_new_one() -> None:
    async def list_bucket() -> list[str]:
        async with mock_aws():
            _bucket_with(a=b"")
            # The second call gets the instance (and aiobotocore client)
            # cached by the first, whose event loop is closed by then.
            listing: list[str] = await s3fs.S3FileSystem(asynchronous=True)._ls("shared")
            return listing

    assert asyncio.run(list_bucket()) == ["shared/a"]
    assert asyncio.run(list_bucket()) == ["shared/a"]


def test_dropped_filesystems_are_closed_without_warnings() -> None:
    async def use_async() -> None:
        fs = s3fs.S3FileSystem(asynchronous=True)
        await fs._pipe_file("shared/async", b"")

    with mock_aws():
        _bucket_with()
        s3fs.S3FileSystem().pipe("shared/sync", b"")
        asyncio.run(use_async())
    s3fs.S3FileSystem.clear_instance_cache()
    # Finalizers run here; a warning (warnings are errors in this suite) or
    # an unraisable exception in one would fail the test.
    gc.collect()
