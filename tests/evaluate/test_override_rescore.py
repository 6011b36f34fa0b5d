"""A reviewer's override moves the evaluation's figures with it: section scores, quality
score, compliance pass, auto-fail and its cause, wherever they are read (the evaluation,
`evaluations list --auto-failed`, scorecards, `show`, the export), on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from coachloop.evaluate import evaluate, load_rubric
from coachloop.evaluate.compile import CompiledRubric
from coachloop.evaluate.score import score_results
from coachloop.jobs.evaluations import export_records, find_evaluations
from coachloop.jobs.review import set_review
from coachloop.model import Evaluation, Interaction, Outcome, Speaker, Utterance
from coachloop.render import render_evaluation
from coachloop.store import Store

RUBRIC = """\
name: rescore
version: 1
title: Rescore
sections:
  - id: manner
    title: Manner
    behaviors:
      - {id: greet, title: Greet, coaching: say hello, detect: phrase, phrases: [hello], weight: 2}
      - {id: close, title: Close, coaching: say goodbye, detect: phrase, phrases: [goodbye]}
      - {id: empathy, title: Empathy, coaching: say sorry, detect: phrase, phrases: [sorry], critical: true}
  - id: rules
    title: Rules
    compliance: true
    behaviors:
      - {id: disclose, title: Disclose, coaching: say it is recorded, detect: phrase,
         phrases: [recorded], critical: true}
