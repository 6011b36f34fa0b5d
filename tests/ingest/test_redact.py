"""Redaction before storage: what is found, what is left alone, and that the fast path agrees."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachloop.errors import ConfigError
from coachloop.ingest.redact import RedactionConfig, Redactor
from coachloop.ingest.redact.checksums import _verhoeff_ok

REDACTOR = Redactor()
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Every word the redactor may read as (part of) a number.
NUMBER_WORD = re.compile(
    r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|double|triple)\b",
    re.IGNORECASE,
)


def luhn_complete(partial: str) -> str:
    """`partial` and the check digit that makes it pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return partial + str(-total % 10)


# --- configuration ------------------------------------------------------------------------


def test_config_from_mapping_reads_the_known_options() -> None:
    config = RedactionConfig.from_mapping({"phones": False, "spoken_digits": False})
    assert config == RedactionConfig(phones=False, spoken_digits=False)
    assert RedactionConfig.from_mapping({}) == RedactionConfig()


def test_config_from_mapping_names_an_unknown_option() -> None:
    with pytest.raises(ConfigError, match="'credit_cards'"):
        RedactionConfig.from_mapping({"cards": True, "credit_cards": False})


def test_config_from_mapping_refuses_a_value_that_is_not_a_boolean() -> None:
    with pytest.raises(ConfigError, match="'emails' must be true or false"):
        RedactionConfig.from_mapping({"emails": "false"})  # type: ignore[dict-item]


def test_a_kind_turned_off_is_kept_in_clear_and_the_others_still_redacted() -> None:
    text = "card 4532 0151 1283 0366, phone 555-213-4567, mail jane@example.com, ssn 123-45-6789"
    assert Redactor(RedactionConfig(phones=False)).redact(text) == (
        "card [CARD], phone 555-213-4567, mail [EMAIL], ssn [NATIONAL_ID]")
    assert Redactor(RedactionConfig(cards=False)).redact(text) == (
        "card 4532 0151 1283 0366, phone [PHONE], mail [EMAIL], ssn [NATIONAL_ID]")
    assert Redactor(RedactionConfig(emails=False, national_ids=False)).redact(text) == (
        "card [CARD], phone [PHONE], mail jane@example.com, ssn 123-45-6789")


def test_spoken_digits_turned_off_keeps_spoken_numbers_but_not_written_ones() -> None:
    redactor = Redactor(RedactionConfig(spoken_digits=False))
    said = "four five three two zero one five one one two eight three zero three six six"
    assert redactor.redact(f"it is {said}") == f"it is {said}"
    assert redactor.redact("it is 4532015112830366") == "it is [CARD]"


# --- cards --------------------------------------------------------------------------------


@pytest.mark.parametrize("card", ["4532 0151 1283 0366", "4532015112830366", "4532-0151-1283-0366",
                                  "3782 822463 10005", "4532.0151.1283.0366"])
def test_written_card_number_is_redacted(card: str) -> None:
    assert REDACTOR.redact(f"my card number is {card} thanks") == "my card number is [CARD] thanks"


def test_surrounding_text_punctuation_and_case_are_kept_intact() -> None:
    assert REDACTOR.redact("Hi, my Card is 4532-0151-1283-0366, THANKS!") == "Hi, my Card is [CARD], THANKS!"


@pytest.mark.parametrize("number", ["4532015112830367", "4532 0151 1283 0367", "4532-0151-1283-0367"])
def test_sixteen_digits_failing_luhn_are_not_a_card(number: str) -> None:
    # An order or tracking reference the agent reads back: left as it is (see `_label`).
    assert REDACTOR.redact(f"the reference is {number}") == f"the reference is {number}"


def test_spoken_card_number_is_redacted() -> None:
    text = "my card number is four five three two zero one five one one two eight three zero three six six"
    assert REDACTOR.redact(text) == "my card number is [CARD]"


