"""Hostile values: faults, call assertions, server options, the CLI, unittest mixins.

Each misuse gets a named error that says what to do, and afterwards the
process is clean (``assert_process_clean``).
"""

from __future__ import annotations

import io
import math
import unittest
from collections.abc import Callable
from typing import Any
from unittest.mock import ANY

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiomoto
import aiomoto.__main__ as cli
from aiomoto import AsyncMockAWSMixin, MockAWS, MockStateError, MotoServer, _activation, mock_aws
from aiomoto.faults import MAX_LATENCY
from tests.conftest import ProcessState, assert_process_clean

Clean = Callable[[], None]


@pytest.fixture
def aws() -> Any:
    with mock_aws() as mock:
        yield mock


# -- faults: values that would hang, or faults that could never fire ----------


@pytest.mark.parametrize("latency", [math.inf, -math.inf, math.nan, 1e300, MAX_LATENCY + 1, -1])
def test_a_latency_that_is_not_finite_or_out_of_range_is_a_value_error(
    aws: MockAWS, latency: float
) -> None:
    with pytest.raises(ValueError, match=r"inject_fault\(latency=...\) must be"):
        aws.inject_fault("s3", latency=latency)


def test_the_longest_latency_accepted_is_max_latency(aws: MockAWS) -> None:
    with aws.inject_fault("s3", latency=MAX_LATENCY) as fault:
        assert fault.latency == MAX_LATENCY


def test_latency_zero_alone_is_a_value_error(aws: MockAWS) -> None:
    with pytest.raises(ValueError, match=r"latency=0\) alone would change nothing"):
        aws.inject_fault("s3", latency=0)


def test_latency_zero_with_an_error_is_accepted(aws: MockAWS) -> None:
    with aws.inject_fault("s3", error="SlowDown", latency=0):
        with pytest.raises(Exception, match="SlowDown"):
            boto3.client("s3", region_name="us-east-1", config=_no_retries()).list_buckets()


@pytest.mark.parametrize("probability", [0, 0.0, -0.1, 1.5, math.nan, math.inf])
def test_a_probability_that_can_never_fire_or_is_out_of_range_is_a_value_error(
    aws: MockAWS, probability: float
) -> None:
    with pytest.raises(ValueError, match=r"inject_fault\(probability=...\) must be"):
        aws.inject_fault("s3", error="SlowDown", probability=probability)


def test_entering_a_removed_fault_is_a_mock_state_error(aws: MockAWS) -> None:
    fault = aws.inject_fault("s3", error="SlowDown")
    fault.remove()
    with pytest.raises(MockStateError, match="entered after it ended"):
        with fault:
            pass


def test_entering_a_fault_after_its_mock_exited_is_a_mock_state_error(
    clean_process: Clean,
) -> None:
    with mock_aws() as mock:
        fault = mock.inject_fault("s3", error="SlowDown")
    never = r"would never answer again: inject a new fault with inject_fault\(\.\.\.\)"
    with pytest.raises(MockStateError, match=never):
        with fault:
            pass
    clean_process()


def test_a_fault_made_directly_is_a_type_error() -> None:
    made = r"made by a mock.*inject a new fault with inject_fault\(\.\.\.\)"
    with pytest.raises(TypeError, match=made):
        aiomoto.Fault("s3", error="SlowDown")


@pytest.mark.parametrize("message", ["bad\x00byte", "\x1b[31mred", "bell\x07", "form\x0cfeed"])
def test_a_control_character_in_a_fault_message_is_a_value_error(
    aws: MockAWS, message: str
) -> None:
    with pytest.raises(ValueError, match="must not hold control characters"):
        aws.inject_fault("s3", error="SlowDown", message=message)


def test_tabs_and_newlines_in_a_fault_message_reach_the_client(aws: MockAWS) -> None:
    aws.inject_fault("sqs", error="ThrottlingException", message="line one\n\tline two")
    sqs = boto3.client("sqs", region_name="us-east-1", config=_no_retries())
    with pytest.raises(Exception, match="line one\n\tline two"):
        sqs.list_queues()


@pytest.mark.parametrize("error", ["Slow\x00Down", "Slow\nDown", "Slow\tDown"])
def test_an_error_code_with_whitespace_or_control_characters_is_a_type_error(
    aws: MockAWS, error: str
) -> None:
    with pytest.raises(TypeError, match=r"inject_fault\(error=...\) must be an AWS error code"):
        aws.inject_fault("s3", error=error)


@settings(max_examples=80, deadline=None)
@given(
    latency=st.one_of(st.none(), st.floats(), st.integers(-5, 10**6)),
    probability=st.one_of(st.none(), st.floats()),
    error=st.one_of(st.none(), st.just("SlowDown")),
)
def test_any_fault_values_are_accepted_within_range_or_rejected_by_name(
    latency: float | None, probability: float | None, error: str | None
) -> None:
    before = ProcessState.now()
    with mock_aws() as mock:
        try:
            fault = mock.inject_fault("s3", error=error, latency=latency, probability=probability)
        except (TypeError, ValueError) as rejected:
            message = str(rejected)
        else:
            message = ""
            assert fault.active
            assert 0 <= fault.latency <= MAX_LATENCY
            assert fault.probability is None or 0 < fault.probability <= 1
            assert fault.error is not None or fault.latency > 0
    assert message == "" or "inject_fault(" in message
    assert_process_clean(before)


