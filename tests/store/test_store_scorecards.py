"""Scorecards: SQL aggregates on a small hand-built set, and the Wilson interval."""

from __future__ import annotations

import pytest

from coachloop.model import Agent, Outcome
from coachloop.stats import wilson_interval
from coachloop.store import Store
from tests.store.store_builders import evaluation, interaction, result

MET, MISSED, NA = Outcome.MET, Outcome.MISSED, Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        (0, 10, (0.0, 0.2775)),
        (5, 10, (0.2366, 0.7634)),
        (8, 10, (0.4902, 0.9433)),
        (10, 10, (0.7225, 1.0)),
        (1, 1, (0.2065, 1.0)),
    ],
)
def test_wilson_interval_matches_published_values(
    successes: int, trials: int, expected: tuple[float, float]
) -> None:
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert interval == pytest.approx(expected, abs=5e-5)


def test_wilson_interval_without_trials_is_none_and_rejects_impossible_counts() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="outside"):
        wilson_interval(3, 2)


def test_scorecards_aggregate_a_small_hand_built_set(store: Store) -> None:
    store.write(
        [
            Agent("a1", name="Ann", team="roster-team"),
            interaction("i1", agent_id="a1"),
            interaction("i2", agent_id="a1"),
            interaction("i3", agent_id="a1"),
            interaction("i4", agent_id="a2", team="T2"),
            interaction("i5"),  # no agent: not on any scorecard
        ],
        source_format="native",
    )
    store.save_evaluations(
        [
            evaluation("i1", score=1.0, results=[result("greet", MET), result("verify", MET, critical=True)]),
            evaluation(
                "i2",
                score=0.5,
                passed=False,
                auto_failed=True,
                results=[result("greet", MISSED), result("verify", MISSED, critical=True)],
            ),
            evaluation("i3", score=None, results=[result("greet", NA), result("verify", MET, critical=True)]),
            evaluation("i4", score=0.25, results=[result("greet", MET, section="opening")]),
            evaluation("i5", score=0.0, passed=False),
            evaluation("i1", rubric="sales", score=0.0, passed=False, results=[result("greet", MISSED)]),
        ]
    )

    ann, second = store.agent_scorecards("general")

    assert (ann.agent_id, ann.name, ann.team) == ("a1", "Ann", "roster-team")
    assert (ann.evaluated, ann.scored, ann.compliance_passed, ann.auto_failed) == (3, 2, 2, 1)
    assert ann.mean_score == pytest.approx(0.75)
    assert ann.compliance_rate == pytest.approx(2 / 3)
    assert ann.compliance_interval == wilson_interval(2, 3)
    greet, verify = ann.behaviors
    assert (greet.behavior_id, greet.applicable, greet.met, greet.critical) == ("greet", 2, 1, False)
    assert greet.rate == 0.5
    assert greet.interval == wilson_interval(1, 2)
    assert (verify.behavior_id, verify.applicable, verify.met, verify.critical) == ("verify", 3, 2, True)
    assert verify.rate == pytest.approx(2 / 3)

    assert (second.agent_id, second.name, second.team, second.evaluated) == ("a2", None, "T2", 1)
    assert second.mean_score == pytest.approx(0.25)
    assert [(b.behavior_id, b.section, b.met, b.applicable) for b in second.behaviors] == [
        ("greet", "opening", 1, 1)
    ]

    [sales] = store.agent_scorecards("sales")
    assert (sales.agent_id, sales.evaluated, sales.compliance_passed, sales.mean_score) == ("a1", 1, 0, 0.0)
    assert store.agent_scorecards("unknown") == []


def test_behaviour_never_applicable_has_no_rate(store: Store) -> None:
    store.write([interaction("i1", agent_id="a1")], source_format="native")
    store.save_evaluations([evaluation("i1", score=None, results=[result("hold_etiquette", NA)])])

    [card] = store.agent_scorecards("general")

    assert card.mean_score is None
    [rate] = card.behaviors
    assert (rate.applicable, rate.met, rate.rate, rate.interval) == (0, 0, None, None)