@pytest.mark.parametrize("said", [
    "four five three two oh one five one one two eight three o three double six",
    "four triple one, one triple one, one triple one, one triple one",
    "four five three two, zero one five one, one two eight three, zero three six six",
    "four-five-three-two zero-one-five-one one-two-eight-three zero-three-six-six",
    "4532 zero one five one 1283 zero three six six",
    "FOUR FIVE THREE TWO ZERO ONE FIVE ONE ONE TWO EIGHT THREE ZERO THREE SIX SIX",
])
def test_card_spoken_with_oh_repeats_punctuation_mixed_digits_or_capitals_is_redacted(said: str) -> None:
    assert REDACTOR.redact(f"okay it's {said}.") == "okay it's [CARD]."


def test_card_run_into_a_stray_digit_word_is_still_redacted() -> None:
    text = "it's four five three two zero one five one one two eight three zero three six six one more thing"
    assert REDACTOR.redact(text) == "it's [CARD] one more thing"
    assert REDACTOR.redact("oh four five three two 0151 1283 0366") == "[CARD]"


# --- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["(555) 213-4567", "+1 555 213 4567", "+91 98765 43210", "555-213-4567",
                                   "555.213.4567", "5552134567", "+44 20 7946 0958", "07700 900123",
                                   "213-4567"])
def test_written_phone_number_is_redacted(phone: str) -> None:
    assert REDACTOR.redact(f"call me on {phone} tomorrow") == "call me on [PHONE] tomorrow"


@pytest.mark.parametrize("said", [
    "five five five two one three four five six seven",
    "five five five, two one three, four five six seven",
    "five five five two one three forty five sixty seven",
    "one eight hundred five five five one two one two",
    "double five five two one three four five six seven",
])
def test_spoken_phone_number_is_redacted(said: str) -> None:
    assert REDACTOR.redact(f"my number is {said} okay") == "my number is [PHONE] okay"


# --- national ids -------------------------------------------------------------------------


def test_social_security_number_written_or_introduced_as_one_is_redacted() -> None:
    assert REDACTOR.redact("it's 123-45-6789") == "it's [NATIONAL_ID]"
    assert REDACTOR.redact("my social is 123 45 6789") == "my social is [NATIONAL_ID]"
    assert REDACTOR.redact("my social security number is one two three four five six seven eight nine") == (
        "my social security number is [NATIONAL_ID]")
    assert REDACTOR.redact("SSN: 123456789") == "SSN: [NATIONAL_ID]"


def test_social_security_context_does_not_depend_on_how_far_back_it_was_said() -> None:
    # Redacting shortens the text in between; the result must not change when redacted again.
    text = "ssn, and the card 4532 0151 1283 0366 4532 0151 1283 0366 4532 0151 1283 0366, ok: 123456789"
    once = REDACTOR.redact(text)
    assert once == "ssn, and the card [CARD], ok: [NATIONAL_ID]"
    assert REDACTOR.redact(once) == once


def test_nine_digits_not_introduced_as_a_social_security_number_are_left() -> None:
    assert REDACTOR.redact("order 123456789 shipped to zip 12345-6789") == "order 123456789 shipped to zip 12345-6789"


def test_a_social_security_number_answered_in_its_own_turn_is_redacted() -> None:
    turns = [
        "can i get your social security number please",
        "sure",
        "one two three four five six seven eight nine",
        "and your order number",
        "987654321",
    ]
    assert REDACTOR.redact_turns(turns) == [*turns[:2], "[NATIONAL_ID]", turns[3], "987654321"]
    # Three turns later the question no longer explains the number.
    assert REDACTOR.redact_turns([turns[0], "sure", "hold on", "123456789"])[-1] == "123456789"
    # Turned off, it stays.
    kept = Redactor(RedactionConfig(national_ids=False)).redact_turns(turns)
    assert kept[2] == "one two three four five six seven eight nine"


def test_verhoeff_check_matches_published_examples() -> None:
    # Rosetta Code "Verhoeff algorithm": 236 -> 3, 12345 -> 1, 123456789012 -> 0.
    assert _verhoeff_ok("2363") and _verhoeff_ok("123451") and _verhoeff_ok("1234567890120")
    assert not _verhoeff_ok("2364") and not _verhoeff_ok("123450") and not _verhoeff_ok("1234567890121")


