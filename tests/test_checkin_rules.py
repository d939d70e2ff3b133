"""The check-in's question order and closing rule (bot/checkin_rules.py), with plain values."""

from __future__ import annotations

import pytest

from bot.checkin_rules import (
    AREAS,
    COMPLETION,
    NOTE,
    PAIN,
    QUESTIONS,
    TENSION,
    closing_key,
    next_question,
    previous_question,
    questions,
)
from bot.models import Completion


def test_a_check_in_asks_every_question_in_order():
    assert questions(session_done=False) == (TENSION, PAIN, AREAS, COMPLETION, NOTE)


def test_straight_after_a_finished_session_how_it_went_is_not_asked():
    assert questions(session_done=True) == (TENSION, PAIN, AREAS, NOTE)


@pytest.mark.parametrize("session_done", [False, True], ids=["on-its-own", "after-a-session"])
def test_next_and_back_walk_the_same_order_both_ways(session_done):
    order = questions(session_done=session_done)
    walked = [order[0]]
    while (following := next_question(walked[-1], session_done=session_done)) is not None:
        walked.append(following)
    assert tuple(walked) == order
    back = [order[-1]]
    while (earlier := previous_question(back[-1], session_done=session_done)) is not None:
        back.append(earlier)
    assert tuple(reversed(back)) == order


def test_after_a_session_areas_lead_straight_to_the_note():
    assert next_question(AREAS, session_done=True) == NOTE
    assert previous_question(NOTE, session_done=True) == AREAS
    assert next_question(AREAS, session_done=False) == COMPLETION


def test_the_first_question_has_no_back_and_the_last_no_next():
    assert previous_question(TENSION, session_done=False) is None
    assert next_question(NOTE, session_done=False) is None


def test_a_question_not_asked_has_neither_back_nor_next():
    """A stale 'how did it go' button after a session: nothing to go to."""
    assert next_question("sleep", session_done=False) is None
    assert previous_question("sleep", session_done=False) is None
    assert set(QUESTIONS) == {TENSION, PAIN, AREAS, COMPLETION, NOTE}


@pytest.mark.parametrize(
    ("gentle", "completion", "before", "after", "key"),
    [
        (True, Completion.SKIPPED, 8, 2, "ci_closing_gentle"),
        (False, Completion.SKIPPED, 8, 2, "ci_closing_skipped"),
        (False, Completion.FULL, 7, 5, "ci_closing_better"),
        (False, Completion.FULL, 7, 6, "ci_closing_default"),  # a 1-point wobble
        (False, None, None, 3, "ci_closing_default"),
        (False, None, 6, 8, "ci_closing_default"),
    ],
    ids=["gentle-first", "skipped", "two-points-better", "one-point", "no-before", "worse"],
)
def test_the_closing_line(gentle, completion, before, after, key):
    assert (
        closing_key(gentle=gentle, completion=completion, tension_before=before, tension=after)
        == key
    )
