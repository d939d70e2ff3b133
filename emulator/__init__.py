"""A local Telegram Bot API server for tests and the terminal demo.

PTB talks to it over real HTTP (httpx, multipart, the Updater's long polls), so a test drives
the same code paths as production. It answers like Telegram: the same HTTP statuses (PTB reads
the status, not `ok`), the same descriptions, dates in seconds, and Telegram's validation of
text length, markup, button data and parse modes. A bug that Telegram would reject fails a test
here instead of a user's morning practice. No sleeping: waits ride on one "pulse" event that
fires after every state change, so tests wake the moment the bot acts.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import logging
import math
import random
import re
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["ApiError", "Emulator", "EntityParseError", "parse_html", "parse_markdown",
           "parse_markdown_v2", "utf16_len"]

log = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes of UTF-8, not characters
MAX_UPLOAD = {"photo": 10 * 2**20, "document": 50 * 2**20}
MAX_DOWNLOAD = 20 * 2**20  # getFile refuses bigger files for bots
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
BUTTON_KINDS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                "copy_text", "callback_game", "pay")
CHAT_ACTIONS = frozenset(_words("typing upload_photo record_video upload_video record_voice "
                                "upload_voice upload_document choose_sticker find_location "
                                "record_video_note upload_video_note"))
# Telegram leaves these out unless allowed_updates names them; a bot that forgets to ask for
# chat_member updates never sees them in production, so it must not see them here either.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
DEFAULT_ERRORS = {400: "Bad Request: injected error", 403: "Forbidden: bot was blocked by the user",
                  409: "Conflict: terminated by other getUpdates request; make sure that only "
                  "one bot instance is running", 500: "Internal Server Error",
                  502: "Bad Gateway", 504: "Gateway Timeout"}

# Known methods and their parameters: unknown parameters are ignored like Telegram does, but
# recorded, because a misspelt parameter is a silent bug in production.
_SEND = ("chat_id message_thread_id business_connection_id disable_notification protect_content "
         "allow_paid_broadcast message_effect_id reply_parameters reply_markup "
         "reply_to_message_id allow_sending_without_reply direct_messages_topic_id "
         "suggested_post_parameters ")
_EDIT = "business_connection_id chat_id message_id inline_message_id reply_markup "
_METHODS = {
    "getMe": "", "logOut": "", "close": "", "getWebhookInfo": "",
    "getUpdates": "offset limit timeout allowed_updates",
    "setWebhook": "url certificate ip_address max_connections allowed_updates "
                  "drop_pending_updates secret_token",
    "deleteWebhook": "drop_pending_updates",
    "setMyCommands": "commands scope language_code",
    "getMyCommands": "scope language_code", "deleteMyCommands": "scope language_code",
    "setChatMenuButton": "chat_id menu_button", "getChatMenuButton": "chat_id",
    "sendMessage": _SEND + "text parse_mode entities link_preview_options "
                           "disable_web_page_preview",
    "sendPhoto": _SEND + "photo caption parse_mode caption_entities show_caption_above_media "
                         "has_spoiler",
    "sendDocument": _SEND + "document thumbnail caption parse_mode caption_entities "
                            "disable_content_type_detection",
    "editMessageText": _EDIT + "text parse_mode entities link_preview_options "
                               "disable_web_page_preview",
    "editMessageCaption": _EDIT + "caption parse_mode caption_entities show_caption_above_media",
    "editMessageReplyMarkup": _EDIT,
    "editMessageMedia": _EDIT + "media",
    "deleteMessage": "chat_id message_id",
    "answerCallbackQuery": "callback_query_id text show_alert url cache_time",
    "sendChatAction": "business_connection_id chat_id message_thread_id action",
    "getFile": "file_id", "getChat": "chat_id",
}
_KNOWN = {name.lower(): (name, _words(params)) for name, params in _METHODS.items()}
_INT_PARAMS = _words("chat_id message_id offset limit timeout reply_to_message_id "
                     "message_thread_id cache_time max_connections")
_BOOL_PARAMS = _words("disable_notification protect_content disable_web_page_preview show_alert "
                      "allow_sending_without_reply drop_pending_updates has_spoiler "
                      "disable_content_type_detection show_caption_above_media "
                      "allow_paid_broadcast")
_JSON_PARAMS = _words("reply_markup allowed_updates commands entities caption_entities scope "
                      "menu_button link_preview_options reply_parameters media")


class ApiError(Exception):
    """A Bot API error answer: the HTTP status PTB maps to an exception, and the JSON body."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None,
                 *, html_body: bool = False) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters
        self.html_body = html_body  # nginx answers 502/504 in HTML, which PTB fails to parse


class EntityParseError(ValueError):
    """Text that Telegram refuses with "can't parse entities"; the message follows tdlib's."""


def utf16_len(text: str) -> int:
    """Telegram counts lengths and entity offsets in UTF-16 code units: an emoji counts 2."""
    return len(text.encode("utf-16-le")) // 2


def _at(source: str, index: int) -> str:
    return f"at byte offset {len(source[:index].encode())}"


# ---------------------------------------------------------------- HTML, as tdlib parses it
_HTML_TYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
               "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
               "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
               "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
               "tg-emoji": "custom_emoji"}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TAG_NAME = re.compile(r"[^\s>]*")
