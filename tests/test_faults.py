"""Fault injection: errors, connection failures and latency, inside the SDK's retry loop."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from typing import Any, ClassVar

import boto3
import botocore
import botocore.configprovider
import botocore.parsers
import botocore.retries.standard
import botocore.retryhandler
import pytest
import s3fs
import trio
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from aiomoto import CustomErrorCode, Fault, MockAWS, MockStateError, _names, _wire, mock_aws
from tests.conftest import BACKENDS, PATIENCE, AioClientFactory, aio_config

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _no_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once: the backoff botocore sleeps between attempts only slows the suite."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", _zero)
    monkeypatch.setattr(botocore.retryhandler, "delay_exponential", _zero)


def _zero(*args: Any, **kwargs: Any) -> float:
    return 0.0


def _client(service: str, mode: str = "standard", attempts: int = 3) -> Any:
    retries = {"mode": mode, "total_max_attempts": attempts}
    return boto3.client(service, region_name=REGION, config=Config(retries=retries))  # type: ignore[arg-type]


def _queue(sqs: Any) -> str:
    return str(sqs.create_queue(QueueName="faults")["QueueUrl"])


# -- each wire protocol raises the modelled exception ---------------------------------

#: service, a call with no setup, error code, the exception class name, status.
PROTOCOL_CASES = [
    # rest-xml
    ("s3", "list_buckets", {}, "SlowDown", "ClientError", "SlowDown", 503),
    # json
    (
        "dynamodb",
        "list_tables",
        {},
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceededException",
        400,
    ),
    # json, query-compatible (x-amzn-query-error)
    ("sqs", "list_queues", {}, "QueueDoesNotExist", "QueueDoesNotExist", None, 400),
    # query; the modelled shape name differs from its wire code
    ("sns", "list_topics", {}, "ThrottledException", "ThrottledException", "Throttled", 429),
    # rest-json
    (
        "lambda",
        "list_functions",
        {},
        "TooManyRequestsException",
        "TooManyRequestsException",
        "TooManyRequestsException",
        429,
    ),
    # ec2
    (
        "ec2",
        "describe_instances",
        {},
        "RequestLimitExceeded",
        "ClientError",
        "RequestLimitExceeded",
        503,
    ),
    # smithy-rpc-v2-cbor (query before botocore moved CloudWatch to CBOR)
    ("cloudwatch", "list_metrics", {}, "LimitExceededFault", "LimitExceededFault", None, 400),
]


@pytest.mark.parametrize(
    ("service", "method", "kwargs", "error", "exception", "code", "status"),
    PROTOCOL_CASES,
    ids=[case[0] for case in PROTOCOL_CASES],
)
def test_each_protocol_raises_the_modelled_exception(
    service: str,
    method: str,
    kwargs: dict[str, Any],
    error: str,
    exception: str,
    code: str | None,
    status: int,
) -> None:
    with mock_aws() as aws:
        client = _client(service, attempts=1)
        aws.inject_fault(service, method, error=error)
        with pytest.raises(ClientError) as raised:
            getattr(client, method)(**kwargs)
    assert type(raised.value).__name__ == exception
    if exception != "ClientError":
        assert isinstance(raised.value, getattr(client.exceptions, exception))
    if code is not None:
        assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert aws.calls[-1].status == status


@pytest.mark.parametrize(
    ("service", "method", "kwargs", "error", "exception", "code", "status"),
    PROTOCOL_CASES,
    ids=[case[0] for case in PROTOCOL_CASES],
)
async def test_each_protocol_raises_the_modelled_exception_in_aiobotocore(
    aio_client: AioClientFactory,
    service: str,
    method: str,
    kwargs: dict[str, Any],
    error: str,
    exception: str,
    code: str | None,
    status: int,
) -> None:
    async with mock_aws() as aws:
        config_kwargs = {"retries": {"mode": "standard", "total_max_attempts": 1}}
        async with aio_client(service, config_kwargs=config_kwargs) as client:
            aws.inject_fault(service, method, error=error)
            with pytest.raises(ClientError) as raised:
                await getattr(client, method)(**kwargs)
            assert type(raised.value).__name__ == exception
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_status_and_message_can_be_given() -> None:
    with mock_aws() as aws:
        aws.inject_fault("s3", "ListBuckets", error="InternalError", status=502, message="boom")
        with pytest.raises(ClientError) as raised:
            _client("s3", attempts=1).list_buckets()
    assert raised.value.response["Error"] == {"Code": "InternalError", "Message": "boom"}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("ThrottlingException", 400),
        ("InternalFailure", 500),
        ("ServiceUnavailable", 503),
        (CustomErrorCode("SomethingInternalBroke"), 500),
        (CustomErrorCode("MadeUpClientSideProblem"), 400),
    ],
)
def test_default_status_follows_the_code(error: str, status: int) -> None:
    with mock_aws() as aws:
        aws.inject_fault("sqs", error=error)
        with pytest.raises(ClientError) as raised:
            _client("sqs", attempts=1).list_queues()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert raised.value.response["Error"]["Code"] == error


def test_a_head_request_gets_no_body_as_from_aws() -> None:
    with mock_aws() as aws:
        s3 = _client("s3", attempts=1)
        s3.create_bucket(Bucket="heads")
        aws.inject_fault("s3", "HeadBucket", error="AccessDenied", status=403)
        with pytest.raises(ClientError) as raised:
            s3.head_bucket(Bucket="heads")
    assert raised.value.response["Error"]["Code"] == "403"


# -- retries ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["standard", "adaptive", "legacy"])
def test_a_throttle_for_two_attempts_is_retried_away(mode: str) -> None:
    with mock_aws() as aws:
        sqs = _client("sqs", mode=mode, attempts=3)
        url = _queue(sqs)
        fault = aws.inject_fault("sqs", "SendMessage", error="ThrottlingException", times=2)
        response = sqs.send_message(QueueUrl=url, MessageBody="eventually")
        assert response["ResponseMetadata"]["RetryAttempts"] == 2
        assert fault.hits == 2
        assert aws.calls[-1].attempts == 3
        assert aws.calls[-1].status == 200
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in messages] == ["eventually"]


async def test_a_throttle_is_retried_away_in_aiobotocore(aio_client: AioClientFactory) -> None:
    async with mock_aws() as aws:
        config_kwargs = {"retries": {"mode": "standard", "total_max_attempts": 3}}
        async with aio_client("dynamodb", config_kwargs=config_kwargs) as ddb:
            aws.inject_fault("dynamodb", "ListTables", error="ThrottlingException", times=2)
            response = await ddb.list_tables()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert aws.calls[-1].attempts == 3


def test_when_retries_run_out_the_client_raises() -> None:
    with mock_aws() as aws:
        ddb = _client("dynamodb", attempts=3)
        aws.inject_fault("dynamodb", "ListTables", error="ProvisionedThroughputExceededException")
        with pytest.raises(ddb.exceptions.ProvisionedThroughputExceededException) as raised:
            ddb.list_tables()
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    call = aws.calls[-1]
    assert (call.attempts, call.error_code, call.status) == (
        3,
        "ProvisionedThroughputExceededException",
        400,
    )


def test_a_client_error_that_is_not_retryable_is_not_retried() -> None:
    with mock_aws() as aws:
        fault = aws.inject_fault("s3", "ListBuckets", error="AccessDenied", status=403)
        with pytest.raises(ClientError):
            _client("s3", attempts=5).list_buckets()
    assert fault.hits == 1
    assert aws.calls[-1].attempts == 1


def test_a_faulted_send_message_enqueues_nothing() -> None:
    with mock_aws() as aws:
        sqs = _client("sqs", attempts=1)
        url = _queue(sqs)
        with aws.inject_fault("sqs", "SendMessage", error="InternalError"):
            with pytest.raises(ClientError):
                sqs.send_message(QueueUrl=url, MessageBody="lost")
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


# -- connection faults ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("connection", "exception"),
    [("refused", EndpointConnectionError), ("timeout", ReadTimeoutError)],
)
def test_connection_faults_raise_botocores_exceptions_after_retrying(
    connection: Any, exception: type[Exception]
) -> None:
    with mock_aws() as aws:
        fault = aws.inject_fault("s3", connection=connection)
        with pytest.raises(exception):
            _client("s3", attempts=3).list_buckets()
    assert fault.hits == 3
    call = aws.calls[-1]
    assert (call.attempts, call.status, call.error_code) == (3, None, None)
    assert isinstance(call.exception, exception)
    assert str(call) == f"s3.ListBuckets() -> {exception.__name__} after 3 attempts"


@pytest.mark.parametrize("connection", ["refused", "timeout"])
async def test_connection_faults_are_retried_in_aiobotocore(
    aio_client: AioClientFactory, connection: Any
) -> None:
    async with mock_aws() as aws:
        config_kwargs = {"retries": {"mode": "standard", "total_max_attempts": 3}}
        async with aio_client("s3", config_kwargs=config_kwargs) as s3:
            aws.inject_fault("s3", connection=connection, times=2)
            response = await s3.list_buckets()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2


# -- latency ----------------------------------------------------------------------------


def test_latency_alone_slows_a_successful_call() -> None:
    with mock_aws() as aws:
        s3 = _client("s3")
        aws.inject_fault("s3", "ListBuckets", latency=0.05)
        started = time.monotonic()
        s3.list_buckets()
        assert time.monotonic() - started >= 0.05
    assert aws.calls[-1].status == 200


async def test_latency_does_not_block_the_event_loop(aio_client: AioClientFactory) -> None:
    import asyncio

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async with mock_aws() as aws:
        async with aio_client("s3") as s3:
            aws.inject_fault("s3", "ListBuckets", latency=0.05)
            task = asyncio.create_task(ticker())
            started = time.monotonic()
            await s3.list_buckets()
            elapsed = time.monotonic() - started
            task.cancel()
    assert elapsed >= 0.05
    assert ticks > 0


# trio needs aiobotocore 3.x's httpx backend; the 2.25 cell has no trio to test.
if "httpx" in BACKENDS:

    def test_latency_under_trio() -> None:
        async def main() -> float:
            async with mock_aws() as aws:
                async with AioSession().create_client("s3", config=aio_config("httpx")) as s3:
                    aws.inject_fault("s3", latency=0.05)
                    started = time.monotonic()
                    await s3.list_buckets()
                    return time.monotonic() - started

        assert trio.run(main) >= 0.05


def test_latency_with_an_error_waits_then_fails() -> None:
    with mock_aws() as aws:
        aws.inject_fault("s3", error="SlowDown", latency=0.03)
        started = time.monotonic()
        with pytest.raises(ClientError):
            _client("s3", attempts=1).list_buckets()
        assert time.monotonic() - started >= 0.03


# -- times, probability, matching ---------------------------------------------------------


def _outcomes(seed: int) -> list[bool]:
    outcomes = []
    with mock_aws() as aws:
        s3 = _client("s3", attempts=1)
        aws.inject_fault("s3", error="InternalError", probability=0.5, seed=seed)
        for _ in range(30):
            try:
                s3.list_buckets()
            except ClientError:
                outcomes.append(False)
            else:
                outcomes.append(True)
    return outcomes


def test_probability_is_reproducible_with_a_seed() -> None:
    first = _outcomes(seed=7)
    assert first == _outcomes(seed=7)
    assert True in first
    assert False in first
    assert _outcomes(seed=8) != first


def test_probability_one_hits_every_attempt() -> None:
    # probability=0 would never fire: it is refused (test_misuse_values.py).
    with mock_aws() as aws:
        aws.inject_fault("s3", "ListBuckets", error="InternalError", probability=1)
        with pytest.raises(ClientError):
            _client("s3", attempts=1).list_buckets()


def test_a_fault_matches_its_operation_only() -> None:
    with mock_aws() as aws:
        s3 = _client("s3", attempts=1)
        s3.create_bucket(Bucket="ops")
        aws.inject_fault("s3", "put_object", error="AccessDenied", status=403)
        s3.list_objects_v2(Bucket="ops")
        with pytest.raises(ClientError):
            s3.put_object(Bucket="ops", Key="k", Body=b"")


def test_a_fault_matches_its_region_only() -> None:
    with mock_aws() as aws:
        aws.inject_fault("sqs", error="InternalError", region="eu-west-1")
        _client("sqs", attempts=1).list_queues()
        ireland = boto3.client(
            "sqs", region_name="eu-west-1", config=Config(retries={"total_max_attempts": 1})
        )
        with pytest.raises(ClientError):
            ireland.list_queues()


def test_the_newest_matching_fault_answers() -> None:
    with mock_aws() as aws:
        aws.inject_fault("s3", error="InternalError")
        aws.inject_fault("s3", "ListBuckets", error="AccessDenied", status=403)
        with pytest.raises(ClientError) as raised:
            _client("s3", attempts=1).list_buckets()
    assert raised.value.response["Error"]["Code"] == "AccessDenied"


def test_a_used_up_fault_lets_older_faults_answer() -> None:
    with mock_aws() as aws:
        older = aws.inject_fault("s3", error="InternalError", status=500)
        newer = aws.inject_fault("s3", error="AccessDenied", status=403, times=1)
        for expected in ("AccessDenied", "InternalError"):
            with pytest.raises(ClientError) as raised:
                _client("s3", attempts=1).list_buckets()
            assert raised.value.response["Error"]["Code"] == expected
    assert (newer.hits, older.hits, newer.active) == (1, 1, False)


# -- lifetime ---------------------------------------------------------------------------------


def test_remove_and_with_end_a_fault() -> None:
    with mock_aws() as aws:
        s3 = _client("s3", attempts=1)
        fault = aws.inject_fault("s3", error="InternalError")
        fault.remove()
        fault.remove()  # again: nothing to do
        s3.list_buckets()
        with aws.inject_fault("s3", error="InternalError") as scoped:
            assert isinstance(scoped, Fault)
            with pytest.raises(ClientError):
                s3.list_buckets()
        s3.list_buckets()
    assert not fault.active


def test_faults_end_when_the_mock_exits_even_after_a_failure() -> None:
    @mock_aws
    def failing_test() -> Fault:
        fault = mock_aws_active().inject_fault("s3", error="InternalError")
        raise RuntimeError(fault)

    with pytest.raises(RuntimeError) as raised:
        failing_test()
    (fault,) = raised.value.args
    assert not fault.active
    with mock_aws():
        _client("s3", attempts=1).list_buckets()


def mock_aws_active() -> MockAWS:
    from aiomoto import active_mock

    return active_mock()


def test_an_inner_mocks_faults_end_with_it() -> None:
    with mock_aws():
        with mock_aws() as inner:
            inner.inject_fault("s3", error="InternalError")
        _client("s3", attempts=1).list_buckets()


def test_inject_fault_outside_an_active_mock_raises() -> None:
    aws = mock_aws()
    with pytest.raises(MockStateError, match="not active"):
        aws.inject_fault("s3", error="InternalError")


def test_repr_shows_the_rule_and_hits() -> None:
    with mock_aws() as aws:
        fault = aws.inject_fault("s3", "GetObject", error="SlowDown", times=2)
        assert repr(fault) == "<Fault s3.GetObject error='SlowDown' times=2 hits=0>"


# -- misuse -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("s4",), {"error": "SlowDown"}, ValueError, "did you mean 's3'"),
        (("s3", "GetObjekt"), {"error": "SlowDown"}, ValueError, "did you mean 'GetObject'"),
        (("s3",), {"error": "SlowDown", "region": "us-est-1"}, ValueError, "did you mean"),
        (("s3",), {}, TypeError, "needs error=..., connection=... or latency="),
        (("s3",), {"error": "SlowDown", "connection": "refused"}, TypeError, "not both"),
        (("s3",), {"status": 500}, TypeError, "pass error=... too"),
        (("s3",), {"error": ""}, TypeError, "must be an AWS error code"),
        (("s3",), {"error": "SlowDown", "status": 200}, ValueError, "400-599"),
        (("s3",), {"error": "SlowDown", "status": "500"}, TypeError, "must be an int"),
        (("s3",), {"error": "SlowDown", "message": 3}, TypeError, "must be a str"),
        (("s3",), {"connection": "reset"}, ValueError, "'refused' or 'timeout'"),
        (("s3",), {"latency": -1}, ValueError, ">= 0 seconds"),
        (("s3",), {"latency": "1"}, TypeError, "must be a number"),
        (("s3",), {"error": "SlowDown", "times": 0}, ValueError, "at least 1"),
        (("s3",), {"error": "SlowDown", "times": 1.0}, TypeError, "None or an int"),
        (("s3",), {"error": "SlowDown", "probability": 2}, ValueError, "between 0 and 1"),
        (("s3",), {"error": "SlowDown", "seed": "a"}, TypeError, "must be an int"),
    ],
)
def test_misuse_raises_a_named_error(
    args: tuple[str, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with mock_aws() as aws, pytest.raises(error, match=message):
        aws.inject_fault(*args, **kwargs)


# -- every client kind --------------------------------------------------------------------------


def test_s3fs_sees_injected_faults() -> None:
    try:
        with mock_aws() as aws:
            _client("s3").create_bucket(Bucket="fs-faults")
            fs = s3fs.S3FileSystem(config_kwargs={"retries": {"total_max_attempts": 1}})
            fs.pipe("fs-faults/ok", b"1")
            aws.inject_fault("s3", "PutObject", error="AccessDenied", status=403)
            with pytest.raises(PermissionError):
                fs.pipe("fs-faults/denied", b"2")
    finally:
        s3fs.S3FileSystem.clear_instance_cache()


async def test_server_mode_applies_faults_to_this_processes_clients(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws(server_mode=True) as aws:
        sqs = _client("sqs", attempts=1)
        url = _queue(sqs)
        aws.inject_fault("sqs", "SendMessage", error="ThrottlingException", times=1)
        with pytest.raises(ClientError):
            sqs.send_message(QueueUrl=url, MessageBody="throttled")
        async with aio_client("sqs") as async_sqs:
            aws.inject_fault("sqs", "ReceiveMessage", error="InternalError")
            with pytest.raises(ClientError):
                await async_sqs.receive_message(QueueUrl=url)
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


# -- the smithy-rpc-v2-cbor protocol ---------------------------------------------------------


def _services_speaking(protocol: str) -> list[str]:
    return [
        name
        for name in boto3.session.Session().get_available_services()
        if _names.service_model(name).resolved_protocol == protocol
    ]


#: Services this botocore talks CBOR to; Moto has no backend for them, and a
#: fault never reaches Moto, so they show the rendering end to end.
CBOR_SERVICES = _services_speaking("smithy-rpc-v2-cbor")

if CBOR_SERVICES:

    def test_a_cbor_service_raises_the_modelled_exception() -> None:
        service = CBOR_SERVICES[0]
        model = _names.service_model(service)
        operation = next(
            name
            for name in model.operation_names
            if not (model.operation_model(name).input_shape or _NO_INPUT).required_members
        )
        with mock_aws() as aws:
            client = _client(service, attempts=1)
            aws.inject_fault(service, error="ThrottlingException", message="slow down")
            with pytest.raises(ClientError) as raised:
                getattr(client, botocore.xform_name(operation))()
        assert raised.value.response["Error"] == {
            "Code": "ThrottlingException",
            "Message": "slow down",
        }


class _NoInput:
    required_members: tuple[str, ...] = ()


_NO_INPUT = _NoInput()


class _CborModel:
    """The parts of a service model that error rendering reads, for a CBOR service."""

    resolved_protocol = "smithy-rpc-v2-cbor"
    service_name = "cbor-service"
    metadata: ClassVar[dict[str, Any]] = {}


@pytest.mark.parametrize("size", [5, 30, 300, 70_000])
def test_cbor_error_bodies_parse_with_botocores_parser(size: int) -> None:
    # Lengths that take each CBOR length encoding: in the head, 1, 2 and 4 bytes.
    code, message = "C" * size, "m" * size
    status, headers, body = _wire.error_response(_CborModel(), code, None, 400, message, "POST")
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    parsed = botocore.parsers.create_parser("smithy-rpc-v2-cbor").parse(
        {
            "status_code": status,
            "headers": {k.lower(): v for k, v in headers.items()},
            "body": body,
        },
        None,
    )
    assert parsed["Error"] == {"Code": code, "Message": message}


# -- defaults and names, unit by unit --------------------------------------------------------


class _Shape:
    def __init__(self, error: dict[str, Any]) -> None:
        self.metadata = {"error": error}


@pytest.mark.parametrize(
    ("code", "shape", "status"),
    [
        ("Anything", _Shape({"httpStatusCode": 418, "senderFault": True}), 418),
        ("Anything", _Shape({"senderFault": True}), 400),
        ("Anything", _Shape({"senderFault": False}), 500),
        ("SlowDown", None, 503),
        ("BackendUnavailable", None, 500),
        ("NotFound", None, 400),
    ],
)
def test_default_status(code: str, shape: Any, status: int) -> None:
    assert _wire.default_status(code, shape) == status


def test_an_attempt_outside_any_api_call_is_still_answered_by_moto() -> None:
    with mock_aws() as aws:
        s3 = _client("s3")
        aws.inject_fault("s3", error="InternalError")
        model = s3.meta.service_model.operation_model("ListBuckets")
        request = {
            "url_path": "/",
            "query_string": {},
            "method": "GET",
            "headers": {},
            "body": b"",
            "url": "https://s3.amazonaws.com/",
            "context": {"client_config": s3.meta.config},
        }
        http, _ = s3._endpoint.make_request(model, request)
    assert http.status_code == 200
    assert len(aws.calls) == 0


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (lambda: _names.service_model(3), "service name must be a str"),
        (lambda: _names.operation_name("s3", None), "operation name must be a str"),
        (lambda: _names.region_name(1), "region must be a str"),
    ],
)
def test_names_of_the_wrong_type_raise_type_error(check: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        check()


def test_a_name_with_no_close_match_is_suggested_by_substring() -> None:
    with pytest.raises(ValueError, match="did you mean 'DeleteBucketInventoryConfiguration'"):
        _names.operation_name("s3", "Inventory")


# -- retry_after ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "method"), [("dynamodb", "list_tables"), ("s3", "list_buckets")]
)
def test_retry_after_is_sent_as_whole_milliseconds(service: str, method: str) -> None:
    with mock_aws() as aws:
        aws.inject_fault(service, error="ThrottlingException", retry_after=1.5)
        with pytest.raises(ClientError) as raised:
            getattr(_client(service, attempts=1), method)()
    assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-retry-after"] == "1500"


def test_a_fault_without_retry_after_sends_no_header() -> None:
    with mock_aws() as aws:
        aws.inject_fault("dynamodb", error="ThrottlingException")
        with pytest.raises(ClientError) as raised:
            _client("dynamodb", attempts=1).list_tables()
    assert "x-amz-retry-after" not in raised.value.response["ResponseMetadata"]["HTTPHeaders"]


_NEW_RETRIES_SCRIPT = """
import json, boto3
from botocore.config import Config
from aiomoto import mock_aws

