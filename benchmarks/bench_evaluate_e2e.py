"""`coachloop evaluate` as a user runs it: from the store to the store, next to bare `evaluate()`.

The workload is the shared 60-turn calls in mixed case with punctuation and varying
amounts (`workload.make_calls(style=True)`), ingested once. Each arm re-evaluates every
call (`everything=True`, what `evaluate --all` does) with the default rubric choice:

- bare: `evaluate()` over the same interactions already in memory, one process;
- store, defaults: `jobs.evaluate_store` with insights on (the CLI default), 1 process;
- store, --no-insights;
- store, defaults, --workers 2.

Arms are interleaved (one run of each, then again) and medians reported; per-core
figures are calls per CPU second of this process (1 process arms), scaling is wall time.
PostgreSQL runs too when COACHLOOP_BENCH_PG_URL (or COACHLOOP_TEST_PG_URL) names a database.
The load average is printed before and after each backend, to say how busy the machine was.

`--workers 2` starts fresh processes whose encoder caches are empty: on each run they embed
every agent sentence the parent already has cached, so that arm measures fresh text.

    python -m benchmarks.bench_evaluate_e2e [--calls 4000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.workload import make_calls
from coachloop import jobs
from coachloop.evaluate import evaluate
from coachloop.model import Interaction
from coachloop.store import Store, open_store
from coachloop.store.engine import scratch_schema


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def run_backend(label: str, store: Store, calls: list[Interaction], repeats: int) -> None:
    print(f"load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for start in range(0, len(calls), jobs.BATCH):
        store.write(calls[start : start + jobs.BATCH], source_format="native")
    rubrics = jobs.default_rubrics()
    chosen = [jobs.choose_rubric(rubrics, c) for c in calls]

    def bare() -> None:
        for c, r in zip(calls, chosen, strict=True):
            assert r is not None
            evaluate(r, c)

    arms: dict[str, Callable[[], object]] = {
        "bare evaluate()": bare,
        "store, defaults (insights)": lambda: jobs.evaluate_store(
            store, rubrics, everything=True, insights=True
        ),
        "store, --no-insights": lambda: jobs.evaluate_store(store, rubrics, everything=True, insights=False),
        "store, defaults, --workers 2": lambda: jobs.evaluate_store(
            store, rubrics, everything=True, insights=True, workers=2
        ),
    }
    jobs.evaluate_store(store, rubrics, everything=True, insights=True)  # warm: lexicons, caches
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in arms}
    for _ in range(repeats):
        for name, fn in arms.items():
            runs[name].append(timed(fn))
    n = len(calls)
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    print(f"\n{label}: {n} calls x {len(calls[0].utterances)} turns, median of {repeats} interleaved runs")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'arm':32} {'calls/s wall':>13} {'calls/s/core':>13}")
    for name in arms:
        per_core = "" if "workers" in name else f"{n / cpu[name]:13,.0f}"
        print(f"{name:32} {n / wall[name]:13,.0f} {per_core}")
    e2e = n / cpu["store, defaults (insights)"]
    print(
        f"ratio bare/defaults (per core): {cpu['store, defaults (insights)'] / cpu['bare evaluate()']:.2f}x "
        f"(target <= 2x); defaults {e2e:,.0f} calls/s/core (target >= 1,000)"
    )
    print(
        f"ratio bare/--no-insights (per core): {cpu['store, --no-insights'] / cpu['bare evaluate()']:.2f}x; "
        f"--workers 2 scaling (wall): {wall['store, defaults (insights)'] / wall['store, defaults, --workers 2']:.2f}x "
        "(target >= 1.7x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    calls = make_calls(args.calls, style=True)
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{Path(tmp) / 'e2e.db'}") as store:
        run_backend("SQLite (WAL)", store, calls, args.repeats)
    pg = os.environ.get("COACHLOOP_BENCH_PG_URL") or os.environ.get("COACHLOOP_TEST_PG_URL")
    if pg:
        with scratch_schema(pg, "bench") as url, open_store(url) as store:
            run_backend("PostgreSQL", store, calls, args.repeats)
    else:
        print("\nPostgreSQL skipped: set COACHLOOP_BENCH_PG_URL to a database to include it")


if __name__ == "__main__":
    main()
