"""Every Python example in README.rst and docs/ runs, and the usage page matches the spec.

An example is a ``.. code-block:: python`` block. It is executed as a module;
then every function it defines that takes no arguments is called (coroutine
functions under ``asyncio.run``), and every ``unittest.TestCase`` it defines
is run. Examples written for pytest (they import pytest, take fixtures or
define pytest-style ``Test*`` classes) run as a test file under pytester, with
aiomoto's plugin loaded through its entry point.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import textwrap
import unittest
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aiomoto import _activation

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.rst", *sorted((ROOT / "docs").glob("*.rst"))]
MODULE = "docs_example"


@dataclass
class Example:
    path: Path
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def examples_in(path: Path) -> list[Example]:
    found = []
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        if line.strip() != ".. code-block:: python":
            continue
        block: list[str] = []
        for following in lines[number + 1 :]:
            if following.strip() and not following.startswith((" ", "\t")):
                break
            block.append(following)
        found.append(Example(path, number + 1, textwrap.dedent("\n".join(block)).strip() + "\n"))
    return found


EXAMPLES = [example for document in DOCUMENTS for example in examples_in(document)]


def test_the_documents_have_examples() -> None:
    assert len(EXAMPLES) >= 6
    assert any(example.path.name == "README.rst" for example in EXAMPLES)


def _is_pytest_file(example: Example, namespace: dict[str, Any]) -> bool:
    """Whether the example is meant to be run by pytest rather than called."""
    if re.search(r"^import pytest$", example.code, flags=re.MULTILINE):
        return True
    for obj in namespace.values():
        if getattr(obj, "__module__", None) != MODULE:
            continue
        if inspect.isfunction(obj) and any(
            p.default is p.empty for p in inspect.signature(obj).parameters.values()
        ):
            return True  # takes fixtures
        pytest_style_class = inspect.isclass(obj) and not issubclass(obj, unittest.TestCase)
        if pytest_style_class and obj.__name__.startswith("Test"):
            return True
    return False


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.id)
def test_example_runs(example: Example, pytester: pytest.Pytester) -> None:
    namespace: dict[str, Any] = {"__name__": MODULE}
    exec(compile(example.code, example.id, "exec"), namespace)
    if _is_pytest_file(example, namespace):
        pytester.makepyfile(**{"test_example": example.code})
        result = pytester.runpytest_inprocess("-o", "asyncio_mode=auto", "-p", "no:randomly")
        outcomes = result.parseoutcomes()
        assert outcomes.get("passed", 0) > 0, result.stdout.str()
        result.assert_outcomes(passed=outcomes["passed"])  # and nothing else
        return
    ran = 0
    for obj in list(namespace.values()):
        if inspect.isclass(obj) and issubclass(obj, unittest.TestCase) and obj.__module__ == MODULE:
            outcome = unittest.TextTestRunner(verbosity=0).run(
                unittest.defaultTestLoader.loadTestsFromTestCase(obj)
            )
            assert outcome.wasSuccessful(), outcome.failures + outcome.errors
            ran += outcome.testsRun
        elif inspect.isfunction(obj) and obj.__module__ == MODULE:
            result = obj()
            if inspect.iscoroutine(result):
                asyncio.run(result)
            ran += 1
        assert not _activation.is_active()
    assert ran > 0, f"{example.id} defines nothing to run"


def _words(text: str) -> list[str]:
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"[=\-~]{3,}", stripped) or stripped.startswith((".. ", ":header-rows:")):
            continue
        kept.append(stripped)
    # Markup only: rst literals, list-table cells, bullets.
    plain = re.sub(r"^(\* -|-|•) ", " ", "\n".join(kept), flags=re.MULTILINE)
    plain = plain.replace("``", "")
    return plain.split()


def test_usage_page_matches_the_spec_word_for_word() -> None:
    spec = (ROOT / "tests" / "spec" / "contexts-and-decorators.txt").read_text()
    spec = spec.replace("Skip to content", "", 1)  # the web page's navigation link
    page = (ROOT / "docs" / "usage.rst").read_text()
    assert _words(page) == _words(spec)
