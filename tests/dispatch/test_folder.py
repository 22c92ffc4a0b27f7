"""The plan folder: staged beside its target, swapped in whole, foreign folders refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import logistics.dispatch.folder as folder
import logistics.runtime.atomic as atomic_folders
from logistics.dispatch.folder import StagedFolder, check_target, remove_stale_folders
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.plan.files import read_plan, write_plan
from logistics.plan.model import Plan
from tests.dispatch.tools import TESTS, TINY, folder_snapshot


@pytest.fixture(scope="module")
def plans() -> tuple[Plan, Plan]:
    """Two different plans of the tiny network (a hand-made one and a part of it)."""
    plan = read_plan(TESTS / "data" / "tiny_plan", load_network(TINY))
    smaller = plan.model_copy(update={"runs": plan.runs[:1]})
    return plan, smaller


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "two-renames"])
def test_an_existing_plan_folder_is_replaced_whole(
    plans: tuple[Plan, Plan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, atomic: bool
) -> None:
    old, new = plans
    target = tmp_path / "plans" / "tiny"
    write_plan(old, target)
    if not atomic:
        monkeypatch.setattr(atomic_folders, "exchange", lambda a, b: False)
    staged = StagedFolder(new, target)
    assert read_plan(target) == old  # staging leaves the target alone
    assert staged.path.parent == target.parent and staged.path.name.startswith(".tiny.molten-")
    staged.put_in_place()
    assert read_plan(target).runs == new.runs
    assert sorted(p.name for p in target.parent.iterdir()) == ["tiny"]
    if atomic and staged.swapped_atomically is False:
        pytest.skip("this file system refuses RENAME_EXCHANGE; the fallback was used")
    assert staged.swapped_atomically is atomic
    assert oct(target.stat().st_mode & 0o777) != oct(0o700)  # readable by the app's user


def test_a_new_plan_folder_and_a_discarded_one(plans: tuple[Plan, Plan], tmp_path: Path) -> None:
    plan, _ = plans
    target = tmp_path / "out" / "tiny"
    staged = StagedFolder(plan, target)
    staged.discard()
    assert not target.exists() and list(target.parent.iterdir()) == []
    StagedFolder(plan, target).put_in_place()
    assert read_plan(target) == plan


def test_a_folder_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    target.mkdir()
    (target / "board.pptx").write_bytes(b"slides")
    with pytest.raises(InputError, match=r"board\.pptx"):
        check_target(target)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        check_target(tmp_path / "a-file")
    assert folder_snapshot(target) == {"board.pptx": b"slides"}


def test_stale_staged_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "tiny"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    prefix = folder._prefix(target)
    stale = tmp_path / f"{prefix}{dead_pid}-abc"
    alive = tmp_path / f"{prefix}{os.getpid()}-def"
    other = tmp_path / ".tiny.someone-else"
    for path in (stale, alive, other):
        path.mkdir()
    assert remove_stale_folders(target) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
