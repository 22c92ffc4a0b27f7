"""Uploaded files: a zipped network folder unpacked safely, single CSV files saved.

An upload can never write outside its own temporary folder: members with absolute
paths, drive letters, ``..`` components or links are refused, and so are archives of
too many files or too many bytes (zip bombs). Problems are
:class:`~logistics.errors.InputProblem` objects naming the uploaded file.

Upload folders carry the app's process id in their name (``molten-upload-<pid>-…``).
A session's folders are removed when the session ends (:class:`SessionFolders`, also
at the app's exit), and at the start of an app the folders of apps that are gone are
removed (:func:`sweep_leftovers`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
import weakref
import zipfile
from pathlib import Path, PurePosixPath

from logistics.errors import InputError, InputProblem
from logistics.runtime.processes import process_alive

#: Most members and bytes an uploaded network zip may hold.
MAX_MEMBERS = 500
MAX_BYTES = 200 * 1024 * 1024


#: Names of upload folders: ``molten-upload-<pid>-…`` and ``molten-file-<pid>-…``.
FOLDER_NAME = re.compile(r"^molten-(upload|file)-(\d+)-")


def _prefix(kind: str) -> str:
    """Prefix of this process's upload folders of one kind (``upload`` or ``file``)."""
    return f"molten-{kind}-{os.getpid()}-"


def upload_root(path: Path) -> Path:
    """The temporary folder an upload was unpacked or saved into (``path`` or a parent)."""
    for parent in [path, *path.parents]:
        if FOLDER_NAME.match(parent.name):
            return parent
    return path


def _remove(paths: list[str]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
    paths.clear()


class SessionFolders:
    """The temporary upload folders of one browser session, removed when it ends.

    Kept in the session's state: when Streamlit drops the session (the browser closed,
    after its grace period) the object is collected and its folders removed; whatever is
    left at the app's exit is removed then.
    """

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._finalizer = weakref.finalize(self, _remove, self.paths)

    def add(self, path: Path) -> Path:
        """Own ``path``'s upload folder (see :func:`upload_root`); ``path``."""
        root = str(upload_root(Path(path)))
        if root not in self.paths:
            self.paths.append(root)
        return path

    def remove(self, path: Path) -> None:
        """Remove ``path``'s upload folder now."""
        root = str(upload_root(Path(path)))
        shutil.rmtree(root, ignore_errors=True)
        if root in self.paths:
            self.paths.remove(root)

    def clear(self) -> None:
        """Remove every folder of the session now."""
        _remove(self.paths)


def sweep_leftovers(where: Path | None = None) -> list[Path]:
    """Remove the upload folders of app processes that are gone; the folders removed.

    Parameters
    ----------
    where : Path, optional
        The temporary folder (default: the system's).

    Returns
    -------
    list of Path
        Folders named ``molten-upload-<pid>-…`` or ``molten-file-<pid>-…`` whose process
        is no longer alive; those of live processes (other apps) are left alone.
    """
    root = Path(where or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = FOLDER_NAME.match(entry.name)
        if match is None or not entry.is_dir() or entry.is_symlink():
            continue
        pid = int(match.group(2))
        if pid == os.getpid() or process_alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _unsafe_reason(name: str) -> str | None:
    """Why a zip member name would escape its folder, or ``None``."""
    normal = name.replace("\\", "/")
    path = PurePosixPath(normal)
    if normal.startswith("/") or path.is_absolute():
        return "has an absolute path"
    if len(normal) > 1 and normal[1] == ":":
        return "names a drive"
    if any(part == ".." for part in path.parts):
        return "climbs out of the folder with '..'"
    return None


def _archive_problems(members: list[zipfile.ZipInfo], upload_name: str) -> list[InputProblem]:
    """Too many members, too many bytes unpacked, or members that would escape or link."""
    problems = []
    if len(members) > MAX_MEMBERS:
        problems.append(
            InputProblem(
                upload_name, None, None, f"holds {len(members)} files (at most {MAX_MEMBERS})"
            )
        )
    if sum(m.file_size for m in members) > MAX_BYTES:
        problems.append(
            InputProblem(upload_name, None, None, f"unpacks to more than {MAX_BYTES // 2**20} MiB")
        )
    for m in members:
        reason = _unsafe_reason(m.filename)
        if reason is None and stat.S_ISLNK(m.external_attr >> 16):
            reason = "is a link"
        if reason is not None:
            problems.append(
                InputProblem(upload_name, None, None, f"member '{m.filename}' {reason}")
            )
    return problems


def _unpack(archive: zipfile.ZipFile, root: Path, upload_name: str) -> None:
    """Write every member under ``root``, refusing one whose path would leave it."""
    for m in archive.infolist():
        target = (root / m.filename.replace("\\", "/")).resolve()
        if root != target and root not in target.parents:  # belt and braces
            raise InputError(
                InputProblem(upload_name, None, None, f"member '{m.filename}' leaves the folder")
            )
        if m.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(m) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)


def _network_folder(root: Path, upload_name: str) -> Path:
    """The one folder under ``root`` holding a ``network.toml`` (macOS metadata ignored)."""
    found = sorted(p.parent for p in root.rglob("network.toml") if "__MACOSX" not in p.parts)
    if not found:
        raise InputError(
            InputProblem(upload_name, None, None, "holds no network.toml (zip a network folder)")
        )
    if len(found) > 1:
        names = ", ".join(str(p.relative_to(root)) for p in found[:5])
        raise InputError(
            InputProblem(upload_name, None, None, f"holds several networks ({names}); upload one")
        )
    return found[0]


def extract_network_zip(data: bytes, upload_name: str, into: Path | None = None) -> Path:
    """Unpack an uploaded network zip into a fresh temporary folder; the network folder.

    Parameters
    ----------
    data : bytes
        The zip file.
    upload_name : str
        Its name, for messages.
    into : Path, optional
        Parent of the temporary folder (default: the system's temporary folder).

    Returns
    -------
    Path
        The folder holding ``network.toml`` (the zip's root or its one sub-folder).

    Raises
    ------
    InputError
        Not a zip, an unsafe member, too large, or no ``network.toml`` in it; nothing is
        left on disk then.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(InputProblem(upload_name, None, None, "is not a zip file")) from None
    problems = _archive_problems(archive.infolist(), upload_name)
    if problems:
        raise InputError(problems)
    root = Path(tempfile.mkdtemp(prefix=_prefix("upload"), dir=into)).resolve()
    try:
        _unpack(archive, root, upload_name)
        return _network_folder(root, upload_name)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def save_upload(data: bytes, file_name: str, into: Path | None = None) -> Path:
    """Save one uploaded file as ``file_name`` in a fresh temporary folder; its path.

    Only the file name's last component is used, so the upload stays in its folder.
    """
    safe = PurePosixPath(file_name.replace("\\", "/")).name or "upload.csv"
    folder = Path(tempfile.mkdtemp(prefix=_prefix("file"), dir=into))
    path = folder / safe
    path.write_bytes(data)
    return path
