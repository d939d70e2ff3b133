"""The command line: check-content, backup, and the real entry point run as a subprocess."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys

import pytest

from bot.__main__ import main
from bot.store import Store
from tests.harness import CONTENT, REPO, USER_ID


def test_check_content_accepts_the_shipped_content(capsys):
    assert main(["check-content", str(CONTENT)]) == 0
    assert capsys.readouterr().out.startswith("ok: 12 practices")


def test_check_content_reports_file_and_line_for_a_broken_copy(tmp_path, capsys):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    practice = broken / "practices" / "pendulum-swing.md"
    practice.write_text(practice.read_text().replace("minutes:", "minutse:", 1))
    (broken / "program.md").write_text(
        (broken / "program.md").read_text().replace("- breathing", "- breething", 1)
    )
    assert main(["check-content", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        "practices/pendulum-swing.md:6: unknown field 'minutse': check its spelling, or remove it"
        in out
    )
    assert any(line.startswith("program.md:") and "breething" in line for line in out)


def test_check_content_of_a_missing_folder_fails(tmp_path, capsys):
    assert main(["check-content", str(tmp_path / "nowhere")]) == 1


def test_backup_makes_a_consistent_owner_only_copy(tmp_path, monkeypatch, capsys):
    source = tmp_path / "bot.db"
    Store(source).close()
    monkeypatch.setenv("BOT_DB", str(source))
    target = tmp_path / "backup" / "copy.db"
    assert main(["backup", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert {"subscribers", "checkins", "deliveries"} <= tables
    assert main(["backup", str(target)]) == 2  # never overwrites


def test_the_database_file_is_created_owner_only(tmp_path):
    Store(tmp_path / "new.db").close()
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600


def test_an_unwritable_database_path_is_a_clear_error(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BOT_DB", str(blocker / "bot.db"))  # a folder that is a file
    monkeypatch.setenv("BOT_TOKEN", "123456789:" + "A" * 35)  # a well-shaped token
    assert main(["run"]) == 2
    assert "Cannot open the database" in capsys.readouterr().err


def test_run_without_a_token_is_one_line(monkeypatch, capsys):
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(REPO)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "BOT_TOKEN" in err[0]


async def test_real_entry_point_serves_and_stops_cleanly_on_sigterm(emulator, tmp_path):
    """The smoke test: `python -m bot run` in a subprocess against the emulator."""
    db = tmp_path / "bot.db"
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "TELEGRAM_FILE_URL": emulator.base_file_url,
        "BOT_DB": str(db),
        "BOT_CONTENT_DIR": str(CONTENT),
        "PYTHONPATH": str(CONTENT.parent),  # this checkout's bot, whatever is installed
        "BOT_LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emulator.send_text(USER_ID, "/start")
        welcome = await emulator.next_message(USER_ID, timeout=20)
        assert "psoas" in welcome["text"]
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    log = err.decode()
    assert "bot.stopped" in log
    assert emulator.token not in log  # httpx request lines would hold it
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("argv", [[], ["fly"]], ids=["none", "unknown"])
def test_usage_errors_exit_with_argparse_code(argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_repo_never_commits_a_database():
    ignored = (REPO / ".gitignore").read_text()
    assert "data/*" in ignored
    tracked = subprocess.run(
        ["git", "ls-files", "data"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == ["data/.gitkeep"]
