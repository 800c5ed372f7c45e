"""Client classes' API methods, shared while mocking: only when nothing can tell.

Sharing is observed through object identity; equivalence through what
handlers see and add, what docstrings say and what clients do.
"""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.client import ClientCreator
from botocore.hooks import HierarchicalEmitter
from botocore.model import NoShapeFoundError, ServiceModel

from aiomoto import _shared_methods, _speedups, mock_aws
from tests.conftest import AioClientFactory

REGION = "us-east-1"


@pytest.fixture
def mocked() -> Iterator[None]:
    with mock_aws():
        yield


def s3_client(session: Any = None) -> Any:
    # Credentials given, so that a client made outside a mock looks for none.
    return (session or botocore.session.Session()).create_client(
        "s3", region_name=REGION, aws_access_key_id="key", aws_secret_access_key="secret"
    )


def docstring(client: Any, method: str) -> str:
    return str(getattr(type(client), method).__doc__)


def test_clients_of_two_sessions_share_methods_but_not_their_class(mocked: None) -> None:
    first = boto3.client("s3", region_name=REGION)
    second = boto3.session.Session().client("s3", region_name=REGION)
    assert type(first) is not type(second)
    assert type(first).put_object is type(second).put_object
    second.create_bucket(Bucket="shared-methods")
    first.put_object(Bucket="shared-methods", Key="k", Body=b"body")
    assert second.get_object(Bucket="shared-methods", Key="k")["Body"].read() == b"body"


async def test_async_clients_of_two_sessions_share_methods(
    mocked: None, aio_client: AioClientFactory
) -> None:
    async with aio_client("sqs") as first, aio_client("sqs") as second:
        assert type(first) is not type(second)
        assert type(first).send_message is type(second).send_message
        # aiobotocore's own methods are made for aiobotocore's creator only.
        assert type(first).send_message is not type(boto3.client("sqs")).send_message
        url = (await first.create_queue(QueueName="shared"))["QueueUrl"]
        await second.send_message(QueueUrl=url, MessageBody="hello")
        assert (await first.receive_message(QueueUrl=url))["Messages"][0]["Body"] == "hello"


def test_with_the_switch_off_each_client_makes_its_own_methods_and_shapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")
    with mock_aws():
        first, second = s3_client(), s3_client()
        assert type(first).put_object is not type(second).put_object
        shapes = [c.meta.service_model.shape_for("BucketName") for c in (first, second)]
        assert shapes[0] is not shapes[1]


def test_clients_made_after_the_mock_make_their_own_methods() -> None:
    with mock_aws():
        session = botocore.session.Session()
        inside = s3_client(session)
    assert type(s3_client(session)).put_object is not type(inside).put_object


def test_a_users_creating_client_class_handler_runs_for_every_client(mocked: None) -> None:
    seen: list[dict[str, Any]] = []

    class Mixin:
        def greet(self) -> str:
            return "hello"

    def customise(class_attributes: dict[str, Any], base_classes: list[type], **_: Any) -> None:
        seen.append(dict(class_attributes))
        class_attributes["put_object"] = lambda self, **kwargs: "replaced"
        base_classes.insert(0, Mixin)

    customised = []
    for _ in range(2):
        session = botocore.session.Session()
        session.register("creating-client-class.s3", customise)
        customised.append(s3_client(session))
    plain = s3_client()

    assert len(seen) == 2
    assert seen[0].keys() == seen[1].keys()
    assert seen[0]["get_object"] is seen[1]["get_object"] is type(plain).get_object
    for client in customised:
        assert client.greet() == "hello"
        assert client.put_object(Bucket="b", Key="k") == "replaced"
    assert not hasattr(plain, "greet")
    assert type(plain).put_object is not type(customised[0]).put_object


def test_a_handler_removing_a_method_removes_it_from_its_class_only(mocked: None) -> None:
    def remove(class_attributes: dict[str, Any], **_: Any) -> None:
        del class_attributes["delete_bucket"]

    session = botocore.session.Session()
    session.register("creating-client-class.s3", remove)
    assert not hasattr(s3_client(session), "delete_bucket")
    assert hasattr(s3_client(), "delete_bucket")


