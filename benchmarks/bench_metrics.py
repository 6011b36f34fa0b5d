"""KPIs by agent x week over N synthetic interactions: coachloop on its columnar snapshot next
to the same query written directly in DuckDB over the same data in Parquet, in the same run.

    .venv/bin/python -m benchmarks.bench_metrics [--n 10000000] [--repeats 3] [--sql]

coachloop's side is what `coachloop metrics --by agent,week` runs on a SQLite store: check the
snapshot's watermark against the store (it is fresh: built once, before timing, and that
build is timed and printed on its own), then the registry's KPI queries compiled for DuckDB
over the snapshot, then intervals and shrunk agent estimates in Python. `--sql` also times
the SQL path on SQLite (the reference; slow at millions of contacts).

The workload is seeded: N contacts over 52 weeks, one agent per 2,000 contacts in teams of
12, customers calling 1-3 times, 6 reasons x 2 channels, surveys on 20 % of contacts,
dispositions on 30 %. Both sides compute every contact KPI of the registry (handle time and
its parts, handle time in context, FCR and repeat rates with a 7-day window, transfer,
escalation, CSAT, NPS, CES, conversion, save, promise to pay); coachloop's side also turns
them into intervals and shrunk agent estimates, as `coachloop metrics --by agent,week`
does. Times are medians; both read a warm file. duckdb and pyarrow are runtime dependencies.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from coachloop.metrics import KPIS, MetricsQuery, compute_metrics, snapshot
from coachloop.store import open_store

CONTACT_KPIS = tuple(k.id for k in KPIS.values() if k.source == "contacts")
START = np.datetime64("2026-01-05T00:00:00")  # a Monday
REASONS = np.array(["card", "loan", "fraud", "address", "payment", "app"])
DISPOSITIONS = np.array(["sale", "no_sale", "saved", "cancelled", "promise_to_pay", "no_promise"])


def workload(n: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    agents = max(4, n // 2000)
    customers = max(1, int(n / 1.6))
    t = START + (rng.integers(0, 52 * 7 * 86400, n)).astype("timedelta64[s]")
    talk = rng.lognormal(np.log(300), 0.5, n)
    surveyed = rng.random(n) < 0.2
    disposed = rng.random(n) < 0.3
    return {
        "id": np.char.add("c", np.arange(n).astype(str)),
        "agent_id": np.char.add("a", rng.integers(0, agents, n).astype(str)),
        "customer_id": np.char.add("k", rng.integers(0, customers, n).astype(str)),
        "channel": np.where(rng.random(n) < 0.2, "chat", "voice"),
        "queue": np.where(rng.random(n) < 0.5, "cards", "general"),
        "contact_reason": REASONS[rng.integers(0, len(REASONS), n)],
        "started_at": t,
        "talk_seconds": talk,
        "hold_seconds": np.where(rng.random(n) < 0.3, rng.exponential(40, n), 0.0),
        "acw_seconds": rng.lognormal(np.log(40), 0.35, n),
        "transferred": rng.random(n) < 0.08,
        "escalated": rng.random(n) < 0.04,
        "csat": np.where(surveyed, rng.integers(1, 6, n), np.nan),
        "nps": np.where(surveyed, rng.integers(0, 11, n), np.nan),
        "ces": np.where(surveyed & (rng.random(n) < 0.5), rng.integers(1, 8, n), np.nan),
        "disposition": np.where(
            disposed, DISPOSITIONS[rng.integers(0, len(DISPOSITIONS), n)], np.array(None, dtype=object)
        ),
        "agents": agents,
    }


def _none(values: np.ndarray[Any, Any]) -> list[Any]:
    return [None if v != v else float(v) for v in values.tolist()]


def build_store(data: dict[str, Any], path: Path) -> str:
    url = f"sqlite:///{path}"
    open_store(url).close()  # the schema, by the migrations
    n = len(data["id"])
    stamps = np.datetime_as_string(data["started_at"], unit="us")
    stamps = np.char.replace(stamps, "T", " ")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.executemany(
        "INSERT INTO agents (id, team) VALUES (?, ?)",
        [(f"a{i}", f"team{i // 12}") for i in range(data["agents"])],
    )
    now = "2026-12-01 00:00:00.000000"
    columns = (
        "id, agent_id, customer_id, channel, queue, contact_reason, started_at, talk_seconds, "
        "hold_seconds, acw_seconds, transferred, escalated, csat, nps, ces, disposition, "
        "utterance_count, transcript_hash, content_hash, source_format, ingested_at, updated_at"
    )
    step = 200_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        rows = zip(
            data["id"][lo:hi].tolist(),
            data["agent_id"][lo:hi].tolist(),
            data["customer_id"][lo:hi].tolist(),
            data["channel"][lo:hi].tolist(),
            data["queue"][lo:hi].tolist(),
            data["contact_reason"][lo:hi].tolist(),
            stamps[lo:hi].tolist(),
            data["talk_seconds"][lo:hi].tolist(),
            data["hold_seconds"][lo:hi].tolist(),
            data["acw_seconds"][lo:hi].tolist(),
            data["transferred"][lo:hi].astype(int).tolist(),
            data["escalated"][lo:hi].astype(int).tolist(),
            _none(data["csat"][lo:hi]),
            _none(data["nps"][lo:hi]),
            _none(data["ces"][lo:hi]),
            data["disposition"][lo:hi].tolist(),
            strict=True,
        )
        con.executemany(
            f"INSERT INTO interactions ({columns}) VALUES ({', '.join(['?'] * 16)}, 0, '', '', 'bench', ?, ?)",
            ((*r, now, now) for r in rows),
        )
        con.commit()
    con.close()
    return url


def write_parquet(data: dict[str, Any], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {k: v for k, v in data.items() if k != "agents"}
    table = pa.table({k: pa.array(v, from_pandas=True) for k, v in columns.items()})
    pq.write_table(table, path)
    teams = pa.table(
        {
            "id": [f"a{i}" for i in range(data["agents"])],
            "team": [f"team{i // 12}" for i in range(data["agents"])],
        }
    )
    pq.write_table(teams, path.with_name("agents.parquet"))


DUCKDB_QUERY = """
WITH c AS (
  SELECT i.*, coalesce(a.team, NULL) AS team, epoch(i.started_at) AS t,
    CASE WHEN talk_seconds IS NOT NULL
         THEN talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0) END AS handle,
    lead(epoch(i.started_at)) OVER (PARTITION BY customer_id ORDER BY i.started_at, i.id) AS next_any,
    lag(epoch(i.started_at)) OVER (PARTITION BY customer_id ORDER BY i.started_at, i.id) AS prev_any,
    lead(epoch(i.started_at)) OVER (PARTITION BY customer_id, contact_reason ORDER BY i.started_at, i.id) AS next_same,
    lag(epoch(i.started_at)) OVER (PARTITION BY customer_id, contact_reason ORDER BY i.started_at, i.id) AS prev_same
  FROM read_parquet('{interactions}') i LEFT JOIN read_parquet('{agents}') a ON a.id = i.agent_id
),
b AS (SELECT min(t) AS first_t, max(t) AS last_t FROM c),
cells AS (
  SELECT coalesce(contact_reason, '') AS rk, channel, avg(handle) AS expected FROM c GROUP BY ALL
),
k AS (
  SELECT c.*, CASE WHEN handle IS NOT NULL THEN cells.expected END AS expected,
    customer_id IS NOT NULL AND t + 604800 <= b.last_t AS fcr_known,
    customer_id IS NOT NULL AND t - 604800 >= b.first_t AS rep_known
  FROM c CROSS JOIN b LEFT JOIN cells ON cells.rk = coalesce(c.contact_reason, '') AND cells.channel = c.channel
)
SELECT agent_id, strftime(date_trunc('week', started_at), '%Y-%m-%d') AS week, count(*) AS contacts,
  count(handle), sum(handle), sum(handle * handle),
  count(talk_seconds), sum(talk_seconds), sum(talk_seconds * talk_seconds),
  count(hold_seconds), sum(hold_seconds), sum(hold_seconds * hold_seconds),
  count(acw_seconds), sum(acw_seconds), sum(acw_seconds * acw_seconds),
  count(expected), sum(CASE WHEN expected IS NOT NULL THEN handle END), sum(expected),
  sum(CASE WHEN fcr_known AND NOT coalesce(next_any - t <= 604800, false) THEN 1 ELSE 0 END), sum(fcr_known::int),
  sum(CASE WHEN fcr_known AND NOT coalesce(next_same - t <= 604800, false) THEN 1 ELSE 0 END),
  sum(CASE WHEN rep_known AND coalesce(t - prev_any <= 604800, false) THEN 1 ELSE 0 END), sum(rep_known::int),
  sum(CASE WHEN rep_known AND coalesce(t - prev_same <= 604800, false) THEN 1 ELSE 0 END),
  sum(transferred::int), sum(escalated::int),
  count(csat), sum(csat), sum(csat * csat), sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END),
  count(nps), sum(CASE WHEN nps >= 9 THEN 100 WHEN nps <= 6 THEN -100 ELSE 0 END),
  sum(CASE WHEN nps >= 9 OR nps <= 6 THEN 10000 ELSE 0 END),
  count(ces), sum(ces), sum(ces * ces),
  sum((disposition = 'sale')::int), sum((disposition IN ('sale', 'no_sale'))::int),
  sum((disposition = 'saved')::int), sum((disposition IN ('saved', 'cancelled'))::int),
  sum((disposition = 'promise_to_pay')::int), sum((disposition IN ('promise_to_pay', 'no_promise'))::int)
