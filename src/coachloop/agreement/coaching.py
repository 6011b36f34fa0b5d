"""Coaching plans scored against the generated demo's truth (`demo/truth.json`).

The demo generator knows each agent's true probability of performing every behaviour in
every week. An agent's **planted weaknesses** over a span of weeks are the behaviours
where their mean true probability falls furthest below the mean of all agents, at most
`TOP` of them and only where the shortfall is at least `MIN_SHORTFALL` (an agent good at
everything has none). For `no_prohibited_language` the probability is that of saying
nothing prohibited. `verify_before_account_change` has no probability of its own: the
generator breaks it exactly when an account change happens without `verify_identity`,
so a focus on it counts as a focus on `verify_identity` (`SAME_SKILL`). A plan's focus **matches** when one of its focus behaviours is a
planted weakness; the rate is taken over agents that have one, with a Wilson interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coachloop.coaching.plan import Plan
from coachloop.demo.truth import DemoTruth
from coachloop.stats import Interval, wilson_interval

__all__ = ["MIN_SHORTFALL", "SAME_SKILL", "TOP", "FocusAgreement", "focus_agreement", "planted_weaknesses"]

TOP = 3
MIN_SHORTFALL = 0.05
SAME_SKILL = {"verify_before_account_change": "verify_identity"}
"""A rubric behaviour -> the latent skill of the generator that decides it."""
_PROHIBITED = ("prohibited_language", "no_prohibited_language")
"""The truth's key (probability of saying something prohibited) and the rubric's id."""


def _performing(truth: DemoTruth, agent: str, weeks: Sequence[int]) -> dict[str, float]:
    skill = truth.agents[agent].skill
    out = {}
    for key, series in skill.items():
        values = [series[w] for w in weeks if w < len(series)]
        if not values:
            continue
        mean = sum(values) / len(values)
        if key == _PROHIBITED[0]:
            out[_PROHIBITED[1]] = 1.0 - mean
        else:
            out[key] = mean
    return out


def planted_weaknesses(truth: DemoTruth, weeks: Sequence[int]) -> dict[str, list[str]]:
    """Agent id -> planted weaknesses over `weeks` (0-based week indexes), worst first."""
    performing = {a: _performing(truth, a, weeks) for a in truth.agents}
    behaviors = sorted({b for p in performing.values() for b in p})
    population = {
        b: sum(p[b] for p in performing.values() if b in p) / max(1, sum(b in p for p in performing.values()))
        for b in behaviors
    }
    out = {}
    for agent, mine in performing.items():
        short = sorted(((population[b] - v, b) for b, v in mine.items()), reverse=True)
        out[agent] = [b for s, b in short[:TOP] if s >= MIN_SHORTFALL]
    return out


@dataclass(frozen=True, slots=True)
class FocusAgreement:
    agents: int
    """Agents with a planted weakness and a plan."""
    matched: int
    rate: float | None
    ci: Interval | None
    without_focus: int
    """Of those agents, how many got no focus at all."""
    focus_without_weakness: int
    """Agents with no planted weakness who were still given a focus."""
    misses: list[tuple[str, list[str], list[str]]]
    """(agent, planted, chosen) where they do not meet."""


def focus_agreement(plans: Sequence[Plan], truth: DemoTruth, weeks: Sequence[int]) -> FocusAgreement:
    planted = planted_weaknesses(truth, weeks)
    matched = total = empty = extra = 0
    misses = []
    for plan in plans:
        weak = planted.get(plan.agent_id)
        chosen = [SAME_SKILL.get(f.behavior, f.behavior) for f in plan.focus]
        if weak is None:
            continue
        if not weak:
            extra += bool(chosen)
            continue
        total += 1
        empty += not chosen
        if set(chosen) & set(weak):
            matched += 1
        else:
            misses.append((plan.agent_id, weak, chosen))
    return FocusAgreement(
        total, matched, matched / total if total else None, wilson_interval(matched, total), empty, extra, misses
    )
