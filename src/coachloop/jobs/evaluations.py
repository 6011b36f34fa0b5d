"""Drill-down over stored evaluations: find the calls behind a number, read a behaviour's
title and coaching text, delete what a wrong rubric produced, and the export record.

What `coachloop evaluations ...`, `show` and `export evaluations` (and the web API to
come) call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from coachloop.errors import CoachloopError, RubricError
from coachloop.export.base import ExportedEvaluation, evaluation_record
from coachloop.model import Evaluation, Outcome
from coachloop.store import Store
from coachloop.store.drilldown import EvaluationFilter, EvaluationHeader, FoundEvaluation

__all__ = [
    "BehaviorText",
    "behavior_texts",
    "delete_rubric_evaluations",
    "export_records",
    "exported_evaluations",
    "find_evaluations",
    "parse_when",
]


@dataclass(frozen=True, slots=True)
class BehaviorText:
    title: str
    coaching: str


@lru_cache(maxsize=32)
def behavior_texts(rubric: str) -> dict[str, BehaviorText]:
    """Each behaviour's title and coaching text from the rubric named `rubric`.

    Shipped rubrics are found by name; a rubric not found (evaluated from a file that is
    not registered) gives {} and callers show behaviour ids alone.
    """
    from coachloop.rubric.load import load_spec, resolve_rubric_path

    try:
        spec, _ = load_spec(resolve_rubric_path(rubric))
    except (RubricError, OSError):
        return {}
    return {b.id: BehaviorText(b.title, b.coaching) for s in spec.sections for b in s.behaviors}


def parse_when(value: str | None, *, end: bool = False) -> datetime | None:
    """An ISO date or date-time (UTC unless it names a zone). A plain date as `end` means
    the end of that day, so `--until 2026-11-30` includes the 30th."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CoachloopError(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_evaluations(
    store: Store,
    *,
    rubric: str | None = None,
    agent: str | None = None,
    team: str | None = None,
    auto_failed: bool | None = None,
    behavior: str | None = None,
    outcome: Outcome | str | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    limit: int | None = None,
) -> list[FoundEvaluation]:
    """The evaluations behind a number: newest call first. Outcomes are read with
    reviewers' overrides applied; `until` is exclusive (a plain date: that whole day)."""
    if outcome is not None and not isinstance(outcome, Outcome):
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise CoachloopError(
                f"unknown outcome {outcome!r}: give one of {', '.join(o.value for o in Outcome)}"
            ) from None
    start = since if isinstance(since, datetime) or since is None else parse_when(since)
    stop = until if isinstance(until, datetime) or until is None else parse_when(until, end=True)
    if start is not None and stop is not None and stop <= start:
        raise CoachloopError("--until is not after --since: nothing can match")
    return store.find_evaluations(
        EvaluationFilter(
            rubric=rubric,
            agent=agent,
            team=team,
            auto_failed=auto_failed,
            behavior=behavior,
            outcome=outcome,
            since=start,
            until=stop,
            limit=limit,
        )
    )


def delete_rubric_evaluations(store: Store, rubric: str) -> int:
    """Remove every evaluation a rubric produced (and the reviews of them); an unknown
    rubric name is an error naming the rubrics that have evaluations."""
    count = store.delete_evaluations(rubric)
    if count == 0:
        known = ", ".join(store.evaluated_rubrics()) or "none"
        raise CoachloopError(f"no evaluations under rubric {rubric!r} (rubrics with evaluations: {known})")
    return count


def exported_evaluations(
    store: Store, rubric: str | None = None, batch: int = 500
) -> Iterator[ExportedEvaluation]:
    """Every stored evaluation (or `rubric`'s) with what its export record carries beside it:
    the call's header, the behaviours' titles and the overrides in force."""
    page: list[tuple[Evaluation, EvaluationHeader]] = []
    for item in store.iter_evaluations_with_headers(rubric, batch=batch):
        page.append(item)
        if len(page) >= batch:
            yield from _exported(store, page)
            page = []
    yield from _exported(store, page)


def export_records(store: Store, rubric: str | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
    """The JSONL export records (see `coachloop.export.evaluation_record`)."""
    for item in exported_evaluations(store, rubric, batch):
        yield evaluation_record(item)


def _exported(store: Store, page: list[tuple[Evaluation, EvaluationHeader]]) -> Iterator[ExportedEvaluation]:
    if not page:
        return
    overrides = store.overrides_in_force((ev.interaction_id, ev.rubric) for ev, _ in page)
    for ev, header in page:
        texts = behavior_texts(ev.rubric)
        yield ExportedEvaluation(
            evaluation=ev,
            header=header,
            titles={b: t.title for b, t in texts.items()},
            reviews={
                r.behavior_id: r
                for (i, rubric, _), r in overrides.items()
                if (i, rubric) == (ev.interaction_id, ev.rubric)
            },
        )
