"""Moto's routes kept across starts: a start that reuses them is exactly a fresh one.

A fresh registration is the one Moto's own code makes with the speed-ups
off; each test compares what a start that reuses the kept routes registers,
records and answers with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from moto import backend_index
from moto.core import models as moto_models
from moto.core.base_backend import BackendDict
from moto.core.custom_responses_mock import reset_responses_mock
from responses.registries import FirstMatchRegistry

from aiomoto import _moto_routes, _speedups, mock_aws

S3_URL = "https://s3.amazonaws.com/"
#: No backend serves this host, so only Moto's catch-all route matches it.
UNSERVED_URL = "https://nothing-here.amazonaws.com/x"


def registration() -> dict[str, list[tuple[str, str, Any]]]:
    """What the active mock has registered, per method, in order."""
    registered = moto_models.responses_mock._registry._registered
    return {
        method: [(route.method, route.url.pattern, route.callback) for route in routes]
        for method, routes in registered.items()
    }


def route_objects() -> list[Any]:
    return list(moto_models.responses_mock.registered())


@pytest.fixture
def speedups_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(_speedups.SWITCH_VAR, "0")
    yield
    monkeypatch.delenv(_speedups.SWITCH_VAR)


def fresh_registration(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[str, str, Any]]]:
    """What Moto's own registration registers now."""
    with monkeypatch.context() as patch:
        patch.setenv(_speedups.SWITCH_VAR, "0")
        with mock_aws():
            assert not _speedups.installed()
            return registration()


def answers() -> list[tuple[int, bytes]]:
    return [
        (response.status_code, response.content)
        for response in (
            requests.get(S3_URL, timeout=5),
            requests.get(UNSERVED_URL, timeout=5),
            requests.post(UNSERVED_URL, data=b"x", timeout=5),
        )
    ]


def test_a_start_reusing_the_routes_registers_what_moto_registers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = fresh_registration(monkeypatch)
    with mock_aws():
        first = route_objects()
    with mock_aws():
        assert registration() == fresh
        assert all(a is b for a, b in zip(first, route_objects(), strict=True))


def test_a_start_reusing_the_routes_answers_as_a_fresh_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        patch.setenv(_speedups.SWITCH_VAR, "0")
        with mock_aws():
            fresh = answers()
    with mock_aws():
        pass
    with mock_aws():
        assert answers() == fresh
    assert fresh[0][0] == 200
    assert fresh[1] == (400, b"The method is not implemented")


def test_nothing_an_earlier_start_was_sent_is_recorded() -> None:
    with mock_aws():
        answers()
        assert len(moto_models.responses_mock.calls) == 3
    with mock_aws():
        assert len(moto_models.responses_mock.calls) == 0
        assert all(route.call_count == 0 for route in route_objects())


def test_routes_and_passthroughs_an_earlier_start_added_or_removed_are_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = fresh_registration(monkeypatch)
    with mock_aws():
        passthroughs = moto_models.responses_mock.passthru_prefixes
        mock = moto_models.responses_mock
        mock.remove(route_objects()[0])
        mock.add("GET", "https://added.example.test/", body="added")
        mock.add_passthru("https://sqs.")
    with mock_aws():
        assert registration() == fresh
        assert moto_models.responses_mock.passthru_prefixes == passthroughs


def test_new_url_patterns_are_registered_at_the_next_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mock_aws():
        pass
    extra = ("extra", re.compile(r"https?://extra\.example\.test/.*"))
    monkeypatch.setattr(
        backend_index, "backend_url_patterns", [*backend_index.backend_url_patterns, extra]
    )
    fresh = fresh_registration(monkeypatch)
    with mock_aws():
        assert registration() == fresh
        assert (
            "GET",
            extra[1].pattern,
            moto_models.botocore_stubber.process_prepared_request
            if hasattr(moto_models.botocore_stubber, "process_prepared_request")
            else moto_models.botocore_stubber.process_request,
        ) in registration()["GET"]


def test_a_reset_that_keeps_the_registry_gets_moto_s_own_registration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A reset that leaves the routes registered: Moto then registers them
    # all again on top, and so must a start that could reuse them.
    monkeypatch.setattr(moto_models.MockAWS, "reset", lambda self: BackendDict.reset())
    with monkeypatch.context() as patch:
        patch.setenv(_speedups.SWITCH_VAR, "0")
        with mock_aws():
            once = registration()
        with mock_aws():
            twice = registration()
    reset_responses_mock(moto_models.responses_mock)
    with mock_aws():
        assert registration() == once
    with mock_aws():
        assert registration() == twice


def test_routes_registered_on_top_of_routes_left_registered_are_neither_reused_nor_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reset_responses_mock(moto_models.responses_mock)
    with monkeypatch.context() as patch:
        patch.setattr(moto_models.MockAWS, "reset", lambda self: BackendDict.reset())
        with mock_aws():
            below = route_objects()
        with mock_aws():
            both = route_objects()
            assert len(both) > len(below)
            assert len(set(map(id, both))) == len(both)  # new ones on top, as Moto makes
    reset_responses_mock(moto_models.responses_mock)
    with mock_aws():
        routes = route_objects()
        assert len(routes) == len(set(map(id, routes)))  # each route registered once


def test_without_one_list_per_method_moto_registers_on_every_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An older ``responses`` keeps one list for all methods.
    with mock_aws():
        pass
    monkeypatch.setattr(moto_models.responses_mock, "_registry", FirstMatchRegistry())
    with mock_aws():
        assert _moto_routes._state.kept is None
