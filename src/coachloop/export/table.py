"""`--format csv`: one row per evaluation, a column per behaviour holding its outcome.

`score`, `compliance_passed` and `auto_failed` follow reviewers' overrides; the
`machine_*` columns keep the machine's own figures. The machine's outcome stays in the
behaviour's column; where a reviewer overrode any
outcome of a behaviour, a `<behaviour>.review` column beside it holds the reviewer's
outcome (empty where not overridden). Titles are in the JSONL record only."""

from __future__ import annotations

from typing import TextIO

from coachloop.csvfile import csv_writer
from coachloop.export.base import ExportedEvaluation, Source, evaluation_exporters

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
    "agent_id",
    "agent_name",
    "team",
    "queue",
    "channel",
    "started_at",
    "machine_score",
    "machine_compliance_passed",
    "machine_auto_failed",
)
"""The fixed columns; one column per behaviour id follows, in order of first appearance."""


@evaluation_exporters.register("csv")
def write_evaluations(source: Source[ExportedEvaluation], out: TextIO) -> int:
    behaviors: dict[str, None] = {}
    reviewed: set[str] = set()
    for item in source():
        behaviors.update((r.behavior_id, None) for r in item.evaluation.results)
        reviewed.update(item.reviews)
    columns = [c for b in behaviors for c in ((b, f"{b}.review") if b in reviewed else (b,))]
    writer = csv_writer(out)
    writer.writerow([*EVALUATION_COLUMNS, *columns])
    count = 0
    for item in source():
        ev, h = item.evaluation, item.header
        outcomes = {r.behavior_id: r.outcome.value for r in ev.results}
        outcomes.update(
            (f"{b}.review", r.outcome.value) for b, r in item.reviews.items() if r.outcome is not None
        )
        reason = ev.contact_reason
        machine = item.machine()
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
                (h.agent_id or "") if h else "",
                (h.agent_name or "") if h else "",
                (h.team or "") if h else "",
                (h.queue or "") if h else "",
                h.channel.value if h else "",
                h.started_at.isoformat() if h and h.started_at else "",
                "" if machine.score is None else machine.score,
                machine.compliance_passed,
                machine.auto_failed,
                *(outcomes.get(c, "") for c in columns),
            ]
        )
        count += 1
    return count
