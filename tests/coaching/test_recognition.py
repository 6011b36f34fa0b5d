"""Recognition of credible improvement and difficult work; the improvement leaderboard."""

from __future__ import annotations

from coachloop.coaching.recognition import improvements, leaderboard
from coachloop.jobs.coaching import leaderboard as board_of
from coachloop.jobs.coaching import recognition
from tests.coaching.conftest import Center


def test_a_credible_rise_is_recognised_and_noise_is_not() -> None:
    halves = {
        ("A1", "verify_identity"): (20, 40, 34, 40),  # 50 % -> 85 %
        ("A2", "verify_identity"): (20, 40, 23, 40),  # 50 % -> 57 %: chance
        ("A3", "verify_identity"): (30, 40, 20, 40),  # a fall
        ("A4", "verify_identity"): (1, 5, 5, 5),  # too few calls
    }
    found = improvements(halves, {"verify_identity": "Verifies identity"})
    assert [i.agent_id for i in found] == ["A1"]
    imp = found[0]
    assert imp.p < 0.05 and imp.before_ci.high > imp.before and imp.after_ci.low < imp.after
    assert "Verifies identity rose from 50%" in imp.sentence and "of 40" in imp.sentence


def test_every_agent_who_rose_anywhere_leads_somewhere_against_own_baseline() -> None:
    halves = {
        ("A1", "x"): (10, 40, 30, 40),
        ("A2", "x"): (38, 40, 39, 40),
        ("A2", "y"): (10, 20, 11, 20),
        ("A3", "x"): (20, 40, 10, 40),
    }
    board = leaderboard(halves, improvements(halves, {}), {"A3": 4}, ["A1", "A2", "A3"])
    assert board.categories["overall_rise"][0][0] == "A1"
    assert board.best["A1"] == ("overall_rise", 1)
    assert board.best["A3"] == ("recovered_customers", 1)
    assert board.best["A2"][1] == 2
    assert set(board.as_dict()["personal_best"]) == {"A1", "A2", "A3"}


def test_recognition_on_the_center_carries_its_evidence(center: Center) -> None:
    found = recognition(center.store)
    kinds = {r.kind for r in found}
    assert "difficult_call" in kinds
    for r in found:
        if r.kind == "difficult_call":
            assert r.clip is not None and r.clip.interaction_id in r.sentence


def test_leaderboard_ranks_every_agent_in_every_category(center: Center) -> None:
    board = board_of(center.store)
    for rows in board.categories.values():
        assert len(rows) == 12
    assert len(board.best) >= 6
