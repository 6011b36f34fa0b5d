"""Conversation insights: the language key lets repeated lines with other numbers share
one tagging without changing any tag."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachloop.language.insights import language_key, word_languages
from coachloop.language.langid import default_identifier

TEXTS = [
    "Thank you for calling, about 781 bucks for quality.",
    "Okay let me look $533.99 into that.",
    "Alright I have 749 dollars and 65 cents (677 dollars) your profile open now!",
    "mera balance 5000 hai, 3rd time call kar raha hoon",
    "मेरा खाता १२३४ 56 है",
    "call me at 10:45 or 9-30, ref #A1234 and 2nd of june",
    "no numbers at all here",
    "₹4,500 debit ho gaya 24x7 helpline pe",
]


def counts(text: str) -> tuple[tuple[tuple[str, int], ...], bool]:
    """What insights count for `text`, tagged directly (no key, no cache)."""
    tag = default_identifier().tag(text)
    counted = Counter(t.lang for t in tag.tokens if t.lang not in {"und", "xx"})
    return tuple(counted.items()), tag.code_mixed


@pytest.mark.parametrize("text", TEXTS)
def test_language_key_changes_no_word_language(text: str) -> None:
    assert word_languages(text) == counts(text)


def test_lines_differing_only_in_amounts_share_a_key() -> None:
    assert language_key("I can refund $533.99 today") == language_key("I can refund $12.50 today")
    assert language_key("the 3rd one") != language_key("the 4th one")  # tokens with letters kept
    assert language_key("खाता १२३४") == "खाता १२३४"  # Devanagari digits kept


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["card", "hai", "mera", "refund", "kya", "$", "(", "%", "₹", "१२", "3rd", "x"]),
            st.integers(0, 99999).map(str),
            st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"${t[0]}.{t[1]:02d}"),
        ),
        max_size=12,
    ).map(" ".join)
)
def test_language_key_gives_the_same_counts_as_the_text(text: str) -> None:
    assert word_languages(text) == counts(text)
