"""Practice content: Markdown files with YAML front matter -> typed, frozen, validated values.

Layout of a content folder:
    program.md            the program: phases of days, the short version, unlock rules
    notes.md              notes of the day
    practices/<id>.md     one practice each
Every problem is reported as `file:line: reason`, all of them at once, so an admin can fix a
whole edit in one go; nothing is applied unless the whole set is valid.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

import frontmatter
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

MAX_STEP_CHARS = 600  # a step is read on a phone in a few seconds; Telegram's own cap is 4096
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
KNOWN_TOP_FILES = {"program.md", "notes.md", "README.md"}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ContentInvalid(Exception):
    """A content set has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


def parse_duration(value: Any) -> int:
    """'15 min', '1 minute', '30 s', '90 sec' -> seconds."""
    if isinstance(value, bool) or value is None:
        raise ValueError("must be a length such as '15 min' or '30 s'")
    match = re.fullmatch(
        r"\s*(\d+)\s*(min|mins|minute|minutes|m|s|sec|secs|second|seconds)\s*", str(value)
    )
    if not match:
        raise ValueError(f"must be a length such as '15 min' or '30 s', not {value!r}")
    number, unit = int(match.group(1)), match.group(2)
    seconds = number if unit.startswith("s") else number * 60
    if not 5 <= seconds <= 60 * 60:
        raise ValueError("must be between 5 seconds and 60 minutes")
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
    id: PracticeId
    title: Text
    summary: Annotated[str, Field(min_length=1, max_length=200)]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    minutes: Annotated[int, Field(ge=1, le=120)]
    why: Text
    safety: Text
    sources_differ: str | None = None
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]
    intro: str = ""

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

    def practice(self, practice_id: str) -> Practice | None:
        return self.practices.get(practice_id)


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under a content folder, by POSIX-style relative path."""
    if not folder.is_dir():
        raise ContentInvalid([Problem(str(folder), 0, "content folder not found")])
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.parts)
    }


def load_folder(folder: Path) -> Library:
    return build_library(read_folder(folder))


def build_library(files: Mapping[str, bytes | str]) -> Library:
    """Validates a whole content set; raises ContentInvalid listing every problem."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    practices: dict[str, Practice] = {}
    seen_at: dict[str, str] = {}
    program: Program | None = None
    notes: Notes | None = None
    program_doc: _Doc | None = None
    broken: set[str] = set()  # practices whose own file has problems: no second error for them

    for name in sorted(files):
        if not _is_content_file(name):
            if name.endswith(".md"):
                problems.append(Problem(name, 0, "not a content file: put practices in practices/"))
            continue
        text = _decode(name, files[name], problems)
        if text is None:
            broken.add(PurePosixPath(name).stem)  # the program naming it is not a second error
            continue
        texts[name] = text
        if name == "README.md":
            continue
        doc = _split(name, text, problems)
        if doc is None:
            broken.add(PurePosixPath(name).stem)
            continue
        if name == "program.md":
            program_doc = doc
            program = doc.validate(Program, problems)
        elif name == "notes.md":
            notes = doc.validate(Notes, problems)
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
                        f"id '{practice.id}' must match the file name '{stem}'",
                    )
                )
            if practice.id in seen_at:
                problems.append(
                    Problem(
                        name,
                        doc.line_of(("id",)),
                        f"duplicate id '{practice.id}' (also in {seen_at[practice.id]})",
                    )
                )
                broken.add(stem)
                continue
            seen_at[practice.id] = name
            if mismatch:
                continue  # served under neither name until the file and its id agree
            practices[practice.id] = practice

    for required in ("program.md", "notes.md"):
        if required not in files:
            problems.append(Problem(required, 0, "file is missing"))
    if not practices and not any(p.file.startswith("practices/") for p in problems):
        problems.append(Problem("practices/", 0, "no practices found"))
    if program is not None and program_doc is not None:
        problems.extend(_check_references(program, practices, program_doc, broken))
    if problems or program is None or notes is None:
        raise ContentInvalid(problems)
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
    lines = [f"added: {pid}" for pid in sorted(new.practices.keys() - before.keys())]
    lines += [f"removed: {pid}" for pid in sorted(before.keys() - new.practices.keys())]
    lines += [
        f"edited: {pid}"
        for pid in sorted(new.practices.keys() & before.keys())
        if new.practices[pid] != before[pid]
    ]
    if old is None or old.program != new.program:
        lines.append("edited: program")
    if old is None or old.notes != new.notes:
        lines.append("edited: notes")
    return lines


