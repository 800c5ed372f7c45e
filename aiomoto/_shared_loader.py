"""Parsed botocore data files, shared by every session that reads the same ones.

Part of the speed-ups (``aiomoto._speedups`` installs it on the outermost
in-process start): a session created while they are installed reads its
data files through a :class:`SharedLoader`, so each file is parsed once per
process rather than once per session. What botocore changes in place stays
each session's own (see the class).
"""

from __future__ import annotations

import functools
import gc
import os
import threading
import weakref
from collections import OrderedDict
from typing import Any

import boto3
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.loaders import _JSON_OPEN_METHODS, JSONFileLoader, Loader, create_loader
from botocore.utils import EVENT_ALIASES

__all__ = ["SharedLoader", "parsed_files"]


#: Directories whose data files ship with an installed package, so they
#: cannot differ between two sessions of one process.
_PACKAGE_DATA_DIRS = frozenset(
    {Loader.BUILTIN_DATA_PATH, os.path.join(os.path.dirname(boto3.__file__), "data")}
)

_lock = threading.Lock()
#: One plain botocore Loader per (search paths, extras types): the one
#: every shared loader with that search path reads through.
_sources: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}


def parsed_files() -> int:
    """How many answers the shared Loaders hold: grows as data files are parsed."""
    with _lock:
        return sum(len(source._cache) for source in _sources.values())


