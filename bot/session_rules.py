"""The practice session's rules: resume or switch, which button still acts, the steps and the
timer, and what the library still holds back.

Pure (no Telegram, no SQLite), beside bot/checkin_rules.py and bot/subscription.py; the
handlers in bot/flows/practice.py and bot/flows/practice_session.py ask these, then write the
store and show the views. A session is read through `SessionFacts`, which the store's `Session`
record satisfies as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final, Protocol

from bot import program
from bot.content import Library
from bot.models import SessionKind, SessionStatus
from bot.program import DayPlan, PlannedStep
from bot.safety import HIGH_PAIN

ADD_MINUTES: Final = 5  # what "Add 5 min" adds to a running timer
PROGRAM_KINDS: Final = (SessionKind.DAILY, SessionKind.SHORT)  # these move the program on
SKIP: Final = "skip"  # a button's value for "skip this question"
HIGHEST_RATING: Final = 10


class SessionFacts(Protocol):
    """What the rules read of a session (bot/store/records.py `Session` has all of it)."""

    @property
    def kind(self) -> SessionKind: ...
    @property
    def title(self) -> str: ...
    @property
    def local_date(self) -> date: ...
    @property
    def status(self) -> SessionStatus: ...
    @property
    def steps(self) -> tuple[PlannedStep, ...]: ...
    @property
    def step(self) -> int: ...
    @property
    def timer_due_utc(self) -> datetime | None: ...
    @property
    def steps_began_utc(self) -> datetime | None: ...


def in_progress(session: SessionFacts) -> bool:
    """Past the first step or timing one: switching to another practice would lose it."""
    return session.step > 0 or session.timer_due_utc is not None


def is_same_practice(active: SessionFacts, *, kind: str, title: str) -> bool:
    """The session asked for is the one open: a double tap, or /today twice."""
    return active.kind == kind and active.title == title


def should_resume(active: SessionFacts, *, kind: str, title: str, today: date) -> bool:
    """Resume the open session, or set it aside for the one asked for now?"""
    if SessionKind.PREVIEW in (kind, active.kind) or active.local_date != today:
        return False  # an admin's preview always starts afresh; yesterday's is over
    if is_same_practice(active, kind=kind, title=title):
        return True
    return in_progress(active)  # something else asked for: switch only if little is lost


def should_ask_switch(active: SessionFacts | None, *, title: str, today: date) -> bool:
    """A library practice asked for while another is under way today: ask before ending it.
    Only the tension question asked so far means nothing is lost by switching."""
    return (
        active is not None
        and active.kind != SessionKind.PREVIEW
        and active.steps_began_utc is not None
        and active.local_date == today
        and active.title != title
    )


def practised_program_today(*, done_before_today: int, done_through_today: int) -> bool:
    """Whether a program session (daily or short) was finished today, from the store's two
    counts of program days: the days before today, and the days up to and including it."""
    return done_through_today > done_before_today


def locked_days(
    library: Library, plan: DayPlan, pains: Sequence[tuple[date, int]], today: date
) -> int | None:
    """For a library practice the program still holds back: its unlock rule's window in days."""
    for practice, _ in plan.practices:
        rule = program.lock_on(library, practice.id, pains, today)
        if rule is not None:
            return rule.days
    return None


def step_button_is_current(session: SessionFacts, value: str | None) -> bool:
    """A step's button (Next, Back, the timer's) acts only on the step it was shown with, and
    only once the steps have begun: an older message's button changes nothing."""
    return (
        value is not None
        and value.isdigit()
        and int(value) == session.step
        and session.steps_began_utc is not None
    )


def is_last_step(session: SessionFacts) -> bool:
    """On the last step, Next finishes the session."""
    return session.step >= len(session.steps) - 1


def step_before(session: SessionFacts) -> int | None:
    """Where Back goes; None on the first step (nothing before it)."""
    return session.step - 1 if session.step > 0 else None


def timer_to_start(session: SessionFacts) -> int | None:
    """The seconds a timer would run on this step; None if it has none or one runs already."""
    if session.timer_due_utc is not None:
        return None
    return session.steps[session.step].timer or None


def timer_due(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)


def timer_due_after_adding(due: datetime, now: datetime) -> datetime:
    """ "Add 5 min" counts from the end of the timer, or from now if it has just run out."""
    return max(due, now) + timedelta(minutes=ADD_MINUTES)


def tension_tapped(value: str | None) -> tuple[bool, int | None]:
    """A tension button's value: (valid, rating); skip is valid with no rating."""
    if value == SKIP:
        return True, None
    if value is None or not value.isdigit() or int(value) > HIGHEST_RATING:
        return False, None
    return True, int(value)


def is_high_pain_value(value: str | None) -> bool:
    """The "my pain is high" row: no value (asks which number), skip (back to the tension
    question), or a number from HIGH_PAIN to 10."""
    if value in (None, SKIP):
        return True
    assert value is not None
    return value.isdigit() and HIGH_PAIN <= int(value) <= HIGHEST_RATING


def may_resume_stopped(session: SessionFacts, *, today: date | None, on_hold: bool) -> bool:
    """A stopped practice can be carried on the same day (in the person's zone), unless a
    red-flag answer has put the practice on hold since."""
    return session.status == SessionStatus.STOPPED and session.local_date == today and not on_hold
