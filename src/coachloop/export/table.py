"""`--format csv`: one row per evaluation, a column per behaviour holding its outcome."""

from __future__ import annotations

from typing import TextIO

from coachloop.csvfile import csv_writer
from coachloop.export.base import Source, evaluation_exporters
from coachloop.model import Evaluation

__all__ = ["EVALUATION_COLUMNS", "write_evaluations"]

EVALUATION_COLUMNS = (
    "interaction_id",
    "rubric",
    "rubric_version",
    "score",
    "compliance_passed",
    "auto_failed",
    "contact_reason",
    "contact_reason_confidence",
)
"""The fixed columns; one column per behaviour id follows, in order of first appearance."""


@evaluation_exporters.register("csv")
def write_evaluations(source: Source[Evaluation], out: TextIO) -> int:
    behaviors: dict[str, None] = {}
    for ev in source():
        behaviors.update((r.behavior_id, None) for r in ev.results)
    writer = csv_writer(out)
    writer.writerow([*EVALUATION_COLUMNS, *behaviors])
    count = 0
    for ev in source():
        outcomes = {r.behavior_id: r.outcome.value for r in ev.results}
        reason = ev.contact_reason
        writer.writerow(
            [
                ev.interaction_id,
                ev.rubric,
                ev.rubric_version,
                "" if ev.score is None else ev.score,
                ev.compliance_passed,
                ev.auto_failed,
                reason.label if reason else "",
                reason.confidence if reason else "",
                *(outcomes.get(b, "") for b in behaviors),
            ]
        )
        count += 1
    return count
