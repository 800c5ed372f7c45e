"""Run Moto's own decorator tests against ``moto.mock_aws`` and ``aiomoto.mock_aws``.

The drop-in proof of issue 3: the test files below come from the sdist of the
installed Moto version (downloaded from PyPI at run time and cached under
``.cache/moto-sdist/``; nothing of Moto's is kept in this repository). They
run twice in fresh pytest subprocesses: once as shipped, and once with every
``from moto import mock_aws`` (and any ``moto.mock_aws`` attribute use)
rewritten to aiomoto's ``mock_aws``. Other imports from Moto stay as they
are. The script prints both pass counts and every test whose outcome
differs, and exits with status 1 if a test that passes with Moto's
``mock_aws`` does not pass with aiomoto's.

Files taken from Moto's ``tests/test_core/``, and why:

``test_decorator_calls.py``
    The decorator itself: ``@mock_aws`` on functions, ``with mock_aws()``,
    ``start()`` / ``stop()``, ``__wrapped__``, what the mock object exposes,
    and class decoration of pytest classes (``setup_method``, static
    methods, nested classes) and ``unittest.TestCase`` classes (``setUp``,
    ``tearDown``, helper methods, a decorated base class).
``test_nested.py``
    Nesting: a decorated helper called from a decorated test, and nested
    ``with mock_aws()`` blocks that must not reset each other's data.
``test_mypy.py``
    ``@mock_aws`` with and without parentheses, return values passed
    through, context manager and manual ``start()`` / ``stop()``.
``test_environ_patching.py``
    The environment the mock sets up and restores, including nested mocks
    with different ``config`` (``mock_credentials``).
``test_mock_regions.py``
    ``@mock_aws`` stacked on ``mock.patch.dict(os.environ, ...)``: the order
    in which the decorators enter decides which region a client sees.

The rest of ``tests/test_core/`` uses ``mock_aws`` only as a harness for
other features (IAM auth, the Moto API, responses, server and proxy mode,
docker) and is left out. ``tests/__init__.py``, ``tests/conftest.py`` and
``tests/test_core/__init__.py`` come along because the files above import
from them; they are rewritten like the test files.

Both runs use the same pytest setup: no plugins from entry points
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``; Moto's tests need none), and in
particular ``-p no:aiomoto``: aiomoto's plugin is inert unless a test uses
its fixture or marker, but keeping it out of both runs makes Moto's run
exactly Moto's. ``-p no:cacheprovider`` leaves no cache behind, and a
``pytest.ini`` of the script's own keeps the checkout's pytest settings out.
Tests that Moto marks ``network`` (they call real AWS endpoints on purpose)
are deselected unless ``--with-network`` is given. The environment drops
every ``AWS_*``, ``MOTO_*`` and ``TEST_*_MODE`` variable and sets fake
credentials, ``AWS_DEFAULT_REGION=us-east-1`` and empty AWS config files, so
no real credentials are in reach; it also points ``HTTP(S)_PROXY`` at a port
where nothing listens, so a request neither mock answers fails on the spot
instead of leaving the machine (a test that needs the network or docker
fails the same way in both runs, and the report lists it).

Usage: ``python scripts/moto_dropin.py [--with-network] [--keep] [-v]``, or
``nox -s dropin``.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO / ".cache" / "moto-sdist"

#: Test files from the sdist's ``tests/test_core/`` (see the module docstring).
TEST_FILES = (
    "test_decorator_calls.py",
    "test_nested.py",
    "test_mypy.py",
    "test_environ_patching.py",
    "test_mock_regions.py",
)

#: Package files the test files import from, relative to the sdist's root.
SUPPORT_FILES = ("tests/__init__.py", "tests/conftest.py", "tests/test_core/__init__.py")

#: Markers Moto's pytest configuration declares, so that ``--strict-markers`` style
#: warnings stay quiet; the values are this script's own descriptions.
MARKERS = {
    "network": "calls real AWS endpoints",
    "requires_docker": "needs a running docker daemon",
    "aws_verified": "verified against AWS",
    "requires_clean_slate": "must not run in parallel",
}

#: Tests whose outcome differs on purpose: test id -> (text its failure
#: message must contain, why). A listed test that fails any other way, or
#: passes, is reported like every other difference, so nothing new slips by.
BY_DESIGN = {
    "tests/test_core/test_decorator_calls.py::test_context_decorator_exposes_bare_essentials"
    "[mock_aws]": (
        "'assert_call",
        "Moto's mock exposes only reset, start and stop; aiomoto's adds calls, "
        "assert_called, assert_called_once, assert_not_called and inject_fault "
        "(call history and fault injection).",
    ),
}

#: A proxy address nothing listens on (port 9 is the discard service).
NOWHERE = "http://127.0.0.1:9"

PYTEST_OPTIONS = ("-p", "no:aiomoto", "-p", "no:cacheprovider", "-q", "-rfEs")

#: Outcomes from best to worst, used to merge a test's call and teardown reports.
OUTCOME_ORDER = ("passed", "skipped", "failed", "error")


@dataclass(frozen=True)
class Result:
    """One test's outcome in one run, with the first line of its message."""

    outcome: str
    message: str = ""


