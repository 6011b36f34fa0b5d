"""Could a cheap gate spare the sentence encoder? Evidence for the meaning-based cues.

The `general` rubric's meaning checks (recording disclosure, verification asked in other
words, prohibited language in other words) embed every agent sentence that no phrase
settles. An outcome depends only on sentences whose similarity reaches the cue's
*decision line* (`threshold - review_margin`): below it a sentence neither matches nor is
reported as a near miss. So a gate may skip a sentence only if it can never reach that
line; a gate that skips one that does changes an outcome.

For every cue with examples in the shipped rubrics, over the distinct agent sentences of
the HVB dev calls (human and recogniser text), demo seeds 7 and 44 and fresh benchmark
calls, this prints how many sentences reach the line (and come within 0.1 and 0.2 of it),
and what a candidate lexical gate -- "shares a content word (5-letter stem) with the
cue's examples" -- would pass and lose at each distance. A gate is recall-safe on this
corpus only if it loses nothing at 0.0, and plausibly on new text only if it loses
nothing well below the line.

    python -m benchmarks.eval_meaning_gate [--fresh-calls 300]
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np

from benchmarks.paths import REPO, SHARED_DATA
from benchmarks.workload import make_calls
from coachloop.agreement.labels import read_labels
from coachloop.demo.config import DemoConfig
from coachloop.demo.generate import generate
from coachloop.detect.meaning import CueMatcher, sentences
from coachloop.evaluate import load_rubric
from coachloop.jobs.labelled import labelled_calls
from coachloop.language.embeddings import default_cached_encoder
from coachloop.model import Interaction, Speaker

LABELS = REPO / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
_WORD = re.compile(r"[a-z]+")
_STOP_WORDS = (
    "a an the is are was were be been to of and or in on at for it this that i me my we our us can "
    "could would will shall should do does did have has had not no so if as with what which who how"
)
_STOP = frozenset(_STOP_WORDS.split())


def content_stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP}


def corpus(fresh_calls: int) -> list[Interaction]:
    labels = {label.interaction_id: label for label in read_labels(LABELS)}
    renderings, _ = labelled_calls([SHARED_DATA / "hvb" / "dev.jsonl"], ["hvb", "hvb-asr"], labels, LABELS)
    calls = [i for rendering in renderings for i in rendering]
    for seed in (7, 44):
        calls.extend(generate(DemoConfig(seed=seed))[1])
    calls.extend(make_calls(fresh_calls, style=True, seed=2))
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-calls", type=int, default=300)
    args = parser.parse_args()
    calls = corpus(args.fresh_calls)
    distinct = list(
        dict.fromkeys(
            s for i in calls for u in i.utterances if u.speaker is Speaker.AGENT for s in sentences(u.text)
        )
    )
    encoder = default_cached_encoder()
    started = time.process_time()
    vectors = encoder.encode(distinct)
    print(
        f"{len(calls)} calls, {len(distinct)} distinct agent sentences "
        f"({len(distinct) / (time.process_time() - started):.0f} sentences/s/core to embed)"
    )
    stems = [content_stems(s) for s in distinct]
    for name in ("general", "retail_bank"):
        for item in load_rubric(name).items:
            cue = getattr(item.detector, "cue", None) or getattr(item.detector, "ask", None)
            if not isinstance(cue, CueMatcher) or not cue.examples:
                continue
            best = (vectors @ encoder.encode(cue.examples).T).max(axis=1)
            line = cue.cue.threshold - cue.cue.review_margin
            vocabulary = set().union(*(content_stems(e) for e in cue.examples))
            passed = np.array([bool(s & vocabulary) for s in stems])
            print(f"\n{name}.{item.spec.id}: decision line {line:.2f}; lexical gate passes {passed.mean():.1%}")
            for margin in (0.0, 0.1, 0.2):
                near = best >= line - margin
                lost = np.flatnonzero(near & ~passed)
                print(f"  within {margin:.1f} of the line: {int(near.sum())} sentences, gate loses {len(lost)}")
                for i in lost[:3]:
                    print(f"    {float(best[i]):.3f} {distinct[i]!r}")


if __name__ == "__main__":
    main()
