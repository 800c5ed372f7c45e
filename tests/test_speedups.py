"""The speed-ups: what is shared while mocking, what stays per session, the switch.

Nothing here measures time (``benchmarks/bench_suite.py`` does): sharing is
observed through object identity, and isolation through what clients send
and which settings they carry.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.hooks
import botocore.session
import pytest
import requests
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.hooks import BaseEventHooks, EventAliaser, HierarchicalEmitter
from botocore.loaders import Loader
from moto.core import models as moto_models

from aiomoto import _moto_routes, _shared_loader, _speedups, _state_copy, mock_aws

ORIGINALS = (
    botocore.session.Session._register_data_loader,
    EventAliaser.__init__,
    botocore.hooks.accepts_kwargs,
    moto_models.MockAWS._enable_patching,
)


def patched_now() -> tuple[Any, ...]:
    return (
        botocore.session.Session._register_data_loader,
        EventAliaser.__init__,
        botocore.hooks.accepts_kwargs,
        moto_models.MockAWS._enable_patching,
    )


def s3_model(session: Any) -> Any:
    return session.get_component("data_loader").load_service_model("s3", "service-2")


@pytest.fixture
def speedups_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")


@pytest.fixture
def mocked() -> Iterator[None]:
    with mock_aws():
        yield


# ---------------------------------------------------------------------------
# The switch
# ---------------------------------------------------------------------------


def test_speedups_are_installed_while_the_mock_is_active_by_default() -> None:
    assert patched_now() == ORIGINALS
    with mock_aws():
        assert _speedups.installed()
        replaced = zip(patched_now(), ORIGINALS, strict=True)
        assert all(now is not original for now, original in replaced)
    assert not _speedups.installed()
    assert patched_now() == ORIGINALS


@pytest.mark.parametrize("value", ["0", "false", "no", "off", " OFF "])
def test_the_switch_turns_them_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(_speedups.SWITCH_VAR, value)
    with mock_aws():
        assert not _speedups.installed()
        assert patched_now() == ORIGINALS


def test_the_switch_is_read_on_each_outermost_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")
    with mock_aws():
        monkeypatch.setenv(_speedups.SWITCH_VAR, "1")
        with mock_aws():
            assert not _speedups.installed()  # only the outermost start reads it
    with mock_aws():
        assert _speedups.installed()


def test_installing_again_while_installed_changes_nothing() -> None:
    with mock_aws():
        installed = patched_now()
        _speedups.install()
        assert patched_now() == installed
    assert patched_now() == ORIGINALS


def test_a_failed_start_leaves_nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_start(self: Any, reset: bool = True) -> None:
        raise RuntimeError("Moto could not start")

    monkeypatch.setattr(moto_models.MockAWS, "start", failing_start)
    with pytest.raises(RuntimeError, match="could not start"), mock_aws():
        pass
    assert not _speedups.installed()
    assert patched_now() == ORIGINALS


# ---------------------------------------------------------------------------
# What is shared, and when it is not
# ---------------------------------------------------------------------------


def test_sessions_made_while_mocking_share_parsed_data(mocked: None) -> None:
    first, second = botocore.session.Session(), botocore.session.Session()
    assert s3_model(first) is not s3_model(second)  # each session's own top level
    assert s3_model(first)["shapes"] is s3_model(second)["shapes"]
    assert s3_model(first) is s3_model(first)  # and the same object every time, as botocore's
    aio = AioSession()
    assert s3_model(aio)["shapes"] is s3_model(first)["shapes"]
    services = first.get_available_services()
    assert services is first.get_available_services()
    services.remove("s3")  # changes what this session was given, nothing else
    assert "s3" in second.get_available_services()
    loaders = [session.get_component("data_loader") for session in (first, second)]
    assert [loader.list_api_versions("s3", "service-2") for loader in loaders] == [
        ["2006-03-01"],
        ["2006-03-01"],
    ]
    assert {loader.determine_latest_version("s3", "service-2") for loader in loaders} == {
        "2006-03-01"
    }


def test_with_the_switch_off_each_session_parses_its_own(speedups_off: None, mocked: None) -> None:
    first, second = botocore.session.Session(), botocore.session.Session()
    assert type(first.get_component("data_loader")) is Loader
    assert s3_model(first)["shapes"] is not s3_model(second)["shapes"]
    assert s3_model(first) == s3_model(second)


def test_sessions_made_outside_the_mock_are_left_alone() -> None:
    before = botocore.session.Session()
    with mock_aws():
        inside = botocore.session.Session()
        assert type(before.get_component("data_loader")) is Loader
    after = botocore.session.Session()
    assert type(after.get_component("data_loader")) is Loader
    # A session made inside keeps sharing after the mock exits.
    assert s3_model(inside)["shapes"] is s3_model(botocore_session_made_inside())["shapes"]


def botocore_session_made_inside() -> Any:
    with mock_aws():
        return botocore.session.Session()


def test_a_user_data_path_is_read_per_session(
    mocked: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    first, second = botocore.session.Session(), botocore.session.Session()
    assert str(tmp_path) in first.get_component("data_loader").search_paths
    assert s3_model(first)["shapes"] is not s3_model(second)["shapes"]
    assert first.get_available_services() == second.get_available_services()


def test_a_data_path_that_is_no_directory_changes_nothing(
    mocked: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = botocore.session.Session()
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "not-there"))
    first, second = botocore.session.Session(), botocore.session.Session()
    assert s3_model(first)["shapes"] is s3_model(plain)["shapes"]
    (tmp_path / "not-there").mkdir()  # from now on botocore would look there
    assert s3_model(second)["shapes"] is not s3_model(plain)["shapes"]


def test_a_custom_file_loader_is_read_per_session(mocked: None) -> None:
    first, second = botocore.session.Session(), botocore.session.Session()
    for session in (first, second):
        loader = session.get_component("data_loader")
        loader.file_loader = type("FileLoader", (type(loader.file_loader),), {})()
    assert s3_model(first)["shapes"] is not s3_model(second)["shapes"]


def test_shared_data_stays_as_parsed_after_clients_use_it(mocked: None) -> None:
    # botocore's S3 handlers rewrite an operation's requestUri on its first
    # call, and endpoint resolution fills endpoints.json entries in place.
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="kept", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="kept", Key="k", Body=b"v")
    fips = boto3.client("sqs", region_name="us-east-1", config=Config(use_fips_endpoint=True))
    assert fips.meta.endpoint_url.startswith("https://sqs-fips.")
    own = s3.meta.service_model.operation_model("PutObject").http
    assert own["requestUri"] == "/{Key+}"  # the client's session has the rewrite

    fresh = Loader()
    assert _shared_loader._sources
    for shared in _shared_loader._sources.values():
        assert shared.load_service_model("s3", "service-2") == fresh.load_service_model(
            "s3", "service-2"
        )
        assert shared.load_data("endpoints") == fresh.load_data("endpoints")
    # A later session starts from the data as parsed.
    later = boto3.session.Session().client("s3", region_name="eu-west-1")
    later_op = later.meta.service_model.operation_model("PutObject")
    assert later_op.http["requestUri"] == "/{Bucket}/{Key+}"
    assert later.get_object(Bucket="kept", Key="k")["Body"].read() == b"v"


def test_each_session_reads_its_own_copy_of_endpoint_entries(mocked: None) -> None:
    session = botocore.session.Session()
    endpoints = session.get_data("endpoints")
    shared = next(iter(_shared_loader._sources.values())).load_data("endpoints")
    services = endpoints["partitions"][0]["services"]
    shared_services = shared["partitions"][0]["services"]
    assert services["s3"] == shared_services["s3"]
    assert services["s3"] is not shared_services["s3"]
    assert services["s3"] is services.get("s3")
    assert services.get("no-such-service", "missing") == "missing"
    assert services.setdefault("sqs") is not shared_services["sqs"]
    assert services.setdefault("custom", {"endpoints": {}}) == {"endpoints": {}}
    shared_ids = {id(value) for value in shared_services.values()}
    assert not {id(value) for value in services.values()} & shared_ids
    assert all(v is not shared_services.get(k) for k, v in services.items())
    assert services.pop("dynamodb") is not shared_services["dynamodb"]
    assert services.pop("dynamodb", None) is None
    key, value = services.popitem()
    assert key == "custom"
    fresh = botocore.session.Session().get_data("endpoints")["partitions"][0]["services"]
    key, value = fresh.popitem(last=False)
    assert value == shared_services[key]
    assert value is not shared_services[key]
    assert "dynamodb" in shared_services


def test_each_session_reads_its_own_copy_of_the_region_entries_it_resolves(
    mocked: None,
) -> None:
    # botocore's EndpointResolver writes the resolved fields into the entry
    # of the client's region; the rest of a service's entry is only read.
    boto3.client("sqs", region_name="eu-west-1")
    session = botocore.session.Session()
    session.create_client("sqs", region_name="eu-west-1")
    own = session.get_data("endpoints")["partitions"][0]["services"]["sqs"]
    shared = next(iter(_shared_loader._sources.values())).load_data("endpoints")
    shared_sqs = shared["partitions"][0]["services"]["sqs"]
    assert own["endpoints"]["eu-west-1"]["partition"] == "aws"
    assert "partition" not in shared_sqs["endpoints"]["eu-west-1"]
    assert own["endpoints"]["eu-west-1"] is not shared_sqs["endpoints"]["eu-west-1"]
    assert own["defaults"] is shared_sqs["defaults"]
    later = botocore.session.Session().get_data("endpoints")["partitions"][0]["services"]["sqs"]
    assert later["endpoints"]["eu-west-1"] == shared_sqs["endpoints"]["eu-west-1"]


def test_a_session_owns_the_parts_of_an_operation_botocore_rewrites(mocked: None) -> None:
    own = botocore.session.Session().get_component("data_loader")
    operations = own.load_service_model("s3control", "service-2")["operations"]
    # The process-wide source exists once a session has read through it.
    shared = next(iter(_shared_loader._sources.values())).load_service_model(
        "s3control", "service-2"
    )
    for name, operation in operations.items():
        assert operation is not shared["operations"][name]
        assert operation["http"] is not shared["operations"][name]["http"]
        if "endpoint" in operation:
            assert operation["endpoint"] is not shared["operations"][name]["endpoint"]
        # What botocore only reads is shared.
        assert operation["input"] is shared["operations"][name]["input"]
    assert any("endpoint" in operation for operation in operations.values())


def test_a_later_session_still_reads_the_host_prefix_an_earlier_client_deleted(
    mocked: None,
) -> None:
    # botocore's S3 Control handler deletes an operation's hostPrefix on its
    # first call: a later session still reads it.
    client = boto3.client("s3control", region_name="us-east-1")
    # The handler runs before the request is sent, so Moto's answer (Moto
    # 5.1.2 has no ListAccessPoints: a 404) does not matter here.
    with contextlib.suppress(ClientError):
        client.list_access_points(AccountId="123456789012")
    model = client.meta.service_model.operation_model("ListAccessPoints")
    assert "hostPrefix" not in model.endpoint
    later = botocore.session.Session().create_client("s3control", region_name="us-east-1")
    later_model = later.meta.service_model.operation_model("ListAccessPoints")
    assert later_model.endpoint["hostPrefix"] == "{AccountId}."


def test_endpoint_data_of_other_shapes_is_handed_over_copied() -> None:
    assert _shared_loader._service_copied_on_use({"defaults": {}}) == {"defaults": {}}
    odd = {"endpoints": ["not", "a", "dict"]}
    copied = _shared_loader._service_copied_on_use(odd)
    assert copied == odd
    assert copied["endpoints"] is not odd["endpoints"]


# ---------------------------------------------------------------------------
# Per-session settings never travel
# ---------------------------------------------------------------------------


def recorded_calls(client: Any) -> list[str]:
    seen: list[str] = []

    def record(**kwargs: Any) -> None:
        seen.append(kwargs["event_name"])

    client.meta.events.register("before-call", record)
    return seen


async def test_clients_in_two_tests_keep_their_own_settings() -> None:
    with mock_aws():  # the first test
        session = boto3.session.Session(
            aws_access_key_id="AKIAFIRSTTEST",
            aws_secret_access_key="first",
            region_name="eu-west-1",
        )
        first = session.client(
            "sqs", config=Config(retries={"max_attempts": 9, "mode": "standard"})
        )
        calls = recorded_calls(first)
        session.events.register("before-call.sqs", lambda **kwargs: calls.append("session"))
        first.create_queue(QueueName="first")
        assert calls == ["before-call.sqs.CreateQueue"]
        assert first.meta.region_name == "eu-west-1"
        first_credentials = first._request_signer._credentials

    with mock_aws():  # the second test
        second = boto3.client("sqs", region_name="us-west-2")
        second.create_queue(QueueName="second")
        assert calls == ["before-call.sqs.CreateQueue"]  # the first test's handlers stay there
        assert second.meta.region_name == "us-west-2"
        assert second.meta.config.retries != first.meta.config.retries
        assert second._request_signer._credentials.access_key == "FOOBARKEY"
        assert first_credentials.access_key == "AKIAFIRSTTEST"
        assert second.list_queues()["QueueUrls"][0].endswith("/second")
        async with AioSession().create_client("sqs", region_name="ap-south-1") as aio:
            assert aio.meta.region_name == "ap-south-1"
            credentials = await aio._request_signer._credentials.get_frozen_credentials()
            assert credentials.access_key == "FOOBARKEY"
            assert "QueueUrls" not in await aio.list_queues()  # another region's backend


def test_a_service_data_loaded_handler_changes_only_its_own_session(mocked: None) -> None:
    def rename(service_data: Any, **kwargs: Any) -> None:
        service_data["metadata"]["serviceFullName"] = "Changed by a handler"
        service_data["shapes"]["BucketName"]["max"] = 7

    changed = botocore.session.Session()
    changed.register("service-data-loaded.s3", rename)
    other = botocore.session.Session()

    assert changed.get_service_model("s3").metadata["serviceFullName"] == "Changed by a handler"
    assert s3_model(changed)["shapes"]["BucketName"]["max"] == 7
    unchanged = other.get_service_model("s3").metadata["serviceFullName"]
    assert unchanged == "Amazon Simple Storage Service"
    assert "max" not in s3_model(other)["shapes"]["BucketName"]
    assert "max" not in s3_model(botocore.session.Session())["shapes"]["BucketName"]
    assert other.get_service_model("sqs").service_name == "sqs"  # other services stay shared
    assert s3_model(changed)["shapes"] is not s3_model(other)["shapes"]


async def test_an_async_sessions_handler_changes_only_its_own_session(mocked: None) -> None:
    def rename(service_data: Any, **kwargs: Any) -> None:
        service_data["metadata"]["serviceFullName"] = "Changed"

    changed = AioSession()
    changed.register("service-data-loaded.s3", rename)
    assert (await changed.get_service_model("s3")).metadata["serviceFullName"] == "Changed"
    model = await AioSession().get_service_model("s3")
    assert model.metadata["serviceFullName"] == "Amazon Simple Storage Service"


class OpaqueHooks(BaseEventHooks):
    """An event hooks object whose handlers cannot be looked into."""


def test_a_session_whose_handlers_cannot_be_seen_reads_models_privately(mocked: None) -> None:
    opaque = botocore.session.Session(event_hooks=OpaqueHooks(), include_builtin_handlers=False)
    plain = botocore.session.Session()
    assert s3_model(opaque)["shapes"] is not s3_model(plain)["shapes"]
    assert s3_model(opaque) == s3_model(plain)


def test_a_loader_outliving_its_session_still_shares(mocked: None) -> None:
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    del session
    gc.collect()
    assert loader._aiomoto_session() is None
    assert (
        loader.load_service_model("s3", "service-2")["shapes"]
        is (s3_model(botocore.session.Session())["shapes"])
    )


# ---------------------------------------------------------------------------
# Event aliases, handler signatures, Moto's routes
# ---------------------------------------------------------------------------


def test_aliases_follow_each_aliasers_own_table(mocked: None) -> None:
    default = EventAliaser(HierarchicalEmitter())
    custom = EventAliaser(HierarchicalEmitter(), {"apigateway": "renamed"})
    assert default._alias_event_name("before-call.apigateway") == "before-call.api-gateway"
    assert custom._alias_event_name("before-call.apigateway") == "before-call.renamed"
    assert default._alias_name_cache is EventAliaser(HierarchicalEmitter())._alias_name_cache


class Handlers:
    def takes_kwargs(self, **kwargs: Any) -> None: ...

    def takes_none(self) -> None: ...


def without_kwargs() -> None: ...


def test_handlers_without_kwargs_are_still_refused(mocked: None) -> None:
    session = botocore.session.Session()
    session.register("before-call.s3", Handlers().takes_kwargs)
    for handler in (without_kwargs, without_kwargs, Handlers().takes_none):
        with pytest.raises(ValueError, match="must accept keyword arguments"):
            session.register("before-call.s3", handler)

    def disguised(**kwargs: Any) -> None: ...

    # A declared signature is what botocore inspects, not the code.
    disguised.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("a", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    )
    with pytest.raises(ValueError, match="must accept keyword arguments"):
        session.register("before-call.s3", disguised)


def routes() -> list[Any]:
    return list(moto_models.responses_mock.registered())


def test_moto_routes_are_registered_again_with_no_calls_recorded() -> None:
    with mock_aws():
        first = routes()
        response = requests.get("https://s3.amazonaws.com/", timeout=5)
        assert response.status_code == 200
        assert sum(len(route.calls) for route in first) == 1
    with mock_aws():
        second = routes()
        assert len(second) == len(first)
        assert all(a is b for a, b in zip(first, second, strict=True))
        assert sum(len(route.calls) for route in second) == 0


def registry_of(cls: type) -> list[Any]:
    """Moto's list of the models of ``cls`` made since its last reset."""
    return getattr(cls, _state_copy.TRACKED_ATTRIBUTE)  # type: ignore[no-any-return]


