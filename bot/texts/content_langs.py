"""Messages about content in several languages, for admins: which translations are missing
or out of date, and previews in a chosen language. Plain, exact and short, as admin.py."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    "cl_none": "<b>{language}</b>: nothing translated yet, so everyone reading it gets English.",
    "cl_status": Plural(
        "<b>{language}</b>: {done} of {n} file translated.",
        "<b>{language}</b>: {done} of {n} files translated.",
    ),
    "cl_missing": "• in English for want of a translation: {files}",
    "cl_out_of_date": "• ⚠️ the English changed since the translation: {files}",
    "cl_unchecked": "• not marked as checked against an English version: {files}",
    "cl_mark_hint": (
        "Once a translation says what its English says, put the line shown after its name "
        "at the top of the file (or run python -m bot check-content --mark-translated FILE)."
    ),
    "cl_preview_in": "{what} in {language}",
}
