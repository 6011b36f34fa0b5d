"""Demo compliance scoring against a hand-made truth: prohibited language read in the
rubrics' vocabulary, and the review queue's precision (flagged outcomes truly wrong)."""

from __future__ import annotations

from datetime import date

from coachloop.agreement.demo import score_demo_compliance
from coachloop.demo.truth import CallTruth, DemoTruth
from coachloop.model import BehaviorResult, Evaluation, Outcome


def truth_call(call_id: str, *, rude: bool, disclosed: bool) -> CallTruth:
    return CallTruth(
        interaction_id=call_id,
        agent_id="a",
        customer_id="c",
        week=1,
        queue="cards",
        contact_reason="replace_card",
        language="en",
        channel="voice",
        performed={"no_prohibited_language": not rude, "recording_disclosure": disclosed},
        paraphrased=[],
        frustrated=False,
        disposition="resolved",
        order_violation=False,
        late_verification=False,
        hold_seconds=[],
        repeat_probability=0.0,
        contact_number=1,
    )


def evaluation(call_id: str, rude: Outcome, disclosure: Outcome, flagged: bool) -> Evaluation:
    results = [
        BehaviorResult("no_prohibited_language", rude, 0.9, critical=True),
        BehaviorResult(
            "recording_disclosure", disclosure, 0.5, critical=True, review_reason="near" if flagged else None
        ),
    ]
    failed = Outcome.MISSED in (rude, disclosure)
    return Evaluation(call_id, "general", "3", 0.0 if failed else 1.0, not failed, failed, results)


def test_prohibited_language_is_counted_and_the_queue_precision_is_the_share_truly_wrong() -> None:
    calls = {
        "c1": truth_call("c1", rude=True, disclosed=True),
        "c2": truth_call("c2", rude=False, disclosed=True),
        "c3": truth_call("c3", rude=False, disclosed=False),
    }
    truth = DemoTruth(7, date(2026, 1, 5), 1, [], [], [], {}, {}, calls, [])
    score = score_demo_compliance(
        [
            evaluation("c1", Outcome.MISSED, Outcome.MET, flagged=False),
            evaluation("c2", Outcome.MET, Outcome.MISSED, flagged=True),  # disclosed: flag is a real doubt
            evaluation("c3", Outcome.MET, Outcome.MISSED, flagged=True),  # truly missing: flag was not needed
        ],
        truth,
    )
    prohibited = next(b for b in score.behaviors if b.behavior_id == "no_prohibited_language")
    assert (prohibited.violations, prohibited.caught) == (1, 1)
    assert (score.flagged_for_review, score.flagged_wrong, score.queue_precision) == (2, 1, 0.5)


def test_the_queue_is_scored_on_every_outcome_with_a_truth_and_a_queued_violation_counts_as_caught() -> None:
    calls = {"c1": truth_call("c1", rude=False, disclosed=False)}
    calls["c1"].performed.update({"greet_with_brand": True, "hold_etiquette": None})
    truth = DemoTruth(7, date(2026, 1, 5), 1, [], [], [], {}, {}, calls, [])
    results = [
        BehaviorResult("greet_with_brand", Outcome.MISSED, 0.8, review_reason="41% chance"),  # wrong, queued
        BehaviorResult("hold_etiquette", Outcome.MET, 0.9),  # wrong (did not apply), not queued
        BehaviorResult("no_prohibited_language", Outcome.MET, 0.9, critical=True),  # right
        # Not disclosed, but passed on doubtful evidence: wrong, queued by low confidence.
        BehaviorResult("recording_disclosure", Outcome.MET, 0.6, critical=True),
        BehaviorResult("unknown_to_truth", Outcome.MET, 0.9, review_reason="x"),  # not judged
    ]
    score = score_demo_compliance([Evaluation("c1", "general", "3", 1.0, True, False, results)], truth)

    assert (score.judged_outcomes, score.wrong_outcomes) == (4, 3)
    assert (score.queued_outcomes, score.queued_wrong) == (2, 2)
    assert score.outcome_queue_precision == 1.0 and score.errors_caught == 2 / 3
    assert (score.violations, score.caught, score.violations_caught_or_queued) == (1, 0, 1)