_ATTR = re.compile(r"""([^\s=>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")


def _decode_entity(name: str) -> str | None:
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
    if name in named:
        return named[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else None


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of `source` in parse_mode HTML, or EntityParseError.

    Telegram itself keeps a bare '&' (and unknown entities like '&nbsp;') literally; with
    `strict` those fail too, because the Bot API asks for escaping and content that shows
    '&nbsp;' to a person is a bug worth catching."""
    parts: list[str] = []
    pos = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)
    while i < n:
        found = _HTML_SPECIAL.search(source, i)
        j = found.start() if found else n
        if j > i:
            parts.append(source[i:j])
            pos += utf16_len(parts[-1])
        if found is None:
            break
        if source[j] == "&":
            match = _HTML_ENTITY.match(source, j)
            char = _decode_entity(match.group(1)) if match else None
            if char is None and strict:
                raise EntityParseError(f"Unescaped '&' {_at(source, j)}; write &amp;")
            parts.append(char or "&")
            pos += utf16_len(parts[-1])
            i = match.end() if match and char else j + 1
            continue
        close = source.find(">", j)
        if source.startswith("</", j):
            if not stack:
                raise EntityParseError(f"Unexpected end tag {_at(source, j)}")
            if close < 0:
                raise EntityParseError(f"Unclosed end tag {_at(source, j)}")
            name = source[j + 2:close].strip().lower()
            tag, start, attrs = stack.pop()
            if name and name != tag:
                raise EntityParseError(f'Unmatched end tag {_at(source, j)}, expected "</{tag}>", '
                                       f'found "</{name}>"')
            entity = _html_entity(tag, start, pos, attrs, stack)
            if entity:
                entities.append(entity)
            i = close + 1
            continue
        k = _TAG_NAME.match(source, j + 1).end()  # type: ignore[union-attr]
        name = source[j + 1:k].lower()
        if k >= n:
            raise EntityParseError(f"Unclosed start tag {_at(source, j)}")
        if name not in _HTML_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" {_at(source, j)}')
        attrs = {}
        while True:
            while k < n and source[k].isspace():
                k += 1
            if k >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" {_at(source, j)}')
            if source[k] == ">":
                break
            attr = _ATTR.match(source, k)
            if attr is None:
                raise EntityParseError(f'Empty attribute name in the tag "{name}" {_at(source, j)}')
            key, value = attr.group(1).lower(), attr.group(2)
            if value is None and (name, key) != ("blockquote", "expandable"):
                raise EntityParseError("Expected equal sign in declaration of an attribute of the "
                                       f'tag "{name}" {_at(source, j)}')
            if value and value[0] in "\"'":
                value = value[1:-1]
            attrs[key] = html.unescape(value or "")
            k = attr.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {_at(source, j)}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(f'Tag "tg-emoji" must have attribute "emoji-id" '
                                   f"{_at(source, j)}")
        stack.append((name, pos, attrs))
        i = k + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(parts), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _html_entity(tag: str, start: int, end: int, attrs: dict[str, str],
                 parents: list[tuple[str, int, dict[str, str]]]) -> dict[str, Any] | None:
    klass = attrs.get("class", "")
    if tag == "code" and klass.startswith("language-") and parents and parents[-1][0] == "pre":
        parents[-1][2]["language"] = klass[len("language-"):]  # <pre><code class=..> is one entity
        return None
    if end == start or (tag == "a" and not attrs.get("href")):
        return None
    entity: dict[str, Any] = {"type": _HTML_TYPES[tag], "offset": start, "length": end - start}
    if tag == "a":
        entity["url"] = attrs["href"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    return entity


# ---------------------------------------------------------------- Markdown, as tdlib parses it
_MD2_SPECIAL = re.compile(r"[\\_*\[\]()~`>#+\-=|{}.!]")
_MD2_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough",
              "||": "spoiler", "[": "text_link", "![": "custom_emoji"}
_MD2_NAMES = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough",
              "||": "Spoiler", "[": "TextUrl", "![": "CustomEmoji"}


