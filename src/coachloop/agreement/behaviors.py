"""How well predicted behaviour outcomes agree with human labels, with honest uncertainty.

A detector's job is to say when a behaviour was **met**, with the evidence; that is what
coaching and compliance act on. So the headline figures treat `met` as the positive
class: precision (of the calls we credit, how many truly showed it), recall (of the
calls that showed it, how many we credit) and F1. `missed` and `not_applicable` are both
negative there; the three-way outcome accuracy is reported beside it, because confusing
"missed" with "not applicable" changes scores and auto-fails too.

Labelled sets are small (tens of calls), so every figure comes with a 95 % interval:

* precision, recall, outcome accuracy and evidence agreement are proportions over
  interactions (one decision per interaction and behaviour, interactions independent),
  so they get **Wilson score intervals**, which stay inside [0, 1] and do not collapse
  to a point at 0 % or 100 % the way a normal approximation or a bootstrap does;
* F1 has no closed form, so it gets a **percentile bootstrap over interactions** (2,000
  resamples by default, seeded, stdlib `random`: numpy is not a dependency). At a
  perfect score every resample is perfect and the interval is [1, 1]: read the Wilson
  lower bounds of P and R for how sure that perfection is;
* the pooled row over all behaviours also uses the bootstrap, resampling whole
  interactions, because behaviours of one call are not independent.

Evidence agreement is the share of true positives (labelled met, predicted met, with
labelled utterances) whose predicted evidence includes at least one labelled utterance:
a detector that is right for the wrong utterance gives a coach the wrong quote.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachloop.agreement.labels import Label
from coachloop.errors import RecordError
from coachloop.model import Evaluation, Outcome
from coachloop.stats import Interval, percentile, percentile_interval, wilson_interval

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "INTERVAL_METHOD",
    "BehaviorScore",
    "Comparison",
    "Interval",
    "PooledScore",
    "PredictedBehavior",
    "Prediction",
    "compare_behaviors",
    "percentile",
    "prediction_of",
    "read_predictions",
    "wilson_interval",
]

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20240611
_OUTCOME_VALUES = frozenset(o.value for o in Outcome)
INTERVAL_METHOD = (
    "precision, recall, accuracy, evidence agreement: Wilson score interval; "
    "F1 and the pooled row: percentile bootstrap over interactions"
)


@dataclass(frozen=True, slots=True)
class PredictedBehavior:
    outcome: Outcome
    evidence: frozenset[int] = frozenset()
    """Utterance indexes the prediction quotes as evidence."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """What scoring needs of an evaluation: outcomes and evidence utterances per behaviour."""

    interaction_id: str
    rubric: str
    behaviors: Mapping[str, PredictedBehavior]


@dataclass(frozen=True, slots=True)
class BehaviorScore:
    """Agreement of one behaviour's predictions with its labels (positive class: met)."""

    behavior_id: str
    compared: int
    """Interactions where the behaviour is both labelled and predicted."""
    unpredicted: int
    """Labelled interactions whose prediction has no result for this behaviour."""
    true_counts: Mapping[Outcome, int]
    predicted_counts: Mapping[Outcome, int]
    confusion: Mapping[tuple[Outcome, Outcome], int]
    """(labelled outcome, predicted outcome) -> interactions."""
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float | None
    precision_ci: Interval | None
    recall: float | None
    recall_ci: Interval | None
    f1: float | None
    f1_ci: Interval | None
    accuracy: float | None
    """Share of interactions whose three-way outcome (met/missed/not_applicable) matches."""
    accuracy_ci: Interval | None
    evidence_checked: int
    """True positives whose label cites at least one utterance."""
    evidence_agreed: int
    evidence_agreement: float | None
    evidence_ci: Interval | None


@dataclass(frozen=True, slots=True)
class PooledScore:
    """All behaviours' decisions pooled (micro-averaged), intervals by bootstrap over interactions."""

    compared: int
    tp: int
    fp: int
    fn: int
    precision: float | None
    precision_ci: Interval | None
    recall: float | None
    recall_ci: Interval | None
    f1: float | None
    f1_ci: Interval | None
    accuracy: float | None
    accuracy_ci: Interval | None