FROM k GROUP BY ALL
"""


QUERY = MetricsQuery(by=("agent", "week"), kpis=CONTACT_KPIS)


def build_snapshot(url: str) -> float:
    with open_store(url) as store:
        start = time.perf_counter()
        snapshot.refresh(store)
        return time.perf_counter() - start


def time_coachloop(url: str) -> tuple[float, int]:
    """The columnar path, as `jobs.metrics.metric_rows` runs it (watermark check included)."""
    with open_store(url) as store:
        start = time.perf_counter()
        with store.connect("bench") as conn, snapshot.open_columnar(store) as facts:
            rows = compute_metrics(conn, QUERY, columnar=facts)
        return time.perf_counter() - start, len(rows)


def time_sql(url: str) -> tuple[float, int]:
    with open_store(url) as store, store.connect("bench") as conn:
        start = time.perf_counter()
        rows = compute_metrics(conn, QUERY)
        return time.perf_counter() - start, len(rows)


def time_duckdb(folder: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    query = DUCKDB_QUERY.format(
        interactions=folder / "interactions.parquet", agents=folder / "agents.parquet"
    )
    start = time.perf_counter()
    rows = con.execute(query).fetchall()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="interactions (default 10 million)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sql", action="store_true", help="also time the SQL path (once)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        data = workload(args.n, args.seed)
        write_parquet(data, folder / "interactions.parquet")
        url = build_store(data, folder / "store.db")
        del data
        print(f"{args.n:,} interactions written to SQLite and Parquet in {time.perf_counter() - start:.0f} s")
        print(f"columnar snapshot built from the store in {build_snapshot(url):.1f} s (once, not in the ratio)")
        sql = time_sql(url) if args.sql else None
        ours, theirs = [], []
        for _ in range(args.repeats):  # interleaved: both sides see the same machine load
            ours.append(time_coachloop(url))
            theirs.append(time_duckdb(folder))
    ours_s, theirs_s = statistics.median(t for t, _ in ours), statistics.median(t for t, _ in theirs)
    if sql is not None:
        print(f"coachloop SQL path on SQLite (reference):   {sql[0]:.2f} s, {sql[1]:,} rows")
    print(f"coachloop metrics --by agent,week (columnar): {ours_s:.2f} s median of {[round(t, 2) for t, _ in ours]}, {ours[0][1]:,} rows")
    print(f"same KPIs written in DuckDB over Parquet:     {theirs_s:.2f} s median of {[round(t, 2) for t, _ in theirs]}, {theirs[0][1]:,} rows")
    print(f"ratio: {ours_s / theirs_s:.2f}x (target: within 2x)")


if __name__ == "__main__":
    main()
