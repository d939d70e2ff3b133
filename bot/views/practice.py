"""What the practice shows: its messages and keyboards, built from values (no store, no bot).

Every session button carries `pr:<action>:<session id>[:<step>]` (bot/buttons.py), so a button
from an earlier step or another session can be recognised by the handlers and change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import program, schedule, texts
from bot.buttons import PracticeButton
from bot.content import Library, Practice
from bot.markdown_html import to_telegram_html
from bot.program import DayPlan, PlannedStep
from bot.ratings import anchor_words
from bot.safety import HIGH_PAIN
from bot.session_rules import ADD_MINUTES
from bot.texts import formats

if TYPE_CHECKING:
    from bot.store import Session


def rich(text: str) -> texts.Safe:
    """Content text with its Markdown (**bold**, _italic_, links, lists) as Telegram HTML."""
    return texts.Safe(to_telegram_html(text))


def render_intro(
    plan: DayPlan,
    *,
    kind: str,
    note: str = "",
    locked_days: int | None = None,
    again: bool = False,
    known: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The first message of a session: what it is, how long, why it helps, how to stay safe.

    Practices in `known` (done before) skip "why this helps" and "sources differ", which the
    person has read already; every safety line shows every time. A daily message then stays
    near one phone screen.
    """
    values = {"title": plan.title, "minutes": plan.minutes, "day": plan.day_number}
    if kind == "preview":
        head = texts.t("pr_intro_preview", **values)
    elif kind == "library":
        head = texts.t("pr_intro_library", **values)
    elif kind == "short":
        head = texts.t("pr_intro_short", **values)
    elif plan.gentle:
        head = texts.t("pr_intro_gentle", **values)
    else:
        head = texts.t("pr_intro_day", phase=plan.phase_title, **values)
    parts = [texts.t("pr_again_today"), head] if again else [head]
    if plan.phase_intro:
        parts.append(rich(plan.phase_intro))
    practices = [practice for practice, _ in plan.practices]
    if len(practices) == 1 and practices[0].intro:
        # A practice on its own (library, 5-minute version) has room for its introduction;
        # a day of several keeps to one line of "why" each.
        parts.append(rich(practices[0].intro))
    new = [p for p in practices if p.id not in known]
    if len(practices) == 1:
        why = [texts.t("pr_why_single", why=rich(p.why)) for p in new]
    else:
        why = [
            texts.t("pr_why_line", title=p.title, why=rich(program.first_sentence(p.why)))
            for p in new
        ]
    if why:
        parts.append("\n".join([texts.t("pr_why_heading"), *why]))
    safety_lines = [texts.t("pr_safety_line", safety=rich(p.safety)) for p in practices]
    if locked_days:
        safety_lines.append(texts.t("pr_safety_line", safety=texts.t("pr_locked", n=locked_days)))
    parts.append("\n".join([texts.t("pr_safety_heading"), *safety_lines]))
    parts += [
        texts.t("pr_sources_differ", text=rich(p.sources_differ)) for p in new if p.sources_differ
    ]
    if note:
        parts.append(texts.t("pr_note", note=rich(note)))
    return "\n\n".join(parts)


