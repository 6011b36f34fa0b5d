"""Drill-down: finding the evaluations behind a number, the export record's who-and-when,
titles and reviews, and deleting a rubric's results, on every backend."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import orjson
import pytest

from coachloop.errors import CoachloopError
from coachloop.jobs.evaluations import delete_rubric_evaluations, export_records, find_evaluations
from coachloop.jobs.export import export_evaluations
from coachloop.jobs.review import set_review
from coachloop.model import Agent, BehaviorResult, Channel, Outcome
from coachloop.store import Store
from tests.store.store_builders import evaluation, interaction


def results(disclosure: Outcome, verify: Outcome = Outcome.MET) -> list[BehaviorResult]:
    return [
        BehaviorResult("greet_with_brand", Outcome.MET, 0.95, section="opening"),
        BehaviorResult("recording_disclosure", disclosure, 0.8, critical=True, section="compliance"),
        BehaviorResult("verify_before_account_change", verify, 0.95, critical=True, section="compliance"),
    ]


@pytest.fixture
def calls(store: Store) -> Store:
    """c-1 (A1, team from its agent) auto-failed on disclosure on 1 Nov; c-2 (A2, its own team,
    chat) passed on 2 Nov; c-3 (no agent, no date) auto-failed on verification."""
    store.upsert_agents(
        [Agent("A1", name="Ada Byron", team="Granite"), Agent("A2", name="Bo Li", team="Harbor")]
    )
    store.write(
        [
            interaction("c-1", agent_id="A1", queue="cards", started_at=datetime(2026, 11, 1, 9, tzinfo=UTC)),
            interaction(
                "c-2",
                agent_id="A2",
                team="Special",
                channel=Channel.CHAT,
                started_at=datetime(2026, 11, 2, 23, 59, tzinfo=UTC),
            ),
            interaction("c-3"),
        ],
        source_format="native",
    )
    store.save_evaluations(
        [
            evaluation("c-1", passed=False, auto_failed=True, score=0.0, results=results(Outcome.MISSED)),
            evaluation("c-2", results=results(Outcome.MET)),
            evaluation(
                "c-3", passed=False, auto_failed=True, score=0.0, results=results(Outcome.MET, Outcome.MISSED)
            ),
            evaluation("c-1", rubric="first_30_seconds", results=results(Outcome.MET)),
        ]
    )
    return store


def ids(store: Store, **filters: object) -> list[str]:
    return [f.interaction_id for f in find_evaluations(store, **filters)]  # type: ignore[arg-type]


def test_find_evaluations_filters_by_who_when_and_what(calls: Store) -> None:
    assert ids(calls, rubric="general") == ["c-2", "c-1", "c-3"]  # newest first, undated last
    assert ids(calls, agent="A1") == ["c-1", "c-1"]
    assert ids(calls, team="Granite") == ["c-1", "c-1"]  # the agent's team
    assert ids(calls, team="Special") == ["c-2"]  # the call's own team wins
    assert ids(calls, auto_failed=True) == ["c-1", "c-3"]
    assert ids(calls, auto_failed=False, rubric="general") == ["c-2"]
    assert ids(calls, behavior="recording_disclosure", outcome="missed") == ["c-1"]
    assert ids(calls, outcome=Outcome.MISSED) == ["c-1", "c-3"]
    assert ids(calls, since="2026-11-02") == ["c-2"]
    assert ids(calls, until="2026-11-01", rubric="general") == ["c-1"]  # a plain date is the whole day
    assert ids(calls, since="2026-11-01", until="2026-11-02", rubric="general") == ["c-2", "c-1"]
    assert ids(calls, rubric="general", limit=1) == ["c-2"]


def test_found_evaluations_name_the_agent_and_what_caused_the_auto_fail(calls: Store) -> None:
    first, *_ = find_evaluations(calls, agent="A1", rubric="general")
    assert (first.header.agent_name, first.header.team, first.header.queue) == (
        "Ada Byron",
        "Granite",
        "cards",
    )
    assert first.header.channel is Channel.VOICE
    assert first.failed_critical == ("recording_disclosure",)
    assert find_evaluations(calls, behavior="greet_with_brand", agent="A2")[0].behavior_outcome is Outcome.MET


def test_find_evaluations_reads_outcomes_with_overrides_applied(calls: Store) -> None:
    set_review(calls, "c-1", "recording_disclosure", "met", by="dana", rubric="general")
    assert ids(calls, behavior="recording_disclosure", outcome="missed") == []
    assert find_evaluations(calls, agent="A1", rubric="general")[0].failed_critical == ()


def test_bad_filters_are_one_line_errors(calls: Store) -> None:
    with pytest.raises(CoachloopError, match="'yesterday' is not a date"):
        find_evaluations(calls, since="yesterday")
    with pytest.raises(CoachloopError, match="unknown outcome 'good'"):
        find_evaluations(calls, outcome="good")
    with pytest.raises(CoachloopError, match="--until is not after --since"):
        find_evaluations(calls, since="2026-11-03", until="2026-11-01")


def test_export_record_carries_who_when_titles_and_reviews_beside_the_machine(calls: Store) -> None:
    set_review(calls, "c-1", "recording_disclosure", "met", by="dana", note="said it", rubric="general")
    records = {(r["interaction_id"], r["rubric"]): r for r in export_records(calls, batch=2)}
    assert len(records) == 4
    r = records[("c-1", "general")]
    assert (r["agent_id"], r["agent_name"], r["team"], r["queue"], r["channel"]) == (
        "A1",
        "Ada Byron",
        "Granite",
        "cards",
        "voice",
    )
    assert r["started_at"] == "2026-11-01T09:00:00+00:00"
    assert r["auto_failed"] is False and r["score"] == 1.0  # the override applied
    assert r["machine_auto_failed"] is True and r["machine_score"] == 0.0  # the machine's kept beside
    greet, disclosure, _ = r["behaviors"]
    assert greet["title"] == "Greets with the brand and own name" and "review" not in greet
    assert disclosure["outcome"] == "missed"
    assert disclosure["review"]["outcome"] == "met" and disclosure["review"]["by"] == "dana"
    assert disclosure["review"]["note"] == "said it" and disclosure["review"]["at"].startswith("20")
    undated = records[("c-3", "general")]
    assert (undated["agent_id"], undated["agent_name"], undated["started_at"]) == (None, None, None)


def test_export_leaves_out_a_stale_override(calls: Store) -> None:
    set_review(calls, "c-1", "recording_disclosure", "met", by="dana", rubric="general")
    calls.save_evaluations([evaluation("c-1", version="2", results=results(Outcome.MISSED))])
    record = next(r for r in export_records(calls, "general") if r["interaction_id"] == "c-1")
    assert "review" not in record["behaviors"][1]


def test_delete_removes_a_rubrics_evaluations_and_their_reviews_only(calls: Store) -> None:
    set_review(calls, "c-1", "greet_with_brand", "missed", by="dana", rubric="first_30_seconds")
    set_review(calls, "c-1", "greet_with_brand", "missed", by="dana", rubric="general")
    assert delete_rubric_evaluations(calls, "first_30_seconds") == 1
    assert calls.evaluated_rubrics() == ["general"]
    assert [r.rubric for r in calls.reviews_of()] == ["general"]
    assert {r["rubric"] for r in calls.effective_outcomes()} == {"general"}
    with pytest.raises(CoachloopError, match=r"no evaluations under rubric 'first_30_seconds' .*general"):
        delete_rubric_evaluations(calls, "first_30_seconds")


def test_csv_export_has_who_and_when_columns_and_the_review_beside_the_machine(calls: Store) -> None:
    set_review(calls, "c-1", "recording_disclosure", "met", by="dana", rubric="general")
    out = io.StringIO()
    assert export_evaluations(calls, out, "csv", rubric="general") == 3
    rows = {r["interaction_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    c1 = rows["c-1"]
    assert (c1["agent_id"], c1["agent_name"], c1["team"], c1["queue"], c1["channel"]) == (
        "A1",
        "Ada Byron",
        "Granite",
        "cards",
        "voice",
    )
    assert c1["started_at"] == "2026-11-01T09:00:00+00:00"
    assert (c1["recording_disclosure"], c1["recording_disclosure.review"]) == ("missed", "met")
    assert rows["c-2"]["recording_disclosure.review"] == ""
    assert "greet_with_brand.review" not in c1  # no review of it anywhere: no column


def test_jsonl_export_job_writes_the_full_record(calls: Store) -> None:
    out = io.StringIO()
    assert export_evaluations(calls, out, "jsonl", rubric="general") == 3
    first = orjson.loads(out.getvalue().splitlines()[0])
    assert first["agent_name"] == "Ada Byron" and first["behaviors"][0]["title"]
