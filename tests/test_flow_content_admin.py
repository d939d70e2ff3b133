"""A teacher's content workflow end to end: a practice written in plain Markdown goes through
check-content, upload, preview before Apply, Apply, a subscriber's session and rollback; the
live content comes back as a zip; unreloaded edits are never replaced without a word; a long
first message arrives in parts, and "Take care" is never skipped after a failed send.
"""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from bot import contentops
from bot.__main__ import main
from bot.content import load_folder, read_folder
from tests.harness import ADMIN_ID, CONTENT, USER_ID, Harness
from tests.test_flow_admin import edit, make_zip, run_preview_to_the_end, running, text_of, upload

KNEE = """\
---
title: Knee rocking
summary: Rock your bent knees slowly from side to side.
category: release
minutes: 5
---
A gentle start for a stiff morning.

## Why
It lets the deep hip muscles soften without any effort.

## Take care
Stop if anything hurts **sharply**, or if the pain grows.

## Steps
1. Lie on your back with your knees bent: feet flat, side #1 first.
2. Rock your knees to one side, then to the other. (timer: 30 s)
3. Bring your knees back to the middle and rest.
"""


pytestmark = pytest.mark.editable_content  # each test edits its own copy


def bold_parts(message: dict) -> list[str]:
    """The bold stretches of a message (entity offsets count UTF-16 units, as Telegram's)."""
    units = (message.get("text") or "").encode("utf-16-le")
    return [
        units[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])].decode("utf-16-le")
        for entity in message.get("entities") or []
        if entity["type"] == "bold"
    ]


