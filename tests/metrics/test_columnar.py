"""The columnar snapshot (`metrics.snapshot`): the same KPI tables as the SQL path on a small
demo store, and never a stale figure after a re-ingest, a re-evaluation, a reviewer's
override or a deletion, on each backend."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from coachloop import jobs
from coachloop.demo import DemoConfig, generate
from coachloop.jobs.metrics import metric_rows
from coachloop.jobs.review import set_review
from coachloop.metrics import MetricsQuery, snapshot
from coachloop.model import Outcome
from coachloop.store import Store
from coachloop.store.tables import evaluations
from tests.metrics.fixtures import build_center
from tests.metrics.same import assert_same_table, both_paths
from tests.store.store_builders import evaluation, interaction, result

TINY = DemoConfig(seed=5, agents=8, teams=2, weeks=3, calls_per_agent_week=4)
"""96 calls of the demo generator: every KPI family, several teams, overrides."""

GROUPINGS = [
    (),
    ("agent", "week"),
    ("agent",),
    ("team", "week"),
    ("queue", "day"),
    ("contact_reason", "channel"),
    ("language", "hour"),
    ("month",),
]


@pytest.fixture
def columnar_store(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The backend's store, with a snapshot location on PostgreSQL too."""
    monkeypatch.setenv(snapshot.SNAPSHOT_DIR_ENV, str(tmp_path / "snapshots"))
    yield store


def _table(store: Store, columnar: bool, **query: Any) -> list[dict[str, Any]]:
    return [r.as_dict() for r in metric_rows(store, MetricsQuery(**query), columnar=columnar)]


def test_both_paths_give_the_same_kpi_tables_on_a_small_demo_store(columnar_store: Store) -> None:
    store = columnar_store
    agents, calls, _truth = generate(TINY)
    store.upsert_agents(agents)
    store.write(list(calls), source_format="native")
    jobs.evaluate_store(store, jobs.default_rubrics())
    first = next(store.iter_evaluations())
    missed = next(r for r in first.results if r.outcome is Outcome.MISSED)
    set_review(store, first.interaction_id, missed.behavior_id, "met", by="qa", rubric=first.rubric)
    for by in GROUPINGS:
        both_paths(store, MetricsQuery(by=by))
    since, until = datetime(2026, 9, 14, tzinfo=UTC), datetime(2026, 9, 21, tzinfo=UTC)
    both_paths(store, MetricsQuery(by=("agent",), since=since, until=until, repeat_window_days=3))
    both_paths(store, MetricsQuery(by=("team",), rubric="general"))
    rows = _table(store, True, by=("agent", "week"))
    assert any(r["aht_seconds"]["shrunk"] not in (None, r["aht_seconds"]["value"]) for r in rows)


