"""The live-assist evaluation rubric measures the shipped detectors, not a copy of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coachloop.evaluate import load_rubric

ROOT = Path(__file__).resolve().parents[2]
EVAL_RUBRIC = ROOT / "eval" / "realtime" / "rubric.yaml"
GENERAL = ROOT / "src" / "coachloop" / "rubrics" / "general.yaml"


def _items(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {e["id"]: e for e in doc.get("events", [])}
    for section in doc["sections"]:
        out.update({b["id"]: b for b in section["behaviors"]})
    return out


def test_eval_compliance_behaviours_are_the_general_rubrics_word_for_word() -> None:
    live = yaml.safe_load(EVAL_RUBRIC.read_text())
    general = yaml.safe_load(GENERAL.read_text())
    compliance = next(s for s in live["sections"] if s.get("compliance"))
    shared = [b["id"] for b in compliance["behaviors"]] + ["account_change"]
    assert set(shared) >= {"recording_disclosure", "verify_identity", "no_prohibited_language"}
    theirs, ours = _items(general), _items(live)
    for item in shared:
        assert ours[item] == theirs[item], f"{item} differs from rubrics/general.yaml"
    load_rubric(EVAL_RUBRIC)  # and it compiles
