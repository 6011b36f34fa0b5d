"""Evaluation: every behaviour gets an outcome with evidence, scores and compliance apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachloop.evaluate import evaluate, load_rubric
from coachloop.model import BehaviorResult, Channel, Evaluation, Interaction, Outcome, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER


def call(
    *turns: tuple[Speaker, str] | tuple[Speaker, str, float],
    channel: Channel = Channel.VOICE,
    **fields: object,
) -> Interaction:
    utterances = []
    clock = 0.0
    for i, turn in enumerate(turns):
        speaker, text = turn[0], turn[1]
        if len(turn) == 3:
            clock += turn[2]
        duration = max(1.0, len(text.split()) / 2.6)
        utterances.append(Utterance(i, speaker, text, clock, clock + duration))
        clock += duration + 0.5
    return Interaction(id="t-1", channel=channel, utterances=utterances, **fields)  # type: ignore[arg-type]


def result(ev: Evaluation, behavior: str) -> BehaviorResult:
    return next(r for r in ev.results if r.behavior_id == behavior)


GOOD_CALL = call(
    (
        A,
        "Thank you for calling Northwind Bank, my name is Asha. This call may be recorded for quality purposes.",
    ),
    (C, "Hi, my name is Ravi Kumar, I lost my debit card and I'm really worried."),
    (A, "I'm sorry to hear that, Ravi. For security, can you confirm your date of birth?"),
    (C, "Sure, it's the fourth of May."),
    (A, "Thank you. Just to confirm, you'd like to block the card and order a new one?"),
    (C, "Yes please."),
    (A, "May I place you on a brief hold while I do that?"),
    (C, "Okay."),
    (
        A,
        "Thank you for holding. I've blocked the card and you'll receive the new one within 5 business days.",
        40.0,
    ),
    (C, "Great."),
    (A, "Is there anything else I can help you with today?"),
    (C, "No, that's all."),
    (A, "Thank you for calling Northwind Bank, have a great day."),
)


def test_good_call_meets_every_behaviour_with_evidence() -> None:
    ev = evaluate(load_rubric("general"), GOOD_CALL)
    outcomes = {r.behavior_id: r.outcome for r in ev.results}
    assert all(o is Outcome.MET for o in outcomes.values()), outcomes
    assert ev.score == 1.0 and ev.compliance_passed and not ev.auto_failed
    for r in ev.results:
        assert r.evidence, r.behavior_id
        for e in r.evidence:
            u = GOOD_CALL.utterances[e.utterance_index]
            assert e.text == u.text and e.start == u.start and e.speaker == u.speaker


def test_evidence_span_points_at_the_matched_words_in_the_original_text() -> None:
    ev = evaluate(load_rubric("general"), GOOD_CALL)
    disclosure = result(ev, "recording_disclosure").evidence[0]
    assert disclosure.span is not None
    assert disclosure.text[disclosure.span[0] : disclosure.span[1]] == "This call may be recorded"
    name = result(ev, "use_customer_name").evidence[0]
    assert name.span is not None and name.text[name.span[0] : name.span[1]] == "Ravi"


def test_missed_behaviour_reports_the_window_where_it_was_expected() -> None:
    interaction = call(
        (A, "Hello, how can I help?"),
        (C, "I need a new card."),
        (A, "Sure, done."),
        (C, "Thanks."),
        (A, "Bye now."),
    )
    ev = evaluate(load_rubric("general"), interaction)
    help_offer = result(ev, "offer_further_help")
    assert help_offer.outcome is Outcome.MISSED and not help_offer.evidence
    assert help_offer.expected_window is not None
    assert (help_offer.expected_window.from_utterance, help_offer.expected_window.to_utterance) == (0, 4)
    greeting = result(ev, "greet_with_brand")
    assert greeting.expected_window is not None and greeting.expected_window.to_utterance == 2


def test_missed_critical_behaviour_auto_fails_and_scores_zero() -> None:
    interaction = call(
        (A, "Northwind Bank, this is Sam."),
        (C, "Block my card please."),
        (A, "I've blocked your card, you'll receive a new one in 5 business days."),
        (A, "Anything else I can help with? Thank you for calling, goodbye."),
    )
    ev = evaluate(load_rubric("general"), interaction)
    order = result(ev, "verify_before_account_change")
    assert order.outcome is Outcome.MISSED and order.critical
    assert order.evidence[0].utterance_index == 2
    assert ev.auto_failed and not ev.compliance_passed and ev.score == 0.0
    assert ev.section_scores["opening"] is not None and ev.section_scores["opening"] > 0


def test_order_rule_not_applicable_without_an_account_change() -> None:
    interaction = call(
        (A, "Northwind Bank, this is Sam. This call may be recorded."),
        (C, "What are your hours?"),
        (A, "We open at nine."),
    )
    ev = evaluate(load_rubric("general"), interaction)
    assert result(ev, "verify_before_account_change").outcome is Outcome.NOT_APPLICABLE


def test_prohibited_language_is_a_critical_miss_quoting_the_words() -> None:
    interaction = call(
        (A, "Northwind Bank, this call may be recorded."),
        (C, "You charged me twice!"),
        (A, "Calm down, that's not my problem."),
    )
    r = result(evaluate(load_rubric("general"), interaction), "no_prohibited_language")
    assert r.outcome is Outcome.MISSED and r.evidence[0].utterance_index == 2
    assert r.note is not None and "calm down" in r.note


def test_hold_without_asking_is_missed_and_without_holds_not_applicable() -> None:
    rubric = load_rubric("general")
    rude = call(
        (A, "Northwind Bank."),
        (C, "Check my payment."),
        (A, "Okay."),
        (A, "Thanks for holding, it went through.", 60.0),
    )
    assert result(evaluate(rubric, rude), "hold_etiquette").outcome is Outcome.MISSED
    short = call((A, "Northwind Bank."), (C, "Hi."))
    assert result(evaluate(rubric, short), "hold_etiquette").outcome is Outcome.NOT_APPLICABLE


def test_a_gap_before_the_customer_replies_is_not_a_hold() -> None:
    typing = call(
        (A, "Northwind Bank, how can I help?"),
        (C, "My card was declined at the shop, it was so embarrassing.", 60.0),
        (A, "I'm sorry to hear that."),
    )
    r = result(evaluate(load_rubric("general"), typing), "hold_etiquette")
    assert r.outcome is Outcome.NOT_APPLICABLE and r.note is not None and "agent silence" in r.note


def test_chat_without_times_makes_time_based_checks_not_applicable() -> None:
    chat = Interaction(
        id="chat-1",
        channel=Channel.CHAT,
        utterances=[Utterance(0, A, "Welcome to Northwind Bank, this is Lee."), Utterance(1, C, "hi")],
    )
    ev = evaluate(load_rubric("general"), chat)
    assert result(ev, "hold_etiquette").outcome is Outcome.NOT_APPLICABLE
    # Recording disclosure applies to voice only.
    assert result(ev, "recording_disclosure").outcome is Outcome.NOT_APPLICABLE
    assert result(ev, "greet_with_brand").outcome is Outcome.MET


def test_behaviour_is_detected_in_hinglish_and_devanagari_variants() -> None:
    interaction = call(
        (A, "Northwind Bank mein call karne ke liye dhanyavaad. Yeh call record ki ja sakti hai."),
        (C, "Mera card kho gaya hai."),
        (A, "मैं आपकी पहचान सत्यापित करना चाहता हूँ, please apni date of birth bataiye."),
        (C, "Paanch May."),
        (A, "Maine card block kar diya hai."),
        (A, "Aur kuch madad kar sakta hoon?"),
        language="hi-en",
    )
    ev = evaluate(load_rubric("general"), interaction)
    for behavior in (
        "greet_with_brand",
        "recording_disclosure",
        "verify_identity",
        "offer_further_help",
        "verify_before_account_change",
    ):
        assert result(ev, behavior).outcome is Outcome.MET, behavior
    devanagari = result(ev, "verify_identity").evidence[0]
    assert devanagari.span is not None
    assert devanagari.text[devanagari.span[0] : devanagari.span[1]] in ("पहचान सत्यापित", "date of birth")


def test_customer_name_not_applicable_when_never_given() -> None:
    interaction = call((A, "Northwind Bank, how can I help?"), (C, "I need my balance."))
    assert (
        result(evaluate(load_rubric("general"), interaction), "use_customer_name").outcome
        is Outcome.NOT_APPLICABLE
    )


def test_first_seconds_window_only_counts_early_turns() -> None:
    late = call((A, "Hello."), (C, "Hi my name is Dana Lee."), (A, "I can help you with that, Dana.", 45.0))
    ev = evaluate(load_rubric("first_30_seconds"), late)
    assert result(ev, "use_customer_name").outcome is Outcome.MISSED
    assert result(ev, "state_purpose").outcome is Outcome.MISSED


def test_evaluation_is_deterministic() -> None:
    rubric = load_rubric("general")
    assert evaluate(rubric, GOOD_CALL) == evaluate(rubric, GOOD_CALL)


def test_evaluation_records_the_rubric_version() -> None:
    ev = evaluate(load_rubric(Path(__file__).parent.parent / "fixtures" / "rubrics" / "tiny.yaml"), GOOD_CALL)
    assert (ev.rubric, ev.rubric_version) == ("tiny", "2")


@pytest.mark.parametrize("weight_missing", [True, False])
def test_score_is_the_weighted_share_of_applicable_quality_behaviours(
    tmp_path: Path, weight_missing: bool
) -> None:
    rubric_file = tmp_path / "w.yaml"
    rubric_file.write_text(f"""\
name: weights
version: 1
title: Weights
sections:
  - id: s
    title: S
    behaviors:
      - {{id: hello, title: H, coaching: c, detect: phrase, phrases: [hello], weight: 3}}
      - {{id: bye, title: B, coaching: c, detect: phrase, phrases: [bye], weight: {1 if weight_missing else 0}}}
""")
    ev = evaluate(load_rubric(rubric_file), call((A, "hello there")))
    assert ev.score == (0.75 if weight_missing else 1.0)
