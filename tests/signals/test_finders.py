"""Each finder on frames with a known effect, and on ones without."""

from __future__ import annotations

import numpy as np

from coachloop.signals.drift import find_drift
from coachloop.signals.friction import find_friction
from coachloop.signals.root_cause import find_root_causes
from coachloop.signals.validity import find_validity

from .frames import DAY, MONDAY, make_frame


def _agents_calls(rates: dict[str, list[float]], per_week: int, seed: int) -> dict[str, object]:
    """Agents with a given pass rate per week on two behaviours (`b1` follows `rates`, `b2`
    stays at 0.8), `per_week` calls a week each, in time order."""
    rng = np.random.default_rng(seed)
    agent, started, b1, b2 = [], [], [], []
    for name, weekly in rates.items():
        for w, p in enumerate(weekly):
            for k in range(per_week):
                agent.append(name)
                started.append(MONDAY + w * 7 * DAY + k * (5 * DAY / per_week))
                b1.append(float(rng.random() < p))
                b2.append(float(rng.random() < 0.8))
    order = np.argsort(started, kind="stable")
    return {
        "agent": [agent[i] for i in order],
        "started": [started[i] for i in order],
        "outcomes": {"b1": [b1[i] for i in order], "b2": [b2[i] for i in order]},
    }


def test_drift_flags_an_agent_whose_rate_slides_and_dates_it_after_the_slide_began() -> None:
    weeks = 8
    rates = {f"s{i}": [0.75] * weeks for i in range(6)}
    rates["slider"] = [0.8, 0.8, 0.8, 0.8, 0.45, 0.35, 0.3, 0.3]
    frame = make_frame(**_agents_calls(rates, per_week=15, seed=1))  # type: ignore[arg-type]
    signals = find_drift(frame)
    assert {s.subject["agent_id"] for s in signals} == {"slider"}
    (signal,) = signals
    assert signal.behavior == "b1"
    figures = signal.evidence[0]
    assert figures["rate_after"] < 0.5 < figures["rate_before"]
    assert figures["alarm_at"] >= "2026-03-30", "no alarm before the slide (week 5) began"
    assert "slid from" in signal.sentence and f"{figures['rate_before']:.0%}" in signal.sentence


def test_drift_flags_few_stable_agents_and_no_improving_one() -> None:
    rates = {f"s{i:03d}": [0.6] * 8 for i in range(100)}
    rates.update({f"r{i}": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9] for i in range(10)})
    frame = make_frame(**_agents_calls(rates, per_week=12, seed=2))  # type: ignore[arg-type]
    signals = find_drift(frame)
    assert not [s for s in signals if s.subject["agent_id"].startswith("r") and s.behavior == "b1"]
    flagged = {s.subject["agent_id"] for s in signals if s.subject["agent_id"].startswith("s")}
    # Calibrated at 5 %: more than 10 of 100 would happen about once in a hundred seeds.
    assert len(flagged) <= 10, sorted(flagged)


def test_drift_leaves_agents_with_too_few_calls_alone() -> None:
    frame = make_frame(**_agents_calls({"new": [1.0, 0.0]}, per_week=10, seed=3))  # type: ignore[arg-type]
    assert find_drift(frame) == []


def _weeks_of_queues(slow_week: int | None, seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    agent, started, queue, handle, channel = [], [], [], [], []
    for w in range(6):
        for q in ("cards", "loans"):
            for k in range(40):
                agent.append(f"a{k % 8}")
                started.append(MONDAY + w * 7 * DAY + k * 3600)
                queue.append(q)
                chat = k % 5 == 0
                channel.append("chat" if chat else "voice")
                factor = 1.8 if (q == "loans" and w == slow_week) else 1.0
                handle.append(float(np.exp(rng.normal(np.log(300 * (4 if chat else 1) * factor), 0.4))))
    return {
        "agent": agent,
        "started": started,
        "queue": queue,
        "handle": handle,
        "channel": channel,
        "outcomes": {},
    }


def test_friction_finds_the_queue_and_week_whose_handle_time_rose() -> None:
    signals = find_friction(make_frame(**_weeks_of_queues(slow_week=4, seed=4)))  # type: ignore[arg-type]
    queues = [s for s in signals if "queue" in s.subject]
    assert [s.subject for s in queues] == [{"queue": "loans"}]
    # Every call here is in English about "other": those segments rose too, by less.
    assert signals[0] is queues[0]
    assert {next(iter(s.subject)) for s in signals[1:]} <= {"contact_reason", "language"}
    signal = queues[0]
    assert signal.period is not None and signal.period.start.date().isoformat() == "2026-03-30"
    assert "handle time" in signal.sentence and "not in one agent" in signal.sentence


def test_friction_is_quiet_when_nothing_changes() -> None:
    assert find_friction(make_frame(**_weeks_of_queues(slow_week=None, seed=5))) == []  # type: ignore[arg-type]


def test_root_cause_finds_the_segment_with_lower_pass_rates_and_not_the_others() -> None:
    rng = np.random.default_rng(6)
    n = 1200
    team = np.array(["A", "B", "C"] * (n // 3), dtype=object)
    p = np.where(team == "C", 0.5, 0.75)
    met = (rng.random(n) < p).astype(float)
    frame = make_frame(
        agent=[f"a{i % 30}" for i in range(n)],
        started=[MONDAY + i * 600 for i in range(n)],
        team=team.tolist(),
        outcomes={"b1": met.tolist(), "b2": (rng.random(n) < 0.7).astype(float).tolist()},
    )
    signals = find_root_causes(frame)
    assert [(s.subject, s.behavior) for s in signals] == [({"team": "C"}, "b1")]
    assert signals[0].evidence[0]["segment"] < signals[0].evidence[0]["elsewhere"]


def test_validity_flags_a_behaviour_that_predicts_no_outcome() -> None:
    rng = np.random.default_rng(7)
    n = 800
    useful = rng.random(n) < 0.6
    idle = rng.random(n) < 0.6
    csat = np.clip(np.round(3 + 1.2 * useful + rng.normal(0, 0.8, n)), 1, 5)
    frame = make_frame(
        agent=["a"] * n,
        started=[MONDAY + i * 600 for i in range(n)],
        csat=csat.tolist(),
        outcomes={"useful": useful.astype(float).tolist(), "idle": idle.astype(float).tolist()},
    )
    flagged = {s.behavior for s in find_validity(frame)}
    assert flagged == {"idle"}
