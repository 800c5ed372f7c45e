"""The SDK's waits between retries: recorded in ``retry_waits``, not slept unless asked for.

Whether a sleep happened is seen by spying on the sleep functions the SDK
calls (``time.sleep``, ``asyncio.sleep``, ``anyio.sleep``, a token bucket's
condition), never by timing: the spies record and return at once.
"""

from __future__ import annotations

import asyncio
import time
import unittest
from collections.abc import Iterator
from typing import Any, ClassVar

import aiobotocore.endpoint
import anyio
import boto3
import botocore.endpoint
import botocore.retries.standard
import pytest
import trio
from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.retries.bucket import AsyncTokenBucket
from aiobotocore.session import AioSession
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.retries.bucket import TokenBucket

from aiomoto import (
    MockAWS,
    MockAWSOptions,
    MockAWSTestCase,
    _aiobotocore,
    _intercept,
    _retry_waits,
    mock_aws,
)
from aiomoto._aiobotocore import _AiohttpLikeResponse
from tests.conftest import BACKENDS, AioClientFactory, aio_config

MODES = ["legacy", "standard", "adaptive"]
THROTTLE = "ProvisionedThroughputExceededException"

#: legacy: DynamoDB's policy, 0.05 s doubling; standard and adaptive: the
#: jitter fixed at 0.5 (``half_jitter``) times 1, then 2.
EXPECTED_WAITS = {"legacy": (0.05, 0.1), "standard": (0.5, 1.0), "adaptive": (0.5, 1.0)}


@pytest.fixture(autouse=True)
def half_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make standard mode's jitter (``random()`` in its backoff) always 0.5."""
    init = botocore.retries.standard.ExponentialBackoff.__init__
    code = init.__code__
    defaults = list(init.__defaults__ or ())
    names = code.co_varnames[code.co_argcount - len(defaults) : code.co_argcount]
    defaults[names.index("random")] = lambda: 0.5
    monkeypatch.setattr(init, "__defaults__", tuple(defaults))


