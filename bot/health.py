"""/health: is the bot alive? For a container's HEALTHCHECK and for load balancers.

The bot leaves a heartbeat file (bot/request.py `Connectivity.beat`) whenever its event loop
shows a sign of life: a scheduler tick, an answer from Telegram, or a failed attempt it is
retrying (an outage is waited out, and a restart would not help it). A wedged bot does none of
these, its heartbeat grows old, and the check fails so the container is restarted.

- `python -m bot health` (any mode; the Dockerfile's HEALTHCHECK): exit 0 or 1, one line.
- `GET /health` on BOT_HEALTH_PORT when set (webhook mode puts it behind the same proxy):
  200 or 503 with a small JSON body.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

log = logging.getLogger(__name__)

# Ticks come every second and beats are written every 5 s: 90 s without one is a wedged loop,
# not a slow moment.
MAX_AGE = 90.0


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    age: float | None  # seconds since the last sign of life; None if there never was one

    def describe(self) -> str:
        if self.age is None:
            return "unhealthy: no sign of life yet"
        state = "ok" if self.ok else "unhealthy"
        return f"{state}: last sign of life {self.age:.0f} s ago (limit {MAX_AGE:.0f} s)"


def check(health_file: Path, now: float | None = None, max_age: float = MAX_AGE) -> Health:
    try:
        beat = health_file.stat().st_mtime
    except OSError:
        return Health(ok=False, age=None)
    age = max(0.0, (time.time() if now is None else now) - beat)
    return Health(ok=age <= max_age, age=age)


async def serve(health_file: Path, host: str, port: int) -> web.AppRunner:
    """Starts `GET /health` on host:port; the caller cleans the runner up at shutdown."""

    async def health(request: web.Request) -> web.Response:
        status = check(health_file)
        body = {"ok": status.ok, "seconds_since_last_sign_of_life": status.age}
        return web.json_response(body, status=200 if status.ok else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health.serving port=%s", port)
    return runner
