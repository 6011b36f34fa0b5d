"""`detect: prohibited` — a behaviour of restraint: met when none of the phrases is said.

When it is met, the evidence is the first and the last utterance that were checked:
the absence of a phrase can only be shown by the stretch of talk it was absent from.
"""

from __future__ import annotations

from collections.abc import Mapping

from coachloop.detect.base import Conversation, Detector, Finding, Scope, detectors
from coachloop.detect.lexicon import Wording, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.phrase import MET_CONFIDENCE, first_per_utterance
from coachloop.model import Outcome

__all__ = ["ProhibitedDetector"]

# Absence of a listed phrase does not prove absence of every rude paraphrase.
CLEAN_CONFIDENCE = 0.85


class ProhibitedSettings(Wording):
    pass


@detectors.register("prohibited")
class ProhibitedDetector(Detector):
    Settings = ProhibitedSettings

    def __init__(
        self, settings: ProhibitedSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.slots = lexicon_slots(settings, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found = scope.hits(lexicon_hits(conv.hits, self.slots))
        if found:
            said = ", ".join(sorted({f"'{h.pattern}'" for h in found}))
            return Finding(
                Outcome.MISSED,
                MET_CONFIDENCE,
                [conv.evidence(h) for h in first_per_utterance(found)],
                note=f"prohibited language: {said}",
                expected_window=scope.window,
            )
        if not scope.positions:
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note="nothing was said in the window")
        first, last = scope.positions[0], scope.positions[-1]
        checked = f"none of the prohibited phrases in {len(scope.positions)} turns"
        evidence = [conv.whole(first, checked)] + ([conv.whole(last, checked)] if last != first else [])
        return Finding(Outcome.MET, CLEAN_CONFIDENCE, evidence, note=checked)