class SleepSpy:
    """Stands in for a sleep function: records each wait, returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> SleepSpy:
    """Spy on every sleep function the SDKs wait with between retries."""
    spy = SleepSpy()
    monkeypatch.setattr(time, "sleep", spy)
    monkeypatch.setattr(asyncio, "sleep", spy.asleep)
    monkeypatch.setattr(anyio, "sleep", spy.asleep)
    monkeypatch.setattr(trio, "sleep", spy.asleep)
    return spy


def _ddb(mode: str) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1", config=Config(retries={"mode": mode}))


def _table(ddb: Any) -> str:
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "t"


# -- sync -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_the_waits_the_mode_chose_are_recorded_and_not_slept(mode: str, sleeps: SleepSpy) -> None:
    with mock_aws() as aws:
        ddb = _ddb(mode)
        table = _table(ddb)
        aws.inject_fault("dynamodb", "PutItem", error=THROTTLE, times=2)
        response = ddb.put_item(TableName=table, Item={"k": {"S": "v"}})
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert aws.calls[-1].retry_waits == EXPECTED_WAITS[mode]
    assert sleeps.waits == []


def test_standard_jitter_stays_within_the_modes_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real jitter
    with mock_aws() as aws:
        ddb = _ddb("standard")
        aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
        ddb.list_tables()
    first, second = aws.calls[-1].retry_waits
    # rand(0, 1) * 2 ** (attempt - 1)
    assert 0 <= first <= 1
    assert 0 <= second <= 2


def test_a_call_that_runs_out_of_retries_records_every_wait(sleeps: SleepSpy) -> None:
    with mock_aws() as aws:
        ddb = _ddb("legacy")
        aws.inject_fault("dynamodb", "ListTables", error=THROTTLE)
        with pytest.raises(ddb.exceptions.ProvisionedThroughputExceededException) as raised:
            ddb.list_tables()
    # DynamoDB's legacy policy: 10 attempts, 0.05 s doubling between them.
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 9
    assert aws.calls[-1].retry_waits == tuple(0.05 * 2**n for n in range(9))
    assert sleeps.waits == []


def test_a_call_without_retries_records_no_waits() -> None:
    with mock_aws() as aws:
        _ddb("standard").list_tables()
    assert aws.calls[-1].retry_waits == ()


@pytest.mark.parametrize("mode", MODES)
def test_real_retry_waits_sleeps_them(mode: str, sleeps: SleepSpy) -> None:
    with mock_aws(real_retry_waits=True) as aws:
        ddb = _ddb(mode)
        aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
        ddb.list_tables()
    assert sleeps.waits == list(EXPECTED_WAITS[mode])
    assert aws.calls[-1].retry_waits == EXPECTED_WAITS[mode]


def test_a_nested_real_retry_waits_applies_while_it_is_open(sleeps: SleepSpy) -> None:
    with mock_aws() as outer:
        ddb = _ddb("legacy")
        outer.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=3)
        with mock_aws(real_retry_waits=True):
            ddb.list_tables()
        slept_inside = list(sleeps.waits)
        outer.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=1)
        ddb.list_tables()
    assert slept_inside == [0.05, 0.1, 0.2]
    assert sleeps.waits == slept_inside  # the call after the inner exit slept nothing
    assert outer.calls[-1].retry_waits == (0.05,)


@pytest.mark.mock_aws(real_retry_waits=True)
def test_the_marker_passes_real_retry_waits(aws: MockAWS, sleeps: SleepSpy) -> None:
    aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=1)
    _ddb("legacy").list_tables()
    assert sleeps.waits == [0.05]


def test_a_latency_fault_still_waits(sleeps: SleepSpy) -> None:
    with mock_aws() as aws:
        ddb = _ddb("legacy")
        aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=1)
        aws.inject_fault("dynamodb", "ListTables", latency=0.01)
        ddb.list_tables()
    assert sleeps.waits == [0.01, 0.01]  # each attempt's latency; no retry wait
    assert aws.calls[-1].retry_waits == (0.05,)


def test_real_retry_waits_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match=r"real_retry_waits=...\) must be True or False"):
        mock_aws(real_retry_waits="yes")  # type: ignore[call-overload]


def _throttle_at_once(request: Any, **kwargs: Any) -> AWSResponse:
    body = b'{"__type": "ProvisionedThroughputExceededException", "message": "slow down"}'
    return AWSResponse(request.url, 400, {}, _RawBody(body))


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._data


def test_after_the_outermost_exit_the_sdk_sleeps_as_usual(sleeps: SleepSpy) -> None:
    with mock_aws():
        with mock_aws():
            ddb = _ddb("legacy")
        ddb.list_tables()
    # A throttle answered by a handler of the client's own, outside any mock.
    ddb.meta.events.register("before-send.dynamodb.ListTables", _throttle_at_once)
    with pytest.raises(ddb.exceptions.ProvisionedThroughputExceededException):
        ddb.list_tables()
    assert sleeps.waits == [0.05 * 2**n for n in range(9)]


# -- async ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_async_waits_are_recorded_and_not_slept(
    mode: str, aio_client: AioClientFactory, sleeps: SleepSpy
) -> None:
    async with mock_aws() as aws:
        async with aio_client("dynamodb", config_kwargs={"retries": {"mode": mode}}) as ddb:
            aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
            response = await ddb.list_tables()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert aws.calls[-1].retry_waits == EXPECTED_WAITS[mode]
    assert sleeps.waits == []


@pytest.mark.parametrize("mode", MODES)
async def test_async_real_retry_waits_sleeps_them(
    mode: str, aio_client: AioClientFactory, sleeps: SleepSpy
) -> None:
    async with mock_aws(real_retry_waits=True) as aws:
        async with aio_client("dynamodb", config_kwargs={"retries": {"mode": mode}}) as ddb:
            aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
            await ddb.list_tables()
    assert sleeps.waits == list(EXPECTED_WAITS[mode])


async def test_an_async_latency_fault_still_waits(
    aio_client: AioClientFactory, sleeps: SleepSpy
) -> None:
    async with mock_aws() as aws:
        async with aio_client("dynamodb", config_kwargs={"retries": {"mode": "legacy"}}) as ddb:
            aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=1)
            aws.inject_fault("dynamodb", "ListTables", latency=0.01)
            await ddb.list_tables()
    assert sleeps.waits == [0.01, 0.01]


async def _throttle_at_once_async(request: Any, **kwargs: Any) -> AioAWSResponse:
    body = b'{"__type": "ProvisionedThroughputExceededException", "message": "slow down"}'
    return AioAWSResponse(request.url, 400, {}, _AiohttpLikeResponse(request.url, body))


async def test_after_the_outermost_exit_aiobotocore_sleeps_as_usual(sleeps: SleepSpy) -> None:
    config = aio_config("aiohttp", retries={"mode": "legacy", "total_max_attempts": 3})
    keys = {"aws_access_key_id": "AKIDOWN", "aws_secret_access_key": "own"}
    async with AioSession().create_client("dynamodb", config=config, **keys) as ddb:
        async with mock_aws():
            await ddb.list_tables()
        ddb.meta.events.register("before-send.dynamodb.ListTables", _throttle_at_once_async)
        with pytest.raises(ddb.exceptions.ProvisionedThroughputExceededException):
            await ddb.list_tables()
    assert sleeps.waits == [0.05, 0.1]


# trio needs aiobotocore 3.x's httpx backend; the 2.25 cell has no trio to test.
if "httpx" in BACKENDS:

    @pytest.mark.parametrize("mode", MODES)
    def test_waits_are_recorded_and_not_slept_under_trio(mode: str, sleeps: SleepSpy) -> None:
        async def main() -> tuple[float, ...]:
            config = aio_config("httpx", retries={"mode": mode})
            async with mock_aws() as aws:
                async with AioSession().create_client("dynamodb", config=config) as ddb:
                    aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
                    await ddb.list_tables()
            return aws.calls[-1].retry_waits

        assert trio.run(main) == EXPECTED_WAITS[mode]
        assert sleeps.waits == []


# -- adaptive mode's rate limiter ---------------------------------------------------------


class VirtualClock:
    """A token bucket's clock that moves on only when the bucket waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def current_time(self) -> float:
        return self.now

    def passed(self, timeout: float | None = None) -> bool:
        assert timeout is not None
        self.waits.append(timeout)
        self.now += timeout
        return False


