"""Practice content: Markdown files with YAML front matter -> typed, frozen, validated values.

Layout of a content folder:
    program.md            the program: phases of days, the short version, unlock rules
    notes.md              notes of the day
    practices/<id>.md     one practice each
    TEMPLATE.md           an example practice teachers copy: checked, never served
    README.md             notes for the people editing the folder: not read
    <lang>/...            a translation (ru/practices/<id>.md, ru/program.md, ru/notes.md):
                          the same layout and file names; each file missing there is served
                          in English (see `build_library`)

A practice comes in one of two formats, told apart per file: the plain-Markdown format
(a few `key: value` lines, then Markdown with "Why", "Take care" and a numbered "Steps"
list; see `parse_markdown_practice`), or the older YAML format (the whole practice in YAML
front matter with a `steps:` list), which keeps loading until `python -m bot
convert-content` rewrites it.
Every problem is reported as `file:line: reason`, all of them at once, so an admin can fix a
whole edit in one go; nothing is applied unless the whole set is valid.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, cast

import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot import i18n, texts

MAX_STEP_CHARS = 600  # a step is read on a phone in a few seconds; Telegram's own cap is 4096
MAX_STEPS = 30  # a practice is a few minutes on a phone; also bounds the validator's work
MAX_FILE_CHARS = 20_000  # the longest practice is about 2,000; checked before any parsing
MAX_FILES = 200  # practices per set: a bound on the validator's work and the library list
MAX_ID_CHARS = 56  # a practice's button carries "pr:open:<id>" in Telegram's 64 bytes
MAX_TITLE_CHARS = 80
MAX_WHY_CHARS = 1000  # each long field is capped so one practice's first message stays short;
MAX_SAFETY_CHARS = 1500  # the composed messages are checked too (contentops.message_problems)
MAX_SOURCES_CHARS = 800
MAX_INTRO_CHARS = 2000
CATEGORIES = (
    "release",
    "breathing",
    "awareness",
    "walking",
    "feet",
    "stretch",
    "strength",
    "habits",
)
KNOWN_TOP_FILES = {"program.md", "notes.md", "README.md", "TEMPLATE.md"}
TEMPLATE = "TEMPLATE.md"
TRANSLATED = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE)
"""The languages with a folder of their own (content/ru/...); English is the top folder."""
TRANSLATED_FROM = "translated-from"  # header line: the English version a translation is from


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def _say(key: str, /, **values: object) -> str:
    """A problem in the current language: plain text, escaped where it is shown. Looked up
    when the problem is found, so the admin reads it in their own language."""
    return texts.template(key).format(**values)


class ContentInvalid(Exception):
    """A content set has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


