"""How well `discover` finds customer intents without being told how many there are.

Data: DSTC11 Track 2 `insurance.jsonl` (913 turns, 22 intents) and `banking.jsonl`
(407 turns, 18 intents), CDLA-Permissive-2.0, from ../shared/data/dstc11 or --data.
Figures, as the track scores its task 1: accuracy after a one-to-one (Hungarian) matching
of clusters to intents, NMI, ARI, and the number of clusters found; the largest clusters
are listed with their names. Baseline in the same run: TF-IDF + k-means given the true
number of intents (seeded). Target: accuracy >= 0.75 on each set.

`discover`'s settings were not chosen on these sets. `--calibrate` shows how they were:
a grid over word weight, distance threshold and smallest group (without the second
split), scored on BANKING77 `train.csv` only, on 6 seeded random subsets of 15-25 of its
77 intents with 20-60 texts each (sizes like DSTC11's); the best mean accuracy wins. Then
a grid over the second split (cut and size relative to the median group) on the
subsets of three seeds.

Run: .venv/bin/python -m benchmarks.eval_discover [--calibrate] [--data DIR] [--seed 0]
[--encoder NAME_FOLDER_OR_URL ...] (each encoder measured in turn) [--cache DIR]
[--settings WORDS THRESHOLD SMALLEST SPLIT SIZE] (other discover settings, e.g. what
`--calibrate` chose on BANKING77 for another encoder)
(embeddings kept on disk by `benchmarks.embcache`, under /tmp unless `--cache DIR`)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from benchmarks.embcache import DEFAULT_FOLDER, DiskCachedEncoder
from benchmarks.paths import SHARED_DATA
from coachloop.agreement.classification import adjusted_rand, hungarian_accuracy, normalized_mutual_info
from coachloop.jobs.texts import load_labelled
from coachloop.language.embeddings import Encoder, default_encoder, encoder_named
from coachloop.language.reasons.discover import (
    DISTANCE_THRESHOLD,
    MIN_CLUSTER_SIZE,
    SPLIT_SIZE,
    SPLIT_THRESHOLD,
    WORDS_WEIGHT,
    discover,
)

DEFAULT_DATA = SHARED_DATA
SHOW_CLUSTERS = 8


def scores(truth: list[str], found: list[int]) -> str:
    return (
        f"accuracy {hungarian_accuracy(truth, found):.3f}  NMI {normalized_mutual_info(truth, found):.3f}"
        f"  ARI {adjusted_rand(truth, found):.3f}  clusters {len(set(found))}"
    )


def tfidf_kmeans(texts: list[str], k: int, seed: int) -> list[int]:
    features = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return [int(c) for c in KMeans(k, n_init=10, random_state=seed).fit_predict(features)]


@dataclass(frozen=True)
class Settings:
    words_weight: float = WORDS_WEIGHT
    threshold: float = DISTANCE_THRESHOLD
    smallest: int = MIN_CLUSTER_SIZE
    split_threshold: float | None = SPLIT_THRESHOLD
    split_size: float = SPLIT_SIZE


def report(data: Path, seed: int, encoder: Encoder, settings: Settings = Settings()) -> None:
    chosen = "the shipped ones, chosen on BANKING77" if settings == Settings() else "given"
    print(
        f"discover settings ({chosen}): words weight {settings.words_weight}, distance threshold "
        f"{settings.threshold}, smallest group {settings.smallest}, groups over {settings.split_size}x "
        f"the median split again at {settings.split_threshold}"
    )
    for domain in ("insurance", "banking"):
        _, texts, intents = load_labelled(data / "dstc11" / f"{domain}.jsonl")
        k = len(set(intents))
        start = time.perf_counter()
        found = discover(
            texts,
            encoder=encoder,
            words_weight=settings.words_weight,
            threshold=settings.threshold,
            min_cluster_size=settings.smallest,
            split_threshold=settings.split_threshold,
            split_size=settings.split_size,
        )
        elapsed = time.perf_counter() - start
        print(f"DSTC11 {domain}: {len(texts)} turns, {k} intents ({elapsed:.1f} s with encoding)")
        print(f"  {'coachloop discover (k not given)':<36} {scores(intents, found.labels)}")
        base = tfidf_kmeans(texts, k, seed)
        print(f"  {'baseline TF-IDF + k-means (true k)':<36} {scores(intents, base)}")
        for cluster in found.clusters[:SHOW_CLUSTERS]:
            print(
                f"    [{cluster.id}] {cluster.size:>4}  {cluster.name}  e.g. {cluster.representatives[0]!r}"
            )


def _subsets(labels: NDArray[np.str_], seed: int) -> list[NDArray[np.int64]]:
    """6 seeded random subsets of 15-25 intents with 20-60 texts each (sizes like DSTC11's)."""
    rng = np.random.default_rng(seed + 123)
    subsets: list[NDArray[np.int64]] = []
    for _ in range(6):
        chosen = rng.choice(np.unique(labels), int(rng.integers(15, 26)), replace=False)
        rows: list[int] = []
        for intent in chosen:
            members = np.flatnonzero(labels == intent)
            picked = rng.choice(members, min(int(rng.integers(20, 61)), len(members)), replace=False)
            rows.extend(int(i) for i in picked)
        subsets.append(np.array(rows, dtype=np.int64))
    return subsets


def calibrate(data: Path, seed: int, encoder: Encoder) -> None:
    _, texts, intents = load_labelled(data / "banking77" / "train.csv")
    print(f"BANKING77 train.csv: {len(texts)} texts; encoding once ...", flush=True)
    embeddings = encoder.encode(texts)
    labels = np.array(intents)
    subsets = _subsets(labels, seed)
    sizes = ", ".join(f"{len(s)} texts/{len(set(labels[s]))} intents" for s in subsets)
    print(f"subsets: {sizes}")
    results = []
    for weight, threshold, smallest in itertools.product(
        (0.0, 0.3, 0.5), (0.45, 0.5, 0.55, 0.6, 0.65), (3, 5, 8)
    ):
        accuracies, ratios = [], []
        for subset in subsets:
            sub_texts = [texts[i] for i in subset]
            found = discover(
                sub_texts,
                embeddings=embeddings[subset],
                words_weight=weight,
                threshold=threshold,
                min_cluster_size=smallest,
                split_threshold=None,
            )
            truth = labels[subset].tolist()
            accuracies.append(hungarian_accuracy(truth, found.labels))
            ratios.append(len(found.clusters) / len(set(truth)))
        results.append((float(np.mean(accuracies)), weight, threshold, smallest, float(np.mean(ratios))))
        print(
            f"  words {weight:<4} threshold {threshold:<5} smallest {smallest}:"
            f" accuracy {np.mean(accuracies):.3f}  clusters/intents {np.mean(ratios):.2f}",
            flush=True,
        )
    best = max(results)
    print(f"best: words {best[1]}, threshold {best[2]}, smallest {best[3]} (accuracy {best[0]:.3f})")
    print("splitting large groups again (shipped cut settings), subsets of three seeds:", flush=True)
    three = [subset for k in range(3) for subset in _subsets(labels, seed + k)]
    split_results = []
    for split, size in [(None, 2.0), *itertools.product((0.45, 0.5, 0.55, 0.6), (1.5, 2.0, 2.5, 3.0))]:
        accuracies = [
            hungarian_accuracy(
                labels[subset].tolist(),
                discover(
                    [texts[i] for i in subset],
                    embeddings=embeddings[subset],
                    split_threshold=split,
                    split_size=size,
                ).labels,
            )
            for subset in three
        ]
        split_results.append((float(np.mean(accuracies)), split, size))
        print(f"  split {split} at {size}x the median size: accuracy {np.mean(accuracies):.3f}", flush=True)
    best_split = max(split_results, key=lambda r: r[0])
    print(f"best: split {best_split[1]} at {best_split[2]}x (accuracy {best_split[0]:.3f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibrate", action="store_true", help="rerun the BANKING77 calibration grid")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--encoder",
        action="append",
        help="encoder name, model folder or embeddings URL (repeatable: each is measured in the "
        "same run; default: COACHLOOP_ENCODER or the shipped MiniLM)",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_FOLDER, help="where embeddings are kept")
    parser.add_argument(
        "--settings",
        type=float,
        nargs=5,
        metavar=("WORDS", "THRESHOLD", "SMALLEST", "SPLIT", "SIZE"),
        help="discover settings other than the shipped ones (e.g. those --calibrate chose for an "
        "encoder; SPLIT 0 for no second split)",
    )
    args = parser.parse_args(argv)
    settings = Settings()
    if args.settings:
        w, t, m, split, size = args.settings
        settings = Settings(w, t, int(m), split or None, size)
    if not args.data.is_dir():
        print(f"{args.data} is absent: set --data or COACHLOOP_SHARED_DATA", file=sys.stderr)
        return 2
    for inner in [encoder_named(e) for e in args.encoder] if args.encoder else [default_encoder()]:
        encoder = DiskCachedEncoder(inner, args.cache)
        print(f"encoder {encoder.name} ({encoder.dim} dimensions)")
        if args.calibrate:
            calibrate(args.data, args.seed, encoder)
        else:
            report(args.data, args.seed, encoder, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
