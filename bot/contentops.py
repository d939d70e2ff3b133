"""Content file operations for admins: checking uploads, reading zips safely, and writing a
content set into the content folder atomically. No Telegram here.

An upload is never unpacked onto the disk: a zip is read into memory entry by entry, with
every limit checked before and while reading, and the complete set is validated by
`content.build_library` before anything is written. Writing builds the new folder next to
the old one and swaps it in with renames, so the bot (or an editor) never sees half a set.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from bot import i18n, texts
from bot.content import (
    KNOWN_TOP_FILES,
    TRANSLATED,
    ContentInvalid,
    Library,
    Problem,
    build_library,
    convert_practice,
    english_hash,
    english_path,
    language_of,
    read_folder,
)
from bot.content import mark_translated as content_mark_translated
from bot.errors import ContentError
from bot.texts.formats import number

MAX_MD_BYTES = 200 * 1024  # the longest practice file is a few KB
MAX_ZIP_BYTES = 5 * 2**20  # Telegram lets bots download up to 20 MB; content needs far less
MAX_ZIP_ENTRIES = 300
MAX_UNPACKED_BYTES = 10 * 2**20  # the whole unpacked set; a zip bomb stops here
TOP_FILES = frozenset({"program.md", "notes.md"}) | KNOWN_TOP_FILES
MD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.md")


class UploadRejected(ContentError):
    """The upload can't be used; `user_message` says why (built from the admin catalog)."""


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload read into memory: relative path -> raw bytes (decoding is the validator's)."""

    name: str
    files: dict[str, bytes]
    replaces_all: bool  # a zip holding program.md is the whole folder; anything else overlays

    def combine(self, current: Mapping[str, bytes]) -> dict[str, bytes]:
        """The complete set the upload would produce on top of the folder's current files."""
        if self.replaces_all:
            return dict(self.files)
        return {**current, **self.files}


def kind_of(file_name: str) -> str:
    """'md' or 'zip' by the file's extension; anything else is not content."""
    lower = file_name.lower()
    if lower.endswith((".md", ".md.txt")):
        return "md"
    if lower.endswith(".zip"):
        return "zip"
    raise UploadRejected(texts.t("ad_upload_wrong_type", name=file_name))


def check_size(file_name: str, size: int | None) -> None:
    """Checked from the size Telegram reports, before downloading anything."""
    kind = kind_of(file_name)
    limit = MAX_ZIP_BYTES if kind == "zip" else MAX_MD_BYTES
    if size is not None and size > limit:
        raise UploadRejected(
            texts.t(
                "ad_upload_too_big",
                name=file_name,
                size=human_size(size),
                kind=f".{kind} file",
                limit=human_size(limit),
            )
        )
    if size == 0:
        raise UploadRejected(texts.t("ad_upload_empty", name=file_name))


def read_upload(file_name: str, data: bytes) -> Upload:
    """Turns a downloaded .md or .zip into an Upload, or raises UploadRejected."""
    check_size(file_name, len(data))
    if kind_of(file_name) == "md":
        return Upload(file_name, {md_path(file_name): data}, replaces_all=False)
    files = read_zip(file_name, data)
    return Upload(file_name, files, replaces_all="program.md" in files)


def md_path(file_name: str) -> str:
    """Where an uploaded .md goes: program.md, notes.md, README.md, else practices/<name>.
    `Breathing.MD` and `breathing.md.txt` both go to practices/breathing.md, and
    `Knee rocking.md` to practices/knee-rocking.md. A language before `.md` names a
    translation: `breathing.ru.md` goes to ru/practices/breathing.md, `program.ru.md` to
    ru/program.md (a single file carries no folder)."""
    name = file_name[: -len(".txt")] if file_name.lower().endswith(".md.txt") else file_name
    name = re.sub(r"\s+", "-", name.strip())  # "Knee rocking.md" is knee-rocking.md
    if not MD_NAME.fullmatch(name[:-3] + ".md"):
        raise UploadRejected(texts.t("ad_upload_bad_name", name=file_name))
    for language in TRANSLATED:
        ending = f".{language}.md"
        if name.lower().endswith(ending) and len(name) > len(ending):
            return f"{language}/{md_path(name[: -len(ending)] + '.md')}"
    for top in TOP_FILES:
        if name.lower() == top.lower():
            return top
    # Windows hides a .txt ending and phones capitalise: practice files are small letters.
    return f"practices/{name[:-3].lower()}.md"


def read_zip(file_name: str, data: bytes) -> dict[str, bytes]:
    """The content files of a zip, read in memory with every safety check; never extracted.

    Rejects paths that climb out (`../`), absolute paths, backslashes, symbolic links,
    encrypted entries, duplicates, too many entries, and anything but content .md files.
    A zip bomb is stopped twice: by the sizes the zip declares, and by counting the bytes
    actually inflated (a header can lie about the size). A single top folder
    (`content/program.md`) is taken off. Hidden files and macOS `__MACOSX` entries are skipped.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise UploadRejected(
            texts.t("ad_zip_unreadable", name=file_name, reason=_zip_reason(err))
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UploadRejected(
                texts.t("ad_zip_too_many", name=file_name, count=len(infos), limit=MAX_ZIP_ENTRIES)
            )
        entries: list[tuple[str, zipfile.ZipInfo]] = []
        seen: set[str] = set()
        for info in infos:
            path = _safe_path(file_name, info)
            if path in seen:
                _unsafe(file_name, info.filename, "ad_zip_reason_duplicate")
            seen.add(path)
            if info.is_dir() or _ignored(path):
                continue
            entries.append((path, info))
        if sum(info.file_size for _, info in entries) > MAX_UNPACKED_BYTES:
            raise _too_large(file_name)
        entries = _strip_top_folder(entries)
        strangers = [path for path, _ in entries if not is_content_path(path)]
        if strangers:
            shown = ", ".join(sorted(strangers)[:5]) + (" …" if len(strangers) > 5 else "")
            raise UploadRejected(texts.t("ad_zip_not_content", name=file_name, paths=shown))
        if not entries:
            raise UploadRejected(texts.t("ad_zip_no_content", name=file_name))
        files: dict[str, bytes] = {}
        budget = MAX_UNPACKED_BYTES
        for path, info in entries:
            limit = min(MAX_MD_BYTES, budget)
            try:
                with archive.open(info) as member:
                    content = member.read(limit + 1)  # never inflate more than the budget
            except (
                zipfile.BadZipFile,
                NotImplementedError,
                RuntimeError,
                zlib.error,
                EOFError,
                ValueError,
                OSError,
            ) as err:
                raise UploadRejected(
                    texts.t("ad_zip_unreadable", name=file_name, reason=_zip_reason(err))
                ) from None
            if len(content) > limit:
                raise _too_large(file_name)
            budget -= len(content)
            files[path] = content
        return files


def is_content_path(path: str) -> bool:
    """program.md, notes.md, README.md, or practices/<name>.md: the folder's known layout;
    the same under a language folder (ru/practices/<name>.md)."""
    parts = PurePosixPath(english_path(path)).parts
    if len(parts) == 1:
        return parts[0] in TOP_FILES
    return len(parts) == 2 and parts[0] == "practices" and parts[1].endswith(".md")


def fingerprint(files: Mapping[str, bytes]) -> str:
    """A hash of the folder's .md files (what the validator reads): did it change meanwhile?"""
    digest = hashlib.sha256()
    for name in sorted(files):
        if name.endswith(".md"):
            digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()[:16]


def current_files(folder: Path) -> dict[str, bytes]:
    """The folder's files as raw bytes; an absent folder is an empty one."""
    try:
        return read_folder(folder)
    except ContentInvalid:
        return {}


def write_content_set(folder: Path, files: Mapping[str, str]) -> None:
    """Replaces the folder's content files with `files`, all at once.

    The new folder is built next to the old one (same file system, so renames are atomic):
    first a copy of everything that is not content (hidden entries such as .git, images,
    other non-.md files), then the new .md files, each flushed to disk. Then two renames swap
    it in: old -> backup, new -> folder. A crash leaves either the old folder, or no folder
    and a complete backup beside it, which `recover_interrupted_swap` puts back at the next
    start; never a folder with half the files. A symlinked content folder is followed to its
    target.
    """
    for relative in files:
        _check_relative(relative)
    target = folder.resolve() if folder.exists() else folder.absolute()
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    backup: Path | None = None
    try:
        if target.is_dir():
            shutil.copytree(
                target, staging, symlinks=True, ignore=_not_content(target), dirs_exist_ok=True
            )
            os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
        else:
            os.chmod(staging, 0o755)
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        _fsync_dir(staging)
        if target.is_dir():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
            os.rmdir(backup)  # only the unique name is wanted: rename needs a free target
            os.rename(target, backup)
        os.rename(staging, target)
        _fsync_dir(parent)
    except BaseException:
        if backup is not None and backup.exists() and not target.exists():
            os.rename(backup, target)  # put the old folder back
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def recover_interrupted_swap(folder: Path) -> bool:
    """Tidies what a crash inside `write_content_set` left beside the folder; True when the
    folder itself was missing and has been put back from its backup.

    Missing folder + backup means the crash came between the two renames: the backup is the
    version the bot was serving (and archived), so it goes back; the admin's change was never
    applied and can be applied again. Staging folders and spare backups are removed.
    """
    target = folder.resolve() if folder.exists() else folder.absolute()
    parent = target.parent
    if not parent.is_dir():
        return False
    backups = sorted(parent.glob(f".{target.name}.old-*"), key=lambda path: path.stat().st_mtime)
    restored = False
    if not target.exists() and backups:
        os.rename(backups.pop(), target)
        _fsync_dir(parent)
        restored = True
    for leftover in [*backups, *parent.glob(f".{target.name}.new-*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    return restored


def human_size(size: int) -> str:
    if size >= 2**20:
        return texts.template("ca_size_mb").format(size=number(size / 2**20, 1))
    if size >= 1024:
        return texts.template("ca_size_kb").format(size=number(size / 1024))
    return texts.template("ca_size_bytes", size).format(n=size)


# --- internals --------------------------------------------------------------------------------


def _safe_path(file_name: str, info: zipfile.ZipInfo) -> str:
    name = info.filename
    if "\\" in name:
        _unsafe(file_name, name, "ad_zip_reason_backslash")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        _unsafe(file_name, name, "ad_zip_reason_absolute")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        _unsafe(file_name, name, "ad_zip_reason_parent")
    if stat.S_ISLNK(info.external_attr >> 16):
        _unsafe(file_name, name, "ad_zip_reason_symlink")
    if info.flag_bits & 0x1:
        _unsafe(file_name, name, "ad_zip_reason_encrypted")
    return "/".join(parts)


def _unsafe(file_name: str, path: str, reason_key: str) -> None:
    raise UploadRejected(
        texts.t("ad_zip_unsafe_path", name=file_name, path=path, reason=texts.t(reason_key))
    )


def _ignored(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return not parts or parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def _strip_top_folder(
    entries: list[tuple[str, zipfile.ZipInfo]],
) -> list[tuple[str, zipfile.ZipInfo]]:
    """A zip of the folder itself (content/program.md ...) loses its top folders: one, or two
    as in a download from GitHub (repo-main/content/program.md ...)."""
    for _ in range(2):
        tops = {PurePosixPath(path).parts[0] for path, _ in entries}
        nested = all(len(PurePosixPath(path).parts) > 1 for path, _ in entries)
        if not (len(tops) == 1 and nested and not tops <= {"practices", *TRANSLATED}):
            break
        entries = [(path.split("/", 1)[1], info) for path, info in entries]
    return entries


def _too_large(file_name: str) -> UploadRejected:
    return UploadRejected(
        texts.t("ad_zip_too_large", name=file_name, limit=human_size(MAX_UNPACKED_BYTES))
    )


def _zip_reason(err: BaseException) -> str:
    if isinstance(err, NotImplementedError):
        return texts.template("ca_zip_method")
    if isinstance(err, RuntimeError):
        return texts.template("ca_zip_encrypted")
    if isinstance(err, zipfile.BadZipFile) and "CRC" in str(err):
        return texts.template("ca_zip_checksums")
    return texts.template("ca_zip_damaged")


def _not_content(root: Path) -> Callable[[str, list[str]], set[str]]:
    """copytree's ignore: skip the .md files the new set replaces; keep hidden entries whole."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            return set()
        return {name for name in names if name.endswith(".md") and not name.startswith(".")}

    return ignore


def _check_relative(relative: str) -> None:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative or not relative:
        raise ValueError(f"unsafe content path {relative!r}")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- what subscribers get: every composed message, checked against Telegram's limit ----------

MESSAGE_LIMIT = 4096  # Telegram's cap on one message, in UTF-16 code units


def message_length(text: str) -> int:
    """Telegram counts UTF-16 code units (an emoji is two); tags are counted too, to be safe."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A long message as several, cut at paragraph boundaries (blank lines); a paragraph over
    the limit by itself (several long "Take care" lines) is cut between its lines. A single
    line over the limit stays whole: `message_problems` reports it."""
    if message_length(text) <= limit:
        return [text]
    parts: list[str] = []
    for paragraph in text.split("\n\n"):
        pieces = [paragraph] if message_length(paragraph) <= limit else paragraph.split("\n")
        for index, piece in enumerate(pieces):
            glue = "\n" if index else "\n\n"
            if parts and message_length(parts[-1] + glue + piece) <= limit:
                parts[-1] += glue + piece
            else:
                parts.append(piece)
    return parts


def _say(key: str, **values: object) -> str:
    """Plain text (a problem's words are escaped where they are shown)."""
    return texts.template(key).format(**values)


def composed_messages(library: Library) -> dict[str, tuple[str, str]]:
    """Every message a subscriber can get from this content: label -> (file, text). Each
    program day's first message (as a newcomer gets it, the longest), the gentle days, the
    5-minute version, each practice alone, and every step of each."""
    # The composers are the practice's views; imported here, not at the top, so this
    # module stays free of Telegram for everything else.
    from bot.program import plan_for_day, short_plan, single_plan, steps_of
    from bot.views.practice import render_intro, render_step

    today = date(2026, 1, 1)  # unlock rules only look at ratings, and there are none
    plans = {}
    days = sum(len(phase.days) for phase in library.program.phases)
    for day in range(1, days + 1):
        plan = plan_for_day(library, day, today=today)
        plans[(_say("ca_day", day=day), "program.md", "daily", day)] = plan
    plan = plan_for_day(library, 1, today=today, gentle=True)
    plans[(_say("ca_gentle"), "program.md", "daily", 1)] = plan
    plans[(_say("ca_short"), "program.md", "short", 1)] = short_plan(library, 1)
    for practice in library.practices.values():
        where = f"practices/{practice.id}.md"
        plans[(_say("ca_alone", title=practice.title), where, "library", 0)] = single_plan(practice)
    messages: dict[str, tuple[str, str]] = {}
    # Tips rotate by calendar day, so any day may carry any of them: the longest is checked.
    longest_note = max(library.notes, key=len, default="")
    for (label, where, kind, _day), plan in plans.items():
        note = longest_note if kind != "library" else ""
        messages[_say("ca_first_message", label=label)] = (
            where,
            render_intro(plan, kind=kind, note=note),
        )
        planned = steps_of(plan)
        for index in range(len(planned)):
            until = _say("ca_timer_until")
            text, _ = render_step(planned, index, session_id=1, timer_until=until)
            messages[_say("ca_step", number=index + 1, label=label)] = (where, text)
    return messages


def message_problems(library: Library) -> list[Problem]:
    """Composed messages that stay over Telegram's limit even when split at paragraphs, in
    every language: each is composed as a person speaking it gets it."""
    problems = []
    for language in i18n.LANGUAGES:
        view = library.in_language(language)
        if language != i18n.DEFAULT_LANGUAGE and view is library:
            continue  # no translation: the English, already checked, is what they get
        translated = library.translations.get(language)
        own = set(translated.translated) if translated else set()
        with i18n.use_language(language):
            composed = composed_messages(view)
        for label, (where, text) in composed.items():
            longest = max(message_length(part) for part in split_message(text))
            if longest > MESSAGE_LIMIT:
                if where in own:
                    where = f"{language}/{where}"
                elif language != i18n.DEFAULT_LANGUAGE:
                    label = f"{label} ({language})"
                problems.append(
                    Problem(
                        where,
                        1,
                        _say("ca_too_long", label=label, longest=longest, limit=MESSAGE_LIMIT),
                    )
                )
    return problems


def check_set(files: Mapping[str, bytes | str]) -> Library:
    """The whole check that `check-content`, /reload and uploads share: the files validate,
    and every message subscribers would get fits Telegram. Raises ContentInvalid."""
    library = build_library(files)
    problems = message_problems(library)
    if problems:
        raise ContentInvalid(problems)
    return library


def check_folder(folder: Path) -> Library:
    return check_set(read_folder(folder))


# --- converting old-format practices ----------------------------------------------------------


def convert_folder(folder: Path) -> tuple[list[str], list[str]]:
    """Rewrites every old-format (YAML) practice in the plain-Markdown format, each file
    replaced atomically. Returns (converted, left as they are): a file is left when it does
    not validate or would not read back exactly the same, so subscribers see no change."""
    converted, left = [], []
    for path in sorted((folder / "practices").glob("*.md")):
        name = f"practices/{path.name}"
        text = path.read_bytes().decode("utf-8-sig")
        markdown = convert_practice(name, text)
        if markdown is None:
            if re.search(r"^steps\s*:", text, re.MULTILINE):
                left.append(name)
            continue
        temporary = path.with_name(f".{path.name}.converting")
        temporary.write_text(markdown, encoding="utf-8")
        os.replace(temporary, path)
        converted.append(name)
    return converted, left


def unreloaded_edits(
    current: Mapping[str, bytes], serving: Library, new: Mapping[str, str]
) -> list[str]:
    """Files in the folder edited on disk but never reloaded (so never archived) that writing
    `new` would replace or delete: the edits an admin would lose without a word."""
    lost = []
    for name in sorted(current):
        if not is_content_path(name):
            continue
        text = current[name].decode("utf-8-sig", errors="replace")
        if serving.files.get(name) != text and new.get(name) != text:
            lost.append(name)
    return lost


# --- translations -----------------------------------------------------------------------------

FILES_SHOWN = 12  # names per line in a report; the rest are counted


def translation_report(library: Library) -> str:
    """For admins, per language: how much is translated, what is served in English, and which
    translations are out of date or never checked (with the line that marks them checked).
    Warnings only: the English serves wherever a translation is missing."""
    blocks = []
    for language, report in library.translations.items():
        name = f"{i18n.LANGUAGE_NAMES.get(language, language)} ({language})"
        if not report.translated:
            blocks.append(texts.t("cl_none", language=name))
            continue
        total = len(report.translated) + len(report.missing)
        lines = [texts.t("cl_status", language=name, done=len(report.translated), n=total)]
        if report.missing:
            missing = tuple(f"{language}/{path}" for path in report.missing)
            lines.append(texts.t("cl_missing", files=_listed(missing)))
        marks = {
            path: f"{language}/{path} (translated-from: {english_hash(library.files[path])})"
            for path in (*report.out_of_date, *report.unchecked)
            if path in library.files
        }
        if report.out_of_date:
            lines.append(texts.t("cl_out_of_date", files=_listed(report.out_of_date, marks)))
        if report.unchecked:
            lines.append(texts.t("cl_unchecked", files=_listed(report.unchecked, marks)))
        if marks:
            lines.append(texts.t("cl_mark_hint"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _listed(paths: tuple[str, ...], shown: Mapping[str, str] | None = None) -> str:
    names = [(shown or {}).get(path, path) for path in paths[:FILES_SHOWN]]
    more = len(paths) - FILES_SHOWN
    return ", ".join(names) + (f" … (+{more})" if more > 0 else "")


def mark_translated(folder: Path, path: str) -> str:
    """Sets `translated-from` in the translation at `path` (ru/practices/x.md) to the English
    file's current version, after a teacher checked it says the same; returns the line."""
    if language_of(path) is None:
        raise ValueError(f"{path} is not in a language folder such as ru/")
    english = (folder / english_path(path)).read_bytes().decode("utf-8-sig")
    target = folder / path
    marked = content_mark_translated(target.read_bytes().decode("utf-8-sig"), english)
    temporary = target.with_name(f".{target.name}.marking")
    temporary.write_text(marked, encoding="utf-8")
    os.replace(temporary, target)
    return f"translated-from: {english_hash(english)}"
