"""The plain-Markdown practice format, the converter, and the checks a teacher's mistakes meet.

Each finding of the admin review (shared/reviews/admin-2026-12.md) that lives in the validator
has a test here: the ' #', duplicate keys, odd file names, duplicate titles, long ids, limits,
one error per mistake, and messages over Telegram's limit.
"""

from __future__ import annotations

import html
import shutil

import pytest

from bot import contentops
from bot.__main__ import main
from bot.content import (
    MAX_STEPS,
    ContentInvalid,
    build_library,
    convert_practice,
    load_folder,
    read_folder,
)
from bot.markdown_html import to_telegram_html
from tests.harness import CONTENT
from tests.test_content import GOOD, REST

KNEE = """\
---
title: Knee rocking: side #2 too
summary: Rock your bent knees "slowly" from side to side.
category: release
minutes: 5 min
---
A gentle start. **Go slowly.**

## Why
It lets the _deep_ hip muscles soften.

## Take care
Stop if anything hurts **sharply**.

## Steps
1. Lie on your back with your knees bent: feet flat.
2. Rock to one side, then to side #2.
   Keep it small.
3. Keep rocking at the pace of your breath. (timer: 2 min)
"""


def problems(files: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(ContentInvalid) as raised:
        build_library(files)
    return [str(problem) for problem in raised.value.problems]


def with_knee(text: str = KNEE, name: str = "practices/knee-rocking.md") -> dict[str, str]:
    return {**GOOD, name: text}


# --- the new format ----------------------------------------------------------------------------


def test_a_markdown_practice_loads_with_its_fields_steps_and_timer():
    practice = build_library(with_knee()).practice("knee-rocking")
    assert practice.title == "Knee rocking: side #2 too"  # a colon and '#' are just text
    assert practice.summary == 'Rock your bent knees "slowly" from side to side.'
    assert practice.minutes == 5
    assert practice.intro == "A gentle start. **Go slowly.**"
    assert practice.why == "It lets the _deep_ hip muscles soften."
    assert practice.safety == "Stop if anything hurts **sharply**."
    assert [step.text for step in practice.steps] == [
        "Lie on your back with your knees bent: feet flat.",
        "Rock to one side, then to side #2.\nKeep it small.",
        "Keep rocking at the pace of your breath.",
    ]
    assert [step.timer for step in practice.steps] == [None, None, 120]


def test_both_formats_load_side_by_side_per_file():
    library = build_library(with_knee())
    assert set(library.practices) == {"rest", "walk", "knee-rocking"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "## Take care\nStop if anything hurts **sharply**.\n\n",
            "",
            "practices/knee-rocking.md:2: the 'Take care' section is missing: "
            "add it (see TEMPLATE.md)",
        ),
        (
            "## Why",
            "## Benefits",
            "practices/knee-rocking.md:9: unknown heading 'Benefits': the headings are Why, "
            "Take care, Sources differ and Steps",
        ),
        (
            "3. Keep",
            "4. Keep",
            "practices/knee-rocking.md:19: this step is numbered 4, but it is step 3: "
            "number the steps 1, 2, 3 …",
        ),
        (
            "(timer: 2 min)",
            "(timer: 2 minuts)",
            "practices/knee-rocking.md:19: the timer of step 3 must be a length such as "
            "'15 min' or '30 s', not '2 minuts'",
        ),
        (
            "minutes: 5 min",
            "minutes: five",
            "practices/knee-rocking.md:5: 'minutes' must be a whole number, such as 10, not 'five'",
        ),
        (
            "category: release",
            "colour: red",
            "practices/knee-rocking.md:4: unknown field 'colour': the fields are title, summary, "
            "category, minutes",
        ),
        (
            "minutes: 5 min",
            "minutes: 5 min\ntitle: Again",
            "practices/knee-rocking.md:6: 'title' is written twice: keep one of them",
        ),
    ],
    ids=[
        "no-take-care",
        "unknown-heading",
        "misnumbered",
        "bad-timer",
        "minutes-words",
        "unknown-field",
        "duplicate-key",
    ],
)
def test_a_mistake_in_a_markdown_practice_is_one_plain_problem_on_its_line(old, new, expected):
    assert old in KNEE
    assert problems(with_knee(KNEE.replace(old, new, 1))) == [expected]


