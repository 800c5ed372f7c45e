"""EC2's state that a pickle alone does not carry: address generators, backend registries.

- A subnet hands out addresses from a generator (``cidr.hosts()``): in the
  subnet's ``_subnet_ip_generator`` attribute in Moto 5.1.2, in a
  ``functools.cache`` on ``Subnet._base_avail_ip_iterator`` after it. Either
  way it comes back resumed where it was, so that the next instance after a
  restore gets the address it would have got.
- Backends register themselves, by weak reference, in class-level registries
  for lookups across regions and accounts (VPC peering, transit gateway
  peering); unpickled backends did not (their ``__init__`` does not run) and
  the replaced ones stay there until a gc cycle collects them, so
  :func:`fix_registries` rebuilds them for the restored backends.
"""

from __future__ import annotations

import copyreg
import inspect
import ipaddress
import sys
import types
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aiomoto._state_reducers import Refused, loaded_class

__all__ = ["fix_registries", "prime_subnets", "reducers", "take_loaded_subnets"]

_Reduced = tuple[Any, ...]


def reducers() -> dict[type, Callable[[Any], Any]]:
    """Reducers for address generators, and for subnets when Moto caches theirs."""
    table: dict[type, Callable[[Any], Any]] = {types.GeneratorType: _reduce_generator}
    subnet = _cached_subnet_class()
    if subnet is not None:
        table[subnet] = _reduce_subnet
    return table


#: Generators of addresses that can be resumed: name -> offset of its stop
#: past the broadcast address.
_ADDRESS_GENERATORS = {
    ipaddress._BaseNetwork.hosts.__code__: 0,
    ipaddress._BaseNetwork.__iter__.__code__: 1,
}


def _reduce_generator(gen: types.GeneratorType[Any, Any, Any]) -> _Reduced:
    return (_addresses, _generator_position(gen))


def _generator_position(gen: types.GeneratorType[Any, Any, Any]) -> tuple[Any, int, int]:
    """``(address class, next value, stop)`` of an address generator."""
    code = gen.gi_code
    if code is _addresses.__code__:
        frame = gen.gi_frame
        if frame is None:  # finished
            return (ipaddress.IPv4Address, 0, 0)
        local = frame.f_locals
        start = local["x"] + 1 if "x" in local else local["start"]
        return (local["address_class"], start, local["stop"])
    if code not in _ADDRESS_GENERATORS:
        raise Refused(f"a generator ({code.co_name}) is part of the state")
    state = inspect.getgeneratorstate(gen)
    if state == inspect.GEN_CLOSED:
        return (ipaddress.IPv4Address, 0, 0)
    local = gen.gi_frame.f_locals  # type: ignore[union-attr]
    network = local["self"]
    first = int(network.network_address) + 1 - _ADDRESS_GENERATORS[code]
    stop = int(network.broadcast_address) + _ADDRESS_GENERATORS[code]
    start = local["x"] + 1 if state == inspect.GEN_SUSPENDED else first
    return (network._address_class, start, stop)


def _addresses(address_class: Any, start: int, stop: int) -> Iterator[Any]:
    """Yield the addresses from ``start`` up to ``stop`` (excluded)."""
    for x in range(start, stop):
        yield address_class(x)


def _cached_subnet_class() -> type | None:
    # Moto >= 5.1.x (after 5.1.2) keeps a subnet's address generator in a
    # functools.cache on Subnet._base_avail_ip_iterator; 5.1.2 keeps it in
    # the subnet's _subnet_ip_generator attribute (handled as a generator).
    subnet = loaded_class("moto.ec2.models.subnets", "Subnet")
    cached = getattr(subnet, "_base_avail_ip_iterator", None)
    return subnet if hasattr(cached, "cache_clear") else None


#: Subnets unpickled since :func:`take_loaded_subnets` last ran, with
#: where their generator resumes.
_loaded_subnets: list[tuple[Any, tuple[Any, int, int] | None]] = []


def _reduce_subnet(subnet: Any) -> _Reduced:
    position = None
    generator = subnet._base_avail_ip_iterator()  # the cached one, or a new one
    if isinstance(generator, types.GeneratorType):
        position = _generator_position(generator)
    return (copyreg.__newobj__, (type(subnet),), (vars(subnet), position), None, None, _fill_subnet)  # type: ignore[attr-defined]


def _fill_subnet(subnet: Any, state: tuple[dict[str, Any], Any]) -> None:
    attributes, position = state
    vars(subnet).update(attributes)
    _loaded_subnets.append((subnet, position))


def take_loaded_subnets() -> list[tuple[Any, Any]]:
    """The subnets unpickled since the last call (for :func:`prime_subnets`)."""
    taken = list(_loaded_subnets)
    _loaded_subnets.clear()
    return taken


def prime_subnets(loaded: list[tuple[Any, Any]]) -> None:
    """Empty the subnets' generator cache, then resume each loaded subnet's generator."""
    subnet_class = _cached_subnet_class()
    if subnet_class is None:
        return
    # The cache holds every subnet it has seen: clearing it also lets the
    # subnets of the state being replaced go.
    subnet_class._base_avail_ip_iterator.cache_clear()  # type: ignore[attr-defined]
    for subnet, position in loaded:
        if position is None:
            continue
        generator = subnet._base_avail_ip_iterator()
        _address_class, start, stop = position
        if start >= stop:
            for _ in generator:  # it had handed out every address
                pass
            continue
        for _ in range(start - _generator_position(generator)[1]):
            next(generator)


#: EC2's registries of backends: (module, class, attribute).
_REGISTRIES = (
    ("moto.ec2.models.vpcs", "VPCBackend", "vpc_refs"),
    ("moto.ec2.models.vpc_peering_connections", "VPCPeeringConnectionBackend", "vpc_pcx_refs"),
    (
        "moto.ec2.models.transit_gateway_attachments",
        "TransitGatewayAttachmentBackend",
        "backend_refs",
    ),
)


def fix_registries(backends: Iterable[Any]) -> None:
    """Make EC2's registries name exactly those of ``backends`` that belong there."""
    backends = list(backends)
    for module_name, class_name, attribute in _REGISTRIES:
        owner = getattr(sys.modules.get(module_name), class_name, None)
        registry = getattr(owner, attribute, None)
        if owner is None or not isinstance(registry, dict):
            continue
        registry.clear()
        for backend in backends:
            if isinstance(backend, owner):
                registry[type(backend)].add(weakref.ref(backend))
