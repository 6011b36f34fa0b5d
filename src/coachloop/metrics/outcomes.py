"""Behaviour outcomes as every KPI reads them: the one place they come from.

They are `store.reviews.effective_outcomes`: an outcome a reviewer overrode counts as the
reviewer decided (the machine's outcome is kept beside it in the store, not here).
"""

from __future__ import annotations

from sqlalchemy import Subquery

from coachloop.store.reviews import effective_outcomes

__all__ = ["behavior_outcomes"]


def behavior_outcomes(rubric: str | None = None) -> Subquery:
    """Columns interaction_id, rubric, behavior_id, section, critical, outcome (met, missed,
    not_applicable; a reviewer's override applied): one row per evaluated behaviour,
    optionally of one rubric only."""
    e = effective_outcomes(rubric).subquery("effective")
    return (
        e.select()
        .with_only_columns(
            e.c.interaction_id, e.c.rubric, e.c.behavior_id, e.c.section, e.c.critical, e.c.outcome
        )
        .subquery("outcomes")
    )