class SharedLoader(Loader):  # type: ignore[misc]
    """A session's botocore Loader whose parsed data files are shared process-wide.

    It keeps the session's own search paths (boto3 appends to them) and
    reads for itself whenever sharing could differ from botocore's own
    behaviour: a search directory that does not ship with botocore or boto3
    (``~/.aws/models``, ``AWS_DATA_PATH``), a custom file loader, or a
    service model that the session's ``service-data-loaded`` handlers may
    change in place. The parts of shared data that botocore itself changes
    in place are copied per session: each operation of a service model,
    with its ``http`` and ``endpoint`` (S3's handlers rewrite them; what
    else an operation holds is shared), and each
    ``endpoints.json`` service entry, on first use (endpoint resolution
    fills its endpoints in).
    """

    def __init__(self, session_ref: weakref.ref[Any], search_path_string: str | None) -> None:
        # botocore's own factory parses AWS_DATA_PATH; take over its state.
        self.__dict__.update(create_loader(search_path_string).__dict__)
        self._aiomoto_session = session_ref
        #: Services whose model this session reads privately from now on.
        self._aiomoto_private: set[str] = set()
        self._aiomoto_reading_privately = 0
        #: id of a shared object -> (it, this session's copy of it).
        self._aiomoto_copies: dict[int, tuple[Any, Any]] = {}
        #: id of this session's copy of a service-2 model -> the shared model.
        self._aiomoto_models: dict[int, Any] = {}

    def list_available_services(self, type_name: str) -> Any:
        return self._read(type_name, "list_available_services", type_name)

    def determine_latest_version(self, service_name: str, type_name: str) -> Any:
        return self._read(type_name, "determine_latest_version", service_name, type_name)

    def list_api_versions(self, service_name: str, type_name: str) -> Any:
        return self._read(type_name, "list_api_versions", service_name, type_name)

    def load_data_with_path(self, name: str) -> Any:
        source = self._source(os.path.basename(name))
        if source is None:
            return Loader.load_data_with_path(self, name)
        data, path = _call(source, "load_data_with_path", name)
        if name == "endpoints":
            data = self._own_copy(data, _endpoints_copied_on_use)
        return data, path

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        if type_name == "service-2" and (
            service_name in self._aiomoto_private or self._handlers_may_change(service_name)
        ):
            self._aiomoto_private.add(service_name)
            return self._read_privately(service_name, type_name, api_version)
        source = self._source(type_name)
        if source is None:
            return Loader.load_service_model(self, service_name, type_name, api_version)
        model = _call(source, "load_service_model", service_name, type_name, api_version)
        if type_name == "service-2":
            shared, model = model, self._own_copy(model, _with_own_operations)
            self._aiomoto_models[id(model)] = shared
        return model

    def shared_service_model(self, own: Any) -> Any:
        """The shared ``service-2`` model that ``own`` is this session's copy of, or ``None``.

        ``None`` too for a model this session read for itself (see the class).
        """
        # The copies are alive (in _aiomoto_copies), so their ids are theirs.
        return self._aiomoto_models.get(id(own))

    def _read(self, kind: str, method: str, *args: Any) -> Any:
        source = self._source(kind)
        if source is None:
            return getattr(Loader, method)(self, *args)
        found = _call(source, method, *args)
        # A session's caller may change the lists it is given.
        return self._own_copy(found, list) if isinstance(found, list) else found

    def _read_privately(self, *args: Any) -> Any:
        # botocore's own code on this loader alone: every file it needs is
        # parsed for this session, so what a handler changes stays here.
        self._aiomoto_reading_privately += 1
        try:
            return Loader.load_service_model(self, *args)
        finally:
            self._aiomoto_reading_privately -= 1

    def _source(self, kind: str) -> Any:
        """The shared Loader to read through, or ``None`` to read as botocore does.

        ``kind`` names the files read (``service-2``, ``endpoints``).
        """
        if self._aiomoto_reading_privately or type(self.file_loader) is not JSONFileLoader:
            return None
        # botocore looks only in the search paths that are directories now.
        paths = tuple(path for path in self.search_paths if os.path.isdir(path))
        if not set(paths) <= _PACKAGE_DATA_DIRS:
            return None
        # A directory with no file of this kind changes nothing botocore
        # reads (boto3's holds only resources-1): leaving it out lets boto3's
        # sessions and plain botocore's (aiobotocore's) share one parse.
        paths = tuple(
            path for path in paths if path == Loader.BUILTIN_DATA_PATH or kind in _kinds_in(path)
        )
        key = (paths, tuple(self.extras_types))
        with _lock:
            source = _sources.get(key)
            if source is None:
                source = _sources[key] = Loader(
                    extra_search_paths=list(paths),
                    include_default_search_paths=False,
                    include_default_extras=False,
                )
                source.extras_types.extend(key[1])
        return source

    def _own_copy(self, shared: Any, make_copy: Any) -> Any:
        # botocore's Loader hands out the same object on every call; so
        # does this one, per session.
        entry = self._aiomoto_copies.get(id(shared))
        if entry is None:
            entry = self._aiomoto_copies[id(shared)] = (shared, make_copy(shared))
        return entry[1]

    def _handlers_may_change(self, service_name: str) -> bool:
        """Whether the session has handlers for this service's ``service-data-loaded``."""
        session = self._aiomoto_session()
        if session is None:
            return False
        # Session.get_service_data (aiobotocore's too) emits on _events.
        aliaser = getattr(session, "_events", None)
        if not (
            isinstance(aliaser, EventAliaser) and isinstance(aliaser._emitter, HierarchicalEmitter)
        ):
            return True  # handlers we cannot look into: assume the worst
        service_id = EVENT_ALIASES.get(service_name, service_name)
        event_name = aliaser._alias_event_name(f"service-data-loaded.{service_id}")
        return bool(aliaser._emitter._handlers.prefix_search(event_name))


@functools.cache
def _kinds_in(directory: str) -> frozenset[str]:
    """The names of the data files in a package's data directory, without their suffix.

    Both the files botocore finds by name (``endpoints.json``) and those in
    ``service/api-version/`` (``resources-1.json``, ``service-2.sdk-extras.json``).
    """
    kinds = set()
    for _, _, files in os.walk(directory, followlinks=True):
        for name in files:
            for suffix in _JSON_OPEN_METHODS:
                if name.endswith(suffix):
                    kinds.add(name[: -len(suffix)])
    return frozenset(kinds)


