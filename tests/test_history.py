"""Call history: every API call of every client kind is recorded once, and assertions read it."""

from __future__ import annotations

import asyncio
import gc
import io
import re
import threading
import weakref
from typing import Any
from unittest.mock import ANY

import boto3
import pytest
import s3fs
import trio
from aiobotocore.session import AioSession
from botocore.config import Config

import aiomoto
from aiomoto import AWSCall, CallHistory, MockAWS, MockStateError, active_mock, mock_aws
from tests.conftest import BACKENDS, AioClientFactory, aio_config


def _s3() -> Any:
    return boto3.client("s3", region_name="us-east-1")


# -- what a record holds --------------------------------------------------------


def test_boto3_calls_are_recorded_in_order_with_what_was_asked() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="history")
        s3.put_object(Bucket="history", Key="a", Body=b"1")
    assert [(c.service, c.operation) for c in aws.calls] == [
        ("s3", "CreateBucket"),
        ("s3", "PutObject"),
    ]
    put = aws.calls[1]
    assert isinstance(put, AWSCall)
    assert put.params == {"Bucket": "history", "Key": "a", "Body": b"1"}
    assert (put.region, put.status, put.error_code, put.attempts) == ("us-east-1", 200, None, 1)
    assert put.response is not None
    assert "ETag" in put.response
    assert put.method == "put_object"


def test_a_record_is_frozen() -> None:
    with mock_aws() as aws:
        _s3().list_buckets()
    with pytest.raises(AttributeError):
        aws.calls[0].operation = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        aws.calls[0].params["Bucket"] = "x"  # type: ignore[index]


def test_an_error_call_records_its_code_status_and_error_response() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        with pytest.raises(s3.exceptions.NoSuchBucket):
            s3.list_objects_v2(Bucket="missing")
    (call,) = aws.calls
    assert (call.error_code, call.status) == ("NoSuchBucket", 404)
    assert call.response is not None
    assert call.response["Error"]["Code"] == "NoSuchBucket"
    assert isinstance(call.exception, s3.exceptions.NoSuchBucket)


def test_params_are_kept_as_the_caller_passed_them() -> None:
    # botocore replaces a bytes Body with a file object in the caller's dict.
    body = io.BytesIO(b"streamed")
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="history")
        s3.put_object(Bucket="history", Key="bytes", Body=b"raw")
        s3.put_object(Bucket="history", Key="file", Body=body)
    assert aws.calls[1].params["Body"] == b"raw"
    assert aws.calls[2].params["Body"] is body


def test_nested_params_are_copied_when_the_call_starts() -> None:
    item = {"pk": {"S": "1"}}
    with mock_aws() as aws:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="t", Item=item)
        item["pk"]["S"] = "changed later"
    assert aws.calls[-1].params["Item"] == {"pk": {"S": "1"}}


def test_a_paginator_records_one_call_per_page() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="pages")
        for key in "abc":
            s3.put_object(Bucket="pages", Key=key, Body=b"")
        aws_pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="pages", MaxKeys=1))
    assert len(aws_pages) == 3
    aws.assert_called("s3", "ListObjectsV2", times=3, Bucket="pages")


def test_str_of_a_call_is_short_and_says_how_it_ended() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="history")
        with pytest.raises(s3.exceptions.ClientError):
            s3.get_object(Bucket="history", Key="none")
    assert str(aws.calls[0]) == "s3.CreateBucket(Bucket='history') -> 200"
    assert str(aws.calls[1]) == "s3.GetObject(Bucket='history', Key='none') -> NoSuchKey (404)"


# -- every client kind ------------------------------------------------------------


