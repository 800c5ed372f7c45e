"""The state-copy engine itself: IDs, refusals, background work, memory, threads, the gate."""

from __future__ import annotations

import gc
import importlib
import ipaddress
import os
import sys
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from aiomoto import _gate, _state_copy, mock_aws
from aiomoto.exceptions import SnapshotError
from tests.conftest import PATIENCE, AioClientFactory
from tests.state_copy_harness import ACCOUNT, REGION

SQS_BACKEND = "moto.sqs.models"


def _sqs_backend() -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT][REGION]


@pytest.fixture
def mocked() -> Iterator[None]:
    with mock_aws():
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="seed")
        yield


def _round_trip(value: Any) -> Any:
    """``value`` after a capture and restore, kept on the SQS backend."""
    _sqs_backend().aiomoto_probe = value
    _state_copy.restore(_state_copy.capture())
    return _sqs_backend().aiomoto_probe


# -- Moto's random generator ---------------------------------------------------------


def test_ids_made_after_each_restore_are_the_same_with_boto3() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        data = _state_copy.capture()
        ids = []
        for _ in range(3):
            _state_copy.restore(data)
            ids.append(sqs.send_message(QueueUrl=url, MessageBody="m")["MessageId"])
        assert len(set(ids)) == 1


async def test_ids_made_after_each_restore_are_the_same_with_aiobotocore(
    aio_client: AioClientFactory,
) -> None:
    async with mock_aws(), aio_client("ec2") as ec2:
        data = _state_copy.capture()
        ids = []
        for _ in range(3):
            _state_copy.restore(data)
            ids.append((await ec2.create_vpc(CidrBlock="10.9.0.0/16"))["Vpc"]["VpcId"])
        assert len(set(ids)) == 1


# -- What cannot be captured ------------------------------------------------------------


def test_state_that_cannot_be_pickled_raises_naming_the_service_and_why(mocked: None) -> None:
    _sqs_backend().aiomoto_probe = lambda: None
    with pytest.raises(SnapshotError, match=r"'sqs' service cannot be captured: .*lambda"):
        _state_copy.capture()


def test_a_lock_held_by_another_thread_is_refused(mocked: None) -> None:
    lock = threading.RLock()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait()

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait()
    _sqs_backend().aiomoto_probe = lock
    try:
        with pytest.raises(SnapshotError, match=r"'sqs' .*a lock is held"):
            _state_copy.capture()
    finally:
        release.set()
        worker.join()


def test_a_held_plain_lock_is_refused(mocked: None) -> None:
    lock = threading.Lock()
    _sqs_backend().aiomoto_probe = lock
    with lock, pytest.raises(SnapshotError, match="a lock is held"):
        _state_copy.capture()


def test_a_thread_still_running_is_refused(mocked: None) -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait, name="busy")
    worker.start()
    _sqs_backend().aiomoto_probe = worker
    try:
        with pytest.raises(SnapshotError, match=r"'sqs' .*still running .*'busy'"):
            _state_copy.capture()
    finally:
        release.set()
        worker.join()


def test_a_finished_thread_comes_back_not_alive(mocked: None) -> None:
    worker = threading.Thread(target=int, name="done")
    worker.start()
    worker.join()
    restored = _round_trip(worker)
    assert (restored.name, restored.is_alive()) == ("done", False)


def test_a_generator_other_than_an_address_generator_is_refused(mocked: None) -> None:
    _sqs_backend().aiomoto_probe = (x for x in range(3))
    with pytest.raises(SnapshotError, match=r"a generator \(<genexpr>\)"):
        _state_copy.capture()


def test_a_defaultdict_with_an_unknown_lambda_factory_is_refused(mocked: None) -> None:
    _sqs_backend().aiomoto_probe = defaultdict(lambda: [0])
    with pytest.raises(SnapshotError, match="a defaultdict whose factory is a lambda"):
        _state_copy.capture()


def test_backends_no_module_holds_are_refused(mocked: None) -> None:
    from moto.core.base_backend import BackendDict
    from moto.sqs.models import SQSBackend

    orphan: BackendDict[Any] = BackendDict(SQSBackend, "orphan")
    orphan[ACCOUNT]  # registers it with Moto, as a first use does
    with pytest.raises(SnapshotError, match=r"'orphan' .*not held by any module"):
        _state_copy.capture()
    BackendDict._instances.remove(orphan)  # type: ignore[misc]


