"""Per-utterance sentiment and frustration, and the customer's trajectory through a call."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachloop.detect.text import normalize
from coachloop.language.sentiment import (
    SentimentScorer,
    assess_many,
    default_scorer,
    frustration,
    frustration_peaks,
    score,
    score_many,
    trajectory,
)
from coachloop.language.sentiment.lexicon import load_lexicon, tokens
from coachloop.model import Interaction, Speaker, Utterance

A, C = Speaker.AGENT, Speaker.CUSTOMER

# (negative, neutral, positive) said the same way, per language.
ORDERED = [
    (
        "i am really unhappy with this service",
        "i need to check my account balance",
        "that was really helpful thank you",
    ),
    ("this is terrible and i am angry", "my card number is [CARD]", "great thanks so much"),
    ("yeh service bahut bakwaas hai", "mera card number check karna hai", "bahut achha laga dhanyavaad"),
    (
        "main bahut pareshaan hoon gussa aa raha hai",
        "account ka balance batao",
        "shukriya aapne badhiya madad ki",
    ),
    ("मैं बहुत परेशान हूँ", "मुझे अपना बैलेंस जानना है", "बहुत बहुत धन्यवाद"),
    ("यह सेवा बेकार है", "कार्ड नंबर बताइए", "आपकी सेवा शानदार है"),
]


@pytest.mark.parametrize(("negative", "neutral", "positive"), ORDERED)
def test_negative_scores_below_neutral_below_positive(negative: str, neutral: str, positive: str) -> None:
    assert score(negative) < -0.3
    assert score(neutral) == 0.0
    assert score(positive) > 0.3


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("this is good", "this is not good"),
        ("achha hai", "achha nahi hai"),
        ("theek hai", "theek nahi hai"),
        ("अच्छी है", "अच्छी नहीं है"),
    ],
)
def test_negation_turns_positive_negative_before_or_after_the_word(text: str, negated: str) -> None:
    assert score(text) > 0 > score(negated)


def test_negated_problem_is_reassurance_in_both_languages() -> None:
    assert score("no problem at all") > 0
    assert score("koi problem nahi") > 0 > score("problem hai")


def test_intensifiers_strengthen_and_contrast_favours_what_follows() -> None:
    assert score("very good") > score("good") > 0
    assert score("bahut achha") > score("achha") > 0
    assert score("bahut bura") < score("bura") < 0
    assert score("the card works but the app is terrible") < 0
    assert score("card kharab tha lekin ab sab badhiya hai") > 0


def test_polite_decline_and_answers_are_not_negative() -> None:
    assert score("no thank you") > 0
    assert score("no that is all thanks") > 0
    assert score("yes") == score("no") == score("sure go ahead") == 0.0


def test_asr_text_without_case_or_punctuation_scores_like_the_written_text() -> None:
    assert score("i'm NOT happy, this is terrible.") == pytest.approx(score("im not happy this is terrible"))
    assert score("I don't like this at all") == score("i dont like this at all")


def test_transcription_marks_are_ignored_and_a_marks_only_turn_is_not_substantive() -> None:
    assert score("[noise] i am <unk> not um happy [noise]") == score("i am not happy")
    only_marks = default_scorer().assess("[noise] <unk> um")
    assert only_marks.score == 0.0 and not only_marks.substantive


def test_redaction_tokens_are_neutral() -> None:
    for token in ("[CARD]", "[NATIONAL_ID]", "[EMAIL]", "[PHONE]"):
        assert score(f"my details are {token}") == 0.0


def test_devanagari_spelled_with_or_without_nukta_and_chandrabindu_scores_the_same() -> None:
    assert score("मैं नाराज़ हूँ") == score("मैं नाराज हूं") < 0


@pytest.mark.parametrize(
    "text",
    [
        "this is the third time i'm calling about this",
        "i've been waiting for forty minutes",
        "this is ridiculous",
        "honestly i am fed up",
        "can i speak to your manager please",
        "i still haven't received the refund",
        "kitni baar call karna padega",
        "teesri baar call kar raha hoon",
        "manager se baat karao",
        "मैंने कितनी बार बताया है",
        "अब तक पैसा नहीं आया",
    ],
)
def test_frustration_cues_are_found_and_pull_the_score_down(text: str) -> None:
    assert frustration(text) >= 0.5
    assert score(text) < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "how long does that usually take",
        "i need a new card this time",
        "can you transfer me to savings",
        "i am calling about my balance",
        "mera balance kitna hai",
    ],
)
def test_ordinary_requests_carry_no_frustration(text: str) -> None:
    assert frustration(text) == 0.0


def test_several_cues_are_stronger_than_one() -> None:
    one = frustration("this is the third time i am calling")
    two = frustration("this is the third time i am calling and i want to speak to a manager")
    assert 0 < one < two <= 1


def test_emoji_emoticons_and_exclamations_count_in_chat() -> None:
    assert score("ok 😊") > score("ok") > 0
    assert score("thanks :)") > score("thanks")
    assert score("great!!!") > score("great")
    assert score("this is awful!!") < score("this is awful")


def test_score_many_and_prenormalised_text_agree_with_score() -> None:
    texts = [t for triple in ORDERED for t in triple] + ["i've been waiting!!", "ठीक है 😊"]
    assert score_many(texts) == [score(t) for t in texts]
    scorer = default_scorer()
    for t in texts:
        assert scorer.assess(t, normalize(t)) == scorer.assess(t)
    assert [a.score for a in assess_many(texts, [normalize(t) for t in texts])] == score_many(texts)


def test_tokens_match_the_rubric_normalisation() -> None:
    for t in ["Hi, I'm Ravi -- my card [CARD] <unk>!", "मेरा कार्ड, ब्लॉक करो।", "ok_then 3rd time"]:
        assert tokens(t) == normalize(t).split()


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_scores_within_bounds(text: str) -> None:
    a = default_scorer().assess(text)
    assert -1.0 <= a.score <= 1.0 and 0.0 <= a.frustration <= 1.0


def test_rules_reproduce_vader_on_plain_english() -> None:
    vader = pytest.importorskip("vaderSentiment.vaderSentiment").SentimentIntensityAnalyzer()
    plain = SentimentScorer(load_lexicon(vader_only=True))
    sentences = [
        "The book was good.",
        "At least it isn't a horrible book.",
        "The book was only kind of good.",
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "Not bad at all",
        "Sentiment analysis has never been good.",
        "Without a doubt, excellent idea.",
        "i am not happy with the service",
        "no thank you",
        "this is absolutely terrible",
        "I love it!!!",
        "Make sure you :) today",
    ]
    for s in sentences:
        assert plain.assess(s).score == pytest.approx(vader.polarity_scores(s)["compound"], abs=0.002), s


def call(*turns: tuple[Speaker, str]) -> Interaction:
    return Interaction("t", utterances=[Utterance(i, s, t) for i, (s, t) in enumerate(turns)])


RECOVERING = call(
    (A, "thank you for calling northwind bank how can i help"),  # 0
    (C, "hi i need to ask about a charge on my card"),  # 1
    (A, "sure can i have your name"),  # 2
    (C, "ravi kumar"),  # 3
    (C, "[noise]"),  # 4
    (A, "thank you one moment"),  # 5
    (C, "this is the third time i am calling and nobody has fixed it"),  # 6
    (C, "it is ridiculous"),  # 7
    (A, "let me look"),  # 8
    (C, "the fee is still there"),  # 9
    (A, "i understand how annoying that is i have refunded the fee"),  # 10
    (C, "okay great"),  # 11
    (A, "is there anything else"),  # 12
    (C, "no that is all thank you so much this was really helpful"),  # 13
)


def test_trajectory_reports_start_lowest_end_and_recovery() -> None:
    t = trajectory(RECOVERING)
    assert len(t.scores) == len(t.frustration) == len(RECOVERING.utterances)
    assert t.customer == (1, 3, 6, 7, 9, 11, 13)  # "[noise]" is not a turn that says anything
    assert t.agent == (0, 2, 5, 8, 10, 12)
    assert t.start == pytest.approx(sum(t.scores[p] for p in (1, 3, 6)) / 3)
    assert t.end == pytest.approx(sum(t.scores[p] for p in (9, 11, 13)) / 3)
    assert t.lowest == pytest.approx(sum(t.scores[p] for p in (6, 7, 9)) / 3)
    assert t.lowest_at == 7
    assert t.lowest is not None and t.lowest < -0.3 and t.end is not None and t.end > 0.2
    assert t.recovered is True


def test_one_peak_per_outburst_and_slight_negativity_is_no_peak() -> None:
    t = trajectory(RECOVERING)
    # 6 and 7 are one stretch of talk (no agent turn between): its strongest turn, 6.
    assert t.peaks == (6,)
    assert t.distress(6) > t.distress(7) >= 0.5
    assert -0.5 < t.scores[9] <= 0 and 9 not in t.peaks


def test_customer_who_never_got_negative_has_no_recovery_to_report() -> None:
    t = trajectory(
        call((A, "how can i help"), (C, "i want to check my balance"), (A, "it is fine"), (C, "thanks"))
    )
    assert t.peaks == () and t.recovered is None


def test_customer_who_ends_upset_did_not_recover() -> None:
    t = trajectory(
        call(
            (A, "how can i help"),
            (C, "hi i have a question about my statement"),
            (A, "the fee stays i am afraid"),
            (C, "that is ridiculous i am fed up"),
            (A, "there is nothing more i can do"),
            (C, "this is terrible i want to speak to your manager"),
        )
    )
    assert t.peaks == (3, 5)
    assert t.recovered is False


def test_trajectory_without_customer_turns_is_empty() -> None:
    t = trajectory(call((A, "hello"), (C, "[noise]")))
    assert t.customer == () and t.start is t.lowest is t.end is t.mean is t.recovered is None


def test_frustration_peaks_of_stretches() -> None:
    # Customer turns 1, 2 | agent 3 | customer 4 | agent 5 | customer 6
    assert frustration_peaks([1, 2, 4, 6], [0.6, 0.9, 0.2, 0.5], [3, 5], 0.5) == (2, 6)
    assert frustration_peaks([1, 2], [0.1, 0.4], [], 0.5) == ()
