"""Reviews: overrides kept across re-evaluation (stale otherwise), the queue, disputes,
outcomes with overrides applied, and agreement, on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coachloop.errors import ReviewError
from coachloop.jobs.review import agreement, dispute_outcome, review_detail, review_queue, set_review
from coachloop.model import BehaviorResult, Evaluation, Outcome
from coachloop.store import Store
from coachloop.store.reviews import QueueReason, ReviewKind, effective_outcomes
from tests.store.store_builders import evaluation, interaction


def outcomes(
    verify: tuple[Outcome, float, str | None] = (Outcome.MISSED, 0.9, None),
    greet: tuple[Outcome, float] = (Outcome.MET, 0.95),
) -> list[BehaviorResult]:
    return [
        BehaviorResult("greet", greet[0], greet[1], section="opening"),
        BehaviorResult(
            "verify", verify[0], verify[1], critical=True, section="compliance", review_reason=verify[2]
        ),
    ]


def evaluated(
    store: Store,
    interaction_id: str = "c-1",
    *,
    input_hash: str = "h1",
    version: str = "1",
    results: list[BehaviorResult] | None = None,
    agent: str | None = "a-1",
) -> Evaluation:
    if store.get_interaction(interaction_id) is None:
        store.write([interaction(interaction_id, agent_id=agent)], source_format="native")
    ev = evaluation(
        interaction_id, rubric="bank", version=version, results=results or outcomes(), input_hash=input_hash
    )
    store.save_evaluations([ev])
    return ev


def effective(store: Store, interaction_id: str, behavior: str) -> tuple[str, str, bool]:
    row = next(
        r
        for r in store.effective_outcomes("bank")
        if (r["interaction_id"], r["behavior_id"]) == (interaction_id, behavior)
    )
    return row["outcome"], row["machine_outcome"], row["overridden"]


def test_override_records_who_when_why_and_what_the_machine_said(store: Store) -> None:
    evaluated(store)
    review = set_review(store, "c-1", "verify", "met", by="dana", note="verified by date of birth")

    assert (review.kind, review.reviewer, review.note) == (
        ReviewKind.OVERRIDE,
        "dana",
        "verified by date of birth",
    )
    assert (review.outcome, review.machine_outcome, review.machine_confidence) == (
        Outcome.MET,
        Outcome.MISSED,
        0.9,
    )
    assert (review.rubric, review.rubric_version, review.input_hash) == ("bank", "1", "h1")
    assert review.created_at.tzinfo is not None
    assert effective(store, "c-1", "verify") == ("met", "missed", True)
    assert effective(store, "c-1", "greet") == ("met", "met", False)


def test_override_is_kept_across_reevaluation_of_the_same_input_and_version_and_stale_otherwise(
    store: Store,
) -> None:
    evaluated(store)
    set_review(store, "c-1", "verify", "met", by="dana")

    evaluated(store)  # the same input and rubric version evaluated again
    assert effective(store, "c-1", "verify") == ("met", "missed", True)
    assert [r.stale for r in store.reviews_of("c-1")] == [False]

    evaluated(store, input_hash="h2")  # the transcript changed
    assert effective(store, "c-1", "verify") == ("missed", "missed", False)
    assert [r.stale for r in store.reviews_of("c-1")] == [True]

    evaluated(store, input_hash="h1", version="2")  # the rubric changed
    assert effective(store, "c-1", "verify") == ("missed", "missed", False)

    evaluated(store, input_hash="h1", version="1")  # back to what was reviewed
    assert effective(store, "c-1", "verify") == ("met", "missed", True)


def test_the_latest_override_is_in_force(store: Store) -> None:
    evaluated(store)
    set_review(store, "c-1", "verify", "met", by="dana")
    set_review(store, "c-1", "verify", "not_applicable", by="lee", note="no account action")
    assert effective(store, "c-1", "verify") == ("not_applicable", "missed", True)
    detail = review_detail(store, "c-1")
    in_force = detail.in_force("bank", "verify")
    assert in_force is not None and in_force.reviewer == "lee"


def test_effective_outcomes_is_a_query_metrics_can_group(store: Store) -> None:
    evaluated(store, "c-1")
    evaluated(store, "c-2")
    set_review(store, "c-2", "verify", "met", by="dana")
    eff = effective_outcomes("bank").subquery()
    query = (
        select(eff.c.outcome, func.count())
        .where(eff.c.behavior_id == "verify")
        .group_by(eff.c.outcome)
        .order_by(eff.c.outcome)
    )
    with store._read("test") as conn:
        assert [tuple(r) for r in conn.execute(query)] == [("met", 1), ("missed", 1)]


def test_queue_holds_flagged_and_unsure_critical_outcomes_until_reviewed(store: Store) -> None:
    evaluated(
        store, "c-flagged", results=outcomes(verify=(Outcome.NOT_APPLICABLE, 0.9, "account action unclear"))
    )
    evaluated(store, "c-unsure", results=outcomes(verify=(Outcome.MET, 0.55, None)))
    evaluated(store, "c-sure", results=outcomes(verify=(Outcome.MISSED, 0.9, None)))
    evaluated(store, "c-quality", results=outcomes(greet=(Outcome.MISSED, 0.3)))  # not critical

    queue = review_queue(store)
    assert [(q.interaction_id, q.behavior_id, q.reasons) for q in queue] == [
        ("c-flagged", "verify", (QueueReason.FLAGGED,)),
        ("c-unsure", "verify", (QueueReason.LOW_CONFIDENCE,)),
    ]
    assert queue[0].review_reason == "account action unclear" and queue[0].agent_id == "a-1"
    assert [q.interaction_id for q in review_queue(store, threshold=0.5)] == ["c-flagged"]
    assert [q.interaction_id for q in review_queue(store, reason=QueueReason.LOW_CONFIDENCE)] == ["c-unsure"]

    set_review(store, "c-flagged", "verify", "missed", by="dana", note="balance read out unverified")
    assert [q.interaction_id for q in review_queue(store)] == ["c-unsure"]

    # Re-evaluated on a changed transcript: the override is stale, the outcome is back.
    evaluated(
        store,
        "c-flagged",
        input_hash="h2",
        results=outcomes(verify=(Outcome.NOT_APPLICABLE, 0.9, "account action unclear")),
    )
    assert [q.interaction_id for q in review_queue(store)] == ["c-flagged", "c-unsure"]


def test_a_flagged_outcome_of_any_behaviour_is_queued_an_unsure_one_only_when_a_critical_pass(
    store: Store,
) -> None:
    # The error model flags any outcome it expects to be wrong; low confidence alone
    # queues only critical outcomes that pass (a miss auto-fails loudly).
    flagged_greet = [
        BehaviorResult("greet", Outcome.MISSED, 0.8, section="opening", review_reason="41% chance"),
        BehaviorResult("verify", Outcome.MET, 0.95, critical=True, section="compliance"),
    ]
    evaluated(store, "c-greet", results=flagged_greet)
    evaluated(store, "c-quality", results=outcomes(greet=(Outcome.MISSED, 0.3)))
    evaluated(store, "c-fails", results=outcomes(verify=(Outcome.MISSED, 0.4, None)))

    queue = review_queue(store)
    assert [(q.interaction_id, q.behavior_id, q.reasons) for q in queue] == [
        ("c-greet", "greet", (QueueReason.FLAGGED,))
    ]
    assert queue[0].review_reason == "41% chance" and not queue[0].critical


def test_a_dispute_puts_any_outcome_in_the_queue_until_a_reviewer_sets_it(store: Store) -> None:
    evaluated(store, "c-1", agent="a-1")
    evaluated(store, "c-2", agent="a-2")
    dispute_outcome(store, "c-1", "greet", by="a-1", note="I said the brand in the second turn")

    queue = review_queue(store)
    assert [(q.interaction_id, q.behavior_id, q.reasons) for q in queue] == [
        ("c-1", "greet", (QueueReason.DISPUTED,))
    ]
    assert queue[0].disputes[0].note == "I said the brand in the second turn"
    assert review_queue(store, agent="a-2") == []
    assert review_queue(store, behavior="verify") == []
    assert len(review_queue(store, reason=QueueReason.DISPUTED)) == 1

    set_review(store, "c-1", "greet", "met", by="dana")
    assert review_queue(store) == []
    dispute_outcome(store, "c-1", "greet", by="a-1", note="still wrong")  # a new dispute reopens it
    assert [q.interaction_id for q in review_queue(store)] == ["c-1"]


def test_calibration_reviews_do_not_override(store: Store) -> None:
    evaluated(store, results=outcomes(verify=(Outcome.MET, 0.9, None)))
    set_review(store, "c-1", "verify", "missed", by="dana", session="week-49")
    assert effective(store, "c-1", "verify") == ("met", "met", False)
    assert [q.interaction_id for q in review_queue(store, threshold=1.0)] == ["c-1"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: set_review(s, "nope", "verify", "met", by="dana"), "no evaluation of 'nope'"),
        (lambda s: set_review(s, "c-1", "smile", "met", by="dana"), r"no behaviour 'smile' .*greet, verify"),
        (lambda s: set_review(s, "c-1", "verify", "great", by="dana"), "unknown outcome 'great'"),
        (lambda s: set_review(s, "c-1", "verify", "met", by=" "), "give who reviews"),
        (lambda s: set_review(s, "c-1", "verify", "met", by="d", rubric="x"), "no evaluation under 'x'"),
        (lambda s: dispute_outcome(s, "c-1", "verify", by="a-1", note=""), "needs a note"),
    ],
)
def test_bad_reviews_are_refused_with_one_line(store: Store, call: object, message: str) -> None:
    evaluated(store)
    with pytest.raises(ReviewError, match=message):
        call(store)  # type: ignore[operator]
    assert store.reviews_of() == []


def test_two_rubrics_need_the_rubric_named(store: Store) -> None:
    evaluated(store)
    store.save_evaluations([evaluation("c-1", rubric="audit", results=outcomes())])
    with pytest.raises(ReviewError, match="evaluations under audit, bank: give --rubric"):
        set_review(store, "c-1", "verify", "met", by="dana")
    assert set_review(store, "c-1", "verify", "met", by="dana", rubric="audit").rubric == "audit"


def test_agreement_counts_machine_vs_reviewers_and_reviewer_pairs(store: Store) -> None:
    # Machine: missed, missed, met, met; reviewers (latest override): missed, met, met, met.
    machine = [Outcome.MISSED, Outcome.MISSED, Outcome.MET, Outcome.MET]
    human = [Outcome.MISSED, Outcome.MET, Outcome.MET, Outcome.MET]
    for n, m in enumerate(machine):
        evaluated(store, f"c-{n}", results=outcomes(verify=(m, 0.9, None)))
    for n, h in enumerate(human):
        set_review(store, f"c-{n}", "verify", Outcome.MISSED if n == 0 else h, by="dana")
        set_review(store, f"c-{n}", "verify", h, by="dana")  # only the latest counts
    for n, (a, b) in enumerate([("met", "met"), ("missed", "missed"), ("met", "missed"), ("met", "met")]):
        set_review(store, f"c-{n}", "verify", a, by="ana", session="s1")
        set_review(store, f"c-{n}", "verify", b, by="ben", session="s1")

    report = agreement(store)
    verify = next(r for r in report.machine if r.behavior == "verify")
    assert (verify.n, verify.changed, verify.agreement) == (4, 1, 0.75)
    assert verify.kappa == pytest.approx(0.5)  # p_o 0.75, p_e (2*1 + 2*3)/16 = 0.5
    assert verify.ci is not None and verify.ci[0] <= 0.5 <= verify.ci[1]
    pair = next(r for r in report.reviewers if r.behavior == "verify")
    assert (pair.session, pair.raters, pair.n, pair.changed) == ("s1", ("ana", "ben"), 4, 1)
    assert pair.kappa == pytest.approx(0.5)
    assert [r.behavior for r in report.machine] == ["verify", None]  # then the rubric's pooled row
    with pytest.raises(ReviewError, match="no calibration reviews in session 'nope'"):
        agreement(store, session="nope")
