"""An aiohttp-based request class for PTB: the same Bot API calls at a fraction of the CPU.

PTB's default HTTPXRequest spends most of a send in httpx/httpcore bookkeeping (connection
pool scans, anyio wrappers, h11): measured in bench/fanout.py it is about two thirds of the
bot's CPU per message. aiohttp (already a dependency, for the emulator) parses HTTP in C and
keeps a simple pool. This class speaks to PTB exactly like HTTPXRequest: it returns the HTTP
status and body and lets PTB turn statuses into TelegramErrors; network failures become
NetworkError and timeouts TimedOut, as with httpx.

Select it with BOT_HTTP_CLIENT=aiohttp (settings.http_client); the default stays httpx until
it has run against the real Telegram for a while.
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
import time
import urllib.request
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import certifi
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"


class LeanResponses:
    """Drops the inline keyboard from the Message that Telegram returns for our own sends and
    edits, before PTB turns it into objects: the bot built that keyboard and never reads it
    back, and parsing it (one object per button) was half of the CPU of reading an answer
    (~140 of 240 us for the 0-10 keypad). The same for the message under a tapped button in
    an update: no handler reads its keyboard (the guard asks the store, flows read the
    button's data), and it was ~2/3 of the CPU of reading a tap (~310 of 500 us); nor its
    text's formatting (see _UNREAD_UNDER_A_BUTTON)."""

    __slots__ = ()

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        return LeanResponses.lean(BaseRequest.parse_json_payload(payload))

    @staticmethod
    def lean(data: dict[str, Any]) -> dict[str, Any]:
        result = data.get("result")
        if isinstance(result, dict) and "message_id" in result and "chat" in result:
            result.pop("reply_markup", None)
        elif isinstance(result, list):  # getUpdates
            for update in result:
                query = update.get("callback_query") if isinstance(update, dict) else None
                message = query.get("message") if isinstance(query, dict) else None
                if isinstance(message, dict):
                    for unread in _UNREAD_UNDER_A_BUTTON:
                        message.pop(unread, None)
        return data


# What no handler reads of the bot's own message under a tapped button: its keyboard (the guard
# asks the store), the formatting of its text (one object per bold or italic run) and its link
# preview settings. Its text, chat, id and date stay. ~40% of the CPU of reading a tap.
_UNREAD_UNDER_A_BUTTON = ("reply_markup", "entities", "caption_entities", "link_preview_options")


class AiohttpRequest(LeanResponses, BaseRequest):
    """`BaseRequest` over one `aiohttp.ClientSession`, created in `initialize()`.

    Timeouts follow HTTPXRequest's meaning: `pool_timeout` bounds the wait for a free
    connection, `connect_timeout` a new connection, `read_timeout` the wait for the answer.
    aiohttp has no separate write timeout, so `write_timeout` (or `media_write_timeout` for
    uploads) is added to the read budget: the request as a whole is still bounded.
    """

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_proxy_for_host",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str] = {}
        self._proxy_for_host: dict[tuple[str, str | None], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # As httpx does: certifi's CA bundle (slim images may lack the system's) and the
            # HTTPS_PROXY/NO_PROXY environment, read once here. aiohttp's own trust_env reads
            # the environment and ~/.netrc again on every request: half the CPU of a send.
            self._proxies = urllib.request.getproxies()
            self._proxy_for_host = {}
            context = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(
                limit=self._pool_size,
                limit_per_host=self._pool_size,
                ttl_dns_cache=300,
                ssl=context,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # answers are read as bytes by PTB
                trust_env=False,
                raise_for_status=False,
            )

    def _proxy(self, url: str) -> str | None:
        """The proxy for `url` from the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY)."""
        if not self._proxies:
            return None
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname)
        if key not in self._proxy_for_host:
            proxy = self._proxies.get(parts.scheme) or self._proxies.get("all")
            if proxy and parts.hostname and urllib.request.proxy_bypass(parts.hostname):
                proxy = None
            self._proxy_for_host[key] = proxy
        return self._proxy_for_host[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = write_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_add(pool, connect),  # waiting for a pooled connection + opening one
            sock_connect=connect,
            sock_read=_add(read, write),
        )
        proxy = self._proxy(url)
        data: Any = None
        headers = None
        if request_data is not None:
            if files:
                data = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    data.add_field(name, value)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    data.add_field(name, content, filename=filename, content_type=mime)
            else:
                data = form_encode(request_data.json_parameters)
                headers = {"Content-Type": FORM}
        try:
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts subclass asyncio/built-in TimeoutError
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


# urllib's quote_plus walks the bytes in a Python loop: for a reminder (its text and the
# keyboard's JSON) that is the largest single cost of a send. str.translate does the ASCII
# part in C; the rare non-ASCII runs (emoji, accents) go through quote() as before.
_ALWAYS_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_FORM_TABLE = {
    code: chr(code) if chr(code) in _ALWAYS_SAFE else "+" if code == 0x20 else f"%{code:02X}"
    for code in range(128)
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def quote_plus(text: str) -> str:
    """The same string as urllib.parse.quote_plus(text)."""
    quoted = text.translate(_FORM_TABLE)
    if not quoted.isascii():
        quoted = _NON_ASCII.sub(lambda run: quote(run.group(), safe=""), quoted)
    return quoted


def form_encode(parameters: dict[str, str]) -> bytes:
    """The same body as urllib.parse.urlencode(parameters).encode(), for str values."""
    return "&".join(
        f"{quote_plus(key)}={quote_plus(value)}" for key, value in parameters.items()
    ).encode()


def plain_keyboard(data: dict[str, Any]) -> None:
    """Turns an inline keyboard in a request's parameters into the dict PTB would make of it,
    in place and ~5x faster: PTB's generic to_dict walks every class's slots for each button
    (~110 us for the 0-10 keypad, ~13% of the CPU of an update). Buttons other than text with
    callback data or a link, and anything with api_kwargs, still go through PTB's own."""
    markup = data.get("reply_markup")
    if type(markup) is not InlineKeyboardMarkup or markup.api_kwargs:
        return
    rows = []
    for row in markup.inline_keyboard:
        out = []
        for button in row:
            plain = _plain_button(button)
            if plain is None:
                return  # leave the whole keyboard to PTB
            out.append(plain)
        rows.append(out)
    data["reply_markup"] = {"inline_keyboard": rows}


_PLAIN_BUTTON_FIELDS = frozenset({"text", "callback_data", "url"})


def _plain_button(button: InlineKeyboardButton) -> dict[str, str] | None:
    if type(button) is not InlineKeyboardButton or button.api_kwargs:
        return None
    for name in InlineKeyboardButton.__slots__:
        if name not in _PLAIN_BUTTON_FIELDS and getattr(button, name) is not None:
            return None
    if not isinstance(button.callback_data, str | None):
        return None  # arbitrary callback data: PTB's cache handles it
    plain = {"text": button.text}
    if button.callback_data is not None:
        plain["callback_data"] = button.callback_data
    if button.url is not None:
        plain["url"] = button.url
    return plain


class FormRequestData(RequestData):  # type: ignore[misc]  # final in typing only
    """A request's parameters already as the strings a form carries: what PTB's RequestData
    gives for plain values, without a RequestParameter per value on the way there."""

    __slots__ = ("_form",)

    def __init__(self, form: dict[str, str]) -> None:
        super().__init__()  # no parameters, no files
        self._form = form

    @property
    def json_parameters(self) -> dict[str, str]:
        return self._form


def direct_post(
    callback: Callable[..., Coroutine[Any, Any, Any]],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """A stand-in for `callback` (PTB's Bot._do_post, as a rate limiter is handed it) that builds
    the form of a plain request itself. PTB's way costs a RequestParameter and a chain of type
    checks per value, and serialises the same LinkPreviewOptions object afresh on every send
    (~12% of the CPU of a call on our side). Values that are not plain JSON (files, dates,
    PTB objects other than link preview options) go the usual way, as does everything if
    `callback` is not a bound method of a Bot."""
    bot = getattr(callback, "__self__", None)
    request = getattr(bot, "request", None)
    base_url = getattr(bot, "base_url", None)
    if not isinstance(request, BaseRequest) or not isinstance(base_url, str):
        return callback

    async def post(endpoint: str, data: dict[str, Any], **timeouts: Any) -> Any:
        form = _form_of(data)
        if form is None or endpoint == "getUpdates":
            return await callback(endpoint, data, **timeouts)
        return await request.post(
            url=f"{base_url}/{endpoint}", request_data=FormRequestData(form), **timeouts
        )

    return post


def _form_of(data: dict[str, Any]) -> dict[str, str] | None:
    """The form PTB would send for `data`, or None if a value needs PTB's own handling."""
    form = {}
    for key, value in data.items():
        if isinstance(value, str):  # StringEnums too: quote_plus reads their text
            form[key] = value
        elif value is None:
            continue
        elif type(value) is LinkPreviewOptions:
            form[key] = _link_preview_json(value)
        elif type(value) in _PLAIN_JSON:
            try:  # a dict or list holding a file or a PTB object is PTB's to encode
                form[key] = json.dumps(value)
            except TypeError:
                return None
        else:
            return None
    return form


_PLAIN_JSON = frozenset({int, float, bool, dict, list})
_LINK_PREVIEW_JSON: dict[int, tuple[LinkPreviewOptions, str]] = {}


def _link_preview_json(options: LinkPreviewOptions) -> str:
    """The JSON of a (frozen) LinkPreviewOptions, remembered: the bot's Defaults hand the same
    object to every send and edit."""
    known = _LINK_PREVIEW_JSON.get(id(options))
    if known is not None and known[0] is options:
        return known[1]
    text = json.dumps(options.to_dict())
    if len(_LINK_PREVIEW_JSON) >= 64:
        _LINK_PREVIEW_JSON.clear()
    _LINK_PREVIEW_JSON[id(options)] = (options, text)
    return text


def _add(a: float | None, b: float | None) -> float | None:
    """Sum of two timeouts, where None means unlimited."""
    return None if a is None or b is None else a + b


class Connectivity:
    """Whether Telegram answers: one WARNING when it stops answering, one INFO when it is back
    (not a line per attempt), and a heartbeat file whose age /health reads.

    `beat()` is called on every answer from Telegram and on every scheduler tick: a bot whose
    event loop is wedged does neither, and the container's HEALTHCHECK restarts it. A network
    outage alone keeps the ticks going, so it does not restart a bot that would only wait."""

    BEAT_EVERY = 5.0  # seconds between writes of the heartbeat file
    OUTAGE_AFTER = 3.0  # seconds of failures (at least two attempts) that make an outage

    def __init__(self, health_file: Path | None = None) -> None:
        self.health_file = health_file
        self.down_since: float | None = None
        self.warned = False  # the outage's one WARNING line was logged
        self.outages = 0
        self._last_write = 0.0

    def answered(self) -> None:
        if self.down_since is not None:
            if self.warned:
                log.info("telegram.reachable after_seconds=%d", time.monotonic() - self.down_since)
            self.down_since, self.warned = None, False
        self.beat()

    def failed(self, reason: str, host: str | None = None) -> None:
        """A blip that the next attempt gets through is the retry's business (bot/ratelimit.py
        logs it at INFO); failures lasting OUTAGE_AFTER seconds are an outage, logged once."""
        self.beat()  # retrying is a sign of life: an outage is waited out, not restarted
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
        if not self.warned and now - self.down_since >= self.OUTAGE_AFTER:
            self.warned = True
            self.outages += 1
            log.warning(
                "telegram.unreachable host=%s error=%s since_seconds=%d: retrying with backoff, "
                "logged again when it answers",
                host,
                reason,
                now - self.down_since,
            )

    def beat(self) -> None:
        now = time.time()
        if self.health_file is None or now - self._last_write < self.BEAT_EVERY:
            return
        self._last_write = now
        try:
            self.health_file.touch()
            os.utime(self.health_file, (now, now))
        except OSError:
            log.warning("health.write_failed")


class ObservedRequest:
    """Mixed into a request class: tells a `Connectivity` whether Telegram answered, and reads
    a non-JSON error page (nginx's 502/504 HTML) without PTB's ERROR traceback: it is an
    outage, not a bug, and the retry in bot/ratelimit.py deals with it."""

    __slots__ = ()
    connectivity: Connectivity | None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        watcher = self.connectivity
        try:
            code, payload = await super().do_request(*args, **kwargs)  # type: ignore[misc]
        except TelegramError as err:
            if watcher is not None:
                watcher.failed(type(err).__name__, _host(args, kwargs))
            raise
        if watcher is not None:
            if code >= 500:
                watcher.failed(f"HTTP{code}", _host(args, kwargs))
            else:
                watcher.answered()
        return code, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response (not JSON)") from exc
        return LeanResponses.lean(data)


class ObservedHTTPXRequest(ObservedRequest, HTTPXRequest):
    __slots__ = ("connectivity",)

    def __init__(self, *args: Any, connectivity: Connectivity | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.connectivity = connectivity


class ObservedAiohttpRequest(ObservedRequest, AiohttpRequest):
    __slots__ = ("connectivity",)

    def __init__(self, *args: Any, connectivity: Connectivity | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.connectivity = connectivity


def _host(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The host of a request's URL (never the path: it holds the token)."""
    url = kwargs.get("url", args[0] if args else "")
    return urlsplit(url).hostname if isinstance(url, str) else None