def test_an_over_long_step_says_which_step_from_one_and_how_long():
    long_step = "Rest. " * 120
    text = KNEE.replace("Lie on your back with your knees bent: feet flat.", long_step.strip())
    assert problems(with_knee(text)) == [
        "practices/knee-rocking.md:16: the text of step 1 is 719 characters long; the most is "
        "600: shorten it, or split it in two"
    ]


def test_the_template_is_checked_but_never_served():
    files = {**GOOD, "TEMPLATE.md": (CONTENT / "TEMPLATE.md").read_text()}
    library = build_library(files)
    assert "template" not in library.practices and "TEMPLATE.md" in library.files
    broken = files["TEMPLATE.md"].replace("## Take care", "## Careful")
    assert any(
        line.startswith("TEMPLATE.md:") for line in problems({**GOOD, "TEMPLATE.md": broken})
    )
    assert "README.md" in build_library({**GOOD, "README.md": "# Notes\nAnything: here"}).files


def test_the_repository_template_is_a_valid_markdown_practice():
    library = load_folder(CONTENT)
    assert "TEMPLATE.md" in library.files and "README.md" in library.files
    assert "template" not in library.practices


# --- the older YAML format: what it did silently -----------------------------------------------


def test_a_hash_in_a_yaml_step_is_caught_not_silently_cut():
    """Finding 2: ' #' starts a YAML comment, and the rest of the step vanished."""
    text = REST.replace("Lie on your back with your knees bent.", "Lie on your back #1 priority.")
    [problem] = problems({**GOOD, "practices/rest.md": text})
    assert problem.startswith("practices/rest.md:10: a ' #' here starts a YAML comment")
    assert "double quotes" in problem


def test_a_quoted_hash_in_a_yaml_step_is_fine():
    text = REST.replace("Lie on your back with your knees bent.", '"Lie down, side #1 first."')
    assert build_library({**GOOD, "practices/rest.md": text}).practice("rest").steps[0].text == (
        "Lie down, side #1 first."
    )


def test_a_duplicate_yaml_key_is_caught():
    """Finding 2: two title lines passed and the last one won."""
    text = REST.replace("title: Rest\n", "title: Rest\ntitle: Other\n")
    assert problems({**GOOD, "practices/rest.md": text}) == [
        "practices/rest.md:4: 'title' is written twice: keep one of them"
    ]


def test_a_single_bad_step_gets_one_problem_not_a_second_invented_one():
    """Finding 6: 'steps' tuple should have at least 1 item after validation."""
    text = REST.replace(
        "  - text: Lie on your back with your knees bent.\n  - text: Rest and let the floor take "
        "your weight.\n    timer: 5 min\n",
        "  - text: Rest.\n    timer: 15 minuts\n",
    )
    assert problems({**GOOD, "practices/rest.md": text}) == [
        "practices/rest.md:11: the timer of step 1 must be a length such as '15 min' or '30 s', "
        "not '15 minuts'"
    ]


def test_problems_come_sorted_by_file_and_line():
    text = REST.replace("minutes: 10", "minutes: ten").replace("5 min", "soon")
    found = problems({**GOOD, "practices/rest.md": text})
    assert [int(line.split(":")[1]) for line in found] == [6, 12]


# --- names, titles, ids and limits --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("practices/hip-circles.md.txt", "rename it to hip-circles.md (Windows may hide"),
        ("practices/Breathing.MD", "must end in a small-letter .md: rename it to Breathing.md"),
    ],
    ids=["md-txt", "capital-MD"],
)
def test_a_practice_file_with_a_name_that_would_be_skipped_is_reported(name, reason):
    """Review: hip-circles.md.txt was ignored without a word."""
    [problem] = problems({**GOOD, name: REST})
    assert problem.startswith(f"{name}:0: ") and reason in problem


