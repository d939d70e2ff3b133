"""Time /progress for a year of daily check-ins: summarize + render the chart PNG.

Run: .venv/bin/python bench/progress_chart.py [--runs 10]
Prints plain lines; the last says whether the median meets the goal (<= 300 ms).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.charts import render_progress_chart
from bot.insights import summarize, summary_lines
from bot.models import BodyArea, CheckIn, Completion

GOAL_MS = 300.0
TODAY = date(2026, 11, 16)


def year_of_checkins(seed: int = 1) -> tuple[list[CheckIn], set[date], set[date]]:
    """365 days: most days practised and rated, a drifting-down trend, a paused week."""
    rng = random.Random(seed)
    checkins: list[CheckIn] = []
    practised: set[date] = set()
    paused = {TODAY - timedelta(days=100 + i) for i in range(7)}
    for i in range(365):
        d = TODAY - timedelta(days=364 - i)
        if d in paused:
            continue
        did = rng.random() < 0.8
        if did:
            practised.add(d)
        tension = max(0, min(10, round(7 - i / 70 + rng.gauss(0, 1))))
        checkins.append(
            CheckIn(
                chat_id=1,
                local_date=d,
                tension=tension,
                pain=max(0, min(10, round(6 - i / 80 + rng.gauss(0, 1.2)))),
                areas=(BodyArea.LOWER_BACK,),
                completion=Completion.FULL if did else None,
                note="felt easier" if rng.random() < 0.2 else None,
                tension_before=min(10, tension + 1) if did else None,
                practised=did,
            )
        )
    return checkins, practised, paused


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)

    checkins, practised, paused = year_of_checkins()
    print(f"data: {len(checkins)} check-ins, {len(practised)} practised days, 365 days")

    def once() -> int:
        summary = summarize(checkins, practised, paused, TODAY, None)
        summary_lines(summary)
        return len(render_progress_chart(checkins, practised, summary.start, TODAY))

    size = once()  # warm-up: font cache, imports
    timings = []
    for _ in range(args.runs):
        began = time.perf_counter()
        once()
        timings.append((time.perf_counter() - began) * 1000)

    median = statistics.median(timings)
    print(f"png: {size} bytes, 1200x800")
    print(f"runs: {args.runs} after 1 warm-up")
    print(
        f"min {min(timings):.0f} ms, median {median:.0f} ms, p95 {percentile(timings, 95):.0f} ms"
    )
    verdict = "OK" if median <= GOAL_MS else "SLOW"
    print(f"progress_chart: median {median:.0f} ms (goal <= {GOAL_MS:.0f} ms) {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