def _scan_escaped(source: str, k: int, end: str) -> tuple[str, int]:
    """Text up to the unescaped `end` (code, pre and URLs allow only backslash escapes)."""
    out: list[str] = []
    while k < len(source):
        if source[k] == "\\" and k + 1 < len(source):
            out.append(source[k + 1])
            k += 2
        elif source.startswith(end, k):
            return "".join(out), k + len(end)
        else:
            out.append(source[k])
            k += 1
    return "", -1


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities in parse_mode MarkdownV2: every reserved character outside an
    entity must be escaped, which is the commonest way bots break in production."""
    parts: list[str] = []
    pos = 0
    stack: list[tuple[str, int, int]] = []  # marker, start in plain text, index in source
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)

    def add(text: str) -> None:
        nonlocal pos
        parts.append(text)
        pos += utf16_len(text)

    while i < n:
        found = _MD2_SPECIAL.search(source, i)
        j = found.start() if found else n
        if j > i:
            add(source[i:j])
        if found is None:
            break
        char, line_start = source[j], j == 0 or source[j - 1] == "\n"
        if char == "\\":
            escaped = j + 1 < n and 0 < ord(source[j + 1]) < 127
            add(source[j + 1] if escaped else "\\")
            i = j + 2 if escaped else j + 1
            continue
        if char == "`":
            fence = "```" if source.startswith("```", j) else "`"
            body, end = _scan_escaped(source, j + len(fence), fence)
            if end < 0:
                raise EntityParseError(f"Can't find end of {'Pre' if fence == '```' else 'Code'} "
                                       f"entity {_at(source, j)}")
            first, newline, rest = body.partition("\n")
            language = first if fence == "```" and newline and first and " " not in first else ""
            start = pos
            add(rest if language else body)
            if pos > start:
                kind = "pre" if fence == "```" else "code"
                entities.append({"type": kind, "offset": start, "length": pos - start}
                                | ({"language": language} if language else {}))
            i = end
            continue
        if line_start and (char == ">" or source.startswith("**>", j)):
            i = j + (1 if char == ">" else 3)  # blockquote line marker
            continue
        if char == "]" and stack and stack[-1][0] in ("[", "!["):
            marker, start, _ = stack.pop()
            url, k = "", j + 1
            if source.startswith("(", k):
                url, k = _scan_escaped(source, k + 1, ")")
                if k < 0:
                    raise EntityParseError(f"Can't find end of a URL {_at(source, j + 2)}")
            if pos > start and url:
                key = "url" if marker == "[" else "custom_emoji_id"
                value = url if marker == "[" else url.rpartition("id=")[2]
                entities.append({"type": _MD2_TYPES[marker], "offset": start,
                                 "length": pos - start, key: value})
            i = k
            continue
        if char == "|" and source.startswith("||", j) and not any(m == "||" for m, *_ in stack) \
                and (j + 2 == n or source[j + 2] == "\n"):
            i = j + 2  # end of an expandable blockquote
            continue
        marker = next((m for m in ("__", "||", "![") if source.startswith(m, j)), char)
        if marker not in _MD2_TYPES:
            raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the "
                                   "preceding '\\'")
        if stack and stack[-1][0] == marker and marker not in ("[", "!["):
            _, start, _ = stack.pop()
            if pos > start:
                entities.append({"type": _MD2_TYPES[marker], "offset": start,
                                 "length": pos - start})
        else:
            stack.append((marker, pos, j))
        i = j + len(marker)
    if stack:
        marker, _, index = stack[-1]
        raise EntityParseError(f"Can't find end of {_MD2_NAMES[marker]} entity "
                               f"{_at(source, index)}")
    return "".join(parts), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_MD_SPECIAL = re.compile(r"[\\_*`\[]")
_MD_TYPES = {"*": "bold", "_": "italic", "`": "code", "```": "pre", "]": "text_link"}


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy parse_mode Markdown: no nesting, an unclosed marker is an error."""
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    pos, i, n = 0, 0, len(source)
    while i < n:
        found = _MD_SPECIAL.search(source, i)
        j = found.start() if found else n
        chunk = source[i:j]
        if found is None or source[j] == "\\":
            escaped = found is not None and j + 1 < n and source[j + 1] in "_*`["
            chunk += source[j + 1] if escaped else ("\\" if found else "")
            i = j + 2 if escaped else j + 1
        else:
            char = source[j]
            fence = "```" if source.startswith("```", j) else ("]" if char == "[" else char)
            begin = j + (1 if char == "[" else len(fence))
            end = source.find(fence, begin)
            if end < 0:
                raise EntityParseError(f"Can't find end of the entity starting {_at(source, j)}")
            body, i, url = source[begin:end], end + len(fence), ""
            if char == "[" and source.startswith("(", i):
                close = source.find(")", i)
                if close < 0:
                    raise EntityParseError(f"Can't find end of a URL {_at(source, i)}")
                url, i = source[i + 1:close], close + 1
            offset, length = pos + utf16_len(chunk), utf16_len(body)
            if length and (fence != "]" or url):
                entities.append({"type": _MD_TYPES[fence], "offset": offset, "length": length}
                                | ({"url": url} if url else {}))
            chunk += body
        parts.append(chunk)
        pos += utf16_len(chunk)
    return "".join(parts), entities


# ---------------------------------------------------------------- state
@dataclass(slots=True)
class _Upload:
    name: str
    mime: str | None
    data: bytes


@dataclass(slots=True)
class _File:
    file_id: str
    unique_id: str
    path: str
    data: bytes


class _Raw(str):
    """A result that is already JSON text (updates are serialised when queued)."""


class _Feed:
    """What the bot sent (or edited) in one chat, with the read cursor of next_message; with a
    history limit old items fall off and the cursor skips past them."""

    __slots__ = ("cursor", "items", "total")

    def __init__(self, limit: int | None) -> None:
        self.items: deque[dict[str, Any]] = deque(maxlen=limit)
        self.total = self.cursor = 0

    def append(self, item: dict[str, Any]) -> None:
        self.items.append(item)
        self.total += 1

    def take(self, count: int) -> list[dict[str, Any]]:
        first = self.total - len(self.items)
        self.cursor = max(self.cursor, first)
        out = list(itertools.islice(self.items, self.cursor - first, self.cursor - first + count))
        self.cursor += len(out)
        return out


