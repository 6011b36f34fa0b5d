"""A `Comparison` as a table for people and as a JSON-ready dict for files and dashboards.

The table shows every figure with its interval and its support, because an F1 of 0.80
on 5 positives and on 500 are different claims; the dict carries the same numbers
unrounded, plus the confusion matrices, so a later run can be diffed exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console, JustifyMethod
from rich.table import Table

from coachloop.agreement.behaviors import BehaviorScore, Comparison, Interval, PooledScore
from coachloop.model import Outcome

__all__ = ["comparison_table", "comparison_to_dict", "print_comparison"]


def _fig(value: float | None, ci: Interval | None) -> str:
    if value is None:
        return "-"
    if ci is None:
        return f"{value:.2f}"
    return f"{value:.2f} [{ci.low:.2f}-{ci.high:.2f}]"


def _counts(counts: Mapping[Outcome, int]) -> str:
    return "/".join(str(counts[o]) for o in Outcome)


def _row(s: BehaviorScore) -> list[str]:
    agreement = (
        f"{s.evidence_agreed}/{s.evidence_checked}"
        + (f" ({s.evidence_agreement:.0%})" if s.evidence_agreement is not None else "")
        if s.evidence_checked
        else "-"
    )
    return [
        s.behavior_id,
        str(s.compared),
        _counts(s.true_counts),
        _counts(s.predicted_counts),
        f"{s.tp}/{s.fp}/{s.fn}",
        _fig(s.precision, s.precision_ci),
        _fig(s.recall, s.recall_ci),
        _fig(s.f1, s.f1_ci),
        _fig(s.accuracy, s.accuracy_ci),
        agreement,
    ]


def comparison_table(comparison: Comparison, title: str | None = None) -> Table:
    """One row per behaviour and a pooled row; intervals in brackets."""
    pct = f"{comparison.confidence:.0%}"
    table = Table(
        title=title or f"{comparison.rubric}: predictions vs labels ({comparison.interactions} interactions)",
        caption=(
            f"positive class: met. true/pred = met/missed/n.a. counts. [{pct} interval] - "
            f"{comparison.method}, {comparison.resamples:,} resamples, seed {comparison.seed}."
        ),
        caption_justify="left",
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("behaviour", "left"),
        ("n", "right"),
        ("true met/miss/n.a.", "right"),
        ("pred met/miss/n.a.", "right"),
        ("TP/FP/FN", "right"),
        ("precision", "right"),
        ("recall", "right"),
        ("F1", "right"),
        ("outcome acc.", "right"),
        ("evidence", "right"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for s in comparison.behaviors:
        table.add_row(*_row(s))
    p = comparison.pooled
    table.add_section()
    table.add_row(
        "all (pooled)",
        str(p.compared),
        "",
        "",
        f"{p.tp}/{p.fp}/{p.fn}",
        _fig(p.precision, p.precision_ci),
        _fig(p.recall, p.recall_ci),
        _fig(p.f1, p.f1_ci),
        _fig(p.accuracy, p.accuracy_ci),
        "",
    )
    return table


def print_comparison(
    comparison: Comparison, console: Console | None = None, title: str | None = None
) -> None:
    """Print the table and, when present, what was left out of it."""
    out = console or Console()
    out.print(comparison_table(comparison, title))
    if comparison.missing_predictions:
        out.print(
            f"[yellow]{len(comparison.missing_predictions)} labelled interaction(s) had no prediction "
            f"and are not scored: {', '.join(comparison.missing_predictions[:5])}"
            f"{' ...' if len(comparison.missing_predictions) > 5 else ''}[/yellow]"
        )
    if comparison.unlabelled_behaviors:
        out.print(f"predicted but never labelled: {', '.join(comparison.unlabelled_behaviors)}")


def _behavior_dict(s: BehaviorScore) -> dict[str, Any]:
    return {
        "id": s.behavior_id,
        "compared": s.compared,
        "unpredicted": s.unpredicted,
        "true": {str(o): s.true_counts[o] for o in Outcome},
        "predicted": {str(o): s.predicted_counts[o] for o in Outcome},
        "confusion": {str(t): {str(p): s.confusion[t, p] for p in Outcome} for t in Outcome},
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
        "tn": s.tn,
        "precision": s.precision,
        "precision_ci": Interval.as_list(s.precision_ci),
        "recall": s.recall,
        "recall_ci": Interval.as_list(s.recall_ci),
        "f1": s.f1,
        "f1_ci": Interval.as_list(s.f1_ci),
        "accuracy": s.accuracy,
        "accuracy_ci": Interval.as_list(s.accuracy_ci),
        "evidence": {
            "checked": s.evidence_checked,
            "agreed": s.evidence_agreed,
            "agreement": s.evidence_agreement,
            "ci": Interval.as_list(s.evidence_ci),
        },
    }


def _pooled_dict(p: PooledScore) -> dict[str, Any]:
    return {
        "compared": p.compared,
        "tp": p.tp,
        "fp": p.fp,
        "fn": p.fn,
        "precision": p.precision,
        "precision_ci": Interval.as_list(p.precision_ci),
        "recall": p.recall,
        "recall_ci": Interval.as_list(p.recall_ci),
        "f1": p.f1,
        "f1_ci": Interval.as_list(p.f1_ci),
        "accuracy": p.accuracy,
        "accuracy_ci": Interval.as_list(p.accuracy_ci),
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """Every figure of the comparison, unrounded; outcome keys are the outcome values."""
    return {
        "rubric": comparison.rubric,
        "interactions": comparison.interactions,
        "positive_class": str(Outcome.MET),
        "confidence": comparison.confidence,
        "interval_method": comparison.method,
        "resamples": comparison.resamples,
        "seed": comparison.seed,
        "behaviors": [_behavior_dict(s) for s in comparison.behaviors],
        "pooled": _pooled_dict(comparison.pooled),
        "missing_predictions": list(comparison.missing_predictions),
        "unlabelled_predictions": list(comparison.unlabelled_predictions),
        "unlabelled_behaviors": list(comparison.unlabelled_behaviors),
    }
