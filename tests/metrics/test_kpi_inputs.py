"""Schedules, agent states, engagement surveys and incentive plans: read with the csv
reader's bad-input rules, stored, and turned into adherence and occupancy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from coachloop.errors import IngestError, RubricError
from coachloop.ingest.kpi_inputs import IntervalRow, read_incentive_plan, read_kpi_table
from coachloop.jobs.metrics import load_kpi_inputs, metric_rows
from coachloop.metrics import MetricsQuery
from coachloop.model import Rejected
from coachloop.store import Store
from coachloop.store.tables import engagement, incentive_weights

STATES = """agent_id,start,end,state
a1,2026-09-07T09:00,2026-09-07T10:00,available
a1,2026-09-07T10:00,2026-09-07T09:30,handling
a1,2026-09-07T10:00,2026-09-07T11:00,Handling
a1,2026-09-07T11:00,2026-09-07T11:30,napping
a1,yesterday,2026-09-07T12:00,away
"""
SCHEDULE = """Agent_ID , Start , End , Activity
a1,2026-09-07T09:00,2026-09-07T12:00,work
a1,2026-09-07T12:00,2026-09-07T12:30,lunch
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_state_rows_are_rejected_with_line_and_column_and_the_rest_kept(tmp_path: Path) -> None:
    kind, rows = read_kpi_table(write(tmp_path, "states.csv", STATES))
    items = list(rows)
    assert kind == "agent_states"
    errors = [i.error.message for i in items if isinstance(i, Rejected)]
    assert errors == [
        "states.csv:3 end: '2026-09-07T09:30' is not after start '2026-09-07T10:00'",
        "states.csv:5 state: unknown state 'napping' (expected available, handling, away, offline)",
        "states.csv:6 start: 'yesterday' is not an ISO 8601 date-time",
    ]
    assert [i.label for i in items if isinstance(i, IntervalRow)] == ["available", "handling"]


def test_a_header_that_fits_no_input_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot tell which table"):
        read_kpi_table(write(tmp_path, "x.csv", "agent_id,when\na1,now\n"))
    with pytest.raises(IngestError, match="needs a team or an agent_id"):
        read_kpi_table(write(tmp_path, "e.csv", "period_start,period_end,score\n"))


def test_inputs_load_into_the_store_and_give_adherence_and_occupancy(store: Store, tmp_path: Path) -> None:
    report = load_kpi_inputs(
        store, [write(tmp_path, "states.csv", STATES), write(tmp_path, "sched.csv", SCHEDULE)]
    )
    assert report.stored == {"agent_states": 2, "schedules": 2} and report.rejected == 3
    assert [q.line for q in store.list_quarantine()] == [3, 5, 6]
    again = load_kpi_inputs(store, [write(tmp_path, "states.csv", STATES)])  # same keys: replaced
    assert again.stored == {"agent_states": 2}
    [row] = metric_rows(store, MetricsQuery(kpis=("adherence_rate", "occupancy_rate")))
    # Work 09:00-12:00 (10,800 s), in seat 09:00-11:00: 7,200 s. Handling 3,600 of 7,200 s.
    assert row.kpis["adherence_rate"].value == pytest.approx(7200 / 10800, rel=1e-6)
    assert row.kpis["occupancy_rate"].value == pytest.approx(0.5, rel=1e-6)


def test_engagement_rows_name_a_team_or_an_agent_and_a_score_within_0_100(
    store: Store, tmp_path: Path
) -> None:
    text = (
        "team,agent_id,period_start,period_end,score,responses\n"
        "North,,2026-09-01,2026-09-30,72.5,40\n"
        ",a1,2026-09-01,2026-09-30,55,\n"
        "North,a1,2026-09-01,2026-09-30,60,3\n"
        "South,,2026-09-01,2026-09-30,120,3\n"
        "South,,2026-09-30,2026-09-01,50,3\n"
    )
    report = load_kpi_inputs(store, [write(tmp_path, "engagement.csv", text)])
    assert report.stored == {"engagement": 2}
    assert [e.split(": ", 1)[1] for e in report.errors] == [
        "give either a team or an agent_id",
        "'120' is outside 0-100",
        "'2026-09-01' is before period_start '2026-09-30'",
    ]
    with store.connect("test") as conn:
        stored = conn.execute(
            select(engagement.c.subject_kind, engagement.c.subject, engagement.c.score)
        ).all()
    assert sorted(stored) == [("agent", "a1", 55.0), ("team", "North", 72.5)]


def test_an_incentive_plan_names_known_kpis_with_positive_weights(store: Store, tmp_path: Path) -> None:
    good = "plan: speed\nweights:\n  aht_seconds: {weight: 0.6}\n  csat: 0.4\n"
    weights = read_incentive_plan(write(tmp_path, "plan.yaml", good))
    assert [(w.kpi, w.weight, w.better) for w in weights] == [
        ("aht_seconds", 0.6, "lower"),
        ("csat", 0.4, "higher"),
    ]
    load_kpi_inputs(store, [tmp_path / "plan.yaml"])
    with store.connect("test") as conn:
        assert conn.execute(
            select(incentive_weights.c.kpi).order_by(incentive_weights.c.kpi)
        ).scalars().all() == [
            "aht_seconds",
            "csat",
        ]
    bad = "plan: speed\nweights:\n  aht_seconds: 0.6\n  aht_secs: 0.4\n"
    with pytest.raises(RubricError, match=r"plan\.yaml:4 weights\.aht_secs: unknown KPI 'aht_secs'"):
        read_incentive_plan(write(tmp_path, "plan.yaml", bad))
    negative = "plan: speed\nweights:\n  csat: {weight: -1}\n"
    with pytest.raises(RubricError, match=r":3 weights\.csat\.weight: the weight must be a positive number"):
        read_incentive_plan(write(tmp_path, "plan.yaml", negative))
