"""The shipped Harper Valley Bank labels against the shared data, and the benchmark around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import eval_behaviors

from coachloop.agreement import read_labels
from tests.shared_data import shared_file

LABELS = Path(__file__).resolve().parents[2] / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"


@pytest.mark.shared_data
def test_every_dev_call_is_labelled_once_and_cited_utterances_exist() -> None:
    calls = {c["id"]: c for c in map(json.loads, shared_file("hvb/dev.jsonl").open(encoding="utf-8"))}
    labels = read_labels(LABELS)
    assert sorted(lab.interaction_id for lab in labels) == sorted(calls)
    for lab in labels:
        indexes = {u["index"] for u in calls[lab.interaction_id]["utterances"]}
        for bid, b in lab.behaviors.items():
            assert set(b.utterances) <= indexes, f"{lab.source} {bid}"


@pytest.mark.shared_data
def test_benchmark_scores_both_transcripts_of_every_call() -> None:
    from rich.console import Console

    console = Console(record=True, width=240)
    results = eval_behaviors.run(shared_file("hvb/dev.jsonl"), LABELS, console)
    assert set(results) == {"human", "asr"}
    for comparison in results.values():
        assert comparison.interactions == 69
        assert not comparison.missing_predictions
    assert "retail_bank rubric on HVB dev, asr transcript" in console.export_text()


def test_benchmark_skips_with_a_reason_when_the_data_is_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert eval_behaviors.main(["--data", str(tmp_path / "nowhere.jsonl")]) == 0
    assert "skipped" in capsys.readouterr().out
