"""The schema, as one ordered set of migrations (sqlite-utils' `Migrations`).

sqlite-utils records each applied migration by its function name in `_sqlite_migrations`, so
these names and their order never change: a renamed migration would run again on every
existing database. Two are numbered m002 (they were written in parallel); that is history,
kept as it is. A new change of schema is a new function at the end.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("bot")


@migrations()
def m001_initial(db: Database) -> None:
    # Raw SQL rather than table.create(): the foreign keys need ON DELETE CASCADE so that
    # deleting a subscriber removes everything linked to them in one statement.
    db.executescript(
        """
        CREATE TABLE subscribers (
            chat_id INTEGER PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'new',      -- new, active, paused, stopped, blocked
            zone TEXT,
            remind_at TEXT,                          -- local wall-clock time, 'HH:MM'
            next_due_utc TEXT,                       -- NULL unless a reminder is scheduled
            paused_until TEXT,                       -- last paused local date; NULL = until /resume
            awaiting TEXT,                           -- what free text means now (conversation step)
            awaiting_data TEXT,                      -- JSON for that step
            followup INTEGER NOT NULL DEFAULT 0,     -- opted in to one gentle follow-up a day
            summary_weekday INTEGER NOT NULL DEFAULT 6,
            gentle_until TEXT,                       -- program steps back to gentle release
            on_hold INTEGER NOT NULL DEFAULT 0,      -- red-flag answer: program paused
            last_screen_utc TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX subscribers_due ON subscribers(next_due_utc) WHERE next_due_utc IS NOT NULL;

        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- reminder, followup, weekly, broadcast:N
            status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed, skipped
            due_utc TEXT NOT NULL,
            send_after_utc TEXT NOT NULL,            -- due_utc, or later after a failed try
            in_flight INTEGER NOT NULL DEFAULT 0,    -- set just before the HTTP call
            sent_utc TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            message_id INTEGER,
            UNIQUE (chat_id, local_date, kind)
        );
        CREATE INDEX deliveries_pending ON deliveries(send_after_utc) WHERE status = 'pending';
        CREATE INDEX deliveries_due ON deliveries(due_utc);

        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- daily, short, library
            title TEXT NOT NULL,
            content_version INTEGER,
            plan TEXT NOT NULL,                      -- JSON snapshot of the steps, kept as started
            day_number INTEGER,
            step INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'active',   -- active, done, stopped, abandoned
            timer_due_utc TEXT,
            tension_before INTEGER,
            message_id INTEGER,
            started_utc TEXT NOT NULL,
            finished_utc TEXT
        );
        CREATE INDEX sessions_chat ON sessions(chat_id, local_date);
        CREATE INDEX sessions_timer ON sessions(timer_due_utc) WHERE timer_due_utc IS NOT NULL;

        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            local_date TEXT NOT NULL,
            step TEXT,                               -- the question asked next; NULL when closed
            status TEXT NOT NULL DEFAULT 'open',     -- open, done, partial
            tension_before INTEGER,
            tension INTEGER,
            pain INTEGER,
            areas TEXT,                              -- JSON list of BodyArea values
            completion TEXT,
            note TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX checkins_chat ON checkins(chat_id, local_date);

        CREATE TABLE pauses (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            start_date TEXT NOT NULL,
            end_date TEXT                            -- NULL while the pause lasts
        );
        CREATE INDEX pauses_chat ON pauses(chat_id);

        CREATE TABLE safety_screens (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            at_utc TEXT NOT NULL,
            answer TEXT NOT NULL                     -- yes, no
        );

        CREATE TABLE content_versions (
            id INTEGER PRIMARY KEY,
            created_utc TEXT NOT NULL,
            admin_id INTEGER,                        -- NULL when loaded at start-up
            checksum TEXT NOT NULL,
            summary TEXT NOT NULL,
            files TEXT NOT NULL                      -- JSON {relative path: text}
        );

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            admin_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            detail TEXT,
            result TEXT NOT NULL
        );

        CREATE TABLE broadcasts (
            id INTEGER PRIMARY KEY,
            admin_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',    -- draft, sending, done, cancelled
            created_utc TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_practice_sessions(db: Database) -> None:
    # steps_began_utc: NULL while the "how tense are you now" question is still open.
    # The partial unique index makes "one active session per person" a rule of the database,
    # not only of the handlers; older duplicates (none in practice) are abandoned first.
    db.executescript(
        """
        ALTER TABLE sessions ADD COLUMN steps_began_utc TEXT;
        UPDATE sessions SET status = 'abandoned', timer_due_utc = NULL
            WHERE status = 'active' AND id NOT IN (
                SELECT MAX(id) FROM sessions WHERE status = 'active' GROUP BY chat_id);
        CREATE UNIQUE INDEX sessions_one_active ON sessions(chat_id) WHERE status = 'active';
        """
    )


@migrations()
def m002_admin_uploads(db: Database) -> None:
    # An upload waits here between its check and the admin's Apply tap, so a restart in
    # between loses nothing. The index serves /stats' figures for the last seven days.
    db.executescript(
        """
        CREATE TABLE pending_uploads (
            id INTEGER PRIMARY KEY,
            admin_id INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            base TEXT NOT NULL,                      -- fingerprint of the folder it was checked on
            files TEXT NOT NULL,                     -- JSON {relative path: text}: the whole set
            summary TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',  -- pending, applied, cancelled, expired
            created_utc TEXT NOT NULL
        );
        CREATE INDEX checkins_by_created ON checkins(created_utc);
        """
    )


@migrations()
def m003_open_checkins(db: Database) -> None:
    # The engine's tick looks for check-ins left open on an earlier day every second; a
    # partial index keeps that to the few open rows instead of a scan of every check-in.
    db.execute("CREATE INDEX checkins_open ON checkins(local_date) WHERE status = 'open'")


@migrations()
def m004_screen_offered(db: Database) -> None:
    # When the red-flag question was last sent, answered or not: an unanswered one is not
    # sent again minutes later (bot/safety.py, screen_due).
    db.execute("ALTER TABLE subscribers ADD COLUMN screen_offered_utc TEXT")


@migrations()
def m005_keyboards(db: Database) -> None:
    # Which inline keyboards are still current (bot/keyboards.py): a button on a message whose
    # question was answered or asked again changes nothing. Kept on disk so a restart does not
    # bring stale buttons back to life.
    db.executescript(
        """
        CREATE TABLE keyboards (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            signature TEXT NOT NULL,          -- the kinds of button on it, e.g. 'ob:t'
            live INTEGER NOT NULL DEFAULT 1,  -- 0 once answered, removed or superseded
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        """
    )


@migrations()
def m006_pain_before(db: Database) -> None:
    # Pain is asked before a practice too (a person at 9/10 is steered to rest); the answer
    # belongs to the session, beside tension_before, and is kept even if they stop there.
    db.execute("ALTER TABLE sessions ADD COLUMN pain_before INTEGER")
    # A gentle day's session: like the 5-minute version, it may not carry a person across a
    # phase boundary (bot/program.py, day_after).
    db.execute("ALTER TABLE sessions ADD COLUMN gentle INTEGER NOT NULL DEFAULT 0")


@migrations()
def m007_subscriber_language(db: Database) -> None:
    # The language the person reads (bot/i18n.py): taken from their Telegram app on first
    # contact, then only changed by them (/language). NULL for rows from before: filled on
    # their next update.
    db.execute("ALTER TABLE subscribers ADD COLUMN language TEXT")
