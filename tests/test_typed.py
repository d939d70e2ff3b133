"""The input vocabularies (bot/texts/input.py) and the folding that reads them (bot/typed.py)."""

from __future__ import annotations

import pytest

from bot import i18n, typed
from bot.texts import input as input_words

# Every vocabulary, by name: each maps a language to its words (a tuple, or a dict of word ->
# meaning; COMPLETION_WORDS one more level down).
VOCABULARIES = {
    name: value
    for name, value in vars(input_words).items()
    if name.isupper() and name != "MESSAGES" and isinstance(value, dict)
}


def words_of(vocabulary: dict) -> list[tuple[str, str, object]]:
    """(language, word, meaning) for every word in a vocabulary."""
    found = []
    for language, words in vocabulary.items():
        if isinstance(words, tuple):
            found += [(language, word, True) for word in words]
        elif all(
            isinstance(v, tuple) and all(isinstance(w, str) for w in v) for v in words.values()
        ):
            found += [(language, w, meaning) for meaning, ws in words.items() for w in ws]
        else:
            found += [(language, word, meaning) for word, meaning in words.items()]
    return found


def test_there_are_vocabularies() -> None:
    assert {"NUMBER_WORDS", "ZERO_WORDS", "SKIP_WORDS", "DAY_PARTS", "PAUSE_UNITS"} <= set(
        VOCABULARIES
    )


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_vocabulary_has_every_language(name: str) -> None:
    """A new language in bot/i18n.py needs its words too, or its speakers type in vain."""
    assert set(VOCABULARIES[name]) == set(i18n.LANGUAGES)


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_vocabulary_words_are_written_folded(name: str) -> None:
    """Typed text is folded before it is looked up: a word written otherwise never matches."""
    unfolded = [word for _, word, _ in words_of(VOCABULARIES[name]) if typed.fold(word) != word]
    assert unfolded == []


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_a_word_in_two_languages_means_the_same_in_both(name: str) -> None:
    """Every language's words are read together, so one word cannot mean two things."""
    meanings: dict[str, set[str]] = {}
    for _, word, meaning in words_of(VOCABULARIES[name]):
        meanings.setdefault(word, set()).add(repr(meaning))
    assert {word: m for word, m in meanings.items() if len(m) > 1} == {}


def test_a_word_means_one_completion_only() -> None:
    seen: dict[str, str] = {}
    for _, word, meaning in words_of(input_words.COMPLETION_WORDS):
        assert seen.setdefault(word, str(meaning)) == str(meaning), word


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Семь.", "семь"), ("Нет  боли!", "нет боли"), ("Всё", "все"), ("Didn’t", "didn't"),
     ("７", "7"), ("  skip  ", "skip")],
    ids=["capital-and-dot", "spaces-and-bang", "yo", "curly-apostrophe", "fullwidth", "padded"],
)  # fmt: skip
def test_fold(text: str, folded: str) -> None:
    assert typed.fold(text) == folded


@pytest.mark.parametrize(
    "text", ["skip", "Пропустить", "пропусти", "дальше", "нет", "No."], ids=str
)
def test_means_skip(text: str) -> None:
    assert typed.means_skip(text)


@pytest.mark.parametrize(
    "text", ["no pain today but tired", "нет, болит спина", "не пропускать"], ids=str
)
def test_a_sentence_is_not_a_skip(text: str) -> None:
    assert not typed.means_skip(text)
