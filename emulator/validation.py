"""Telegram's limits and checks: the methods and parameters it knows, how PTB encodes them,
the error answers, and the rules for reply markup.

The tables are laid out by hand, one method or limit a line, so a new Bot API method is one
line to add.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# fmt: off
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
# fmt: on


class ApiError(Exception):
    """A Bot API error answer: the HTTP status PTB maps to an exception, and the JSON body."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        html_body: bool = False,
    ) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters
        self.html_body = html_body  # nginx answers 502/504 in HTML, which PTB fails to parse


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
            raise ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                "should be an Array of Arrays",
            )
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "InlineKeyboardButton must be an Object",
                )
            if sum(kind in button for kind in BUTTON_KINDS) != 1:
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if data is not None and not (
                isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and (not isinstance(url, str) or not url or " " in url):
                raise ApiError(
                    400,
                    f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL",
                )
        return markup
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400,
                'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should '
                "be an Array of Arrays",
            )
        for button in itertools.chain.from_iterable(rows):
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str) or not text:
                raise ApiError(
                    400, "Bad Request: can't parse keyboard button: KeyboardButton text is empty"
                )
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
