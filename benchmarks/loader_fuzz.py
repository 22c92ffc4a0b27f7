"""Bad-input fuzzing of the loader: mutated network folders give a network or exit 2.

Each mutation is drawn from one integer seed (:func:`draw_mutation`): one of the sample
networks (``sample_networks/tiny``, ``pearl_river_delta``, ``yangtze_river_delta``, and
tiny with a generated ``roads.graphml``), one of its files, and one change to that file:

* **bytes** (any file): random bytes flipped, inserted or deleted; the file truncated,
  emptied or deleted; a byte-order mark added; line ends changed to CRLF or CR; the text
  re-encoded (UTF-16, GBK, Latin-1, cp1252, UTF-8 with a BOM);
* **cells** (CSV files): one to three cells replaced by an edge value (empty, NaN, inf,
  -0, 1e308, huge integers, dates, ``24:00``, ``48:01``, unicode, CSV punctuation ...),
  a value just outside or on the column's plausible range, or random text or numbers;
* **columns and rows** (CSV files): a column deleted, duplicated, renamed or swapped
  (header only or whole), rows deleted, duplicated, shuffled or given too many or too
  few fields, blank lines added;
* **keys and values** (``network.toml``): a value replaced by another of any TOML type
  or by a number outside its range, a key renamed, deleted, duplicated, moved or added,
  a table header renamed;
* **graph** (``roads.graphml``): a node's or edge's attribute replaced or removed.

Every mutated folder is loaded with :func:`logistics.network.loader.load_network`. The
outcome must be a network (*loaded*) or an :class:`~logistics.errors.InputError` whose
every problem names a file of the folder, a spreadsheet row ≥ 1 (or none) and a
message of one line (*exit 2*). Anything else, any other exception, is a *failure*,
recorded with the seed and the mutation so that ``--mutations 1 --seed SEED`` replays it.

A sample of the mutations (every ``--cli-every``-th) also runs through the installed
console script, ``molten plan FOLDER --solver greedy --time-limit 1 --out DIR``: it must
exit 2 exactly when the library raised (stderr without a traceback, every line naming a
file of the folder, one line for one problem, nothing written to ``--out``) and 0 or 3
(no orders on the day) otherwise, with the plan written on 0.

``python -m benchmarks loader-fuzz --mutations N --seed S`` writes
``benchmarks/results/loader-fuzz-<date>.json`` and ``latest-loader-fuzz.md`` and exits 1
on any failure.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_networks"
#: The networks mutated: the three samples, and tiny with a road graph.
NETWORKS = ("tiny", "pearl_river_delta", "yangtze_river_delta", "tiny_roads")
#: The files the loader reads, in the order it reads them.
LOADED_FILES = (
    "network.toml",
    "smelters.csv",
    "production.csv",
    "casters.csv",
    "fleet.csv",
    "orders.csv",
    "candidates.csv",
    "roads.graphml",
)
DEFAULT_MUTATIONS = 1000
DEFAULT_CLI_EVERY = 20
#: Seconds one console-script run may take before it counts as a failure.
CLI_TIMEOUT_S = 180.0

#: Cell values at the edges of what a spreadsheet holds.
EDGE_CELLS = (
    "",
    " ",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "0",
    "0.0",
    "-1",
    "1e308",
    "-1e308",
    "1e400",
    "1e-400",
    "5e-324",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 400,
    "0x1F",
    "1_000",
    "1,5",
    "1.200,5",
    "2026-11-23",
    "2026-11-23T08:00",
    "2026-11-23T08:00+08:00",
    "2026-02-29T08:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59-12:00",
    "0001-01-01T00:00+14:00",
    "24:00",
    "48:00",
    "48:01",
    "23:60",
    "-1:00",
    "99:99",
    "00:00:60",
    "T",
    "１２",
    "٣",
    "²",
    "Ⅻ",
    "铝",
    "😀",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\n",
    "\r",
    "\t",
    '"',
    "'",
    ",",
    ";",
    "|",
    "a;b|c",
    "=1+1",
    "True",
    "None",
    "null",
    "S1",
    "C1",
    "T1",
    "O1",
    "ADC12",
    "\x00",
)

#: TOML literals of every type, and some that are no TOML at all.
TOML_VALUES = (
    "nan",
    "+inf",
    "-inf",
    "1e308",
    "-1e308",
    "-0.0",
    "0",
    "-1",
    "9" * 25,
    "true",
    '""',
    '"x"',
    '"40"',
    "[]",
    "[1, 2]",
    "{}",
    "{ a = 1 }",
    "2026-11-23",
    "9999-12-31",
    "0001-01-01",
    "24:00:00",
    "2026-11-23T08:00:00+08:00",
    '"Asia"',
    '"Mars/Olympus"',
    '"Asia/Shanghai"',
    '"../../etc/passwd"',
    '"' + "a" * 300 + '"',
    '"\\u0000"',
    "'unterminated",
    "1,3",
    "",
)

ENCODINGS = ("utf-16", "utf-16-le", "gbk", "latin-1", "cp1252", "utf-8-sig", "big5")


# ------------------------------------------------------------------------------ mutations
@dataclass(frozen=True)
class Mutation:
    """One mutated file of one network, drawn from ``seed``.

    Attributes
    ----------
    seed : int
        The seed it was drawn from (replay: ``--mutations 1 --seed SEED``).
    network : str
        Which network (:data:`NETWORKS`).
    file : str
        The file changed (or deleted).
    kind : str
        The kind of change (``flip_bytes``, ``replace_cell`` ...).
    detail : str
        What exactly changed, for the reader.
    """

    seed: int
    network: str
    file: str
    kind: str
    detail: str


def network_files(network: str) -> dict[str, bytes]:
    """The files of one of :data:`NETWORKS` that the loader reads, name → bytes."""
    base = "tiny" if network == "tiny_roads" else network
    folder = SAMPLES / base
    files = {
        name: (folder / name).read_bytes() for name in LOADED_FILES if (folder / name).is_file()
    }
    if network == "tiny_roads":
        files["roads.graphml"] = road_graph_bytes(folder)
    return files


def road_graph_bytes(folder: Path) -> bytes:
    """A small road graph over a network's sites (a node at each site, a ring of roads)."""
    import networkx as nx

    sites: list[tuple[str, float, float]] = []
    for file, key in (("smelters.csv", "smelter_id"), ("casters.csv", "caster_id")):
        with (folder / file).open(encoding="utf-8-sig", newline="") as fh:
            sites += [(r[key], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)]
    graph = nx.MultiDiGraph()
    for name, lat, lon in sites:
        graph.add_node(name, x=lon, y=lat)
    ring = [name for name, _, _ in sites]
    for i, (a, b) in enumerate(zip(ring, ring[1:] + ring[:1], strict=True)):
        metres = 5000.0 + 1000.0 * i
        speed = (None, 40.0, 60.0, 80.0)[i % 4]
        for u, v in ((a, b), (b, a)):
            attrs: dict[str, float] = {"length": metres}
            if speed is not None:
                attrs["speed_kph"] = speed
            graph.add_edge(u, v, **attrs)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def _bounds_of(file: str, column: str) -> tuple[float, float] | None:
    """The plausible range of a CSV column, from the loader's models (None if unbounded)."""
    from logistics.network.loader import CANDIDATES, CASTERS, FLEET, ORDERS, PRODUCTION, SMELTERS
    from logistics.network.ranges import bounds

    specs = {s.file: s for s in (SMELTERS, PRODUCTION, CASTERS, FLEET, ORDERS, CANDIDATES)}
    spec = specs.get(file)
    field = spec.model.model_fields.get(column) if spec else None
    if field is None:
        return None
    lo, hi = bounds(field)
    return None if lo is None or hi is None else (lo, hi)


