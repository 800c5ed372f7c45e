"""Copy all of Moto's in-memory state in this process out to bytes, and back in place.

:func:`capture` pickles the state as one object graph (CloudFormation holds
the very buckets and queues that S3 and SQS hold, so they stay one object
each); :func:`restore` unpickles a fresh copy and puts it into the SAME
module-level objects Moto's code looks its backends up in. Both hold the
gate (``aiomoto._gate``) alone, so no Moto call answers from parts of two
states: they wait for the calls under way (an SQS long poll included).
How each awkward type is pickled is in ``aiomoto._state_reducers``, EC2's
address generators and registries in ``aiomoto._state_ec2``.

What IS captured:

- every backend of every service used so far, in every account and region
  (each module-level ``BackendDict``, refilled in place; a service first
  used after the capture is emptied by a restore), with the indexes some
  keep beside them: S3's global bucket-name index, Organizations' master
  accounts;
- S3: every version and delete marker, tags, policies, multipart uploads in
  progress and their parts, bodies of any size (a restored body stays in
  memory until it is next written);
- SQS messages (in flight, receive counts, FIFO order, deduplication ids),
  SNS topics and subscriptions, DynamoDB tables, items, indexes and
  streams, Lambda functions and their by-ARN index, KMS keys (RSA and EC
  keys as DER bytes), Cognito pools, users and keys, SSM parameter versions
  and tags, Secrets Manager versions and stages, and so on: whatever a
  backend holds, pickled as it is;
- weak proxies (ElasticBeanstalk's) point at the restored object itself;
  locks, conditions and events inside the state come back new, in the same
  state;
  threads inside the state that have finished (Batch jobs, DynamoDB exports
  and imports), as thread objects that are not alive;
- EC2: each subnet's address generator resumes where it was (the next
  instance gets the address it would have got), and the cross-region
  registries of VPC, peering and transit gateway backends name the
  restored backends;
- Moto's random generator (``mock_random``): IDs made after each restore are
  the same;
- transitions set with Moto's ``state_manager``, custom IDs set with
  ``moto_id_manager``, SecurityHub's organisation configuration (a class
  attribute in Moto after 5.1.2);
- Moto's model registry (``instances_tracked``, ``instances`` in Moto 5.1.2)
  holds exactly the restored models.

What is NOT captured:

- work still running in a thread (a Batch job, a DynamoDB export or
  import, an SWF timer, a CloudFormation custom resource, a Step Functions
  execution): ``capture`` and ``restore`` first wait up to
  :data:`_BACKGROUND_WAIT` seconds for Moto's threads, then ``capture``
  raises ``SnapshotError`` naming the service if one still runs (or if a
  thread held inside the state is alive; ``restore`` goes ahead);
- anything outside this process's memory: Docker containers (Lambda
  invocations, Batch), a Moto server in another process;
- Moto's own API backend (``moto_api``: its recorder), which is no
  ``BackendDict``;
- settings, environment variables, Moto's config (``mock_aws(config=)``),
  and aiomoto's faults, stubs and call histories;
- models Moto deleted but still listed in its registry (only what the
  backends hold is kept), and Moto's caches keyed by models (SNS's
  per-subscription signing key is made again when next needed);
- references your code holds to Moto's objects: they keep pointing at the
  state that was replaced;
- an object of a type that cannot be pickled: ``capture`` raises
  ``SnapshotError`` naming the service and the reason, never a partial copy.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from moto.core.base_backend import AccountSpecificBackend, BackendDict
from moto.core.common_models import CloudFormationModel
from moto.core.model_instances import model_data
from moto.moto_api._internal import mock_random

from aiomoto import _gate, _state_ec2
from aiomoto._state_reducers import Refused, dispatch_table
from aiomoto.exceptions import SnapshotError

__all__ = ["TRACKED_ATTRIBUTE", "capture", "empty_model_registries", "restore"]

#: Seconds ``capture`` waits for Moto's background threads to finish.
_BACKGROUND_WAIT = 5.0

#: Attributes every ``BackendDict`` has; a subclass's others are its indexes.
_BACKEND_DICT_ATTRIBUTES = frozenset(
    {"backend", "service_name", "_use_boto3_regions", "_additional_regions", "_id"}
)

#: The class attribute in which Moto registers each model made: renamed
#: after Moto 5.1.2, which calls it ``instances``.
TRACKED_ATTRIBUTE = (
    "instances_tracked" if hasattr(CloudFormationModel, "instances_tracked") else "instances"
)

#: Where each backend dict lives: (module, attribute).
_locations: dict[BackendDict[Any], tuple[str, str]] = {}


def capture(buffers: list[bytes] | None = None) -> bytes:
    """All of Moto's in-memory state in this process, as bytes (a pickle).

    With a ``buffers`` list, large S3 bodies are not in the pickle: they are
    appended to it, in order, as the bytes themselves (immutable, so they
    may be shared), and :func:`restore` needs the same list. Raises
    ``SnapshotError`` naming the service and the reason for state that
    cannot be captured (never a partial snapshot). Waits up to
    :data:`_BACKGROUND_WAIT` seconds for Moto's background threads first,
    and refuses if one still runs.
    """
    _refuse_running(_wait_for_background_work())
    with _gate.exclusive():
        buffer = io.BytesIO()
        pickler = pickle.Pickler(
            buffer,
            protocol=5,
            buffer_callback=None if buffers is None else _keeper(buffers),
        )
        pickler.dispatch_table = {**dispatch_table(), **_state_ec2.reducers()}
        parts: list[tuple[str, Any]] = [("moto", _outside_state())]
        parts += [(bd.service_name, _backend_part(bd)) for bd in list(_instances())]
        pickler.dump(len(parts))
        for service, part in parts:
            try:
                pickler.dump(part)
            except Exception as exc:
                reason = str(exc) if isinstance(exc, Refused) else f"{type(exc).__name__}: {exc}"
                raise SnapshotError(
                    f"the state of Moto's {service!r} service cannot be captured: {reason}"
                ) from exc
        return buffer.getvalue()


def restore(data: bytes, buffers: Sequence[bytes] = ()) -> None:
    """Replace Moto's in-memory state with a fresh copy of ``data``.

    ``buffers`` are the bodies :func:`capture` kept out of ``data``. The
    copy shares no mutable object with the live state or with other copies
    (those bodies are shared: bytes cannot change); the module-level
    backend dicts are refilled in place. Raises
    ``SnapshotError`` if ``data`` cannot be loaded (the live state is then
    left as it was). Waits, as ``capture`` does, for Moto's background
    threads, but goes ahead with any still running.
    """
    _wait_for_background_work()
    with _gate.exclusive():
        # Unpickling a model registers it (BaseModel.__new__): with new,
        # empty registries, they then hold exactly the restored models.
        tracked = empty_model_registries()
        try:
            _state_ec2.take_loaded_subnets()  # any left by a failed restore
            with _collections_held():
                unpickler = pickle.Unpickler(io.BytesIO(data), buffers=buffers)
                parts = [unpickler.load() for _ in range(unpickler.load())]
            subnets = _state_ec2.take_loaded_subnets()
            outside = parts[0]
            backend_parts = [(_backend_dict_at(*where), *rest) for where, *rest in parts[1:]]
        except Exception as exc:
            for cls, instances in tracked.items():
                setattr(cls, TRACKED_ATTRIBUTE, instances)
            raise SnapshotError(f"the snapshot cannot be restored: {exc}") from exc
        _dispose_bodies(tracked)
        _put_backends(backend_parts)
        _put_outside_state(outside)
        _state_ec2.fix_registries(_all_backends())
        _state_ec2.prime_subnets(subnets)
        _clear_model_caches()


@contextlib.contextmanager
def _collections_held() -> Iterator[None]:
    # What unpickling makes is the new state, none of it garbage: the
    # collections its allocations set off would walk it again and again.
    # Collections due are made up for after, by allocation as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _keeper(buffers: list[bytes]) -> Callable[[pickle.PickleBuffer], bool]:
    def keep(buffer: pickle.PickleBuffer) -> bool:
        # The reducers wrap only bytes: keep that very object, not a copy.
        buffers.append(cast(bytes, buffer.raw().obj))
        return False  # out of band

    return keep


# Backends ---------------------------------------------------------------------


def _backend_part(bd: BackendDict[Any]) -> tuple[tuple[str, str], dict[str, Any], dict[str, Any]]:
    indexes = {k: v for k, v in vars(bd).items() if k not in _BACKEND_DICT_ATTRIBUTES}
    return (_location(bd), dict(bd), indexes)


def _location(bd: BackendDict[Any]) -> tuple[str, str]:
    """``(module, attribute)`` where ``bd`` lives, so that another process finds it too."""
    found = _locations.get(bd)
    if found is None:
        found = _locations[bd] = _find_location(bd)
    return found


def _find_location(bd: BackendDict[Any]) -> tuple[str, str]:
    # Usually beside its backend class; otherwise in some other Moto module.
    modules = [sys.modules[bd.backend.__module__]]
    modules += [m for name, m in list(sys.modules.items()) if name.startswith("moto.") and m]
    for module in modules:
        for attribute, value in list(vars(module).items()):
            if value is bd:
                return (module.__name__, attribute)
    raise SnapshotError(
        f"the state of Moto's {bd.service_name!r} service cannot be captured: "
        "its backends are not held by any module"
    )


def _backend_dict_at(module: str, attribute: str) -> BackendDict[Any]:
    found = getattr(importlib.import_module(module), attribute, None)
    if not isinstance(found, BackendDict):
        raise TypeError(f"{module}.{attribute} is not a dict of Moto backends")
    return found


def _put_backends(parts: list[tuple[BackendDict[Any], dict[str, Any], dict[str, Any]]]) -> None:
    # An account's dict of region backends is refilled in place when the
    # snapshot has the same one (same id): Moto's region cache, and anything
    # else holding it, then sees the restored state. Every replaced one is
    # emptied, so that nothing holding it keeps old state alive.
    live_accounts: dict[str, AccountSpecificBackend[Any]] = {}
    for bd in _instances():
        for account in bd.values():
            live_accounts[account._id] = account
            dict.clear(account)
        dict.clear(bd)
        for name, value in vars(bd).items():
            if name not in _BACKEND_DICT_ATTRIBUTES and isinstance(value, dict):
                value.clear()
    instances = []
    for bd, accounts, indexes in parts:
        for account_id, account in accounts.items():
            live = live_accounts.get(account._id)
            if live is not None:
                dict.update(live, account)
                account = live
            dict.__setitem__(bd, account_id, account)
        for name, value in indexes.items():
            current = getattr(bd, name, None)
            if isinstance(current, dict) and isinstance(value, dict):
                _refill(current, value)
            else:
                setattr(bd, name, value)
        instances.append(bd)
    _instances()[:] = instances


def _instances() -> list[BackendDict[Any]]:
    """Every backend dict in use (Moto's own list)."""
    return BackendDict._instances  # type: ignore[misc]


def _all_backends() -> Iterator[Any]:
    for bd in _instances():
        for account in bd.values():
            yield from account.values()


# State outside the backends ------------------------------------------------------


#: Dicts Moto keeps outside its backends: (module, object, attribute).
_OUTSIDE_DICTS = (
    ("moto.moto_api", "state_manager", "_transitions"),
    ("moto.utilities.id_generator", "moto_id_manager", "_custom_ids"),
    # A class attribute in Moto > 5.1.2; 5.1.2 has none.
    ("moto.securityhub.models", "SecurityHubBackend", "_org_configs"),
)


def _outside_state() -> dict[str, Any]:
    state: dict[str, Any] = {"random": mock_random.getstate()}
    for key, live in _outside_dicts():
        state[key] = live
    return state


def _put_outside_state(state: dict[str, Any]) -> None:
    mock_random.setstate(state["random"])
    for key, live in _outside_dicts():
        _refill(live, state.get(key, {}))


def _outside_dicts() -> Iterator[tuple[str, dict[Any, Any]]]:
    """``(key, the live dict)`` of each of :data:`_OUTSIDE_DICTS` that is loaded."""
    for module, name, attribute in _OUTSIDE_DICTS:
        live = getattr(getattr(sys.modules.get(module), name, None), attribute, None)
        if isinstance(live, dict):
            yield f"{module}.{name}.{attribute}", live


def _refill(live: dict[Any, Any], value: dict[Any, Any]) -> None:
    live.clear()
    live.update(value)


def empty_model_registries() -> dict[Any, list[Any]]:
    """Give each model class that holds models a new, empty registry; return the old ones.

    What Moto's ``reset_model_data`` does, except that a class holding no
    model keeps its empty list (every class has its own, from Moto's
    metaclass): setting an attribute on a class empties Python's attribute
    caches, and Moto has thousands of model classes.
    """
    held = {}
    for cls in _model_classes():
        instances = getattr(cls, TRACKED_ATTRIBUTE)
        if instances:
            held[cls] = instances
            setattr(cls, TRACKED_ATTRIBUTE, [])
    return held


def _model_classes() -> Iterator[Any]:
    for models in list(model_data.values()):
        yield from list(models.values())


# Fix-ups after a restore ------------------------------------------------------------


#: Moto modules whose threads serve requests rather than do a model's work.
_SERVING_MODULES = ("moto.moto_server", "moto.server", "moto.moto_proxy")


def _wait_for_background_work() -> list[threading.Thread]:
    """Wait up to :data:`_BACKGROUND_WAIT` for Moto's threads; return those still running."""
    deadline = time.monotonic() + _BACKGROUND_WAIT
    running = []
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and _does_moto_work(thread):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                running.append(thread)
    return running


def _refuse_running(running: list[threading.Thread]) -> None:
    if running:
        thread = running[0]
        service = _module_of(thread).split(".")[1]
        raise SnapshotError(
            f"the state of Moto's {service!r} service cannot be captured: background work "
            f"is still running after {_BACKGROUND_WAIT:g} s ({type(thread).__qualname__} "
            f"{thread.name!r}); let it finish first"
        )


def _does_moto_work(thread: threading.Thread) -> bool:
    """Whether ``thread`` is (or runs) Moto code other than a server's."""
    module = _module_of(thread)
    return module.startswith("moto.") and not module.startswith(_SERVING_MODULES)


def _module_of(thread: threading.Thread) -> str:
    """The module of the code ``thread`` runs: its target's, or its class's."""
    target = getattr(thread, "_target", None)
    return str(getattr(target, "__module__", None) or type(thread).__module__)


def _dispose_bodies(tracked: dict[Any, list[Any]]) -> None:
    # The replaced S3 keys' bodies may be open temporary files: close them
    # now (as Moto's own reset does) rather than when a gc cycle finds them.
    for cls, instances in tracked.items():
        if cls.__module__ == "moto.s3.models" and cls.__name__ in ("FakeKey", "FakeMultipart"):
            for instance in instances:
                instance.dispose()


#: Method caches keyed by model objects, which would keep replaced state
#: alive: (module, class, method).
_MODEL_CACHES = (
    ("moto.sns.models", "Subscription", "private_key"),
    ("moto.rds.models", "RDSBackend", "db_cluster_options"),
    ("moto.emr.models", "ElasticMapReduceBackend", "_get_instance_type_names"),
)


def _clear_model_caches() -> None:
    for module_name, class_name, method in _MODEL_CACHES:
        function = getattr(getattr(sys.modules.get(module_name), class_name, None), method, None)
        if hasattr(function, "cache_clear"):
            function.cache_clear()  # type: ignore[union-attr]
