"""The HTTP side: the aiohttp server PTB talks to, and one `_api_<method>` per Bot API method.

Each method takes the decoded parameters and uploads and returns the result, or raises
ApiError with Telegram's status and description (PTB reads the status, not `ok`).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from emulator.entities import (
    EntityParseError,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)
from emulator.faults import Faults
from emulator.state import _Chat, _File, _png_size, _public, _Raw, _Upload
from emulator.validation import (
    _KNOWN,
    CHAT_ACTIONS,
    DEFAULT_ERRORS,
    MAX_CAPTION,
    MAX_DOWNLOAD,
    MAX_TEXT,
    MAX_UPLOAD,
    NOT_BY_DEFAULT,
    NOT_MODIFIED,
    ApiError,
    _check_markup,
    _decode_params,
)

log = logging.getLogger(__name__)


class Server(Faults):
    """The Bot API over HTTP on 127.0.0.1: lifecycle, request handling, the methods."""

    # ---- lifecycle
    async def start(self) -> None:
        """Listen on a free loopback port; access_log off because request lines hold the token."""
        app = web.Application(client_max_size=MAX_UPLOAD["document"] + 2**20)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/bot"
        self.base_file_url = f"http://{host}:{port}/file/bot"
        self._closing = False

    async def stop(self) -> None:
        """Release parked long polls and hung answers first, or shutdown waits for them."""
        self._closing = True
        self._pulse()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- HTTP
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            if token != self.token:
                return self._answer(ApiError(401, "Unauthorized"))
            stored = self._files_by_path.get(file_path)
            if stored is None:
                return self._answer(ApiError(404, "Not Found"))
            return web.Response(body=stored.data, content_type="application/octet-stream")
        if not path.startswith("/bot"):
            return self._answer(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return self._answer(ApiError(401, "Unauthorized"))
        spec = _KNOWN.get(method.lower())
        name = spec[0] if spec else method
        error: ApiError | None = None
        files: dict[str, _Upload] = {}
        params: dict[str, Any] = {}
        try:
            raw, files = await self._read(request)
            params = raw
            params = _decode_params(raw)
        except ApiError as err:
            error = err
        self._record(name, params, files)
        try:
            if spec is None:
                self.unknown_methods.append(method)
                raise ApiError(404, "Not Found")
            if error:
                raise error
            self.unknown_params.extend((name, key) for key in params if key not in spec[1])
            injected = self._injected(name)
            if injected:
                raise injected
            result = await getattr(self, f"_api_{name}")(params, files)
            hang = self._hang_next.get(name.lower())
            if hang:  # the call took effect; only the answer is late, as when a client times out
                await self._wait(lambda: self._closing, hang.popleft())
            elif self._chaos and self._chaos[4].random() < self._chaos[1]:
                await self._wait(lambda: self._closing, self._chaos[2])  # a slow answer
            return self._answer(result)
        except ApiError as err:
            self.errors.append((name, err.status, err.description))
            return self._answer(err)
        finally:
            self._pulse()

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, _Upload]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, _Upload] = {}
        if not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            params.update(body if isinstance(body, dict) else {})
            return params, files
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = _Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = value
        return params, files

    def _record(self, name: str, params: dict[str, Any], files: dict[str, _Upload]) -> None:
        self.stats["calls"] += 1
        methods = self.stats["methods"]
        methods[name] = methods.get(name, 0) + 1
        if self.record_calls:
            shown = {
                k: {"file_name": f.name, "mime_type": f.mime, "size": len(f.data)}
                for k, f in files.items()
            }
            self.calls.append((name, {**params, **shown}))
        log.debug("emulator.call method=%s", name)
        self._pulse()

    def _answer(self, result: Any) -> web.Response:
        if not isinstance(result, ApiError):
            body = result if isinstance(result, _Raw) else json.dumps(result, ensure_ascii=False)
            return web.Response(
                text=f'{{"ok":true,"result":{body}}}', content_type="application/json"
            )
        if result.status == 429:
            self.stats["too_many_requests"] += 1
        log.debug("emulator.error status=%s", result.status)
        if result.html_body:
            page = f"<html><head><title>{result.status} {result.description}</title></head></html>"
            return web.Response(text=page, status=result.status, content_type="text/html")
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": result.status,
            "description": result.description,
        }
        if result.parameters:
            payload["parameters"] = result.parameters
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False),
            status=result.status,
            content_type="application/json",
        )

    # ---- shared checks
    def _chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _format(
        self, value: Any, parse_mode: Any, entities: Any, *, caption: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        """Plain text and entities as Telegram stores them: parsed, trimmed, length-checked."""
        source = "" if value is None else str(value)
        mode = str(parse_mode or "").lower()
        parsers: dict[str, Callable[[str], tuple[str, list[dict[str, Any]]]]] = {
            "html": lambda s: parse_html(s, strict=self.strict_html),
            "markdownv2": parse_markdown_v2,
            "markdown": parse_markdown,
        }
        if mode and mode not in parsers:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        try:
            plain, found = parsers[mode](source) if mode else (source, [])
        except EntityParseError as err:
            raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        if not mode and isinstance(entities, list):
            found = entities
        lead = utf16_len(plain) - utf16_len(plain.lstrip())
        plain = plain.strip()
        total, trimmed = utf16_len(plain), []
        for entity in found:
            start = max(entity["offset"] - lead, 0)
            end = min(entity["offset"] + entity["length"] - lead, total)
            if end > start:
                trimmed.append({**entity, "offset": start, "length": end - start})
        if not caption and not plain:
            raise ApiError(400, "Bad Request: message text is empty")
        if total > (MAX_CAPTION if caption else MAX_TEXT):
            raise ApiError(
                400,
                "Bad Request: message caption is too long"
                if caption
                else "Bad Request: message is too long",
            )
        return plain, trimmed

    def _reply_to(self, chat: _Chat, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None:
            if reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            ):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        shown = _public(target)
        shown.pop("reply_to_message", None)
        return shown

    def _send(
        self,
        chat: _Chat,
        params: dict[str, Any],
        content: dict[str, Any],
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Common tail of sendMessage/sendPhoto/sendDocument, after the content checks."""
        markup = _check_markup(params.get("reply_markup"))
        reply = self._reply_to(chat, params)
        self._deliver(chat, paid=bool(params.get("allow_paid_broadcast")))
        message = chat.add(self.bot_user, content)
        if reply:
            message["reply_to_message"] = reply
        if markup:
            message["reply_markup"] = markup
        message.update(extra or {})
        chat.sent.append(message)
        self.stats["sent"] += 1
        return _public(message)

    def _input_file(
        self, params: dict[str, Any], files: dict[str, _Upload], key: str
    ) -> tuple[_File, _Upload | None]:
        value = params.get(key)
        upload = files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(upload.data) > MAX_UPLOAD[key]:
                raise ApiError(413, "Request Entity Too Large")
            return self._store_file(f"{key}s", upload.name, upload.data), upload
        if isinstance(value, str) and value in self._files:
            return self._files[value], None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store_file(f"{key}s", value.rsplit("/", 1)[-1], b""), None
        if value is None:
            raise ApiError(400, f"Bad Request: there is no {key} in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _editable(self, chat: _Chat, params: dict[str, Any]) -> dict[str, Any]:
        message = chat.messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edited(
        self, chat: _Chat, message: dict[str, Any], changes: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply an edit in place; a missing reply_markup removes the inline keyboard, as in
        Telegram, while a reply keyboard belongs to the chat and stays."""
        current = message.get("reply_markup")
        if current and "inline_keyboard" not in current and not changes.get("reply_markup"):
            changes.pop("reply_markup")
        if all(message.get(k) == v for k, v in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        self._deliver(chat)
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        chat.edits.append(dict(message))
        self.stats["edited"] += 1
        return _public(message)

    # ---- Bot API methods: each takes decoded params and uploads, returns the result
    async def _api_getMe(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_getUpdates(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get("offset") or 0
        self.polled_offset = max(self.polled_offset, int(offset))
        while self._updates and (
            self._updates[0][0] < offset or (offset < 0 and len(self._updates) > -offset)
        ):
            self._updates.popleft()  # confirmed: Telegram forgets them for good
        if "allowed_updates" in p:
            self._allowed = frozenset(p["allowed_updates"] or ()) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older parked poll now ends with 409, as on Telegram
        await self._wait(
            lambda: self._closing or generation != self._poll_generation or self._pending(),
            max(p.get("timeout") or 0, 0),
        )
        if generation != self._poll_generation:
            raise ApiError(409, DEFAULT_ERRORS[409])
        self._pending()
        limit = min(max(p.get("limit") or 100, 1), 100)
        return _Raw("[" + ",".join(u[2] for u in itertools.islice(self._updates, limit)) + "]")

    def _pending(self) -> bool:
        """Drop updates of types the bot did not ask for, then say whether any are left."""
        allowed = self._allowed

        def wanted(kind: str) -> bool:
            return kind in allowed if allowed else kind not in NOT_BY_DEFAULT

        if not all(wanted(kind) for _, kind, _ in self._updates):
            self._updates = deque(u for u in self._updates if wanted(u[1]))
        return bool(self._updates)

    async def _api_setWebhook(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        self._webhook = {"url": p.get("url") or ""}
        if "allowed_updates" in p:
            self._allowed = frozenset(p["allowed_updates"] or ()) or None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_deleteWebhook(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        self._webhook = {}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        return {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _api_logOut(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        return True

    _api_close = _api_logOut

    @staticmethod
    def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        return scope, p.get("language_code") or ""

    async def _api_setMyCommands(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be an array of at most 100 BotCommand")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = p.get("scope") or {}
        if scope.get("type", "").startswith("chat") and scope.get("chat_id") not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")  # the person never wrote to us
        self._my_commands[self._commands_key(p)] = self.commands = commands
        return True

    async def _api_getMyCommands(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        return self._my_commands.get(self._commands_key(p), [])

    async def _api_deleteMyCommands(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        self._my_commands.pop(self._commands_key(p), None)
        self.commands = []
        return True

    async def _api_setChatMenuButton(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("chat_id") is not None:
            self._chat(p)
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    async def _api_getChatMenuButton(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        default = self.menu_buttons.get(None, {"type": "default"})
        return self.menu_buttons.get(p.get("chat_id"), default)

    async def _api_sendMessage(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        text, entities = self._format(
            p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False
        )
        return self._send(chat, p, {"text": text} | ({"entities": entities} if entities else {}))

    def _caption(self, p: dict[str, Any]) -> dict[str, Any]:
        caption, entities = self._format(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        return ({"caption": caption} if caption else {}) | (
            {"caption_entities": entities} if entities else {}
        )

    async def _api_sendPhoto(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        content = self._caption(p)
        stored, upload = self._input_file(p, f, "photo")
        width, height = _png_size(stored.data)
        if (
            width
            and height
            and (width + height > 10_000 or max(width, height) > 20 * min(width, height))
        ):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "width": width,
            "height": height,
        }
        return self._send(
            chat,
            p,
            {"photo": [size], **content},
            {"_content": stored.data, "_file_name": upload.name if upload else None},
        )

    async def _api_sendDocument(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        content = self._caption(p)
        stored, upload = self._input_file(p, f, "document")
        name = upload.name if upload else stored.path.rsplit("/", 1)[-1]
        document = {
            "file_name": name,
            "mime_type": (upload.mime if upload else None) or "application/octet-stream",
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
        }
        return self._send(chat, p, {"document": document, **content}, {"_content": stored.data})

    async def _api_editMessageText(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._format(
            p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False
        )
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        return self._edited(
            chat, message, {"text": text, "entities": entities or None, "reply_markup": markup}
        )

    async def _api_editMessageCaption(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content = self._caption(p)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        return self._edited(
            chat,
            message,
            {
                "caption": content.get("caption"),
                "caption_entities": content.get("caption_entities"),
                "reply_markup": markup,
            },
        )

    async def _api_editMessageMedia(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        """Replaces a message's photo (and caption) in place; a text message may become a
        photo, as in Telegram. Only photos: the one kind of media the bot edits."""
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        media = p.get("media")
        if not isinstance(media, dict):
            raise ApiError(400, "Bad Request: can't parse input media JSON object")
        if not media.get("media"):
            raise ApiError(400, "Bad Request: can't parse InputMedia: Media is not specified")
        if media.get("type") != "photo":
            raise ApiError(400, "Bad Request: the emulator edits photos only")
        stored, _ = self._input_file({"photo": media["media"]}, f, "photo")
        width, height = _png_size(stored.data)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "width": width,
            "height": height,
        }
        content = self._caption(media)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        message.pop("text", None)
        message.pop("entities", None)
        message["_content"] = stored.data
        return self._edited(
            chat,
            message,
            {
                "photo": [size],
                "caption": content.get("caption"),
                "caption_entities": content.get("caption_entities"),
                "reply_markup": markup,
            },
        )

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        return self._edited(chat, message, {"reply_markup": markup})

    async def _api_deleteMessage(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        message = chat.messages.pop(p.get("message_id"), None)  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        message["_deleted"] = True
        return True

    async def _api_answerCallbackQuery(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        query_id = str(p.get("callback_query_id", ""))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.callback_answers[query_id] = {k: v for k, v in p.items() if k != "callback_query_id"}
        return True

    async def _api_sendChatAction(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self._deliver(chat, flood=False)
        return True

    async def _api_getFile(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        stored = self._files.get(str(p.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    async def _api_getChat(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            True,
        )
        return {
            **self._chat(p).obj,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }
