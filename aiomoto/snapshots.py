"""State snapshots: :class:`Snapshot`, its file format, and when a mock may take one.

The copying itself is ``aiomoto._state_copy``'s job (all of Moto's
in-memory state to bytes, and back in place). This module wraps those bytes
in an immutable :class:`Snapshot` that records the versions it was made
with, writes and reads snapshot files, and checks that a mock is active and
serves from this process's backends before it takes or restores one.

A snapshot file is a magic line, one line of JSON (the versions, the size
of what follows, the sizes of the large S3 bodies kept out of the pickle,
and one SHA-256 over all of it), then the pickle, then those bodies. :meth:`Snapshot.load` checks
all of it before anything is unpickled, so a file from another version, a
truncated or damaged file, or one that is not a snapshot is refused with a
:class:`~aiomoto.exceptions.SnapshotError` rather than half-loaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Mapping
from importlib.metadata import version
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import botocore

from aiomoto import __version__, _activation, _state_copy
from aiomoto.exceptions import MockStateError, SnapshotError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Snapshot", "check_state", "put_back", "take"]

#: The first line of every snapshot file.
MAGIC = b"AIOMOTO-SNAPSHOT\n"

#: A header line longer than this is not a snapshot header.
_HEADER_LIMIT = 64 * 1024

#: The versions a snapshot only loads under; botocore is recorded, not checked,
#: because Moto's state holds no botocore objects and botocore releases daily.
_CHECKED = {"moto": "Moto", "aiomoto": "aiomoto", "python": "Python"}


def current_versions() -> dict[str, str]:
    """The versions this process runs, as a snapshot records them."""
    return dict(_versions())


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    # Read once: installed versions do not change under a running process.
    return (
        ("moto", version("moto")),
        ("aiomoto", __version__),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("botocore", botocore.__version__),
    )


class Snapshot:
    """A copy of all of Moto's in-memory state, taken by :meth:`MockAWS.snapshot`.

    Immutable and independent of the live state: later changes never reach
    it, and each restore (:meth:`MockAWS.restore`, ``mock_aws(state=...)``)
    starts from a fresh copy of it, so one snapshot seeds any number of
    tests. :attr:`versions` records the Moto, aiomoto, Python and botocore
    versions it was made with; :meth:`save` and :meth:`load` move it between
    processes that run the same Moto, aiomoto and Python.
    """

    __slots__ = ("_buffers", "_payload", "_versions")

    _payload: bytes
    # Large S3 bodies, kept out of the pickle: every restore hands the same
    # (immutable) bytes to Moto instead of copying them out of the pickle.
    _buffers: tuple[bytes, ...]
    _versions: Mapping[str, str]

    def __init__(self) -> None:
        raise TypeError(
            "Snapshots are made by MockAWS.snapshot() inside an active mock_aws, "
            "or read from a file by Snapshot.load(path)."
        )

    @classmethod
    def _of(
        cls, payload: bytes, versions: Mapping[str, str], buffers: tuple[bytes, ...] = ()
    ) -> Snapshot:
        snapshot = object.__new__(cls)
        object.__setattr__(snapshot, "_payload", payload)
        object.__setattr__(snapshot, "_buffers", buffers)
        object.__setattr__(snapshot, "_versions", MappingProxyType(dict(versions)))
        return snapshot

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a Snapshot is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a Snapshot is immutable; cannot delete {name!r}")

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __reduce__(self) -> NoReturn:
        # A pickled Snapshot would skip the version checks that load() makes.
        raise TypeError(
            "a Snapshot is not pickled: write it with save(path) and read it "
            "with Snapshot.load(path), which check the versions"
        )

    def __repr__(self) -> str:
        v = self._versions
        return (
            f"<Snapshot {_size(self.size)}, Moto {v['moto']}, aiomoto {v['aiomoto']}, "
            f"{v['python']}>"
        )

    @property
    def versions(self) -> Mapping[str, str]:
        """The versions it was made with: keys ``moto``, ``aiomoto``, ``python``, ``botocore``."""
        return self._versions

    @property
    def size(self) -> int:
        """How many bytes the copied state takes (about what :meth:`save` writes)."""
        return len(self._payload) + sum(map(len, self._buffers))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the snapshot to the file at ``path``, replacing it atomically.

        A process running the same Moto, aiomoto and Python versions can
        :meth:`load` it. Raises ``TypeError`` for a ``path`` that is not a
        string or path, and ``OSError`` if the file cannot be written.
        """
        target = _path("Snapshot.save", path)
        digest = hashlib.sha256(self._payload)
        for body in self._buffers:
            digest.update(body)
        header = {
            "versions": dict(self._versions),
            "size": self.size,
            "buffers": [len(body) for body in self._buffers],
            "sha256": digest.hexdigest(),
        }
        # Written beside the target and renamed over it, so that a crash or
        # a second signal mid-write leaves the old file whole.
        directory = os.path.dirname(os.path.abspath(target))
        handle, temporary = tempfile.mkstemp(prefix=".snapshot-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(MAGIC)
                file.write(json.dumps(header, sort_keys=True).encode() + b"\n")
                file.write(self._payload)
                for body in self._buffers:
                    file.write(body)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Snapshot:
        """Read a snapshot that :meth:`save` wrote.

        Raises :class:`~aiomoto.exceptions.SnapshotError` if the file was
        written by another Moto, aiomoto or Python version (naming which,
        and both versions), or is not a whole snapshot file (another
        format, truncated or damaged); nothing in it is unpickled before
        those checks pass. Raises ``TypeError`` for a ``path`` that is not a
        string or path, and ``OSError`` if the file cannot be read.
        """
        source = _path("Snapshot.load", path)
        with open(source, "rb") as file:
            magic = file.read(len(MAGIC))
            if magic != MAGIC:
                _not_a_snapshot(source, magic)
            line = file.readline(_HEADER_LIMIT)
            payload = file.read()
        header = _parse_header(source, line)
        _check_versions(source, header["versions"])
        size, digest = header["size"], header["sha256"]
        if len(payload) != size:
            kind = "truncated" if len(payload) < size else "damaged"
            raise SnapshotError(
                f"{source} is {kind}: its header promises {size} bytes of state and "
                f"it holds {len(payload)}. Save the snapshot again."
            )
        if hashlib.sha256(payload).hexdigest() != digest:
            raise SnapshotError(
                f"{source} is damaged: its state does not match the checksum in its "
                f"header. Save the snapshot again."
            )
        payload, buffers = _split(source, payload, header["buffers"])
        return cls._of(payload, header["versions"], buffers)

    def _restore_backends(self) -> None:
        """Replace Moto's state in this process with a fresh copy of this snapshot."""
        _state_copy.restore(self._payload, self._buffers)


def capture() -> Snapshot:
    """Copy Moto's state in this process now, whether or not a mock is active."""
    buffers: list[bytes] = []
    payload = _state_copy.capture(buffers)
    return Snapshot._of(payload, current_versions(), tuple(buffers))


def _split(source: str, data: bytes, sizes: list[int]) -> tuple[bytes, tuple[bytes, ...]]:
    """The pickle and the bodies after it, as separate bytes (each copied once)."""
    end = len(data) - sum(sizes)
    if end < 0:
        raise SnapshotError(
            f"{source} is damaged: its header lists more bytes of S3 bodies than it "
            f"holds. Save the snapshot again."
        )
    payload, bodies = data[:end], []
    for size in sizes:
        bodies.append(data[end : end + size])
        end += size
    return payload, tuple(bodies)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


def _path(what: str, path: object) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}(path) takes a file path (str or os.PathLike), not {path!r}")
    return os.fsdecode(os.fspath(path))