def test_bytes_that_are_not_a_snapshot_are_refused_and_leave_the_state(mocked: None) -> None:
    with pytest.raises(SnapshotError, match="cannot be restored"):
        _state_copy.restore(b"not a snapshot")
    queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in queues] == ["seed"]


def test_a_snapshot_naming_backends_moto_does_not_have_is_refused(mocked: None) -> None:
    data = _state_copy.capture()
    renamed = data.replace(b"sqs_backends", b"xyz_backends")
    with pytest.raises(SnapshotError, match=r"cannot be restored: .*xyz_backends is not a dict"):
        _state_copy.restore(renamed)
    queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in queues] == ["seed"]


def test_capture_from_inside_a_moto_call_is_refused(mocked: None) -> None:
    with _gate.moto_call(), pytest.raises(SnapshotError, match="inside a Moto call"):
        _state_copy.capture()


# -- Background work ------------------------------------------------------------------------


def test_capture_waits_for_a_dynamodb_export_and_keeps_it() -> None:
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"]
        ddb.update_continuous_backups(
            TableName="t",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="exports")
        export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="exports", S3Prefix="p")
        export_arn = export["ExportDescription"]["ExportArn"]
        _state_copy.restore(_state_copy.capture())
        described = ddb.describe_export(ExportArn=export_arn)["ExportDescription"]
        assert described["ExportStatus"] == "COMPLETED"


def test_moto_work_still_running_after_the_wait_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_state_copy, "_BACKGROUND_WAIT", 0.0)
    release = threading.Event()
    namespace = {"__module__": "moto.dynamodb.fake", "run": lambda self: release.wait()}
    busy = type("Export", (threading.Thread,), namespace)(name="export")
    with mock_aws():
        data = _state_copy.capture()
        busy.start()
        try:
            with pytest.raises(SnapshotError, match=r"'dynamodb' .*still running .*'export'"):
                _state_copy.capture()
            _state_copy.restore(data)  # a restore goes ahead
        finally:
            release.set()
            busy.join()


def test_threads_of_moto_servers_and_of_other_code_are_not_waited_for() -> None:
    def thread_of(module: str) -> threading.Thread:
        return type("T", (threading.Thread,), {"__module__": module})()

    assert not _state_copy._does_moto_work(thread_of("moto.moto_server.threaded_moto_server"))
    assert not _state_copy._does_moto_work(thread_of("werkzeug.serving"))
    assert not _state_copy._does_moto_work(threading.Thread(target=gc.collect))
    assert _state_copy._does_moto_work(thread_of("moto.batch.models"))


# -- Values that need a reducer ---------------------------------------------------------------


def test_address_generators_resume_where_they_were(mocked: None) -> None:
    network = ipaddress.ip_network("10.0.0.0/29")
    started = network.hosts()
    next(started)
    whole = iter(network)  # __iter__ includes the network address
    finished = network.hosts()
    list(finished)
    generators = {"new": network.hosts(), "started": started, "whole": whole, "done": finished}
    restored = _round_trip(generators)
    assert {name: [str(a) for a in gen] for name, gen in restored.items()} == {
        "new": [f"10.0.0.{i}" for i in range(1, 7)],
        "started": [f"10.0.0.{i}" for i in range(2, 7)],
        "whole": [f"10.0.0.{i}" for i in range(8)],
        "done": [],
    }


def test_resumed_address_generators_can_be_captured_again(mocked: None) -> None:
    resumed = _round_trip(ipaddress.ip_network("10.0.0.0/29").hosts())
    fresh = _round_trip(resumed)
    assert str(next(fresh)) == "10.0.0.1"
    next(fresh)
    again = _round_trip(fresh)
    assert [str(a) for a in again] == [f"10.0.0.{i}" for i in range(3, 7)]
    assert list(_round_trip(again)) == []


