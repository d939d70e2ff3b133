"""Routes a person's free messages to the conversation step stored for them in the database.

The step lives in `subscribers.awaiting`, not in PTB's user_data, so a restart in the middle of
onboarding or a check-in resumes at the same question. This is a deliberate departure from
PTB's ConversationHandler: its persistence writes conversation state every `update_interval`
(60 s by default), and a step must survive a crash the moment it is taken (DESIGN decision 3).
Which handler answers which step is named in one place, build_application (bot/app.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update

from bot import keyboards, texts
from bot.flows.replies import message_of
from bot.runtime import BotContext
from bot.store import Subscriber

StepHandler = Callable[[Update, BotContext, Subscriber], Awaitable[None]]


class StepRouter:
    """Hands each free message to the handler of the step the person is in."""

    def __init__(self, steps: Mapping[str, StepHandler]) -> None:
        self._steps = dict(steps)

    def handler_for(self, awaiting: str | None) -> StepHandler | None:
        return self._steps.get(awaiting) if awaiting else None

    async def route_message(self, update: Update, context: BotContext) -> None:
        """Hands a message to the step the person is in, or answers it kindly."""
        message = message_of(update)
        subscriber = context.store.subscriber(message.chat_id)
        handler = self.handler_for(subscriber.awaiting if subscriber else None)
        if handler is not None and subscriber is not None and subscriber.awaiting is not None:
            await handler(update, context, subscriber)
            if context.store.awaiting_step(message.chat_id) != subscriber.awaiting:
                # The typed answer was taken: the buttons that asked the same question go, or
                # a later tap on them would answer it again (a stale "Keep 07:30").
                await keyboards.close_answered(
                    context.bot,
                    context.store,
                    message.chat_id,
                    subscriber.awaiting,
                    context.clock.now(),
                )
        elif message.text:
            await message.reply_text(texts.t("free_text_idle"))
        else:
            await message.reply_text(texts.t("not_text"))
