"""Check the installed wheel: run by ``nox -s packaging`` in its venv, outside the checkout.

Exits non-zero (an ``AssertionError``) unless aiomoto is imported from the
venv, ships ``py.typed``, carries only its own files, declares the pytest11
and console_scripts entry points, and the ``aiomoto`` script answers
``--version`` and ``--help``. Prints each fact it checked.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from importlib.metadata import distribution
from importlib.resources import files
from pathlib import Path

import aiomoto


def main() -> None:
    installed = Path(sysconfig.get_paths()["purelib"])
    package = Path(aiomoto.__file__).parent
    assert package == installed / "aiomoto", f"aiomoto was imported from {package}"
    print(f"ok: aiomoto {aiomoto.__version__} imported from {package}")

    assert files("aiomoto").joinpath("py.typed").is_file(), "py.typed is missing"
    print("ok: py.typed is installed")

    dist = distribution("aiomoto")
    assert dist.version == aiomoto.__version__, (dist.version, aiomoto.__version__)
    top_level = {path.parts[0] for path in dist.files or []}
    expected = {"aiomoto", f"aiomoto-{dist.version}.dist-info", ".."}  # ".." holds bin/aiomoto
    assert top_level == expected, f"the wheel installed {sorted(top_level)}"
    print(f"ok: the wheel installed only {sorted(top_level)}")

    entry_points = {(ep.group, ep.name): ep.value for ep in dist.entry_points}
    assert entry_points == {
        ("pytest11", "aiomoto"): "aiomoto.pytest_plugin",
        ("console_scripts", "aiomoto"): "aiomoto.__main__:console",
    }, entry_points
    print(f"ok: entry points {entry_points}")

    script = Path(sys.executable).with_name("aiomoto")
    version = run(script, "--version")
    assert version.startswith(f"aiomoto {aiomoto.__version__} (Moto "), version
    print(f"ok: {script} --version: {version.strip()}")
    usage = run(script, "--help")
    assert usage.startswith("usage: aiomoto "), usage
    assert "server    run Moto's server until interrupted" in usage, usage
    print(f"ok: {script} --help lists the server command")


def run(*command: object) -> str:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=True
    ).stdout


if __name__ == "__main__":
    main()
