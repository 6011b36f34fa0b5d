"""Evaluations: exact round trip, the export shape, and what is due for (re-)evaluation."""

from __future__ import annotations

import orjson
import pytest

from coachloop.errors import StoreError
from coachloop.model import (
    BehaviorResult,
    ContactReason,
    Evaluation,
    Evidence,
    ExpectedWindow,
    Insights,
    InteractionUpdate,
    Outcome,
    Speaker,
    Survey,
    SurveyUpdate,
)
from coachloop.store import Store, content_hash, evaluation_from_dict, evaluation_to_dict
from tests.store.store_builders import evaluation, interaction, result, turns


def rich_evaluation(interaction_id: str = "c-1") -> Evaluation:
    return Evaluation(
        interaction_id=interaction_id,
        rubric="general",
        rubric_version="3",
        score=0.1 + 0.7,
        compliance_passed=False,
        auto_failed=True,
        results=[
            BehaviorResult(
                "greet_with_brand",
                Outcome.MET,
                0.97,
                section="opening",
                evidence=[
                    Evidence(
                        1,
                        Speaker.AGENT,
                        "hello this is harper valley",
                        3.73,
                        8.56,
                        span=(6, 27),
                        matched="this is harper valley",
                    ),
                    Evidence(2, Speaker.AGENT, "welcome", None, None),
                ],
                note="phrase matched",
            ),
            BehaviorResult(
                "verify_identity",
                Outcome.MISSED,
                0.88,
                critical=True,
                section="compliance",
                expected_window=ExpectedWindow(2, 6),
                note="no verification before account talk",
            ),
            BehaviorResult("pain_mirror", Outcome.NOT_APPLICABLE, 1.0),
        ],
        section_scores={"opening": 1.0, "compliance": 0.0, "empathy": None},
        contact_reason=ContactReason("replace card", 0.93, model="reasons-v2"),
        input_hash="abc123",
    )


def test_evaluation_round_trips_exactly_through_the_store(store: Store) -> None:
    assert store.evaluated_rubrics() == []
    store.write([interaction("c-1", 8)], source_format="native")
    ev = rich_evaluation()
    plain = evaluation("c-1", rubric="other", score=None, input_hash="h")

    store.save_evaluations([ev, plain])

    assert store.get_evaluations("c-1") == [ev, plain]
    assert store.get_evaluations("nobody") == []


def test_evaluation_dict_round_trips_and_has_the_export_shape() -> None:
    ev = rich_evaluation()
    record = orjson.loads(orjson.dumps(evaluation_to_dict(ev)))

    assert evaluation_from_dict(record) == ev
    assert list(record) == [
        "interaction_id",
        "rubric",
        "rubric_version",
        "score",
        "compliance_passed",
        "auto_failed",
        "section_scores",
        "contact_reason",
        "input_hash",
        "behaviors",
        "insights",
        "rubric_fingerprint",
    ]
    assert record["insights"] is None
    assert record["contact_reason"] == {"label": "replace card", "confidence": 0.93, "model": "reasons-v2"}
    met, missed, _ = record["behaviors"]
    assert met["evidence"][0] == {
        "utterance_index": 1,
        "speaker": "agent",
        "start": 3.73,
        "end": 8.56,
        "text": "hello this is harper valley",
        "span": [6, 27],
        "matched": "this is harper valley",
    }
    assert "expected_window" not in met
    assert missed == {
        "id": "verify_identity",
        "section": "compliance",
        "outcome": "missed",
        "confidence": 0.88,
        "critical": True,
        "weight": 1.0,
        "compliance": False,
        "note": "no verification before account talk",
        "review_reason": None,
        "evidence": [],
        "expected_window": {"from_utterance": 2, "to_utterance": 6},
    }
    no_reason = evaluation_to_dict(evaluation("c-2"))
    assert no_reason["contact_reason"] is None


def test_evaluation_from_dict_names_a_missing_key() -> None:
    record = evaluation_to_dict(rich_evaluation())
    del record["rubric_version"]
    with pytest.raises(StoreError, match="rubric_version"):
        evaluation_from_dict(record)


def test_pending_evaluation_after_content_change(store: Store) -> None:
    store.write([interaction(i) for i in ("c-1", "c-2", "c-3")], source_format="native")
    assert store.pending_evaluation("general", "1") == ["c-1", "c-2", "c-3"]

    current = [store.get_interaction(i) for i in ("c-1", "c-2", "c-3")]
    store.save_evaluations([evaluation(i.id, input_hash=content_hash(i)) for i in current if i is not None])
    assert store.pending_evaluation("general", "1") == []

    changed = interaction("c-2")
    changed.utterances = turns(3, prefix="changed")
    store.write([changed, interaction("c-3")], source_format="native")  # c-3 identical: not due

    assert store.pending_evaluation("general", "1") == ["c-2"]
    assert store.pending_evaluation("other", "1") == ["c-1", "c-2", "c-3"]


def test_pending_evaluation_after_rubric_version_change(store: Store) -> None:
    store.write([interaction("c-1"), interaction("c-2")], source_format="native")
    store.save_evaluations([evaluation("c-1", version="1"), evaluation("c-2", version="1")])
    assert store.pending_evaluation("general", "1") == []

    assert store.pending_evaluation("general", "2") == ["c-1", "c-2"]
    store.save_evaluations([evaluation("c-1", version="2")])
    assert store.pending_evaluation("general", "2") == ["c-2"]


