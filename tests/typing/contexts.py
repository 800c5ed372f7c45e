"""``with`` and ``async with`` give a ``MockAWS``; misuse is a type error."""

from __future__ import annotations

from typing_extensions import assert_type

from aiomoto import (
    AutoEndpointMode,
    CallHistory,
    Fault,
    MockAWS,
    MockAWSOptions,
    MockAWSTestCase,
    active_mock,
    mock_aws,
    mock_aws_decorator,
)


def with_gives_the_mock() -> None:
    with mock_aws() as aws:
        assert_type(aws, MockAWS)
    with mock_aws(reset=False, remove_data=False) as aws:
        assert_type(aws, MockAWS)
    with MockAWS(config={"core": {"service_whitelist": ["s3"]}}) as aws:
        assert_type(aws, MockAWS)
    with mock_aws_decorator(reset=False) as aws:
        assert_type(aws, MockAWS)


async def async_with_gives_the_mock() -> None:
    async with mock_aws() as aws:
        assert_type(aws, MockAWS)
    async with mock_aws(server_mode=True, auto_endpoint=AutoEndpointMode.IF_MISSING) as aws:
        assert_type(aws, MockAWS)
        assert_type(aws.server_endpoint, str)
        assert_type(aws.server_host, str)
        assert_type(aws.server_port, int)


def the_active_mock_and_what_it_offers() -> None:
    with mock_aws():
        aws = active_mock()
        assert_type(aws, MockAWS)
        assert_type(aws.calls, CallHistory)
        assert_type(aws.inject_fault("s3", "GetObject", error="NoSuchKey"), Fault)
        assert_type(aws.assert_called("s3", "put_object", times=1, Bucket="b"), None)
        aws.assert_called("s3", "put_object", times="1")  # type: ignore[arg-type]


def start_and_stop() -> None:
    aws = mock_aws()
    assert_type(aws.start(), None)
    assert_type(aws.stop(remove_data=False), None)


def reusable_options() -> None:
    options: MockAWSOptions = {"reset": False, "server_mode": True, "server_port": 5000}
    assert_type(mock_aws(**options), MockAWS)


class Options(MockAWSTestCase):
    mock_aws_options = {"remove_data": False}  # noqa: RUF012 - the base declares it a ClassVar


def options_of_a_test_case_are_typed() -> None:
    assert_type(Options.mock_aws_options, MockAWSOptions)


def unknown_options_are_errors() -> None:
    mock_aws(no_such_option=True)  # type: ignore[call-overload]
    mock_aws_decorator(resets=False)  # type: ignore[call-overload]
    MockAWS(server=True)  # type: ignore[call-arg]
    typo: MockAWSOptions = {"reset": False, "typo": 1}  # type: ignore[typeddict-unknown-key]
    mock_aws(**typo)


def ill_typed_options_are_errors() -> None:
    mock_aws(reset="yes")  # type: ignore[call-overload]
    mock_aws_decorator(remove_data=None)  # type: ignore[call-overload]
    mock_aws(scope="module")  # type: ignore[call-overload]
    mock_aws(server_port="5000")  # type: ignore[call-overload]
    MockAWS(config=["s3"])  # type: ignore[arg-type]
    aws = mock_aws()
    aws.start(reset="no")  # type: ignore[arg-type]


def options_are_keyword_only() -> None:
    mock_aws(None, True)  # type: ignore[call-overload]
    MockAWS(True)  # type: ignore[call-arg]


def only_callables_are_decorated() -> None:
    mock_aws(42)  # type: ignore[call-overload]
    mock_aws_decorator("function")  # type: ignore[call-overload]
    mock_aws()(None)  # type: ignore[type-var]


class Misconfigured(MockAWSTestCase):
    mock_aws_options = {"reset": "yes"}  # type: ignore[typeddict-item]  # noqa: RUF012
