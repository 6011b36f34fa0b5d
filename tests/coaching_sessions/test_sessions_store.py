"""Sessions in a real store (SQLite and PostgreSQL): schedule, record, due, follow-up, coaches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coachloop.coaching.followup import Verdict
from coachloop.errors import FieldError
from coachloop.jobs import coach_sessions as cs
from coachloop.model import Agent, Outcome
from coachloop.store import Store
from coachloop.store.coaching import get_session, list_sessions
from coachloop.store.reviews import ReviewKind
from tests.store.store_builders import evaluation, interaction, result

SUP = "Sam Lead"
SESSION = datetime(2026, 10, 3, 18, 0, tzinfo=UTC)  # a Saturday
MET, MISSED = Outcome.MET, Outcome.MISSED


def calls(store: Store, agent: str, *, before: list[bool], after: list[bool], other: bool = True) -> None:
    """Calls of `agent` a day apart before and after SESSION: confirm_request met or missed as
    given, polite_close always `other`."""
    items: list[object] = []
    evals = []
    for side, outcomes in (("b", before), ("a", after)):
        for k, met in enumerate(outcomes):
            day = -(k + 1) if side == "b" else k + 1
            cid = f"{agent}-{side}{k}"
            items.append(interaction(cid, agent_id=agent, started_at=SESSION + timedelta(days=day * 0.5)))
            evals.append(
                evaluation(
                    cid,
                    results=[
                        result("confirm_request", MET if met else MISSED),
                        result("polite_close", MET if other else MISSED),
                    ],
                )
            )
    store.write(items, source_format="native")  # type: ignore[arg-type]
    store.save_evaluations(evals)


@pytest.fixture
def team(store: Store) -> Store:
    store.write(
        [Agent("a1", name="Ann", team="T", supervisor=SUP), Agent("a2", name="Bo", team="T", supervisor=SUP)],
        source_format="native",
    )
    return store


def test_a_scheduled_session_is_recorded_as_held_with_what_was_agreed(team: Store) -> None:
    s = cs.schedule(team, "a1", kind="micro", at=SESSION)
    assert (s.supervisor, s.duration_minutes, s.held_at) == (SUP, 15, None)
    cs.record_session(
        team,
        s.id,
        held_at=SESSION,
        notes="listened to the missed clip",
        behaviors=["confirm_request"],
        commitments=["Repeat the request back before acting"],
        improvement_plan="Say it back in my own words",
        next_checkpoint=date(2026, 10, 10),
    )
    stored = get_session(team, s.id)
    assert stored is not None
    assert stored.held_at == SESSION
    assert stored.behaviors == ["confirm_request"]
    assert stored.commitments == ["Repeat the request back before acting"]
    assert stored.next_checkpoint == date(2026, 10, 10)
    assert stored.created_at is not None and stored.updated_at is not None
    assert [x.id for x in list_sessions(team, held=True)] == [s.id]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"agent_id": "nobody"}, "agent"),
        ({"agent_id": "a1", "kind": "monthly"}, "kind"),
        ({"agent_id": "a1", "behaviors": ["no_such_behaviour"]}, "behaviors"),
        ({"agent_id": "a1", "commitments": ["  "]}, "commitments"),
        ({"agent_id": "a1", "duration_minutes": 0}, "duration"),
        ({"agent_id": "a1", "next_checkpoint": date(2026, 10, 1)}, "next_checkpoint"),
    ],
)
def test_recording_a_bad_session_names_the_field(team: Store, fields: dict[str, object], named: str) -> None:
    with pytest.raises(FieldError) as raised:
        cs.record_session(team, held_at=SESSION, **fields)  # type: ignore[arg-type]
    assert raised.value.field == named
    assert str(raised.value).startswith(named)
    assert list_sessions(team) == []


def test_due_sessions_show_the_overdue_micro_session_first(team: Store) -> None:
    cs.record_session(team, agent_id="a1", kind="micro", held_at=SESSION)
    week = date(2026, 10, 26)  # three weeks later
    due = cs.due_sessions(team, SUP, week)
    a1_micro = [d for d in due if d.agent_id == "a1" and d.kind.value == "micro"]
    assert len(a1_micro) == 1 and a1_micro[0].overdue
    assert due[0] == a1_micro[0]
    a2 = {d.kind.value for d in due if d.agent_id == "a2"}
    assert a2 == {"micro", "review", "development"}  # never coached: all due, none overdue
    assert not any(d.overdue for d in due if d.agent_id == "a2")


def test_followup_says_improved_when_the_agreed_behaviour_rose(team: Store) -> None:
    calls(team, "a1", before=[k < 3 for k in range(12)], after=[k < 11 for k in range(12)])
    cs.record_session(
        team, agent_id="a1", held_at=SESSION, behaviors=["confirm_request"], commitments=["Say it back"]
    )
    [f] = cs.followups(team, as_of=SESSION + timedelta(days=10))
    assert (f.behavior, f.change.before.met, f.change.before.n) == ("confirm_request", 3, 12)
    assert (f.change.after.met, f.change.after.n) == (11, 12)
    assert f.change.verdict is Verdict.IMPROVED
    assert (f.uncoached_before.n, f.uncoached_after.n) == (12, 12)  # polite_close, the same windows


def test_followup_says_no_change_and_not_enough_calls_honestly(team: Store) -> None:
    calls(team, "a1", before=[k % 2 == 0 for k in range(12)], after=[k % 2 == 1 for k in range(12)])
    calls(team, "a2", before=[False] * 12, after=[True] * 4)
    for agent in ("a1", "a2"):
        cs.record_session(team, agent_id=agent, held_at=SESSION, behaviors=["confirm_request"])
    verdicts = {f.agent_id: f.change.verdict for f in cs.followups(team, as_of=SESSION + timedelta(days=10))}
    assert verdicts == {"a1": Verdict.NO_CHANGE, "a2": Verdict.NOT_ENOUGH}


def test_followup_reads_the_reviewers_overrides(team: Store) -> None:
    calls(team, "a1", before=[k < 3 for k in range(12)], after=[k < 11 for k in range(12)])
    cs.record_session(team, agent_id="a1", held_at=SESSION, behaviors=["confirm_request"])
    for k in range(8):  # a reviewer finds the machine wrong on eight of the later calls
        team.add_review(
            ReviewKind.OVERRIDE,
            f"a1-a{k}",
            "confirm_request",
            reviewer="qa",
            outcome=MISSED,
            rubric="general",
        )
    [f] = cs.followups(team, as_of=SESSION + timedelta(days=10))
    assert f.change.after.met == 3
    assert f.change.verdict is Verdict.NO_CHANGE


def test_coach_report_counts_cadence_followups_and_effectiveness(team: Store) -> None:
    calls(team, "a1", before=[k < 3 for k in range(12)], after=[k < 11 for k in range(12)])
    for week in range(3):
        cs.record_session(
            team,
            agent_id="a1",
            held_at=SESSION + timedelta(days=7 * week),
            behaviors=["confirm_request"],
            next_checkpoint=(SESSION + timedelta(days=7 * week + 7)).date(),
        )
    [report] = cs.coach_reports(team, as_of=SESSION + timedelta(days=30))
    assert report.supervisor == SUP and report.sessions_held == 3
    assert (report.cadence.on_time, report.cadence.due) == (2, 3)  # the week after the last was missed
    assert (report.followups_done, report.followups_due) == (2, 3)
    e = report.effectiveness
    assert e.episodes == 1 and e.estimate == pytest.approx(8 / 12)
    assert e.interval is not None and e.interval.low > 0
