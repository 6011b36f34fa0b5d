"""How accurately `ReasonClassifier` finds the contact reason, next to a words-only baseline.

`banking77`: BANKING77 `train.csv` (10,003 online-banking queries, 77 intents, CC BY
4.0) split here into a stratified, seeded 80/20 train/test; the dataset's own test split
stays aside. Trained once on the whole 80 % and once on 10 texts per intent drawn (seeded)
from the 80 %; tested on the same 20 % each time. Figures: accuracy, macro-F1 and the
expected calibration error (10 bins) of the confidences, the embedding weight chosen by
the classifier's internal cross-validation, and the same figures with `fast_confidence`
(texts the words-only model is sure of skip the encoder) with the share that still went
through the encoder. Baseline in the same run: TF-IDF word uni+bigrams + LinearSVC.
Targets: >= 0.935 (all data), >= 0.85 (10 per intent); published fixed-encoder results on
the official test split are 93.4 % and ~85 % (Casanueva et al. 2020).

`hvb`: Harper Valley Bank `dev.jsonl` (69 calls, 8 contact reasons, CC BY 4.0), one text
per call from the customer's turns (`conversation_text`), scored by seeded stratified
5-fold cross-validation on the human transcript (`text`) and on the recogniser's
(`asr_text`), and trained on human transcripts, tested on the recogniser's of the held-out
calls. Targets: >= 0.95 (text), >= 0.92 (asr_text).

Embeddings are memoised per text on disk (`benchmarks.embcache`, under /tmp unless
`--cache DIR`): each text is encoded once per encoder, however many models or runs see it;
that changes run time only. Speed is `bench_reasons`' job.

Run: .venv/bin/python -m benchmarks.eval_reasons banking77|hvb [--data DIR] [--seed 0]
[--encoder NAME_FOLDER_OR_URL ...] (each encoder measured in turn, same split) [--cache DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from benchmarks.embcache import DEFAULT_FOLDER, DiskCachedEncoder
from benchmarks.paths import SHARED_DATA
from coachloop.agreement.classification import accuracy, expected_calibration_error, macro_f1
from coachloop.agreement.reasons import cross_validate
from coachloop.jobs.texts import load_labelled
from coachloop.language.embeddings import Encoder, default_encoder, encoder_named
from coachloop.language.reasons import ReasonClassifier

DEFAULT_DATA = SHARED_DATA
FAST_CONFIDENCES = (0.8, 0.9)


class Baseline:
    """TF-IDF word uni+bigrams + LinearSVC; predictions carry no confidence (0.0)."""

    def __init__(self) -> None:
        self.model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Baseline:
        self.model.fit(list(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        return [(str(p), 0.0) for p in self.model.predict(list(texts))]


def baseline(train_x: list[str], train_y: list[str], test_x: list[str]) -> list[str]:
    return [label for label, _ in Baseline().fit(train_x, train_y).predict(test_x)]


def report(name: str, truth: list[str], predicted: list[tuple[str, float]]) -> None:
    labels = [p[0] for p in predicted]
    correct = [a == b for a, b in zip(labels, truth, strict=True)]
    ece = expected_calibration_error(correct, [p[1] for p in predicted])
    print(
        f"  {name:<34} accuracy {accuracy(truth, labels):.4f}  macro-F1 {macro_f1(truth, labels):.4f}"
        f"  ECE {ece:.4f}"
    )


def run_banking77(data: Path, seed: int, encoder: Encoder) -> None:
    _, texts, labels = load_labelled(data / "banking77" / "train.csv")
    idx = np.arange(len(texts))
    y = np.array(labels)
    train, test = train_test_split(idx, test_size=0.2, stratify=y, random_state=seed)
    rng = np.random.default_rng(seed)
    few = np.concatenate([rng.choice(train[y[train] == c], 10, replace=False) for c in sorted(set(labels))])
    test_x = [texts[i] for i in test]
    test_y = [labels[i] for i in test]
    print(f"BANKING77 train.csv: {len(texts)} texts, {len(set(labels))} intents; seed {seed}")
    print(f"  split: {len(train)} train / {len(test)} test (stratified); 10-shot: {len(few)} texts")
    for setting, rows in (("all training data", train), ("10 per intent", few)):
        train_x = [texts[i] for i in rows]
        train_y = [labels[i] for i in rows]
        print(f"{setting} ({len(rows)} texts)")
        start = time.process_time()
        model = ReasonClassifier(encoder).fit(train_x, train_y)
        fit_cpu = time.process_time() - start
        tried = ", ".join(f"{h} {w:g}: {a:.4f}" for (h, w), a in model.cv_accuracy.items())
        print(
            f"  fit {fit_cpu:.0f} s CPU; {model.head}, embedding weight {model.embedding_weight:g}"
            f" (cv accuracy {tried})"
        )
        report("coachloop ReasonClassifier", test_y, model.predict(test_x))
        for threshold in FAST_CONFIDENCES:
            model.fast_confidence = threshold
            model.encoded_texts = 0
            predicted = model.predict(test_x)
            share = model.encoded_texts / len(test_x)
            report(f"  fast_confidence {threshold} ({share:.0%} encoded)", test_y, predicted)
        model.fast_confidence = None
        words_only = ReasonClassifier(use_embeddings=False).fit(train_x, train_y)
        report("coachloop words only (no encoder)", test_y, words_only.predict(test_x))
        base = baseline(train_x, train_y, test_x)
        print(
            f"  {'baseline TF-IDF + LinearSVC':<34} accuracy {accuracy(test_y, base):.4f}"
            f"  macro-F1 {macro_f1(test_y, base):.4f}"
        )


def run_hvb(data: Path, seed: int, encoder: Encoder) -> None:
    path = data / "hvb" / "dev.jsonl"
    human = load_labelled(path)
    asr = load_labelled(path, use_asr=True)
    if human.ids != asr.ids:
        raise SystemExit("human and recogniser transcripts list different calls")
    y = np.array(human.labels)
    print(f"HVB dev.jsonl: {len(y)} labelled calls, {len(set(human.labels))} reasons; customer turns only")
    print(f"  stratified 5-fold cross-validation, seed {seed}")
    for name, train_set, test_set in (
        ("text -> text", human, human),
        ("asr_text -> asr_text", asr, asr),
        ("text -> asr_text", human, asr),
    ):
        ours = cross_validate(
            train_set.texts,
            human.labels,
            lambda: ReasonClassifier(encoder),
            seed=seed,
            test_texts=test_set.texts,
        )
        base = cross_validate(train_set.texts, human.labels, Baseline, seed=seed, test_texts=test_set.texts)
        print(name)
        report("coachloop ReasonClassifier", human.labels, ours)
        base_labels = [p[0] for p in base]
        print(
            f"  {'baseline TF-IDF + LinearSVC':<34} accuracy {accuracy(human.labels, base_labels):.4f}"
            f"  macro-F1 {macro_f1(human.labels, base_labels):.4f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", choices=["banking77", "hvb"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--encoder",
        action="append",
        help="encoder name, model folder or embeddings URL (repeatable: each is measured in the "
        "same run; default: COACHLOOP_ENCODER or the shipped MiniLM)",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_FOLDER, help="where embeddings are kept")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data} is absent: set --data or COACHLOOP_SHARED_DATA", file=sys.stderr)
        return 2
    for inner in [encoder_named(e) for e in args.encoder] if args.encoder else [default_encoder()]:
        encoder = DiskCachedEncoder(inner, args.cache)
        print(f"encoder {encoder.name} ({encoder.dim} dimensions)")
        start = time.perf_counter()
        if args.dataset == "banking77":
            run_banking77(args.data, args.seed, encoder)
        else:
            run_hvb(args.data, args.seed, encoder)
        print(f"done in {time.perf_counter() - start:.0f} s ({encoder.encoded} texts encoded, the rest cached)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
