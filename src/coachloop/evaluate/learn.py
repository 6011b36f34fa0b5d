"""Learn a behaviour's semantic examples and threshold from labelled conversations.

A QA team that has labelled calls (which behaviours were met, and the utterances that show
them: `coachloop.agreement.labels`) should not also have to write phrase lists. For each
chosen behaviour this turns the labels into a `detect: semantic` setting:

* examples: the utterances the labels cite for the behaviour (in the behaviour's scope
  or not: they are what the behaviour sounds like);
* negatives (near misses): the utterances in the behaviour's scope (speaker and window)
  of calls labelled *missed*; an utterance that is closer to one of them than to any
  example does not count;
* threshold: the one that best reproduces the labels' met/missed on the training calls,
  scoring every call leave-one-call-out (its own utterances are taken out of the
  examples and negatives), so the threshold is not fitted to examples scoring 1.0
  against themselves. Among thresholds with the best F1 the middle of the widest gap
  wins, as in `calibrate_threshold`.

`learned_rubric` writes the result back into a rubric document (YAML-ready dict), so the
learned rubric is an ordinary rubric file a person can read, diff and edit.

`cross_validate_learned` measures the whole procedure: it learns on all folds of the
labelled calls but one, evaluates that one with the learned rubric, and returns the
out-of-fold evaluations to score against the labels (`coachloop eval behaviors --learn`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachloop.agreement.labels import Label
from coachloop.detect.semantic import best_threshold
from coachloop.evaluate.compile import CompiledRubric, compile_text, load_rubric
from coachloop.evaluate.run import evaluate, prepare, scope_of
from coachloop.model import Evaluation, Interaction, Outcome
from coachloop.rubric.load import resolve_rubric_path
from coachloop.rubric.schema import BehaviorSpec
from coachloop.stats import seeded_folds

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from coachloop.language.embeddings import Encoder

__all__ = [
    "LearnedBehavior",
    "cross_validate_learned",
    "learn_behaviors",
    "learnable_behaviors",
    "learned_rubric",
    "learned_rubric_yaml",
]

MIN_POSITIVE_CALLS = 2
"""Calls labelled met that a behaviour needs before its examples can be learned."""


@dataclass(frozen=True, slots=True)
class LearnedBehavior:
    behavior_id: str
    examples: list[str]
    negatives: list[str]
    threshold: float
    training_f1: float
    """F1 of met (leave-one-call-out) on the training calls at `threshold`."""
    calls: int


@dataclass(slots=True)
class _Call:
    id: str
    met: bool
    scope_texts: list[str]
    cited_texts: list[str]


def _calls_for(
    rubric: CompiledRubric,
    behavior: BehaviorSpec,
    interactions: Sequence[Interaction],
    labels: Mapping[str, Label],
) -> list[_Call]:
    """Each labelled call's scope and cited texts for one behaviour (n/a calls left out)."""
    out: list[_Call] = []
    for interaction in interactions:
        label = labels.get(interaction.id)
        judged = label.behaviors.get(behavior.id) if label is not None else None
        if judged is None or judged.outcome is Outcome.NOT_APPLICABLE:
            continue
        conv = prepare(rubric, interaction)
        scope = scope_of(conv, behavior.speaker, behavior.window)
        utterances = interaction.utterances
        positions = scope.positions if scope is not None else []
        by_index = {u.index: u for u in utterances}
        cited = [by_index[i].text for i in judged.utterances if i in by_index and by_index[i].text.strip()]
        met = judged.outcome is Outcome.MET
        out.append(_Call(interaction.id, met, [utterances[p].text for p in positions], cited if met else []))
    return out


def _dedupe(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(t.split()) for t in texts if t.strip()))