def test_a_title_used_twice_is_caught():
    """Finding 8: sessions told practices apart by title and resumed the wrong one."""
    files = {**GOOD, "practices/nap.md": REST.replace("id: rest", "id: nap")}
    assert problems(files) == [
        "practices/rest.md:3: the title 'Rest' is already used in practices/nap.md: "
        "give each practice its own title"
    ]


def test_an_id_too_long_for_a_button_is_caught():
    """Finding 11: an id over 56 characters silently got no button."""
    long_id = "a" * 57
    files = {**GOOD, f"practices/{long_id}.md": KNEE}
    [problem] = problems(files)
    assert "57 characters long; the most is 56" in problem


def test_too_many_steps_are_refused_before_they_cost_anything():
    steps = "".join(f"{n}. Breathe.\n" for n in range(1, MAX_STEPS + 2))
    text = KNEE.split("## Steps\n")[0] + "## Steps\n" + steps
    [problem] = problems(with_knee(text))
    assert problem.endswith(
        f"the 'Steps' list has {MAX_STEPS + 1} entries; the most is {MAX_STEPS}"
    )


def test_a_huge_file_is_refused_before_it_is_parsed():
    [problem] = problems(with_knee(KNEE + "x" * 30_000))
    assert problem.startswith("practices/knee-rocking.md:1: the file is 30,")


# --- composed messages and Telegram's limit -----------------------------------------------------


def test_check_content_reports_a_day_whose_first_message_cannot_fit(tmp_path, capsys):
    """Finding 1: valid content broke a day with 'Message is too long'."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    program = folder / "program.md"
    long_intro = "Rest " * 900  # one paragraph of 4,500 characters in the first phase's intro
    text = program.read_text()
    start = text.index("    intro: ") + len("    intro: ")
    end = text.index("\n", start)
    program.write_text(text[:start] + long_intro.strip() + text[end:])
    assert main(["check-content", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "program.md:1: the first message of day 1 of the program has a line of " in out
    assert "Telegram sends at most 4096 in one message" in out


def test_a_long_message_is_split_at_paragraphs_and_never_inside_one():
    paragraphs = [f"Paragraph {n}. " + "word " * 300 for n in range(6)]
    text = "\n\n".join(paragraphs)
    parts = contentops.split_message(text)
    assert len(parts) > 1
    assert all(contentops.message_length(part) <= contentops.MESSAGE_LIMIT for part in parts)
    assert "\n\n".join(parts) == text


def test_a_paragraph_over_the_limit_is_cut_between_its_lines():
    """Three practices' long "Take care" lines make one paragraph; none is dropped."""
    lines = ["<b>Take care</b>"] + [f"• Safety {n}. " + "Go gently. " * 150 for n in range(3)]
    parts = contentops.split_message("Head\n\n" + "\n".join(lines))
    assert all(contentops.message_length(part) <= contentops.MESSAGE_LIMIT for part in parts)
    joined = "\n".join(parts)
    assert all(line in joined for line in lines) and parts[0].startswith("Head")


def test_a_markdown_step_may_start_a_line_with_steps():
    text = KNEE.replace("   Keep it small.", "steps: small ones.")
    practice = build_library(with_knee(text)).practice("knee-rocking")
    assert practice.steps[1].text.endswith("steps: small ones.")


def test_every_composed_message_of_the_repository_content_fits():
    library = load_folder(CONTENT)
    messages = contentops.composed_messages(library)
    assert len(messages) > 100  # days, gentle, short, each practice, and all their steps
    assert contentops.message_problems(library) == []


# --- Markdown in Telegram ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "html_text"),
    [
        ("Please **take care**", "Please <b>take care</b>"),
        ("use _both_ hands", "use <i>both</i> hands"),
        (
            "[a guide](https://example.org/a?b=1&c=2)",
            '<a href="https://example.org/a?b=1&amp;c=2">a guide</a>',
        ),
        ("[bad](javascript:alert(1))", "[bad](javascript:alert(1))"),
        ("- one\n- two", "• one\n• two"),
        ("a <b>tag</b> & more", "a &lt;b&gt;tag&lt;/b&gt; &amp; more"),
        ("3 * 4 * 5 and snake_case", "3 * 4 * 5 and snake_case"),
        ("Line one\nline two", "Line one\nline two"),
    ],
    ids=["bold", "italic", "link", "unsafe-link", "list", "html-escaped", "plain-stars", "lines"],
)
def test_markdown_renders_as_telegram_html(source, html_text):
    assert to_telegram_html(source) == html_text


