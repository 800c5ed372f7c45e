"""Speed-ups: per-test work that does not depend on the test, done once per process.

A test that makes its clients afresh spends most of its time on work that
is the same in every test: botocore parsing the same JSON data files
(service models, endpoint rule sets, ``endpoints.json``) for every new
session (Moto resets ``boto3.DEFAULT_SESSION`` on each start, so even
``boto3.client`` gets a new one), working out the same event-name aliases
and handler signatures for every session and client, and Moto building
the same ~1,300 ``requests`` routes on each start. While an in-process
``mock_aws`` is active (:func:`install` on the outermost start,
:func:`uninstall` on its exit):

- Sessions created get a :class:`_SharedLoader`: each data file is parsed
  once per process and shared by every such session, as botocore already
  shares it between the clients of one session. The parts of that data
  botocore changes in place are still each session's own (see the class).
  A session created meanwhile keeps its loader after the mock exits.
- Event-name aliases and "does this handler take ``**kwargs``" answers are
  remembered process-wide; both depend on nothing a session can change.
- Moto's routes are built on the first start and registered again, their
  call records emptied, on later starts that reset Moto.
- S3's URL map, which Moto builds again for every S3 request (reloading
  ``moto.s3.urls`` twice to pick up ``MOTO_S3_CUSTOM_ENDPOINTS`` and
  ``MOTO_ENABLE_ISO_REGIONS``), is built once for each value of those two
  variables.

Credentials, config, region, event handlers, clients and client classes
stay per session. ``AIOMOTO_SPEEDUPS=0`` (read on each outermost start)
switches all of it off; see ``docs/performance.rst``.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from types import CodeType, FunctionType, MethodType
from typing import Any

import boto3
import botocore.hooks
import botocore.session
import moto.core.models
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.loaders import JSONFileLoader, Loader, create_loader
from botocore.utils import EVENT_ALIASES
from moto.core.base_backend import BaseBackend

__all__ = ["SWITCH_VAR", "install", "installed", "uninstall", "wanted"]

#: The environment variable that switches the speed-ups off when set to one
#: of ``0``, ``false``, ``no`` or ``off``; read on each outermost start.
SWITCH_VAR = "AIOMOTO_SPEEDUPS"
_OFF_VALUES = frozenset({"0", "false", "no", "off"})

_Session: Any = botocore.session.Session
_moto_models: Any = moto.core.models

#: The originals, as botocore 1.3x-1.4x and Moto 5.x define them.
_original_register_data_loader = _Session._register_data_loader
_original_aliaser_init = EventAliaser.__init__
_original_accepts_kwargs = botocore.hooks.accepts_kwargs
_original_enable_patching = _moto_models.MockAWS._enable_patching
_original_callback_response = _moto_models.CallbackResponse
#: S3Backend inherits ``urls`` from BaseBackend (Moto 5.x).
_base_urls: Any = BaseBackend.urls

#: What S3's URL map depends on besides Moto's code: the environment
#: variables ``moto.s3.urls`` and ``BaseBackend.urls`` read (Moto 5.x).
_S3_URL_VARIABLES = ("MOTO_S3_CUSTOM_ENDPOINTS", "MOTO_ENABLE_ISO_REGIONS")
_s3_urls: dict[tuple[str | None, ...], Any] = {}

#: Directories whose data files ship with an installed package, so they
#: cannot differ between two sessions of one process.
_PACKAGE_DATA_DIRS = frozenset(
    {Loader.BUILTIN_DATA_PATH, os.path.join(os.path.dirname(boto3.__file__), "data")}
)

_lock = threading.Lock()
#: One plain botocore Loader per (search paths, extras types): the one
#: every shared loader with that search path reads through.
_sources: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}


class _State:
    installed = False


_state = _State()


def wanted() -> bool:
    """Whether ``AIOMOTO_SPEEDUPS`` leaves the speed-ups on (the default)."""
    return os.environ.get(SWITCH_VAR, "1").strip().lower() not in _OFF_VALUES


def installed() -> bool:
    """Whether the speed-ups are installed right now."""
    return _state.installed


def install() -> None:
    """Install the speed-ups (outermost start) unless ``AIOMOTO_SPEEDUPS`` is off."""
    if not _state.installed and wanted():
        _swap(
            _register_shared_loader,
            _init_aliaser_with_shared_cache,
            _accepts_kwargs,
            _enable_patching_recycling,
        )
        _s3_backend_class().urls = property(_s3_urls_built_once)
        _state.installed = True


def uninstall() -> None:
    """Put back what :func:`install` replaced (outermost exit)."""
    if _state.installed:
        _swap(
            _original_register_data_loader,
            _original_aliaser_init,
            _original_accepts_kwargs,
            _original_enable_patching,
        )
        del _s3_backend_class().urls  # inherited from BaseBackend again
        _state.installed = False


def _swap(register_data_loader: Any, aliaser_init: Any, accepts_kwargs: Any, enable: Any) -> None:
    _Session._register_data_loader = register_data_loader
    setattr(EventAliaser, "__init__", aliaser_init)  # noqa: B010
    botocore.hooks.accepts_kwargs = accepts_kwargs
    _moto_models.MockAWS._enable_patching = enable


def _register_shared_loader(session: Any) -> None:
    # botocore registers the loader lazily; so do we, reading the session's
    # data_path (AWS_DATA_PATH) at the same moment botocore would.
    session_ref = weakref.ref(session)
    session._components.lazy_register_component(
        "data_loader",
        lambda: _SharedLoader(session_ref, session.get_config_variable("data_path")),
    )


class _SharedLoader(Loader):  # type: ignore[misc]
    """A session's botocore Loader whose parsed data files are shared process-wide.

    It keeps the session's own search paths (boto3 appends to them) and
    reads for itself whenever sharing could differ from botocore's own
    behaviour: a search directory that does not ship with botocore or boto3
    (``~/.aws/models``, ``AWS_DATA_PATH``), a custom file loader, or a
    service model that the session's ``service-data-loaded`` handlers may
    change in place. The parts of shared data that botocore itself changes
    in place are copied per session: a service model's ``operations`` (S3's
    handlers rewrite their ``http`` and ``endpoint``) and each
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

    def list_available_services(self, type_name: str) -> Any:
        return self._read("list_available_services", type_name)

    def determine_latest_version(self, service_name: str, type_name: str) -> Any:
        return self._read("determine_latest_version", service_name, type_name)

    def list_api_versions(self, service_name: str, type_name: str) -> Any:
        return self._read("list_api_versions", service_name, type_name)

    def load_data_with_path(self, name: str) -> Any:
        source = self._source()
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
        source = self._source()
        if source is None:
            return Loader.load_service_model(self, service_name, type_name, api_version)
        model = _call(source, "load_service_model", service_name, type_name, api_version)
        if type_name == "service-2":
            model = self._own_copy(model, _with_own_operations)
        return model

    def _read(self, method: str, *args: Any) -> Any:
        source = self._source()
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

    def _source(self) -> Any:
        """The shared Loader to read through, or ``None`` to read as botocore does."""
        if self._aiomoto_reading_privately or type(self.file_loader) is not JSONFileLoader:
            return None
        # botocore looks only in the search paths that are directories now.
        paths = tuple(path for path in self.search_paths if os.path.isdir(path))
        if not set(paths) <= _PACKAGE_DATA_DIRS:
            return None
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