def test_aadhaar_passing_verhoeff_is_a_national_id_and_other_twelve_digits_a_phone() -> None:
    assert REDACTOR.redact("aadhaar 2345 6789 0124") == "aadhaar [NATIONAL_ID]"
    assert REDACTOR.redact("aadhaar two three four five six seven eight nine zero one two four") == (
        "aadhaar [NATIONAL_ID]")
    # Still a secret, if not an Aadhaar: 12 digits are a phone with a country code.
    assert REDACTOR.redact("number 2345 6789 0125") == "number [PHONE]"


@pytest.mark.parametrize("text, expected", [
    ("pan ABCPE1234F ok", "pan [NATIONAL_ID] ok"),
    ("pan abcpe1234f ok", "pan [NATIONAL_ID] ok"),
    ("NI number AB 12 34 56 C please", "NI number [NATIONAL_ID] please"),
    ("ni ab123456c", "ni [NATIONAL_ID]"),
    # Prefixes never issued (QQ is HMRC's own example), and a wrong holder-type letter.
    ("example QQ 12 34 56 C", "example QQ 12 34 56 C"),
    ("code ABCDX1234F", "code ABCDX1234F"),
])
def test_pan_and_uk_national_insurance_numbers(text: str, expected: str) -> None:
    assert REDACTOR.redact(text) == expected


# --- emails -------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["jane.doe@example.com", "j_doe+tag@mail.example.co.uk", "JANE@EXAMPLE.COM",
                                   "josé@exämple.de"])
def test_written_email_is_redacted(email: str) -> None:
    assert REDACTOR.redact(f"send it to {email}, please") == "send it to [EMAIL], please"


@pytest.mark.parametrize("said", ["jane dot doe at example dot com", "jane_doe at example dot co dot uk",
                                  "priyasharma42 at gmail dot com", "jane at gmail.com", "jane.doe at outlook dot com"])
def test_spoken_email_is_redacted(said: str) -> None:
    assert REDACTOR.redact(f"sure it's {said} thanks") == "sure it's [EMAIL] thanks"


def test_spoken_email_with_a_plain_name_is_redacted_when_introduced_as_an_email() -> None:
    assert REDACTOR.redact("my email is jane at example dot com") == "my email is [EMAIL]"


@pytest.mark.parametrize("text", ["you can find it at coachloop dot com", "visit us at example dot com",
                                  "look at example dot com for the form"])
def test_a_website_said_aloud_is_not_an_email(text: str) -> None:
    assert REDACTOR.redact(text) == text


# --- ordinary speech ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "that will be $25.00 today",
    "it was two hundred dollars last month",
    "your balance is $1,249.99 and the minimum is $35.00",
    "i called at 3:30 and again at five",
    "the payment was due on march 3rd 2024",
    "the technician comes between 9 and 11 on 12/04/2024",
    "can you confirm the last four digits one two three four",
    "press option two for billing",
    "i have two cards but only one works",
    "i've been a customer since 2019",
    "we had outages in 2019, 2021 and 2023 and in 2019 2021 2023",
    "twenty twenty four was a bad year",
    "one moment please",
    "it's five o'clock",
    "your ticket number is 48213",
    "the IP address is 192.168.100.200",
    "logged at 2024-03-03 14:30:45",
    "the total was $1,234,567,890.00",
])
def test_ordinary_contact_center_speech_is_unchanged(text: str) -> None:
    assert REDACTOR.redact(text) == text


def test_ordinary_speech_is_not_sent_to_the_exact_pass() -> None:
    # What keeps redaction fast: clean utterances with numbers in them are not flagged.
    texts = ["that will be $25.00 today", "i called at 3:30", "press option two", "since 2019",
             "last four digits one two three four", "the 15th of June 2024", "between 9 and 11 on 12/04/2024"]
    assert REDACTOR._flagged(texts) == {}