def test_the_snapshot_is_made_on_first_use_and_then_kept_fresh(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    assert not snapshot.is_fresh(store)
    _table(store, True)
    assert snapshot.is_fresh(store) and snapshot.snapshot_path(store) is not None
    # A write made straight to the store (not through a job) is seen by the watermark.
    store.write([interaction("c7", agent_id="a1", started_at=datetime(2026, 9, 28, 9, tzinfo=UTC))], source_format="native")
    assert not snapshot.is_fresh(store)
    [row] = _table(store, True, kpis=("contacts",))
    assert row["contacts"]["n"] == 8
    assert snapshot.is_fresh(store)


def test_a_reingested_interaction_replaces_its_copy(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    before = _table(store, True, by=("agent",), kpis=("aht_seconds",))
    report = snapshot.refresh(store)
    assert not report.rebuilt and report.interactions == 0  # nothing changed since
    store.write(
        [interaction("c6", agent_id="a2", customer_id="k3", contact_reason="card", queue="cards",
                     started_at=datetime(2026, 9, 28, 8, tzinfo=UTC), talk_seconds=660.0)],
        source_format="native",
    )
    after = _table(store, True, by=("agent",), kpis=("aht_seconds",))
    assert_same_table(_table(store, False, by=("agent",), kpis=("aht_seconds",)), after)
    a2_before = next(r for r in before if r["agent_id"] == "a2")["aht_seconds"]["value"]
    a2_after = next(r for r in after if r["agent_id"] == "a2")["aht_seconds"]["value"]
    assert a2_after == pytest.approx(a2_before + 600.0 / 4)  # c0, c3, c4, c6


def test_a_reevaluation_replaces_the_evaluation_and_its_outcomes(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    kpis = ("qa_score", "behavior_pass_rate")
    [before] = _table(store, True, kpis=kpis)
    assert before["behavior_pass_rate"]["greet"]["value"] == pytest.approx(1 / 3)
    store.save_evaluations(
        [evaluation("c3", score=1.0, results=[result("greet", Outcome.MET, section="opening")])]
    )
    [after] = _table(store, True, kpis=kpis)
    assert after["behavior_pass_rate"]["greet"]["value"] == pytest.approx(2 / 3)
    assert "verify" in after["behavior_pass_rate"]  # c1 and c2 still have it
    assert after["behavior_pass_rate"]["verify"]["n"] == 2  # c3's copy is gone with its evaluation
    assert_same_table(_table(store, False, kpis=kpis), [after])


def test_an_override_counts_on_the_columnar_path_as_the_reviewer_decided(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    # Evaluated long ago (c5 last): only a review can tell the snapshot that c2 and c3 changed.
    with store.begin("test") as conn:
        conn.execute(update(evaluations).values(evaluated_at=datetime(2026, 1, 1, tzinfo=UTC)))
        conn.execute(
            update(evaluations)
            .where(evaluations.c.interaction_id == "c5")
            .values(evaluated_at=datetime(2026, 2, 1, tzinfo=UTC))
        )
    kpis = ("qa_score", "critical_error_rate", "behavior_pass_rate")
    [before] = _table(store, True, kpis=kpis)
    assert before["critical_error_rate"]["value"] == pytest.approx(1 / 4)
    set_review(store, "c2", "verify", "met", by="qa-lead")
    set_review(store, "c3", "greet", "met", by="qa-lead")
    [after] = _table(store, True, kpis=kpis)
    assert after["critical_error_rate"]["value"] == 0.0
    assert after["behavior_pass_rate"]["verify"]["value"] == 1.0
    # The override rescored c3 in the store (its one applicable behaviour is met now): the
    # snapshot copies that evaluation again, so its score follows.
    assert after["qa_score"]["value"] > before["qa_score"]["value"]
    assert_same_table(_table(store, False, kpis=kpis), [after])


def test_deleted_evaluations_make_the_snapshot_start_again(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    _table(store, True)
    assert store.delete_evaluations("general") == 4
    report = snapshot.refresh(store)
    assert report.rebuilt
    [row] = _table(store, True, kpis=("evaluations", "contacts"))
    assert (row["evaluations"]["n"], row["contacts"]["n"]) == (0, 7)


def test_a_store_without_a_snapshot_location_reads_the_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(snapshot.SNAPSHOT_DIR_ENV, raising=False)
    build_center(store)
    if store.url.startswith("sqlite"):
        pytest.skip("a SQLite file always has one beside it")
    assert snapshot.snapshot_path(store) is None and not snapshot.available(store)
    with pytest.raises(snapshot.SnapshotError):
        _table(store, True)
    [row] = _table(store, False, kpis=("contacts",))
    assert row["contacts"]["n"] == 7
    [auto] = [r.as_dict() for r in metric_rows(store, MetricsQuery(kpis=("contacts",)))]
    assert auto == row


def test_a_snapshot_another_process_is_writing_falls_back_to_the_store(columnar_store: Store) -> None:
    store = columnar_store
    build_center(store)
    _table(store, True)
    path = snapshot.snapshot_path(store)
    assert path is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(snapshot.SnapshotError):
            _table(store, True)
        auto = [r.as_dict() for r in metric_rows(store, MetricsQuery(by=("agent",)))]
        assert_same_table(_table(store, False, by=("agent",)), auto)
    finally:
        holder.communicate("")
    assert_same_table(_table(store, False, by=("agent",)), _table(store, True, by=("agent",)))


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
con.close()
"""
