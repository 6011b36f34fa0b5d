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


def _validations(agent_turns: list[str]) -> list[str]:
    """The agent turns after which the eval rubric's refund next-best-action is due."""
    from coachloop.realtime.session import LiveRules
    from tests.realtime.conftest import Call

    due = []
    for text in agent_turns:
        call = Call(LiveRules(load_rubric(EVAL_RUBRIC), None, sentiment=False))
        call.say("agent", "hello, this call is recorded for quality")
        call.say("customer", "there's a payment i want to ask about")
        events = call.say("agent", text)
        if any(p.kind == "next_best_action" and what == "prompt" for what, p, _ in events):
            due.append(text)
    return due


def test_a_purchase_quoted_as_an_amount_to_a_payee_is_validated_and_money_in_is_not() -> None:
    quoted = [
        "right, i have it here, seventy two pounds to harbourline books on the fourth",
        "yes that one's showing, a hundred and five at corner garage motors",
        "ok found it 12 pounds to quickflix last tuesday",
    ]
    not_purchases = [
        "i can see seventy two pounds from your employer came in on friday",
        "there's a withdrawal of fifty pounds from the machine on high street",
        "you moved two hundred pounds to your savings on monday",
        "payments to other banks take up to two working days",
        "i can't see anything to harbourline books on this card",
    ]
    assert _validations(quoted) == quoted
    assert _validations(not_purchases) == []
