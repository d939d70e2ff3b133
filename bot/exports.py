"""/export: the person's check-ins as a CSV file and a PDF report for a therapist.

Pure: bytes in, bytes out, no Telegram and no files on disk.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from bot import i18n, texts
from bot.insights import (
    HISTORY_PAGE_DAYS,
    Summary,
    all_practised_days,
    area_label,
    daily_values,
    summary_lines,
)
from bot.models import CheckIn
from bot.texts.formats import day_month_year, rating, short_date

# The columns, in this order in every language; their names come from the catalog
# (rp_csv_<column>), since a person opens the file in a spreadsheet.
CSV_COLUMNS = (
    "date",
    "practised",
    "tension_before",
    "tension",
    "pain",
    "areas",
    "completion",
    "note",
    "recorded_at",
)
# Excel reads a cell starting with one of these as a formula ("=HYPERLINK(...)"): prefix a
# quote, as OWASP advises for CSV injection. The person's own text, but a file travels.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _say(key: str, n: int | None = None, **values: object) -> str:
    """Plain text for the file: filled in, not escaped."""
    return texts.template(key, n).format(n=n, **values)


def csv_header() -> tuple[str, ...]:
    """The column names in the current language, in CSV_COLUMNS' order."""
    return tuple(_say(f"rp_csv_{column}") for column in CSV_COLUMNS)


def _rating(value: int | None) -> str:
    return "" if value is None else str(value)


def _cell_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def checkins_csv(checkins: Iterable[CheckIn], zone_name: str) -> bytes:
    """One row per check-in, oldest first, as UTF-8 with a BOM (Excel then reads the
    encoding right) and CRLF line ends. `date` is the local date the check-in belongs to;
    `recorded_at` is when it was saved, on the clock of `zone_name`, to the minute."""
    zone = ZoneInfo(zone_name)
    ordered = sorted(checkins, key=lambda c: (c.local_date, c.created_utc or _EARLIEST))
    buf = io.StringIO()
    writer = csv.writer(buf)  # excel dialect: CRLF, quotes only where needed
    writer.writerow(csv_header())
    for c in ordered:
        recorded = (
            c.created_utc.astimezone(zone).isoformat(timespec="minutes") if c.created_utc else ""
        )
        writer.writerow(
            (
                c.local_date.isoformat(),
                _say("rp_yes") if c.practised else _say("rp_no"),
                _rating(c.tension_before),
                _rating(c.tension),
                _rating(c.pain),
                "; ".join(area_label(a) for a in c.areas),
                _say(f"rp_completion_{c.completion.value}") if c.completion else "",
                _cell_text(c.note or ""),
                recorded,
            )
        )
    return buf.getvalue().encode("utf-8-sig")


# --- PDF ---------------------------------------------------------------------------------------

_FONT = "DejaVu"
_FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_MISSING_GLYPH = "?"
# Invisible joiners and variation selectors: dropped, not shown as "?" ("❤️" is ❤ + FE0F).
# Skin-tone modifiers likewise: "👍🏽" becomes one "?", not two.
_DROP = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400)}

_PAGE_W = 210  # A4, mm
_MARGIN = 12
_CONTENT_W = _PAGE_W - 2 * _MARGIN
_CHART_W = 174  # the 3:2 chart: 174 x 116 mm
_ROW_H = 5.2
_TABLE_ROWS = HISTORY_PAGE_DAYS  # the last 14 days, so a year of data stays on one page
# date, practised, before, tension, pain, areas, note
_COL_W = (24, 20, 15, 16, 12, 47, 52)
_HEADERS = ("date", "practised", "before", "tension", "pain", "where", "note")  # rp_pdf_<name>


# Characters DejaVu lacks (Chinese, Japanese, Korean) come from a fallback font where the
# machine has one (Debian's fonts-droid-fallback; the Dockerfile installs it).
_FALLBACK = "DroidFallback"
_FALLBACK_PATHS = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),)


@cache
def _fallback_file() -> Path | None:
    return next((path for path in _FALLBACK_PATHS if path.is_file()), None)


@cache
def _dejavu_cmap() -> frozenset[int]:
    """Code points both bundled DejaVu Sans faces (regular and bold) can draw."""
    drawable: frozenset[int] | None = None
    for file in _FONT_FILES.values():
        with TTFont(os.path.join(_FONT_DIR, file), lazy=True) as font:
            cmap = frozenset(font.getBestCmap())
        drawable = cmap if drawable is None else drawable & cmap
    return drawable or frozenset()


