from __future__ import annotations

import csv
import io
import logging
import re
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from fpdf import FPDF
from PIL import Image

from bot.charts import render_progress_chart
from bot.exports import CSV_COLUMNS, _fallback_file, checkins_csv, pdf_safe, report_pdf
from bot.insights import summarize
from bot.models import BodyArea, CheckIn, Completion

TODAY = date(2026, 11, 16)
TRICKY_NOTE = 'Felt "looser", then tight again,\nsecond line 😊🌿 مرحبا بالعالم — ok'


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def year(today: date = TODAY) -> tuple[list[CheckIn], set[date]]:
    checkins = [
        CheckIn(
            1,
            today - timedelta(days=i),
            tension=(i % 7) + 2,
            pain=(i % 5) + 1,
            tension_before=(i % 7) + 3,
            areas=(BodyArea.LOWER_BACK, BodyArea.GROIN_RIGHT),
            completion=Completion.FULL,
            note=f"{TRICKY_NOTE} {i} " * 3,
            practised=i % 4 != 0,
        )
        for i in range(365)
    ]
    return checkins, {today - timedelta(days=i) for i in range(0, 365, 2)}


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (dictionary text, inflated stream or b"")."""
    objects = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S):
        body = m.group(2)
        head, _, rest = body.partition(b"stream")
        stream = b""
        if rest:
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            raw = re.sub(rb"^\r?\n", b"", rest)[:length]
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        objects[int(m.group(1))] = (head, stream)
    return objects


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        token = m.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return _ESCAPES.get(token, token)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """The text fpdf2 drew, decoded through each font's ToUnicode map: enough to check the
    report's words without pypdf. fpdf2 writes TTF text as 2-byte glyph ids in (...) Tj."""
    objects = _objects(pdf)
    cmaps: dict[bytes, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", head):
            font_head = objects[int(ref)][0]
            to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", font_head)
            if to_unicode:
                cmap = objects[int(to_unicode.group(1))][1]
                pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap)
                cmaps[name] = {
                    int(g, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for g, u in pairs
                }
    lines = []
    for _, stream in objects.values():
        font = None
        for m in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            if m.group(1):
                font = m.group(1)
            elif font in cmaps:
                raw = _unescape(m.group(2))
                ids = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                lines.append("".join(cmaps[font].get(g, "\ufffd") for g in ids))
    return "\n".join(lines)


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_starts_with_bom_and_round_trips_tricky_note():
    created = datetime(2026, 11, 15, 22, 30, tzinfo=UTC)  # already 16 Nov in Berlin
    checkins = [
        CheckIn(
            1,
            TODAY,
            tension=3,
            pain=2,
            areas=(BodyArea.LOWER_BACK, BodyArea.HIP_FRONT_LEFT),
            completion=Completion.PARTIAL,
            note=TRICKY_NOTE,
            tension_before=6,
            practised=True,
            created_utc=created,
        ),
        CheckIn(1, TODAY - timedelta(days=1)),
    ]
    data = checkins_csv(checkins, "Europe/Berlin")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows == [
        {
            "date": "2026-11-15",
            "practised": "no",
            "tension_before": "",
            "tension": "",
            "pain": "",
            "areas": "",
            "completion": "",
            "note": "",
            "recorded_at": "",
        },
        {
            "date": "2026-11-16",
            "practised": "yes",
            "tension_before": "6",
            "tension": "3",
            "pain": "2",
            "areas": "lower back; left front of hip",
            "completion": "partial",
            "note": TRICKY_NOTE,
            "recorded_at": "2026-11-15T23:30+01:00",
        },
    ]


def test_csv_uses_crlf_for_excel():
    data = checkins_csv([CheckIn(1, TODAY, 1, 1)], "UTC")
    assert data.decode("utf-8-sig").endswith("\r\n")


def test_csv_recorded_at_follows_dst_in_the_persons_zone():
    summer = CheckIn(1, date(2026, 7, 1), created_utc=datetime(2026, 7, 1, 6, tzinfo=UTC))
    winter = CheckIn(1, date(2026, 12, 1), created_utc=datetime(2026, 12, 1, 6, tzinfo=UTC))
    rows = read_csv(checkins_csv([winter, summer], "Europe/Berlin"))
    assert [r["recorded_at"] for r in rows] == ["2026-07-01T08:00+02:00", "2026-12-01T07:00+01:00"]


def test_csv_neutralises_formula_like_notes():
    rows = read_csv(checkins_csv([CheckIn(1, TODAY, note="=HYPERLINK(1)")], "UTC"))
    assert rows[0]["note"] == "'=HYPERLINK(1)"


def test_csv_of_nothing_is_just_the_header():
    assert read_csv(checkins_csv([], "UTC")) == []
    assert checkins_csv([], "UTC").decode("utf-8-sig").startswith(",".join(CSV_COLUMNS))


def test_csv_of_a_year_has_a_row_per_checkin_oldest_first():
    checkins, _ = year()
    rows = read_csv(checkins_csv(checkins, "Asia/Kolkata"))
    assert len(rows) == 365
    assert rows[0]["date"] == (TODAY - timedelta(days=364)).isoformat()
    assert rows[-1]["date"] == TODAY.isoformat()
    assert rows[-1]["note"] == f"{TRICKY_NOTE} 0 " * 3


def test_csv_rejects_unknown_zone():
    with pytest.raises(KeyError):
        checkins_csv([], "Mars/Olympus")


# --- PDF ---------------------------------------------------------------------------------------


def make_report(checkins, practised, window=30, **kw) -> bytes:
    summary = summarize(checkins, practised, set(), TODAY, window)
    chart = render_progress_chart(checkins, practised, summary.start, TODAY)
    return report_pdf(checkins, summary, chart, practised_days=practised, **kw)


def flat(text: str) -> str:
    """Extracted text with the breaks between text runs and lines taken out."""
    return " ".join(text.replace("\n", "").split())


def test_pdf_report_of_a_year_keeps_its_summary_on_the_first_page():
    """A year fits the first page (table capped at 14 days); its notes follow in full."""
    checkins, practised = year()
    pdf = make_report(checkins, practised, None, title_name="Ана 🌿 O'Brien")
    text = pdf_text(pdf)
    assert "Psoas practice report — Ана [herb] O'Brien" in flat(text)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    first_page = text.split("Notes in full")[0]
    assert "Summary" in first_page and first_page.count("Date") == 1
    assert b"/Subtype /Image" in pdf


def test_pdf_report_survives_any_unicode_without_logging_it(caplog):
    checkins = [
        CheckIn(1, TODAY, 3, 2, note=TRICKY_NOTE + " 👍🏽❤️ 𝄞 \x00 \u202e", practised=True),
    ]
    with caplog.at_level(logging.DEBUG):
        pdf = make_report(checkins, set(), title_name="🧘 Nour نور")
    assert page_count(pdf) == 2  # the report, then the note in full
    assert "😊" not in caplog.text and "🌿" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_pdf_report_contains_title_period_table_and_summary_figures():
    checkins = [
        CheckIn(1, TODAY - timedelta(days=i), 4, 3, tension_before=6, practised=True)
        for i in range(20)
    ]
    checkins[0] = CheckIn(
        1,
        TODAY,
        4,
        3,
        tension_before=6,
        practised=True,
        note=TRICKY_NOTE,
        areas=(BodyArea.DEEP_BELLY,),
    )
    text = pdf_text(make_report(checkins, set(), title_name="Nour نور 🧘"))
    assert "Psoas practice report — Nour نور [person in lotus" in flat(text)
    assert "18 Oct 2026 – 16 Nov 2026" in text
    assert "Mon 16 Nov" in text and "Tue 3 Nov" in text and "Mon 2 Nov" not in text  # 14 rows
    assert "deep belly" in text
    assert 'Felt "looser", then' in text  # the note, cut to its cell
    assert "• You practised 20 of the 20 days since you started." in text
    assert "• Current streak: 20 days (best: 20)." in text
    assert "• Tension before → after a session: 6.0 → 4.0 on average (20 sessions)." in text
    assert "• Averages over the period: tension 4.0, pain 3.0 (20 rated days)." in text
    assert "Before: tension before that day's practice." in text  # the column explained


def test_pdf_report_of_empty_history_is_one_page():
    summary = summarize([], set(), set(), TODAY, 30)
    chart = render_progress_chart([], set(), summary.start, TODAY)
    pdf = report_pdf([], summary, chart)
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    assert "• Nothing to show yet — your first check-in will start your chart." in pdf_text(pdf)


def test_pdf_report_with_a_tall_chart_and_huge_notes_keeps_its_first_page_and_adds_notes():
    """The first page holds its layout; the notes follow in full on the pages after it
    (they used to be cut to one line each, B3)."""
    tall = render_progress_chart([], set(), TODAY, TODAY)
    checkins = [
        CheckIn(1, TODAY - timedelta(days=i), 9, 9, note="long words " * 400) for i in range(30)
    ]
    summary = summarize(checkins, set(), set(), TODAY, None)
    buf = io.BytesIO()
    Image.open(io.BytesIO(tall)).resize((400, 1200)).save(buf, format="PNG")
    pdf = report_pdf(checkins, summary, buf.getvalue(), title_name="x" * 300)
    text = pdf_text(pdf)
    assert text.count("Date") == 1  # one table, on the first page
    assert page_count(pdf) > 1
    assert "Notes in full" in text
    assert ("long words " * 400).strip() in " ".join(text.split())  # a whole note, wrapped


def test_pdf_page_count_agrees_with_fpdf2():
    """The regex counter used above is honest: it counts two pages as two."""
    doc = FPDF()
    doc.add_page()
    doc.add_page()
    assert page_count(bytes(doc.output())) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a\nb\tc", "a b c"),
        ("👍🏽", "[thumbs up sign]"),
        ("❤️", "❤"),
        ("مرحبا", "مرحبا"),
        ("Ωμέγα → ok", "Ωμέγα → ok"),
        ("\U0001f9d8", "[person in lotus position]"),
        ("a\u202eb\x00c", "abc"),
    ],
    ids=[
        "plain",
        "newlines",
        "skin-tone",
        "variation-selector",
        "arabic",
        "greek-arrow",
        "emoji",
        "bidi-override-and-nul",
    ],
)
def test_pdf_safe_replaces_what_the_font_lacks(text, expected):
    assert pdf_safe(text) == expected


def test_pdf_report_prints_emoji_and_cjk_notes_whole_and_where_it_hurt():
    """B3: emoji and Japanese became "?", and every note was cut to one line."""
    note = "Боль ушла 🙏 — 痛みが減った. Łódź café. " + "The stairs were hard again today. " * 12
    checkins = [
        CheckIn(1, TODAY, 4, 3, note=note, areas=(BodyArea.LOWER_BACK,), practised=True),
        CheckIn(1, TODAY - timedelta(days=1), 4, 8, areas=(BodyArea.LOWER_BACK,)),
        CheckIn(1, TODAY - timedelta(days=2), 4, 6, areas=(BodyArea.DEEP_BELLY,)),
    ]
    text = pdf_text(make_report(checkins, set()))
    # Japanese needs the fallback font (fonts-droid-fallback; .ci/run and the Dockerfile
    # install it); without it the characters are "?", never a crash.
    japanese = "痛みが減った" if _fallback_file() is not None else "??????"
    assert f"Боль ушла [person with folded hands] — {japanese}. Łódź café." in flat(text)
    assert ("The stairs were hard again today. " * 12).strip() in " ".join(text.split())
    assert "Where it hurt: lower back (2 days), deep belly (1 day)." in " ".join(text.split())
