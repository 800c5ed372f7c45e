"""Sessions' built-in handler tables, shared while mocking until a session changes its own.

Sharing is observed through object identity; equivalence through the
tables' contents and what each session's events call.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.handlers
import botocore.session
import pytest
from aiobotocore.session import AioSession
from botocore.hooks import HierarchicalEmitter, _PrefixTrie

from aiomoto import _shared_handlers, _speedups, mock_aws
from tests.conftest import AioClientFactory

EVENT = "before-call.s3.ListBuckets"


@pytest.fixture
def mocked() -> Iterator[None]:
    with mock_aws():
        yield


def table(session: Any) -> Any:
    return session._events._emitter._handlers


def handlers_for(session: Any, event_name: str) -> list[Any]:
    return list(table(session).prefix_search(event_name))


def record(**kwargs: Any) -> None:
    """A handler that does nothing."""


def test_sessions_start_from_one_shared_table(mocked: None) -> None:
    first, second = botocore.session.Session(), botocore.session.Session()
    assert isinstance(table(first), _shared_handlers.CopyOnWriteTrie)
    assert table(first)._root is table(second)._root


@pytest.mark.parametrize("session_class", [botocore.session.Session, AioSession])
def test_a_shared_table_holds_what_botocore_registers(session_class: Any) -> None:
    plain = table(session_class())  # outside any mock: botocore's own
    with mock_aws():
        shared = table(session_class())
    assert type(plain) is _PrefixTrie
    assert type(shared) is _shared_handlers.CopyOnWriteTrie
    assert copy.copy(shared)._root == plain._root


def test_a_handler_registered_on_one_session_is_its_own(mocked: None) -> None:
    first, second = botocore.session.Session(), botocore.session.Session()
    first.register(EVENT, record)
    first.register(EVENT, record, unique_id="once")
    assert handlers_for(first, EVENT).count(record) == 2
    assert record not in handlers_for(second, EVENT)
    assert record not in handlers_for(botocore.session.Session(), EVENT)
    # The nodes it copied stay its own: a second registration changes them alone.
    first.register("before-call.s3", record)
    assert record not in handlers_for(second, "before-call.s3")


def test_unregistering_a_builtin_handler_changes_only_that_session(mocked: None) -> None:
    event_name, handler = next(
        spec for spec in botocore.handlers.BUILTIN_HANDLERS if spec[0] == "creating-client-class.s3"
    )[:2]
    first, second = botocore.session.Session(), botocore.session.Session()
    first.unregister(event_name, handler)
    assert handler not in handlers_for(first, event_name)
    assert handler in handlers_for(second, event_name)
    assert handler in handlers_for(botocore.session.Session(), event_name)


def test_removing_what_a_table_does_not_hold_fails_as_botocore_does(mocked: None) -> None:
    own = table(botocore.session.Session())
    with pytest.raises(ValueError, match="key is not in trie"):
        own.remove_item("no-such-event.anywhere", record)
    with pytest.raises(ValueError, match="key is not in trie"):
        _PrefixTrie().remove_item("no-such-event.anywhere", record)


def test_a_client_copies_a_plain_table(mocked: None) -> None:
    client = boto3.client("s3", region_name="us-east-1")
    copied = client.meta.events._emitter._handlers
    assert type(copied) is _PrefixTrie
    client.meta.events.register(EVENT, record)
    assert record not in handlers_for(botocore.session.Session(), EVENT)
    assert client.list_buckets()["Buckets"] == []


async def test_async_sessions_share_their_own_table(
    mocked: None, aio_client: AioClientFactory
) -> None:
    first, second = AioSession(), AioSession()
    assert table(first)._root is table(second)._root
    assert table(first)._root is not table(botocore.session.Session())._root
    first.register(EVENT, record)
    assert record not in handlers_for(second, EVENT)
    async with aio_client("s3") as client:
        assert (await client.list_buckets())["Buckets"] == []


def test_with_the_switch_off_each_session_builds_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")
    with mock_aws():
        assert type(table(botocore.session.Session())) is _PrefixTrie


def test_a_session_whose_emitter_already_holds_handlers_builds_its_own(mocked: None) -> None:
    emitter = HierarchicalEmitter()
    emitter.register(EVENT, record)
    session = botocore.session.Session(event_hooks=emitter)
    assert type(table(session)) is _PrefixTrie
    assert record in handlers_for(session, EVENT)


class OwnEmitter(HierarchicalEmitter):
    """An emitter of a kind aiomoto does not share tables for."""


class OwnSession(botocore.session.Session):  # type: ignore[misc]
    """A session that registers handlers its own way."""

    def register(self, *args: Any, **kwargs: Any) -> None:
        super().register(*args, **kwargs)


@pytest.mark.parametrize(
    "make",
    [lambda: botocore.session.Session(event_hooks=OwnEmitter()), OwnSession],
    ids=["another emitter", "another register"],
)
def test_sessions_of_other_kinds_build_their_own(mocked: None, make: Any) -> None:
    assert type(table(make())) is _PrefixTrie


def test_a_handler_added_to_botocores_list_makes_a_new_table(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = table(botocore.session.Session())._root
    kept = _shared_handlers.templates()
    monkeypatch.setattr(
        botocore.handlers,
        "BUILTIN_HANDLERS",
        [*botocore.handlers.BUILTIN_HANDLERS, (EVENT, record)],
    )
    session = botocore.session.Session()
    assert table(session)._root is not before
    assert record in handlers_for(session, EVENT)
    assert _shared_handlers.templates() == kept + 1
