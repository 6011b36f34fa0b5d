"""Complaint wording the frustration cues had missed, and a banking term that is no threat."""

from __future__ import annotations

import pytest

from coachloop.language.sentiment import frustration


@pytest.mark.parametrize(
    "text",
    [
        "honestly, it's a total joke",
        "i am absolutely seething about it",
        "i'm fuming, nobody told me",
        "being turned away like that was humiliating",
        "i'm at the end of my tether with you lot",
        "i'm at my wits end",
    ],
)
def test_complaint_wording_is_a_frustration_cue(text: str) -> None:
    assert frustration(text) >= 0.6


def test_power_of_attorney_is_a_banking_request_not_a_legal_threat() -> None:
    assert frustration("i'd like to add a power of attorney to my dad's account") == 0.0
    assert frustration("my attorney will hear about this") >= 0.6
