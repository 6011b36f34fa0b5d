"""Session cadence: which coaching sessions are due or overdue, and how well a cadence was kept.

Three kinds of session, each with its own rhythm (issue 12): a weekly micro-coaching
session of 15-20 minutes on one behaviour, a bi-weekly performance review and a quarterly
development conversation. A session of a kind is due `INTERVAL_DAYS[kind]` after the last
one of that kind was held (or on its scheduled date, if one is scheduled and not yet held),
and is held **on time** when it is held no later than `GRACE_DAYS[kind]` after that.
Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "DURATION_MINUTES",
    "GRACE_DAYS",
    "INTERVAL_DAYS",
    "CadenceKept",
    "Due",
    "SessionKind",
    "cadence_kept",
    "due_for",
    "week_start",
]


class SessionKind(StrEnum):
    MICRO = "micro"
    """Weekly micro-coaching, 15-20 minutes, one behaviour."""
    REVIEW = "review"
    """Bi-weekly performance review."""
    DEVELOPMENT = "development"
    """Quarterly development conversation."""


INTERVAL_DAYS: dict[SessionKind, int] = {
    SessionKind.MICRO: 7,
    SessionKind.REVIEW: 14,
    SessionKind.DEVELOPMENT: 91,
}
GRACE_DAYS: dict[SessionKind, int] = {
    SessionKind.MICRO: 2,
    SessionKind.REVIEW: 3,
    SessionKind.DEVELOPMENT: 14,
}
"""How late a session may be held and still count as on time."""
DURATION_MINUTES: dict[SessionKind, int] = {
    SessionKind.MICRO: 15,
    SessionKind.REVIEW: 30,
    SessionKind.DEVELOPMENT: 60,
}
"""The planned length of each kind (micro: 15-20 minutes)."""


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class Due:
    """A session of `kind` with `agent_id` that should happen by `due_on`."""

    agent_id: str
    kind: SessionKind
    due_on: date
    last_held: date | None
    overdue: bool
    """It should have been held before the week asked about began."""
    scheduled_id: str | None = None
    """The scheduled (not yet held) session that covers it, if any."""


def due_for(
    agent_id: str,
    kind: SessionKind,
    *,
    last_held: date | None,
    week_of: date,
    scheduled: Sequence[tuple[str, date]] = (),
) -> Due | None:
    """The session of `kind` due for `agent_id` in the week of `week_of` (Monday to Sunday),
    including one overdue from before it; None when none is due that week.

    `last_held`: when the last session of this kind was held (None: never; it is then due
    this week, not overdue). `scheduled`: (id, date) of sessions of this kind scheduled and
    not held; the earliest one after `last_held` sets the due date when it comes first.
    """
    monday = week_start(week_of)
    sunday = monday + timedelta(days=6)
    pending = sorted((d, i) for i, d in scheduled if last_held is None or d >= last_held)
    if last_held is None:
        due_on = monday
        if pending and pending[0][0] < monday:
            due_on = pending[0][0]
    else:
        due_on = last_held + timedelta(days=INTERVAL_DAYS[kind])
        if pending and pending[0][0] < due_on:
            due_on = pending[0][0]
    if due_on > sunday:
        return None
    scheduled_id = pending[0][1] if pending else None
    overdue = due_on + timedelta(days=GRACE_DAYS[kind]) < monday
    return Due(agent_id, kind, due_on, last_held, overdue, scheduled_id)


@dataclass(frozen=True, slots=True)
class CadenceKept:
    """How many sessions were due over a period and how many of them were held on time."""

    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def __add__(self, other: CadenceKept) -> CadenceKept:
        return CadenceKept(self.due + other.due, self.on_time + other.on_time)


def cadence_kept(held: Sequence[date], kind: SessionKind, *, until: date) -> CadenceKept:
    """Sessions of `kind` due after the first one held and up to `until`, and how many were
    held on time (within `GRACE_DAYS` of their due date).

    A gap of several intervals counts every interval in it as one due session missed, so
    skipping three weekly sessions costs three, not one. A session due less than its
    grace before `until` is not counted yet (it can still be on time).
    """
    days = sorted(set(held))
    if not days:
        return CadenceKept(0, 0)
    interval = timedelta(days=INTERVAL_DAYS[kind])
    grace = timedelta(days=GRACE_DAYS[kind])
    due = on_time = 0
    previous = days[0]
    for day in [*days[1:], None]:
        expected = previous + interval
        while day is None or expected + grace < day:
            if expected + grace >= until:
                break
            due += 1  # an interval passed without a session
            expected += interval
        if day is None:
            break
        if day <= expected + grace:
            due += 1
            on_time += 1
        previous = day
    return CadenceKept(due, on_time)
