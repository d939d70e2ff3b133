"""The callback data grammar (bot/buttons.py): every family packs what the bot has always
sent, parses it back, fits Telegram's 64 bytes at its longest, and refuses what it never sent."""

from __future__ import annotations

import re
import zoneinfo

import pytest

from bot import buttons
from bot.buttons import (
    FAMILIES,
    MAX_BYTES,
    AdminButton,
    Button,
    CheckinButton,
    HistoryButton,
    LanguageButton,
    MoreButton,
    PauseButton,
    PracticeButton,
    ReminderButton,
    SafetyButton,
    SettingsButton,
    StopButton,
    TimeButton,
    ZoneButton,
)
from bot.keyboards import STEP_BUTTONS, button_kind
from bot.models import BodyArea

LONGEST_ZONE = max(zoneinfo.available_timezones(), key=len)
LONGEST_AREA = max((area.value for area in BodyArea), key=len)
BIG_ID = 10**18 - 1  # the most digits a check-in or delivery id may have (18)
BIG_SESSION = 10**12 - 1

# The longest value of each family, and strings copied from what the bot sends today (and
# has sent: buttons stay on screens), each with the object it must parse to.
CASES: list[tuple[str, Button]] = [
    ("more:" + "x" * 20, MoreButton("x" * 20)),
    ("more:privacy", MoreButton("privacy")),
    ("ob:z:" + LONGEST_ZONE, ZoneButton(LONGEST_ZONE)),
    ("ob:z:Europe/Berlin", ZoneButton("Europe/Berlin")),
    ("ob:z:", ZoneButton("")),
    ("ob:z:Etc/GMT+3", ZoneButton("Etc/GMT+3")),
    ("ob:t:07:30", TimeButton("07:30")),
    ("st:followup", SettingsButton("followup")),
    ("st:resume", SettingsButton("resume")),
    ("pz:0", PauseButton(0)),
    ("pz:14", PauseButton(14)),
    ("sp:yes", StopButton(True)),
    ("sp:no", StopButton(False)),
    (f"rm:snooze:{BIG_ID}:1440", ReminderButton("snooze", BIG_ID, 1440)),
    ("rm:later:12", ReminderButton("later", 12)),
    ("rm:skip:12", ReminderButton("skip", 12)),
    ("rm:back:12", ReminderButton("back", 12)),
    (f"ci:{BIG_ID}:a:{LONGEST_AREA}", CheckinButton(BIG_ID, "a", LONGEST_AREA)),
    ("ci:3:t:7", CheckinButton(3, "t", "7")),
    ("ci:3:a:back", CheckinButton(3, "a", "back")),
    ("ci:3:x:go", CheckinButton(3, "x", "go")),
    ("pr:swap:" + "a" * 56, PracticeButton("swap", value="a" * 56)),
    ("pr:open:belly-breath", PracticeButton("open", value="belly-breath")),
    (f"pr:stopyes:{BIG_SESSION}:skip", PracticeButton("stopyes", BIG_SESSION, "skip")),
    (f"pr:checkin:{BIG_SESSION}", PracticeButton("checkin", BIG_SESSION)),
    ("pr:tension:5:10", PracticeButton("tension", 5, "10")),
    ("pr:next:5:2", PracticeButton("next", 5, "2")),
    ("pr:today", PracticeButton("today")),
    ("pr:about", PracticeButton("about")),
    ("sf:soon:short", SafetyButton("soon", "short")),
    ("sf:go", SafetyButton("go")),
    ("sf:no:daily", SafetyButton("no", "daily")),
    ("hi:del:999999999999", HistoryButton("del", "999999999999")),
    ("hi:h:3", HistoryButton("h", "3")),
    ("hi:n:0", HistoryButton("n", "0")),
    ("hi:p:all", HistoryButton("p", "all")),
    ("hi:wd:off", HistoryButton("wd", "off")),
    ("hi:keep", HistoryButton("keep")),
    ("ad:up:ok:999999999999", AdminButton("up", True, 999999999999)),
    ("ad:bc:no:0", AdminButton("bc", False, 0)),
    ("lang:ru", LanguageButton("ru")),
    ("lang:en", LanguageButton("en")),
    ("st:language", SettingsButton("language")),
]


@pytest.mark.parametrize(("data", "button"), CASES, ids=[data[:30] for data, _ in CASES])
def test_a_button_packs_to_what_was_sent_and_parses_back(data, button):
    assert button.pack() == data
    assert type(button).parse(data) == button


@pytest.mark.parametrize(("data", "button"), CASES, ids=[data[:30] for data, _ in CASES])
def test_every_packed_value_fits_telegrams_64_bytes(data, button):
    assert len(button.pack().encode("utf-8")) <= MAX_BYTES