async def test_aiobotocore_calls_are_recorded_on_each_backend(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws() as aws:
        async with aio_client("sqs") as sqs:
            url = (await sqs.create_queue(QueueName="jobs"))["QueueUrl"]
            await sqs.send_message(QueueUrl=url, MessageBody="hi")
    aws.assert_called_once("sqs", "SendMessage", QueueUrl=url, MessageBody="hi")
    assert [c.operation for c in aws.calls] == ["CreateQueue", "SendMessage"]
    assert aws.calls[1].status == 200


async def test_sync_and_async_calls_share_one_history(aio_client: AioClientFactory) -> None:
    async with mock_aws() as aws:
        _s3().create_bucket(Bucket="shared")
        async with aio_client("s3") as s3:
            await s3.put_object(Bucket="shared", Key="k", Body=b"x")
        _s3().get_object(Bucket="shared", Key="k")
    assert [c.operation for c in aws.calls] == ["CreateBucket", "PutObject", "GetObject"]


# trio needs aiobotocore 3.x's httpx backend; the 2.25 cell has no trio to test.
if "httpx" in BACKENDS:

    def test_calls_under_trio_are_recorded() -> None:
        async def main() -> MockAWS:
            async with mock_aws() as aws:
                session = AioSession()
                async with session.create_client("s3", config=aio_config("httpx")) as s3:
                    await s3.create_bucket(Bucket="trio-history")
                return aws

        aws = trio.run(main)
        aws.assert_called_once("s3", "create_bucket", Bucket="trio-history")


def test_s3fs_calls_are_recorded() -> None:
    try:
        with mock_aws() as aws:
            _s3().create_bucket(Bucket="fs-data")
            fs = s3fs.S3FileSystem()
            fs.pipe("fs-data/data.txt", b"hello")
            assert fs.cat("fs-data/data.txt") == b"hello"
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
    aws.assert_called("s3", "PutObject", Bucket="fs-data", Key="data.txt")
    aws.assert_called("s3", "GetObject", Bucket="fs-data", Key="data.txt")


def test_boto3_resources_are_recorded_as_client_calls() -> None:
    with mock_aws() as aws:
        bucket = boto3.resource("s3", region_name="us-east-1").Bucket("res")
        bucket.create()
        bucket.put_object(Key="k", Body=b"v")
    aws.assert_called_once("s3", "PutObject", Bucket="res", Key="k")


def test_calls_from_eight_threads_are_all_recorded() -> None:
    with mock_aws() as aws:
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="threads")["QueueUrl"]

        def send(n: int) -> None:
            client = boto3.client("sqs", region_name="us-east-1")
            for i in range(5):
                client.send_message(QueueUrl=url, MessageBody=f"{n}-{i}")

        threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    sent = aws.calls.filter("sqs", "SendMessage")
    assert sorted(c.params["MessageBody"] for c in sent) == sorted(
        f"{n}-{i}" for n in range(8) for i in range(5)
    )


async def test_calls_from_fifty_concurrent_tasks_are_all_recorded(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws() as aws:
        async with aio_client("s3") as s3:
            await s3.create_bucket(Bucket="tasks")
            await asyncio.gather(
                *(s3.put_object(Bucket="tasks", Key=f"k{n}", Body=b"") for n in range(50))
            )
    keys = {c.params["Key"] for c in aws.calls.filter("s3", "PutObject")}
    assert keys == {f"k{n}" for n in range(50)}
    assert all(c.attempts == 1 for c in aws.calls)


# -- which mock sees what -----------------------------------------------------------


def test_an_inner_mock_sees_only_calls_made_while_it_was_entered() -> None:
    with mock_aws() as outer:
        s3 = _s3()
        s3.create_bucket(Bucket="outer")
        with mock_aws() as inner:
            s3.create_bucket(Bucket="inner")
        s3.create_bucket(Bucket="after")
    assert [c.params["Bucket"] for c in outer.calls] == ["outer", "inner", "after"]
    assert [c.params["Bucket"] for c in inner.calls] == ["inner"]


def test_history_stays_readable_after_exit_and_restarts_on_enter() -> None:
    aws = mock_aws()
    assert len(aws.calls) == 0
    with aws:
        _s3().list_buckets()
    assert len(aws.calls) == 1
    _s3_calls_outside = aws.calls
    with aws:
        assert len(aws.calls) == 0
    assert len(_s3_calls_outside) == 1


def test_reentering_the_same_object_while_active_keeps_one_history() -> None:
    with mock_aws() as aws:
        _s3().list_buckets()
        with aws:
            _s3().list_buckets()
        _s3().list_buckets()
    assert len(aws.calls) == 3


def test_nothing_is_recorded_outside_a_mock() -> None:
    aws = mock_aws()
    with aws:
        pass
    with mock_aws():
        _s3().list_buckets()
    assert len(aws.calls) == 0


def test_a_finished_history_is_released_when_the_object_is_entered_again() -> None:
    class Body(io.BytesIO):
        pass

    body = Body(b"x" * 1024)
    alive = weakref.ref(body)
    aws = mock_aws()
    with aws:
        s3 = _s3()
        s3.create_bucket(Bucket="memory")
        s3.put_object(Bucket="memory", Key="k", Body=body)
    del body, s3
    with aws:
        pass
    gc.collect()
    assert alive() is None


async def test_server_mode_records_this_processes_calls(aio_client: AioClientFactory) -> None:
    async with mock_aws(server_mode=True) as aws:
        _s3().create_bucket(Bucket="server")
        async with aio_client("s3") as s3:
            await s3.put_object(Bucket="server", Key="k", Body=b"x")
    aws.assert_called_once("s3", "CreateBucket", Bucket="server")
    aws.assert_called_once("s3", "PutObject", Bucket="server", Key="k")


# -- filter --------------------------------------------------------------------------


def _history() -> CallHistory:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="one-b")
        s3.create_bucket(Bucket="two-b")
        s3.put_object(Bucket="one-b", Key="k", Body=b"")
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="q")
    return aws.calls


