"""The 0-10 ratings for pain and tension, and the plain names of the body areas.

Pain uses the Numeric Pain Rating Scale (0 = no pain, 10 = worst imaginable);
tension uses the same 0-10 self-rating so the two can share buttons and charts.
"""

from __future__ import annotations

import re

from bot import texts, typed
from bot.errors import RatingError
from bot.models import BodyArea, Completion
from bot.texts import input as input_words

RATING_ANCHORS = {n: str(texts.MESSAGES[f"in_anchor_{n}"]) for n in (0, 5, 10)}
"""Words shown beside 0, 5 and 10 (in English; `anchor_words()` in the person's language):
the scale means little without its ends named."""

AREA_LABELS: dict[BodyArea, str] = {
    area: str(texts.MESSAGES[f"in_area_{area.value}"]) for area in BodyArea
}
"""The check-in buttons' words, in English and in the buttons' order; `area_name()` gives
them in the person's language."""


def area_name(area: BodyArea) -> str:
    """The check-in button's words for `area`, in the current language (plain text)."""
    return texts.template(f"in_area_{area.value}")


def anchor_words() -> dict[int, str]:
    """The words beside 0, 5 and 10, in the current language (plain text)."""
    return {n: texts.template(f"in_anchor_{n}") for n in RATING_ANCHORS}


# The words people type, every language's at once (bot/texts/input.py).
_NUMBER_WORDS = typed.merged(input_words.NUMBER_WORDS)
_ZERO_WORDS = typed.union(input_words.ZERO_WORDS)
# "7/10", "7 out of 10", «7 из 10»: the scale said with the number, taken off before reading it.
_OUT_OF_TEN = re.compile(
    r"\s*/\s*10$|\s+(?:"
    + "|".join(map(re.escape, sorted(typed.union(input_words.OUT_OF_TEN), key=len, reverse=True)))
    + ")$"
)
# A whole number, or a number word. Halves are refused rather than rounded: the scale is
# whole points, and rounding would record what was not said («семь с половиной» too).
_DIGITS = re.compile(r"\d{1,2}")


def parse_rating(text: str | None, scale: str = "tension") -> int:
    """The 0-10 rating in `text`: "6", " 7 ", "6/10", "６" (fullwidth, via NFKC), "seven",
    «семь», «7 из 10», and the scale's own word for 0 ("none", "no pain", «нет боли»), in
    any of the bot's languages.

    `None` is what a sticker or photo brings, so it is refused like any other
    non-number. Raises RatingError (a ValueError) whose message is the reply: it names the
    scale (`scale` "pain" uses the pain scale's words) and never echoes the input, so it is
    safe in a log too.
    """
    error = texts.t("rating_invalid_pain" if scale == "pain" else "rating_invalid")
    if text is None or len(text) > 20:
        raise RatingError(error)
    said = typed.fold(text)
    if said in _ZERO_WORDS:
        return 0
    word = _OUT_OF_TEN.sub("", said)
    if _DIGITS.fullmatch(word):
        value = int(word)
    elif word in _NUMBER_WORDS:
        value = _NUMBER_WORDS[word]
    else:
        raise RatingError(error)
    if value > 10:
        raise RatingError(error)
    return value


_COMPLETION_WORDS: dict[str, Completion] = {
    word: Completion(value)
    for per_language in input_words.COMPLETION_WORDS.values()
    for value, words in per_language.items()
    for word in words
}


def parse_completion(text: str | None) -> Completion | None:
    """How much was done, from a typed word ("all", "partly", "skipped"); None if unclear.

    Only a whole answer matches: a sentence is better answered with the buttons than
    guessed at.
    """
    if not text:
        return None
    said = typed.fold(text)
    if said in {c.value for c in Completion}:
        return Completion(said)
    return _COMPLETION_WORDS.get(said)