def render_step(
    steps_: Sequence[PlannedStep],
    index: int,
    *,
    session_id: int,
    timer_until: str | None = None,
    lead: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """Step `index` of a session as one message: header, text, timer, and its buttons.

    `timer_until` (e.g. "07:45 (your time)") means the step's timer is running: the buttons
    are then "Add 5 min" and "End now". `lead` is a line shown above the step.
    """
    step = steps_[index]
    text = texts.t(
        "pr_step",
        number=step.number,
        of=step.of,
        practice=step.practice_title,
        text=rich(step.text),
    )
    if step.timer:
        text += "\n\n" + texts.t("pr_timer_length", length=length_text(step.timer))
    if timer_until:
        text += "\n" + texts.t("pr_timer_running", until=timer_until)
        markup = timer_keyboard(session_id, index)
    else:
        markup = step_keyboard(session_id, index, len(steps_), timed=bool(step.timer))
    return (f"{lead}\n\n{text}" if lead else text), markup


def _button(
    label: str, action: str, session_id: int | None = None, value: str | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=PracticeButton(action, session_id, value).pack()
    )


def step_keyboard(session_id: int, index: int, total: int, *, timed: bool) -> InlineKeyboardMarkup:
    """Back, Next (Finish on the last step), Start timer on a timed step, and Stop."""
    key = (session_id, str(index))
    forward = texts.t("pr_btn_finish" if index >= total - 1 else "pr_btn_next")
    back = _button(texts.t("pr_btn_back"), "back", *key)
    forward_button = _button(forward, "next", *key)
    # Next is always on the first row and Stop always last, so a second tap on Next never
    # lands on Stop when a step without a timer has one row less. The first step has
    # nothing before it (as in the check-in): no Back that does nothing.
    rows = [[back, forward_button] if index > 0 else [forward_button]]
    if timed:
        rows.append([_button(texts.t("pr_btn_timer"), "timer", *key)])
    rows.append([_button(texts.t("pr_btn_stop"), "stop", *key)])
    return InlineKeyboardMarkup(rows)


def timer_keyboard(session_id: int, index: int) -> InlineKeyboardMarkup:
    """While a step's timer runs: Add 5 min, End now, and Stop."""
    key = (session_id, str(index))
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.t("pr_btn_add", minutes=ADD_MINUTES), "add", *key),
                _button(texts.t("pr_btn_end"), "end", *key),
            ],
            # Stop stays one tap away during a long rest too: if something hurts, stop now.
            [_button(texts.t("pr_btn_stop"), "stop", *key)],
        ]
    )


def tension_question(session_id: int, *, typed: bool) -> tuple[str, InlineKeyboardMarkup]:
    """The question before the steps; `typed`: a typed number is taken too (not while a first
    setup holds typed answers, where a "4" would become a 04:00 reminder)."""
    anchors = ", ".join(f"{value} = {word}" for value, word in anchor_words().items())
    how = texts.t("pr_tension_tap_or_type" if typed else "pr_tension_tap")
    return texts.t("pr_ask_tension", anchors=anchors, how=how), tension_keyboard(session_id)


def tension_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """0 to 10, Skip, and the optional "my pain is high" row."""

    def button(value: int) -> InlineKeyboardButton:
        return _button(str(value), "tension", session_id, str(value))

    return InlineKeyboardMarkup(
        [
            [button(n) for n in range(0, 6)],
            [button(n) for n in range(6, 11)],
            [_button(texts.t("pr_btn_skip"), "tension", session_id, "skip")],
            # Optional: high pain is met before the practice, not only at the check-in.
            [_button(texts.t("pr_btn_pain_high", high=HIGH_PAIN), "pain", session_id)],
        ]
    )


def pain_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """High pain only (HIGH_PAIN to 10), and the way back to the tension question."""

    def button(value: int) -> InlineKeyboardButton:
        return _button(str(value), "pain", session_id, str(value))

    return InlineKeyboardMarkup(
        [
            [button(n) for n in range(HIGH_PAIN, 11)],
            [_button(texts.t("pr_btn_pain_not_high"), "pain", session_id, "skip")],
        ]
    )


def high_pain_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Under the reply to high pain before a practice: rest instead, go on gently, or stop."""
    return InlineKeyboardMarkup(
        [
            [_button(texts.t("sf_btn_rest_instead"), "rest", session_id, "0")],
            [_button(texts.t("sf_btn_go_on_gently"), "go", session_id, "0")],
            # This message is already the choice between resting, going on and stopping:
            # its Stop needs no second question.
            [_button(texts.t("pr_btn_stop"), "stopyes", session_id, "0")],
        ]
    )


def stop_keyboard(session_id: int, step: int) -> InlineKeyboardMarkup:
    """Stop asks once: carry on (on top, where Next was) or stop."""
    key = (session_id, str(step))
    return InlineKeyboardMarkup(
        [
            [_button(texts.t("pr_btn_stop_no"), "stay", *key)],
            [_button(texts.t("pr_btn_stop_yes"), "stopyes", *key)],
        ]
    )


def stopped_keyboard(session_id: int, resume_at: int | None) -> InlineKeyboardMarkup:
    """After Stop: carry on at step `resume_at` (when the steps had begun), and the check-in."""
    rows = [[_button(texts.t("pr_btn_checkin"), "checkin", session_id)]]
    if resume_at is not None:
        # A stopped practice can be picked up again today, at the step it stopped.
        rows.insert(0, [_button(texts.t("pr_btn_resume", number=resume_at), "resume", session_id)])
    return InlineKeyboardMarkup(rows)


def done_today() -> tuple[str, InlineKeyboardMarkup]:
    """/today after today's practice: say so, and offer it again or the library."""
    markup = InlineKeyboardMarkup(
        [
            [_button(texts.t("pr_btn_again"), "again")],
            [_button(texts.t("pr_btn_library"), "list")],
        ]
    )
    return texts.t("pr_done_today"), markup


