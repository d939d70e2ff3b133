"""The /progress chart, the CSV file and the PDF report for a therapist. Plain text: the
chart and the PDF print these as they are."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # An emoji in a note that no font here draws. English prints its Unicode name
    # ("[folded hands]"); other languages print this, the names being English only.
    "rp_emoji": "[emoji]",
    # --- the chart ------------------------------------------------------------------------------
    "rp_chart_title": "Tension and pain",
    "rp_chart_tension": "Tension",
    "rp_chart_pain": "Pain",
    "rp_chart_practised": "Practised",
    "rp_chart_no_ratings": "No ratings in this period yet",
    "rp_chart_scale": "0 = none   ·   10 = worst",
    "rp_chart_key": "dots: each day · lines: {days}-day average",
    # "8 Dec 2026" alone, or "1 – 8 Dec 2026": a chart's period.
    "rp_period": "{start} – {end}",
    "rp_alt_text": (
        "Chart of your tension and pain (0 to 10) from {start} to {end}, "
        "with the days you practised marked."
    ),
    # --- the CSV file: column names, then the words inside cells -------------------------------
    "rp_csv_date": "date",
    "rp_csv_practised": "practised",
    "rp_csv_tension_before": "tension_before",
    "rp_csv_tension": "tension",
    "rp_csv_pain": "pain",
    "rp_csv_areas": "areas",
    "rp_csv_completion": "completion",
    "rp_csv_note": "note",
    "rp_csv_recorded_at": "recorded_at",
    "rp_yes": "yes",
    "rp_no": "no",
    "rp_completion_full": "full",
    "rp_completion_partial": "partial",
    "rp_completion_skipped": "skipped",
    # --- the PDF report -------------------------------------------------------------------------
    "rp_pdf_title": "Psoas practice report",
    "rp_pdf_title_name": "Psoas practice report — {name}",
    "rp_pdf_footer": (
        "Self-reported ratings: 0 = none, 10 = worst. Before: tension before that day's "
        "practice. Practice guidance, not a diagnosis."
    ),
    "rp_pdf_date": "Date",
    "rp_pdf_practised": "Practised",
    "rp_pdf_before": "Before",
    "rp_pdf_tension": "Tension",
    "rp_pdf_pain": "Pain",
    "rp_pdf_where": "Where",
    "rp_pdf_note": "Note",
    "rp_pdf_summary": "Summary",
    "rp_pdf_notes": "Notes in full, newest first",
    "rp_pdf_area_days": Plural("{area} ({n} day)", "{area} ({n} days)"),
    "rp_pdf_where_it_hurt": "Where it hurt: {areas}.",
    "rp_pdf_avg_tension": "tension {average}",
    "rp_pdf_avg_pain": "pain {average}",
    "rp_pdf_averages": Plural(
        "Averages over the period: {averages} ({n} rated day).",
        "Averages over the period: {averages} ({n} rated days).",
    ),
}