def test_filter_by_service_operation_and_params() -> None:
    calls = _history()
    assert len(calls.filter()) == 4
    assert len(calls.filter("s3")) == 3
    assert len(calls.filter("s3", "CreateBucket")) == 2
    assert len(calls.filter("s3", "create_bucket")) == 2
    assert [c.params["Bucket"] for c in calls.filter("s3", Bucket="one-b")] == ["one-b", "one-b"]
    assert len(calls.filter("s3", "PutObject", Bucket="one-b", Key=ANY)) == 1
    assert len(calls.filter("s3", "PutObject", Bucket="two-b")) == 0


def test_filter_returns_a_read_only_history() -> None:
    calls = _history().filter("s3")
    assert isinstance(calls, CallHistory)
    assert isinstance(calls[1:], CallHistory)
    assert len(calls[1:]) == 2
    assert not hasattr(calls, "append")
    assert repr(calls) == "<CallHistory of 3 calls>"


@pytest.mark.parametrize(
    ("args", "params", "message"),
    [
        (("s4",), {}, r"'s4' is not an AWS service botocore knows; did you mean 's3'"),
        (("s3", "PutObjekt"), {}, r"s3 has no operation 'PutObjekt'; did you mean 'PutObject'"),
        (("s3", "put_objekt"), {}, r"did you mean 'put_object'"),
        (("s3", "PutObject"), {"Bukket": "x"}, r"'Bukket' is not a parameter of s3.PutObject"),
        (("s3",), {"Bukket": "x"}, r"'Bukket' is not a parameter of any s3 operation"),
    ],
)
def test_unknown_names_raise_with_close_matches(
    args: tuple[str, ...], params: dict[str, Any], message: str
) -> None:
    calls = _history()
    with pytest.raises(ValueError, match=message):
        calls.filter(*args, **params)


def test_an_operation_without_a_service_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="name the service too"):
        _history().filter(None, "PutObject")


# -- assertions ------------------------------------------------------------------------


def test_assert_called_passes_and_counts() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="a-bucket")
        s3.put_object(Bucket="a-bucket", Key="1", Body=b"")
        s3.put_object(Bucket="a-bucket", Key="2", Body=b"")
        aws.assert_called("s3", "PutObject")
        aws.assert_called("s3", "put_object", times=2, Bucket="a-bucket")
        aws.assert_called_once("s3", "PutObject", Key="2")
        aws.assert_not_called("s3", "DeleteObject")
        aws.assert_not_called("sqs")
        aws.assert_not_called("s3", "PutObject", Key="3")


def test_assert_called_failure_lists_the_expected_and_the_recorded_calls() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="a-bucket")
        with pytest.raises(AssertionError) as failure:
            aws.assert_called("s3", "DeleteObject", Bucket="a-bucket")
    assert str(failure.value) == (
        "Expected s3.DeleteObject(Bucket='a-bucket') to be called; it was not.\n"
        "Recorded calls (1):\n"
        "  1. s3.CreateBucket(Bucket='a-bucket') -> 200"
    )


def test_assert_called_times_failure_says_both_counts() -> None:
    with mock_aws() as aws:
        _s3().list_buckets()
        with pytest.raises(AssertionError, match=r"called 2 times; it was called once\."):
            aws.assert_called("s3", "ListBuckets", times=2)
        with pytest.raises(AssertionError, match=r"called once; it was called 0 times\."):
            aws.assert_called_once("s3", "ListObjects")


def test_assert_not_called_failure_says_how_often() -> None:
    with mock_aws() as aws:
        _s3().list_buckets()
        with pytest.raises(AssertionError) as failure:
            aws.assert_not_called("s3")
    assert str(failure.value).startswith(
        "Expected any s3 call not to be called; it was called once.\nRecorded calls (1):"
    )


