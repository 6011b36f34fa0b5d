"""How fast contact reasons are predicted, next to the encoder alone on the same texts.

Texts: the 2,001 held-out queries of BANKING77 `train.csv` (the seeded stratified 80/20
split of `eval_reasons`; 8-30 tokens, about 16 on average), the classifier trained on the
other 8,002. Each figure is texts per second of CPU time of this process (onnxruntime and
BLAS on one thread, so per core), median of 3 runs:

* the encoder alone: `minilm-l6-int8` (the default) and `minilm-l6` (float32, batches
  of 64);
* `ReasonClassifier.predict`: the default (every text encoded), with `fast_confidence`
  0.9 and 0.8 (texts the words-only model is that sure of skip the encoder; the share
  still encoded is printed), and words only (no encoder);
* memory (Linux): a fresh process per encoder and batch size loads the encoder (peak
  and resident memory after loading), then encodes 256 conversation-length texts (256
  tokens) at batch sizes 1, 16, 64 and 256: the peak above the resident memory is what
  the batch costs (the peak is reset through /proc/self/clear_refs before encoding).

Target: >= 2,000 texts/s/core for reason prediction.

Run: OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.bench_reasons [--data DIR] [--memory-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from benchmarks.paths import REPO, SHARED_DATA
from coachloop.jobs.texts import load_labelled
from coachloop.language.embeddings import ENCODER_ENV, encoder_named
from coachloop.language.reasons import ReasonClassifier

DEFAULT_DATA = SHARED_DATA
RUNS = 3
MEMORY_BATCHES = (1, 16, 64, 256)
MEMORY_TEXTS = 256


def rate(work: Callable[[], object], count: int) -> float:
    """Texts per CPU second, median of RUNS."""
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return count / statistics.median(times)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(name: str, batch_size: int) -> None:
    """Run in a fresh process: load, encode long texts, print memory figures (MB) as JSON."""
    encoder = encoder_named(name)
    figures = {"load_peak": _status_mb("VmHWM"), "loaded": _status_mb("VmRSS")}
    sentence = "i was charged twice for the same card payment and want the money back "
    texts = [f"{i} " + sentence * 20 for i in range(MEMORY_TEXTS)]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size
    encoder.encode(texts, batch_size=batch_size)
    figures["peak"] = _status_mb("VmHWM")
    print(json.dumps(figures))


def memory_table() -> None:
    print(f"memory, {MEMORY_TEXTS} texts of 256 tokens (fresh process each; MB resident)")
    for name in ("minilm-l6-int8", "minilm-l6"):
        for batch in MEMORY_BATCHES:
            result = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_reasons", "--memory-child", name, str(batch)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
                env={**os.environ, "OMP_NUM_THREADS": "1", ENCODER_ENV: name},
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"  {name:<15} batch {batch:>3}: load peak {figures['load_peak']:5.0f}, resident"
                f" {figures['loaded']:5.0f}; encoding peak {figures['peak']:5.0f}"
                f" (+{figures['peak'] - figures['loaded']:.0f})"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--memory-only", action="store_true", help="only the memory table")
    parser.add_argument("--memory-child", nargs=2, metavar=("ENCODER", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return 0
    if args.memory_only:
        memory_table()
        return 0
    path = args.data / "banking77" / "train.csv"
    if not path.is_file():
        print(f"{path} is absent: set --data or COACHLOOP_SHARED_DATA", file=sys.stderr)
        return 2
    _, texts, labels = load_labelled(path)
    train, test = train_test_split(np.arange(len(texts)), test_size=0.2, stratify=labels, random_state=0)
    train_x, train_y = [texts[i] for i in train], [labels[i] for i in train]
    test_x = [texts[i] for i in test]
    n = len(test_x)
    print(
        f"{n} BANKING77 texts; classifier trained on {len(train_x)}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )

    int8, fp32 = encoder_named("minilm-l6-int8"), encoder_named("minilm-l6")
    print("encoder alone (texts/s/core)")
    print(f"  {'minilm-l6-int8':<34} {rate(lambda: int8.encode(test_x), n):8.0f}")
    print(f"  {'minilm-l6 (float32, batches of 64)':<34} {rate(lambda: fp32.encode(test_x, 64), n):8.0f}")

    model = ReasonClassifier(int8).fit(train_x, train_y)
    words_only = ReasonClassifier(use_embeddings=False).fit(train_x, train_y)
    print("ReasonClassifier.predict (texts/s/core)")
    print(f"  {'default (all texts encoded)':<34} {rate(lambda: model.predict(test_x), n):8.0f}")
    for threshold in (0.9, 0.8):
        model.fast_confidence = threshold
        model.encoded_texts = 0
        speed = rate(lambda: model.predict(test_x), n)
        share = model.encoded_texts / (RUNS * n)
        print(f"  {f'fast_confidence {threshold} ({share:.0%} encoded)':<34} {speed:8.0f}")
    model.fast_confidence = None
    print(f"  {'words only (no encoder)':<34} {rate(lambda: words_only.predict(test_x), n):8.0f}")
    memory_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
