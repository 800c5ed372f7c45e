"""botocore's built-in event handlers, registered once, shared by sessions until one changes them.

Part of the speed-ups (``aiomoto._speedups`` installs
:func:`register_builtin_handlers` on the outermost in-process start). Every
new botocore session (boto3's and aiobotocore's too) registers the same
~300 built-in handlers, building its own handler table: about 700 dicts
and lists per session that a reference cycle through the session keeps
until a full garbage collection. While installed, a session whose table is
still empty gets a :class:`CopyOnWriteTrie` over a table built once by
botocore's own registration code from the same handlers instead; the
session copies the nodes on the path to whatever it registers or
unregisters later, so what it changes is its own and the template never
changes. A client's copy of its session's table (``copy.copy``) is a plain,
full copy, as botocore makes it.

Shared only when that is what botocore would build: the session's class
registers its built-in handlers and single handlers as botocore's
``Session`` does, its emitter is botocore's or aiobotocore's (behind
botocore's aliaser), and the template was built from the same handlers
(``botocore.handlers.BUILTIN_HANDLERS``, compared by identity, as Moto and
others append to it), for the same emitter class and event aliases.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import botocore.handlers
import botocore.session
from botocore.hooks import EventAliaser, HierarchicalEmitter, NodeList, _PrefixTrie

from aiomoto import _aiobotocore

__all__ = ["CopyOnWriteTrie", "register_builtin_handlers", "templates"]

_Session: Any = botocore.session.Session
#: The originals, as botocore 1.3x-1.4x defines them.
_original_register_builtin_handlers = _Session._register_builtin_handlers
_original_register = _Session.__dict__["register"]

_EMITTERS = frozenset({HierarchicalEmitter, *_aiobotocore.EVENT_EMITTERS})

_lock = threading.Lock()
#: (emitter class, aliases, the built-in handler specs by id) -> (template, specs).
_templates: dict[tuple[Any, ...], tuple[Any, list[Any]]] = {}


def templates() -> int:
    """How many shared handler tables are kept."""
    return len(_templates)


class CopyOnWriteTrie(_PrefixTrie):  # type: ignore[misc]
    """A session's handler table that reads a shared template until it changes a node.

    Registering or unregistering copies the nodes on that event name's path
    (with their handler lists) into this table first, so the template is
    never changed.
    """

    def __init__(self, template: Any) -> None:
        super().__init__()
        self._root = template._root
        #: ids of the nodes this table made or copied (alive: they are in it).
        self._aiomoto_own: set[int] = set()

    def append_item(self, key: str, value: Any, section: int = 1) -> None:
        node = self._own_path(key, make=True)
        if node["values"] is None:
            node["values"] = NodeList([], [], [])
        node["values"][section].append(value)

    def remove_item(self, key: str, value: Any) -> None:
        self._own_path(key, make=False)
        _PrefixTrie.remove_item(self, key, value)

    def __copy__(self) -> Any:
        # What botocore's copy of a table is: every node copied, handlers not.
        plain = _PrefixTrie()
        plain._root = plain._recursive_copy(self._root)
        return plain

    def _own_path(self, key: str, make: bool) -> Any:
        """This table's own copy of each node on ``key``'s path; the last one.

        With ``make``, missing nodes are made, as botocore's ``append_item``
        makes them; without, the path stops at the first missing node.
        """
        current = self._root = self._owned(self._root)
        for part in key.split("."):
            child = current["children"].get(part)
            if child is None:
                if not make:
                    break
                child = {"chunk": part, "values": None, "children": {}}
                self._aiomoto_own.add(id(child))
            else:
                child = self._owned(child)
            current["children"][part] = child
            current = child
        return current

    def _owned(self, node: Any) -> Any:
        if id(node) in self._aiomoto_own:
            return node
        values = node["values"]
        own = {
            "chunk": node["chunk"],
            "values": None if values is None else copy.copy(values),
            "children": dict(node["children"]),
        }
        self._aiomoto_own.add(id(own))
        return own


def register_builtin_handlers(session: Any, events: Any) -> None:
    """``Session._register_builtin_handlers`` while installed: a shared table when equivalent."""
    key = _key(session, events)
    if key is None:
        _original_register_builtin_handlers(session, events)
        return
    with _lock:
        found = _templates.get(key)
    if found is None:
        found = _make_template(session, events, key)
    events._emitter._handlers = CopyOnWriteTrie(found[0])


def _key(session: Any, events: Any) -> tuple[Any, ...] | None:
    """What the built-in table depends on, or ``None`` to register as botocore does."""
    session_class = type(session)
    session_events: Any = getattr(session, "_events", None)
    if (
        session_class._register_builtin_handlers is not register_builtin_handlers
        or session_class.register is not _original_register
        or events is not session_events
        or type(events) is not EventAliaser
        or type(events._emitter) not in _EMITTERS
    ):
        return None
    emitter = events._emitter
    if (
        type(emitter._handlers) is not _PrefixTrie
        or emitter._handlers._root != {"chunk": None, "children": {}, "values": None}
        or emitter._unique_id_handlers
    ):
        return None  # a table that already holds something
    specs = tuple(tuple(map(id, spec)) for spec in botocore.handlers.BUILTIN_HANDLERS)
    return (type(emitter), tuple(events._event_aliases.items()), specs)


class _Registrar:
    """What botocore's ``_register_builtin_handlers`` uses of a session: its events."""

    def __init__(self, events: Any) -> None:
        self._events = events

    def register(self, *args: Any, **kwargs: Any) -> None:
        _original_register(self, *args, **kwargs)


def _make_template(session: Any, events: Any, key: tuple[Any, ...]) -> tuple[Any, list[Any]]:
    fresh = EventAliaser(type(events._emitter)(), events._event_aliases)
    _original_register_builtin_handlers(_Registrar(fresh), fresh)
    # The specs are kept so that the ids in the key stay theirs.
    found = (fresh._emitter._handlers, list(botocore.handlers.BUILTIN_HANDLERS))
    with _lock:
        return _templates.setdefault(key, found)
