"""The signals job: what `coachloop signals` (and later the web layer) runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from coachloop.errors import CoachloopError
from coachloop.model import Signal
from coachloop.signals import FINDERS, KINDS, find_all
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
) -> list[Signal]:
    """The ranked signals of the period, at most `limit` of them."""
    if kinds:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise CoachloopError(f"unknown signal kind {unknown[0]!r}; choose from {', '.join(KINDS)}")
        missing = sorted(set(kinds) - set(FINDERS))
        if missing and not set(kinds) & set(FINDERS):
            raise CoachloopError(f"signal kind {missing[0]!r} is not available in this build of coachloop")
    if since is not None and until is not None and since >= until:
        raise CoachloopError(f"--since {since.date()} is not before --until {until.date()}")
    with store.reading("cannot read evaluations for signals") as conn:
        found = find_all(conn, kinds=kinds or None, since=since, until=until, rubric=rubric)
    return found if limit is None else found[:limit]
