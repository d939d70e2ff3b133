"""A Russian speaker end to end (issue 18): onboarding, a practice with a timer, a check-in
typed in Russian, history, progress, exports, settings, pause and delete, and nothing the bot
sent them has a Latin word in it outside a short allow-list."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from bot import i18n, texts
from bot.store import Status
from tests.harness import ADMIN_ID, Harness, buttons
from tests.test_exports import pdf_text

RU_ID = 7_700_001
SLOW = 60.0  # seconds: a chart or a PDF on a busy 2-core machine


# A copy of the real content, which a test may take a translation out of.
pytestmark = pytest.mark.editable_content


@pytest.fixture
async def bot(bot: Harness) -> Harness:
    bot.emu.add_user(RU_ID, "Оля", language_code="ru")
    return bot


def ru(key: str, **values) -> str:
    with i18n.use_language("ru"):
        return texts.t(key, **values)


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


# Latin words a Russian speaker may see: names with no Russian form in the app, and "English"
# on the language button (each language is named in itself, for the one who reads it).
ALLOWED = {"UTC", "PDF", "CSV", "Telegram", "English"}


def latin_words(text: str) -> set[str]:
    """Latin words outside the allow-list; /commands are Telegram's and stay Latin."""
    text = re.sub(r"(?<![\w/])/[a-z_]+", " ", text)
    return set(re.findall(r"[A-Za-z]+", text)) - ALLOWED


def shown_to(bot: Harness, chat_id: int = RU_ID) -> list[str]:
    """Every text, caption and button label the bot sent or edited into the chat, from the
    emulator's call log (edits included), with the HTML tags left out."""
    out = []
    for _method, params in bot.emu.calls:
        if str(params.get("chat_id")) != str(chat_id):
            continue
        for key in ("text", "caption"):
            if params.get(key):
                out.append(html.unescape(re.sub(r"<[^>]+>", "", params[key])))
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) + markup.get("keyboard", []):
            out.extend(b["text"] if isinstance(b, dict) else b for b in row)
    return out


async def expect(bot: Harness, fragment: str) -> dict:
    return await bot.expect(fragment, RU_ID)


async def tap(bot: Harness, message: dict, label: str) -> None:
    await bot.emu.press_button(RU_ID, message, label)


async def say(bot: Harness, text: str) -> None:
    await bot.emu.send_text(RU_ID, text)


async def tap_edit(bot: Harness, message: dict, label: str) -> dict:
    """Taps a button; returns that message once edited (other edits before it skipped)."""
    await tap(bot, message, label)
    while True:
        edit = await bot.emu.next_edit(RU_ID)
        if edit["message_id"] == message["message_id"]:
            return edit


async def settle(bot: Harness) -> list[dict]:
    """As Harness.settle, with the Russian answer to /help as the barrier."""
    await say(bot, "/help")
    before = []
    while True:
        message = await bot.emu.next_message(RU_ID)
        if "Что я умею" in text_of(message):
            return before
        before.append(message)


def english_in(bot: Harness) -> list[tuple[str, set[str]]]:
    return [(text, words) for text in shown_to(bot) if (words := latin_words(text))]


async def onboard(bot: Harness) -> None:
    """/start, the zone by a city typed in Cyrillic, the time typed in Russian, the red-flag
    screen answered."""
    await say(bot, "/start")
    welcome = await bot.emu.next_message(RU_ID)
    assert "Здравствуйте, Оля!" in text_of(welcome)
    await tap(bot, welcome, buttons(welcome)[0])  # about the psoas and the practice
    ask_zone = await expect(bot, "часовом поясе")
    keyboard = [b["text"] for row in ask_zone["reply_markup"]["keyboard"] for b in row]
    for label in keyboard:  # the question names the buttons it shows
        assert label in ask_zone["text"], label
    await say(bot, "Москва")
    choices = await expect(bot, "Какое ваше")
    assert buttons(choices)[:2] == [
        "Москва, Россия",
        "Москва, Соединенные Штаты · пояс: Лос-Анджелес",  # Moscow, Idaho
    ]
    await tap(bot, choices, "Москва, Россия")
    zone_set = await expect(bot, "Часовой пояс")
    assert "Москва (сейчас UTC+03:00)" in text_of(zone_set)
    await expect(bot, "В какое время")
    await say(bot, "7 утра")
    await expect(bot, "Готово")
    [screen] = await settle(bot)
    await tap(bot, screen, ru("sf_btn_no"))
    await expect(bot, "хорошая новость")
    bot.emu.drain_edits(RU_ID)
    subscriber = bot.store.subscriber(RU_ID)
    assert (subscriber.language, subscriber.zone, subscriber.remind_at) == (
        "ru",
        "Europe/Moscow",
        "07:00",
    )


