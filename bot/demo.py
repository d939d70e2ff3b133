"""`python -m bot demo`: the real bot against the local emulator, chatted with from a terminal.

No token and no network: the emulator plays Telegram on 127.0.0.1 and this module plays the
person. Type as you would in Telegram; `#N` presses inline button N of the latest message that
has buttons. Lines starting with `!` act on the world (see HELP). Works from a script too:
`printf '/start\\nBerlin\\n#2\\n' | python -m bot demo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_application, polling
from bot.clock import Clock
from bot.config import Settings
from bot.emulator import Emulator

DEMO_USER = 1000
REPOSITORY_CONTENT = Path(__file__).resolve().parent.parent / "content"  # tracked by git
QUIET_SECONDS = 0.6  # how long the bot must stay silent before the next scripted line is sent

HELP = """\
Type messages as you would in Telegram. Commands start with /, like /start or /help.
  #N                  press button N of the latest message that has buttons
  !location LAT LON   share a location          !sticker   send a sticker
  !photo              send a photo              !file PATH upload a document
  !remind             make today's reminder due now
  !later MINUTES      move the clock forward (timers, snoozes, the next day: !later 1440)
  !help               this help                 !quit      leave (Ctrl-D works too)
"""


def _bot_messages(emulator: Emulator) -> int:
    return sum(1 for m in emulator.messages(DEMO_USER) if m.get("from", {}).get("is_bot"))


def demo_content(content_dir: Path, db_path: Path) -> Path:
    """The demo's uploads and /rollback never write into the repository's tracked content/:
    the default folder is copied beside the demo database once, and the copy is used."""
    if content_dir.resolve() != REPOSITORY_CONTENT:
        return content_dir  # a folder the person chose (BOT_CONTENT_DIR) is theirs to change
    copy = db_path.parent / "demo-content"
    if not copy.exists():
        shutil.copytree(content_dir, copy)
    return copy


class DemoClock(Clock):
    """The real clock plus an offset that `!later` moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def run_demo(settings: Settings) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo(settings))
    return 0


async def _demo(settings: Settings) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    emulator = Emulator()
    await emulator.start()
    clock = DemoClock()
    db_path = settings.db_path if settings.db_path != Path("data/bot.db") else Path("data/demo.db")
    content_dir = demo_content(settings.content_dir, db_path)
    demo_settings = replace(
        settings,
        content_dir=content_dir,
        token=emulator.token,
        api_url=emulator.base_url,
        file_url=emulator.base_file_url,
        db_path=db_path,
        admin_ids=settings.admin_ids | {DEMO_USER},  # so the admin commands can be tried too
    )
    emulator.add_user(DEMO_USER, "You")
    application = build_application(demo_settings, clock=clock)
    screen = Screen(emulator)
    print(
        f"Demo chat with the bot (database: {db_path}, content: {content_dir}). You are an "
        "admin here, so /help lists the admin commands too. Type !help for help.\n"
    )
    try:
        async with polling(application, poll_timeout=5):
            await chat(emulator, application, clock, screen)
    finally:
        await emulator.stop()