def test_subnet_addresses_resume_where_they_were() -> None:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
        subnet = _default_subnet()
        data = _state_copy.capture()
        expected = [str(next(subnet._subnet_ip_generator)) for _ in range(2)]
        _state_copy.restore(data)
        restored = _default_subnet()
        assert [str(next(restored._subnet_ip_generator)) for _ in range(2)] == expected


def _default_subnet() -> Any:
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][REGION]
    return backend.get_subnet(
        backend.describe_subnets(filters={"availability-zone": "us-east-1a"})[0].id
    )


def test_events_come_back_in_the_same_state(mocked: None) -> None:
    done = threading.Event()
    done.set()
    restored = _round_trip({"set": done, "clear": threading.Event()})
    assert (restored["set"].is_set(), restored["clear"].is_set()) == (True, False)


def test_public_and_elliptic_curve_keys_come_back(mocked: None) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    restored = _round_trip({"private": private, "public": private.public_key()})
    assert restored["private"].private_numbers() == private.private_numbers()
    assert restored["public"].public_numbers() == private.public_key().public_numbers()


def test_other_indexes_of_a_backend_dict_come_back(mocked: None) -> None:
    from moto.sqs.models import sqs_backends

    sqs_backends.aiomoto_index = "kept"  # type: ignore[attr-defined]
    data = _state_copy.capture()
    sqs_backends.aiomoto_index = "changed"  # type: ignore[attr-defined]
    _state_copy.restore(data)
    assert sqs_backends.aiomoto_index == "kept"  # type: ignore[attr-defined]
    del sqs_backends.aiomoto_index  # type: ignore[attr-defined]


def test_a_snapshot_restores_into_a_later_mock() -> None:
    with mock_aws():
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="earlier")
        data = _state_copy.capture()
    with mock_aws():
        _state_copy.restore(data)
        queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
        assert [u.rsplit("/", 1)[1] for u in queues] == ["earlier"]


def test_services_first_used_after_the_capture_are_emptied() -> None:
    with mock_aws():
        data = _state_copy.capture()
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="later", ShardCount=1)
        _state_copy.restore(data)
        assert kinesis.list_streams()["StreamNames"] == []


def test_s3_bodies_above_the_in_memory_size_come_back() -> None:
    from moto import settings

    size = settings.get_s3_default_key_buffer_size() + 1
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="big")
        s3.put_object(Bucket="big", Key="k", Body=b"b" * size)
        data = _state_copy.capture()
        for _ in range(3):
            s3.put_object(Bucket="big", Key="k", Body=b"changed")
            _state_copy.restore(data)
            assert s3.get_object(Bucket="big", Key="k")["Body"].read() == b"b" * size


# -- Memory and files ------------------------------------------------------------------------


def test_objects_restored_away_are_freed() -> None:
    from moto.s3.models import s3_backends
    from moto.sqs.models import sqs_backends

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"body")
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")
        data = _state_copy.capture()
        refs = []
        for _ in range(3):
            refs.append(weakref.ref(s3_backends[ACCOUNT]["aws"].buckets["bkt"].keys["k"]))
            refs.append(weakref.ref(sqs_backends[ACCOUNT][REGION].queues["q"]))
            _state_copy.restore(data)
        gc.collect()
        assert [ref() for ref in refs] == [None] * 6


@pytest.mark.parametrize("enabled", [True, False])
def test_a_restore_leaves_the_collector_as_it_was(mocked: None, enabled: bool) -> None:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="bkt")
    data = _state_copy.capture()
    if not enabled:
        gc.disable()
    try:
        _state_copy.restore(data)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_two_hundred_restores_keep_open_files_and_memory_flat() -> None:
    from moto import settings

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="bkt")
        s3.put_object(
            Bucket="bkt", Key="big", Body=b"x" * settings.get_s3_default_key_buffer_size()
        )
        ddb = boto3.client("dynamodb", region_name=REGION)
        ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for i in range(20):
            ddb.put_item(TableName="t", Item={"pk": {"S": str(i)}})
        data = _state_copy.capture()
        for _ in range(20):  # let allocators and caches settle
            _state_copy.restore(data)
        gc.collect()
        files, rss = _open_files(), _rss_mib()
        for _ in range(200):
            _state_copy.restore(data)
            s3.put_object(Bucket="bkt", Key="new", Body=b"y" * 1024)
        gc.collect()
        assert _open_files() <= files
        assert _rss_mib() - rss < 5