def test_boto3s_s3_transfer_methods_are_on_every_client(mocked: None) -> None:
    clients = [boto3.client("s3"), boto3.session.Session().client("s3")]
    for client in clients:
        for method in ("upload_file", "download_fileobj", "generate_presigned_post"):
            assert callable(getattr(client, method))
    clients[0].create_bucket(Bucket="transfer")
    clients[0].upload_fileobj(io.BytesIO(b"data"), "transfer", "key")
    assert clients[1].get_object(Bucket="transfer", Key="key")["Body"].read() == b"data"


async def test_aiobotocores_presigning_methods_are_on_every_async_client(
    mocked: None, aio_client: AioClientFactory
) -> None:
    async with aio_client("s3") as first, aio_client("s3") as second:
        for client in (first, second):
            url = await client.generate_presigned_url(
                "get_object", Params={"Bucket": "b", "Key": "k"}
            )
            assert "Signature=" in url
            assert callable(client.generate_presigned_post)


def test_docstrings_read_as_botocores_own() -> None:
    expected = docstring(s3_client(), "copy_object")
    with mock_aws():
        shared = docstring(s3_client(), "copy_object")
    assert shared == expected
    # botocore's docs handler for CopyObject documented its CopySource form.
    assert "{'Bucket': 'string', 'Key': 'string', 'VersionId': 'string'}" in shared


@pytest.mark.parametrize(
    "event_name",
    ["docs.request-params.s3.PutObject.complete-section", "*.request-params.s3.PutObject"],
)
def test_a_session_with_its_own_docs_handler_gets_its_own_methods(
    mocked: None, event_name: str
) -> None:
    def document(section: Any, **_: Any) -> None:
        section.write("Documented by a handler.")

    s3_client()  # methods shared by sessions without that handler
    session = botocore.session.Session()
    session.register(event_name, document)
    own = s3_client(session)
    assert type(own).put_object is not type(s3_client()).put_object
    if event_name.startswith("docs."):
        assert "Documented by a handler." in docstring(own, "put_object")
    assert "Documented by a handler." not in docstring(s3_client(), "put_object")


def test_a_model_a_session_reads_for_itself_gets_its_own_methods(mocked: None) -> None:
    def rename(service_data: Any, **_: Any) -> None:
        service_data["metadata"]["serviceFullName"] = "Renamed"

    session = botocore.session.Session()
    session.register("service-data-loaded.s3", rename)
    own = s3_client(session)
    assert type(own).list_buckets is not type(s3_client()).list_buckets


class OwnEmitter(HierarchicalEmitter):
    """An emitter of a kind aiomoto does not read."""


def test_a_session_with_another_kind_of_emitter_gets_its_own_methods(mocked: None) -> None:
    session = botocore.session.Session(event_hooks=OwnEmitter())
    assert type(s3_client(session)).put_object is not type(s3_client()).put_object


class OwnCreator(ClientCreator):  # type: ignore[misc]
    """A creator that makes its methods its own way."""

    def _create_api_method(self, *args: Any) -> Any:
        return super()._create_api_method(*args)


def test_a_creator_that_makes_methods_its_own_way_keeps_its_own(mocked: None) -> None:
    session = botocore.session.Session()
    shared = type(s3_client(session)).put_object
    creator = OwnCreator.__new__(OwnCreator)
    creator.__dict__.update(_creator_state(session))
    model = session.get_service_model("s3")
    assert _shared_methods.create_methods(creator, model)["put_object"] is not shared


def test_a_model_of_another_kind_gets_its_own_methods(mocked: None) -> None:
    class OwnModel(ServiceModel):  # type: ignore[misc]
        pass

    session = botocore.session.Session()
    shared = type(s3_client(session)).put_object
    creator = ClientCreator.__new__(ClientCreator)
    creator.__dict__.update(_creator_state(session))
    description = session.get_component("data_loader").load_service_model("s3", "service-2")
    same = _shared_methods.create_methods(creator, ServiceModel(description, "s3"))
    assert same["put_object"] is shared
    own = _shared_methods.create_methods(creator, OwnModel(description, "s3"))
    assert own["put_object"] is not shared


