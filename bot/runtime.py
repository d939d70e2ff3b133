"""What every handler reaches through its context: the store, the clock, the settings and
the live content, kept in bot_data under one key by build_application (bot/app.py).

Its own module so that handlers (bot/flows/*) import this, never the app that wires them:
no import cycle between the app and the handlers (tests/test_imports.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot import i18n
from bot.clock import Clock
from bot.config import Settings
from bot.content import Library
from bot.places import Places
from bot.render import Renderer
from bot.request import Connectivity
from bot.store import Store

AfterSubscribe = Callable[["BotContext", int], Awaitable[None]]
StartupHook = Callable[[Application], Awaitable[None]]


@dataclass
class Runtime:
    """What every handler needs, kept in bot_data under one key."""

    settings: Settings
    clock: Clock
    store: Store | None = None
    # The whole content tree, every language in one version; `library_in` picks a language.
    library: Library | None = None
    content_version: int | None = None
    engine: Any = None  # bot.sender.Engine, started in post_init
    # The city index for typed places (bot/places.py), opened or built in the background.
    places_task: asyncio.Task[Places | None] | None = None
    renderer: Renderer = field(default_factory=Renderer)  # charts and PDFs, in a helper process
    # Telegram's reachability (one log line per outage) and the /health heartbeat.
    connectivity: Connectivity = field(default_factory=Connectivity)
    extras: dict[str, Any] = field(default_factory=dict)
    # What runs after a person finishes subscribing, in order (named in bot/app.py).
    after_subscribe: tuple[AfterSubscribe, ...] = ()

    def library_in(self, language: str | None = None) -> Library:
        """The content a person speaking `language` is served (default: the language of the
        update or message being composed, i18n.current_language()); English fills in
        whatever that language has no translation of."""
        return self.loaded_library.in_language(language or i18n.current_language())

    @property
    def loaded_library(self) -> Library:
        """The whole content tree, for what runs after post_init loaded it."""
        if self.library is None:
            raise RuntimeError("content loads in post_init")
        return self.library

    @property
    def open_store(self) -> Store:
        """The store, for what runs after post_init opened it (jobs, composers, start-up)."""
        if self.store is None:
            raise RuntimeError("the store opens in post_init")
        return self.store

    @property
    def places_ready(self) -> bool:
        return self.places_task is None or self.places_task.done()

    async def places(self) -> Places | None:
        """The city index, once ready; None if it could not be built (see the error log)."""
        if self.places_task is None:
            return None
        # Shielded: a handler cancelled while the index builds must not cancel the build.
        return await asyncio.shield(self.places_task)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the store, the clock and the live content."""

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]

    @property
    def store(self) -> Store:
        return self.runtime.open_store

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def library(self) -> Library:
        """The content in the language of the person this update is for."""
        return self.runtime.library_in()

    @property
    def content(self) -> Library:
        """The whole content tree (every language, one version): what admins edit."""
        return self.runtime.loaded_library

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


def add_startup_hook(application: Application, hook: StartupHook) -> None:
    """Adds a coroutine that runs after the store opens, in the order added: build_application
    adds the flows' (rebuilding timers, ...), then `python -m bot run` and the benches theirs."""
    application.bot_data.setdefault("startup_hooks", []).append(hook)


def runtime_of(application: Application) -> Runtime:
    return application.bot_data["runtime"]
