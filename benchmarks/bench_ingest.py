"""Ingest throughput into SQLite: 60-utterance interactions, next to raw executemany.

Three figures, each the median of several runs into a fresh database file:
- pipeline: `coachloop.jobs.ingest_paths` on a native JSON Lines file (read, parse,
  check, redact, store) - what `coachloop ingest` does;
- store: `Store.write` of the same interactions already in memory;
- raw: `sqlite3.executemany` of the same interaction and utterance rows into tables of
  the same shape, in one transaction, doing nothing else.

    python -m benchmarks.bench_ingest [--calls 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from benchmarks.workload import make_calls
from coachloop import jobs
from coachloop.ingest.native import to_native
from coachloop.model import Interaction
from coachloop.store import open_store


def raw_insert(path: Path, calls: list[Interaction]) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE interactions (id TEXT PRIMARY KEY, channel TEXT, agent_id TEXT, queue TEXT, "
        "language TEXT, content_hash TEXT)"
    )
    con.execute(
        "CREATE TABLE utterances (interaction_id TEXT, idx INTEGER, speaker TEXT, start REAL, "
        "end REAL, text TEXT, alt_text TEXT, metadata TEXT, PRIMARY KEY (interaction_id, idx))"
    )
    with con:
        con.executemany(
            "INSERT INTO interactions VALUES (?, ?, ?, ?, ?, ?)",
            [(c.id, c.channel.value, c.agent_id, c.queue, c.language, "x") for c in calls],
        )
        con.executemany(
            "INSERT INTO utterances VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.id, u.index, u.speaker.value, u.start, u.end, u.text, u.alt_text, None)
                for c in calls
                for u in c.utterances
            ],
        )
    con.close()


Arm = Callable[[Path, int], None]


def timed_interleaved(arms: dict[str, Arm], repeats: int) -> dict[str, float]:
    """Median seconds of each arm, the arms run in turn (one of each, then again), so that a
    change in the machine's load falls on all of them alike."""
    runs: dict[str, list[float]] = {name: [] for name in arms}
    for i in range(repeats):
        for name, fn in arms.items():
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                fn(Path(tmp), i)
                runs[name].append(time.perf_counter() - t0)
    return {name: statistics.median(r) for name, r in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    calls = make_calls(args.calls)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "calls.jsonl"
        source.write_bytes(b"".join(orjson.dumps(to_native(c)) + b"\n" for c in calls))

        def pipeline(folder: Path, _: int) -> None:
            with open_store(f"sqlite:///{folder / 'p.db'}") as store:
                jobs.ingest_paths(store, [source], "native")

        def store_only(folder: Path, _: int) -> None:
            with open_store(f"sqlite:///{folder / 's.db'}") as store:
                for start in range(0, len(calls), jobs.BATCH):
                    store.write(calls[start : start + jobs.BATCH], source_format="native")

        def raw(folder: Path, _: int) -> None:
            raw_insert(folder / "r.db", calls)

        times = timed_interleaved({"pipeline": pipeline, "store": store_only, "raw": raw}, args.repeats)
        t_pipe, t_store, t_raw = times["pipeline"], times["store"], times["raw"]
    n = args.calls
    turns = len(calls[0].utterances)
    print(f"workload: {n} interactions x {turns} utterances into SQLite (WAL), median of {args.repeats} interleaved runs")
    print(f"pipeline (read, check, redact, store): {n / t_pipe:8,.0f} interactions/s   (target >= 2,000)")
    print(f"store.write only:                      {n / t_store:8,.0f} interactions/s")
    print(f"raw executemany, same rows:            {n / t_raw:8,.0f} interactions/s")
    print(f"ratio raw/pipeline: {t_pipe / t_raw:.2f}x   raw/store: {t_store / t_raw:.2f}x")


if __name__ == "__main__":
    main()
