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

- Sessions created get a ``SharedLoader`` (``aiomoto._shared_loader``): each data file is parsed
  once per process and shared by every such session, as botocore already
  shares it between the clients of one session. The parts of that data
  botocore changes in place are still each session's own (see the class).
  A session created meanwhile keeps its loader after the mock exits.
- Sessions start from one process-wide table of botocore's built-in event
  handlers (``aiomoto._shared_handlers``), copying its parts as they
  register or unregister handlers of their own.
- Clients whose service model was read from that shared data share the
  method objects of their classes and the model's shapes
  (``aiomoto._shared_methods``): each client still gets its own class, and
  ``creating-client-class`` handlers are called for each as usual.
- Event-name aliases and "does this handler take ``**kwargs``" answers are
  remembered process-wide; both depend on nothing a session can change.
- Moto's routes are built on the first start and registered again, their
  call records emptied, on later starts that reset Moto, without running
  Moto's registration loop again (``aiomoto._moto_routes``).
- The garbage collector's full collections skip that long-lived data
  (``aiomoto._gc_freeze``): frozen at an outermost start, when it grew.
- Moto's emptying of its model registry on exit replaces only the lists
  that hold models: giving each of the thousands of model classes a new
  empty list changes every class, which empties Python's attribute caches.
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
import weakref
from types import CodeType, FunctionType, MethodType
from typing import Any

import botocore.client
import botocore.hooks
import botocore.session
import moto.core.models
import moto.core.utils
from botocore.hooks import EventAliaser
from moto.core.base_backend import BaseBackend

from aiomoto import _gc_freeze, _moto_routes, _shared_handlers, _shared_methods, _state_copy
from aiomoto._shared_loader import SharedLoader, parsed_files

__all__ = ["SWITCH_VAR", "install", "installed", "uninstall", "wanted"]

#: The environment variable that switches the speed-ups off when set to one
#: of ``0``, ``false``, ``no`` or ``off``; read on each outermost start.
SWITCH_VAR = "AIOMOTO_SPEEDUPS"
_OFF_VALUES = frozenset({"0", "false", "no", "off"})

_Session: Any = botocore.session.Session
_ClientCreator: Any = botocore.client.ClientCreator
_moto_models: Any = moto.core.models
_moto_utils: Any = moto.core.utils

#: The originals, as botocore 1.3x-1.4x and Moto 5.x define them.
_original_register_data_loader = _Session._register_data_loader
_original_register_builtin_handlers = _Session._register_builtin_handlers
_original_aliaser_init = EventAliaser.__init__
_original_accepts_kwargs = botocore.hooks.accepts_kwargs
_original_create_methods = _ClientCreator._create_methods
_original_enable_patching = _moto_routes.original_enable_patching
#: Moto 5.x's, which ``MockAWS._disable_patching`` calls by this module-level name.
_original_reset_model_data = _moto_models.reset_model_data
#: Moto 5.1 calls botocore's ``create_loader``, later ones their own.
_original_moto_create_loader = _moto_utils.create_loader
#: S3Backend inherits ``urls`` from BaseBackend (Moto 5.x).
_base_urls: Any = BaseBackend.urls

#: What S3's URL map depends on besides Moto's code: the environment
#: variables ``moto.s3.urls`` and ``BaseBackend.urls`` read (Moto 5.x).
_S3_URL_VARIABLES = ("MOTO_S3_CUSTOM_ENDPOINTS", "MOTO_ENABLE_ISO_REGIONS")
_s3_urls: dict[tuple[str | None, ...], Any] = {}


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
    if _state.installed:
        return
    if not wanted():
        _gc_freeze.release()
        return
    _gc_freeze.started(
        parsed_files()
        + len(_moto_routes.recycler.routes)
        + _shared_methods.made()
        + _shared_handlers.templates()
    )
    _swap(
        _register_shared_loader,
        _init_aliaser_with_shared_cache,
        _accepts_kwargs,
        _moto_routes.enable_patching,
        _moto_loader_kept,
        _shared_methods.create_methods,
        _shared_handlers.register_builtin_handlers,
        # Moto ignores what it returns (the lists it replaced).
        _state_copy.empty_model_registries,
    )
    _s3_backend_class().urls = property(_s3_urls_built_once)
    _state.installed = True


def uninstall() -> None:
    """Put back what :func:`install` replaced (outermost exit)."""
    if _state.installed:
        _gc_freeze.stopped()
        _swap(
            _original_register_data_loader,
            _original_aliaser_init,
            _original_accepts_kwargs,
            _original_enable_patching,
            _original_moto_create_loader,
            _original_create_methods,
            _original_register_builtin_handlers,
            _original_reset_model_data,
        )
        del _s3_backend_class().urls  # inherited from BaseBackend again
        _state.installed = False


def _swap(
    register_data_loader: Any,
    aliaser_init: Any,
    accepts_kwargs: Any,
    enable: Any,
    moto_create_loader: Any,
    create_methods: Any,
    register_builtin_handlers: Any,
    reset_model_data: Any,
) -> None:
    _Session._register_data_loader = register_data_loader
    setattr(EventAliaser, "__init__", aliaser_init)  # noqa: B010
    botocore.hooks.accepts_kwargs = accepts_kwargs
    _moto_models.MockAWS._enable_patching = enable
    _moto_utils.create_loader = moto_create_loader
    _ClientCreator._create_methods = create_methods
    _Session._register_builtin_handlers = register_builtin_handlers
    _moto_models.reset_model_data = reset_model_data


#: The one Loader Moto reads its service models through while installed.
_moto_loader: list[Any] = []


def _moto_loader_kept() -> Any:
    # Moto reads each service's model once per process (it caches what it
    # built from it), through a new Loader each time, and a new Loader lists
    # every service directory before reading one file. The search paths are
    # fixed (no environment variable), so one Loader answers the same.
    if not _moto_loader:
        _moto_loader.append(_original_moto_create_loader())
    return _moto_loader[0]


def _register_shared_loader(session: Any) -> None:
    # botocore registers the loader lazily; so do we, reading the session's
    # data_path (AWS_DATA_PATH) at the same moment botocore would.
    session_ref = weakref.ref(session)
    session._components.lazy_register_component(
        "data_loader",
        lambda: SharedLoader(session_ref, session.get_config_variable("data_path")),
    )


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
