"""The person's language: chosen on first contact, changed with /language or /settings, used
for every message (replies, the reminder fan-out, the commands menu), and whom to call in an
emergency for their time zone."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from babel.messages.pofile import read_po
from telegram import BotCommandScopeChat

from bot import i18n, texts
from bot.sender import Engine, Outgoing
from bot.store import Status
from bot.texts import menus
from bot.texts import safety as safety_texts
from tests.harness import ADMIN_ID, USER_ID, Harness, buttons, subscribe
from tests.store_rows import set_columns

OTHER_ID = 5151


def russian(key: str, **values) -> str:
    with i18n.use_language("ru"):
        return texts.t(key, **values)


async def reply_to(bot: Harness, text: str, user_id: int = USER_ID) -> dict:
    await bot.emu.send_text(user_id, text)
    return await bot.reply(user_id)


async def ask_language(bot: Harness, user_id: int = USER_ID) -> dict:
    """Sends /language and returns the question (the one with a button per language),
    skipping whatever was still on its way before it."""
    await bot.emu.send_text(user_id, "/language")
    while True:
        message = await bot.reply(user_id)
        if buttons(message) == ["English", "Русский"]:
            return message


# --- first contact --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "stored"),
    [("ru", "ru"), ("uk", "ru"), ("kk", "ru"), ("de", "en"), ("en-GB", "en"), (None, "en")],
    ids=["ru", "uk", "kk", "de", "en-GB", "none"],
)
async def test_first_contact_stores_the_language_of_the_telegram_app(bot, code, stored):
    bot.emu.add_user(USER_ID, language_code=code)
    await reply_to(bot, "/start")
    assert bot.store.subscriber(USER_ID).language == stored


async def test_a_later_app_language_does_not_override_the_stored_one(bot):
    bot.emu.add_user(USER_ID, language_code="ru")
    await reply_to(bot, "/start")
    bot.emu.add_user(USER_ID, language_code="en")  # a new phone, set to English
    ask = await ask_language(bot)
    assert ask["text"] == russian("lang_ask")
    assert bot.store.subscriber(USER_ID).language == "ru"


async def test_a_person_without_a_subscription_is_answered_in_their_app_language(bot):
    bot.emu.add_user(USER_ID, language_code="be")
    ask = await ask_language(bot)
    assert ask["text"] == russian("lang_ask")
    assert bot.store.subscriber(USER_ID) is None  # asking stores nothing


async def test_a_row_from_before_languages_gets_the_app_language_on_the_next_update(bot):
    """Subscribers from before the migration have no language: their next update fills it."""
    bot.store.ensure_subscriber(USER_ID, bot.clock.now())
    bot.emu.add_user(USER_ID, language_code="ru")
    assert (await ask_language(bot))["text"] == russian("lang_ask")
    assert bot.store.subscriber(USER_ID).language == "ru"


# --- choosing ------------------------------------------------------------------------------


async def test_switching_language_mid_way_keeps_history_and_settings(bot):
    await subscribe(bot)
    before = bot.store.subscriber(USER_ID)
    ask = await ask_language(bot)
    assert ask["text"] == texts.t("lang_ask")
    assert buttons(ask) == ["English", "Русский"]
    await bot.tap(ask, "Русский")
    assert (await bot.reply())["text"] == russian("lang_set")
    # The next messages come in Russian: /safety is a message translated in full.
    info = await reply_to(bot, "/safety")
    assert info["text"].startswith("<b>Безопасность</b>") or "Безопасность" in info["text"]
    assert russian("sign_saddle") in info["text"]
    assert "В экстренном случае звоните по номеру 112." in info["text"]
    after = bot.store.subscriber(USER_ID)
    assert after.language == "ru"
    assert (after.zone, after.remind_at, after.status) == (
        before.zone,
        before.remind_at,
        before.status,
    )
    # And back: asked in Russian, answered in English.
    ask = await ask_language(bot)
    assert ask["text"] == russian("lang_ask")
    await bot.tap(ask, "English")
    assert (await bot.reply())["text"] == texts.t("lang_set")
    assert bot.store.subscriber(USER_ID).language == "en"


async def test_choosing_the_language_already_spoken_says_so(bot):
    ask = await ask_language(bot)
    await bot.tap(ask, "English")
    assert (await bot.reply())["text"] == texts.t("lang_same")


async def test_settings_has_a_language_button(bot):
    await subscribe(bot)
    settings = await reply_to(bot, "/settings")
    assert texts.t("btn_language") in buttons(settings)
    await bot.tap(settings, texts.t("btn_language"))
    ask = await bot.expect(texts.t("lang_ask"))
    assert buttons(ask) == ["English", "Русский"]


async def test_a_forged_language_button_changes_nothing(bot):
    ask = await ask_language(bot)
    await bot.emu.press(USER_ID, ask["message_id"], "lang:xx", check=False)
    assert (await bot.reply())["text"] == texts.t("button_expired")
    assert bot.store.subscriber(USER_ID) is None


async def test_delete_forgets_the_language_too(bot):
    bot.emu.add_user(USER_ID, language_code="ru")
    await reply_to(bot, "/start")
    assert bot.store.subscriber(USER_ID).language == "ru"
    bot.store.delete_person(USER_ID)
    bot.emu.add_user(USER_ID, language_code="en")  # starting over: the app decides again
    assert (await ask_language(bot))["text"] == texts.t("lang_ask")


# --- the commands menu -----------------------------------------------------------------------


async def test_commands_menu_is_set_per_language_at_start(bot):
    """Set before polling starts (post_init); read back from the emulator, which keeps a menu
    per (scope, language_code) as Telegram does."""
    telegram = bot.application.bot

    async def menu(**where) -> list[tuple[str, str]]:
        return [(c.command, c.description) for c in await telegram.get_my_commands(**where)]

    assert await menu() == texts.menu()
    with i18n.use_language("ru"):
        in_russian = texts.menu()
    for code in ("ru", "uk", "be", "kk"):
        assert await menu(language_code=code) == in_russian
    assert in_russian != texts.menu()
    # A language with no menu of its own gets none back: Telegram shows the default one.
    assert await telegram.get_my_commands(language_code="de") == ()


async def test_after_language_the_chat_menu_is_in_the_chosen_language(bot):
    await reply_to(bot, "/start")
    ask = await ask_language(bot)
    await bot.tap(ask, "Русский")
    await bot.reply()

    def chat_menus() -> list[dict]:
        return [
            p["scope"]
            for name, p in bot.emu.calls
            if name == "setMyCommands" and (p.get("scope") or {}).get("type") == "chat"
        ]

    await bot.emu.wait_until(lambda: any(s["chat_id"] == USER_ID for s in chat_menus()))
    commands = await bot.application.bot.get_my_commands(scope=BotCommandScopeChat(USER_ID))
    with i18n.use_language("ru"):
        assert [(c.command, c.description) for c in commands] == texts.menu()
    assert "language" in [c.command for c in commands]


async def test_an_admin_in_russian_gets_russian_command_descriptions(bot):
    bot.emu.add_user(ADMIN_ID, language_code="ru")
    reply = await reply_to(bot, "/help", ADMIN_ID)
    assert russian("cmd_reload") in reply["text"] and russian("cmd_today") in reply["text"]


# --- composed outside an update ---------------------------------------------------------------


async def set_up_due(bot: Harness, chat_id: int, language: str) -> None:
    now = bot.clock.now()
    bot.store.ensure_subscriber(chat_id, now, language)
    set_columns(
        bot.store,
        chat_id,
        now,
        status=Status.ACTIVE,
        zone="Europe/Berlin",
        remind_at="07:00",
        next_due_utc=now - timedelta(minutes=1),
    )


async def test_a_fan_out_writes_to_each_person_in_their_language(bot):
    """The engine composes each delivery in its person's language (a probe composer says
    which), and the reminder itself is the catalog's in that language."""
    bot.emu.add_user(USER_ID)
    bot.emu.add_user(OTHER_ID)

    async def probe(application, delivery, subscriber) -> Outgoing:
        return Outgoing(texts.t("lang_same"))

    # The bot's own engine, with one more kind of delivery: the probe.
    wiring = bot.runtime.engine.wiring
    await bot.runtime.engine.stop()
    composers = {**wiring.composers, "probe": probe}
    bot.runtime.engine = Engine(bot.application, dataclasses.replace(wiring, composers=composers))
    bot.runtime.engine.start()
    for chat_id, language in ((USER_ID, "ru"), (OTHER_ID, "en")):
        await set_up_due(bot, chat_id, language)
        bot.store.add_delivery(chat_id, bot.clock.now().date(), "probe", bot.clock.now())
    await bot.tick()
    ru = [m["text"] for m in bot.emu.messages(USER_ID)]
    en = [m["text"] for m in bot.emu.messages(OTHER_ID)]
    assert russian("lang_same") in ru and texts.t("lang_same") not in ru
    assert texts.t("lang_same") in en and russian("lang_same") not in en
    reminder_ru = [t for t in ru if t != russian("lang_same")]
    reminder_en = [t for t in en if t != texts.t("lang_same")]
    assert reminder_ru and reminder_en
    assert i18n.current_language() == "en"  # nothing leaks out of the fan-out


