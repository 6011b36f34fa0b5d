"""Complaint wording the frustration cues had missed, a banking term that is no threat, and
British emphasis that is no complaint."""

from __future__ import annotations

import pytest

from coachloop.language.sentiment import assess_many, distress, frustration, score


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



def test_bloody_emphasises_what_follows_instead_of_being_a_complaint() -> None:
    assert score("that's bloody brilliant, thank you") > 0.3
    assert frustration("this is bloody ridiculous") >= 0.6
    assert frustration("what the bloody hell is going on with my account") >= 0.6
    assert distress(assess_many(["bloody hell, i never expected that, cheers"])[0]) < 0.6
