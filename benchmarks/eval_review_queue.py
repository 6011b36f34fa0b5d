"""Is the review queue worth a reviewer's time? Its precision and the errors it catches.

Every scored outcome whose truth is known is one example: the labelled Harper Valley
Bank calls (`eval/labels/hvb_dev_retail_bank.jsonl`, retail_bank, human and recogniser
transcripts of each call), split by `coachloop.agreement.split` (seed 10) into the tuning
and held-out halves; and the generated demo against its truth (`demo/truth.json`: each
behaviour performed, not performed or not applying; for the critical ones the same
mapping as `coachloop eval demo`). An outcome is **wrong** when the truth differs.

Two queues over the same evaluations:

* **before**: the detectors' own flags, as the queue had them: a critical outcome with a
  `review_reason` or confidence under 0.7;
* **after**: the error model (`coachloop.evaluate.confidence`): an outcome whose
  predicted error probability reaches the model's threshold, a critical one its lower
  critical threshold, and every critical outcome that passes (met or not applicable) on
  evidence its detector doubts, as before (so violations caught cannot drop).

Figures per set: queue size, **precision** (share of queued outcomes that are wrong, that
a reviewer would change), **errors caught** (share of wrong outcomes that are queued),
and for critical behaviours **violations caught** by the machine alone, and by the
machine or the queue (a violation the machine passed but queued is caught by the
reviewer). Wilson 95 % intervals. Brier score and expected calibration error of the
model's probabilities.

`--fit` fits the model on the HVB tuning half and demo seed 7 (the seed the `general`
rubric was tuned on), never on the held-out half or another demo seed, chooses the
thresholds there, and writes `src/coachloop/evaluate/resources/error_model.npz`.

Run: .venv/bin/python -m benchmarks.eval_review_queue [--fit] [--demo-seed 7 --demo-seed 44]
(outcomes are cached under /tmp/coachloop-review-queue; `--fresh` evaluates again)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.paths import REPO, SHARED_DATA
from coachloop.agreement.classification import expected_calibration_error
from coachloop.agreement.demo import CRITICAL_TRUTH, truth_outcome
from coachloop.agreement.labels import read_labels
from coachloop.agreement.split import Part, split_part
from coachloop.evaluate import load_rubric
from coachloop.evaluate.confidence import FEATURES, ErrorModel, default_error_model, outcome_features
from coachloop.evaluate.run import evaluate
from coachloop.jobs.labelled import labelled_calls
from coachloop.model import Evaluation, Interaction, Outcome
from coachloop.stats import wilson_interval
from coachloop.store.reviews import REVIEW_CONFIDENCE

LABELS = REPO / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
MODEL_PATH = REPO / "src" / "coachloop" / "evaluate" / "resources" / "error_model.npz"
CACHE = Path(tempfile.gettempdir()) / "coachloop-review-queue"
FIT_DEMO_SEED = 7
OLD_RUBRICS = sorted((REPO / "benchmarks" / "error_model").glob("retail_bank_v*.yaml"))
"""Earlier versions of retail_bank: their errors on the tuning half (which v4 was tuned
until it made none) are the HVB examples of errors the model learns from."""
PRECISION_FLOOR = 0.5
"""The threshold is the lowest at which the queue's precision on the fitting data is at least this."""
CRITICAL_PRECISION_FLOOR = 0.5
"""The same over critical outcomes the safety rule does not queue already (capped at the threshold)."""


Row = tuple[list[float], bool, bool, float, bool, bool, bool]


@dataclass(slots=True)
class Examples:
    """Outcomes with known truth: features, wrong, critical, old queue flag, violation."""

    x: np.ndarray
    wrong: np.ndarray
    critical: np.ndarray
    confidence: np.ndarray
    old_queue: np.ndarray
    violated: np.ndarray
    """Critical outcomes only: the truth says the behaviour was violated."""
    machine_missed: np.ndarray

    @staticmethod
    def build(rows: list[Row]) -> Examples:
        if not rows:
            raise SystemExit("no outcome with a known truth")
        cols = list(zip(*rows, strict=True))
        return Examples(*(np.array(c) for c in cols))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **{f: getattr(self, f) for f in self.__slots__})

    @staticmethod
    def load(path: Path) -> Examples:
        with np.load(path) as stored:
            return Examples(*(stored[f] for f in Examples.__slots__))

    def __add__(self, other: Examples) -> Examples:
        return Examples(*(np.concatenate([getattr(self, f), getattr(other, f)]) for f in Examples.__slots__))


