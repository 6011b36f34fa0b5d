"""The per-call frame signals read: definitions checked by hand on a tiny store, on every backend."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coachloop.model import Agent, Evaluation, Insights, Outcome, Survey
from coachloop.store import Store
from tests.signals.same_frame import both_frames
from tests.store.store_builders import interaction, result

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _evaluation(iid: str, outcomes: dict[str, Outcome], peaks: list[int] | None = None) -> Evaluation:
    return Evaluation(
        interaction_id=iid,
        rubric="general",
        rubric_version="1",
        score=0.5,
        compliance_passed=True,
        auto_failed=False,
        results=[result(b, o, critical=b == "verify_identity") for b, o in outcomes.items()],
        insights=None if peaks is None else Insights(language="en", frustration_peaks=peaks),
    )


def _fill(store: Store) -> None:
    store.upsert_agents([Agent("a1", team="Harbor", hire_date=date(2026, 1, 1))])
    calls = [
        # c1: a customer who comes back about the same reason 3 days later (c2): c1 is a repeat-causer.
        interaction(
            "c1",
            agent_id="a1",
            customer_id="k1",
            contact_reason="card",
            queue="cards",
            started_at=T0,
            talk_seconds=300,
            hold_seconds=60,
            acw_seconds=40,
            survey=Survey(csat=2),
        ),
        interaction(
            "c2",
            agent_id="a1",
            customer_id="k1",
            contact_reason="card",
            queue="cards",
            started_at=T0 + timedelta(days=3),
            talk_seconds=200,
            hold_seconds=None,
            acw_seconds=None,
        ),
        # c3: the same customer, another reason, within 7 days: no repeat of c2.
        interaction(
            "c3",
            agent_id="a1",
            customer_id="k1",
            contact_reason="loan",
            queue="loans",
            started_at=T0 + timedelta(days=4),
            talk_seconds=100,
            hold_seconds=0,
            acw_seconds=20,
            survey=Survey(ratings={"caller_rating": 8.0}, scale={"caller_rating": 10.0}),
        ),
        # c4: the last call; its own window runs past the data, so its repeat is unknown.
        interaction(
            "c4",
            agent_id="a1",
            customer_id="k2",
            contact_reason="card",
            queue="cards",
            started_at=T0 + timedelta(days=20),
            talk_seconds=None,
        ),
    ]
    store.write(calls, source_format="native")
    store.save_evaluations(
        [
            _evaluation("c1", {"verify_identity": Outcome.MET, "pain_mirror": Outcome.MISSED}, peaks=[2, 5]),
            _evaluation(
                "c2", {"verify_identity": Outcome.MISSED, "pain_mirror": Outcome.NOT_APPLICABLE}, peaks=[]
            ),
            _evaluation("c3", {"verify_identity": Outcome.MET}),
            _evaluation("c4", {"verify_identity": Outcome.MET}),
        ]
    )


def test_frame_holds_the_per_call_definitions(store: Store, tmp_path: Path) -> None:
    _fill(store)
    frame = both_frames(store, snapshots=tmp_path)
    assert frame.ids.tolist() == ["c1", "c2", "c3", "c4"], "calls in start order"
    assert frame.handle[:3].tolist() == [400.0, 200.0, 120.0], "talk + hold + ACW, missing parts as 0"
    assert math.isnan(frame.handle[3]), "no talk time: no handle time"
    assert frame.repeat[:3].tolist() == [1.0, 0.0, 0.0]
    assert math.isnan(frame.repeat[3])
    assert frame.frustration[:2].tolist() == [2.0, 0.0] and math.isnan(frame.frustration[2])
    assert frame.rating[2] == 0.8 and math.isnan(frame.rating[0])
    assert frame.csat[0] == 2.0
    assert frame.team.tolist() == ["Harbor"] * 4, "the roster's team"
    assert round(float(frame.tenure_days[0])) == (T0.date() - date(2026, 1, 1)).days
    pairs = sorted(
        zip(
            frame.ids[frame.out_call].tolist(),
            frame.out_behavior.tolist(),
            frame.out_met.tolist(),
            strict=True,
        )
    )
    assert pairs == [
        ("c1", "pain_mirror", False),
        ("c1", "verify_identity", True),
        ("c2", "verify_identity", False),
        ("c3", "verify_identity", True),
        ("c4", "verify_identity", True),
    ], "not-applicable outcomes are left out"
    assert frame.critical == frozenset({"verify_identity"})


def test_frame_reads_only_the_period(store: Store, tmp_path: Path) -> None:
    _fill(store)
    frame = both_frames(store, since=T0 + timedelta(days=1), until=T0 + timedelta(days=10), snapshots=tmp_path)
    assert frame.ids.tolist() == ["c2", "c3"]
    assert sorted(frame.ids[frame.out_call].tolist()) == ["c2", "c3"]


def test_empty_store_gives_an_empty_frame_and_no_signals(store: Store) -> None:
    from coachloop.jobs.signals import find_signals

    assert find_signals(store) == []