def parse_duration(value: Any) -> int:
    """'15 min', '1 minute', '30 s', '90 sec' -> seconds."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_say("cc_duration"))
    match = re.fullmatch(
        r"\s*(\d+)\s*(min|mins|minute|minutes|m|s|sec|secs|second|seconds)\s*", str(value)
    )
    if not match:
        raise ValueError(_say("cc_duration_not", value=repr(value)))
    number, unit = int(match.group(1)), match.group(2)
    seconds = number if unit.startswith("s") else number * 60
    if not 5 <= seconds <= 60 * 60:
        raise ValueError(_say("cc_duration_range"))
    return seconds


Seconds = Annotated[int, BeforeValidator(parse_duration)]
Text = Annotated[str, Field(min_length=1)]
PracticeId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Step(_Model):
    text: Annotated[str, Field(min_length=1, max_length=MAX_STEP_CHARS)]
    timer: Seconds | None = None  # a timed step: the bot offers a Start button and a reminder


class Practice(_Model):
    id: Annotated[PracticeId, Field(max_length=MAX_ID_CHARS)]
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS)]
    summary: Annotated[str, Field(min_length=1, max_length=200)]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    minutes: Annotated[int, Field(ge=1, le=120)]
    why: Annotated[str, Field(min_length=1, max_length=MAX_WHY_CHARS)]
    safety: Annotated[str, Field(min_length=1, max_length=MAX_SAFETY_CHARS)]
    sources_differ: Annotated[str, Field(max_length=MAX_SOURCES_CHARS)] | None = None
    steps: Annotated[tuple[Step, ...], Field(min_length=1, max_length=MAX_STEPS)]
    intro: Annotated[str, Field(max_length=MAX_INTRO_CHARS)] = ""

    @property
    def first_timer(self) -> int | None:
        return next((step.timer for step in self.steps if step.timer), None)


def _ref(value: Any) -> Any:
    # A day lists plain ids, or {practice: id, minutes: N} to change the first timer's length.
    return {"practice": value} if isinstance(value, str) else value


class PracticeRef(_Model):
    practice: PracticeId
    minutes: Annotated[int, Field(ge=1, le=60)] | None = None


Ref = Annotated[PracticeRef, BeforeValidator(_ref)]
Day = Annotated[tuple[Ref, ...], Field(min_length=1)]


class Phase(_Model):
    id: PracticeId
    title: Text
    intro: str = ""
    repeat: bool = False
    days: Annotated[tuple[Day, ...], Field(min_length=1)]


class Unlock(_Model):
    practice: PracticeId
    max_pain: Annotated[int, Field(ge=0, le=10)]
    days: Annotated[int, Field(ge=1, le=90)]
    min_checkins: Annotated[int, Field(ge=0, le=90)] = 0
    instead: PracticeId | None = None


class Program(_Model):
    title: Text
    short: PracticeId
    gentle: Day
    phases: Annotated[tuple[Phase, ...], Field(min_length=1)]
    unlocks: tuple[Unlock, ...] = ()


class Notes(_Model):
    notes: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=400)], ...], Field(min_length=1)
    ]


@dataclass(frozen=True)
class Library:
    """One complete, valid content set, as served to subscribers."""

    practices: Mapping[str, Practice]
    program: Program
    notes: tuple[str, ...]
    files: Mapping[str, str]  # relative path -> text, kept for archiving and diffs
    checksum: str
    # The whole tree is one Library (the English one: one version, one checksum, one archive
    # row); each other language is a complete Library of its own, built from its folder with
    # the English file wherever a translation is missing.
    languages: Mapping[str, Library] = dataclass_field(default_factory=dict)
    translations: Mapping[str, Translations] = dataclass_field(default_factory=dict)

    def practice(self, practice_id: str) -> Practice | None:
        return self.practices.get(practice_id)

    def in_language(self, language: str | None) -> Library:
        """What a person speaking `language` is served; English when it has no folder."""
        return self.languages.get(language or "", self)


@dataclass(frozen=True, slots=True)
class Translations:
    """How far one language's folder is: warnings for the admin, never a reason to refuse."""

    language: str
    translated: tuple[str, ...]  # English paths that have a translation, e.g. practices/x.md
    missing: tuple[str, ...]  # English paths served in English for want of one
    out_of_date: tuple[str, ...]  # the English file changed since the translation was made
    unchecked: tuple[str, ...]  # no `translated-from` line: never checked against a version


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under a content folder, by POSIX-style relative path."""
    if not folder.is_dir():
        raise ContentInvalid([Problem(str(folder), 0, _say("cc_folder_not_found"))])
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.parts)
    }


def load_folder(folder: Path) -> Library:
    return build_library(read_folder(folder))


def build_library(files: Mapping[str, bytes | str]) -> Library:
    """Validates a whole content tree, English and every translation folder, as one set;
    raises ContentInvalid listing every problem.

    A translation is checked like the English, on the set a person speaking it is served:
    its own files over the English ones. It must keep the English structure (the same
    practices on the same days, the same steps and timers), so only the words differ. A
    missing or out-of-date translation is a warning (`Library.translations`): English serves.
    """
    english = {name: raw for name, raw in files.items() if language_of(name) is None}
    problems: list[Problem] = []
    library: Library | None = None
    try:
        library = _build_set(english)
    except ContentInvalid as err:
        problems.extend(err.problems)
    english_texts = _texts(english)
    views: dict[str, Library] = {}
    reports: dict[str, Translations] = {}
    for language in TRANSLATED:
        prefix = f"{language}/"
        own = {name[len(prefix) :]: raw for name, raw in files.items() if name.startswith(prefix)}
        view, found, report = _build_translation(language, own, english, english_texts, library)
        problems.extend(p for p in found if p not in problems)
        if view is not None and view is not library:
            views[language] = view
        reports[language] = report
    if problems or library is None:
        raise ContentInvalid(sorted(problems, key=lambda p: (p.file, p.line)))
    # Every language's .md files: one archive row, one checksum, one version for the tree.
    texts = {name: _decode(name, files[name], []) or "" for name in sorted(files) if _kept(name)}
    return Library(
        practices=library.practices,
        program=library.program,
        notes=library.notes,
        files=texts,
        checksum=checksum(texts),
        languages=views,
        translations=reports,
    )


def language_of(name: str) -> str | None:
    """'ru' for ru/practices/x.md; None for an English (top-folder) path."""
    head = name.split("/", 1)[0]
    return head if head in TRANSLATED and "/" in name else None


def english_path(name: str) -> str:
    """ru/practices/x.md -> practices/x.md; an English path stays as it is."""
    return name.split("/", 1)[1] if language_of(name) else name


def english_hash(text: str) -> str:
    """What a translation's `translated-from` line holds: the English file's version."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()[:12]


