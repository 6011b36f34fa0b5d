"""`detect: responds_to_frustration` — the agent answers each peak of customer frustration
with empathy within a few of their own turns.

Why peaks and not every negative turn: a customer who says "I lost my card" is stating
the problem; one who says "this is the third time I'm calling" or "I'm so frustrated"
needs to hear that they were heard before the agent moves on. Peaks are what
`coachloop.language.sentiment.trajectory` calls peaks (at most one per stretch of
customer talk between agent turns, at or above `threshold`); empathy is a lexicon, like
`phrase`. Sentiment is scored once per conversation and kept in `Conversation.memo`, so
several behaviours (other thresholds, other empathy wordings) share it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from pydantic import Field, model_validator

from coachloop.detect.base import (
    Conversation,
    Detector,
    DetectorSettings,
    Finding,
    Scope,
    detectors,
)
from coachloop.detect.lexicon import Lexicon, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import Hit, MatcherBuilder
from coachloop.language.sentiment import (
    PEAK_THRESHOLD,
    SentimentTrajectory,
    UtteranceSentiment,
    assess_many,
    frustration_peaks,
    trajectory,
)
from coachloop.model import Evidence, ExpectedWindow, Outcome, Speaker

__all__ = [
    "CUSTOMER_KEY",
    "FrustrationResponseDetector",
    "FrustrationResponseSettings",
    "conversation_trajectory",
    "speaker_sentiment",
]

CUSTOMER_KEY = ("sentiment", Speaker.CUSTOMER)
"""`Conversation.memo` key of the customer's per-utterance sentiment (`speaker_sentiment`)."""
MET_CONFIDENCE = 0.85
# Peaks come from a lexicon of feelings and empathy from a list of phrasings: either can
# miss a paraphrase, so both outcomes are less sure than a plain phrase match.
MISSED_CONFIDENCE = 0.7
NOT_APPLICABLE_CONFIDENCE = 0.8
MAX_PAIRS = 3
"""Peak and response pairs quoted for a met behaviour: enough to show it, not the whole call."""


class FrustrationResponseSettings(DetectorSettings):
    empathy: Lexicon
    """What counts as empathy: phrases, per-language variants, regexes."""
    within_turns: int = Field(default=2, ge=1)
    """How many of the agent's turns after a peak may carry the empathy."""
    threshold: float = Field(default=PEAK_THRESHOLD, gt=0, le=1)
    """Distress (0-1) a customer turn must reach to be a frustration peak."""

    @model_validator(mode="after")
    def _needs_empathy(self) -> FrustrationResponseSettings:
        if self.empathy.is_empty():
            raise ValueError("`empathy` needs at least one of `phrases`, `variants` or `regex`")
        return self


def speaker_sentiment(conv: Conversation, speaker: Speaker) -> dict[int, UtteranceSentiment]:
    """Sentiment of one speaker's utterances by position, scored once per conversation.

    Per speaker because scoring is most of this detector's cost and it reads only the
    customer: the agent's turns are scored only for a behaviour that asks for them."""
    key = ("sentiment", speaker)
    found: dict[int, UtteranceSentiment] | None = conv.memo.get(key)
    if found is None:
        positions = conv.turns[speaker]
        utts, normalized = conv.interaction.utterances, conv.normalized
        scored = assess_many([utts[p].text for p in positions], [normalized[p] for p in positions])
        found = conv.memo[key] = dict(zip(positions, scored, strict=True))
    return found


def conversation_trajectory(conv: Conversation, threshold: float = PEAK_THRESHOLD) -> SentimentTrajectory:
    """The customer's whole trajectory (both speakers scored), once per conversation and threshold."""
    key = ("sentiment", "trajectory", threshold)
    found: SentimentTrajectory | None = conv.memo.get(key)
    if found is None:
        by_position: dict[int, UtteranceSentiment] = {}
        for speaker in Speaker:
            by_position.update(speaker_sentiment(conv, speaker))
        assessed = [by_position[p] for p in range(len(conv.interaction.utterances))]
        found = conv.memo[key] = trajectory(conv.interaction, threshold=threshold, assessed=assessed)
    return found


@detectors.register("responds_to_frustration")
class FrustrationResponseDetector(Detector):
    """Met when every frustration peak gets empathy within `within_turns` agent turns;
    not applicable when the customer shows no frustration."""

    Settings = FrustrationResponseSettings

    def __init__(
        self,
        settings: FrustrationResponseSettings,
        builder: MatcherBuilder,
        variables: Mapping[str, list[str]],
    ) -> None:
        super().__init__(settings, builder, variables)
        self.within = settings.within_turns
        self.threshold = settings.threshold
        self.slots = lexicon_slots(settings.empathy, builder, variables)

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        customer = speaker_sentiment(conv, Speaker.CUSTOMER)
        # distress(a), inlined: this runs on every customer turn of every call.
        upset = {p: d for p, (score, cue, said) in customer.items() if said and (d := max(cue, -score)) > 0.0}
        peaks: tuple[int, ...] = ()
        if upset and max(upset.values()) >= self.threshold:
            # Only now are the agent's turns needed: they separate one outburst from the next.
            breaks = conv.turns[Speaker.AGENT]
            positions = sorted(upset)
            peaks = frustration_peaks(positions, [upset[p] for p in positions], breaks, self.threshold)
        if not peaks:
            return Finding(
                Outcome.NOT_APPLICABLE,
                NOT_APPLICABLE_CONFIDENCE,
                note=f"the customer showed no frustration (no turn reached {self.threshold:g})",
            )
        # The scope holds only turns that say something: "[noise]" or "um" is no chance to respond.
        turns = list(scope.positions)
        windows = {peak: turns[(cut := bisect_right(turns, peak)) : cut + self.within] for peak in peaks}
        windows = {peak: window for peak, window in windows.items() if window}
        if not windows:
            return Finding(
                Outcome.NOT_APPLICABLE,
                NOT_APPLICABLE_CONFIDENCE,
                note="the customer's frustration came after the agent's last turn",
            )
        empathy: dict[int, Hit] = {}
        for h in scope.hits(lexicon_hits(conv.hits, self.slots)):
            empathy.setdefault(h.utterance, h)
        answers = {peak: next((empathy[p] for p in w if p in empathy), None) for peak, w in windows.items()}
        unanswered = [peak for peak, said in answers.items() if said is None]
        if unanswered:
            peak = unanswered[0]
            window = windows[peak]
            turns_word = "turn" if self.within == 1 else "turns"
            return Finding(
                Outcome.MISSED,
                MISSED_CONFIDENCE,
                [conv.whole(peak, f"frustration peak {upset[peak]:.2f}")],
                note=(
                    f"no empathy within {self.within} agent {turns_word} after the customer's frustration "
                    f"at utterance {conv.interaction.utterances[peak].index} "
                    f"({len(unanswered)} of {len(windows)} peaks unanswered)"
                ),
                expected_window=ExpectedWindow(window[0], window[-1]),
            )
        evidence: list[Evidence] = []
        for peak, said in [(peak, said) for peak, said in answers.items() if said is not None][:MAX_PAIRS]:
            evidence += [conv.whole(peak, f"frustration peak {upset[peak]:.2f}"), conv.evidence(said)]
        return Finding(
            Outcome.MET,
            MET_CONFIDENCE,
            evidence,
            note=f"empathy after each of {len(windows)} frustration peaks",
        )
