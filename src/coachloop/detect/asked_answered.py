"""`detect: asked_answered` — the speaker asks (e.g. for identity details) and the other
party answers within a few of their turns."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from pydantic import Field, model_validator

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.lexicon import Lexicon, lexicon_hits, lexicon_slots
from coachloop.detect.matcher import Hit, MatcherBuilder
from coachloop.detect.meaning import Cue, CueMatcher
from coachloop.detect.phrase import MET_CONFIDENCE, MISSED_CONFIDENCE
from coachloop.model import Evidence, ExpectedWindow, Outcome, Speaker

__all__ = ["AskedAnsweredDetector"]


class AskedAnsweredSettings(DetectorSettings):
    ask: Cue
    """How the question is asked: phrases, and optionally `examples` matched by meaning
    (tried only when no phrase is found; a near miss flags the outcome for review)."""
    answer: Lexicon | None = None
    """What counts as an answer; by default any utterance that says something."""
    answer_within: int = Field(default=2, ge=1)
    """How many of the other party's turns after the question may carry the answer."""

    @model_validator(mode="after")
    def _ask_needs_wording(self) -> AskedAnsweredSettings:
        if self.ask.is_empty() and not self.ask.examples:
            raise ValueError("`ask` needs at least one of `phrases`, `variants`, `regex` or `examples`")
        return self


@detectors.register("asked_answered")
class AskedAnsweredDetector(Detector):
    Settings = AskedAnsweredSettings

    def __init__(
        self, settings: AskedAnsweredSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.ask = CueMatcher(settings.ask, builder, variables)
        self.answer_slots = lexicon_slots(settings.answer, builder, variables) if settings.answer else None
        self.within = settings.answer_within

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        found, weak = self.ask.find(conv, scope.positions)
        if not found:
            at = conv.interaction.utterances[weak.position].index if weak is not None else None
            return Finding(
                Outcome.MISSED,
                MISSED_CONFIDENCE if weak is None else 0.5,
                expected_window=scope.window,
                note="the question was not asked in the window",
                review_reason=None
                if weak is None
                else f"utterance {at} may ask it in other words ({weak.matched}, below the threshold)",
            )
        asks = [m.hit if m.hit is not None else Hit(m.position, 0, 0, m.matched) for m in found]
        utterances = conv.interaction.utterances
        asker = utterances[asks[0].utterance].speaker
        answer_hits = (
            {h.utterance for h in lexicon_hits(conv.hits, self.answer_slots)}
            if self.answer_slots is not None
            else None
        )
        # The other party's turns, in order: the answer is among the first few after the ask.
        others = sorted(p for s, ps in conv.turns.items() if s not in (asker, Speaker.SYSTEM) for p in ps)
        for ask in asks:
            first = bisect_right(others, ask.utterance)
            replies = others[first : first + self.within]
            for i in replies:
                ok = answer_hits is None or i in answer_hits  # turns only hold what says something
                if ok:
                    return Finding(
                        Outcome.MET, MET_CONFIDENCE, [self._quote(conv, ask), conv.whole(i, "answer")]
                    )
        last = asks[-1].utterance
        return Finding(
            Outcome.MISSED,
            MISSED_CONFIDENCE,
            [self._quote(conv, asks[0])],
            note=f"asked, but no answer within {self.within} turns of the other party",
            expected_window=ExpectedWindow(last, min(last + 2 * self.within, len(utterances) - 1)),
        )

    @staticmethod
    def _quote(conv: Conversation, ask: Hit) -> Evidence:
        """The ask's exact span for a phrase, the whole utterance for a match by meaning."""
        return conv.evidence(ask) if ask.end > ask.start else conv.whole(ask.utterance, ask.pattern)