def translated_from(text: str) -> str | None:
    """The `translated-from: <hash>` line of a file's top part (between the '---' lines)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:]:
        if line.strip() == "---":
            return None
        match = _TRANSLATED_LINE.fullmatch(line.strip())
        if match:
            return match.group(1).strip("'\"").lower()
    return None


def mark_translated(text: str, english: str) -> str:
    """The translation `text` with its `translated-from` line set to the English version."""
    line = f"{TRANSLATED_FROM}: {english_hash(english)}"
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ValueError("the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            break
        if _TRANSLATED_LINE.fullmatch(lines[index].strip()):
            lines[index] = line
            return "\n".join(lines)
    lines.insert(1, line)
    return "\n".join(lines)


_TRANSLATED_LINE = re.compile(rf"{TRANSLATED_FROM}\s*:\s*(\S*)")
SERVED_FILES = ("program.md", "notes.md")  # with practices/*.md: what a translation covers


def _kept(name: str) -> bool:
    return name.endswith(".md")


def _texts(files: Mapping[str, bytes | str]) -> dict[str, str]:
    decoded = {name: _decode(name, raw, []) for name, raw in files.items()}
    return {name: text for name, text in decoded.items() if text is not None}


def _build_translation(
    language: str,
    own: Mapping[str, bytes | str],
    english: Mapping[str, bytes | str],
    english_texts: Mapping[str, str],
    library: Library | None,
) -> tuple[Library | None, list[Problem], Translations]:
    """One language's view (its files over the English), its problems with `ru/` paths, and
    what is missing or out of date."""
    prefix = f"{language}/"
    served = sorted(
        name
        for name in english_texts
        if name in SERVED_FILES or (name.startswith("practices/") and _is_content_file(name))
    )
    problems: list[Problem] = []
    translated, out_of_date, unchecked = [], [], []
    orphans = {
        name
        for name in own
        if _is_content_file(name) and name not in english and name not in ("README.md", TEMPLATE)
    }
    for name in sorted(own):
        if name == "README.md":
            continue
        if name in orphans:
            problems.append(
                Problem(
                    prefix + name,
                    1,
                    _say("cc_orphan", name=name),
                )
            )
            continue
        text = _decode(prefix + name, own[name], [])
        if name not in english_texts or text is None:
            continue
        translated.append(name)
        made_from = translated_from(text)
        if made_from is None:
            unchecked.append(name)
        elif made_from != english_hash(english_texts[name]):
            out_of_date.append(name)
    report = Translations(
        language=language,
        translated=tuple(name for name in translated if name != TEMPLATE),
        missing=tuple(name for name in served if name not in own),
        out_of_date=tuple(out_of_date),
        unchecked=tuple(name for name in unchecked if name != TEMPLATE),
    )
    if not own:
        return library, [], report  # nothing translated yet: the English serves as it is
    merged = {name: raw for name, raw in english.items() if name != "README.md"}
    merged.update({name: raw for name, raw in own.items() if name not in orphans})
    try:
        view = _build_set(merged)
    except ContentInvalid as err:
        # The English files' own problems are reported once, under their English names.
        own_problems = [p for p in err.problems if p.file in own]
        for problem in own_problems or err.problems:
            reason = problem.reason
            if not own_problems:
                reason = _say("cc_in_language_set", reason=reason, language=language)
            problems.append(Problem(prefix + problem.file, problem.line, reason))
        return None, problems, report
    if library is not None:
        problems += _structure_problems(prefix, own, view, library)
    return view, problems, report


def _structure_problems(
    prefix: str, own: Mapping[str, bytes | str], view: Library, english: Library
) -> list[Problem]:
    """A translation changes words only: the days, steps and timers stay the English ones,
    so a person who switches language keeps their place and the same safe timings."""
    problems = []
    if "program.md" in own:
        where = _program_difference(view.program, english.program)
        if where:
            problems.append(
                Problem(
                    prefix + "program.md",
                    1,
                    _say("cc_program_differs", where=where),
                )
            )
    for practice_id, theirs in sorted(english.practices.items()):
        name = f"practices/{practice_id}.md"
        ours = view.practices.get(practice_id)
        if name not in own or ours is None:
            continue
        differences = [
            what
            for what, mine, original in (
                (_say("cc_category_field"), ours.category, theirs.category),
                (_say("cc_minutes_field"), ours.minutes, theirs.minutes),
                (_say("cc_step_count"), len(ours.steps), len(theirs.steps)),
                (
                    _say("cc_timers"),
                    tuple(step.timer for step in ours.steps),
                    tuple(step.timer for step in theirs.steps),
                ),
            )
            if mine != original
        ]
        if differences:
            problems.append(
                Problem(
                    prefix + name,
                    1,
                    _say("cc_practice_differs", differences=_joined(differences), name=name),
                )
            )
    return problems


def _joined(parts: list[str]) -> str:
    """'a and b and c', with the current language's 'and'."""
    joined = parts[0]
    for part in parts[1:]:
        joined = _say("cc_and", first=joined, second=part)
    return joined


def _program_difference(ours: Program, theirs: Program) -> str | None:
    """Where a translated program first departs from the English structure, in words."""
    if ours.short != theirs.short:
        return _say("cc_short_field")
    if ours.gentle != theirs.gentle:
        return _say("cc_gentle_field")
    if ours.unlocks != theirs.unlocks:
        return _say("cc_unlocks_field")
    if len(ours.phases) != len(theirs.phases):
        return _say("cc_phase_count")
    for number, (mine, original) in enumerate(zip(ours.phases, theirs.phases, strict=True), 1):
        if (mine.id, mine.repeat) != (original.id, original.repeat):
            return _say("cc_phase", number=number)
        if len(mine.days) != len(original.days):
            return _say("cc_day_count", number=number)
        for day, (a, b) in enumerate(zip(mine.days, original.days, strict=True), 1):
            if a != b:
                return _say("cc_phase_day", phase=number, day=day)
    return None


