"""Hand-made per-call frames for the signal finders: known effects, no store needed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from coachloop.signals.frame import CallFrame

MONDAY = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
DAY = 86400.0


def make_frame(
    *,
    agent: Sequence[str],
    started: Sequence[float],
    outcomes: dict[str, Sequence[float]],
    team: Sequence[str] | None = None,
    queue: Sequence[str] | None = None,
    handle: Sequence[float] | None = None,
    csat: Sequence[float] | None = None,
    repeat: Sequence[float] | None = None,
    channel: Sequence[str] | None = None,
) -> CallFrame:
    """`outcomes[behaviour][i]` is 1 (met), 0 (missed) or NaN (did not apply) for call i."""
    n = len(agent)

    def strs(values: Sequence[str] | None, default: str) -> np.ndarray:
        return np.array(list(values) if values is not None else [default] * n, dtype=object)

    def floats(values: Sequence[float] | None) -> np.ndarray:
        return np.array(list(values) if values is not None else [np.nan] * n, dtype=np.float64)

    calls, behaviors, met = [], [], []
    for b in sorted(outcomes):
        for i, v in enumerate(outcomes[b]):
            if not np.isnan(v):
                calls.append(i)
                behaviors.append(b)
                met.append(bool(v))
    order = np.lexsort((np.array(behaviors, dtype=object).astype(str), np.array(calls)))
    return CallFrame(
        ids=np.array([f"c{i:05d}" for i in range(n)], dtype=object),
        agent=strs(agent, ""),
        team=strs(team, "T"),
        queue=strs(queue, "general"),
        reason=strs(None, "other"),
        language=strs(None, "en"),
        channel=strs(channel, "voice"),
        started=np.array(started, dtype=np.float64),
        handle=floats(handle),
        csat=floats(csat),
        rating=floats(None),
        repeat=floats(repeat),
        frustration=floats(None),
        score=floats(None),
        tenure_days=floats(None),
        out_call=np.array(calls, dtype=np.int64)[order],
        out_behavior=np.array(behaviors, dtype=object)[order],
        out_met=np.array(met, dtype=bool)[order],
        critical=frozenset(),
    )
