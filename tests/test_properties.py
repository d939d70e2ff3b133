"""Property tests: arbitrary text never breaks a parser, and what the bot echoes stays valid.

Parsers raise only their documented error (which carries a reply for the person) or return a
value in range. The message catalog escapes any value. The last test runs the real bot on one
event loop for all its examples: any note a person can type is stored exactly and echoed as
HTML that Telegram accepts.
"""

from __future__ import annotations

import asyncio
import os
import re
import string
from contextlib import AsyncExitStack
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot import texts, typed
from bot.app import build_application, polling
from bot.clock import ManualClock
from bot.config import Settings
from bot.content import ContentInvalid, Library, Problem, build_library, read_folder
from bot.errors import RatingError, TimeInputError, ZoneInputError
from bot.ratings import parse_completion, parse_rating
from bot.store import from_db, to_db
from bot.timeparse import format_time, parse_local_time
from bot.views.checkin import NOTE_ECHO_LIMIT
from bot.zones import parse_utc_offset, resolve_zone_text
from emulator import Emulator, parse_html, utf16_len
from tests.harness import CONTENT, USER_ID, Harness, subscribe

# What people type: any Unicode but lone surrogates (which no client can send), weighted
# toward the characters that break parsers: digits of every script, signs, HTML and Markdown
# control characters, zero-width and direction marks, emoji.
TRICKY = "0123456789０１２３٠١٢३७:/.+-−–hH apmAPM<>&;\"'*_`[]()~|\\#\u200b\u200d\u202e\ufeff\n\t🧘‍♀️"
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60) | st.text(
    st.sampled_from(TRICKY), max_size=20
)
# In CI (.ci/run sets CI) Hypothesis tries one fixed sequence of examples, the same on every
# run, so a red build replays exactly; anywhere else it looks for new ones on each run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
FAST = settings(max_examples=300, deadline=None, database=None)


# --- parsers -------------------------------------------------------------------------------------


@FAST
@given(TEXT)
@example("10/10")
@example("٧")
@example("1" * 21)
def test_parse_rating_returns_zero_to_ten_or_a_rating_error(text):
    try:
        value = parse_rating(text)
    except RatingError as err:
        assert err.user_message
    else:
        assert isinstance(value, int) and 0 <= value <= 10


@FAST
@given(st.integers(0, 10), st.sampled_from(["{}", " {} ", "{}/10", "{} / 10", "0{}"]))
def test_every_rating_written_a_usual_way_reads_back(value, form):
    typed = form.format(value)
    assume(len(form.format(value)) <= 20 and not (form == "0{}" and value == 10))
    assert parse_rating(typed) == value
    fullwidth = typed.translate(str.maketrans(string.digits, "０１２３４５６７８９"))
    assert parse_rating(fullwidth) == value


@FAST
@given(st.one_of(st.none(), TEXT))
def test_parse_completion_never_raises(text):
    assert parse_completion(text) is None or parse_completion(text).value in {
        "full",
        "partial",
        "skipped",
    }


@FAST
@given(TEXT)
@example("24:00")
@example("12 am")
@example("٠٧:٣٠")
def test_parse_local_time_returns_a_time_or_a_time_input_error(text):
    try:
        value = parse_local_time(text)
    except TimeInputError as err:
        assert err.user_message
    else:
        assert isinstance(value, time) and value.second == 0 and value.tzinfo is None


@FAST
@given(st.times().map(lambda t: t.replace(second=0, microsecond=0, tzinfo=None)))
def test_every_time_the_bot_shows_reads_back(value):
    assert parse_local_time(format_time(value)) == value
    twelve = value.strftime("%I:%M %p").lstrip("0")
    assert parse_local_time(twelve) == value


@FAST
@given(TEXT)
@example("UTC+99")
@example("+5:45")
@example("gmt-0")
def test_parse_utc_offset_gives_a_real_zone_or_a_zone_input_error(text):
    try:
        name = parse_utc_offset(text)
    except ZoneInputError as err:
        assert err.user_message
    else:
        ZoneInfo(name)


@FAST
@given(st.integers(-12, 14), st.sampled_from([0, 30, 45]))
def test_an_offset_in_range_gives_a_zone_with_that_offset_at_some_time_of_year(hours, minutes):
    sign = "-" if hours < 0 else "+"
    text = f"UTC{sign}{abs(hours)}:{minutes:02d}"
    total = timedelta(hours=abs(hours), minutes=minutes) * (-1 if hours < 0 else 1)
    try:
        zone = ZoneInfo(parse_utc_offset(text))
    except ZoneInputError:
        assert minutes != 0 or abs(total) > timedelta(hours=14)
        return
    offsets = {
        datetime(2026, month, 15, 12, tzinfo=UTC).astimezone(zone).utcoffset()
        for month in range(1, 13)
    }
    assert total in offsets