def test_the_current_content_reads_exactly_the_same_with_markdown_on():
    library = load_folder(CONTENT)
    texts = [note for note in library.notes] + [p.intro for p in library.program.phases]
    for practice in library.practices.values():
        texts += [practice.intro, practice.why, practice.safety, practice.sources_differ or ""]
        texts += [step.text for step in practice.steps]
    assert all(to_telegram_html(text) == html.escape(text, quote=False) for text in texts)


# --- the converter --------------------------------------------------------------------------------


def test_converting_the_content_changes_no_message_a_subscriber_gets(tmp_path, capsys):
    """Every composed message (each day, the gentle days, the 5-minute version, each practice
    alone, every step) is identical before and after `convert-content`."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    before = load_folder(folder)
    assert main(["convert-content", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{len(before.practices)} converted, 0 left" in out
    after = load_folder(folder)
    for name, raw in read_folder(folder).items():
        if name.startswith("practices/"):
            assert b"\nsteps:" not in raw and b"## Steps" in raw, name
    assert after.practices == before.practices
    assert contentops.composed_messages(after) == contentops.composed_messages(before)
    assert main(["convert-content", str(folder)]) == 0  # a second run has nothing to do
    assert "0 converted, 0 left" in capsys.readouterr().out


def test_the_converter_leaves_a_file_it_cannot_carry_over_exactly():
    multi = REST.replace("why: It lets the psoas let go.", 'why: "Line one\\n\\n## Steps"')
    assert (
        build_library({**GOOD, "practices/rest.md": multi})
        .practice("rest")
        .why.endswith("## Steps")
    )
    assert convert_practice("practices/rest.md", multi) is None
    assert convert_practice("practices/rest.md", REST) is not None


def test_convert_content_of_a_broken_folder_converts_nothing(tmp_path, capsys):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    breathing = folder / "practices" / "breathing.md"
    breathing.write_text(breathing.read_text().replace("minutes: 3", "minutes: three"))
    before = read_folder(folder)
    assert main(["convert-content", str(folder)]) == 1
    assert read_folder(folder) == before
    assert "nothing converted" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    timer: 5 min",
            "  timer: 5 min",
            "practices/rest.md:12: this line is not lined up with the lines around it",
        ),
        (
            "    timer: 5 min",
            "\ttimer: 5 min",
            "practices/rest.md:12: a tab is used to indent this line: indent with spaces only",
        ),
        (
            "  - text: Lie on",
            "  - text: **Take care:** Lie on",
            "practices/rest.md:10: a text can't begin with this sign",
        ),
        (
            "  - text: Lie on your back with your knees bent.",
            '  - text: "Lie on your back',
            "practices/rest.md:13: a quote opened on line 10 is never closed",
        ),
    ],
    ids=["indent", "tab", "star", "unclosed-quote"],
)
def test_yaml_mistakes_are_told_in_plain_words(old, new, expected):
    """Review: 'expected <block end>', 'found character \\t', 'expected alphabetic or
    numeric character' and 'unexpected end of stream' meant nothing to a teacher."""
    [problem] = problems({**GOOD, "practices/rest.md": REST.replace(old, new, 1)})
    assert problem.startswith(expected)
    for jargon in ("mapping values", "block end", "token", "stream", "scalar"):
        assert jargon not in problem


def test_a_misspelt_practice_in_the_program_gets_a_suggestion():
    """Review: "did you mean foot-release?" would be better."""
    program = GOOD["program.md"].replace("      - [rest, walk]", "      - [rest, wakl]")
    assert problems({**GOOD, "program.md": program}) == [
        "program.md:12: no practice with id 'wakl': did you mean 'walk'?"
    ]
