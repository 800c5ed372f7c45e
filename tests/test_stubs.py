"""Stubs: answering one operation yourself while Moto serves everything else.

Most tests run each call three ways: through boto3, and through aiobotocore
on each of its HTTP backends (the ``call`` fixture).
"""

from __future__ import annotations

import asyncio
import datetime
import inspect
from collections.abc import Callable, Mapping
from typing import Any
from unittest import mock

import boto3
import botocore.retries.standard
import botocore.retryhandler
import pytest
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

import aiomoto
from aiomoto import MockAWS, MockStateError, NotImplementedByMotoError, Stub, mock_aws
from tests.conftest import BACKENDS, aio_config

REGION = "us-east-1"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
RETRIES = {"mode": "standard", "total_max_attempts": 3}

#: How a test's calls are made: boto3, or aiobotocore on one of its backends.
KINDS = ["boto3", *(f"aiobotocore-{backend}" for backend in BACKENDS)]

Call = Callable[..., dict[str, Any]]


@pytest.fixture(autouse=True)
def _no_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once: the backoff botocore sleeps between attempts only slows the suite."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", _zero)
    monkeypatch.setattr(botocore.retryhandler, "delay_exponential", _zero)


def _zero(*args: Any, **kwargs: Any) -> float:
    return 0.0


@pytest.fixture(params=KINDS)
def call(request: pytest.FixtureRequest) -> Call:
    """``call("s3", "get_object", Bucket=...)``: the response, with bodies and streams read."""
    return _caller(str(request.param))


#: aiobotocore (3.10) reads event streams through aiohttp's stream API only:
#: on its httpx backend they fail against AWS as under aiomoto.
STREAM_KINDS = [kind for kind in KINDS if kind != "aiobotocore-httpx"]


@pytest.fixture(params=STREAM_KINDS)
def stream_call(request: pytest.FixtureRequest) -> Call:
    """As ``call``, for operations that answer with an event stream."""
    return _caller(str(request.param))


def _caller(kind: str) -> Call:

    def run(service: str, method: str, /, **params: Any) -> dict[str, Any]:
        if kind == "boto3":
            client = boto3.client(service, region_name=REGION, config=Config(retries=RETRIES))
            return _read_sync(getattr(client, method)(**params))
        return asyncio.run(_call_async(kind.split("-")[1], service, method, params))

    return run


async def _call_async(
    backend: str, service: str, method: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    config = aio_config(backend, retries=RETRIES)
    async with AioSession().create_client(service, region_name=REGION, config=config) as client:
        response = dict(await getattr(client, method)(**params))
        for key, value in response.items():
            if hasattr(value, "read"):
                response[key] = await value.read()
            elif hasattr(value, "__aiter__"):
                response[key] = [event async for event in value]
        return response


def _read_sync(response: Mapping[str, Any]) -> dict[str, Any]:
    read = dict(response)
    for key, value in response.items():
        if hasattr(value, "read"):
            read[key] = value.read()
        elif hasattr(value, "__iter__") and not isinstance(value, (str, bytes, list, dict)):
            read[key] = list(value)
    return read


def _metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return dict(response["ResponseMetadata"])


# -- filling a gap in Moto --------------------------------------------------------------


def test_an_operation_moto_does_not_implement_raises_not_implemented_by_moto_error(
    aws: MockAWS, call: Call
) -> None:
    with pytest.raises(NotImplementedByMotoError) as raised:
        call("dynamodb", "describe_contributor_insights", TableName="orders")
    error = raised.value
    assert isinstance(error, NotImplementedError)
    assert (error.service, error.operation) == ("dynamodb", "DescribeContributorInsights")
    import moto

    assert f"Moto {moto.__version__}" in str(error)
    assert 'aws.on("dynamodb", "DescribeContributorInsights").respond({...})' in str(error)


def test_not_implemented_by_moto_error_is_caught_by_except_not_implemented_error(
    aws: MockAWS,
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    with pytest.raises(NotImplementedError):
        dynamodb.describe_contributor_insights(TableName="orders")
    assert isinstance(aws.calls[-1].exception, NotImplementedByMotoError)


def test_a_stub_answers_an_operation_moto_does_not_implement(aws: MockAWS, call: Call) -> None:
    aws.on("dynamodb", "DescribeContributorInsights").respond(
        {"TableName": "orders", "ContributorInsightsStatus": "ENABLED", "LastUpdateDateTime": WHEN}
    )
    response = call("dynamodb", "describe_contributor_insights", TableName="orders")
    assert response["ContributorInsightsStatus"] == "ENABLED"
    assert response["LastUpdateDateTime"] == WHEN


def test_moto_keeps_serving_the_operations_no_stub_answers(aws: MockAWS, call: Call) -> None:
    aws.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "orders"})
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="real")
    assert [b["Name"] for b in call("s3", "list_buckets")["Buckets"]] == ["real"]


