"""Fuzzing the loader: whatever a file holds, the outcome is a Network or an InputError.

Each test replaces one file of the tiny network and loads the folder. Any exception
other than :class:`InputError` fails the test; an InputError must name a known file in
every problem, with a spreadsheet row of at least 1 (or none for file-level problems).
Where the breakage is known, the tests also check *where* it is reported.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Network
from tests.conftest import NETWORK_CSVS, TINY, copy_tiny, read_table

FILES = (*NETWORK_CSVS, "network.toml")

#: Required columns per file, as docs/network-format.md lists them.
REQUIRED = {
    "smelters.csv": {"smelter_id", "name", "lat", "lon", "open", "close", "fill_min"},
    "production.csv": {"smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"},
    "casters.csv": {
        "caster_id",
        "name",
        "lat",
        "lon",
        "open",
        "close",
        "min_pour_c",
        "unload_min",
    },
    "fleet.csv": {
        "truck_id",
        "home_smelter",
        "ladles",
        "ladle_t",
        "tau_h",
        "shift_start",
        "shift_end",
    },
    "orders.csv": {
        "order_id",
        "caster_id",
        "alloy",
        "tonnes",
        "window_start",
        "window_end",
        "placed_at",
    },
}

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_CELLS = [
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e400",
    "-1e400",
    "1e-400",
    "9" * 400,
    "0x10",
    "1_000",
    "",
    "   ",
    "0",
    "-0",
    "１２",  # full-width digits
    "٣",  # Arabic-Indic digit
    "²",
    "True",
    "None",
    "null",
    "'",
    '"',
    "\x00",
    "\ufeff",
    "\u2028",
    "99:99",
    "48:00",
    "24:00",
    "-1:00",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-12:00",
    "9999-12-31T23:59",
    "2026-02-29T08:00",
    "T",
    "S1",
    "C1",
    "ADC12",
    "a;b|c",
    "=1+1",
]


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """One writable copy of tiny for the whole module; tests restore what they break."""
    with tempfile.TemporaryDirectory() as tmp:
        yield copy_tiny(Path(tmp) / "net")


def load_with(folder: Path, file: str, content: bytes) -> Network | InputError:
    """Load ``folder`` with ``file`` replaced by ``content``; restore it afterwards.

    Returns the Network or the InputError; any other exception propagates (and fails
    the test).
    """
    path = folder / file
    original = path.read_bytes()
    path.write_bytes(content)
    try:
        return load_network(folder)
    except InputError as exc:
        assert exc.problems, "an InputError without problems"
        for p in exc.problems:
            assert p.file in FILES, p
            assert p.row is None or p.row >= 1, p
            assert p.message, p
            assert str(p).startswith(p.file)
        assert str(exc)  # printable
        return exc
    finally:
        path.write_bytes(original)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def original_rows(file: str) -> list[list[str]]:
    return read_table(TINY / file)


@pytest.fixture(scope="module")
def reference(folder: Path) -> Network:
    return load_network(folder)


# -- (a) random bytes and random text ---------------------------------------------------
@FUZZ
@given(file=st.sampled_from(FILES), content=st.binary(max_size=3000))
def test_random_bytes(folder: Path, file: str, content: bytes) -> None:
    outcome = load_with(folder, file, content)
    if isinstance(outcome, InputError) and file != "network.toml":
        assert file in {p.file for p in outcome.problems}


@FUZZ
@given(file=st.sampled_from(FILES), content=st.text(max_size=2000))
def test_random_text(folder: Path, file: str, content: str) -> None:
    load_with(folder, file, content.encode("utf-8"))


def csvish_text() -> st.SearchStrategy[str]:
    """Text made of CSV punctuation, digits, times and letters: deeper than random text."""
    pieces = st.sampled_from(
        [",", '"', "\n", "\r\n", "\r", ":", ".", "-", "e", "1", "9", "0", " ", ";", *NASTY_CELLS]
    )
    return st.lists(pieces, max_size=200).map("".join)


@FUZZ
@given(file=st.sampled_from(NETWORK_CSVS), body=csvish_text())
def test_header_then_random_csv_text(folder: Path, file: str, body: str) -> None:
    header = ",".join(original_rows(file)[0])
    load_with(folder, file, (header + "\n" + body).encode("utf-8"))


# -- (b) columns dropped, shuffled or repeated ------------------------------------------
@FUZZ
@given(file=st.sampled_from(NETWORK_CSVS), data=st.data())
def test_columns_dropped_or_shuffled(
    folder: Path, reference: Network, file: str, data: st.DataObject
) -> None:
    rows = original_rows(file)
    header = rows[0]
    order = data.draw(st.permutations(range(len(header))), label="column order")
    keep = data.draw(st.lists(st.booleans(), min_size=len(header), max_size=len(header)))
    kept = [i for i in order if keep[i]]
    outcome = load_with(folder, file, csv_bytes([[r[i] for i in kept] for r in rows]))

    dropped = {header[i] for i in range(len(header)) if not keep[i]}
    missing = dropped & REQUIRED[file]
    if missing:
        assert isinstance(outcome, InputError)
        assert {(p.file, p.row, p.column) for p in outcome.problems} == {
            (file, 1, col) for col in missing
        }
    else:
        # only optional columns gone: loads; with none gone, the very same network
        assert isinstance(outcome, Network)
        if not dropped:
            assert outcome == reference


@FUZZ
@given(file=st.sampled_from(NETWORK_CSVS), data=st.data())
def test_repeated_column(folder: Path, file: str, data: st.DataObject) -> None:
    rows = original_rows(file)
    i = data.draw(st.integers(0, len(rows[0]) - 1))
    outcome = load_with(folder, file, csv_bytes([[*r, r[i]] for r in rows]))
    assert isinstance(outcome, InputError)
    assert [(p.file, p.row, p.column) for p in outcome.problems] == [(file, 1, rows[0][i])]


# -- (c) cells replaced by NaN, inf, huge numbers, empty strings, random unicode ---------
def cell_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_CELLS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats().map(lambda x: f"{x:.17g}"),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=30),
    )


@FUZZ
@given(file=st.sampled_from(NETWORK_CSVS), data=st.data())
def test_cells_replaced(folder: Path, file: str, data: st.DataObject) -> None:
    rows = original_rows(file)
    n_rows, n_cols = len(rows), len(rows[0])
    cells = data.draw(
        st.lists(
            st.tuples(st.integers(1, n_rows - 1), st.integers(0, n_cols - 1), cell_values()),
            min_size=1,
            max_size=4,
        ),
        label="cells",
    )
    for r, c, value in cells:
        rows[r][c] = value
    outcome = load_with(folder, file, csv_bytes(rows))
    if isinstance(outcome, InputError):
        edited_rows = {r + 1 for r, _, _ in cells}  # spreadsheet rows
        for p in outcome.problems:
            if p.file != file or p.row is None or p.message.startswith("duplicate"):
                continue  # cross-file, file-level (NUL, no rows) or the later duplicate
            assert p.row in edited_rows, (p, cells)


@pytest.mark.parametrize("file", NETWORK_CSVS)
def test_every_nasty_value_in_every_cell_of_row_2(folder: Path, file: str) -> None:
    """Exhaustive sweep: hypothesis alone rarely puts a year-9999 time in a time column."""
    rows = original_rows(file)
    for c, column in enumerate(rows[0]):
        for value in NASTY_CELLS:
            broken = [list(r) for r in rows]
            broken[1][c] = value
            outcome = load_with(folder, file, csv_bytes(broken))
            if isinstance(outcome, InputError):
                for p in outcome.problems:
                    if p.file == file and p.row is not None and "duplicate" not in p.message:
                        assert p.row == 2, (column, value, p)


@FUZZ
@given(file=st.sampled_from(NETWORK_CSVS), data=st.data())
def test_rows_with_too_few_or_too_many_fields(folder: Path, file: str, data: st.DataObject) -> None:
    rows = original_rows(file)
    r = data.draw(st.integers(1, len(rows) - 1))
    width = data.draw(st.integers(0, len(rows[0]) + 3).filter(lambda w: w != len(rows[0])))
    rows[r] = (rows[r] + ["x"] * 3)[:width]
    outcome = load_with(folder, file, csv_bytes(rows))
    # fewer fields may still load (only optional cells lost); more never does
    if width > len(rows[0]):
        assert isinstance(outcome, InputError)
        assert [(p.file, p.row, p.column) for p in outcome.problems] == [(file, r + 1, None)]


# -- (d) non-UTF-8 encodings --------------------------------------------------------------
TEXT_COLUMN = {  # a free-text (or id) column per file
    "smelters.csv": "name",
    "casters.csv": "name",
    "production.csv": "alloy",
    "fleet.csv": "truck_id",
    "orders.csv": "alloy",
}
CHINESE = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1)
LATIN1 = st.text(st.characters(min_codepoint=0xA0, max_codepoint=0xFF), min_size=1)


@FUZZ
@given(
    file=st.sampled_from(NETWORK_CSVS),
    encoding_and_text=st.one_of(
        st.tuples(st.just("gbk"), CHINESE),
        st.tuples(st.just("gb18030"), CHINESE),
        st.tuples(st.just("big5"), st.sampled_from(["佛山", "江門", "鋁合金", "壓鑄廠"])),
        st.tuples(st.just("latin-1"), LATIN1),
        st.tuples(st.just("cp1252"), st.sampled_from(["Légierung", "Gießerei", "Ålborg"])),
    ),
    data=st.data(),
)
def test_non_utf8_encodings(
    folder: Path, file: str, encoding_and_text: tuple[str, str], data: st.DataObject
) -> None:
    encoding, text = encoding_and_text
    rows = original_rows(file)
    r = data.draw(st.integers(1, len(rows) - 1), label="row")
    rows[r][rows[0].index(TEXT_COLUMN[file])] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    raw = out.getvalue().encode(encoding)
    outcome = load_with(folder, file, raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        # exactly one problem: this file, the row holding the text, no column
        assert isinstance(outcome, InputError)
        assert [(p.file, p.row, p.column) for p in outcome.problems] == [(file, r + 1, None)]
        assert "not UTF-8" in outcome.problems[0].message
    # else: the bytes happen to be valid UTF-8 (latin-1 'Ã©' is UTF-8 'é'); any allowed
    # outcome is fine, load_with has checked it


# -- network.toml ----------------------------------------------------------------------
TOML_VALUES = st.one_of(
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "1e308",
            "-1e308",
            "0",
            "-1",
            "1e400",
            "true",
            '""',
            '"x"',
            "[]",
            "{}",
            "9999-12-31",
            "0001-01-01",
            "08:00:00",
            "2026-11-23T08:00:00+08:00",
            '"Asia"',  # a directory of the tz database
            '"Asia/Shanghai"',
            '"../../etc/passwd"',
            '"/etc/localtime"',
            '"' + "a" * 300 + '"',
            '"UTC\\u0000"',
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)
TOML_KEYS = st.sampled_from(
    [
        "name",
        "timezone",
        "plan_date",
        "roads.circuity",
        "roads.speed_kmh",
        "thermal.ambient_c",
        "thermal.margin_c",
        "planning.lead_time_h",
        "economics.ingot.energy",
        "economics.alloy_price_t",
        "emissions.truck_km",
        "roads",
        "unknown",
        "roads.unknown",
    ]
)


@FUZZ
@given(settings_=st.dictionaries(TOML_KEYS, TOML_VALUES, max_size=4))
def test_network_toml_values(folder: Path, settings_: dict[str, str]) -> None:
    # dotted keys at the top level, so any mix of keys is valid TOML syntax (or not)
    lines = [f"{key} = {value}" for key, value in settings_.items()]
    load_with(folder, "network.toml", ("\n".join(lines) + "\n").encode("utf-8"))


def test_fixture_left_tiny_intact(folder: Path, tiny_dir: Path) -> None:
    for file in FILES:
        assert (folder / file).read_bytes() == (tiny_dir / file).read_bytes()


# -- the loader-fuzz benchmark's mutations (benchmarks/loader_fuzz.py) ----------------------
# A bounded, deterministic subset of ``python -m benchmarks loader-fuzz``: the same
# mutations of the sample networks' files, in the library and through the console script.


def test_loader_fuzz_mutations_in_the_library() -> None:
    from benchmarks.loader_fuzz import NETWORKS, run_loader_fuzz

    result = run_loader_fuzz(800, seed=0, cli_every=0)
    assert result["failures"] == []
    outcomes = result["outcomes"]
    assert outcomes["loaded"] + outcomes["input_error"] == 800
    assert outcomes["loaded"] > 100 and outcomes["input_error"] > 400  # both really happen
    # every file of the samples was mutated and named by a problem
    assert set(result["by_mutated_file"]) == {
        *FILES,
        "candidates.csv",
        "roads.graphml",
    }
    assert set(result["exit2_problems_by_file"]) >= set(result["by_mutated_file"])
    assert len(result["by_kind"]) >= 30
    assert len(NETWORKS) == 4


def test_loader_fuzz_mutations_through_the_console_script(tmp_path: Path) -> None:
    from benchmarks.loader_fuzz import molten_script, run_mutation

    assert molten_script().is_file()
    seen = set()
    for seed in range(42, 48):  # bad cells, TOML values and ranges, encodings, columns
        outcome = run_mutation(seed, tmp_path, cli=True)
        assert outcome.result != "failure", (outcome.mutation, outcome.error)
        assert outcome.cli_exit == (2 if outcome.result == "input_error" else outcome.cli_exit)
        assert outcome.cli_exit in (0, 2, 3)
        seen.add(outcome.cli_exit)
    assert {0, 2} <= seen  # plans written and bad input refused, both checked


def test_a_mutation_is_replayed_from_its_seed() -> None:
    from benchmarks.loader_fuzz import draw_mutation

    first, files = draw_mutation(1234)
    again, files_again = draw_mutation(1234)
    assert (first, files) == (again, files_again)
    assert draw_mutation(1235)[1] != files


def test_the_loader_fuzz_catches_a_loader_that_raises(monkeypatch, tmp_path: Path) -> None:
    """The benchmark must be able to fail: a loader raising anything else is a failure."""
    import logistics.network.loader as loader
    from benchmarks.loader_fuzz import run_mutation

    def broken(folder, *args, **kwargs):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(loader, "load_network", broken)
    outcome = run_mutation(7, tmp_path)
    assert outcome.result == "failure"
    assert outcome.error.startswith("OverflowError: cannot convert float infinity")


def test_the_loader_fuzz_checks_every_problem() -> None:
    from benchmarks.loader_fuzz import LOADED_FILES, check_input_error
    from logistics.errors import InputProblem

    known = set(LOADED_FILES)
    good = InputError(InputProblem("fleet.csv", 3, "tau_h", "0 is outside the range"))
    assert check_input_error(good, known) == ""
    assert "unknown file" in check_input_error(
        InputError(InputProblem("/tmp/x/fleet.csv", 3, "tau_h", "bad")), known
    )
    assert "row 0" in check_input_error(InputError(InputProblem("fleet.csv", 0, None, "x")), known)
    assert "without message" in check_input_error(
        InputError(InputProblem("fleet.csv", 2, None, "")), known
    )
