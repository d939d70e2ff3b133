"""Admin tools: /reload, /preview, uploads, /versions, /rollback, /stats, /broadcast.

Every test works on a copy of content/ in tmp_path (the `editable_content` mark below), so
the repository's content is never touched.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.app import build_application, polling
from bot.content import load_folder, read_folder
from bot.flows.admin import broadcast as admin_flow
from bot.flows.admin.broadcast import compose_broadcast
from bot.sender import Skip
from bot.store import Status
from tests import factories
from tests.harness import ADMIN_ID, USER_ID, Harness, buttons, subscribe
from tests.store_rows import set_columns

BREATHING = "practices/breathing.md"
OLD_STEP = "Breathe in slowly and let your belly swell under your hand."
NEW_STEP = "Breathe in slowly and let your belly rise gently under your hand."


pytestmark = pytest.mark.editable_content  # each test edits its own copy


async def answer_text(bot: Harness, query_id: str) -> str:
    """The short notice a button press was answered with."""
    await bot.emu.wait_until(lambda: bot.emu.callback_answers.get(query_id) is not None)
    return bot.emu.callback_answers[query_id].get("text", "")


@asynccontextmanager
async def running(settings, emulator, clock) -> AsyncIterator[Harness]:
    """A bot of its own, for tests that restart it."""
    application = build_application(settings, clock=clock)
    async with polling(application, poll_timeout=1):
        yield Harness(application, emulator, clock)


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def edited_breathing(folder: Path) -> bytes:
    return (folder / BREATHING).read_text().replace(OLD_STEP, NEW_STEP).encode()


def make_zip(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def add_people(bot: Harness, statuses: dict[int, Status]) -> None:
    """Subscribers straight into the store (many at once; onboarding has its own tests)."""
    now = bot.clock.now()
    for chat_id, status in statuses.items():
        bot.emu.add_user(chat_id, f"Person {chat_id}")
        factories.add_person(bot.store, chat_id, now, status=status)


def audit(bot: Harness) -> list[tuple[str, str]]:
    return [(entry.action, entry.result) for entry in reversed(bot.store.audit_entries())]


def text_of(message: dict) -> str:
    return message.get("text") or ""


# --- only for admins -------------------------------------------------------------------------


NON_ADMIN_TRIES = [
    "/reload",
    "/preview breathing",
    "/preview day 3",
    "/versions",
    "/rollback 1",
    "/stats",
    "/broadcast",
    "/broadcast Hello everyone",
]


@pytest.mark.parametrize("command", NON_ADMIN_TRIES)
async def test_an_admin_command_from_anyone_else_is_an_unknown_command(bot, content_dir, command):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)  # what a /reload would pick up
    add_people(bot, {501: Status.ACTIVE})
    version, library = bot.runtime.content_version, bot.runtime.library
    unknown = await bot.say("/dance")
    reply = await bot.say(command)
    assert text_of(reply) == text_of(unknown) == texts.t("unknown_command")
    assert "reply_markup" not in reply
    await bot.tick()
    assert bot.runtime.content_version == version and bot.runtime.library is library
    assert bot.store.audit_entries() == []
    assert bot.store.latest_sent_broadcast() is None and bot.store.broadcast(1) is None
    assert bot.emu.messages(501) == []
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber is None or subscriber.awaiting is None


async def test_a_document_from_anyone_else_is_not_an_upload(bot, content_dir):
    before = read_folder(content_dir)
    await bot.emu.send_document(USER_ID, "breathing.md", edited_breathing(content_dir))
    reply = await bot.reply()
    assert text_of(reply) == texts.t("not_text")
    assert read_folder(content_dir) == before
    assert not any(call[0] == "getFile" for call in bot.emu.calls)
    assert bot.store.pending_upload(1) is None


async def test_a_forged_admin_button_from_anyone_else_changes_nothing(bot, content_dir):
    message = await bot.say("/help")
    before = read_folder(content_dir)
    query = await bot.emu.press(USER_ID, message["message_id"], "ad:rb:ok:1", check=False)
    await bot.emu.wait_until(lambda: bot.emu.callback_answers[query] is not None)
    assert bot.emu.callback_answers[query]["text"] == texts.t("button_expired")
    assert read_folder(content_dir) == before
    assert bot.store.audit_entries() == []


@pytest.mark.parametrize(
    "data", ["ad:up:ok:99", "ad:rb:maybe:1", "ad:bc:ok:x", "ad:", "ad:up:ok:1:2"]
)
async def test_garbage_admin_buttons_from_an_admin_are_answered_kindly(bot, data):
    message = await bot.say("/help", ADMIN_ID)
    query = await bot.emu.press(ADMIN_ID, message["message_id"], data, check=False)
    await bot.emu.wait_until(lambda: bot.emu.callback_answers[query] is not None)
    if data == "ad:up:ok:99":
        assert "no longer waiting" in text_of(await bot.reply(ADMIN_ID))
    else:
        assert bot.emu.callback_answers[query]["text"] == texts.t("button_expired")


async def test_admin_commands_are_not_advertised(bot):
    names = {name for name, _ in texts.COMMANDS}
    assert not names & {"reload", "preview", "versions", "rollback", "stats", "broadcast"}
    reply = await bot.say("/help")
    assert "/reload" not in text_of(reply) and "/broadcast" not in text_of(reply)
    default = await bot.emu.wait_for_call("setMyCommands")
    assert "scope" not in default or default["scope"]["type"] == "default"
    assert "reload" not in [c["command"] for c in default["commands"]]


async def test_each_admin_gets_a_command_menu_of_their_own(bot):
    def admin_menu():
        return next(
            (
                params
                for name, params, *_ in bot.emu.calls
                if name == "setMyCommands" and (params.get("scope") or {}).get("type") == "chat"
            ),
            None,
        )

    await bot.emu.wait_until(lambda: admin_menu() is not None)
    params = admin_menu()
    assert params["scope"]["chat_id"] == ADMIN_ID
    commands = [c["command"] for c in params["commands"]]
    assert {"reload", "preview", "broadcast", "help"} <= set(commands)


# --- /reload ---------------------------------------------------------------------------------


async def test_reload_with_nothing_changed_says_so(bot):
    version = bot.runtime.content_version
    reply = await bot.say("/reload", ADMIN_ID)
    assert "Nothing changed" in text_of(reply)
    assert bot.runtime.content_version == version
    assert audit(bot) == [("reload", "no changes")]


async def test_reload_applies_an_edit_and_lists_what_changed(bot, content_dir):
    version = bot.runtime.content_version
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    reply = await bot.say("/reload", ADMIN_ID)
    assert "edited: breathing" in text_of(reply)
    assert bot.runtime.content_version == version + 1
    assert NEW_STEP in bot.runtime.library.practice("breathing").steps[1].text
    [newest, *_] = bot.store.content_versions()
    assert (newest.id, newest.admin_id, newest.summary) == (
        version + 1,
        ADMIN_ID,
        "edited: breathing",
    )
    assert audit(bot) == [("reload", f"applied version {version + 1}")]


async def test_reload_of_a_broken_folder_lists_every_problem_escaped_and_changes_nothing(
    bot, content_dir
):
    library, version = bot.runtime.library, bot.runtime.content_version
    edit(content_dir, BREATHING, "timer: 2 min", "timer: <2 min>")
    edit(content_dir, "practices/shoe-check.md", "title:", "titel:")
    (content_dir / "practices" / "foot-release.md").write_bytes(b"---\nid: foot\xe9\n---\n")
    reply = await bot.say("/reload", ADMIN_ID)
    text = text_of(reply)  # the emulator refused it if a '<' had not been escaped
    assert "4 problem(s)" in text
    assert "practices/breathing.md:13: the timer of step 3 must be a length" in text
    assert "not '<2 min>'" in text
    assert "practices/shoe-check.md:2: 'title' is missing" in text
    assert "practices/shoe-check.md:3: unknown field 'titel'" in text
    assert "practices/foot-release.md:2: not UTF-8 text" in text
    assert bot.runtime.library is library and bot.runtime.content_version == version
    assert audit(bot)[-1][1].startswith("rejected: ")


async def test_a_start_after_a_crash_mid_apply_puts_the_folder_back(
    settings, emulator, clock, content_dir, caplog
):
    async with running(settings, emulator, clock) as bot:
        version = bot.runtime.content_version
    before = read_folder(content_dir)
    content_dir.rename(content_dir.parent / ".content.old-a1b2")  # the first rename, then a crash
    async with running(settings, emulator, clock) as bot:
        assert bot.runtime.content_version == version  # the same version, not a new one
        assert "Belly breathing" in str(await bot.say("/practices"))
    assert read_folder(content_dir) == before
    assert any(r.getMessage().startswith("content.restored") for r in caplog.records)


async def test_a_start_with_a_broken_folder_serves_the_archived_version(
    settings, emulator, clock, content_dir, caplog
):
    async with running(settings, emulator, clock) as bot:
        version = bot.runtime.content_version
    edit(content_dir, "practices/shoe-check.md", "title:", "titel:")
    async with running(settings, emulator, clock) as bot:
        assert bot.runtime.content_version == version
        assert "Belly breathing" in str(await bot.say("/practices"))
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("content.invalid practices/shoe-check.md:2") for m in messages)
    assert f"content.fallback version={version}" in messages


async def test_reload_with_many_problems_splits_them_over_messages(bot, content_dir):
    for n in range(150):
        (content_dir / "practices" / f"empty-{n:03}.md").write_text("")
    await bot.emu.send_text(ADMIN_ID, "/reload")
    shown = ""
    while "empty-149" not in shown and "more" not in shown:
        message = await bot.reply(ADMIN_ID)
        assert len(text_of(message)) <= 4096
        shown += text_of(message) + "\n"
    assert "practices/empty-000.md:1: the file is empty" in shown
    assert "practices/empty-149.md:1: the file is empty" in shown


async def test_reload_of_a_missing_folder_keeps_serving(bot, content_dir):
    version = bot.runtime.content_version
    shutil.rmtree(content_dir)
    reply = await bot.say("/reload", ADMIN_ID)
    assert "content folder not found" in text_of(reply)
    assert bot.runtime.content_version == version


# --- sessions keep the version they started ---------------------------------------------------


async def test_a_session_started_before_a_reload_finishes_with_its_own_text(bot, content_dir):
    await subscribe(bot)
    await bot.emu.send_text(USER_ID, "/today")
    ask = await bot.expect("how much tension")
    await bot.tap(ask, "Skip")
    first = await bot.emu.next_edit(USER_ID)
    assert "Step 1 of" in text_of(first) and "Belly breathing" in text_of(first)

    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    assert "edited: breathing" in text_of(await bot.say("/reload", ADMIN_ID))

    await bot.tap(first, "Next")
    second = await bot.emu.next_edit(USER_ID)
    assert OLD_STEP in text_of(second)
    assert NEW_STEP not in text_of(second)


async def test_a_session_started_after_a_reload_uses_the_new_text(bot, content_dir):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    await bot.say("/preview breathing", ADMIN_ID)
    ask = await bot.expect("how much tension", ADMIN_ID)
    await bot.tap(ask, "Skip", ADMIN_ID)
    first = await bot.emu.next_edit(ADMIN_ID)
    await bot.tap(first, "Next", ADMIN_ID)
    assert NEW_STEP in text_of(await bot.emu.next_edit(ADMIN_ID))


# --- /preview --------------------------------------------------------------------------------


async def run_preview_to_the_end(bot: Harness, command: str) -> list[dict]:
    """Taps through a whole preview (timers started and ended); returns every step shown."""
    header = await bot.say(command, ADMIN_ID)
    assert "Previewing" in text_of(header)
    ask = await bot.expect("how much tension", ADMIN_ID)
    await bot.tap(ask, "Skip", ADMIN_ID)
    shown = []
    step = await bot.emu.next_edit(ADMIN_ID)
    while True:
        shown.append(step)
        labels = buttons(step)
        if "▶️ Start timer" in labels:
            await bot.tap(step, "Start timer", ADMIN_ID)
            running_timer = await bot.emu.next_edit(ADMIN_ID)
            assert "Timer running" in text_of(running_timer)
            await bot.tap(running_timer, "End now", ADMIN_ID)
            step = await bot.emu.next_edit(ADMIN_ID)
            labels = buttons(step)
        if "Finish ✓" in labels:
            await bot.tap(step, "Finish", ADMIN_ID)
            await bot.expect("End of the preview", ADMIN_ID)
            return shown
        await bot.tap(step, "Next", ADMIN_ID)
        step = await bot.emu.next_edit(ADMIN_ID)


async def test_a_full_preview_of_a_program_day_moves_nobody_s_progress(bot):
    await subscribe(bot, ADMIN_ID)
    await subscribe(bot, USER_ID)
    today = bot.clock.now().date()
    before = {
        chat: (
            bot.store.program_days_done(chat, today + timedelta(days=1)),
            bot.store.practised_dates(chat),
        )
        for chat in (ADMIN_ID, USER_ID)
    }
    shown = await run_preview_to_the_end(bot, "/preview day 12")
    assert any("⏱" in text_of(step) for step in shown)  # timers included
    after = {
        chat: (
            bot.store.program_days_done(chat, today + timedelta(days=1)),
            bot.store.practised_dates(chat),
        )
        for chat in (ADMIN_ID, USER_ID)
    }
    assert after == before
    assert ("preview", "started") in audit(bot)


async def test_preview_of_a_practice_shows_its_steps_and_buttons(bot):
    shown = await run_preview_to_the_end(bot, "/preview constructive-rest")
    practice = bot.runtime.library.practice("constructive-rest")
    assert len(shown) == len(practice.steps)
    assert buttons(shown[0])[-1] == "⏹ Stop"
    assert bot.store.practised_dates(ADMIN_ID) == []


async def test_preview_short_shows_the_five_minute_version(bot):
    header = await bot.say("/preview short", ADMIN_ID)
    title = bot.runtime.library.practice(bot.runtime.library.program.short).title
    assert title in text_of(header)


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/preview", "Use /preview NAME"),
        ("/preview swimming", "There is no practice called “swimming”"),
        ("/preview <b>x</b>", "There is no practice called “<b>x</b>”"),
        ("/preview day", "The day must be a number"),
        ("/preview day three", "The day must be a number"),
        ("/preview day 0", "The day must be a number"),
        ("/preview day 99999", "The day must be a number"),
    ],
    ids=["no-name", "unknown", "html", "day-alone", "day-words", "day-zero", "day-huge"],
)
async def test_preview_with_a_bad_name_or_day_explains(bot, command, answer):
    reply = await bot.say(command, ADMIN_ID)
    assert answer in text_of(reply)
    assert bot.store.active_session(ADMIN_ID) is None


# --- uploads ---------------------------------------------------------------------------------


async def upload(bot: Harness, name: str, data: bytes, **extra) -> dict:
    await bot.emu.send_document(ADMIN_ID, name, data, **extra)
    return await bot.reply(ADMIN_ID)


async def test_an_uploaded_practice_is_checked_then_applied(bot, content_dir):
    version = bot.runtime.content_version
    ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
    assert "passed every check" in text_of(ready)
    assert "It replaces practices/breathing.md" in text_of(ready)
    assert "edited: breathing" in text_of(ready)
    assert buttons(ready) == ["✅ Apply", "Cancel"]
    assert OLD_STEP in (content_dir / BREATHING).read_text()  # nothing written yet
    assert bot.runtime.content_version == version

    await bot.tap(ready, "Apply", ADMIN_ID)
    applied = await bot.reply(ADMIN_ID)
    assert f"version {version + 1} is serving" in text_of(applied)
    assert NEW_STEP in (content_dir / BREATHING).read_text()
    assert NEW_STEP in bot.runtime.library.practice("breathing").steps[1].text
    assert load_folder(content_dir).checksum == bot.runtime.library.checksum
    assert sorted(p.name for p in content_dir.parent.iterdir() if "content" in p.name) == [
        "content"
    ]  # no half-written or leftover folders
    assert [action for action, _ in audit(bot)] == ["upload", "upload_apply"]


async def test_an_uploaded_new_practice_is_added(bot, content_dir):
    text = (content_dir / BREATHING).read_text().replace("id: breathing", "id: slow-breath")
    text = text.replace("title: Belly breathing", "title: Slow breath")  # titles are unique
    ready = await upload(bot, "slow-breath.md", text.encode())
    assert "It adds practices/slow-breath.md" in text_of(ready)
    assert "added: slow-breath" in text_of(ready)
    await bot.tap(ready, "Apply", ADMIN_ID)
    await bot.expect("serving", ADMIN_ID)
    assert (content_dir / "practices" / "slow-breath.md").exists()
    assert "slow-breath" in bot.runtime.library.practices


async def test_a_cancelled_upload_changes_nothing_and_its_apply_button_is_dead(bot, content_dir):
    before = read_folder(content_dir)
    version = bot.runtime.content_version
    ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
    await bot.tap(ready, "Cancel", ADMIN_ID)
    assert "discarded" in text_of(await bot.reply(ADMIN_ID))
    assert buttons(ready) == []
    query = await bot.emu.press(ADMIN_ID, ready["message_id"], "ad:up:ok:1", check=False)
    assert "earlier message" in await answer_text(bot, query)  # the one button guard
    assert read_folder(content_dir) == before
    assert bot.runtime.content_version == version


async def test_apply_tapped_twice_applies_once(bot, content_dir):
    ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
    data = ready["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.emu.press(ADMIN_ID, ready["message_id"], data)
    again = await bot.emu.press(ADMIN_ID, ready["message_id"], data, check=False)
    assert "serving" in text_of(await bot.reply(ADMIN_ID))
    assert "earlier message" in await answer_text(bot, again)  # the one button guard
    assert len(bot.store.content_versions()) == 2


async def test_an_upload_is_refused_if_the_folder_changed_before_apply(bot, content_dir):
    ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
    edit(content_dir, "notes.md", "psoas", "Psoas")  # someone edits the folder meanwhile
    manual = read_folder(content_dir)
    await bot.tap(ready, "Apply", ADMIN_ID)
    assert "changed after this upload was checked" in text_of(await bot.reply(ADMIN_ID))
    assert read_folder(content_dir) == manual


async def test_an_upload_waiting_for_apply_survives_a_restart(
    settings, emulator, clock, content_dir
):
    async with running(settings, emulator, clock) as bot:
        ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
        assert "passed every check" in text_of(ready)
    async with running(settings, emulator, clock) as bot:
        await bot.tap(ready, "Apply", ADMIN_ID)
        assert "serving" in text_of(await bot.expect("serving", ADMIN_ID))
        assert NEW_STEP in bot.runtime.library.practice("breathing").steps[1].text
        assert NEW_STEP in (content_dir / BREATHING).read_text()


async def test_a_zip_of_the_whole_folder_replaces_it(bot, content_dir):
    files = read_folder(content_dir)
    files[BREATHING] = edited_breathing(content_dir)
    files["practices/slow-breath.md"] = (
        files[BREATHING]
        .replace(b"id: breathing", b"id: slow-breath")
        .replace(b"title: Belly breathing", b"title: Slow breath")
    )
    ready = await upload(
        bot, "content.zip", make_zip({f"content/{k}": v for k, v in files.items()})
    )
    assert "replaces the whole content folder" in text_of(ready)
    assert "added: slow-breath" in text_of(ready) and "edited: breathing" in text_of(ready)
    await bot.tap(ready, "Apply", ADMIN_ID)
    await bot.expect("serving", ADMIN_ID)
    assert read_folder(content_dir) == files


async def test_an_upload_matching_what_serves_has_nothing_to_apply(bot, content_dir):
    reply = await upload(bot, "breathing.md", (content_dir / BREATHING).read_bytes())
    assert "Nothing to apply" in text_of(reply)
    assert buttons(reply) == []


def _program_naming(folder: Path, missing: str) -> bytes:
    return (folder / "program.md").read_text().replace("- breathing", f"- {missing}", 1).encode()


BAD_UPLOADS = {
    "yaml-does-not-parse": (
        "breathing.md",
        lambda f: edited_breathing(f).replace(b"title: Belly breathing", b"title: [Belly"),
        "practices/breathing.md:4: a bracket opened on line 3 is never closed",
    ),
    "missing-field": (
        "breathing.md",
        lambda f: edited_breathing(f).replace(b"title: Belly breathing\n", b""),
        "practices/breathing.md:2: 'title' is missing",
    ),
    "unknown-step-type": (
        "breathing.md",
        lambda f: edited_breathing(f).replace(
            b"  - text: Sit", b"  - video: sit.mp4\n  - text: Sit"
        ),
        "unknown field 'video' in step 1",
    ),
    "program-names-missing-practice": (
        "program.md",
        lambda f: _program_naming(f, "swimming"),
        "no practice with id 'swimming'",
    ),
    "duplicate-id": (
        "breathing-again.md",
        lambda f: (f / BREATHING).read_bytes(),
        "duplicate id 'breathing' (also in practices/breathing-again.md)",
    ),
    "empty-file": ("breathing.md", lambda f: b" \n", "practices/breathing.md:1: the file is empty"),
    "not-utf8": (
        "breathing.md",
        lambda f: edited_breathing(f).replace(b"Belly", b"B\xe9lly", 1),
        "practices/breathing.md:3: not UTF-8 text",
    ),
    "zip-with-parent-path": (
        "content.zip",
        lambda f: make_zip({"../../evil.md": "---\n", "program.md": "---\n"}),
        "unsafe path: ../../evil.md (it climbs out of the folder with ..)",
    ),
    "zip-with-absolute-path": (
        "content.zip",
        lambda f: make_zip({"/etc/cron.d/evil.md": "---\n"}),
        "unsafe path: /etc/cron.d/evil.md (it is an absolute path)",
    ),
    "zip-bomb": (
        "content.zip",
        lambda f: make_zip({f"practices/p{n}.md": b"\0" * 3 * 2**20 for n in range(4)}),
        "unpacks to more than 10.0 MB",
    ),
    "zip-with-a-non-content-file": (
        "content.zip",
        lambda f: make_zip({"program.md": "---\n", "practices/photo.jpg": b"\xff\xd8"}),
        "holds files that are not content: practices/photo.jpg",
    ),
    "not-content-type": ("photo.png", lambda f: b"\x89PNG", "“photo.png” is neither"),
    "md-too-big": (
        "breathing.md",
        lambda f: b"x" * (300 * 1024),
        "“breathing.md” is 300 KB; a .md file may be at most 200 KB",
    ),
    "damaged-zip": ("content.zip", lambda f: b"PK\x03\x04garbage", "not a zip file I can read"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
async def test_a_bad_upload_is_refused_with_its_reason_and_changes_nothing(bot, content_dir, case):
    name, make, expected = BAD_UPLOADS[case]
    before, version = read_folder(content_dir), bot.runtime.content_version
    reply = await upload(bot, name, make(content_dir))
    assert expected in text_of(reply)
    assert buttons(reply) == []
    assert bot.store.pending_upload(1) is None
    assert read_folder(content_dir) == before
    assert bot.runtime.content_version == version
    assert audit(bot)[-1][0] == "upload" and audit(bot)[-1][1].startswith("rejected")


async def test_a_50_mb_upload_is_refused_before_downloading(bot):
    reply = await upload(bot, "content.zip", b"PK", file_size=50 * 2**20)
    assert "“content.zip” is 50.0 MB; a .zip file may be at most 5.0 MB" in text_of(reply)
    assert not any(call[0] == "getFile" for call in bot.emu.calls)
    assert audit(bot) == [("upload", "rejected before download")]


async def test_an_admin_mid_conversation_can_still_upload(bot, content_dir):
    await bot.emu.send_text(ADMIN_ID, "/start")
    await bot.expect("time zone", ADMIN_ID)
    ready = await upload(bot, "breathing.md", edited_breathing(content_dir))
    assert "passed every check" in text_of(ready)
    assert bot.store.subscriber(ADMIN_ID).awaiting == "zone"


# --- /versions and /rollback ------------------------------------------------------------------


async def test_versions_lists_what_changed_and_which_serves(bot, content_dir):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    reply = text_of(await bot.say("/versions", ADMIN_ID))
    assert "#2 (serving)" in reply and f"admin {ADMIN_ID}" in reply and "edited: breathing" in reply
    assert "#1 ·" in reply and "at start-up" in reply
    assert bot.runtime.library.checksum in reply
    assert reply.index("#2") < reply.index("#1")


async def test_rollback_restores_the_files_and_the_serving_content(bot, content_dir):
    original = read_folder(content_dir)
    first = bot.runtime.library.checksum
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    confirm = await bot.say("/rollback 1", ADMIN_ID)
    assert "Restore version 1" in text_of(confirm) and "edited: breathing" in text_of(confirm)
    assert NEW_STEP in (content_dir / BREATHING).read_text()  # not before the confirmation
    await bot.tap(confirm, "Restore version 1", ADMIN_ID)
    done = await bot.reply(ADMIN_ID)
    assert "Restored version 1; it is serving now as version 3" in text_of(done)
    assert read_folder(content_dir) == original
    assert bot.runtime.library.checksum == first and bot.runtime.content_version == 3
    newest = bot.store.content_versions()[0]
    assert newest.summary.splitlines()[0] == "rollback to 1" and newest.admin_id == ADMIN_ID
    assert audit(bot)[-1] == ("rollback", "restored as version 3")


async def test_restore_tapped_twice_restores_once_and_answers_both(bot, content_dir):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    confirm = await bot.say("/rollback 1", ADMIN_ID)
    data = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.emu.press(ADMIN_ID, confirm["message_id"], data)
    again = await bot.emu.press(ADMIN_ID, confirm["message_id"], data, check=False)
    assert "Restored version 1" in text_of(await bot.reply(ADMIN_ID))
    assert "earlier message" in await answer_text(bot, again)  # the one button guard
    assert bot.runtime.content_version == 3 and len(bot.store.content_versions()) == 3


async def test_rollback_can_be_cancelled(bot, content_dir):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    confirm = await bot.say("/rollback 1", ADMIN_ID)
    await bot.tap(confirm, "Cancel", ADMIN_ID)
    assert "nothing changed" in text_of(await bot.reply(ADMIN_ID))
    assert bot.runtime.content_version == 2
    assert NEW_STEP in (content_dir / BREATHING).read_text()


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/rollback 99", "There is no version 99"),
        ("/rollback", "Use /rollback N"),
        ("/rollback two", "Use /rollback N"),
        ("/rollback -1", "Use /rollback N"),
        ("/rollback 1 2", "Use /rollback N"),
        ("/rollback 1", "Version 1 is the one serving now"),
    ],
    ids=["unknown", "no-number", "words", "negative", "two-numbers", "current"],
)
async def test_rollback_to_a_version_that_cannot_be_restored_explains(
    bot, content_dir, command, answer
):
    before = read_folder(content_dir)
    reply = await bot.say(command, ADMIN_ID)
    assert answer in text_of(reply)
    assert buttons(reply) == []
    assert read_folder(content_dir) == before and bot.runtime.content_version == 1


async def test_rollback_to_a_version_that_no_longer_validates_lists_its_problems(bot, content_dir):
    factories.add_unvalidated_content_version(
        bot.store, {"notes.md": ""}, datetime(2026, 1, 1, tzinfo=UTC)
    )
    reply = text_of(await bot.say("/rollback 2", ADMIN_ID))
    assert "no longer passes the content checks" in reply
    assert "notes.md:1: the file is empty" in reply and "program.md:1: the file is missing" in reply
    assert bot.runtime.content_version == 1


# --- /stats ----------------------------------------------------------------------------------


def add_checkin(bot: Harness, chat_id: int, tension: int, pain: int, days_ago: int = 0) -> None:
    at = bot.clock.now() - timedelta(days=days_ago, minutes=5)
    factories.add_checkin(bot.store, chat_id, at.date(), at, tension=tension, pain=pain)


def add_reminder(bot: Harness, chat_id: int, late: timedelta | None, days_ago: int = 0) -> None:
    due = bot.clock.now() - timedelta(days=days_ago, hours=1)
    bot.store.add_delivery(chat_id, due.date(), "reminder", due)
    delivery = bot.store.deliveries(chat_id)[-1]
    if late is None:
        bot.store.finish_delivery(delivery.id, "skipped", due, reason="test")
    else:
        bot.store.finish_delivery(delivery.id, "sent", due + late)


async def test_stats_shows_aggregates_and_hides_averages_with_few_people(bot):
    add_people(bot, {n: Status.ACTIVE for n in range(601, 605)})
    add_people(bot, {611: Status.PAUSED, 612: Status.STOPPED, 613: Status.BLOCKED})
    for chat_id in range(601, 605):
        add_reminder(bot, chat_id, timedelta(seconds=30))
        add_checkin(bot, chat_id, tension=4, pain=2)
    add_reminder(bot, 611, timedelta(minutes=10), days_ago=2)
    add_reminder(bot, 612, None, days_ago=3)
    add_reminder(bot, 613, timedelta(seconds=5), days_ago=9)  # older than a week: not counted
    add_checkin(bot, 613, tension=9, pain=9, days_ago=9)
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "4 active, 1 paused, 1 stopped, 1 blocked the bot" in reply
    assert "Reminders: 5 sent of 6 due; 80% on time" in reply
    assert "Check-ins: 4; check-in rate 80% of reminders sent" in reply
    assert reply.count("not enough data yet (fewer than 5 people checked in)") == 2
    assert audit(bot) == [("stats", "shown")]


async def test_stats_shows_averages_once_enough_people_checked_in(bot):
    add_people(bot, {n: Status.ACTIVE for n in range(601, 606)})
    for n, chat_id in enumerate(range(601, 606)):
        add_reminder(bot, chat_id, timedelta(seconds=30))
        add_checkin(bot, chat_id, tension=n, pain=10 - n)
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "Average tension: 2.0 / 10" in reply
    assert "Average pain: 8.0 / 10" in reply
    assert "check-in rate 100%" in reply


async def test_checkins_on_demand_never_push_the_check_in_rate_past_all(bot):
    add_people(bot, {601: Status.ACTIVE, 602: Status.ACTIVE})
    add_reminder(bot, 601, timedelta(seconds=30))
    add_reminder(bot, 602, timedelta(seconds=30))
    add_checkin(bot, 601, tension=3, pain=2)
    for days_ago in (1, 2, 3):  # days without a reminder
        add_checkin(bot, 602, tension=3, pain=2, days_ago=days_ago)
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "Check-ins: 4; check-in rate 50% of reminders sent" in reply


async def test_stats_hides_averages_when_the_check_ins_come_from_few_people(bot):
    add_people(bot, {601: Status.ACTIVE, 602: Status.ACTIVE})
    for days_ago in range(5):
        add_checkin(bot, 601, tension=7, pain=6, days_ago=days_ago)
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "Check-ins: 5" in reply
    assert "7.0" not in reply and "6.0" not in reply
    assert "not enough data" in reply


async def test_stats_with_nobody_yet(bot):
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "0 active" in reply and "0 sent of 0 due; — on time" in reply


# --- /broadcast ------------------------------------------------------------------------------


def received(bot: Harness, chat_id: int, text: str) -> int:
    return sum(1 for message in bot.emu.messages(chat_id) if text_of(message) == text)


async def test_a_broadcast_is_previewed_then_sent_once_to_every_active_subscriber(bot):
    active = list(range(701, 706))
    add_people(bot, {n: Status.ACTIVE for n in active})
    add_people(bot, {711: Status.PAUSED, 712: Status.STOPPED, 713: Status.BLOCKED})
    ask = await bot.say("/broadcast", ADMIN_ID)
    assert "5 now" in text_of(ask)
    typed = "New: <b>rest</b> & breathe.\nSee you tomorrow."
    preview = await bot.say(typed, ADMIN_ID)
    assert text_of(preview) == typed  # plain text, exactly as typed
    note = await bot.reply(ADMIN_ID)
    assert "plain text" in text_of(note) and "5" in text_of(note)
    assert buttons(note) == ["📣 Send to 5", "Cancel"]
    await bot.tick()
    assert all(received(bot, n, typed) == 0 for n in active)  # nothing before Send

    await bot.tap(note, "Send", ADMIN_ID)
    assert "on its way to 5 subscriber(s)" in text_of(await bot.reply(ADMIN_ID))
    await bot.tick()
    await bot.tick()
    assert [received(bot, n, typed) for n in active] == [1] * 5
    assert all(bot.emu.messages(n) == [] for n in (711, 712, 713))
    rows = [d for n in active for d in bot.store.deliveries(n)]
    assert {(d.kind, d.status, d.local_date) for d in rows} == {
        ("broadcast:1", "sent", bot.clock.now().date())
    }
    assert bot.store.broadcast(1).status == "done"
    assert all(typed not in entry.detail + entry.result for entry in bot.store.audit_entries())


async def test_a_broadcast_leaves_out_people_on_hold_after_a_safety_answer(bot):
    """They were told not to practise; news of practices must not say otherwise. Someone put
    on hold after the broadcast was queued is skipped too, with the reason recorded."""
    add_people(bot, {701: Status.ACTIVE, 702: Status.ACTIVE, 703: Status.ACTIVE})
    set_columns(bot.store, 702, bot.clock.now(), on_hold=True)
    assert "2 now" in text_of(await bot.say("/broadcast", ADMIN_ID))
    await bot.say("Try the new walk", ADMIN_ID)
    note = await bot.reply(ADMIN_ID)
    assert buttons(note) == ["📣 Send to 2", "Cancel"]
    await bot.tap(note, "Send", ADMIN_ID)
    await bot.reply(ADMIN_ID)
    set_columns(bot.store, 703, bot.clock.now(), on_hold=True)  # a Yes meanwhile
    await bot.tick()
    assert [received(bot, n, "Try the new walk") for n in (701, 702, 703)] == [1, 0, 0]
    assert bot.store.deliveries(702) == []
    [skipped] = bot.store.deliveries(703)
    assert (skipped.status, skipped.reason) == (
        "skipped",
        "not sent: on hold after a safety answer",
    )


async def test_broadcast_text_can_follow_the_command(bot):
    add_people(bot, {701: Status.ACTIVE})
    preview = await bot.say("/broadcast Hello & welcome", ADMIN_ID)
    assert text_of(preview) == "Hello & welcome"
    assert buttons(await bot.reply(ADMIN_ID)) == ["📣 Send to 1", "Cancel"]


async def test_send_tapped_twice_sends_once(bot):
    add_people(bot, {701: Status.ACTIVE, 702: Status.ACTIVE})
    await bot.say("/broadcast Twice?", ADMIN_ID)
    note = await bot.reply(ADMIN_ID)
    data = note["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.emu.press(ADMIN_ID, note["message_id"], data)
    again = await bot.emu.press(ADMIN_ID, note["message_id"], data, check=False)
    assert "on its way" in text_of(await bot.reply(ADMIN_ID))
    assert "earlier message" in await answer_text(bot, again)  # the one button guard
    await bot.tick()
    assert received(bot, 701, "Twice?") == 1 and received(bot, 702, "Twice?") == 1


async def test_a_cancelled_broadcast_is_never_sent(bot):
    add_people(bot, {701: Status.ACTIVE})
    await bot.say("/broadcast Not this one", ADMIN_ID)
    note = await bot.reply(ADMIN_ID)
    await bot.tap(note, "Cancel", ADMIN_ID)
    assert "not sent" in text_of(await bot.reply(ADMIN_ID))
    query = await bot.emu.press(ADMIN_ID, note["message_id"], "ad:bc:ok:1", check=False)
    assert "earlier message" in await answer_text(bot, query)  # the one button guard
    await bot.tick()
    assert bot.emu.messages(701) == []


async def test_someone_who_pauses_before_their_turn_is_skipped(bot):
    add_people(bot, {701: Status.ACTIVE, 702: Status.ACTIVE})
    await bot.say("/broadcast Hello", ADMIN_ID)
    await bot.tap(await bot.reply(ADMIN_ID), "Send", ADMIN_ID)
    await bot.expect("on its way", ADMIN_ID)
    set_columns(bot.store, 702, bot.clock.now(), status=Status.PAUSED)
    [delivery] = bot.store.deliveries(702)
    outcome = await compose_broadcast(bot.application, delivery, bot.store.subscriber(702))
    assert outcome == Skip("not sent: subscriber is paused")


async def test_someone_paused_when_it_is_sent_gets_no_row(bot):
    add_people(bot, {701: Status.ACTIVE, 702: Status.PAUSED})
    await bot.say("/broadcast Hello", ADMIN_ID)
    await bot.tap(await bot.reply(ADMIN_ID), "Send", ADMIN_ID)
    await bot.expect("on its way to 1 subscriber(s)", ADMIN_ID)
    await bot.tick()
    assert received(bot, 701, "Hello") == 1
    assert bot.store.deliveries(702) == [] and bot.emu.messages(702) == []


async def test_a_broadcast_interrupted_while_queueing_finishes_after_a_restart(
    settings, emulator, clock
):
    people = list(range(701, 706))
    async with running(settings, emulator, clock) as bot:
        add_people(bot, {n: Status.ACTIVE for n in people})
        broadcast_id = bot.store.create_broadcast(ADMIN_ID, "After the restart", clock.now())
        bot.store.move_broadcast(broadcast_id, "draft", "sending")
        # the process died after the first batch of two rows
        bot.store.queue_broadcast_batch(
            broadcast_id, clock.now().date(), clock.now(), after_chat=0, size=2
        )
    async with running(settings, emulator, clock) as bot:
        assert bot.store.broadcast(broadcast_id).status == "done"
        await bot.tick()
        await bot.tick()
        assert [received(bot, n, "After the restart") for n in people] == [1] * 5


async def test_cancel_while_asked_for_the_text_restores_the_admin_s_own_step(bot):
    add_people(bot, {701: Status.ACTIVE})
    await bot.emu.send_text(ADMIN_ID, "/start")
    await bot.expect("time zone", ADMIN_ID)
    ask = await bot.say("/broadcast", ADMIN_ID)
    assert bot.store.subscriber(ADMIN_ID).awaiting == "ad_broadcast"
    await bot.tap(ask, "Cancel", ADMIN_ID)
    assert "not sent" in text_of(await bot.reply(ADMIN_ID))
    assert bot.store.subscriber(ADMIN_ID).awaiting == "zone"


async def test_a_sticker_instead_of_the_broadcast_text_asks_again(bot):
    add_people(bot, {701: Status.ACTIVE})
    await bot.say("/broadcast", ADMIN_ID)
    await bot.emu.send_sticker(ADMIN_ID)
    assert "type the message as text" in text_of(await bot.reply(ADMIN_ID))
    assert bot.store.subscriber(ADMIN_ID).awaiting == "ad_broadcast"


async def test_a_broadcast_too_long_for_telegram_is_refused(bot):
    add_people(bot, {701: Status.ACTIVE})
    await bot.say("/broadcast", ADMIN_ID)
    reply = await bot.say("🌿" * 2100, ADMIN_ID)  # 4200 UTF-16 units
    assert "4200 characters; Telegram allows 4096" in text_of(reply)
    assert bot.store.broadcast(1) is None


async def test_a_broadcast_with_nobody_to_send_to_says_so(bot):
    reply = await bot.say("/broadcast", ADMIN_ID)
    assert "no active subscribers" in text_of(reply)
    assert bot.store.subscriber(ADMIN_ID).awaiting is None


async def test_stats_reports_how_far_the_last_broadcast_got(bot):
    add_people(bot, {701: Status.ACTIVE, 702: Status.ACTIVE})
    bot.emu.block(702)
    await bot.say("/broadcast Hi", ADMIN_ID)
    await bot.tap(await bot.reply(ADMIN_ID), "Send", ADMIN_ID)
    await bot.expect("on its way", ADMIN_ID)
    await bot.tick()
    reply = text_of(await bot.say("/stats", ADMIN_ID))
    assert "Last broadcast #1: 1 sent, 0 waiting, 1 not delivered." in reply


async def test_a_large_broadcast_is_queued_in_batches_in_the_background(bot, monkeypatch):
    monkeypatch.setattr(admin_flow, "BROADCAST_BATCH", 2)  # 5 people: three batches
    people = list(range(701, 706))
    add_people(bot, {n: Status.ACTIVE for n in people})
    await bot.say("/broadcast In batches", ADMIN_ID)
    await bot.tap(await bot.reply(ADMIN_ID), "Send", ADMIN_ID)
    assert "on its way to 5 subscriber(s)" in text_of(await bot.reply(ADMIN_ID))
    await bot.emu.wait_until(lambda: bot.store.broadcast(1).status == "done")
    await bot.tick()
    assert [received(bot, n, "In batches") for n in people] == [1] * 5


async def test_a_folder_that_cannot_be_written_keeps_the_old_version_serving(bot, content_dir):
    edit(content_dir, BREATHING, OLD_STEP, NEW_STEP)
    await bot.say("/reload", ADMIN_ID)
    unwritable = Path("/proc/no-such-dir/content")  # not even root can create folders in /proc
    bot.runtime.settings = replace(bot.runtime.settings, content_dir=unwritable)
    confirm = await bot.say("/rollback 1", ADMIN_ID)
    await bot.tap(confirm, "Restore version 1", ADMIN_ID)
    reply = await bot.reply(ADMIN_ID)
    assert "couldn't write the content folder" in text_of(reply)
    assert "version 2 keeps serving" in text_of(reply)
    assert bot.runtime.content_version == 2
    assert NEW_STEP in bot.runtime.library.practice("breathing").steps[1].text