# -- matching -------------------------------------------------------------------------


def test_a_stub_answers_only_calls_with_its_parameters(aws: MockAWS, call: Call) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="real", Body=b"from moto")
    aws.on("s3", "GetObject", Bucket="bkt", Key="scripted").respond({"Body": b"from the stub"})
    assert call("s3", "get_object", Bucket="bkt", Key="scripted")["Body"] == b"from the stub"
    assert call("s3", "get_object", Bucket="bkt", Key="real")["Body"] == b"from moto"


def test_mock_any_matches_any_value(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "get_object", Bucket="b", Key=mock.ANY).respond({"Body": b"any key"})
    assert call("s3", "get_object", Bucket="b", Key="whatever")["Body"] == b"any key"


def test_the_newest_matching_stub_answers_first(aws: MockAWS, call: Call) -> None:
    aws.on("sqs", "SendMessage").respond({"MessageId": "older"})
    aws.on("sqs", "SendMessage", MessageBody="x").respond({"MessageId": "newer"})
    assert call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")["MessageId"] == "newer"
    assert call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="y")["MessageId"] == "older"


def test_an_older_stub_answers_once_the_newer_has_no_answer_left(aws: MockAWS, call: Call) -> None:
    aws.on("sqs", "SendMessage").respond({"MessageId": "older"})
    aws.on("sqs", "SendMessage").respond({"MessageId": "newer"}, times=1)
    ids = [call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")["MessageId"]]
    ids.append(call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")["MessageId"])
    assert ids == ["newer", "older"]


def test_an_injected_fault_answers_before_a_stub(aws: MockAWS, call: Call) -> None:
    aws.on("sqs", "SendMessage").respond({"MessageId": "m1"})
    aws.inject_fault("sqs", "SendMessage", error="InvalidMessageContents")
    with pytest.raises(ClientError, match="InvalidMessageContents"):
        call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")


# -- the queue of answers -------------------------------------------------------------


def test_answers_are_taken_in_order_then_moto_answers(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "ListBuckets").respond({"Buckets": [{"Name": "first"}]}, times=1).respond(
        {"Buckets": [{"Name": "second"}]}, times=1
    )
    names = [[b["Name"] for b in call("s3", "list_buckets")["Buckets"]] for _ in range(3)]
    assert names == [["first"], ["second"], []]


def test_a_fail_answer_is_retried_by_the_sdk_into_the_next_answer(aws: MockAWS, call: Call) -> None:
    aws.on("sqs", "SendMessage").fail(error="ThrottlingException", times=2).respond(
        {"MessageId": "m1"}
    )
    response = call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")
    assert response["MessageId"] == "m1"
    assert _metadata(response)["RetryAttempts"] == 2
    assert aws.calls[-1].attempts == 3


def test_a_fail_answer_that_outlasts_the_retries_raises_the_modelled_error(
    aws: MockAWS, call: Call
) -> None:
    aws.on("sqs", "SendMessage").fail(error="ThrottlingException")
    with pytest.raises(ClientError) as raised:
        call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert aws.calls[-1].attempts == 3


def test_a_connection_failure_answer_is_retried_into_the_next_answer(
    aws: MockAWS, call: Call
) -> None:
    aws.on("sqs", "SendMessage").fail(connection="refused", times=1).respond({"MessageId": "m1"})
    response = call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")
    assert _metadata(response)["RetryAttempts"] == 1


def test_a_latency_answer_delays_the_attempt_the_next_answer_takes(
    aws: MockAWS, call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    from aiomoto import _intercept

    original = _intercept.attempt

    def attempt(request: Any) -> _intercept.Attempt:
        found = original(request)
        waits.append(found.delay)
        found.delay = 0.0
        return found

    monkeypatch.setattr(_intercept, "attempt", attempt)
    aws.on("sqs", "SendMessage").fail(latency=2.5, times=1).respond({"MessageId": "slow"})
    response = call("sqs", "send_message", QueueUrl=QUEUE_URL, MessageBody="x")
    assert (response["MessageId"], waits) == ("slow", [2.5])


def test_a_fail_answer_with_probability_lets_later_answers_be_reached(aws: MockAWS) -> None:
    # seed=0 draws 0.84 first: the fail answer misses, and the next one answers.
    stub = aws.on("sqs", "SendMessage").fail(error="InternalError", probability=0.5, seed=0)
    stub.respond({"MessageId": "reached"})
    sqs = boto3.client("sqs", region_name=REGION)
    assert sqs.send_message(QueueUrl=QUEUE_URL, MessageBody="x")["MessageId"] == "reached"
    assert aws.calls[-1].attempts == 1


def test_fail_takes_every_inject_fault_keyword_but_region(aws: MockAWS) -> None:
    parameters = inspect.signature(MockAWS.inject_fault).parameters.values()
    keywords = {
        p.name: p.default
        for p in parameters
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "region"
    }
    keywords.update(error="InternalError", times=1)
    stub = aws.on("sqs", "SendMessage").fail(**keywords).respond({"MessageId": "m"})
    assert {"seed", "probability", "latency"} <= set(keywords)
    assert len(stub._answers) == 2


def test_a_callable_answer_gets_the_calls_parameters(aws: MockAWS, call: Call) -> None:
    seen: list[Mapping[str, Any]] = []

    def answer(params: Mapping[str, Any]) -> Mapping[str, Any]:
        seen.append(params)
        return {"StatusCode": 200, "Payload": params["Payload"]}

    aws.on("lambda", "Invoke").respond(answer)
    response = call("lambda", "invoke", FunctionName="f", Payload=b'{"echo": 1}')
    assert response["Payload"] == b'{"echo": 1}'
    assert seen[0]["FunctionName"] == "f"
    with pytest.raises(TypeError):
        seen[0]["FunctionName"] = "changed"  # type: ignore[index]


def test_a_callable_answers_output_is_checked_when_it_is_used(aws: MockAWS, call: Call) -> None:
    aws.on("lambda", "Invoke").respond(lambda params: {"StatusCod": 200})
    with pytest.raises(ValueError, match="did you mean 'StatusCode'"):
        call("lambda", "invoke", FunctionName="f")


# -- history --------------------------------------------------------------------------


def test_stubbed_calls_are_recorded_as_stubbed(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "ListBuckets").respond({"Buckets": []}, times=1)
    call("s3", "list_buckets")
    call("s3", "list_buckets")
    assert [c.stubbed for c in aws.calls] == [True, False]
    assert aws.calls[0].status == 200


def test_stubbed_is_false_when_moto_answered_the_final_attempt(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "ListBuckets").fail(error="InternalError", times=1)
    call("s3", "list_buckets")
    assert (aws.calls[-1].attempts, aws.calls[-1].stubbed) == (2, False)


def test_stub_calls_holds_the_calls_it_answered(aws: MockAWS, call: Call) -> None:
    stub = aws.on("s3", "GetObject", Key="a").respond({"Body": b"a"})
    other = aws.on("s3", "GetObject", Key="b").respond({"Body": b"b"})
    call("s3", "get_object", Bucket="x", Key="a")
    call("s3", "get_object", Bucket="x", Key="a")
    call("s3", "get_object", Bucket="x", Key="b")
    assert [c.params["Key"] for c in stub.calls] == ["a", "a"]
    assert len(other.calls) == 1
    assert len(stub.calls.filter("s3", "GetObject", Key="a")) == 2


def test_a_call_retried_through_one_stub_is_in_its_calls_once(aws: MockAWS) -> None:
    stub = aws.on("sqs", "SendMessage").fail(error="ThrottlingException", times=1)
    stub.respond({"MessageId": "m"})
    sqs = boto3.client("sqs", region_name=REGION, config=Config(retries=RETRIES))
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody="x")
    assert [c.attempts for c in stub.calls] == [2]


# -- lifetime -------------------------------------------------------------------------


def test_remove_sends_matching_calls_to_moto_again(aws: MockAWS, call: Call) -> None:
    stub = aws.on("s3", "ListBuckets").respond({"Buckets": [{"Name": "stubbed"}]})
    stub.remove()
    stub.remove()
    assert call("s3", "list_buckets")["Buckets"] == []
    assert not stub.active


def test_leaving_with_stub_removes_it(aws: MockAWS, call: Call) -> None:
    with aws.on("s3", "ListBuckets").respond({"Buckets": [{"Name": "stubbed"}]}) as stub:
        assert call("s3", "list_buckets")["Buckets"][0]["Name"] == "stubbed"
    assert call("s3", "list_buckets")["Buckets"] == []
    assert not stub.active


def test_a_stub_ends_when_its_mock_exits() -> None:
    with mock_aws() as aws:
        stub = aws.on("s3", "ListBuckets").respond({"Buckets": [{"Name": "stubbed"}]})
    with mock_aws():
        assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []
    assert not stub.active


def test_a_stub_of_a_nested_mock_ends_when_that_mock_exits() -> None:
    with mock_aws():
        with mock_aws() as inner:
            stub = inner.on("s3", "ListBuckets").respond({"Buckets": [{"Name": "stubbed"}]})
        assert not stub.active
        assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


def test_a_failing_test_body_leaves_no_stub_installed() -> None:
    from aiomoto import _intercept

    def failing_test() -> None:
        with mock_aws() as aws:
            aws.on("s3", "ListBuckets").respond({"Buckets": []})
            raise RuntimeError("test failed")

    with pytest.raises(RuntimeError, match="test failed"):
        failing_test()
    assert _intercept._stubs == {}


def test_repr_names_the_operation_and_its_parameters(aws: MockAWS) -> None:
    stub = aws.on("s3", "GetObject", Bucket="b").respond({"Body": b""})
    assert repr(stub) == "<Stub s3.GetObject(Bucket='b') answers=1 calls=0>"
    stub.remove()
    assert repr(stub).endswith("removed>")


# -- misuse raises before any call is made ---------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda aws: aws.on("s4", "GetObject"), ValueError, "did you mean 's3'"),
        (lambda aws: aws.on("s3", "GetObjekt"), ValueError, "did you mean 'GetObject'"),
        (lambda aws: aws.on("s3", "GetObject", Bukket="b"), ValueError, "did you mean 'Bucket'"),
        (lambda aws: aws.on("s3", None), TypeError, "needs an operation"),
        (
            lambda aws: aws.on("s3", "GetObject").respond({"Bodyy": b""}),
            ValueError,
            r"s3.GetObject response has no member 'Bodyy' \(GetObjectOutput\); did you mean 'Body'",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").respond({"Buckets": [{"Name": 3}]}),
            TypeError,
            r"""response\['Buckets'\]\[0\]\['Name'\] must be a str, not int""",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").respond({"Buckets": {"Name": "b"}}),
            TypeError,
            "must be a list",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").respond([]),
            TypeError,
            r"s3.ListBuckets response must be a dict \(ListBucketsOutput\)",
        ),
        (
            lambda aws: aws.on("sqs", "GetQueueAttributes").respond({"Attributes": ["a"]}),
            TypeError,
            "must be a dict",
        ),
        (
            lambda aws: aws.on("sqs", "GetQueueAttributes").respond({"Attributes": {"A": 1}}),
            TypeError,
            r"\['Attributes'\]\['A'\] must be a str",
        ),
        (
            lambda aws: aws.on("lambda", "Invoke").respond({"StatusCode": True}),
            TypeError,
            "must be an int, not bool",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").respond({"Buckets": []}).respond({}),
            ValueError,
            "can never be reached",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").fail(error="SlowDown").respond({}),
            ValueError,
            "can never be reached",
        ),
        (
            lambda aws: aws.on("s3", "ListBuckets").respond({}).fail(error="SlowDown"),
            ValueError,
            "can never be reached",
        ),
        (lambda aws: aws.on("s3", "ListBuckets").respond({}, times=0), ValueError, "at least 1"),
        (lambda aws: aws.on("s3", "ListBuckets").respond({}, times=True), TypeError, "an int"),
        (lambda aws: aws.on("s3", "ListBuckets").respond({}, times=1.5), TypeError, "an int"),
        (lambda aws: aws.on("s3", "ListBuckets").fail(region="eu-west-1"), TypeError, "region"),
        (
            lambda aws: aws.on("s3", "ListBuckets").fail(error="SlowDown", connection="refused"),
            TypeError,
            "not both",
        ),
        (lambda aws: aws.on("s3", "ListBuckets").fail(), TypeError, "needs error="),
        (lambda aws: aws.on("s3", "ListBuckets").fail(colour="red"), TypeError, "colour"),
    ],
)
def test_misuse_raises_a_named_error_before_any_call_is_made(
    make: Callable[[MockAWS], Any], error: type[Exception], match: str
) -> None:
    with mock_aws() as aws:
        with pytest.raises(error, match=match):
            make(aws)
        assert len(aws.calls) == 0