def _row(
    ev: Evaluation,
    interaction: Interaction,
    detectors: dict[str, str],
    truth: dict[str, Outcome | None],
    critical_violated: dict[str, bool | None],
) -> Iterator[Row]:
    for r in ev.results:
        missed = r.outcome is Outcome.MISSED
        if r.critical and r.behavior_id in critical_violated:
            violated = critical_violated[r.behavior_id]
            if violated is None:
                continue
            wrong = missed != violated
        else:
            expected = truth.get(r.behavior_id)
            if expected is None:
                continue
            violated = r.critical and expected is Outcome.MISSED
            wrong = r.outcome is not expected
        old = r.critical and (r.review_reason is not None or r.confidence < REVIEW_CONFIDENCE)
        features = outcome_features(r, detectors.get(r.behavior_id, ""), interaction)
        yield features, wrong, r.critical, r.confidence, old, bool(violated), missed


def hvb_examples(part: Part, data: Path, rubric_file: Path | None = None) -> Examples:
    labels = read_labels(LABELS)
    chosen = split_part(labels, [label.interaction_id for label in labels], part)
    by_id = {label.interaction_id: label for label in chosen}
    rubric = load_rubric(str(rubric_file) if rubric_file else "retail_bank")
    detectors = {item.spec.id: item.spec.detect for item in rubric.items}
    renderings, _ = labelled_calls([data / "hvb" / "dev.jsonl"], ["hvb", "hvb-asr"], by_id, LABELS)
    rows: list[Row] = []
    for rendering in renderings:
        for interaction in rendering:
            label = by_id[interaction.id]
            ev = evaluate(rubric, interaction, error_model=None)
            truth: dict[str, Outcome | None] = {b: bl.outcome for b, bl in label.behaviors.items()}
            rows.extend(_row(ev, interaction, detectors, truth, {}))
    return Examples.build(rows)


def demo_examples(seed: int) -> Examples:
    from coachloop.demo.config import DemoConfig
    from coachloop.demo.generate import generate
    from coachloop.jobs.rubrics import choose_rubric, default_rubrics

    rubrics = default_rubrics()
    detectors = {r.name: {item.spec.id: item.spec.detect for item in r.items} for r in rubrics}
    _, interactions, demo_truth = generate(DemoConfig(seed=seed))
    rows: list[Row] = []
    for interaction in interactions:
        rubric = choose_rubric(rubrics, interaction)
        call = demo_truth.calls.get(interaction.id)
        if rubric is None or call is None:
            continue
        ev = evaluate(rubric, interaction, error_model=None)
        truth = {b: truth_outcome(call, b) for b in call.performed}
        violated = {b: rule(call) for b, rule in CRITICAL_TRUTH.items()}
        rows.extend(_row(ev, interaction, detectors[rubric.name], truth, violated))
    return Examples.build(rows)


def cached(name: str, make: object, fresh: bool) -> Examples:
    key = hashlib.sha256((name + "|" + ",".join(FEATURES)).encode()).hexdigest()[:12]
    path = CACHE / f"{name}-{key}.npz"
    if path.is_file() and not fresh:
        return Examples.load(path)
    print(f"evaluating {name} ...", file=sys.stderr, flush=True)
    examples: Examples = make()  # type: ignore[operator]
    examples.save(path)
    return examples


def new_queue(model: ErrorModel, ex: Examples) -> tuple[np.ndarray, np.ndarray]:
    p = np.array([model.probability(row) for row in ex.x])
    limit = np.where(ex.critical, model.critical_threshold, model.threshold)
    doubted_pass = ex.old_queue.astype(bool) & ~ex.machine_missed.astype(bool)
    return (p >= limit) | doubted_pass, p


def _pct(k: int, n: int) -> str:
    ci = wilson_interval(k, n)
    if not n or ci is None:
        return f"{k}/{n}"
    return f"{k / n:.3f} [{ci.low:.2f}-{ci.high:.2f}] ({k}/{n})"


def report(name: str, ex: Examples, model: ErrorModel) -> None:
    queued, p = new_queue(model, ex)
    wrong = ex.wrong.astype(bool)
    crit_viol = ex.critical & ex.violated.astype(bool)
    print(
        f"{name}: {len(wrong)} outcomes, {int(wrong.sum())} wrong; {int(crit_viol.sum())} critical violations"
    )
    for label, q in (
        ("before (detector flags)", ex.old_queue.astype(bool)),
        ("after (error model)", queued),
    ):
        print(f"  {label}")
        print(f"    queued {int(q.sum())}; precision {_pct(int((q & wrong).sum()), int(q.sum()))}")
        print(f"    errors caught {_pct(int((q & wrong).sum()), int(wrong.sum()))}")
        caught = crit_viol & (ex.machine_missed.astype(bool) | q)
        print(f"    violations caught by machine or queue {_pct(int(caught.sum()), int(crit_viol.sum()))}")
    machine = crit_viol & ex.machine_missed.astype(bool)
    print(f"  violations caught by the machine alone {_pct(int(machine.sum()), int(crit_viol.sum()))}")
    brier = float(np.mean((p - wrong) ** 2))
    ece = expected_calibration_error(list(~wrong), list(1 - p))
    print(
        f"  model: Brier {brier:.4f}, ECE {ece:.4f}, mean p {p.mean():.3f} vs error rate {wrong.mean():.3f}"
    )


