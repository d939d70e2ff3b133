"""The check-in's rules: which questions it asks, in what order, and how it closes.

Pure (no Telegram, no SQLite), beside bot/safety.py whose "meaningful drop" the closing uses;
bot/flows/checkin.py asks these and turns their answers into messages.
"""

from __future__ import annotations

from typing import Final

from bot import safety
from bot.models import Completion

TENSION, PAIN, AREAS, COMPLETION, NOTE = "tension", "pain", "areas", "completion", "note"
QUESTIONS: Final = (TENSION, PAIN, AREAS, COMPLETION, NOTE)


def questions(*, session_done: bool) -> tuple[str, ...]:
    """The questions a check-in asks. Straight after a finished session the practice was
    done fully: "how did it go" is not asked."""
    return tuple(q for q in QUESTIONS if q != COMPLETION or not session_done)


def previous_question(question: str, *, session_done: bool) -> str | None:
    """The question before `question` (Back), or None at the first."""
    order = questions(session_done=session_done)
    index = order.index(question) if question in order else 0
    return order[index - 1] if index > 0 else None


def next_question(question: str, *, session_done: bool) -> str | None:
    """The question after `question`, or None when the check-in is complete."""
    order = questions(session_done=session_done)
    index = order.index(question) if question in order else len(order)
    return order[index + 1] if index + 1 < len(order) else None


def closing_key(
    *,
    gentle: bool,
    completion: Completion | None,
    tension_before: int | None,
    tension: int | None,
) -> str:
    """The message key of the check-in's last line (bot/texts/checkin.py). A gentle day is
    named first; a skipped practice is not praised; only a change of about 2 points is called
    real (a 1-point wobble is not the practice)."""
    if gentle:
        return "ci_closing_gentle"
    if completion is Completion.SKIPPED:
        return "ci_closing_skipped"
    if safety.meaningful_drop(tension_before, tension):
        return "ci_closing_better"
    return "ci_closing_default"
