"""Evaluation throughput with semantic detectors and sentiment on, next to the encoder's own.

Workload: seeded 60-turn calls (`workload.py`), each agent turn different from the
others of its call. Rubric (below): three `semantic` behaviours (empathy over every agent
turn, confirming the request in the first six, offering further help in the last four),
`responds_to_frustration` (sentiment), and the conversation insights stored with an
evaluation (`evaluate --insights`: language of every word, the customer's sentiment
path). Every agent turn is embedded once per call, whichever behaviours read it.

Raw: the encoder alone on the same texts, one `encode` per call as the detector does,
in the same process. Figures are CPU seconds of this process (calls/s per core), medians
of `--repeats` runs. Targets (issue 3): >= 10 calls/s/core, within 2x of raw.

Run: OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.bench_semantic [--calls 60] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.workload import make_calls
from coachloop.detect.semantic import SemanticDetector
from coachloop.evaluate import evaluate, load_rubric
from coachloop.language.embeddings import default_encoder
from coachloop.language.insights import insights_of
from coachloop.model import Interaction, Speaker

RUBRIC = """\
name: bench_semantic
version: "1"
title: Semantic benchmark
sections:
  - id: soft_skills
    title: Soft skills
    behaviors:
      - id: empathy
        title: Shows empathy
        coaching: Acknowledge how the customer feels.
        detect: semantic
        examples:
          - I understand how frustrating this must be
          - I'm so sorry to hear that happened
          - that must be really annoying for you
        negatives: ["I understand, let me check"]
      - id: confirm_request
        title: Confirms the request
        coaching: Name the request back before acting.
        detect: semantic
        examples: ["just to confirm, you would like to replace your card", "so you want to dispute this charge"]
        window: {first_turns: 6}
      - id: further_help
        title: Offers further help
        coaching: Ask whether there is anything else.
        detect: semantic
        examples: ["is there anything else I can help you with", "can I help with something else today"]
        window: {last_turns: 4}
      - id: answers_frustration
        title: Answers frustration with empathy
        coaching: When the customer is upset, acknowledge it before moving on.
        detect: responds_to_frustration
        empathy:
          phrases: [i understand, i am sorry, im sorry, that must be]
"""


def agent_texts(call: Interaction) -> list[str]:
    return [u.text for u in call.utterances if u.speaker is Speaker.AGENT and u.text.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    calls = make_calls(args.calls, seed=11)
    for call in calls:  # vary every agent turn, so no two texts of a call are the same
        for u in call.utterances:
            if u.speaker is Speaker.AGENT:
                u.text = f"{u.text} (turn {u.index})"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_semantic.yaml"
        path.write_text(RUBRIC, encoding="utf-8")
        rubric = load_rubric(path)
    started = time.perf_counter()
    encoder = default_encoder()
    load_s = time.perf_counter() - started
    for item in rubric.items:
        if isinstance(item.detector, SemanticDetector):
            item.detector.encoder = encoder
    evaluate(rubric, calls[0])  # embeds the examples once, like a long-running job would
    insights_of(calls[0])

    def run_evaluate() -> None:
        for call in calls:
            evaluate(rubric, call)
            insights_of(call)

    def run_raw() -> None:
        for call in calls:
            encoder.encode(agent_texts(call))

    timings: dict[str, list[float]] = {"evaluate": [], "raw": []}
    for _ in range(args.repeats):
        for name, fn in (("evaluate", run_evaluate), ("raw", run_raw)):
            t0 = time.process_time()
            fn()
            timings[name].append(time.process_time() - t0)
    texts = sum(len(agent_texts(c)) for c in calls)
    ev = args.calls / statistics.median(timings["evaluate"])
    raw = args.calls / statistics.median(timings["raw"])
    print(
        f"workload: {args.calls} calls x {len(calls[0].utterances)} turns ({texts / args.calls:.0f} agent turns "
        f"embedded per call), encoder {encoder.name} (loaded in {load_s:.1f} s), median of {args.repeats}"
    )
    print(f"evaluate + sentiment + insights: {ev:7.1f} calls/s/core")
    print(f"encoder alone, same texts:       {raw:7.1f} calls/s/core ({raw * texts / args.calls:,.0f} texts/s)")
    print(f"ratio raw/evaluate: {raw / ev:.2f}x   (target <= 2x; target evaluate >= 10 calls/s/core)")


if __name__ == "__main__":
    main()
