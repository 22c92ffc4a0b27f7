"""Uploads stay in their own temporary folder; a good zip gives a loadable network folder."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from logistics import InputError, load_network
from logistics.app.uploads import (
    SessionFolders,
    extract_network_zip,
    save_upload,
    sweep_leftovers,
    upload_root,
)
from tests.conftest import TEST_DATA


def _zip(members: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _tiny_members(prefix: str = "tiny/") -> dict[str, bytes]:
    return {f"{prefix}{p.name}": p.read_bytes() for p in (TEST_DATA / "tiny").iterdir()}


def test_a_zipped_network_folder_loads(tmp_path: Path) -> None:
    folder = extract_network_zip(_zip(_tiny_members()), "tiny.zip", into=tmp_path)
    assert folder.parent.parent == tmp_path
    network = load_network(folder)
    assert network.name == "tiny" and len(network.fleet) == 3


def test_files_at_the_zip_root_load_too(tmp_path: Path) -> None:
    folder = extract_network_zip(_zip(_tiny_members("")), "tiny.zip", into=tmp_path)
    assert (folder / "network.toml").is_file()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "'..'"),
        ("tiny/../../evil.txt", "'..'"),
        ("/tmp/evil.txt", "absolute path"),
        ("C:/evil.txt", "drive"),
        ("..\\evil.txt", "'..'"),
    ],
)
def test_members_that_leave_the_folder_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    into = tmp_path / "uploads"
    into.mkdir()
    data = _zip({**_tiny_members(), name: b"x"})
    with pytest.raises(InputError) as exc:
        extract_network_zip(data, "bad.zip", into=into)
    assert any(reason in p.message and p.file == "bad.zip" for p in exc.value.problems)
    assert not list(into.iterdir())  # nothing unpacked at all
    assert not (tmp_path / "evil.txt").exists()


def test_links_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a link"):
        extract_network_zip(_zip(_tiny_members(), links=("tiny/passwd",)), "l.zip", into=tmp_path)
    assert not list(tmp_path.iterdir())


def test_not_a_zip_or_no_network(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a zip file"):
        extract_network_zip(b"hello", "x.zip", into=tmp_path)
    with pytest.raises(InputError, match=r"no network\.toml"):
        extract_network_zip(_zip({"a/readme.txt": b"hi"}), "x.zip", into=tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_saved_upload_keeps_only_its_name(tmp_path: Path) -> None:
    path = save_upload(b"a,b\n", "../../orders.csv", into=tmp_path)
    assert path.name == "orders.csv" and path.parent.parent == tmp_path


def _dead_pid() -> int:
    """The process id of a process that has ended."""
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def test_upload_folders_carry_the_apps_process_id(tmp_path: Path) -> None:
    import os

    network = extract_network_zip(_zip(_tiny_members()), "tiny.zip", into=tmp_path)
    saved = save_upload(b"x", "orders.csv", into=tmp_path)
    for path, kind in ((network, "upload"), (saved, "file")):
        root = upload_root(path)
        assert root.parent == tmp_path
        assert root.name.startswith(f"molten-{kind}-{os.getpid()}-")


def test_a_sessions_folders_go_when_the_session_does(tmp_path: Path) -> None:
    import gc

    folders = SessionFolders()
    network = folders.add(extract_network_zip(_zip(_tiny_members()), "tiny.zip", into=tmp_path))
    saved = folders.add(save_upload(b"x", "orders.csv", into=tmp_path))
    other = save_upload(b"y", "orders.csv", into=tmp_path)  # another session's
    assert network.is_dir() and saved.is_file()
    folders.remove(saved)
    assert not saved.parent.exists() and network.is_dir()
    del folders  # the session's state is dropped
    gc.collect()
    assert not upload_root(network).exists()
    assert other.is_file()


def test_leftovers_of_apps_that_are_gone_are_swept_at_start(tmp_path: Path) -> None:
    import os

    dead, alive = _dead_pid(), os.getppid()
    gone = [tmp_path / f"molten-upload-{dead}-abc", tmp_path / f"molten-file-{dead}-def"]
    kept = [
        tmp_path / f"molten-upload-{alive}-ghi",  # another app, still running
        tmp_path / f"molten-upload-{os.getpid()}-jkl",  # this app's
        tmp_path / "molten-check-xyz",  # not an upload folder
        tmp_path / "something-else",
    ]
    for folder in gone + kept:
        (folder / "inner").mkdir(parents=True)
        (folder / "inner" / "orders.csv").write_text("x")
    removed = sweep_leftovers(tmp_path)
    assert sorted(removed) == sorted(gone)
    assert all(not f.exists() for f in gone) and all(f.is_dir() for f in kept)