def _this_process() -> str:
    return ", ".join(f"{name} {current_versions()[key]}" for key, name in _CHECKED.items())


def _not_a_snapshot(source: str, start: bytes) -> NoReturn:
    if not start:
        what = "is empty"
    elif start[:1] == b"\x80":
        what = "is a pickle"
    else:
        what = f"starts with {start[:16]!r}"
    raise SnapshotError(
        f"{source} is not an aiomoto snapshot file: it {what}, where a snapshot "
        f"starts with {MAGIC!r}. Snapshot.save() writes snapshot files; this process "
        f"runs {_this_process()}."
    )


def _parse_header(source: str, line: bytes) -> dict[str, Any]:
    try:
        header = json.loads(line) if line.endswith(b"\n") else None
    except ValueError:
        header = None
    if (
        not isinstance(header, dict)
        or not isinstance(header.get("versions"), dict)
        or not all(isinstance(header["versions"].get(key), str) for key in _CHECKED)
        or not isinstance(header.get("size"), int)
        or not isinstance(header.setdefault("buffers", []), list)
        or not all(type(size) is int and size >= 0 for size in header["buffers"])
        or not isinstance(header.get("sha256"), str)
    ):
        raise SnapshotError(
            f"{source} is truncated or damaged: its header (after the {MAGIC!r} line) "
            f"is not the one Snapshot.save() writes. Save the snapshot again."
        )
    return header


