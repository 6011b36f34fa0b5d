"""Per-agent scorecards, aggregated in the database, with Wilson intervals.

An agent with four evaluations must not look as certain as one with four hundred, so
every rate comes with its 95 % Wilson score interval (sound at small n and near 0 or 1,
unlike the normal approximation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, Integer, case, cast, func, select

from coachloop.model import Outcome
from coachloop.stats import Interval, wilson_interval
from coachloop.store.tables import agents, behavior_results, evaluations, interactions

__all__ = ["BehaviorRate", "Scorecard", "query_scorecards"]


@dataclass(frozen=True, slots=True)
class BehaviorRate:
    """How often an agent met one behaviour where it applied."""

    behavior_id: str
    section: str | None
    critical: bool
    applicable: int
    met: int
    rate: float | None
    interval: Interval | None


@dataclass(frozen=True, slots=True)
class Scorecard:
    agent_id: str
    name: str | None
    team: str | None
    evaluated: int
    scored: int
    """Evaluations with a score (an evaluation where no quality behaviour applied has none)."""
    mean_score: float | None
    compliance_passed: int
    compliance_rate: float
    compliance_interval: Interval | None
    auto_failed: int
    behaviors: list[BehaviorRate] = field(default_factory=list)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group satisfy `condition` (portable: no FILTER, no bool sums)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def query_scorecards(conn: Connection, rubric: str) -> list[Scorecard]:
    """One aggregate query per level (agent, agent x behaviour), ordered by agent id.

    Interactions without an agent id are left out: a scorecard is about a person. The team
    is the agent roster's, or else one the agent's interactions name.
    """
    i, e, a, b = interactions, evaluations, agents, behavior_results
    per_agent = (
        select(
            i.c.agent_id,
            a.c.name,
            func.coalesce(a.c.team, func.max(i.c.team)).label("team"),
            func.count().label("evaluated"),
            func.count(e.c.score).label("scored"),
            func.avg(e.c.score).label("mean_score"),
            _count_if(e.c.compliance_passed).label("passed"),
            _count_if(e.c.auto_failed).label("auto_failed"),
        )
        .select_from(e.join(i, i.c.id == e.c.interaction_id).outerjoin(a, a.c.id == i.c.agent_id))
        .where(e.c.rubric == rubric, i.c.agent_id.is_not(None))
        .group_by(i.c.agent_id, a.c.name, a.c.team)
        .order_by(i.c.agent_id)
    )
    per_behavior = (
        select(
            i.c.agent_id,
            b.c.behavior_id,
            func.max(b.c.section).label("section"),
            func.max(cast(b.c.critical, Integer)).label("critical"),
            _count_if(b.c.outcome != Outcome.NOT_APPLICABLE.value).label("applicable"),
            _count_if(b.c.outcome == Outcome.MET.value).label("met"),
        )
        .select_from(b.join(i, i.c.id == b.c.interaction_id))
        .where(b.c.rubric == rubric, i.c.agent_id.is_not(None))
        .group_by(i.c.agent_id, b.c.behavior_id)
        .order_by(i.c.agent_id, b.c.behavior_id)
    )
    rates: dict[str, list[BehaviorRate]] = defaultdict(list)
    for r in conn.execute(per_behavior):
        applicable, met = int(r.applicable), int(r.met)
        rates[r.agent_id].append(
            BehaviorRate(
                behavior_id=r.behavior_id,
                section=r.section,
                critical=bool(r.critical),
                applicable=applicable,
                met=met,
                rate=met / applicable if applicable else None,
                interval=wilson_interval(met, applicable),
            )
        )
    return [
        Scorecard(
            agent_id=r.agent_id,
            name=r.name,
            team=r.team,
            evaluated=r.evaluated,
            scored=r.scored,
            mean_score=None if r.mean_score is None else float(r.mean_score),
            compliance_passed=int(r.passed),
            compliance_rate=int(r.passed) / r.evaluated,
            compliance_interval=wilson_interval(int(r.passed), r.evaluated),
            auto_failed=int(r.auto_failed),
            behaviors=rates.get(r.agent_id, []),
        )
        for r in conn.execute(per_agent)
    ]
