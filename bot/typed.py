"""Reading words people type, in any of the bot's languages (the lists: bot/texts/input.py).

Pure: folding and the merged vocabularies the parsers in bot/ratings.py and bot/timeparse.py
read. Every language's words are accepted whatever the person's language: people mix them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TypeVar

from bot.texts import input as input_words

V = TypeVar("V")

_TRAILING = ".!?…"


def fold(text: str) -> str:
    """The form words are compared in: NFKC (so "７" is "7"), lower case, "ё" as "е",
    curly apostrophes straight, single spaces, no end punctuation.

    So «Семь.» is "семь", «Нет  боли!» is "нет боли" and "Didn’t" is "didn't".
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").replace("’", "'")
    return " ".join(text.split()).rstrip(_TRAILING).rstrip()


def merged(per_language: Mapping[str, Mapping[str, V]]) -> dict[str, V]:
    """One word -> value map from every language's; a word two languages both list must mean
    the same in both (checked by tests/test_typed.py)."""
    return {word: value for words in per_language.values() for word, value in words.items()}


def union(per_language: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Every language's words as one set."""
    return frozenset(word for words in per_language.values() for word in words)


def means_skip(text: str) -> bool:
    """Whether typed text is a Skip ("skip", «пропустить», «дальше»): a whole answer only, so
    a note that merely starts with "no" is still a note."""
    return fold(text) in _SKIP_WORDS


_SKIP_WORDS = union(input_words.SKIP_WORDS)