def _build_set(files: Mapping[str, bytes | str]) -> Library:
    """Validates one language's content set; raises ContentInvalid listing every problem."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    practices: dict[str, Practice] = {}
    seen_at: dict[str, str] = {}
    titled: dict[str, str] = {}  # lower-cased title -> file: sessions tell practices by title
    program: Program | None = None
    notes: Notes | None = None
    program_doc: _Doc | None = None
    broken: set[str] = set()  # practices whose own file has problems: no second error for them

    if sum(1 for name in files if name.startswith("practices/")) > MAX_FILES:
        raise ContentInvalid([Problem("practices/", 0, _say("cc_too_many_files", limit=MAX_FILES))])
    for name in sorted(files):
        if not _is_content_file(name):
            misnamed = _misnamed(name)
            if misnamed:
                problems.append(Problem(name, 0, misnamed))
            elif name.endswith(".md"):
                problems.append(Problem(name, 0, _say("cc_not_content")))
            continue
        text = _decode(name, files[name], problems)
        if text is None:
            broken.add(PurePosixPath(name).stem)  # the program naming it is not a second error
            continue
        texts[name] = text
        if name == "README.md":
            continue
        if len(text) > MAX_FILE_CHARS:
            problems.append(
                Problem(
                    name,
                    1,
                    _say("cc_file_too_long", length=f"{len(text):,}", limit=f"{MAX_FILE_CHARS:,}"),
                )
            )
            broken.add(PurePosixPath(name).stem)
            continue
        is_practice = name.startswith("practices/") or name == TEMPLATE
        if is_practice and _is_markdown_format(text):
            stem = PurePosixPath(name).stem
            doc = parse_markdown_practice(
                name, text, problems, default_id="template" if name == TEMPLATE else stem
            )
        else:
            doc = _split(name, text, problems)
        if doc is None:
            broken.add(PurePosixPath(name).stem)
            continue
        if name == "program.md":
            program_doc = doc
            program = doc.validate(Program, problems)
        elif name == "notes.md":
            notes = doc.validate(Notes, problems)
        elif name == TEMPLATE:
            doc.validate(Practice, problems, extra={"intro": doc.body})  # checked, not served
        else:
            stem = PurePosixPath(name).stem
            practice = doc.validate(Practice, problems, extra={"intro": doc.body})
            if practice is None:
                broken.add(stem)
                continue
            mismatch = practice.id != stem
            if mismatch:
                broken.add(stem)
                problems.append(
                    Problem(
                        name,
                        doc.line_of(("id",)),
                        _say("cc_id_not_file", id=practice.id, stem=stem),
                    )
                )
            if practice.id in seen_at:
                problems.append(
                    Problem(
                        name,
                        doc.line_of(("id",)),
                        _say("cc_duplicate_id", id=practice.id, other=seen_at[practice.id]),
                    )
                )
                broken.add(stem)
                continue
            seen_at[practice.id] = name
            title_key = practice.title.casefold()
            if title_key in titled:
                problems.append(
                    Problem(
                        name,
                        doc.line_of(("title",)),
                        _say("cc_duplicate_title", title=practice.title, other=titled[title_key]),
                    )
                )
                broken.add(stem)
                continue
            titled[title_key] = name
            if mismatch:
                continue  # served under neither name until the file and its id agree
            practices[practice.id] = practice

    for required in ("program.md", "notes.md"):
        if required not in files:
            problems.append(Problem(required, 1, _say("cc_file_missing")))
    if not practices and not any(p.file.startswith("practices/") for p in problems):
        problems.append(Problem("practices/", 0, _say("cc_no_practices")))
    if program is not None and program_doc is not None:
        problems.extend(_check_references(program, practices, program_doc, broken))
    if problems or program is None or notes is None:
        raise ContentInvalid(sorted(problems, key=lambda p: (p.file, p.line)))
    return Library(
        practices=practices,
        program=program,
        notes=notes.notes,
        files=texts,
        checksum=checksum(texts),
    )


def checksum(texts: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return digest.hexdigest()[:16]


def diff_summary(old: Library | None, new: Library) -> list[str]:
    """What changed between two content sets, in words an admin reads at a glance."""
    before = dict(old.practices) if old else {}
    lines = [_say("cc_added", item=pid) for pid in sorted(new.practices.keys() - before.keys())]
    lines += [_say("cc_removed", item=pid) for pid in sorted(before.keys() - new.practices.keys())]
    lines += [
        _say("cc_edited", item=pid)
        for pid in sorted(new.practices.keys() & before.keys())
        if new.practices[pid] != before[pid]
    ]
    if old is None or old.program != new.program:
        lines.append(_say("cc_edited", item=_say("cc_program_item")))
    if old is None or old.notes != new.notes:
        lines.append(_say("cc_edited", item=_say("cc_notes_item")))
    # Translations by file, as "edited: ru/breathing", "added: ru/program".
    before_files = old.files if old else {}
    for name in sorted(before_files.keys() | new.files.keys()):
        language = language_of(name)
        english = english_path(name)
        if language is None or english in ("README.md", TEMPLATE):
            continue
        if before_files.get(name) != new.files.get(name):
            key = (
                "cc_added"
                if name not in before_files
                else "cc_removed"
                if name not in new.files
                else "cc_edited"
            )
            lines.append(_say(key, item=f"{language}/{PurePosixPath(english).stem}"))
    return lines


# --- the plain-Markdown practice format -------------------------------------------------------

FRONT_FIELDS = ("id", "title", "summary", "category", "minutes")
SECTIONS = {
    "why": "why",
    "take care": "safety",
    "sources differ": "sources_differ",
    "steps": "steps",
}
_HEADING = re.compile(r"#{1,6}\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"(\d{1,3})[.)]\s+(.*)$")
_TIMER = re.compile(r"\s*\(\s*timer\s*:\s*([^()]*)\)\s*$", re.IGNORECASE)
_FRONT_LINE = re.compile(r"([A-Za-z_][A-Za-z_ ]*?)\s*:\s*(.*)$")


def parse_markdown_practice(
    name: str, text: str, problems: list[Problem], *, default_id: str
) -> _Doc | None:
    """Reads a practice written as plain Markdown, keeping every field's line for errors:

        ---
        title: Belly breathing
        summary: Let your belly expand as you breathe in.
        category: breathing
        minutes: 3
        ---
        A short introduction.

        ## Why
        ...
        ## Take care
        ...
        ## Sources differ     (optional)
        ...
        ## Steps
        1. Sit or lie down.
        2. Rest and let the floor hold you. (timer: 2 min)

    The front matter is `key: value` lines, not YAML: a colon, a quote or a '#' in a title is
    just text. Line breaks show as written; a step's further lines are indented under it.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not text.strip():
        problems.append(Problem(name, 1, _say("cc_file_empty")))
        return None
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(name, 1, _say("cc_md_no_start")))
        return None
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(Problem(name, 1, _say("cc_md_not_closed")))
        return None
    before = len(problems)
    data: dict[str, Any] = {}
    where: dict[tuple[Any, ...], int] = {}
    for number in range(1, close):
        raw = lines[number]
        if not raw.strip() or _TRANSLATED_LINE.fullmatch(raw.strip()):
            continue  # translated-from: read by `translated_from`, not part of the practice
        match = _FRONT_LINE.match(raw.strip())
        line = number + 1
        if match is None:
            problems.append(Problem(name, line, _say("cc_md_front_line")))
            continue
        key, value = match.group(1).strip().lower(), _unquote(match.group(2).strip())
        if key not in FRONT_FIELDS:
            problems.append(
                Problem(
                    name,
                    line,
                    _say("cc_md_unknown_field", key=key, fields=", ".join(FRONT_FIELDS[1:])),
                )
            )
            continue
        if key in data:
            problems.append(Problem(name, line, _say("cc_twice", key=key)))
            continue
        if key == "minutes":
            value = re.sub(r"\s*(min|mins|minutes)\s*$", "", value, flags=re.IGNORECASE)
        data[key], where[(key,)] = value, line
    data.setdefault("id", default_id)
    where.setdefault(("id",), 1)

    section = "intro"
    chunks: dict[str, list[str]] = {"intro": []}
    steps: list[tuple[int, list[str]]] = []
    for number in range(close + 1, len(lines)):
        raw, line = lines[number], number + 1
        heading = _HEADING.fullmatch(raw.strip()) if raw.startswith("#") else None
        if heading:
            title = heading.group(1).strip().rstrip(":").lower()
            if title not in SECTIONS:
                problems.append(
                    Problem(
                        name,
                        line,
                        _say("cc_md_unknown_heading", heading=heading.group(1).strip()),
                    )
                )
                section = "unknown"
                continue
            section = SECTIONS[title]
            if section in chunks or (section == "steps" and ("steps",) in where):
                problems.append(
                    Problem(
                        name,
                        line,
                        _say("cc_md_heading_twice", heading=heading.group(1).strip()),
                    )
                )
            where[(section,)] = line
            chunks.setdefault(section, [])
            continue
        if section == "unknown":
            continue
        if section != "steps":
            chunks[section].append(raw)
            continue
        item = _ITEM.match(raw)
        if item:
            expected = len(steps) + 1
            if int(item.group(1)) != expected:
                problems.append(
                    Problem(
                        name,
                        line,
                        _say("cc_md_step_number", written=item.group(1), expected=expected),
                    )
                )
            steps.append((line, [item.group(2)]))
        elif steps:
            steps[-1][1].append(raw.strip())
        elif raw.strip():
            problems.append(Problem(name, line, _say("cc_md_step_line")))
    for field in ("intro", "why", "safety", "sources_differ"):
        if field in chunks:
            data[field] = "\n".join(chunks[field]).strip()
            if field != "intro" and not data[field]:
                problems.append(
                    Problem(
                        name,
                        where[(field,)],
                        _say("cc_md_section_empty", section=_say(_SECTION_NAMES[field])),
                    )
                )
                del data[field]
    if ("steps",) in where:
        data["steps"] = []
        for index, (line, parts) in enumerate(steps):
            step_text = "\n".join(parts).strip()
            step: dict[str, Any] = {}
            timer = _TIMER.search(step_text)
            if timer:
                step_text = step_text[: timer.start()].rstrip()
                step["timer"] = timer.group(1).strip()
            step["text"] = step_text
            data["steps"].append(step)
            where[("steps", index)] = line
        if not steps:
            problems.append(
                Problem(
                    name,
                    where[("steps",)],
                    _say("cc_md_steps_empty"),
                )
            )
    if len(problems) > before:
        return None
    body = data.pop("intro", "")
    return _Doc(name, data, None, 2, body, lines=where)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def practice_markdown(practice: Practice) -> str:
    """The practice in the plain-Markdown format: what `parse_markdown_practice` reads back
    into the same Practice (the converter checks that before it writes)."""
    front = ["---", f"title: {practice.title}", f"summary: {practice.summary}"]
    front += [f"category: {practice.category}", f"minutes: {practice.minutes}", "---"]
    parts = ["\n".join(front)]
    if practice.intro:
        parts.append(practice.intro)
    parts.append(f"## Why\n{practice.why}")
    parts.append(f"## Take care\n{practice.safety}")
    if practice.sources_differ:
        parts.append(f"## Sources differ\n{practice.sources_differ}")
    steps = []
    for number, step in enumerate(practice.steps, start=1):
        text = step.text + (f" (timer: {_timer_words(step.timer)})" if step.timer else "")
        first, *more = text.split("\n")
        indent = " " * len(f"{number}. ")  # a step's further lines sit under its first
        steps += [f"{number}. {first}", *[indent + line if line else "" for line in more]]
    parts.append("## Steps\n" + "\n".join(steps))
    return "\n\n".join(parts) + "\n"


