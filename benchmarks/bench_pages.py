"""Page serving under load: the agent home (`/me`) and the conversation view.

The demo contact center (the default `coachloop demo` world: 40 agents, 8 weeks, 3,840
calls, evaluated with insights) is built once into a SQLite file under the temporary
directory and kept there for later runs. The app is served by uvicorn in its own process
(one worker, access log off); this process signs in as a demo agent and drives the
pages over loopback with an async HTTP client: `--concurrency` requests in flight for
`--seconds` per page (time-bounded), after a short warm-up. Each request is timed from
sending to the last byte of the body; the figures are requests/s over the whole window
and the p50 / p99 latency.

The conversation view cycles over the agent's own calls (the ones their home page links
to, 96 of them), so the first request for each computes the view and later ones find it
in the per-store-state cache, as repeated opens do in use.

Target (issue 13): each page >= 200 requests/s with p99 < 150 ms.

Run: .venv/bin/python -m benchmarks.bench_pages [--seconds 15] [--concurrency 8] [--agent A001]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from coachloop.demo.config import DemoConfig
from coachloop.store import open_store
from coachloop.store.tables import interactions

TARGET_RPS = 200.0
TARGET_P99_MS = 150.0


def demo_store(directory: Path) -> str:
    """The default demo world, built once into `directory` (reused when already there)."""
    url = f"sqlite:///{(directory / 'coachloop.db').resolve()}"
    done = directory / "built"
    if not done.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.web.pages_fixtures import build_demo_store

        print(f"building the demo store in {directory} (once) ...", flush=True)
        build_demo_store(directory, DemoConfig(), url)
        done.write_text("ok")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


SERVER = """
import sys, uvicorn
from coachloop.web.app import create_app
app = create_app(sys.argv[1], sentiment=False, no_knowledge=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1.0)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def load(
    base: str, headers: dict[str, str], paths: list[str], seconds: float, concurrency: int
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=10.0) as client:
        # warm-up: every path once, then a second of load
        for p in paths:
            await client.get(p)
        stop = time.perf_counter() + seconds
        counter = 0

        async def worker() -> None:
            nonlocal counter, errors
            while time.perf_counter() < stop:
                path = paths[counter % len(paths)]
                counter += 1
                t0 = time.perf_counter()
                r = await client.get(path)
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--agent", default="A001")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "coachloop-bench-pages")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    url = demo_store(args.dir)
    with open_store(url) as store:
        with store.reading("calls") as conn:
            calls = list(
                conn.execute(
                    select(interactions.c.id)
                    .where(interactions.c.agent_id == args.agent)
                    .order_by(interactions.c.id)
                ).scalars()
            )
        headers = sign_in(store, args.agent)
    port = free_port()
    server = start_server(url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        print(
            f"demo store: {url}; agent {args.agent} with {len(calls)} calls; "
            f"{args.concurrency} requests in flight for {args.seconds:.0f} s per page; cores: {os.cpu_count()}"
        )
        results = {}
        for name, paths in (
            ("agent home /me", ["/me"]),
            ("conversation view", [f"/conversations/{c}" for c in calls]),
        ):
            found = asyncio.run(load(base, headers, paths, args.seconds, args.concurrency))
            results[name] = found
            ok = found["rps"] >= TARGET_RPS and found["p99_ms"] < TARGET_P99_MS and not found["errors"]
            print(
                f"{name:20s} {found['requests']:6d} requests  {found['rps']:7.1f} req/s  "
                f"p50 {found['p50_ms']:6.1f} ms  p99 {found['p99_ms']:6.1f} ms  errors {found['errors']}  "
                f"{'meets' if ok else 'MISSES'} >= {TARGET_RPS:.0f} req/s, p99 < {TARGET_P99_MS:.0f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(store: Any, agent: str) -> dict[str, str]:
    """A bearer token for a fresh demo agent user."""
    import secrets

    from coachloop.store.live import add_user

    token = secrets.token_urlsafe(24)
    add_user(store, f"bench-{agent}-{token[:6]}", "agent", token, agent_id=agent, team=None)
    return {"Authorization": f"Bearer {token}"}


if __name__ == "__main__":
    main()