@settings(max_examples=150, deadline=None, database=None)
@given(TEXT | st.text(max_size=120))
@example("Europe/Berlin")
@example("x" * 101)
@example("Paris, TX")
@example("Par\ud800is, \udfff")  # lone surrogates: JSON can carry them, SQLite can't bind them
def test_resolve_zone_text_gives_real_zones_or_a_zone_input_error(places, text):
    try:
        found = resolve_zone_text(text, places)
    except ZoneInputError as err:
        assert err.user_message
        return
    names = [found.zone] if found.zone else [choice.zone for choice in found.choices]
    assert names
    for name in names:
        ZoneInfo(name)


@FAST
@given(st.datetimes(datetime(2000, 1, 1), datetime(2200, 1, 1), timezones=st.just(UTC)))
def test_timestamps_round_trip_through_the_database_form(moment):
    stored = to_db(moment)
    assert len(stored) == 20
    assert from_db(stored) == moment.replace(microsecond=0)


# --- content -------------------------------------------------------------------------------------

SHIPPED = read_folder(CONTENT)


@st.composite
def mutated_content(draw) -> dict[str, bytes]:
    """The shipped content with one to three random edits, as a careless editor makes them."""
    files = dict(SHIPPED)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        data = files[name]
        action = draw(st.sampled_from(["replace", "delete-line", "insert", "bytes", "drop"]))
        if action == "drop":
            del files[name]
            if not files:
                break
            continue
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 80)))
        if action == "replace":
            files[name] = data[:start] + draw(TEXT).encode() + data[end:]
        elif action == "delete-line":
            lines = data.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            files[name] = b"\n".join(lines[:index] + lines[index + 1 :])
        elif action == "insert":
            snippet = draw(st.sampled_from([b"\n", b": ", b"  - ", b"---\n", b"timer: 2 s\n"]))
            files[name] = data[:start] + snippet + data[start:]
        else:
            files[name] = data[:start] + draw(st.binary(min_size=1, max_size=8)) + data[end:]
    return files


@settings(max_examples=60, deadline=None, database=None)
@given(mutated_content())
def test_a_mutated_content_set_is_valid_or_every_problem_names_file_and_line(files):
    try:
        library = build_library(files)
    except ContentInvalid as err:
        assert err.problems
        for problem in err.problems:
            assert isinstance(problem, Problem)
            assert problem.file and isinstance(problem.line, int) and problem.line >= 0
            assert problem.reason
    else:
        assert isinstance(library, Library) and library.practices


# --- the message catalog -------------------------------------------------------------------------


def _count(key: str) -> dict[str, int]:
    """A Plural message's count `n` is always a number; it picks the form, so it is not text."""
    return {"n": 2} if isinstance(texts.MESSAGES[key], texts.Plural) else {}


KEYS = sorted(key for key in texts.MESSAGES if texts.placeholders(key) - _count(key).keys())


@settings(max_examples=400, deadline=None, database=None)
@given(st.sampled_from(KEYS), TEXT | st.text(max_size=300))
@example("ci_line_note", "<b>&amp;</b> &#0; &lt")
def test_any_value_in_any_message_is_escaped_for_html(key, value):
    values = dict.fromkeys(texts.placeholders(key), value) | _count(key)
    message = texts.t(key, **values)
    plain, _ = parse_html(message)  # raises as Telegram would on a bad entity or tag
    if values.keys() - {"n"}:
        assert value in plain


# --- the running bot -----------------------------------------------------------------------------

COMMAND = re.compile(r"/[A-Za-z0-9_]")
NASTY_NOTES = [
    "<b>bold</b> <script>alert(1)</script> & &amp; &lt;",
    "*bold* _it_ [link](http://x) `code` ||spoiler|| \\",
    "Robert'); DROP TABLE checkins;--",
    "مرحبا \u202eevil\u202c שלום",
    "zero\u200bwidth\ufeff",
    "\x00\x01\x07 nul and bell",
    "🧘‍♀️" * 300,
    "x" * 4096,
    "line\n" * 300,
    "  leading and trailing spaces  ",
]


def typeable(note: str) -> bool:
    """Text Telegram would deliver as a note: not blank, not a command, within its length."""
    return bool(note.strip()) and not COMMAND.match(note) and utf16_len(note) <= 4096


NOTES = (
    st.sampled_from(NASTY_NOTES)
    | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400)
    | st.text(st.sampled_from(TRICKY), min_size=1, max_size=80)
).filter(typeable)


async def open_bot(stack: AsyncExitStack, db: Path) -> Harness:
    emulator = await stack.enter_async_context(Emulator())
    clock = ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    settings_ = Settings(
        token=emulator.token,
        api_url=emulator.base_url,
        file_url=emulator.base_file_url,
        db_path=db,
        content_dir=CONTENT,
        places_dir=Path(os.environ["BOT_PLACES_DIR"]),  # built once a session (conftest.py)
        tick_seconds=3600,
        max_per_second=None,
    )
    application = build_application(settings_, clock=clock)
    await stack.enter_async_context(polling(application, poll_timeout=1))
    bot = Harness(application, emulator, clock)
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")
    return bot


