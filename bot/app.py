"""Wiring: builds the PTB Application, its handlers, and what runs at start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import health
from bot.buttons import (
    AdminButton,
    CheckinButton,
    HistoryButton,
    LanguageButton,
    MoreButton,
    PauseButton,
    PracticeButton,
    ReminderButton,
    SafetyButton,
    SettingsButton,
    StopButton,
    TimeButton,
    ZoneButton,
    prefix_pattern,
)
from bot.clock import Clock
from bot.concurrency import PerChatUpdateProcessor
from bot.config import Settings
from bot.content import ContentInvalid, diff_summary, load_folder
from bot.contentops import recover_interrupted_swap
from bot.flows import (
    checkin,
    common,
    history,
    language,
    onboarding,
    practice,
    practice_session,
    reminders,
    safety,
    timers,
)
from bot.flows import settings as settings_flow  # `settings` is the Settings, here
from bot.flows.admin import broadcast as admin_broadcast
from bot.flows.admin import content as admin_content
from bot.flows.admin import menu as admin_menu
from bot.flows.admin import stats as admin_stats
from bot.flows.common import PRIVATE, PRIVATE_MESSAGES
from bot.flows.steps import StepRouter
from bot.keyboards import KeyboardTracker
from bot.places import Places, open_places
from bot.ratelimit import PacedRateLimiter
from bot.request import Connectivity, ObservedAiohttpRequest, ObservedHTTPXRequest

# Re-exported: the runner, the tests and the benches take them from here.
from bot.runtime import BotContext, Runtime, add_startup_hook, runtime_of  # noqa: F401
from bot.sender import Engine, EngineWiring, first_tick_delay
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
        .post_init(partial(_post_init, engine_wiring=_engine_wiring()))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["runtime"] = runtime
    _add_handlers(application, settings)
    # Start-up, in this order, once the store is open and the content loaded: broadcasts a
    # restart cut off are queued again and admins get their menu; the zone polygons start
    # loading in the background; every stored practice timer gets its job back.
    for hook in (admin_menu.resume_at_startup, onboarding.warm_up_zones, timers.rebuild_timers):
        add_startup_hook(application, hook)
    # After a person subscribes, the first red-flag screen follows the welcome.
    runtime.after_subscribe = (safety.screen_after_subscribe,)
    return application


# The free-text conversation: which handler answers a message while the person's stored
# step (subscribers.awaiting) is one of these (bot/flows/steps.py).
def _conversation_steps() -> StepRouter:
    return StepRouter(
        {
            "zone": onboarding.zone_answer,  # onboarding and /settings: the time zone
            "time": onboarding.time_answer,  # and the reminder time
            **checkin.STEPS,  # one per check-in question, all answered by typed_answer
            practice.AWAITING: practice.typed_during_session,
            admin_broadcast.AWAITING_BROADCAST: admin_broadcast.broadcast_text,
        }
    )


def _engine_wiring() -> EngineWiring:
    """What the reminder engine (bot/sender.py) is given to work with."""
    return EngineWiring(
        # What each kind of delivery says; a kind with no composer is recorded as failed.
        composers={
            "reminder": reminders.compose_reminder,
            "snooze": reminders.compose_reminder,
            "followup": reminders.compose_followup,
            "weekly": history.compose_weekly,
            "broadcast": admin_broadcast.compose_broadcast,
        },
        # When a day's reminder is recorded, in the same transaction: the weekly summary that
        # rides just before it, then the follow-up that comes after.
        on_due=(history.plan_weekly, reminders.plan_followup),
        # At the start of every tick: close check-ins abandoned on an earlier day, then end
        # the practice timers that are due.
        on_tick=(checkin.close_abandoned_on_tick, timers.end_timers_on_tick),
    )


def _add_handlers(application: Application, settings: Settings) -> None:
    """Every handler of the bot, in one place. Order matters: in each group PTB gives an
    update to the first handler that matches, and the groups run from lowest to highest."""
    admins = filters.User(user_id=settings.admin_ids)
    only_admins = PRIVATE_MESSAGES & admins

    # Group -3, the earliest: everything an update says, the admin menu and the button guard's
    # answers included, is in the person's language. It stops nothing.
    application.add_handler(TypeHandler(Update, language.speak_their_language), group=-3)

    # Group -2 sees every update and stops none: an admin whose menu could not be set at
    # start-up gets it the first time they write.
    application.add_handler(TypeHandler(Update, admin_menu.admin_menu_on_first_write), group=-2)

    # Group -1, before every flow: a button on a superseded message stops here (the one
    # guard, bot/keyboards.py); an admin's /help is answered here and stops there
    # (ApplicationHandlerStop), so the general /help below does not answer too.
    application.add_handlers(
        [
            CallbackQueryHandler(common.guard_buttons),
            CommandHandler("help", admin_menu.admin_help, filters=only_admins),
        ],
        group=-1,
    )

    # Buttons: one handler per action, its pattern from the family's grammar (bot/buttons.py)
    # and its values read from context.matches[0]; each handler first calls its family's guard
    # (owner, still current), named in the comments below. After a family's actions, a
    # catch-all for the rest of its prefix (ad, st, ci, hi, pr) keeps the answer old, forged
    # and garbage data always got; other malformed data reaches stale_button at the end.
    application.add_handlers(
        [
            # Common: /help and the "more" button of a long message. First: PTB gives a button
            # with empty data to the first handler that has a pattern, and more_pressed answers it.
            CommandHandler("help", common.help_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(common.more_pressed, pattern=MoreButton.pattern()),
            # Then the busiest families: nearly every update is a check-in or practice step, and
            # PTB tries a group's handlers one by one (a regex each) until one matches. Their
            # commands and their data (ci:, pr:) match no other handler here, so coming early
            # changes no answer, only how many handlers an update is tried against.
            # The check-in.
            CommandHandler("checkin", checkin.checkin_command, filters=PRIVATE_MESSAGES),
            # A handler per question code, each behind checkin.checkin_tap (the person's own
            # check-in, today's) and, for the answers, checkin.question_tap (still open, this
            # question the one asked). Then any other code, and malformed ci: data.
            CallbackQueryHandler(checkin.edit_pressed, pattern=CheckinButton.pattern("e")),
            CallbackQueryHandler(checkin.after_pain_pressed, pattern=CheckinButton.pattern("x")),
            CallbackQueryHandler(checkin.rating_pressed, pattern=CheckinButton.pattern("t", "p")),
            CallbackQueryHandler(checkin.areas_pressed, pattern=CheckinButton.pattern("a")),
            CallbackQueryHandler(checkin.completion_pressed, pattern=CheckinButton.pattern("c")),
            CallbackQueryHandler(checkin.note_pressed, pattern=CheckinButton.pattern("n")),
            CallbackQueryHandler(checkin.checkin_other, pattern=CheckinButton.pattern()),
            CallbackQueryHandler(common.stale_button, pattern=prefix_pattern("ci")),
            # The practice.
            CommandHandler("today", practice.today_command, filters=PRIVATE_MESSAGES),
            CommandHandler("practices", practice.practices_command, filters=PRIVATE_MESSAGES),
            CommandHandler("practice", practice.practice_command, filters=PRIVATE_MESSAGES),
            # One handler per button action (bot/buttons.py PracticeButton): first those that
            # start something, then a session's own (each passes the session guard). The
            # actions' patterns never overlap, so their order is free; the `pr:` catch-all
            # comes after them and answers forged or garbage data kindly.
            CallbackQueryHandler(
                practice.today_pressed, pattern=PracticeButton.pattern("today", "short", "again")
            ),
            CallbackQueryHandler(practice.list_pressed, pattern=PracticeButton.pattern("list")),
            CallbackQueryHandler(practice.about_pressed, pattern=PracticeButton.pattern("about")),
            CallbackQueryHandler(practice.open_pressed, pattern=PracticeButton.pattern("open")),
            CallbackQueryHandler(practice.swap_pressed, pattern=PracticeButton.pattern("swap")),
            CallbackQueryHandler(
                practice_session.checkin_pressed, pattern=PracticeButton.pattern("checkin")
            ),
            CallbackQueryHandler(
                practice_session.resume_pressed, pattern=PracticeButton.pattern("resume")
            ),
            CallbackQueryHandler(
                practice_session.keep_pressed, pattern=PracticeButton.pattern("keep")
            ),
            CallbackQueryHandler(
                practice_session.stop_pressed, pattern=PracticeButton.pattern("stop")
            ),
            CallbackQueryHandler(
                practice_session.stopyes_pressed, pattern=PracticeButton.pattern("stopyes")
            ),
            CallbackQueryHandler(
                practice_session.stay_pressed, pattern=PracticeButton.pattern("stay")
            ),
            CallbackQueryHandler(
                practice_session.tension_pressed, pattern=PracticeButton.pattern("tension")
            ),
            CallbackQueryHandler(
                practice_session.pain_pressed, pattern=PracticeButton.pattern("pain")
            ),
            CallbackQueryHandler(
                practice_session.rest_pressed, pattern=PracticeButton.pattern("rest")
            ),
            CallbackQueryHandler(practice_session.go_pressed, pattern=PracticeButton.pattern("go")),
            CallbackQueryHandler(
                practice_session.next_pressed, pattern=PracticeButton.pattern("next")
            ),
            CallbackQueryHandler(
                practice_session.back_pressed, pattern=PracticeButton.pattern("back")
            ),
            CallbackQueryHandler(
                practice_session.timer_pressed, pattern=PracticeButton.pattern("timer")
            ),
            CallbackQueryHandler(
                practice_session.add_pressed, pattern=PracticeButton.pattern("add")
            ),
            CallbackQueryHandler(
                practice_session.end_pressed, pattern=PracticeButton.pattern("end")
            ),
            CallbackQueryHandler(practice.unknown_button, pattern=prefix_pattern("pr")),
            # Admin, before the other flows: an admin's document is an upload, whatever step
            # they are in.
            CommandHandler("reload", admin_content.reload_command, filters=only_admins),
            CommandHandler("content", admin_content.content_command, filters=only_admins),
            CommandHandler("preview", admin_content.preview_command, filters=only_admins),
            CommandHandler("versions", admin_content.versions_command, filters=only_admins),
            CommandHandler("rollback", admin_content.rollback_command, filters=only_admins),
            CommandHandler("stats", admin_stats.stats_command, filters=only_admins),
            CommandHandler("broadcast", admin_broadcast.broadcast_command, filters=only_admins),
            MessageHandler(only_admins & filters.Document.ALL, admin_content.document_received),
            # Its confirmations, each behind admin_tap (bot/flows/admin/shared.py); then other
            # ad: data, an old or forged button.
            CallbackQueryHandler(admin_content.upload_pressed, pattern=AdminButton.pattern("up")),
            CallbackQueryHandler(admin_content.rollback_pressed, pattern=AdminButton.pattern("rb")),
            CallbackQueryHandler(
                admin_broadcast.broadcast_pressed, pattern=AdminButton.pattern("bc")
            ),
            CallbackQueryHandler(common.stale_button, pattern=prefix_pattern("ad")),
            # Onboarding: /start, then the zone and time questions' buttons, behind
            # onboarding.setup_tap.
            CommandHandler("start", onboarding.start, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(onboarding.zone_pressed, pattern=ZoneButton.pattern("z")),
            CallbackQueryHandler(onboarding.time_pressed, pattern=TimeButton.pattern("t")),
            # Settings: a handler per /settings button, each behind settings_flow.subscriber_tap;
            # then st: data no longer offered, forged or garbage, answered by the same guard.
            CommandHandler("settings", settings_flow.settings_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(
                settings_flow.change_time_pressed, pattern=SettingsButton.pattern("time")
            ),
            CallbackQueryHandler(
                settings_flow.change_zone_pressed, pattern=SettingsButton.pattern("zone")
            ),
            CallbackQueryHandler(
                settings_flow.followup_pressed, pattern=SettingsButton.pattern("followup")
            ),
            CallbackQueryHandler(
                settings_flow.pause_setting_pressed, pattern=SettingsButton.pattern("pause")
            ),
            CallbackQueryHandler(
                settings_flow.resume_setting_pressed, pattern=SettingsButton.pattern("resume")
            ),
            CallbackQueryHandler(
                settings_flow.stop_setting_pressed, pattern=SettingsButton.pattern("stop")
            ),
            CallbackQueryHandler(
                settings_flow.language_setting_pressed, pattern=SettingsButton.pattern("language")
            ),
            CallbackQueryHandler(settings_flow.settings_other, pattern=prefix_pattern("st")),
            # /pause (its button has one action, the days: one handler, behind subscriber_tap),
            # /resume, /stop and the stop question's two answers (behind settings_flow.stop_tap).
            CommandHandler("pause", settings_flow.pause_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(settings_flow.pause_pressed, pattern=PauseButton.pattern()),
            CommandHandler("resume", settings_flow.resume_command, filters=PRIVATE_MESSAGES),
            CommandHandler("stop", settings_flow.stop_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(settings_flow.stop_confirmed, pattern=StopButton.pattern("yes")),
            CallbackQueryHandler(settings_flow.stop_declined, pattern=StopButton.pattern("no")),
            CommandHandler("language", language.language_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(language.language_button, pattern=LanguageButton.pattern()),
            # The reminder's buttons, each behind reminders.reminder_tap (the person's own
            # reminder, still today's).
            CallbackQueryHandler(reminders.later_pressed, pattern=ReminderButton.pattern("later")),
            CallbackQueryHandler(reminders.back_pressed, pattern=ReminderButton.pattern("back")),
            CallbackQueryHandler(
                reminders.snooze_pressed, pattern=ReminderButton.pattern("snooze")
            ),
            CallbackQueryHandler(reminders.skip_pressed, pattern=ReminderButton.pattern("skip")),
            # Safety: the red-flag screen; its answers, each behind safety.screen_tap, reach
            # their handler however old the screen (bot/keyboards.ALWAYS_CURRENT).
            CommandHandler("safety", safety.safety_command, filters=PRIVATE_MESSAGES),
            CallbackQueryHandler(safety.red_flag_pressed, pattern=SafetyButton.pattern("yes")),
            CallbackQueryHandler(
                safety.no_red_flag_pressed, pattern=SafetyButton.pattern("no", "soon")
            ),
            CallbackQueryHandler(safety.continue_pressed, pattern=SafetyButton.pattern("go")),
            # History, progress and the person's data.
            CommandHandler("history", history.history_command, filters=PRIVATE_MESSAGES),
            CommandHandler("progress", history.progress_command, filters=PRIVATE_MESSAGES),
            CommandHandler("summary", history.summary_command, filters=PRIVATE_MESSAGES),
            CommandHandler("export", history.export_command, filters=PRIVATE_MESSAGES),
            CommandHandler("delete", history.delete_command, filters=PRIVATE_MESSAGES),
            CommandHandler("privacy", history.privacy_command, filters=PRIVATE_MESSAGES),
            # Their buttons, each behind history.history_tap; then other hi: data, answered kindly.
            CallbackQueryHandler(history.page_pressed, pattern=HistoryButton.pattern("h")),
            CallbackQueryHandler(history.notes_pressed, pattern=HistoryButton.pattern("n")),
            CallbackQueryHandler(history.period_pressed, pattern=HistoryButton.pattern("p")),
            CallbackQueryHandler(history.summary_day_pressed, pattern=HistoryButton.pattern("wd")),
            CallbackQueryHandler(history.delete_pressed, pattern=HistoryButton.pattern("del")),
            CallbackQueryHandler(history.keep_pressed, pattern=HistoryButton.pattern("keep")),
            CallbackQueryHandler(common.stale_button, pattern=prefix_pattern("hi")),
            # The catch-alls, last: groups and channels, edits, unknown commands, free text
            # (the conversation step the person is in) and buttons no flow recognised.
            MessageHandler(~PRIVATE, common.not_private),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, common.edited_message),
            MessageHandler(PRIVATE_MESSAGES & filters.COMMAND, common.unknown_command),
            MessageHandler(PRIVATE_MESSAGES, _conversation_steps().route_message),
            CallbackQueryHandler(common.stale_button),
        ]
    )
    # One error handler: expected conditions get a log line, anything else a traceback (never
    # the text) and a kind answer.
    application.add_error_handler(common.on_error)


async def _post_init(application: Application, *, engine_wiring: EngineWiring) -> None:
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
    runtime.engine = Engine(application, engine_wiring)
    runtime.engine.start()
    interval = runtime.settings.tick_seconds
    assert application.job_queue is not None, "installed with python-telegram-bot[job-queue]"
    # The scheduler counts real time, whatever clock the bot's "now" comes from (tests).
    first = datetime.now(UTC) + timedelta(seconds=first_tick_delay(runtime.clock.now(), interval))
    application.job_queue.run_repeating(
        _tick,
        interval=interval,
        first=first,
        name="tick",
        # The job is added before the scheduler starts (Application.start, after the updater's
        # first call to Telegram). Given only `first`, APScheduler reckons the first run at that
        # start and, if `first` has passed, skips to `first + interval`: a start-up slower than
        # the delay lost the first tick for a whole interval (an hour in tests). With the first
        # run fixed and no misfire limit, a late tick runs once, as soon as it can, instead.
        job_kwargs={"next_run_time": first, "misfire_grace_time": None},
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
