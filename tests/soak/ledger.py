"""What the simulated people did, as they saw it: compared with the database at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Answers:
    tension: int
    pain: int
    areas: frozenset[str]
    completion: str
    note: str | None


@dataclass
class Ledger:
    """Everything the people did, to compare with the database at the end."""

    checkins: dict[tuple[int, date], Answers] = field(default_factory=dict)
    sessions: dict[tuple[int, date], int] = field(default_factory=dict)  # tension before
    skips: set[tuple[int, date]] = field(default_factory=set)
    blocked_on: dict[int, date] = field(default_factory=dict)
    updates: int = 0  # messages and taps the people sent
    recoveries: int = 0  # times a person carried on after "something went wrong"
    drills: int = 0
