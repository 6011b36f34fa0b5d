"""`detect: action` — did an action of some kind (e.g. an account action) take place?

Why a detector of its own: a critical behaviour such as "verify before any account
action" is not applicable when no action took place, so a missed action is a compliance
violation passing silently. A phrase list of completion statements ("has been
transferred") misses most real calls: agents say "okay got that done", "that is sent
off", or never say it at all and simply move on to "anything else?" once the details are
collected. The annotation guidelines count that last case too ("an unstated but evident
completion"). So the decision reads four cues, each by phrase *and* by meaning
(`detect.meaning.Cue`):

* `done`: the agent states that the action was or will be done, or discloses what the
  action discloses (a balance) -> met, at that utterance;
* `requested`: the customer asks for such an action; then
  * `declined`: the agent says it cannot be done -> did not take place;
  * `closing`: the agent moves on to closing ("anything else?") without declining ->
    met, an evident completion, at the customer's last turn before the closing;
  * neither (the call breaks off) -> did not take place, flagged for review;
* nothing found -> did not take place; when a `done` or `requested` cue came within its
  `review_margin` of the threshold, flagged for review with the closest utterance.

The outcome is `met` (it took place) or `missed` (it did not), as for any event; the
`review_reason` of a weak "missed" travels to what depends on it (`requires`, `detect:
order`), so "not applicable" is never decided silently on weak evidence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping

from pydantic import model_validator

from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors
from coachloop.detect.matcher import MatcherBuilder
from coachloop.detect.meaning import Cue, CueMatch, CueMatcher
from coachloop.model import Evidence, Outcome, Speaker

__all__ = ["ActionDetector", "ActionSettings"]

STATED_CONFIDENCE = 0.95
"""An action the agent states in a listed phrase."""
EVIDENT_CONFIDENCE = 0.8
"""An action requested and followed by the closing, never declined (the guideline's
"unstated but evident completion")."""
DECLINED_CONFIDENCE = 0.8
NOTHING_CONFIDENCE = 0.85
WEAK_CONFIDENCE = 0.5
QUOTE = 80
"""Characters of an utterance quoted in a review reason."""


class ActionSettings(DetectorSettings):
    done: Cue
    """The agent says the action was (or will be) done, or discloses what it discloses."""
    requested: Cue | None = None
    """The customer asks for such an action."""
    declined: Cue | None = None
    """The agent says it cannot be done (read after a request)."""
    closing: Cue | None = None
    """The agent moves on to closing ("anything else?"); after a request that was not
    declined, the action evidently took place."""

    @model_validator(mode="after")
    def _cues_say_something(self) -> ActionSettings:
        for name in ("done", "requested", "declined", "closing"):
            cue: Cue | None = getattr(self, name)
            if cue is not None and cue.is_empty() and not cue.examples:
                raise ValueError(f"`{name}` needs phrases, variants, regex or examples")
        if self.requested is not None and self.closing is None:
            raise ValueError(
                "`requested` needs `closing`: a request counts as done only once the call closes"
            )
        return self


def _quote(conv: Conversation, position: int) -> str:
    text = " ".join(conv.interaction.utterances[position].text.split())
    return text if len(text) <= QUOTE else text[: QUOTE - 3] + "..."


@detectors.register("action")
class ActionDetector(Detector):
    Settings = ActionSettings

    def __init__(
        self, settings: ActionSettings, builder: MatcherBuilder, variables: Mapping[str, list[str]]
    ) -> None:
        super().__init__(settings, builder, variables)
        self.done = CueMatcher(settings.done, builder, variables)
        self.requested = (
            CueMatcher(settings.requested, builder, variables) if settings.requested is not None else None
        )
        self.declined = (
            CueMatcher(settings.declined, builder, variables) if settings.declined is not None else None
        )
        self.closing = (
            CueMatcher(settings.closing, builder, variables) if settings.closing is not None else None
        )

    def _evidence(self, conv: Conversation, match: CueMatch) -> Evidence:
        return (
            conv.evidence(match.hit) if match.hit is not None else conv.whole(match.position, match.matched)
        )

    def detect(self, conv: Conversation, scope: Scope, prior: Mapping[str, Finding]) -> Finding:
        agent = list(scope.positions)
        stated, weak_done = self.done.find(conv, agent)
        if stated:
            first = stated[0]
            confidence = (
                STATED_CONFIDENCE if first.hit is not None else min(STATED_CONFIDENCE, first.score + 0.3)
            )
            return Finding(Outcome.MET, round(confidence, 3), [self._evidence(conv, m) for m in stated[:2]])

        weak: list[tuple[str, CueMatch]] = [("done", weak_done)] if weak_done is not None else []
        if self.requested is not None and self.closing is not None:
            customer = conv.turns[Speaker.CUSTOMER]
            asked, weak_request = self.requested.find(conv, customer)
            if asked:
                return self._after_request(conv, agent, customer, asked[0])
            if weak_request is not None:
                weak.append(("requested", weak_request))
        if weak:
            kind, match = max(weak, key=lambda w: w[1].score)
            what = "the agent may have done it" if kind == "done" else "the customer may have asked for it"
            return Finding(
                Outcome.MISSED,
                WEAK_CONFIDENCE,
                [conv.whole(match.position, match.matched)],
                note="no action found for sure",
                review_reason=(
                    f"{what} in utterance {conv.interaction.utterances[match.position].index} "
                    f"('{_quote(conv, match.position)}', {match.matched}), below the threshold"
                ),
            )
        return Finding(
            Outcome.MISSED, NOTHING_CONFIDENCE, note="the agent did not say it was done, nor was it asked for"
        )

    def _after_request(
        self, conv: Conversation, agent: list[int], customer: list[int], request: CueMatch
    ) -> Finding:
        assert self.closing is not None
        utterances = conv.interaction.utterances
        after = agent[bisect_right(agent, request.position) :]
        asked_at = utterances[request.position].index
        if self.declined is not None:
            refused, _ = self.declined.find(conv, after)
            if refused:
                at = refused[0].position
                return Finding(
                    Outcome.MISSED,
                    DECLINED_CONFIDENCE,
                    [self._evidence(conv, refused[0])],
                    note=f"asked for at utterance {asked_at}, declined at utterance {utterances[at].index}",
                )
        closed, weak_close = self.closing.find(conv, after)
        if closed:
            close_at = closed[0].position
            before = customer[: bisect_left(customer, close_at)]
            at = before[-1] if before else request.position
            return Finding(
                Outcome.MET,
                EVIDENT_CONFIDENCE
                if request.hit is not None
                else min(EVIDENT_CONFIDENCE, request.score + 0.2),
                [conv.whole(at, "details complete before the closing")],
                note=(
                    f"asked for at utterance {asked_at} ({request.matched}) and the agent moved on to "
                    f"closing at utterance {utterances[close_at].index} without declining: an evident completion"
                ),
            )
        near = f" (utterance {utterances[weak_close.position].index} may be a closing)" if weak_close else ""
        return Finding(
            Outcome.MISSED,
            WEAK_CONFIDENCE,
            [self._evidence(conv, request)],
            note=f"asked for at utterance {asked_at}, but neither done nor declined before the call ends",
            review_reason=(
                f"the customer asked for it in utterance {asked_at} ('{_quote(conv, request.position)}') "
                f"and the call ends before the agent did it or declined{near}"
            ),
        )
