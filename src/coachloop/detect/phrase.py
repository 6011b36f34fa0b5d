"""`detect: phrase` — met when the speaker says one of the phrases (or matches a regex) in the window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coachloop.detect.base import Conversation, Detector, Finding, Scope, detectors
from coachloop.detect.lexicon import Wording, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import Hit, MatcherBuilder
from coachloop.model import Outcome

__all__ = ["PhraseDetector", "first_per_utterance", "said_in_window"]

MET_CONFIDENCE = 0.95
# A lexical detector that finds nothing may be missing a paraphrase, so a miss is less sure.
MISSED_CONFIDENCE = 0.8
MAX_EVIDENCE = 2
"""Utterances quoted for a met behaviour: the first ones that show it."""


class PhraseSettings(Wording):
    pass


def first_per_utterance(hits: list[Any], limit: int = MAX_EVIDENCE) -> list[Any]:
    """The first hit in each of the first `limit` utterances that have one."""
    seen: set[int] = set()
    out = []
    for h in hits:
        if h[0] not in seen:  # h[0] is the utterance
            seen.add(h[0])
            out.append(h)
            if len(out) == limit:
                break
    return out


@detectors.register("phrase")
class PhraseDetector(Detector):
    Settings = PhraseSettings

    def __init__(
        self, settings: PhraseSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.slots = lexicon_slots(settings, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        return said_in_window(
            conv,
            scope,
            lexicon_hits(conv.hits, self.slots),
            "none of the expected phrasings was said in the window",
        )


def said_in_window(conv: Conversation, scope: Scope, hits: list[Hit], missed_note: str) -> Finding:
    """Met, quoting the first utterances that matched, when any hit falls in the window."""
    found = scope.hits(hits)
    if found:
        return Finding(Outcome.MET, MET_CONFIDENCE, [conv.evidence(h) for h in first_per_utterance(found)])
    return Finding(Outcome.MISSED, MISSED_CONFIDENCE, expected_window=scope.window, note=missed_note)