def _call(source: Any, method: str, *args: Any) -> Any:
    # One session at a time: botocore's Loader is not written for threads.
    with _lock:
        return getattr(source, method)(*args)


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
    # and "endpoint" in place the first time a client calls it. Every dict
    # or list an OperationModel hands out sits directly in its operation.
    copy = model.copy()
    operations = model.get("operations")
    if isinstance(operations, dict):
        copy["operations"] = type(operations)(
            (name, _copy_two_levels(operation)) for name, operation in operations.items()
        )
    return copy


def _copy_two_levels(node: Any) -> Any:
    if not isinstance(node, dict):
        return _copy_tree(node)
    return type(node)(
        (key, value.copy() if isinstance(value, (dict, list)) else value)
        for key, value in node.items()
    )


def _endpoints_copied_on_use(endpoints: Any) -> Any:
    # botocore's EndpointResolver fills the resolved fields into an
    # endpoint's entry in place; each session gets its own service entries.
    copy = endpoints.copy()
    if isinstance(endpoints.get("partitions"), list):
        copy["partitions"] = [_partition_copied_on_use(p) for p in endpoints["partitions"]]
    return copy


def _partition_copied_on_use(partition: Any) -> Any:
    if not isinstance(partition, dict) or not isinstance(partition.get("services"), dict):
        return partition
    copy = partition.copy()
    copy["services"] = _CopiedOnUse(partition["services"])
    return copy


