"""Per-behaviour agreement figures on hand-made predictions whose answers are known exactly."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import NormalDist

import pytest

from coachloop.agreement import compare_behaviors, read_predictions, wilson_interval
from coachloop.agreement.behaviors import percentile
from coachloop.errors import RecordError
from coachloop.store.codec import evaluation_to_dict
from tests.agreement.helpers import MET, MISSED, NA, RUBRIC, evaluation, label, pairs

Z = NormalDist().inv_cdf(0.975)


def test_perfect_predictions_score_one_with_tight_intervals() -> None:
    evals, labels = pairs("greet", [MET] * 30 + [MISSED] * 10, [MET] * 30 + [MISSED] * 10)
    score = compare_behaviors(evals, labels).behaviors[0]
    assert (score.precision, score.recall, score.f1, score.accuracy) == (1.0, 1.0, 1.0, 1.0)
    assert score.f1_ci is not None and (score.f1_ci.low, score.f1_ci.high) == (1.0, 1.0)
    # Wilson at 30/30: lower bound n / (n + z^2), not a degenerate 1.0.
    assert score.precision_ci is not None and score.recall_ci is not None
    assert score.precision_ci.low == pytest.approx(30 / (30 + Z * Z))
    assert score.recall_ci.low == pytest.approx(30 / (30 + Z * Z))
    assert score.precision_ci.high == 1.0


def test_known_confusion_gives_exact_precision_recall_f1_and_accuracy() -> None:
    truths = [MET, MET, MET, MISSED, MET, MET, MISSED, MISSED, MISSED, NA]
    guesses = [MET, MET, MET, MET, MISSED, NA, MISSED, MISSED, MISSED, MISSED]
    evals, labels = pairs("confirm", truths, guesses)
    score = compare_behaviors(evals, labels).behaviors[0]
    assert (score.tp, score.fp, score.fn, score.tn) == (3, 1, 2, 4)
    assert score.precision == pytest.approx(3 / 4)
    assert score.recall == pytest.approx(3 / 5)
    assert score.f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 2))
    # Exact three-way matches: 3 met/met + 3 missed/missed; n.a. predicted missed is wrong.
    assert score.accuracy == pytest.approx(6 / 10)
    assert score.confusion[MET, NA] == 1
    assert score.confusion[NA, MISSED] == 1
    assert score.true_counts == {MET: 5, MISSED: 4, NA: 1}
    assert score.predicted_counts == {MET: 4, MISSED: 5, NA: 1}
    assert score.f1_ci is not None and score.f1 is not None
    assert score.f1_ci.low <= score.f1 <= score.f1_ci.high


def test_wilson_interval_matches_the_textbook_value() -> None:
    ci = wilson_interval(8, 10)
    assert ci is not None
    assert ci.low == pytest.approx(0.4902, abs=1e-4)
    assert ci.high == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_percentile_interpolates_between_order_statistics() -> None:
    assert percentile([0.0, 1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([0.0, 10.0], 0.25) == 2.5


def test_bootstrap_is_reproducible_for_a_seed() -> None:
    evals, labels = pairs(
        "b", [MET, MISSED, MET, MET, MISSED, MET] * 3, [MET, MET, MISSED, MET, MISSED, MET] * 3
    )
    first = compare_behaviors(evals, labels, seed=11)
    again = compare_behaviors(evals, labels, seed=11)
    assert first.behaviors[0].f1_ci == again.behaviors[0].f1_ci
    assert first.pooled.f1_ci == again.pooled.f1_ci
    assert first.resamples == 2000


def test_export_records_score_the_same_as_evaluations() -> None:
    evals, labels = pairs("b", [MET, MISSED, MET, NA], [MET, MET, MISSED, NA])
    from_objects = compare_behaviors(evals, labels)
    from_records = compare_behaviors([evaluation_to_dict(e) for e in evals], labels)
    assert from_records == from_objects


def test_evidence_agreement_counts_true_positives_quoting_a_labelled_utterance() -> None:
    labels = [
        label("a", {"b": (MET, [2, 3])}),
        label("b", {"b": (MET, [5])}),
        label("c", {"b": (MET, [])}),  # no utterance cited: not checked
        label("d", {"b": (MISSED, [])}),  # a false positive is not checked
    ]
    evals = [
        evaluation("a", {"b": (MET, [3, 9])}),
        evaluation("b", {"b": (MET, [4])}),
        evaluation("c", {"b": (MET, [1])}),
        evaluation("d", {"b": (MET, [0])}),
    ]
    score = compare_behaviors(evals, labels).behaviors[0]
    assert (score.evidence_checked, score.evidence_agreed) == (2, 1)
    assert score.evidence_agreement == 0.5
    assert score.evidence_ci == wilson_interval(1, 2)


def test_pooled_row_sums_every_behaviour() -> None:
    labels = [
        label("a", {"x": (MET, [0]), "y": (MISSED, [])}),
        label("b", {"x": (MET, [0]), "y": (MET, [1])}),
    ]
    evals = [
        evaluation("a", {"x": (MET, [0]), "y": (MET, [1])}),
        evaluation("b", {"x": (MISSED, []), "y": (MET, [1])}),
    ]
    result = compare_behaviors(evals, labels)
    assert [s.behavior_id for s in result.behaviors] == ["x", "y"]
    pooled = result.pooled
    assert (pooled.compared, pooled.tp, pooled.fp, pooled.fn) == (4, 2, 1, 1)
    assert pooled.f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert pooled.accuracy == pytest.approx(2 / 4)


def test_unmatched_interactions_and_behaviours_are_reported_not_scored() -> None:
    labels = [label("a", {"x": (MET, [0]), "y": (MET, [0])}), label("gone", {"x": (MET, [0])})]
    evals = [evaluation("a", {"x": (MET, [0]), "z": (MET, [0])}), evaluation("extra", {"x": (MET, [0])})]
    result = compare_behaviors(evals, labels)
    assert result.interactions == 1
    assert result.missing_predictions == ("gone",)
    assert result.unlabelled_predictions == ("extra",)
    assert result.unlabelled_behaviors == ("z",)
    x, y = result.behaviors
    assert (x.compared, x.tp) == (1, 1)
    assert (y.compared, y.unpredicted, y.f1) == (0, 1, None)


def test_predictions_for_other_rubrics_are_ignored() -> None:
    labels = [label("a", {"x": (MET, [0])})]
    evals = [evaluation("a", {"x": (MISSED, [])}, rubric="other"), evaluation("a", {"x": (MET, [0])})]
    assert compare_behaviors(evals, labels).behaviors[0].tp == 1


def test_labels_for_several_rubrics_need_a_rubric_named() -> None:
    labels = [label("a", {"x": (MET, [0])}), label("a", {"x": (MET, [0])}, rubric="other")]
    with pytest.raises(ValueError, match="name one with rubric="):
        compare_behaviors([], labels)
    assert compare_behaviors([], labels, rubric="other").rubric == "other"


def test_two_predictions_for_one_interaction_are_refused() -> None:
    labels = [label("a", {"x": (MET, [0])})]
    with pytest.raises(ValueError, match="two predictions"):
        compare_behaviors([evaluation("a", {"x": (MET, [])})] * 2, labels)


def test_behaviors_argument_selects_and_orders() -> None:
    labels = [label("a", {"x": (MET, [0]), "y": (MET, [0])})]
    evals = [evaluation("a", {"x": (MET, [0]), "y": (MET, [0])})]
    result = compare_behaviors(evals, labels, behaviors=["y"])
    assert [s.behavior_id for s in result.behaviors] == ["y"]


def test_read_predictions_names_file_line_and_field(tmp_path: Path) -> None:
    good = evaluation_to_dict(evaluation("a", {"x": (MET, [0])}))
    bad = dict(good, behaviors=[{"id": "x", "outcome": "maybe", "evidence": []}])
    path = tmp_path / "evals.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        read_predictions(path)
    assert str(caught.value) == f"{path}:3 behaviors[0].outcome: 'maybe' is not an outcome"
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    (prediction,) = read_predictions(path)
    assert (prediction.interaction_id, prediction.rubric) == ("a", RUBRIC)
    assert prediction.behaviors["x"].evidence == frozenset({0})