def test_assertion_message_with_no_calls_says_so() -> None:
    with mock_aws() as aws, pytest.raises(AssertionError, match="No AWS calls were recorded"):
        aws.assert_called("s3", "ListBuckets")


def test_long_histories_and_values_are_truncated_in_messages() -> None:
    with mock_aws() as aws:
        s3 = _s3()
        s3.create_bucket(Bucket="long")
        for n in range(30):
            s3.put_object(Bucket="long", Key=f"{n:02d}-" + "k" * 100, Body=b"")
        with pytest.raises(AssertionError) as failure:
            aws.assert_not_called("s3", "PutObject")
    lines = str(failure.value).splitlines()
    assert lines[1] == "Recorded calls (31):"
    assert "  ... 11 more ..." in lines
    assert len(lines) == 2 + 20 + 1
    assert all(len(line) < 200 for line in lines)
    assert lines[-1].startswith("  31. s3.PutObject(Bucket='long', Key='29-kkk")


@pytest.mark.parametrize(
    "check",
    [
        lambda aws: aws.assert_called("s3", "DeleteObjekt"),
        lambda aws: aws.assert_called_once("s3", "DeleteObjekt"),
        lambda aws: aws.assert_not_called("s3", "DeleteObjekt"),
        lambda aws: aws.assert_not_called("s33"),
        lambda aws: aws.assert_not_called("s3", "DeleteObject", Bukket="x"),
    ],
)
def test_a_typo_never_makes_an_assertion_pass(check: Any) -> None:
    with mock_aws() as aws, pytest.raises(ValueError, match="did you mean"):
        check(aws)


@pytest.mark.parametrize("times", [-1, 1.5, True, "2"])
def test_assert_called_rejects_a_bad_times(times: Any) -> None:
    with mock_aws() as aws, pytest.raises(TypeError, match="times must be None or an int >= 0"):
        aws.assert_called("s3", "ListBuckets", times=times)


# -- reaching the mock -------------------------------------------------------------------


def test_active_mock_returns_the_decorators_mock() -> None:
    seen: list[MockAWS] = []

    @mock_aws
    def code_under_test() -> None:
        _s3().list_buckets()
        seen.append(active_mock())
        active_mock().assert_called_once("s3", "ListBuckets")

    code_under_test()
    assert len(seen[0].calls) == 1


def test_active_mock_is_the_innermost() -> None:
    with mock_aws() as outer:
        assert aiomoto.active_mock() is outer
        with mock_aws() as inner:
            assert active_mock() is inner
        assert active_mock() is outer


def test_active_mock_outside_a_mock_raises() -> None:
    with pytest.raises(MockStateError, match="no mock_aws is active"):
        active_mock()


def test_the_aws_fixture_yields_the_mock_with_its_history(aws: MockAWS) -> None:
    _s3().list_buckets()
    assert active_mock() is aws
    aws.assert_called_once("s3", "ListBuckets")


def test_calls_of_pre_existing_clients_are_recorded() -> None:
    client = boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id="made-before",
        aws_secret_access_key="the-mock",
        config=Config(retries={"mode": "standard"}),
    )
    with mock_aws() as aws:
        client.list_buckets()
    assert aws.calls[0].region == "eu-west-1"


# -- positional-only service and operation ------------------------------------------------


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (lambda aws: aws.assert_called(service="s3", operation="PutObject"), "assert_called('s3'"),
        (lambda aws: aws.assert_called("s3", operation="PutObject"), "(operation=...)"),
        (lambda aws: aws.assert_called_once(service="s3", operation="PutObject"), "once('s3'"),
        (lambda aws: aws.assert_not_called(service="s3"), "assert_not_called('s3'"),
        (lambda aws: aws.assert_not_called("s3", operation="PutObject"), "(operation=...)"),
        (lambda aws: aws.calls.filter(service="s3"), "filter('s3'"),
        (lambda aws: aws.calls.filter("s3", operation="PutObject"), "(operation=...)"),
    ],
)
def test_service_or_operation_by_keyword_says_how_to_call_it(call: Any, shown: str) -> None:
    with mock_aws() as aws, pytest.raises(TypeError, match=re.escape(shown)):
        call(aws)


def test_a_parameter_named_service_is_matched_as_a_parameter() -> None:
    # ECS's UpdateService (and others) take a parameter called ``service``.
    with mock_aws() as aws:
        aws.assert_not_called("ecs", service="web")
        assert len(aws.calls.filter("ecs", service="web")) == 0
        with pytest.raises(AssertionError, match="UpdateService"):
            aws.assert_called("ecs", "UpdateService", service="web")