def test_on_outside_an_active_mock_raises_mock_state_error() -> None:
    with pytest.raises(aiomoto.MockStateError, match="not active"):
        mock_aws().on("s3", "ListBuckets")


def test_a_rejected_answer_is_not_queued(aws: MockAWS) -> None:
    stub = aws.on("s3", "ListBuckets")
    with pytest.raises(ValueError, match="Bukkets"):
        stub.respond({"Bukkets": []})
    assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


# -- what a stubbed answer looks like to the client -------------------------------------


def test_blob_payloads_are_the_sdks_streaming_body_sync(aws: MockAWS) -> None:
    from botocore.response import StreamingBody

    aws.on("s3", "GetObject").respond({"Body": b"streamed"})
    body = boto3.client("s3", region_name=REGION).get_object(Bucket="b", Key="k")["Body"]
    assert isinstance(body, StreamingBody)
    assert body.read() == b"streamed"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_blob_payloads_are_the_sdks_streaming_body_async(aws: MockAWS, backend: str) -> None:
    import aiobotocore.response

    # 3.x: one base class for both backends; 2.25.x: StreamingBody (aiohttp).
    body_types = getattr(aiobotocore.response, "AioStreamingBodyBase", None) or (
        aiobotocore.response.StreamingBody
    )
    aws.on("bedrock-runtime", "InvokeModel").respond({"body": b'{"out": 1}', "contentType": "j"})
    config = aio_config(backend)
    async with AioSession().create_client("bedrock-runtime", config=config) as bedrock:
        response = await bedrock.invoke_model(modelId="m", body=b"{}")
        body = response["body"]
        assert isinstance(body, body_types)
        async with body:
            assert await body.read() == b'{"out": 1}'
    assert response["contentType"] == "j"