def fit(hvb: Examples, demo: Examples) -> ErrorModel:
    """Each source weighs as much as the other in the fit (the demo has 25x the outcomes)."""
    train = hvb + demo
    wrong = train.wrong.astype(bool)
    weights = np.concatenate(
        [np.full(len(hvb.wrong), len(demo.wrong) / len(hvb.wrong)), np.ones(len(demo.wrong))]
    )
    base = ErrorModel.fit(
        train.x.tolist(),
        wrong.tolist(),
        threshold=1.0,
        critical_threshold=1.0,
        weights=weights.tolist(),
        trained_on=f"HVB tuning half (retail_bank v2, v3, v4) + demo seed {FIT_DEMO_SEED}",
    )
    p = np.array([base.probability(row) for row in train.x])
    candidates = sorted(set(np.round(p, 4)))
    threshold = 1.0
    for t in candidates:
        q = p >= t
        if q.sum() and (weights[q] * wrong[q]).sum() / weights[q].sum() >= PRECISION_FLOOR:
            threshold = float(t)
            break
    # Critical outcomes the safety rule does not already queue: a lower bar.
    crit = train.critical.astype(bool) & ~(train.old_queue.astype(bool) & ~train.machine_missed.astype(bool))
    critical_threshold = threshold
    for t in (c for c in candidates if c <= threshold):
        q = crit & (p >= t)
        if q.sum() and (weights[q] * wrong[q]).sum() / weights[q].sum() >= CRITICAL_PRECISION_FLOOR:
            critical_threshold = float(t)
            break
    print(
        f"fitted on {len(wrong)} outcomes ({int(wrong.sum())} wrong): threshold {threshold:.4f}, "
        f"critical threshold {critical_threshold:.4f}"
    )
    for name, c in sorted(zip(FEATURES, base.coef, strict=True), key=lambda t: -abs(t[1]))[:10]:
        print(f"  {name:<28} {c:+.3f}")
    return base.with_thresholds(threshold, critical_threshold)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit the model and write it into the package")
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    parser.add_argument("--demo-seed", type=int, action="append", help="demo seeds to report (default 7, 44)")
    parser.add_argument("--fresh", action="store_true", help="evaluate again instead of reading the cache")
    args = parser.parse_args(argv)
    if not (args.data / "hvb" / "dev.jsonl").is_file():
        print(f"{args.data}/hvb/dev.jsonl is absent: set --data or COACHLOOP_SHARED_DATA", file=sys.stderr)
        return 2
    tuning = cached("hvb-tuning", lambda: hvb_examples(Part.tuning, args.data), args.fresh)
    if args.fit:
        hvb = tuning
        for old in OLD_RUBRICS:
            hvb = hvb + cached(
                f"hvb-tuning-{old.stem}", lambda o=old: hvb_examples(Part.tuning, args.data, o), args.fresh
            )
        demo = cached(f"demo-{FIT_DEMO_SEED}", lambda: demo_examples(FIT_DEMO_SEED), args.fresh)
        model = fit(hvb, demo)
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        MODEL_PATH.write_bytes(model.to_bytes())
        print(f"wrote {MODEL_PATH}")
    else:
        shipped = default_error_model()
        if shipped is None:
            print("no error model in the package: run with --fit first", file=sys.stderr)
            return 2
        model = shipped
    print(
        f"error model: {model.trained_on}; threshold {model.threshold:.3f}, critical {model.critical_threshold:.3f}"
    )
    report("HVB tuning half (fitted on), seed-10 split", tuning, model)
    report(
        "HVB held-out half (never fitted on)",
        cached("hvb-heldout", lambda: hvb_examples(Part.heldout, args.data), args.fresh),
        model,
    )
    for seed in args.demo_seed or [FIT_DEMO_SEED, 44]:
        note = "fitted on" if seed == FIT_DEMO_SEED else "unseen"
        report(
            f"demo seed {seed} ({note})",
            cached(f"demo-{seed}", lambda s=seed: demo_examples(s), args.fresh),
            model,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
