"""A seeded, realistic contact center: agents, streamed interactions and the truth behind them.

Why: every stage of coachloop (ingest, evaluation, KPIs, signals, coaching) needs data
with known answers. `generate` gives the agents, a stream of interactions in start
order, and `DemoTruth`; `write_demo` writes them in the native files
(agents.csv, interactions.jsonl, truth.json) and the KPI inputs (`demo.kpi_inputs`). Same seed, same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from coachloop.csvfile import csv_writer
from coachloop.demo.coaching import apply_coaching, plant_coaching
from coachloop.demo.config import DemoConfig
from coachloop.demo.kpi_inputs import write_kpi_inputs
from coachloop.demo.people import build_staff
from coachloop.demo.phrases import BEHAVIORS, CRITICAL, NEGATIVE, PROHIBITED, RESTRAINT
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
    kpi_inputs: tuple[Path, ...] = ()
    """Schedules, agent states, engagement surveys (CSV) and an incentive plan (YAML)."""


def _truth_id(behavior: str) -> str:
    return RESTRAINT if behavior == PROHIBITED else behavior


def _truth_performed(performed: dict[str, bool | None]) -> dict[str, bool | None]:
    return {
        _truth_id(b): (None if v is None else not v) if b == PROHIBITED else v for b, v in performed.items()
    }


def _truth_skill(skill: dict[str, list[float]]) -> dict[str, list[float]]:
    return {
        _truth_id(b): [round(1.0 - p, 4) for p in v] if b == PROHIBITED else list(v) for b, v in skill.items()
    }


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
        performed=_truth_performed(plan.performed),
        paraphrased=sorted(_truth_id(b) for b in plan.paraphrased),
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
    coaching, raised = (
        plant_coaching(config.seed, config.start, config.weeks, teams, profiles)
        if config.coaching
        else ([], {})
    )
    plans, incident = plan_calls(config, profiles, rng)
    apply_coaching(config.seed, plans, profiles, raised)
    truth = DemoTruth(
        seed=config.seed,
        start=config.start,
        weeks=config.weeks,
        behaviors=[_truth_id(b) for b in BEHAVIORS],
        critical=[_truth_id(b) for b in CRITICAL],
        negative=[b for b in NEGATIVE if _truth_id(b) == b],
        teams={t.name: TeamTruth(t.name, t.supervisor, t.weak, dict(t.effect)) for t in teams},
        agents={
            a.id: AgentTruth(
                agent_id=a.id,
                team=a.team,
                archetype=a.archetype,
                trend=a.trend,
                trending_behaviors=[_truth_id(b) for b in a.trending],
                hindi=a.hindi,
                speed=a.speed,
                acw_mean=a.acw_mean,
                skill=_truth_skill(a.skill),
            )
            for a in profiles
        },
        calls={p.id: _call_truth(p) for p in plans},
        incidents=[incident] if incident else [],
        coaching=coaching,
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
        writer = csv_writer(f)
        writer.writerow(["agent_id", "name", "team", "supervisor", "hire_date"])
        for a in agents:
            writer.writerow(
                [a.id, a.name, a.team, a.supervisor, a.hire_date.isoformat() if a.hire_date else ""]
            )
    interactions_path = directory / "interactions.jsonl"
    count = 0
    starts = []
    with interactions_path.open("wb") as out:
        for interaction in interactions:
            out.write(orjson.dumps(to_native(interaction), option=orjson.OPT_APPEND_NEWLINE))
            starts.append((interaction.agent_id, interaction.started_at))
            count += 1
    inputs, truth.kpi_inputs = write_kpi_inputs(
        truth, starts, directory, config.seed, config.plant_kpi_effects
    )
    truth_path = directory / "truth.json"
    truth_path.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    return DemoFiles(agents_path, interactions_path, truth_path, count, tuple(inputs))
