"""``molten plan`` refuses bad input and bad options with exit code 2 and writes nothing."""

from __future__ import annotations

import pytest

from logistics.cli.main import main
from tests.conftest import TINY


def _exit_code(monkeypatch, *args: str) -> int:
    """Run ``molten`` with the given arguments; the code it exits with."""
    monkeypatch.setattr("sys.argv", ["molten", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    return stop.value.code


def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    import shutil

    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    orders = (folder / "orders.csv").read_text().replace("O1,C1,ADC12,6,", "O1,C1,ADC12,-6,")
    (folder / "orders.csv").write_text(orders)
    out = tmp_path / "plan"
    assert _exit_code(monkeypatch, "plan", str(folder), "--out", str(out)) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "orders.csv, row 2, column 'tonnes'" in err


@pytest.mark.parametrize("option", [["--workers", "0"], ["--time-limit", "0"]])
def test_bad_option_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch, option):
    out = tmp_path / "plan"
    assert _exit_code(monkeypatch, "plan", str(TINY), *option, "--out", str(out)) == 2
    assert not out.exists()
    assert option[0] in capsys.readouterr().err