@dataclass(frozen=True, slots=True)
class Comparison:
    rubric: str
    interactions: int
    """Interactions both labelled and predicted."""
    behaviors: tuple[BehaviorScore, ...]
    pooled: PooledScore
    missing_predictions: tuple[str, ...]
    """Labelled interaction ids with no prediction: not scored, listed so nobody mistakes
    a partial run for a full one."""
    unlabelled_predictions: tuple[str, ...]
    unlabelled_behaviors: tuple[str, ...]
    """Behaviours predicted but never labelled (e.g. added to the rubric since)."""
    confidence: float
    resamples: int
    seed: int
    method: str = INTERVAL_METHOD


# --- predictions --------------------------------------------------------------------


def _record_prediction(record: Mapping[str, Any]) -> Prediction:
    """An export record (`evaluation_to_dict`) as a Prediction; ValueError names the field."""
    iid = record.get("interaction_id")
    if not isinstance(iid, str) or not iid:
        raise ValueError("interaction_id: expected a non-empty string")
    rubric = record.get("rubric")
    if not isinstance(rubric, str) or not rubric:
        raise ValueError("rubric: expected a non-empty string")
    raw = record.get("behaviors")
    if not isinstance(raw, list):
        raise ValueError("behaviors: expected a list")
    behaviors: dict[str, PredictedBehavior] = {}
    for i, b in enumerate(raw):
        where = f"behaviors[{i}]"
        if not isinstance(b, Mapping):
            raise ValueError(f"{where}: expected an object")
        bid = b.get("id")
        if not isinstance(bid, str) or not bid:
            raise ValueError(f"{where}.id: expected a non-empty string")
        raw_outcome = b.get("outcome")
        if not isinstance(raw_outcome, str) or raw_outcome not in _OUTCOME_VALUES:
            raise ValueError(f"{where}.outcome: {raw_outcome!r} is not an outcome")
        outcome = Outcome(raw_outcome)
        evidence: set[int] = set()
        for j, ev in enumerate(b.get("evidence") or []):
            index = ev.get("utterance_index") if isinstance(ev, Mapping) else None
            if isinstance(index, bool) or not isinstance(index, int):
                raise ValueError(f"{where}.evidence[{j}].utterance_index: expected an integer")
            evidence.add(index)
        if bid in behaviors:
            raise ValueError(f"{where}.id: {bid!r} appears twice")
        behaviors[bid] = PredictedBehavior(outcome, frozenset(evidence))
    return Prediction(iid, rubric, behaviors)


def prediction_of(item: Evaluation | Prediction | Mapping[str, Any]) -> Prediction:
    """Accept an `Evaluation`, an export record (as `coachloop export evaluations` writes)
    or a ready `Prediction`, so any producer of outcomes can be scored the same way."""
    if isinstance(item, Prediction):
        return item
    if isinstance(item, Evaluation):
        return Prediction(
            item.interaction_id,
            item.rubric,
            {
                r.behavior_id: PredictedBehavior(r.outcome, frozenset(e.utterance_index for e in r.evidence))
                for r in item.results
            },
        )
    return _record_prediction(item)


def read_predictions(path: str | Path) -> list[Prediction]:
    """Predictions from an evaluation export (JSON Lines); RecordError names file, line, field."""
    p = Path(path)
    out: list[Prediction] = []
    with p.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as err:
                raise RecordError(f"not valid JSON: {err.msg}", file=str(p), line=number) from None
            if not isinstance(record, dict):
                raise RecordError("expected a JSON object", file=str(p), line=number)
            try:
                out.append(_record_prediction(record))
            except ValueError as err:
                fld, _, reason = str(err).partition(": ")
                raise RecordError(reason, file=str(p), line=number, field=fld) from None
    return out


# --- statistics ---------------------------------------------------------------------


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def _f1(tp: float, fp: float, fn: float) -> float | None:
    return _ratio(2 * tp, 2 * tp + fp + fn)


@dataclass(slots=True)
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    correct: int = 0
    compared: int = 0


