"""The project's promises about itself: README commands, CI, exports, typing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import aiomoto

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.rst").read_text()
    head = text.split("\nUsage\n", 1)[0]
    return re.findall(r"\.\. code-block:: console\n\n    (.+)\n", head)


def test_readme_shows_exactly_two_commands_near_the_top() -> None:
    install_and_run, install_and_test = _readme_commands()
    assert install_and_run.endswith("examples/quickstart.py")
    assert install_and_test.endswith("-m pytest")
    assert '".[test]"' in install_and_test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def test_ci_runs_the_suite_in_random_order_and_in_file_order() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pytest-randomly" in (ROOT / "setup.cfg").read_text()
    assert ".venv/bin/python -m pytest -q -p no:randomly --no-cov" in ci


def test_package_is_typed() -> None:
    assert (ROOT / "aiomoto" / "py.typed").is_file()


def test_every_public_name_is_exported_and_importable() -> None:
    for name in aiomoto.__all__:
        assert getattr(aiomoto, name) is not None
    assert set(aiomoto.__all__) == set(aiomoto._EXPORTS) | {"__version__"}


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        aiomoto.no_such_name  # noqa: B018
    assert "mock_aws" in dir(aiomoto)
