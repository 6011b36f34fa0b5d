"""Compliance that fails loudly: account actions and disclosures found by meaning, with the
real encoder, on English, Hinglish and recogniser-style (lower case, no punctuation) text;
weak applicability decisions flagged for review instead of passing silently."""

from __future__ import annotations

from coachloop.evaluate import evaluate, load_rubric
from coachloop.model import BehaviorResult, Channel, Interaction, Outcome, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER


def call(
    *turns: tuple[Speaker, str], channel: Channel = Channel.VOICE, queue: str | None = None
) -> Interaction:
    return Interaction(
        "t-1",
        channel=channel,
        queue=queue,
        utterances=[Utterance(i, s, t, float(10 * i), 10 * i + 9.0) for i, (s, t) in enumerate(turns)],
    )


def result(interaction: Interaction, rubric: str, behavior: str) -> BehaviorResult:
    ev = evaluate(load_rubric(rubric), interaction)
    return next(r for r in ev.results if r.behavior_id == behavior)


BANK = "retail_bank"


def test_an_unstated_transfer_followed_by_the_closing_is_a_violation_on_recogniser_text() -> None:
    asr = call(
        (A, "hello this is harper valley national bank my name is james how can i help you today"),
        (C, "hi my name is linda i would like to move some cash from savings over to checking"),
        (A, "okay and how much"),
        (C, "sixty one dollars"),
        (A, "okay is there anything else i can help you with"),
        (C, "no thank you"),
        (A, "thank you for calling have a great day"),
    )
    found = result(asr, BANK, "verify_before_account_action")
    assert found.outcome is Outcome.MISSED


def test_a_balance_read_out_in_other_words_is_never_a_silent_pass() -> None:
    spoken = call(
        (A, "Hello, this is Harper Valley National Bank, my name is Ana. How can I help you?"),
        (C, "Hi, I was wondering how much money I have got."),
        (A, "Looking at it now, there is three hundred and twelve dollars available to you."),
        (C, "Great, thanks."),
        (A, "Thank you for calling, have a great day."),
    )
    found = result(spoken, BANK, "verify_before_account_action")
    assert found.outcome is Outcome.MISSED or found.review_reason is not None


def test_a_hinglish_request_for_an_account_action_is_understood() -> None:
    hinglish = call(
        (A, "Harper Valley National Bank se Priya baat kar rahi hoon, bataiye?"),
        (C, "Mujhe apne account ka balance jaanna tha."),
        (A, "Theek hai."),
        (C, "Ji."),
        (A, "Aur kuch madad? Anything else I can help you with?"),
        (C, "Nahi, bas."),
    )
    assert result(hinglish, BANK, "verify_before_account_action").outcome is Outcome.MISSED


def test_verification_before_the_action_is_met_and_branch_hours_are_not_applicable() -> None:
    verified = call(
        (A, "hello this is harper valley national bank how can i help you"),
        (C, "i need to transfer money to my checking account"),
        (A, "sure can i get your account number"),
        (C, "it is four five six seven"),
        (A, "i have transferred fifty dollars to your checking account"),
        (A, "anything else"),
    )
    assert result(verified, BANK, "verify_before_account_action").outcome is Outcome.MET
    hours = call(
        (A, "hello this is harper valley national bank how can i help you"),
        (C, "what time does the branch open on saturday"),
        (A, "we are open from nine to one on saturdays"),
        (A, "is there anything else i can help you with"),
    )
    found = result(hours, BANK, "verify_before_account_action")
    assert found.outcome is Outcome.NOT_APPLICABLE
    assert found.review_reason is None


def test_a_request_the_call_never_completes_is_not_applicable_but_flagged_for_review() -> None:
    broken_off = call(
        (A, "hello this is harper valley national bank how can i help you"),
        (C, "i lost my debit card can you send me a new one"),
        (A, "which card would you like to replace"),
        (C, "[noise]"),
    )
    found = result(broken_off, BANK, "verify_before_account_action")
    assert found.outcome is Outcome.NOT_APPLICABLE
    assert found.critical and found.confidence <= 0.5
    assert found.review_reason is not None and "asked for it" in found.review_reason


GENERAL = "general"


