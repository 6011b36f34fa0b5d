"""The follow-up verdict: improved, no change, worse, or not enough calls yet."""

from __future__ import annotations

import pytest

from coachloop.coaching.followup import MIN_CALLS, Rate, Verdict, compare_rates, newcombe_interval


def test_newcombe_interval_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II example (a): 56/70 - 48/80,
    # method 10 (hybrid score interval): 0.0524 to 0.3339.
    ci = newcombe_interval(Rate(48, 80), Rate(56, 70))
    assert ci is not None
    assert ci.low == pytest.approx(0.0524, abs=5e-4)
    assert ci.high == pytest.approx(0.3339, abs=5e-4)


def test_a_large_rise_is_improved() -> None:
    change = compare_rates(Rate(10, 30), Rate(25, 30))
    assert change.verdict is Verdict.IMPROVED
    assert change.interval is not None and change.interval.low > 0
    assert "improved" in change.sentence("confirm_request")


def test_the_same_rate_is_no_change() -> None:
    assert compare_rates(Rate(15, 30), Rate(16, 30)).verdict is Verdict.NO_CHANGE


def test_a_large_fall_is_worse() -> None:
    assert compare_rates(Rate(27, 30), Rate(10, 30)).verdict is Verdict.WORSE


def test_too_few_calls_on_either_side_is_not_enough_calls_yet_even_for_a_big_move() -> None:
    change = compare_rates(Rate(0, 30), Rate(MIN_CALLS - 1, MIN_CALLS - 1))
    assert change.verdict is Verdict.NOT_ENOUGH
    assert "not enough calls yet" in change.sentence("pain_mirror")
