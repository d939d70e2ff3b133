"""Today's practice: which practices a person's program day holds, and its steps in order.

A person's day number counts the days they actually practised (plus one), not calendar days
since joining, so a week of illness never skips content.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from bot import texts
from bot.content import CATEGORIES, Library, Practice, PracticeRef, Unlock


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One message of a session, snapshotted so a content change never alters a started one."""

    practice_id: str
    practice_title: str
    number: int  # 1-based within its practice
    of: int
    text: str
    timer: int | None = None  # seconds

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlannedStep:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class DayPlan:
    day_number: int
    phase_title: str
    phase_intro: str  # only on a phase's first day, else ""
    practices: tuple[tuple[Practice, int | None], ...]  # (practice, minutes override)
    gentle: bool = False

    @property
    def title(self) -> str:
        return " + ".join(practice.title for practice, _ in self.practices)

    @property
    def minutes(self) -> int:
        """About how long the whole day takes; an override changes only the timed part."""
        return sum(practice_minutes(practice, minutes) for practice, minutes in self.practices)


def practice_minutes(practice: Practice, override: int | None = None) -> int:
    """A practice's length when its first timer runs `override` minutes instead.

    The override sets the timer, not the whole practice: ten minutes of rest still needs the
    minute or two of lying down and getting up around it.
    """
    timer = practice.first_timer
    if override is None or timer is None:
        return practice.minutes
    return max(override, practice.minutes - round(timer / 60) + override)


def is_unlocked(unlock: Unlock, pains: Sequence[tuple[date, int]], today: date) -> bool:
    """True when every pain rating in the rule's window is low enough and there are enough.

    `pains` are (local date, pain) pairs; the window is the `days` days up to and including
    today. Few ratings keep it locked: strengthening too early can aggravate the problem.
    """
    since = today - timedelta(days=unlock.days - 1)
    recent = [pain for day, pain in pains if since <= day <= today]
    return len(recent) >= max(unlock.min_checkins, 1) and max(recent) <= unlock.max_pain


def plan_for_day(
    library: Library,
    day_number: int,
    *,
    pains: Sequence[tuple[date, int]] = (),
    today: date,
    gentle: bool = False,
) -> DayPlan:
    """The practices of program day `day_number` (1-based); the last phase repeats for ever."""
    program = library.program
    day_number = max(day_number, 1)
    refs: Sequence[PracticeRef]
    if gentle:
        refs, title, intro = program.gentle, texts.template("pg_gentle_days"), ""
    else:
        refs, title, intro = _day_refs(library, day_number)
    chosen: list[tuple[Practice, int | None]] = []
    for planned in refs:
        ref = _apply_unlocks(planned, program.unlocks, pains, today)
        if ref is None:
            continue
        practice = library.practices[ref.practice]
        if all(existing.id != practice.id for existing, _ in chosen):
            chosen.append((practice, ref.minutes))
    if not chosen:
        # Every practice of the day is locked and has no stand-in: rest briefly rather than
        # offer an empty session.
        chosen.append((library.practices[program.short], None))
    return DayPlan(day_number, title, intro, tuple(chosen), gentle)


def short_plan(library: Library, day_number: int) -> DayPlan:
    """The five-minute version offered every day."""
    practice = library.practices[library.program.short]
    return DayPlan(day_number, texts.template("pg_short_on_time"), "", ((practice, None),))


def single_plan(practice: Practice) -> DayPlan:
    """One practice from the library, outside the program (day 0: it advances nothing)."""
    return DayPlan(0, practice.title, "", ((practice, None),))


def steps_of(plan: DayPlan) -> list[PlannedStep]:
    """All steps of a plan in order; a minutes override changes the practice's first timer."""
    steps = []
    for practice, minutes in plan.practices:
        overridden = False
        for number, step in enumerate(practice.steps, start=1):
            timer = step.timer
            if timer and minutes and not overridden:
                timer, overridden = minutes * 60, True
            steps.append(
                PlannedStep(
                    practice.id, practice.title, number, len(practice.steps), step.text, timer
                )
            )
    return steps