@dataclass(eq=False)
class _Chat:
    obj: dict[str, Any]
    limit: int | None = None
    next_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: _Feed = field(init=False)
    edits: _Feed = field(init=False)

    def __post_init__(self) -> None:
        self.sent, self.edits = _Feed(self.limit), _Feed(self.limit)

    def add(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """A new message; ids are per chat and shared by the person and the bot, as in Telegram."""
        message = {"message_id": self.next_id, "from": sender, "chat": self.obj,
                   "date": int(time.time()), **content}
        self.remember(message)
        return message

    def remember(self, message: dict[str, Any]) -> None:
        self.messages[message["message_id"]] = message
        self.next_id = max(self.next_id, message["message_id"] + 1)
        if self.limit is not None and len(self.messages) > self.limit:
            del self.messages[next(iter(self.messages))]


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """The message as Telegram returns it: without the emulator's "_" keys, and without a reply
    keyboard (Telegram echoes only inline keyboards; PTB would fail to read another kind)."""
    shown = {k: v for k, v in message.items() if not k.startswith("_")}
    if "inline_keyboard" not in shown.get("reply_markup", {"inline_keyboard": None}):
        del shown["reply_markup"]
    return shown


def _user_text(text: str) -> dict[str, Any]:
    """What Telegram makes of a person's text: the leading /command gets a bot_command entity
    (PTB's CommandHandler looks for the entity, not the slash)."""
    command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?", text)
    if command is None:
        return {"text": text}
    entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
    return {"text": text, "entities": [entity]}


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return 0, 0


def _decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values from PTB's encoding (every non-string JSON-encoded), by parameter name:
    blind json.loads would turn a text "42" into a number."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _INT_PARAMS:
                try:
                    value = int(value)
                except ValueError:
                    if key != "chat_id":  # "@channel" stays a string
                        raise ApiError(400, f"Bad Request: invalid {key} specified") from None
            elif key in _BOOL_PARAMS:
                value = value.lower() in ("true", "1")
            elif key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    what = "reply keyboard markup" if key == "reply_markup" else key
                    raise ApiError(400, f"Bad Request: can't parse {what} JSON object") from None
        out[key] = value
    return out


def _too_many(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def _check_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Telegram's checks on reply_markup; PTB's own classes do not stop raw dicts or
    64-byte-plus callback data, so the emulator must."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                                "should be an Array of Arrays")
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: "
                                    "InlineKeyboardButton must be an Object")
            if sum(kind in button for kind in BUTTON_KINDS) != 1:
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: "
                                    "Text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not (isinstance(data, str)
                                         and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and (not isinstance(url, str) or not url or " " in url):
                raise ApiError(400, f"Bad Request: inline keyboard button URL '{url}' is invalid: "
                                    "Wrong HTTP URL")
        return markup
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, 'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should '
                                "be an Array of Arrays")
        for button in itertools.chain.from_iterable(rows):
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str) or not text:
                raise ApiError(400, "Bad Request: can't parse keyboard button: "
                                    "KeyboardButton text is empty")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")