def _starved_bucket(cls: Any, clock: VirtualClock) -> Any:
    # Half a token a second (the lowest rate) and none in hand: the next
    # acquire has to wait 2 s for one.
    bucket = cls(max_rate=0.5, clock=clock)
    bucket._refill()
    return bucket


def _watch_waits(monkeypatch: pytest.MonkeyPatch, bucket: Any, clock: VirtualClock) -> None:
    if isinstance(bucket, TokenBucket):
        monkeypatch.setattr(bucket._new_fill_rate_condition, "wait", clock.passed)
    elif hasattr(bucket, "_wait_for_new_fill_rate"):  # aiobotocore 3.x

        async def waited(seconds: float) -> None:
            clock.passed(seconds)

        monkeypatch.setattr(bucket, "_wait_for_new_fill_rate", waited)
    else:  # aiobotocore 2.25.x waits in asyncio.wait_for(condition.wait(), seconds)

        async def wait_for(waiting: Any, seconds: float) -> None:
            waiting.close()
            clock.passed(seconds)

        monkeypatch.setattr(asyncio, "wait_for", wait_for)


@pytest.mark.parametrize("real", [False, True], ids=["skipped", "real"])
def test_the_rate_limiter_waits_only_when_asked(
    real: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = VirtualClock()
    bucket = _starved_bucket(TokenBucket, clock)
    _watch_waits(monkeypatch, bucket, clock)
    with mock_aws(real_retry_waits=real):
        assert bucket.acquire() is True
    assert clock.waits == ([2.0] if real else [])


@pytest.mark.parametrize("real", [False, True], ids=["skipped", "real"])
async def test_the_async_rate_limiter_waits_only_when_asked(
    real: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = VirtualClock()
    bucket = _starved_bucket(AsyncTokenBucket, clock)
    _watch_waits(monkeypatch, bucket, clock)
    async with mock_aws(real_retry_waits=real):
        assert await bucket.acquire() is True
    assert clock.waits == ([2.0] if real else [])


def test_the_rate_limiter_waits_again_after_the_outermost_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = VirtualClock()
    bucket = _starved_bucket(TokenBucket, clock)
    _watch_waits(monkeypatch, bucket, clock)
    with mock_aws():
        bucket.acquire()
    bucket.acquire()
    assert clock.waits == [2.0]


def test_a_bucket_with_tokens_to_spare_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = VirtualClock()
    bucket = _starved_bucket(TokenBucket, clock)
    _watch_waits(monkeypatch, bucket, clock)
    clock.now += 3  # a full bucket (one token) by now
    with mock_aws():
        bucket.acquire()
    assert clock.waits == []
    assert bucket.available_capacity == 0  # the token it had, not one made up


def test_outside_a_mock_every_wait_is_real() -> None:
    assert _retry_waits.retry_wait(0.05) is True


def test_a_non_blocking_acquire_still_raises_when_short() -> None:
    from botocore.exceptions import CapacityNotAvailableError

    bucket = _starved_bucket(TokenBucket, VirtualClock())
    with mock_aws(), pytest.raises(CapacityNotAvailableError):
        bucket.acquire(block=False)


# -- server mode --------------------------------------------------------------------------


def test_server_mode_skips_and_records_the_waits_too(sleeps: SleepSpy) -> None:
    with mock_aws(server_mode=True) as aws:
        ddb = _ddb("legacy")
        aws.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=2)
        ddb.list_tables()
    assert aws.calls[-1].retry_waits == (0.05, 0.1)
    assert sleeps.waits == []


# -- options --------------------------------------------------------------------------------


def test_mock_aws_options_passes_real_retry_waits(sleeps: SleepSpy) -> None:
    class Throttled(MockAWSTestCase):
        mock_aws_options: ClassVar[MockAWSOptions] = {"real_retry_waits": True}

        def test_throttled(self) -> None:
            assert self.aws_mock is not None
            self.aws_mock.inject_fault("dynamodb", "ListTables", error=THROTTLE, times=1)
            _ddb("legacy").list_tables()

    outcome = unittest.TextTestRunner(verbosity=0).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Throttled)
    )
    assert outcome.wasSuccessful(), outcome.errors + outcome.failures
    assert sleeps.waits == [0.05]


