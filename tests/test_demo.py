"""`python -m bot demo` driven from a script on standard input, as README shows."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.demo import save_offset
from tests.harness import CONTENT, REPO

SCRIPT = [
    "/start",
    "Berlin",
    "07:30",
    "#2",  # the safety screen after subscribing: "No, none of these"
    "!remind",
    "#3",  # Skip today: the reminder loses its buttons
    "#1",  # ...so #1 is on the latest message that still has buttons: "Start ... now"
    "#1",  # tension 0
    "!sticker",
]


async def run_demo(tmp_path, lines: list[str], **env_extra: str) -> str:
    """Runs `python -m bot demo` with `lines` on standard input; returns what it printed."""
    env = {
        **os.environ,
        "BOT_DB": str(tmp_path / "demo.db"),
        "BOT_CONTENT_DIR": str(CONTENT),
        **env_extra,
        "PYTHONPATH": str(CONTENT.parent),  # this checkout's bot, whatever is installed
    }
    env.pop("BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        env=env,
        cwd=REPO,  # as README runs it: from the checkout
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate("\n".join(lines).encode() + b"\n"), timeout=120
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in out.decode() + err.decode()
    return out.decode()


async def test_a_scripted_demo_subscribes_receives_the_reminder_and_starts_a_practice(tmp_path):
    shown = await run_demo(tmp_path, SCRIPT)
    assert "you> /start" in shown  # a script's lines are echoed, so the transcript reads
    assert "All set" in shown
    assert "Time for today's practice" in shown
    assert "Skipped for today" in shown
    assert "how much tension" in shown  # "Start today's practice now" from the All set message
    assert "Tension now: 0/10" in shown
    assert "Tap Next » when you're ready" in shown  # the sticker on step 1
    assert "no such button" not in shown


async def test_the_readme_example_works_on_a_first_run_while_the_city_index_builds(tmp_path):
    """B4: scripted lines went out after 0.6 s of quiet, before "Berlin" was even answered."""
    readme = (REPO / "README.md").read_text()
    [script] = re.findall(r"printf '([^']*)' \| \.venv/bin/python -m bot demo", readme)
    lines = script.split("\\n")[:-1]
    places = tmp_path / "no-index-yet"
    shown = await run_demo(tmp_path, lines, BOT_PLACES_DIR=str(places))
    assert list(places.glob("places-*.sqlite"))  # built by this first run
    assert "Time zone: Europe/Berlin" in shown
    assert "All set" in shown
    assert "Reminder time: 07:30" in shown  # /settings, after the time was set
    assert "no such button" not in shown


async def test_malformed_commands_print_their_usage_and_never_crash(tmp_path):
    """B6: these ended the demo with a traceback."""
    spaced = tmp_path / "a folder" / "my note.txt"
    spaced.parent.mkdir()
    spaced.write_text("hello")
    shown = await run_demo(
        tmp_path,
        [
            "/start",
            "!location 52,52 13,40",  # a decimal comma is read, not a crash
            "!location abc def",
            "!file /nonexistent.md",
            f"!file {spaced}",
            "!later 99999999999",
            "!later -5",
            "!later",
            "#9.9",
            "#1",
        ],
    )
    assert "Time zone: Europe/Berlin" in shown  # 52.52, 13.40 is Berlin
    assert "usage: !location LAT LON" in shown
    assert "can't read /nonexistent.md" in shown
    assert "can't read" not in shown.split(f"!file {spaced}")[1]  # the path with a space
    assert shown.count("usage: !later MINUTES") == 3
    assert "there is no bot message #9" in shown
    assert "(pressing #" in shown  # the time picker after the shared location


async def test_later_sends_what_falls_due_keeps_the_clock_and_reset_empties(tmp_path):
    """B5: a jump quietly dropped the reminders it passed; B7: a restart forgot the moved
    clock, so the data was in the future; !reset starts from an empty database."""
    # Noon in Berlin: at 04:00 the 07:30 reminder of the fourth day would still be ahead.
    now = datetime.now(UTC)
    noon = datetime.now(ZoneInfo("Europe/Berlin")).replace(hour=12, minute=0, second=0)
    start = noon if noon > now else noon + timedelta(days=1)
    save_offset(tmp_path / "demo.db", start - now)
    ahead = int((start - now).total_seconds() // 60) + 4320
    first = await run_demo(
        tmp_path,
        ["/start", "Berlin", "07:30", "#2", "!later 4320", "!remind", "/history", "!quit"],
    )
    assert first.count("Time for today's practice") >= 3  # one a day on the way, none dropped
    assert "missed" not in first
    assert "the clock moved 4320 minutes forward" in first
    assert "today's reminder is already sent" in first
    again = await run_demo(tmp_path, ["/settings", "!reset", "/start", "!quit"])
    assert re.search(rf"clock ({ahead}|{ahead + 1}) minutes ahead", again)
    assert "Next reminder: today at 07:30" in again or "Next reminder: tomorrow at 07:30" in again
    assert "the demo database is empty again" in again
    after_reset = again.split("empty again")[1]
    assert "Hello, You!" in after_reset and "Welcome back" not in after_reset


async def test_demo_uploads_go_to_a_copy_and_odd_paths_are_answered(tmp_path):
    """Review findings 9 and 10: `!file` with a space or a missing file crashed the demo, and
    an applied upload rewrote the repository's tracked content/."""
    before = {path: path.read_bytes() for path in CONTENT.rglob("*.md")}
    folder = tmp_path / "my uploads"
    folder.mkdir()
    practice = (CONTENT / "TEMPLATE.md").read_text()
    (folder / "Knee rocking.md").write_text(practice)
    shown = await run_demo(
        tmp_path,
        [f"!file {folder / 'Knee rocking.md'}", "#1", f"!file {tmp_path / 'missing.md'}", "/help"],
    )
    assert "passed every check" in shown and "Applied" in shown
    assert "can't read" in shown and "missing.md" in shown
    assert "You are an admin here" in shown and "/reload" in shown
    assert (tmp_path / "demo-content" / "practices" / "knee-rocking.md").read_text() == practice
    assert {path: path.read_bytes() for path in CONTENT.rglob("*.md")} == before