# --- whom to call ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "sentence"),
    [
        ("Berlin", "In an emergency, call 112."),
        ("America/New_York", "In an emergency, call 911."),
        ("Asia/Tokyo", "In an emergency, call your local emergency number."),
    ],
    ids=["berlin", "new-york", "tokyo"],
)
async def test_safety_names_the_emergency_number_of_the_persons_zone(bot, city, sentence):
    await subscribe(bot, city=city)
    info = await reply_to(bot, "/safety")
    assert sentence in info["text"]
    assert "112 (Europe) or 911 (US)" not in info["text"]


async def test_safety_without_a_zone_names_both_numbers(bot):
    info = await reply_to(bot, "/safety")
    assert "In an emergency, call 112 (Europe) or 911 (US)." in info["text"]


async def test_a_red_flag_answer_names_the_number_for_the_zone(bot):
    [screen] = await subscribe(bot, city="America/New_York")
    await bot.tap(screen, "Yes, from the first list")
    urgent = await bot.expect("Please don't practise now")
    assert "If it feels like an emergency, call 911 now." in urgent["text"]


# --- the catalogs of this lane ---------------------------------------------------------------


@pytest.mark.parametrize("domain", [menus, safety_texts], ids=["menus", "safety"])
def test_every_menu_and_safety_message_has_a_russian_translation(domain):
    name = domain.__name__.rsplit(".", 1)[-1]
    with i18n.catalog_path("ru", name).open("rb") as po:
        catalog = read_po(po, locale="ru")
    translated = {m.context for m in catalog if m.id and m.string and not m.fuzzy}
    assert translated == set(domain.MESSAGES)