# -- aiobotocore 2.25.x, whose endpoint awaits asyncio.sleep itself --------------------------


@pytest.mark.parametrize("real", [False, True], ids=["skipped", "real"])
async def test_the_2_25_endpoint_sleep_goes_through_retry_waits(
    real: bool, monkeypatch: pytest.MonkeyPatch, sleeps: SleepSpy
) -> None:
    # 2.25.x's AioEndpoint has no _sleep: its _needs_retry awaits the
    # module's asyncio.sleep, which patch() replaces when there is no _sleep
    # to patch. Simulated here on 3.x by hiding the endpoints' own sleeps.
    monkeypatch.setattr(_aiobotocore, "_original_sleeps", {})
    async with mock_aws(real_retry_waits=real):
        with _intercept.api_call(_ddb("legacy"), "ListTables", {}) as call:
            await aiobotocore.endpoint.asyncio.sleep(0.05)
        assert aiobotocore.endpoint.asyncio.TimeoutError is asyncio.TimeoutError
    assert aiobotocore.endpoint.asyncio is asyncio
    assert call.retry_waits == [0.05]
    assert sleeps.waits == ([0.05] if real else [])


def test_botocores_endpoint_sees_the_rest_of_time_unchanged() -> None:
    with mock_aws():
        assert botocore.endpoint.time.monotonic is time.monotonic
    assert botocore.endpoint.time is time
