"""The practice session's rules (bot/session_rules.py), with plain values: no bot, no database.

The last tests check the store's side of the same values: `Session.steps` comes back as typed
steps, and the stored JSON is byte for byte what was stored before it was typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot import session_rules as rules
from bot.content import load_folder
from bot.models import SessionKind, SessionStatus
from bot.program import PlannedStep, single_plan
from bot.store import Store
from tests.harness import CONTENT

TODAY = date(2026, 3, 29)
NOW = datetime(2026, 3, 29, 7, 30, tzinfo=UTC)
STEPS = (
    PlannedStep("breathing", "Belly breathing", 1, 3, "Lie down."),
    PlannedStep("breathing", "Belly breathing", 2, 3, "Breathe.", timer=120),
    PlannedStep("breathing", "Belly breathing", 3, 3, "Get up slowly."),
)


@dataclass(frozen=True)
class Facts:
    """A session as the rules read it (the store's Session has the same fields)."""

    kind: SessionKind = SessionKind.DAILY
    title: str = "Belly breathing"
    local_date: date = TODAY
    status: SessionStatus = SessionStatus.ACTIVE
    steps: tuple[PlannedStep, ...] = STEPS
    step: int = 0
    timer_due_utc: datetime | None = None
    steps_began_utc: datetime | None = NOW


BEGUN = Facts()
AT_TENSION = Facts(steps_began_utc=None)


# --- resume or switch ---------------------------------------------------------------------------


def test_the_same_practice_asked_again_today_resumes():
    """A double tap, or /today twice, never starts the practice over."""
    assert rules.should_resume(BEGUN, kind="daily", title="Belly breathing", today=TODAY)
    assert rules.is_same_practice(BEGUN, kind="daily", title="Belly breathing")


def test_another_practice_replaces_one_not_yet_under_way():
    assert not rules.should_resume(BEGUN, kind="library", title="Pendulum", today=TODAY)


@pytest.mark.parametrize(
    "under_way",
    [Facts(step=1), Facts(timer_due_utc=NOW + timedelta(minutes=2))],
    ids=["past-the-first-step", "timing-a-step"],
)
def test_another_practice_resumes_one_under_way(under_way):
    """Switching would lose what was done: the practice under way comes back instead."""
    assert rules.in_progress(under_way)
    assert rules.should_resume(under_way, kind="library", title="Pendulum", today=TODAY)


@pytest.mark.parametrize(
    ("active", "kind"),
    [
        (Facts(step=2, local_date=TODAY - timedelta(days=1)), "daily"),
        (Facts(step=2, kind=SessionKind.PREVIEW), "daily"),
        (Facts(step=2), "preview"),
    ],
    ids=["yesterdays", "a-preview-open", "a-preview-asked"],
)
def test_yesterdays_session_and_previews_never_resume(active, kind):
    assert not rules.should_resume(active, kind=kind, title="Belly breathing", today=TODAY)


def test_switching_is_asked_only_when_something_would_be_lost():
    assert rules.should_ask_switch(BEGUN, title="Pendulum", today=TODAY)
    assert not rules.should_ask_switch(None, title="Pendulum", today=TODAY)
    assert not rules.should_ask_switch(AT_TENSION, title="Pendulum", today=TODAY)  # nothing lost
    assert not rules.should_ask_switch(BEGUN, title="Belly breathing", today=TODAY)  # the same
    yesterday = replace(BEGUN, local_date=TODAY - timedelta(days=1))
    assert not rules.should_ask_switch(yesterday, title="Pendulum", today=TODAY)
    preview = replace(BEGUN, kind=SessionKind.PREVIEW)
    assert not rules.should_ask_switch(preview, title="Pendulum", today=TODAY)


def test_practised_today_means_one_more_program_day_counted_with_today():
    assert rules.practised_program_today(done_before_today=3, done_through_today=4)
    assert not rules.practised_program_today(done_before_today=3, done_through_today=3)


# --- which button still acts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session", "value", "current"),
    [
        (BEGUN, "0", True),
        (BEGUN, "1", False),  # a button from another step
        (BEGUN, None, False),
        (BEGUN, "skip", False),
        (AT_TENSION, "0", False),  # the steps have not begun
        (Facts(step=2), "2", True),
    ],
    ids=["this-step", "other-step", "no-step", "skip", "not-begun", "last-step"],
)
def test_a_step_button_acts_only_on_its_own_step(session, value, current):
    assert rules.step_button_is_current(session, value) is current


