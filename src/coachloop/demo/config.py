"""What to generate: the size and shape of the demo contact center."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

__all__ = ["DemoConfig", "control_config"]


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """Defaults give 40 agents in 4 teams over 8 weeks: 3,840 calls (agents x weeks x calls_per_agent_week).

    Every agent handles exactly `calls_per_agent_week` calls a week; repeat contacts take
    some of those slots, as they would take real agents' time.
    """

    seed: int = 7
    agents: int = 40
    teams: int = 4
    weeks: int = 8
    calls_per_agent_week: int = 12
    start: date = date(2026, 9, 7)
    """A Monday; calls happen Monday to Saturday of each week."""
    hinglish_share: float = 0.12
    chat_share: float = 0.15
    incident_week: int | None = 5
    """1-based week in which an app update breaks tech_support (None: no incident)."""
    paraphrase_share: float = 0.10
    """Share of performed behaviours phrased so that a phrase list misses them."""
    plant_kpi_effects: bool = True
    """Plant the effects the engagement and incentive signals look for (`demo.kpi_inputs`);
    False gives a control world where they must stay quiet."""
    drift: bool = True
    """Some agents drift (their soft skills slide week by week); False: nobody does."""
    coaching: bool = True
    """Supervisors coach some steady agents, with a planted effect for half of them
    (`demo.coaching`); False: no coaching history."""

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"start must be a Monday, got {self.start.isoformat()} ({self.start:%A})")
        if self.weeks < 1 or self.calls_per_agent_week < 1:
            raise ValueError("weeks and calls_per_agent_week must be at least 1")
        if not 1 <= self.teams <= self.agents:
            raise ValueError(f"need 1 <= teams <= agents, got teams={self.teams}, agents={self.agents}")
        for name in ("hinglish_share", "chat_share", "paraphrase_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")


def control_config(base: DemoConfig | None = None) -> DemoConfig:
    """The control run for the signals: `base` (default: the default demo) with nothing
    planted to find: no agent drifts and there is no incident. Improving agents, new hires
    and the weak team stay, as in any real center."""
    return replace(base or DemoConfig(), incident_week=None, drift=False)
