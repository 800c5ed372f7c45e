"""The test matrix: `nox -s tests` runs every cell, `nox -s "tests(cell='latest')"` one.

Cells pin the edges of what setup.cfg declares: the newest aiobotocore 3.x
and Moto 5.x, and the aiobotocore 2.25 line that aioboto3 15.x pins with the
oldest Moto aiomoto supports.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]

MATRIX = {
    # Unpinned on purpose: the newest releases the declared ranges allow.
    "latest": ["aiobotocore[httpx2]>=3,<4", "moto[server]>=5.2,<6"],
    "aiobotocore-2.25": ["aiobotocore==2.25.*", "aioboto3==15.*", "moto[server]==5.1.2"],
}

#: Floors only go up; measured: latest 98.6%, aiobotocore-2.25 97.4% (no httpx backend there).
COVERAGE_FLOOR = {"latest": "98", "aiobotocore-2.25": "97"}


@nox.session
@nox.parametrize("cell", list(MATRIX))
def tests(session: nox.Session, cell: str) -> None:
    """Run the test suite against one cell of the version matrix."""
    session.install("-e", ".[test]", *MATRIX[cell])
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    session.run(
        "python", "-m", "pytest", f"--cov-fail-under={COVERAGE_FLOOR[cell]}", *session.posargs
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict."""
    session.install("-e", ".[test]")
    session.run("ruff", "check", ".")
    session.run("mypy", "--strict", "aiomoto")


@nox.session
def dropin(session: nox.Session) -> None:
    """Moto's own decorator tests with moto.mock_aws, then with aiomoto.mock_aws."""
    session.install("-e", ".[test]")
    session.run("python", "scripts/moto_dropin.py", *session.posargs)
