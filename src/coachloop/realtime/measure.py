"""Measuring prompt precision and recall against a labelled replay set.

Labels (one JSON object per call, `eval/realtime/labels.jsonl`):
`{"id": "rt-06", "prompts": [{"kind": "knowledge", "subject": "lost_or_stolen_card",
"from": 1, "to": 2}], "traps": [{"kind": "sentiment", "at": 3, "why": "..."}]}`.
A prompt raised counts as right when an unused label of its kind and subject (the
behaviour, or the article; any subject for `sentiment`) covers the utterance it was
raised at; every other prompt is a false alarm and every label left unused a miss.
Traps are moments where a noisy tool fires: a prompt of the trap's kind raised at it is
a trap fallen into (it is also a false alarm).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coachloop.ingest.redact import Redactor
from coachloop.model import Interaction
from coachloop.realtime.policy import KINDS, SENTIMENT
from coachloop.realtime.protocol import Start, UtteranceIn
from coachloop.realtime.session import LiveRules, LiveSession

__all__ = ["KindScore", "RaisedPrompt", "replay_in_process", "score_prompts"]


@dataclass(frozen=True, slots=True)
class RaisedPrompt:
    call: str
    kind: str
    subject: str | None
    at: int


@dataclass
class KindScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    traps: int = 0
    traps_fallen: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        raised = self.true_positives + self.false_positives
        return self.true_positives / raised if raised else None

    @property
    def recall(self) -> float | None:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else None


def _subject_matches(kind: str, label: dict[str, Any], prompt: RaisedPrompt) -> bool:
    return kind == SENTIMENT or label.get("subject") == prompt.subject


def score_prompts(raised: Iterable[RaisedPrompt], labels: Sequence[dict[str, Any]]) -> dict[str, KindScore]:
    """Per prompt kind: prompts matched to labels, false alarms, misses and traps."""
    scores = {k: KindScore() for k in KINDS}
    by_call: dict[str, list[RaisedPrompt]] = {}
    for p in raised:
        by_call.setdefault(p.call, []).append(p)
    for label in labels:
        call = label["id"]
        prompts = sorted(by_call.pop(call, []), key=lambda p: p.at)
        unused = list(label.get("prompts", []))
        for p in prompts:
            score = scores.setdefault(p.kind, KindScore())
            match = next(
                (
                    lab
                    for lab in unused
                    if lab["kind"] == p.kind
                    and _subject_matches(p.kind, lab, p)
                    and lab["from"] <= p.at <= lab["to"]
                ),
                None,
            )
            if match is not None:
                unused.remove(match)
                score.true_positives += 1
            else:
                score.false_positives += 1
                score.false_alarms.append(f"{call}@{p.at} {p.subject}")
        for lab in unused:
            score = scores.setdefault(lab["kind"], KindScore())
            score.false_negatives += 1
            score.misses.append(f"{call}@{lab['from']} {lab.get('subject')}")
        for trap in label.get("traps", []):
            score = scores.setdefault(trap["kind"], KindScore())
            score.traps += 1
            if any(p.kind == trap["kind"] and p.at == trap["at"] for p in prompts):
                score.traps_fallen += 1
    for call, prompts in by_call.items():  # calls without labels: every prompt is a false alarm
        for p in prompts:
            scores.setdefault(p.kind, KindScore()).false_positives += 1
            scores[p.kind].false_alarms.append(f"{call}@{p.at} {p.subject} (unlabelled call)")
    return scores


def replay_in_process(calls: Sequence[Interaction], rules: LiveRules) -> list[RaisedPrompt]:
    """Feed each call turn by turn through a `LiveSession` (the server's code path,
    without the socket) and collect the prompts raised."""
    redactor = Redactor()
    out: list[RaisedPrompt] = []
    for call in calls:
        start = Start(
            type="start",
            session=call.id,
            agent_id=call.agent_id,
            team=call.team,
            queue=call.queue,
            channel=call.channel,
        )
        session = LiveSession(call.id, start, rules, redactor)
        for u in call.utterances:
            msg = UtteranceIn(
                type="utterance", id=f"u{u.index}", speaker=u.speaker, text=u.text, start=u.start, end=u.end
            )
            for what, prompt, _ in session.utterance(msg):
                if what == "prompt":
                    out.append(
                        RaisedPrompt(
                            call.id,
                            prompt.kind,
                            prompt.behavior if prompt.kind != "knowledge" else prompt.article,
                            prompt.at_utterance,
                        )
                    )
    return out
