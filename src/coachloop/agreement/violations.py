"""Violations of critical behaviours: how many were caught, and how many flags were right.

For a critical behaviour the costly error is not a wrong "met" but a violation that
passes silently (labelled **missed**, predicted met or not applicable). F1 on "met"
hides it when most calls comply, so every critical behaviour also gets the recall of
violations (labelled missed, predicted missed) next to their precision (predicted
missed, labelled missed), each with a Wilson 95 % interval, from the same comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from coachloop.agreement.behaviors import Comparison, Interval, wilson_interval
from coachloop.model import Outcome

__all__ = ["ViolationScore", "violation_scores", "violation_table", "violations_to_dict"]


@dataclass(frozen=True, slots=True)
class ViolationScore:
    behavior_id: str
    violations: int
    """Labelled missed."""
    flagged: int
    """Predicted missed."""
    caught: int
    """Labelled missed and predicted missed."""
    passed_silently: int
    """Labelled missed, predicted not applicable."""
    recall: float | None
    recall_ci: Interval | None
    precision: float | None
    precision_ci: Interval | None


def violation_scores(
    comparison: Comparison, behaviors: Sequence[str], confidence: float = 0.95
) -> list[ViolationScore]:
    """One score per behaviour of `behaviors` that the comparison covers, in that order."""
    by_id = {s.behavior_id: s for s in comparison.behaviors}
    out: list[ViolationScore] = []
    for bid in behaviors:
        s = by_id.get(bid)
        if s is None:
            continue
        violations = s.true_counts[Outcome.MISSED]
        flagged = s.predicted_counts[Outcome.MISSED]
        caught = s.confusion[Outcome.MISSED, Outcome.MISSED]
        out.append(
            ViolationScore(
                behavior_id=bid,
                violations=violations,
                flagged=flagged,
                caught=caught,
                passed_silently=s.confusion[Outcome.MISSED, Outcome.NOT_APPLICABLE],
                recall=caught / violations if violations else None,
                recall_ci=wilson_interval(caught, violations, confidence),
                precision=caught / flagged if flagged else None,
                precision_ci=wilson_interval(caught, flagged, confidence),
            )
        )
    return out


def _fig(value: float | None, ci: Interval | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" + (f" [{ci.low:.2f}-{ci.high:.2f}]" if ci is not None else "")


def violation_table(scores: Sequence[ViolationScore], title: str | None = None) -> Table:
    table = Table(
        title=title or "violations of critical behaviours (labelled missed)",
        caption="recall: violations caught; precision: flagged violations that are real; "
        "[95% Wilson interval]. silently n.a.: violations predicted not applicable.",
    )
    for name in ("behaviour", "violations", "caught", "recall", "flagged", "precision", "silently n.a."):
        table.add_column(name, justify="left" if name == "behaviour" else "right")
    for v in scores:
        table.add_row(
            v.behavior_id,
            str(v.violations),
            str(v.caught),
            _fig(v.recall, v.recall_ci),
            str(v.flagged),
            _fig(v.precision, v.precision_ci),
            str(v.passed_silently),
        )
    return table


def violations_to_dict(scores: Sequence[ViolationScore]) -> list[dict[str, Any]]:
    return [
        {
            "id": v.behavior_id,
            "violations": v.violations,
            "caught": v.caught,
            "flagged": v.flagged,
            "passed_silently": v.passed_silently,
            "recall": v.recall,
            "recall_ci": Interval.as_list(v.recall_ci),
            "precision": v.precision,
            "precision_ci": Interval.as_list(v.precision_ci),
        }
        for v in scores
    ]