def _check_versions(source: str, versions: Mapping[str, str]) -> None:
    here = current_versions()
    differ = [
        f"{name} {versions[key]} (this process runs {name} {here[key]})"
        for key, name in _CHECKED.items()
        if versions[key] != here[key]
    ]
    if differ:
        raise SnapshotError(
            f"{source} was written by {', '.join(differ)}. A snapshot holds Moto's own "
            f"objects, so it loads only under the Moto, aiomoto and Python versions "
            f"that made it: build the state again under these versions and save it."
        )


# -- what MockAWS.snapshot() / restore() / mock_aws(state=...) check ---------


class _Owner(Protocol):
    _depth: int


def check_state(
    state: object, what: str = "mock_aws(state=...)", *, reset: bool = True
) -> Snapshot | None:
    """``state`` if it is a :class:`Snapshot` or ``None``.

    Raises ``TypeError`` for anything else, and ``ValueError`` for a
    snapshot with ``reset=False``.
    """
    if state is not None and not isinstance(state, Snapshot):
        raise TypeError(
            f"{what} must be an aiomoto.Snapshot (from MockAWS.snapshot() or "
            f"Snapshot.load()) or None, not {type(state).__name__}: {state!r}"
        )
    if state is not None and not reset:
        raise ValueError(
            "mock_aws(state=...) replaces the backends' data with the snapshot's, so "
            "reset=False (keep the data) cannot apply with it: leave out one of them"
        )
    return state


def take(owner: _Owner) -> Snapshot:
    """A snapshot of the state ``owner`` (an active mock) serves from."""
    _require_local_backends(owner, "snapshot()")
    return capture()


def put_back(owner: _Owner, snapshot: Snapshot) -> None:
    """Replace the state ``owner`` (an active mock) serves from with a copy of ``snapshot``."""
    if not isinstance(snapshot, Snapshot):
        raise TypeError(
            f"MockAWS.restore(snapshot) takes an aiomoto.Snapshot (from "
            f"MockAWS.snapshot() or Snapshot.load()), not {type(snapshot).__name__}: "
            f"{snapshot!r}; to empty every backend, call reset()"
        )
    _require_local_backends(owner, "restore()")
    snapshot._restore_backends()


def _require_local_backends(owner: _Owner, method: str) -> None:
    if owner._depth == 0:
        raise MockStateError(
            f"{method} was called on a mock_aws that is not active: call it inside "
            f"its with block, decorated function or test."
        )
    session = _activation.server_session()
    if session is not None and session.server is None:
        raise SnapshotError(
            f"{method} copies the state of this process's Moto backends, but this "
            f"mock is attached to the server at {session.endpoint}, whose state lives "
            f"in another process. Let mock_aws(server_mode=True) start its own server "
            f"(leave out server_port and server_endpoint, and unset TEST_SERVER_MODE), "
            f"or run that server with `aiomoto server --state FILE`."
        )
