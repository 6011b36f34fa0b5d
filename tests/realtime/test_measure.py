"""Scoring live prompts against labels: matches, false alarms, misses and traps."""

from __future__ import annotations

from coachloop.realtime.measure import RaisedPrompt, score_prompts

LABELS = [
    {
        "id": "c1",
        "prompts": [
            {"kind": "knowledge", "subject": "lost_card", "from": 1, "to": 2},
            {"kind": "sentiment", "subject": "frustration", "from": 3, "to": 4},
        ],
        "traps": [{"kind": "knowledge", "at": 5, "why": "named in passing"}],
    },
    {"id": "c2", "prompts": [{"kind": "compliance", "subject": "disclosure", "from": 2, "to": 3}], "traps": []},
]


def test_prompt_inside_its_label_window_counts_once_and_the_rest_are_false_alarms() -> None:
    raised = [
        RaisedPrompt("c1", "knowledge", "lost_card", 2),
        RaisedPrompt("c1", "knowledge", "lost_card", 2),  # a second one: no label left for it
        RaisedPrompt("c1", "sentiment", "calm", 3),  # any subject counts for sentiment
        RaisedPrompt("c1", "knowledge", "declined", 5),  # fell into the trap
    ]
    scores = score_prompts(raised, LABELS)
    k = scores["knowledge"]
    assert (k.true_positives, k.false_positives, k.false_negatives) == (1, 2, 0)
    assert (k.traps, k.traps_fallen) == (1, 1)
    assert scores["sentiment"].precision == 1.0
    c = scores["compliance"]
    assert (c.true_positives, c.false_negatives, c.recall) == (0, 1, 0.0)
    assert c.precision is None


def test_prompt_outside_the_window_or_for_another_subject_is_a_miss_and_a_false_alarm() -> None:
    scores = score_prompts(
        [RaisedPrompt("c2", "compliance", "disclosure", 4), RaisedPrompt("c9", "compliance", "x", 0)], LABELS
    )
    c = scores["compliance"]
    assert (c.true_positives, c.false_positives, c.false_negatives) == (0, 2, 1)
    assert any("unlabelled call" in f for f in c.false_alarms)