def _timer_words(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def convert_practice(name: str, text: str) -> str | None:
    """An old-format practice file rewritten in the Markdown format, or None when it is
    already Markdown, does not validate, or would not read back exactly the same."""
    if _is_markdown_format(text):
        return None
    problems: list[Problem] = []
    doc = _split(name, text, problems)
    if doc is None:
        return None
    practice = doc.validate(Practice, problems, extra={"intro": doc.body})
    if practice is None or practice.id != PurePosixPath(name).stem:
        return None
    converted = practice_markdown(practice)
    again = parse_markdown_practice(name, converted, problems, default_id=practice.id)
    if again is None:
        return None
    if again.data.get("id") != practice.id:
        return None
    back = again.validate(Practice, problems, extra={"intro": again.body})
    return converted if back == practice and not problems else None


# --- internals --------------------------------------------------------------------------------


def _is_content_file(name: str) -> bool:
    path = PurePosixPath(name)
    if name in KNOWN_TOP_FILES:
        return True
    return len(path.parts) == 2 and path.parts[0] == "practices" and path.suffix == ".md"


def _misnamed(name: str) -> str | None:
    """A reason for a file that is meant as content but named so it would be skipped."""
    path = PurePosixPath(name)
    lower = path.name.lower()
    if lower.endswith(".md.txt"):
        fixed = path.name[: -len(".md.txt")] + ".md"
        return _say("cc_md_txt", fixed=fixed)
    if lower.endswith(".md") and not path.name.endswith(".md"):
        return _say("cc_md_case", fixed=f"{path.stem}.md")
    return None


def _is_markdown_format(text: str) -> bool:
    """The older YAML format has a `steps:` line in its front matter; the plain-Markdown
    format has none (a step or an introduction may say "steps:" at a line start)."""
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
        lines = lines[1:end]
    return not any(re.match(r"steps\s*:", line) for line in lines)


def _decode(name: str, raw: bytes | str, problems: list[Problem]) -> str | None:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(name, line, _say("cc_not_utf8")))
        return None