async def test_a_teacher_written_practice_goes_from_check_to_subscriber_and_back(
    bot: Harness, content_dir, tmp_path, capsys
):
    # check-content, on the teacher's own copy
    copy = tmp_path / "mine"
    shutil.copytree(CONTENT, copy)
    (copy / "practices" / "knee-rocking.md").write_text(KNEE)
    assert main(["check-content", str(copy)]) == 0
    assert "ok: 13 practices" in capsys.readouterr().out

    # upload: checked, not applied
    first = bot.runtime.content_version
    ready = await upload(bot, "knee-rocking.md", KNEE.encode())
    assert "passed every check" in text_of(ready) and "added: knee-rocking" in text_of(ready)
    upload_id = int(ready["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])
    assert f"/preview upload {upload_id}" in text_of(ready)
    assert "knee-rocking" not in bot.runtime.library.practices

    # preview of the upload, as a subscriber would see it, before Apply
    header = await bot.say(f"/preview upload {upload_id} knee-rocking", ADMIN_ID)
    assert "(upload" in text_of(header) and "not applied" in text_of(header)
    intro = await bot.expect("Take care", ADMIN_ID)
    assert "**" not in text_of(intro) and "sharply" in bold_parts(intro)
    assert "side #1 first" not in text_of(intro)  # steps come after the tension question
    ask = await bot.expect("how much tension", ADMIN_ID)
    await bot.tap(ask, "Skip", ADMIN_ID)
    step = await bot.emu.next_edit(ADMIN_ID)
    assert "Lie on your back with your knees bent: feet flat, side #1 first." in text_of(step)
    await bot.tap(step, "Stop", ADMIN_ID)
    confirm = await bot.emu.next_edit(ADMIN_ID)  # Stop asks once
    await bot.tap(confirm, "Yes, stop here", ADMIN_ID)
    await bot.expect("Preview stopped", ADMIN_ID)
    assert "knee-rocking" not in bot.runtime.library.practices

    # Apply
    await bot.tap(ready, "Apply", ADMIN_ID)
    await bot.expect("serving", ADMIN_ID)
    assert "knee-rocking" in bot.runtime.library.practices
    assert (content_dir / "practices" / "knee-rocking.md").read_text() == KNEE

    # a subscriber's session
    await bot.emu.send_text(USER_ID, "/practice knee rocking")
    intro = await bot.expect("Take care")
    assert "sharply" in bold_parts(intro) and "**" not in text_of(intro)
    ask = await bot.expect("how much tension")
    await bot.tap(ask, "4")
    step = await bot.emu.next_edit(USER_ID)
    assert "Step 1 of 3 · Knee rocking" in text_of(step)
    await bot.tap(step, "Next")
    step = await bot.emu.next_edit(USER_ID)
    assert "⏱ 30 s" in text_of(step) or "30" in text_of(step)

    # rollback to the version before
    confirm = await bot.say(f"/rollback {first}", ADMIN_ID)
    assert "removed: knee-rocking" in text_of(confirm)
    assert "never reloaded" not in text_of(confirm)
    await bot.tap(confirm, f"Restore version {first}", ADMIN_ID)
    await bot.expect("Restored", ADMIN_ID)
    assert "knee-rocking" not in bot.runtime.library.practices
    assert not (content_dir / "practices" / "knee-rocking.md").exists()


async def test_preview_of_an_upload_that_is_not_waiting_says_so(bot: Harness):
    reply = await bot.say("/preview upload 77 breathing", ADMIN_ID)
    assert "Upload 77 is not waiting any more" in text_of(reply)


async def test_preview_of_an_uploaded_program_day_runs_the_uploaded_set(bot: Harness, content_dir):
    program = (
        (content_dir / "program.md")
        .read_text()
        .replace(
            "      - [breathing, {practice: constructive-rest, minutes: 10}]\n",
            "      - [knee-rocking, breathing]\n",
            1,
        )
    )
    files = {**read_folder(content_dir), "practices/knee-rocking.md": KNEE, "program.md": program}
    blocked = await upload(bot, "content.zip", make_zip(files))
    # The Russian program no longer has the English days: its words may differ, not its days.
    assert "ru/program.md" in text_of(blocked) and "passed every check" not in text_of(blocked)
    await bot.settle(ADMIN_ID)
    del files["ru/program.md"]  # Russian readers get the English program until it is redone
    ready = await upload(bot, "content.zip", make_zip(files))
    assert "passed every check" in text_of(ready)
    upload_id = int(ready["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])
    shown = await run_preview_to_the_end(bot, f"/preview upload {upload_id} day 1")
    assert any("Knee rocking" in text_of(step) for step in shown)
    assert "knee-rocking" not in bot.runtime.library.practices  # still only a preview


async def test_rollback_names_folder_edits_that_were_never_reloaded(bot: Harness, content_dir):
    """Finding 3: a rollback silently deleted an edit made on disk and never reloaded."""
    (content_dir / "practices" / "knee-rocking.md").write_text(KNEE)
    await bot.say("/reload", ADMIN_ID)  # version 2
    notes = content_dir / "notes.md"
    notes.write_text(notes.read_text().replace("  - Listen to your body.", "  - UNAPPLIED. Listen"))
    confirm = await bot.say("/rollback 1", ADMIN_ID)
    assert "edits that were never reloaded" in text_of(confirm)
    assert "notes.md" in text_of(confirm).split("never reloaded")[1]
    assert "UNAPPLIED" in notes.read_text()  # nothing written before the choice
    await bot.tap(confirm, "Cancel", ADMIN_ID)
    await bot.expect("nothing changed", ADMIN_ID)
    assert "UNAPPLIED" in notes.read_text()


async def test_a_whole_folder_upload_names_folder_edits_it_would_replace(bot: Harness, content_dir):
    files = {name: data for name, data in read_folder(content_dir).items()}
    breathing = content_dir / "practices" / "breathing.md"
    breathing.write_text(breathing.read_text().replace("Sit or lie down", "HAND EDIT. Sit or lie"))
    files["practices/quick-rest.md"] = files["practices/quick-rest.md"].replace(
        b"title: Quick rest", b"title: A quick rest"
    )
    ready = await upload(bot, "content.zip", make_zip(files))
    assert "passed every check" in text_of(ready)
    assert "never reloaded" in text_of(ready) and "practices/breathing.md" in text_of(ready)


async def test_a_single_file_upload_keeps_other_folder_edits_and_says_nothing_is_lost(
    bot: Harness, content_dir
):
    breathing = content_dir / "practices" / "breathing.md"
    breathing.write_text(breathing.read_text().replace("Sit or lie down", "HAND EDIT. Sit or lie"))
    ready = await upload(bot, "knee-rocking.md", KNEE.encode())
    assert "never reloaded" not in text_of(ready)  # the edit rides along, listed as a change
    assert "edited: breathing" in text_of(ready)


async def test_content_sends_the_live_set_as_a_zip_that_uploads_unchanged(bot: Harness):
    await bot.emu.send_text(ADMIN_ID, "/content")
    sent = await bot.expect("live content", ADMIN_ID)
    assert sent["document"]["file_name"] == f"content-v{bot.runtime.content_version}.zip"
    with zipfile.ZipFile(io.BytesIO(sent["_content"])) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert files == {f"content/{name}": text for name, text in bot.runtime.library.files.items()}
    assert "content/TEMPLATE.md" in files and "content/README.md" in files
    again = await upload(bot, "content.zip", sent["_content"])
    assert "matches the content serving now" in text_of(again)


async def test_an_admin_s_help_lists_the_admin_commands(bot: Harness):
    reply = text_of(await bot.say("/help", ADMIN_ID))
    for command in ("/reload", "/content", "/preview", "/rollback", "/broadcast", "/today"):
        assert command in reply
    user_help = text_of(await bot.say("/help"))
    assert "/reload" not in user_help and "/content" not in user_help


async def test_a_long_first_message_arrives_in_parts_with_take_care(bot: Harness, content_dir):
    """Finding 1: a valid day over 4096 characters failed with 'Message is too long'."""
    for name in ("shoe-check", "constructive-rest", "pendulum-swing"):
        path = content_dir / "practices" / f"{name}.md"
        text = path.read_text()
        start = text.index("safety: ") + len("safety: ")
        end = text.index("\n", start)
        text = text[:start] + f"Careful with {name}. " + "Go gently. " * 85 + text[end:]
        text = "\n".join(line for line in text.split("\n") if not line.startswith("sources_"))
        differ = f"sources_differ: Teachers differ on {name}. " + "Some say more. " * 50
        path.write_text(text.replace("\nsteps:", f"\n{differ.strip()}\nsteps:", 1))
    reply = text_of(await bot.say("/reload", ADMIN_ID))
    assert "serving now" in reply
    library = load_folder(content_dir)
    day = 12  # phase 2's first day: shoe-check, constructive-rest and pendulum-swing
    assert [ref.practice for ref in library.program.phases[1].days[0]] == [
        "shoe-check",
        "constructive-rest",
        "pendulum-swing",
    ]
    whole = contentops.composed_messages(library)[f"the first message of day {day} of the program"]
    assert contentops.message_length(whole[1]) > 4096  # one message would be refused
    await bot.emu.send_text(ADMIN_ID, f"/preview day {day}")
    await bot.expect("Previewing", ADMIN_ID)
    first = await bot.reply(ADMIN_ID)
    second = await bot.reply(ADMIN_ID)
    both = text_of(first) + text_of(second)
    assert len(text_of(first)) <= 4096 and len(text_of(second)) <= 4096
    for name in ("shoe-check", "constructive-rest", "pendulum-swing"):
        assert f"Careful with {name}." in both
    await bot.expect("how much tension", ADMIN_ID)


async def test_take_care_is_shown_again_after_a_failed_first_message(bot: Harness):
    """Finding 1: after a failed send the retry resumed at the tension question, and the
    safety text was never shown."""
    bot.emu.fail_next("sendMessage", 400, description="Bad Request: message is too long")
    await bot.emu.send_text(USER_ID, "/practice breathing")
    await bot.settle(USER_ID)
    assert bot.store.active_session(USER_ID) is None
    await bot.emu.send_text(USER_ID, "/practice breathing")
    intro = await bot.expect("Take care")
    assert "Picking up where you left off" not in text_of(intro)
    assert "how much tension" in text_of(await bot.reply())


async def test_admins_are_told_when_start_up_falls_back_to_an_archived_version(
    settings, emulator, clock, content_dir
):
    """Review: the teacher was not told; there was only an ERROR log line."""
    async with running(settings, emulator, clock) as bot:
        version = bot.runtime.content_version
        await bot.say("/help", ADMIN_ID)  # the admin has talked to the bot
    edit(content_dir, "practices/shoe-check.md", "title:", "titel:")
    async with running(settings, emulator, clock) as bot:
        told = await bot.expect("At start-up the content folder had problems", ADMIN_ID)
        assert f"kept serving version {version}" in text_of(told)
        assert "practices/shoe-check.md:3: unknown field 'titel'" in text_of(told)
    async with running(settings, emulator, clock) as bot:  # told again only while it lasts
        await bot.say("/help", ADMIN_ID)
        calls = [p for name, p in bot.emu.calls if name == "sendMessage"]
        assert sum("At start-up" in p["text"] for p in calls) == 2


async def test_preview_finds_a_practice_by_a_word_of_its_title(bot: Harness):
    """Review: /preview swing and /preview Belly breathing failed; /practice swing worked."""
    await bot.say("/preview Belly breathing", ADMIN_ID)
    await bot.expect("Take care", ADMIN_ID)
    await bot.expect("how much tension", ADMIN_ID)


async def test_rollback_to_a_version_with_the_serving_content_names_both(bot: Harness, content_dir):
    """Review: '/rollback 3' said 'Version 3 is the one serving now' while #12 was serving."""
    notes = content_dir / "notes.md"
    original = notes.read_text()
    notes.write_text(original.replace("  - Listen to your body.", "  - Listen, gently."))
    await bot.say("/reload", ADMIN_ID)  # version 2
    notes.write_text(original)
    await bot.say("/reload", ADMIN_ID)  # version 3: the same content as version 1
    reply = text_of(await bot.say("/rollback 1", ADMIN_ID))
    assert "Version 1 holds the same content as version 3, which is serving now" in reply


async def test_a_zip_downloaded_from_github_with_two_top_folders_is_understood(
    bot: Harness, content_dir
):
    files = {
        f"psoas-bot-main/content/{name}": data for name, data in read_folder(content_dir).items()
    }
    files["psoas-bot-main/content/practices/knee-rocking.md"] = KNEE.encode()
    ready = await upload(bot, "psoas-bot-main.zip", make_zip(files))
    assert "passed every check" in text_of(ready) and "added: knee-rocking" in text_of(ready)
