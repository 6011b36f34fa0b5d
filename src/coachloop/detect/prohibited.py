"""`detect: prohibited` — a behaviour of restraint: met when nothing prohibited is said.

Prohibited language is found by phrase (and per-language variants, regexes) and, with
`examples`, by meaning, sentence by sentence (the cue matcher of `detect: cue`): blaming
the caller or telling them to calm down is prohibited in any words, not only in the
listed ones. A sentence just under the threshold leaves the outcome met but flagged for
review, with lower confidence. When it is met, the evidence is the first and the last
utterance that were checked: absence can only be shown by the stretch of talk it was
absent from.
"""

from __future__ import annotations

from collections.abc import Mapping

from coachloop.detect.base import Conversation, Detector, Finding, Scope, detectors
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.meaning import CueMatcher, CueSettings
from coachloop.detect.phrase import MAX_EVIDENCE
from coachloop.model import Outcome

__all__ = ["ProhibitedDetector"]

# Absence of a listed phrase does not prove absence of every rude paraphrase.
CLEAN_CONFIDENCE = 0.85


WEAK_CLEAN_CONFIDENCE = 0.5
"""Nothing prohibited found, but a sentence came close to an example: flagged for review."""


class ProhibitedSettings(CueSettings):
    """Phrases, variants and regexes that are prohibited, and optionally `examples` of
    prohibited sentences (with `negatives`, `threshold`, `review_margin`) matched by meaning."""


@detectors.register("prohibited")
class ProhibitedDetector(Detector):
    Settings = ProhibitedSettings

    def __init__(
        self, settings: ProhibitedSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.cue = CueMatcher(settings, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found, weak = self.cue.find(conv, scope.positions)
        if found:
            found = found[:MAX_EVIDENCE]
            said = ", ".join(sorted({f"'{m.matched}'" if m.hit is not None else m.matched for m in found}))
            evidence = self.cue.quote(conv, found)
            confidence = self.cue.confidence(found)
            return Finding(
                Outcome.MISSED,
                confidence,
                evidence,
                note=f"prohibited language: {said}",
                expected_window=scope.window,
            )
        if not scope.positions:
            return Finding(Outcome.NOT_APPLICABLE, 1.0, note="nothing was said in the window")
        first, last = scope.positions[0], scope.positions[-1]
        checked = f"none of the prohibited phrases in {len(scope.positions)} turns"
        evidence = [conv.whole(first, checked)] + ([conv.whole(last, checked)] if last != first else [])
        if weak is not None:
            at = conv.interaction.utterances[weak.position].index
            return Finding(
                Outcome.MET,
                WEAK_CLEAN_CONFIDENCE,
                [*evidence, conv.whole(weak.position, weak.matched)],
                note=checked,
                review_reason=f"utterance {at} may be prohibited language in other words ({weak.matched}, "
                f"threshold {self.cue.cue.threshold:.2f})",
            )
        return Finding(Outcome.MET, CLEAN_CONFIDENCE, evidence, note=checked)
