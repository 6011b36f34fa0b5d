"""Supervisors' past coaching sessions, with a planted effect on the coached behaviour.

Why: the follow-up and the coach-the-coaches estimate must be checked against an effect
we know. In each team some steady agents (regular, neither improving nor drifting) are
coached in weekly micro sessions on one of their weakest soft skills, starting in the
middle of the period. For half of them coaching works: from the week after the first
session the behaviour's skill rises by `effect` on the logit scale; for the others it
does nothing (effect 0). The sessions and effects are recorded in `DemoTruth.coaching`
and stored in `coaching_sessions` by `coachloop demo`.

The calls are first planned from the skills without coaching, so the shared generator
draws exactly what it drew before and the rest of the world is the same call for call;
then (`apply_coaching`, with a generator of its own) each coached call where the behaviour
was missed is turned into performed with the probability that lifts its rate from the
old skill to the raised one. What the call's other outcomes drew from the miss (a repeat
contact more likely when next steps were not explained) stays as it was.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from coachloop.demo.people import AgentProfile, TeamProfile
from coachloop.demo.plan import CallPlan
from coachloop.demo.truth import CoachingTruth, DemoTruth
from coachloop.store.coaching import CoachingSession

__all__ = ["COACHABLE", "EFFECT_RANGE", "apply_coaching", "demo_sessions", "plant_coaching"]

COACHABLE: tuple[str, ...] = (
    "use_customer_name",
    "pain_mirror",
    "confirm_request",
    "explain_next_steps",
    "offer_further_help",
)
"""Soft skills a micro session coaches; hold etiquette is left out (it applies only on the
calls with a hold, too few to follow up in a few weeks)."""

EFFECT_RANGE = (1.2, 1.8)
"""Logit rise planted for the agents on whom coaching works."""

COACHED_SHARE = 0.5
"""Share of each team's steady agents who are coached."""


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


Raised = dict[tuple[str, str], list[float]]
"""(agent id, behaviour) -> the behaviour's skill per week with the coaching effect."""


def plant_coaching(
    seed: int, start: date, weeks: int, teams: list[TeamProfile], agents: list[AgentProfile]
) -> tuple[list[CoachingTruth], Raised]:
    """Choose the coached agents and their effects: every session held (oldest first) and
    the raised skills (`apply_coaching` plants them). `start`: the Monday the demo starts.
    Nothing is planted in a period shorter than four weeks (no room for a baseline and a
    follow-up)."""
    raised: Raised = {}
    if weeks < 4:
        return [], raised
    monday = datetime.combine(start, time(), tzinfo=UTC)
    rng = random.Random(f"coaching-{seed}")
    sessions: list[CoachingTruth] = []
    for team in teams:
        steady = [
            a for a in agents if a.team == team.name and a.archetype == "regular" and a.trend == "stable"
        ]
        rng.shuffle(steady)
        coached = steady[: max(1, round(len(steady) * COACHED_SHARE))] if steady else []
        for k, agent in enumerate(coached):
            mean = {b: sum(agent.skill[b]) / weeks for b in COACHABLE}
            behavior = min(COACHABLE, key=lambda b: (mean[b], b))
            effect = round(rng.uniform(*EFFECT_RANGE), 3) if k % 2 == 0 else 0.0
            first_week = rng.randint(max(2, weeks // 2 - 1), max(2, weeks // 2))
            first_week = min(first_week, weeks - 2)
            old = list(agent.skill[behavior])
            new = old
            if effect:
                new = [
                    round(min(0.995, max(0.02, _sigmoid(_logit(p) + effect))), 4) if w >= first_week else p
                    for w, p in enumerate(old)
                ]
                raised[(agent.id, behavior)] = new
            after = range(first_week, weeks)
            rise = sum(new[w] - old[w] for w in after) / len(after)
            for week in range(first_week, weeks + 1):
                if week > first_week and rng.random() < 0.1:
                    continue  # a week the supervisor did not get to
                held = monday + timedelta(days=7 * (week - 1) + 5, hours=18)  # Saturday evening
                sessions.append(
                    CoachingTruth(
                        session_id=f"demo-cs-{agent.id}-w{week}",
                        agent_id=agent.id,
                        supervisor=team.supervisor,
                        held_at=held.isoformat(),
                        week=week,
                        behavior=behavior,
                        effect=effect,
                        rise=round(rise, 4),
                        first=week == first_week,
                    )
                )
    return sorted(sessions, key=lambda s: (s.held_at, s.session_id)), raised


def apply_coaching(seed: int, plans: Sequence[CallPlan], agents: list[AgentProfile], raised: Raised) -> None:
    """Plant the raised skills into the planned calls (in place), then into the agents'
    `skill` (what the truth records): a coached call where the behaviour was missed becomes
    performed with probability (new - old) / (1 - old), so its rate rises from old to new."""
    if not raised:
        return
    rng = random.Random(f"coaching-calls-{seed}")
    by_id = {a.id: a for a in agents}
    for plan in plans:
        for (agent_id, behavior), new in raised.items():
            if plan.agent.id != agent_id or plan.performed.get(behavior) is not False:
                continue
            w = plan.week - 1
            old = by_id[agent_id].skill[behavior][w]
            if new[w] > old and rng.random() < (new[w] - old) / (1.0 - old):
                plan.performed[behavior] = True
    for (agent_id, behavior), new in raised.items():
        by_id[agent_id].skill[behavior] = list(new)


def demo_sessions(truth: DemoTruth) -> list[CoachingSession]:
    """The truth's coaching sessions as store records (held, with the agreed behaviour, a
    commitment and a checkpoint a week later)."""
    result = []
    for c in truth.coaching:
        held = datetime.fromisoformat(c.held_at)
        title = c.behavior.replace("_", " ")
        result.append(
            CoachingSession(
                id=c.session_id,
                agent_id=c.agent_id,
                supervisor=c.supervisor,
                kind="micro",
                scheduled_at=held,
                held_at=held,
                duration_minutes=15,
                agenda=[f"Listen to a missed clip of {title}", "Agree one commitment"],
                notes=f"Micro-coaching on {title} (demo week {c.week}).",
                behaviors=[c.behavior],
                commitments=[f"Practise {title} on every call this week"],
                improvement_plan=f"Work on {title} until the checkpoint, then review the calls together.",
                next_checkpoint=held.date() + timedelta(days=7),
            )
        )
    return result
