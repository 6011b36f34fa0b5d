"""Engagement against outcomes: teams whose survey engagement and results disagree.

A team that says it is engaged but whose customers are not served well points at
process, tools or training rather than motivation; a team with strong results and low
engagement is at risk of burning out. Both are signals about the system, not about people.

The rule (documented in the README's Metrics section):
* each team's engagement is the response-weighted mean of its survey scores (0-100) over
  periods that overlap [since, until); agent rows count toward their roster team;
* engagement is high (low) when it is at least `Z` standard deviations and `MIN_GAP`
  points above (below) the mean of the teams' engagement (at least three teams needed);
* an outcome (FCR, CSAT, QA score, repeat-contact rate) is weak (strong) for a team when
  the team's whole 95 % interval lies on the bad (good) side of the centre's figure;
* a signal is raised for high engagement with a weak outcome and no strong one, and for
  low engagement with a strong outcome and no weak one. Strength: |engagement z| times the
  number of outcomes that disagree with it.
"""

from __future__ import annotations

from datetime import datetime
from statistics import fmean, pstdev
from typing import Any

from sqlalchemy import and_, select

from coachloop.metrics import KPIS, MetricsQuery, compute_metrics
from coachloop.model import Period, Signal
from coachloop.store import Store
from coachloop.store.tables import agents, engagement

__all__ = ["MIN_GAP", "OUTCOMES", "Z", "find_engagement_signals"]

OUTCOMES = ("fcr_rate", "csat", "qa_score", "repeat_rate")
Z = 0.5
MIN_GAP = 10.0
"""Engagement must also differ from the teams' mean by this many points (of 100): with teams
a few points apart, z alone would call one of them high."""


def _team_engagement(store: Store, since: datetime | None, until: datetime | None) -> dict[str, float]:
    e, a = engagement, agents
    conditions = []
    if since is not None:
        conditions.append(e.c.period_end >= since.date())
    if until is not None:
        conditions.append(e.c.period_start <= until.date())
    team = select(e.c.subject, e.c.score, e.c.responses).where(e.c.subject_kind == "team", *conditions)
    by_agent = (
        select(a.c.team, e.c.score, e.c.responses)
        .select_from(e.join(a, and_(e.c.subject_kind == "agent", a.c.id == e.c.subject)))
        .where(a.c.team.is_not(None), *conditions)
    )
    sums: dict[str, list[float]] = {}
    with store.connect("cannot read engagement surveys") as conn:
        for name, score, responses in [*conn.execute(team), *conn.execute(by_agent)]:
            weight = float(responses) if responses else 1.0
            acc = sums.setdefault(name, [0.0, 0.0])
            acc[0] += weight * score
            acc[1] += weight
    return {name: total / weight for name, (total, weight) in sums.items() if weight > 0}


def _side(kpi: str, est: dict[str, Any], centre: float | None) -> int:
    """+1 when the team's interval is wholly on the good side of the centre, -1 on the bad side."""
    ci = est.get("ci")
    if ci is None or centre is None:
        return 0
    good_high = KPIS[kpi].better != "lower"
    if ci[0] > centre:
        return 1 if good_high else -1
    if ci[1] < centre:
        return -1 if good_high else 1
    return 0


def _fmt(kpi: str, value: float) -> str:
    return f"{100 * value:.0f} %" if KPIS[kpi].unit == "share" else f"{value:.2f}"


def find_engagement_signals(
    store: Store, *, since: datetime | None = None, until: datetime | None = None, rubric: str | None = None
) -> list[Signal]:
    """Teams whose engagement and outcomes disagree, strongest first; [] without engagement data."""
    scores = _team_engagement(store, since, until)
    if len(scores) < 3:
        return []
    mean, sd = fmean(scores.values()), pstdev(scores.values())
    if sd == 0:
        return []
    with store.connect("cannot compute team outcomes") as conn:
        teams = compute_metrics(
            conn, MetricsQuery(by=("team",), kpis=OUTCOMES, since=since, until=until, rubric=rubric)
        )
        whole = compute_metrics(conn, MetricsQuery(kpis=OUTCOMES, since=since, until=until, rubric=rubric))
    centre_values = {k: whole[0].kpis[k].value for k in OUTCOMES} if whole else {}
    period = Period(since, until) if since is not None and until is not None else None
    signals = []
    for row in teams:
        name = row.keys["team"]
        if name not in scores:
            continue
        z = (scores[name] - mean) / sd
        sides = {k: _side(k, row.as_dict()[k], centre_values.get(k)) for k in OUTCOMES}
        weak = [k for k, s in sides.items() if s < 0]
        strong = [k for k, s in sides.items() if s > 0]
        gap = abs(scores[name] - mean)
        if gap < MIN_GAP:
            continue
        if z >= Z and weak and not strong:
            disagree, verdict = (
                weak,
                ("but its outcomes are weak: {} - look at process, tools or training before motivation"),
            )
            level = "high"
        elif z <= -Z and strong and not weak:
            disagree, verdict = strong, "yet its outcomes are strong: {} - a risk of burn-out or attrition"
            level = "low"
        else:
            continue
        figures = ", ".join(
            f"{KPIS[k].title} {_fmt(k, row.kpis[k].value or 0.0)} vs {_fmt(k, centre_values[k] or 0.0)} centre"
            for k in disagree
        )
        sentence = (
            f"Team {name} reports {level} engagement ({scores[name]:.0f}/100; teams average {mean:.0f}) "
            + verdict.format(figures)
            + "."
        )
        evidence: list[dict[str, Any]] = [
            {"engagement": round(scores[name], 2), "teams_mean": round(mean, 2), "z": round(z, 2)},
            *(
                {
                    "kpi": k,
                    "value": row.kpis[k].value,
                    "n": row.kpis[k].n,
                    "ci": row.as_dict()[k]["ci"],
                    "centre": centre_values.get(k),
                }
                for k in OUTCOMES
            ),
        ]
        signals.append(
            Signal(
                kind="engagement",
                subject={"team": name},
                sentence=sentence,
                strength=abs(z) * len(disagree),
                period=period,
                evidence=evidence,
            )
        )
    return sorted(signals, key=lambda s: -s.strength)
