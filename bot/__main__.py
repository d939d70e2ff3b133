"""Command line: `python -m bot run | demo | check-content [DIR] | convert-content [DIR] |
backup PATH | health`."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

from dotenv import load_dotenv
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.config import ConfigError, Settings
from bot.content import ContentInvalid
from bot.store import StoreError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot (long polling, or a webhook)")
    run.add_argument("--webhook", metavar="URL", help="serve a webhook at URL instead of polling")
    commands.add_parser("demo", help="talk to the bot in this terminal, no token or network")
    check = commands.add_parser("check-content", help="validate a content folder")
    check.add_argument("folder", nargs="?", type=Path, help="default: BOT_CONTENT_DIR or content/")
    check.add_argument(
        "--mark-translated",
        metavar="FILE",
        action="append",
        default=[],
        help="after checking a translation (such as ru/practices/breathing.md) against the "
        "English, record the English version it matches",
    )
    convert = commands.add_parser(
        "convert-content", help="rewrite YAML-format practices as plain Markdown, unchanged"
    )
    convert.add_argument("folder", nargs="?", type=Path, help="default: BOT_CONTENT_DIR")
    backup = commands.add_parser("backup", help="copy the database safely while the bot runs")
    backup.add_argument("target", type=Path, help="the backup file to write")
    commands.add_parser("health", help="exit 0 if the running bot showed a sign of life lately")
    messages = commands.add_parser(
        "messages", help="update the translation catalogs (bot/locale) from the English texts"
    )
    messages.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.command == "messages":
        return sync_messages(check=args.check)

    load_dotenv(".env", override=False)  # an optional .env; real environment variables win
    try:
        settings = Settings.from_env(os.environ)
        if args.command == "check-content":
            folder = args.folder or settings.content_dir
            if args.mark_translated:
                return mark_translated(folder, args.mark_translated)
            return check_content(folder)
        if args.command == "convert-content":
            return convert_content(args.folder or settings.content_dir)
        if args.command == "backup":
            return backup_database(settings.db_path, args.target)
        if args.command == "health":
            from bot import health

            status = health.check(settings.health_path)
            print(status.describe(), file=sys.stdout if status.ok else sys.stderr)
            return 0 if status.ok else 1
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo(settings)
        settings.require_token()
        configure_logging(settings.log_level, secrets=(settings.token, settings.webhook_secret))
        from bot.runner import run_bot

        return run_bot(settings, webhook_url=args.webhook)
    except (ConfigError, StoreError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except InvalidToken:
        # PTB's text for this holds the token itself: never printed.
        print(
            "error: Telegram refused BOT_TOKEN (401 Unauthorized): copy it again from "
            "@BotFather, or get a new one there with /token.",
            file=sys.stderr,
        )
        return 2
    except TelegramError as err:
        text = str(err).replace(settings.token, "<redacted>") if settings.token else str(err)
        print(f"error: Telegram answered {type(err).__name__}: {text}", file=sys.stderr)
        return 1
    except ContentInvalid as err:
        print(
            "error: the content folder has problems and no earlier version is archived:",
            file=sys.stderr,
        )
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2


def sync_messages(*, check: bool) -> int:
    """Updates bot/locale from bot/texts and says what each language still lacks."""
    from bot.catalogs import sync

    changed, reports = sync(check=check)
    for path in changed:
        print(f"{'stale' if check else 'wrote'}: {os.path.relpath(path)}")
    for report in reports:
        print(
            f"{report.language}: {len(report.missing)} untranslated, "
            f"{len(report.out_of_date)} out of date (the English changed)"
        )
        for where in report.missing[:20] + report.out_of_date[:20]:
            print(f"  {where}")
    return 1 if check and changed else 0


def check_content(folder: Path) -> int:
    """Prints `file:line: reason` for every problem (exit 1), or a one-line summary (exit 0).
    Every message a subscriber can get is composed and checked against Telegram's limit."""
    from bot.contentops import check_folder, translation_report

    try:
        library = check_folder(folder)
    except ContentInvalid as err:
        for problem in err.problems:
            print(problem)
        print(f"{len(err.problems)} problem(s) in {folder}", file=sys.stderr)
        return 1
    program = library.program
    days = sum(len(phase.days) for phase in program.phases)
    print(
        f"ok: {len(library.practices)} practices, {len(program.phases)} phases "
        f"({days} program days), {len(library.notes)} notes in {folder}"
    )
    report = translation_report(library)
    if report:
        print(re.sub(r"</?\w+>", "", report))  # the admin answer's HTML, as plain text
    return 0


