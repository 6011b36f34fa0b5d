"""Contact-reason, discovery and language-id scores on hand-computed cases."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from coachloop.agreement.discovery import score_discovery
from coachloop.agreement.language import LanguageScore, language_folds
from coachloop.agreement.reasons import cross_validate, score_reasons


def test_reason_score_counts_rows_as_truth_and_columns_as_prediction() -> None:
    truth = ["a", "a", "a", "b"]
    predicted = [("a", 0.9), ("a", 0.8), ("b", 0.6), ("b", 0.7)]
    score = score_reasons(truth, predicted, "hand")
    assert score.labels == ["a", "b"] and score.confusion == [[2, 1], [0, 1]]
    assert score.accuracy == 0.75
    per = {c.label: c for c in score.per_class}
    assert per["a"].precision == 1.0 and per["a"].recall == pytest.approx(2 / 3)
    assert per["b"].precision == 0.5 and per["b"].support == 1 and per["b"].predicted == 2
    assert score.macro_f1 == pytest.approx((0.8 + 2 / 3) / 2)
    assert score.expected_calibration_error is not None


class _Majority:
    """Predicts the commonest training label: shows which texts each fold trained on."""

    def __init__(self) -> None:
        self.label = ""

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> _Majority:
        self.label = max(sorted(set(labels)), key=list(labels).count)
        return self

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        return [(self.label, 1.0) for _ in texts]


def test_cross_validation_predicts_every_text_once_from_a_model_that_did_not_see_it() -> None:
    texts = [f"t{i}" for i in range(12)]
    labels = ["x"] * 6 + ["y"] * 6
    out = cross_validate(texts, labels, _Majority, folds=3)
    assert len(out) == 12 and all(label in {"x", "y"} for label, _ in out)
    with pytest.raises(ValueError, match="at least 7 texts per reason"):
        cross_validate(texts, labels, _Majority, folds=7)


def test_discovery_score_matches_one_cluster_per_intent() -> None:
    intents = ["a", "a", "a", "b", "b", "c"]
    clusters = [0, 0, 1, 1, 1, 1]
    score = score_discovery(intents, clusters, "hand", {"1": "mostly b"})
    # best one-to-one: 0->a (2), 1->b (2); c gets no cluster
    assert score.accuracy == pytest.approx(4 / 6)
    assert score.clusters == 2 and score.intents == 3
    first = score.per_cluster[0]
    assert (first.cluster, first.name, first.size, first.top_intent) == ("1", "mostly b", 4, "b")
    assert first.purity == 0.5


def test_language_score_tallies_tokens_languages_and_code_mixing() -> None:
    score = LanguageScore("hand")
    score.add([("kya", "HI"), ("card", "EN")], ["hi", "hi"], predicted_mixed=False)
    score.add([("hello", "EN")], ["en"], predicted_mixed=False)
    assert score.tokens == 3 and score.tokens_right == 2 and score.sentences_right == 1
    assert score.mixed_accuracy == 0.5
    rows = {label: (n, p, r) for label, n, p, r, _ in score.per_language()}
    assert rows["hi"] == (1, 0.5, 1.0) and rows["en"] == (2, 1.0, 0.5)
    assert score.errors[("card", "en", "hi")] == 1
    with pytest.raises(ValueError):
        score.add([("a", "EN")], [], predicted_mixed=False)


def test_language_folds_partition_the_sentences() -> None:
    folds = language_folds(11, 3, seed=1)
    assert sorted(i for f in folds for i in f) == list(range(11))
