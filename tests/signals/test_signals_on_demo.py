"""On a generated center the signals find what was planted, and stay quiet on the control."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from coachloop.demo.people import SOFT_SKILLS
from coachloop.jobs.signals import find_signals
from coachloop.model import Signal

from .conftest import Center

pytestmark = pytest.mark.slow


def _drifting(signals: list[Signal]) -> set[str]:
    return {s.subject["agent_id"] for s in signals if s.kind == "drift"}


def _incident_hits(signals: list[Signal], center: Center) -> list[Signal]:
    (incident,) = center.truth.incidents
    return [
        s
        for s in signals
        if s.kind == "friction"
        and s.subject == {"queue": incident.queue}
        and s.period is not None
        and s.period.start.date() <= incident.start < s.period.end.date()
    ]


def test_drift_finds_the_planted_drifting_agents_and_few_stable_ones(planted: Center) -> None:
    flagged = _drifting(find_signals(planted.store, kinds=["drift"]))
    drifting = set(planted.truth.agents_with(trend="drifting"))
    stable = set(planted.truth.agents_with(trend="stable"))
    assert len(drifting) == 3
    # A small center (60 calls per agent) only shows the detector works at all; recall and
    # false alarms are measured on larger unseen seeds by benchmarks/eval_signals.py.
    assert flagged & drifting, (flagged, drifting)
    assert len(flagged & stable) <= 2, flagged & stable


def test_drift_names_behaviours_that_truly_slid(planted: Center) -> None:
    signals = [
        s
        for s in find_signals(planted.store, kinds=["drift"])
        if s.subject["agent_id"] in set(planted.truth.agents_with(trend="drifting"))
    ]
    assert signals
    named = [(s.subject["agent_id"], s.behavior) for s in signals if s.behavior is not None]
    truly = [b in planted.truth.agents[a].trending_behaviors for a, b in named]
    assert sum(truly) >= len(truly) / 2, named
    for s in signals:
        figures = s.evidence[0]
        assert s.period is not None and figures["alarm_at"] >= figures["change_at"]
        if s.behavior is not None:
            assert figures["rate_after"] < figures["rate_before"]
            assert (
                str(figures["rate_before"])[:3] in s.sentence or f"{figures['rate_before']:.0%}" in s.sentence
            )


def test_friction_finds_the_incident_queue_and_week(planted: Center) -> None:
    signals = find_signals(planted.store, kinds=["friction"])
    hits = _incident_hits(signals, planted)
    assert len(hits) == 1, [s.sentence for s in signals]
    figures = {e["metric"]: e for e in hits[0].evidence if "metric" in e}
    assert "handle_seconds" in figures
    assert figures["handle_seconds"]["week"] > figures["handle_seconds"]["baseline"]
    ids = next(e["interaction_ids"] for e in hits[0].evidence if "interaction_ids" in e)
    assert ids and all(planted.truth.calls[i].queue == "tech_support" for i in ids)
    assert signals[0] == hits[0], "the incident is the strongest friction"


def test_control_run_stays_quiet(control: Center) -> None:
    signals = find_signals(control.store, kinds=["drift", "friction"])
    assert [s for s in signals if s.kind == "friction"] == []
    assert not control.truth.agents_with(trend="drifting")
    stable = set(control.truth.agents_with(trend="stable"))
    flagged = _drifting(signals) & stable
    assert len(flagged) <= 1, flagged


def test_signals_before_the_incident_do_not_see_it(planted: Center) -> None:
    (incident,) = planted.truth.incidents
    until = datetime.combine(incident.start, time(), tzinfo=UTC)
    before = find_signals(planted.store, kinds=["friction"], until=until)
    assert _incident_hits(before, planted) == []


def test_root_cause_points_at_the_weak_team(planted: Center) -> None:
    (weak,) = [t for t in planted.truth.teams.values() if t.weak]
    signals = find_signals(planted.store, kinds=["root_cause"])
    on_team = [s for s in signals if s.subject == {"team": weak.name}]
    assert any(s.behavior in SOFT_SKILLS for s in on_team), [s.sentence for s in signals]
    strong = [t.name for t in planted.truth.teams.values() if not t.weak]
    assert not [s for s in signals if s.subject.get("team") in strong]


def test_rubric_validity_keeps_the_behaviours_that_drive_outcomes(planted: Center) -> None:
    signals = find_signals(planted.store, kinds=["rubric_validity"])
    flagged = {s.behavior for s in signals if s.behavior is not None}
    # explain_next_steps drives both CSAT and repeat contacts in the generator.
    assert "explain_next_steps" not in flagged
    assert flagged & {"polite_close", "recording_disclosure", "verify_identity", "offer_further_help"}


def test_cli_prints_the_ranked_signals_as_designed(planted: Center, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "coachloop", "signals", "--db", planted.store.url, *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )

    proc = run("--format", "json", "--limit", "5", "--kind", "friction", "--kind", "drift")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert 1 <= len(rows) <= 5
    for row in rows:
        assert list(row) == ["kind", "subject", "behavior", "period", "strength", "sentence", "evidence"]
        assert row["kind"] in {"friction", "drift"}
        assert set(row["period"]) == {"from", "to"}
    strengths = [r["strength"] for r in rows]
    assert strengths == sorted(strengths, reverse=True)
    table = run("--limit", "3")
    assert table.returncode == 0 and "strength" in table.stdout
    bad = run("--kind", "astrology")
    assert bad.returncode == 1 and bad.stderr.startswith("coachloop: error: unknown signal kind 'astrology'")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_columnar_snapshot_gives_the_same_frame_and_signals(planted: Center) -> None:
    from coachloop.signals import signal_to_dict
    from tests.signals.same_frame import both_frames

    both_frames(planted.store)
    both_frames(planted.store, rubric="general", since=datetime(2026, 9, 14, tzinfo=UTC))
    on_store = [signal_to_dict(s) for s in find_signals(planted.store, columnar=False)]
    on_snapshot = [signal_to_dict(s) for s in find_signals(planted.store, columnar=True)]
    assert on_store == on_snapshot and on_store
