"""What the check-in shows: each question's text and buttons, the answer given in place of
a question's buttons, the summary and the closing words. Pure functions of the check-in row.

The questions' buttons carry `ci:<check-in id>:<question code>:<value>` (bot/buttons.py).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import checkin_rules, texts
from bot.buttons import CheckinButton
from bot.checkin_rules import AREAS, COMPLETION, NOTE, PAIN, TENSION
from bot.models import BodyArea, Completion
from bot.ratings import AREA_LABELS, area_name
from bot.store import CheckInRow

# One letter per question in callback data, to stay well inside Telegram's 64 bytes.
CODE = {TENSION: "t", PAIN: "p", AREAS: "a", COMPLETION: "c", NOTE: "n"}
QUESTION_OF = {code: question for question, code in CODE.items()}

# Left/right pairs side by side, the single areas first, as the body is read top-down.
AREA_ROWS: tuple[tuple[BodyArea, ...], ...] = (
    (BodyArea.DEEP_BELLY, BodyArea.LOWER_BACK),
    (BodyArea.BUTTOCK_SACRUM,),
    (BodyArea.GROIN_LEFT, BodyArea.GROIN_RIGHT),
    (BodyArea.HIP_FRONT_LEFT, BodyArea.HIP_FRONT_RIGHT),
    (BodyArea.THIGH_LEFT, BodyArea.THIGH_RIGHT),
    (BodyArea.KNEE_LEG_LEFT, BodyArea.KNEE_LEG_RIGHT),
)
NOTE_ECHO_LIMIT = 300  # the summary quotes a long note in part; the whole note is stored


# The questions' keyboards are the plain JSON Telegram reads, not PTB objects: one goes out on
# nearly every check-in update, and PTB's objects cost ~10 us a button to build and as much
# again to turn back into this (bot/request.plain_keyboard); the 0-10 keypad has 12 buttons.
Keyboard = dict[str, list[list[dict[str, str]]]]


def question_of(row: CheckInRow, question: str) -> tuple[str, Keyboard]:
    """The text and buttons of one question; earlier answers show when it is asked again."""
    back = [_key(texts.t("ci_btn_back"), row, CODE[question], "back")]
    if question in (TENSION, PAIN):
        earlier = row.tension if question == TENSION else row.pain
        was = texts.t("ci_was", value=f"{earlier}/10") if earlier is not None else ""
        keys = [_key(str(n), row, CODE[question], str(n)) for n in range(11)]
        rows = [keys[:6], keys[6:]]
        if question == PAIN:
            rows.append(back)
        return texts.t(f"ci_ask_{question}", was=texts.Safe(was)), {"inline_keyboard": rows}
    if question == AREAS:
        return texts.t("ci_ask_areas", was=""), areas_keyboard(row)
    if question == COMPLETION:
        was = ""
        if row.completion is not None:
            was = texts.t("ci_was", value=texts.t(f"ci_completion_{row.completion.value}"))
        rows = [
            [_key(texts.t(f"ci_btn_{c.value}"), row, "c", c.value)]
            for c in (Completion.FULL, Completion.PARTIAL, Completion.SKIPPED)
        ]
        return texts.t("ci_ask_completion", was=texts.Safe(was)), {"inline_keyboard": [*rows, back]}
    if row.note:
        was = texts.t("ci_was_note", note=_shortened(row.note))
    else:
        was = texts.t("ci_note_skip_hint")
    skip = _key(texts.t("ci_btn_keep_note" if row.note else "ci_btn_skip_note"), row, "n", "skip")
    return texts.t("ci_ask_note", was=texts.Safe(was)), {"inline_keyboard": [[skip], back]}


def areas_keyboard(row: CheckInRow) -> Keyboard:
    chosen = set(row.areas or ())
    rows = [
        [
            _key(("✓ " if area in chosen else "") + area_name(area), row, "a", area.value)
            for area in pair
        ]
        for pair in AREA_ROWS
    ]
    # Nowhere only while nothing is ticked: beside ticked places it would throw them away.
    last = [_key(texts.t("ci_btn_done"), row, "a", "done")]
    if not chosen:
        last.insert(0, _key(texts.t("ci_btn_nowhere"), row, "a", "none"))
    rows.append(last)
    rows.append([_key(texts.t("ci_btn_back"), row, "a", "back")])
    return {"inline_keyboard": rows}


def _data(row: CheckInRow, code: str, value: str) -> str:
    return CheckinButton(row.id, code, value).pack()


def _key(label: str, row: CheckInRow, code: str, value: str) -> dict[str, str]:
    return {"text": label, "callback_data": _data(row, code, value)}


def edit_offer_keyboard(row: CheckInRow) -> InlineKeyboardMarkup:
    """Under "today's check-in is saved": answer it again, or leave it."""
    return InlineKeyboardMarkup(
        [
            [_button("ci_btn_edit_today", row, "e", "edit")],
            [_button("ci_btn_leave", row, "e", "keep")],
        ]
    )


def after_pain_keyboard(row: CheckInRow) -> InlineKeyboardMarkup:
    """Under a high- or rising-pain reply: go on with the check-in, or stop here."""
    return InlineKeyboardMarkup(
        [
            [_button("ci_btn_go_on", row, "x", "go")],
            [_button("ci_btn_stop_here", row, "x", "stop")],
        ]
    )


def _button(key: str, row: CheckInRow, code: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.t(key), callback_data=_data(row, code, value))


def answer_given(row: CheckInRow, question: str) -> str | None:
    """The answer to a rating or how-it-went question, as the person sees it; None if none."""
    if question in (TENSION, PAIN):
        value = row.tension if question == TENSION else row.pain
        return None if value is None else f"{value}/10"
    if question == COMPLETION and row.completion is not None:
        return texts.t(f"ci_completion_{row.completion.value}")
    if question == AREAS and row.areas is not None:  # Done with none ticked says so
        chosen = sorted(row.areas, key=area_order)
        return ", ".join(area_name(a) for a in chosen) or texts.t("ci_areas_nowhere")
    return None


def answered_question_text(question: str, answer: str) -> str:
    """A question once answered: its text with the answer given in place of its buttons."""
    return texts.t(f"ci_ask_{question}", was=texts.Safe(texts.t("ci_answered", value=answer)))


def summary(row: CheckInRow) -> str:
    """The answers as HTML lines, every typed value escaped."""
    lines = []
    if row.tension is not None:
        if row.tension_before is not None:
            lines.append(
                texts.t("ci_line_tension_change", before=row.tension_before, after=row.tension)
            )
        else:
            lines.append(texts.t("ci_line_tension", value=row.tension))
    if row.pain is not None:
        lines.append(texts.t("ci_line_pain", value=row.pain))
    if row.areas:
        labels = "; ".join(area_name(a) for a in sorted(row.areas, key=area_order))
        lines.append(texts.t("ci_line_areas", areas=labels))
    elif row.areas is not None:
        lines.append(texts.t("ci_line_nowhere"))
    if row.completion is not None:
        lines.append(
            texts.t("ci_line_completion", value=texts.t(f"ci_completion_{row.completion.value}"))
        )
    if row.note:
        lines.append(texts.t("ci_line_note", note=_shortened(row.note)))
    return "\n".join(lines)


def _shortened(note: str) -> str:
    """A long note quoted in part (the whole note is stored): messages stop at 4096 characters."""
    if len(note) <= NOTE_ECHO_LIMIT:
        return note
    return note[:NOTE_ECHO_LIMIT].rstrip() + "…"


def closing(row: CheckInRow, *, gentle: bool) -> str:
    key = checkin_rules.closing_key(
        gentle=gentle,
        completion=row.completion,
        tension_before=row.tension_before,
        tension=row.tension,
    )
    if key == "ci_closing_better":
        return texts.t(key, before=row.tension_before, after=row.tension)
    return texts.t(key)


def area_order(area: BodyArea) -> int:
    return list(AREA_LABELS).index(area)
