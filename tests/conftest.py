"""Fixtures: the emulator on loopback, settings on a real SQLite file, the running Application.

Nothing of our own is mocked: the bot talks HTTP to the emulator exactly as it would to
Telegram, and time moves only when a test moves the ManualClock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application, polling
from bot.clock import ManualClock
from bot.config import Settings
from bot.places import Places, build, index_file
from emulator import Emulator
from tests.harness import ADMIN_ID, CONTENT, Harness


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
def settings(emulator: Emulator, tmp_path: Path, places_dir: Path) -> Settings:
    # The admin has written to the bot before: Telegram (and the emulator) accept a command
    # menu only for a chat that exists.
    emulator.add_user(ADMIN_ID)
    return Settings(
        token=emulator.token,
        api_url=emulator.base_url,
        file_url=emulator.base_file_url,
        db_path=tmp_path / "bot.db",
        content_dir=CONTENT,
        places_dir=places_dir,
        admin_ids=frozenset({ADMIN_ID}),
        tick_seconds=3600,  # tests drive the engine by hand with `await bot.tick()`
        max_per_second=None,
    )


@pytest.fixture
async def bot(settings: Settings, emulator: Emulator, clock: ManualClock) -> AsyncIterator[Harness]:
    application = build_application(settings, clock=clock)
    async with polling(application, poll_timeout=1):
        yield Harness(application, emulator, clock)
