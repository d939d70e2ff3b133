"""`python -m bot demo`: the real bot against the local emulator, chatted with from a terminal.

No token and no network: the emulator plays Telegram on 127.0.0.1 and this module plays the
person. Type as you would in Telegram; each bot message shows its number, `#M.N` presses
button N of message M and `#N` button N of the latest message that has buttons. Lines starting
with `!` act on the world (see HELP). Works from a script too:
`printf '/start\\nBerlin\\n#2\\n' | python -m bot demo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import shlex
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import Application

from bot import i18n
from bot.app import build_application, polling
from bot.clock import Clock
from bot.config import Settings
from bot.runtime import Runtime
from bot.store import Delivery
from emulator import Emulator

DEMO_USER = 1000
REPOSITORY_CONTENT = Path(__file__).resolve().parent.parent / "content"  # tracked by git
QUIET_SECONDS = 0.3  # once the bot has handled everything, how long it must stay silent
MAX_WAIT_SECONDS = 120.0  # a scripted line waits at most this long for the bot
STEP = timedelta(minutes=30)  # `!later` moves the clock in steps, so what falls due goes out
MAX_LATER_MINUTES = 60 * 24 * 30

HELP = """\
Type messages as you would in Telegram. Commands start with /, like /start or /help.
Each bot message shows its number: bot [5]> ...
  #M.N                press button N of message M (any earlier message too)
  #N                  press button N of the latest message that has buttons
  !location LAT LON   share a location          !sticker   send a sticker
  !photo              send a photo              !file PATH upload a document
  !remind             make today's reminder due now
  !later MINUTES      move the clock forward (timers, snoozes, the next day: !later 1440)
  !lang ru | !lang en speak Russian or English (as if your Telegram app were set to it)
  !reset              start again from an empty demo database
  !help               this help                 !quit      leave (Ctrl-D works too)