def test_the_longest_practice_id_fills_the_64_bytes_exactly():
    """The bound on practice ids (bot/buttons.py PRACTICE_ID) is what makes pr:swap fit."""
    assert len(PracticeButton("swap", value="a" * 56).pack().encode()) == MAX_BYTES
    assert PracticeButton.parse("pr:swap:" + "a" * 57) is None


@pytest.mark.parametrize(
    "data",
    [
        "",
        "rm:later:1234567890123456789",  # 19 digits: would overflow SQLite's integer
        "rm:nap:12",
        "rm:later:",
        "pz:",
        "pz:-1",
        "sp:maybe",
        "sf:yes:library",
        "hi:p:365",
        "hi:wd:7",
        "ad:up:ok:1234567890123",
        "ob:t:7:30",
        "pr:open:Belly",
        "pr:tension:5:11111",
        "ci:12:t",
        "more:",
        "xx:1",
    ],
)
def test_data_the_bot_never_sent_parses_to_nothing(data):
    assert all(family.parse(data) is None for group in FAMILIES.values() for family in group)


@pytest.mark.parametrize(("data", "button"), CASES, ids=[data[:30] for data, _ in CASES])
def test_exactly_one_family_parses_each_value(data, button):
    parsed = [
        family.parse(data) for group in FAMILIES.values() for family in group if family.parse(data)
    ]
    assert parsed == [button]


def test_every_family_sits_under_its_prefix_in_the_one_table():
    for prefix, group in FAMILIES.items():
        assert all(prefix == family.PREFIX for family in group)
    classes = [
        value
        for value in vars(buttons).values()
        if isinstance(value, type) and issubclass(value, Button) and value is not Button
    ]
    assert sorted(c.__name__ for c in classes) == sorted(
        c.__name__ for group in FAMILIES.values() for c in group
    )


def test_an_action_pattern_matches_that_action_only():
    later = ReminderButton.pattern("later")
    assert later.match("rm:later:12")
    assert not later.match("rm:skip:12")
    assert not later.match("rm:later:1234567890123456789")  # still the family's grammar
    stop = PracticeButton.pattern("stop")
    assert stop.match("pr:stop:5:0")
    assert not stop.match("pr:stopyes:5:0")  # a prefix of another action is not that action
    starts = PracticeButton.pattern("today", "short")
    assert starts.match("pr:short")
    assert not starts.match("pr:again")
    assert not HistoryButton.pattern("del").match("hi:keep")
    assert SafetyButton.pattern().match("sf:no:daily")
    assert not SafetyButton.pattern().match("sf:no:dailyx")  # anchored at both ends


def test_a_checkin_action_pattern_reads_the_question_code_after_the_id():
    """The check-in's action (the question code) follows the check-in id, not the prefix."""
    ratings = CheckinButton.pattern("t", "p")
    match = ratings.match(CheckinButton(12, "p", "7").pack())
    assert match is not None
    assert (match["id"], match["action"], match["value"]) == ("12", "p", "7")
    assert not ratings.match(CheckinButton(12, "a", "hip").pack())
    assert not ratings.match("ci:12:pp:7")  # a longer code is not that code
    assert not ratings.match("ci:12:p:7:8")
    assert CheckinButton.pattern().match("ci:12:zz:whatever")  # the whole family, loose


def test_the_keyboard_guard_reads_each_family_by_its_kind():
    """bot/keyboards.py tracks keyboards by `button_kind`; a typed answer closes those kinds."""
    assert button_kind(ZoneButton("Europe/Berlin").pack()) == "ob:z"
    assert button_kind(TimeButton("07:30").pack()) == "ob:t"
    assert button_kind(PracticeButton("tension", 5, "3").pack()) == "pr:tension"
    assert button_kind(CheckinButton(5, "t", "3").pack()) == "ci:t"
    assert {kind.split(":")[0] for kind in STEP_BUTTONS.values()} <= set(FAMILIES)


def test_prefix_pattern_refuses_an_unknown_prefix():
    assert buttons.prefix_pattern("ci").match("ci:anything")
    with pytest.raises(KeyError):
        buttons.prefix_pattern("zz")
    assert re.compile(buttons.prefix_pattern("pr").pattern).match("pr:")


@pytest.mark.parametrize(("data", "button"), CASES, ids=[data[:30] for data, _ in CASES])
def test_an_action_handler_refuses_its_value_with_a_trailing_newline(data, button):
    # PTB matches with re.match, and `$` would also match before a final "\n": forged data
    # must not reach an action's handler (a loose family's catch-all may still answer it).
    family = type(button)
    action = family.match(data).groupdict().get("action")
    pattern = family.pattern(action) if action else family.pattern()
    assert re.match(pattern, data)
    assert not re.match(pattern, data + "\n")
    assert family.parse(data + "\n") != button
