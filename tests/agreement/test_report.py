"""The comparison as a table for people and as JSON for files."""

from __future__ import annotations

import json

from rich.console import Console

from coachloop.agreement import (
    Comparison,
    compare_behaviors,
    comparison_table,
    comparison_to_dict,
    print_comparison,
)
from tests.agreement.helpers import MET, MISSED, NA, pairs


def comparison() -> Comparison:
    evals, labels = pairs("greet_with_brand", [MET, MET, MISSED, NA], [MET, MISSED, MISSED, MISSED])
    return compare_behaviors(evals, labels, resamples=200)


def test_table_shows_each_behaviour_with_intervals_and_support() -> None:
    console = Console(record=True, width=220)
    console.print(comparison_table(comparison()))
    text = console.export_text()
    assert "greet_with_brand" in text
    assert "2/1/1" in text  # true met/missed/n.a.
    assert "1/3/0" in text  # predicted
    assert "1.00 [0.21-1.00]" in text  # precision 1/1 with its Wilson interval
    assert "all (pooled)" in text
    assert "Wilson" in text and "bootstrap" in text


def test_missing_predictions_are_printed_under_the_table() -> None:
    evals, labels = pairs("x", [MET, MET], [MET, MET])
    console = Console(record=True, width=200)
    print_comparison(compare_behaviors(evals[:1], labels, resamples=50), console)
    assert "1 labelled interaction(s) had no prediction" in console.export_text()


def test_dict_is_json_ready_and_keeps_exact_figures() -> None:
    d = comparison_to_dict(comparison())
    assert json.loads(json.dumps(d)) == d
    (b,) = d["behaviors"]
    assert b["id"] == "greet_with_brand"
    assert (b["tp"], b["fp"], b["fn"], b["tn"]) == (1, 0, 1, 2)
    assert b["recall"] == 0.5
    assert b["confusion"]["not_applicable"]["missed"] == 1
    assert b["true"] == {"met": 2, "missed": 1, "not_applicable": 1}
    assert d["resamples"] == 200 and d["positive_class"] == "met"