@pytest.mark.parametrize("switch", ["1", "0"])
def test_moto_forgets_every_model_on_exit(monkeypatch: pytest.MonkeyPatch, switch: str) -> None:
    from moto.s3.models import FakeBucket, FakeMultipart

    monkeypatch.setenv(_speedups.SWITCH_VAR, switch)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="registry")
        assert [bucket.name for bucket in registry_of(FakeBucket)] == ["registry"]
        empty = registry_of(FakeMultipart)
        assert empty == []
    assert registry_of(FakeBucket) == []
    # The speed-ups leave a class that holds no model as it is; Moto's own
    # reset gives it a new list.
    assert (registry_of(FakeMultipart) is empty) is (switch == "1")
    assert registry_of(FakeMultipart) == []


def test_without_reset_moto_builds_new_routes() -> None:
    with mock_aws():
        first = routes()
    with mock_aws(reset=False):
        assert not set(map(id, routes())) & set(map(id, first))


def test_data_of_other_shapes_is_handed_over_as_it_is() -> None:
    no_operations = {"metadata": {}}
    assert _shared_loader._with_own_operations(no_operations) == no_operations
    odd_operations = {"operations": {"Op": ["not", "a", "dict"]}}
    copied = _shared_loader._with_own_operations(odd_operations)
    assert copied == odd_operations
    assert copied["operations"]["Op"] is not odd_operations["operations"]["Op"]
    assert _shared_loader._endpoints_copied_on_use({"version": 3}) == {"version": 3}
    odd_partitions = {"partitions": ["odd", {"partition": "aws"}]}
    assert _shared_loader._endpoints_copied_on_use(odd_partitions) == odd_partitions