def test_members_bound_to_headers_land_there(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "GetObject").respond(
        {
            "Body": b"x",
            "ContentType": "text/plain",
            "LastModified": WHEN,
            "Metadata": {"owner": "me"},
            "ContentLength": 1,
            "DeleteMarker": False,
        }
    )
    response = call("s3", "get_object", Bucket="b", Key="k")
    headers = _metadata(response)["HTTPHeaders"]
    assert headers["content-type"] == "text/plain"
    assert headers["x-amz-meta-owner"] == "me"
    assert headers["x-amz-delete-marker"] == "false"
    assert (response["LastModified"], response["Metadata"]) == (WHEN, {"owner": "me"})


def test_a_member_bound_to_the_status_code_sets_it(aws: MockAWS, call: Call) -> None:
    aws.on("lambda", "Invoke").respond({"StatusCode": 202})
    response = call("lambda", "invoke", FunctionName="f", InvocationType="Event")
    assert (response["StatusCode"], _metadata(response)["HTTPStatusCode"]) == (202, 202)


def test_the_models_response_code_is_used(aws: MockAWS, call: Call) -> None:
    aws.on("lambda", "CreateFunction").respond({"FunctionName": "f"})
    response = call("lambda", "create_function", FunctionName="f", Role="r", Code={"ZipFile": b"z"})
    assert _metadata(response)["HTTPStatusCode"] == 201