# -- Threads ------------------------------------------------------------------------------------


def test_restore_while_another_thread_calls_never_mixes_two_states(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.s3.models import S3Backend, s3_backends

    def names() -> list[str]:
        return sorted(s3_backends[ACCOUNT]["aws"].buckets)

    paused, resume = threading.Event(), threading.Event()
    seen: list[list[str]] = []
    list_buckets = S3Backend.list_buckets

    def pausing_list_buckets(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Looks the state up twice, with a restore let loose in between.
        seen.append(names())
        paused.set()
        resume.wait(PATIENCE)
        seen.append(names())
        return list_buckets(self, *args, **kwargs)

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="first-state")
        first = _state_copy.capture()
        s3.delete_bucket(Bucket="first-state")
        s3.create_bucket(Bucket="second-state")
        monkeypatch.setattr(S3Backend, "list_buckets", pausing_list_buckets)
        answers: list[list[str]] = []
        caller = threading.Thread(
            target=lambda: answers.append([b["Name"] for b in s3.list_buckets()["Buckets"]])
        )
        caller.start()
        assert paused.wait(PATIENCE)
        restorer = threading.Thread(target=_state_copy.restore, args=(first,))
        restorer.start()
        while not _gate._exclusive and restorer.is_alive():
            pass  # until the restore waits at the gate (or, without one, is done)
        resume.set()
        caller.join()
        restorer.join()
        assert seen == [["second-state"], ["second-state"]]
        assert answers == [["second-state"]]
        assert names() == ["first-state"]


def test_a_nested_call_passes_while_a_restore_waits() -> None:
    inside, nested_done = threading.Event(), threading.Event()
    outcome: list[str] = []

    def call() -> None:
        with _gate.moto_call():
            inside.set()
            while not _gate._exclusive:  # the restore below is now waiting
                pass
            with _gate.moto_call():
                outcome.append("nested call answered")
            nested_done.set()

    worker = threading.Thread(target=call)
    worker.start()
    inside.wait()
    with _gate.exclusive():
        outcome.append("exclusive")
    worker.join()
    assert outcome == ["nested call answered", "exclusive"]
    assert nested_done.is_set()


def test_calls_wait_while_the_gate_is_held() -> None:
    outcome: list[str] = []
    started = threading.Event()

    def call() -> None:
        started.set()
        with _gate.moto_call():
            outcome.append("call")

    with _gate.exclusive():
        worker = threading.Thread(target=call)
        worker.start()
        started.wait()
        outcome.append("exclusive")
    worker.join()
    assert outcome == ["exclusive", "call"]


def test_a_second_exclusive_holder_waits_for_the_first() -> None:
    outcome: list[str] = []
    started = threading.Event()

    def hold() -> None:
        started.set()
        with _gate.exclusive():
            outcome.append("second")

    with _gate.exclusive():
        worker = threading.Thread(target=hold)
        worker.start()
        started.wait()
        outcome.append("first")
    worker.join()
    assert outcome == ["first", "second"]


# -- Reducers, one by one ---------------------------------------------------------------------


class Held:
    """Something a weak proxy points at."""


def test_weak_proxies_point_at_the_restored_object_itself(mocked: None) -> None:
    held = Held()
    restored = _round_trip({"held": held, "proxy": weakref.proxy(held)})
    assert restored["proxy"].__init__.__self__ is restored["held"]


def test_dead_weak_proxies_come_back_dead(mocked: None) -> None:
    proxy = weakref.proxy(Held())
    with pytest.raises(ReferenceError):
        _round_trip(proxy).anything  # noqa: B018


def test_elasticbeanstalk_environments_hold_their_restored_application() -> None:
    from moto.elasticbeanstalk.models import eb_backends

    with mock_aws():
        eb = boto3.client("elasticbeanstalk", region_name=REGION)
        eb.create_application(ApplicationName="app")
        eb.create_environment(ApplicationName="app", EnvironmentName="env1")
        _state_copy.restore(_state_copy.capture())
        application = eb_backends[ACCOUNT][REGION].applications["app"]
        environment = application.environments["env1"]
        assert environment.application.__init__.__self__ is application


def test_locks_and_conditions_come_back_free(mocked: None) -> None:
    restored = _round_trip(
        {"lock": threading.Lock(), "rlock": threading.RLock(), "cond": threading.Condition()}
    )
    assert restored["lock"].acquire(blocking=False)
    assert restored["rlock"].acquire(blocking=False)
    with restored["cond"]:
        assert not restored["cond"].wait(0)


def test_nested_defaultdicts_made_with_a_lambda_keep_their_factory(mocked: None) -> None:
    tags: defaultdict[str, Any] = defaultdict(lambda: defaultdict(dict))
    tags["a"]["b"]["c"] = 1
    restored = _round_trip(tags)
    assert restored["a"]["b"] == {"c": 1}
    assert restored["new"]["x"] == {}


def test_an_s3_key_whose_body_was_closed_comes_back_empty() -> None:
    from moto.s3.models import s3_backends

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"body")
        s3_backends[ACCOUNT]["aws"].buckets["bkt"].keys["k"].dispose()
        _state_copy.restore(_state_copy.capture())
        assert s3_backends[ACCOUNT]["aws"].buckets["bkt"].keys["k"].value == b""


