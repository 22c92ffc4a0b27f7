"""No function of ``logistics`` is longer than 80 lines (issue #21): one job each.

A function's length is ``end_lineno - lineno + 1`` of its ``def`` (decorators left
out, docstring and nested functions included). Two kinds of exception:

* a flat table: a typer command's signature (one line per option) is not counted, so a
  command is measured from its docstring on; other tables are listed in
  :data:`FLAT_TABLES`, each with what it is;
* :data:`TO_BE_SPLIT`: functions still too long in files others are working on, each
  to be split by its owner; the list only shrinks (an entry no longer needed is
  reported as a warning, to be removed).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "logistics"
ROOT = PACKAGE.parent

#: Longest function, lines.
LIMIT = 80

#: ``(file, qualified name) -> what the table is``: long, but one row per item.
FLAT_TABLES: dict[tuple[str, str], str] = {
    ("logistics/dispatch/migrations/versions/0001_plan_history.py", "upgrade"): (
        "the history database's first schema, table by table and column by column"
    ),
}

#: ``(file, qualified name) -> why it is still here``: to be split by their owners.
TO_BE_SPLIT: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Function:
    """One function (or method) of the package and its length in lines."""

    file: str
    name: str
    line: int
    lines: int

    @property
    def key(self) -> tuple[str, str]:
        """``(file, qualified name)``, as in the allow-lists."""
        return (self.file, self.name)


def _is_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Registered as a typer command (``@app.command(...)``)?"""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "command":
            return True
    return False


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function; a typer command's signature (its options) is not counted."""
    assert node.end_lineno is not None
    first = node.body[0].lineno if _is_command(node) else node.lineno
    return node.end_lineno - first + 1


def functions_of(source: str, file: str) -> list[Function]:
    """Every function and method in a module's source, with qualified names."""
    found: list[Function] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found.append(Function(file, name, child.lineno, _length(child)))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def package_functions() -> list[Function]:
    """Every function of ``logistics``."""
    found: list[Function] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        file = path.relative_to(ROOT).as_posix()
        found.extend(functions_of(path.read_text(encoding="utf-8"), file))
    return found


def test_no_function_is_longer_than_the_limit() -> None:
    allowed = FLAT_TABLES.keys() | TO_BE_SPLIT.keys()
    long = [f for f in package_functions() if f.lines > LIMIT and f.key not in allowed]
    listed = "\n".join(f"  {f.file}:{f.line} {f.name}: {f.lines} lines" for f in long)
    assert not long, f"functions over {LIMIT} lines (cut them into named helpers):\n{listed}"


def test_the_exceptions_are_still_needed() -> None:
    lengths = {f.key: f.lines for f in package_functions()}
    for key in FLAT_TABLES:
        assert key in lengths, f"flat table {key} no longer exists: remove it from FLAT_TABLES"
    stale = [key for key in TO_BE_SPLIT if lengths.get(key, 0) <= LIMIT]
    if stale:
        warnings.warn(
            "split already (remove from TO_BE_SPLIT): "
            + ", ".join(f"{file} {name}" for file, name in stale),
            stacklevel=1,
        )


def test_a_command_is_measured_without_its_options_and_a_method_by_its_class() -> None:
    options = "\n".join(f"    option_{n}: int = 0," for n in range(100))
    source = (
        "@app.command()\n"
        f"def command(\n{options}\n) -> None:\n"
        '    """Doc."""\n'
        "    return None\n"
        "\n"
        "class Box:\n"
        "    def method(self) -> int:\n"
        "        return 1\n"
    )
    found = {f.name: f.lines for f in functions_of(source, "x.py")}
    assert found == {"command": 2, "Box.method": 2}
