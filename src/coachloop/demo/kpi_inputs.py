"""The demo's inputs for KPIs and signals beyond conversations, with their effects planted.

* schedules.csv and agent_states.csv: every agent works their shift on the days they take
  calls, with a 30-minute lunch four hours in; a few planted late starters log in 20-40
  minutes late and come back from lunch 10 minutes late (low adherence); each agent has
  their own occupancy (share of in-seat time handling contacts).
* engagement.csv: one score per team and four-week period; the team with the weakest
  supervisor effect (its outcomes are weak) reports the highest engagement, and the team
  with the strongest effect the lowest, though its outcomes are ordinary (a control that
  must not be raised).
* incentive_plan.yaml: a plan that pays mostly for short handle time, which in this world
  trades against first-contact resolution (faster agents leave more loose ends:
  `plan.RUSH_REPEAT`).

What was planted goes into truth.json under `kpi_inputs`.
"""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any

from coachloop.demo.people import SHIFTS
from coachloop.demo.truth import DemoTruth

__all__ = ["INCENTIVE_PLAN", "write_kpi_inputs"]

INCENTIVE_PLAN = """\
# A plan that pays for speed first: the demo's incentive audit should find that short
# handle time trades against first-contact resolution.
plan: speed-bonus
weights:
  aht_seconds: {weight: 0.5, better: lower}
  csat: {weight: 0.3}
  qa_score: {weight: 0.2}
"""
LATE_STARTERS = 3


def _shift(hours: Iterable[int]) -> tuple[int, int]:
    counts = Counter(hours)
    return max(SHIFTS, key=lambda s: (sum(n for h, n in counts.items() if s[0] <= h < s[1]), SHIFTS[s]))


def _at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def write_kpi_inputs(
    truth: DemoTruth,
    starts: Iterable[tuple[str | None, datetime | None]],
    directory: Path,
    seed: int,
    plant: bool = True,
) -> tuple[list[Path], dict[str, Any]]:
    """Write the four files from the agents' call start times; returns them and what was
    planted (nothing, with `plant` False: every team's engagement is alike, nobody is late)."""
    rng = random.Random(seed * 7919 + 11)
    days: dict[str, set[date]] = defaultdict(set)
    hours: dict[str, list[int]] = defaultdict(list)
    for agent_id, started in starts:
        if agent_id is not None and started is not None:
            days[agent_id].add(started.date())
            hours[agent_id].append(started.hour)
    agents = sorted(days)
    regular = [a for a in agents if truth.agents[a].archetype == "regular"] if truth.agents else agents
    late = sorted(rng.sample(regular, min(LATE_STARTERS, len(regular)))) if plant else []
    occupancy = {a: round(rng.uniform(0.70, 0.88), 3) for a in agents}
    schedule_path, states_path = directory / "schedules.csv", directory / "agent_states.csv"
    with (
        schedule_path.open("w", newline="", encoding="utf-8") as sf,
        states_path.open("w", newline="", encoding="utf-8") as tf,
    ):
        sched, states = csv.writer(sf, lineterminator="\n"), csv.writer(tf, lineterminator="\n")
        sched.writerow(["agent_id", "start", "end", "activity"])
        states.writerow(["agent_id", "start", "end", "state"])
        for agent in agents:
            begin, end = _shift(hours[agent])
            lunch = begin + 4
            for day in sorted(days[agent]):
                for a, b, activity in (
                    (begin, lunch, "work"),
                    (lunch, lunch + 0.5, "lunch"),
                    (lunch + 0.5, end, "work"),
                ):
                    sched.writerow([agent, _iso(_at(day, a)), _iso(_at(day, b)), activity])
                late_in = rng.uniform(20, 40) / 60 if agent in late else rng.uniform(0, 3) / 60
                late_back = 10 / 60 if agent in late else 0.0
                for a, b in ((begin + late_in, lunch), (lunch + 0.5 + late_back, end)):
                    t = a
                    while t < b - 1e-9:
                        block_end = min(b, float(int(t) + 1))
                        busy = t + (block_end - t) * occupancy[agent]
                        states.writerow([agent, _iso(_at(day, t)), _iso(_at(day, busy)), "handling"])
                        if block_end - busy > 1e-9:
                            states.writerow(
                                [agent, _iso(_at(day, busy)), _iso(_at(day, block_end)), "available"]
                            )
                        t = block_end
                states.writerow(
                    [agent, _iso(_at(day, lunch)), _iso(_at(day, lunch + 0.5 + late_back)), "away"]
                )
    # Engagement: the weak team reports the most, the strongest team the least.
    strength = {name: fmean(t.effect.values()) if t.effect else 0.0 for name, t in truth.teams.items()}
    ranked = sorted(strength, key=lambda n: (strength[n], n))
    planted: dict[str, Any] = {"late_starters": late, "occupancy": occupancy}
    engagement_path = directory / "engagement.csv"
    with engagement_path.open("w", newline="", encoding="utf-8") as ef:
        writer = csv.writer(ef, lineterminator="\n")
        writer.writerow(["team", "period_start", "period_end", "score", "responses"])
        base = {name: 60.0 + rng.uniform(-3, 3) for name in ranked}
        if plant and len(ranked) >= 3:
            # The least engaged team is an ordinary one: a control the signal must not raise.
            base[ranked[0]], base[ranked[-1]] = 84.0, 40.0
            planted["engagement"] = {
                "high_engagement_weak_outcomes": ranked[0],
                "low_engagement_ordinary_outcomes": ranked[-1],
            }
        members = Counter(a.team for a in truth.agents.values())
        for start in range(0, truth.weeks * 7, 28):
            first = truth.start + timedelta(days=start)
            last = min(first + timedelta(days=27), truth.start + timedelta(days=truth.weeks * 7 - 1))
            for name in ranked:
                score = min(100.0, max(0.0, base[name] + rng.gauss(0, 1.5)))
                writer.writerow([name, first.isoformat(), last.isoformat(), f"{score:.1f}", members[name]])
    plan_path = directory / "incentive_plan.yaml"
    plan_path.write_text(INCENTIVE_PLAN, encoding="utf-8")
    if plant:
        planted["incentive"] = {
            "plan": "speed-bonus",
            "trades": [{"kpi": "aht_seconds", "outcome": "fcr_rate"}],
        }
    return [schedule_path, states_path, engagement_path, plan_path], planted
