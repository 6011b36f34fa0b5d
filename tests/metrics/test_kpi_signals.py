"""Engagement and incentive signals on small hand-built centres: raised where planted,
quiet on the control."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coachloop.model import Agent
from coachloop.signals.engagement import find_engagement_signals
from coachloop.signals.incentive import find_incentive_signals
from coachloop.store import Store
from coachloop.store.tables import engagement, incentive_weights
from tests.store.store_builders import interaction

START = datetime(2026, 9, 7, 9, tzinfo=UTC)


def contacts(store: Store, agent: str, count: int, resolved: int, talk: float, offset: int) -> None:
    """`count` contacts of `agent`; the first `resolved` ones are never called back, the
    others are followed by a repeat of the same customer a day later (not stored as a
    contact of this agent: it goes to agent 'x')."""
    items: list[object] = []
    for k in range(count):
        when = START + timedelta(minutes=offset * 1000 + k * 10)
        customer = f"{agent}-{k}"
        items.append(
            interaction(
                f"{agent}-{k}", agent_id=agent, customer_id=customer, started_at=when, talk_seconds=talk
            )
        )
        if k >= resolved:
            items.append(
                interaction(
                    f"{agent}-{k}-r", agent_id="x", customer_id=customer, started_at=when + timedelta(days=1)
                )
            )
    # Contacts late in the store close every 7-day window.
    items.append(
        interaction(
            f"{agent}-end", agent_id="x", customer_id=f"end-{agent}", started_at=START + timedelta(days=30)
        )
    )
    store.write(items, source_format="native")  # type: ignore[arg-type]


def test_a_highly_engaged_team_with_weak_outcomes_is_raised_and_the_control_is_not(store: Store) -> None:
    teams = {"North": 0.5, "South": 0.9, "East": 0.9, "West": 0.9}  # share resolved
    n = 0
    for team, share in teams.items():
        for m in range(2):
            agent = f"{team[0]}{m}"
            store.write([Agent(agent, team=team)], source_format="csv")
            contacts(store, agent, 60, round(60 * share), 300.0, n)
            n += 1
    with store.begin("test") as conn:
        scores = {"North": 85.0, "South": 60.0, "East": 58.0, "West": 40.0}  # West: low, ordinary
        conn.execute(
            engagement.insert(),
            [
                {
                    "subject_kind": "team",
                    "subject": t,
                    "period_start": date(2026, 9, 1),
                    "period_end": date(2026, 9, 30),
                    "score": s,
                    "responses": 10,
                }
                for t, s in scores.items()
            ],
        )
    signals = find_engagement_signals(store)
    assert [s.subject for s in signals] == [{"team": "North"}]
    assert "high engagement" in signals[0].sentence and "First-contact resolution" in signals[0].sentence


def test_a_plan_paying_for_short_handle_time_that_costs_resolution_is_raised(store: Store) -> None:
    for m in range(10):
        agent = f"a{m}"
        store.write([Agent(agent, team="T")], source_format="csv")
        # Faster agents resolve less: talk 200..380 s, resolved 20..38 of 40.
        contacts(store, agent, 40, 20 + 2 * m, 200.0 + 20 * m, m)
    with store.begin("test") as conn:
        conn.execute(
            incentive_weights.insert(),
            [
                {"plan": "speed", "kpi": "aht_seconds", "weight": 0.7, "better": "lower"},
                {"plan": "speed", "kpi": "escalation_rate", "weight": 0.3, "better": "lower"},
            ],
        )
    signals = find_incentive_signals(store)
    assert [(s.subject["kpi"], s.evidence[0]["outcome"]) for s in signals][:1] == [
        ("aht_seconds", "fcr_rate")
    ]
    assert signals[0].evidence[0]["rho"] < -0.9 and "speed" in signals[0].sentence


def test_no_plan_or_too_few_teams_means_no_signal(store: Store) -> None:
    contacts(store, "a0", 30, 20, 300.0, 0)
    assert find_incentive_signals(store) == []
    assert find_engagement_signals(store) == []


def _speed_plan(store: Store) -> None:
    with store.begin("test") as conn:
        conn.execute(
            incentive_weights.insert(),
            [{"plan": "speed", "kpi": "aht_seconds", "weight": 1.0, "better": "lower"}],
        )


def test_rushed_agents_and_slow_thorough_ones_are_not_a_plan_trade(store: Store) -> None:
    # Fourteen ordinary agents: speed says nothing about resolution. Four unusual ones: two
    # rushed agents who resolve little and two slow, thorough ones who resolve all. Across
    # the eighteen a plain rank correlation is clearly negative, but the plan's trade is
    # not in the body of agents: the four are set aside.
    resolved = [30, 34, 29, 33, 31, 30, 34, 29, 33, 31, 32, 30, 33, 31]
    for m, done in enumerate(resolved):
        store.write([Agent(f"a{m}", team="T")], source_format="csv")
        contacts(store, f"a{m}", 40, done, 280.0 + 5 * m, m)
    for k, (name, talk, done) in enumerate(
        (("r1", 60.0, 12), ("r2", 70.0, 14), ("t1", 1200.0, 40), ("t2", 1100.0, 39))
    ):
        store.write([Agent(name, team="T")], source_format="csv")
        contacts(store, name, 40, done, talk, 20 + k)
    _speed_plan(store)
    assert find_incentive_signals(store) == []


def test_teams_that_differ_in_speed_and_outcomes_are_not_a_plan_trade(store: Store) -> None:
    # Team Fast is quicker and resolves less than team Slow, but within each team the
    # quicker agents resolve as much as the others: that is a team difference.
    for team, talk, resolved in (
        ("Fast", 200.0, [22, 26, 21, 25, 23, 24]),
        ("Slow", 400.0, [36, 39, 35, 38, 37, 36]),
    ):
        for m, done in enumerate(resolved):
            agent = f"{team}{m}"
            store.write([Agent(agent, team=team)], source_format="csv")
            contacts(store, agent, 40, done, talk + 10 * m, (m + 1) * (1 if team == "Fast" else 10))
    _speed_plan(store)
    assert find_incentive_signals(store) == []