def test_metadata_and_survey_updates_do_not_make_an_interaction_due(store: Store) -> None:
    store.write([interaction("c-1")], source_format="native")
    store.save_evaluations([evaluation("c-1")])  # no input_hash: stamped with the stored content hash

    store.write(
        [SurveyUpdate("c-1", Survey(csat=1.0)), InteractionUpdate("c-1", fields={"agent_id": "a-9"})],
        source_format="csv",
    )
    assert store.pending_evaluation("general", "1") == []

    store.write([InteractionUpdate("c-1", fields={"language": "es"})], source_format="csv")
    assert store.pending_evaluation("general", "1") == ["c-1"]


def test_queue_change_makes_an_interaction_due(store: Store) -> None:
    """Rubrics are chosen by queue, so a queue arriving later can change the evaluation."""
    store.write([interaction("c-1")], source_format="native")
    store.save_evaluations([evaluation("c-1")])
    store.write([InteractionUpdate("c-1", fields={"queue": "retail_banking"})], source_format="csv")
    assert store.pending_evaluation("general", "1") == ["c-1"]


def test_stored_content_hash_is_the_hash_of_the_stored_interaction(store: Store) -> None:
    store.write(
        [InteractionUpdate("c-1", fields={"contact_reason": "lost card"}), interaction("c-1", language="en")],
        source_format="native",
    )
    stored = store.get_interaction("c-1")
    assert stored is not None

    store.save_evaluations([evaluation("c-1", input_hash=content_hash(stored))])

    assert store.pending_evaluation("general", "1") == []
    [saved] = store.get_evaluations("c-1")
    assert saved.input_hash == content_hash(stored)


def test_save_evaluations_replaces_behavior_rows(store: Store) -> None:
    store.write([interaction("c-1", agent_id="a1")], source_format="native")
    first = [result("a", Outcome.MET), result("b", Outcome.MISSED)]
    store.save_evaluations([evaluation("c-1", results=first)])

    store.save_evaluations([evaluation("c-1", results=[result("b", Outcome.MET)], score=0.5)])

    [saved] = store.get_evaluations("c-1")
    assert [r.behavior_id for r in saved.results] == ["b"] and saved.score == 0.5
    [card] = store.agent_scorecards("general")
    assert [(b.behavior_id, b.applicable, b.met) for b in card.behaviors] == [("b", 1, 1)]


def test_saving_replaces_and_supersedes_exactly_the_named_evaluations(store: Store) -> None:
    ids = [f"c-{i}" for i in range(4)]
    store.write([interaction(i, agent_id="a1") for i in ids], source_format="native")
    met = [result("a", Outcome.MET)]
    store.save_evaluations([evaluation(i, rubric=r, results=met) for i in ids for r in ("general", "sales")])

    # c-0 re-evaluated under general; c-1's sales evaluation superseded; the rest untouched.
    store.save_evaluations(
        [evaluation("c-0", results=[result("b", Outcome.MISSED)], score=0.25)],
        superseded=[("c-1", "sales"), ("c-0", "general")],
    )

    kept = {(e.interaction_id, e.rubric): e for e in store.iter_evaluations()}
    assert sorted(kept) == sorted(
        [(i, "general") for i in ids] + [(i, "sales") for i in ids if i != "c-1"]
    )
    assert kept["c-0", "general"].score == 0.25
    assert [r.behavior_id for r in kept["c-0", "general"].results] == ["b"]
    # The behaviour rows that metrics read went with their evaluations.
    [general] = store.agent_scorecards("general")
    assert sorted((b.behavior_id, b.applicable) for b in general.behaviors) == [("a", 3), ("b", 1)]
    [sales] = store.agent_scorecards("sales")
    assert [(b.behavior_id, b.applicable) for b in sales.behaviors] == [("a", 3)]


def test_saving_an_evaluation_of_an_unknown_interaction_fails_and_saves_nothing(store: Store) -> None:
    store.write([interaction("c-1")], source_format="native")
    with pytest.raises(StoreError, match="cannot save evaluations"):
        store.save_evaluations([evaluation("c-1"), evaluation("ghost")])
    assert store.get_evaluations("c-1") == []


def test_iter_evaluations_streams_by_interaction_then_rubric(store: Store) -> None:
    ids = [f"c-{i:02d}" for i in range(7)]
    store.write([interaction(i) for i in ids], source_format="native")
    store.save_evaluations([evaluation(i, rubric=r) for i in reversed(ids) for r in ("sales", "general")])

    everything = [(e.interaction_id, e.rubric) for e in store.iter_evaluations(batch=3)]
    assert everything == [(i, r) for i in ids for r in ("general", "sales")]
    assert [e.interaction_id for e in store.iter_evaluations("sales", batch=2)] == ids
    assert list(store.iter_evaluations("none")) == []
    assert store.evaluated_rubrics() == ["general", "sales"]


def test_insights_are_stored_and_read_back_with_the_evaluation(store: Store) -> None:
    store.write([interaction("c-1")], source_format="native")
    ev = evaluation("c-1")
    ev.insights = Insights(
        language="hi-en",
        language_share={"hi": 0.6, "en": 0.4},
        code_mixed_turns=0.5,
        sentiment_start=-0.2,
        sentiment_lowest=-0.6,
        sentiment_end=0.3,
        recovered=True,
        frustration_peaks=[3],
    )
    store.save_evaluations([ev])
    assert store.get_evaluations("c-1")[0].insights == ev.insights
    assert evaluation_from_dict(evaluation_to_dict(ev)) == ev
