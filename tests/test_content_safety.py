"""The content as data, checked against the content review (shared/reviews/content-2026-12.md):
every practice says how to stay safe, no wrong or unsafe step comes back, and the adaptations,
the honest "sources differ" lines and the emotional-safety note stay in place."""

from __future__ import annotations

import pytest

from bot.content import MAX_STEP_CHARS, load_folder
from tests.harness import CONTENT

LIBRARY = load_folder(CONTENT)
PRACTICES = LIBRARY.practices


def text_of(practice_id: str) -> str:
    p = PRACTICES[practice_id]
    parts = [p.why, p.safety, p.sources_differ or "", p.intro or ""]
    return " ".join(parts + [step.text for step in p.steps])


# The shoe check is done sitting with a shoe in the hands: its safety line is about feet.
@pytest.mark.parametrize("practice_id", sorted(set(PRACTICES) - {"shoe-check"}))
def test_every_practice_has_a_safety_line_that_says_when_to_stop(practice_id):
    safety = PRACTICES[practice_id].safety.lower()
    assert "stop" in safety or "skip" in safety
    assert "sharp" in safety or "dizzy" in safety


@pytest.mark.parametrize("practice_id", sorted(PRACTICES))
def test_no_step_is_over_its_limit_or_hard_to_read_on_a_phone(practice_id):
    for step in PRACTICES[practice_id].steps:
        assert len(step.text) <= min(MAX_STEP_CHARS, 260), step.text


def test_pendulum_support_is_exact_and_the_block_does_not_slip():
    steps = [step.text for step in PRACTICES["pendulum-swing"].steps]
    assert "shoulder height" not in " ".join(steps)  # Koch: shoulder and arm level
    assert "left foot on the block" in steps[1] and "right hand" in steps[1]
    assert "level and relaxed" in steps[1]
    assert "won't slide" in steps[0]
    assert "If you feel your hip move, swing more slowly" in steps[3]
    assert "right foot on the block" in steps[5] and "left leg swing" in steps[5]
    assert "can't slip" in PRACTICES["pendulum-swing"].safety


def test_transitions_rise_from_a_bed_or_sofa_with_support():
    steps = [step.text for step in PRACTICES["transitions"].steps]
    assert "bed or sofa" in steps[0]
    assert "edge" in steps[2] and "hands" in steps[2]


def test_no_source_disputes_constructive_rest():
    assert PRACTICES["constructive-rest"].sources_differ is None


def test_sources_differ_lines_say_what_each_kind_of_source_holds():
    lunge = PRACTICES["kneeling-stretch"].sources_differ
    for words in ["walking article", "surface muscles", "gains nothing", "hurt more",
                  "temporary"]:  # fmt: skip
        assert words in lunge
    assert "forceful" not in lunge
    strength = PRACTICES["strengthening"].sources_differ
    assert "early" not in strength
    assert "massage therapist" in strength and "movement habits" in strength


def test_emotional_safety_is_in_constructive_rest_and_a_note():
    assert "feelings" in text_of("constructive-rest")
    assert "feelings" in PRACTICES["constructive-rest"].safety
    assert "open your eyes" in PRACTICES["constructive-rest"].safety
    assert any(
        "stir up old feelings" in note and "someone you trust" in note for note in LIBRARY.notes
    )


@pytest.mark.parametrize(
    ("practice_id", "words"),
    [
        ("constructive-rest", ["Pregnant", "firm bed"]),
        ("quick-rest", ["firm bed", "Pregnant"]),
        ("strengthening", ["Pregnant", "caesarean"]),
        ("kneeling-stretch", ["hip replacement", "If kneeling hurts"]),
        ("pendulum-swing", ["balance is poor", "handrail"]),
        ("walking-awareness", ["look where you step", "balance is poor"]),
        ("shoe-check", ["Prescribed shoes or insoles", "diabetes"]),
        ("foot-release", ["numb", "diabetes"]),
        ("walking-hip-extension", ["Don't arch", "pain that builds"]),
    ],
)
def test_adaptations_and_technique_cues_are_in_place(practice_id, words):
    for word in words:
        assert word in text_of(practice_id), word


def test_claims_are_credited_to_the_teachers_who_make_them():
    assert "Liz Koch" in PRACTICES["shoe-check"].why
    assert "wakes" not in PRACTICES["foot-release"].why
    assert "Practitioners link" in PRACTICES["breathing"].why
    assert not any(note.startswith("The psoas takes part in") for note in LIBRARY.notes)
    assert any("Somatic teachers describe" in note for note in LIBRARY.notes)


def test_phase_intros_tell_first_free_then_integrate():
    intros = [phase.intro for phase in LIBRARY.program.phases]
    assert "first free, then integrate" in intros[0]
    assert "old habits tend to come back" in intros[2]


def test_the_five_minute_rest_says_the_full_rest_is_ten_to_twenty_minutes():
    assert "10-20 minutes" in PRACTICES["quick-rest"].intro
    assert "counts" not in PRACTICES["quick-rest"].intro  # "still counts" is said at the end
