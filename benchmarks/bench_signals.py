"""All signals over a million interactions, read from a SQLite store.

A seeded synthetic center (agents in teams, queues, contact reasons, two languages, voice
and chat, 20 weeks; six behaviours per call, some agents drifting, one queue slowing down
in one week) is written straight into the store's tables with `sqlite3.executemany`
(interactions, evaluations with insights, behavior_results, agents): writing is not what
is measured. Then `coachloop.jobs.signals.find_signals` runs every finder, and the time
of each stage (reading the frame, each finder) and the total are printed; the median of
`--repeats` runs. Target: under 60 s for 1,000,000 interactions.

    python -m benchmarks.bench_signals [--calls 1000000] [--agents 2000] [--repeats 1]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import orjson

from coachloop.metrics import snapshot
from coachloop.signals import FINDERS, SignalInput
from coachloop.signals.frame import load_frame
from coachloop.store import open_store

BEHAVIORS = ("greet", "verify", "mirror", "confirm", "next_steps", "close")
START = datetime(2026, 1, 5)
WEEKS = 20


def write_center(path: Path, calls: int, agents: int, seed: int) -> None:
    open_store(f"sqlite:///{path}").close()  # the schema, by the migrations
    rng = np.random.default_rng(seed)
    teams = rng.integers(0, max(1, agents // 15), agents)
    drifting = rng.random(agents) < 0.05
    skill = rng.uniform(0.5, 0.9, (agents, len(BEHAVIORS)))
    agent = rng.integers(0, agents, calls)
    seconds = np.sort(rng.uniform(0, WEEKS * 7 * 86400, calls))
    week = (seconds // (7 * 86400)).astype(int)
    queue = rng.integers(0, 6, calls)
    reason = queue * 4 + rng.integers(0, 4, calls)
    chat = rng.random(calls) < 0.15
    slow = (queue == 2) & (week == 12)
    talk = np.exp(rng.normal(np.log(300), 0.5, calls)) * np.where(chat, 4.0, 1.0) * np.where(slow, 1.6, 1.0)
    hold = np.where(rng.random(calls) < 0.3, rng.uniform(20, 180, calls), 0.0)
    acw = rng.uniform(10, 60, calls)
    csat = np.where(rng.random(calls) < 0.25, rng.integers(1, 6, calls), -1)
    customer = rng.integers(0, calls // 2, calls)
    peaks = rng.poisson(np.where(slow, 1.6, 1.0))
    now = "2026-06-01 00:00:00.000000"
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany(
        "INSERT INTO agents (id, name, team, supervisor, hire_date) VALUES (?, ?, ?, ?, ?)",
        [
            (
                f"A{a:05d}",
                None,
                f"T{teams[a]:03d}",
                None,
                str((START - timedelta(days=int(30 + 11 * a % 3000))).date()),
            )
            for a in range(agents)
        ],
    )

    def interactions() -> Iterator[tuple[object, ...]]:
        for i in range(calls):
            started = (START + timedelta(seconds=float(seconds[i]))).strftime("%Y-%m-%d %H:%M:%S.%f")
            yield (
                f"I{i:08d}",
                "chat" if chat[i] else "voice",
                f"A{agent[i]:05d}",
                f"T{teams[agent[i]]:03d}",
                f"q{queue[i]}",
                f"K{customer[i]:07d}",
                started,
                float(talk[i]),
                float(hold[i]),
                float(acw[i]),
                "hi-en" if i % 9 == 0 else "en",
                f"r{reason[i]:02d}",
                None if csat[i] < 0 else float(csat[i]),
                0,
                0,
                20,
                "h",
                "h",
                "bench",
                now,
                now,
            )

    con.executemany(
        "INSERT INTO interactions (id, channel, agent_id, team, queue, customer_id, started_at, talk_seconds, "
        "hold_seconds, acw_seconds, language, contact_reason, csat, transferred, escalated, utterance_count, "
        "transcript_hash, content_hash, source_format, ingested_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        interactions(),
    )
    con.executemany(
        "INSERT INTO evaluations (interaction_id, rubric, rubric_version, score, compliance_passed, auto_failed, "
        "section_scores, evaluated_at, results, insights) VALUES (?, 'general', '1', ?, 1, 0, '{}', ?, '[]', ?)",
        (
            (
                f"I{i:08d}",
                0.7,
                now,
                orjson.dumps({"sentiment": {"frustration_peaks": [3] * int(peaks[i])}}).decode(),
            )
            for i in range(calls)
        ),
    )
    progress = seconds / seconds[-1]
    for j, b in enumerate(BEHAVIORS):
        p = skill[agent, j] - np.where(drifting[agent] & (j % 2 == 0), 0.35 * progress, 0.0)
        met = rng.random(calls) < p
        applies = rng.random(calls) < (0.4 if b == "mirror" else 1.0)
        con.executemany(
            "INSERT INTO behavior_results (interaction_id, rubric, behavior_id, section, outcome, confidence, critical) "
            "VALUES (?, 'general', ?, 'quality', ?, 0.9, 0)",
            ((f"I{i:08d}", b, "met" if met[i] else "missed") for i in np.flatnonzero(applies).tolist()),
        )
    con.commit()
    con.close()


def run(path: Path, sql: bool) -> dict[str, float]:
    times: dict[str, float] = {}
    store = open_store(f"sqlite:///{path}")
    with store.reading("bench") as conn:
        t = time.perf_counter()
        if sql:
            frame = load_frame(conn)
        else:
            with snapshot.open_columnar(store) as facts:
                frame = load_frame(conn, columnar=facts)
        times["read frame" + (" (SQL)" if sql else " (snapshot)")] = time.perf_counter() - t
        given = SignalInput(frame, conn)
        for kind, finder in FINDERS.items():
            t = time.perf_counter()
            found = finder(given)
            times[f"{kind} ({len(found)} signals)"] = time.perf_counter() - t
    store.close()
    times["total"] = sum(times.values())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--sql", action="store_true", help="read the frame from the store, not the snapshot")
    parser.add_argument("--keep", type=Path, help="keep the written store here (and reuse it if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if not path.exists():
            t = time.perf_counter()
            write_center(path, args.calls, args.agents, args.seed)
            print(
                f"wrote {args.calls:,} interactions by {args.agents:,} agents in {time.perf_counter() - t:.0f} s (not measured)"
            )
        if not args.sql:
            t = time.perf_counter()
            with open_store(f"sqlite:///{path}") as store:
                snapshot.refresh(store)
            print(f"columnar snapshot built in {time.perf_counter() - t:.0f} s (once; not in the total)")
        runs = [run(path, args.sql) for _ in range(args.repeats)]
    for key in runs[0]:
        print(f"  {key:40s} {statistics.median(r[key] for r in runs):8.1f} s")
    total = statistics.median(r["total"] for r in runs)
    print(f"all signals over {args.calls:,} interactions: {total:.1f} s (target < 60 s)")


if __name__ == "__main__":
    main()