def mark_translated(folder: Path, paths: list[str]) -> int:
    """Records in each translation the English version it was checked against."""
    from bot import contentops

    for path in paths:
        given = Path(path)  # ru/practices/x.md in the folder, or content/ru/... from here
        relative = given.as_posix()
        if given.exists() and given.resolve().is_relative_to(folder.resolve()):
            relative = given.resolve().relative_to(folder.resolve()).as_posix()
        try:
            line = contentops.mark_translated(folder, relative)
        except (OSError, ValueError) as err:
            print(f"{path}: not marked: {err}", file=sys.stderr)
            return 1
        print(f"{relative}: {line}")
    return 0


def convert_content(folder: Path) -> int:
    """Rewrites the YAML-format practices as plain Markdown, only when the whole folder is
    valid, and only files that read back identically (subscribers see no change)."""
    from bot.contentops import check_folder, convert_folder

    if check_content(folder) != 0:
        print("nothing converted: fix the problems above first", file=sys.stderr)
        return 1
    before = check_folder(folder)
    converted, left = convert_folder(folder)
    after = check_folder(folder)
    for name in converted:
        print(f"converted: {name}")
    for name in left:
        print(f"left in the YAML format (it would not read back the same): {name}")
    if after.practices != before.practices:  # cannot happen: each file was checked alone
        print("error: the converted practices differ; restore the folder from git", file=sys.stderr)
        return 1
    print(f"{len(converted)} converted, {len(left)} left as they were, in {folder}")
    return 0


def backup_database(source: Path, target: Path) -> int:
    """A consistent online copy through SQLite's backup API (safe while the bot writes)."""
    if not source.exists():
        print(f"error: no database at {source} (set BOT_DB)", file=sys.stderr)
        return 2
    if target.exists():
        print(f"error: {target} exists already; choose a new file name", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))  # health data: owner only
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        print(f"error: the copy failed its integrity check: {ok}", file=sys.stderr)
        return 1
    print(f"ok: backed up {source} to {target}")
    return 0


class RedactSecrets(logging.Filter):
    """Replaces secrets in every record: PTB's own DEBUG lines print the API URL with the token."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self._redact(message), ()
        if record.exc_info and self.secrets:
            # The traceback a formatter appends holds exception texts too (PTB's InvalidToken
            # names the token): formatted here, once, redacted, and kept as exc_text.
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self._redact(record.exc_text)
        return True

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text


class QuietOutages(logging.Filter):
    """PTB logs a traceback for every failed network attempt of its own loops (start-up,
    polling, the last getUpdates at shutdown) and for a refused token. Those are outages, not
    bugs: bot/request.py logs one line per outage and `main` one line for a refused token,
    so these records are dropped. A BadRequest (our bug) still shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("telegram") or not record.exc_info:
            return True
        error = record.exc_info[1]
        expected = isinstance(error, InvalidToken | RetryAfter) or (
            isinstance(error, NetworkError) and not isinstance(error, BadRequest)
        )
        return not expected


class HidePayloads(logging.Filter):
    """PTB's own DEBUG lines print whole updates and every API call's parameters and answer:
    message texts, notes, ratings, names. Its records keep their event and ids (endpoint
    names, update ids); any other value shows only as its type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.args and "hidden" not in vars(record):
            record.hidden = True  # once: a record passes every handler's filters
            if isinstance(record.args, Mapping):
                record.args = {key: _hidden(value) for key, value in record.args.items()}
            else:
                record.args = tuple(_hidden(value) for value in record.args)
        return True


_PLAIN = re.compile(r"[\w .:()`-]{0,80}", re.ASCII)  # endpoint names, loop names


def _hidden(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if type(value).__name__ == "Update":
        return f"<update {getattr(value, 'update_id', '?')}>"
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return value
    if isinstance(value, list | tuple) and all(isinstance(item, int) for item in value):
        return value  # "Getting updates: [ids]"
    return f"<{type(value).__name__}>"


def configure_logging(
    level: str, secrets: tuple[str, ...] = (), handler: logging.Handler | None = None
) -> None:
    """One handler on the root logger that hides PTB's payloads and every secret.

    `handler` is for tests: they pass their capturing handler to see what production would.
    """
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(HidePayloads())
    handler.addFilter(QuietOutages())
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler])
    # httpx logs every request line, and those hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