@dataclass(frozen=True)
class Run:
    """What one pytest run reported."""

    label: str
    results: dict[str, Result]
    output: str

    @property
    def deselected(self) -> int:
        """How many tests ``-m "not network"`` left out (JUnit does not list them)."""
        match = re.search(r"(\d+) deselected", self.output)
        return int(match.group(1)) if match else 0

    def counts(self) -> Counter[str]:
        return Counter(result.outcome for result in self.results.values())

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[outcome]} {outcome}" for outcome in OUTCOME_ORDER if counts[outcome]]
        if self.deselected:
            parts.append(f"{self.deselected} deselected (network)")
        return f"{self.label}: {', '.join(parts) or 'no tests'}"


def moto_version() -> str:
    """The version of Moto installed next to this interpreter."""
    return importlib.metadata.version("moto")


def fetch_sdist(version: str, cache: Path) -> Path:
    """Return Moto ``version``'s sdist, downloading it into ``cache`` once."""
    cached = cache / f"moto-{version}.tar.gz"
    if cached.is_file():
        return cached
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="moto-sdist-") as download_dir:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"moto=={version}",
            "-d",
            download_dir,
        ]
        print(f"Downloading the sdist of moto {version} from PyPI ...", flush=True)
        subprocess.run(command, check=True)
        archives = sorted(Path(download_dir).glob("moto-*.tar.gz"))
        if len(archives) != 1:
            raise SystemExit(f"Expected one moto sdist in {download_dir}, found {archives}")
        shutil.move(str(archives[0]), cached)
    return cached


def read_sources(sdist: Path) -> dict[str, str]:
    """Read the support and test files out of ``sdist``, keyed by path under the root."""
    wanted = [*SUPPORT_FILES, *(f"tests/test_core/{name}" for name in TEST_FILES)]
    sources: dict[str, str] = {}
    with tarfile.open(sdist) as archive:
        by_path = {member.name.split("/", 1)[-1]: member for member in archive.getmembers()}
        for path in wanted:
            member = by_path.get(path)
            handle = archive.extractfile(member) if member is not None else None
            if handle is None:
                raise SystemExit(f"{sdist.name} has no file {path}")
            with handle:
                sources[path] = handle.read().decode("utf-8")
    return sources