def test_a_head_response_has_no_body(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "HeadObject").respond({"ContentLength": 5, "ETag": '"e"'})
    response = call("s3", "head_object", Bucket="b", Key="k")
    assert (response["ContentLength"], response["ETag"]) == (5, '"e"')


def test_a_structure_payload_is_the_body(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "GetBucketPolicyStatus").respond({"PolicyStatus": {"IsPublic": True}})
    assert call("s3", "get_bucket_policy_status", Bucket="b")["PolicyStatus"] == {"IsPublic": True}


def test_a_string_payload_is_the_body(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "GetBucketPolicy").respond({"Policy": '{"Version": "2012-10-17"}'})
    assert call("s3", "get_bucket_policy", Bucket="b")["Policy"] == '{"Version": "2012-10-17"}'


def test_a_missing_payload_is_an_empty_body(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "GetObject").respond({"ContentType": "text/plain"})
    assert call("s3", "get_object", Bucket="b", Key="k")["Body"] == b""


def test_an_output_of_headers_only_has_no_body(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "PutObject").respond({"ETag": '"tag"'})
    assert call("s3", "put_object", Bucket="b", Key="k", Body=b"x")["ETag"] == '"tag"'


def test_flattened_lists_and_xml_attributes_parse(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "GetBucketAcl").respond(
        {
            "Owner": {"ID": "o"},
            "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "g"}, "Permission": "READ"}],
        }
    )
    aws.on("s3", "ListObjectsV2").respond({"Contents": [{"Key": "a"}, {"Key": "b"}]})
    grants = call("s3", "get_bucket_acl", Bucket="b")["Grants"]
    assert grants == [{"Grantee": {"Type": "CanonicalUser", "ID": "g"}, "Permission": "READ"}]
    contents = call("s3", "list_objects_v2", Bucket="b")["Contents"]
    assert [o["Key"] for o in contents] == ["a", "b"]


def test_timestamps_given_as_epoch_seconds_or_text_come_back_as_datetime(
    aws: MockAWS, call: Call
) -> None:
    aws.on("s3", "ListBuckets").respond(
        {
            "Buckets": [
                {"Name": "a", "CreationDate": WHEN.timestamp()},
                {"Name": "b", "CreationDate": "2024-05-06T07:08:09Z"},
                {"Name": "c", "CreationDate": WHEN.replace(tzinfo=None)},
            ]
        }
    )
    dates = [b["CreationDate"] for b in call("s3", "list_buckets")["Buckets"]]
    assert dates == [WHEN, WHEN, WHEN]


