"""Behaviour outcomes as every KPI and signal reads them: the one place they come from.

Human review overrides (a `reviews` table, built on another branch) are to be joined here
and nowhere else: an overridden outcome counts as the reviewer decided. Until that table
exists, the outcome is the machine's.
"""

from __future__ import annotations

from sqlalchemy import Subquery, select

from coachloop.store.tables import behavior_results

__all__ = ["behavior_outcomes"]


def behavior_outcomes(rubric: str | None = None) -> Subquery:
    """Columns interaction_id, rubric, behavior_id, section, critical, outcome (met, missed,
    not_applicable): one row per evaluated behaviour, optionally of one rubric only."""
    b = behavior_results
    query = select(b.c.interaction_id, b.c.rubric, b.c.behavior_id, b.c.section, b.c.critical, b.c.outcome)
    if rubric is not None:
        query = query.where(b.c.rubric == rubric)
    return query.subquery("outcomes")
