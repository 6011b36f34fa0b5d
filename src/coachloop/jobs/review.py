"""The review queue, overrides, disputes and agreement: what `coachloop review` (and the
web API to come) call.

Overrides, calibration reviews and disputes are stored by `coachloop.store.reviews`
(which also explains staleness); outcomes with overrides applied come from
`coachloop.store.reviews.effective_outcomes`. Agreement is Cohen's kappa with a
bootstrap interval (`coachloop.agreement.kappa`):

* machine vs reviewers: per behaviour, over the latest override of each reviewed
  outcome, against the machine outcome that override judged. Reviewed outcomes are the
  queue's (unsure, flagged, disputed) plus any a reviewer chose, not a random sample: read
  the figure as agreement where people looked.
* reviewer vs reviewer: per calibration session, for each pair of reviewers, over the
  outcomes both judged in that session (each reviewer's latest judgement).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from coachloop.agreement.kappa import KAPPA_INTERVAL_METHOD, cohen_kappa
from coachloop.errors import ReviewError
from coachloop.metrics.snapshot import refresh_existing
from coachloop.model import Evaluation, Interaction, Outcome
from coachloop.store import Store
from coachloop.store.reviews import REVIEW_CONFIDENCE, QueueItem, QueueReason, Review, ReviewKind

__all__ = [
    "AgreementReport",
    "AgreementRow",
    "ReviewDetail",
    "agreement",
    "dispute_outcome",
    "parse_outcome",
    "review_detail",
    "review_queue",
    "set_review",
]


def parse_outcome(value: str) -> Outcome:
    try:
        return Outcome(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise ReviewError(
            f"unknown outcome {value!r}: give one of {', '.join(o.value for o in Outcome)}"
        ) from None


def review_queue(
    store: Store,
    *,
    threshold: float = REVIEW_CONFIDENCE,
    rubric: str | None = None,
    behavior: str | None = None,
    agent: str | None = None,
    reason: QueueReason | None = None,
    limit: int | None = None,
) -> list[QueueItem]:
    """The outcomes a person should look at (see `Store.review_queue`)."""
    if not 0.0 < threshold <= 1.0:
        raise ReviewError(f"confidence threshold {threshold} is outside (0, 1]")
    return store.review_queue(
        threshold=threshold, rubric=rubric, behavior=behavior, agent=agent, reason=reason, limit=limit
    )


def set_review(
    store: Store,
    interaction_id: str,
    behavior_id: str,
    outcome: Outcome | str,
    *,
    by: str,
    note: str | None = None,
    rubric: str | None = None,
    session: str | None = None,
) -> Review:
    """Override the outcome (or, with `session`, record a calibration judgement of it)."""
    kind = ReviewKind.CALIBRATION if session is not None else ReviewKind.OVERRIDE
    chosen = outcome if isinstance(outcome, Outcome) else parse_outcome(outcome)
    review = store.add_review(
        kind,
        interaction_id,
        behavior_id,
        reviewer=by,
        outcome=chosen,
        note=note,
        session=session,
        rubric=rubric,
    )
    refresh_existing(store)  # the columnar snapshot, where one exists (metrics.snapshot)
    return review


def dispute_outcome(
    store: Store, interaction_id: str, behavior_id: str, *, by: str, note: str, rubric: str | None = None
) -> Review:
    """An agent disputes an outcome: it enters the queue until a reviewer sets it."""
    return store.add_review(
        ReviewKind.DISPUTE, interaction_id, behavior_id, reviewer=by, note=note, rubric=rubric
    )


@dataclass(frozen=True, slots=True)
class ReviewDetail:
    """One interaction's evaluations with every review of them (oldest first)."""

    interaction: Interaction
    evaluations: list[Evaluation]
    reviews: list[Review]

    def in_force(self, rubric: str, behavior_id: str) -> Review | None:
        """The override applied to this outcome, if any (latest that is not stale)."""
        found = [
            r
            for r in self.reviews
            if r.kind is ReviewKind.OVERRIDE
            and not r.stale
            and (r.rubric, r.behavior_id) == (rubric, behavior_id)
        ]
        return found[-1] if found else None


