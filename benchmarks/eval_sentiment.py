"""How well sentiment tracks what callers and the dataset's emotion model say, and how fast.

Data: Harper Valley Bank `dev.jsonl` (69 simulated bank calls, CC BY 4.0), from
../shared/data/hvb or --data, read as human transcripts (`read_hvb`) and as recogniser
transcripts (`read_hvb_asr`) of the same calls.

Figures:
 (a) Calls: Spearman rank correlation between the caller's 0-10 rating of the agent
     (`caller_rating`; calls without one skipped) and the customer's sentiment start,
     lowest, end and mean from `trajectory`, with a seeded percentile bootstrap 95 %
     interval (calls resampled). Three scorers are compared through the same trajectory
     code: coachloop's, `vaderSentiment.polarity_scores` (the library whose lexicon it
     reads), and the dataset's own per-turn emotion model (positive - negative) as a
     reference for what turn-level sentiment can say about ratings here at all.
 (b) Utterances: Spearman between a scorer's per-utterance score and the dataset's
     emotion model (positive - negative), all turns and customer turns only, with a
     bootstrap interval that resamples whole calls (turns of one call are not independent).
 (c) Speed: µs per utterance (CPU time, median of repeats) on the seeded synthetic
     60-turn workload (`benchmarks.workload.make_calls`), for `score_many` on raw text,
     `assess_many` on text the rubric matcher has already normalised (what an evaluation
     does), `trajectory` per call, and `vaderSentiment` on the same text.

No target: with 46 rated calls of which 41 rate 10, a correlation is decided by the
five other calls, and the intervals say so. The emotion model is itself a model (the
dataset says "model-estimated"), so (b) measures agreement, not accuracy.

Run: .venv/bin/python -m benchmarks.eval_sentiment [--data PATH] [--boot 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.paths import SHARED_DATA
from benchmarks.workload import make_calls
from coachloop.detect.text import normalize_many
from coachloop.ingest.hvb import read_hvb, read_hvb_asr
from coachloop.language.sentiment import (
    SentimentTrajectory,
    UtteranceSentiment,
    assess_many,
    default_scorer,
    score_many,
    trajectory,
)
from coachloop.model import Interaction, Speaker
from coachloop.stats import percentile_interval

DEFAULT_DATA = SHARED_DATA / "hvb" / "dev.jsonl"
FEATURES = ("start", "lowest", "end", "mean")

Scorer = Callable[[Interaction], list[UtteranceSentiment]]


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given their average rank (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the ranks; nan when either side is constant."""
    if len(x) != len(y) or len(x) < 3:
        return math.nan
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def bootstrap(
    groups: Sequence[Sequence[tuple[float, float]]], boot: int, seed: int
) -> tuple[float, float, float]:
    """rho over all pairs, and a percentile 95 % interval resampling the groups (calls)."""
    pairs = [p for g in groups for p in g]
    rho = spearman([a for a, _ in pairs], [b for _, b in pairs])
    rng = random.Random(seed)
    samples = []
    for _ in range(boot):
        picked = [p for _ in groups for p in groups[rng.randrange(len(groups))]]
        r = spearman([a for a, _ in picked], [b for _, b in picked])
        if not math.isnan(r):
            samples.append(r)
    if len(samples) < boot / 2:
        return rho, math.nan, math.nan
    ci = percentile_interval(samples)
    return (rho, ci.low, ci.high) if ci is not None else (rho, math.nan, math.nan)


def load(path: Path, asr: bool) -> list[Interaction]:
    return [i for i in (read_hvb_asr if asr else read_hvb)(path) if isinstance(i, Interaction)]


def emotion(u_metadata: dict[str, Any]) -> float | None:
    e = u_metadata.get("emotion")
    if not isinstance(e, dict) or "positive" not in e or "negative" not in e:
        return None
    return float(e["positive"]) - float(e["negative"])


def ours(call: Interaction) -> list[UtteranceSentiment]:
    return assess_many([u.text for u in call.utterances])


