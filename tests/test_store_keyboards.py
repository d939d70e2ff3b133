"""bot/store/keyboards.py: which keyboards are current, in as few statements as it takes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import KEYBOARD_MEMORY, Store
from bot.store.keyboards import PRUNE_EVERY
from tests.store_rows import fetch_one

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def rows_of(store: Store, chat_id: int) -> int:
    row = fetch_one(store, "SELECT COUNT(*) AS n FROM keyboards WHERE chat_id = ?", (chat_id,))
    assert row is not None
    return int(row["n"])


def test_the_same_question_asked_again_supersedes_only_its_own_kind(tmp_path):
    store = Store(tmp_path / "bot.db")
    try:
        assert store.keyboard_shown(5, 10, "ci:t", NOW) == []
        assert store.keyboard_shown(5, 11, "ob:t", NOW) == []
        assert store.keyboard_shown(6, 13, "ci:t", NOW) == []  # another chat's does not count
        assert store.keyboard_shown(5, 12, "ci:t", NOW) == [10]
        store.keyboard_closed(5, 12, NOW)
        store.keyboard_shown(5, 12, "ci:t", NOW)  # 10 closed already: not superseded twice
        assert store.keyboard_shown(5, 14, "ci:t", NOW) == [12]
        states = [store.keyboard_state(5, m) for m in (10, 11, 12, 14)]
        assert states == [False, True, False, True]
        assert store.keyboard_state(6, 13) is True
        assert store.keyboard_state(5, 99) is None  # never recorded: unknown
        # Shown again on the same message (an edit that keeps its buttons): still current.
        assert store.keyboard_shown(5, 14, "ci:t", NOW) == []
        assert store.keyboard_state(5, 14) is True
    finally:
        store.close()


def test_expired_closed_rows_are_swept_at_most_once_a_while_and_again_after_a_restart(tmp_path):
    path = tmp_path / "bot.db"
    old = NOW - KEYBOARD_MEMORY - timedelta(days=1)
    store = Store(path)
    try:
        store.keyboard_shown(5, 1, "ci:t", NOW)  # the first keyboard since start: a sweep
        store.keyboard_closed(5, 1, old)  # as if answered long ago
        store.keyboard_shown(5, 2, "ci:p", NOW + PRUNE_EVERY)  # a while later: swept
        assert store.keyboard_state(5, 1) is None
        store.keyboard_shown(5, 3, "ci:t", NOW + PRUNE_EVERY)
        store.keyboard_closed(5, 3, old)
        store.keyboard_shown(5, 4, "ci:a", NOW + PRUNE_EVERY * 1.5)  # too soon: kept
        assert store.keyboard_state(5, 3) is False
        store.keyboard_shown(5, 5, "ci:c", NOW + PRUNE_EVERY * 2)  # a while later: swept
        assert store.keyboard_state(5, 3) is None
        store.keyboard_shown(5, 6, "ci:t", NOW + PRUNE_EVERY * 2)
        store.keyboard_closed(5, 6, old)
        assert rows_of(store, 5) == 4  # 2, 4, 5 live and 6 closed long ago
    finally:
        store.close()
    restarted = Store(path)  # what was swept when is memory only: a restart sweeps again
    try:
        restarted.keyboard_shown(5, 7, "ci:n", NOW + PRUNE_EVERY * 2)
        assert restarted.keyboard_state(5, 6) is None
        assert [restarted.keyboard_state(5, m) for m in (2, 4, 5, 7)] == [True] * 4
    finally:
        restarted.close()
