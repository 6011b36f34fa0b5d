"""Compliance pass rate and critical-error rate read the outcomes that count: a reviewer's
override of a critical or compliance-section behaviour moves them (the flag the machine
stored in `evaluations` does not).

Hand computation on three evaluations of rubric `general` (whose compliance section holds
`recording_disclosure` and `no_prohibited_language`, critical, and `verify_identity`, not
critical):
* e1: all met -> passes.
* e2: `recording_disclosure` missed (critical) -> fails, a critical error.
* e3: `verify_identity` missed (compliance, not critical) and `greet` missed (quality) ->
  fails compliance, no critical error.
Machine: compliance 1/3, critical errors 1/3.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from coachloop.jobs.metrics import compliance_behaviors, metric_rows
from coachloop.metrics import MetricsQuery
from coachloop.model import BehaviorResult, Outcome
from coachloop.store import Store
from coachloop.store.reviews import ReviewKind
from tests.store.store_builders import evaluation, interaction, result

MET, MISSED = Outcome.MET, Outcome.MISSED
KPIS = ("compliance_pass_rate", "critical_error_rate")


def _build(store: Store) -> None:
    started = datetime(2026, 9, 7, 10, tzinfo=UTC)
    store.write(
        [interaction(f"c{n}", agent_id="a1", started_at=started, talk_seconds=60.0) for n in (1, 2, 3)],
        source_format="native",
    )

    def results(disclosure: Outcome, verify: Outcome, greet: Outcome) -> list[BehaviorResult]:
        return [
            result("greet", greet, section="opening"),
            result("recording_disclosure", disclosure, critical=True, section="compliance"),
            result("verify_identity", verify, section="compliance"),
        ]

    store.save_evaluations(
        [
            evaluation("c1", results=results(MET, MET, MET)),
            evaluation("c2", passed=False, auto_failed=True, score=0.0, results=results(MISSED, MET, MET)),
            evaluation("c3", passed=False, score=0.0, results=results(MET, MISSED, MISSED)),
        ]
    )


def _figures(store: Store) -> tuple[Any, Any]:
    [row] = [r.as_dict() for r in metric_rows(store, MetricsQuery(kpis=KPIS))]
    assert row["compliance_pass_rate"]["n"] == 3 and row["critical_error_rate"]["n"] == 3
    return row["compliance_pass_rate"]["value"], row["critical_error_rate"]["value"]


def _override(store: Store, interaction_id: str, behavior_id: str, outcome: Outcome) -> None:
    store.add_review(
        ReviewKind.OVERRIDE, interaction_id, behavior_id, reviewer="qa", outcome=outcome, rubric="general"
    )


def test_the_compliance_behaviours_come_from_the_rubric_catalogue(store: Store) -> None:
    found = compliance_behaviors(store)
    assert ("general", "verify_identity") in found
    assert ("general", "recording_disclosure") in found
    assert all(b != "greet" for _, b in found)


def test_compliance_follows_the_machine_outcomes_without_overrides(store: Store) -> None:
    _build(store)
    assert _figures(store) == (pytest.approx(1 / 3), pytest.approx(1 / 3))


def test_an_override_of_a_critical_behaviour_to_met_passes_the_evaluation(store: Store) -> None:
    _build(store)
    _override(store, "c2", "recording_disclosure", MET)
    # c1 and c2 pass, c3 still fails on verify_identity; no critical error left.
    assert _figures(store) == (pytest.approx(2 / 3), 0.0)


def test_an_override_of_a_critical_behaviour_to_missed_fails_the_evaluation(store: Store) -> None:
    _build(store)
    _override(store, "c1", "recording_disclosure", MISSED)
    # Nobody passes: c1 and c2 on the disclosure, c3 on verify_identity.
    assert _figures(store) == (0.0, pytest.approx(2 / 3))


def test_an_override_of_a_compliance_behaviour_counts_and_a_quality_one_does_not(store: Store) -> None:
    _build(store)
    _override(store, "c3", "greet", MET)  # quality: compliance unchanged
    assert _figures(store) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    _override(store, "c3", "verify_identity", MET)
    assert _figures(store) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
