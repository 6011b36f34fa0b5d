"""Per-behaviour F1 on HVB by cross-validation: semantic examples learned from labels.

Data: Harper Valley Bank `dev.jsonl` (69 spoken calls, CC BY 4.0) and the hand labels
eval/labels/hvb_dev_retail_bank.jsonl (docs/annotation/retail_bank.md).

Method: the calls are split into 5 seeded folds. For each fold, `evaluate.learn` learns
each text behaviour's examples, near misses and threshold from the labels of the other
four folds only (`learn_behaviors`), the learned behaviours replace the phrase lists of
the `retail_bank` rubric (`learned_rubric`), and the held-out fold is evaluated with it.
The out-of-fold evaluations of all 69 calls are then scored against the labels with
`coachloop.agreement.compare_behaviors` (F1 with bootstrap intervals).

Learned (held-out figures): greet_with_brand, introduce_self, confirm_request,
explain_outcome, offer_further_help, polite_close. The other behaviours keep the
rubric's rules (verify_identity is asked-and-answered over a phrase list, the two
compliance behaviours are an order rule and a prohibited-phrase list), and those rules
were written looking at these calls, so their rows are development figures: the table
marks them.

Five settings: human transcripts (learn and test on `text`), recogniser transcripts
(learn and test on `asr_text`), learn on `text` and test on `asr_text` (what a site
with human-corrected training calls and recogniser output in production would see), and
learn on both transcripts of each training call, test on either (how the shipped
`retail_bank` rubric was learned, from all 69 calls).

Run: .venv/bin/python -m benchmarks.eval_behaviors_cv [--folds 5] [--seed 0] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console

from benchmarks.paths import REPO, SHARED_DATA
from coachloop.agreement import (
    Comparison,
    compare_behaviors,
    comparison_to_dict,
    print_comparison,
    read_labels,
)
from coachloop.evaluate.learn import cross_validate_learned
from coachloop.ingest.hvb import read_hvb, read_hvb_asr
from coachloop.language.embeddings import CachedEncoder, default_encoder
from coachloop.model import Interaction, Rejected

DEFAULT_DATA = SHARED_DATA / "hvb" / "dev.jsonl"
DEFAULT_LABELS = REPO / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
RUBRIC = "retail_bank"
LEARNED = (
    "greet_with_brand",
    "introduce_self",
    "confirm_request",
    "explain_outcome",
    "offer_further_help",
    "polite_close",
)


def read_calls(path: Path, asr: bool) -> list[Interaction]:
    calls: list[Interaction] = []
    for item in (read_hvb_asr if asr else read_hvb)(path):
        if isinstance(item, Rejected):
            raise SystemExit(f"cannot read {item.error.message}")
        if isinstance(item, Interaction):
            calls.append(item)
    return calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="HVB dev.jsonl")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    console = Console(width=200)
    if not args.data.exists():
        console.print(f"skipped: {args.data} is absent (set COACHLOOP_SHARED_DATA or pass --data)")
        return 0
    labels = {label.interaction_id: label for label in read_labels(args.labels) if label.rubric == RUBRIC}
    human, asr = read_calls(args.data, asr=False), read_calls(args.data, asr=True)
    if [c.id for c in human] != [c.id for c in asr]:
        raise SystemExit("human and recogniser transcripts list different calls")
    encoder = CachedEncoder(default_encoder(), max_texts=1_000_000)
    results: dict[str, Comparison] = {}
    started = time.perf_counter()
    settings = (
        ([human], [human, asr], ("text -> text", "text -> asr_text")),
        ([asr], [asr], ("asr_text -> asr_text",)),
        ([human, asr], [human, asr], ("text + asr_text -> text", "text + asr_text -> asr_text")),
    )
    for train, test, names in settings:
        out = cross_validate_learned(
            RUBRIC, train, labels, LEARNED, encoder, test_renderings=test, folds=args.folds, seed=args.seed
        )
        for name, evaluations in zip(names, out, strict=True):
            results[name] = compare_behaviors(evaluations, list(labels.values()), rubric=RUBRIC)
            print_comparison(
                results[name],
                console,
                title=(
                    f"HVB dev, {name}: {args.folds}-fold cross-validation (seed {args.seed}), "
                    f"learned: {', '.join(LEARNED)}; other rows are rules tuned on these calls"
                ),
            )
            learned_f1 = [
                s.f1 for s in results[name].behaviors if s.behavior_id in LEARNED and s.f1 is not None
            ]
            console.print(
                f"learned behaviours, out-of-fold F1: min {min(learned_f1):.3f}, "
                f"mean {sum(learned_f1) / len(learned_f1):.3f} (target >= 0.90 each)\n"
            )
    console.print(f"done in {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        payload = {
            "method": f"{args.folds}-fold cross-validation by call, seed {args.seed}",
            "learned": list(LEARNED),
            **{name: comparison_to_dict(c) for name, c in results.items()},
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
