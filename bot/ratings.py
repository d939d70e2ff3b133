"""The 0-10 ratings for pain and tension, and the plain names of the body areas.

Pain uses the Numeric Pain Rating Scale (0 = no pain, 10 = worst imaginable);
tension uses the same 0-10 self-rating so the two can share buttons and charts.
"""

from __future__ import annotations

import re
import unicodedata

from bot import texts
from bot.errors import RatingError
from bot.models import BodyArea, Completion

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


# A whole number, optionally written out of ten ("6/10"). Halves are refused rather
# than rounded: the scale is whole points, and rounding would record what was not said.
_RATING = re.compile(r"(\d{1,2}|[a-z]+(?: [a-z]+)?)(?:\s*/\s*10| out of (?:10|ten))?")
_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
]
# The scale's own words for 0 mean 0: "0 = none", "0 = no pain".
_ZERO_WORDS = {"none", "no pain", "no tension", "nothing", "nil", "not at all", "no"}


def parse_rating(text: str | None, scale: str = "tension") -> int:
    """The 0-10 rating in `text`: "6", " 7 ", "6/10", "６" (fullwidth, via NFKC), "seven",
    and the scale's own word for 0 ("none", "no pain", "zero").

    `None` is what a sticker or photo brings, so it is refused like any other
    non-number. Raises RatingError (a ValueError) whose message is the reply: it names the
    scale (`scale` "pain" uses the pain scale's words) and never echoes the input, so it is
    safe in a log too.
    """
    error = texts.t("rating_invalid_pain" if scale == "pain" else "rating_invalid")
    if text is None or len(text) > 20:
        raise RatingError(error)
    typed = " ".join(unicodedata.normalize("NFKC", text).strip().lower().rstrip(".!").split())
    if typed in _ZERO_WORDS:
        return 0
    match = _RATING.fullmatch(typed)
    if match is None:
        raise RatingError(error)
    word = match[1]
    if word.isdigit():
        value = int(word)
    elif word in _NUMBER_WORDS:
        value = _NUMBER_WORDS.index(word)
    else:
        raise RatingError(error)
    if value > 10:
        raise RatingError(error)
    return value


_COMPLETION_WORDS: dict[Completion, tuple[str, ...]] = {
    Completion.FULL: ("all", "full", "fully", "done", "yes", "whole", "did it all", "completely"),
    Completion.PARTIAL: ("part", "partly", "partially", "some", "half", "did part of it"),
    Completion.SKIPPED: ("skip", "skipped", "no", "none", "not", "didn't", "did not"),
}


def parse_completion(text: str | None) -> Completion | None:
    """How much was done, from a typed word ("all", "partly", "skipped"); None if unclear.

    Only a whole answer matches: a sentence is better answered with the buttons than
    guessed at.
    """
    if not text:
        return None
    words = unicodedata.normalize("NFKC", text).strip().lower().rstrip(".!").replace("’", "'")
    for completion, choices in _COMPLETION_WORDS.items():
        if words in choices or words == completion.value:
            return completion
    return None