def test_a_creator_reading_through_another_loader_makes_its_own_methods(mocked: None) -> None:
    session = botocore.session.Session()
    shared = type(s3_client(session)).put_object
    creator = ClientCreator.__new__(ClientCreator)
    creator.__dict__.update(_creator_state(session), _loader=None)
    made = _shared_methods.create_methods(creator, session.get_service_model("s3"))
    assert made["put_object"] is not shared


def _creator_state(session: Any) -> dict[str, Any]:
    return {
        "_loader": session.get_component("data_loader"),
        "_event_emitter": session.get_component("event_emitter"),
    }


def test_methods_made_for_a_session_do_not_keep_it_alive(mocked: None) -> None:
    session = botocore.session.Session()
    client = s3_client(session)
    gone = weakref.ref(session)
    emitter_gone = weakref.ref(session.get_component("event_emitter"))
    del session, client
    gc.collect()
    assert gone() is None
    assert emitter_gone() is None


def test_endpoint_discovery_is_answered_as_botocore_answers(mocked: None) -> None:
    s3 = boto3.client("s3")
    assert s3.meta.service_model.endpoint_discovery_operation is None
    dynamodb = boto3.client("dynamodb")
    model = dynamodb.meta.service_model
    assert model.endpoint_discovery_operation is model.operation_model("DescribeEndpoints")
    assert dynamodb.list_tables()["TableNames"] == []


def test_a_new_set_of_methods_is_counted(mocked: None) -> None:
    before = _shared_methods.made()
    session = botocore.session.Session()
    session.register("creating-client-class.s3", lambda **_: None)
    session.register("docs.request-params.s3.ListBuckets", lambda **_: None)
    s3_client(session)
    assert _shared_methods.made() == before + 1


def test_clients_of_two_sessions_share_shapes(mocked: None) -> None:
    first, second = s3_client(), s3_client()
    put = [c.meta.service_model.operation_model("PutObject") for c in (first, second)]
    assert put[0] is not put[1]
    assert put[0].input_shape is put[1].input_shape
    assert put[0].input_shape.members["Bucket"] is put[1].input_shape.members["Bucket"]
    first.create_bucket(Bucket="shapes")
    second.put_object(Bucket="shapes", Key="k", Body=b"x")
    assert first.head_object(Bucket="shapes", Key="k")["ContentLength"] == 1


def test_shared_shapes_read_as_botocores_own(mocked: None) -> None:
    model = s3_client().meta.service_model
    shapes = model._shape_resolver
    assert isinstance(shapes, _shared_methods.SharedShapes)
    plain = ServiceModel(model._service_description, "s3")
    for name in ("PutObjectRequest", "BucketName", "Tag"):
        assert shapes.get_shape_by_name(name) is shapes.get_shape_by_name(name)
        assert repr(shapes.get_shape_by_name(name)) == repr(plain.shape_for(name))
    traits = {"locationName": "x-amz-bucket"}
    with_traits = shapes.get_shape_by_name("BucketName", traits)
    assert with_traits is not shapes.get_shape_by_name("BucketName", traits)
    assert with_traits.serialization == plain.shape_for("BucketName", traits).serialization
    with pytest.raises(NoShapeFoundError):
        shapes.get_shape_by_name("NoSuchShape")


def test_a_model_with_its_own_shapes_keeps_its_own_resolver(mocked: None) -> None:
    session = botocore.session.Session()
    creator = ClientCreator.__new__(ClientCreator)
    creator.__dict__.update(_creator_state(session))
    description = session.get_component("data_loader").load_service_model("s3", "service-2")
    own = ServiceModel(description, "s3")
    _shared_methods.create_methods(creator, own)
    shared = own._shape_resolver
    _shared_methods.create_methods(creator, own)  # made once: kept
    assert own._shape_resolver is shared
    description["shapes"] = dict(description["shapes"])
    separate = ServiceModel(description, "s3")
    _shared_methods.create_methods(creator, separate)
    assert type(separate._shape_resolver) is not _shared_methods.SharedShapes
