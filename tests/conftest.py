"""Fixtures: the emulator on loopback, settings on a real SQLite file, the running Application.

Nothing of our own is mocked: the bot talks HTTP to the emulator exactly as it would to
Telegram, and time moves only when a test moves the ManualClock.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.places import Places, build, index_file
from emulator import Emulator
from tests.harness import ADMIN_ID, CONTENT, Harness, running


@pytest.fixture(autouse=True)
def close_every_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Closes every database a test opened (each Store's, and any sqlite-utils Database), as
    sqlite-utils' own suite does: a test that forgets `close()` leaves the file and its WAL
    open until the garbage collector runs, in some later test."""
    opened: list[Database] = []
    open_database = Database.__init__

    def tracked(self: Database, *args: Any, **kwargs: Any) -> None:
        open_database(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(Database, "__init__", tracked)
    yield
    for database in opened:
        database.close()  # a second close (the test's own) does nothing


@pytest.fixture(scope="session", autouse=True)
def places_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The city index, built once a session (~3 s) as `python -m bot.places` would build it.

    Bots started in-process get it in their Settings; those started as subprocesses find it
    through BOT_PLACES_DIR, so none of them builds its own.
    """
    folder = tmp_path_factory.mktemp("places")
    build(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOT_PLACES_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def places(places_dir: Path) -> Iterator[Places]:
    index = Places(index_file(places_dir))
    yield index
    index.close()


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in November, 06:00 UTC = 07:00 in Berlin.
    return ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))


@pytest.fixture
def content_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The content folder the bot reads: the repository's own, which no test may change, or,
    in a module marked `editable_content`, a copy in tmp_path that its tests edit freely.
    Only there: a copy costs ~50 ms, on every test."""
    if request.node.get_closest_marker("editable_content") is None:
        return CONTENT
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


@pytest.fixture
def settings(emulator: Emulator, tmp_path: Path, places_dir: Path, content_dir: Path) -> Settings:
    # The admin has written to the bot before: Telegram (and the emulator) accept a command
    # menu only for a chat that exists.
    emulator.add_user(ADMIN_ID)
    return Settings(
        token=emulator.token,
        api_url=emulator.base_url,
        file_url=emulator.base_file_url,
        db_path=tmp_path / "bot.db",
        content_dir=content_dir,
        places_dir=places_dir,
        admin_ids=frozenset({ADMIN_ID}),
        tick_seconds=3600,  # tests drive the engine by hand with `await bot.tick()`
        max_per_second=None,
    )


@pytest.fixture
async def bot(settings: Settings, emulator: Emulator, clock: ManualClock) -> AsyncIterator[Harness]:
    application = build_application(settings, clock=clock)
    async with running(application):
        yield Harness(application, emulator, clock)