@dataclass
class _Doc:
    """One file's front matter, with the YAML node tree kept to find line numbers."""

    name: str
    data: Any
    node: yaml.Node | None
    first_line: int  # file line of the first front-matter line
    body: str
    lines: dict[tuple[Any, ...], int] | None = None  # Markdown format: field -> file line

    def line_of(self, loc: tuple[Any, ...]) -> int:
        if self.lines is not None:
            for size in range(len(loc), -1, -1):
                if loc[:size] in self.lines:
                    return self.lines[loc[:size]]
            return self.first_line
        node = self.node
        for key in loc:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return self.first_line + (node.start_mark.line if node is not None else 0)

    def validate(
        self, model: type[BaseModel], problems: list[Problem], extra: dict[str, Any] | None = None
    ) -> Any:
        if not isinstance(self.data, dict):
            problems.append(
                Problem(
                    self.name,
                    self.first_line,
                    _say("cc_yaml_not_mapping"),
                )
            )
            return None
        try:
            return model.model_validate({**self.data, **(extra or {})})
        except ValidationError as err:
            errors = [
                (tuple(part for part in error["loc"] if not _is_union_tag(part)), error)
                for error in err.errors()
            ]
            markdown = self.lines is not None
            for loc, error in errors:
                if error["type"] == "too_short" and any(
                    other[: len(loc)] == loc and other != loc for other, _ in errors
                ):
                    continue  # "at least 1 step" only because a step had its own error
                problems.append(
                    Problem(self.name, self.line_of(loc), _reason(loc, error, markdown=markdown))
                )
            return None


