"""The incentive audit's test on small synthetic agent tables: calibrated under the null
(documented false-positive rate over many seeded nulls), finds a planted trade, and its
quoted detectable correlation is what the test in fact detects 80 % of the time."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from coachloop.signals.incentive import detectable_rho, within_team_trade

AGENTS, TEAMS = 36, 4
TEAM = np.arange(AGENTS, dtype=np.int64) % TEAMS


def _agents(rho: float, seed: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Paid figure (larger is better for the plan) and outcome with correlation `rho` within
    teams, plus a team effect on both (teams differing is no trade)."""
    rng = np.random.default_rng(seed)
    shift = rng.normal(0, 1, TEAMS)[TEAM]
    paid = rng.normal(0, 1, AGENTS)
    good = rho * paid + np.sqrt(1 - rho**2) * rng.normal(0, 1, AGENTS)
    return paid + shift, good + shift


def _found(rho: float, runs: int, level: float) -> float:
    hits = 0
    for seed in range(runs):
        paid, good = _agents(rho, seed)
        _, p = within_team_trade(paid, good, TEAM, seed=seed, permutations=999)
        hits += p <= level
    return hits / runs


def test_the_trade_test_flags_about_one_null_in_twenty_at_the_five_percent_level() -> None:
    # 400 independent tables: the share flagged at p <= 0.05 is within binomial noise of 0.05
    # (sd 0.011), although teams differ in both figures.
    assert 0.025 <= _found(0.0, 400, 0.05) <= 0.08


def test_a_trade_that_runs_the_other_way_is_not_flagged() -> None:
    assert _found(0.6, 100, 0.05) == 0.0


def test_a_planted_trade_is_found_in_a_small_table() -> None:
    paid, good = _agents(-0.7, seed=3)
    rho, p = within_team_trade(paid, good, TEAM)
    assert rho < -0.4
    assert p < 0.01


def test_the_quoted_detectable_correlation_is_found_about_eighty_percent_of_the_time() -> None:
    target = detectable_rho(AGENTS, TEAMS, 0.05)
    assert 0.3 < target < 0.6  # 36 agents in 4 teams, one pair: about 0.48
    assert 0.65 <= _found(-target, 200, 0.05) <= 0.95
    # Looking at more pairs (a stricter level) needs a stronger trade; more agents a weaker one.
    assert detectable_rho(AGENTS, TEAMS, 0.05 / 11) > target > detectable_rho(4 * AGENTS, TEAMS, 0.05)
    assert detectable_rho(4, 4, 0.05) == 1.0


def test_no_agents_in_the_period_means_no_outliers_and_no_numpy_warning() -> None:
    import warnings

    from coachloop.signals.incentive import _outliers

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _outliers(np.array([], dtype=float)).tolist() == []