def test_next_finishes_on_the_last_step_and_back_stops_at_the_first():
    assert not rules.is_last_step(BEGUN)
    assert rules.is_last_step(Facts(step=2))
    assert rules.step_before(BEGUN) is None
    assert rules.step_before(Facts(step=2)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", (True, 0)), ("10", (True, 10)), ("skip", (True, None)), ("11", (False, None)),
     ("99", (False, None)), (None, (False, None)), ("-1", (False, None))],
    ids=["0", "10", "skip", "11", "99", "none", "minus-one"],
)  # fmt: skip
def test_the_tension_button_takes_0_to_10_or_skip(value, expected):
    assert rules.tension_tapped(value) == expected


@pytest.mark.parametrize(
    ("value", "valid"),
    [(None, True), ("skip", True), ("7", True), ("10", True), ("6", False), ("11", False),
     ("x", False)],
    ids=["ask", "skip", "7", "10", "6", "11", "letters"],
)  # fmt: skip
def test_the_high_pain_row_takes_7_to_10(value, valid):
    assert rules.is_high_pain_value(value) is valid


# --- the timer ---------------------------------------------------------------------------------


def test_a_timer_starts_only_on_a_timed_step_and_only_once():
    assert rules.timer_to_start(BEGUN) is None  # step 1 has no timer
    assert rules.timer_to_start(Facts(step=1)) == 120
    running = Facts(step=1, timer_due_utc=NOW + timedelta(seconds=60))
    assert rules.timer_to_start(running) is None
    assert rules.timer_due(NOW, 120) == NOW + timedelta(minutes=2)


def test_add_five_minutes_counts_from_the_end_or_from_now_if_it_has_run_out():
    later = NOW + timedelta(minutes=3)
    assert rules.timer_due_after_adding(later, NOW) == later + timedelta(minutes=5)
    assert rules.timer_due_after_adding(NOW - timedelta(minutes=1), NOW) == NOW + timedelta(
        minutes=rules.ADD_MINUTES
    )


# --- a stopped practice, the library's locks ----------------------------------------------------


def test_a_stopped_practice_resumes_only_the_same_day_and_not_on_hold():
    stopped = Facts(status=SessionStatus.STOPPED, step=1)
    assert rules.may_resume_stopped(stopped, today=TODAY, on_hold=False)
    assert not rules.may_resume_stopped(stopped, today=TODAY, on_hold=True)
    assert not rules.may_resume_stopped(stopped, today=TODAY + timedelta(days=1), on_hold=False)
    assert not rules.may_resume_stopped(stopped, today=None, on_hold=False)  # no zone yet
    assert not rules.may_resume_stopped(BEGUN, today=TODAY, on_hold=False)  # not stopped


def test_a_practice_the_program_still_holds_back_says_for_how_long():
    library = load_folder(CONTENT)
    unlock = library.program.unlocks[0]
    plan = single_plan(library.practices[unlock.practice])
    assert rules.locked_days(library, plan, [], TODAY) == unlock.days
    free = [p for p in library.practices if p not in {u.practice for u in library.program.unlocks}]
    assert rules.locked_days(library, single_plan(library.practices[free[0]]), [], TODAY) is None


# --- the store's side: typed steps, the same JSON -----------------------------------------------


def test_session_steps_come_back_typed_and_are_stored_as_before(tmp_path: Path):
    """`plan` holds exactly the JSON the store wrote before steps were typed (old rows read
    back unchanged), and a session reads it back as PlannedSteps."""
    store = Store(tmp_path / "bot.db")
    try:
        store.ensure_subscriber(42, NOW)
        raw = [step.to_json() for step in STEPS]
        opened = store.open_session(
            42, TODAY, "daily", "Belly breathing", raw, NOW, day_number=1, content_version=None
        )
        stored = store.db.execute("SELECT plan FROM sessions WHERE id = ?", (opened.id,))
        plan = stored.fetchone()[0]
        assert plan == json.dumps(raw, ensure_ascii=False)
        assert plan.startswith(
            '[{"practice_id": "breathing", "practice_title": "Belly breathing", "number": 1, '
            '"of": 3, "text": "Lie down.", "timer": null}, {'
        )
        session = store.session(opened.id)
        assert session is not None
        assert session.steps == STEPS
        assert [step.to_json() for step in session.steps] == raw
    finally:
        store.close()