def test_document_members_are_passed_through(aws: MockAWS, call: Call) -> None:
    aws.on("bedrock-runtime", "Converse").respond(
        {**_CONVERSE, "additionalModelResponseFields": {"any": ["json", 1]}}
    )
    response = call("bedrock-runtime", "converse", modelId="m", messages=_MESSAGES)
    assert response["additionalModelResponseFields"] == {"any": ["json", 1]}


def test_an_operation_without_output_is_answered_with_an_empty_dict(
    aws: MockAWS, call: Call
) -> None:
    aws.on("sns", "DeleteTopic").respond({})
    aws.on("s3", "DeleteBucket").respond({})
    aws.on("kinesis", "DeleteStream").respond({})
    aws.on("ec2", "AssociateDhcpOptions").respond({})
    call("sns", "delete_topic", TopicArn="arn:aws:sns:us-east-1:123456789012:t")
    call("s3", "delete_bucket", Bucket="never-made")
    call("kinesis", "delete_stream", StreamName="never-made")
    call("ec2", "associate_dhcp_options", DhcpOptionsId="dopt-1", VpcId="vpc-1")
    assert [c.stubbed for c in aws.calls] == [True] * 4


def test_a_boto3_resource_gets_the_stubbed_answer(aws: MockAWS) -> None:
    aws.on("s3", "GetObject", Bucket="b", Key="k").respond({"Body": b"through a resource"})
    obj = boto3.resource("s3", region_name=REGION).Object("b", "k")
    assert obj.get()["Body"].read() == b"through a resource"


# -- each wire protocol, end to end -----------------------------------------------------


def test_rest_xml(aws: MockAWS, call: Call) -> None:
    aws.on("s3", "ListBuckets").respond(
        {"Buckets": [{"Name": "x", "CreationDate": WHEN}], "Owner": {"ID": "me"}}
    )
    response = call("s3", "list_buckets")
    assert response["Buckets"] == [{"Name": "x", "CreationDate": WHEN}]
    assert response["Owner"] == {"ID": "me"}


def test_query(aws: MockAWS, call: Call) -> None:
    aws.on("sns", "ListTopics").respond({"Topics": [{"TopicArn": "a"}, {"TopicArn": "b"}]})
    aws.on("sts", "GetCallerIdentity").respond(
        {"Account": "999999999999", "Arn": "arn", "UserId": "u"}
    )
    assert call("sns", "list_topics")["Topics"] == [{"TopicArn": "a"}, {"TopicArn": "b"}]
    response = call("sts", "get_caller_identity")
    assert response["Account"] == "999999999999"
    assert _metadata(response)["RequestId"]


def test_ec2(aws: MockAWS, call: Call) -> None:
    aws.on("ec2", "DescribeRegions").respond(
        {"Regions": [{"RegionName": "mars-north-1", "Endpoint": "ec2.mars", "OptInStatus": "x"}]}
    )
    response = call("ec2", "describe_regions")
    assert response["Regions"] == [
        {"RegionName": "mars-north-1", "Endpoint": "ec2.mars", "OptInStatus": "x"}
    ]
    assert _metadata(response)["RequestId"]


def test_json(aws: MockAWS, call: Call) -> None:
    aws.on("dynamodb", "GetItem").respond(
        {"Item": {"id": {"S": "1"}, "blob": {"B": b"\x00\x01"}, "n": {"N": "2"}}}
    )
    item = call("dynamodb", "get_item", TableName="t", Key={"id": {"S": "1"}})["Item"]
    assert item == {"id": {"S": "1"}, "blob": {"B": b"\x00\x01"}, "n": {"N": "2"}}


def test_rest_json(aws: MockAWS, call: Call) -> None:
    aws.on("lambda", "GetFunction").respond(
        {"Configuration": {"FunctionName": "f", "MemorySize": 256}, "Tags": {"team": "a"}}
    )
    response = call("lambda", "get_function", FunctionName="f")
    assert response["Configuration"] == {"FunctionName": "f", "MemorySize": 256}
    assert response["Tags"] == {"team": "a"}


def _services_speaking(protocol: str) -> list[str]:
    return [
        name
        for name in boto3.session.Session().get_available_services()
        if aiomoto._names.service_model(name).resolved_protocol == protocol
    ]


