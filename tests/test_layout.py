"""Data flows one way through ``logistics``: a module imports only from its own stage or before.

The stages, in order: errors, progress and runtime < network < physics < plan < the three
siblings planning, check and economics < pipeline < surfaces. The siblings stand side by
side over the plan vocabulary and may not import one another (the checker is independent
of the planner; the economics price plans, they do not plan). The surfaces (cli,
dispatch, siting, charts, app) may import anything below them but not each other, except
that cli and app may import the other surfaces' library functions (the command line and
the planning app are the front ends of all of them). ``logistics/__init__.py`` (the
public API, lazy) is exempt; ``logistics/__main__.py`` belongs to cli. Every import
counts, also one inside a function or under ``TYPE_CHECKING``.

Besides the direct imports, a fresh interpreter checks the transitive ones: importing
the checker, the plan vocabulary, the economics or the charts loads neither OR-Tools nor
the planner.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "logistics"

#: The stages in order; a tuple is one stage of parts side by side (siblings).
STAGES: tuple[tuple[str, ...], ...] = (
    ("errors", "progress", "runtime"),
    ("network",),
    ("physics",),
    ("plan",),
    ("planning", "check", "economics"),
    ("pipeline",),
)
#: Parts of one stage that may not import one another.
SIBLINGS = ("planning", "check", "economics")
SURFACES = ("cli", "dispatch", "siting", "charts", "app")
SURFACE_RANK = len(STAGES)
#: Top-level modules that sit at the stage of another part.
SAME_STAGE_AS: dict[str, str] = {}


def module_name(path: Path) -> str:
    """``logistics/planning/jobs.py`` -> ``logistics.planning.jobs`` (a package is its name)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str | None:
    """The top-level part of ``logistics`` a module belongs to (None for the package itself)."""
    parts = module.split(".")
    if parts[0] != "logistics" or len(parts) == 1:
        return None
    return "cli" if parts[1] == "__main__" else parts[1]


