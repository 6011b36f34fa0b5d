"""Evaluation throughput of the general rubric on 60-turn calls, next to the raw limit.

The raw limit is the rubric's phrases (one Aho-Corasick automaton) and regexes run over
the same lower-cased conversation text and doing nothing else; the ratio says how much
the rest of evaluation (normalisation, windows, evidence, scores) costs on top.

    python benchmarks/bench_evaluate.py [--calls 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import ahocorasick

from benchmarks.workload import make_calls
from coachloop.detect.lexicon import Lexicon
from coachloop.detect.text import SEP
from coachloop.evaluate import evaluate, load_rubric


def raw_matcher(rubric_name: str) -> tuple[ahocorasick.Automaton, list[re.Pattern[str]]]:
    """Every phrase and regex of the rubric, compiled into one automaton plus patterns."""
    rubric = load_rubric(rubric_name)
    phrases: set[str] = set()
    patterns: list[re.Pattern[str]] = []

    def collect(settings: object) -> None:
        if isinstance(settings, Lexicon):
            phrases.update(p.lower() for p in settings.all_phrases())
            patterns.extend(re.compile(p) for p in settings.regex)
        for value in getattr(settings, "__dict__", {}).values():
            if isinstance(value, Lexicon):
                collect(value)

    for item in rubric.items:
        collect(item.detector.settings)
    automaton = ahocorasick.Automaton()
    for p in phrases:
        automaton.add_word(p, p)
    automaton.make_automaton()
    return automaton, patterns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    calls = make_calls(args.calls)
    rubric = load_rubric("general")
    automaton, patterns = raw_matcher("general")

    def run_eval() -> None:
        for c in calls:
            evaluate(rubric, c)

    def run_raw() -> None:
        for c in calls:
            text = SEP.join([u.text for u in c.utterances]).lower()
            for _ in automaton.iter(text):
                pass
            for p in patterns:
                for _ in p.finditer(text):
                    pass

    timings: dict[str, list[float]] = {"evaluate": [], "raw": []}
    for _ in range(args.repeats):
        for name, fn in (("evaluate", run_eval), ("raw", run_raw)):
            # CPU time of this process: calls per second per core, and not inflated by
            # other work waiting for the same cores.
            t0 = time.process_time()
            fn()
            timings[name].append(time.process_time() - t0)
    ev = args.calls / statistics.median(timings["evaluate"])
    raw = args.calls / statistics.median(timings["raw"])
    turns = len(calls[0].utterances)
    print(
        f"workload: {args.calls} calls x {turns} turns, general rubric, 1 process, median of {args.repeats}"
    )
    print(f"evaluate:  {ev:10,.0f} calls/s/core")
    print(f"raw limit: {raw:10,.0f} calls/s/core  (phrases + regexes only)")
    print(f"ratio raw/evaluate: {raw / ev:.2f}x   (target <= 5x; target evaluate >= 3,000 calls/s/core)")


if __name__ == "__main__":
    main()
