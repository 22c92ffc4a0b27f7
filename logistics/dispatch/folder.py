"""The plan folder of ``--out``, replaced so that a reader never sees a half-written one.

The three files are written (and fsynced) into a temporary folder beside the target,
``.<name>.molten-<host>-<pid>-<random>``; after the database has committed the plan,
that folder takes the target's place:

* on Linux, by one ``renameat2(RENAME_EXCHANGE)`` call (through ``ctypes``): the old and
  the new folder swap names atomically, so at every moment the target path holds a
  complete plan, the old one or the new one; the old one is then deleted;
* where the call is missing or the file system refuses it, by two renames (old folder
  aside, new one in), with a moment of a few microseconds without a plan folder.

A run killed before the swap leaves the target untouched; its temporary folder is
removed by the next run writing beside it (only folders of this host's dead processes).
An existing target that holds anything but plan files is never replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from logistics.dispatch.lock import host_name
from logistics.errors import InputError, InputProblem
from logistics.plan.files import PLAN_FILES, write_plan_files
from logistics.plan.model import Plan

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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
    foreign = sorted(set(os.listdir(target)) - PLAN_FILES)
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


def _prefix(target: Path) -> str:
    return f".{target.name}.molten-{re.sub(r'[^A-Za-z0-9_-]', '_', host_name())}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_folders(target: Path) -> list[Path]:
    """Remove temporary folders beside ``target`` left by dead processes of this host."""
    removed: list[Path] = []
    prefix = _prefix(target)
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.iterdir():
        if not entry.name.startswith(prefix) or not entry.is_dir():
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
            log.info("removed %s, left by a run that was stopped", entry)
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when this system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, f"swapping {a} and {b}: {os.strerror(code)}")


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
        self.path = Path(
            tempfile.mkdtemp(prefix=f"{_prefix(target)}{os.getpid()}-", dir=target.parent)
        )
        try:
            os.chmod(self.path, 0o777 & ~_umask())  # mkdtemp makes it private
            write_plan_files(plan, self.path)
            for name in sorted(os.listdir(self.path)):
                with (self.path / name).open("rb+") as fh:
                    os.fsync(fh.fileno())
            _fsync_folder(self.path)
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
        if self.target.exists():
            if _exchange(self.path, self.target):
                self.swapped_atomically = True
                shutil.rmtree(self.path, ignore_errors=True)  # now the old plan
            else:
                self.swapped_atomically = False
                old = Path(
                    tempfile.mkdtemp(
                        prefix=f"{_prefix(self.target)}{os.getpid()}-old-", dir=self.target.parent
                    )
                )
                os.replace(self.target, old / self.target.name)
                os.replace(self.path, self.target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.path, self.target)
            self.swapped_atomically = True
        with contextlib.suppress(OSError):
            _fsync_folder(self.target.parent)
        log.info("plan folder %s written", self.target)
        return self.target