def rewrite_to_aiomoto(source: str) -> tuple[str, int]:
    """Point ``source``'s uses of ``moto.mock_aws`` at ``aiomoto.mock_aws``.

    ``from moto import a, mock_aws as m, b`` becomes ``from moto import a, b``
    followed by ``from aiomoto import mock_aws as m`` on the same line (so
    line numbers in tracebacks still match Moto's file), and ``moto.mock_aws``
    becomes ``aiomoto.mock_aws`` with an ``import aiomoto`` added. Returns the
    new source and how many places changed.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    # (line index, start column, end column, replacement), applied right to left.
    edits: list[tuple[int, int, int, str]] = []
    needs_import_aiomoto = False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "moto" and node.level == 0:
            ours = [alias for alias in node.names if alias.name == "mock_aws"]
            if not ours:
                continue
            if node.end_lineno != node.lineno or node.end_col_offset is None:
                raise SystemExit(f"line {node.lineno}: multi-line import of mock_aws")
            others = [alias for alias in node.names if alias.name != "mock_aws"]
            new = "; ".join(
                filter(
                    None,
                    [
                        f"from moto import {_names(others)}" if others else "",
                        f"from aiomoto import {_names(ours)}",
                    ],
                )
            )
            edits.append((node.lineno - 1, node.col_offset, node.end_col_offset, new))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "mock_aws"
            and isinstance(node.value, ast.Name)
            and node.value.id == "moto"
        ):
            assert node.end_col_offset is not None
            edits.append(
                (node.lineno - 1, node.col_offset, node.end_col_offset, "aiomoto.mock_aws")
            )
            needs_import_aiomoto = True
    for index, start, end, replacement in sorted(edits, reverse=True):
        line = lines[index]
        lines[index] = line[:start] + replacement + line[end:]
    new_source = "".join(lines)
    if needs_import_aiomoto:
        new_source = _add_import_aiomoto(new_source, tree)
    return new_source, len(edits)


def _names(aliases: list[ast.alias]) -> str:
    return ", ".join(
        alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
        for alias in aliases
    )


def _add_import_aiomoto(source: str, tree: ast.Module) -> str:
    # Append to the first top-level import (after any __future__ import) so
    # no line moves.
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not (
            isinstance(node, ast.ImportFrom) and node.module == "__future__"
        ):
            index = (node.end_lineno or node.lineno) - 1
            lines[index] = lines[index].rstrip("\n") + "; import aiomoto\n"
            return "".join(lines)
    return "import aiomoto\n" + source


def write_tree(root: Path, sources: dict[str, str], *, aiomoto: bool) -> list[str]:
    """Lay out the test tree under ``root``; return notes on what was rewritten."""
    notes = []
    for path, source in sources.items():
        if aiomoto:
            source, changed = rewrite_to_aiomoto(source)
            if changed:
                notes.append(f"{path}: {changed} rewrite(s)")
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    markers = "".join(f"    {name}: {text}\n" for name, text in MARKERS.items())
    # Our own config file makes root the rootdir, so no pytest settings of
    # the checkout (coverage, warnings as errors) leak into Moto's tests.
    (root / "pytest.ini").write_text(f"[pytest]\nmarkers =\n{markers}", encoding="utf-8")
    return notes


def clean_environment(root: Path, *, with_network: bool) -> dict[str, str]:
    """The subprocess environment: no real AWS settings, fake credentials.

    Without ``with_network``, HTTP(S) goes to a proxy address where nothing
    listens, so a request that neither mock answers fails at once instead of
    leaving the machine (both mocks answer theirs before any proxy is used).
    """
    dropped_prefixes = ("AWS_", "MOTO_", "PYTEST_")
    dropped = {"TEST_SERVER_MODE", "TEST_PROXY_MODE", "PYTHONPATH"}
    dropped |= {f"{name}_proxy" for name in ("http", "https", "all", "no")}
    dropped |= {name.upper() for name in dropped}
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(dropped_prefixes) and name not in dropped
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(root / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(root / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONDONTWRITEBYTECODE="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    if not with_network:
        env.update(HTTP_PROXY=NOWHERE, HTTPS_PROXY=NOWHERE)
    return env


def run_pytest(label: str, root: Path, *, with_network: bool, verbose: bool) -> Run:
    """Run the tree under ``root`` in a pytest subprocess and collect outcomes."""
    junit = root / "junit.xml"
    (root / "aws-config").write_text("", encoding="utf-8")
    (root / "aws-credentials").write_text("", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        *PYTEST_OPTIONS,
        "-c",
        str(root / "pytest.ini"),
        "--rootdir",
        str(root),
        f"--junitxml={junit}",
        *([] if with_network else ["-m", "not network"]),
        *(f"tests/test_core/{name}" for name in TEST_FILES),
    ]
    print(f"Running Moto's tests with {label} ...", flush=True)
    completed = subprocess.run(
        command,
        cwd=root,
        env=clean_environment(root, with_network=with_network),
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    if verbose:
        print(output)
    # 0: all passed, 1: some failed; anything else means pytest itself failed.
    if completed.returncode not in (0, 1) or not junit.is_file():
        print(output)
        raise SystemExit(f"pytest exited with {completed.returncode} for {label}")
    return Run(label, parse_junit(junit), output)


def parse_junit(path: Path) -> dict[str, Result]:
    """Map each test id in a JUnit XML report to its (worst) outcome."""
    results: dict[str, Result] = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        test_id = _node_id(case.get("classname", ""), case.get("name", ""))
        result = Result("passed")
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
                message = (child.get("message") or child.text or "").strip().splitlines()
                result = Result(outcome, message[0] if message else "")
                break
        previous = results.get(test_id)
        if previous is None or _worse(result, previous):
            results[test_id] = result
    return results


def _node_id(classname: str, name: str) -> str:
    # JUnit classnames are dotted, "tests.test_core.test_x.Class.Nested";
    # turn them back into pytest's "tests/test_core/test_x.py::Class::Nested".
    for file_name in TEST_FILES:
        module = f"tests.test_core.{file_name.removesuffix('.py')}"
        if classname == module or classname.startswith(f"{module}."):
            classes = classname[len(module) + 1 :].split(".") if classname != module else []
            return "::".join([f"tests/test_core/{file_name}", *classes, name])
    return "::".join(filter(None, [classname, name]))  # a collection error, say


def _worse(new: Result, old: Result) -> bool:
    return OUTCOME_ORDER.index(new.outcome) > OUTCOME_ORDER.index(old.outcome)


def report(moto: Run, ours: Run) -> int:
    """Print the comparison; return the exit status."""
    print()
    print(moto.summary())
    print(ours.summary())
    by_design = {
        test_id: why
        for test_id, (marker, why) in BY_DESIGN.items()
        if _outcome(moto, test_id) == "passed"
        and _outcome(ours, test_id) == "failed"
        and marker in ours.results[test_id].message
    }
    if by_design:
        print(f"\nOutcomes that differ by design ({len(by_design)}):")
        for test_id, why in sorted(by_design.items()):
            print(f"  {test_id}: {why}")
    differing = sorted(
        test_id
        for test_id in moto.results.keys() | ours.results.keys()
        if _outcome(moto, test_id) != _outcome(ours, test_id) and test_id not in by_design
    )
    if differing:
        print(f"\nOutcomes that differ ({len(differing)}):")
        for test_id in differing:
            print(f"  {test_id}: {_outcome(moto, test_id)} -> {_outcome(ours, test_id)}")
            for run in (moto, ours):
                result = run.results.get(test_id)
                if result is not None and result.message:
                    print(f"      {run.label}: {result.message[:200]}")
    else:
        print("\nNo outcome differs.")
    not_passed_in_both = sorted(
        test_id
        for test_id, result in moto.results.items()
        if result.outcome != "passed" and _outcome(ours, test_id) == result.outcome
    )
    if not_passed_in_both:
        print("\nSame outcome other than passed in both runs:")
        for test_id in not_passed_in_both:
            result = moto.results[test_id]
            print(f"  {test_id}: {result.outcome}: {result.message[:200]}")
    regressions = [
        test_id
        for test_id, result in moto.results.items()
        if result.outcome == "passed"
        and _outcome(ours, test_id) != "passed"
        and test_id not in by_design
    ]
    if regressions:
        print(f"\nFAIL: {len(regressions)} test(s) pass with Moto's mock_aws but not aiomoto's.")
        return 1
    print(
        "\nOK: every test that passes with Moto's mock_aws passes with aiomoto's, "
        "except those that differ by design (listed above, if any)."
    )
    return 0


def _outcome(run: Run, test_id: str) -> str:
    result = run.results.get(test_id)
    return "missing" if result is None else result.outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--with-network", action="store_true", help="also run tests Moto marks 'network'"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=DEFAULT_CACHE, help="where the sdist is kept"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary test trees")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    args = parser.parse_args(argv)

    version = moto_version()
    sources = read_sources(fetch_sdist(version, args.cache_dir))
    print(f"Moto {version}, aiomoto {importlib.metadata.version('aiomoto')}, {sys.executable}")
    print(f"Files from tests/test_core/: {', '.join(TEST_FILES)}")

    workdir = Path(tempfile.mkdtemp(prefix="moto-dropin-"))
    try:
        roots = {"moto.mock_aws": workdir / "moto", "aiomoto.mock_aws": workdir / "aiomoto"}
        write_tree(roots["moto.mock_aws"], sources, aiomoto=False)
        for note in write_tree(roots["aiomoto.mock_aws"], sources, aiomoto=True):
            print(f"  for aiomoto, rewrote {note}")
        moto, ours = (
            run_pytest(label, root, with_network=args.with_network, verbose=args.verbose)
            for label, root in roots.items()
        )
        return report(moto, ours)
    finally:
        if args.keep:
            print(f"\nTest trees kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