def day_after(library: Library, days: Sequence[bool]) -> int:
    """Today's program day from the days practised so far (True: a full day, False: a light
    one, the 5-minute version or a gentle day).

    A light day moves the program on within a phase but never across a phase boundary: a
    phase's last day must be practised in full before the next phase starts, so eleven
    5-minute days do not count as the first phase done.
    """
    last_days = set()
    end = 0
    for phase in library.program.phases:
        end += len(phase.days)
        if not phase.repeat:
            last_days.add(end)  # the day on which this phase ends
    day = 1
    for full in days:
        if full or day not in last_days:
            day += 1
    return day


def note_of_the_day(library: Library, today: date) -> str:
    """The tip for a calendar day. Counted by date, not by program day: a day skipped moves
    the tips on too (by program day, the same tip came back each day until the person
    practised), and two days in a row never share a tip while there are two or more."""
    return library.notes[today.toordinal() % len(library.notes)]


def lock_on(
    library: Library, practice_id: str, pains: Sequence[tuple[date, int]], today: date
) -> Unlock | None:
    """The unlock rule that still holds `practice_id` back from the program, if any."""
    for unlock in library.program.unlocks:
        if unlock.practice == practice_id and not is_unlocked(unlock, pains, today):
            return unlock
    return None


def by_category(library: Library) -> list[tuple[str, list[Practice]]]:
    """The library grouped by category in the fixed category order, titles A-Z in each."""
    groups = []
    for category in CATEGORIES:
        members = [p for p in library.practices.values() if p.category == category]
        if members:
            groups.append((category, sorted(members, key=lambda p: p.title.lower())))
    return groups


_FILLER = frozenset({"a", "an", "the", "my", "some", "with", "for", "of", "and", "to", "practice"})


def find_practices(library: Library, query: str) -> list[Practice]:
    """Practices matching what someone typed: an id, a title, or a few words of one.

    Forgiving on purpose: case, hyphens, filler words and small typos don't matter
    ("swing", "Constructive Rest", "pendulm", "plank"). An exact id or title wins outright;
    then every word typed must start a word of the title, id or category; failing that, it may
    nearly spell one, or start a word of the summary. Several matches come back in library
    order for the person to choose from.
    """
    wanted = _words(query)
    if not wanted:
        return []
    ordered = [p for _, members in by_category(library) for p in members]
    exact = [p for p in ordered if wanted in (_words(p.id), _words(p.title))]
    if exact:
        return exact[:1]
    # Filler words and bare numbers ("the", "5 minute") say nothing about which practice.
    words = [w for w in wanted if w not in _FILLER and not w.isdigit()]
    if not words:
        return []

    def names(p: Practice) -> list[str]:
        return _words(p.title) + _words(p.id) + [p.category]

    found = [p for p in ordered if all(_starts(w, names(p)) for w in words)]
    if found:
        return found
    return [
        p
        for p in ordered
        if all(_nearly(w, names(p)) or _starts(w, _words(p.summary)) for w in words)
    ]


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph, for a brief line where the whole would be long."""
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.DOTALL)
    return match.group(1) if match else text.strip()


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+", folded)


def _starts(word: str, vocabulary: list[str]) -> bool:
    return any(known == word or (len(word) >= 3 and known.startswith(word)) for known in vocabulary)


def _nearly(word: str, vocabulary: list[str]) -> bool:
    """One or two letters off ("pendulm", "breathign"); short words must be exact."""
    return len(word) >= 4 and any(
        difflib.SequenceMatcher(None, word, known).ratio() >= 0.8 for known in vocabulary
    )


def _day_refs(library: Library, day_number: int) -> tuple[Sequence[PracticeRef], str, str]:
    index = day_number - 1
    phases = library.program.phases
    for phase in phases:
        if index < len(phase.days) or phase.repeat:
            position = index % len(phase.days)
            intro = phase.intro if index == 0 else ""
            return phase.days[position], phase.title, intro
        index -= len(phase.days)
    last = phases[-1]  # unreachable with valid content (the last phase repeats)
    return last.days[index % len(last.days)], last.title, ""


def _apply_unlocks(
    ref: PracticeRef, unlocks: Sequence[Unlock], pains: Sequence[tuple[date, int]], today: date
) -> PracticeRef | None:
    for unlock in unlocks:
        if unlock.practice == ref.practice and not is_unlocked(unlock, pains, today):
            return PracticeRef(practice=unlock.instead) if unlock.instead else None
    return ref
