"""How well language identification does on real Hinglish, and how fast.

Data: L3Cube-HingLID `validation.txt` (6,279 romanized Hindi-English social-media
sentences, one "token<TAB>HI|EN" per line), from ../shared/data/hinglish-lid or --data.
Its licence (CC BY-NC-SA 4.0) allows measuring and developing only: nothing trained on
it or extracted from it is shipped, so (b) and (c) train in memory and throw it away.

Figures:
 (a) the shipped identifier (lexicons + HMM) on the TEST half of a seeded split by
     sentence. Its settings (switching penalty, character-model weight, lexicon sizes)
     were chosen on the other, DEVELOPMENT half, which is therefore not reported.
 (b) baseline: context-free character 1-4-gram logistic regression (scikit-learn),
     5-fold cross-validation by sentence over the whole file.
 (c) the trainable sequence model (`LanguageIdentifier.fit`: averaged structured
     perceptron with the lexicon evidence as features), 5-fold cross-validation by
     sentence over the whole file. Its epochs were chosen by cross-validation on the
     development half only.
 (d) the shipped identifier on the hand-written set tests/fixtures/langid/handwritten.tsv
     (Devanagari, romanized, English, script-mixed and other languages).
 (e) speed of the shipped identifier: sentences/s of `tag_many` over the test half.

Token accuracy compares labels exactly (a token tagged "fr" where the truth is EN is
wrong). A sentence is code-mixed when its tokens carry both labels; the identifier's
`code_mixed` is compared with that.

Run: .venv/bin/python benchmarks/eval_langid.py [--data PATH] [--skip-baseline] [--skip-cv]
(b) needs scikit-learn (pip install scikit-learn==1.9.1); it is skipped without it.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.paths import REPO, SHARED_DATA
from coachloop.agreement.language import (
    LanguageScore,
    Sentence,
    cross_validate_language,
    language_folds,
    score_identifier,
)
from coachloop.language.langid import LanguageIdentifier, default_identifier, read_labelled
from coachloop.language.langid.lexicon import load_lexicons

DEFAULT_DATA = SHARED_DATA / "hinglish-lid" / "validation.txt"
FIXTURE = REPO / "tests" / "fixtures" / "langid" / "handwritten.tsv"
SPLIT_SEED = 20240611
FOLD_SEED = 7
FOLDS = 5
EPOCHS = 8


def load(path: Path) -> list[Sentence]:
    with path.open(encoding="utf-8") as handle:
        return [[(token, label.lower()) for token, label in s] for s in read_labelled(handle)]


def halves(sentences: Sequence[Sentence], seed: int = SPLIT_SEED) -> tuple[list[Sentence], list[Sentence]]:
    """(development, test): a seeded shuffle of sentence indices cut in two."""
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    cut = len(order) // 2
    return [sentences[i] for i in sorted(order[:cut])], [sentences[i] for i in sorted(order[cut:])]


def shipped(test: Sequence[Sentence]) -> LanguageScore:
    score = LanguageScore("shipped identifier, test half")
    score_identifier(default_identifier(), test, score)
    return score


def baseline(sentences: Sequence[Sentence]) -> LanguageScore | None:
    """Context-free character 1-4-gram logistic regression, 5-fold CV by sentence."""
    try:
        text = importlib.import_module("sklearn.feature_extraction.text")
        linear = importlib.import_module("sklearn.linear_model")
    except ImportError:
        return None
    score = LanguageScore("character 1-4-gram logistic regression, 5-fold CV")
    for test_ids in language_folds(len(sentences), FOLDS, FOLD_SEED):
        held = set(test_ids)
        train_tokens = [(t, lab) for i, s in enumerate(sentences) if i not in held for t, lab in s]
        vectorizer: Any = text.CountVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True)
        x_train = vectorizer.fit_transform([t for t, _ in train_tokens])
        model: Any = linear.LogisticRegression(max_iter=2000, C=1.0)
        model.fit(x_train, [lab for _, lab in train_tokens])
        for i in test_ids:
            sentence = sentences[i]
            predicted = [str(p) for p in model.predict(vectorizer.transform([t for t, _ in sentence]))]
            score.add(sentence, predicted, len(set(predicted)) > 1)
    return score


def trained_cv(sentences: Sequence[Sentence]) -> tuple[LanguageScore, float]:
    """The trainable model, 5-fold CV by sentence; returns the score and seconds per fold."""
    started = time.perf_counter()
    score = cross_validate_language(sentences, folds=FOLDS, seed=FOLD_SEED, epochs=EPOCHS)
    return score, (time.perf_counter() - started) / FOLDS


def speed(test: Sequence[Sentence]) -> tuple[float, float, float]:
    """(load seconds, sentences/s cold, sentences/s warm) of the shipped identifier."""
    texts = [" ".join(t for t, _ in s) for s in test]
    load_lexicons.cache_clear()  # time reading the package files, not the cache
    started = time.perf_counter()
    identifier = LanguageIdentifier()
    loaded = time.perf_counter() - started
    rates = []
    for _ in range(2):
        started = time.perf_counter()
        identifier.tag_many(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return loaded, rates[0], rates[1]


def report(name: str, score: LanguageScore, errors: int = 0) -> None:
    print(
        f"{name}: token accuracy {score.token_accuracy:.4f} ({score.tokens_right}/{score.tokens}), "
        f"code-mixed accuracy {score.mixed_accuracy:.4f} ({score.mixed_right}/{score.sentences}), "
        f"sentences all right {score.sentences_right}/{score.sentences}"
    )
    if errors:
        common = ", ".join(f"{t} {g}->{p} x{n}" for (t, g, p), n in score.errors.most_common(errors))
        print(f"   commonest errors: {common}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate language identification on L3Cube-HingLID.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-cv", action="store_true")
    args = parser.parse_args(argv)

    fixture = LanguageScore("shipped identifier, hand-written set")
    with FIXTURE.open(encoding="utf-8") as handle:
        score_identifier(default_identifier(), list(read_labelled(handle)), fixture)
    report("(d) shipped, hand-written set", fixture, errors=5)

    if not args.data.exists():
        print(f"{args.data} is absent: (a)-(c) and (e) need the HingLID validation file", file=sys.stderr)
        return 1
    sentences = load(args.data)
    dev, test = halves(sentences)
    print(
        f"data: {len(sentences)} sentences, {sum(len(s) for s in sentences)} tokens; "
        f"split seed {SPLIT_SEED}: {len(dev)} development (tuning only, not reported), {len(test)} test"
    )
    report("(a) shipped, test half", shipped(test), errors=12)
    if not args.skip_baseline:
        base = baseline(sentences)
        if base is None:
            print("(b) skipped: scikit-learn is not installed (pip install scikit-learn==1.9.1)")
        else:
            report("(b) char 1-4-gram logistic regression, 5-fold CV, whole file", base)
    if not args.skip_cv:
        cv, per_fold = trained_cv(sentences)
        report(f"(c) trained sequence model, 5-fold CV, whole file ({per_fold:.0f} s per fold)", cv)
    loaded, cold, warm = speed(test)
    print(
        f"(e) shipped speed: load {loaded:.2f} s, {cold:,.0f} sentences/s cold cache, "
        f"{warm:,.0f} sentences/s warm (mean {sum(len(s) for s in test) / len(test):.1f} tokens/sentence)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