# botocore moved CloudWatch to CBOR and back to json for clients; this
# botocore's CBOR-only services (Moto has none of them) show the rendering.
if "cloudwatchomni" in _services_speaking("smithy-rpc-v2-cbor"):

    def test_smithy_rpc_v2_cbor(aws: MockAWS, call: Call) -> None:
        aws.on("cloudwatchomni", "GetView").respond(
            {"name": "myview", "definition": "d", "createdAt": WHEN, "arn": "a"}
        )
        aws.on("cloudwatchomni", "GetTelemetryQueryResults").respond(
            {"status": "Complete", "rows": [{"k": "v"}], "statistics": {"bytesScanned": 1.5}}
        )
        view = call("cloudwatchomni", "get_view", name="myview")
        assert (view["name"], view["createdAt"]) == ("myview", WHEN)
        assert _metadata(view)["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"
        results = call("cloudwatchomni", "get_telemetry_query_results", queryId="q")
        assert results["rows"] == [{"k": "v"}]
        assert results["statistics"] == {"bytesScanned": 1.5}


# -- event streams --------------------------------------------------------------------

_MESSAGES = [{"role": "user", "content": [{"text": "hello"}]}]
_CONVERSE = {
    "output": {"message": {"role": "assistant", "content": [{"text": "Hi!"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
    "metrics": {"latencyMs": 5},
}


def test_converse_stream(aws: MockAWS, stream_call: Call) -> None:
    events = [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}},
        {"messageStop": {"stopReason": "end_turn"}},
    ]
    aws.on("bedrock-runtime", "ConverseStream").respond({"stream": events})
    assert (
        stream_call("bedrock-runtime", "converse_stream", modelId="m", messages=_MESSAGES)["stream"]
        == events
    )


def test_invoke_model_with_response_stream(aws: MockAWS, stream_call: Call) -> None:
    chunks = [{"chunk": {"bytes": b'{"a": 1}'}}, {"chunk": {"bytes": b'{"b": 2}'}}]
    aws.on("bedrock-runtime", "InvokeModelWithResponseStream").respond(
        {"body": chunks, "contentType": "application/json"}
    )
    response = stream_call(
        "bedrock-runtime", "invoke_model_with_response_stream", modelId="m", body=b"{}"
    )
    assert response["body"] == chunks
    assert response["contentType"] == "application/json"


def test_select_object_content(aws: MockAWS, stream_call: Call) -> None:
    events = [
        {"Records": {"Payload": b"a,b\n"}},
        {"Stats": {"Details": {"BytesScanned": 4, "BytesProcessed": 4, "BytesReturned": 4}}},
        {"End": {}},
    ]
    aws.on("s3", "SelectObjectContent").respond({"Payload": events})
    response = stream_call(
        "s3",
        "select_object_content",
        Bucket="b",
        Key="k",
        Expression="SELECT * FROM S3Object",
        ExpressionType="SQL",
        InputSerialization={"CSV": {}},
        OutputSerialization={"CSV": {}},
    )
    assert response["Payload"] == events


def _has_operation(service: str, operation: str) -> bool:
    try:
        return operation in aiomoto._names.service_model(service).operation_names
    except ValueError:  # pragma: no cover - an older botocore without the service
        return False


# A json-protocol operation with an event stream, in newer botocore models.
if _has_operation("healthlake", "UpdateProfileWithAgent"):

    def test_an_event_stream_of_the_json_protocol_opens_with_the_other_members(
        aws: MockAWS, stream_call: Call
    ) -> None:
        events = [{"TextMessageEvent": {"Message": "working"}}, {"EndOfOutputEvent": {}}]
        aws.on("healthlake", "UpdateProfileWithAgent").respond({"AgentResponse": events})
        response = stream_call(
            "healthlake",
            "update_profile_with_agent",
            ProfileId="0" * 32,
            InputMessage={"Body": "hi", "Type": "TEXT"},
        )
        assert response["AgentResponse"] == events


def test_an_empty_event_stream(aws: MockAWS, stream_call: Call) -> None:
    aws.on("bedrock-runtime", "ConverseStream").respond({})
    assert (
        stream_call("bedrock-runtime", "converse_stream", modelId="m", messages=_MESSAGES)["stream"]
        == []
    )


@pytest.mark.parametrize(
    ("events", "error", "match"),
    [
        ({"messageStart": {}}, TypeError, "a list of events"),
        (["messageStart"], TypeError, "an event"),
        ([{"messageStart": {}, "messageStop": {}}], TypeError, "an event"),
        ([{"messageStrat": {}}], ValueError, "did you mean 'messageStart'"),
        ([{"messageStart": {"rol": "user"}}], ValueError, "did you mean 'role'"),
    ],
)
def test_a_bad_event_raises_before_the_stub_is_installed(
    aws: MockAWS, events: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        aws.on("bedrock-runtime", "ConverseStream").respond({"stream": events})


# -- beyond plain clients ---------------------------------------------------------------


def test_server_mode_stubs_answer_this_processes_clients(call: Call) -> None:
    with mock_aws(server_mode=True) as aws:
        aws.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "orders"})
        response = call("dynamodb", "describe_contributor_insights", TableName="orders")
    assert response["TableName"] == "orders"


if "httpx" in BACKENDS:

    def test_a_stub_answers_under_trio() -> None:
        import trio

        async def main() -> bytes:
            async with mock_aws() as aws:
                aws.on("s3", "GetObject").respond({"Body": b"from trio"})
                config = aio_config("httpx")
                async with AioSession().create_client(
                    "s3", region_name=REGION, config=config
                ) as s3:
                    body = (await s3.get_object(Bucket="b", Key="k"))["Body"]
                    async with body:
                        return bytes(await body.read())

        assert trio.run(main) == b"from trio"


def test_a_stubs_answer_used_up_and_moto_does_not_implement_raises(aws: MockAWS) -> None:
    aws.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "t"}, times=1)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.describe_contributor_insights(TableName="t")
    with pytest.raises(NotImplementedByMotoError):
        dynamodb.describe_contributor_insights(TableName="t")


