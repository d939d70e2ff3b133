"""bot/content.py: every bad edit is reported as `file:line: reason`, all at once; diff_summary.

The small set below has known line numbers, so each test says exactly where a problem is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import ContentInvalid, build_library, diff_summary, load_folder, parse_duration
from tests.harness import CONTENT

REST = """\
---
id: rest
title: Rest
summary: Lie down and let the floor carry you.
category: release
minutes: 10
why: It lets the psoas let go.
safety: Stop if anything hurts sharply.
steps:
  - text: Lie on your back with your knees bent.
  - text: Rest and let the floor take your weight.
    timer: 5 min
---
A short rest.
"""
WALK = REST.replace("id: rest", "id: walk").replace("title: Rest", "title: Walk")
PROGRAM = """\
---
title: The program
short: rest
gentle:
  - rest
phases:
  - id: one
    title: One
    repeat: true
    days:
      - [rest]
      - [rest, walk]
---
"""
NOTES = """\
---
notes:
  - The psoas links the spine to the legs.
---
"""
GOOD = {
    "program.md": PROGRAM,
    "notes.md": NOTES,
    "practices/rest.md": REST,
    "practices/walk.md": WALK,
}


def problems_of(**changes: str | bytes | None) -> list[str]:
    """Problems of the good set with some files changed (None removes one)."""
    files: dict[str, str | bytes] = dict(GOOD)
    for key, value in changes.items():
        name = key.replace("__", "/").replace("_md", ".md")
        if value is None:
            files.pop(name)
        else:
            files[name] = value
    with pytest.raises(ContentInvalid) as raised:
        build_library(files)
    return [str(problem) for problem in raised.value.problems]


def test_the_small_set_is_valid():
    library = build_library(GOOD)
    assert set(library.practices) == {"rest", "walk"}
    assert library.practice("rest").steps[1].timer == 300
    assert library.practice("rest").intro == "A short rest."


def test_the_repository_content_is_valid():
    library = load_folder(CONTENT)
    assert len(library.practices) >= 10


def test_yaml_that_does_not_parse_names_the_line_of_the_problem():
    assert problems_of(practices__rest_md=REST.replace("title: Rest", "title: Rest: or not")) == [
        "practices/rest.md:3: a ': ' (colon and space) inside a text confuses this format: "
        "put the whole text in double quotes, or convert the file to the Markdown format"
    ]


def test_an_unclosed_bracket_says_where_it_was_opened():
    [problem] = problems_of(practices__rest_md=REST.replace("title: Rest", "title: [Rest"))
    assert problem == (
        "practices/rest.md:4: a bracket opened on line 3 is never closed: close it, or remove it"
    )


def test_a_missing_field_is_named():
    assert problems_of(practices__rest_md=REST.replace("title: Rest\n", "")) == [
        "practices/rest.md:2: 'title' is missing"
    ]


def test_an_unknown_field_is_named_on_its_line():
    edited = REST.replace("minutes: 10\n", "minutes: 10\ncolour: red\n")
    assert problems_of(practices__rest_md=edited) == [
        "practices/rest.md:7: unknown field 'colour': check its spelling, or remove it"
    ]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            "  - video: lie-down.mp4\n",
            [
                "practices/rest.md:10: the text of step 1 is missing",
                "practices/rest.md:10: unknown field 'video' in step 1: check its spelling, "
                "or remove it",
            ],
        ),
        (
            "  - text: Lie down.\n    type: video\n",
            [
                "practices/rest.md:11: unknown field 'type' in step 1: check its spelling, "
                "or remove it"
            ],
        ),
        (
            "  - Lie down.\n",
            ["practices/rest.md:10: step 1 must be 'key: value' lines, such as 'text: ...'"],
        ),
    ],
    ids=["video-step", "typed-step", "bare-string-step"],
)
def test_an_unknown_step_type_is_reported(step, expected):
    edited = REST.replace("  - text: Lie on your back with your knees bent.\n", step)
    assert problems_of(practices__rest_md=edited) == expected


def test_a_program_naming_a_missing_practice_points_at_the_day():
    assert problems_of(program_md=PROGRAM.replace("[rest, walk]", "[rest, swim]")) == [
        "program.md:12: no practice with id 'swim': add practices/swim.md (with this file, "
        "in one zip)"
    ]


def test_short_and_unlocks_must_name_real_practices_too():
    edited = PROGRAM.replace("short: rest", "short: nap").replace(
        "phases:", "unlocks:\n  - {practice: plank, max_pain: 3, days: 7}\nphases:"
    )
    assert problems_of(program_md=edited) == [
        "program.md:3: no practice with id 'nap': add practices/nap.md (with this file, in one "
        "zip)",
        "program.md:7: no practice with id 'plank': add practices/plank.md (with this file, in "
        "one zip)",
    ]


def test_duplicate_ids_name_both_files():
    problems = problems_of(practices__rest2_md=REST)
    assert "practices/rest2.md:2: duplicate id 'rest' (also in practices/rest.md)" in problems


def test_an_id_that_does_not_match_its_file_name_is_one_problem_not_two():
    """The program still names `walk`: the file is the thing to fix, so only it is reported."""
    assert problems_of(practices__walk_md=WALK.replace("id: walk", "id: walking")) == [
        "practices/walk.md:2: id 'walking' must match the file name 'walk'"
    ]


@pytest.mark.parametrize("text", ["", "   \n\n"], ids=["empty", "blank-lines"])
def test_an_empty_file_is_reported(text):
    assert problems_of(practices__walk_md=text) == ["practices/walk.md:1: the file is empty"]


def test_an_empty_program_is_reported_once():
    assert problems_of(program_md="") == ["program.md:1: the file is empty"]


def test_non_utf8_bytes_name_the_line_and_nothing_else():
    raw = WALK.encode().replace(b"Walk", b"W\xe4lk")  # Latin-1, as an old editor saves it
    assert problems_of(practices__walk_md=raw) == [
        "practices/walk.md:3: not UTF-8 text: save the file as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_fine():
    library = build_library({**GOOD, "practices/walk.md": b"\xef\xbb\xbf" + WALK.encode()})
    assert "walk" in library.practices


def test_windows_line_endings_are_fine():
    library = build_library({**GOOD, "practices/walk.md": WALK.replace("\n", "\r\n")})
    assert library.practice("walk").steps[1].timer == 300


@pytest.mark.parametrize(
    ("timer", "reason"),
    [
        ("five minutes", "must be a length such as '15 min' or '30 s', not 'five minutes'"),
        ("2 h", "must be a length such as '15 min' or '30 s', not '2 h'"),
        ("300", "must be a length such as '15 min' or '30 s', not 300"),
        ("yes", "must be a length such as '15 min' or '30 s'"),
        ("0 s", "must be between 5 seconds and 60 minutes"),
        ("90 min", "must be between 5 seconds and 60 minutes"),
    ],
    ids=["words", "hours", "bare-number", "boolean", "zero", "too-long"],
)
def test_a_bad_timer_is_reported_on_its_line(timer, reason):
    assert problems_of(practices__rest_md=REST.replace("5 min", timer)) == [
        f"practices/rest.md:12: the timer of step 2 {reason}"
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15 min", 900), ("1 minute", 60), ("30 s", 30), ("90 sec", 90), (" 2 mins ", 120)],
)
def test_timer_lengths_are_read_in_seconds(text, seconds):
    assert parse_duration(text) == seconds


def test_a_wrong_category_lists_the_allowed_ones():
    [problem] = problems_of(practices__rest_md=REST.replace("release", "yoga"))
    assert problem.startswith("practices/rest.md:5: 'category' must be one of: release, ")


def test_front_matter_must_open_and_close():
    assert problems_of(practices__rest_md="Just some text\n") == [
        "practices/rest.md:1: must start with a '---' line, "
        "then title, summary, category and minutes"
    ]
    assert problems_of(practices__rest_md=REST.replace("---\nA short", "A short")) == [
        "practices/rest.md:1: front matter is not closed with a '---' line"
    ]


def test_front_matter_must_be_key_value_lines():
    assert problems_of(practices__rest_md="---\n- a\n- b\n---\n")[:2] == [
        "practices/rest.md:2: each line at the top must be 'name: value', such as 'minutes: 10'",
        "practices/rest.md:3: each line at the top must be 'name: value', such as 'minutes: 10'",
    ]
    assert problems_of(program_md="---\n- a\n- b\n---\n") == [
        "program.md:1: the front matter must be a set of 'key: value' lines"
    ]


def test_missing_program_and_notes_are_reported():
    assert problems_of(program_md=None, notes_md=None) == [
        "notes.md:1: the file is missing: it must be in the folder",
        "program.md:1: the file is missing: it must be in the folder",
    ]


def test_a_markdown_file_outside_the_layout_is_reported():
    assert problems_of(extra_md=REST) == [
        "extra.md:0: not a content file: put practices in practices/"
    ]


def test_the_last_phase_must_repeat():
    assert problems_of(program_md=PROGRAM.replace("    repeat: true\n", "")) == [
        "program.md:7: the last phase must have 'repeat: true' so the program never runs out"
    ]


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        practices__rest_md=REST.replace("5 min", "soon"),
        practices__walk_md="",
        notes_md=None,
    )
    assert len(problems) == 3


# --- diff_summary ------------------------------------------------------------------------------


def test_diff_summary_against_nothing_lists_everything_as_added():
    assert diff_summary(None, build_library(GOOD)) == [
        "added: rest",
        "added: walk",
        "edited: program",
        "edited: notes",
    ]


def test_diff_summary_names_added_removed_and_edited_practices():
    old = build_library(GOOD)
    new = build_library(
        {
            **GOOD,
            "practices/walk.md": WALK.replace("Lie on your back", "Lie down on your back"),
            "practices/nap.md": REST.replace("id: rest", "id: nap").replace(
                "title: Rest", "title: Nap"
            ),
        }
    )
    assert diff_summary(old, new) == ["added: nap", "edited: walk"]
    assert diff_summary(new, old) == ["removed: nap", "edited: walk"]


def test_diff_summary_names_program_and_notes_changes():
    old = build_library(GOOD)
    new = build_library(
        {
            **GOOD,
            "program.md": PROGRAM.replace("The program", "Your program"),
            "notes.md": NOTES.replace("legs.", "legs!"),
        }
    )
    assert diff_summary(old, new) == ["edited: program", "edited: notes"]


def test_diff_summary_of_the_same_set_is_empty():
    assert diff_summary(build_library(GOOD), build_library(dict(GOOD))) == []


# --- python -m bot check-content ----------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def test_check_content_passes_a_good_copy(content_copy, capsys):
    assert main(["check-content", str(content_copy)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_check_content_lists_every_problem_and_exits_1(content_copy, capsys):
    breathing = content_copy / "practices" / "breathing.md"
    breathing.write_text(breathing.read_text().replace("minutes: 3", "minutes: three"))
    (content_copy / "practices" / "shoe-check.md").write_bytes(b"---\nid: shoe-check\n\xff\n---\n")
    assert main(["check-content", str(content_copy)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "practices/breathing.md:6: 'minutes' must be a whole number, such as 10, not 'three'"
    )
    assert out[1] == "practices/shoe-check.md:3: not UTF-8 text: save the file as UTF-8"
    assert len(out) == 2


def test_check_content_of_a_missing_folder_exits_1(tmp_path, capsys):
    assert main(["check-content", str(tmp_path / "nowhere")]) == 1
    assert "content folder not found" in capsys.readouterr().out