"""


@pytest.fixture
def rubric(tmp_path: Path) -> CompiledRubric:
    path = tmp_path / "rescore.yaml"
    path.write_text(RUBRIC)
    return load_rubric(path)


def call(interaction_id: str, *agent_lines: str) -> Interaction:
    utterances = [
        Utterance(i, Speaker.AGENT if i % 2 == 0 else Speaker.CUSTOMER, text, i * 4.0, i * 4.0 + 3.0)
        for i, text in enumerate(line for a in agent_lines for line in (a, "okay"))
    ]
    return Interaction(id=interaction_id, agent_id="a-1", utterances=utterances)


def evaluated(store: Store, rubric: CompiledRubric, interaction: Interaction) -> Evaluation:
    store.write([interaction], source_format="native")
    store.save_evaluations([evaluate(rubric, interaction)])
    return stored(store, interaction.id)


def stored(store: Store, interaction_id: str) -> Evaluation:
    (ev,) = store.get_evaluations(interaction_id)
    return ev


# greet (2) met, close (1) missed, empathy (1, critical) missed, disclose met.
RUDE = ("hello this call is recorded", "your card is blocked")
# everything met
GOOD = ("hello this call is recorded", "sorry about that, your card is blocked", "goodbye")


def test_overriding_a_critical_miss_to_met_lifts_the_auto_fail_and_raises_the_score_by_its_weight(
    store: Store, rubric: CompiledRubric
) -> None:
    machine = evaluated(store, rubric, call("c-1", *RUDE))
    assert (machine.auto_failed, machine.compliance_passed, machine.score) == (True, False, 0.0)
    assert machine.section_scores["manner"] == 0.5  # 2 of 4

    set_review(store, "c-1", "empathy", "met", by="dana", note="apologised in other words")

    ev = stored(store, "c-1")
    assert (ev.auto_failed, ev.compliance_passed) == (False, True)
    assert ev.score == 0.75  # greet 2 + empathy 1 of 4: up by empathy's weight
    assert ev.section_scores == {"manner": 0.75, "rules": 1.0}
    assert [r.outcome for r in ev.results if r.behavior_id == "empathy"] == [Outcome.MISSED]  # the machine's
    assert find_evaluations(store, auto_failed=True) == []
    (found,) = find_evaluations(store, auto_failed=False)
    assert (found.interaction_id, found.score) == ("c-1", 0.75)
    (card,) = store.agent_scorecards("rescore")
    assert (card.auto_failed, card.compliance_passed) == (0, 1)


def test_overriding_a_met_critical_behaviour_to_missed_auto_fails_and_names_the_cause(
    store: Store, rubric: CompiledRubric
) -> None:
    machine = evaluated(store, rubric, call("c-1", *GOOD))
    assert (machine.auto_failed, machine.score) == (False, 1.0)

    set_review(store, "c-1", "disclose", "missed", by="dana", note="said it after the customer's details")

    ev = stored(store, "c-1")
    assert (ev.auto_failed, ev.compliance_passed, ev.score) == (True, False, 0.0)
    assert ev.section_scores == {"manner": 1.0, "rules": 0.0}
    assert [f.interaction_id for f in find_evaluations(store, auto_failed=True)] == ["c-1"]

    (record,) = export_records(store)
    assert (record["score"], record["auto_failed"], record["compliance_passed"]) == (0.0, True, False)
    assert (record["machine_score"], record["machine_auto_failed"], record["machine_compliance_passed"]) == (
        1.0,
        False,
        True,
    )
    assert record["auto_fail_causes"] == ["disclose"]
    disclose = next(b for b in record["behaviors"] if b["id"] == "disclose")
    assert (disclose["outcome"], disclose["review"]["outcome"]) == ("met", "missed")

    console = Console(record=True, width=250)
    render_evaluation(console, store.get_interaction("c-1") or call("x"), [ev], reviews=store.reviews_of("c-1"))
    shown = console.export_text()
    assert "AUTO-FAIL (disclose)" in shown
    assert "machine 1.00" in shown


def test_setting_the_override_back_to_the_machine_outcome_restores_the_machine_figures(
    store: Store, rubric: CompiledRubric
) -> None:
    machine = evaluated(store, rubric, call("c-1", *RUDE))
    set_review(store, "c-1", "empathy", "met", by="dana")
    set_review(store, "c-1", "empathy", "missed", by="lee", note="no apology at all")

    ev = stored(store, "c-1")
    assert (ev.auto_failed, ev.score, ev.section_scores) == (True, 0.0, machine.section_scores)


def test_override_is_applied_again_when_the_same_input_is_re_evaluated(
    store: Store, rubric: CompiledRubric
) -> None:
    interaction = call("c-1", *RUDE)
    evaluated(store, rubric, interaction)
    set_review(store, "c-1", "empathy", "met", by="dana")

    store.save_evaluations([evaluate(rubric, interaction)])  # `evaluate --all`: same input and version

    ev = stored(store, "c-1")
    assert (ev.auto_failed, ev.score) == (False, 0.75)


def test_stale_override_does_not_apply_after_the_transcript_changed(
    store: Store, rubric: CompiledRubric
) -> None:
    evaluated(store, rubric, call("c-1", *RUDE))
    set_review(store, "c-1", "empathy", "met", by="dana")

    changed = call("c-1", *RUDE, "anything else today")
    store.write([changed], source_format="native")
    store.save_evaluations([evaluate(rubric, changed)])

    ev = stored(store, "c-1")
    assert (ev.auto_failed, ev.compliance_passed, ev.score) == (True, False, 0.0)
    assert [f.interaction_id for f in find_evaluations(store, auto_failed=True)] == ["c-1"]
    (record,) = export_records(store)
    assert record["score"] == record["machine_score"] == 0.0
    assert "review" not in next(b for b in record["behaviors"] if b["id"] == "empathy")


def test_scoring_with_overrides_is_the_evaluations_own_scoring(rubric: CompiledRubric) -> None:
    ev = evaluate(rubric, call("c-1", *RUDE))
    machine = score_results(ev.results)
    assert (machine.score, machine.auto_failed, machine.section_scores) == (
        ev.score,
        ev.auto_failed,
        ev.section_scores,
    )
    assert machine.auto_fail_causes == ("empathy",)
    lifted = score_results(ev.results, {"empathy": Outcome.MET, "close": Outcome.NOT_APPLICABLE})
    assert (lifted.score, lifted.auto_failed, lifted.auto_fail_causes) == (1.0, False, ())