async def chat(emulator: Emulator, application, clock: DemoClock, screen: Screen) -> None:
    printer = asyncio.create_task(screen.follow())
    interactive = sys.stdin.isatty()
    loop = asyncio.get_running_loop()
    try:
        while True:
            if interactive:
                print("you> ", end="", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if not interactive and line:
                print(f"you> {line}")
            if not await act(line.strip(), emulator, application, clock, screen):
                break
            if not interactive:
                await screen.settle()
        await screen.settle()
    finally:
        printer.cancel()


async def act(line: str, emulator: Emulator, application, clock: DemoClock, screen: Screen) -> bool:
    """Carries out one line typed by the person; False means leave."""
    if not line:
        return True
    if match := re.fullmatch(r"#(\d+)", line):
        message, data = screen.button(int(match.group(1)))
        if data is None:
            print("  (no such button on the latest message)")
        else:
            await emulator.press(DEMO_USER, message["message_id"], data)
        return True
    if not line.startswith("!"):
        await emulator.send_text(DEMO_USER, line)
        return True
    command, _, rest = line[1:].partition(" ")
    args = rest.split()
    runtime = application.bot_data["runtime"]
    if command in {"quit", "exit"}:
        return False
    if command == "help":
        print(HELP)
    elif command == "sticker":
        await emulator.send_sticker(DEMO_USER)
    elif command == "photo":
        await emulator.send_photo(DEMO_USER)
    elif command == "location" and len(args) == 2:
        await emulator.send_location(DEMO_USER, float(args[0]), float(args[1]))
    elif command == "file" and rest.strip():
        path = Path(rest.strip().strip("'\"")).expanduser()  # spaces in a name are fine
        try:
            data = path.read_bytes()
        except OSError as err:
            print(f"  (can't read {path}: {err.strerror or 'error'})")
        else:
            answered = _bot_messages(emulator)
            await emulator.send_document(DEMO_USER, path.name, data)
            # Checking a content set can take a second of silence: wait for the answer, so a
            # script's next "#1" (Apply) finds its button.
            with contextlib.suppress(AssertionError):
                await emulator.wait_until(lambda: _bot_messages(emulator) > answered, 60)
    elif command == "remind":
        runtime.store.update_subscriber(DEMO_USER, clock.now(), next_due_utc=clock.now())
        await runtime.engine.tick()
    elif command == "later" and args and args[0].isdigit():
        clock.offset += timedelta(minutes=int(args[0]))
        print(f"  (the clock moved {args[0]} minutes forward)")
        await runtime.engine.tick()
    else:
        print(HELP)
    return True


class Screen:
    """Prints what the bot sends to the demo chat: new messages, and edits as they happen."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.shown: dict[int, str] = {}
        self.calls_seen = 0
        self.files = Path(tempfile.mkdtemp(prefix="psoas-demo-"))

    async def follow(self) -> None:
        while True:
            self.refresh()
            calls = len(self.emulator.calls)
            await self.emulator.wait_until(lambda c=calls: len(self.emulator.calls) > c, 3600)

    async def settle(self) -> None:
        """Waits until the bot has been quiet for a moment (for scripted input)."""
        while True:
            calls = len(self.emulator.calls)
            try:
                await self.emulator.wait_until(
                    lambda c=calls: len(self.emulator.calls) > c, QUIET_SECONDS
                )
            except AssertionError:
                self.refresh()
                return

    def refresh(self) -> None:
        for message in self.emulator.messages(DEMO_USER):
            if message.get("from", {}).get("is_bot") is False:
                continue
            rendered = self.render(message)
            if self.shown.get(message["message_id"]) == rendered:
                continue
            edited = message["message_id"] in self.shown
            self.shown[message["message_id"]] = rendered
            print(("bot (edited)> " if edited else "bot> ") + rendered + "\n", flush=True)
        # A button's short answer shows for a moment over the chat in Telegram: print it too.
        calls, self.calls_seen = self.emulator.calls[self.calls_seen :], len(self.emulator.calls)
        for name, params in calls:
            if name == "answerCallbackQuery" and params.get("text"):
                print(f"bot (pop-up)> {params['text']}\n", flush=True)

    def render(self, message: dict) -> str:
        # The emulator keeps what Telegram would show: plain text, the HTML already parsed.
        text = message.get("text") or message.get("caption") or ""
        parts = [text.replace("\n", "\n     ")]
        for kind in ("photo", "document"):
            if message.get(kind) and message.get("_content"):
                name = (message.get("document") or {}).get("file_name") or f"{kind}.png"
                path = self.files / f"{message['message_id']}-{name}"
                path.write_bytes(message["_content"])
                parts.append(f"[{kind} saved to {path}]")
        markup = message.get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if buttons:
            parts.append("  ".join(f"[#{n} {b['text']}]" for n, b in enumerate(buttons, 1)))
        if markup.get("keyboard"):
            labels = [
                b if isinstance(b, str) else b["text"] for row in markup["keyboard"] for b in row
            ]
            parts.append("keyboard: " + " | ".join(labels) + "  (use !location LAT LON to share)")
        return "\n     ".join(parts)

    def button(self, number: int) -> tuple[dict | None, str | None]:
        """Button `number` of the latest message that still has buttons: when the newest one
        loses its buttons (answered), the one before it is still there to tap, as in Telegram."""
        for message in reversed(self.emulator.messages(DEMO_USER)):
            markup = message.get("reply_markup") or {}
            buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
            if buttons and not message.get("_deleted"):
                if not 1 <= number <= len(buttons):
                    return message, None
                return message, buttons[number - 1].get("callback_data")
        return None, None
