"""Reading label files: good lines become `Label`s, every bad line is named by file, line and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coachloop.agreement import BehaviorLabel, LabelFileError, index_labels, parse_label, read_labels
from coachloop.evaluate import load_rubric
from coachloop.model import Outcome

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"


def record(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "interaction_id": "c1",
        "rubric": "toy",
        "annotator": "ann",
        "behaviors": {"greet": {"outcome": "met", "utterances": [0, 2]}, "close": {"outcome": "missed"}},
    }
    base.update(overrides)
    return base


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_file_reads_in_order_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "l.jsonl",
        [json.dumps(record()), "", json.dumps(record(interaction_id="c2", contact_reason="pay bill"))],
    )
    first, second = read_labels(path)
    assert first.behaviors["greet"] == BehaviorLabel(Outcome.MET, (0, 2))
    assert first.behaviors["close"] == BehaviorLabel(Outcome.MISSED, ())
    assert (second.interaction_id, second.contact_reason) == ("c2", "pay bill")
    assert second.source == f"{path}:3"
    assert set(index_labels([first, second])) == {("c1", "toy"), ("c2", "toy")}


def test_malformed_lines_are_all_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.jsonl",
        [
            json.dumps(record()),
            '{"interaction_id": "c2",',
            json.dumps(record(interaction_id="c3", behaviors={"greet": {"outcome": "yes"}})),
            json.dumps(
                record(interaction_id="c4", behaviors={"greet": {"outcome": "met", "utterances": "0"}})
            ),
            json.dumps(record(interaction_id="c5", annotator="")),
            json.dumps(record(interaction_id="c6", extra=1)),
            json.dumps(record()),
            json.dumps(
                record(interaction_id="c7", behaviors={"g": {"outcome": "not_applicable", "utterances": [1]}})
            ),
            json.dumps(
                record(interaction_id="c8", behaviors={"g": {"outcome": "met", "utterances": [1, -1, 1]}})
            ),
            json.dumps([1, 2]),
        ],
    )
    with pytest.raises(LabelFileError) as caught:
        read_labels(path)
    messages = [p.message for p in caught.value.problems]
    f = str(path)
    assert messages == [
        f"{f}:2: not valid JSON: Expecting property name enclosed in double quotes at column 25",
        f"{f}:3 behaviors.greet.outcome: 'yes' is not one of met, missed, not_applicable",
        f"{f}:4 behaviors.greet.utterances: expected a list of utterance indexes, got str",
        f"{f}:5 annotator: must not be empty",
        f"{f}:6 extra: unknown field",
        f"{f}:7 interaction_id: 'c1' is already labelled for rubric 'toy' at line 1",
        f"{f}:8 behaviors.g.utterances: must be empty when the outcome is not_applicable",
        f"{f}:9 behaviors.g.utterances: item 1: -1 is negative",
        f"{f}:10: expected a JSON object, got list",
    ]
    assert str(caught.value) == f"{messages[0]} (and 8 more problems)"
    assert caught.value.problems[2].record_id == "c4"


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(LabelFileError) as caught:
        parse_label({"interaction_id": 7, "behaviors": {}}, "mem.jsonl", 4)
    assert [p.message for p in caught.value.problems] == [
        "mem.jsonl:4 interaction_id: expected a string, got int",
        "mem.jsonl:4 rubric: is required",
        "mem.jsonl:4 annotator: is required",
        "mem.jsonl:4 behaviors: must label at least one behaviour",
    ]


def test_behaviour_without_outcome_is_an_error() -> None:
    with pytest.raises(LabelFileError, match=r"behaviors\.greet\.outcome: is required"):
        parse_label(record(behaviors={"greet": {"utterances": [1]}}))


def test_shipped_hvb_labels_are_valid_and_cover_the_retail_bank_rubric() -> None:
    labels = read_labels(SHIPPED)
    rubric = load_rubric("retail_bank")
    expected = [b.id for b in rubric.scored]
    assert len(labels) == 69
    for lab in labels:
        assert lab.rubric == "retail_bank"
        assert list(lab.behaviors) == expected, lab.source
        for bid, b in lab.behaviors.items():
            if b.outcome is Outcome.MET and bid != "no_prohibited_language":
                assert b.utterances, f"{lab.source} {bid}: a met label cites its utterances"
