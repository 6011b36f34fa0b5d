"""Scoring an evaluation from its behaviour outcomes: the one way coachloop scores.

`evaluate` scores the machine's outcomes with it; the store scores them again with the
reviewers' overrides in force (`coachloop.store.reviews`), so that an override moves the
section scores, the quality score, the compliance pass and the auto-fail with it. Each
`BehaviorResult` carries its behaviour's weight and whether it is a compliance behaviour,
so an evaluation can be scored again without its rubric. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coachloop.model import BehaviorResult, Outcome

__all__ = ["Scores", "effective_outcome", "score_results"]


@dataclass(frozen=True, slots=True)
class Scores:
    score: float | None
    """Weighted share of applicable quality behaviours met, 0-1 (0 when auto-failed); None
    if none applied."""
    compliance_passed: bool
    auto_failed: bool
    section_scores: dict[str, float | None]
    auto_fail_causes: tuple[str, ...]
    """The critical behaviours missed, in rubric order."""


def effective_outcome(result: BehaviorResult, overrides: Mapping[str, Outcome] | None) -> Outcome:
    """The reviewer's outcome where `overrides` has one for the behaviour, else the machine's."""
    if overrides is not None:
        return overrides.get(result.behavior_id, result.outcome)
    return result.outcome


def score_results(
    results: Iterable[BehaviorResult], overrides: Mapping[str, Outcome] | None = None
) -> Scores:
    """Score behaviour results (in rubric order), each outcome replaced by `overrides`
    (behaviour id -> outcome) where it has one.

    A section's score is met weight over applicable weight; the quality score is the same
    over the behaviours that are not compliance behaviours, and is 0 when a critical
    behaviour was missed (an auto-fail), as QA teams expect; the section scores keep what
    was met so coaching can still use them. Any compliance or critical behaviour missed
    fails compliance.
    """
    sections: dict[str, list[float]] = {}  # per section: [met weight, applicable weight]
    quality = [0.0, 0.0]
    compliance_passed = True
    causes: list[str] = []
    for r in results:
        outcome = effective_outcome(r, overrides)
        acc = sections.setdefault(r.section or "", [0.0, 0.0])
        if outcome is not Outcome.NOT_APPLICABLE:
            met = r.weight if outcome is Outcome.MET else 0.0
            acc[0] += met
            acc[1] += r.weight
            if not r.compliance:
                quality[0] += met
                quality[1] += r.weight
        if outcome is Outcome.MISSED:
            if r.compliance or r.critical:
                compliance_passed = False
            if r.critical:
                causes.append(r.behavior_id)
    score = _share(quality)
    auto_failed = bool(causes)
    return Scores(
        score=0.0 if auto_failed and score is not None else score,
        compliance_passed=compliance_passed,
        auto_failed=auto_failed,
        section_scores={s: _share(acc) for s, acc in sections.items()},
        auto_fail_causes=tuple(causes),
    )


def _share(acc: list[float]) -> float | None:
    """Met weight over applicable weight; None when nothing (with weight) applied."""
    return round(acc[0] / acc[1], 4) if acc[1] > 0 else None
