"""The signals job: what `coachloop signals` (and later the web layer) runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from coachloop.errors import CoachloopError
from coachloop.metrics import snapshot
from coachloop.model import Signal
from coachloop.signals import FINDERS, KINDS, find_all, rank
from coachloop.signals.engagement import find_engagement_signals
from coachloop.signals.incentive import find_incentive_signals
from coachloop.store import Store

__all__ = ["find_signals"]


def find_signals(
    store: Store,
    *,
    kinds: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rubric: str | None = None,
    limit: int | None = None,
    columnar: bool | None = None,
) -> list[Signal]:
    """The ranked signals of the period, at most `limit` of them.

    `columnar` as in `jobs.metrics.metric_rows`: None reads the calls from the store's
    columnar snapshot where it can have one (refreshed first), True requires it, False
    reads the store."""
    if kinds:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise CoachloopError(f"unknown signal kind {unknown[0]!r}; choose from {', '.join(KINDS)}")
    if since is not None and until is not None and since >= until:
        raise CoachloopError(f"--since {since.date()} is not before --until {until.date()}")
    wanted = set(kinds or KINDS)
    found: list[Signal] = []
    if wanted & set(FINDERS):
        finders = sorted(wanted & set(FINDERS))
        done = False
        if columnar if columnar is not None else snapshot.available(store):
            try:
                with store.reading("cannot read evaluations for signals") as conn, snapshot.open_columnar(
                    store
                ) as facts:
                    found = find_all(conn, kinds=finders, since=since, until=until, rubric=rubric, columnar=facts)
                done = True
            except snapshot.SnapshotError:
                if columnar:
                    raise
        if not done:
            with store.reading("cannot read evaluations for signals") as conn:
                found = find_all(conn, kinds=finders, since=since, until=until, rubric=rubric)
    # Engagement and incentive signals read their own inputs (surveys, a plan) from the store.
    if "engagement" in wanted:
        found += find_engagement_signals(store, since=since, until=until, rubric=rubric)
    if "incentive" in wanted:
        from coachloop.jobs.metrics import compliance_behaviors

        found += find_incentive_signals(
            store, since=since, until=until, rubric=rubric, compliance_behaviors=compliance_behaviors(store)
        )
    found = rank(found)
    return found if limit is None else found[:limit]