def rank(part: str) -> int:
    """Position of a part in the flow (every surface shares the last rank)."""
    part = SAME_STAGE_AS.get(part, part)
    for position, stage in enumerate(STAGES):
        if part in stage:
            return position
    if part in SURFACES:
        return SURFACE_RANK
    raise AssertionError(f"logistics.{part} is in no stage: add it to STAGES or SURFACES")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file of the package imports, as (line, absolute dotted name)."""
    return imports_of(
        path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
    )


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module ``source`` (the text of ``module``) imports; relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if name == "logistics":  # ``from logistics import planning`` names a part
                found.extend(
                    (node.lineno, f"logistics.{alias.name}")
                    for alias in node.names
                    if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").exists()
                )
    return sorted(found)


def allowed(importer: str, imported: str) -> bool:
    """May part ``importer`` import from part ``imported``?"""
    if importer == imported:
        return True
    importer, imported = (
        SAME_STAGE_AS.get(importer, importer),
        SAME_STAGE_AS.get(imported, imported),
    )
    if importer in SURFACES and imported in SURFACES:
        return importer in ("cli", "app")
    if importer in SIBLINGS and imported in SIBLINGS:
        return False
    return rank(imported) <= rank(importer)


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_module_imports_only_from_its_stage_or_before(path: Path) -> None:
    importer = part_of(module_name(path))
    assert importer is not None
    wrong = []
    for line, name in imported_modules(path):
        if not (name == "logistics" or name.startswith("logistics.")):
            continue
        imported = part_of(name)
        if imported is None:  # ``import logistics`` / ``from logistics import X``: the public API
            imported = "pipeline"
        if not allowed(importer, imported):
            wrong.append(f"line {line}: {name} ({imported} comes after {importer})")
    assert not wrong, f"{path.relative_to(PACKAGE.parent)} imports from a later stage: {wrong}"


def test_runtime_imports_nothing_of_logistics_but_errors() -> None:
    # The shared helpers (pools, atomic folders, exit codes) sit below every layer, so
    # that the plan vocabulary and the network generator can use them too.
    wrong = [
        f"{path.relative_to(PACKAGE.parent)} line {line}: {name}"
        for path in sorted((PACKAGE / "runtime").rglob("*.py"))
        for line, name in imported_modules(path)
        if (name == "logistics" or name.startswith("logistics."))
        and part_of(name) not in ("runtime", "errors")
    ]
    assert not wrong, wrong


def test_every_part_of_the_package_has_a_stage() -> None:
    parts = {part_of(module_name(p)) for p in MODULES}
    for part in parts:
        rank(part)  # raises for a part in no stage


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("planning", "network", True),
        ("network", "planning", False),
        ("check", "plan", True),
        ("plan", "check", False),
        ("plan", "planning", False),
        ("planning", "plan", True),
        ("check", "planning", False),
        ("economics", "planning", False),
        ("planning", "economics", False),
        ("pipeline", "planning", True),
        ("economics", "pipeline", False),
        ("cli", "dispatch", True),
        ("dispatch", "cli", False),
        ("siting", "charts", False),
        ("app", "pipeline", True),
        ("app", "charts", True),
        ("charts", "app", False),
    ],
)
def test_the_rule_itself(importer: str, imported: str, ok: bool) -> None:
    assert allowed(importer, imported) is ok


def test_relative_and_package_imports_are_resolved() -> None:
    source = (
        "from ..network import model\n"
        "from . import jobs\n"
        "from .. import pipeline\n"
        "import numpy\n"
        "def f():\n"
        "    from logistics.cli.app import out\n"
    )
    assert imports_of(source, "logistics.planning.schedule", is_package=False) == [
        (1, "logistics.network"),
        (2, "logistics.planning"),
        (3, "logistics"),
        (3, "logistics.pipeline"),
        (4, "numpy"),
        (6, "logistics.cli.app"),
    ]
    assert imports_of("from .jobs import x\n", "logistics.planning", is_package=True) == [
        (1, "logistics.planning.jobs")
    ]


def test_the_checker_does_not_import_the_planner() -> None:
    # Independence: the checker re-derives times, temperatures and reasons from the
    # inputs with its own code; it may read the plan's model, never the planner's logic.
    wrong = [
        f"{path.relative_to(PACKAGE.parent)} line {line}: {name}"
        for path in sorted((PACKAGE / "check").rglob("*.py"))
        for line, name in imported_modules(path)
        if part_of(name) == "planning"
    ]
    assert not wrong, wrong


#: What must never load with the independent checker, the plan vocabulary, the
#: economics, the charts or the command line's start (``molten check``, ``--help``): the
#: solver and the planner.
HEAVY = ("ortools", "logistics.planning")


@pytest.mark.parametrize(
    "module",
    [
        "logistics.check",
        "logistics.plan",
        "logistics.economics",
        "logistics.charts",
        "logistics.cli.main",
        "logistics.siting.settings",
    ],
)
def test_importing_it_loads_neither_ortools_nor_the_planner(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print('\\n'.join(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert done.stdout.strip() == "", f"importing {module} loads: {done.stdout.split()}"


def test_the_transitive_check_can_fail() -> None:
    code = "import sys, logistics.pipeline\nprint('ortools' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert done.stdout.strip() == "True"


#: Libraries the ``molten`` command line loads only in the commands that need them (the
#: route sheets, the siting heat-map, the app's economics table), never at start-up:
#: every ``molten`` call, ``--help`` included, would pay for them.
LAZY_FOR_THE_CLI = ("pandas", "openpyxl", "plotly", "pydeck", "streamlit")


@pytest.mark.parametrize("module", ["logistics.cli.main", "logistics.pipeline"])
def test_the_command_line_loads_no_library_it_does_not_need(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{LAZY_FOR_THE_CLI!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert done.stdout.strip() == "", f"importing {module} loads: {done.stdout.split()[:5]}"
