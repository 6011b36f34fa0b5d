"""The registries of exporters: each output format is one module that registers here.

An exporter writes records to a text stream and returns how many it wrote. It gets a
`Source`, not a list, so that it streams in constant memory; a format that needs two
passes (CSV evaluations: the behaviour columns first) calls the source twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from coachloop.model import Evaluation, Interaction, Outcome
from coachloop.registry import Registry
from coachloop.store import evaluation_to_dict
from coachloop.store.drilldown import EvaluationHeader
from coachloop.store.reviews import Review

if TYPE_CHECKING:
    from coachloop.evaluate.score import Scores

__all__ = [
    "ExportedEvaluation",
    "Exporter",
    "Source",
    "evaluation_exporters",
    "evaluation_record",
    "interaction_exporters",
]

T = TypeVar("T")

Source = Callable[[], Iterator[T]]
"""Each call streams the records again, from the first."""

Exporter = Callable[[Source[T], TextIO], int]
"""Writes every record of the source to the stream; returns how many it wrote."""


@dataclass(frozen=True, slots=True)
class ExportedEvaluation:
    """What an evaluation exporter writes of one evaluation: the machine's evaluation, who
    and when it is about, its behaviours' titles and the reviewers' overrides in force."""

    evaluation: Evaluation
    header: EvaluationHeader | None = None
    titles: Mapping[str, str] = field(default_factory=dict)
    """Behaviour id -> title, from the rubric (empty when the rubric is not found)."""
    reviews: Mapping[str, Review] = field(default_factory=dict)
    """Behaviour id -> the override in force (stale overrides are not exported)."""

    def machine(self) -> Scores:
        """The machine's figures: its own outcomes scored, before any override (the
        evaluation's `score`, `compliance_passed` and `auto_failed` have overrides applied);
        with no override in force they are the evaluation's own, as stored."""
        from coachloop.evaluate.score import Scores, score_results

        ev = self.evaluation
        if not any(r.outcome is not None for r in self.reviews.values()):
            causes = tuple(r.behavior_id for r in ev.results if r.critical and r.outcome is Outcome.MISSED)
            return Scores(ev.score, ev.compliance_passed, ev.auto_failed, dict(ev.section_scores), causes)
        return score_results(ev.results)

    def auto_fail_causes(self) -> tuple[str, ...]:
        """The critical behaviours missed once overrides are applied."""
        from coachloop.evaluate.score import score_results

        overrides = {b: r.outcome for b, r in self.reviews.items() if r.outcome is not None}
        if not overrides:
            return self.machine().auto_fail_causes
        return score_results(self.evaluation.results, overrides).auto_fail_causes


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def evaluation_record(item: ExportedEvaluation) -> dict[str, Any]:
    """The JSONL export record: `evaluation_to_dict` plus `agent_id`, `agent_name`, `team`,
    `queue`, `channel`, `started_at`, each behaviour's `title` and, where a reviewer
    overrode it, `review: {outcome, by, at, note}` beside the machine's `outcome`.

    `score`, `compliance_passed`, `auto_failed` and `section_scores` follow the overrides in
    force; `machine_score`, `machine_compliance_passed` and `machine_auto_failed` keep the
    machine's own, and `auto_fail_causes` names the critical behaviours missed."""
    record = evaluation_to_dict(item.evaluation)
    machine = item.machine()
    record["machine_score"] = machine.score
    record["machine_compliance_passed"] = machine.compliance_passed
    record["machine_auto_failed"] = machine.auto_failed
    record["auto_fail_causes"] = list(item.auto_fail_causes())
    h = item.header
    record["agent_id"] = h.agent_id if h else None
    record["agent_name"] = h.agent_name if h else None
    record["team"] = h.team if h else None
    record["queue"] = h.queue if h else None
    record["channel"] = h.channel.value if h else None
    record["started_at"] = _iso(h.started_at) if h else None
    for b in record["behaviors"]:
        b["title"] = item.titles.get(b["id"])
        review = item.reviews.get(b["id"])
        if review is not None:
            b["review"] = {
                "outcome": review.outcome.value if review.outcome is not None else None,
                "by": review.reviewer,
                "at": _iso(review.created_at),
                "note": review.note,
            }
    return record


evaluation_exporters: Registry[Exporter[ExportedEvaluation]] = Registry("evaluation export format")
"""`coachloop export evaluations --format NAME`: one record per evaluation."""

interaction_exporters: Registry[Exporter[Interaction]] = Registry("interaction export format")
"""`coachloop export interactions --format NAME`: the stored (redacted) conversations."""
