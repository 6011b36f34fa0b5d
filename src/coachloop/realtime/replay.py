"""Replay recorded conversations through the live path of a running `coachloop serve`.

Each conversation becomes one WebSocket session: `start` from its header, one
`utterance` per turn at the pace of its own times (`speed` 2 = twice as fast, 0 = no
waiting; turns without times are spaced `DEFAULT_GAP` seconds), then `end`. What the
server sent back is collected: prompts, per-utterance latency (sending an utterance to
receiving its `ack`, which the server sends after the utterance's prompts), messages
lost (utterances never acknowledged) and, per session, whether the live outcome of every
behaviour agrees with the batch one (the server's stored evaluation, and this process's
own batch evaluation of the same record when it can load the rubric).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import numpy as np
import orjson
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from coachloop.evaluate import CompiledRubric, evaluate, load_rubric
from coachloop.model import Interaction

__all__ = ["DEFAULT_GAP", "ReplayResult", "SessionOutcome", "replay", "websocket_url"]

DEFAULT_GAP = 3.0
"""Seconds between turns that carry no times (real speech pace: one turn every 2-4 s)."""
ACK_TIMEOUT = 30.0


@dataclass
class SessionOutcome:
    session: str
    utterances: int = 0
    acked: int = 0
    prompts: list[dict[str, Any]] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    ended: dict[str, Any] | None = None
    error: str | None = None
    disagreements: list[str] = field(default_factory=list)


@dataclass
class ReplayResult:
    outcomes: list[SessionOutcome]
    seconds: float

    @property
    def latencies(self) -> list[float]:
        return [x for o in self.outcomes for x in o.latencies_ms]

    def summary(self) -> dict[str, Any]:
        lat = self.latencies
        pct = (lambda q: round(float(np.percentile(lat, q)), 3)) if lat else (lambda q: None)
        return {
            "sessions": len(self.outcomes),
            "utterances": sum(o.utterances for o in self.outcomes),
            "prompts": [p for o in self.outcomes for p in o.prompts],
            "latency_ms": {"p50": pct(50), "p99": pct(99)},
            "lost": sum(o.utterances - o.acked for o in self.outcomes),
            "live_batch_disagreements": sum(1 for o in self.outcomes if o.disagreements),
            "errors": [f"{o.session}: {o.error}" for o in self.outcomes if o.error],
            "seconds": round(self.seconds, 3),
        }


def websocket_url(base_url: str, token: str) -> str:
    parts = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    return f"{scheme}://{parts.netloc}/ws/live?token={quote(token)}"


def _start_message(call: Interaction, session: str, rubric: str | None) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "type": "start",
        "session": session,
        "agent_id": call.agent_id,
        "team": call.team,
        "queue": call.queue,
        "channel": call.channel.value,
        "language": call.language,
        "metadata": call.metadata,
    }
    if rubric is not None:
        msg["rubric"] = rubric
    return {k: v for k, v in msg.items() if v is not None}


def _gaps(call: Interaction, speed: float) -> list[float]:
    if speed <= 0:
        return [0.0] * len(call.utterances)
    out, previous = [], None
    for u in call.utterances:
        at = u.start
        gap = DEFAULT_GAP if at is None or previous is None else max(0.0, at - previous)
        if previous is None and at is None:
            gap = 0.0
        out.append(gap / speed)
        previous = at if at is not None else previous
    if out:
        out[0] = 0.0
    return out


async def _stream(
    ws_url: str, call: Interaction, session: str, speed: float, rubric: str | None, start_delay: float
) -> SessionOutcome:
    outcome = SessionOutcome(session)
    if start_delay:
        await asyncio.sleep(start_delay)
    try:
        async with connect(ws_url, max_size=None, open_timeout=60, ping_interval=None) as ws:
            await ws.send(orjson.dumps(_start_message(call, session, rubric)).decode())
            first = orjson.loads(await ws.recv())
            if first.get("type") != "started":
                outcome.error = str(first.get("message", first))
                return outcome
            for u, gap in zip(call.utterances, _gaps(call, speed), strict=True):
                if gap:
                    await asyncio.sleep(gap)
                msg = {
                    "type": "utterance",
                    "id": f"u{u.index}",
                    "speaker": u.speaker.value,
                    "text": u.text,
                    "start": u.start,
                    "end": u.end,
                    "final": True,
                }
                sent = time.perf_counter()
                await ws.send(orjson.dumps(msg).decode())
                outcome.utterances += 1
                while True:
                    reply = orjson.loads(await asyncio.wait_for(ws.recv(), ACK_TIMEOUT))
                    kind = reply.get("type")
                    if kind == "prompt":
                        outcome.prompts.append(
                            {
                                "session": session,
                                "kind": reply["kind"],
                                "behavior": reply.get("behavior") or reply.get("article"),
                                "article": reply.get("article"),
                                "at_utterance": reply["at_utterance"],
                                "latency_ms": round((time.perf_counter() - sent) * 1000, 3),
                                "id": reply["id"],
                            }
                        )
                    elif kind == "withdraw":
                        outcome.withdrawn.append(reply["id"])
                    elif kind == "ack":
                        outcome.acked += 1
                        outcome.latencies_ms.append((time.perf_counter() - sent) * 1000)
                        outcome.server_ms.append(float(reply.get("server_ms", 0.0)))
                        break
                    elif kind == "error":
                        outcome.error = reply.get("message")
                        break
            await ws.send(orjson.dumps({"type": "end"}).decode())
            while True:
                reply = orjson.loads(await asyncio.wait_for(ws.recv(), ACK_TIMEOUT * 4))
                if reply.get("type") in ("ended", "error"):
                    break
            if reply.get("type") == "ended":
                outcome.ended = reply
            else:
                outcome.error = reply.get("message")
    except (OSError, TimeoutError, WebSocketException) as err:
        outcome.error = f"{type(err).__name__}: {err}"
    for p in outcome.prompts:
        p["withdrawn"] = p["id"] in outcome.withdrawn
    return outcome


def _compare(
    outcome: SessionOutcome, batch: Interaction | None, rubrics: dict[str, CompiledRubric | None]
) -> None:
    ended = outcome.ended
    if ended is None:
        return
    stored: dict[str, str] = ended.get("behaviors", {})
    live: dict[str, str] = ended.get("live_behaviors", {})
    outcome.disagreements = [
        f"{b}: live {live.get(b)} / stored {o}" for b, o in stored.items() if live.get(b) != o
    ]
    name = ended.get("rubric")
    if batch is None or not isinstance(name, str):
        return
    if name not in rubrics:
        try:
            rubrics[name] = load_rubric(name)
        except Exception:  # a rubric only the server has: the server's own comparison stands
            rubrics[name] = None
    rubric = rubrics[name]
    if rubric is None or rubric.version != ended.get("rubric_version"):
        return
    local = {r.behavior_id: r.outcome.value for r in evaluate(rubric, batch).results}
    outcome.disagreements += [
        f"{b}: batch {o} / stored {stored.get(b)}" for b, o in local.items() if stored.get(b) != o
    ]


async def _replay(
    calls: Sequence[Interaction],
    ws_url: str,
    speed: float,
    concurrency: int,
    rubric: str | None,
    session_prefix: str,
    ramp_seconds: float,
) -> list[SessionOutcome]:
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(i: int, call: Interaction) -> SessionOutcome:
        async with gate:
            delay = ramp_seconds * (i % max(1, concurrency)) / max(1, concurrency) if i < concurrency else 0.0
            return await _stream(ws_url, call, f"{session_prefix}{call.id}", speed, rubric, delay)

    return list(await asyncio.gather(*(one(i, c) for i, c in enumerate(calls))))


def replay(
    calls: Sequence[Interaction],
    base_url: str,
    token: str,
    *,
    speed: float = 1.0,
    concurrency: int = 1,
    rubric: str | None = None,
    batch: Sequence[Interaction] | None = None,
    extra_rubrics: Sequence[CompiledRubric] = (),
    session_prefix: str = "",
    ramp_seconds: float = 0.0,
) -> ReplayResult:
    """Stream `calls` (as received: unredacted, as a recogniser would send them) through
    the server at `base_url`; `batch` holds the same calls as batch ingest stores them
    (redacted), for the local live/batch comparison. `ramp_seconds` spreads the first
    sessions' starts so they do not all speak at the same instant."""
    began = time.perf_counter()
    outcomes = asyncio.run(
        _replay(
            calls, websocket_url(base_url, token), speed, concurrency, rubric, session_prefix, ramp_seconds
        )
    )
    rubrics: dict[str, CompiledRubric | None] = {r.name: r for r in extra_rubrics}
    for i, outcome in enumerate(outcomes):
        _compare(outcome, batch[i] if batch is not None else None, rubrics)
    return ReplayResult(outcomes, time.perf_counter() - began)