def test_a_paraphrased_recording_disclosure_is_met() -> None:
    paraphrased = call(
        (
            A,
            "Before we begin, I should mention that everything we say today is kept on file to help train our staff.",
        ),
        (C, "Okay."),
        (A, "Thank you for calling Northwind Bank, how can I help?"),
    )
    assert result(paraphrased, GENERAL, "recording_disclosure").outcome is Outcome.MET
    silent = call(
        (A, "Thank you for calling Northwind Bank, my name is Sam. How can I help?"),
        (C, "My card was declined."),
        (A, "Who am I speaking with today?"),
    )
    assert result(silent, GENERAL, "recording_disclosure").outcome is Outcome.MISSED


def test_a_hinglish_recording_disclosure_is_met() -> None:
    hinglish = call(
        (A, "Namaste, Northwind Bank se Rahul. Yeh call record ki ja rahi hai."),
        (C, "Ji."),
    )
    assert result(hinglish, GENERAL, "recording_disclosure").outcome is Outcome.MET


def test_hold_etiquette_does_not_apply_to_a_chat() -> None:
    chat = call(
        (A, "Northwind Bank, this is Sam, how can I help?"),
        (C, "My card is blocked."),
        (A, "Let me look."),
        (A, "Okay, I've removed the block."),
        channel=Channel.CHAT,
    )
    # A 60-second gap before the agent's next message would be a hold on a call.
    chat.utterances[3].start = 100.0
    chat.utterances[3].end = 101.0
    assert result(chat, GENERAL, "hold_etiquette").outcome is Outcome.NOT_APPLICABLE


def test_verification_asked_in_other_words_is_met() -> None:
    reworded = call(
        (A, "Northwind Bank, this is Sam, how can I help?"),
        (C, "I want to cancel my card."),
        (A, "Sure. Just so I know I'm talking to the account holder, which city were you born in?"),
        (C, "Leeds."),
        (A, "Thanks. I've cancelled the card."),
    )
    assert result(reworded, GENERAL, "verify_identity").outcome is Outcome.MET
    assert result(reworded, GENERAL, "verify_before_account_change").outcome is Outcome.MET


def test_general_hears_the_recording_disclosure_in_its_common_wordings() -> None:
    for opening in (
        "northwind bank good morning calls are being recorded what can i do",
        "Hello, you are on a recorded line at Northwind Bank, how can I help?",
        "namaste, northwind bank, yeh call training ke liye record ho rahi hai, bataiye",
        "northwind bank, hamari calls record ki jaati hain, main asha, bataiye",
    ):
        disclosed = call((A, opening), (C, "hi i have a question about a payment"))
        assert result(disclosed, "general", "recording_disclosure").outcome is Outcome.MET, opening
    silent = call(
        (A, "northwind bank good morning what can i do"),
        (C, "i need the record of my call from last week"),
        (A, "i can look up the call record for you"),
    )
    assert result(silent, "general", "recording_disclosure").outcome is Outcome.MISSED


def test_general_counts_a_frozen_card_or_a_raised_limit_as_an_account_change_needing_verification() -> None:
    for action in (
        "right, i've frozen the card so nobody can use it",
        "ok i've increased your overdraft limit to two thousand",
        "that's been updated, you'll get texts on the new number",
        "theek hai, maine card freeze kar diya hai",
    ):
        unverified = call(
            (A, "northwind bank, this call may be recorded, how can i help"),
            (C, "i need something changed on my account please"),
            (A, action),
            (C, "great thanks"),
        )
        assert result(unverified, "general", "verify_before_account_change").outcome is Outcome.MISSED, action


def test_general_hears_a_hinglish_request_for_the_date_of_birth_as_verification() -> None:
    hinglish = call(
        (A, "northwind bank, calls record ki jaati hain, main ravi, bataiye"),
        (C, "ravi ji, mera debit card block karna hai"),
        (A, "zaroor, pehle apni date of birth bata dijiye"),
        (C, "chaubees march unnees sau nabbe"),
        (A, "dhanyavaad, maine card block kar diya hai"),
    )
    assert result(hinglish, "general", "verify_identity").outcome is Outcome.MET
    assert result(hinglish, "general", "verify_before_account_change").outcome is Outcome.MET
