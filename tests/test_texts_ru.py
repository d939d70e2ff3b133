"""Insights, summaries, the chart, the CSV and the PDF in Russian; dates and numbers by Babel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot import i18n, texts, zones
from bot.charts import alt_text, render_progress_chart
from bot.contentops import UploadRejected, human_size, read_zip
from bot.exports import CSV_COLUMNS, checkins_csv, csv_header, report_pdf
from bot.insights import (
    Change,
    _change_line,
    format_history_row,
    history_rows,
    summarize,
    summary_lines,
    weekly_summary,
)
from bot.models import BodyArea, CheckIn, Completion
from bot.places import CityMatch
from bot.ratings import AREA_LABELS, anchor_words, area_name
from bot.render import Renderer
from bot.schedule import describe_next
from bot.texts import content_admin, formats, insights, places, program, report
from bot.zones import common_zones, zone_label
from tests.test_exports import pdf_text

TUESDAY = date(2026, 12, 8)


@pytest.fixture
def russian():
    with i18n.use_language("ru"):
        yield


def checkin(d: date, **values) -> CheckIn:
    return CheckIn(1, d, **values)


@pytest.mark.parametrize(
    "domain", [formats, insights, report, places, program, content_admin], ids=lambda m: m.__name__
)
def test_every_message_of_the_new_catalogs_has_its_russian(domain):
    name = domain.__name__.rsplit(".", 1)[-1]
    with i18n.catalog_path("ru", name).open("rb") as po:
        catalog = read_po(po, locale="ru")
    translated = {
        m.context
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    assert set(domain.MESSAGES) <= translated


# --- dates and numbers -----------------------------------------------------------------------


def test_babel_dates_in_russian(russian):
    assert TUESDAY.weekday() == 1  # the test's premise: 8 December 2026 is a Tuesday
    assert formats.day_label(TUESDAY) == "вторник, 8 декабря"
    assert formats.short_date(TUESDAY) == "вт, 8 дек."
    assert formats.day_month(TUESDAY) == "8 дек."
    assert formats.weekday_name(0) == "понедельник"
    assert formats.time_label(time(7, 5)) == "07:05"
    assert formats.rating(4.5) == "4,5"


def test_english_dates_keep_their_format():
    assert formats.day_label(TUESDAY) == "Tuesday 8 December"
    assert formats.short_date(TUESDAY) == "Tue 8 Dec"
    assert formats.day_month_year(TUESDAY) == "8 Dec 2026"
    assert formats.month_name(TUESDAY) == "Dec"
    assert formats.rating(4.5) == "4.5"


def test_ratings_round_like_python_not_half_even_on_the_decimal_text():
    """4.35 is 4.3499... as a float: it always showed as 4.3 and still does."""
    assert formats.rating(4.35) == f"{4.35:.1f}" == "4.3"


# --- insights and the weekly summary ---------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")],
)
def test_streak_plural_forms_in_russian(russian, days, words):
    practised = {TUESDAY - timedelta(days=i) for i in range(days)}
    lines = summary_lines(summarize([], practised, set(), TUESDAY, None))
    assert f"Сейчас вы занимаетесь {words} подряд (лучший результат: {days})." in lines
    assert any(line.startswith(f"Всего {words} практики") for line in lines)


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")],
)
def test_english_plurals_are_unchanged(days, words):
    practised = {TUESDAY - timedelta(days=i) for i in range(days)}
    lines = summary_lines(summarize([], practised, set(), TUESDAY, None))
    unit = "day" if days == 1 else "days"
    assert f"Current streak: {days} {unit} (best: {days})." in lines


def test_weekly_summary_in_russian(russian):
    monday = date(2026, 12, 7)
    checkins = [
        checkin(monday - timedelta(days=7), tension=7, pain=6),
        checkin(monday, tension=5, pain=3, practised=True),
        checkin(monday + timedelta(days=1), tension=4, pain=2, practised=True),
    ]
    lines = weekly_summary(checkins, set(), monday)
    assert lines[0] == "На этой неделе вы занимались 2 дня."
    assert "Напряжение в среднем за неделю: 4,5 (на прошлой неделе 7,0)." in lines
    assert "Боль в среднем за неделю: 2,5 (на прошлой неделе 6,0)." in lines
    assert lines[-1] == "Напряжение и боль заметно снизились. Вы молодец, что продолжаете."


def test_weekly_summary_with_a_hard_day_keeps_the_doctor_advice_in_russian(russian):
    monday = date(2026, 12, 7)
    lines = weekly_summary([checkin(monday, pain=9)], set(), monday)
    assert any("боль доходила до 9" in line and "обратитесь к врачу" in line for line in lines)


def test_insight_lines_in_russian(russian):
    worse = _change_line("pain", Change(2.0, 6.0), covers_start=True)
    assert worse.startswith("Боль: 2,0 → 6,0 с вашей первой недели до последних 7 дней.")
    assert "квалифицированному специалисту" in worse
    better = _change_line("tension", Change(6.0, 2.0), covers_start=False)
    assert better == (
        "Напряжение: 6,0 → 2,0 с первой показанной недели до последних 7 дней — заметное изменение."
    )


def test_history_row_in_russian(russian):
    rows = history_rows(
        [checkin(TUESDAY, tension=4, pain=3, areas=(BodyArea.GROIN_LEFT,), note="да")],
        {TUESDAY},
        set(),
        TUESDAY,
        TUESDAY,
    )
    assert format_history_row(rows[0]) == (
        "вт, 8 дек. · занимались · напряжение 4 · боль 3 · пах слева · 📝"
    )


# --- the chart, the CSV and the PDF ----------------------------------------------------------


def _two_weeks() -> tuple[list[CheckIn], set[date]]:
    checkins = [
        checkin(
            TUESDAY - timedelta(days=i),
            tension=3 + i % 3,
            pain=2 + i % 2,
            tension_before=5,
            areas=(BodyArea.LOWER_BACK,),
            completion=Completion.PARTIAL,
            note="Спина отпустила 🌿" if i == 0 else None,
            practised=True,
        )
        for i in range(14)
    ]
    return checkins, {c.local_date for c in checkins}


def test_csv_header_and_cells_in_russian_keep_the_column_order(russian):
    checkins, _ = _two_weeks()
    rows = list(
        csv.reader(io.StringIO(checkins_csv(checkins, "Europe/Moscow").decode("utf-8-sig")))
    )
    assert rows[0] == list(csv_header())
    assert rows[0][:5] == ["дата", "практика", "напряжение до", "напряжение", "боль"]
    assert len(rows[0]) == len(CSV_COLUMNS)
    last = rows[-1]
    assert last[0] == "2026-12-08"  # ISO dates: a spreadsheet reads them in any language
    assert (last[1], last[5], last[6], last[7]) == (
        "да",
        "поясница",
        "частично",
        "Спина отпустила 🌿",
    )


def test_csv_header_in_english_is_the_column_names():
    assert csv_header() == CSV_COLUMNS


def test_pdf_report_in_russian(russian):
    checkins, practised = _two_weeks()
    summary = summarize(checkins, practised, set(), TUESDAY, 30)
    chart = render_progress_chart(checkins, practised, summary.start, summary.end)
    text = pdf_text(
        report_pdf(checkins, summary, chart, title_name="Анна", practised_days=practised)
    )
    assert "Отчёт о практике для поясничной мышцы — Анна" in text
    assert "вт, 8 дек." in text
    assert "Итоги" in text
    assert "Где болело: поясница (14 дней)." in text
    assert "Средние за период: напряжение 3,9, боль 2,5 (14 дней с оценками)." in text
    assert "Спина отпустила" in text
    assert "Self-reported" not in text and "Summary" not in text
    # The footer, longer in Russian than the page is wide, wraps within the margins.
    assert "Рекомендации по практике,\nа не диагноз." in text


def test_alt_text_in_russian(russian):
    checkins, practised = _two_weeks()
    text = alt_text(summarize(checkins, practised, set(), TUESDAY, 7))
    # A dash between the dates: «с ср, 2 дек. по …» read oddly with the weekday after «с».
    assert text.startswith("График вашего напряжения и боли (от 0 до 10), ср, 2 дек. — вт, 8 дек.")
    assert "Вы занимались в 7 из последних 7 дней." in text


async def test_the_render_helper_draws_in_the_callers_language():
    """The helper is another process: the language must travel with the work."""
    checkins, practised = _two_weeks()
    summary = summarize(checkins, practised, set(), TUESDAY, 30)
    renderer = Renderer()
    try:
        with i18n.use_language("ru"):
            csv_ru, pdf_ru = await renderer.export_files(
                checkins, summary, practised, "Europe/Moscow", None
            )
        csv_en, _ = await renderer.export_files(checkins, summary, practised, "UTC", None)
    finally:
        renderer.close()
    assert csv_ru.decode("utf-8-sig").startswith("дата,практика,")
    assert "Итоги" in pdf_text(pdf_ru)
    assert csv_en.decode("utf-8-sig").startswith("date,practised,")


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (datetime(2026, 12, 8, 19, 30, tzinfo=UTC), "сегодня в 20:30"),
        (datetime(2026, 12, 9, 6, 30, tzinfo=UTC), "завтра в 07:30"),
        (datetime(2026, 12, 11, 6, 30, tzinfo=UTC), "пятница, 11 декабря, в 07:30"),
        (datetime(2026, 12, 21, 6, 30, tzinfo=UTC), "понедельник, 21 декабря, в 07:30"),
    ],
)
def test_next_reminder_in_russian(russian, due, expected):
    now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # a Tuesday morning in Berlin
    assert describe_next(due, ZoneInfo("Europe/Berlin"), now) == expected


# --- buttons and labels built outside bot/texts ----------------------------------------------


def test_area_buttons_and_rating_anchors_in_russian(russian):
    assert area_name(BodyArea.GROIN_LEFT) == "Пах, слева"
    assert area_name(BodyArea.LOWER_BACK) == "Поясница"
    assert anchor_words() == {0: "нет", 5: "умеренно", 10: "хуже некуда"}


def test_area_buttons_in_english_are_the_labels():
    assert [area_name(a) for a in BodyArea] == list(AREA_LABELS.values())


def test_zone_pick_list_and_label_in_russian(russian):
    labels = dict((name, label) for label, name in common_zones())
    assert labels["Europe/Moscow"] == "Москва"
    assert labels["Europe/Berlin"] == "Берлин, Париж"
    assert labels["Asia/Kolkata"] == "Индия"
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    # The zone by its city in Russian, not its IANA name (issue 18: no English for her).
    assert zone_label("Europe/Moscow", now) == "Москва (сейчас UTC+03:00)"
    assert zone_label("Europe/Moscow", now, "Москва, Россия") == "Москва, Россия (сейчас UTC+03:00)"
    assert zone_label("Etc/GMT-3", now) == "UTC+03:00"


def test_zone_pick_list_in_english_is_unchanged():
    labels = [label for label, _ in common_zones()]
    assert labels[:5] == ["Los Angeles", "Denver", "Chicago", "New York", "São Paulo"]
    assert "Berlin, Paris" in labels and "India" in labels


def test_city_label_names_the_country_in_russian(russian):
    paris = CityMatch("Paris", "FR", "France", None, "Europe/Paris", 2_000_000)
    assert zones.city_label(paris) == "Paris, Франция"
    assert zones.city_label(paris, "Paris") == "Paris, Франция"  # typed in Latin: as indexed


def test_a_city_typed_in_cyrillic_is_named_as_typed(russian):
    """The index names cities in English; the name she typed matched them, so it is shown. A
    US state's English name gives way to the zone's city in Russian."""
    moscow = CityMatch("Moscow", "RU", "Russia", None, "Europe/Moscow", 12_000_000)
    idaho = CityMatch("Moscow", "US", "United States", "Idaho", "America/Los_Angeles", 25_000)
    assert zones.city_label(moscow, "москва ") == "Москва, Россия"
    assert zones.city_label(idaho, "Москва") == "Москва, Соединенные Штаты · пояс: Лос-Анджелес"


def test_a_city_typed_in_cyrillic_keeps_the_english_label_in_english():
    idaho = CityMatch("Moscow", "US", "United States", "Idaho", "America/Los_Angeles", 25_000)
    assert zones.city_label(idaho, "Москва") == "Moscow, Idaho, United States"


def test_program_day_titles_in_russian(russian):
    assert texts.template("pg_gentle_days") == "Щадящие дни"


def test_an_unreadable_zip_is_explained_in_russian(russian):
    with pytest.raises(UploadRejected) as caught:
        read_zip("content.zip", b"not a zip at all")
    assert "он повреждён или это не zip" in caught.value.user_message


def test_an_unreadable_zip_is_explained_in_english():
    with pytest.raises(UploadRejected) as caught:
        read_zip("content.zip", b"not a zip at all")
    assert "it is damaged or not a zip" in caught.value.user_message


def test_weekday_buttons_use_cldr_abbreviations(russian):
    """Cutting "понедельник" to three letters gave "пон"; CLDR says "пн"."""
    assert [formats.weekday_short(n) for n in range(7)] == [
        "пн",
        "вт",
        "ср",
        "чт",
        "пт",
        "сб",
        "вс",
    ]


def test_weekday_buttons_in_english_are_unchanged():
    assert [formats.weekday_short(n) for n in range(7)] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
    ]  # fmt: skip


def test_sizes_and_shares_in_russian(russian):
    assert human_size(50 * 2**20) == "50,0 МБ"
    assert human_size(300 * 1024) == "300 КБ"
    assert [human_size(n) for n in (1, 2, 5, 11, 21)] == [
        "1 байт", "2 байта", "5 байт", "11 байт", "21 байт"
    ]  # fmt: skip
    assert formats.percent(9, 20).replace("\xa0", " ") == "45 %"


def test_sizes_and_shares_in_english():
    assert human_size(50 * 2**20) == "50.0 MB"
    assert human_size(1) == "1 byte" and human_size(5) == "5 bytes"
    assert formats.percent(9, 20) == "45%"


@pytest.mark.parametrize(
    ("n", "days"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")],
)
def test_pause_buttons_and_the_locked_practice_line_take_the_plural(russian, n, days):
    """Once «дн.» for every count; now the catalog's three Russian forms."""
    assert texts.t("pause_days_button", n=n) == days
    assert f"слабой {days} подряд" in texts.t("pr_locked", n=n)


def test_timer_lengths_in_russian(russian):
    from bot.views.practice import length_text

    assert [length_text(s) for s in (30, 900, 90)] == ["30 с", "15 мин", "1 мин 30 с"]
