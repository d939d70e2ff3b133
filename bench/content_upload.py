"""Content upload: the event loop's longest hold while a 5 MB upload is checked and applied.

Run: .venv/bin/python bench/content_upload.py

The upload is a zip of the whole content folder at the size limit (bot/contentops.py,
MAX_ZIP_BYTES): the repository's content plus generated practices in Russian (two bytes a
character), each near the per-file limit (MAX_FILE_CHARS) with 25 steps, stored without
compression so the zip itself is about 5 MB. The emulator runs in its own process (bench/
common.py); the bot runs here with a heartbeat task that asks to wake every 5 ms and records
how late it woke. The longest lateness is the longest time the loop was held: no reminder,
timer or reply could go out then. Goal: under 50 ms, for the check (download, zip reading,
validation, composing every message) and for Apply (check again, write, archive).
For comparison, the same validation run on the loop, as it was before, is timed too.
"""

from __future__ import annotations

import asyncio
import gc
import io
import shutil
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CONTENT,
    OUT,
    EmulatorProcess,
    Report,
    bench_settings,
    fresh_db,
    print_machine,
    quiet_logging,
)

from bot import contentops
from bot.app import add_startup_hook, build_application, freeze_long_lived, polling
from bot.content import MAX_FILE_CHARS, read_folder

ADMIN = 77_000_001
HEARTBEAT = 0.005
GOAL_MS = 50.0
WORDS = ["расслабьте", "живот", "и", "дышите", "спокойно", "пусть", "пол", "держит", "вес", "тела"]


def practice(number: int) -> str:
    """A valid practice in the Markdown format, close to the per-file limit."""

    def words(count: int, seed: int) -> str:
        return " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(count)).capitalize()

    steps = "\n".join(f"{n}. {words(80, number + n)}." for n in range(1, 26))
    text = (
        f"---\ntitle: Практика {number}\nsummary: {words(12, number)}.\ncategory: release\n"
        f"minutes: 10\n---\n{words(260, number)}.\n\n## Why\n{words(120, number + 1)}.\n\n"
        f"## Take care\n{words(120, number + 2)}.\n\n## Steps\n{steps}\n"
    )
    assert len(text) < MAX_FILE_CHARS, len(text)
    return text


def build_zip(limit: int) -> tuple[bytes, int]:
    """The whole folder plus generated practices, as many as fit under `limit` bytes."""
    files = {name: data for name, data in read_folder(CONTENT).items()}
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(f"content/{name}", data)
        while True:
            data = practice(count + 1).encode()
            if buffer.tell() + len(data) + 40_000 > limit:  # room for the central directory
                break
            count += 1
            archive.writestr(f"content/practices/generated-{count}.md", data)
    return buffer.getvalue(), count


async def upload(emulator: Any, user_id: int, data: bytes) -> tuple[str, int, str]:
    """In the emulator process: the admin sends the zip; returns the bot's answer."""
    await emulator.send_document(user_id, "content.zip", data)
    reply = await emulator.next_message(user_id, timeout=300)
    keyboard = (reply.get("reply_markup") or {}).get("inline_keyboard") or [[{}]]
    return reply.get("text") or "", reply["message_id"], keyboard[0][0].get("callback_data", "")


async def apply(emulator: Any, user_id: int, message_id: int, data: str) -> str:
    await emulator.press(user_id, message_id, data)
    while True:
        reply = await emulator.next_message(user_id, timeout=300)
        if "Applied" in (reply.get("text") or "") or "couldn't" in (reply.get("text") or ""):
            return reply.get("text") or ""


class Heartbeat:
    """Wakes every HEARTBEAT seconds; `worst` is the latest it ever woke (the longest hold).
    The longest garbage collection in the meantime is kept too (it holds every thread)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.wakes = 0
        self.gc_worst = 0.0
        self._gc_started = 0.0
        self._task: asyncio.Task | None = None

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_worst = max(self.gc_worst, time.perf_counter() - self._gc_started)

    async def _beat(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(HEARTBEAT)
            self.worst = max(self.worst, time.perf_counter() - asked - HEARTBEAT)
            self.wakes += 1

    def __enter__(self) -> Heartbeat:
        self._task = asyncio.get_running_loop().create_task(self._beat())
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        gc.callbacks.remove(self._gc)


async def main() -> int:
    print_machine()
    quiet_logging("content_upload")
    report = Report("content_upload")
    data, generated = build_zip(contentops.MAX_ZIP_BYTES)
    report.figure("upload size", f"{len(data) / 2**20:.2f}", "MB", note=f"{generated} practices")
    folder = OUT / "content-upload" / "content"
    shutil.rmtree(folder.parent, ignore_errors=True)
    shutil.copytree(CONTENT, folder)

    files = contentops.read_zip("content.zip", data)
    started = time.perf_counter()
    contentops.check_set(files)
    on_loop = (time.perf_counter() - started) * 1000
    report.figure("validation alone (what a loop would be held, before)", f"{on_loop:.0f}", "ms")

    with EmulatorProcess() as emulator:
        emulator.add_users([ADMIN])
        settings = bench_settings(
            emulator,
            fresh_db("content_upload.db"),
            content_dir=folder,
            admin_ids=frozenset({ADMIN}),
        )
        application = build_application(settings)
        add_startup_hook(application, freeze_long_lived)  # as `python -m bot run` does
        async with polling(application, poll_timeout=1):
            with Heartbeat() as beat:  # the machine's own noise: the bot idle, nothing sent
                await asyncio.sleep(3)
            idle_hold = beat.worst * 1000
            with Heartbeat() as beat:
                started = time.perf_counter()
                text, message_id, button = await emulator.acall(
                    "run", "content_upload:upload", ADMIN, data
                )
                check_s = time.perf_counter() - started
            check_hold, check_gc = beat.worst * 1000, beat.gc_worst * 1000
            if "passed every check" not in text:
                print(f"error: the upload was not accepted: {text[:300]}")
                return 1
            with Heartbeat() as beat:
                started = time.perf_counter()
                text = await emulator.acall(
                    "run", "content_upload:apply", ADMIN, message_id, button
                )
                apply_s = time.perf_counter() - started
            apply_hold, apply_gc = beat.worst * 1000, beat.gc_worst * 1000
            if "Applied" not in text:
                print(f"error: apply failed: {text[:300]}")
                return 1
    report.figure(
        "longest loop hold with the bot idle (this machine's noise)", f"{idle_hold:.1f}", "ms"
    )
    report.figure("upload answered in", f"{check_s:.1f}", "s")
    report.figure(
        "longest loop hold during the upload check",
        f"{check_hold:.1f}",
        "ms",
        goal=f"< {GOAL_MS:.0f} ms",
        ok=check_hold < GOAL_MS,
    )
    report.figure("longest garbage collection during the check", f"{check_gc:.1f}", "ms")
    report.figure("Apply answered in", f"{apply_s:.1f}", "s")
    report.figure(
        "longest loop hold during Apply",
        f"{apply_hold:.1f}",
        "ms",
        goal=f"< {GOAL_MS:.0f} ms",
        ok=apply_hold < GOAL_MS,
    )
    report.figure("longest garbage collection during Apply", f"{apply_gc:.1f}", "ms")
    return report.summary()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