def _call_scores(
    calls: Sequence[_Call],
    vectors: Mapping[str, NDArray[np.float32]],
    examples: Sequence[str],
    negatives: Sequence[str],
) -> list[float]:
    """Leave-one-call-out: each call's best similarity to the *other* calls' examples,
    counted only where it beats its best similarity to the other calls' negatives. A call
    given twice (its human and its recogniser transcript) is left out as a whole."""
    import numpy as np

    owners: dict[str, set[str]] = {}
    for c in calls:
        for t in _dedupe([*c.cited_texts, *(c.scope_texts if not c.met else [])]):
            owners.setdefault(t, set()).add(c.id)
    pos = np.stack([vectors[t] for t in examples]) if examples else None
    neg = np.stack([vectors[t] for t in negatives]) if negatives else None
    scores: list[float] = []
    for call in calls:
        pos_mine = np.array([call.id in owners.get(t, ()) for t in examples], dtype=bool)
        neg_mine = np.array([call.id in owners.get(t, ()) for t in negatives], dtype=bool)
        texts = _dedupe(call.scope_texts)
        if not texts or pos is None:
            scores.append(-1.0)
            continue
        mine = np.stack([vectors[t] for t in texts])
        sims = mine @ pos.T
        sims[:, pos_mine] = -1.0
        best = sims.max(axis=1)
        if neg is not None:
            near = mine @ neg.T
            near[:, neg_mine] = -1.0
            best = np.where(best > near.max(axis=1), best, -1.0)
        scores.append(float(best.max()))
    return scores


def learn_behaviors(
    rubric: CompiledRubric,
    interactions: Sequence[Interaction],
    labels: Mapping[str, Label],
    behavior_ids: Sequence[str],
    encoder: Encoder,
) -> list[LearnedBehavior]:
    """Examples, near misses and a threshold for each of `behavior_ids` from labelled calls.

    Raises ValueError for an id that is not a scored behaviour of `rubric`, or for a
    behaviour with fewer than `MIN_POSITIVE_CALLS` calls labelled met.
    """
    specs = {item.spec.id: item.spec for item in rubric.behaviors()}
    learned: list[LearnedBehavior] = []
    for behavior_id in behavior_ids:
        spec = specs.get(behavior_id)
        if not isinstance(spec, BehaviorSpec):
            raise ValueError(f"{behavior_id!r} is not a behaviour of rubric {rubric.name!r}")
        calls = _calls_for(rubric, spec, interactions, labels)
        positive_calls = sum(c.met for c in calls)
        if positive_calls < MIN_POSITIVE_CALLS:
            raise ValueError(
                f"{behavior_id}: {positive_calls} call(s) labelled met; at least {MIN_POSITIVE_CALLS} "
                "are needed to learn examples"
            )
        examples = _dedupe(t for c in calls for t in c.cited_texts)
        negatives = [
            t for t in _dedupe(t for c in calls if not c.met for t in c.scope_texts) if t not in examples
        ]
        needed = _dedupe([*examples, *negatives, *(t for c in calls for t in c.scope_texts)])
        vectors = dict(zip(needed, encoder.encode(needed), strict=True))
        scores = _call_scores(calls, vectors, examples, negatives)
        threshold, f1 = best_threshold(scores, [c.met for c in calls])
        learned.append(LearnedBehavior(behavior_id, examples, negatives, threshold, f1, len(calls)))
    return learned


def learned_rubric(
    document: Mapping[str, Any], learned: Iterable[LearnedBehavior], note: str, encoder: str | None = None
) -> dict[str, Any]:
    """A copy of a rubric document with each learned behaviour's detector made semantic.

    The behaviour keeps its id, title, coaching, weight, criticality, speaker, window and
    applicability; its detector settings are replaced. `note` goes into the description
    (say what the examples were learned from) and the version gets a `+learned` suffix,
    so its evaluations are never mistaken for the original rubric's. `encoder` names the
    encoder the thresholds were fitted with; evaluating with another is then refused.
    """
    import copy

    out = copy.deepcopy(dict(document))
    by_id = {b.behavior_id: b for b in learned}
    kept = ("id", "title", "coaching", "weight", "critical", "speaker", "window", "applies_when", "requires")
    for section in out.get("sections", []):
        behaviors = section.get("behaviors", [])
        for i, behavior in enumerate(behaviors):
            found = by_id.get(behavior.get("id"))
            if found is None:
                continue
            replaced = {k: behavior[k] for k in kept if k in behavior}
            replaced.update(
                detect="semantic",
                examples=found.examples,
                negatives=found.negatives,
                threshold=round(found.threshold, 4),
            )
            behaviors[i] = replaced
    out["description"] = f"{out.get('description', '').strip()} {note}".strip()
    if encoder is not None:
        out["encoder"] = encoder
    out["version"] = f"{out.get('version', '1')}+learned"
    return out


