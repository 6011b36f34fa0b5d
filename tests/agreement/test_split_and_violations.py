"""The seeded tuning/held-out split and the violation figures of critical behaviours."""

from __future__ import annotations

from coachloop.agreement import Label, compare_behaviors, parse_label
from coachloop.agreement.split import Part, held_out_ids, split_part
from coachloop.agreement.violations import violation_scores
from coachloop.model import BehaviorResult, Evaluation, Outcome


def test_the_split_is_seeded_half_and_independent_of_order() -> None:
    ids = [f"c-{i:03d}" for i in range(69)]
    aside = held_out_ids(ids, seed=10)
    assert len(aside) == 34
    assert held_out_ids(list(reversed(ids)), seed=10) == aside
    assert held_out_ids(ids, seed=11) != aside
    tuning = split_part(ids, ids, Part.tuning, seed=10)
    heldout = split_part(ids, ids, Part.heldout, seed=10)
    assert set(tuning).isdisjoint(heldout) and len(tuning) + len(heldout) == 69


def _label(iid: str, outcome: str) -> Label:
    return parse_label(
        {
            "interaction_id": iid,
            "rubric": "r",
            "annotator": "a",
            "behaviors": {"verify": {"outcome": outcome, "utterances": [0] if outcome == "met" else []}},
        }
    )


def _eval(iid: str, outcome: Outcome) -> Evaluation:
    return Evaluation(iid, "r", "1", None, True, False, [BehaviorResult("verify", outcome, 0.9, True)])


def test_violation_recall_counts_violations_predicted_not_applicable_as_passed_silently() -> None:
    labels = [_label("a", "missed"), _label("b", "missed"), _label("c", "missed"), _label("d", "met")]
    predictions = [
        _eval("a", Outcome.MISSED),
        _eval("b", Outcome.NOT_APPLICABLE),
        _eval("c", Outcome.MISSED),
        _eval("d", Outcome.MISSED),
    ]
    (score,) = violation_scores(compare_behaviors(predictions, labels, resamples=10), ["verify"])
    assert (score.violations, score.caught, score.passed_silently, score.flagged) == (3, 2, 1, 3)
    assert score.recall == 2 / 3 and score.precision == 2 / 3
    assert score.recall_ci is not None and score.recall_ci.low < 2 / 3 < score.recall_ci.high