def test_a_route_asked_for_with_other_arguments_is_built_anew() -> None:
    recycler = _moto_routes.Recycler()

    def callback(request: Any) -> None: ...

    built = recycler.callback_response(method="GET", url=re.compile("a"), callback=callback)
    recycler.restart()
    again = recycler.callback_response(method="GET", url=re.compile("a"), callback=callback)
    recycler.restart()
    other = recycler.callback_response(method="GET", url=re.compile("b"), callback=callback)
    assert again is built
    assert other is not built
    assert recycler.routes[0][2] is other


# -- S3's URL map ---------------------------------------------------------------------------


def _s3_backend() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def test_s3s_url_map_is_built_once_while_mocking(mocked: None) -> None:
    backend = _s3_backend()
    assert backend.urls is backend.urls


def test_s3s_url_map_is_built_anew_when_its_variables_change(
    monkeypatch: pytest.MonkeyPatch, mocked: None
) -> None:
    before = _s3_backend().urls
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", "https://objects.example.test")
    after = _s3_backend().urls
    assert after is not before
    assert any("objects.example.test" in url for url in after)
    assert not any("objects.example.test" in url for url in before)
    s3 = boto3.client("s3", endpoint_url="https://objects.example.test")
    s3.create_bucket(Bucket="custom-endpoint")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["custom-endpoint"]


