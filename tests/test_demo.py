"""`python -m bot demo` driven from a script on standard input, as README shows."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.conftest import CONTENT

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


async def test_a_scripted_demo_subscribes_receives_the_reminder_and_starts_a_practice(tmp_path):
    env = {
        **os.environ,
        "BOT_DB": str(tmp_path / "demo.db"),
        "BOT_CONTENT_DIR": str(CONTENT),
        "PYTHONPATH": str(CONTENT.parent),  # this checkout's bot, whatever is installed
    }
    env.pop("BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate("\n".join(SCRIPT).encode() + b"\n"), timeout=90
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    shown = out.decode()
    assert "you> /start" in shown  # a script's lines are echoed, so the transcript reads
    assert "All set" in shown
    assert "Time for today's practice" in shown
    assert "Skipped for today" in shown
    assert "how much tension" in shown  # "Start today's practice now" from the All set message
    assert "Tension now: 0/10" in shown
    assert "Tap Next » when you're ready" in shown  # the sticker on step 1
    assert "no such button" not in shown
    assert "Traceback" not in shown + err.decode()


async def run_demo_script(tmp_path, script: list[str]) -> str:
    env = {**os.environ, "BOT_DB": str(tmp_path / "demo.db"), "BOT_CONTENT_DIR": str(CONTENT)}
    env["PYTHONPATH"] = str(CONTENT.parent)  # this checkout's bot, whatever is installed
    env.pop("BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate("\n".join(script).encode() + b"\n"), timeout=90
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in out.decode() + err.decode()
    return out.decode()


async def test_demo_uploads_go_to_a_copy_and_odd_paths_are_answered(tmp_path):
    """Review findings 9 and 10: `!file` with a space or a missing file crashed the demo, and
    an applied upload rewrote the repository's tracked content/."""
    before = {path: path.read_bytes() for path in CONTENT.rglob("*.md")}
    folder = tmp_path / "my uploads"
    folder.mkdir()
    practice = (CONTENT / "TEMPLATE.md").read_text()
    (folder / "Knee rocking.md").write_text(practice)
    shown = await run_demo_script(
        tmp_path,
        [f"!file {folder / 'Knee rocking.md'}", "#1", f"!file {tmp_path / 'missing.md'}", "/help"],
    )
    assert "passed every check" in shown and "Applied" in shown
    assert "can't read" in shown and "missing.md" in shown
    assert "You are an admin here" in shown and "/reload" in shown
    assert (tmp_path / "demo-content" / "practices" / "knee-rocking.md").read_text() == practice
    assert {path: path.read_bytes() for path in CONTENT.rglob("*.md")} == before
