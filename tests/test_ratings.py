"""parse_rating accepts a whole 0-10 and refuses anything else with the scale named."""

from __future__ import annotations

import pytest

from bot.errors import BotError, RatingError
from bot.models import BodyArea, Completion
from bot.ratings import AREA_LABELS, RATING_ANCHORS, parse_completion, parse_rating

NOT_A_RATING = "Please send a whole number from 0 (none) to 10 (worst imaginable), or tap a button."

GOOD = {
    "6": 6,
    " 7 ": 7,
    "6/10": 6,
    "6 / 10": 6,
    "0": 0,
    "10": 10,
    "10/10": 10,
    "06": 6,
    "７": 7,
    "１０": 10,
    "seven": 7,
    "Seven.": 7,
    "zero": 0,
    "none": 0,
    "None": 0,
    "no pain": 0,
    "No  pain": 0,
    "ten": 10,
    "seven/10": 7,
    "7 out of 10": 7,
}

BAD = {
    "11": "eleven",
    "-1": "minus-one",
    "fifty": "word",
    "eleven": "eleven-in-words",
    "a lot": "vague-words",
    "": "empty",
    "  ": "blank",
    "3.5": "three-and-a-half",
    "7.5": "seven-and-a-half",
    "7,5": "decimal-comma",
    "6/5": "out-of-five",
    "6/": "dangling-slash",
    "🙂": "emoji",
    "1e1": "exponent",
    "+5": "plus-sign",
    "100": "hundred",
    "6 7": "two-numbers",
    "5" + " " * 30: "too-long",
}


@pytest.mark.parametrize(("text", "expected"), GOOD.items(), ids=list(GOOD))
def test_parse_rating_accepts(text: str, expected: int) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", BAD, ids=list(BAD.values()))
def test_parse_rating_rejects(text: str) -> None:
    with pytest.raises(RatingError) as caught:
        parse_rating(text)
    assert caught.value.user_message == NOT_A_RATING
    assert str(caught.value) == NOT_A_RATING  # the ValueError's message is the correction


def test_parse_rating_rejects_none_from_a_sticker() -> None:
    with pytest.raises(RatingError) as caught:
        parse_rating(None)
    assert caught.value.user_message == NOT_A_RATING


def test_rating_error_is_a_value_error_and_a_bot_error() -> None:
    with pytest.raises(ValueError):
        parse_rating("11")
    with pytest.raises(BotError):
        parse_rating("11")


def test_rating_error_never_carries_the_persons_text() -> None:
    """The exception text reaches the logs, so it must not echo the input."""
    with pytest.raises(RatingError) as caught:
        parse_rating("it hurts, Ada")
    assert "Ada" not in str(caught.value)


def test_every_body_area_has_a_label() -> None:
    assert set(AREA_LABELS) == set(BodyArea)
    assert len(set(AREA_LABELS.values())) == len(BodyArea)


def test_rating_anchors_name_both_ends_and_the_middle() -> None:
    assert RATING_ANCHORS == {0: "none", 5: "moderate", 10: "worst imaginable"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("all", Completion.FULL),
        ("Fully.", Completion.FULL),
        ("  done ", Completion.FULL),
        ("partly", Completion.PARTIAL),
        ("Half", Completion.PARTIAL),
        ("skipped", Completion.SKIPPED),
        ("didn’t", Completion.SKIPPED),
        ("no", Completion.SKIPPED),
    ],
    ids=["all", "capital-and-dot", "spaces", "partly", "half", "skipped", "curly-apostrophe", "no"],
)
def test_parse_completion_reads_a_one_word_answer(text, expected) -> None:
    assert parse_completion(text) is expected


@pytest.mark.parametrize(
    "text",
    [None, "", "it was a long day", "all of it hurt"],
    ids=["sticker", "empty", "a-sentence", "mixed-words"],
)
def test_parse_completion_leaves_unclear_answers_to_the_buttons(text) -> None:
    assert parse_completion(text) is None


def test_the_pain_correction_uses_the_pain_scales_own_words() -> None:
    with pytest.raises(RatingError) as caught:
        parse_rating("lots", scale="pain")
    assert "0 (no pain) to 10 (worst pain imaginable)" in caught.value.user_message


# --- Russian, and any language typed whatever the person's language ---------------------------

RUSSIAN = {
    "ноль": 0,
    "Нуль": 0,
    "один": 1,
    "одна": 1,
    "одно": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "Семь": 7,
    "СЕМЬ!": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "нет боли": 0,
    "Не болит": 0,
    "никакой": 0,
    "нет": 0,
    "нисколько": 0,
    "нет  напряжения.": 0,
    "7 из 10": 7,
    "семь из десяти": 7,
    "7/10": 7,
    "семь/10": 7,
    "десять из 10": 10,
}


@pytest.mark.parametrize(("text", "expected"), RUSSIAN.items(), ids=list(RUSSIAN))
def test_parse_rating_reads_russian(text: str, expected: int) -> None:
    assert parse_rating(text) == expected


def test_parse_rating_folds_yo_and_ye_alike() -> None:
    """«ё» is often typed as «е»; the lists are written folded, so both spellings read."""
    assert parse_completion("всё") is parse_completion("все") is Completion.FULL


RUSSIAN_BAD = {
    "восемьнадцать": "not-a-number-word",
    "одиннадцать": "eleven",
    "11": "eleven-digits",
    "-1": "minus-one",
    "семь с половиной": "seven-and-a-half",
    "7,5": "decimal-comma",
    "много": "vague",
    "7 из 5": "out-of-five",
    "из 10": "scale-only",
    "сильно болит": "a-sentence",
}


@pytest.mark.parametrize("text", RUSSIAN_BAD, ids=list(RUSSIAN_BAD.values()))
def test_parse_rating_refuses_russian_it_cannot_read(text: str) -> None:
    with pytest.raises(RatingError) as caught:
        parse_rating(text)
    assert caught.value.user_message == NOT_A_RATING  # the English reply: no language set here


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("всё", Completion.FULL),
        ("Полностью.", Completion.FULL),
        ("да", Completion.FULL),
        ("частично", Completion.PARTIAL),
        ("не всё", Completion.PARTIAL),
        ("пропустил", Completion.SKIPPED),
        ("пропустила", Completion.SKIPPED),
        ("нет", Completion.SKIPPED),
    ],
    ids=["vsyo", "polnostyu", "da", "chastichno", "ne-vsyo", "propustil", "propustila", "net"],
)
def test_parse_completion_reads_russian(text, expected) -> None:
    assert parse_completion(text) is expected


def test_parse_completion_leaves_a_russian_sentence_to_the_buttons() -> None:
    assert parse_completion("сделала всё, но было больно") is None
