"""Wiring: builds the PTB Application, its handlers, and what runs at start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot import health
from bot.clock import Clock
from bot.concurrency import PerChatUpdateProcessor
from bot.config import Settings
from bot.content import ContentInvalid, diff_summary, load_folder
from bot.contentops import recover_interrupted_swap
from bot.flows import language, register_all
from bot.keyboards import KeyboardTracker
from bot.places import Places, open_places
from bot.ratelimit import PacedRateLimiter
from bot.request import Connectivity, ObservedAiohttpRequest, ObservedHTTPXRequest

# Re-exported: the runner, the tests and the benches take them from here.
from bot.runtime import BotContext, Runtime, add_startup_hook, runtime_of  # noqa: F401
from bot.sender import Engine, first_tick_delay
from bot.store import Store

log = logging.getLogger(__name__)


def build_application(settings: Settings, *, clock: Clock | None = None) -> Application:
    """The bot as one Application; nothing touches the network or the disk until it starts."""
    connectivity = Connectivity(settings.health_path)
    runtime = Runtime(settings=settings, clock=clock or Clock(), connectivity=connectivity)
    # A small pool: PTB's default 256 connections costs more in bookkeeping than it brings.
    request_class = (
        ObservedAiohttpRequest if settings.http_client == "aiohttp" else ObservedHTTPXRequest
    )
    request = request_class(
        connection_pool_size=8,
        read_timeout=15,
        write_timeout=15,
        connect_timeout=10,
        pool_timeout=10,
        connectivity=connectivity,
    )
    updates_request = request_class(
        connection_pool_size=2, read_timeout=40, connectivity=connectivity
    )
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .request(request)
        .get_updates_request(updates_request)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=BotContext))
        # One person's taps are applied in the order they were made: one update at a time, or
        # several people at once with each chat's updates in order (bot/concurrency.py).
        .concurrent_updates(
            PerChatUpdateProcessor(settings.concurrent_updates)
            if settings.concurrent_updates > 1
            else False
        )
        # Wrapped so that every keyboard shown or removed is recorded (bot/keyboards.py).
        .rate_limiter(
            KeyboardTracker(
                PacedRateLimiter(
                    per_second=settings.max_per_second,
                    paid_per_second=settings.paid_per_second if settings.paid_broadcast else None,
                ),
                lambda: runtime.store,
                runtime.clock.now,
            )
        )
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["runtime"] = runtime
    # The earliest group, before the admin menu (-2) and the button guard (-1): everything an
    # update says, those included, is in the person's language. It stops nothing.
    application.add_handler(TypeHandler(Update, language.speak_their_language), group=-3)
    register_all(application)
    return application


async def _post_init(application: Application) -> None:
    runtime: Runtime = application.bot_data["runtime"]
    runtime.store = Store(runtime.settings.db_path)
    load_content(runtime)
    # On a first start the index is built in a child process (~3 s): not worth a wait here.
    runtime.places_task = asyncio.create_task(_open_places(runtime.settings.places_folder))
    try:
        await language.set_default_menus(application)
    except NetworkError as err:  # a menu is a convenience: the bot starts without it
        log.warning("commands.not_set error=%s", type(err).__name__)
    if runtime.settings.health_port is not None:
        runtime.extras["health_server"] = await health.serve(
            runtime.settings.health_path,
            runtime.settings.webhook_listen,
            runtime.settings.health_port,
        )
    runtime.connectivity.beat()
    for hook in application.bot_data.get("startup_hooks", []):
        await hook(application)
    runtime.engine = Engine(application)
    runtime.engine.start()
    interval = runtime.settings.tick_seconds
    assert application.job_queue is not None, "installed with python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(
        _tick,
        interval=interval,
        first=first_tick_delay(runtime.clock.now(), interval),
        name="tick",
    )
    log.info("bot.started content_version=%s", runtime.content_version)


async def _open_places(folder: Path) -> Places | None:
    try:
        return await open_places(folder)
    except (OSError, sqlite3.Error):
        log.exception("places.unavailable folder=%s", folder)
        return None


async def _tick(context: BotContext) -> None:
    """The one scheduler job: everything due (reminders, timers) is found in the database."""
    context.runtime.connectivity.beat()  # the loop is alive: /health reads this
    await context.runtime.engine.tick()


async def _post_stop(application: Application) -> None:
    runtime: Runtime = application.bot_data["runtime"]
    if runtime.engine is not None:
        await runtime.engine.stop()
        runtime.engine = None


async def _post_shutdown(application: Application) -> None:
    runtime: Runtime = application.bot_data["runtime"]
    runtime.renderer.close()
    if (health_server := runtime.extras.pop("health_server", None)) is not None:
        await health_server.cleanup()
    if runtime.places_task is not None:
        runtime.places_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            places = await runtime.places_task
            if places is not None:
                places.close()
        runtime.places_task = None
    if runtime.store is not None:
        runtime.store.close()
        runtime.store = None
    log.info("bot.stopped")


def load_content(runtime: Runtime) -> None:
    """Loads the content folder; if it is broken, keeps serving the last version archived."""
    store = runtime.store
    assert store is not None
    folder = runtime.settings.content_dir
    if recover_interrupted_swap(folder):
        log.warning("content.restored folder=%s (a change was cut off by a crash)", folder)
    try:
        library = load_folder(folder)
    except ContentInvalid as err:
        for problem in err.problems:
            log.error("content.invalid %s", problem)
        archived = store.latest_content()
        if archived is None:
            raise
        runtime.library, runtime.content_version = archived
        runtime.extras["content_fallback"] = list(err.problems)  # admins are told at start-up
        log.warning("content.fallback version=%s", runtime.content_version)
        return
    runtime.library = library
    runtime.content_version = store.archive_content(
        library, diff_summary(None, library), admin_id=None, now=runtime.clock.now()
    )


async def freeze_long_lived(application: Application) -> None:
    """A start-up hook for a process that runs one bot (`python -m bot run`, the benchmarks).

    What is loaded by then (PTB, aiohttp, the content, the handlers) lives as long as the
    process. Out of the cycle collector's sight, a full collection takes microseconds instead
    of ~40 ms, which was the tail of the update latency (bench/updates.py). Not done by every
    Application: the collector is the process's, and tests start hundreds of bots in one.
    """
    gc.collect()
    gc.freeze()


def chat_id_of(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat else None


@asynccontextmanager
async def polling(
    application: Application, *, poll_timeout: int = 10
) -> AsyncIterator[Application]:
    """Runs the application's polling loop inside the current event loop (tests, demo, bench).

    `run_polling` owns the loop and signals, so embedded use starts the parts by hand; it must
    then call post_init and post_shutdown itself, which `run_polling` would have done.
    """
    updater = application.updater
    assert updater is not None, "build_application makes an Application with an Updater"

    def on_poll_error(error: TelegramError) -> None:
        # As run_polling does: a failed poll goes to the error handler, which logs an
        # outage once (bot/request.py) rather than PTB's traceback per attempt.
        application.create_task(application.process_error(update=None, error=error))

    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await updater.start_polling(
            poll_interval=0, timeout=poll_timeout, error_callback=on_poll_error
        )
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
