"""A seeded, realistic contact center: agents, streamed interactions and the truth behind them.

Why: every stage of coachloop (ingest, evaluation, KPIs, signals, coaching) needs data
with known answers. `generate` gives the agents, a stream of interactions in start
order, and `DemoTruth`; `write_demo` writes them in the native files
(agents.csv, interactions.jsonl, truth.json). Same seed, same bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from coachloop.demo.config import DemoConfig
from coachloop.demo.people import build_staff
from coachloop.demo.phrases import BEHAVIORS, CRITICAL, NEGATIVE
from coachloop.demo.plan import CallPlan, plan_calls
from coachloop.demo.scripts import render
from coachloop.demo.truth import AgentTruth, CallTruth, DemoTruth, PiiTruth, TeamTruth
from coachloop.ingest.native import to_native
from coachloop.model import Agent, Interaction

__all__ = ["DemoConfig", "DemoFiles", "DemoTruth", "generate", "write_demo"]


@dataclass(frozen=True, slots=True)
class DemoFiles:
    agents: Path
    interactions: Path
    truth: Path
    interaction_count: int


def _call_truth(plan: CallPlan) -> CallTruth:
    return CallTruth(
        interaction_id=plan.id,
        agent_id=plan.agent.id,
        customer_id=plan.customer.id,
        week=plan.week,
        queue=plan.reason.queue,
        contact_reason=plan.reason.id,
        language=plan.language,
        channel=str(plan.channel),
        performed=dict(plan.performed),
        paraphrased=sorted(plan.paraphrased),
        frustrated=plan.frustrated,
        disposition=plan.disposition,
        order_violation=plan.order_violation,
        late_verification=plan.late_verification,
        hold_seconds=list(plan.holds),
        repeat_probability=plan.repeat_probability,
        contact_number=plan.contact_number,
        repeat_of=plan.repeat_of,
        repeat_contact=plan.repeat_contact,
        incident=plan.incident.id if plan.incident else None,
        pii=[PiiTruth(p.kind, p.value, p.text) for p in plan.pii],
    )


def generate(config: DemoConfig) -> tuple[list[Agent], Iterator[Interaction], DemoTruth]:
    """Agents, the interactions (streamed, in start order) and the complete truth.

    Everything is planned before returning, so truth is complete at once; transcripts are
    rendered only as the iterator is consumed, each from its own seed.
    """
    rng = random.Random(config.seed)
    teams, profiles = build_staff(
        rng,
        agents=config.agents,
        teams=config.teams,
        weeks=config.weeks,
        start=config.start,
        hinglish_share=config.hinglish_share,
        drift=config.drift,
    )
    plans, incident = plan_calls(config, profiles, rng)
    truth = DemoTruth(
        seed=config.seed,
        start=config.start,
        weeks=config.weeks,
        behaviors=list(BEHAVIORS),
        critical=list(CRITICAL),
        negative=list(NEGATIVE),
        teams={t.name: TeamTruth(t.name, t.supervisor, t.weak, dict(t.effect)) for t in teams},
        agents={
            a.id: AgentTruth(
                agent_id=a.id,
                team=a.team,
                archetype=a.archetype,
                trend=a.trend,
                trending_behaviors=list(a.trending),
                hindi=a.hindi,
                speed=a.speed,
                acw_mean=a.acw_mean,
                skill={b: list(v) for b, v in a.skill.items()},
            )
            for a in profiles
        },
        calls={p.id: _call_truth(p) for p in plans},
        incidents=[incident] if incident else [],
    )

    def stream() -> Iterator[Interaction]:
        for plan in plans:
            yield render(plan)

    return [a.as_agent() for a in profiles], stream(), truth


def write_demo(config: DemoConfig, directory: Path) -> DemoFiles:
    """Write agents.csv, interactions.jsonl and truth.json into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    agents, interactions, truth = generate(config)
    agents_path = directory / "agents.csv"
    with agents_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["agent_id", "name", "team", "supervisor", "hire_date"])
        for a in agents:
            writer.writerow(
                [a.id, a.name, a.team, a.supervisor, a.hire_date.isoformat() if a.hire_date else ""]
            )
    interactions_path = directory / "interactions.jsonl"
    count = 0
    with interactions_path.open("wb") as out:
        for interaction in interactions:
            out.write(orjson.dumps(to_native(interaction), option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    truth_path = directory / "truth.json"
    truth_path.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    return DemoFiles(agents_path, interactions_path, truth_path, count)
