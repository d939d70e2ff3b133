"""Markdown in practice texts -> Telegram's HTML subset (pure; no Telegram import).

Teachers write **bold**, _italic_, `code`, [links](https://…) and lists; Telegram's HTML parse
mode knows <b>, <i>, <s>, <code>, <pre> and <a href>, so each is mapped onto those and
everything else is escaped text. markdown-it-py parses (CommonMark, maintained); only the
rules named below are on, so plain text renders exactly as `html.escape` would and existing
content reads the same. Line breaks show as written, as they always have.
"""

from __future__ import annotations

import html
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SAFE_LINKS = ("https://", "http://", "tg://", "mailto:")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "zero" has no rules at all; raw HTML stays off, so a '<' in a text is just a '<'.
    return MarkdownIt("zero").enable(["emphasis", "strikethrough", "backticks", "link", "list"])


@lru_cache(maxsize=4096)
def to_telegram_html(text: str) -> str:
    """`text` as Telegram HTML: emphasis, links and lists rendered, the rest escaped."""
    if not text:
        return ""
    out: list[str] = []
    numbers: list[int | None] = []  # open lists: the next number, or None for bullets
    for token in _parser().parse(text):
        kind = token.type
        if kind == "inline":
            out.append(_inline(token.children or []))
        elif kind == "paragraph_close" and not token.hidden:
            out.append("\n\n")
        elif kind == "ordered_list_open":
            numbers.append(int(token.attrGet("start") or 1))
        elif kind == "bullet_list_open":
            numbers.append(None)
        elif kind in ("ordered_list_close", "bullet_list_close"):
            numbers.pop()
            out.append("\n" if numbers else "\n\n")
        elif kind == "list_item_open":
            indent = "   " * (len(numbers) - 1)
            number = numbers[-1]
            if number is None:
                out.append(f"{indent}• ")
            else:
                out.append(f"{indent}{number}. ")
                numbers[-1] = number + 1
        elif kind == "list_item_close":
            out.append("\n")
    return "".join(out).replace("\n\n\n", "\n\n").strip()


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    links: list[bool] = []  # whether each open link was kept (an unsafe one is plain text)
    for token in children:
        kind = token.type
        if kind == "text":
            out.append(html.escape(token.content, quote=False))
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "code_inline":
            out.append(f"<code>{html.escape(token.content, quote=False)}</code>")
        elif kind in ("strong_open", "strong_close"):
            out.append("<b>" if kind.endswith("open") else "</b>")
        elif kind in ("em_open", "em_close"):
            out.append("<i>" if kind.endswith("open") else "</i>")
        elif kind in ("s_open", "s_close"):
            out.append("<s>" if kind.endswith("open") else "</s>")
        elif kind == "link_open":
            href = str(token.attrGet("href") or "")
            keep = href.startswith(_SAFE_LINKS)
            links.append(keep)
            if keep:
                out.append(f'<a href="{html.escape(href, quote=True)}">')
        elif kind == "link_close":
            if links.pop():
                out.append("</a>")
        else:
            out.append(html.escape(token.content, quote=False))
    return "".join(out)
