"""Compliance prompts from the shipped `general` rubric, live: the batch detectors'
meaning-based disclosure check counts a disclosure said in other words, and prohibited
language counts only when the agent says it. Real encoder; sentences written for these
tests, not taken from the labelled replay sets."""

from __future__ import annotations

import pytest

from coachloop.evaluate import CompiledRubric, load_rubric
from coachloop.realtime.session import LiveRules
from tests.realtime.conftest import Call, kinds


@pytest.fixture(scope="module")
def general() -> CompiledRubric:
    return load_rubric("general")


def test_a_disclosure_in_other_words_counts_as_said(general: CompiledRubric) -> None:
    call = Call(LiveRules(general, None, sentiment=False))
    call.say("agent", "northwind bank, hello. our team keeps a recording of this conversation for training.")
    call.say("customer", "hi, i'd like to ask about my mortgage")
    assert call.say("agent", "of course, one moment while i open your file") == []
    assert call.session.overdue == set()


def test_a_missing_disclosure_still_prompts_at_its_deadline(general: CompiledRubric) -> None:
    call = Call(LiveRules(general, None, sentiment=False))
    call.say("agent", "northwind bank, hello, who am i speaking to?")
    call.say("customer", "it's sam, about my mortgage")
    events = call.say("agent", "thanks sam, one moment while i open your file")
    assert kinds(events) == [("prompt", "compliance", "recording_disclosure")]


def test_prohibited_words_fire_for_the_agent_not_for_a_customer_quoting_them(general: CompiledRubric) -> None:
    call = Call(LiveRules(general, None, sentiment=False))
    call.say("agent", "northwind bank, this call may be recorded. how can i help?")
    assert call.say("customer", "your colleague yesterday told me to calm down, can you believe it") == []
    events = call.say("agent", "well sir, you need to calm down first")
    assert kinds(events) == [("prompt", "compliance", "no_prohibited_language")]
