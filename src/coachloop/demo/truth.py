"""The latent ground truth behind a generated demo.

Why it exists: evaluators, KPIs and coaching signals must be checked against what
really happened, not against themselves. Truth says, per agent, the true
probability of each behaviour each week and whether the agent improves or drifts;
per call, which behaviours were truly performed (including those phrased so a
lexical detector misses them); and which system incident hit which queue and week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

__all__ = ["AgentTruth", "CallTruth", "CoachingTruth", "DemoTruth", "Incident", "PiiTruth", "TeamTruth"]


@dataclass(slots=True)
class TeamTruth:
    name: str
    supervisor: str
    weak: bool
    """The supervisor-level effect is clearly negative for this team."""
    effect: dict[str, float]
    """Logit shift applied to every member's skill, per behaviour."""


@dataclass(slots=True)
class AgentTruth:
    agent_id: str
    team: str
    archetype: str
    """regular, new_hire, slow_thorough (good but long AHT), fast_skipper (short AHT, skips steps,
    lower FCR) or prohibited_risk."""
    trend: str
    """stable, improving or drifting (getting worse)."""
    trending_behaviors: list[str]
    hindi: bool
    speed: float
    """Multiplier on conversation length; >1 means longer calls."""
    acw_mean: float
    skill: dict[str, list[float]]
    """behaviour -> probability of performing it when applicable, per week (index 0 = week 1).
    For no_prohibited_language it is the probability that none is said on a call."""


@dataclass(slots=True)
class PiiTruth:
    kind: str
    value: str
    text: str


@dataclass(slots=True)
class CallTruth:
    interaction_id: str
    agent_id: str
    customer_id: str
    week: int
    """1-based week of the demo period."""
    queue: str
    contact_reason: str
    language: str
    channel: str
    performed: dict[str, bool | None]
    """behaviour -> truly performed; None when it did not apply (no hold, nothing to mirror).
    Ids are the shipped rubrics' (no_prohibited_language: True when none was said)."""
    paraphrased: list[str]
    """Performed behaviours phrased so a phrase list will not find them."""
    frustrated: bool
    disposition: str
    order_violation: bool
    """An account change happened without identity verified before it."""
    late_verification: bool
    """Verification was asked only after the account change (still a violation)."""
    hold_seconds: list[float]
    repeat_probability: float
    contact_number: int
    """1 for a first contact; 2 for the first repeat of the same issue, and so on."""
    repeat_of: str | None = None
    repeat_contact: str | None = None
    """The id of the repeat contact (same customer and reason within 7 days) this call caused."""
    incident: str | None = None
    pii: list[PiiTruth] = field(default_factory=list)


@dataclass(slots=True)
class Incident:
    id: str
    queue: str
    week: int
    start: date
    end: date
    description: str
    mention: str
    """What customers say about it, e.g. "the app update"."""
    length_factor: float
    """How much longer calls get (more troubleshooting turns)."""
    extra_repeat_probability: float


@dataclass(slots=True)
class CoachingTruth:
    """One micro-coaching session a supervisor held (`demo.coaching`)."""

    session_id: str
    agent_id: str
    supervisor: str
    held_at: str
    """ISO date-time (UTC)."""
    week: int
    """1-based week of the demo period in which it was held."""
    behavior: str
    """The coached behaviour (one of the agent's weakest soft skills)."""
    effect: float
    """Planted logit rise of the behaviour's skill from the week after the agent's first
    session on it; 0 where coaching was planted to do nothing."""
    rise: float
    """The planted effect in rate points: the mean rise of the behaviour's true probability
    over the weeks after the first session."""
    first: bool
    """The first session of the agent's coaching on the behaviour."""


@dataclass(slots=True)
class DemoTruth:
    seed: int
    start: date
    weeks: int
    behaviors: list[str]
    critical: list[str]
    negative: list[str]
    teams: dict[str, TeamTruth]
    agents: dict[str, AgentTruth]
    calls: dict[str, CallTruth]
    incidents: list[Incident]
    kpi_inputs: dict[str, Any] = field(default_factory=dict)
    """What the demo's schedules, agent states, engagement surveys and incentive plan plant
    (see `demo.kpi_inputs`)."""
    coaching: list[CoachingTruth] = field(default_factory=list)
    """Supervisors' past micro-coaching sessions and what each planted (`demo.coaching`)."""

    def agents_with(self, *, trend: str | None = None, archetype: str | None = None) -> list[str]:
        return sorted(
            a.agent_id
            for a in self.agents.values()
            if (trend is None or a.trend == trend) and (archetype is None or a.archetype == archetype)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO strings), as written to truth.json."""
        data: dict[str, Any] = orjson.loads(orjson.dumps(self))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DemoTruth:
        """Read back what `to_dict` wrote (e.g. truth.json) for analytics and tests."""
        return cls(
            seed=data["seed"],
            start=date.fromisoformat(data["start"]),
            weeks=data["weeks"],
            behaviors=list(data["behaviors"]),
            critical=list(data["critical"]),
            negative=list(data["negative"]),
            teams={k: TeamTruth(**v) for k, v in data["teams"].items()},
            agents={k: AgentTruth(**v) for k, v in data["agents"].items()},
            calls={
                k: CallTruth(**{**v, "pii": [PiiTruth(**p) for p in v["pii"]]})
                for k, v in data["calls"].items()
            },
            incidents=[
                Incident(
                    **{**i, "start": date.fromisoformat(i["start"]), "end": date.fromisoformat(i["end"])}
                )
                for i in data["incidents"]
            ],
            kpi_inputs=data.get("kpi_inputs", {}),
            coaching=[CoachingTruth(**c) for c in data.get("coaching", [])],
        )