async def practise_with_a_timer(bot: Harness) -> None:
    await say(bot, "/practice конструктивный отдых")
    ask = await expect(bot, "напряжени")
    await tap(bot, ask, "4")
    step = await bot.emu.next_edit(RU_ID)
    assert "Конструктивный отдых" in text_of(step)
    while ru("pr_btn_timer") not in buttons(step):
        step = await tap_edit(bot, step, ru("pr_btn_next"))
    running = await tap_edit(bot, step, ru("pr_btn_timer"))
    assert buttons(running) == ["Ещё 5 мин", "Закончить сейчас", "⏹ Стоп"]
    await say(bot, "уже всё?")
    assert "Таймер идёт до 09:15" in text_of(await bot.emu.next_message(RU_ID))
    bot.clock.advance(timedelta(minutes=14))
    await bot.tick()
    assert await settle(bot) == []  # not yet
    bot.clock.advance(timedelta(minutes=1))
    await bot.tick()
    step = await expect(bot, "Время вышло")
    while ru("pr_btn_finish") not in buttons(step):
        step = await tap_edit(bot, step, ru("pr_btn_next"))
    await tap(bot, step, ru("pr_btn_finish"))
    await expect(bot, "сделана")


async def check_in_by_typing(bot: Harness) -> None:
    """The check-in that follows the practice, every answer typed in Russian."""
    await expect(bot, "Насколько сильное напряжение")
    await say(bot, "семь")
    await expect(bot, "Насколько сильную боль")
    await say(bot, "нет боли")
    await expect(bot, "Где вы это чувствуете")
    await say(bot, "пропустить")
    await expect(bot, "заметку")
    await say(bot, "Стало легче 🌿 спасибо")
    saved = await expect(bot, "Вот что сохранено")
    assert "Стало легче 🌿 спасибо" in text_of(saved)
    done = bot.store.checkin_for_day(RU_ID, bot.clock.now().date())
    assert (done.tension, done.pain, done.areas) == (7, 0, ())
    assert done.note == "Стало легче 🌿 спасибо"


async def look_back(bot: Harness) -> None:
    """/history, /progress and /export: the words, the chart's caption, the CSV and the PDF."""
    await say(bot, "/history")
    history = await bot.emu.next_message(RU_ID)
    assert "напряжение 7 · боль 0 · 📝" in text_of(history)
    await tap(bot, history, buttons(history)[0])  # read my notes
    assert "Стало легче" in text_of(await expect(bot, "Стало легче"))
    await say(bot, "/progress")
    chart = await bot.emu.next_message(RU_ID, timeout=SLOW)
    assert chart["photo"] and "напряжение и боль" in chart["caption"]
    await tap(bot, chart, "7 дней")
    await bot.emu.next_edit(RU_ID, timeout=SLOW)
    await say(bot, "/export")
    sheet = await bot.emu.next_message(RU_ID, timeout=SLOW)
    assert "по строке на каждую" in text_of(sheet)
    rows = list(csv.reader(io.StringIO(sheet["_content"].decode("utf-8-sig"))))
    assert not latin_words(" ".join(rows[0])), rows[0]
    assert any("Стало легче 🌿 спасибо" in cell for cell in rows[1])
    report = await bot.emu.next_message(RU_ID, timeout=SLOW)
    assert "Отчёт в PDF" in text_of(report)
    words = pdf_text(report["_content"])
    assert "Напряжение" in words and "Стало легче [эмодзи] спасибо" in words
    assert not latin_words(words), latin_words(words)


