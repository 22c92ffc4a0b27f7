"""Uploads stay in their own temporary folder; a good zip gives a loadable network folder."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from logistics import InputError, load_network
from logistics.app.uploads import extract_network_zip, save_upload
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