def _call(source: Any, method: str, *args: Any) -> Any:
    # One session at a time: botocore's Loader is not written for threads.
    with _lock:
        # Parsing a file makes tens of thousands of containers and no
        # garbage: collections meanwhile would only walk them, again and
        # again (a full one too, in a process's first test). Collections
        # due are made up for after, by allocation as usual.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return getattr(source, method)(*args)
        finally:
            if collecting:
                gc.enable()


def _copy_tree(node: Any) -> Any:
    """Copy the dicts and lists of parsed JSON; strings and numbers are immutable."""
    if isinstance(node, list):
        return [_copy_tree(value) for value in node]
    if not isinstance(node, dict):
        return node
    copy = node.copy()
    for key, value in node.items():
        if isinstance(value, (dict, list)):
            copy[key] = _copy_tree(value)
    return copy


def _with_own_operations(model: Any) -> Any:
    # botocore's S3 and S3 Control handlers rewrite an operation's "http"
    # and "endpoint" in place the first time a client calls it: nothing else
    # in an operation is changed in place by botocore, boto3, aiobotocore or
    # Moto. Copying only those, and only for the operations a session reads
    # (its clients read only those they call), keeps a session's garbage small.
    copy = model.copy()
    operations = model.get("operations")
    if isinstance(operations, dict):
        copy["operations"] = _CopiedOnUse(operations, _with_own_edited_parts)
    return copy


#: The parts of an operation that botocore's handlers change in place.
_EDITED_IN_PLACE = ("http", "endpoint")


def _with_own_edited_parts(operation: Any) -> Any:
    if not isinstance(operation, dict):
        return _copy_tree(operation)
    copy = operation.copy()
    for key in _EDITED_IN_PLACE:
        if key in operation:
            copy[key] = _copy_tree(operation[key])
    return copy


def _endpoints_copied_on_use(endpoints: Any) -> Any:
    # botocore's EndpointResolver fills the resolved fields into a region's
    # entry of a service in place (nothing else in endpoints.json is changed
    # in place); each session gets its own entries of the regions it uses.
    copy = endpoints.copy()
    if isinstance(endpoints.get("partitions"), list):
        copy["partitions"] = [_partition_copied_on_use(p) for p in endpoints["partitions"]]
    return copy


def _partition_copied_on_use(partition: Any) -> Any:
    if not isinstance(partition, dict) or not isinstance(partition.get("services"), dict):
        return partition
    copy = partition.copy()
    copy["services"] = _CopiedOnUse(partition["services"], _service_copied_on_use)
    return copy


def _service_copied_on_use(service: Any) -> Any:
    if not isinstance(service, dict) or not isinstance(service.get("endpoints"), dict):
        return _copy_tree(service)
    copy = service.copy()
    copy["endpoints"] = _CopiedOnUse(service["endpoints"])
    return copy


class _CopiedOnUse(OrderedDict):  # type: ignore[type-arg]
    """A mapping over shared values that reads each through its own copy.

    The copy (``make_copy`` of the shared value) is made on the first read
    of a key, so a session pays only for the entries it uses; whatever
    hands out a value hands out the copy.
    """

    def __init__(self, shared: Any = (), make_copy: Any = _copy_tree, /) -> None:
        super().__init__(shared)
        self._shared = shared
        self._make_copy = make_copy

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if value is self._shared.get(key):
            value = self._make_copy(value)
            super().__setitem__(key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            return default
        return self[key]

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            super().__setitem__(key, default)
        return self[key]

    def pop(self, key: Any, *default: Any) -> Any:
        if key not in self:
            return super().pop(key, *default)
        value = self[key]
        super().pop(key)
        return value

    def popitem(self, last: bool = True) -> tuple[Any, Any]:
        key, value = super().popitem(last)
        if value is self._shared.get(key):
            value = self._make_copy(value)
        return key, value

    def values(self) -> Any:
        self._copy_all()
        return super().values()

    def items(self) -> Any:
        self._copy_all()
        return super().items()

    def _copy_all(self) -> None:
        for key in list(self):
            self.get(key)


#: Event name -> aliased name, one dict per alias table: the answer depends
