"""Telegram's HTML, MarkdownV2 and Markdown parsers, as tdlib parses them.

Pure functions: text in, plain text and entities out, or EntityParseError with tdlib's message.
Offsets and lengths count UTF-16 code units, as Telegram does.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["EntityParseError", "parse_html", "parse_markdown", "parse_markdown_v2", "utf16_len"]


class EntityParseError(ValueError):
    """Text that Telegram refuses with "can't parse entities"; the message follows tdlib's."""


def utf16_len(text: str) -> int:
    """Telegram counts lengths and entity offsets in UTF-16 code units: an emoji counts 2."""
    return len(text.encode("utf-16-le")) // 2


def _at(source: str, index: int) -> str:
    return f"at byte offset {len(source[:index].encode())}"


# ---------------------------------------------------------------- HTML, as tdlib parses it
_HTML_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
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
            name = source[j + 2 : close].strip().lower()
            tag, start, attrs = stack.pop()
            if name and name != tag:
                raise EntityParseError(
                    f'Unmatched end tag {_at(source, j)}, expected "</{tag}>", found "</{name}>"'
                )
            entity = _html_entity(tag, start, pos, attrs, stack)
            if entity:
                entities.append(entity)
            i = close + 1
            continue
        k = _TAG_NAME.match(source, j + 1).end()  # type: ignore[union-attr]
        name = source[j + 1 : k].lower()
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
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the "
                    f'tag "{name}" {_at(source, j)}'
                )
            if value and value[0] in "\"'":
                value = value[1:-1]
            attrs[key] = html.unescape(value or "")
            k = attr.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {_at(source, j)}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" {_at(source, j)}'
            )
        stack.append((name, pos, attrs))
        i = k + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(parts), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _html_entity(
    tag: str,
    start: int,
    end: int,
    attrs: dict[str, str],
    parents: list[tuple[str, int, dict[str, str]]],
) -> dict[str, Any] | None:
    klass = attrs.get("class", "")
    if tag == "code" and klass.startswith("language-") and parents and parents[-1][0] == "pre":
        parents[-1][2]["language"] = klass[len("language-") :]  # <pre><code class=..> is one entity
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
_MD2_TYPES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
    "[": "text_link",
    "![": "custom_emoji",
}
_MD2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
    "![": "CustomEmoji",
}


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
                raise EntityParseError(
                    f"Can't find end of {'Pre' if fence == '```' else 'Code'} "
                    f"entity {_at(source, j)}"
                )
            first, newline, rest = body.partition("\n")
            language = first if fence == "```" and newline and first and " " not in first else ""
            start = pos
            add(rest if language else body)
            if pos > start:
                kind = "pre" if fence == "```" else "code"
                entities.append(
                    {"type": kind, "offset": start, "length": pos - start}
                    | ({"language": language} if language else {})
                )
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
                entities.append(
                    {"type": _MD2_TYPES[marker], "offset": start, "length": pos - start, key: value}
                )
            i = k
            continue
        if (
            char == "|"
            and source.startswith("||", j)
            and not any(m == "||" for m, *_ in stack)
            and (j + 2 == n or source[j + 2] == "\n")
        ):
            i = j + 2  # end of an expandable blockquote
            continue
        marker = next((m for m in ("__", "||", "![") if source.startswith(m, j)), char)
        if marker not in _MD2_TYPES:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        if stack and stack[-1][0] == marker and marker not in ("[", "!["):
            _, start, _ = stack.pop()
            if pos > start:
                entities.append(
                    {"type": _MD2_TYPES[marker], "offset": start, "length": pos - start}
                )
        else:
            stack.append((marker, pos, j))
        i = j + len(marker)
    if stack:
        marker, _, index = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MD2_NAMES[marker]} entity {_at(source, index)}"
        )
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
                url, i = source[i + 1 : close], close + 1
            offset, length = pos + utf16_len(chunk), utf16_len(body)
            if length and (fence != "]" or url):
                entities.append(
                    {"type": _MD_TYPES[fence], "offset": offset, "length": length}
                    | ({"url": url} if url else {})
                )
            chunk += body
        parts.append(chunk)
        pos += utf16_len(chunk)
    return "".join(parts), entities
