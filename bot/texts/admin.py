"""Messages for admin commands (content, versions, stats, broadcast).

Admins are the teacher or therapist running the bot: plain, exact and short. Every value is
escaped by `texts.t`; file names, reasons and broadcast text are shown exactly as typed.
"""

# The admin's own command menu is in bot/texts/menus.py, with everyone's.

MESSAGES: dict[str, str] = {
    # --- shared pieces -----------------------------------------------------------------------
    "ad_btn_apply": "✅ Apply",
    "ad_btn_cancel": "Cancel",
    "ad_btn_restore": "↩️ Restore version {version}",
    "ad_btn_send": "📣 Send to {count}",
    "ad_changes_more": "• … and {count} more",
    "ad_changes_none": "• no change a subscriber would notice (only other files differ)",
    "ad_problems": (
        "❌ <b>{count} problem(s)</b>. Nothing changed: version {version} keeps serving."
    ),
    "ad_problems_more": "… and {count} more. Fix these first, then send it again to see the rest.",
    "ad_help": (
        "<b>Admin commands</b>\n{commands}\n\n"
        "To change a practice: send /content, edit the files (copy TEMPLATE.md for a new "
        "practice), and send a file or the zip back here. I check it and show the changes; "
        "nothing goes live until you tap Apply.\n\n<b>Everyone's commands</b>\n{everyone}"
    ),
    "ad_unreloaded": (
        "⚠️ <b>The content folder has edits that were never reloaded</b>, and this would "
        "replace them: {files}. To keep them, tap Cancel and send /reload first."
    ),
    "ad_content_caption": "The live content, version {version}. Edit it and send it back.",
    "ad_startup_fallback": (
        "⚠️ At start-up the content folder had problems, so I kept serving version {version}. "
        "Fix them and send /reload (or send the fixed file):"
    ),
    # --- /reload -----------------------------------------------------------------------------
    "ad_reload_ok": "✅ Content reloaded: version {version} is serving now.\n\n{changes}",
    "ad_reload_same": "Nothing changed: the folder matches version {version}, which is serving.",
    # --- /preview ----------------------------------------------------------------------------
    "ad_preview_usage": (
        "Use /preview NAME, /preview day N or /preview short. Add “upload N” first to try "
        "an upload before you apply it: /preview upload N day 3.\n\nPractices: {names}"
    ),
    "ad_preview_unknown": "There is no practice called “{name}”.\n\nPractices: {names}",
    "ad_preview_bad_day": "The day must be a number from 1 to 9999, like /preview day 3.",
    "ad_preview_no_upload": (
        "Upload {id} is not waiting any more (applied, cancelled or older than a day)."
    ),
    "ad_preview_upload": " (upload {id}, not applied)",
    "ad_preview_header": "👀 Previewing {what} · content version {version}",
    "ad_preview_what_practice": "“{title}”",
    "ad_preview_what_day": "program day {day} ({title})",
    "ad_preview_what_short": "the short version ({title})",
    # --- upload ------------------------------------------------------------------------------
    "ad_upload_wrong_type": (
        "I can take a <b>.md</b> file (a practice, program.md or notes.md) or a <b>.zip</b> "
        "of the content folder. “{name}” is neither, so nothing changed."
    ),
    "ad_upload_bad_name": (
        "“{name}” can't be a content file name: use letters, digits and dashes, like "
        "constructive-rest.md. Nothing changed."
    ),
    "ad_upload_too_big": ("“{name}” is {size}; a {kind} may be at most {limit}. Nothing changed."),
    "ad_upload_download_failed": (
        "I couldn't download “{name}” from Telegram. Please send it again."
    ),
    "ad_upload_empty": "“{name}” is empty. Nothing changed.",
    "ad_zip_unreadable": "“{name}” is not a zip file I can read ({reason}). Nothing changed.",
    "ad_zip_too_many": (
        "“{name}” holds {count} entries; a content zip may hold at most {limit}. Nothing changed."
    ),
    "ad_zip_unsafe_path": (
        "“{name}” contains an unsafe path: {path} ({reason}). I never unpack such a zip. "
        "Nothing changed."
    ),
    "ad_zip_reason_parent": "it climbs out of the folder with ..",
    "ad_zip_reason_absolute": "it is an absolute path",
    "ad_zip_reason_backslash": "it uses backslashes",
    "ad_zip_reason_symlink": "it is a symbolic link",
    "ad_zip_reason_encrypted": "it is encrypted",
    "ad_zip_reason_duplicate": "it appears twice",
    "ad_zip_too_large": (
        "“{name}” unpacks to more than {limit}. That is far more than any content folder "
        "needs, so I stopped reading. Nothing changed."
    ),
    "ad_zip_not_content": (
        "“{name}” holds files that are not content: {paths}. A content zip holds only "
        "program.md, notes.md, README.md and practices/NAME.md. Nothing changed."
    ),
    "ad_zip_no_content": (
        "“{name}” holds no content files (program.md, notes.md or practices/NAME.md). "
        "Nothing changed."
    ),
    "ad_upload_mode_file": "It replaces <code>{path}</code>.",
    "ad_upload_mode_new": "It adds <code>{path}</code>.",
    "ad_upload_mode_all": "It replaces the whole content folder ({count} files).",
    "ad_upload_mode_overlay": "Its {count} file(s) go on top of the current folder.",
    "ad_upload_rejected": "“{name}” was checked together with the rest of the folder. {mode}",
    "ad_upload_same": (
        "“{name}” matches the content serving now (version {version}). Nothing to apply."
    ),
    "ad_upload_ready": (
        "📦 “{name}” passed every check. {mode}\n\n"
        "<b>Changes against what is serving now</b>:\n{changes}\n\n"
        "Try it first with /preview upload {id} NAME or /preview upload {id} day N. "
        "Apply it? Until you tap Apply, nothing changes."
    ),
    "ad_upload_applied": "✅ Applied: version {version} is serving now.",
    "ad_upload_cancelled": "Cancelled: the upload was discarded and nothing changed.",
    "ad_upload_gone": (
        "That upload is no longer waiting (applied, cancelled or older than a day). "
        "Send the file again if you still want it."
    ),
    "ad_upload_stale": (
        "The content folder changed after this upload was checked, so I didn't apply it. "
        "Nothing changed. Please send the file again."
    ),
    "ad_write_failed": (
        "I couldn't write the content folder ({reason}). Nothing changed: version {version} "
        "keeps serving."
    ),
    # --- /versions and /rollback -------------------------------------------------------------
    "ad_versions_header": "<b>Recent content versions</b> (newest first, times in UTC)",
    "ad_versions_line": (
        "<b>#{id}</b>{active} · {time} · {admin} · <code>{checksum}</code>\n{summary}"
    ),
    "ad_versions_active": " (serving)",
    "ad_versions_startup": "at start-up",
    "ad_versions_admin": "admin {admin_id}",
    "ad_versions_empty": "No content version is archived yet.",
    "ad_versions_footer": "Restore one with /rollback N.",
    "ad_rollback_usage": "Use /rollback N with a version number from /versions.",
    "ad_rollback_unknown": (
        "There is no version {version}. /versions lists the ones you can restore."
    ),
    "ad_rollback_invalid": (
        "Version {version} no longer passes the content checks, so it can't be restored. "
        "Nothing changed."
    ),
    "ad_rollback_same": "Version {version} is the one serving now. Nothing to restore.",
    "ad_rollback_same_content": (
        "Version {version} holds the same content as version {serving}, which is serving now. "
        "Nothing to restore."
    ),
    "ad_rollback_confirm": (
        "↩️ Restore version {version} from {time} UTC? Its files replace the content folder "
        "and it serves at once.\n\n<b>Changes against what is serving now</b>:\n{changes}"
    ),
    "ad_rollback_done": "✅ Restored version {version}; it is serving now as version {new}.",
    "ad_rollback_cancelled": "Cancelled: nothing changed.",
    "ad_rollback_summary": "rollback to {version}",
    # --- /stats ------------------------------------------------------------------------------
    "ad_stats": (
        "📊 <b>Figures across everyone</b> (last 7 days, to {now} UTC)\n\n"
        "<b>Subscribers</b>: {active} active, {paused} paused, {stopped} stopped, "
        "{blocked} blocked the bot, {new} still setting up.\n"
        "<b>Reminders</b>: {sent} sent of {due} due; {on_time} on time "
        "(within 2 minutes).\n"
        "<b>Check-ins</b>: {checkins}; check-in rate {rate} of reminders sent.\n"
        "<b>Average tension</b>: {tension}\n"
        "<b>Average pain</b>: {pain}"
        "{broadcast}"
    ),
    "ad_stats_not_enough": "not enough data yet (fewer than {people} people checked in)",
    "ad_stats_none": "none",
    "ad_stats_broadcast": (
        "\n<b>Last broadcast</b> #{id}: {sent} sent, {pending} waiting, {other} not delivered."
    ),
    # --- /broadcast --------------------------------------------------------------------------
    "ad_broadcast_ask": (
        "📣 Type the message for every active subscriber ({count} now; people on hold after a "
        "safety answer are left out). It goes out as plain text, exactly as you type it. "
        "You'll see a preview before anything is sent."
    ),
    "ad_broadcast_nobody": "There are no active subscribers, so there is nobody to send to.",
    "ad_broadcast_not_text": "Please type the message as text, or tap Cancel.",
    "ad_broadcast_too_long": (
        "That message has {length} characters; Telegram allows {limit}. Please shorten it."
    ),
    "ad_broadcast_preview_note": (
        "⬆️ That is exactly how it will look: plain text, so tags and symbols show as typed. "
        "It goes to <b>{count}</b> active subscriber(s), paced to Telegram's limits. Send it?"
    ),
    "ad_broadcast_queued": (
        "📣 Broadcast #{id} is on its way to {count} subscriber(s), paced to Telegram's limits. "
        "/stats shows how far it got."
    ),
    "ad_broadcast_cancelled": "Cancelled: the broadcast was not sent.",
    "ad_broadcast_gone": "That broadcast was already sent or cancelled.",
}
