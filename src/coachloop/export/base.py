"""The registries of exporters: each output format is one module that registers here.

An exporter writes records to a text stream and returns how many it wrote. It gets a
`Source`, not a list, so that it streams in constant memory; a format that needs two
passes (CSV evaluations: the behaviour columns first) calls the source twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from coachloop.model import Evaluation, Interaction
from coachloop.registry import Registry
from coachloop.store import evaluation_to_dict
from coachloop.store.drilldown import EvaluationHeader
from coachloop.store.reviews import Review

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


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def evaluation_record(item: ExportedEvaluation) -> dict[str, Any]:
    """The JSONL export record: `evaluation_to_dict` plus `agent_id`, `agent_name`, `team`,
    `queue`, `channel`, `started_at`, each behaviour's `title` and, where a reviewer
    overrode it, `review: {outcome, by, at, note}` beside the machine's `outcome`."""
    record = evaluation_to_dict(item.evaluation)
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
