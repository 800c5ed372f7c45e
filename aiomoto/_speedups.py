"""Speed-ups: per-test work that does not depend on the test, done once per process.

A test that makes its clients afresh pays, without these, for botocore
parsing the same JSON data files (service models, endpoint rule sets,
``endpoints.json``...) for every new session, since Moto replaces
``boto3.DEFAULT_SESSION`` on each start. While the outermost ``mock_aws``
is active (between :func:`install` and :func:`uninstall`):

- Sessions created get a :class:`_SharedLoader`: the data files it reads
  are parsed once per process and shared by every such session with the
  same search path, as botocore already shares them between the clients of
  one session. A session's credentials, config, region, event handlers and
  clients stay its own; only parsed data files are shared, and only files
  that ship inside botocore and boto3.

``AIOMOTO_SPEEDUPS=0`` (read on each outermost start) switches them off.
"""

from __future__ import annotations

import os
import threading
import weakref
from types import CodeType, FunctionType, MethodType
from typing import Any

import boto3
import botocore.hooks
import botocore.session
import moto.core.models
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.loaders import JSONFileLoader, Loader, create_loader
from botocore.utils import EVENT_ALIASES

__all__ = ["SWITCH_VAR", "install", "installed", "uninstall", "wanted"]

#: The environment variable that switches the speed-ups off when set to one
#: of :data:`_OFF_VALUES`; read on each outermost start.
SWITCH_VAR = "AIOMOTO_SPEEDUPS"
_OFF_VALUES = frozenset({"0", "false", "no", "off"})

_Session = botocore.session.Session
_MotoMockAWS = moto.core.models.MockAWS

#: The originals, as botocore 1.3x-1.4x and Moto 5.x define them.
_original_register_data_loader = _Session._register_data_loader
_original_aliaser_init = EventAliaser.__init__
_original_accepts_kwargs = botocore.hooks.accepts_kwargs
_original_enable_patching = _MotoMockAWS._enable_patching
_original_callback_response = moto.core.models.CallbackResponse

#: Directories whose data files ship with an installed package, so they
#: cannot differ between two sessions of one process.
_PACKAGE_DATA_DIRS = frozenset(
    {Loader.BUILTIN_DATA_PATH, os.path.join(os.path.dirname(boto3.__file__), "data")}
)

_lock = threading.Lock()
#: One plain botocore Loader per (search paths, extras types): the cache
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
    """Install the speed-ups unless ``AIOMOTO_SPEEDUPS`` switches them off."""
    if _state.installed or not wanted():
        return
    _Session._register_data_loader = _register_shared_loader
    EventAliaser.__init__ = _init_aliaser_with_shared_cache
    botocore.hooks.accepts_kwargs = _accepts_kwargs
    _MotoMockAWS._enable_patching = _enable_patching_recycling
    _state.installed = True


def uninstall() -> None:
    """Put back everything :func:`install` replaced; sessions keep their loaders."""
    if not _state.installed:
        return
    _Session._register_data_loader = _original_register_data_loader
    EventAliaser.__init__ = _original_aliaser_init
    botocore.hooks.accepts_kwargs = _original_accepts_kwargs
    _MotoMockAWS._enable_patching = _original_enable_patching
    _state.installed = False


def _register_shared_loader(session: Any) -> None:
    # botocore registers the loader lazily; so do we, reading the session's
    # data_path (AWS_DATA_PATH) at the same moment botocore would.
    session_ref = weakref.ref(session)
    session._components.lazy_register_component(
        "data_loader",
        lambda: _SharedLoader(session_ref, session.get_config_variable("data_path")),
    )


class _SharedLoader(Loader):  # type: ignore[misc]
    """A session's botocore Loader whose cached reads are shared process-wide.

    It has the session's own search paths (boto3 appends to them) and falls
    back to reading for itself whenever sharing could differ from botocore's
    own behaviour: a search directory that does not ship with botocore or
    boto3 (``~/.aws/models``, ``AWS_DATA_PATH``), a custom file loader, or a
    service whose model the session's ``service-data-loaded`` handlers may
    change in place.
    """

    def __init__(self, session_ref: weakref.ref[Any], search_path_string: str | None) -> None:
        # botocore's own factory parses AWS_DATA_PATH; take over its state.
        self.__dict__.update(create_loader(search_path_string).__dict__)
        self._aiomoto_session = session_ref
        self._aiomoto_private: set[str] = set()
        self._aiomoto_reading_privately = 0

    def list_available_services(self, type_name: str) -> Any:
        return self._read("list_available_services", type_name)

    def determine_latest_version(self, service_name: str, type_name: str) -> Any:
        return self._read("determine_latest_version", service_name, type_name)

    def list_api_versions(self, service_name: str, type_name: str) -> Any:
        return self._read("list_api_versions", service_name, type_name)

    def load_data_with_path(self, name: str) -> Any:
        return self._read("load_data_with_path", name)

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        if type_name == "service-2" and self._handlers_may_change(service_name):
            self._aiomoto_private.add(service_name)
        if service_name in self._aiomoto_private and type_name == "service-2":
            return self._read_privately("load_service_model", service_name, type_name, api_version)
        return self._read("load_service_model", service_name, type_name, api_version)

    def _read(self, method: str, *args: Any) -> Any:
        key = None if self._aiomoto_reading_privately else self._source_key()
        if key is None:
            return getattr(Loader, method)(self, *args)
        with _lock:
            source = _sources.get(key)
            if source is None:
                source = _sources[key] = Loader(
                    extra_search_paths=list(key[0]),
                    include_default_search_paths=False,
                    include_default_extras=False,
                )
                source.extras_types.extend(key[1])
            return getattr(source, method)(*args)

    def _read_privately(self, method: str, *args: Any) -> Any:
        # botocore's own code on this loader alone: every file it needs is
        # parsed for this session, so what a handler changes stays here.
        self._aiomoto_reading_privately += 1
        try:
            return getattr(Loader, method)(self, *args)
        finally:
            self._aiomoto_reading_privately -= 1

    def _source_key(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        if type(self.file_loader) is not JSONFileLoader:
            return None
        paths = tuple(self.search_paths)
        if any(path not in _PACKAGE_DATA_DIRS and os.path.isdir(path) for path in paths):
            return None
        return paths, tuple(self.extras_types)

    def _handlers_may_change(self, service_name: str) -> bool:
        """Whether the session has handlers for this service's ``service-data-loaded``."""
        session = self._aiomoto_session()
        if session is None:
            return False
        emitter = session.get_component("event_emitter")
        event_name = f"service-data-loaded.{EVENT_ALIASES.get(service_name, service_name)}"
        if isinstance(emitter, EventAliaser):
            event_name = emitter._alias_event_name(event_name)
            emitter = emitter._emitter
        if isinstance(emitter, HierarchicalEmitter):
            return bool(emitter._handlers.prefix_search(event_name))
        return True  # an emitter we cannot look into: assume the worst


#: Event name -> aliased name, one dict per alias table: the answer depends
#: on nothing else, so every aliaser with an equal table can share it.
_alias_caches: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _init_aliaser_with_shared_cache(aliaser: Any, event_emitter: Any, event_aliases: Any = None) -> None:
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
    moto.core.models.CallbackResponse = _recycler.callback_response
    try:
        _original_enable_patching(moto_mock, reset)
    finally:
        moto.core.models.CallbackResponse = _original_callback_response