def _bootstrap(
    per_interaction: list[list[tuple[int, int, int, int, int]]],
    behaviours: int,
    resamples: int,
    seed: int,
    confidence: float,
) -> tuple[list[Interval | None], tuple[Interval | None, ...]]:
    """F1 interval per behaviour, and pooled (P, R, F1, accuracy) intervals.

    `per_interaction[i]` lists (behaviour position, tp, fp, fn, correct) for the
    behaviours compared in interaction i; resampling draws whole interactions.
    """
    n = len(per_interaction)
    f1s: list[list[float]] = [[] for _ in range(behaviours)]
    pooled: tuple[list[float], ...] = ([], [], [], [])
    if n == 0 or resamples <= 0:
        return [None] * behaviours, (None, None, None, None)
    rng = random.Random(seed)
    positions = range(n)
    for _ in range(resamples):
        acc = [[0, 0, 0] for _ in range(behaviours)]
        correct = compared = 0
        for i, w in Counter(rng.choices(positions, k=n)).items():
            for b, tp, fp, fn, ok in per_interaction[i]:
                a = acc[b]
                a[0] += w * tp
                a[1] += w * fp
                a[2] += w * fn
                correct += w * ok
                compared += w
        tp_all = fp_all = fn_all = 0
        for b, (tp, fp, fn) in enumerate(acc):
            tp_all += tp
            fp_all += fp
            fn_all += fn
            f = _f1(tp, fp, fn)
            if f is not None:
                f1s[b].append(f)
        for values, value in zip(
            pooled,
            (
                _ratio(tp_all, tp_all + fp_all),
                _ratio(tp_all, tp_all + fn_all),
                _f1(tp_all, fp_all, fn_all),
                _ratio(correct, compared),
            ),
            strict=True,
        ):
            if value is not None:
                values.append(value)
    return [percentile_interval(v, confidence) for v in f1s], tuple(
        percentile_interval(v, confidence) for v in pooled
    )


# --- comparison ---------------------------------------------------------------------


def _choose_rubric(labels: Sequence[Label], rubric: str | None) -> str:
    rubrics = sorted({label.rubric for label in labels})
    if rubric is not None:
        if rubric not in rubrics:
            raise ValueError(f"no labels for rubric {rubric!r} (labelled: {', '.join(rubrics) or 'none'})")
        return rubric
    if len(rubrics) != 1:
        raise ValueError(
            f"the labels cover {len(rubrics)} rubrics ({', '.join(rubrics) or 'none'}): name one with rubric="
        )
    return rubrics[0]