def test_empty_text_and_empty_batch() -> None:
    assert REDACTOR.redact("") == ""
    assert REDACTOR.redact_many([]) == []


def test_texts_holding_a_nul_are_still_redacted_one_by_one() -> None:
    texts = ["a\x00 4532015112830366", "fine", "b\x00c jane@example.com"]
    assert REDACTOR.redact_many(texts) == ["a\x00 [CARD]", "fine", "b\x00c [EMAIL]"]


# --- properties ---------------------------------------------------------------------------

FILLER = ["thanks", "my", "card", "number", "is", "okay", "so", "uh", "the", "one", "oh", "two", "for", "to",
          "$25.00", "3:30", "please", "and", "option", "five", "hundred", "twenty", "double", "wait", "no", ",",
          "7", "12"]
PLAIN_FILLER = ["thanks", "my", "card", "number", "is", "okay", "so", "uh", "the", "for", "to", "please",
                "and", "wait", "no", "it's", "Visa", "sure"]


@st.composite
def cards(draw: st.DrawFn, lengths: tuple[int, ...]) -> str:
    length = draw(st.sampled_from(lengths))
    first = draw(st.sampled_from("3456"))
    body = draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    return luhn_complete(first + body)


@st.composite
def said_as_a_caller(draw: st.DrawFn, digits: str) -> str:
    """The digits written (compact, grouped), spoken (oh, double, triple, commas) or mixed."""
    form = draw(st.sampled_from(["compact", "grouped", "spoken", "mixed"]))
    if form == "compact":
        return digits
    groups = [digits[i:i + 4] for i in range(0, len(digits), 4)]
    if form == "grouped":
        return draw(st.sampled_from([" ", "-", "  "])).join(groups)
    parts = []
    for group in groups:
        if form == "mixed" and draw(st.booleans()):
            parts.append(group)
            continue
        words, i = [], 0
        while i < len(group):
            d = group[i]
            run = len(group) - i - len(group[i:].lstrip(d))
            if run >= 2 and draw(st.booleans()):
                take = min(run, 3)
                words.append(("double " if take == 2 else "triple ") + WORDS[int(d)])
                i += take
                continue
            words.append(draw(st.sampled_from(["zero", "oh", "o"])) if d == "0" else WORDS[int(d)])
            i += 1
        parts.append(draw(st.sampled_from([" ", "-"])).join(words))
    return draw(st.sampled_from([" ", ", ", " - "])).join(parts)


def digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_card_of_sixteen_digits_or_more_never_survives_even_run_into_other_numbers(data: st.DataObject) -> None:
    card = data.draw(cards((16, 17, 18, 19)))
    said = data.draw(said_as_a_caller(card))
    before = " ".join(data.draw(st.lists(st.sampled_from(FILLER), max_size=6)))
    after = " ".join(data.draw(st.lists(st.sampled_from(FILLER), max_size=6)))
    out = REDACTOR.redact(f"{before} {said} {after}")
    assert "[CARD]" in out
    # Not one digit or digit word of the card is left: only (some of) the filler's.
    assert digit_count(out) <= digit_count(before + after)
    assert len(NUMBER_WORD.findall(out)) <= len(NUMBER_WORD.findall(f"{before} {after}"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_card_of_any_length_never_survives_between_ordinary_words(data: st.DataObject) -> None:
    card = data.draw(cards(tuple(range(13, 20))))
    said = data.draw(said_as_a_caller(card))
    before = " ".join(data.draw(st.lists(st.sampled_from(PLAIN_FILLER), max_size=6)))
    after = " ".join(data.draw(st.lists(st.sampled_from(PLAIN_FILLER), max_size=6)))
    end = data.draw(st.sampled_from(["", ".", ",", "!"]))
    out = REDACTOR.redact(f"{before} {said}{end} {after}")
    assert out == f"{before} [CARD]{end} {after}"
    assert card not in out


@settings(max_examples=200, deadline=None)
@given(local=st.from_regex(r"[a-z][a-z0-9._+-]{0,20}", fullmatch=True),
       domain=st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,6}){1,2}", fullmatch=True),
       before=st.lists(st.sampled_from(PLAIN_FILLER), max_size=5),
       after=st.lists(st.sampled_from(PLAIN_FILLER), max_size=5))