"""

USAGE = {
    "location": "usage: !location LAT LON, in degrees, e.g. !location 52.52 13.40",
    "file": "usage: !file PATH, e.g. !file content/day-01.md (quotes for spaces work too)",
    "later": f"usage: !later MINUTES, a whole number from 1 to {MAX_LATER_MINUTES} (30 days)",
    "lang": "usage: !lang CODE, one of: " + ", ".join(i18n.LANGUAGES),
}


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

    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


# --- the clock's offset, kept in the demo database --------------------------------------------
# Kept with the data it moved: after a restart, check-ins made "3 days later" must not end up
# in the future. A table of the demo's own, outside the bot's migrations.


def load_offset(db_path: Path) -> timedelta:
    if not db_path.exists():
        return timedelta()
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        try:
            row = db.execute("SELECT seconds FROM demo_clock").fetchone()
        except sqlite3.OperationalError:  # no such table: the clock was never moved
            return timedelta()
    return timedelta(seconds=row[0]) if row else timedelta()


def save_offset(db_path: Path, offset: timedelta) -> None:
    with contextlib.closing(sqlite3.connect(db_path, timeout=5)) as db, db:
        db.execute("CREATE TABLE IF NOT EXISTS demo_clock (seconds REAL NOT NULL)")
        db.execute("DELETE FROM demo_clock")
        db.execute("INSERT INTO demo_clock (seconds) VALUES (?)", (offset.total_seconds(),))


def demo_db_path(settings: Settings) -> Path:
    return settings.db_path if settings.db_path != Path("data/bot.db") else Path("data/demo.db")


def run_demo(settings: Settings) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo(settings))
    return 0


async def _demo(settings: Settings) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    db_path = demo_db_path(settings)
    files = Path(tempfile.mkdtemp(prefix="psoas-demo-"))
    try:
        while await _session(settings, db_path, files) == "reset":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            print("  (the demo database is empty again: starting over)\n", flush=True)
    finally:
        shutil.rmtree(files, ignore_errors=True)  # sent charts and PDFs: the demo's, not yours


async def _session(settings: Settings, db_path: Path, files: Path) -> str:
    """One run of the bot on the demo database; returns "reset" or "quit"."""
    emulator = Emulator()
    await emulator.start()
    clock = DemoClock(load_offset(db_path))
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
    screen = Screen(emulator, files)
    moved = f", clock {_minutes(clock.offset)} ahead" if clock.offset else ""
    print(
        f"Demo chat with the bot (database: {db_path}{moved}, content: {content_dir}). You are"
        " an admin here, so /help lists the admin commands too. Type !help for help.\n"
    )
    try:
        async with polling(application, poll_timeout=5):
            return await chat(emulator, application, clock, screen, db_path)
    finally:
        await emulator.stop()


async def chat(
    emulator: Emulator, application: Application, clock: DemoClock, screen: Screen, db_path: Path
) -> str:
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
            outcome = await act(line.strip(), emulator, application, clock, screen, db_path)
            if outcome != "go on":
                await screen.settle(application)
                return outcome
            if not interactive:
                await screen.settle(application)
        await screen.settle(application)
        return "quit"
    finally:
        printer.cancel()


async def act(
    line: str,
    emulator: Emulator,
    application: Application,
    clock: DemoClock,
    screen: Screen,
    db_path: Path,
) -> str:
    """Carries out one line typed by the person: "go on", "quit" or "reset". A malformed
    command prints its usage; nothing typed here may end the demo with a traceback."""
    if not line:
        return "go on"
    if match := re.fullmatch(r"#(\d+)(?:\.(\d+))?", line):
        await press(emulator, screen, match)
        return "go on"
    if not line.startswith("!"):
        await emulator.send_text(DEMO_USER, line)
        return "go on"
    command, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    runtime = application.bot_data["runtime"]
    if command in {"quit", "exit"}:
        return "quit"
    if command == "reset":
        return "reset"
    if command == "help":
        print(HELP)
    elif command == "sticker":
        await emulator.send_sticker(DEMO_USER)
    elif command == "photo":
        await emulator.send_photo(DEMO_USER)
    elif command == "location":
        place = _location(rest)
        if place is None:
            print("  (" + USAGE["location"] + ")")
        else:
            await emulator.send_location(DEMO_USER, *place)
    elif command == "file":
        await _send_file(emulator, rest)
    elif command == "remind":
        await _remind(runtime, clock)
    elif command == "lang":
        _language(emulator, runtime, clock, rest)
    elif command == "later":
        minutes = int(rest) if re.fullmatch(r"\d{1,9}", rest) else 0
        if not 1 <= minutes <= MAX_LATER_MINUTES:
            print("  (" + USAGE["later"] + ")")
        else:
            await later(runtime, clock, timedelta(minutes=minutes), db_path)
    else:
        print(HELP)
    return "go on"


async def press(emulator: Emulator, screen: Screen, match: re.Match) -> None:
    if match.group(2) is None:
        number = int(match.group(1))
        message = screen.latest_with_buttons()
        if message is None:
            print("  (no message has buttons now)")
            return
    else:
        message, number = screen.message(int(match.group(1))), int(match.group(2))
        if message is None:
            print(f"  (there is no bot message #{match.group(1)})")
            return
    buttons = Screen.buttons_of(message)
    where = f"message #{message['message_id']}"
    if not buttons:
        print(f"  ({where} has no buttons now)")
        return
    if not 1 <= number <= len(buttons):
        print(f"  ({where} has buttons 1 to {len(buttons)})")
        return
    button = buttons[number - 1]
    print(f"  (pressing #{message['message_id']}.{number}: {button['text']})")
    await emulator.press(DEMO_USER, message["message_id"], button["callback_data"])


def _location(rest: str) -> tuple[float, float] | None:
    parts = rest.replace(",", ".").split() if rest.count(",") != 1 else rest.split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = (float(part.strip()) for part in parts)
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


async def _send_file(emulator: Emulator, rest: str) -> None:
    try:
        parts = shlex.split(rest)
    except ValueError:
        parts = []
    # Unquoted paths with spaces work too: the whole rest of the line is one path.
    name = rest if len(parts) != 1 else parts[0]
    if not name:
        print("  (" + USAGE["file"] + ")")
        return
    path = Path(name).expanduser()
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"  (can't read {path}: {err.strerror or err}; {USAGE['file']})")
        return
    await emulator.send_document(DEMO_USER, path.name, data)


def _language(emulator: Emulator, runtime: Runtime, clock: DemoClock, code: str) -> None:
    """!lang ru: the demo person's Telegram app speaks `code` from now on, and so does the
    bot (stored as their choice, as /language would)."""
    code = code.lower()
    if code not in i18n.LANGUAGES:
        print("  (" + USAGE["lang"] + ")")
        return
    emulator.add_user(DEMO_USER, "You", language_code=code)
    store, now = runtime.store, clock.now()
    assert store is not None, "the bot is running: its store is open"
    store.ensure_subscriber(DEMO_USER, now, code)
    store.set_language(DEMO_USER, code, now)
    print(f"  (language: {i18n.LANGUAGE_NAMES[code]})")


async def _remind(runtime: Runtime, clock: DemoClock) -> None:
    """Makes today's reminder due now; says so when today's was already sent or skipped."""
    store, now = runtime.store, clock.now()
    assert store is not None, "the bot is running: its store is open"
    subscriber = store.subscriber(DEMO_USER)
    if subscriber is None or not subscriber.zone or not subscriber.remind_at:
        print("  (no reminder is set up yet: /start first)")
        return
    before = {d.id for d in store.deliveries(DEMO_USER)}
    store.set_next_due(DEMO_USER, now, now)
    await runtime.engine.tick()
    await runtime.engine.idle()
    new = [d for d in store.deliveries(DEMO_USER) if d.id not in before]
    if not any(d.kind == "reminder" for d in new):
        today = [
            d for d in store.deliveries(DEMO_USER) if d.kind == "reminder" and d.due_utc <= now
        ]
        if today:
            last = today[-1]
            why = f": {last.reason}" if last.reason else ""
            print(f"  (today's reminder is already {last.status}{why})")
    _report_skipped(new)


async def later(runtime: Runtime, clock: DemoClock, span: timedelta, db_path: Path) -> None:
    """Moves the clock forward in steps, ticking at each, as if the time passed with the bot
    running: reminders, timers and summaries falling due on the way go out. Then says which
    were skipped on the way, and why."""
    store = runtime.store
    assert store is not None, "the bot is running: its store is open"
    before = {d.id for d in store.deliveries(DEMO_USER)}
    left = span
    while left > timedelta():
        step = min(STEP, left)
        clock.offset += step
        left -= step
        await runtime.engine.tick()
        await runtime.engine.idle()
    save_offset(db_path, clock.offset)
    print(f"  (the clock moved {_minutes(span)} forward)")
    _report_skipped([d for d in store.deliveries(DEMO_USER) if d.id not in before])


def _report_skipped(deliveries: Iterable[Delivery]) -> None:
    for d in deliveries:
        if d.status == "skipped":
            print(f"  (not sent: the {d.kind} for {d.local_date:%a %d %b}, {d.reason})")


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


class Screen:
    """Prints what the bot sends to the demo chat: new messages, and edits as they happen."""

    def __init__(self, emulator: Emulator, files: Path) -> None:
        self.emulator = emulator
        self.shown: dict[int, str] = {}
        self.calls_seen = 0
        self.files = files

    async def follow(self) -> None:
        while True:
            self.refresh()
            calls = len(self.emulator.calls)
            await self.emulator.wait_until(self._more_calls_than(calls), 3600)

    def _more_calls_than(self, count: int) -> Callable[[], bool]:
        return lambda: len(self.emulator.calls) > count

    async def settle(self, application: Application) -> None:
        """Waits until the bot has handled every line sent so far (however long: the first
        city lookup waits for the city index to be built), then for a moment of quiet."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_WAIT_SECONDS
        target = self.emulator.latest_update_id
        runtime = application.bot_data["runtime"]

        def busy() -> bool:
            return (
                # not even fetched yet (with nothing sent yet, as after a first "!lang ru",
                # there is nothing to fetch: offset 0 would otherwise wait the full 120 s)
                (target > 0 and self.emulator.polled_offset <= target)
                or application.update_queue.qsize() > 0
                or application.update_processor.current_concurrent_updates > 0
            )

        while loop.time() < deadline:
            with contextlib.suppress(AssertionError):
                await self.emulator.wait_until(lambda: not busy(), 0.1)
            if busy():
                continue
            if runtime.engine is not None:
                await runtime.engine.idle()
            calls = len(self.emulator.calls)
            try:
                await self.emulator.wait_until(self._more_calls_than(calls), QUIET_SECONDS)
            except AssertionError:
                if not busy():
                    break
        self.refresh()

    def refresh(self) -> None:
        for message in self.emulator.messages(DEMO_USER):
            if message.get("from", {}).get("is_bot") is False:
                continue
            rendered = self.render(message)
            if self.shown.get(message["message_id"]) == rendered:
                continue
            edited = message["message_id"] in self.shown
            self.shown[message["message_id"]] = rendered
            label = f"bot [{message['message_id']}]" + (" (edited)" if edited else "")
            print(f"{label}> {rendered}\n", flush=True)
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
        buttons = self.buttons_of(message)
        if buttons:
            number = message["message_id"]
            parts.append(
                "  ".join(f"[#{number}.{n} {b['text']}]" for n, b in enumerate(buttons, 1))
            )
        markup = message.get("reply_markup") or {}
        if markup.get("keyboard"):
            labels = [
                b if isinstance(b, str) else b["text"] for row in markup["keyboard"] for b in row
            ]
            parts.append("keyboard: " + " | ".join(labels) + "  (use !location LAT LON to share)")
        return "\n     ".join(parts)

    @staticmethod
    def buttons_of(message: dict) -> list[dict]:
        markup = message.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]

    def message(self, number: int) -> dict | None:
        return next(
            (
                m
                for m in self.emulator.messages(DEMO_USER)
                if m["message_id"] == number
                and m.get("from", {}).get("is_bot")
                and not m.get("_deleted")
            ),
            None,
        )

    def latest_with_buttons(self) -> dict | None:
        """The latest message that still has buttons: when the newest one loses its buttons
        (answered), the one before it is still there to tap, as in Telegram. The press names
        the message, so a tap far up the chat is never a surprise."""
        for message in reversed(self.emulator.messages(DEMO_USER)):
            if self.buttons_of(message) and not message.get("_deleted"):
                return message
        return None
