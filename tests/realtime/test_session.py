"""Prompts from live sessions: raised on time, withdrawn when met, held back by the policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.errors import ConfigError, RubricError
from coachloop.evaluate import CompiledRubric, load_rubric
from coachloop.evaluate.compile import compile_text
from coachloop.model import Speaker
from coachloop.realtime.knowledge import Catalogue, load_catalogue
from coachloop.realtime.policy import AlertPolicy
from coachloop.realtime.session import FRUSTRATION_DECAY, LiveRules, carried_distress
from tests.realtime.conftest import FIXTURES, Call, kinds


def rules(rubric: CompiledRubric, catalogue: Catalogue | None = None, sentiment: bool = True) -> LiveRules:
    return LiveRules(rubric, catalogue, sentiment=sentiment)


def test_overdue_disclosure_prompts_after_the_deadline_turn_and_is_withdrawn_when_said(
    assist_rubric: CompiledRubric,
) -> None:
    call = Call(rules(assist_rubric))
    assert call.say("agent", "hello how can i help") == []  # first turn: not due yet
    assert call.say("customer", "i have a question about my bill") == []
    assert kinds(call.say("agent", "sure let me look")) == [("prompt", "compliance", "recording_disclosure")]
    assert call.session.overdue == {"recording_disclosure"}
    assert kinds(call.say("agent", "and i should say this call is recorded")) == [
        ("withdraw", "compliance", "recording_disclosure")
    ]
    assert call.session.overdue == set()


def test_disclosure_inside_its_window_raises_nothing(assist_rubric: CompiledRubric) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call may be recorded")
    assert call.say("agent", "how can i help") == []
    assert call.session.prompts == []


def test_prohibited_phrase_prompts_the_moment_it_is_said(assist_rubric: CompiledRubric) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call is recorded")
    events = call.say("agent", "please calm down")
    assert kinds(events) == [("prompt", "compliance", "no_prohibited_language")]
    assert events[0][1].evidence[0]["text"] == "please calm down"


def test_next_best_action_once_the_purchase_is_validated_and_withdrawn_when_done(
    assist_rubric: CompiledRubric,
) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call is recorded")
    assert call.say("customer", "i bought a kettle last week") == []
    events = call.say("agent", "ok i can see the purchase on your account")
    assert kinds(events) == [("prompt", "next_best_action", "offer_refund_policy")]
    assert events[0][1].text == "Purchase validated: offer the refund policy."
    assert kinds(call.say("agent", "our refund policy gives you thirty days")) == [
        ("withdraw", "next_best_action", "offer_refund_policy")
    ]


def test_frustration_raises_once_with_hysteresis_and_clears_after_calm_turns(
    assist_rubric: CompiledRubric,
) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call is recorded")
    events = call.say("customer", "this is ridiculous, the third time im calling and nothing is fixed")
    assert kinds(events) == [("prompt", "sentiment", "calm_response")]
    assert call.session.frustrated
    # Still upset: the level stays above the clear line, nothing new is raised.
    assert call.say("customer", "honestly im fed up") == []
    cleared = []
    for _ in range(4):
        call.say("agent", "i understand, let me fix it")
        cleared += call.say("customer", "okay thank you")
    assert kinds(cleared) == [("withdraw", "sentiment", "calm_response")]
    assert call.session.frustrated is False


def test_a_problem_stated_once_raises_no_sentiment_prompt_but_repeated_it_does(
    assist_rubric: CompiledRubric,
) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call is recorded")
    assert call.say("customer", "i paid for concert tickets but never got them") == []
    events = call.say("customer", "and i still haven't got my money back either")
    assert kinds(events) == [("prompt", "sentiment", "calm_response")]


def test_distress_carries_over_decayed_and_adds_up_as_independent_evidence() -> None:
    assert carried_distress(0.0, 0.5) == pytest.approx(0.5)
    assert carried_distress(0.5, 0.5) == pytest.approx(1 - 0.7 * 0.5)
    assert carried_distress(0.5, 0.0) == pytest.approx(0.5 * FRUSTRATION_DECAY)
    assert carried_distress(1.0, 0.0) < 1.0 and carried_distress(0.9, 0.9) <= 1.0


def test_loud_but_happy_customer_raises_no_sentiment_prompt(assist_rubric: CompiledRubric) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello this call is recorded")
    assert call.say("customer", "WOW that is AMAZING!!! thank you so much!!!") == []
    assert call.say("customer", "I AM SHOUTING BECAUSE IM ON THE TRAIN, ALL GOOD!") == []


def test_knowledge_article_for_the_issue_not_for_a_product_named_in_passing(
    assist_rubric: CompiledRubric, catalogue: Catalogue
) -> None:
    call = Call(rules(assist_rubric, catalogue))
    call.say("agent", "hello this call is recorded")
    assert call.say("customer", "i also have a credit card with you but thats fine") == []
    events = call.say("customer", "i think someone stole my card yesterday")
    assert kinds(events) == [("prompt", "knowledge", "lost_or_stolen_card")]
    prompt = events[0][1]
    assert prompt.url and prompt.evidence[0]["matched"] == "someone stole my"
    assert call.say("customer", "i lost my card you see") == []  # the same article is not sent twice


def test_after_the_first_customer_turn_a_match_by_meaning_needs_the_follow_up_threshold(
    assist_rubric: CompiledRubric,
) -> None:
    shipped = load_catalogue()
    asked = "how long does money take to reach my sister abroad"  # by meaning, about 0.5
    score = shipped.match(asked, Speaker.CUSTOMER)[0].score
    assert shipped.threshold_for("wire_transfer_limits") <= score < shipped.follow_up_threshold

    opening = Call(rules(assist_rubric, shipped, sentiment=False))
    opening.say("agent", "hello this call is recorded")
    assert kinds(opening.say("customer", asked)) == [("prompt", "knowledge", "wire_transfer_limits")]

    later = Call(rules(assist_rubric, shipped, sentiment=False))
    later.say("agent", "hello this call is recorded")
    later.say("customer", "hi, i have a question about my account")
    later.say("agent", "of course, go ahead")
    assert later.say("customer", asked) == []  # a later turn: under the follow-up line
    later.say("agent", "let me check")
    assert kinds(later.say("customer", "and i lost my card on the bus")) == [
        ("prompt", "knowledge", "lost_or_stolen_card")  # a phrase counts in any turn
    ]


def test_an_unless_phrase_in_the_same_utterance_cancels_the_article(catalogue: Catalogue) -> None:
    assert catalogue.match("i lost my card but then i found it", Speaker.CUSTOMER) == []
    assert [m.article.id for m in catalogue.match("i lost my card", Speaker.CUSTOMER)] == ["lost_or_stolen_card"]
    assert catalogue.match("i lost my card", Speaker.AGENT) == []  # customer mentions only


def test_partial_results_are_replaced_and_only_final_ones_evaluated(assist_rubric: CompiledRubric) -> None:
    call = Call(rules(assist_rubric))
    call.say("agent", "hello", final=False, uid="a")
    call.say("agent", "hello please calm", final=False, uid="a")
    assert call.session.partials == {"a": "hello please calm"}
    assert call.session.raw == []
    call.say("agent", "hello this call is recorded", uid="a")
    assert call.session.partials == {}
    assert [u.text for u in call.session.raw] == ["hello this call is recorded"]


def test_policy_holds_back_duplicates_cooldown_and_over_budget() -> None:
    policy = AlertPolicy(budget=3, cooldown_seconds=10)
    assert policy.admit("knowledge", "a", 0.0)
    assert not policy.admit("knowledge", "a", 50.0)  # duplicate
    assert not policy.admit("knowledge", "b", 5.0)  # cooldown of its kind
    assert policy.admit("sentiment", "s", 5.0)  # another kind is not held
    assert policy.admit("compliance", "c", 6.0)  # compliance ignores the cooldown
    assert not policy.admit("compliance", "d", 7.0)  # but not the budget
    assert policy.suppressed == {"cooldown": 1, "budget": 1}


def test_session_budget_caps_prompts_from_the_rubric(catalogue: Catalogue) -> None:
    text = (FIXTURES / "assist.yaml").read_text().replace("budget: 4", "budget: 1")
    call = Call(rules(compile_text(text, "assist.yaml"), catalogue))
    call.say("customer", "i lost my card")
    call.say("agent", "hello")
    call.say("agent", "please calm down")  # a violation, but the budget is spent
    assert [p.kind for p in call.session.prompts] == ["knowledge"]
    assert call.session.policy.suppressed["budget"] >= 1


def test_after_naming_an_unknown_id_is_a_rubric_error() -> None:
    text = (FIXTURES / "assist.yaml").read_text().replace("after: [purchase_validated]", "after: [nope]")
    with pytest.raises(RubricError, match="'nope', which is no behaviour or event"):
        LiveRules(compile_text(text, "assist.yaml"), None)


def test_realtime_keys_are_validated_with_the_rubric_line() -> None:
    text = (FIXTURES / "assist.yaml").read_text().replace("budget: 4", "budget: -1")
    with pytest.raises(RubricError, match=r"assist.yaml:\d+ realtime.budget"):
        compile_text(text, "assist.yaml")


def test_shipped_rubrics_still_load_and_the_general_disclosure_is_a_live_deadline() -> None:
    general = LiveRules(load_rubric("general"), None)
    assert {r.item.spec.id for r in general.compliance} >= {"recording_disclosure", "no_prohibited_language"}


def test_catalogue_errors_name_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "kb.yaml"
    bad.write_text("articles:\n  - id: x\n    title: X\n    phrases: [a]\n    colour: red\n")
    with pytest.raises(ConfigError, match=r"kb.yaml:5 articles\[0\].colour: unknown key"):
        load_catalogue(bad)
    bad.write_text("articles:\n  - id: x\n    title: X\n")
    with pytest.raises(ConfigError, match="needs `examples`, `phrases` or `regex`"):
        load_catalogue(bad)
