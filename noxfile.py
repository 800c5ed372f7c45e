"""The test matrix and the release checks.

``nox -s tests`` runs every cell, ``nox -s "tests(py3.13)"`` one (``nox -l``
lists them); ``nox -s packaging`` builds the sdist and the wheel and tries the
wheel in a clean venv; ``nox -s lint`` runs ruff and mypy.

Cells pin the edges of what setup.cfg declares: every declared Python (3.10 to
3.13) with the newest aiobotocore 3.x and Moto 5.x, and the aiobotocore 2.25
line that aioboto3 15.x pins with the oldest Moto aiomoto supports.

Each cell runs on the CPython it names, found by :func:`find_python`. A cell
whose Python is not on this machine fails and says where it looked: a missing
interpreter is never a skipped cell.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests", "packaging"]

ROOT = Path(__file__).resolve().parent

# Unpinned on purpose: the newest releases the declared ranges allow.
LATEST = ["aiobotocore[httpx2]>=3,<4", "moto[server]>=5.2,<6"]
OLDEST = ["aiobotocore==2.25.*", "aioboto3==15.*", "moto[server]==5.1.2"]

#: cell -> (the Python it runs on, what it pins).
MATRIX = {
    "latest": ("3.11", LATEST),
    "py3.10": ("3.10", LATEST),
    "py3.12": ("3.12", LATEST),
    "py3.13": ("3.13", LATEST),
    "aiobotocore-2.25": ("3.11", OLDEST),
}

#: Floors only go up. Measured on this tree: 99.58% in latest, 99.55% in
#: py3.10, 99.57% in py3.12, 99.60% in py3.13; 98.47% in aiobotocore-2.25
#: (no httpx backend there).
COVERAGE_FLOOR = {
    "latest": "99.45",
    "py3.10": "99.45",
    "py3.12": "99.45",
    "py3.13": "99.45",
    "aiobotocore-2.25": "98.3",
}

_VERSION_CHECK = "import sys; print(sys.implementation.name, '%d.%d' % sys.version_info[:2])"


def find_python(version: str) -> str | None:
    """The path of a CPython ``version`` (such as ``"3.10"``) that runs, or ``None``.

    Looks for ``python3.10`` on PATH, then in pyenv's versions folder (see
    :func:`pyenv_root`), newest patch release first. Each candidate is run
    once to confirm its version: a pyenv shim on PATH for a version that is
    installed but not selected fails to run and is passed over.
    """
    candidates = [shutil.which(f"python{version}")]
    installed = (pyenv_root() / "versions").glob(f"{version}.*")
    for folder in sorted(installed, key=_release, reverse=True):
        candidates.append(str(folder / "bin" / f"python{version}"))
    for candidate in candidates:
        if candidate is not None and _runs_as(candidate, version):
            return candidate
    return None


def pyenv_root() -> Path:
    """``$PYENV_ROOT``, else what ``pyenv root`` prints, else ``~/.pyenv``."""
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        answer = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if answer.returncode == 0 and answer.stdout.strip():
            return Path(answer.stdout.strip())
    return Path.home() / ".pyenv"


def missing_python(version: str, cell: str) -> str:
    """The error for a cell whose Python :func:`find_python` did not find."""
    return (
        f"the {cell!r} cell needs CPython {version}, which was not found: no working "
        f"python{version} on PATH, nor {pyenv_root() / 'versions' / (version + '.*')}"
        f"/bin/python{version}. "
        f"Install it (for example: pyenv install {version}) or put python{version} on PATH."
    )


def _release(folder: Path) -> tuple[int, ...]:
    return tuple(int(number) for number in re.findall(r"\d+", folder.name))


def _runs_as(interpreter: str, version: str) -> bool:
    try:
        answer = subprocess.run(
            [interpreter, "-c", _VERSION_CHECK],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0 and answer.stdout.split() == ["cpython", version]


#: Found once, when nox loads this file. A missing one is ``None``: its cells
#: get a venv of nox's own Python, and fail before installing anything.
PYTHONS = {version: find_python(version) for version in sorted({v for v, _ in MATRIX.values()})}


@nox.session
@nox.parametrize(
    ("python", "cell"),
    [nox.param(PYTHONS[version], cell, id=cell) for cell, (version, _) in MATRIX.items()],
)
def tests(session: nox.Session, cell: str) -> None:
    """Run the test suite against one cell of the version matrix."""
    version, pins = MATRIX[cell]
    if PYTHONS[version] is None:
        session.error(missing_python(version, cell))
    session.install("-e", ".[test]", *pins)
    session.run("python", "--version")
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    session.run(
        "python", "-m", "pytest", f"--cov-fail-under={COVERAGE_FLOOR[cell]}", *session.posargs
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and mypy --strict on the package and on the typing checks in tests/typing."""
    session.install("-e", ".[test]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "aiomoto")
    session.run("mypy", "--strict", "tests/typing")


@nox.session
def packaging(session: nox.Session) -> None:
    """Build the sdist and the wheel, check them, and use the wheel from a clean venv.

    The wheel (with the server extra) goes into a fresh venv, without the
    checkout: from a folder where only copies of the example, the checks in
    scripts/installed_wheel/ and the typing files are, it runs the quickstart,
    the console script, pytest with the plugin from its entry point, and
    mypy --strict on the typing files against the installed ``py.typed``.
    """
    session.install("build", "twine")
    tmp = Path(session.create_tmp()).resolve()
    for leftover in ("dist", "venv"):
        shutil.rmtree(tmp / leftover, ignore_errors=True)

    # Without --sdist/--wheel, build makes the sdist and then the wheel from
    # it, so a file missing from the sdist breaks the wheel too.
    session.run("python", "-m", "build", "--outdir", str(tmp / "dist"))
    artifacts = sorted((tmp / "dist").iterdir())
    wheels = [path for path in artifacts if path.suffix == ".whl"]
    sdists = [path for path in artifacts if path.name.endswith(".tar.gz")]
    if len(wheels) != 1 or len(sdists) != 1 or len(artifacts) != 2:
        session.error(f"expected one sdist and one wheel, built: {[p.name for p in artifacts]}")
    session.run("twine", "check", "--strict", *map(str, artifacts))

    venv = tmp / "venv"
    session.run("python", "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    session.run(
        python, "-m", "pip", "install", f"{wheels[0]}[server]", "pytest", "mypy", external=True
    )

    # Outside the checkout, so that neither its aiomoto/ nor its setup.cfg
    # (pytest and mypy settings) is found from there.
    with tempfile.TemporaryDirectory(prefix="aiomoto-wheel-") as folder:
        work = Path(folder)
        shutil.copytree(ROOT / "scripts" / "installed_wheel", work, dirs_exist_ok=True)
        shutil.copy(ROOT / "examples" / "quickstart.py", work)
        shutil.copytree(ROOT / "tests" / "typing", work / "typing_checks")
        (work / "pytest.ini").write_text("[pytest]\n")
        with session.chdir(work):
            session.run(python, "check.py", external=True)
            output = session.run(python, "quickstart.py", external=True, silent=True)
            if output != "aiobotocore read: Hello from boto3!\n":
                session.error(f"the quickstart printed {output!r}")
            print(output, end="")
            session.run(
                python,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "--strict-markers",
                "-v",
                "plugin_test.py",
                external=True,
            )
            session.run(python, "-m", "mypy", "--strict", "typing_checks", external=True)


@nox.session
def dropin(session: nox.Session) -> None:
    """Moto's own decorator tests with moto.mock_aws, then with aiomoto.mock_aws."""
    session.install("-e", ".[test]")
    session.run("python", "scripts/moto_dropin.py", *session.posargs)
