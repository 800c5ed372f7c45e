"""The typing files in tests/typing pass ``mypy --strict``, and fail it when a type regresses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for this module's mypy runs: later runs re-check only what changed."""
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(cache: Path, *paths: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``mypy --strict`` on ``paths``; it finds ``aiomoto`` in ``cwd`` first."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "setup.cfg"),
            "--cache-dir",
            str(cache),
            *map(str, paths),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_typing_files_pass_mypy_strict(mypy_cache: Path) -> None:
    result = mypy(mypy_cache, TYPING)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in")


def test_a_wrong_expected_type_fails_mypy(mypy_cache: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from typing_extensions import assert_type\n"
        "from aiomoto import mock_aws\n\n\n"
        "@mock_aws\n"
        "def count() -> int:\n"
        "    return 1\n\n\n"
        "assert_type(count(), str)\n"
    )
    result = mypy(mypy_cache, wrong)
    assert result.returncode == 1
    assert 'wrong.py:10: error: Expression is of type "int", not "str"' in result.stdout


#: Plausible regressions of aiomoto/mock.py: (the line, what it becomes, the
#: mypy error code that must then appear in the typing files' check).
REGRESSIONS = {
    "decorator-returns-callable": (
        "def mock_aws(func: _F, /) -> _F: ...",
        "def mock_aws(func: _F, /) -> Callable[..., Any]: ...",
        "[assert-type]",
    ),
    "options-untyped": (
        "def mock_aws(func: None = None, /, **options: Unpack[_DecoratorOptions]) -> MockAWS: ...",
        "def mock_aws(func: None = None, /, **options: Any) -> MockAWS: ...",
        "[unused-ignore]",
    ),
}


@pytest.mark.parametrize("regression", list(REGRESSIONS))
def test_typing_files_fail_mypy_when_mock_aws_types_regress(
    regression: str, mypy_cache: Path, tmp_path: Path
) -> None:
    line, regressed, error_code = REGRESSIONS[regression]
    # A copy of the package, regressed, next to a copy of the typing files:
    # mypy finds the package beside the files it checks before the installed one.
    shutil.copytree(ROOT / "aiomoto", tmp_path / "aiomoto")
    mock = tmp_path / "aiomoto" / "mock.py"
    source = mock.read_text()
    assert source.count(line) == 1, f"aiomoto/mock.py no longer has: {line}"
    mock.write_text(source.replace(line, regressed))
    shutil.copytree(TYPING, tmp_path / "typing_checks")

    result = mypy(mypy_cache, tmp_path / "typing_checks", cwd=tmp_path)

    assert result.returncode == 1, result.stdout
    assert error_code in result.stdout
    # The copy was checked, not an Any left by a package mypy did not find.
    assert "[import-not-found]" not in result.stdout
