"""Folders written whole: filled beside their target, then renamed into its place.

Every folder molten writes for others to read — a plan folder (``molten plan``,
``molten dispatch --out``, ``molten history --out``), a study folder (``molten
site``), a generated network (``molten generate``) — goes through here:

1. a new folder beside the target (same file system, so renames are atomic), made
   with ``os.mkdir`` so it gets the user's umask like any folder they make (0755 under
   umask 022; ``tempfile.mkdtemp`` would make it 0700, unreadable to the app's user);
2. it is filled (and, for the nightly job, fsynced);
3. it takes the target's place: on Linux one ``renameat2(RENAME_EXCHANGE)`` swaps the
   two names atomically, so the target path always holds a complete folder, the old or
   the new; elsewhere (or where the file system refuses) the old folder is moved aside
   and the new one renamed in, a moment of microseconds without a folder. The old
   folder is then removed.

A failure before or during the swap leaves the target as it was and removes the new
folder; if the second rename of the fallback fails, the old folder is put back.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def sibling_folder(target: Path, tag: str = "new") -> Path:
    """A new empty folder ``.<target name>.<tag>-<random>`` beside ``target``.

    Made with ``os.mkdir`` (mode 0777 less the umask). The parent is created if needed.

    Raises
    ------
    FileExistsError
        No free name after 100 tries.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        folder = target.parent / f".{target.name}.{tag}-{secrets.token_hex(4)}"
        try:
            os.mkdir(folder)
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"cannot make a working folder beside {target}")


def fsync_folder(folder: Path, *, files: bool = True) -> None:
    """Flush a folder (and, with ``files``, every file directly in it) to the disk."""
    if files:
        for entry in sorted(os.listdir(folder)):
            path = folder / entry
            if path.is_file():
                with path.open("rb+") as handle:
                    os.fsync(handle.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (``renameat2(RENAME_EXCHANGE)``).

    Returns
    -------
    bool
        False when this system or file system cannot (nothing changed then).

    Raises
    ------
    OSError
        The call failed for another reason (nothing changed).
    """
    if not sys.platform.startswith("linux"):
        return False
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
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(code, f"swapping {a} and {b}: {os.strerror(code)}")


def replace_folder(new: Path, target: Path, *, old_tag: str = "old") -> bool:
    """Put folder ``new`` in the place of ``target`` (which may not exist); remove the old.

    Parameters
    ----------
    new : Path
        A complete folder beside ``target``.
    target : Path
        Where it goes.
    old_tag : str
        Tag of the folder the old one is moved into when it cannot be swapped.

    Returns
    -------
    bool
        True when ``target`` never stopped existing (swapped atomically, or newly made).

    Raises
    ------
    OSError
        The folder could not be put in place; ``target`` is as it was and ``new`` is
        still there (the caller removes it).
    """
    if not target.exists():
        os.rename(new, target)
        atomic = True
    elif exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old folder
        atomic = True
    else:
        aside = sibling_folder(target, old_tag)
        try:
            os.replace(target, aside / target.name)
        except BaseException:
            aside.rmdir()
            raise
        try:
            os.replace(new, target)
        except BaseException:
            os.replace(aside / target.name, target)  # put the old folder back
            aside.rmdir()
            raise
        shutil.rmtree(aside, ignore_errors=True)
        atomic = False
    with contextlib.suppress(OSError):
        fsync_folder(target.parent, files=False)
    return atomic


def write_folder(
    target: Path | str,
    fill: Callable[[Path], None],
    *,
    tag: str = "new",
    durable: bool = False,
) -> Path:
    """Write a folder whole: ``fill`` a new folder beside ``target``, then swap it in.

    Parameters
    ----------
    target : Path or str
        The folder to write or replace.
    fill : callable
        Writes the folder's contents into the path it is given; may raise to abandon
        the write (the target is then left as it was).
    tag : str
        Tag of the working folder's name (``.<name>.<tag>-<random>``).
    durable : bool
        fsync the files and the folder before the swap.

    Returns
    -------
    Path
        The target.
    """
    target = Path(target)
    staged = sibling_folder(target, tag)
    try:
        fill(staged)
        if durable:
            fsync_folder(staged)
        replace_folder(staged, target, old_tag=f"{tag}-old")
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return target


__all__ = ["exchange", "fsync_folder", "replace_folder", "sibling_folder", "write_folder"]
