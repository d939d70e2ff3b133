"""The content check speaks the admin's language: with Russian set, a broken content folder
is reported in Russian, with the file's own values (ids, numbers, paths) filled in, and the
English wording stays what it was when no language is set."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot import contentops, i18n
from bot.content import ContentInvalid, diff_summary, load_folder
from tests.harness import CONTENT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RU_BREATHING = (FIXTURES / "ru" / "practices" / "breathing.md").read_text()

# Words a Russian problem may still hold: names a teacher types or sees in the files.
NAMES = {"id", "zip", "md", "TEMPLATE", "YAML", "UTF", "Markdown", "Windows", "true", "false"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    shutil.rmtree(target / "ru", ignore_errors=True)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}: the test's content changed"
    path.write_text(text.replace(old, new, 1))


def problems_in(folder: Path, language: str) -> list[str]:
    with i18n.use_language(language), pytest.raises(ContentInvalid) as caught:
        contentops.check_folder(folder)
    return [str(problem) for problem in caught.value.problems]


def english_words(problem: str) -> set[str]:
    """Latin words left once the file's own names («quoted», paths, the file:line) are gone."""
    reason = problem.split(": ", 1)[1]
    reason = re.sub(r"«[^»]*»", " ", reason)
    reason = re.sub(r"\S*[/.]\S*", " ", reason)
    return set(re.findall(r"[A-Za-z]+", reason)) - NAMES


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_practice_missing_its_title_is_reported_in_russian(folder):
    edit(folder, "practices/breathing.md", "title: Belly breathing\n", "")
    problem = only(problems_in(folder, "ru"))
    assert problem == "practices/breathing.md:2: «title»: нет в файле"
    assert english_words(problem) == set()
    # No language set (python -m bot check-content): the English of before.
    assert only(problems_in(folder, "en")) == "practices/breathing.md:2: 'title' is missing"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("90 min", "шаг 3, таймер: нужно от 5 секунд до 60 минут"),
        (
            "two minutes",
            "шаг 3, таймер: нужна длительность, например «15 min» или «30 s», а не 'two minutes'",
        ),
    ],
    ids=["out-of-range", "not-a-length"],
)
def test_a_broken_timer_names_the_step_in_russian(folder, written, reason):
    """Out of range: the limits; not a length: an example, and what was written, quoted."""
    edit(folder, "practices/breathing.md", "timer: 2 min", f"timer: {written}")
    problem = only(problems_in(folder, "ru"))
    assert problem.endswith(f": {reason}"), problem
    assert english_words(problem) <= set(written.split())  # only the admin's own words


def test_a_program_day_naming_an_unknown_practice_is_reported_in_russian(folder):
    edit(folder, "program.md", "- [breathing, {practice", "- [breathnig, {practice")
    problem = only(problems_in(folder, "ru"))
    assert problem.startswith("program.md:12: "), problem
    assert problem.endswith(
        "нет практики с id «breathnig»: может быть, имелась в виду «breathing»?"
    ), problem
    assert english_words(problem) == set()


def test_an_unknown_practice_with_no_close_name_says_which_file_to_add(folder):
    edit(folder, "program.md", "- [breathing, {practice", "- [hip-circles, {practice")
    problem = only(problems_in(folder, "ru"))
    assert problem.endswith(
        "нет практики с id «hip-circles»: добавьте practices/hip-circles.md "
        "(вместе с этим файлом, в одном zip)"
    ), problem
    assert english_words(problem) == set()


def test_a_translation_whose_timers_differ_is_reported_in_russian(folder):
    (folder / "ru" / "practices").mkdir(parents=True)
    (folder / "ru" / "practices" / "breathing.md").write_text(
        RU_BREATHING.replace("(timer: 2 min)", "(timer: 5 min)")
    )
    problem = only(problems_in(folder, "ru"))
    assert problem.startswith(
        "ru/practices/breathing.md:1: таймеры: должно быть как в английском "
        "practices/breathing.md — перевод меняет только слова."
    ), problem
    assert english_words(problem) == set()


def test_two_differences_are_joined_in_russian(folder):
    (folder / "ru" / "practices").mkdir(parents=True)
    (folder / "ru" / "practices" / "breathing.md").write_text(
        RU_BREATHING.replace("(timer: 2 min)", "(timer: 5 min)").replace("minutes: 3", "minutes: 4")
    )
    problem = only(problems_in(folder, "ru"))
    assert ": «minutes» и таймеры: должно быть как в английском" in problem, problem


def test_what_an_upload_changed_is_listed_in_russian(folder):
    before = load_folder(folder)
    edit(folder, "practices/breathing.md", "Belly breathing", "Soft belly breathing")
    with i18n.use_language("ru"):
        assert diff_summary(before, load_folder(folder)) == ["изменено: breathing"]
        assert "изменено: программа" in diff_summary(None, before)


def test_a_missing_folder_is_reported_in_russian(tmp_path):
    problem = only(problems_in(tmp_path / "nowhere", "ru"))
    assert problem.endswith("nowhere:0: папка с материалами не найдена"), problem