def test_russian_menu_descriptions_fit_telegrams_limits():
    with i18n.use_language("ru"):
        for _, about in texts.menu((*menus.COMMANDS, *menus.ADMIN_COMMANDS)):
            assert 1 <= len(about) <= 256


def test_the_safety_texts_keep_the_signs_in_order_in_both_languages():
    for language in i18n.LANGUAGES:
        with i18n.use_language(language):
            info = safety_texts.safety_message("safety_info", "Europe/Moscow")
            listed = safety_texts.signs((*safety_texts.safety.URGENT_SIGNS,))
            listed += safety_texts.signs(safety_texts.safety.SEE_DOCTOR_SIGNS)
        positions = [info.index(sign) for sign in listed]
        assert positions == sorted(positions), language


# --- the zone question's keyboard --------------------------------------------------------------


def keyboard_labels(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("keyboard") or []
    return [button if isinstance(button, str) else button["text"] for row in rows for button in row]


def zone_picks(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["callback_data"] for row in rows for button in row]


async def next_with(bot: Harness, found) -> dict:
    while True:
        message = await bot.reply()
        if found(message):
            return message


@pytest.mark.parametrize("typed_in", ["ru", "en"], ids=["russian-label", "older-english-label"])
async def test_the_zone_keyboard_is_in_the_persons_language(bot, typed_in):
    """Its labels are translated when shown; a tap on one from before a language change
    (the label comes back as text) still works."""
    bot.emu.add_user(USER_ID, language_code="ru")
    await bot.emu.send_text(USER_ID, "/start")
    ask = await next_with(bot, keyboard_labels)
    assert keyboard_labels(ask) == [russian("btn_share_location"), russian("btn_pick_from_list")]
    with i18n.use_language(typed_in):
        label = texts.t("btn_pick_from_list")
    await bot.emu.send_text(USER_ID, label)
    listing = await next_with(bot, zone_picks)
    assert "ob:z:Europe/Moscow" in zone_picks(listing)
