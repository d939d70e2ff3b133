"""Content per language through the running bot: a Russian-speaking person gets the Russian
file where there is one and the English where there is none; admins upload, roll back,
reload and preview the whole tree, every language together.

The Russian speaker's Telegram app is set to Russian: their first update makes it theirs.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from bot import i18n
from bot.flows.reminders import reminder_text
from tests.harness import ADMIN_ID, USER_ID, Harness, buttons, subscribe
from tests.test_flow_admin import make_zip, text_of, upload

RU_ID = 7_700_001
RU_BREATHING = (
    Path(__file__).resolve().parent / "fixtures" / "ru" / "practices" / "breathing.md"
).read_text()
RU_STEP_1 = "Сядьте или лягте — как вам сегодня легче."
EN_STEP_1 = "Sit or lie down, whichever feels easiest today."


pytestmark = pytest.mark.editable_content  # each test edits its own copy


@pytest.fixture(autouse=True)
def only_one_translation(content_dir: Path) -> None:
    """Russian has the test's own breathing practice and nothing else, so which file a
    person gets shows which language answered."""
    shutil.rmtree(content_dir / "ru", ignore_errors=True)
    (content_dir / "ru" / "practices").mkdir(parents=True)
    (content_dir / "ru" / "practices" / "breathing.md").write_text(RU_BREATHING)


@pytest.fixture
async def bot(bot: Harness) -> Harness:
    bot.emu.add_user(RU_ID, "Оля", language_code="ru")
    return bot


async def first_step(bot: Harness, command: str, user_id: int) -> tuple[dict, dict]:
    """Starts a practice by name; returns its first message and its first step."""
    intro = await bot.say(command, user_id)
    ask = await bot.reply(user_id)
    await bot.tap(ask, "4", user_id)
    return intro, await bot.emu.next_edit(user_id)


async def test_a_russian_speaker_gets_the_russian_file(bot):
    intro, step = await first_step(bot, "/practice breathing", RU_ID)
    assert "Многие из нас весь день держат живот втянутым" in text_of(intro)
    assert "Дышите мягко и ничего не форсируйте" in text_of(intro)  # its own "Take care"
    assert RU_STEP_1 in text_of(step) and "Дыхание животом" in text_of(step)
    assert EN_STEP_1 not in text_of(step)


async def test_an_english_speaker_gets_the_english_file_meanwhile(bot):
    _, step = await first_step(bot, "/practice breathing", USER_ID)
    assert EN_STEP_1 in text_of(step) and "Сядьте" not in text_of(step)


async def test_a_practice_without_a_russian_file_falls_back_to_english(bot):
    _, step = await first_step(bot, "/practice pendulum swing", RU_ID)
    assert "Pendulum leg swing" in text_of(step)


async def test_a_russian_title_or_the_english_one_finds_the_russian_practice(bot):
    for user_id, name in ((RU_ID, "дыхание животом"), (RU_ID + 1, "Belly breathing")):
        bot.emu.add_user(user_id, "Оля", language_code="ru")
        _, step = await first_step(bot, f"/practice {name}", user_id)
        assert RU_STEP_1 in text_of(step), name


async def test_the_practice_list_shows_russian_titles(bot):
    listing = await bot.say("/practices", RU_ID)
    assert "Дыхание животом" in text_of(listing) + " ".join(buttons(listing))


async def test_preview_in_russian_and_in_the_admins_language(bot):
    header = await bot.say("/preview breathing ru", ADMIN_ID)
    assert "Previewing" in text_of(header) and "Русский" in text_of(header)
    intro = await bot.reply(ADMIN_ID)
    assert "Многие из нас" in text_of(intro)
    ask = await bot.expect("напряжение", ADMIN_ID)  # all of it as a Russian speaker sees it
    await bot.tap(ask, 0, ADMIN_ID)
    step = await bot.emu.next_edit(ADMIN_ID)
    assert RU_STEP_1 in text_of(step)
    await bot.settle(ADMIN_ID)

    header = await bot.say("/preview breathing", ADMIN_ID)
    assert "Русский" not in text_of(header)
    intro = await bot.reply(ADMIN_ID)
    assert "Many of us hold our belly in" in text_of(intro)


async def test_reload_says_what_changed_per_language_and_what_is_missing(bot, content_dir):
    path = content_dir / "ru" / "practices" / "breathing.md"
    path.write_text(RU_BREATHING.replace("Многие из нас", "Почти все мы"))
    answer = text_of(await bot.say("/reload", ADMIN_ID))
    assert "edited: ru/breathing" in answer
    assert "1 of 14 files translated" in answer
    assert "ru/practices/pendulum-swing.md" in answer  # served in English for now
    assert "not marked as checked" in answer
    intro, _ = await first_step(bot, "/practice breathing", RU_ID)
    assert "Почти все мы" in text_of(intro)


async def test_upload_with_a_russian_folder_then_rollback_restores_both_languages(bot, content_dir):
    first = bot.runtime.content_version
    english_file = content_dir / "practices" / "breathing.md"
    english_before = english_file.read_text()
    files = {
        f"content/{path.relative_to(content_dir).as_posix()}": path.read_bytes()
        for path in content_dir.rglob("*.md")
    }
    files["content/practices/breathing.md"] = english_before.replace(
        EN_STEP_1, "Sit down or lie down."
    ).encode()
    files["content/ru/practices/breathing.md"] = RU_BREATHING.replace(
        RU_STEP_1, "Сядьте или лягте."
    ).encode()
    ready = await upload(bot, "content.zip", make_zip(files))
    assert "passed every check" in text_of(ready)
    assert "edited: breathing" in text_of(ready) and "edited: ru/breathing" in text_of(ready)
    await bot.tap(ready, "Apply", ADMIN_ID)
    await bot.expect("serving", ADMIN_ID)
    library = bot.runtime.library
    assert library.practice("breathing").steps[0].text.startswith("Sit down or lie down. Rest")
    russian = library.in_language("ru").practice("breathing")
    assert russian.steps[0].text.startswith("Сядьте или лягте. Положите")
    assert "Сядьте или лягте." in (content_dir / "ru/practices/breathing.md").read_text()

    confirm = await bot.say(f"/rollback {first}", ADMIN_ID)
    assert "edited: ru/breathing" in text_of(confirm)
    await bot.tap(confirm, f"Restore version {first}", ADMIN_ID)
    await bot.expect("Restored", ADMIN_ID)
    library = bot.runtime.library
    assert library.practice("breathing").steps[0].text.startswith(EN_STEP_1)
    assert library.in_language("ru").practice("breathing").steps[0].text.startswith(RU_STEP_1)
    assert (content_dir / "ru/practices/breathing.md").read_text() == RU_BREATHING
    assert english_file.read_text() == english_before
    _, step = await first_step(bot, "/practice breathing", RU_ID)
    assert RU_STEP_1 in text_of(step)


async def test_a_single_translated_file_goes_into_its_language_folder(bot, content_dir):
    text = RU_BREATHING.replace("Многие из нас", "Почти все мы")
    ready = await upload(bot, "breathing.ru.md", text.encode())
    assert "ru/practices/breathing.md" in text_of(ready)
    assert "edited: ru/breathing" in text_of(ready)
    await bot.tap(ready, "Apply", ADMIN_ID)
    await bot.expect("serving", ADMIN_ID)
    assert (content_dir / "ru/practices/breathing.md").read_text() == text
    assert "Почти все мы" in bot.runtime.library.in_language("ru").practice("breathing").intro


async def test_the_content_zip_includes_the_language_folders(bot):
    await bot.emu.send_text(ADMIN_ID, "/content")
    sent = await bot.expect("live content", ADMIN_ID)
    with zipfile.ZipFile(io.BytesIO(sent["_content"])) as archive:
        names = archive.namelist()
        assert archive.read("content/ru/practices/breathing.md").decode() == RU_BREATHING
    assert "content/program.md" in names


async def test_the_reminder_is_composed_from_the_library_of_its_language(bot):
    """The fan-out speaks each subscriber's language while composing; the day's practices
    then come from that language's library (the first program day opens with breathing)."""
    await subscribe(bot, USER_ID)
    subscriber = bot.store.subscriber(USER_ID)
    with i18n.use_language("ru"):
        russian = reminder_text(bot.application, subscriber, bot.clock.now())
    with i18n.use_language("en"):
        english = reminder_text(bot.application, subscriber, bot.clock.now())
    assert "Дыхание животом" in russian and "Belly breathing" not in russian
    assert "Belly breathing" in english and "Дыхание" not in english
