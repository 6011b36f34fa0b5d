"""Measuring detectors against human labels: label files, per-behaviour agreement, reports.

Generic over rubrics: a label file names its rubric, predictions are `Evaluation`s or
export records, and every behaviour the labels cover is scored.
"""

from coachloop.agreement.behaviors import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    INTERVAL_METHOD,
    BehaviorScore,
    Comparison,
    Interval,
    PooledScore,
    PredictedBehavior,
    Prediction,
    compare_behaviors,
    prediction_of,
    read_predictions,
    wilson_interval,
)
from coachloop.agreement.labels import (
    BehaviorLabel,
    Label,
    LabelError,
    LabelFileError,
    index_labels,
    parse_label,
    read_labels,
)
from coachloop.agreement.report import comparison_table, comparison_to_dict, print_comparison

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "INTERVAL_METHOD",
    "BehaviorLabel",
    "BehaviorScore",
    "Comparison",
    "Interval",
    "Label",
    "LabelError",
    "LabelFileError",
    "PooledScore",
    "PredictedBehavior",
    "Prediction",
    "compare_behaviors",
    "comparison_table",
    "comparison_to_dict",
    "index_labels",
    "parse_label",
    "prediction_of",
    "print_comparison",
    "read_labels",
    "read_predictions",
    "wilson_interval",
]