def ask_switch(
    current_title: str, session_id: int, step: int, other: Practice
) -> tuple[str, InlineKeyboardMarkup]:
    """Carry on the practice under way, or switch to `other`? Same row order as Stop's
    question: staying on top, the change below."""
    markup = InlineKeyboardMarkup(
        [
            [_button(texts.t("pr_btn_keep", title=current_title), "keep", session_id, str(step))],
            [_button(texts.t("pr_btn_switch", title=other.title), "swap", value=other.id)],
        ]
    )
    text = texts.t("pr_ask_switch", current=current_title, other=other.title)
    return text, markup


def resume_lead(title: str, *, same: bool) -> str:
    """The line above a resumed session: this one again, or the other one under way."""
    return texts.t("pr_resume") if same else texts.t("pr_resume_other", title=title)


def finished_text(kind: str, *, day_number: int | None, title: str) -> str:
    """The line after the last step (a preview has its own, with no check-in after it)."""
    if kind == "preview":
        return texts.t("pr_finished_preview")
    if kind == "daily":
        return texts.t("pr_finished_day", day=day_number)
    if kind == "short":
        return texts.t("pr_finished_short")
    return texts.t("pr_finished_library", title=title)


def typing_nudge(step: PlannedStep, *, last: bool, timer_until: str | None) -> str:
    """Typed text during the steps: where the session stands and which button goes on."""
    if timer_until is not None:
        return texts.t("pr_typing_timer", until=timer_until)
    return texts.t(
        "pr_typing_step",
        number=step.number,
        of=step.of,
        practice=step.practice_title,
        forward=texts.t("pr_btn_finish" if last else "pr_btn_next"),
    )


def clock_text(moment: datetime, zone_name: str | None) -> str:
    """A timer's end as the person reads a clock: local with a zone, else marked UTC."""
    if zone_name:
        local = schedule.local_now(schedule.zone(zone_name), moment)
        return texts.t("pr_clock_local", time=formats.time_label(local.time()))
    return texts.t("pr_clock_utc", time=formats.time_label(moment.time()))


def library_view(
    library: Library, *, lead: str | None = None, full: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """One button per practice (`pr:open:<id>`). Short at first, for a phone: what each one
    is, by category, comes with one tap (`full`, the `pr:about` button) in the same message."""
    groups = program.by_category(library)
    markup = practice_buttons([p for _, members in groups for p in members])
    if not full:
        about = _button(texts.t("pr_btn_library_about"), "about")
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [about]])
        return lead or texts.t("pr_library_heading"), markup
    blocks = [
        texts.t(
            "pr_library_group",
            category=texts.t(f"pr_category_{category}"),
            lines=texts.Safe(
                "\n".join(
                    texts.t("pr_library_line", title=p.title, minutes=p.minutes, summary=p.summary)
                    for p in members
                )
            ),
        )
        for category, members in groups
    ]
    text = "\n\n".join([lead or texts.t("pr_library_heading"), *blocks])
    return text, markup


def practice_buttons(practices: Sequence[Practice]) -> InlineKeyboardMarkup:
    """One button per practice, in the order given."""
    return InlineKeyboardMarkup(
        [
            [_button(p.title, "open", value=p.id)]
            for p in practices
            # An id too long for callback data (64 bytes) is listed only.
            if PracticeButton.parse(PracticeButton("open", value=p.id).pack())
        ]
    )


def length_text(seconds: int) -> str:
    """90 -> '1 min 30 s', 900 -> '15 min', 30 -> '30 s'."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return texts.t("pr_length_s", seconds=rest)
    if rest:
        return texts.t("pr_length_min_s", minutes=minutes, seconds=rest)
    return texts.t("pr_length_min", minutes=minutes)


def session_step(
    session: Session, *, zone_name: str | None, lead: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """Where a session stands: its current step, with the timer's end while one runs."""
    due = session.timer_due_utc
    until = clock_text(due, zone_name) if due is not None else None
    return render_step(
        session.steps, session.step, session_id=session.id, timer_until=until, lead=lead
    )