def vader_analyzer() -> Any | None:
    """`vaderSentiment`'s own analyser, the baseline; None where it is not installed."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]
    except ImportError:
        return None
    return SentimentIntensityAnalyzer()


def vader_scorer() -> Scorer | None:
    analyzer = vader_analyzer()
    if analyzer is None:
        return None

    def score(call: Interaction) -> list[UtteranceSentiment]:
        # Same turns count as substantive as for ours: only the scores differ.
        mine = ours(call)
        return [
            UtteranceSentiment(analyzer.polarity_scores(u.text)["compound"], 0.0, m.substantive)
            for u, m in zip(call.utterances, mine, strict=True)
        ]

    return score


def dataset_emotion(call: Interaction) -> list[UtteranceSentiment]:
    mine = ours(call)
    return [
        UtteranceSentiment(emotion(u.metadata) or 0.0, 0.0, m.substantive)
        for u, m in zip(call.utterances, mine, strict=True)
    ]


def call_table(calls: Sequence[Interaction], scorers: dict[str, Scorer], boot: int, seed: int) -> None:
    rated = [c for c in calls if c.survey is not None and "caller_rating" in c.survey.ratings]
    ratings = [c.survey.ratings["caller_rating"] for c in rated if c.survey is not None]
    print(f"  {len(rated)} of {len(calls)} calls rated; ratings {dict(sorted(Counter(ratings).items()))}")
    print(f"  {'scorer':<18} {'feature':<7} {'rho':>6}  95% interval")
    for name, scorer in scorers.items():
        trajs: list[SentimentTrajectory] = [trajectory(c, assessed=scorer(c)) for c in rated]
        for feature in FEATURES:
            groups = [
                [(float(getattr(t, feature)), r)]
                for t, r in zip(trajs, ratings, strict=True)
                if getattr(t, feature) is not None
            ]
            rho, lo, hi = bootstrap(groups, boot, seed)
            print(f"  {name:<18} {feature:<7} {rho:+6.2f}  [{lo:+.2f}, {hi:+.2f}]  n={len(groups)}")


def utterance_table(calls: Sequence[Interaction], scorers: dict[str, Scorer], boot: int, seed: int) -> None:
    print(f"  {'scorer':<18} {'turns':<9} {'rho':>6}  95% interval (calls resampled)  n")
    for name, scorer in scorers.items():
        for who in ("all", "customer"):
            groups = []
            for c in calls:
                scored = scorer(c)
                groups.append(
                    [
                        (a.score, e)
                        for u, a in zip(c.utterances, scored, strict=True)
                        if (e := emotion(u.metadata)) is not None
                        and a.substantive
                        and (who == "all" or u.speaker is Speaker.CUSTOMER)
                    ]
                )
            rho, lo, hi = bootstrap(groups, boot, seed)
            n = sum(map(len, groups))
            print(f"  {name:<18} {who:<9} {rho:+6.2f}  [{lo:+.2f}, {hi:+.2f}]                  {n}")


def timed(fn: Callable[[], object], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        runs.append(time.process_time() - t0)
    return statistics.median(runs)


def speed(n_calls: int, repeats: int, seed: int) -> None:
    calls = make_calls(n_calls, seed=seed)
    texts = [[u.text for u in c.utterances] for c in calls]
    flat = [t for ts in texts for t in ts]
    normalized = [normalize_many(ts) for ts in texts]
    default_scorer()  # tables loaded before timing
    n = len(flat)
    print(f"  workload: {n_calls} calls x {len(texts[0])} turns (seed {seed}), CPU time, median of {repeats}")
    raw = timed(lambda: score_many(flat), repeats)
    print(f"  score_many, raw text:            {raw / n * 1e6:6.2f} µs/utterance")
    pre = timed(lambda: [assess_many(t, nt) for t, nt in zip(texts, normalized, strict=True)], repeats)
    print(f"  assess_many, normalised text:    {pre / n * 1e6:6.2f} µs/utterance")
    traj = timed(lambda: [trajectory(c) for c in calls], repeats)
    print(f"  trajectory (scores included):    {traj / n_calls * 1e6:6.0f} µs/call")
    analyzer = vader_analyzer()
    if analyzer is not None:
        sample = flat[: max(1, n // 5)]  # it is slow; a fifth of the workload is enough
        v = timed(lambda: [analyzer.polarity_scores(t) for t in sample], repeats)
        print(f"  vaderSentiment.polarity_scores:  {v / len(sample) * 1e6:6.2f} µs/utterance (same text)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--boot", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--calls", type=int, default=500, help="synthetic calls for the speed figure")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    scorers: dict[str, Scorer] = {"coachloop": ours}
    vader = vader_scorer()
    if vader is not None:
        scorers["vaderSentiment"] = vader
    if args.data.exists():
        for label, asr in (("human transcript", False), ("ASR transcript", True)):
            calls = load(args.data, asr)
            print(f"(a) caller rating vs customer sentiment, {label}")
            call_table(calls, {**scorers, "dataset emotion": dataset_emotion}, args.boot, args.seed)
            print(f"(b) per-utterance score vs dataset emotion (positive - negative), {label}")
            utterance_table(calls, scorers, max(200, args.boot // 2), args.seed)
            print()
    else:
        print(f"{args.data} is absent: (a) and (b) need the HVB dev file", file=sys.stderr)
    print("(c) speed")
    speed(args.calls, args.repeats, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
