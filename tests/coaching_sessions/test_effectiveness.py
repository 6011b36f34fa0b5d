"""Coaching effectiveness (difference in differences) and follow-ups done."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coachloop.coaching.effectiveness import Episode, did, effectiveness, followups_done
from coachloop.coaching.followup import Rate

DAY = date(2026, 10, 3)


def episode(sup: str, cb: Rate, ca: Rate, ub: Rate, ua: Rate, agent: str = "a1") -> Episode:
    return Episode(agent, sup, "confirm_request", "s1", DAY, cb, ca, ub, ua)


def test_the_change_everything_shared_is_taken_out() -> None:
    # coached 40% -> 80%, the rest 50% -> 70%: the coaching moved it by 0.4 - 0.2
    d = did(episode("S", Rate(8, 20), Rate(16, 20), Rate(50, 100), Rate(70, 100)))
    assert d is not None
    assert d[0] == pytest.approx(0.2)


def test_episodes_with_too_few_calls_are_left_out() -> None:
    assert did(episode("S", Rate(1, 3), Rate(3, 3), Rate(50, 100), Rate(50, 100))) is None
    result = effectiveness([episode("S", Rate(1, 3), Rate(3, 3), Rate(50, 100), Rate(50, 100))])
    assert result["S"].episodes == 0 and result["S"].estimate is None


def test_a_supervisor_estimate_is_the_mean_with_an_interval_that_narrows_with_more_agents() -> None:
    one = effectiveness([episode("S", Rate(10, 40), Rate(30, 40), Rate(100, 200), Rate(100, 200))])["S"]
    four = effectiveness(
        [
            episode("S", Rate(10, 40), Rate(30, 40), Rate(100, 200), Rate(100, 200), agent=f"a{i}")
            for i in range(4)
        ]
    )["S"]
    assert one.estimate == pytest.approx(0.5) and four.estimate == pytest.approx(0.5)
    assert one.interval is not None and four.interval is not None
    assert one.interval.low < four.interval.low < 0.5 < four.interval.high < one.interval.high


def test_a_checkpoint_is_followed_up_by_a_session_held_around_it() -> None:
    checkpoints = [DAY, DAY + timedelta(days=7), DAY + timedelta(days=60)]
    held = [DAY + timedelta(days=1)]
    assert followups_done(checkpoints, held, as_of=DAY + timedelta(days=30)) == (2, 1)