def test_stub_is_exported() -> None:
    assert aiomoto.Stub is Stub
    assert "Stub" in aiomoto.__all__
    assert "NotImplementedByMotoError" in aiomoto.__all__


def test_connection_failures_on_every_attempt_raise(aws: MockAWS) -> None:
    aws.on("sqs", "SendMessage").fail(connection="refused")
    sqs = boto3.client("sqs", region_name=REGION, config=Config(retries=RETRIES))
    with pytest.raises(EndpointConnectionError):
        sqs.send_message(QueueUrl=QUEUE_URL, MessageBody="x")
    assert aws.calls[-1].stubbed


def test_a_different_not_implemented_error_from_moto_is_raised_as_it_is(
    aws: MockAWS, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.core.models import botocore_stubber

    def process_request(request: Any) -> None:
        raise NotImplementedError("something else")

    monkeypatch.setattr(botocore_stubber, "process_request", process_request)
    with pytest.raises(NotImplementedError, match="something else") as raised:
        boto3.client("s3", region_name=REGION).list_buckets()
    assert not isinstance(raised.value, NotImplementedByMotoError)


def test_an_unimplemented_action_outside_an_api_call_is_raised_as_moto_raised_it(
    aws: MockAWS,
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    model = dynamodb.meta.service_model.operation_model("DescribeContributorInsights")
    request = {
        "url_path": "/",
        "query_string": "",
        "method": "POST",
        "headers": {
            "X-Amz-Target": "DynamoDB_20120810.DescribeContributorInsights",
            "Content-Type": "application/x-amz-json-1.0",
        },
        "body": b'{"TableName": "t"}',
        "url": "https://dynamodb.us-east-1.amazonaws.com/",
        "context": {"client_config": dynamodb.meta.config},
    }
    with pytest.raises(NotImplementedError) as raised:
        dynamodb._endpoint.make_request(model, request)
    assert not isinstance(raised.value, NotImplementedByMotoError)


def test_a_stub_made_directly_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"made by a mock.*make a new stub with on\(\.\.\.\)"):
        Stub("s3", "ListBuckets", {})


def test_entering_a_removed_stub_is_a_mock_state_error(aws: MockAWS) -> None:
    stub = aws.on("s3", "ListBuckets").respond({"Buckets": []})
    stub.remove()
    with pytest.raises(MockStateError, match=r"entered after it ended.*make a new stub with on"):
        with stub:
            pass


def test_entering_a_stub_after_its_mock_exited_is_a_mock_state_error() -> None:
    with mock_aws() as aws:
        stub = aws.on("s3", "ListBuckets").respond({"Buckets": []})
    with pytest.raises(MockStateError, match="entered after it ended"):
        with stub:
            pass


def test_an_operation_without_output_rejects_members(aws: MockAWS) -> None:
    with pytest.raises(ValueError, match="no output members"):
        aws.on("sns", "DeleteTopic").respond({"TopicArn": "a"})


class StubsInAMockAWSTestCase(aiomoto.MockAWSTestCase):
    def test_self_aws_mock_on_answers_the_tests_calls(self) -> None:
        assert self.aws_mock is not None
        self.aws_mock.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "t"})
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        response = dynamodb.describe_contributor_insights(TableName="t")
        assert response["TableName"] == "t"


class StubsInAnIsolatedAsyncioMockAWSTestCase(aiomoto.IsolatedAsyncioMockAWSTestCase):
    async def test_self_aws_mock_on_answers_the_tests_async_calls(self) -> None:
        assert self.aws_mock is not None
        self.aws_mock.on("dynamodb", "DescribeContributorInsights").respond({"TableName": "t"})
        async with AioSession().create_client("dynamodb", region_name=REGION) as dynamodb:
            response = await dynamodb.describe_contributor_insights(TableName="t")
        assert response["TableName"] == "t"
