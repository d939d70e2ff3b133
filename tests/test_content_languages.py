"""Content per language: content/<lang>/ mirrors content/, file by file, with the English
served wherever a translation is missing. A translation keeps the English structure, records
the English version it was made from, and check-content says what is missing or out of date.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import contentops, i18n
from bot.__main__ import main
from bot.content import (
    ContentInvalid,
    build_library,
    diff_summary,
    english_hash,
    load_folder,
    mark_translated,
    read_folder,
    translated_from,
)
from tests.harness import CONTENT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RU_BREATHING = (FIXTURES / "ru" / "practices" / "breathing.md").read_text()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped content with the Russian breathing practice beside it."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    shutil.rmtree(target / "ru", ignore_errors=True)  # the fixture, not what k-write ships
    (target / "ru" / "practices").mkdir(parents=True)
    (target / "ru" / "practices" / "breathing.md").write_text(RU_BREATHING)
    return target


def english(folder: Path, name: str) -> str:
    return (folder / name).read_text()


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        contentops.check_folder(folder)
    return [str(problem) for problem in caught.value.problems]


def test_a_russian_file_is_served_in_russian_and_the_rest_falls_back_to_english(folder):
    library = load_folder(folder)
    russian = library.in_language("ru")
    assert russian.practice("breathing").title == "Дыхание животом"
    assert russian.practice("breathing").steps[2].timer == 120
    assert russian.practice("pendulum-swing") == library.practice("pendulum-swing")
    assert russian.program == library.program and russian.notes == library.notes
    assert library.practice("breathing").title == "Belly breathing"  # English untouched
    assert library.in_language("en") is library
    assert "ru/practices/breathing.md" in library.files  # archived with the English, one set


def test_without_a_language_folder_everyone_gets_the_english(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    shutil.rmtree(target / "ru", ignore_errors=True)
    library = load_folder(target)
    assert library.in_language("ru") is library
    assert library.translations["ru"].translated == ()
    assert "practices/breathing.md" in library.translations["ru"].missing


def test_missing_translations_are_listed_not_refused(folder):
    report = load_folder(folder).translations["ru"]
    assert report.translated == ("practices/breathing.md",)
    assert "practices/pendulum-swing.md" in report.missing
    assert {"program.md", "notes.md"} <= set(report.missing)
    assert "practices/breathing.md" not in report.missing


def test_a_translation_without_its_version_line_is_unchecked_not_out_of_date(folder):
    report = load_folder(folder).translations["ru"]
    assert report.unchecked == ("practices/breathing.md",)
    assert report.out_of_date == ()


def test_a_translation_is_out_of_date_once_the_english_changes(folder):
    path = folder / "ru" / "practices" / "breathing.md"
    path.write_text(mark_translated(RU_BREATHING, english(folder, "practices/breathing.md")))
    report = load_folder(folder).translations["ru"]
    assert report.out_of_date == () and report.unchecked == ()

    english_file = folder / "practices" / "breathing.md"
    english_file.write_text(english_file.read_text().replace("just below your navel", "here"))
    report = load_folder(folder).translations["ru"]
    assert report.out_of_date == ("practices/breathing.md",)
    text = contentops.translation_report(load_folder(folder))
    expected = english_hash(english_file.read_text())
    assert f"ru/practices/breathing.md (translated-from: {expected})" in text


def test_the_version_line_is_not_part_of_the_practice(folder):
    marked = mark_translated(RU_BREATHING, english(folder, "practices/breathing.md"))
    assert translated_from(marked) == english_hash(english(folder, "practices/breathing.md"))
    assert marked.splitlines()[1].startswith("translated-from: ")
    again = mark_translated(marked, "other English")  # replaced, never a second line
    assert again.count("translated-from") == 1 and translated_from(again) == english_hash(
        "other English"
    )
    files = read_folder(folder)
    plain = build_library(files).in_language("ru").practice("breathing")
    files["ru/practices/breathing.md"] = marked.encode()
    assert build_library(files).in_language("ru").practice("breathing") == plain


def test_a_yaml_translation_carries_its_version_as_a_key(folder):
    program = english(folder, "program.md")
    translated = program.replace("title: Your psoas program", "title: Ваша программа", 1)
    marked = mark_translated(translated, program)
    (folder / "ru" / "program.md").write_text(marked)
    library = load_folder(folder)
    assert library.in_language("ru").program.title == "Ваша программа"
    assert "program.md" not in library.translations["ru"].out_of_date
    assert "program.md" not in library.translations["ru"].unchecked


def test_check_content_reports_missing_and_out_of_date_and_still_passes(folder, capsys):
    (folder / "ru" / "practices" / "breathing.md").write_text(
        mark_translated(RU_BREATHING, "an older English breathing.md")
    )
    assert main(["check-content", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "ok: 12 practices" in out
    assert "1 of 14 files translated" in out
    assert "ru/practices/pendulum-swing.md" in out
    assert "the English changed since the translation: ru/practices/breathing.md" in out
    assert "<b>" not in out


def test_mark_translated_from_the_command_line(folder, capsys):
    assert (
        main(["check-content", str(folder), "--mark-translated", "ru/practices/breathing.md"]) == 0
    )
    expected = english_hash(english(folder, "practices/breathing.md"))
    assert f"ru/practices/breathing.md: translated-from: {expected}" in capsys.readouterr().out
    assert translated_from((folder / "ru/practices/breathing.md").read_text()) == expected
    assert main(["check-content", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "changed since" not in out and "not marked" not in out


def test_mark_translated_refuses_an_english_path(folder, capsys):
    assert main(["check-content", str(folder), "--mark-translated", "practices/breathing.md"]) == 1
    assert "not marked" in capsys.readouterr().err


def test_a_program_translation_must_keep_the_days(folder):
    program = english(folder, "program.md")
    changed = program.replace(
        "      - [breathing, {practice: constructive-rest, minutes: 15}]",
        "      - [breathing, {practice: constructive-rest, minutes: 20}]",
        1,
    )
    assert changed != program
    (folder / "ru" / "program.md").write_text(changed.replace("Let go", "Отпустить"))
    [problem] = problems_of(folder)
    assert problem.startswith("ru/program.md:1: phase 1, day 7 differs from the English")


def test_a_program_translation_may_change_its_words(folder):
    program = english(folder, "program.md")
    (folder / "ru" / "program.md").write_text(
        program.replace("title: Let go", "title: Отпустить").replace(
            "intro: Still the letting-go half.", "intro: Всё ещё половина «отпустить»."
        )
    )
    russian = contentops.check_folder(folder).in_language("ru")
    assert russian.program.phases[0].title == "Отпустить"


def test_a_practice_translation_must_keep_its_steps_and_timers(folder):
    (folder / "ru" / "practices" / "breathing.md").write_text(
        RU_BREATHING.replace("(timer: 2 min)", "(timer: 5 min)")
    )
    [problem] = problems_of(folder)
    assert problem.startswith("ru/practices/breathing.md:1: the timers must be as in the English")


def test_a_translation_of_a_practice_that_does_not_exist_is_a_problem(folder):
    (folder / "ru" / "practices" / "hip-circles.md").write_text(RU_BREATHING)
    [problem] = problems_of(folder)
    assert problem.startswith("ru/practices/hip-circles.md:1: there is no English")


def test_a_translation_is_checked_like_the_english_with_its_own_path(folder):
    (folder / "ru" / "practices" / "breathing.md").write_text(
        RU_BREATHING.replace("category: breathing", "category: дыхание")
    )
    [problem] = problems_of(folder)
    assert problem.startswith("ru/practices/breathing.md:4: 'category' must be one of")


def test_a_translation_whose_title_clashes_with_an_english_one_is_reported(folder):
    (folder / "ru" / "practices" / "breathing.md").write_text(
        RU_BREATHING.replace("title: Дыхание животом", "title: Pendulum leg swing")
    )
    problems = problems_of(folder)
    assert problems and all(problem.startswith("ru/") for problem in problems)
    assert any("already used" in problem for problem in problems)


def test_a_stray_file_in_a_language_folder_is_reported(folder):
    (folder / "ru" / "breathing.md").write_text(RU_BREATHING)
    [problem] = problems_of(folder)
    assert problem.startswith("ru/breathing.md:0: not a content file")


def test_messages_are_checked_in_every_language(folder):
    """A Russian message over Telegram's limit is the Russian file's problem."""
    long_take_care = "\n\n".join(["Дышите мягко. " * 80] * 4)
    text = RU_BREATHING.replace(
        "Дышите мягко и ничего не форсируйте.", long_take_care.replace("\n\n", "\n")
    )
    (folder / "ru" / "practices" / "breathing.md").write_text(text)
    problems = problems_of(folder)
    assert problems and all(problem.startswith("ru/practices/breathing.md") for problem in problems)


def test_changes_to_translations_are_listed_per_language(folder):
    before = load_folder(folder)
    (folder / "ru" / "practices" / "breathing.md").write_text(RU_BREATHING.replace("Многие", "Все"))
    (folder / "ru" / "program.md").write_text(english(folder, "program.md"))
    after = load_folder(folder)
    assert diff_summary(before, after) == ["edited: ru/breathing", "added: ru/program"]
    assert "added: ru/breathing" in diff_summary(None, before)


def test_the_report_reads_in_the_admins_language(folder):
    library = load_folder(folder)
    with i18n.use_language("ru"):
        text = contentops.translation_report(library)
    assert "переведено 1 из 14 файлов" in text


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("breathing.ru.md", "ru/practices/breathing.md"),
        ("Breathing.RU.md", "ru/practices/breathing.md"),
        ("program.ru.md", "ru/program.md"),
        ("notes.ru.md.txt", "ru/notes.md"),
    ],
    ids=["practice", "capitals", "program", "txt"],
)
def test_a_single_translated_file_names_its_language(name, path):
    assert contentops.md_path(name) == path


def test_a_zip_of_only_a_language_folder_keeps_it(folder):
    from tests.test_flow_admin import make_zip

    data = make_zip({"ru/practices/breathing.md": RU_BREATHING})
    assert list(contentops.read_zip("ru.zip", data)) == ["ru/practices/breathing.md"]
    data = make_zip({"content/program.md": "x", "content/ru/practices/breathing.md": RU_BREATHING})
    assert sorted(contentops.read_zip("all.zip", data)) == [
        "program.md",
        "ru/practices/breathing.md",
    ]


@pytest.mark.parametrize(
    ("path", "known"),
    [
        ("ru/program.md", True),
        ("ru/notes.md", True),
        ("ru/practices/breathing.md", True),
        ("program.md", True),
        ("ru/other.md", False),
        ("ru/ru/program.md", False),
        ("xx/program.md", False),
    ],
)
def test_a_zip_may_hold_each_languages_top_files(path, known):
    """A translated program.md or notes.md was refused in an upload (the top-file check looked
    at the path with its language folder)."""
    assert contentops.is_content_path(path) is known
