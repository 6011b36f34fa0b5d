"""Compliance on the generated demo, scored against its truth (`demo/truth.json`).

The demo knows what really happened on every call, so two figures a QA lead cares about
can be counted exactly:

* **false auto-fails**: calls auto-failed for a critical behaviour the truth says was
  done (a disclosure in other words, verification asked differently), as a share of all
  calls;
* **violations caught**: of the critical behaviours truly violated, the share the
  evaluation marks missed.

How a truth record maps to the `general` rubric's critical behaviours:

| behaviour | truly violated when |
|---|---|
| `recording_disclosure` | a voice call whose disclosure was not performed (chats need none) |
| `verify_before_account_change` | `order_violation`: an account change with no verification before it |
| `no_prohibited_language` | prohibited language occurred |

The review queue is scored on every outcome whose truth is known (the critical ones as
above; any other behaviour by the truth's `performed`: done is met, not done missed, not
applying not applicable): its **precision** (queued outcomes that are truly wrong) and the
**errors caught** (wrong outcomes that are queued), as `benchmarks.eval_review_queue`
reports them. Queued means what `coachloop review list` lists: a `review_reason`, or a
critical outcome that passes with confidence under 0.7.

Every rate has a Wilson 95 % interval (calls are independent draws of the generator).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coachloop.agreement.behaviors import Interval, wilson_interval
from coachloop.demo.truth import CallTruth, DemoTruth
from coachloop.model import BehaviorResult, Evaluation, Outcome

__all__ = [
    "CRITICAL_TRUTH",
    "DemoComplianceScore",
    "DemoViolations",
    "demo_score_to_dict",
    "outcome_wrong",
    "queued",
    "score_demo_compliance",
    "truth_outcome",
]


def _recording(call: CallTruth) -> bool | None:
    if call.channel != "voice":
        return None
    done = call.performed.get("recording_disclosure")
    return None if done is None else not done


def _order(call: CallTruth) -> bool | None:
    return call.order_violation


def _prohibited(call: CallTruth) -> bool | None:
    # Truth speaks the rubrics' vocabulary: `no_prohibited_language` False means it was said.
    clean = call.performed.get("no_prohibited_language")
    if clean is not None:
        return not clean
    occurred = call.performed.get("prohibited_language")
    return None if occurred is None else bool(occurred)


CRITICAL_TRUTH = {
    "recording_disclosure": _recording,
    "verify_before_account_change": _order,
    "no_prohibited_language": _prohibited,
}
"""Critical behaviour -> truly violated (True), truly not violated (False), or no truth (None)."""


@dataclass(frozen=True, slots=True)
class DemoViolations:
    behavior_id: str
    violations: int
    caught: int
    recall: float | None
    recall_ci: Interval | None
    flagged: int
    """Predicted missed."""
    false_flags: int
    """Predicted missed where the truth says the behaviour was done."""
    precision: float | None
    precision_ci: Interval | None


@dataclass(frozen=True, slots=True)
class DemoComplianceScore:
    seed: int
    calls: int
    auto_failed: int
    false_auto_failed: int
    """Auto-failed for at least one critical behaviour the truth says was done."""
    false_auto_fail_rate: float | None
    false_auto_fail_ci: Interval | None
    violations: int
    caught: int
    recall: float | None
    recall_ci: Interval | None
    behaviors: tuple[DemoViolations, ...]
    chats: int
    chats_with_hold_scored: int
    """Chats whose hold_etiquette came out met or missed (it should not apply)."""
    flagged_for_review: int
    """Evaluations with at least one critical outcome that has a review_reason."""
    flagged_wrong: int = 0
    """Of those, evaluations where a flagged critical outcome is truly wrong (the review
    queue's real doubts)."""
    judged_outcomes: int = 0
    """Outcomes of any behaviour whose truth is known."""
    wrong_outcomes: int = 0
    queued_outcomes: int = 0
    """Of the judged outcomes, those the review queue holds."""
    queued_wrong: int = 0
    violations_caught_or_queued: int = 0
    """Critical violations the machine marked missed or the queue holds."""

    @property
    def outcome_queue_precision(self) -> float | None:
        return self.queued_wrong / self.queued_outcomes if self.queued_outcomes else None

    @property
    def outcome_queue_precision_ci(self) -> Interval | None:
        return wilson_interval(self.queued_wrong, self.queued_outcomes)

    @property
    def errors_caught(self) -> float | None:
        return self.queued_wrong / self.wrong_outcomes if self.wrong_outcomes else None

    @property
    def errors_caught_ci(self) -> Interval | None:
        return wilson_interval(self.queued_wrong, self.wrong_outcomes)

    @property
    def queue_precision(self) -> float | None:
        return self.flagged_wrong / self.flagged_for_review if self.flagged_for_review else None

    @property
    def queue_precision_ci(self) -> Interval | None:
        return wilson_interval(self.flagged_wrong, self.flagged_for_review)


QUEUE_CONFIDENCE = 0.7
"""`coachloop.store.reviews.REVIEW_CONFIDENCE`: a critical pass under it is queued."""


def truth_outcome(call: CallTruth, behavior_id: str) -> Outcome | None:
    """The outcome the truth gives a behaviour that is not one of `CRITICAL_TRUTH`'s."""
    if behavior_id not in call.performed:
        return None
    done = call.performed[behavior_id]
    if done is None:
        return Outcome.NOT_APPLICABLE
    return Outcome.MET if done else Outcome.MISSED


def outcome_wrong(result: BehaviorResult, call: CallTruth) -> bool | None:
    """Whether the truth differs from the outcome; None where the truth says nothing."""
    violated_in = CRITICAL_TRUTH.get(result.behavior_id)
    if result.critical and violated_in is not None:
        violated = violated_in(call)
        return None if violated is None else (result.outcome is Outcome.MISSED) != violated
    expected = truth_outcome(call, result.behavior_id)
    return None if expected is None else result.outcome is not expected


def queued(result: BehaviorResult) -> bool:
    """In `coachloop review list` with its defaults (no dispute, no override)."""
    return result.review_reason is not None or (
        result.critical and result.outcome is not Outcome.MISSED and result.confidence < QUEUE_CONFIDENCE
    )


def score_demo_compliance(evaluations: Iterable[Evaluation], truth: DemoTruth) -> DemoComplianceScore:
    calls = auto_failed = false_auto = chats = chats_hold = review = review_wrong = 0
    judged = wrong_n = queued_n = queued_wrong = caught_or_queued = 0
    tallies = {b: [0, 0, 0, 0] for b in CRITICAL_TRUTH}  # violations, caught, flagged, false flags
    for ev in evaluations:
        call = truth.calls.get(ev.interaction_id)
        if call is None:
            continue
        calls += 1
        results = {r.behavior_id: r for r in ev.results}
        for r in ev.results:
            wrong = outcome_wrong(r, call)
            if wrong is None:
                continue
            judged += 1
            wrong_n += int(wrong)
            if queued(r):
                queued_n += 1
                queued_wrong += int(wrong)
        wrongly_failed = False
        for bid, violated_in in CRITICAL_TRUTH.items():
            result = results.get(bid)
            violated = violated_in(call)
            missed = result is not None and result.outcome is Outcome.MISSED
            t = tallies[bid]
            if violated:
                t[0] += 1
                t[1] += int(missed)
                caught_or_queued += int(missed or (result is not None and queued(result)))
            if missed:
                t[2] += 1
                if violated is False:
                    t[3] += 1
                    wrongly_failed = wrongly_failed or (result is not None and result.critical)
        if ev.auto_failed:
            auto_failed += 1
            false_auto += int(wrongly_failed)
        flagged = [r for r in ev.results if r.critical and r.review_reason]
        if flagged:
            review += 1
            review_wrong += int(any(_wrong(r.outcome, call, r.behavior_id) for r in flagged))
        if call.channel == "chat":
            chats += 1
            hold = results.get("hold_etiquette")
            chats_hold += int(hold is not None and hold.outcome is not Outcome.NOT_APPLICABLE)
    per = tuple(
        DemoViolations(
            bid,
            v,
            c,
            c / v if v else None,
            wilson_interval(c, v),
            f,
            ff,
            (f - ff) / f if f else None,
            wilson_interval(f - ff, f),
        )
        for bid, (v, c, f, ff) in tallies.items()
    )
    violations = sum(t[0] for t in tallies.values())
    caught = sum(t[1] for t in tallies.values())
    return DemoComplianceScore(
        seed=truth.seed,
        calls=calls,
        auto_failed=auto_failed,
        false_auto_failed=false_auto,
        false_auto_fail_rate=false_auto / calls if calls else None,
        false_auto_fail_ci=wilson_interval(false_auto, calls),
        violations=violations,
        caught=caught,
        recall=caught / violations if violations else None,
        recall_ci=wilson_interval(caught, violations),
        behaviors=per,
        chats=chats,
        chats_with_hold_scored=chats_hold,
        flagged_for_review=review,
        flagged_wrong=review_wrong,
        judged_outcomes=judged,
        wrong_outcomes=wrong_n,
        queued_outcomes=queued_n,
        queued_wrong=queued_wrong,
        violations_caught_or_queued=caught_or_queued,
    )


def _wrong(outcome: Outcome, call: CallTruth, behavior_id: str) -> bool:
    """The machine's outcome disagrees with the truth (missed a behaviour that was done, or
    did not miss one that was violated); False where the truth says nothing."""
    violated_in = CRITICAL_TRUTH.get(behavior_id)
    violated = violated_in(call) if violated_in is not None else None
    if violated is None:
        return False
    return (outcome is Outcome.MISSED) != violated


def demo_score_to_dict(score: DemoComplianceScore) -> dict[str, Any]:
    return {
        "seed": score.seed,
        "calls": score.calls,
        "auto_failed": score.auto_failed,
        "false_auto_failed": score.false_auto_failed,
        "false_auto_fail_rate": score.false_auto_fail_rate,
        "false_auto_fail_ci": Interval.as_list(score.false_auto_fail_ci),
        "violations": score.violations,
        "caught": score.caught,
        "violation_recall": score.recall,
        "violation_recall_ci": Interval.as_list(score.recall_ci),
        "behaviors": [
            {
                "id": b.behavior_id,
                "violations": b.violations,
                "caught": b.caught,
                "recall": b.recall,
                "recall_ci": Interval.as_list(b.recall_ci),
                "flagged": b.flagged,
                "false_flags": b.false_flags,
                "precision": b.precision,
                "precision_ci": Interval.as_list(b.precision_ci),
            }
            for b in score.behaviors
        ],
        "chats": score.chats,
        "chats_with_hold_scored": score.chats_with_hold_scored,
        "flagged_for_review": score.flagged_for_review,
        "flagged_wrong": score.flagged_wrong,
        "queue_precision": score.queue_precision,
        "queue_precision_ci": Interval.as_list(score.queue_precision_ci),
        "outcomes": {
            "judged": score.judged_outcomes,
            "wrong": score.wrong_outcomes,
            "queued": score.queued_outcomes,
            "queued_wrong": score.queued_wrong,
            "queue_precision": score.outcome_queue_precision,
            "queue_precision_ci": Interval.as_list(score.outcome_queue_precision_ci),
            "errors_caught": score.errors_caught,
            "errors_caught_ci": Interval.as_list(score.errors_caught_ci),
            "violations_caught_or_queued": score.violations_caught_or_queued,
        },
    }