def _number_near(rng: random.Random, lo: float, hi: float) -> str:
    """A number on, just inside or just outside ``[lo, hi]``."""
    eps = max(1e-6, (hi - lo) * 1e-4)
    value = rng.choice(
        [lo, hi, lo - eps, hi + eps, lo - 1, hi + 1, (lo + hi) / 2, -hi, hi * 10, lo - abs(lo)]
    )
    return repr(round(value, 6)) if rng.random() < 0.5 else f"{value:g}"


def _random_cell(rng: random.Random, file: str, column: str) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(EDGE_CELLS)
    if roll < 0.65:
        near = _bounds_of(file, column)
        if near is not None:
            return _number_near(rng, *near)
    if roll < 0.8:
        return rng.choice(
            [
                repr(rng.uniform(-1e6, 1e6)),
                str(rng.randint(-(10**20), 10**20)),
                f"{10 ** rng.uniform(-300, 300):.6g}",
                f"{rng.randint(0, 60):02d}:{rng.randint(0, 70):02d}",
            ]
        )
    alphabet = "aZ09 .,:;-+eE_'\"|\\/\t€铝é\u0301\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def _read_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _write_rows(rows: list[list[str]], terminator: str = "\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue().encode("utf-8")


# -- bytes --------------------------------------------------------------------------------
def _bytes_mutation(rng: random.Random, raw: bytes) -> tuple[str, str, bytes | None]:
    kind = rng.choice(
        [
            "flip_bytes",
            "insert_bytes",
            "delete_bytes",
            "truncate",
            "empty_file",
            "delete_file",
            "bom",
            "crlf",
            "cr_only",
            "encoding",
        ]
    )
    data = bytearray(raw)
    if kind == "flip_bytes":
        spots = [rng.randrange(len(data)) for _ in range(rng.randint(1, 8))] if data else []
        for i in spots:
            data[i] = rng.randrange(256)
        return kind, f"bytes at {sorted(spots)} replaced", bytes(data)
    if kind == "insert_bytes":
        at = rng.randint(0, len(data))
        new = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        return kind, f"{new!r} inserted at byte {at}", bytes(data[:at] + new + data[at:])
    if kind == "delete_bytes":
        at = rng.randint(0, max(0, len(data) - 1))
        n = rng.randint(1, 32)
        return kind, f"{n} bytes deleted at byte {at}", bytes(data[:at] + data[at + n :])
    if kind == "truncate":
        at = rng.randint(0, len(data))
        return kind, f"cut after byte {at} of {len(data)}", bytes(data[:at])
    if kind == "empty_file":
        return kind, "file emptied", b""
    if kind == "delete_file":
        return kind, "file deleted", None
    if kind == "bom":
        boms = [codecs.BOM_UTF8, codecs.BOM_UTF8 * 2, codecs.BOM_UTF16_LE, codecs.BOM_UTF32]
        bom = rng.choice(boms)
        return kind, f"byte-order mark {bom!r} added", bom + bytes(data)
    if kind == "crlf":
        return kind, "line ends CRLF", bytes(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "cr_only":
        return kind, "line ends CR only", bytes(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    encoding = rng.choice(ENCODINGS)
    text = raw.decode("utf-8-sig")
    lines = text.split("\n")
    if rng.random() < 0.8 and len(lines) > 1:  # something the encoding changes, in row 2
        lines[1] = lines[1].rstrip("\r") + rng.choice(["é", "铝", "Gießerei", "鋁合金 Ålborg"])
    text = "\n".join(lines)
    return kind, f"re-encoded as {encoding}", text.encode(encoding, errors="replace")


# -- CSV ----------------------------------------------------------------------------------
def _csv_mutation(rng: random.Random, file: str, raw: bytes) -> tuple[str, str, bytes]:
    rows = _read_rows(raw)
    header = rows[0]
    kind = rng.choice(
        [
            "replace_cell",
            "replace_cell",
            "replace_cell",
            "replace_cells",
            "delete_column",
            "duplicate_column",
            "rename_column",
            "swap_columns",
            "swap_headers",
            "delete_rows",
            "duplicate_rows",
            "shuffle_rows",
            "ragged_row",
            "blank_lines",
            "header_only",
        ]
    )
    if kind in ("replace_cell", "replace_cells"):
        changes = []
        for _ in range(1 if kind == "replace_cell" else rng.randint(2, 3)):
            r = rng.randrange(len(rows)) if rng.random() < 0.05 else rng.randint(1, len(rows) - 1)
            c = rng.randrange(len(rows[r]))
            column = header[c] if c < len(header) else "?"
            value = _random_cell(rng, file, column)
            rows[r][c] = value
            changes.append(f"row {r + 1} {column}={value!r}")
        return kind, "; ".join(changes), _write_rows(rows)
    if kind == "delete_column":
        c = rng.randrange(len(header))
        return kind, f"column {header[c]} deleted", _write_rows([r[:c] + r[c + 1 :] for r in rows])
    if kind == "duplicate_column":
        c = rng.randrange(len(header))
        return kind, f"column {header[c]} twice", _write_rows([[*r, r[c]] for r in rows])
    if kind == "rename_column":
        c = rng.randrange(len(header))
        old = header[c]
        new = rng.choice(
            [
                old.upper(),
                old + " ",
                " " + old,
                old[:-1],
                old + "_x",
                "",
                old.replace("_", " "),
                "铝",
            ]
        )
        rows[0][c] = new
        return kind, f"column {old!r} renamed {new!r}", _write_rows(rows)
    if kind in ("swap_columns", "swap_headers"):
        a, b = rng.sample(range(len(header)), 2) if len(header) > 1 else (0, 0)
        targets = rows[:1] if kind == "swap_headers" else rows
        for r in targets:
            if max(a, b) < len(r):
                r[a], r[b] = r[b], r[a]
        return kind, f"columns {header[b]} and {header[a]} swapped", _write_rows(rows)
    if kind == "delete_rows":
        doomed = set(rng.sample(range(1, len(rows)), rng.randint(1, max(1, (len(rows) - 1) // 3))))
        kept = [r for i, r in enumerate(rows) if i not in doomed]
        return kind, f"rows {sorted(i + 1 for i in doomed)} deleted", _write_rows(kept)
    if kind == "duplicate_rows":
        r = rng.randint(1, len(rows) - 1)
        return kind, f"row {r + 1} duplicated", _write_rows([*rows, list(rows[r])])
    if kind == "shuffle_rows":
        body = rows[1:]
        rng.shuffle(body)
        return kind, "data rows shuffled", _write_rows([header, *body])
    if kind == "ragged_row":
        r = rng.randint(1, len(rows) - 1)
        width = rng.choice([0, 1, len(header) - 1, len(header) + 1, len(header) + 5])
        rows[r] = (rows[r] + ["x"] * 6)[:width]
        return kind, f"row {r + 1} has {width} fields", _write_rows(rows)
    if kind == "blank_lines":
        text = raw.decode("utf-8-sig")
        lines = text.splitlines()
        at = rng.randint(1, len(lines))
        lines[at:at] = ["", " ,", ",,,"][: rng.randint(1, 3)]
        return kind, f"blank lines at line {at + 1}", ("\n".join(lines) + "\n").encode("utf-8")
    return kind, "data rows deleted", _write_rows(rows[:1])


# -- network.toml -------------------------------------------------------------------------
_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_\-\"'.]+)(\s*=\s*)(.*)$")
_HEADER = re.compile(r"^\s*\[")


def _param_paths() -> list[tuple[str, str, tuple[float, float]]]:
    """Every bounded parameter as ``(table, key, (lo, hi))``."""
    from pydantic import BaseModel

    from logistics.network.params import Params
    from logistics.network.ranges import bounds

    found = []

    def walk(model: type[BaseModel], prefix: tuple[str, ...]) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, (*prefix, name))
                continue
            lo, hi = bounds(field)
            if lo is not None and hi is not None:
                found.append((".".join(prefix), name, (lo, hi)))

    walk(Params, ())
    return found


def _set_toml_key(lines: list[str], table: str, key: str, value: str) -> list[str]:
    """``lines`` with ``key = value`` set in ``[table]`` (replaced, inserted or appended)."""
    lines = list(lines)
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{table}]"), None)
    if start is None:
        return [*lines, "", f"[{table}]", f"{key} = {value}"]
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    for i in range(start + 1, end):
        m = _ASSIGN.match(lines[i])
        if m and m.group(2) == key:
            lines[i] = f"{m.group(1)}{key}{m.group(3)}{value}"
            return lines
    lines.insert(start + 1, f"{key} = {value}")
    return lines


def _toml_mutation(rng: random.Random, raw: bytes) -> tuple[str, str, bytes]:
    lines = raw.decode("utf-8-sig").splitlines()
    assigns = [i for i, line in enumerate(lines) if _ASSIGN.match(line)]
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    kind = rng.choice(
        [
            "toml_value",
            "toml_value",
            "toml_range",
            "toml_range",
            "toml_rename_key",
            "toml_delete_line",
            "toml_duplicate_line",
            "toml_add_key",
            "toml_header",
        ]
    )
    if kind == "toml_value" and assigns:
        i = rng.choice(assigns)
        m = _ASSIGN.match(lines[i])
        assert m is not None
        value = rng.choice(TOML_VALUES) if rng.random() < 0.7 else repr(rng.uniform(-1e4, 1e4))
        lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{value}"
        detail = f"line {i + 1}: {m.group(2)} = {value}"
    elif kind == "toml_range":
        table, key, (lo, hi) = rng.choice(_param_paths())
        value = _number_near(rng, lo, hi)
        lines = _set_toml_key(lines, table, key, value)
        detail = f"[{table}] {key} = {value}"
    elif kind == "toml_rename_key" and assigns:
        i = rng.choice(assigns)
        m = _ASSIGN.match(lines[i])
        assert m is not None
        key = m.group(2)
        new = rng.choice(
            [key.upper(), key[:-1] or "x", key + "s", key.replace("_", "-"), '"' + key + '"']
        )
        lines[i] = f"{m.group(1)}{new}{m.group(3)}{m.group(4)}"
        detail = f"line {i + 1}: key {key!r} renamed {new!r}"
    elif kind == "toml_delete_line" and lines:
        i = rng.randrange(len(lines))
        detail = f"line {i + 1} deleted ({lines[i]!r})"
        del lines[i]
    elif kind == "toml_duplicate_line" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i + 1, lines[i])
        detail = f"line {i + 1} duplicated ({lines[i]!r})"
    elif kind == "toml_header" and headers:
        i = rng.choice(headers)
        new = rng.choice(
            ["[raods]", "[thermal.thermal]", "[[roads]]", "[", "[economics.ingot]", "[]"]
        )
        detail = f"line {i + 1}: {lines[i]!r} → {new!r}"
        lines[i] = new
    else:
        kind = "toml_add_key"
        key = rng.choice(["speed", "plan_day", "roads", "thermal", "name", "timezone", "x.y.z"])
        value = rng.choice(TOML_VALUES)
        at = rng.randint(0, len(lines))
        lines.insert(at, f"{key} = {value}")
        detail = f"line {at + 1}: {key} = {value} added"
    return kind, detail, ("\n".join(lines) + "\n").encode("utf-8")


# -- roads.graphml --------------------------------------------------------------------------
def _graph_mutation(rng: random.Random, raw: bytes) -> tuple[str, str, bytes]:
    text = raw.decode("utf-8")
    values = re.findall(r'<data key="(d\d+)">([^<]*)</data>', text)
    if not values:
        return "graph_value", "nothing to change", raw
    kind = rng.choice(["graph_value", "graph_value", "graph_drop"])
    target = rng.randrange(len(values))
    count = -1

    def change(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if count != target:
            return m.group(0)
        if kind == "graph_drop":
            return ""
        new = rng.choice([*EDGE_CELLS[:30], "-5", "0", "1e6", "200", "0.5", "east"])
        new = new.replace("&", "&amp;").replace("<", "&lt;")
        return f'<data key="{m.group(1)}">{new}</data>'

    mutated = re.sub(r'<data key="(d\d+)">([^<]*)</data>', change, text)
    what = "removed" if kind == "graph_drop" else "replaced"
    return kind, f"attribute {target} ({values[target][1]!r}) {what}", mutated.encode("utf-8")


def draw_mutation(seed: int) -> tuple[Mutation, dict[str, bytes | None]]:
    """The mutation of ``seed`` and the folder's files after it (``None``: deleted).

    Parameters
    ----------
    seed : int
        The mutation's seed (≥ 0); the same seed always gives the same files.

    Returns
    -------
    tuple
        The :class:`Mutation` and file name → bytes of the mutated folder.
    """
    rng = random.Random(seed)
    network = rng.choice(NETWORKS)
    files: dict[str, bytes | None] = dict(network_files(network))
    names = sorted(files)
    name = "roads.graphml" if network == "tiny_roads" else rng.choice(names)
    raw = files[name]
    assert raw is not None
    family = rng.random()
    if family < 0.3:
        kind, detail, new = _bytes_mutation(rng, raw)
    elif name.endswith(".csv"):
        kind, detail, new = _csv_mutation(rng, name, raw)
    elif name == "network.toml":
        kind, detail, new = _toml_mutation(rng, raw)
    else:
        kind, detail, new = _graph_mutation(rng, raw)
    files[name] = new
    return Mutation(seed, network, name, kind, detail), files


def write_folder(folder: Path, files: dict[str, bytes | None]) -> Path:
    """Write a mutated folder's files (a ``None`` file is left out); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if data is not None:
            (folder / name).write_bytes(data)
    return folder


# -------------------------------------------------------------------------------- outcomes
@dataclass
class Outcome:
    """What loading (and maybe the console script) made of one mutation.

    Attributes
    ----------
    mutation : Mutation
        The mutation.
    result : str
        ``loaded``, ``input_error`` or ``failure``.
    files_named : list of str
        Files the problems name (``input_error``).
    problems : int
        Number of problems (``input_error``).
    error : str
        What failed (``failure``): the exception or the console script's misbehaviour.
    cli_exit : int or None
        Exit code of the console script, when it ran.
    """

    mutation: Mutation
    result: str
    files_named: list[str]
    problems: int = 0
    error: str = ""
    cli_exit: int | None = None


def check_input_error(exc: Any, known: set[str]) -> str:
    """What is wrong with an InputError's problems (empty when they are all fine)."""
    if not exc.problems:
        return "InputError without problems"
    for problem in exc.problems:
        if problem.file not in known:
            return f"problem names unknown file {problem.file!r}: {problem}"
        if problem.row is not None and problem.row < 1:
            return f"problem with row {problem.row}: {problem}"
        if not problem.message:
            return f"problem without message: {problem}"
        text = str(problem)
        if len(text.splitlines()) != 1:
            return f"problem is not one line: {text!r}"
        if not text.startswith(problem.file):
            return f"problem does not start with its file: {text!r}"
    return ""


def load_outcome(mutation: Mutation, folder: Path) -> Outcome:
    """Load a mutated folder in this process and classify the outcome."""
    from logistics.errors import InputError
    from logistics.network.loader import load_network

    known = set(LOADED_FILES)
    try:
        load_network(folder)
    except InputError as exc:
        wrong = check_input_error(exc, known)
        named = sorted({p.file for p in exc.problems})
        if wrong:
            return Outcome(mutation, "failure", named, len(exc.problems), wrong)
        return Outcome(mutation, "input_error", named, len(exc.problems))
    except Exception as exc:  # anything else is a failure of the loader
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        return Outcome(
            mutation, "failure", [], 0, f"{type(exc).__name__}: {exc}\n{''.join(tb[-6:])}"
        )
    return Outcome(mutation, "loaded", [])


def molten_script() -> Path:
    """The installed ``molten`` console script beside this Python."""
    return Path(sys.executable).parent / "molten"


def cli_check(outcome: Outcome, folder: Path, work: Path) -> Outcome:
    """Run ``molten plan`` on the folder and check it agrees with the library's outcome.

    The console script must exit 2 exactly when loading raised an InputError: stderr
    without a traceback, every line of it naming a file of the folder (one line for one
    problem), nothing written to ``--out``; otherwise 0 (the plan written) or 3 (no
    orders on the day).
    """
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "MOLTEN_DEBUG": ""}
    env.pop("MOLTEN_DEBUG")
    try:
        done = subprocess.run(
            [str(molten_script()), "plan", str(folder), "--solver", "greedy",
             "--time-limit", "1", "--out", str(out)],
            capture_output=True, text=True, timeout=CLI_TIMEOUT_S, env=env,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        outcome.result, outcome.error = "failure", f"console script ran over {CLI_TIMEOUT_S:g} s"
        return outcome
    outcome.cli_exit = done.returncode
    said = done.stdout + done.stderr
    wrong = ""
    if "Traceback" in said:
        wrong = "traceback on the console"
    elif outcome.result == "input_error":
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        body = [line.strip() for line in lines if line.strip() != "bad input:"]
        if done.returncode != 2:
            wrong = f"library raised InputError, console script exited {done.returncode}"
        elif out.exists():
            wrong = "exit 2 but --out was written"
        elif outcome.problems == 1 and len(lines) != 1:
            wrong = f"one problem but {len(lines)} lines on stderr"
        elif not body or not all(
            any(line.removeprefix("bad input: ").startswith(f) for f in LOADED_FILES)
            or line.startswith("... and ")
            for line in body
        ):
            wrong = "a line of stderr names no file of the folder"
    elif done.returncode not in (0, 3):
        wrong = f"library loaded the folder, console script exited {done.returncode}"
    elif done.returncode == 0 and not (out / "plan.json").is_file():
        wrong = "exit 0 without plan.json"
    elif done.returncode == 3 and out.exists():
        wrong = "exit 3 but --out was written"
    if wrong:
        outcome.result = "failure"
        outcome.error = f"{wrong}; stderr: {done.stderr.strip()[-600:]!r}"
    return outcome


def run_mutation(seed: int, work: Path, cli: bool = False) -> Outcome:
    """Draw, write and load one mutation (and run the console script on it if ``cli``)."""
    mutation, files = draw_mutation(seed)
    folder = work / f"m{seed}"
    shutil.rmtree(folder, ignore_errors=True)
    write_folder(folder, files)
    try:
        outcome = load_outcome(mutation, folder)
        if cli and outcome.result != "failure":
            outcome = cli_check(outcome, folder, work)
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_loader_fuzz(
    mutations: int,
    seed: int,
    cli_every: int = DEFAULT_CLI_EVERY,
    results_dir: Path | None = None,
    command: str = "",
    progress: Callable[[int, Outcome], None] | None = None,
) -> dict[str, Any]:
    """Run mutations ``seed … seed + mutations − 1``; summarise (and write) the results.

    Parameters
    ----------
    mutations : int
        How many mutations (≥ 1).
    seed : int
        The first seed (≥ 0).
    cli_every : int
        Every ``cli_every``-th mutation also runs through the console script (0: none).
    results_dir : Path, optional
        Where ``loader-fuzz-<date>.json`` and ``latest-loader-fuzz.md`` go; ``None``
        writes nothing.
    command : str
        The command line recorded in the results.
    progress : callable, optional
        Called with the mutation's index and outcome after each one.

    Returns
    -------
    dict
        The results, as written to the JSON file.
    """
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="loader-fuzz-") as tmp:
        work = Path(tmp)
        for i in range(mutations):
            cli = cli_every > 0 and i % cli_every == 0
            outcome = run_mutation(seed + i, work, cli)
            outcomes.append(outcome)
            if progress:
                progress(i, outcome)
    result = summarise(outcomes, seed, time.perf_counter() - started, command)
    if results_dir is not None:
        write_results(result, results_dir)
    return result


def summarise(
    outcomes: Sequence[Outcome], seed: int, wall_s: float, command: str
) -> dict[str, Any]:
    """The results of a run: counts by outcome, by file and by kind, and every failure."""
    by_result = Counter(o.result for o in outcomes)
    exit2_by_file: Counter[str] = Counter()
    for o in outcomes:
        for name in o.files_named:
            exit2_by_file[name] += 1
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    mutated_file: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        by_kind[o.mutation.kind][o.result] += 1
        mutated_file[o.mutation.file][o.result] += 1
    cli = [o for o in outcomes if o.cli_exit is not None or "console" in o.error]
    return {
        "benchmark": "loader-fuzz",
        "date": date.today().isoformat(),
        "command": command,
        "python": sys.version.split()[0],
        "mutations": len(outcomes),
        "seeds": [seed, seed + len(outcomes) - 1],
        "outcomes": {k: by_result.get(k, 0) for k in ("loaded", "input_error", "failure")},
        "exit2_problems_by_file": dict(sorted(exit2_by_file.items())),
        "by_mutated_file": {k: dict(v) for k, v in sorted(mutated_file.items())},
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "console_script": {
            "runs": len(cli),
            "exit_codes": dict(sorted(Counter(str(o.cli_exit) for o in cli).items())),
        },
        "failures": [
            {**asdict(o.mutation), "error": o.error, "cli_exit": o.cli_exit}
            for o in outcomes
            if o.result == "failure"
        ],
        "wall_s": round(wall_s, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    """The results as the markdown of ``latest-loader-fuzz.md``."""
    o = result["outcomes"]
    lines = [
        f"# Bad-input fuzzing of the loader, {result['date']}",
        "",
        f"`{result['command']}`" if result["command"] else "",
        "",
        f"- mutations: {result['mutations']} (seeds {result['seeds'][0]}–{result['seeds'][1]})",
        f"- loaded: {o['loaded']}; exit 2 (InputError): {o['input_error']}; "
        f"failures: {o['failure']}",
        f"- console script runs: {result['console_script']['runs']}, exit codes "
        + ", ".join(f"{k}: {v}" for k, v in result["console_script"]["exit_codes"].items()),
        f"- wall time: {result['wall_s']} s",
        "",
        "## By mutated file",
        "",
        "| file | loaded | exit 2 | failures |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, counts in result["by_mutated_file"].items():
        lines.append(
            f"| {name} | {counts.get('loaded', 0)} | {counts.get('input_error', 0)} | "
            f"{counts.get('failure', 0)} |"
        )
    lines += [
        "",
        "## Exit 2: problems naming each file",
        "",
        "| file | mutations |",
        "| --- | ---: |",
    ]
    lines += [f"| {k} | {v} |" for k, v in result["exit2_problems_by_file"].items()]
    lines += ["", "## By kind of mutation", "", "| kind | loaded | exit 2 | failures |"]
    lines += ["| --- | ---: | ---: | ---: |"]
    for kind, counts in result["by_kind"].items():
        lines.append(
            f"| {kind} | {counts.get('loaded', 0)} | {counts.get('input_error', 0)} | "
            f"{counts.get('failure', 0)} |"
        )
    lines += ["", "## Failures", ""]
    if not result["failures"]:
        lines.append("None.")
    for f in result["failures"]:
        lines.append(
            f"- seed {f['seed']} ({f['network']}, {f['file']}, {f['kind']}: {f['detail']}): "
            f"{f['error'].splitlines()[0] if f['error'] else ''} — replay with "
            f"`python -m benchmarks loader-fuzz --mutations 1 --seed {f['seed']}`"
        )
    return "\n".join(lines) + "\n"


def write_results(result: dict[str, Any], results_dir: Path) -> tuple[Path, Path]:
    """Write ``loader-fuzz-<date>.json`` and ``latest-loader-fuzz.md``; return both paths."""
    results_dir.mkdir(parents=True, exist_ok=True)
    data = results_dir / f"loader-fuzz-{result['date']}.json"
    data.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = results_dir / "latest-loader-fuzz.md"
    md.write_text(markdown(result), encoding="utf-8")
    return data, md


# -------------------------------------------------------------------------- command line
def add_parser(sub: Any, results_default: str) -> None:
    """Add the ``loader-fuzz`` subcommand to the benchmark command line."""
    p = sub.add_parser("loader-fuzz", help="mutated network folders through the loader")
    p.add_argument(
        "--mutations", type=int, default=DEFAULT_MUTATIONS,
        help=f"mutations to try (default {DEFAULT_MUTATIONS})",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument(
        "--cli-every", type=int, default=DEFAULT_CLI_EVERY,
        help="every N-th mutation also through the console script "
        f"(default {DEFAULT_CLI_EVERY}; 0: none)",
    )  # fmt: skip
    p.add_argument("--results-dir", default=results_default, help="where results go")
    p.add_argument("--dry", action="store_true", help="print only, write no files")


def command(args: argparse.Namespace) -> int:
    """Run ``python -m benchmarks loader-fuzz``; 0 when nothing failed, 1 otherwise."""
    if args.mutations < 1 or args.seed < 0 or args.cli_every < 0:
        raise SystemExit("loader-fuzz: --mutations ≥ 1, --seed ≥ 0 and --cli-every ≥ 0")
    line = f"python -m benchmarks loader-fuzz --mutations {args.mutations} --seed {args.seed}"
    if args.cli_every != DEFAULT_CLI_EVERY:
        line += f" --cli-every {args.cli_every}"
    step = max(1, args.mutations // 20)

    def progress(i: int, outcome: Outcome) -> None:
        if outcome.result == "failure":
            m = outcome.mutation
            first = outcome.error.splitlines()[0] if outcome.error else ""
            print(f"FAILED seed {m.seed} ({m.network}/{m.file} {m.kind}): {first}")
        elif (i + 1) % step == 0:
            print(f"{i + 1}/{args.mutations} mutations", flush=True)

    result = run_loader_fuzz(
        args.mutations,
        args.seed,
        args.cli_every,
        None if args.dry else Path(args.results_dir),
        command=line,
        progress=progress,
    )
    print(markdown(result))
    return 1 if result["failures"] else 0