async def every_setting(bot: Harness) -> None:
    """Each /settings button, answered in Russian where it asks something."""

    async def settings() -> dict:
        await say(bot, "/settings")
        return await expect(bot, "Ваши настройки")

    shown = await settings()
    assert "Часовой пояс: Москва (сейчас UTC+03:00)" in text_of(shown)
    await tap(bot, shown, ru("btn_change_time"))
    await expect(bot, "В какое время")
    await say(bot, "9 вечера")
    await expect(bot, "21:00")
    await tap(bot, await settings(), ru("btn_change_zone"))
    await expect(bot, "часовом поясе")
    await say(bot, "Берлин")
    assert "Берлин, Германия" in text_of(await expect(bot, "Часовой пояс"))
    await tap(bot, await settings(), ru("btn_followup_on"))
    await expect(bot, "Повтор включён")
    await tap(bot, await settings(), ru("btn_language"))
    await tap(bot, await expect(bot, ru("lang_ask")), "Русский")
    await expect(bot, ru("lang_same"))
    await tap(bot, await settings(), ru("btn_pause"))
    ask = await expect(bot, "На сколько")
    assert buttons(ask)[:4] == ["1 день", "3 дня", "7 дней", "14 дней"]
    await tap(bot, ask, "3 дня")
    await settle(bot)
    assert bot.store.subscriber(RU_ID).status is Status.PAUSED
    await tap(bot, await settings(), ru("btn_resume"))
    await settle(bot)
    assert bot.store.subscriber(RU_ID).status is Status.ACTIVE
    await tap(bot, await settings(), ru("btn_stop"))
    ask = await bot.emu.next_message(RU_ID)
    await tap(bot, ask, ru("stop_no"))
    await settle(bot)
    assert bot.store.subscriber(RU_ID).status is Status.ACTIVE


async def read_the_rest(bot: Harness) -> None:
    """/safety, /privacy and /practices (the reminder's words: tests/test_demo.py)."""
    await say(bot, "/safety")
    assert "112" in text_of(await expect(bot, "Безопасность"))
    await say(bot, "/privacy")
    await say(bot, "/practices")
    await settle(bot)


async def pause_and_delete(bot: Harness) -> None:
    await say(bot, "/pause неделю")
    paused = await bot.emu.next_message(RU_ID)
    assert bot.store.subscriber(RU_ID).status is Status.PAUSED, text_of(paused)
    await say(bot, "/resume")
    await settle(bot)
    await say(bot, "/delete")
    ask = await bot.emu.next_message(RU_ID)
    await tap(bot, ask, ru("hi_btn_delete_yes"))
    await settle(bot)
    assert bot.store.subscriber(RU_ID) is None


async def test_a_russian_speaker_never_sees_english(bot):
    await onboard(bot)
    await practise_with_a_timer(bot)
    await check_in_by_typing(bot)
    await look_back(bot)
    await every_setting(bot)
    await read_the_rest(bot)
    await pause_and_delete(bot)
    assert len(shown_to(bot)) > 100  # the scan below saw the whole run
    assert english_in(bot) == [], "\n\n".join(f"{w}: {t}" for t, w in english_in(bot))


async def test_switching_to_english_and_back_mid_way(bot):
    await onboard(bot)
    await say(bot, "/language")
    ask = await expect(bot, ru("lang_ask"))
    await tap(bot, ask, "English")
    assert text_of(await bot.emu.next_message(RU_ID)) == texts.t("lang_set")
    await say(bot, "/settings")
    shown = await expect(bot, "Your settings")
    assert "Europe/Moscow (UTC+03:00 now)" in text_of(shown)  # English shows the zone's name
    assert "⏰ Change time" in buttons(shown)
    await say(bot, "/language")
    await tap(bot, await expect(bot, texts.t("lang_ask")), "Русский")
    assert text_of(await bot.emu.next_message(RU_ID)) == ru("lang_set")
    assert await settle(bot) == []  # /help answered in Russian again
    assert bot.store.subscriber(RU_ID).language == "ru"
    assert bot.store.subscriber(RU_ID).zone == "Europe/Moscow"  # nothing else changed


async def test_a_practice_without_a_russian_file_falls_back_to_english(bot):
    """Only the practice's own words come in English; everything around them stays Russian."""
    (bot.runtime.settings.content_dir / "ru" / "practices" / "pendulum-swing.md").unlink()
    await bot.emu.send_text(ADMIN_ID, "/reload")
    assert "ru/practices/pendulum-swing.md" in text_of(await bot.expect("translated", ADMIN_ID))
    await say(bot, "/practice pendulum swing")
    ask = await expect(bot, "напряжени")
    await tap(bot, ask, "4")
    step = await bot.emu.next_edit(RU_ID)
    assert "Pendulum leg swing" in text_of(step)
    assert "Шаг 1 из" in text_of(step) and ru("pr_btn_next") in buttons(step)
    await tap(bot, step, ru("pr_btn_stop"))
    await settle(bot)
    await say(bot, "/practice конструктивный отдых")  # the others are still Russian
    assert "Конструктивный отдых" in text_of(await expect(bot, "Конструктивный отдых"))