def review_detail(store: Store, interaction_id: str, rubric: str | None = None) -> ReviewDetail:
    interaction = store.get_interaction(interaction_id)
    if interaction is None:
        raise ReviewError(f"no interaction {interaction_id!r} in the store")
    evaluations = [e for e in store.get_evaluations(interaction_id) if rubric is None or e.rubric == rubric]
    if not evaluations:
        under = f" under {rubric!r}" if rubric else ""
        raise ReviewError(f"no evaluation of {interaction_id!r}{under} in the store")
    return ReviewDetail(interaction, evaluations, store.reviews_of(interaction_id, rubric=rubric))


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """Agreement over one behaviour (or all of a rubric's, `behavior` None)."""

    rubric: str
    behavior: str | None
    n: int
    agreement: float | None
    kappa: float | None
    ci: tuple[float, float] | None
    changed: int
    """Outcomes on which the two sides differ."""
    session: str | None = None
    raters: tuple[str, str] = ("machine", "reviewers")


@dataclass(frozen=True, slots=True)
class AgreementReport:
    machine: list[AgreementRow]
    reviewers: list[AgreementRow]
    method: str = KAPPA_INTERVAL_METHOD


def _rows(
    pairs: Iterable[tuple[str, str, Outcome, Outcome]], session: str | None, raters: tuple[str, str]
) -> list[AgreementRow]:
    """(rubric, behaviour, a, b) judgements -> one row per behaviour, then one per rubric."""
    by_behavior: dict[tuple[str, str], list[tuple[Outcome, Outcome]]] = defaultdict(list)
    for rubric, behavior, a, b in pairs:
        by_behavior[(rubric, behavior)].append((a, b))
    rows: list[AgreementRow] = []
    by_rubric: dict[str, list[tuple[Outcome, Outcome]]] = defaultdict(list)
    for (rubric, behavior), items in sorted(by_behavior.items()):
        rows.append(_row(rubric, behavior, items, session, raters))
        by_rubric[rubric].extend(items)
    rows.extend(_row(rubric, None, items, session, raters) for rubric, items in sorted(by_rubric.items()))
    return rows


def _row(
    rubric: str,
    behavior: str | None,
    items: list[tuple[Outcome, Outcome]],
    session: str | None,
    raters: tuple[str, str],
) -> AgreementRow:
    k = cohen_kappa([a.value for a, _ in items], [b.value for _, b in items])
    changed = sum(a is not b for a, b in items)
    return AgreementRow(rubric, behavior, k.n, k.agreement, k.kappa, k.ci, changed, session, raters)


def agreement(store: Store, *, rubric: str | None = None, session: str | None = None) -> AgreementReport:
    """Machine-vs-reviewer agreement per behaviour, and reviewer-vs-reviewer per calibration
    session and pair of reviewers (only `session` when given)."""
    machine = [
        (r.rubric, r.behavior_id, r.machine_outcome, r.outcome)
        for r in store.latest_reviews(ReviewKind.OVERRIDE, rubric=rubric)
        if r.outcome is not None
    ]
    calibration = store.latest_reviews(ReviewKind.CALIBRATION, rubric=rubric, session=session)
    if session is not None and not calibration:
        raise ReviewError(f"no calibration reviews in session {session!r}")
    judged: dict[str, dict[str, dict[tuple[str, str, str], Outcome]]] = defaultdict(lambda: defaultdict(dict))
    for r in calibration:
        if r.session is not None and r.outcome is not None:
            judged[r.session][r.reviewer][(r.interaction_id, r.rubric, r.behavior_id)] = r.outcome
    reviewer_rows: list[AgreementRow] = []
    for name, by_reviewer in sorted(judged.items()):
        for a, b in combinations(sorted(by_reviewer), 2):
            shared = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
            pairs = [(key[1], key[2], by_reviewer[a][key], by_reviewer[b][key]) for key in shared]
            reviewer_rows.extend(_rows(pairs, name, (a, b)))
    return AgreementReport(_rows(machine, None, ("machine", "reviewers")), reviewer_rows)
