"""Start-up through trouble: a refused or malformed token is one line and never printed; an
unreachable Telegram is one line and waited out. `python -m bot run` runs as a subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import pytest

from bot.__main__ import main
from emulator import Emulator
from tests.harness import CONTENT, REPO, USER_ID

SECRET = "WRONG-SECRET-TOKEN-xyz"


def bot_env(tmp_path, api_url: str, token: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "TELEGRAM_FILE_URL": api_url.replace("/bot", "/file/bot"),
        "BOT_DB": str(tmp_path / "bot.db"),
        "BOT_CONTENT_DIR": str(CONTENT),
        "PYTHONPATH": str(REPO),  # this checkout's bot, not an installed copy
        **extra,
    }


async def start_bot(env: dict[str, str], cwd) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_until(process: asyncio.subprocess.Process, fragment: str, seen: list[str]) -> None:
    """Reads stderr lines into `seen` until one holds `fragment` (20 s at most)."""

    async def scan() -> None:
        while True:
            line = await process.stderr.readline()
            if not line:
                raise AssertionError(f"stderr ended before {fragment!r}: {seen}")
            seen.append(line.decode())
            if fragment in seen[-1]:
                return

    await asyncio.wait_for(scan(), timeout=20)


async def stop(
    process: asyncio.subprocess.Process, seen: list[str], *, terminate: bool = True
) -> tuple[str, str]:
    """Stops the bot with SIGTERM (or waits for it to end by itself); its whole output."""
    if terminate and process.returncode is None:
        process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    return out.decode(), "".join(seen) + err.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "token",
    ["abc", f"12345:{SECRET} tail", f"{SECRET}", "12345:" + "x" * 34 + "!"],
    ids=["no-colon", "space", "no-id", "bad-character"],
)
def test_a_malformed_token_is_one_line_that_does_not_show_it(monkeypatch, capsys, token):
    monkeypatch.setenv("BOT_TOKEN", token)
    monkeypatch.delenv("TELEGRAM_API_URL", raising=False)
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN does not look like a bot token" in lines[0]
    assert token not in captured.err + captured.out
    assert SECRET not in captured.err + captured.out


def test_a_real_telegram_token_needs_its_full_length(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_API_URL", raising=False)
    monkeypatch.setenv("BOT_TOKEN", "123456789:" + "A" * 34)  # one character lost in a copy
    assert main(["run"]) == 2
    assert "does not look like a bot token" in capsys.readouterr().err


async def test_a_token_telegram_refuses_is_one_line_that_does_not_show_it(emulator, tmp_path):
    """The admin review's finding 4: PTB's InvalidToken names the token in its text."""
    token = f"{emulator.token.split(':')[0]}:{SECRET}"
    env = bot_env(tmp_path, emulator.base_url, token, BOT_LOG_LEVEL="DEBUG")
    process = await start_bot(env, tmp_path)
    out, err = await stop(process, [], terminate=False)
    assert process.returncode == 2, err
    assert SECRET not in out + err and token not in out + err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: Telegram refused BOT_TOKEN")
    assert len([line for line in err.splitlines() if "ERROR" in line or "error:" in line]) == 1


async def test_an_unreachable_telegram_is_one_line_and_waited_out(tmp_path):
    """The newcomer review's B8: no double traceback, no exit; SIGTERM still stops it."""
    token = f"123456:{SECRET}"
    env = bot_env(tmp_path, f"http://127.0.0.1:{free_port()}/bot", token, BOT_LOG_LEVEL="INFO")
    process = await start_bot(env, tmp_path)
    seen: list[str] = []
    try:
        await read_until(process, "telegram.unreachable", seen)
    finally:
        out, err = await stop(process, seen)
    assert process.returncode == 0, err
    assert SECRET not in out + err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "telegram.unreachable" in line]) == 1
    assert "host=127.0.0.1" in err


async def test_telegram_failing_at_start_is_waited_out_then_the_bot_serves(tmp_path):
    """5xx from getMe at start: PTB's bootstrap retries wait; one line for the outage, one
    when Telegram answers again, and the bot then answers people."""
    async with Emulator(token=f"123456:{SECRET}") as emu:
        emu.fail_next("getMe", 502, times=4)  # 0 s, 1 s, 2.5 s, 4.75 s: an outage of 3 s+
        env = bot_env(tmp_path, emu.base_url, emu.token, BOT_LOG_LEVEL="INFO")
        process = await start_bot(env, tmp_path)
        seen: list[str] = []
        try:
            await read_until(process, "bot.started", seen)
            await emu.send_text(USER_ID, "/help")
            assert "What I can do" in (await emu.next_message(USER_ID, timeout=20))["text"]
        finally:
            out, err = await stop(process, seen)
    assert process.returncode == 0, err
    assert "Traceback" not in err and SECRET not in out + err
    assert len([line for line in err.splitlines() if "telegram.unreachable" in line]) == 1
    assert len([line for line in err.splitlines() if "telegram.reachable" in line]) == 1