def _no_retries() -> Any:
    from botocore.config import Config

    return Config(retries={"max_attempts": 0, "mode": "standard"})


# -- call assertions: required names and values that are not names ----------


@pytest.mark.parametrize("assertion", ["assert_called", "assert_called_once"])
def test_an_assertion_that_needs_an_operation_rejects_none(aws: MockAWS, assertion: str) -> None:
    boto3.client("s3", region_name="us-east-1").list_buckets()
    with pytest.raises(TypeError, match=r"need an operation.*calls.filter\('s3'\)"):
        getattr(aws, assertion)("s3", None)


def test_assert_not_called_without_a_service_is_a_type_error(aws: MockAWS) -> None:
    with pytest.raises(TypeError, match=r"needs a service.*assert not mock.calls"):
        aws.assert_not_called(None)  # type: ignore[arg-type]


def test_assert_aws_called_of_a_test_case_rejects_a_missing_operation() -> None:
    class Case(aiomoto.MockAWSTestCase):
        def test_it(self) -> None:
            self.assertAWSCalled("s3", None)  # type: ignore[arg-type]

    result = _run(Case)
    ((_test, traceback),) = result.errors
    assert "TypeError: assert_called() and assert_called_once() need an operation" in traceback


@pytest.mark.parametrize(
    "call",
    [
        lambda aws: aws.assert_called(ANY, ANY),
        lambda aws: aws.assert_not_called(ANY),
        lambda aws: aws.calls.filter(["s3"]),
        lambda aws: aws.calls.filter({"s3"}),
        lambda aws: aws.inject_fault(ANY, error="SlowDown"),
    ],
    ids=[
        "assert_called(ANY, ANY)",
        "assert_not_called(ANY)",
        "filter(list)",
        "filter(set)",
        "fault",
    ],
)
def test_a_service_that_is_not_a_str_is_a_type_error_not_unhashable(
    aws: MockAWS, call: Callable[[MockAWS], Any]
) -> None:
    with pytest.raises(TypeError, match="an AWS service name must be a str such as 's3'"):
        call(aws)


def test_any_as_a_service_name_says_it_matches_values_only(aws: MockAWS) -> None:
    with pytest.raises(TypeError, match=r"mock.ANY matches parameter values, not names"):
        aws.assert_called(ANY, "ListBuckets")


@pytest.mark.parametrize("operation", [ANY, ["ListBuckets"], 3])
def test_an_operation_that_is_not_a_str_is_a_type_error(aws: MockAWS, operation: Any) -> None:
    with pytest.raises(TypeError, match="an operation name must be a str"):
        aws.assert_not_called("s3", operation)


# -- server options and the CLI: errors that name the option -----------------


@pytest.mark.parametrize(
    "host", ["unix:///tmp/moto.sock", "http://127.0.0.1", "local host", "a\x00"]
)
def test_a_server_host_that_is_not_a_host_is_a_value_error(host: str) -> None:
    with pytest.raises(ValueError, match=r"mock_aws\(server_host=...\) must be a host name"):
        mock_aws(server_mode=True, server_host=host)
    with pytest.raises(ValueError, match=r"MotoServer\(host=...\) must be a host name"):
        MotoServer(host)


@pytest.mark.parametrize("endpoint", ["http://[::1", "http://[::1]:x", "http://]:5000"])
def test_a_malformed_server_endpoint_names_the_option(endpoint: str) -> None:
    with pytest.raises(ValueError, match=r"mock_aws\(server_endpoint=...\) must be a server's"):
        mock_aws(server_mode=True, server_endpoint=endpoint)


@pytest.mark.parametrize("host", ["", "unix:///tmp/moto.sock"])
def test_a_bad_cli_host_is_a_usage_error_without_a_traceback(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["server", "--host", host])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --host: the host must be a host name or IP address" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1"])
def test_a_bad_moto_port_is_named_in_the_error(
    port: str, monkeypatch: pytest.MonkeyPatch, clean_process: Clean
) -> None:
    monkeypatch.setenv("TEST_SERVER_MODE", "true")
    monkeypatch.setenv("MOTO_PORT", port)
    with pytest.raises(ValueError, match=f"MOTO_PORT='{port}' must be a port number") as error:
        mock_aws().start()
    assert "TEST_SERVER_MODE_ENDPOINT must" not in str(error.value)
    monkeypatch.delenv("TEST_SERVER_MODE")
    clean_process()


# -- unittest mixins on the wrong base ---------------------------------------


def _run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def test_the_async_mixin_on_a_sync_test_case_says_to_use_the_sync_mixin(
    clean_process: Clean,
) -> None:
    class Case(AsyncMockAWSMixin, unittest.TestCase):
        def test_it(self) -> None:
            boto3.client("s3", region_name="us-east-1").list_buckets()

    result = _run(Case)
    ((_test, traceback),) = result.errors
    assert "needs a base with asyncSetUp" in traceback
    assert "use MockAWSMixin instead" in traceback
    assert "must call super().asyncSetUp()" not in traceback
    assert not _activation.is_active()
    clean_process()