# ---------------------------------------------------------------- the emulator
class Emulator:
    """A Bot API server on 127.0.0.1 plus the people who talk to the bot.

    `record_calls=False` and `history_limit` keep memory flat in benchmarks: counters in
    `stats` keep counting, while calls and old messages are not kept."""

    def __init__(self, token: str = "123456:TEST-TOKEN", *, bot_username: str = "psoas_coach_bot",
                 bot_name: str = "Psoas Coach", rate_limits: bool = False,
                 overall_per_second: int = 30, per_chat_per_second: int = 1,
                 paid_per_second: int = 1000,
                 per_group_per_minute: int = 20, record_calls: bool = True,
                 history_limit: int | None = None, strict_html: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {"id": int(token.split(":")[0]), "is_bot": True,
                                         "first_name": bot_name, "username": bot_username}
        self.base_url = self.base_file_url = ""
        self.rate_limits, self.overall_per_second = rate_limits, overall_per_second
        self.per_chat_per_second, self.paid_per_second = per_chat_per_second, paid_per_second
        self.per_group_per_minute = per_group_per_minute
        self.record_calls, self.strict_html = record_calls, strict_html
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.unknown_methods: list[str] = []
        self.unknown_params: list[tuple[str, str]] = []
        self.errors: deque[tuple[str, int, str]] = deque(maxlen=1000)  # method, status, text
        self.commands: list[dict[str, Any]] = []
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any] | None] = {}  # None until answered
        self.polled_offset = 0  # the highest getUpdates offset: updates below it were fetched
        self.stats: dict[str, Any] = {"calls": 0, "sent": 0, "edited": 0, "too_many_requests": 0,
                                      "paid_sent": 0, "errors_injected": 0, "blocked": 0,
                                      "methods": {}}
        self._history_limit, self._clock = history_limit, clock
        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int, _Chat] = {}
        self._blocked: set[int] = set()
        self._updates: deque[tuple[int, str, str]] = deque()  # (update_id, type, JSON)
        self._next_update_id = 1
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook: dict[str, Any] = {}
        self._my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._seq = itertools.count(1)
        self._fail_next: dict[str, deque[tuple[int, int | None, str | None]]] = {}
        self._fail_ratio: dict[str, tuple[int, float, int, random.Random]] = {}
        self._hang_next: dict[str, deque[float]] = {}
        self._chaos: tuple[float, float, float, int, random.Random] | None = None
        self._overall: deque[float] = deque()
        self._all_sends: deque[float] = deque()  # paid and free: the paid broadcast limit
        self._per_chat: dict[int, deque[float]] = {}
        self._pulse_event = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

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

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _pulse(self) -> None:
        """Wake every waiter; an Event per round so sync code (add_update, block) can notify."""
        event, self._pulse_event = self._pulse_event, asyncio.Event()
        event.set()

    async def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._pulse_event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    # ---- HTTP
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot"):].partition("/")
            if token != self.token:
                return self._answer(ApiError(401, "Unauthorized"))
            stored = self._files_by_path.get(file_path)
            if stored is None:
                return self._answer(ApiError(404, "Not Found"))
            return web.Response(body=stored.data, content_type="application/octet-stream")
        if not path.startswith("/bot"):
            return self._answer(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot"):].partition("/")
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
            shown = {k: {"file_name": f.name, "mime_type": f.mime, "size": len(f.data)}
                     for k, f in files.items()}
            self.calls.append((name, {**params, **shown}))
        log.debug("emulator.call method=%s", name)
        self._pulse()

    def _answer(self, result: Any) -> web.Response:
        if not isinstance(result, ApiError):
            body = result if isinstance(result, _Raw) else json.dumps(result, ensure_ascii=False)
            return web.Response(text=f'{{"ok":true,"result":{body}}}',
                                content_type="application/json")
        if result.status == 429:
            self.stats["too_many_requests"] += 1
        log.debug("emulator.error status=%s", result.status)
        if result.html_body:
            page = f"<html><head><title>{result.status} {result.description}</title></head></html>"
            return web.Response(text=page, status=result.status, content_type="text/html")
        payload: dict[str, Any] = {"ok": False, "error_code": result.status,
                                   "description": result.description}
        if result.parameters:
            payload["parameters"] = result.parameters
        return web.Response(text=json.dumps(payload, ensure_ascii=False), status=result.status,
                            content_type="application/json")

    def _injected(self, name: str) -> ApiError | None:
        key = name.lower()
        queue = self._fail_next.get(key)
        if queue:
            status, retry_after, description = queue.popleft()
        elif key in self._fail_ratio:
            status, ratio, retry_after, rng = self._fail_ratio[key]
            if rng.random() >= ratio:
                return None
            description = None
        elif self._chaos:
            ratio, _, _, retry_after, rng = self._chaos
            roll = rng.random()
            if roll >= ratio:
                return None
            status, description = (500 if roll < ratio / 2 else 429), None
        else:
            return None
        self.stats["errors_injected"] += 1
        if status == 429:
            error = _too_many(retry_after or 1)
            error.description = description or error.description
            return error
        return ApiError(status, description or DEFAULT_ERRORS.get(status, "Injected error"),
                        html_body=status in (502, 504))

    # ---- shared checks
    def _chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _deliver(self, chat: _Chat, *, flood: bool = True, paid: bool = False) -> None:
        """Last checks before something reaches the person: blocked, then flood control."""
        if chat.obj["id"] in self._blocked:
            self.stats["blocked"] += 1
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if flood and self.rate_limits:
            if paid:
                self._check_paid_flood()
            self._check_flood(chat, paid=paid)
        if paid:
            self.stats["paid_sent"] += 1

    def _check_paid_flood(self) -> None:
        """allow_paid_broadcast (Bot API 7.11): up to `paid_per_second` messages a sliding
        second in all, paid and free together; each paid one costs the bot 0.1 Star."""
        now = self._clock()
        every = self._all_sends
        while every and every[0] <= now - 1.0:
            every.popleft()
        if len(every) >= self.paid_per_second:
            raise _too_many(every[0] + 1.0 - now)

    def _check_flood(self, chat: _Chat, *, paid: bool = False) -> None:
        """Sliding windows: `overall_per_second` for the bot, `per_chat_per_second` per private
        chat, `per_group_per_minute` per group; a refused send does not count. A paid broadcast
        is not held to `overall_per_second` (_check_paid_flood counts it)."""
        now = self._clock()
        overall = self._overall
        while overall and overall[0] <= now - 1.0:
            overall.popleft()
        if not paid and len(overall) >= self.overall_per_second:
            raise _too_many(overall[0] + 1.0 - now)
        group = chat.obj["type"] != "private"
        limit, window = ((self.per_group_per_minute, 60.0) if group
                         else (self.per_chat_per_second, 1.0))
        stamps = self._per_chat.get(chat.obj["id"])
        if stamps is None:
            if len(self._per_chat) >= 10_000:  # bounded: forget chats quiet for a minute
                self._per_chat = {k: v for k, v in self._per_chat.items() if v and v[-1] > now - 60}
            stamps = self._per_chat[chat.obj["id"]] = deque()
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        if len(stamps) >= limit:
            raise _too_many(stamps[0] + window - now)
        if not paid:
            overall.append(now)
        self._all_sends.append(now)
        stamps.append(now)

    def _format(self, value: Any, parse_mode: Any, entities: Any, *,
                caption: bool) -> tuple[str, list[dict[str, Any]]]:
        """Plain text and entities as Telegram stores them: parsed, trimmed, length-checked."""
        source = "" if value is None else str(value)
        mode = str(parse_mode or "").lower()
        parsers: dict[str, Callable[[str], tuple[str, list[dict[str, Any]]]]] = {
            "html": lambda s: parse_html(s, strict=self.strict_html),
            "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
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
            raise ApiError(400, "Bad Request: message caption is too long" if caption
                           else "Bad Request: message is too long")
        return plain, trimmed

    def _reply_to(self, chat: _Chat, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None:
            if reply.get("allow_sending_without_reply") or params.get(
                    "allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        shown = _public(target)
        shown.pop("reply_to_message", None)
        return shown

    def _send(self, chat: _Chat, params: dict[str, Any], content: dict[str, Any],
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
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

    def _store_file(self, folder: str, name: str, data: bytes) -> _File:
        seq = next(self._seq)
        suffix = name[name.rfind("."):] if "." in name else ""
        stored = _File(f"EMU{folder[:3].upper()}{seq:08d}", f"AgAD{seq:06d}",
                       f"{folder}/file_{seq}{suffix}", data)
        self._files[stored.file_id] = self._files_by_path[stored.path] = stored
        return stored

    def _input_file(self, params: dict[str, Any], files: dict[str, _Upload],
                    key: str) -> tuple[_File, _Upload | None]:
        value = params.get(key)
        upload = files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://"):])
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

    def _edited(self, chat: _Chat, message: dict[str, Any],
                changes: dict[str, Any]) -> dict[str, Any]:
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
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _api_getUpdates(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if self._webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = p.get("offset") or 0
        self.polled_offset = max(self.polled_offset, int(offset))
        while self._updates and (self._updates[0][0] < offset
                                 or (offset < 0 and len(self._updates) > -offset)):
            self._updates.popleft()  # confirmed: Telegram forgets them for good
        if "allowed_updates" in p:
            self._allowed = frozenset(p["allowed_updates"] or ()) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older parked poll now ends with 409, as on Telegram
        await self._wait(lambda: self._closing or generation != self._poll_generation
                         or self._pending(), max(p.get("timeout") or 0, 0))
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
        return {"url": self._webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

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
        text, entities = self._format(p.get("text"), p.get("parse_mode"), p.get("entities"),
                                      caption=False)
        return self._send(chat, p, {"text": text} | ({"entities": entities} if entities else {}))

    def _caption(self, p: dict[str, Any]) -> dict[str, Any]:
        caption, entities = self._format(p.get("caption"), p.get("parse_mode"),
                                         p.get("caption_entities"), caption=True)
        return ({"caption": caption} if caption else {}) | (
            {"caption_entities": entities} if entities else {})

    async def _api_sendPhoto(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        content = self._caption(p)
        stored, upload = self._input_file(p, f, "photo")
        width, height = _png_size(stored.data)
        if width and height and (width + height > 10_000
                                 or max(width, height) > 20 * min(width, height)):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                "file_size": len(stored.data), "width": width, "height": height}
        return self._send(chat, p, {"photo": [size], **content},
                          {"_content": stored.data, "_file_name": upload.name if upload else None})

    async def _api_sendDocument(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        chat = self._chat(p)
        content = self._caption(p)
        stored, upload = self._input_file(p, f, "document")
        name = upload.name if upload else stored.path.rsplit("/", 1)[-1]
        document = {"file_name": name, "mime_type": (upload.mime if upload else None)
                    or "application/octet-stream", "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id, "file_size": len(stored.data)}
        return self._send(chat, p, {"document": document, **content}, {"_content": stored.data})

    async def _api_editMessageText(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._format(p.get("text"), p.get("parse_mode"), p.get("entities"),
                                      caption=False)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        return self._edited(chat, message, {"text": text, "entities": entities or None,
                                            "reply_markup": markup})

    async def _api_editMessageCaption(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        if p.get("inline_message_id"):
            return True
        chat = self._chat(p)
        message = self._editable(chat, p)
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content = self._caption(p)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        return self._edited(chat, message, {"caption": content.get("caption"),
                                            "caption_entities": content.get("caption_entities"),
                                            "reply_markup": markup})

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
        size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                "file_size": len(stored.data), "width": width, "height": height}
        content = self._caption(media)
        markup = _check_markup(p.get("reply_markup"), inline_only=True)
        message.pop("text", None)
        message.pop("entities", None)
        message["_content"] = stored.data
        return self._edited(chat, message, {"photo": [size],
                                            "caption": content.get("caption"),
                                            "caption_entities": content.get("caption_entities"),
                                            "reply_markup": markup})

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
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
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
        return {"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                "file_size": len(stored.data), "file_path": stored.path}

    async def _api_getChat(self, p: dict[str, Any], f: dict[str, _Upload]) -> Any:
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), True)
        return {**self._chat(p).obj, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    # ---- acting as people
    def add_user(self, user_id: int, first_name: str = "Ann", *, username: str | None = None,
                 language_code: str | None = "en") -> dict[str, Any]:
        """A person and their private chat (chat id == user id, as in Telegram)."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        user |= ({"username": username} if username else {}) | (
            {"language_code": language_code} if language_code else {})
        self._users[user_id] = user
        obj = {"id": user_id, "type": "private", "first_name": first_name}
        obj |= {"username": username} if username else {}
        if user_id in self._chats:
            self._chats[user_id].obj.clear()
            self._chats[user_id].obj.update(obj)
        else:
            self._chats[user_id] = _Chat(obj, self._history_limit)
        return user

    def _user(self, user_id: int) -> dict[str, Any]:
        return self._users.get(user_id) or self.add_user(user_id)

    def _queue(self, kind: str, payload: dict[str, Any]) -> None:
        update_id, self._next_update_id = self._next_update_id, self._next_update_id + 1
        text = json.dumps({"update_id": update_id, kind: _public(payload)}, ensure_ascii=False)
        self._updates.append((update_id, kind, text))  # serialised now: later edits don't leak in
        self._pulse()

    def _from_user(self, user_id: int, content: dict[str, Any], chat_id: int | None = None,
                   chat_type: str = "private") -> dict[str, Any]:
        user = self._user(user_id)
        cid = user_id if chat_id is None else chat_id
        if cid not in self._chats:
            self._chats[cid] = _Chat({"id": cid, "type": chat_type, "title": f"Chat {cid}"},
                                     self._history_limit)
        message = self._chats[cid].add(user, content)
        self._queue("message", message)
        return message

    async def send_text(self, user_id: int, text: str, *, chat_id: int | None = None,
                        chat_type: str = "private") -> dict[str, Any]:
        """A text message; a leading /command (optionally @botname) gets its bot_command entity."""
        return self._from_user(user_id, _user_text(text), chat_id, chat_type)

    async def send_sticker(self, user_id: int) -> dict[str, Any]:
        seq = next(self._seq)
        sticker = {"file_id": f"EMUSTK{seq:08d}", "file_unique_id": f"AgAD{seq:06d}",
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": "😀"}
        return self._from_user(user_id, {"sticker": sticker})

    async def send_photo(self, user_id: int, data: bytes = b"", *,
                         caption: str | None = None) -> dict[str, Any]:
        """A photo in two sizes, as Telegram sends them; the bytes are downloadable."""
        stored = self._store_file("photos", "photo.jpg", data)
        width, height = _png_size(data) if data else (800, 600)
        sizes = [{"file_id": stored.file_id + "s", "file_unique_id": stored.unique_id + "s",
                  "width": 90, "height": 68},
                 {"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                  "file_size": len(data), "width": width, "height": height}]
        content = {"photo": sizes} | ({"caption": caption} if caption else {})
        return self._from_user(user_id, content)

    async def send_location(self, user_id: int, latitude: float,
                            longitude: float) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self._from_user(user_id, {"location": location})

    async def send_document(self, user_id: int, file_name: str, data: bytes,
                            mime_type: str = "application/octet-stream", *,
                            file_size: int | None = None) -> dict[str, Any]:
        """A document; `file_size` overrides the size Telegram reports (a 50 MB upload
        without sending 50 MB)."""
        stored = self._store_file("documents", file_name, data)
        size = len(data) if file_size is None else file_size
        document = {"file_name": file_name, "mime_type": mime_type, "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id, "file_size": size}
        return self._from_user(user_id, {"document": document})

    async def edit_text(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The person edits their own text message: an edited_message update."""
        chat = self._chats.get(user_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None or message.get("from", {}).get("id") != user_id or "text" not in message:
            raise AssertionError(f"user {user_id} has no text message {message_id} to edit")
        message.pop("entities", None)
        message.update(_user_text(text), edit_date=int(time.time()))
        self._queue("edited_message", message)
        return message

    async def press(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None,
                    check: bool = True, inaccessible: bool = False) -> str:
        """Tap an inline button on a bot message; with `check` the message must still carry a
        button with this data (a button removed by an edit can't be tapped). `inaccessible`
        sends it as Telegram does for an old message: only its chat and id, with date 0."""
        user = self._user(user_id)
        cid = user_id if chat_id is None else chat_id
        chat = self._chats.get(cid)
        message = chat.messages.get(message_id) if chat else None
        if message is None or message.get("from", {}).get("id") != self.bot_user["id"]:
            raise AssertionError(f"no bot message {message_id} in chat {cid}")
        buttons = itertools.chain.from_iterable(
            message.get("reply_markup", {}).get("inline_keyboard", []))
        offered = [b.get("callback_data") for b in buttons]
        if check and data not in offered:
            raise AssertionError(f"message {message_id} has no button {data!r}; it has {offered}")
        query_id = f"{next(self._seq)}{user_id}"
        self.callback_answers[query_id] = None
        shown = ({"message_id": message_id, "chat": message["chat"], "date": 0} if inaccessible
                 else _public(message))
        self._queue("callback_query", {"id": query_id, "from": user, "message": shown,
                                       "chat_instance": str(cid * 7919 % 2**62), "data": data})
        return query_id

    async def press_button(self, user_id: int, message: dict[str, Any],
                           text_or_index: str | int) -> str:
        """Tap by visible text (exact, else substring) or by flat index, like a person would."""
        buttons = list(itertools.chain.from_iterable(
            message.get("reply_markup", {}).get("inline_keyboard", [])))
        if isinstance(text_or_index, int):
            chosen = buttons[text_or_index:text_or_index + 1] if text_or_index >= 0 else []
        else:
            chosen = ([b for b in buttons if b["text"] == text_or_index]
                      or [b for b in buttons if text_or_index in b["text"]])
        if not chosen or "callback_data" not in chosen[0]:
            raise AssertionError(f"no callback button {text_or_index!r} in message "
                                 f"{message.get('message_id')}: {[b['text'] for b in buttons]}")
        return await self.press(user_id, message["message_id"], chosen[0]["callback_data"],
                                chat_id=message["chat"]["id"])

    @property
    def latest_update_id(self) -> int:
        """The id of the newest update queued for the bot (0 before the first)."""
        return self._next_update_id - 1

    def add_update(self, update: dict[str, Any]) -> None:
        """A raw update (channel post, group message...); its chat becomes known to the bot."""
        update_id = update.get("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update_id + 1)
        kind = next(k for k in update if k != "update_id")
        payload = update[kind]
        message = payload.get("message", payload) if isinstance(payload, dict) else {}
        chat_obj = message.get("chat") if isinstance(message, dict) else None
        if chat_obj and "id" in chat_obj:
            chat = self._chats.setdefault(chat_obj["id"], _Chat(chat_obj, self._history_limit))
            if "message_id" in message:
                chat.remember(message)
        self._updates.append((update_id, kind, json.dumps({**update, "update_id": update_id},
                                                          ensure_ascii=False)))
        self._pulse()

    # ---- observing the bot
    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages to the chat, live: edits change them, deletes mark "_deleted"."""
        chat = self._chats.get(chat_id)
        return list(chat.sent.items) if chat else []

    async def _next(self, chat_id: int, timeout: float, edits: bool) -> dict[str, Any]:
        def feed() -> _Feed | None:
            chat = self._chats.get(chat_id)
            return (chat.edits if edits else chat.sent) if chat else None

        if not await self._wait(lambda: (f := feed()) is not None and f.cursor < f.total, timeout):
            what = "edit" if edits else "message"
            raise AssertionError(self._report(f"no new bot {what} in chat {chat_id} within "
                                              f"{timeout} s", chat_id))
        return feed().take(1)[0]  # type: ignore[union-attr]

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> dict[str, Any]:
        """The next bot message to the chat that this has not returned yet (live dict)."""
        return await self._next(chat_id, timeout, edits=False)

    async def next_edit(self, chat_id: int, timeout: float = 5.0) -> dict[str, Any]:
        """The next edit in the chat, as a snapshot of the message right after that edit."""
        return await self._next(chat_id, timeout, edits=True)

    def drain(self, chat_id: int) -> list[dict[str, Any]]:
        chat = self._chats.get(chat_id)
        return chat.sent.take(chat.sent.total) if chat else []

    def drain_edits(self, chat_id: int) -> list[dict[str, Any]]:
        chat = self._chats.get(chat_id)
        return chat.edits.take(chat.edits.total) if chat else []

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        if not await self._wait(predicate, timeout):
            raise AssertionError(self._report(f"condition not met within {timeout} s", None))

    async def wait_for_call(self, method: str, timeout: float = 5.0, *,
                            after: int = 0) -> dict[str, Any]:
        """Params of the first `method` call at index >= after in `calls`."""
        key = method.lower()

        def found() -> dict[str, Any] | None:
            return next((p for n, p in itertools.islice(self.calls, after, None)
                         if n.lower() == key), None)

        if not await self._wait(lambda: found() is not None, timeout):
            raise AssertionError(self._report(f"no {method} call within {timeout} s", None))
        return found()  # type: ignore[return-value]

    def _report(self, headline: str, chat_id: int | None) -> str:
        lines = [headline]
        if chat_id is not None:
            recent = [str(m.get("text", m.get("caption", "<media>")))[:80]
                      for m in self.messages(chat_id)[-5:]]
            lines.append(f"last bot messages there: {recent}")
        lines.append(f"last calls: {[name for name, _ in self.calls[-8:]]}")
        if self.errors:
            lines.append(f"last errors: {list(self.errors)[-3:]}")
        if self.unknown_methods:
            lines.append(f"unknown methods: {self.unknown_methods}")
        return "\n".join(lines)

    # ---- faults and people's state
    def block(self, user_id: int) -> None:
        """The person blocked the bot: sends to their chat answer 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def fail_next(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None,
                  description: str | None = None) -> None:
        """The next `times` calls of `method` answer `status` without taking effect; 502 and
        504 answer nginx's HTML page, as Telegram's front end does."""
        queue = self._fail_next.setdefault(method.lower(), deque())
        queue.extend([(status, retry_after, description)] * times)

    def fail_ratio(self, method: str, status: int, ratio: float, *, retry_after: int = 1,
                   seed: int = 0) -> None:
        """A seeded random share of `method` calls fail; ratio 0 turns it off."""
        if ratio <= 0:
            self._fail_ratio.pop(method.lower(), None)
        else:
            self._fail_ratio[method.lower()] = (status, ratio, retry_after, random.Random(seed))

    def chaos(self, ratio: float, *, slow: float = 0.0, slow_seconds: float = 0.3,
              retry_after: int = 1, seed: int = 0) -> None:
        """Telegram on a bad day, for every method: a seeded `ratio` of calls answer 500 or 429
        (half each) without taking effect, and `slow` of the rest take effect but answer after
        `slow_seconds`. fail_next, fail_ratio and hang_next still come first. 0, 0 ends it."""
        self._chaos = (ratio, slow, slow_seconds, retry_after, random.Random(seed)) \
            if ratio or slow else None

    def hang_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next calls take effect but answer only after `seconds` (or at stop()), so the
        client times out on a message that was in fact delivered: the duplicate-send trap."""
        self._hang_next.setdefault(method.lower(), deque()).extend([seconds] * times)