def test_s3s_url_map_is_built_per_request_with_the_switch_off(
    speedups_off: None, mocked: None
) -> None:
    backend = _s3_backend()
    assert backend.urls is not backend.urls


def test_s3s_own_url_property_is_restored_after_the_mock() -> None:
    from moto.s3.models import S3Backend

    with mock_aws():
        assert "urls" in vars(S3Backend)
    assert "urls" not in vars(S3Backend)


# ---------------------------------------------------------------------------
# The first test in a process
# ---------------------------------------------------------------------------


def test_boto3_and_aiobotocore_sessions_share_one_parse(mocked: None) -> None:
    boto3_session = boto3.Session()._session
    assert s3_model(boto3_session)["shapes"] is s3_model(AioSession())["shapes"]
    boto3_loader = boto3_session.get_component("data_loader")
    aio_loader = AioSession().get_component("data_loader")
    assert (
        boto3_loader.load_data("endpoints")["partitions"][0]["regions"]
        is (aio_loader.load_data("endpoints")["partitions"][0]["regions"])
    )


def test_boto3_sessions_still_read_boto3s_own_files(mocked: None) -> None:
    assert "s3" in boto3.Session().get_available_resources()
    bucket = boto3.resource("s3", region_name="us-east-1").Bucket("resources")
    bucket.create()
    assert [b.name for b in boto3.resource("s3", region_name="us-east-1").buckets.all()] == [
        "resources"
    ]


