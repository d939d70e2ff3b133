"""An admin whose Telegram is in Russian reads the content check in Russian, through the
running bot: /reload of a broken folder and an upload of a broken file list every problem in
Russian, with the file's own values escaped, and change nothing."""

from __future__ import annotations

import pytest

from tests.harness import ADMIN_ID, Harness
from tests.test_flow_admin import BREATHING, edit, text_of, upload

pytestmark = pytest.mark.editable_content  # each test edits its own copy


@pytest.fixture
async def bot(bot: Harness) -> Harness:
    bot.emu.add_user(ADMIN_ID, language_code="ru")
    return bot


async def test_reload_of_a_broken_folder_lists_the_problems_in_russian(bot, content_dir):
    library, version = bot.runtime.library, bot.runtime.content_version
    edit(content_dir, BREATHING, "timer: 2 min", "timer: <2 min>")
    edit(content_dir, "practices/shoe-check.md", "title:", "titel:")
    text = text_of(await bot.say("/reload", ADMIN_ID))  # refused by the emulator if unescaped
    assert (
        "practices/breathing.md:13: шаг 3, таймер: нужна длительность, например «15 min» или "
        "«30 s», а не '<2 min>'"
    ) in text
    assert "practices/shoe-check.md:2: «title»: нет в файле" in text
    assert "practices/shoe-check.md:3: неизвестное поле «titel»" in text
    assert "is missing" not in text and "must be" not in text
    assert bot.runtime.library is library and bot.runtime.content_version == version


async def test_an_upload_naming_an_unknown_practice_is_refused_in_russian(bot, content_dir):
    program = (content_dir / "program.md").read_text()
    broken = program.replace("- [breathing, {practice", "- [breathnig, {practice", 1)
    assert broken != program
    version = bot.runtime.content_version
    text = text_of(await upload(bot, "program.md", broken.encode()))
    assert "нет практики с id «breathnig»: может быть, имелась в виду «breathing»?" in text
    assert "no practice" not in text
    assert bot.runtime.content_version == version
