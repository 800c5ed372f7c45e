"""The API methods of client classes, made once per service model and shared by every client.

Part of the speed-ups (``aiomoto._speedups`` installs :func:`create_methods`
on the outermost in-process start). botocore builds a new class for every
client (aiobotocore's ``AioClientCreator`` too, through the same
``ClientCreator._create_methods``) and, with it, for every operation of the
service a method, its closure and a docstring holding an ``OperationModel``:
about nine objects per operation (a thousand for an S3 client), kept in
reference cycles by the class, so only a full garbage collection frees
them. While installed, a client whose service model was read from the
shared parsed data (``aiomoto._shared_loader``) is given the method objects
made for the first such client instead. Each client still gets its own class, built by
botocore, and the ``creating-client-class`` handlers are called as before,
each time on a fresh ``class_attributes`` dict, so whatever they add,
replace or remove is that class's alone.

The methods are shared only when that changes nothing a client can tell:

- a method depends only on its operation's names (it calls the client's
  own ``_make_api_call``), so the creator must not override
  ``_create_api_method``;
- a docstring is generated on its first read from the operation's model and
  the handlers of ``docs.*`` events, so methods are shared between sessions
  whose ``docs`` handlers (and event aliases) are the same objects, and their
  docstrings read a model over the shared data, which botocore never
  changes (each session changes only its own copy, see the shared loader).
  They emit on an emitter of their own that holds just those handlers, so
  no session is kept alive by the methods made for it.

The answer to "which operation discovers endpoints" (none, for most
services), which botocore works out for every client by making a model of
every operation, is given to the client's service model from the shared
data too, and so are its shapes (:class:`SharedShapes`): each is made
once from the shared data, where botocore makes one per lookup per client.

Two differences remain: a ``docs.*`` handler registered on a session after
its client was made does not show in that client's docstrings (help text
only), and a handler that changes a method object itself (its attributes),
rather than putting another in ``class_attributes``, changes it for every
client sharing it; the same holds for a ``Shape`` object changed in place.
``AIOMOTO_SPEEDUPS=0`` switches this off with the rest.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.client
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.model import ServiceModel, ShapeResolver

from aiomoto import _aiobotocore
from aiomoto._shared_loader import SharedLoader

__all__ = ["create_methods", "made"]

_ClientCreator: Any = botocore.client.ClientCreator
#: The originals, as botocore 1.3x-1.4x defines them.
_original_create_methods = _ClientCreator._create_methods
_original_create_api_method = _ClientCreator.__dict__["_create_api_method"]

#: The emitters whose handler tables aiomoto knows how to read (botocore's,
#: aiobotocore's, both behind botocore's aliaser): any other kind makes its
#: client's methods as botocore does.
_EMITTERS = frozenset({HierarchicalEmitter, *_aiobotocore.EVENT_EMITTERS})
#: The first parts of the event names that botocore's docstrings emit
#: (``docs.request-params.s3.PutObject.Bucket``...) or that may match them.
_DOCS_ROOTS = ("docs", "*")

_lock = threading.Lock()


class _Made:
    """The methods made for one key, and what keeps that key valid."""

    def __init__(self, methods: dict[str, Any], docs_emitter: Any, shared_model: Any) -> None:
        self.methods = methods
        # The key holds the ids of these: they must stay alive with it.
        self.docs_emitter = docs_emitter
        self.shared_model = shared_model
        self.shapes = SharedShapes(shared_model.get("shapes", {}))
        operations = shared_model.get("operations", {})
        self.no_discovery_operation = not any(
            isinstance(operation, dict) and operation.get("endpointoperation", False)
            for operation in operations.values()
        )


_made: dict[tuple[Any, ...], _Made] = {}


def made() -> int:
    """How many sets of methods are kept: grows as new services are used."""
    return len(_made)


def create_methods(creator: Any, service_model: Any) -> dict[str, Any]:
    """``ClientCreator._create_methods`` while installed: shared methods when equivalent."""
    found = _shared_model_and_key(creator, service_model)
    if found is None:
        methods: dict[str, Any] = _original_create_methods(creator, service_model)
        return methods
    shared_model, key = found
    with _lock:
        entry = _made.get(key)
    if entry is None:
        entry = _make(creator, service_model, shared_model, key)
    if entry.no_discovery_operation:
        # botocore then asks the client's model for its endpoint discovery
        # operation (a cached property), and finds there is none by making
        # an OperationModel, and reading an operation copy, for every
        # operation. The answer depends on the shared data alone.
        service_model.__dict__.setdefault("endpoint_discovery_operation", None)
    resolver = service_model._shape_resolver
    if type(resolver) is ShapeResolver and resolver._shape_map is entry.shapes._shape_map:
        service_model._shape_resolver = entry.shapes
    return dict(entry.methods)


class SharedShapes(ShapeResolver):  # type: ignore[misc]
    """The shapes of one shared service model, each made once and handed to every client.

    botocore makes a new ``Shape`` on every lookup, and each client resolves
    the shapes of every call it makes, and their members, again. Shapes are
    made from the shared data alone; what a lookup adds to a reference
    (``member_traits``) is made afresh, as botocore does.
    """

    def __init__(self, shape_map: Any) -> None:
        super().__init__(shape_map)
        self._aiomoto_shapes: dict[str, Any] = {}

    def get_shape_by_name(self, shape_name: str, member_traits: Any = None) -> Any:
        if member_traits:
            return ShapeResolver.get_shape_by_name(self, shape_name, member_traits)
        shape = self._aiomoto_shapes.get(shape_name)
        if shape is None:
            made = ShapeResolver.get_shape_by_name(self, shape_name)
            shape = self._aiomoto_shapes.setdefault(shape_name, made)
        return shape


def _shared_model_and_key(creator: Any, service_model: Any) -> tuple[Any, tuple[Any, ...]] | None:
    """The shared data a client's model was read from and what its methods depend on.

    ``None`` when the methods must be made as botocore makes them.
    """
    creator_class = type(creator)
    if getattr(creator_class, "_create_api_method", None) is not _original_create_api_method:
        return None
    if type(service_model) is not ServiceModel:
        return None
    loader = getattr(creator, "_loader", None)
    if not isinstance(loader, SharedLoader):
        return None
    shared_model = loader.shared_service_model(service_model._service_description)
    if shared_model is None:
        return None
    aliaser: Any = getattr(creator, "_event_emitter", None)
    docs = _docs_handlers(aliaser)
    if docs is None:
        return None
    key = (
        creator_class,
        type(aliaser._emitter),
        tuple(aliaser._event_aliases.items()),
        id(shared_model),
        service_model._service_name,
        tuple(
            (path, tuple(tuple(map(id, section)) for section in handlers))
            for path, handlers in docs
        ),
    )
    return shared_model, key


def _docs_handlers(aliaser: Any) -> list[tuple[str, Any]] | None:
    """Each event name that may match a ``docs`` event, with its handlers (a ``NodeList``).

    ``None`` for an emitter whose handler table aiomoto cannot read.
    """
    if type(aliaser) is not EventAliaser or type(aliaser._emitter) not in _EMITTERS:
        return None
    found: list[tuple[str, Any]] = []
    children = aliaser._emitter._handlers._root["children"]
    for chunk in _DOCS_ROOTS:
        if chunk in children:
            _collect(children[chunk], chunk, found)
    return found


def _collect(node: Any, path: str, found: list[tuple[str, Any]]) -> None:
    # A node of botocore's _PrefixTrie: {"chunk", "values": NodeList|None, "children"}.
    if node["values"] is not None:
        found.append((path, node["values"]))
    for chunk, child in node["children"].items():
        _collect(child, f"{path}.{chunk}", found)


def _make(creator: Any, service_model: Any, shared_model: Any, key: tuple[Any, ...]) -> _Made:
    aliaser = creator._event_emitter
    docs_emitter = _docs_emitter(aliaser)
    # botocore's own code, on a creator that differs only in the emitter
    # its docstrings will emit on, over a model nobody changes.
    creator_class: Any = type(creator)
    maker = creator_class.__new__(creator_class)
    maker.__dict__.update(creator.__dict__, _event_emitter=docs_emitter)
    model = ServiceModel(shared_model, service_name=service_model._service_name)
    entry = _Made(_original_create_methods(maker, model), docs_emitter, shared_model)
    with _lock:
        return _made.setdefault(key, entry)


def _docs_emitter(aliaser: Any) -> Any:
    """An emitter of the aliaser's kind holding only its handlers that may match ``docs`` events."""
    emitter = type(aliaser._emitter)()
    for path, handlers in _docs_handlers(aliaser) or ():
        for section, in_section in enumerate(handlers):
            for handler in in_section:
                emitter._handlers.append_item(path, handler, section=section)
    return type(aliaser)(emitter, dict(aliaser._event_aliases))
