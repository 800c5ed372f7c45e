"""How to pickle the parts of Moto's state that a plain pickle gets wrong or refuses.

:func:`dispatch_table` gives ``aiomoto._state_copy``'s pickler a reducer for
each such type (merged over :data:`copyreg.dispatch_table`, which a
pickler's own table replaces):

- locks, conditions and events come back new, in the same state; a lock held
  by someone else means work under way, and is refused;
- S3's ``_VersionedKeyStore`` keeps every version and delete marker (its
  ``items()`` yields only the latest), dict subclasses whose constructor needs
  arguments (SSM's ``ParameterDict``) are rebuilt without calling it, and a
  ``defaultdict`` made with a lambda gets an equivalent picklable factory;
- a ``WeakValueDictionary`` (Lambda's by-ARN index) keeps its values in the
  same object graph, so lookups find the restored objects; a weak proxy
  (ElasticBeanstalk's) points at the restored object, not at a copy of it;
- private and public keys of ``cryptography`` travel as DER bytes;
- a thread (Batch jobs, DynamoDB exports and imports are threads) that has
  finished comes back as a thread object that is not alive; one still running
  is refused.

EC2's address generators have theirs in ``aiomoto._state_ec2``.

A reducer that refuses raises :class:`Refused`, which the caller reports
as a ``SnapshotError`` naming the service.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import sys
import tempfile
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["OUT_OF_BAND", "Refused", "dispatch_table", "loaded_class"]

#: S3 bodies of at least this many bytes are pickled as out-of-band buffers
#: (:class:`pickle.PickleBuffer`): a pickler with a ``buffer_callback``
#: hands them over as the bytes themselves, which every restore can share.
OUT_OF_BAND = 64 * 1024

_Reduced = tuple[Any, ...]


class Refused(Exception):
    """A part of the state that cannot be copied; the message says why."""


def dispatch_table() -> dict[type, Callable[[Any], Any]]:
    """Reducers for every type above (the thread classes loaded right now included)."""
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table.update(_fixed_reducers())
    for cls in _subclasses(threading.Thread):
        table[cls] = _reduce_thread
    return table


def _fixed_reducers() -> dict[type, Callable[[Any], Any]]:
    table: dict[type, Callable[[Any], Any]] = {
        type(threading.Lock()): _reduce_lock,
        type(threading.RLock()): _reduce_rlock,
        threading.Condition: _reduce_condition,
        threading.Event: _reduce_event,
        weakref.WeakValueDictionary: _reduce_weak_values,
        weakref.ProxyType: _reduce_proxy,
        weakref.CallableProxyType: _reduce_proxy,
        defaultdict: _reduce_defaultdict,
    }
    # Only modules already loaded can have made objects of their types.
    for module, name, reducer in _MOTO_TYPES:
        cls = loaded_class(module, name)
        if cls is not None:
            table[cls] = reducer
    table.update(_key_reducers())
    return table


def loaded_class(module: str, name: str) -> type | None:
    """The class ``name`` of ``module`` if that module is loaded."""
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) else None


def _subclasses(cls: type) -> Iterator[type]:
    yield cls
    sub: type
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


# Locks, conditions, events ----------------------------------------------------


def _reduce_lock(lock: Any) -> _Reduced:
    if lock.locked():
        raise Refused("a lock is held: work is under way in another thread")
    return (threading.Lock, ())


def _reduce_rlock(lock: Any) -> _Reduced:
    if not lock.acquire(blocking=False):
        raise Refused("a lock is held: work is under way in another thread")
    lock.release()
    return (threading.RLock, ())


def _reduce_condition(cond: threading.Condition) -> _Reduced:
    return (threading.Condition, (cond._lock,))  # type: ignore[attr-defined]


def _reduce_event(event: threading.Event) -> _Reduced:
    return (_new_event, (event.is_set(),))


def _new_event(is_set: bool) -> threading.Event:
    event = threading.Event()
    if is_set:
        event.set()
    return event


# Mappings ---------------------------------------------------------------------


def _reduce_dict_subclass(mapping: dict[Any, Any]) -> _Reduced:
    # dict.items, not the subclass's own: _VersionedKeyStore's yields only
    # the latest version of each key.
    factory = getattr(mapping, "default_factory", None)
    state = (list(dict.items(mapping)), vars(mapping), factory)
    return (copyreg.__newobj__, (type(mapping),), state, None, None, _fill_mapping)  # type: ignore[attr-defined]


def _fill_mapping(mapping: Any, state: tuple[Any, ...]) -> None:
    items, attributes, factory = state
    dict.update(mapping, items)
    vars(mapping).update(attributes)
    if factory is not None:
        mapping.default_factory = factory


def _reduce_defaultdict(mapping: defaultdict[Any, Any]) -> _Reduced:
    factory = mapping.default_factory
    if factory is not None and getattr(factory, "__name__", "") == "<lambda>":
        factory = _equivalent_factory(factory)
    return (defaultdict, (factory,), None, None, iter(dict.items(mapping)))


def _equivalent_factory(factory: Callable[[], Any]) -> Callable[[], Any]:
    # Moto makes some stores with defaultdict(lambda: {}) or
    # defaultdict(lambda: defaultdict(dict)); a lambda cannot be pickled by
    # name, so use a named factory that makes the same thing.
    sample = factory()
    if type(sample) is dict and not sample:
        return dict
    if type(sample) is defaultdict and sample.default_factory is dict and not sample:
        return _defaultdict_of_dicts
    raise Refused(f"a defaultdict whose factory is a lambda ({factory.__qualname__})")


def _defaultdict_of_dicts() -> defaultdict[Any, dict[Any, Any]]:
    return defaultdict(dict)


def _reduce_weak_values(mapping: weakref.WeakValueDictionary[Any, Any]) -> _Reduced:
    return (_new_weak_values, (dict(mapping.items()),))


def _new_weak_values(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(items)


def _reduce_proxy(proxy: Any) -> _Reduced:
    # A plain pickle asks the proxy how to reduce itself, which the proxy
    # forwards to its object: it would come back as a copy, a second object.
    # Any bound method's __self__ is the object itself (ElasticBeanstalk's
    # environments hold their application, and applications their backend,
    # this way).
    try:
        referent = proxy.__init__.__self__
    except ReferenceError:
        return (_dead_proxy, ())
    return (weakref.proxy, (referent,))


class _Gone:
    """What a dead proxy pointed to."""


def _dead_proxy() -> Any:
    return weakref.proxy(_Gone())


# S3 bodies --------------------------------------------------------------------


def _reduce_s3_key(key: Any) -> _Reduced:
    # Moto's own __getstate__ says what to keep (the body as bytes);
    # _fill_s3_key puts it back without writing it out again. Bytes are
    # immutable and Moto never writes into them (a key's buffer copies them
    # before its first write), so a large body may be shared by every
    # restore rather than copied out of the pickle each time.
    state = key.__getstate__()
    value = state.get("value")
    if type(value) is bytes and len(value) >= OUT_OF_BAND:
        state["value"] = pickle.PickleBuffer(value)
    return (_new_s3_key, (type(key),), state, None, None, _fill_s3_key)


def _new_s3_key(cls: Any) -> Any:
    # Marked disposed until _fill_s3_key gives it its state: a key left
    # half-made by a failed restore is then collected without an error.
    key = cls.__new__(cls)
    key.disposed = True
    return key


def _fill_s3_key(key: Any, state: dict[str, Any]) -> None:
    value = state["value"]
    if isinstance(value, str):  # Moto keeps "" for a key whose body was closed
        value = value.encode()
    vars(key).update({k: v for k, v in state.items() if k != "value"})
    buffer = tempfile.SpooledTemporaryFile(max_size=key._max_buffer_size)  # noqa: SIM115 - the key owns it
    if isinstance(getattr(buffer, "_file", None), io.BytesIO):
        # The body is read far more often than written: hand the buffer the
        # bytes themselves (a BytesIO shares them until written to) instead
        # of copying them, or writing them to a temporary file when they are
        # larger than Moto's in-memory size. A later write rolls over to a
        # file as Moto's would.
        buffer._file = io.BytesIO(value)
    else:  # pragma: no cover - every supported Python has _file
        buffer.write(value)
    key._value_buffer = buffer
    key.contentsize = len(value)
    key.lock = threading.Lock()


# Keys -------------------------------------------------------------------------


def _key_reducers() -> dict[type, Callable[[Any], Any]]:
    try:
        from cryptography.hazmat.bindings._rust import openssl
    except ImportError:  # pragma: no cover - Moto requires cryptography
        return {}
    table: dict[type, Callable[[Any], Any]] = {}
    for module_name in ("rsa", "ec", "ed25519", "ed448", "dsa", "x25519", "x448"):
        module = getattr(openssl, module_name, None)
        for name in dir(module):
            cls = getattr(module, name)
            if isinstance(cls, type) and name.endswith("PrivateKey"):
                table[cls] = _reduce_private_key
            elif isinstance(cls, type) and name.endswith("PublicKey"):
                table[cls] = _reduce_public_key
    return table


def _reduce_private_key(key: Any) -> _Reduced:
    from cryptography.hazmat.primitives import serialization

    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (_load_private_key, (der,))


def _load_private_key(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    try:
        # The key was checked when it was made; checking an RSA key again
        # costs milliseconds per restore.
        return serialization.load_der_private_key(der, None, unsafe_skip_rsa_key_validation=True)
    except TypeError:  # pragma: no cover - cryptography < 39 has no such argument
        return serialization.load_der_private_key(der, None)


def _reduce_public_key(key: Any) -> _Reduced:
    from cryptography.hazmat.primitives import serialization

    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return (_load_public_key, (der,))


def _load_public_key(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_public_key(der)


# Threads ----------------------------------------------------------------------

#: What ``threading.Thread.__init__`` sets to run a thread, which a new
#: thread object gets afresh (its name and daemon flag are kept).
_THREAD_ATTRIBUTES = frozenset(vars(threading.Thread())) - {"_name", "_daemonic"}


def _reduce_thread(thread: threading.Thread) -> _Reduced:
    if thread.is_alive():
        raise Refused(
            f"background work is still running in a thread ({type(thread).__qualname__} "
            f"{thread.name!r}); let it finish first"
        )
    state = {k: v for k, v in vars(thread).items() if k not in _THREAD_ATTRIBUTES}
    return (copyreg.__newobj__, (type(thread),), state, None, None, _fill_thread)  # type: ignore[attr-defined]


def _fill_thread(thread: threading.Thread, state: dict[str, Any]) -> None:
    # A new thread object that was never started: is_alive() is False, as
    # it was for the finished one, on every Python version.
    threading.Thread.__init__(thread)
    vars(thread).update(state)


#: Moto's own types that need a reducer: (module, class, reducer). Dict
#: subclasses are filled with ``dict.update``: S3's _VersionedKeyStore (its
#: items() yields only the latest versions), SSM's ParameterDict (its
#: constructor needs arguments), DynamoDB's LimitedSizeDict (its
#: __setitem__ re-sums the item's size for every attribute).
_MOTO_TYPES: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("moto.s3.utils", "_VersionedKeyStore", _reduce_dict_subclass),
    ("moto.ssm.models", "ParameterDict", _reduce_dict_subclass),
    ("moto.dynamodb.models.dynamo_type", "LimitedSizeDict", _reduce_dict_subclass),
    ("moto.s3.models", "FakeKey", _reduce_s3_key),
)
