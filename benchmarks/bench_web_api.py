"""The API's list endpoints under load with 1 million stored conversations.

    .venv/bin/python -m benchmarks.bench_web_api [--n 1000000] [--seconds 8] [--concurrency 8]
        [--url postgresql+psycopg://...] [--only TEXT] [--queries REPEATS]

The SQLite store is built once with bulk inserts and cached under the temp folder
(`coachloop-bench-web-<n>-<schema revision>.db`): N contacts from `bench_metrics.workload`
(one agent per 2,000 contacts, teams of 12, a year of dates), their team on each row, one
evaluation per contact (2 % auto-failed), one behaviour outcome per evaluation
(`verify_identity`, 10 % missed) and two utterances each, indexed for full-text search.
With `--url`, that SQLite store is copied into the PostgreSQL database given (its tables
must not exist yet, or hold the same N conversations from an earlier run).

The app is served by uvicorn on loopback in this process; the load comes from a second
process (an async httpx client, `--concurrency` requests in flight, `--seconds` per
endpoint) that prints requests/s, p50 and p99 per endpoint. Endpoints are called as an
admin (everything), a supervisor (a team) and an agent. `--queries N` instead times each
endpoint's `jobs.browse` call N times in this process: the database's share of a request,
without HTTP and without requests queueing behind each other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

TARGET_P99_MS = 150.0


def build(n: int, path: Path) -> str:
    from benchmarks.bench_metrics import build_store, workload
    from coachloop.store import open_store
    from coachloop.store.search import reindex_all

    url = f"sqlite:///{path}"
    if path.exists():
        return url
    partial = path.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    data = workload(n, seed=11)
    build_store(data, partial)
    con = sqlite3.connect(partial)
    con.execute("UPDATE interactions SET team = (SELECT team FROM agents WHERE agents.id = interactions.agent_id)")
    # A trigger copies each conversation's start onto its evaluation.
    con.execute(
        "INSERT INTO evaluations (interaction_id, rubric, rubric_version, score, compliance_passed, auto_failed, "
        "section_scores, evaluated_at, results) SELECT id, 'general', '2', (abs(random()) % 100) / 100.0, 1, "
        "(abs(random()) % 50) = 0, '{}', '2026-12-01 00:00:00.000000', '[]' FROM interactions"
    )
    con.execute(
        "INSERT INTO behavior_results (interaction_id, rubric, behavior_id, section, outcome, confidence, critical) "
        "SELECT interaction_id, rubric, 'verify_identity', 'compliance', "
        "CASE WHEN abs(random()) % 10 = 0 THEN 'missed' ELSE 'met' END, 0.9, 1 FROM evaluations"
    )
    con.execute(
        "INSERT INTO utterances (interaction_id, idx, speaker, start, \"end\", text) "
        "SELECT id, 0, 'agent', 0.0, 2.0, 'thank you for calling how can i help' FROM interactions"
    )
    con.execute(
        "INSERT INTO utterances (interaction_id, idx, speaker, start, \"end\", text) "
        "SELECT id, 1, 'customer', 2.5, 6.0, 'my ' || contact_reason || ' question ' || id FROM interactions"
    )
    con.commit()
    con.close()
    with open_store(f"sqlite:///{partial}") as store, store.begin("index the transcripts") as conn:
        reindex_all(conn)
    con = sqlite3.connect(partial)
    con.execute("ANALYZE")
    con.close()
    partial.rename(path)
    print(f"built {n:,} conversations in {time.perf_counter() - started:.0f} s: {path}", file=sys.stderr)
    return url


COPIED = ("agents", "interactions", "utterances", "evaluations", "behavior_results")


def copy_to_postgresql(sqlite_path: Path, url: str, n: int) -> str:
    """The SQLite bench store's rows copied into the PostgreSQL database at `url` (COPY),
    then its full-text index built and statistics gathered; skipped when it holds them."""
    from sqlalchemy import func, select, text

    from coachloop.store import open_store
    from coachloop.store.search import reindex_all
    from coachloop.store.tables import interactions

    with open_store(url) as store:
        with store.reading("count") as conn:
            have = conn.execute(select(func.count()).select_from(interactions)).scalar_one()
        if have == n:
            return url
        if have:
            raise SystemExit(f"{url} holds {have:,} conversations, not {n:,}: give an empty database")
        started = time.perf_counter()
        src = sqlite3.connect(sqlite_path)
        with store.begin("copy the bench store") as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for table in COPIED:
                columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                if table == "evaluations":
                    columns.remove("started_at")  # the trigger sets it
                quoted = ", ".join(f'"{c}"' for c in columns)
                with driver.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in src.execute(f"SELECT {quoted} FROM {table}"):
                        copy.write_row(row)
            reindex_all(conn)
        src.close()
        with store.begin("analyze") as conn:
            conn.execute(text("ANALYZE"))
        print(f"copied {n:,} conversations to PostgreSQL in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    return url


async def _load(base: str, token: str, path: str, seconds: float, concurrency: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    answer = await client.get(path)
                    failed = answer.status_code != 200
                except httpx.HTTPError:
                    failed = True
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += failed

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


def client_main(argv: list[str]) -> None:
    base, token, path, seconds, concurrency = argv
    print(json.dumps(asyncio.run(_load(base, token, path, float(seconds), int(concurrency)))))


ENDPOINTS = [
    ("admin", "/api/interactions?limit=50"),
    ("admin", "/api/interactions?limit=50&team=team3&since=2026-03-01&until=2026-06-30"),
    ("admin", "/api/interactions?limit=50&channel=chat&reason=fraud"),
    ("admin", "/api/evaluations?limit=50"),
    ("admin", "/api/evaluations?limit=50&auto_failed=true"),
    ("admin", "/api/evaluations?limit=50&auto_failed=false"),
    ("admin", "/api/evaluations?limit=50&auto_failed=true&team=team3"),
    ("admin", "/api/evaluations?limit=50&behavior=verify_identity&outcome=missed"),
    ("supervisor", "/api/evaluations?limit=50&auto_failed=true"),
    ("supervisor", "/api/interactions?limit=50"),
    ("agent", "/api/interactions?limit=50"),
    ("agent", "/api/evaluations?limit=50"),
    ("admin", "/api/interactions?limit=50&q=fraud&agent=a7"),
    ("admin", "/api/interactions?limit=20&q=c123456"),
    ("admin", "/api/interactions?limit=50&q=fraud"),
    ("admin", "/api/interactions?limit=50&q=fraud+question"),
    ("supervisor", "/api/interactions?limit=50&q=fraud"),
    ("admin", "/api/evaluations?limit=50&q=loan"),
    ("admin", "/api/interactions?limit=50&q=thank"),
]


def query_main(url: str, repeats: int, only: str | None) -> None:
    """Each endpoint's `jobs.browse` call timed in this process, without HTTP or
    concurrency: what one page costs the database (p50 and max of `repeats` calls)."""
    from urllib.parse import parse_qsl, urlsplit

    from coachloop.jobs.access import Scope
    from coachloop.jobs.browse import ConversationFilter, EvaluationQuery, evaluation_page, interaction_page
    from coachloop.store import open_store
    from coachloop.store.live import UserRecord

    store = open_store(url)
    scopes = {
        "admin": Scope.of(store, UserRecord(id=0, name="bench-admin", role="admin", agent_id=None, team=None)),
        "supervisor": Scope.of(
            store, UserRecord(id=0, name="bench-sup", role="supervisor", agent_id=None, team="team3")
        ),
        "agent": Scope.of(store, UserRecord(id=0, name="bench-agent", role="agent", agent_id="a7", team="team0")),
    }
    conversation_keys = {"agent", "team", "queue", "channel", "reason", "language", "since", "until", "q"}
    print(f"{'role':<11} {'endpoint':<80} {'p50 ms':>7} {'max ms':>7}")
    for role, path in ENDPOINTS:
        if only and only not in path:
            continue
        parts = urlsplit(path)
        params = dict(parse_qsl(parts.query))
        limit = int(params.pop("limit", "50"))
        conv = ConversationFilter(**{k: v for k, v in params.items() if k in conversation_keys})
        call: Callable[[], object]
        if parts.path == "/api/interactions":
            call = partial(interaction_page, store, scopes[role], conv, limit=limit)
        else:
            failed = params.get("auto_failed")
            query = EvaluationQuery(
                rubric=params.get("rubric"),
                behavior=params.get("behavior"),
                outcome=params.get("outcome"),
                auto_failed=None if failed is None else failed == "true",
                conversations=conv,
            )
            call = partial(evaluation_page, store, scopes[role], query, limit=limit)
        call()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{role:<11} {path:<80} {statistics.median(times):>7.1f} {max(times):>7.1f}", flush=True)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", help="Run only endpoints whose path contains this.")
    parser.add_argument("--url", help="A PostgreSQL database to copy the store into and serve from.")
    parser.add_argument(
        "--queries", type=int, metavar="REPEATS",
        help="Time each endpoint's query in this process (no HTTP, no concurrency), REPEATS times.",
    )
    args = parser.parse_args()

    from alembic.script import ScriptDirectory

    from coachloop.jobs.live import create_user
    from coachloop.store.engine import alembic_config
    from coachloop.web import create_app
    from coachloop.web.server import BackgroundServer

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    cache = Path(tempfile.gettempdir()) / f"coachloop-bench-web-{args.n}-{head}.db"
    url = build(args.n, cache)
    if args.url:
        url = copy_to_postgresql(cache, args.url, args.n)
    if args.queries:
        query_main(url, args.queries, args.only)
        return
    app = create_app(url, sentiment=False, no_knowledge=True)
    store = app.state.store
    suffix = str(time.time_ns())
    tokens = {
        "admin": create_user(store, f"admin-{suffix}", "admin"),
        "supervisor": create_user(store, f"sup-{suffix}", "supervisor", team="team3"),
        "agent": create_user(store, f"agent-{suffix}", "agent", agent_id="a7", team="team0"),
    }
    print(f"{'role':<11} {'endpoint':<80} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  p99<{TARGET_P99_MS:.0f}")
    with BackgroundServer(app) as base:
        for role, path in ENDPOINTS:
            if args.only and args.only not in path:
                continue
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_web_api", "--client", base, tokens[role], path,
                 str(args.seconds), str(args.concurrency)],
                capture_output=True, text=True, check=True, timeout=args.seconds + 120,
            )
            r = json.loads(done.stdout)
            ok = "yes" if r["p99_ms"] < TARGET_P99_MS and not r["errors"] else "NO"
            print(f"{role:<11} {path:<80} {r['rps']:>7.1f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f}  {ok}"
                  + (f" ({r['errors']} errors)" if r["errors"] else ""), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        client_main(sys.argv[2:])
    else:
        main()