async def test_lang_switches_the_demo_person_to_russian_and_back(tmp_path):
    from bot import i18n, texts

    with i18n.use_language("ru"):
        asked_in_russian = texts.t("lang_ask")
    output = await run_demo(
        tmp_path, ["/help", "!lang xx", "!lang ru", "/language", "!lang en", "/language", "!quit"]
    )
    assert "usage: !lang CODE, one of: en, ru" in output
    assert "(language: Русский)" in output and "(language: English)" in output
    in_russian = output.index(asked_in_russian)
    assert in_russian < output.index(texts.t("lang_ask"), in_russian)


RUSSIAN_SCRIPT = [
    "!lang ru",
    "/start",
    "Москва",
    "#1",  # Москва, Россия
    "7 утра",
    "#3",  # the safety screen: «Нет, ничего из этого»
    "!remind",
    "#1",  # «▶️ Начать»
    "#1",  # tension 0
    "!sticker",
    "!quit",
]


def bot_words(output: str) -> str:
    """What the bot said in a demo transcript, without the demo's own chrome: the "bot [N]>"
    prompts, button numbers and the reply keyboard's hint are the demo's, in English."""
    said, inside = [], False
    for line in output.splitlines():
        if line.startswith("bot ["):
            inside, line = True, line.split("> ", 1)[1]
        elif not line.startswith("     "):
            inside = False
        if inside:
            line = re.sub(r"\[#[\d.]+ ", "[", line)
            said.append(line.split("(use !location")[0].replace("keyboard:", ""))
    return "\n".join(said)


async def test_the_demo_speaks_russian_after_lang_ru(tmp_path):
    output = await run_demo(tmp_path, RUSSIAN_SCRIPT)
    assert "(language: Русский)" in output
    said = bot_words(output)
    assert "Здравствуйте" in said and "Москва (сейчас UTC+03:00)" in said
    assert "Готово! 🌿 Я буду напоминать вам каждый день в 07:00" in said
    assert "Время для сегодняшней практики" in said
    assert "Напряжение сейчас: 0/10" in said and "Шаг 1 из 4 · Дыхание животом" in said
    assert "no such button" not in output
    latin = set(re.findall(r"(?<![/\w])[A-Za-z]+", re.sub(r"/[a-z_]+", " ", said)))
    assert latin <= {"UTC", "You"}, latin  # "You": the demo person's Telegram name