@cache
def _font_cmap() -> frozenset[int]:
    """Code points the report can draw: DejaVu's, and the fallback font's where installed."""
    drawable = _dejavu_cmap()
    fallback = _fallback_file()
    if fallback is not None:
        with TTFont(fallback, lazy=True) as font:
            drawable |= frozenset(font.getBestCmap())
    return drawable


def _needs_fallback(*parts: str) -> bool:
    """Whether any text needs the fallback font: loading it costs ~2 s a report, so only a
    report with such characters (a note in Japanese, say) pays for it."""
    dejavu, drawable = _dejavu_cmap(), _font_cmap()
    return any(ord(ch) not in dejavu and ord(ch) in drawable for part in parts for ch in part)


def _stand_in(ch: str) -> str:
    """What a clinician reads for a character no font here can draw: an emoji's name
    ("[folded hands]") says what the person meant; anything else is "?"."""
    name = unicodedata.name(ch, "")
    if name and unicodedata.category(ch) == "So":
        english = i18n.current_language() == i18n.DEFAULT_LANGUAGE
        return f"[{name.lower()}]" if english else texts.t("rp_emoji")
    return _MISSING_GLYPH


def pdf_safe(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every character the fonts lack replaced (an emoji by its name, others by
    "?"), so a note never crashes the report; fpdf2 would otherwise log the missing
    characters, and notes must stay out of logs. Line breaks become spaces (table cells are
    one line) unless `keep_lines`."""
    cmap = _font_cmap()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        cp = ord(ch)
        if ch == "\n" and keep_lines:
            out.append(ch)
        elif ch in "\r\n\t":
            out.append(" ")
        elif cp in _DROP or unicodedata.category(ch) in ("Cc", "Cf"):
            continue  # invisible, and a bidi override would scramble the rest of the line
        elif cp in cmap:
            out.append(ch)
        elif unicodedata.category(ch) == "Mn":
            continue  # a combining mark the font lacks: the base letter still reads
        else:
            out.append(_stand_in(ch))
    return "".join(out)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut `text` with an ellipsis to fit one table cell."""
    text = pdf_safe(text).strip()
    limit = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= limit:
        return text
    # Binary search on the length: a note can be 4096 characters long.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pdf.get_string_width(text[:mid] + "…") <= limit:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FONT, size=7.5)
        self.set_text_color(110)
        # Wrapped within the margins: a translation may be longer than the English line.
        self.multi_cell(0, 3.6, _say("rp_pdf_footer"), align=Align.C)


def report_pdf(
    checkins: Sequence[CheckIn],
    summary: Summary,
    chart_png: bytes,
    *,
    title_name: str | None = None,
    practised_days: Set[date] = frozenset(),
) -> bytes:
    """An A4 report: on the first page the title, period, the progress chart, the last 14
    days as a table and the summary facts (where it hurt among them); then every note in
    full. Text comes through DejaVu Sans (bundled with matplotlib) and a CJK fallback font
    where installed; an emoji no font has prints as its name."""
    pdf = _Report(format="A4", unit="mm")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)  # one page by construction: the table is capped instead
    for style, file in _FONT_FILES.items():
        pdf.add_font(_FONT, style=style, fname=os.path.join(_FONT_DIR, file))
    fallback = _fallback_file()
    notes = [c.note or "" for c in checkins]
    if fallback is not None and _needs_fallback(title_name or "", *notes):
        for style in _FONT_FILES:
            pdf.add_font(_FALLBACK, style=style, fname=str(fallback))
        pdf.set_fallback_fonts([_FALLBACK], exact_match=False)
    title = _say("rp_pdf_title_name", name=title_name) if title_name else _say("rp_pdf_title")
    pdf.set_title(pdf_safe(title))
    pdf.set_creator("psoas-bot")
    pdf.add_page()

    pdf.set_font(_FONT, "B", 17)
    pdf.cell(0, 9, _fit(pdf, title, _CONTENT_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=10)
    pdf.set_text_color(80)
    period = _say("rp_period", start=day_month_year(summary.start), end=day_month_year(summary.end))
    pdf.cell(0, 6, pdf_safe(period), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)

    # A box, not just a width: a chart of another shape still leaves room for the table.
    pdf.image(
        io.BytesIO(chart_png),
        x=(_PAGE_W - _CHART_W) / 2,
        w=_CHART_W,
        h=_CHART_W * 2 / 3,
        keep_aspect_ratio=True,
    )
    pdf.ln(2)

    _table(pdf, checkins, practised_days, summary)
    pdf.ln(3)

    pdf.set_font(_FONT, "B", 11)
    pdf.cell(0, 6, _say("rp_pdf_summary"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9)
    bottom = pdf.h - 16
    for line in [*summary_lines(summary), *_period_facts(summary), *_where_it_hurt(checkins)]:
        if pdf.get_y() + 9 > bottom:
            break
        pdf.multi_cell(0, 4.5, pdf_safe("• " + line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _notes_in_full(pdf, checkins, summary)
    return bytes(pdf.output())


def _notes_in_full(pdf: FPDF, checkins: Sequence[CheckIn], summary: Summary) -> None:
    """Every note of the period, whole and wrapped, on the pages after the first: the table
    has room for a line of each, and a therapist needs what the person actually wrote."""
    notes = sorted(
        (c for c in checkins if c.note and c.note.strip() and summary.start <= c.local_date),
        key=lambda c: (c.local_date, c.created_utc or _EARLIEST),
        reverse=True,
    )
    if not notes:
        return
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 11)
    pdf.cell(0, 6, _say("rp_pdf_notes"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for c in notes:
        pdf.ln(1.5)
        pdf.set_font(_FONT, "B", 9)
        pdf.cell(0, 5, short_date(c.local_date), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FONT, size=9)
        text = pdf_safe((c.note or "").strip(), keep_lines=True)
        pdf.multi_cell(0, 4.5, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _where_it_hurt(checkins: Sequence[CheckIn]) -> list[str]:
    """Where it hurt over the period, most often first, counted in days."""
    days: Counter[str] = Counter()
    for day_areas in {
        c.local_date: set(c.areas) for c in sorted(checkins, key=lambda c: c.local_date)
    }.values():
        days.update(area_label(a) for a in day_areas)
    if not days:
        return []
    parts = [_say("rp_pdf_area_days", n, area=label) for label, n in days.most_common()]
    return [_say("rp_pdf_where_it_hurt", areas=", ".join(parts))]


def _table(
    pdf: FPDF, checkins: Sequence[CheckIn], practised_days: Set[date], summary: Summary
) -> None:
    """The last 14 days up to the summary's end, newest first; days with nothing recorded
    keep their row, so gaps show as gaps, not as anything worse."""
    end = summary.end
    start = max(summary.start, end - timedelta(days=_TABLE_ROWS - 1))
    in_table = [c for c in checkins if start <= c.local_date <= end]
    values = daily_values(in_table)
    practised = all_practised_days(in_table, practised_days)
    notes: dict[date, list[str]] = {}
    for c in sorted(in_table, key=lambda c: c.created_utc or _EARLIEST):
        if c.note and c.note.strip():
            notes.setdefault(c.local_date, []).append(c.note.strip())

    pdf.set_font(_FONT, "B", 8.5)
    pdf.set_fill_color(235, 240, 245)
    for width, header in zip(_COL_W, _HEADERS, strict=True):
        pdf.cell(width, _ROW_H + 0.6, _say(f"rp_pdf_{header}"), border="B", fill=True)
    pdf.ln()
    pdf.set_font(_FONT, size=8.5)
    day = end
    while day >= start:
        v = values.get(day)
        cells = (
            short_date(day),
            _say("rp_yes") if day in practised else "",
            _rating(v.tension_before) if v else "",
            _rating(v.tension) if v else "",
            _rating(v.pain) if v else "",
            ", ".join(area_label(a) for a in v.areas) if v else "",
            " / ".join(notes.get(day, ())),
        )
        for width, text in zip(_COL_W, cells, strict=True):
            pdf.cell(width, _ROW_H, _fit(pdf, text, width), border="B")
        pdf.ln()
        day -= timedelta(days=1)


def _period_facts(summary: Summary) -> list[str]:
    """Extra facts a therapist asks for that the chat message leaves to the chart."""
    if summary.is_empty or (summary.avg_tension is None and summary.avg_pain is None):
        return []
    parts = []
    if summary.avg_tension is not None:
        parts.append(_say("rp_pdf_avg_tension", average=rating(summary.avg_tension)))
    if summary.avg_pain is not None:
        parts.append(_say("rp_pdf_avg_pain", average=rating(summary.avg_pain)))
    return [_say("rp_pdf_averages", summary.rated_days, averages=", ".join(parts))]
