"""What a release promises: every declared Python is tested, and the metadata says so.

Also the interpreter lookup of noxfile.py: a matrix cell runs on the Python it
names, or fails saying where it looked; it is never skipped.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import stat
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_noxfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


noxfile = _load_noxfile()

SETUP = configparser.ConfigParser()
SETUP.read(ROOT / "setup.cfg")


def _lines(section: str, key: str) -> list[str]:
    return [line.strip() for line in SETUP[section][key].strip().splitlines()]


def _declared_pythons() -> set[str]:
    classifiers = _lines("metadata", "classifiers")
    return {
        match.group(1)
        for line in classifiers
        if (match := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", line))
    }


def _tested_pythons() -> set[str]:
    return {version for version, _ in noxfile.MATRIX.values()}


# -- metadata and CI match the matrix -----------------------------------------


def test_python_classifiers_are_exactly_the_pythons_the_matrix_tests() -> None:
    assert _declared_pythons() == _tested_pythons() == {"3.10", "3.11", "3.12", "3.13"}


def test_python_requires_starts_at_the_oldest_tested_python() -> None:
    oldest = min(_tested_pythons(), key=lambda version: tuple(map(int, version.split("."))))
    assert SETUP["options"]["python_requires"] == f">={oldest}"


def test_every_python_cell_pins_the_newest_aiobotocore_and_moto() -> None:
    for cell, (_, pins) in noxfile.MATRIX.items():
        if cell != "aiobotocore-2.25":
            assert pins == noxfile.LATEST, cell


def test_ci_runs_every_cell_but_the_one_the_readme_command_covers() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    for cell in noxfile.MATRIX:
        assert (f'"tests({cell})"' in ci) == (cell != "latest"), cell
    assert ".venv/bin/nox -s packaging" in ci
    assert ".venv/bin/mypy --strict tests/typing" in ci


def test_every_cell_has_a_coverage_floor() -> None:
    assert set(noxfile.COVERAGE_FLOOR) == set(noxfile.MATRIX)
    # The README's test command runs the latest cell with setup.cfg's floor.
    floor = noxfile.COVERAGE_FLOOR["latest"]
    assert f"--cov-fail-under={floor}" in SETUP["tool:pytest"]["addopts"]


def test_framework_classifiers_name_what_the_tests_cover() -> None:
    classifiers = _lines("metadata", "classifiers")
    for framework in ("AsyncIO", "Pytest", "Trio"):
        assert f"Framework :: {framework}" in classifiers


def test_project_urls_point_at_the_docs_and_the_changelog_in_the_repository() -> None:
    home = SETUP["metadata"]["url"]
    urls = dict(line.split(" = ", 1) for line in _lines("metadata", "project_urls"))
    assert urls["Documentation"] == f"{home}/tree/main/docs"
    assert urls["Changelog"] == f"{home}/blob/main/CHANGELOG.rst"
    assert (ROOT / "docs" / "index.rst").is_file()
    assert (ROOT / "CHANGELOG.rst").is_file()


def test_console_script_and_pytest_plugin_are_declared() -> None:
    entry_points = SETUP["options.entry_points"]
    assert _lines("options.entry_points", "console_scripts") == [
        "aiomoto = aiomoto.__main__:console"
    ]
    assert entry_points["pytest11"].strip() == "aiomoto = aiomoto.pytest_plugin"


# -- finding each cell's interpreter ------------------------------------------


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _fake_python(path: Path, version: str) -> Path:
    """An executable that answers the version check as CPython ``version`` would."""
    return _script(path, f'echo "cpython {version}"')


@pytest.fixture
def no_pythons(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty PATH and an empty pyenv root; returns that root."""
    root = tmp_path / "pyenv"
    (root / "versions").mkdir(parents=True)
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PYENV_ROOT", str(root))
    return root


def test_the_running_python_is_found() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = noxfile.find_python(version)
    assert found is not None
    assert noxfile._runs_as(found, version)


def test_a_python_on_path_is_found(no_pythons: Path, tmp_path: Path) -> None:
    python = _fake_python(tmp_path / "bin" / "python3.42", "3.42")
    _fake_python(no_pythons / "versions" / "3.42.1" / "bin" / "python3.42", "3.42")
    assert noxfile.find_python("3.42") == str(python)


def test_a_broken_shim_on_path_is_passed_over_for_pyenv(no_pythons: Path, tmp_path: Path) -> None:
    _script(
        tmp_path / "bin" / "python3.42", 'echo "pyenv: python3.42: command not found"; exit 127'
    )
    python = _fake_python(no_pythons / "versions" / "3.42.1" / "bin" / "python3.42", "3.42")
    assert noxfile.find_python("3.42") == str(python)


def test_the_newest_pyenv_patch_release_is_preferred(no_pythons: Path) -> None:
    for patch in ("3.42.2", "3.42.10", "3.42.9"):
        _fake_python(no_pythons / "versions" / patch / "bin" / "python3.42", "3.42")
    assert noxfile.find_python("3.42") == str(
        no_pythons / "versions" / "3.42.10" / "bin" / "python3.42"
    )


def test_an_interpreter_of_another_version_is_not_taken(no_pythons: Path, tmp_path: Path) -> None:
    _fake_python(tmp_path / "bin" / "python3.42", "3.41")
    assert noxfile.find_python("3.42") is None


def test_a_missing_python_is_none(no_pythons: Path) -> None:
    assert noxfile.find_python("3.42") is None


def test_pyenv_root_comes_from_pyenv_when_the_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    _script(tmp_path / "pyenv", f'echo "{tmp_path / "elsewhere"}"')
    assert noxfile.pyenv_root() == tmp_path / "elsewhere"


def test_pyenv_root_defaults_to_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert noxfile.pyenv_root() == Path.home() / ".pyenv"


class _Session:
    """The part of ``nox.Session`` a cell uses before installing anything."""

    class Failed(Exception):
        pass

    def error(self, message: str) -> Any:
        raise self.Failed(message)

    def install(self, *args: str) -> None:
        raise AssertionError("a cell without its Python must not install anything")


def test_a_cell_whose_python_is_missing_fails_saying_where_it_looked(
    no_pythons: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(noxfile.PYTHONS, "3.13", None)
    with pytest.raises(_Session.Failed) as failed:
        noxfile.tests(_Session(), cell="py3.13")
    assert str(failed.value) == (
        "the 'py3.13' cell needs CPython 3.13, which was not found: no working python3.13 "
        f"on PATH, nor {no_pythons}/versions/3.13.*/bin/python3.13. Install it (for "
        "example: pyenv install 3.13) or put python3.13 on PATH."
    )


def test_each_cell_gets_the_interpreter_found_for_its_python() -> None:
    by_cell = {
        param.id: param.args[0]
        for param in noxfile.tests.parametrize  # nox keeps the parameters here
    }
    assert by_cell == {
        cell: noxfile.PYTHONS[version] for cell, (version, _) in noxfile.MATRIX.items()
    }
