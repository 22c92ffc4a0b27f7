"""Errors that carry a user-facing location: file, row and column.

Rows are counted as a spreadsheet counts them: the header is row 1 and the first data
row is row 2, so a dispatcher can open the CSV in Excel or WPS and go straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        File name relative to the network folder (``orders.csv``).
    row : int | None
        Spreadsheet row (header = 1), or ``None`` for file-level problems.
    column : str | None
        Column (or TOML key) name, or ``None`` when the whole row or file is at fault.
    message : str
        What is wrong, with the offending value.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """``file, row R, column 'C': message`` on one line (line breaks escaped)."""
        where = [one_line(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{one_line(self.column)}'")
        return f"{', '.join(where)}: {one_line(self.message)}"


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``).

    A cell may hold a line break (a quoted CSV cell, Alt+Enter in Excel); quoted back in
    a message it must not break the message's one line.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(Exception):
    """Bad input: one or more problems, each naming file, row and column.

    The CLI turns this into exit code 2 without writing any output.
    """

    def __init__(self, problems: list[InputProblem] | InputProblem):
        self.problems = [problems] if isinstance(problems, InputProblem) else list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = self.problems[:20]
        lines = [str(p) for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems")
        return "\n".join(lines)


class PlanningError(Exception):
    """No plan could be made at all (CLI exit code 3)."""
