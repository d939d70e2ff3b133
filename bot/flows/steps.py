"""Routes a person's free messages to the conversation step stored for them in the database.

The step lives in `subscribers.awaiting`, not in PTB's user_data, so a restart in the middle of
onboarding or a check-in resumes at the same question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.runtime import BotContext
from bot.store import Subscriber

StepHandler = Callable[[Update, BotContext, Subscriber], Awaitable[None]]

_STEPS: dict[str, StepHandler] = {}


def step(name: str) -> Callable[[StepHandler], StepHandler]:
    """Registers the handler for messages sent while the person's `awaiting` is `name`."""

    def register(handler: StepHandler) -> StepHandler:
        if name in _STEPS:
            raise ValueError(f"step {name!r} registered twice")
        _STEPS[name] = handler
        return handler

    return register


def handler_for(awaiting: str | None) -> StepHandler | None:
    return _STEPS.get(awaiting) if awaiting else None


def known_steps() -> set[str]:
    return set(_STEPS)
