"""Contact-reason predictions against labels: accuracy, macro-F1, per reason, confusion.

Predictions come from a trained model, or out of fold from `cross_validate`, which
trains one model per fold on the rest of the labels; a figure from cross-validation is
one a model of this kind would get on calls like these that it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from rich.table import Table
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from coachloop.agreement.behaviors import Interval, wilson_interval
from coachloop.agreement.classification import accuracy, confusion, expected_calibration_error, macro_f1

__all__ = [
    "ReasonModel",
    "ReasonPerClass",
    "ReasonScore",
    "cross_validate",
    "reason_score_to_dict",
    "reason_table",
    "score_reasons",
]

Predicted = tuple[str, float]
"""(label, confidence) for one text."""


@dataclass(frozen=True, slots=True)
class ReasonPerClass:
    label: str
    support: int
    predicted: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class ReasonScore:
    method: str
    texts: int
    accuracy: float
    accuracy_ci: Interval | None
    macro_f1: float
    expected_calibration_error: float | None
    per_class: list[ReasonPerClass]
    labels: list[str]
    confusion: list[list[int]]
    """`confusion[i][j]`: texts of `labels[i]` predicted as `labels[j]`."""


def score_reasons(truth: Sequence[str], predicted: Sequence[Predicted], method: str) -> ReasonScore:
    """Every figure for one set of predictions (one per true label, same order)."""
    guesses = [p[0] for p in predicted]
    labels, matrix = confusion(truth, guesses)
    precision, recall, f1, support = precision_recall_fscore_support(
        list(truth), guesses, labels=labels, zero_division=0
    )
    per_class = [
        ReasonPerClass(
            label,
            int(support[i]),
            int(matrix[:, i].sum()),
            float(precision[i]),
            float(recall[i]),
            float(f1[i]),
        )
        for i, label in enumerate(labels)
    ]
    correct = [t == g for t, g in zip(truth, guesses, strict=True)]
    confidences = [p[1] for p in predicted]
    has_confidence = any(c > 0 for c in confidences)
    return ReasonScore(
        method=method,
        texts=len(truth),
        accuracy=accuracy(truth, guesses),
        accuracy_ci=wilson_interval(sum(correct), len(correct)),
        macro_f1=macro_f1(truth, guesses),
        expected_calibration_error=expected_calibration_error(correct, confidences)
        if has_confidence
        else None,
        per_class=per_class,
        labels=labels,
        confusion=matrix.tolist(),
    )


class ReasonModel(Protocol):
    """What `cross_validate` needs of a classifier (`ReasonClassifier` has it)."""

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Any: ...

    def predict(self, texts: Sequence[str]) -> list[Predicted]: ...


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    make_model: Callable[[], ReasonModel],
    *,
    folds: int = 5,
    seed: int = 0,
    test_texts: Sequence[str] | None = None,
    on_fold: Callable[[int], None] | None = None,
) -> list[Predicted]:
    """Out-of-fold predictions from stratified `folds`-fold cross-validation (seeded).

    `test_texts`, when given, are other renderings of the same items (the recogniser's
    transcript of the same calls): models train on `texts` and predict `test_texts`.
    Raises ValueError when a reason has fewer texts than there are folds.
    """
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    targets = test_texts if test_texts is not None else texts
    if len(targets) != len(texts):
        raise ValueError(f"{len(targets)} test texts for {len(texts)} training texts")
    y = np.asarray(labels)
    counts = {label: int((y == label).sum()) for label in set(labels)}
    rare = sorted(label for label, n in counts.items() if n < folds)
    if rare:
        raise ValueError(
            f"{folds}-fold cross-validation needs at least {folds} texts per reason; "
            f"too few for: {', '.join(rare[:5])}{' ...' if len(rare) > 5 else ''}"
        )
    out: list[Predicted] = [("", 0.0)] * len(texts)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for k, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        model = make_model()
        model.fit([texts[i] for i in train], [labels[i] for i in train])
        for i, prediction in zip(test, model.predict([targets[i] for i in test]), strict=True):
            out[i] = (str(prediction[0]), float(prediction[1]))
        if on_fold is not None:
            on_fold(k)
    return out


def reason_score_to_dict(score: ReasonScore) -> dict[str, Any]:
    return {
        "method": score.method,
        "texts": score.texts,
        "accuracy": score.accuracy,
        "accuracy_ci": Interval.as_list(score.accuracy_ci),
        "macro_f1": score.macro_f1,
        "expected_calibration_error": score.expected_calibration_error,
        "per_reason": [
            {
                "label": c.label,
                "support": c.support,
                "predicted": c.predicted,
                "precision": c.precision,
                "recall": c.recall,
                "f1": c.f1,
            }
            for c in score.per_class
        ],
        "confusion": {"labels": score.labels, "matrix": score.confusion},
    }


def reason_table(score: ReasonScore, *, max_confusion_labels: int = 12) -> list[Table]:
    """A per-reason table and, for up to `max_confusion_labels` reasons, the confusion
    matrix (larger taxonomies list their commonest confusions instead)."""
    ci = score.accuracy_ci
    summary = (
        f"accuracy {score.accuracy:.3f}"
        + (f" [{ci.low:.3f}-{ci.high:.3f}]" if ci is not None else "")
        + f", macro-F1 {score.macro_f1:.3f}"
        + (
            f", calibration error {score.expected_calibration_error:.3f}"
            if score.expected_calibration_error is not None
            else ""
        )
    )
    per = Table(
        title=f"contact reasons: {score.method} ({score.texts} texts)",
        caption=f"{summary}. [95 % interval]: Wilson.",
        caption_justify="left",
    )
    for header in ("reason", "support", "predicted", "precision", "recall", "F1"):
        per.add_column(header, justify="left" if header == "reason" else "right")
    for c in score.per_class:
        per.add_row(
            c.label, str(c.support), str(c.predicted), f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}"
        )
    tables = [per]
    if len(score.labels) <= max_confusion_labels:
        matrix = Table(title="confusion (rows: true reason, columns: predicted)")
        matrix.add_column("true \\ predicted")
        for i in range(len(score.labels)):
            matrix.add_column(str(i + 1), justify="right")
        for i, label in enumerate(score.labels):
            matrix.add_row(f"{i + 1} {label}", *(str(n) if n else "." for n in score.confusion[i]))
        tables.append(matrix)
    else:
        pairs = sorted(
            (
                (score.confusion[i][j], score.labels[i], score.labels[j])
                for i in range(len(score.labels))
                for j in range(len(score.labels))
                if i != j and score.confusion[i][j]
            ),
            reverse=True,
        )[:15]
        common = Table(title="commonest confusions")
        for header in ("true", "predicted as", "texts"):
            common.add_column(header, justify="right" if header == "texts" else "left")
        for n, true, guess in pairs:
            common.add_row(true, guess, str(n))
        tables.append(common)
    return tables
