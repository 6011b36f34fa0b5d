"""Which sessions are due or overdue, and how well a cadence was kept."""

from __future__ import annotations

from datetime import date, timedelta

from coachloop.coaching.cadence import CadenceKept, SessionKind, cadence_kept, due_for

MONDAY = date(2026, 10, 5)


def test_a_kind_never_held_is_due_this_week_and_not_overdue() -> None:
    due = due_for("a1", SessionKind.MICRO, last_held=None, week_of=MONDAY + timedelta(days=3))
    assert due is not None
    assert (due.due_on, due.overdue) == (MONDAY, False)


def test_a_micro_session_held_last_week_is_due_this_week_on_time() -> None:
    due = due_for("a1", SessionKind.MICRO, last_held=MONDAY - timedelta(days=4), week_of=MONDAY)
    assert due is not None
    assert due.due_on == MONDAY + timedelta(days=3)
    assert not due.overdue


def test_a_micro_session_last_held_three_weeks_ago_is_overdue() -> None:
    due = due_for("a1", SessionKind.MICRO, last_held=MONDAY - timedelta(days=21), week_of=MONDAY)
    assert due is not None and due.overdue


def test_a_review_held_this_week_is_not_due_again_until_two_weeks_later() -> None:
    assert due_for("a1", SessionKind.REVIEW, last_held=MONDAY, week_of=MONDAY) is None
    assert due_for("a1", SessionKind.REVIEW, last_held=MONDAY, week_of=MONDAY + timedelta(days=7)) is None
    assert (
        due_for("a1", SessionKind.REVIEW, last_held=MONDAY, week_of=MONDAY + timedelta(days=14)) is not None
    )


def test_a_scheduled_session_sets_the_due_date_when_it_comes_first() -> None:
    due = due_for(
        "a1",
        SessionKind.DEVELOPMENT,
        last_held=MONDAY - timedelta(days=30),
        week_of=MONDAY,
        scheduled=[("s9", MONDAY + timedelta(days=2))],
    )
    assert due is not None
    assert (due.due_on, due.scheduled_id, due.overdue) == (MONDAY + timedelta(days=2), "s9", False)


def test_weekly_sessions_every_week_keep_the_whole_cadence() -> None:
    held = [MONDAY + timedelta(days=7 * w) for w in range(5)]
    assert cadence_kept(held, SessionKind.MICRO, until=held[-1]) == CadenceKept(4, 4)


def test_three_skipped_weeks_cost_three_due_sessions() -> None:
    held = [MONDAY, MONDAY + timedelta(days=28)]
    kept = cadence_kept(held, SessionKind.MICRO, until=MONDAY + timedelta(days=28))
    assert kept == CadenceKept(4, 1)
    assert kept.share == 0.25


def test_sessions_not_held_since_the_last_one_count_as_missed_up_to_the_end() -> None:
    kept = cadence_kept([MONDAY], SessionKind.MICRO, until=MONDAY + timedelta(days=16))
    assert kept == CadenceKept(1, 0)  # the one due on day 7 is late; day 14's can still be on time
