"""Figures for contact-reason classification and discovery, as the literature reports them.

Classification: accuracy, macro-F1 (every reason counts the same however rare), the
confusion matrix, and the expected calibration error of the confidences (is a 0.8 right
80 % of the time?). Discovery (DSTC11 Track 2 task 1): accuracy after a one-to-one
(Hungarian) matching of clusters to intents, so a reason split in two or two reasons
merged both cost; NMI and ARI alongside.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

__all__ = [
    "accuracy",
    "adjusted_rand",
    "confusion",
    "expected_calibration_error",
    "hungarian_accuracy",
    "macro_f1",
    "normalized_mutual_info",
]


def _check(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> None:
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("nothing to score")


def accuracy(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> float:
    _check(y_true, y_pred)
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """F1 averaged over the true labels and the predicted ones, each weighing the same."""
    _check(y_true, y_pred)
    return float(f1_score(list(y_true), list(y_pred), average="macro", zero_division=0))


def confusion(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> tuple[list[str], NDArray[np.int64]]:
    """(labels, matrix) with `matrix[i, j]` = texts of `labels[i]` predicted as `labels[j]`."""
    _check(y_true, y_pred)
    names = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    index = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(names), len(names)), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        matrix[index[t], index[p]] += 1
    return names, matrix


def expected_calibration_error(correct: Sequence[bool], confidence: Sequence[float], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by size."""
    if len(correct) != len(confidence) or not correct:
        raise ValueError("need one confidence per prediction")
    ok = np.asarray(correct, dtype=np.float64)
    conf = np.asarray(confidence, dtype=np.float64)
    which = np.minimum((conf * bins).astype(np.int64), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += abs(float(ok[inside].mean() - conf[inside].mean())) * float(inside.mean())
    return total


def hungarian_accuracy(y_true: Sequence[Hashable], clusters: Sequence[Hashable]) -> float:
    """Share of texts whose cluster is matched to their intent, one cluster per intent.

    Clusters left without an intent (more clusters than intents) count as wrong, and so
    do intents left without a cluster.
    """
    _check(y_true, clusters)
    intents = {v: i for i, v in enumerate(dict.fromkeys(y_true))}
    groups = {v: i for i, v in enumerate(dict.fromkeys(clusters))}
    counts = np.zeros((len(groups), len(intents)), dtype=np.int64)
    for t, c in zip(y_true, clusters, strict=True):
        counts[groups[c], intents[t]] += 1
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum()) / len(y_true)


def normalized_mutual_info(y_true: Sequence[Hashable], clusters: Sequence[Hashable]) -> float:
    _check(y_true, clusters)
    return float(normalized_mutual_info_score([str(v) for v in y_true], [str(v) for v in clusters]))


def adjusted_rand(y_true: Sequence[Hashable], clusters: Sequence[Hashable]) -> float:
    _check(y_true, clusters)
    return float(adjusted_rand_score([str(v) for v in y_true], [str(v) for v in clusters]))
