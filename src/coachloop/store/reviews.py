"""Human reviews of behaviour outcomes, the review queue, and outcomes with overrides applied.

A review is one row of `reviews` and is never touched by re-evaluation:

* an **override** (`review set`) is a reviewer's outcome for one behaviour of one
  evaluation. It applies to the input hash and rubric version the evaluation had when it
  was made: re-evaluating the same input under the same rubric version keeps it in force;
  once the evaluation's input or version differs it is **stale** (kept, shown, not applied).
  The latest fresh override of a behaviour is the one in force.
* a **calibration** review (`review set --session S`) is a reviewer's blind judgement for
  measuring agreement between reviewers; it never changes an outcome.
* a **dispute** (`review dispute`) is an agent's objection; it has no outcome and stays
  open until an override of the same behaviour is recorded after it.

`effective_outcomes()` is the one query for behaviour outcomes with overrides applied:
metrics and signals join or select from it instead of `behavior_results`.

An evaluation's headline figures follow its overrides: `rescore` scores the stored
results again (with `coachloop.evaluate.score.score_results`, the evaluation's own
scoring) with the overrides in force, and writes the section scores, quality score,
compliance pass and auto-fail into the `evaluations` row. It runs in the transaction that
records an override and in the one that saves a re-evaluation (where fresh overrides are
applied again and stale ones fall away), so every reader of `evaluations` (metrics,
scorecards, `evaluations list --auto-failed`, the export) sees effective figures. The
machine's outcomes stay in `results` and `behavior_results`; the machine's figures are
those outcomes scored alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    Subquery,
    and_,
    exists,
    func,
    or_,
    select,
    update,
)

from coachloop.errors import ReviewError
from coachloop.model import Outcome
from coachloop.store.tables import behavior_results, evaluations, interactions, reviews
from coachloop.store.writer import chunked

__all__ = [
    "REVIEW_CONFIDENCE",
    "QueueItem",
    "QueueReason",
    "Review",
    "ReviewKind",
    "ReviewMethods",
    "current_overrides",
    "effective_outcomes",
    "rescore",
]

REVIEW_CONFIDENCE = 0.7
"""(Equal to `coachloop.evaluate.confidence.UNSURE_CONFIDENCE`, which the store does not
import: that would load the detectors.) A critical outcome that passes (met or not applicable) and that the machine is less sure
of than this goes to the review queue (a missed one auto-fails loudly; whether it is
wrong is the error model's call, through `review_reason`).

The detectors' own figures: a phrase missed is 0.8, a prohibited-language check that found
nothing 0.85, an order rule inherits the lower of its two parts; a semantic match near its
threshold, or a detector that says so through `review_reason`, falls below."""


class ReviewKind(StrEnum):
    OVERRIDE = "override"
    CALIBRATION = "calibration"
    DISPUTE = "dispute"


class QueueReason(StrEnum):
    """Why an outcome is in the review queue."""

    FLAGGED = "flagged"
    """An outcome with a `review_reason`: the error model puts its chance of being wrong at
    or above its threshold (lower for critical behaviours). Evaluations stored before the
    error model carry the detectors' own flags there."""
    LOW_CONFIDENCE = "low-confidence"
    """A critical outcome that passes (met or not applicable) with confidence below the threshold."""
    DISPUTED = "disputed"
    """An agent disputed it and no override has been recorded since."""


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    kind: ReviewKind
    interaction_id: str
    rubric: str
    behavior_id: str
    outcome: Outcome | None
    """The reviewer's outcome; None for a dispute."""
    machine_outcome: Outcome
    """What the machine said when the review was made."""
    machine_confidence: float
    reviewer: str
    """Who: the reviewer, or the disputing agent."""
    note: str | None
    session: str | None
    """The calibration session of a calibration review."""
    input_hash: str | None
    rubric_version: str
    created_at: datetime
    stale: bool = False
    """The evaluation now stored is of another input or rubric version (or is gone)."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One behaviour outcome a person should look at, as the machine has it now."""

    interaction_id: str
    rubric: str
    behavior_id: str
    outcome: Outcome
    confidence: float
    critical: bool
    reasons: tuple[QueueReason, ...]
    review_reason: str | None
    disputes: tuple[Review, ...] = field(default=())
    agent_id: str | None = None
    started_at: datetime | None = None


_KEY = ("interaction_id", "rubric", "behavior_id")


def _fresh(r: Any, e: Any) -> Any:
    """The review applies to the evaluation now stored: same call, rubric, version, input."""
    return and_(
        r.c.interaction_id == e.c.interaction_id,
        r.c.rubric == e.c.rubric,
        r.c.rubric_version == e.c.rubric_version,
        r.c.input_hash.is_not_distinct_from(e.c.input_hash),
    )


def current_overrides() -> Subquery:
    """(interaction_id, rubric, behavior_id, review_id): the override in force per behaviour,
    i.e. the latest override that is not stale."""
    r, e = reviews, evaluations
    return (
        select(r.c.interaction_id, r.c.rubric, r.c.behavior_id, func.max(r.c.id).label("review_id"))
        .select_from(r.join(e, _fresh(r, e)))
        .where(r.c.kind == ReviewKind.OVERRIDE.value)
        .group_by(r.c.interaction_id, r.c.rubric, r.c.behavior_id)
        .subquery("current_overrides")
    )


def effective_outcomes(rubric: str | None = None) -> Select[Any]:
    """Every stored behaviour outcome with the override in force applied: THE query to read
    outcomes from once people may have corrected them.

    Columns: `interaction_id`, `rubric`, `behavior_id`, `section`, `critical`,
    `confidence` (the machine's), `machine_outcome`, `outcome` (the reviewer's where an
    override is in force, else the machine's), `overridden` (bool), `review_id`,
    `reviewed_by`, `reviewed_at`. Use it as a subquery (`effective_outcomes().subquery()`)
    to group or join in SQL; `Store.effective_outcomes` runs it.
    """
    br = behavior_results
    cur = current_overrides()
    rv = reviews.alias("override")
    query = select(
        br.c.interaction_id,
        br.c.rubric,
        br.c.behavior_id,
        br.c.section,
        br.c.critical,
        br.c.confidence,
        br.c.outcome.label("machine_outcome"),
        func.coalesce(rv.c.outcome, br.c.outcome).label("outcome"),
        rv.c.id.is_not(None).label("overridden"),
        rv.c.id.label("review_id"),
        rv.c.reviewer.label("reviewed_by"),
        rv.c.created_at.label("reviewed_at"),
    ).select_from(
        br.outerjoin(
            cur,
            and_(*(br.c[k] == cur.c[k] for k in _KEY)),
        ).outerjoin(rv, rv.c.id == cur.c.review_id)
    )
    if rubric is not None:
        query = query.where(br.c.rubric == rubric)
    return query


def rescore(conn: Connection, keys: Iterable[tuple[str, str]], *, only_overridden: bool = False) -> int:
    """Score the stored evaluations `keys` ((interaction_id, rubric) pairs) again with the
    overrides in force and write their figures; with `only_overridden`, only those that
    have an override in force (the others already hold the machine's figures). Returns
    how many were scored.

    Raises ReviewError for an evaluation stored before results carried their weights:
    it cannot be scored again without its rubric, so it is to be re-evaluated first.
    """
    from coachloop.evaluate.score import score_results
    from coachloop.store.codec import behavior_from_dict

    wanted = set(keys)
    cur = current_overrides()
    r, e = reviews, evaluations
    overrides: dict[tuple[str, str], dict[str, Outcome]] = defaultdict(dict)
    for chunk in chunked(sorted({i for i, _ in wanted})):
        query = (
            select(r.c.interaction_id, r.c.rubric, r.c.behavior_id, r.c.outcome)
            .join(cur, r.c.id == cur.c.review_id)
            .where(r.c.interaction_id.in_(chunk))
        )
        for row in conn.execute(query):
            if (row.interaction_id, row.rubric) in wanted:
                overrides[(row.interaction_id, row.rubric)][row.behavior_id] = Outcome(row.outcome)
    targets = sorted(overrides) if only_overridden else sorted(wanted)
    for interaction_id, rubric in targets:
        where = (e.c.interaction_id == interaction_id, e.c.rubric == rubric)
        stored = conn.execute(select(e.c.results).where(*where)).scalar_one_or_none()
        if stored is None:
            continue
        if any("weight" not in b for b in stored):
            raise ReviewError(
                f"the evaluation of {interaction_id!r} under {rubric!r} was stored before results "
                "kept their weights: re-evaluate it (coachloop evaluate --all) before overriding"
            )
        scores = score_results([behavior_from_dict(b) for b in stored], overrides.get((interaction_id, rubric)))
        conn.execute(
            update(e)
            .where(*where)
            .values(
                score=scores.score,
                compliance_passed=scores.compliance_passed,
                auto_failed=scores.auto_failed,
                section_scores=scores.section_scores,
            )
        )
    return len(targets)


def _review(r: RowMapping, stale: bool = False) -> Review:
    return Review(
        id=r["id"],
        kind=ReviewKind(r["kind"]),
        interaction_id=r["interaction_id"],
        rubric=r["rubric"],
        behavior_id=r["behavior_id"],
        outcome=Outcome(r["outcome"]) if r["outcome"] is not None else None,
        machine_outcome=Outcome(r["machine_outcome"]),
        machine_confidence=r["machine_confidence"],
        reviewer=r["reviewer"],
        note=r["note"],
        session=r["session"],
        input_hash=r["input_hash"],
        rubric_version=r["rubric_version"],
        created_at=r["created_at"],
        stale=stale,
    )


def _open_disputes() -> Any:
    """Disputes with no override recorded after them."""
    d, o = reviews, reviews.alias("later")
    later = exists().where(
        o.c.kind == ReviewKind.OVERRIDE.value,
        o.c.id > d.c.id,
        *(o.c[k] == d.c[k] for k in _KEY),
    )
    return and_(d.c.kind == ReviewKind.DISPUTE.value, ~later)


class ReviewMethods(ABC):
    """The store's review methods (mixed into `Store`); each public method is one transaction."""

    @abstractmethod
    def _read(self, action: str) -> AbstractContextManager[Connection]: ...

    @abstractmethod
    def _write(self, action: str) -> AbstractContextManager[Connection]: ...

    def add_review(
        self,
        kind: ReviewKind,
        interaction_id: str,
        behavior_id: str,
        *,
        reviewer: str,
        outcome: Outcome | None = None,
        note: str | None = None,
        session: str | None = None,
        rubric: str | None = None,
    ) -> Review:
        """Record a review of the stored outcome of `behavior_id` in `interaction_id`'s
        evaluation under `rubric` (optional when the interaction has one evaluation).

        The machine's outcome, the evaluation's input hash and rubric version are copied
        from the evaluation in the same transaction. Raises ReviewError naming what is
        missing.
        """
        if not reviewer.strip():
            raise ReviewError("give who reviews (--by NAME)")
        if kind is ReviewKind.DISPUTE:
            if outcome is not None:
                raise ReviewError("a dispute has no outcome: a reviewer sets it")
            if not (note or "").strip():
                raise ReviewError("a dispute needs a note saying why (--note TEXT)")
        elif outcome is None:
            raise ReviewError("give the outcome: met, missed or not_applicable")
        if kind is ReviewKind.CALIBRATION and not (session or "").strip():
            raise ReviewError("a calibration review needs a session name")
        if kind is not ReviewKind.CALIBRATION and session is not None:
            raise ReviewError("only calibration reviews belong to a session")
        with self._write("cannot record the review") as conn:
            e = evaluations
            found = conn.execute(
                select(e.c.rubric, e.c.rubric_version, e.c.input_hash)
                .where(e.c.interaction_id == interaction_id)
                .order_by(e.c.rubric)
            ).all()
            if not found:
                raise ReviewError(f"no evaluation of {interaction_id!r} in the store")
            if rubric is None:
                if len(found) > 1:
                    names = ", ".join(f.rubric for f in found)
                    raise ReviewError(f"{interaction_id!r} has evaluations under {names}: give --rubric")
                chosen = found[0]
            else:
                match = [f for f in found if f.rubric == rubric]
                if not match:
                    names = ", ".join(f.rubric for f in found)
                    raise ReviewError(
                        f"{interaction_id!r} has no evaluation under {rubric!r} (it has: {names})"
                    )
                chosen = match[0]
            br = behavior_results
            rows = conn.execute(
                select(br.c.behavior_id, br.c.outcome, br.c.confidence)
                .where(br.c.interaction_id == interaction_id, br.c.rubric == chosen.rubric)
                .order_by(br.c.behavior_id)
            ).all()
            machine = next((row for row in rows if row.behavior_id == behavior_id), None)
            if machine is None:
                known = ", ".join(row.behavior_id for row in rows)
                raise ReviewError(
                    f"rubric {chosen.rubric!r} has no behaviour {behavior_id!r} (it has: {known})"
                )
            values = {
                "kind": kind.value,
                "interaction_id": interaction_id,
                "rubric": chosen.rubric,
                "behavior_id": behavior_id,
                "outcome": outcome.value if outcome is not None else None,
                "machine_outcome": machine.outcome,
                "machine_confidence": machine.confidence,
                "reviewer": reviewer.strip(),
                "note": note,
                "session": session,
                "input_hash": chosen.input_hash,
                "rubric_version": chosen.rubric_version,
                "created_at": datetime.now(UTC),
            }
            new_id = conn.execute(reviews.insert().values(**values).returning(reviews.c.id)).scalar_one()
            if kind is ReviewKind.OVERRIDE:
                rescore(conn, [(interaction_id, chosen.rubric)])
            stored = conn.execute(select(reviews).where(reviews.c.id == new_id)).mappings().one()
            return _review(stored)

    def reviews_of(
        self,
        interaction_id: str | None = None,
        *,
        rubric: str | None = None,
        kind: ReviewKind | None = None,
        session: str | None = None,
    ) -> list[Review]:
        """Every review (oldest first) matching the filters, each marked stale or not."""
        r, e = reviews, evaluations
        query = (
            select(r, e.c.rubric.label("fresh_rubric"))
            .select_from(r.outerjoin(e, _fresh(r, e)))
            .order_by(r.c.id)
        )
        if interaction_id is not None:
            query = query.where(r.c.interaction_id == interaction_id)
        if rubric is not None:
            query = query.where(r.c.rubric == rubric)
        if kind is not None:
            query = query.where(r.c.kind == kind.value)
        if session is not None:
            query = query.where(r.c.session == session)
        with self._read("cannot read reviews") as conn:
            return [_review(row, stale=row["fresh_rubric"] is None) for row in conn.execute(query).mappings()]

    def latest_reviews(
        self, kind: ReviewKind, *, rubric: str | None = None, session: str | None = None
    ) -> list[Review]:
        """The latest review of each behaviour outcome: per (interaction, rubric, behaviour)
        for overrides (stale ones included: each carries the machine outcome it judged), per
        (..., session, reviewer) for calibration reviews."""
        r = reviews
        group = [r.c.interaction_id, r.c.rubric, r.c.behavior_id]
        if kind is ReviewKind.CALIBRATION:
            group += [r.c.session, r.c.reviewer]
        latest = select(func.max(r.c.id)).where(r.c.kind == kind.value).group_by(*group)
        if rubric is not None:
            latest = latest.where(r.c.rubric == rubric)
        if session is not None:
            latest = latest.where(r.c.session == session)
        query = select(r).where(r.c.id.in_(latest.scalar_subquery())).order_by(r.c.id)
        with self._read("cannot read reviews") as conn:
            return [_review(row) for row in conn.execute(query).mappings()]

    def overrides_in_force(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str, str], Review]:
        """The override in force of each behaviour of the evaluations `keys`
        ((interaction_id, rubric) pairs), by (interaction_id, rubric, behavior_id)."""
        wanted = set(keys)
        ids = sorted({i for i, _ in wanted})
        cur = current_overrides()
        found: dict[tuple[str, str, str], Review] = {}
        with self._read("cannot read reviews") as conn:
            for chunk in chunked(ids):
                query = (
                    select(reviews)
                    .join(cur, reviews.c.id == cur.c.review_id)
                    .where(reviews.c.interaction_id.in_(chunk))
                )
                for row in conn.execute(query).mappings():
                    if (row["interaction_id"], row["rubric"]) in wanted:
                        found[(row["interaction_id"], row["rubric"], row["behavior_id"])] = _review(row)
        return found

    def effective_outcomes(self, rubric: str | None = None) -> list[RowMapping]:
        """Rows of `effective_outcomes(rubric)` (see there), ordered by interaction, rubric, behaviour."""
        with self._read("cannot read outcomes") as conn:
            query = effective_outcomes(rubric)
            ordered = query.order_by(*(query.selected_columns[k] for k in _KEY))
            return list(conn.execute(ordered).mappings())

    def review_queue(
        self,
        *,
        threshold: float = REVIEW_CONFIDENCE,
        rubric: str | None = None,
        behavior: str | None = None,
        agent: str | None = None,
        reason: QueueReason | None = None,
        limit: int | None = None,
    ) -> list[QueueItem]:
        """Outcomes a person should look at, by interaction, rubric and behaviour.

        Outcomes flagged for review (`review_reason`: the error model's choice, see
        `coachloop.evaluate.confidence`) and critical outcomes that pass less sure than
        `threshold`, with no override in force; and every outcome with an open dispute.
        """
        br, i, d = behavior_results, interactions, reviews
        cur = current_overrides()
        flagged = br.c.review_reason.is_not(None)
        unsure = and_(
            br.c.critical.is_(True), br.c.confidence < threshold, br.c.outcome != Outcome.MISSED.value
        )
        needs: ColumnElement[bool]
        if reason is QueueReason.FLAGGED:
            needs = flagged
        elif reason is QueueReason.LOW_CONFIDENCE:
            needs = unsure
        else:
            needs = or_(flagged, unsure)
        machine_query = (
            select(br, i.c.agent_id, i.c.started_at)
            .select_from(
                br.join(i, i.c.id == br.c.interaction_id).outerjoin(
                    cur, and_(*(br.c[k] == cur.c[k] for k in _KEY))
                )
            )
            .where(needs, cur.c.review_id.is_(None))
        )
        dispute_query = (
            select(d).join(i, i.c.id == d.c.interaction_id).where(_open_disputes()).order_by(d.c.id)
        )
        filters: list[tuple[Any, Any, Any]] = []
        for value, machine_col, dispute_col in (
            (rubric, br.c.rubric, d.c.rubric),
            (behavior, br.c.behavior_id, d.c.behavior_id),
            (agent, i.c.agent_id, i.c.agent_id),
        ):
            if value is not None:
                filters.append((value, machine_col, dispute_col))
        for value, machine_col, dispute_col in filters:
            machine_query = machine_query.where(machine_col == value)
            dispute_query = dispute_query.where(dispute_col == value)
        items: dict[tuple[str, str, str], dict[str, Any]] = {}
        with self._read("cannot read the review queue") as conn:
            if reason is not QueueReason.DISPUTED:
                for row in conn.execute(machine_query).mappings():
                    items[(row["interaction_id"], row["rubric"], row["behavior_id"])] = {
                        "row": row,
                        "disputes": [],
                    }
            disputes = [_review(row) for row in conn.execute(dispute_query).mappings()]
            if reason in (None, QueueReason.DISPUTED):
                missing = {(x.interaction_id, x.rubric, x.behavior_id) for x in disputes} - set(items)
                for row in self._machine_rows(conn, missing):
                    items[(row["interaction_id"], row["rubric"], row["behavior_id"])] = {
                        "row": row,
                        "disputes": [],
                    }
        for x in disputes:
            entry = items.get((x.interaction_id, x.rubric, x.behavior_id))
            if entry is not None:
                entry["disputes"].append(x)
        queue = [_queue_item(v["row"], v["disputes"], threshold) for _, v in sorted(items.items())]
        return queue[:limit] if limit is not None else queue

    @staticmethod
    def _machine_rows(conn: Connection, keys: set[tuple[str, str, str]]) -> list[RowMapping]:
        br, i = behavior_results, interactions
        found: list[RowMapping] = []
        for chunk in chunked(sorted(keys), 200):  # few: disputes
            query = (
                select(br, i.c.agent_id, i.c.started_at)
                .join(i, i.c.id == br.c.interaction_id)
                .where(or_(*(and_(*(br.c[k] == v for k, v in zip(_KEY, key, strict=True))) for key in chunk)))
            )
            found.extend(conn.execute(query).mappings())
        return found


def _queue_item(row: RowMapping, disputes: list[Review], threshold: float) -> QueueItem:
    reasons: list[QueueReason] = []
    if row["review_reason"] is not None:
        reasons.append(QueueReason.FLAGGED)
    if row["critical"] and row["confidence"] < threshold and row["outcome"] != Outcome.MISSED.value:
        reasons.append(QueueReason.LOW_CONFIDENCE)
    if disputes:
        reasons.append(QueueReason.DISPUTED)
    return QueueItem(
        interaction_id=row["interaction_id"],
        rubric=row["rubric"],
        behavior_id=row["behavior_id"],
        outcome=Outcome(row["outcome"]),
        confidence=row["confidence"],
        critical=row["critical"],
        reasons=tuple(reasons),
        review_reason=row["review_reason"],
        disputes=tuple(disputes),
        agent_id=row["agent_id"],
        started_at=row["started_at"],
    )
