"""The program as pure functions: day numbers, phases, unlocks, lengths, the library search."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from bot import program
from bot.content import Library, build_library, load_folder
from bot.program import (
    PlannedStep,
    by_category,
    day_after,
    find_practices,
    first_sentence,
    is_unlocked,
    lock_on,
    note_of_the_day,
    plan_for_day,
    practice_minutes,
    short_plan,
    single_plan,
    steps_of,
)
from tests.harness import CONTENT

TODAY = date(2026, 11, 23)
LIBRARY = load_folder(CONTENT)
FREE, GROUND, INTEGRATE = 11, 8, 9  # days in the first three phases of content/program.md
MAINTAIN_DAY_1 = FREE + GROUND + INTEGRATE + 1


def ids(plan: program.DayPlan) -> list[str]:
    return [practice.id for practice, _ in plan.practices]


def practice_file(pid: str, *, category: str = "release", timer: str | None = None) -> str:
    timed = f"\n    timer: {timer}" if timer else ""
    return f"""---
id: {pid}
title: {pid.replace("-", " ").title()}
summary: A test practice.
category: {category}
minutes: 5
why: It helps. It really does.
safety: Stop if it hurts.
steps:
  - text: First step.
  - text: Second step.{timed}
---
"""


def small_library(program_md: str, practices: dict[str, str | None]) -> Library:
    """A content set built from text, for rules the real program does not exercise."""
    files = {"program.md": program_md, "notes.md": "---\nnotes: [One., Two., Three.]\n---\n"}
    for pid, timer in practices.items():
        files[f"practices/{pid}.md"] = practice_file(pid, timer=timer)
    return build_library(files)


# --- day numbers and phases --------------------------------------------------------------------


def test_day_one_is_the_first_day_of_the_first_phase_with_its_intro():
    plan = plan_for_day(LIBRARY, 1, today=TODAY)
    assert plan.day_number == 1
    assert plan.phase_title == "Let go"
    assert "first free, then integrate" in plan.phase_intro
    assert ids(plan) == ["breathing", "constructive-rest"]


def test_the_phase_intro_shows_only_on_the_phases_first_day():
    assert plan_for_day(LIBRARY, 2, today=TODAY).phase_intro == ""
    second_phase = plan_for_day(LIBRARY, FREE + 1, today=TODAY)
    assert second_phase.phase_title == "Find your feet"
    assert "Alongside your daily rest" in second_phase.phase_intro
    assert plan_for_day(LIBRARY, FREE + 2, today=TODAY).phase_intro == ""


@pytest.mark.parametrize("day", [0, -5], ids=["zero", "negative"])
def test_a_day_number_below_one_means_day_one(day):
    assert plan_for_day(LIBRARY, day, today=TODAY) == plan_for_day(LIBRARY, 1, today=TODAY)


def test_the_last_day_of_a_phase_is_followed_by_the_next_phase():
    assert plan_for_day(LIBRARY, FREE, today=TODAY).phase_title == "Let go"
    assert plan_for_day(LIBRARY, FREE + GROUND, today=TODAY).phase_title == "Find your feet"
    assert plan_for_day(LIBRARY, FREE + GROUND + 1, today=TODAY).phase_title == "Move with ease"


@pytest.mark.parametrize("cycles", [1, 2, 10, 500])
def test_the_last_phase_repeats_for_ever(cycles):
    rotation = 7
    for offset in range(rotation):
        first = plan_for_day(LIBRARY, MAINTAIN_DAY_1 + offset, today=TODAY)
        later = plan_for_day(LIBRARY, MAINTAIN_DAY_1 + offset + cycles * rotation, today=TODAY)
        assert later.phase_title == first.phase_title == "Keep it going"
        assert ids(later) == ids(first)
        assert later.phase_intro == ""


def test_the_last_phase_intro_shows_on_its_first_day_only():
    assert plan_for_day(LIBRARY, MAINTAIN_DAY_1, today=TODAY).phase_intro
    assert plan_for_day(LIBRARY, MAINTAIN_DAY_1 + 7, today=TODAY).phase_intro == ""


def test_every_program_day_holds_constructive_rest():
    for day in range(1, MAINTAIN_DAY_1 + 14):
        assert "constructive-rest" in ids(plan_for_day(LIBRARY, day, today=TODAY)), day


# --- minutes override --------------------------------------------------------------------------


def test_a_minutes_override_sets_the_first_timer_only():
    plan = plan_for_day(LIBRARY, 1, today=TODAY)  # constructive rest for 10 minutes
    rest = [s for s in steps_of(plan) if s.practice_id == "constructive-rest"]
    assert [s.timer for s in rest if s.timer] == [10 * 60]
    breathing = [s for s in steps_of(plan) if s.practice_id == "breathing"]
    assert [s.timer for s in breathing if s.timer] == [2 * 60]  # no override: as written


def test_a_minutes_override_touches_only_the_first_of_several_timers():
    feet = LIBRARY.practices["foot-release"]  # a 1-minute timer for each foot
    plan = program.DayPlan(1, "Test", "", ((feet, 3),))
    assert [s.timer for s in steps_of(plan) if s.timer] == [180, 60]


def test_a_days_length_counts_the_override_in_place_of_the_timer():
    rest = LIBRARY.practices["constructive-rest"]  # 18 min, of which a 15-minute rest
    assert practice_minutes(rest) == 18
    assert practice_minutes(rest, 10) == 13
    assert practice_minutes(rest, 20) == 23
    assert plan_for_day(LIBRARY, 1, today=TODAY).minutes == 3 + 13


def test_an_override_on_a_practice_without_a_timer_changes_nothing():
    cues = LIBRARY.practices["sitting-cues"]
    assert practice_minutes(cues, 30) == cues.minutes


# --- unlock rules ------------------------------------------------------------------------------

RULE = LIBRARY.program.unlocks[0]  # strengthening: pain <= 3 over 7 days, at least 4 ratings


def low_week(days: int = 4, pain: int = 2) -> list[tuple[date, int]]:
    return [(TODAY - timedelta(days=n), pain) for n in range(days)]


def test_strengthening_unlocks_after_enough_low_ratings_in_the_window():
    assert RULE.practice == "strengthening"
    assert is_unlocked(RULE, low_week(4), TODAY)


@pytest.mark.parametrize(
    "pains",
    [
        [],
        low_week(3),
        [*low_week(4), (TODAY - timedelta(days=1), 4)],
        [(TODAY - timedelta(days=n), 1) for n in range(7, 12)],
    ],
    ids=["no-ratings", "too-few", "one-high-rating", "all-outside-the-window"],
)
def test_strengthening_stays_locked(pains):
    assert not is_unlocked(RULE, pains, TODAY)


def test_the_window_includes_today_and_ends_days_back():
    edge = [(TODAY - timedelta(days=6), 3)] * 4  # the 7th day back counts
    assert is_unlocked(RULE, edge, TODAY)
    assert not is_unlocked(RULE, [(TODAY - timedelta(days=7), 3)] * 4, TODAY)


def test_ratings_after_today_are_ignored():
    assert not is_unlocked(RULE, [(TODAY + timedelta(days=1), 0)] * 4, TODAY)


def test_a_locked_practice_is_replaced_by_its_stand_in():
    day = MAINTAIN_DAY_1 + 1  # constructive rest, strengthening, sitting cues
    locked = plan_for_day(LIBRARY, day, today=TODAY)
    assert "strengthening" not in ids(locked)
    assert "pendulum-swing" in ids(locked)
    unlocked = plan_for_day(LIBRARY, day, pains=low_week(5), today=TODAY)
    assert "strengthening" in ids(unlocked)
    assert "pendulum-swing" not in ids(unlocked)


def test_a_stand_in_already_in_the_day_appears_once():
    library = small_library(
        "---\ntitle: T\nshort: rest\ngentle: [rest]\nphases:\n"
        "  - {id: one, title: One, repeat: true, days: [[swing, strong]]}\n"
        "unlocks: [{practice: strong, max_pain: 3, days: 7, min_checkins: 1, instead: swing}]\n"
        "---\n",
        {"rest": "1 min", "swing": None, "strong": None},
    )
    assert ids(plan_for_day(library, 1, today=TODAY)) == ["swing"]


def test_a_day_of_only_locked_practices_offers_the_short_practice():
    library = small_library(
        "---\ntitle: T\nshort: rest\ngentle: [rest]\nphases:\n"
        "  - {id: one, title: One, repeat: true, days: [[strong]]}\n"
        "unlocks: [{practice: strong, max_pain: 3, days: 7}]\n"
        "---\n",
        {"rest": "1 min", "strong": None},
    )
    plan = plan_for_day(library, 1, today=TODAY)
    assert ids(plan) == ["rest"]
    assert steps_of(plan)


def test_lock_on_names_the_rule_holding_a_practice_back():
    assert lock_on(LIBRARY, "strengthening", [], TODAY) == RULE
    assert lock_on(LIBRARY, "strengthening", low_week(5), TODAY) is None
    assert lock_on(LIBRARY, "breathing", [], TODAY) is None


# --- gentle days, the short plan, a single practice ------------------------------------------


def test_gentle_days_use_the_gentle_practices_and_keep_the_day_number():
    plan = plan_for_day(LIBRARY, 40, today=TODAY, gentle=True)
    assert plan.gentle
    assert plan.day_number == 40
    assert plan.phase_title == "Gentle days"
    assert plan.phase_intro == ""
    assert ids(plan) == [ref.practice for ref in LIBRARY.program.gentle]


def test_the_short_plan_is_the_five_minute_rest_on_the_same_day():
    plan = short_plan(LIBRARY, 9)
    assert plan.day_number == 9
    assert ids(plan) == ["quick-rest"]
    assert [s.timer for s in steps_of(plan) if s.timer] == [5 * 60]


def test_a_single_practice_is_day_zero():
    plan = single_plan(LIBRARY.practices["pendulum-swing"])
    assert plan.day_number == 0
    assert plan.title == "Pendulum leg swing"
    assert len(steps_of(plan)) == len(LIBRARY.practices["pendulum-swing"].steps)


def test_steps_are_numbered_within_their_practice():
    planned = steps_of(plan_for_day(LIBRARY, 1, today=TODAY))
    assert [(s.practice_id, s.number, s.of) for s in planned[:5]] == [
        ("breathing", 1, 4),
        ("breathing", 2, 4),
        ("breathing", 3, 4),
        ("breathing", 4, 4),
        ("constructive-rest", 1, 7),
    ]


def test_a_planned_step_survives_a_json_round_trip():
    for step in steps_of(plan_for_day(LIBRARY, 12, today=TODAY)):
        assert PlannedStep.from_json(step.to_json()) == step


def test_the_note_of_the_day_rotates_by_calendar_day_and_never_twice_in_a_row():
    """A skipped day moves the tips on (no tip again and again while someone is away), and
    two days in a row never share one."""
    count = len(LIBRARY.notes)
    assert count >= 2
    days = [TODAY + timedelta(days=n) for n in range(count * 2 + 1)]
    tips = [note_of_the_day(LIBRARY, day) for day in days]
    assert all(a != b for a, b in itertools.pairwise(tips))
    assert set(tips[:count]) == set(LIBRARY.notes)  # every tip once per round
    assert tips[0] == tips[count]


# --- the library -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("swing", ["pendulum-swing"]),
        ("pendulum-swing", ["pendulum-swing"]),
        ("Constructive Rest", ["constructive-rest"]),
        ("  CONSTRUCTIVE   rest ", ["constructive-rest"]),
        ("the swing", ["pendulum-swing"]),
        ("pendulm", ["pendulum-swing"]),
        ("breathign", ["breathing"]),
        ("shoes", ["shoe-check"]),
        ("plank", ["strengthening"]),
        ("5 minute", ["quick-rest"]),
        ("rest", ["constructive-rest", "quick-rest"]),
        ("walking", ["walking-hip-extension", "walking-awareness"]),
        ("feet", ["foot-release", "shoe-check"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_find_practices_is_forgiving(query, expected):
    assert [p.id for p in find_practices(LIBRARY, query)] == expected


@pytest.mark.parametrize(
    "query",
    ["", "   ", "xyz", "!!!", "5", "a"],
    ids=["empty", "blank", "unknown", "punctuation", "number", "filler"],
)
def test_find_practices_finds_nothing_for_nonsense(query):
    assert find_practices(LIBRARY, query) == []


def test_the_library_is_grouped_by_category_in_a_fixed_order():
    groups = by_category(LIBRARY)
    categories = [category for category, _ in groups]
    assert categories[0] == "release"
    assert sorted(p.id for _, members in groups for p in members) == sorted(LIBRARY.practices)
    for category, members in groups:
        assert all(p.category == category for p in members)
        assert [p.title for p in members] == sorted((p.title for p in members), key=str.lower)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", "One."),
        ("Is it? Yes.", "Is it?"),
        ("No full stop", "No full stop"),
        ("About 7.5 cm high. Then more.", "About 7.5 cm high."),
    ],
    ids=["two", "question", "none", "decimal"],
)
def test_first_sentence(text, expected):
    assert first_sentence(text) == expected


FREE_DAYS = len(LIBRARY.program.phases[0].days)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], 1),
        ([True] * 3, 4),
        ([False] * 3, 4),  # light days move the program on within a phase
        ([False] * (FREE_DAYS + 5), FREE_DAYS),  # ...but never past its last day
        ([False] * (FREE_DAYS - 1) + [True], FREE_DAYS + 1),  # the last day in full: next phase
        ([True] * (FREE_DAYS - 1) + [False, False, True], FREE_DAYS + 1),
    ],
    ids=[
        "nothing-yet",
        "full-days",
        "light-days",
        "light-days-stop-at-the-boundary",
        "a-full-last-day-crosses",
        "light-days-wait-then-a-full-one-crosses",
    ],
)
def test_day_after_light_days_never_cross_a_phase_boundary(days, expected):
    assert day_after(LIBRARY, days) == expected


def test_day_after_in_the_repeating_phase_light_days_rotate_on():
    total = sum(len(phase.days) for phase in LIBRARY.program.phases)
    assert day_after(LIBRARY, [True] * total + [False] * 10) == total + 11


def test_every_program_day_takes_about_twenty_minutes_at_most():
    """The welcome promises about 15-20 minutes; the days and the gentle days keep to it."""
    total = sum(len(phase.days) for phase in LIBRARY.program.phases)
    for day in range(1, total + 1):
        assert 15 <= plan_for_day(LIBRARY, day, today=TODAY).minutes <= 22, day
    assert plan_for_day(LIBRARY, 1, today=TODAY, gentle=True).minutes <= 20
