"""/health: a heartbeat while the bot lives (ticks, answers, retries), read by
`python -m bot health` (the Dockerfile's HEALTHCHECK) and by GET /health on BOT_HEALTH_PORT."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import replace

import aiohttp

from bot.__main__ import main
from bot.app import build_application, polling
from bot.health import MAX_AGE
from tests.harness import Harness


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def grow_old(path) -> None:
    """The stimulus: the heartbeat as a wedged bot leaves it, older than the limit."""
    old = time.time() - MAX_AGE - 5
    os.utime(path, (old, old))


async def test_a_running_bot_is_healthy_and_a_stale_heartbeat_is_not(
    bot: Harness, monkeypatch, capsys
):
    heartbeat = bot.runtime.settings.health_path
    monkeypatch.setenv("BOT_DB", str(bot.runtime.settings.db_path))
    assert heartbeat.exists()
    assert main(["health"]) == 0
    assert capsys.readouterr().out.startswith("ok: last sign of life")
    grow_old(heartbeat)
    assert main(["health"]) == 1
    assert capsys.readouterr().err.startswith("unhealthy: last sign of life")
    bot.runtime.connectivity._last_write = 0.0  # the next beat writes at once
    [tick] = bot.application.job_queue.get_jobs_by_name("tick")
    await tick.run(bot.application)  # the scheduler's tick is a sign of life again
    assert main(["health"]) == 0


def test_health_without_any_heartbeat_is_unhealthy(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_DB", str(tmp_path / "bot.db"))
    assert main(["health"]) == 1
    assert "no sign of life" in capsys.readouterr().err


async def test_an_outage_keeps_the_heartbeat_fresh(bot: Harness, monkeypatch):
    """Retrying is a sign of life: a container must not restart a bot that waits out Telegram."""
    heartbeat = bot.runtime.settings.health_path
    grow_old(heartbeat)
    bot.runtime.connectivity._last_write = 0.0  # the next beat writes at once
    bot.emu.fail_next("sendMessage", 502)
    assert "What I can do" in (await bot.say("/help"))["text"]
    monkeypatch.setenv("BOT_DB", str(bot.runtime.settings.db_path))
    assert main(["health"]) == 0


async def test_the_health_endpoint_answers_200_then_503_when_stale(settings, emulator, clock):
    port = free_port()
    application = build_application(
        replace(settings, health_port=port, webhook_listen="127.0.0.1"), clock=clock
    )
    async with polling(application, poll_timeout=1), aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/health"
        async with http.get(url) as response:
            assert response.status == 200
            assert (await response.json())["ok"] is True
        grow_old(settings.health_path)
        async with http.get(url) as response:
            assert response.status == 503
            assert (await response.json())["ok"] is False