def learned_rubric_yaml(
    rubric: str | Path, learned: Iterable[LearnedBehavior], note: str, encoder: str | None = None
) -> str:
    """`learned_rubric` of a shipped rubric (by name) or rubric file, as YAML text."""
    import yaml

    document = yaml.safe_load(resolve_rubric_path(str(rubric)).read_text(encoding="utf-8"))
    return yaml.safe_dump(
        learned_rubric(document, learned, note, encoder), sort_keys=False, allow_unicode=True, width=100
    )


def learnable_behaviors(rubric: CompiledRubric, labels: Iterable[Label]) -> list[str]:
    """The rubric's phrase, regex and semantic behaviours that `labels` judge, in file order."""
    judged = {b for label in labels for b in label.behaviors}
    return [
        item.spec.id
        for item in rubric.behaviors()
        if item.spec.detect in ("phrase", "regex", "semantic") and item.spec.id in judged
    ]


def cross_validate_learned(
    rubric: str | Path,
    renderings: Sequence[Sequence[Interaction]],
    labels: Mapping[str, Label],
    behavior_ids: Sequence[str],
    encoder: Encoder,
    *,
    test_renderings: Sequence[Sequence[Interaction]] | None = None,
    folds: int = 5,
    seed: int = 0,
    on_fold: Callable[[int], None] | None = None,
) -> list[list[Evaluation]]:
    """Out-of-fold evaluations of every labelled call, one list per test rendering.

    `renderings` are the same calls in the same order, transcribed differently (the human
    and the recogniser transcript, say). Each fold learns from the other folds' calls in
    every rendering (so a call is never learned from and tested on) and evaluates the
    held-out calls in each of `test_renderings` (default: `renderings`), which list the
    same calls in the same order. Folds are a seeded shuffle of the calls.
    """
    from coachloop.detect.semantic import SemanticDetector

    if not renderings:
        raise ValueError("no calls to cross-validate")
    tests = list(test_renderings) if test_renderings is not None else list(renderings)
    ids = [c.id for c in renderings[0]]
    for other in [*renderings[1:], *tests]:
        if [c.id for c in other] != ids:
            raise ValueError("every rendering must list the same calls in the same order")
    if len(ids) < folds:
        raise ValueError(
            f"{folds}-fold cross-validation needs at least {folds} labelled calls, got {len(ids)}"
        )
    base = load_rubric(rubric)
    out: list[list[Evaluation]] = [[] for _ in tests]
    for k, held in enumerate(seeded_folds(len(ids), folds, seed)):
        held_set = set(held)
        training = [c for calls in renderings for i, c in enumerate(calls) if i not in held_set]
        learned = learn_behaviors(base, training, labels, behavior_ids, encoder)
        note = f"(Learned from {len(training)} transcripts: fold {k + 1} of {folds}.)"
        compiled = compile_text(
            learned_rubric_yaml(rubric, learned, note), f"{base.source} (learned, fold {k + 1})"
        )
        for item in compiled.items:
            if isinstance(item.detector, SemanticDetector):
                item.detector.encoder = encoder
        for r, calls in enumerate(tests):
            out[r].extend(evaluate(compiled, calls[i]) for i in held)
        if on_fold is not None:
            on_fold(k)
    return out