def test_the_kinds_of_file_in_a_data_directory(tmp_path: Path) -> None:
    (tmp_path / "svc" / "2020-01-01").mkdir(parents=True)
    (tmp_path / "svc" / "2020-01-01" / "resources-1.json").write_text("{}")
    (tmp_path / "svc" / "2020-01-01" / "waiters-2.json.gz").write_bytes(b"")
    (tmp_path / "svc" / "2020-01-01" / "notes.txt").write_text("")
    (tmp_path / "endpoints.json").write_text("{}")
    found = _shared_loader._kinds_in.__wrapped__(str(tmp_path))
    assert found == {"resources-1", "waiters-2", "endpoints"}


def test_moto_reads_its_models_through_one_loader_while_mocking() -> None:
    from moto.core import utils as moto_utils

    original = moto_utils.create_loader
    with mock_aws():
        assert moto_utils.create_loader() is moto_utils.create_loader()
        assert moto_utils.create_loader().load_service_model("sqs", "service-2")["operations"]
    assert moto_utils.create_loader is original
    assert original() is not original()


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_shared_data_leaves_the_collector_as_it_was(mocked: None, enabled: bool) -> None:
    if not enabled:
        gc.disable()
    try:
        loader = botocore.session.Session().get_component("data_loader")
        assert loader.load_service_model("kinesis", "service-2")["shapes"]
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_mock_aws_loads_server_mode_and_aiohttps_server_side_only_when_needed() -> None:
    code = (
        "import sys\n"
        "from aiomoto import mock_aws\n"
        "lazy = ['aiomoto.server', 'aiomoto._server_session', 'aiohttp.web']\n"
        "assert not [name for name in lazy if name in sys.modules], sys.modules.keys()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
