"""Folders are written whole, with the user's umask, and a failure leaves the old one."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import logistics.runtime.atomic as atomic
from logistics.dispatch.folder import StagedFolder
from logistics.network.loader import load_network
from logistics.network.synthetic import generate_network
from logistics.plan.files import read_plan, write_plan
from logistics.runtime.atomic import write_folder

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write(text: str) -> Callable[[Path], None]:
    def fill(folder: Path) -> None:
        (folder / "a.txt").write_text(text)

    return fill


def test_a_folder_gets_the_umask_like_any_folder_the_user_makes(
    tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "out"
    write_folder(target, write("one"))
    assert oct(mode(target)) == oct(0o755)  # tempfile.mkdtemp would make it 0700
    os.umask(0o027)
    write_folder(target, write("two"))
    assert oct(mode(target)) == oct(0o750)
    assert (target / "a.txt").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("swap", ["exchange", "two-renames"])
def test_a_folder_is_replaced_whole(tmp_path: Path, monkeypatch, swap: str) -> None:
    target = tmp_path / "out"
    write_folder(target, write("old"))
    (target / "b.txt").write_text("only in the old folder")
    if swap == "two-renames":
        monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    write_folder(target, write("new"), durable=True)
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    assert (target / "a.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_while_filling_leaves_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_folder(target, write("old"))

    def broken(folder: Path) -> None:
        (folder / "a.txt").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_folder(target, broken)
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("swap", ["exchange", "two-renames"])
def test_a_failure_while_swapping_leaves_the_old_folder(
    tmp_path: Path, monkeypatch, swap: str
) -> None:
    target = tmp_path / "out"
    write_folder(target, write("old"))
    if swap == "exchange":

        def refuse(a: Path, b: Path) -> bool:
            raise PermissionError(13, "refused")

        monkeypatch.setattr(atomic, "exchange", refuse)
    else:
        monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
        real_replace = os.replace

        def replace(src, dst):  # the old folder goes aside; the new one cannot come in
            if Path(src).name.startswith(".out.new-"):
                raise OSError("rename refused")
            return real_replace(src, dst)

        monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        write_folder(target, write("new"))
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _plan():
    return read_plan(TESTS / "data" / "tiny_plan", load_network(TESTS / "data" / "tiny"))


def _write_plan(target: Path) -> None:
    write_plan(_plan(), target)


def _staged_plan(target: Path) -> None:
    StagedFolder(_plan(), target).put_in_place()


def _network(target: Path) -> None:
    generate_network(target, smelters=1, casters=3, tonnes=100, seed=1, overwrite=True)


def _study(target: Path) -> None:
    from logistics.siting import run_study, write_study
    from tests.siting.conftest import siting_study

    write_study(run_study(siting_study(days=1, simulate=1), workers=1), target)


@pytest.mark.parametrize(
    "writer",
    [_write_plan, _staged_plan, _network, _study],
    ids=["plan folder", "dispatch --out", "generated network", "study folder"],
)
def test_every_folder_molten_writes_is_readable_by_others(
    tmp_path: Path, umask_022: None, writer: Callable[[Path], None]
) -> None:
    target = tmp_path / "out"
    writer(target)
    writer(target)  # replacing one too
    assert oct(mode(target)) == oct(0o755)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
