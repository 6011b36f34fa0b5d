"""Signals: what the stored evaluations say about the system and the people in it.

Each finder reads the same per-call data (`frame.load_frame`) and returns `Signal`s, each
with a plain sentence, its figures and interaction ids. `find_all` runs the finders asked
for and ranks every signal by strength (larger first), so a drift, a friction and a
root cause can be read in one list.

A finder is registered by kind in `FINDERS`; one that needs more than the per-call frame
(engagement surveys, an incentive plan) reads it through `SignalInput.conn`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from coachloop.model import SIGNAL_KINDS, Signal
from coachloop.signals.drift import find_drift
from coachloop.signals.frame import CallFrame, load_frame
from coachloop.signals.friction import find_friction
from coachloop.signals.root_cause import find_root_causes
from coachloop.signals.validity import find_validity

if TYPE_CHECKING:
    from coachloop.metrics.snapshot import Columnar

__all__ = ["FINDERS", "KINDS", "SignalInput", "find_all", "rank", "signal_to_dict"]


@dataclass(frozen=True, slots=True)
class SignalInput:
    frame: CallFrame
    conn: Connection
    since: datetime | None = None
    until: datetime | None = None


Finder = Callable[[SignalInput], list[Signal]]

FINDERS: dict[str, Finder] = {
    "drift": lambda s: find_drift(s.frame),
    "friction": lambda s: find_friction(s.frame),
    "root_cause": lambda s: find_root_causes(s.frame),
    "rubric_validity": lambda s: find_validity(s.frame),
}
KINDS = SIGNAL_KINDS
"""Every kind of signal; engagement and incentive read their own inputs (`jobs.signals`)."""


def rank(signals: Iterable[Signal]) -> list[Signal]:
    """Strongest first; ties in a stable, readable order (kind, subject, behaviour)."""
    return sorted(
        signals,
        key=lambda s: (-s.strength, s.kind, sorted(s.subject.items()), s.behavior or ""),
    )


def find_all(
    conn: Connection,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rubric: str | None = None,
    columnar: Columnar | None = None,
) -> list[Signal]:
    """Every signal of the wanted kinds over the period, ranked; the calls are read from
    `columnar` (a fresh snapshot) where given, else from the store."""
    wanted = list(FINDERS) if kinds is None else [k for k in FINDERS if k in set(kinds)]
    frame = load_frame(conn, rubric=rubric, since=since, until=until, columnar=columnar)
    given = SignalInput(frame, conn, since, until)
    return rank(s for kind in wanted for s in FINDERS[kind](given))


def signal_to_dict(signal: Signal) -> dict[str, Any]:
    """The JSON shape of `coachloop signals --format json` (see DESIGN.md)."""
    period = signal.period
    return {
        "kind": signal.kind,
        "subject": dict(signal.subject),
        "behavior": signal.behavior,
        "period": None
        if period is None
        else {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "strength": signal.strength,
        "sentence": signal.sentence,
        "evidence": list(signal.evidence),
    }
