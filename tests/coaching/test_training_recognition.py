"""The training catalogue, workshops from shared gaps, credible improvement and a
leaderboard on which every agent appears."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.coaching.recognition import Counts, improvements, leaderboard
from coachloop.coaching.training import MIN_WORKSHOP, load_catalogue, workshops
from coachloop.errors import ConfigError
from coachloop.rubric.load import load_spec, shipped_rubrics


def test_shipped_catalogue_trains_every_behaviour_of_the_shipped_rubrics() -> None:
    catalogue = load_catalogue()
    for path in shipped_rubrics().values():
        spec, _ = load_spec(path)
        for section in spec.sections:
            for b in section.behaviors:
                assert catalogue.for_behavior(b.id), f"{path.name}: no training for {b.id}"


def test_a_bad_catalogue_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "training.yaml"
    bad.write_text("items:\n  - id: x\n    title: X\n    kind: podcast\n    minutes: 5\n    behaviors: [a]\n")
    with pytest.raises(ConfigError, match=r"training\.yaml: items\.0\.kind"):
        load_catalogue(bad)
    bad.write_text("items:\n  - {id: x, title: X, kind: quiz, minutes: 5, behaviors: [a]}\n"
                   "  - {id: x, title: Y, kind: quiz, minutes: 5, behaviors: [b]}\n")
    with pytest.raises(ConfigError, match="used twice"):
        load_catalogue(bad)


def test_agents_sharing_a_gap_are_grouped_into_a_workshop() -> None:
    gaps = {f"A{i}": ["pain_mirror"] for i in range(MIN_WORKSHOP)} | {"B": ["hold_etiquette"], "C": []}
    found = workshops(gaps, load_catalogue(), team_size=len(gaps))
    assert [(w.behavior, w.agents) for w in found] == [("pain_mirror", ("A0", "A1", "A2"))]
    assert found[0].item.kind == "workshop"
    assert found[0].sentence() .startswith("These 3 agents need 'Empathy under pressure")
    assert "the other 2 are fine" in found[0].sentence()


def test_only_a_credible_rise_is_an_improvement() -> None:
    before = {("A", "x"): Counts(10, 40), ("B", "x"): Counts(10, 40), ("C", "x"): Counts(2, 5)}
    after = {("A", "x"): Counts(30, 40), ("B", "x"): Counts(13, 40), ("C", "x"): Counts(5, 5)}
    found = improvements(before, after, {"x": "Behaviour X"})
    assert [(i.agent_id, i.behavior) for i in found] == [("A", "x")]  # B: noise; C: too few calls
    assert found[0].p < 0.05 and found[0].before_ci is not None
    assert "25% of 40 calls -> 75% of 40" in found[0].sentence()


def test_every_agent_is_on_the_leaderboard_with_a_category() -> None:
    before = {("A", "x"): Counts(10, 40), ("B", "y"): Counts(10, 40)}
    after = {("A", "x"): Counts(30, 40), ("B", "y"): Counts(25, 40)}
    found = improvements(before, after, {})
    board = leaderboard(["A", "B", "C", "D"], found, {"C": 3}, {})
    assert [r.agent_id for r in board] == ["A", "B", "C", "D"]
    assert [r.category for r in board] == [
        "most improved: x", "most improved: y", "most frustrated customers won back",
        "next: a credible rise on your focus behaviour",
    ]