waits = {}
for retry_after in (None, 3):
    with mock_aws() as aws:
        config = Config(retries={"mode": "standard"})
        ddb = boto3.client("dynamodb", region_name="us-east-1", config=config)
        aws.inject_fault(
            "dynamodb", "ListTables", error="ThrottlingException", times=2, retry_after=retry_after
        )
        ddb.list_tables()
        waits[str(retry_after)] = aws.calls[-1].retry_waits
print(json.dumps(waits))
"""

# botocore's new retry behaviour (1.43.3 on) is what honours the header;
# the aiobotocore-2.25 cell's botocore predates it.
if hasattr(botocore.configprovider, "NEW_RETRIES_ENABLED"):

    def test_botocores_new_retry_behaviour_honours_retry_after() -> None:
        env = {**os.environ, "AWS_NEW_RETRIES_2026": "true"}
        done = subprocess.run(
            [sys.executable, "-c", _NEW_RETRIES_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=True,
        )
        waits = json.loads(done.stdout)
        # Its jitter for a throttle is at most 1 s, then 2 s; the header asks for 3.
        assert all(wait < 3 for wait in waits["None"])
        assert waits["3"] == [3.0, 3.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"latency": 1, "retry_after": 1}, TypeError, "pass error=... too"),
        ({"error": "SlowDown", "retry_after": "1"}, TypeError, "must be a number"),
        ({"error": "SlowDown", "retry_after": -1}, ValueError, "finite number of seconds >= 0"),
        ({"error": "SlowDown", "retry_after": math.inf}, ValueError, "finite"),
        ({"error": "SlowDown", "retry_after": math.nan}, ValueError, "finite"),
    ],
)
def test_retry_after_misuse_raises_a_named_error(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with mock_aws() as aws, pytest.raises(error, match=re.escape(message)):
        aws.inject_fault("s3", **kwargs)


# -- error codes ----------------------------------------------------------------------------


def test_a_misspelt_error_code_raises_naming_the_right_one() -> None:
    with mock_aws() as aws:
        with pytest.raises(
            ValueError, match="did you mean 'ProvisionedThroughputExceededException'"
        ):
            aws.inject_fault("dynamodb", error="ProvisionedThroughputExceeded")
        assert aws._holdings.faults == []


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("sns", "ThrottledException"),  # a modelled shape's name
        ("sns", "Throttled"),  # its wire code
        ("dynamodb", "SlowDown"),  # retried by botocore's standard mode, not modelled here
        ("lambda", "BadDigest"),  # in a legacy-mode policy of botocore's _retry.json
        ("s3", "AccessDenied"),  # common to all services
        ("sqs", "ServiceUnavailable"),  # aiomoto's own status table
    ],
)
def test_codes_the_models_botocore_or_aws_know_are_accepted(service: str, code: str) -> None:
    with mock_aws() as aws:
        assert aws.inject_fault(service, error=code).error == code


def test_a_custom_error_code_is_sent_as_it_is() -> None:
    with mock_aws() as aws:
        aws.inject_fault("sqs", error=CustomErrorCode("BrandNewThrottle"))
        with pytest.raises(ClientError) as raised:
            _client("sqs", attempts=1).list_queues()
    assert raised.value.response["Error"]["Code"] == "BrandNewThrottle"
    assert isinstance(CustomErrorCode("X"), str)


# -- positional-only names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (lambda aws: aws.inject_fault(service="s3", error="SlowDown"), "inject_fault('s3', "),
        (
            lambda aws: aws.inject_fault("s3", operation="ListBuckets", error="SlowDown"),
            "(operation=...)",
        ),
    ],
)
def test_inject_fault_by_keyword_says_how_to_call_it(call: Any, shown: str) -> None:
    with mock_aws() as aws, pytest.raises(TypeError, match=re.escape(shown)):
        call(aws)
