"""Measuring compliance detection: a rubric run on labelled calls, and on the demo against its truth.

Both run in memory (no store): the figures describe the rubric, not a database's
history, and the same function serves `coachloop eval behaviors --calls`,
`coachloop eval demo` and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from coachloop.agreement.demo import DemoComplianceScore, score_demo_compliance
from coachloop.evaluate import CompiledRubric, evaluate
from coachloop.jobs.labelled import labelled_calls
from coachloop.model import Evaluation

__all__ = ["demo_compliance", "evaluate_labelled"]


def evaluate_labelled(
    rubric: CompiledRubric,
    calls: Sequence[Path],
    formats: Sequence[str],
    labelled: Iterable[str],
    labels: Path,
) -> list[tuple[str, list[Evaluation]]]:
    """(format, evaluations of the labelled calls read with that format), one per format."""
    renderings, _ = labelled_calls(calls, formats, labelled, labels)
    return [
        (fmt, [evaluate(rubric, call) for call in rendering])
        for fmt, rendering in zip(formats, renderings, strict=True)
    ]


def demo_compliance(seed: int, rubrics: Sequence[CompiledRubric] | None = None) -> DemoComplianceScore:
    """Generate the demo of `seed` (default size), evaluate every call with the rubric a
    plain `evaluate` would choose, and score compliance against the demo's truth."""
    from coachloop.demo.config import DemoConfig
    from coachloop.demo.generate import generate
    from coachloop.jobs import choose_rubric, default_rubrics

    chosen = list(rubrics) if rubrics is not None else default_rubrics()
    _, interactions, truth = generate(DemoConfig(seed=seed))
    evaluations: list[Evaluation] = []
    for interaction in interactions:
        rubric = choose_rubric(chosen, interaction)
        if rubric is not None:
            evaluations.append(evaluate(rubric, interaction))
    return score_demo_compliance(evaluations, truth)