# --- internals --------------------------------------------------------------------------------


def _is_content_file(name: str) -> bool:
    path = PurePosixPath(name)
    if name in KNOWN_TOP_FILES:
        return True
    return len(path.parts) == 2 and path.parts[0] == "practices" and path.suffix == ".md"


def _decode(name: str, raw: bytes | str, problems: list[Problem]) -> str | None:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(name, line, "not UTF-8 text: save the file as UTF-8"))
        return None


@dataclass
class _Doc:
    """One file's front matter, with the YAML node tree kept to find line numbers."""

    name: str
    data: Any
    node: yaml.Node | None
    first_line: int  # file line of the first front-matter line
    body: str

    def line_of(self, loc: tuple[Any, ...]) -> int:
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
                    "the front matter must be a set of 'key: value' lines",
                )
            )
            return None
        try:
            return model.model_validate({**self.data, **(extra or {})})
        except ValidationError as err:
            for error in err.errors():
                loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
                problems.append(Problem(self.name, self.line_of(loc), _reason(loc, error)))
            return None


def _split(name: str, text: str, problems: list[Problem]) -> _Doc | None:
    if not text.strip():
        problems.append(Problem(name, 1, "the file is empty"))
        return None
    if not text.lstrip("\ufeff").startswith("---"):
        problems.append(Problem(name, 1, "must start with '---' and YAML front matter"))
        return None
    try:
        front, body = frontmatter.YAMLHandler().split(text)
    except ValueError:
        problems.append(Problem(name, 1, "front matter is not closed with a '---' line"))
        return None
    first_line = text[: text.find(front)].count("\n") + 1 if front else 2
    try:
        data = yaml.safe_load(front)
        node = yaml.compose(front)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(err, "problem", None) or "is not valid YAML"
        context, context_mark = getattr(err, "context", None), getattr(err, "context_mark", None)
        if context and context_mark is not None and context_mark.line != (mark.line if mark else 0):
            # PyYAML notices an unclosed bracket lines later; say where it was opened.
            problem += f" ({context} on line {first_line + context_mark.line})"
        problems.append(Problem(name, line, f"YAML: {problem}"))
        return None
    return _Doc(name, data, node, first_line, body.strip())


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the branch of an Optional/Annotated union ("int", "function-before[...]")
    return isinstance(part, str) and ("[" in part or part in {"int", "str", "none"})


def _reason(loc: tuple[Any, ...], error: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in loc) or "front matter"
    kind = error["type"]
    if kind == "missing":
        return f"'{field}' is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{field}'"
    if kind == "model_type":
        return f"'{field}' must be 'key: value' lines, such as 'text: ...'"
    if kind == "literal_error" and loc and loc[-1] == "category":
        return f"'category' must be one of: {', '.join(CATEGORIES)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"'{field}' {message[0].lower()}{message[1:]}" if message else f"'{field}' is invalid"


def _check_references(
    program: Program, practices: Mapping[str, Practice], doc: _Doc, broken: set[str]
) -> list[Problem]:
    problems = []

    def check(practice_id: str, loc: tuple[Any, ...], minutes: int | None = None) -> None:
        practice = practices.get(practice_id)
        if practice is None and practice_id in broken:
            return
        if practice is None:
            problems.append(
                Problem(doc.name, doc.line_of(loc), f"no practice with id '{practice_id}'")
            )
        elif minutes is not None and practice.first_timer is None:
            problems.append(
                Problem(
                    doc.name,
                    doc.line_of(loc),
                    f"'{practice_id}' has no timed step to set minutes for",
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
                Problem(
                    doc.name, doc.line_of(("phases", p, "repeat")), "only the last phase can repeat"
                )
            )
    if not program.phases[-1].repeat:
        problems.append(
            Problem(
                doc.name,
                doc.line_of(("phases", len(program.phases) - 1)),
                "the last phase must have 'repeat: true' so the program never runs out",
            )
        )
    for u, unlock in enumerate(program.unlocks):
        check(unlock.practice, ("unlocks", u, "practice"))
        if unlock.instead:
            check(unlock.instead, ("unlocks", u, "instead"))
    return problems