def compare_behaviors(
    predictions: Iterable[Evaluation | Prediction | Mapping[str, Any]],
    labels: Iterable[Label],
    *,
    rubric: str | None = None,
    behaviors: Sequence[str] | None = None,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Comparison:
    """Score predictions against labels for one rubric, behaviour by behaviour.

    `rubric` may be omitted when the labels cover a single rubric; predictions for other
    rubrics are ignored. `behaviors` picks and orders the behaviours (default: the
    labels' behaviours in the order the first labels list them). Raises ValueError when
    two predictions are given for the same interaction and rubric.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence} must be between 0 and 1")
    label_list = list(labels)
    name = _choose_rubric(label_list, rubric)
    chosen = [label for label in label_list if label.rubric == name]
    by_id: dict[str, Prediction] = {}
    for item in predictions:
        pred = prediction_of(item)
        if pred.rubric != name:
            continue
        if pred.interaction_id in by_id:
            raise ValueError(f"two predictions for interaction {pred.interaction_id!r}, rubric {name!r}")
        by_id[pred.interaction_id] = pred

    labelled_order: dict[str, None] = {}
    for label in chosen:
        labelled_order.update(dict.fromkeys(label.behaviors))
    order = list(behaviors) if behaviors is not None else list(labelled_order)
    position = {b: i for i, b in enumerate(order)}

    matched = [(label, by_id[label.interaction_id]) for label in chosen if label.interaction_id in by_id]
    label_ids = {label.interaction_id for label in chosen}
    predicted_ids = {b for _, pred in matched for b in pred.behaviors}

    tallies = [_Tally() for _ in order]
    confusion: list[Counter[tuple[Outcome, Outcome]]] = [Counter() for _ in order]
    unpredicted = [0] * len(order)
    evidence = [[0, 0] for _ in order]  # checked, agreed
    per_interaction: list[list[tuple[int, int, int, int, int]]] = []
    for label, pred in matched:
        rows: list[tuple[int, int, int, int, int]] = []
        for bid, truth in label.behaviors.items():
            b = position.get(bid)
            if b is None:
                continue
            guess = pred.behaviors.get(bid)
            if guess is None:
                unpredicted[b] += 1
                continue
            is_met, said_met = truth.outcome is Outcome.MET, guess.outcome is Outcome.MET
            tp, fp, fn = int(is_met and said_met), int(said_met and not is_met), int(is_met and not said_met)
            ok = int(truth.outcome is guess.outcome)
            tally = tallies[b]
            tally.tp += tp
            tally.fp += fp
            tally.fn += fn
            tally.tn += int(not is_met and not said_met)
            tally.correct += ok
            tally.compared += 1
            confusion[b][truth.outcome, guess.outcome] += 1
            if tp and truth.utterances:
                evidence[b][0] += 1
                evidence[b][1] += int(not guess.evidence.isdisjoint(truth.utterances))
            rows.append((b, tp, fp, fn, ok))
        per_interaction.append(rows)

    f1_cis, pooled_cis = _bootstrap(per_interaction, len(order), resamples, seed, confidence)
    scores: list[BehaviorScore] = []
    for b, bid in enumerate(order):
        t = tallies[b]
        cm = confusion[b]
        checked, agreed = evidence[b]
        scores.append(
            BehaviorScore(
                behavior_id=bid,
                compared=t.compared,
                unpredicted=unpredicted[b],
                true_counts={o: sum(v for (tr, _), v in cm.items() if tr is o) for o in Outcome},
                predicted_counts={o: sum(v for (_, pr), v in cm.items() if pr is o) for o in Outcome},
                confusion={(tr, pr): cm[tr, pr] for tr in Outcome for pr in Outcome},
                tp=t.tp,
                fp=t.fp,
                fn=t.fn,
                tn=t.tn,
                precision=_ratio(t.tp, t.tp + t.fp),
                precision_ci=wilson_interval(t.tp, t.tp + t.fp, confidence),
                recall=_ratio(t.tp, t.tp + t.fn),
                recall_ci=wilson_interval(t.tp, t.tp + t.fn, confidence),
                f1=_f1(t.tp, t.fp, t.fn),
                f1_ci=f1_cis[b],
                accuracy=_ratio(t.correct, t.compared),
                accuracy_ci=wilson_interval(t.correct, t.compared, confidence),
                evidence_checked=checked,
                evidence_agreed=agreed,
                evidence_agreement=_ratio(agreed, checked),
                evidence_ci=wilson_interval(agreed, checked, confidence),
            )
        )
    tp = sum(t.tp for t in tallies)
    fp = sum(t.fp for t in tallies)
    fn = sum(t.fn for t in tallies)
    correct = sum(t.correct for t in tallies)
    compared = sum(t.compared for t in tallies)
    pooled = PooledScore(
        compared=compared,
        tp=tp,
        fp=fp,
        fn=fn,
        precision=_ratio(tp, tp + fp),
        precision_ci=pooled_cis[0],
        recall=_ratio(tp, tp + fn),
        recall_ci=pooled_cis[1],
        f1=_f1(tp, fp, fn),
        f1_ci=pooled_cis[2],
        accuracy=_ratio(correct, compared),
        accuracy_ci=pooled_cis[3],
    )
    return Comparison(
        rubric=name,
        interactions=len(matched),
        behaviors=tuple(scores),
        pooled=pooled,
        missing_predictions=tuple(
            label.interaction_id for label in chosen if label.interaction_id not in by_id
        ),
        unlabelled_predictions=tuple(i for i in by_id if i not in label_ids),
        unlabelled_behaviors=tuple(sorted(predicted_ids - set(labelled_order))),
        confidence=confidence,
        resamples=resamples,
        seed=seed,
    )