class _CopiedOnUse(OrderedDict):  # type: ignore[type-arg]
    """A mapping over shared values that reads each through its own copy.

    The copy is made on the first read of a key, so a session pays only for
    the entries it uses; whatever hands out a value hands out the copy.
    """

    def __init__(self, shared: Any = (), /) -> None:
        super().__init__(shared)
        self._shared = shared

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if value is self._shared.get(key):
            value = _copy_tree(value)
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
            value = _copy_tree(value)
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
#: on nothing else, so every aliaser with an equal table can share it.
_alias_caches: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _init_aliaser_with_shared_cache(
    aliaser: Any, event_emitter: Any, event_aliases: Any = None
) -> None:
    # Every session and every client copies its aliaser, and each copy
    # would work out the aliases of the same ~300 event names again.
    _original_aliaser_init(aliaser, event_emitter, event_aliases)
    table = tuple(aliaser._event_aliases.items())
    aliaser._alias_name_cache = _alias_caches.setdefault(table, {})


#: Code object -> what ``inspect.getfullargspec`` says of its ``**kwargs``.
_kwargs_by_code: dict[CodeType, Any] = {}


def _accepts_kwargs(func: Any) -> Any:
    # botocore inspects every handler's signature on every registration,
    # ~300 per session; a plain function's answer is in its code object.
    plain = func.__func__ if isinstance(func, MethodType) else func
    if type(plain) is not FunctionType or "__signature__" in plain.__dict__:
        return _original_accepts_kwargs(func)
    code = plain.__code__
    if code not in _kwargs_by_code:
        _kwargs_by_code[code] = _original_accepts_kwargs(func)
    return _kwargs_by_code[code]


class _Recycler:
    """Moto's ~1,300 ``requests`` routes, built once and handed out again.

    Moto builds the same routes in the same order on every start, so the
    n-th route asked for is reused when it was asked for with equal
    arguments last time.
    """

    def __init__(self) -> None:
        self.routes: list[tuple[tuple[Any, ...], dict[str, Any], Any]] = []
        self.position = 0

    def restart(self) -> None:
        self.position = 0

    def callback_response(self, *args: Any, **kwargs: Any) -> Any:
        position, self.position = self.position, self.position + 1
        if position < len(self.routes):
            old_args, old_kwargs, route = self.routes[position]
            if old_args == args and old_kwargs == kwargs:
                route.calls.reset()  # what earlier tests sent is theirs
                return route
        route = _original_callback_response(*args, **kwargs)
        if position < len(self.routes):
            self.routes[position] = (args, kwargs, route)
        else:
            self.routes.append((args, kwargs, route))
        return route


_recycler = _Recycler()


def _enable_patching_recycling(moto_mock: Any, reset: bool = True) -> None:
    # Moto registers a fresh route object per URL pattern and HTTP method
    # on every start. With reset, its registry starts empty, so the routes
    # of the previous start can be registered again once their call records
    # are cleared; without reset they may still be registered: build anew.
    if not reset:
        _original_enable_patching(moto_mock, reset)
        return
    _recycler.restart()
    _moto_models.CallbackResponse = _recycler.callback_response
    try:
        _original_enable_patching(moto_mock, reset)
    finally:
        _moto_models.CallbackResponse = _original_callback_response


def _s3_backend_class() -> Any:
    # Imported on first use: Moto's S3 models are large, and Moto's own
    # start imports them anyway.
    from moto.s3.models import S3Backend

    return S3Backend


def _s3_urls_built_once(backend: Any) -> Any:
    # The map depends on the class and the environment, not on the backend
    # instance (account, region), so one map serves every S3 backend.
    key = tuple(os.environ.get(name) for name in _S3_URL_VARIABLES)
    urls = _s3_urls.get(key)
    if urls is None:
        urls = _s3_urls[key] = _base_urls.fget(backend)
    return urls
