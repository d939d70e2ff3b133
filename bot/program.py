"""Today's practice: which practices a person's program day holds, and its steps in order.

A person's day number counts the days they actually practised (plus one), not calendar days
since joining, so a week of illness never skips content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from bot.content import Library, Practice, PracticeRef, Unlock


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
        return sum(minutes or practice.minutes for practice, minutes in self.practices)


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
    if gentle:
        refs, title, intro = program.gentle, "Gentle days", ""
    else:
        refs, title, intro = _day_refs(library, max(day_number, 1))
    chosen: list[tuple[Practice, int | None]] = []
    for ref in refs:
        ref = _apply_unlocks(ref, program.unlocks, pains, today)
        if ref is None:
            continue
        practice = library.practices[ref.practice]
        if all(existing.id != practice.id for existing, _ in chosen):
            chosen.append((practice, ref.minutes))
    return DayPlan(day_number, title, intro, tuple(chosen), gentle)


def short_plan(library: Library, day_number: int) -> DayPlan:
    """The five-minute version offered every day."""
    practice = library.practices[library.program.short]
    return DayPlan(day_number, "Short on time", "", ((practice, None),))


def single_plan(practice: Practice) -> DayPlan:
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


def note_of_the_day(library: Library, day_number: int) -> str:
    return library.notes[(max(day_number, 1) - 1) % len(library.notes)]


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