def test_written_email_never_survives(local: str, domain: str, before: list[str], after: list[str]) -> None:
    email = f"{local}@{domain}"
    out = REDACTOR.redact(" ".join([*before, email, *after]))
    assert out == " ".join([*before, "[EMAIL]", *after])


SOUP = ["one", "two", "five", "six", "seven", "nine", "zero", "oh", "o", "double", "triple", "twenty", "forty",
        "fifteen", "hundred", "ten", "dot", "at", "com", "gmail", "jane", "social", "ssn", "the", "card", "+",
        "(", ")", "-", ",", ".", ":", "/", "$", "@", "ab", "c", "abcpe", "f", "4532", "0151", "1283", "0366",
        "1", "12", "123", "1234", "12345", "123456", "1234567", "4532015112830366", "555", "213", "4567",
        "\u00a0", "\u2013", "é", "İ", "_", "#", "\t", "\n", "'", "ONE", "Five", "DOT", "Com", "in", "me", "s"]
SEPARATORS = [" ", "", " ", ", ", "-", ".", " (", ") ", ":", "/", "+", "$", "\u00a0"]
word_soup = st.lists(st.tuples(st.sampled_from(SOUP), st.sampled_from(SEPARATORS)),
                     max_size=30).map(lambda parts: "".join(p + s for p, s in parts))
# Mostly numbers, in every form and with every separator, next to the words that change
# how a number is read ("ssn", "$", "+").
number_soup = st.lists(
    st.tuples(st.one_of(st.text("0123456789", min_size=1, max_size=8),
                        st.sampled_from([*WORDS, "oh", "o", "double", "triple", "twenty", "hundred", "fifteen",
                                         "ssn", "social", "ab", "c", "abcpe", "f", "dot", "com", "at"])),
              st.sampled_from(SEPARATORS)),
    max_size=25).map(lambda parts: "".join(p + s for p, s in parts))
soup_text = st.one_of(word_soup, number_soup)
CONFIGS = [RedactionConfig(), RedactionConfig(spoken_digits=False), RedactionConfig(cards=False),
           RedactionConfig(phones=False, national_ids=False), RedactionConfig(emails=False)]


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=soup_text)
def test_prefilter_never_skips_a_text_the_exact_pass_would_change(config: RedactionConfig, text: str) -> None:
    redactor = Redactor(config)
    assert redactor.redact(text) == redactor._redact_text(text)


@pytest.mark.parametrize("text, expected", [
    # The most digits per word the pre-filter must count: "triple" three, "nineteen" two.
    ("ssn triple one triple two triple three", "ssn [NATIONAL_ID]"),
    ("my social is nineteen eighteen seventeen sixteen one", "my social is [NATIONAL_ID]"),
    ("call triple five, double two, one three four five six", "call [PHONE]"),
    ("ref/twenty one twenty two twenty three forty four fifty five", "ref/[PHONE]"),
    # A number right after a character that is not a separator.
    ("x:12345 12345", "x:[PHONE]"),
    ("tel:+1 555 213 4567", "tel:[PHONE]"),
])
def test_prefilter_flags_the_densest_and_oddly_placed_numbers(text: str, expected: str) -> None:
    assert REDACTOR.redact(text) == expected
    assert REDACTOR.redact_many(["clean", text, "clean"]) == ["clean", expected, "clean"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(soup_text, max_size=12))
def test_redact_many_gives_the_same_as_redacting_one_by_one(texts: list[str]) -> None:
    assert REDACTOR.redact_many(texts) == [REDACTOR.redact(t) for t in texts]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=soup_text)
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    once = REDACTOR.redact(text)
    assert REDACTOR.redact(once) == once