def _addresses_of(subnet: Any) -> Any:
    """The generator the subnet hands out addresses from."""
    cached = getattr(subnet, "_base_avail_ip_iterator", None)
    # Moto > 5.1.2 keeps it in a method cache; 5.1.2 in an attribute.
    return subnet._subnet_ip_generator if cached is None else cached()


def _reset_addresses(subnet: Any) -> None:
    if hasattr(subnet, "_base_avail_ip_iterator"):
        type(subnet)._base_avail_ip_iterator.cache_clear()
    else:
        subnet._subnet_ip_generator = subnet.cidr.hosts()


def test_a_subnet_that_handed_out_every_address_comes_back_exhausted() -> None:
    with mock_aws():
        for _ in _addresses_of(_default_subnet()):
            pass
        _state_copy.restore(_state_copy.capture())
        assert list(_addresses_of(_default_subnet())) == []


def test_a_single_address_subnet_keeps_its_address() -> None:
    with mock_aws():
        subnet = _default_subnet()
        subnet.cidr = ipaddress.ip_network("172.31.0.9/32")  # hosts() is then a list
        _reset_addresses(subnet)
        _state_copy.restore(_state_copy.capture())
        assert [str(a) for a in _addresses_of(_default_subnet())] == ["172.31.0.9"]


def test_moto_modules_not_loaded_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from aiomoto import _state_ec2, _state_reducers

    for name in ("moto.s3.models", "moto.ec2.models.subnets", "moto.sns.models"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    for module, _class, _attribute in _state_ec2._REGISTRIES:
        monkeypatch.delitem(sys.modules, module, raising=False)
    table = {**_state_reducers.dispatch_table(), **_state_ec2.reducers()}
    assert not {c.__module__ for c in table} & {"moto.s3.models", "moto.ec2.models.subnets"}
    _state_ec2.prime_subnets([])
    _state_ec2.fix_registries([])
    _state_copy._clear_model_caches()


def test_dicts_moto_keeps_outside_its_backends_come_back() -> None:
    # Two of those dicts live in modules a test may not have loaded yet.
    for module in ("moto.securityhub.models", "moto.utilities.id_generator"):
        importlib.import_module(module)

    with mock_aws():
        lives = dict(_state_copy._outside_dicts())
        saved = {key: dict(live) for key, live in lives.items()}
        try:
            for key, live in lives.items():
                live["aiomoto-seeded"] = key
            data = _state_copy.capture()
            for live in lives.values():
                live.clear()
            _state_copy.restore(data)
            assert all(live["aiomoto-seeded"] == key for key, live in lives.items())
        finally:
            for key, live in lives.items():
                _refill(live, saved[key])
        assert "moto.utilities.id_generator.moto_id_manager._custom_ids" in lives


def _refill(live: dict[Any, Any], value: dict[Any, Any]) -> None:
    live.clear()
    live.update(value)
