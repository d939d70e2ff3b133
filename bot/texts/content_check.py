"""What the content check says about a content set: one problem per file and line (for the
admin's upload answer and `python -m bot check-content`), and what an upload changed. Plain
text, not HTML: the caller escapes a problem where it shows it."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # A field's place in words, for the problems below ({what}).
    "cc_front_matter": "the front matter",
    "cc_step": "step {number}",
    "cc_step_text": "the text of {step}",
    "cc_step_timer": "the timer of {step}",
    "cc_step_field": "'{field}' in {step}",
    "cc_phase": "phase {number}",
    "cc_phase_day": "phase {phase}, day {day}",
    "cc_phase_day_practice": "phase {phase}, day {day}, practice {practice}",
    "cc_phase_field": "'{field}' of {where}",
    "cc_note": "note {number}",
    "cc_entry": "entry {number} of '{field}'",
    "cc_field": "'{field}'",
    "cc_section_why": "the 'Why' section",
    "cc_section_safety": "the 'Take care' section",
    "cc_section_sources_differ": "the 'Sources differ' section",
    "cc_section_steps": "the 'Steps' list",
    "cc_section_intro": "the introduction",
    # A field that breaks a rule.
    "cc_missing_section": "{what} is missing: add it (see TEMPLATE.md)",
    "cc_missing": "{what} is missing",
    "cc_unknown_field": "unknown field {what}: check its spelling, or remove it",
    "cc_not_mapping": "{what} must be 'key: value' lines, such as 'text: ...'",
    "cc_category": "'category' must be one of: {categories}",
    "cc_too_long_text": (
        "{what} is {length} characters long; the most is {limit}: shorten it, or split it in two"
    ),
    "cc_too_many_characters": "too many",
    "cc_too_many_entries": "{what} has {count} entries; the most is {limit}",
    "cc_empty": "{what} is empty: write something there",
    "cc_whole_number": "{what} must be a whole number, such as 10, not {value}",
    "cc_at_most": "{what} must be at most {limit}, not {value}",
    "cc_at_least": "{what} must be at least {limit}, not {value}",
    "cc_bad_id": (
        "{what} '{value}' can't be an id: use small letters, digits and single dashes, "
        "like 'hip-circles'"
    ),
    "cc_true_false": "{what} must be true or false",
    "cc_unexpected_form": "{what} is not written the expected way: compare it with TEMPLATE.md",
    "cc_rule": "{what} {rule}",
    "cc_invalid": "{what} is invalid",
    # Timer lengths ({rule} above, after the field's place).
    "cc_duration": "must be a length such as '15 min' or '30 s'",
    "cc_duration_not": "must be a length such as '15 min' or '30 s', not {value}",
    "cc_duration_range": "must be between 5 seconds and 60 minutes",
    # The program's references to practices.
    "cc_no_practice_similar": "no practice with id '{id}': did you mean '{similar}'?",
    "cc_no_practice_add": (
        "no practice with id '{id}': add practices/{id}.md (with this file, in one zip)"
    ),
    "cc_no_timed_step": "'{id}' has no timed step to set minutes for",
    "cc_repeat_not_last": "only the last phase can repeat",
    "cc_last_must_repeat": (
        "the last phase must have 'repeat: true' so the program never runs out"
    ),
    # The files of a content set.
    "cc_too_many_files": "more than {limit} files: keep at most {limit}",
    "cc_not_content": "not a content file: put practices in practices/",
    "cc_file_too_long": (
        "the file is {length} characters long; the most is {limit}. Split it into shorter practices"
    ),
    "cc_id_not_file": "id '{id}' must match the file name '{stem}'",
    "cc_duplicate_id": "duplicate id '{id}' (also in {other})",
    "cc_duplicate_title": (
        "the title '{title}' is already used in {other}: give each practice its own title"
    ),
    "cc_folder_not_found": "content folder not found",
    "cc_file_missing": "the file is missing: it must be in the folder",
    "cc_no_practices": "no practices found",
    # A translation beside its English files.
    "cc_orphan": (
        "there is no English {name}: a translation has the same file name as "
        "the English file it translates"
    ),
    "cc_in_language_set": (
        "{reason} (in the {language} set: its files, with English where it has none)"
    ),
    "cc_program_differs": (
        "{where} differs from the English program.md: a translation may change only the words "
        "(titles, introductions), not which practices come on which day or for how long. "
        "Change the translation the same way, or leave it out: its readers get the English "
        "file meanwhile"
    ),
    "cc_practice_differs": (
        "{differences} must be as in the English {name}: a translation changes only the words. "
        "Change the translation the same way, or leave it out: its readers get the English "
        "file meanwhile"
    ),
    "cc_and": "{first} and {second}",
    "cc_category_field": "'category'",
    "cc_minutes_field": "'minutes'",
    "cc_step_count": "the number of steps",
    "cc_timers": "the timers",
    "cc_short_field": "'short'",
    "cc_gentle_field": "'gentle'",
    "cc_unlocks_field": "'unlocks'",
    "cc_phase_count": "the number of phases",
    "cc_day_count": "the number of days in phase {number}",
    # A practice written in the Markdown format.
    "cc_file_empty": "the file is empty",
    "cc_md_no_start": "must start with a '---' line, then title, summary, category and minutes",
    "cc_md_not_closed": "the top part is not closed with a '---' line",
    "cc_md_front_line": "each line at the top must be 'name: value', such as 'minutes: 10'",
    "cc_md_unknown_field": "unknown field '{key}': the fields are {fields}",
    "cc_twice": "'{key}' is written twice: keep one of them",
    "cc_md_unknown_heading": (
        "unknown heading '{heading}': the headings are Why, Take care, Sources differ and Steps"
    ),
    "cc_md_heading_twice": "the heading '{heading}' is written twice: keep one",
    "cc_md_step_number": (
        "this step is numbered {written}, but it is step {expected}: number the steps 1, 2, 3 …"
    ),
    "cc_md_step_line": "write each step as a numbered line, such as '1. Lie on your back.'",
    "cc_md_section_empty": "{section} is empty: write something under it",
    "cc_md_steps_empty": (
        "the 'Steps' list is empty: add numbered steps, such as '1. Lie on your back.'"
    ),
    # What changed with an upload: a practice id, a translated file, the program or the notes.
    "cc_added": "added: {item}",
    "cc_removed": "removed: {item}",
    "cc_edited": "edited: {item}",
    "cc_program_item": "program",
    "cc_notes_item": "notes",
    # A file's name or encoding.
    "cc_md_txt": (
        "the name ends in .md.txt, so it is skipped: rename it to {fixed} "
        "(Windows may hide the .txt ending; turn on 'File name extensions' to see it)"
    ),
    "cc_md_case": "the name must end in a small-letter .md: rename it to {fixed}",
    "cc_not_utf8": "not UTF-8 text: save the file as UTF-8",
    # A practice written in the older YAML format.
    "cc_yaml_not_mapping": "the front matter must be a set of 'key: value' lines",
    "cc_yaml_no_start": "must start with '---' and YAML front matter",
    "cc_yaml_not_closed": "front matter is not closed with a '---' line",
    "cc_yaml_quote_open": ("a quote opened on line {line} is never closed: close it, or remove it"),
    "cc_yaml_bracket_open": (
        "a bracket opened on line {line} is never closed: close it, or remove it"
    ),
    "cc_yaml_colon": (
        "a ': ' (colon and space) inside a text confuses this format: put the whole text in "
        "double quotes, or convert the file to the Markdown format"
    ),
    "cc_yaml_tab": "a tab is used to indent this line: indent with spaces only",
    "cc_yaml_sign": (
        "a text can't begin with this sign (such as * & ! % @ `) here: put the whole text "
        "in double quotes, or convert the file to the Markdown format"
    ),
    "cc_yaml_quote_unclosed": "a quote is opened but never closed: close it, or remove it",
    "cc_yaml_indent": (
        "this line is not lined up with the lines around it: indent it with spaces exactly "
        "as the other lines of its kind"
    ),
    "cc_yaml_other": (
        "this line is not written the way this format expects: compare it with the lines "
        "around it, or put the whole text in double quotes, or convert the file to the "
        "Markdown format"
    ),
    "cc_yaml_comment": (
        "a ' #' here starts a YAML comment, so everything after it is dropped: put the whole "
        "text in double quotes, or write it without ' #' (or convert the file to the "
        "Markdown format, where # is fine)"
    ),
}