def _split(name: str, text: str, problems: list[Problem]) -> _Doc | None:
    if not text.strip():
        problems.append(Problem(name, 1, _say("cc_file_empty")))
        return None
    if not text.lstrip("\ufeff").startswith("---"):
        problems.append(Problem(name, 1, _say("cc_yaml_no_start")))
        return None
    try:
        front, body = YAMLHandler().split(text)
    except ValueError:
        problems.append(Problem(name, 1, _say("cc_yaml_not_closed")))
        return None
    first_line = text[: text.find(front)].count("\n") + 1 if front else 2
    try:
        try:
            # libyaml when installed: several times faster, and start-up reads every
            # language's files; its error wording differs, so errors come from PyYAML's own.
            data = yaml.load(front, Loader=_FAST_LOADER)
            node = yaml.compose(front, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            data = yaml.safe_load(front)
            node = yaml.compose(front)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(err, "problem", None) or ""
        context, context_mark = getattr(err, "context", None), getattr(err, "context_mark", None)
        opened = None
        if context and context_mark is not None and context_mark.line != (mark.line if mark else 0):
            opened = first_line + context_mark.line  # PyYAML notices an unclosed bracket later
        problems.append(Problem(name, line, _yaml_words(problem, context or "", opened)))
        return None
    if isinstance(data, dict):
        data.pop(TRANSLATED_FROM, None)  # read by `translated_from`, not part of the content
    before = len(problems)
    _check_yaml_keys(name, node, first_line, problems)
    _check_yaml_comments(name, front, node, first_line, problems)
    if len(problems) > before:
        return None
    return _Doc(name, data, node, first_line, body.strip())


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_words(problem: str, context: str, opened: int | None) -> str:
    """PyYAML's complaint in words a teacher knows, with what to do about it."""
    if opened is not None and ("quoted" in context or "flow" in context):
        key = "cc_yaml_quote_open" if "quoted" in context else "cc_yaml_bracket_open"
        return _say(key, line=opened)
    if "mapping values are not allowed" in problem:
        return _say("cc_yaml_colon")
    if "'\\t'" in problem or "\t" in problem:
        return _say("cc_yaml_tab")
    if "expected alphabetic or numeric character" in problem or "cannot start any token" in problem:
        return _say("cc_yaml_sign")
    if "end of stream" in problem and "quoted" in context:
        return _say("cc_yaml_quote_unclosed")
    if "expected <block end>" in problem or "did not find expected" in problem:
        return _say("cc_yaml_indent")
    return _say("cc_yaml_other")


def _check_yaml_keys(
    name: str, node: yaml.Node | None, first_line: int, problems: list[Problem]
) -> None:
    """YAML keeps the last of two equal keys without a word; a teacher meant one of them."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                problems.append(
                    Problem(
                        name,
                        first_line + key_node.start_mark.line,
                        _say("cc_twice", key=key_node.value),
                    )
                )
            seen.add(key_node.value)
            _check_yaml_keys(name, value_node, first_line, problems)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_yaml_keys(name, item, first_line, problems)


def _check_yaml_comments(
    name: str, front: str, node: yaml.Node | None, first_line: int, problems: list[Problem]
) -> None:
    """A ' #' after a value starts a YAML comment: the rest of the line would vanish."""
    lines = front.splitlines()
    ends = {scalar.end_mark.line: scalar.end_mark.column for scalar in _plain_scalars(node)}
    for line, column in sorted(ends.items()):
        rest = lines[line][column:] if line < len(lines) else ""
        if rest.lstrip().startswith("#"):
            problems.append(
                Problem(
                    name,
                    first_line + line,
                    _say("cc_yaml_comment"),
                )
            )


def _plain_scalars(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        return [node] if not node.style and node.value else []  # libyaml: "" for plain
    if isinstance(node, yaml.MappingNode):
        return [s for pair in node.value for part in pair for s in _plain_scalars(part)]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _plain_scalars(item)]
    return []


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    # yaml's stubs type a collection node's `value` as Any: its items are Nodes.
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return cast(yaml.Node, value_node)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return cast(yaml.Node, node.value[key])
    return None


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the branch of an Optional/Annotated union ("int", "function-before[...]")
    return isinstance(part, str) and ("[" in part or part in {"int", "str", "none"})


_SECTION_NAMES = {  # Markdown format: the message key of what a teacher calls each field
    "why": "cc_section_why",
    "safety": "cc_section_safety",
    "sources_differ": "cc_section_sources_differ",
    "steps": "cc_section_steps",
    "intro": "cc_section_intro",
}


def _what(loc: tuple[Any, ...], *, markdown: bool) -> str:
    """A field's place in words: "step 2", "the timer of step 3", "phase 1, day 4"."""
    if not loc:
        return _say("cc_front_matter")
    if loc[0] == "steps" and len(loc) >= 2 and isinstance(loc[1], int):
        step = _say("cc_step", number=loc[1] + 1)
        if len(loc) == 2:
            return step
        if loc[2] in ("text", "timer"):
            return _say(f"cc_step_{loc[2]}", step=step)
        return _say("cc_step_field", field=loc[2], step=step)
    if loc[0] == "phases" and len(loc) >= 2 and isinstance(loc[1], int):
        phase = loc[1] + 1
        if len(loc) >= 4 and loc[2] == "days" and isinstance(loc[3], int):
            if len(loc) >= 5 and isinstance(loc[4], int):
                return _say(
                    "cc_phase_day_practice", phase=phase, day=loc[3] + 1, practice=loc[4] + 1
                )
            return _say("cc_phase_day", phase=phase, day=loc[3] + 1)
        where = _say("cc_phase", number=phase)
        return _say("cc_phase_field", field=loc[2], where=where) if len(loc) >= 3 else where
    if loc[0] == "notes" and len(loc) >= 2 and isinstance(loc[1], int):
        return _say("cc_note", number=loc[1] + 1)
    if loc[0] in ("gentle", "unlocks") and len(loc) >= 2 and isinstance(loc[1], int):
        return _say("cc_entry", number=loc[1] + 1, field=loc[0])
    if markdown and loc[0] in _SECTION_NAMES:
        return _say(_SECTION_NAMES[loc[0]])
    return _say("cc_field", field=".".join(str(part) for part in loc))


def _reason(loc: tuple[Any, ...], error: Mapping[str, Any], *, markdown: bool = False) -> str:
    """A pydantic error in words a teacher knows, with how to fix it."""
    what = _what(loc, markdown=markdown)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        if markdown and loc and loc[0] in _SECTION_NAMES:
            return _say("cc_missing_section", what=what)
        return _say("cc_missing", what=what)
    if kind == "extra_forbidden":
        return _say("cc_unknown_field", what=what)
    if kind == "model_type":
        return _say("cc_not_mapping", what=what)
    if kind == "literal_error" and loc and loc[-1] == "category":
        return _say("cc_category", categories=", ".join(CATEGORIES))
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else _say("cc_too_many_characters")
        return _say("cc_too_long_text", what=what, length=length, limit=ctx.get("max_length"))
    if kind == "too_long":
        count, limit = ctx.get("actual_length"), ctx.get("max_length")
        return _say("cc_too_many_entries", what=what, count=count, limit=limit)
    if kind in ("too_short", "string_too_short"):
        return _say("cc_empty", what=what)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _say("cc_whole_number", what=what, value=repr(value))
    if kind == "less_than_equal":
        return _say("cc_at_most", what=what, limit=ctx.get("le"), value=repr(value))
    if kind == "greater_than_equal":
        return _say("cc_at_least", what=what, limit=ctx.get("ge"), value=repr(value))
    if kind == "string_pattern_mismatch":
        return _say("cc_bad_id", what=what, value=value)
    if kind in ("bool_parsing", "bool_type"):
        return _say("cc_true_false", what=what)
    if kind in ("string_type", "tuple_type", "list_type"):
        return _say("cc_unexpected_form", what=what)
    # Our own validators' ValueError (such as a timer's length) arrive already in words.
    message = str(error["msg"]).removeprefix("Value error, ")
    if not message:
        return _say("cc_invalid", what=what)
    return _say("cc_rule", what=what, rule=message[0].lower() + message[1:])


def _check_references(
    program: Program, practices: Mapping[str, Practice], doc: _Doc, broken: set[str]
) -> list[Problem]:
    problems = []

    def check(practice_id: str, loc: tuple[Any, ...], minutes: int | None = None) -> None:
        practice = practices.get(practice_id)
        if practice is None and practice_id in broken:
            return
        if practice is None:
            close = difflib.get_close_matches(practice_id, list(practices), n=1, cutoff=0.75)
            reason = (
                _say("cc_no_practice_similar", id=practice_id, similar=close[0])
                if close
                else _say("cc_no_practice_add", id=practice_id)
            )
            problems.append(Problem(doc.name, doc.line_of(loc), reason))
        elif minutes is not None and practice.first_timer is None:
            problems.append(
                Problem(
                    doc.name,
                    doc.line_of(loc),
                    _say("cc_no_timed_step", id=practice_id),
                )
            )

    check(program.short, ("short",))
    for d, ref in enumerate(program.gentle):
        check(ref.practice, ("gentle", d), ref.minutes)
    for p, phase in enumerate(program.phases):
        for d, day in enumerate(phase.days):
            for r, ref in enumerate(day):
                check(ref.practice, ("phases", p, "days", d, r), ref.minutes)
        if phase.repeat and p != len(program.phases) - 1:
            problems.append(
                Problem(doc.name, doc.line_of(("phases", p, "repeat")), _say("cc_repeat_not_last"))
            )
    if not program.phases[-1].repeat:
        problems.append(
            Problem(
                doc.name,
                doc.line_of(("phases", len(program.phases) - 1)),
                _say("cc_last_must_repeat"),
            )
        )
    for u, unlock in enumerate(program.unlocks):
        check(unlock.practice, ("unlocks", u, "practice"))
        if unlock.instead:
            check(unlock.instead, ("unlocks", u, "instead"))
    return problems
