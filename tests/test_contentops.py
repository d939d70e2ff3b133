"""bot/contentops.py: safe zip reading, upload limits, and the atomic folder swap."""

from __future__ import annotations

import io
import shutil
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from bot import contentops
from bot.content import load_folder, read_folder
from bot.contentops import UploadRejected
from tests.harness import CONTENT


def make_zip(entries: dict[str, bytes | str], *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)  # a ZipInfo keeps odd names exactly as given
            info.compress_type = compress
            archive.writestr(info, data)
    return buffer.getvalue()


def content_zip(prefix: str = "") -> dict[str, bytes]:
    return {prefix + name: data for name, data in read_folder(CONTENT).items()}


def rejected(file_name: str, data: bytes) -> str:
    with pytest.raises(UploadRejected) as raised:
        contentops.read_upload(file_name, data)
    return raised.value.user_message


# --- what an upload is ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("breathing.md", "practices/breathing.md"),
        ("program.md", "program.md"),
        ("notes.md", "notes.md"),
        ("README.md", "README.md"),
    ],
)
def test_an_md_upload_goes_where_its_name_says(name, path):
    upload = contentops.read_upload(name, b"---\n")
    assert upload.files == {path: b"---\n"}
    assert not upload.replaces_all


@pytest.mark.parametrize(
    "name",
    ["../program.md", ".hidden.md", "x/y.md", "a*b.md"],
    ids=["parent", "dot", "dir", "star"],
)
def test_an_md_upload_with_an_odd_name_is_refused(name):
    assert "can't be a content file name" in rejected(name, b"---\n")


@pytest.mark.parametrize("name", ["photo.png", "notes.txt", "content.tar.gz", "program"])
def test_a_file_that_is_not_md_or_zip_is_refused(name):
    assert "is neither" in rejected(name, b"data")


def test_sizes_are_checked_from_the_reported_size_before_download():
    with pytest.raises(UploadRejected) as raised:
        contentops.check_size("content.zip", 50 * 2**20)
    assert "50.0 MB" in raised.value.user_message
    assert "5.0 MB" in raised.value.user_message
    with pytest.raises(UploadRejected):
        contentops.check_size("breathing.md", 300 * 1024)
    contentops.check_size("breathing.md", None)  # unknown size: checked again after download
    contentops.check_size("breathing.md", 10_000)


def test_an_empty_upload_is_refused():
    assert "is empty" in rejected("breathing.md", b"")


# --- zips ----------------------------------------------------------------------------------


def test_a_zip_of_the_folder_replaces_the_whole_set():
    upload = contentops.read_upload("content.zip", make_zip(content_zip()))
    assert upload.replaces_all
    assert upload.files == read_folder(CONTENT)


def test_a_zip_with_one_top_folder_loses_it():
    upload = contentops.read_upload("content.zip", make_zip(content_zip("content/")))
    assert "program.md" in upload.files
    assert "practices/breathing.md" in upload.files


def test_a_zip_of_some_practices_goes_on_top_of_the_folder():
    upload = contentops.read_upload("some.zip", make_zip({"practices/new.md": "---\n"}))
    assert not upload.replaces_all
    combined = upload.combine({"program.md": b"p", "practices/old.md": b"o"})
    assert combined == {"program.md": b"p", "practices/old.md": b"o", "practices/new.md": b"---\n"}


def test_mac_metadata_and_hidden_files_in_a_zip_are_skipped():
    entries = content_zip() | {
        "__MACOSX/._program.md": b"\0",
        ".DS_Store": b"\0",
        "practices/": b"",
    }
    upload = contentops.read_upload("content.zip", make_zip(entries))
    assert upload.files == read_folder(CONTENT)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("../evil.md", "climbs out of the folder"),
        ("practices/../../evil.md", "climbs out of the folder"),
        ("/etc/evil.md", "absolute path"),
        ("C:/evil.md", "absolute path"),
        ("practices\\..\\..\\evil.md", "backslashes"),
    ],
    ids=["dot-dot", "nested-dot-dot", "absolute", "drive-letter", "backslash"],
)
def test_a_zip_with_an_unsafe_path_is_refused(entry, reason):
    message = rejected("content.zip", make_zip(content_zip() | {entry: b"---\n"}))
    assert "unsafe path" in message
    assert reason in message


