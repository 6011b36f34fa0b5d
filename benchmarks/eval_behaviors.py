"""How well the shipped `retail_bank` rubric finds each behaviour on real bank calls.

Data: Harper Valley Bank `dev.jsonl` (69 spoken calls, CC BY 4.0) from
../shared/data/hvb or --data; labels: eval/labels/hvb_dev_retail_bank.jsonl, written by
hand following docs/annotation/retail_bank.md. The rubric is run in memory (no
database) twice: on the human transcript (`hvb` reader) and on the speech recogniser's
transcript of the same audio (`hvb-asr` reader), so the cost of recognition errors is
the difference between the two tables.

NOT A HELD-OUT FIGURE: the rubric's phrase lists were written by looking at these same
calls, so these numbers are optimistic for calls the rubric has not seen. The held-out
part of the sample is kept aside for that.

Run: .venv/bin/python -m benchmarks.eval_behaviors [--data PATH] [--labels PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
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
from coachloop.evaluate import evaluate, load_rubric
from coachloop.ingest.hvb import read_hvb, read_hvb_asr
from coachloop.model import Evaluation, Interaction, ReadItem, Rejected

DEFAULT_DATA = SHARED_DATA / "hvb" / "dev.jsonl"
DEFAULT_LABELS = REPO / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
RUBRIC = "retail_bank"
CAVEAT = (
    "NOT A HELD-OUT FIGURE: the retail_bank rubric's phrase lists were written by looking at "
    "these same dev calls, so these scores are optimistic for unseen calls."
)


def evaluations(reader: Callable[[Path], Iterator[ReadItem]], path: Path) -> list[Evaluation]:
    """Every call of the file evaluated with the shipped rubric; a bad record stops the run."""
    rubric = load_rubric(RUBRIC)
    out: list[Evaluation] = []
    for item in reader(path):
        if isinstance(item, Rejected):
            raise SystemExit(f"cannot read {item.error.message}")
        if isinstance(item, Interaction):
            out.append(evaluate(rubric, item))
    return out


def run(data: Path, labels_path: Path, console: Console) -> dict[str, Comparison]:
    labels = read_labels(labels_path)
    results: dict[str, Comparison] = {}
    for name, reader in (("human", read_hvb), ("asr", read_hvb_asr)):
        results[name] = compare_behaviors(evaluations(reader, data), labels, rubric=RUBRIC)
        print_comparison(
            results[name],
            console,
            title=f"{RUBRIC} rubric on HVB dev, {name} transcript ({results[name].interactions} calls)",
        )
        console.print()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="HVB dev.jsonl")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="label JSON Lines file")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    console = Console()
    if not args.data.exists():
        console.print(
            f"skipped: {args.data} is absent (the shared Harper Valley Bank data is only on CI and "
            "developer machines; set COACHLOOP_SHARED_DATA or pass --data)"
        )
        return 0
    console.print(f"[bold red]{CAVEAT}[/bold red]\n")
    results = run(args.data, args.labels, console)
    console.print(f"[bold red]{CAVEAT}[/bold red]")
    if args.json is not None:
        payload = {
            "caveat": CAVEAT,
            "data": str(args.data),
            "labels": str(args.labels),
            **{name: comparison_to_dict(c) for name, c in results.items()},
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
