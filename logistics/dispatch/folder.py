"""The plan folder of ``--out``, replaced so that a reader never sees a half-written one.

The plan's files (``runs.csv``, ``unserved.csv``, ``plan.json``, and with a ladle pool,
drivers' rules or managed supply ``preheats.csv``, ``breaks.csv``, ``levels.csv``) are
written (and fsynced) into a new folder beside the target,
``.<name>.molten-<host>-<pid>-<random>``; after the database has committed the plan,
that folder takes the target's place (:mod:`logistics.runtime.atomic`):

* on Linux, by one ``renameat2(RENAME_EXCHANGE)`` call (through ``ctypes``): the old and
  the new folder swap names atomically, so at every moment the target path holds a
  complete plan, the old one or the new one; the old one is then deleted;
* where the call is missing or the file system refuses it, by two renames (old folder
  aside, new one in), with a moment of a few microseconds without a plan folder.

A run killed before the swap leaves the target untouched; its staged folder is
removed by the next run writing beside it (only folders of this host's dead processes).
An existing target that holds anything but plan files is never replaced. Folders get
the user's umask (0755 under umask 022), so the app's user can read them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from logistics.dispatch.lock import host_name
from logistics.errors import InputError, InputProblem
from logistics.plan.files import OPTIONAL_FILES, PLAN_FILES, PREHEATS_FILE, write_plan_files
from logistics.plan.model import Plan
from logistics.runtime.atomic import fsync_folder, replace_folder, sibling_folder
from logistics.runtime.processes import process_alive

log = logging.getLogger(__name__)

#: Every file a plan folder may hold (what :func:`logistics.plan.files.write_plan` allows).
FOLDER_FILES = PLAN_FILES | OPTIONAL_FILES | {PREHEATS_FILE}


def check_target(target: Path, option: str = "--out") -> None:
    """Refuse a target that is a file, or a folder with anything but plan files in it.

    Raises
    ------
    InputError
        Naming the option and what is in the way.
    """
    if not target.exists():
        if target.parent.exists() and not target.parent.is_dir():
            raise InputError(
                InputProblem("command line", None, option, f"{target.parent} is not a folder")
            )
        return
    if not target.is_dir():
        raise InputError(
            InputProblem("command line", None, option, f"{target} exists and is not a folder")
        )
    foreign = sorted(set(os.listdir(target)) - FOLDER_FILES)
    if foreign:
        raise InputError(
            InputProblem(
                "command line",
                None,
                option,
                f"{target} holds files that are not a plan's ({', '.join(foreign[:5])}); "
                "not replacing it",
            )
        )


def _tag() -> str:
    """``molten-<host>-<pid>``: whose staged folder it is (see :func:`remove_stale_folders`)."""
    return f"molten-{re.sub(r'[^A-Za-z0-9_-]', '_', host_name())}-{os.getpid()}"


def _prefix(target: Path) -> str:
    return f".{target.name}.molten-{re.sub(r'[^A-Za-z0-9_-]', '_', host_name())}-"


def remove_stale_folders(target: Path) -> list[Path]:
    """Remove staged folders beside ``target`` left by dead processes of this host."""
    removed: list[Path] = []
    prefix = _prefix(target)
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.iterdir():
        if not entry.name.startswith(prefix) or not entry.is_dir():
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not process_alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
            log.info("removed %s, left by a run that was stopped", entry)
    return removed


class StagedFolder:
    """A plan written beside its target folder, waiting to take its place.

    Parameters
    ----------
    plan : Plan
        The plan to write.
    target : Path
        The plan folder to replace (or create).
    """

    def __init__(self, plan: Plan, target: Path):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_folders(target)
        self.path = sibling_folder(target, _tag())
        try:
            write_plan_files(plan, self.path)
            fsync_folder(self.path)
        except BaseException:
            self.discard()
            raise
        self.swapped_atomically: bool | None = None

    def discard(self) -> None:
        """Remove the staged folder (the target is left as it is)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def put_in_place(self) -> Path:
        """Make the staged folder the target.

        Returns
        -------
        Path
            The target.
        """
        check_target(self.target)
        self.swapped_atomically = replace_folder(self.path, self.target, old_tag=f"{_tag()}-old")
        log.info("plan folder %s written", self.target)
        return self.target