def test_a_zip_with_a_symlink_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("practices/breathing.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in rejected("content.zip", buffer.getvalue())


def test_an_encrypted_zip_entry_is_refused():
    data = bytearray(make_zip({"program.md": "---\n"}))
    struct.pack_into("<H", data, data.find(b"PK\x03\x04") + 6, 0x1)  # the "encrypted" flag
    struct.pack_into("<H", data, data.find(b"PK\x01\x02") + 8, 0x1)
    assert "encrypted" in rejected("content.zip", bytes(data))


def test_a_zip_with_the_same_name_twice_is_refused():
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("program.md", "one")
            archive.writestr("program.md", "two")
    assert "appears twice" in rejected("content.zip", buffer.getvalue())


def test_a_zip_bomb_is_refused_from_its_declared_sizes():
    bomb = make_zip({f"practices/p{n}.md": b"\0" * (3 * 2**20) for n in range(5)})
    assert len(bomb) < 100_000  # small to send, 15 MB unpacked
    assert "unpacks to more than 10.0 MB" in rejected("content.zip", bomb)


def test_a_zip_whose_header_understates_the_size_is_refused_while_reading():
    """The sizes a zip declares can lie; bytes actually inflated are what count."""
    data = bytearray(make_zip({"notes.md": b"\0" * 2**20}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)  # uncompressed size in the local header
    struct.pack_into("<I", data, central + 24, 100)  # and in the central directory
    message = rejected("content.zip", bytes(data))
    assert "not a zip file I can read" in message


def test_a_single_file_too_big_inside_a_zip_is_refused():
    assert "unpacks to more than" in rejected(
        "content.zip", make_zip({"notes.md": b"x" * (contentops.MAX_MD_BYTES + 1)})
    )


def test_a_zip_with_too_many_entries_is_refused():
    entries = {f"practices/p{n}.md": b"---\n" for n in range(contentops.MAX_ZIP_ENTRIES + 1)}
    assert "entries" in rejected("content.zip", make_zip(entries))


def test_a_zip_with_files_that_are_not_content_is_refused():
    entries = content_zip() | {"practices/photo.png": b"\x89PNG", "run.sh": b"rm -rf /"}
    message = rejected("content.zip", make_zip(entries))
    assert "not content" in message
    assert "practices/photo.png" in message and "run.sh" in message


def test_a_zip_with_no_content_is_refused():
    assert "holds no content files" in rejected("content.zip", make_zip({"__MACOSX/x": b""}))


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 not really", b"hello", b"\0" * 100], ids=["truncated", "text", "zeros"]
)
def test_a_damaged_zip_is_refused(data):
    assert "not a zip file I can read" in rejected("content.zip", data)


# --- writing a set -------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def test_writing_replaces_the_content_and_keeps_everything_else(folder):
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD.md").write_text("ref")
    (folder / "practices" / "photo.png").write_bytes(b"\x89PNG")
    files = dict(load_folder(folder).files)
    del files["practices/shoe-check.md"]
    files["practices/breathing.md"] = files["practices/breathing.md"].replace("Belly", "Soft")
    contentops.write_content_set(folder, files)
    assert not (folder / "practices" / "shoe-check.md").exists()
    assert "Soft breathing" in (folder / "practices" / "breathing.md").read_text()
    assert (folder / ".git" / "HEAD.md").read_text() == "ref"
    assert (folder / "practices" / "photo.png").read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["content"]  # no leftovers


def test_writing_follows_a_symlinked_folder(folder, tmp_path):
    link = tmp_path / "live"
    link.symlink_to(folder)
    files = dict(load_folder(folder).files)
    files["notes.md"] = files["notes.md"].replace("psoas", "Psoas", 1)
    contentops.write_content_set(link, files)
    assert link.is_symlink()
    assert load_folder(link).files["notes.md"] == files["notes.md"]


def test_writing_into_a_missing_folder_creates_it(tmp_path):
    files = dict(load_folder(CONTENT).files)
    contentops.write_content_set(tmp_path / "new" / "content", files)
    assert load_folder(tmp_path / "new" / "content").checksum == load_folder(CONTENT).checksum


def test_a_failed_write_leaves_the_old_folder_untouched(folder):
    before = read_folder(folder)
    files = {"practices": "a file where a folder must go", "practices/x.md": "---\n"}
    with pytest.raises(OSError):
        contentops.write_content_set(folder, files)
    assert read_folder(folder) == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["content"]


def test_writing_refuses_unsafe_relative_paths(folder):
    with pytest.raises(ValueError):
        contentops.write_content_set(folder, {"../escape.md": "x"})
    assert not (folder.parent / "escape.md").exists()


def test_a_crash_between_the_two_renames_is_undone_at_the_next_start(folder):
    """The folder was renamed to its backup and the new one never took its place: the backup
    (the version the bot was serving) goes back, the staging folder goes."""
    before = read_folder(folder)
    backup = folder.parent / ".content.old-k2j4"
    folder.rename(backup)
    staging = folder.parent / ".content.new-x9q1"
    staging.mkdir()
    (staging / "program.md").write_text("the new set, never applied")
    assert contentops.recover_interrupted_swap(folder) is True
    assert read_folder(folder) == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["content"]


def test_leftovers_beside_a_whole_folder_are_removed_and_the_folder_kept(folder):
    before = read_folder(folder)
    (folder.parent / ".content.new-half").mkdir()  # a crash while writing the new files
    (folder.parent / ".content.new-half" / "notes.md").write_text("half")
    shutil.copytree(folder, folder.parent / ".content.old-done")  # a crash before the tidy-up
    assert contentops.recover_interrupted_swap(folder) is False
    assert read_folder(folder) == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["content"]


def test_nothing_to_recover_touches_nothing(folder, tmp_path):
    (tmp_path / "other").mkdir()
    assert contentops.recover_interrupted_swap(folder) is False
    assert contentops.recover_interrupted_swap(tmp_path / "missing" / "content") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "other"]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Breathing.MD", "practices/breathing.md"),
        ("breathing.md.txt", "practices/breathing.md"),
        ("Hip-Circles.Md", "practices/hip-circles.md"),
        ("program.MD", "program.md"),
        ("notes.md.txt", "notes.md"),
        ("Knee rocking.md", "practices/knee-rocking.md"),
    ],
    ids=["capitals", "windows-txt", "mixed", "program-capitals", "notes-txt", "space"],
)
def test_an_upload_name_with_capitals_or_a_hidden_txt_ending_is_understood(name, path):
    """Finding 7: `.MD` got a misleading reason; Windows hides `.txt` endings."""
    assert contentops.read_upload(name, b"---\n").files == {path: b"---\n"}