async def note_round_trip(bot: Harness, note: str) -> tuple[str | None, dict]:
    """A check-in on a new day with `note` typed at the last question; returns the stored
    note and the thank-you message."""
    bot.clock.advance(timedelta(days=1))
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("How are you feeling")
    await bot.emu.send_text(USER_ID, "4")
    await bot.expect("pain")
    await bot.emu.send_text(USER_ID, "2")
    areas = await bot.expect("Where do you feel it")
    await bot.tap(areas, "Nowhere")
    await bot.expect("How did today's practice go")
    await bot.emu.send_text(USER_ID, "all")
    await bot.expect("Anything you'd like to add")
    await bot.emu.send_text(USER_ID, note)
    thanks = await bot.expect("Thank you for checking in")
    today = bot.clock.now().date()
    return bot.store.checkin_for_day(USER_ID, today).note, thanks


def test_any_typed_note_is_stored_exactly_and_echoed_as_valid_html(tmp_path):
    """One bot, one event loop, every example a check-in on its own day."""
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        bot = runner.run(open_bot(stack, tmp_path / "bot.db"))
        tried: list[str] = []
        try:

            @settings(
                max_examples=30,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            @given(NOTES)
            @example(NASTY_NOTES[0])
            @example("x" * 4096)
            def check(note):
                tried.append(note)
                stored, thanks = runner.run(note_round_trip(bot, note))
                assert stored == note
                shown = note if len(note) <= NOTE_ECHO_LIMIT else note[:NOTE_ECHO_LIMIT].rstrip()
                assert shown in thanks["text"]
                assert not bot.emu.errors, "Telegram refused a reply"

            check()
        finally:
            runner.run(stack.aclose())
    assert len(tried) >= 30


def _labels(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def any_text_everywhere(bot: Harness, text: str) -> tuple[str | None, str]:
    """A check-in on a new day with `text` typed at every question; where the bot can't read
    it as an answer, the real answer follows. Returns the stored note and the one expected:
    words typed where buttons were asked for are kept as (part of) the note."""
    bot.clock.advance(timedelta(days=1))
    kept = []
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("How are you feeling")
    for question, answer, follows in (("tension", "4", "pain"), ("pain", "2", "Where do")):
        await bot.emu.send_text(USER_ID, text)
        try:
            parse_rating(text)
        except RatingError:
            reply = await bot.reply()
            assert follows not in reply["text"], question  # asked again, kindly
            await bot.emu.send_text(USER_ID, answer)
        # A rating that reads as high or rising pain gets the safety reply first, and the
        # next question waits for its "Go on".
        while follows not in (reply := await bot.reply()).get("text", ""):
            if "Go on with the check-in" in _labels(reply):
                await bot.tap(reply, "Go on with the check-in")
    await bot.emu.send_text(USER_ID, text)  # at the body-area buttons
    if not typed.means_skip(text):  # "none", "skip": the same as Done with nothing ticked
        areas = await bot.expect("Where do you feel it")
        kept.append(text)
        await bot.tap(areas, "Nowhere")
    await bot.expect("How did today's practice go")
    await bot.emu.send_text(USER_ID, text)
    if parse_completion(text) is None:
        completion = await bot.expect("How did today's practice go")
        kept.append(text)
        await bot.tap(completion, "Did it all")
    await bot.expect("Anything you'd like to add")
    await bot.emu.send_text(USER_ID, "/checkin")  # a command mid-flow: the question again
    note = await bot.expect("Anything you'd like to add")
    await bot.tap(note, 0)  # keep the note as it stands
    await bot.expect("Thank you for checking in")
    return bot.store.checkin_for_day(USER_ID, bot.clock.now().date()).note, "\n".join(kept) or None


def test_any_text_at_any_checkin_question_is_answered_and_kept_where_it_is_words(tmp_path, caplog):
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        bot = runner.run(open_bot(stack, tmp_path / "bot.db"))
        tried: list[str] = []
        try:

            @settings(
                max_examples=30,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            @given(NOTES)
            @example("7")
            @example("9")  # high pain: the safety reply comes before the next question
            @example("did part of it")
            @example("NONE")  # a skip word: at the body areas, the same as Done with none ticked
            def check(text):
                tried.append(text)
                stored, expected = runner.run(any_text_everywhere(bot, text))
                assert stored == expected
                assert not bot.emu.errors, "Telegram refused a reply"

            check()
        finally:
            runner.run(stack.aclose())
    assert len(tried) >= 30
    assert not [r for r in caplog.records if r.getMessage().startswith("update.failed")]
