"""Webhook mode over HTTP: only requests carrying the secret token reach the bot."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import aiohttp

from bot.__main__ import main
from tests.harness import CONTENT, USER_ID


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_for_line(stream: asyncio.StreamReader, fragment: str) -> None:
    while fragment not in (await stream.readline()).decode():
        if stream.at_eof():
            raise AssertionError(f"the bot exited before logging {fragment!r}")


def update(update_id: int, text: str) -> dict:
    person = {"id": USER_ID, "is_bot": False, "first_name": "Ann"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": USER_ID, "type": "private", "first_name": "Ann"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


def test_webhook_mode_refuses_to_start_without_a_secret(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BOT_TOKEN", "123456789:" + "A" * 35)  # a well-shaped token
    monkeypatch.setenv("BOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.delenv("BOT_WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook", "https://example.invalid/hook"]) == 2
    assert "BOT_WEBHOOK_SECRET" in capsys.readouterr().err


async def test_webhook_accepts_only_the_right_secret_header(emulator, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "TELEGRAM_FILE_URL": emulator.base_file_url,
        "BOT_DB": str(tmp_path / "bot.db"),
        "BOT_CONTENT_DIR": str(CONTENT),
        "PYTHONPATH": str(CONTENT.parent),  # this checkout's bot, whatever is installed
        "BOT_WEBHOOK_SECRET": "s3cret-token",
        "BOT_WEBHOOK_LISTEN": "127.0.0.1",
        "BOT_WEBHOOK_PORT": str(port),
        "BOT_LOG_LEVEL": "DEBUG",
    }
    emulator.add_user(USER_ID)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        "https://bot.example.invalid/hook",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        params = await emulator.wait_for_call("setWebhook", timeout=20)
        assert params["secret_token"] == "s3cret-token"
        await asyncio.wait_for(wait_for_line(process.stderr, "Webhook Server started"), 20)
        drain = asyncio.create_task(process.stderr.read())  # a full pipe would stall the bot
        url = f"http://127.0.0.1:{port}/hook"
        async with aiohttp.ClientSession() as http:

            async def post(headers: dict, number: int) -> int:
                async with http.post(url, json=update(number, "/help"), headers=headers) as answer:
                    return answer.status

            assert await post({}, 1) == 403
            assert await post({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 2) == 403
            assert emulator.messages(USER_ID) == []
            assert await post({"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}, 3) == 200
            reply = await emulator.next_message(USER_ID)
            assert "What I can do" in reply["text"]
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=20)
        await drain
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
