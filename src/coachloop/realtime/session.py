"""A live session: a call's growing transcript, evaluated with the batch rubric and
detectors on every final utterance, and the prompts that evaluation calls for.

Re-evaluating the whole transcript on each final utterance is the incremental
evaluation: `evaluate` is a pure function costing well under a millisecond for a
60-turn call (lexical detectors), so the live outcome is by construction what batch
evaluation says of the transcript so far. The prompt rules read those outcomes:

* compliance - a critical behaviour (or one with `realtime.deadline`) whose deadline
  passed unmet: the deadline is `realtime.deadline` or the end of the behaviour's window
  (`first_turns: 2` -> after the speaker's second turn; `first_seconds`). Rules that are
  broken rather than late (`prohibited`, `order`) prompt when broken. A deadline prompt
  is withdrawn when the behaviour is then met (the same detector, outside the window);
* knowledge - a catalogue article the utterance calls for (`coachloop.realtime.knowledge`);
  after the speaker's first turn a match by meaning needs the catalogue's
  `follow_up_threshold`;
* sentiment - the customer's distress (`coachloop.language.sentiment`) crossing
  `frustration_raise` (`carried_distress`: weak cues add up over turns), with
  hysteresis: the level decays over calm turns and must fall
  under `frustration_clear` (the prompt is then withdrawn) before another is raised;
* next_best_action - a behaviour with `realtime.after` once all of those are met and
  it is not yet; withdrawn when it is met.

Every prompt goes through the `AlertPolicy` (de-duplication, cooldown, budget).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from coachloop.detect.base import Conversation, Finding, Scope
from coachloop.evaluate import CompiledItem, CompiledRubric
from coachloop.evaluate.run import evaluate_prepared, prepare
from coachloop.ingest.redact import Redactor
from coachloop.language.sentiment import assess_many, distress
from coachloop.model import Channel, Evaluation, Interaction, Outcome, Speaker, Utterance
from coachloop.realtime.knowledge import Catalogue
from coachloop.realtime.policy import COMPLIANCE, KNOWLEDGE, NEXT_BEST_ACTION, SENTIMENT, AlertPolicy
from coachloop.realtime.protocol import Start, UtteranceIn
from coachloop.rubric.schema import BehaviorSpec, LiveDeadline, LiveRubric

__all__ = ["LiveRules", "LiveSession", "Prompt", "SessionEvent", "carried_distress"]

VIOLATION_DETECTORS = frozenset({"prohibited", "order"})
"""Detectors whose miss is a rule broken at a moment, not a deadline passed."""
FRUSTRATION_DECAY = 0.6
"""How much of the customer's distress level carries over to their next turn."""


def carried_distress(level: float, turn: float) -> float:
    """The customer's distress level after a turn of distress `turn`, from `level` before it.

    The level decays over calm turns, and turns of distress add up as independent
    evidence (1 - (1 - a)(1 - b)): one weak cue ("I never got them": a problem stated)
    stays under the default raise line, the same cue twice in a row, or a weak cue
    with negative words, crosses it."""
    carried = level * FRUSTRATION_DECAY
    return 1.0 - (1.0 - carried) * (1.0 - turn)
DEFAULT_SENTIMENT_TEXT = "The customer sounds frustrated: acknowledge how they feel before moving on."


@dataclass(frozen=True, slots=True)
class _Rule:
    item: CompiledItem
    text: str
    deadline: LiveDeadline | None
    violation: bool
    after: tuple[str, ...]


class LiveRules:
    """What a rubric asks of live sessions, worked out once per rubric."""

    def __init__(
        self, rubric: CompiledRubric, catalogue: Catalogue | None, *, sentiment: bool = True
    ) -> None:
        self.rubric = rubric
        self.catalogue = catalogue
        self.sentiment = sentiment
        self.settings = rubric.spec.realtime or LiveRubric()
        ids = {item.spec.id for item in rubric.items}
        self.compliance: list[_Rule] = []
        self.next_actions: list[_Rule] = []
        self.empathy_behavior: str | None = None
        self.empathy_text = DEFAULT_SENTIMENT_TEXT
        for item in rubric.behaviors():
            spec = item.spec
            assert isinstance(spec, BehaviorSpec)
            live = spec.realtime
            if live is not None and not live.enabled:
                continue
            text = (live.prompt if live is not None else None) or spec.coaching
            if spec.detect == "responds_to_frustration" and self.empathy_behavior is None:
                self.empathy_behavior = spec.id
                self.empathy_text = text
            after = tuple(live.after) if live is not None else ()
            for other in after:
                if other not in ids:
                    from coachloop.errors import RubricError

                    raise RubricError(
                        f"{spec.id}.realtime.after names {other!r}, which is no behaviour or event",
                        file=rubric.source,
                    )
            if after:
                self.next_actions.append(_Rule(item, text, None, False, after))
                continue
            deadline = live.deadline if live is not None else None
            if deadline is None and spec.window is not None:
                w = spec.window
                if w.first_turns is not None or w.first_seconds is not None:
                    deadline = LiveDeadline(turns=w.first_turns, seconds=w.first_seconds)
            violation = spec.detect in VIOLATION_DETECTORS
            if (spec.critical or (live is not None and live.deadline is not None)) and (
                deadline is not None or violation
            ):
                self.compliance.append(_Rule(item, text, deadline, violation and deadline is None, ()))


@dataclass
class Prompt:
    id: str
    session: str
    kind: str
    text: str
    at_utterance: int
    behavior: str | None = None
    article: str | None = None
    title: str | None = None
    url: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    withdrawn_at: int | None = None
    feedback: str | None = None

    def message(self) -> dict[str, Any]:
        return {
            "type": "prompt",
            "id": self.id,
            "session": self.session,
            "kind": self.kind,
            "behavior": self.behavior,
            "article": self.article,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "at_utterance": self.at_utterance,
            "evidence": self.evidence,
        }

    def withdrawal(self, reason: str) -> dict[str, Any]:
        return {
            "type": "withdraw",
            "id": self.id,
            "session": self.session,
            "kind": self.kind,
            "behavior": self.behavior,
            "at_utterance": self.withdrawn_at,
            "reason": reason,
        }


SessionEvent = tuple[str, Prompt, str]
"""("prompt" | "withdraw", the prompt, the reason for a withdrawal or "")."""


def _quote(u: Utterance, position: int) -> dict[str, Any]:
    return {
        "utterance_index": position,
        "speaker": u.speaker.value,
        "start": u.start,
        "end": u.end,
        "text": u.text,
    }


class LiveSession:
    """One call in progress. Not thread-safe: one connection feeds it, in order."""

    def __init__(self, session_id: str, start: Start, rules: LiveRules, redactor: Redactor) -> None:
        self.id = session_id
        self.rules = rules
        self.redactor = redactor
        self.header = start
        self.started = time.monotonic()
        self.started_wall = time.time()
        self.raw: list[Utterance] = []
        """Final utterances as received (redacted only when stored, as batch ingest does)."""
        self.live: list[Utterance] = []
        """The same, each redacted on arrival: what is evaluated and quoted during the call."""
        self.partials: dict[str, str] = {}
        self.received = 0
        self.prompts: list[Prompt] = []
        self.policy = AlertPolicy(rules.settings.budget, rules.settings.cooldown_seconds)
        self._open: dict[tuple[str, str], Prompt] = {}
        self.evaluation: Evaluation | None = None
        self.findings: dict[str, Finding] = {}
        self.frustration = 0.0
        self._frustrated = False
        self._episodes = 0
        self.overdue: set[str] = set()
        self.ended = False

    @property
    def frustrated(self) -> bool:
        """Whether a sentiment prompt is standing (raised, not yet cleared)."""
        return self._frustrated

    # -- what the connector sends ---------------------------------------------------------

    def utterance(self, msg: UtteranceIn) -> list[SessionEvent]:
        """Take one utterance message; a final one is evaluated and may raise or withdraw prompts."""
        self.received += 1
        if not msg.final:
            self.partials[msg.id] = msg.text
            return []
        self.partials.pop(msg.id, None)
        position = len(self.raw)
        u = Utterance(position, msg.speaker, msg.text, msg.start, msg.end)
        self.raw.append(u)
        self.live.append(Utterance(position, msg.speaker, self.redactor.redact(msg.text), msg.start, msg.end))
        now = self._call_time(u)
        events: list[SessionEvent] = []
        conv = self._evaluate()
        self._compliance(conv, position, now, events)
        self._next_actions(position, now, events)
        self._knowledge(position, now, events)
        if self.rules.sentiment and msg.speaker is Speaker.CUSTOMER:
            self._sentiment(position, now, events)
        return events

    def feedback(self, prompt_id: str, action: str) -> Prompt | None:
        for p in self.prompts:
            if p.id == prompt_id:
                p.feedback = action
                return p
        return None

    # -- evaluation ---------------------------------------------------------------------

    def interaction(self, utterances: list[Utterance] | None = None) -> Interaction:
        h = self.header
        return Interaction(
            id=self.id,
            channel=h.channel,
            utterances=list(self.live if utterances is None else utterances),
            agent_id=h.agent_id,
            team=h.team,
            queue=h.queue,
            language=h.language,
            metadata=dict(h.metadata),
        )

    def _evaluate(self) -> Conversation:
        rubric = self.rules.rubric
        conv = prepare(rubric, self.interaction())
        findings: dict[str, Finding] = {}
        self.evaluation = evaluate_prepared(rubric, conv, findings=findings)
        self.findings = findings
        return conv

    def _call_time(self, u: Utterance) -> float:
        """Seconds into the call: the utterance's own time when the connector gives one."""
        given = u.end if u.end is not None else u.start
        return given if given is not None else time.monotonic() - self.started

    # -- prompt rules -------------------------------------------------------------------

    def _raise(self, events: list[SessionEvent], kind: str, subject: str, now: float, prompt: Prompt) -> None:
        if not self.policy.admit(kind, subject, now):
            return
        self.prompts.append(prompt)
        self._open[(kind, subject)] = prompt
        events.append(("prompt", prompt, ""))

    def _withdraw(
        self, events: list[SessionEvent], kind: str, subject: str, position: int, reason: str
    ) -> None:
        prompt = self._open.pop((kind, subject), None)
        if prompt is not None:
            prompt.withdrawn_at = position
            events.append(("withdraw", prompt, reason))

    def _new_prompt(self, kind: str, text: str, position: int, **kw: Any) -> Prompt:
        return Prompt(f"{self.id}-{len(self.prompts) + 1}", self.id, kind, text, position, **kw)

    def _compliance(self, conv: Conversation, position: int, now: float, events: list[SessionEvent]) -> None:
        for rule in self.rules.compliance:
            spec = rule.item.spec
            bid = spec.id
            found = self.findings[bid]
            if (COMPLIANCE, bid) in self._open:
                if rule.deadline is not None and self._met_anywhere(rule, conv):
                    self.overdue.discard(bid)
                    self._withdraw(events, COMPLIANCE, bid, position, "met after the deadline")
                continue
            if found.outcome is not Outcome.MISSED:
                continue
            if rule.deadline is not None and not self._past(rule.deadline, conv, spec.speaker, now):
                continue
            if rule.deadline is not None and self._met_anywhere(rule, conv):
                continue  # said late, before the prompt went out: nothing to prompt
            self.overdue.add(bid)
            evidence = [e for e in (found.evidence or [])][:2]
            self._raise(
                events,
                COMPLIANCE,
                bid,
                now,
                self._new_prompt(
                    COMPLIANCE,
                    rule.text,
                    position,
                    behavior=bid,
                    title=getattr(spec, "title", bid),
                    evidence=[
                        {
                            "utterance_index": e.utterance_index,
                            "speaker": e.speaker.value,
                            "start": e.start,
                            "end": e.end,
                            "text": e.text,
                        }
                        for e in evidence
                    ]
                    or [_quote(self.live[position], position)],
                ),
            )

    def _past(self, deadline: LiveDeadline, conv: Conversation, speaker: Speaker, now: float) -> bool:
        if deadline.turns is not None and len(conv.turns[speaker]) >= deadline.turns:
            return True
        return deadline.seconds is not None and now >= deadline.seconds

    def _met_anywhere(self, rule: _Rule, conv: Conversation) -> bool:
        """The behaviour's own detector over the whole call so far, ignoring its window."""
        item = rule.item
        scope = Scope.of(conv.turns[item.spec.speaker])
        return item.detector.detect(conv, scope, self.findings).outcome is Outcome.MET

    def _next_actions(self, position: int, now: float, events: list[SessionEvent]) -> None:
        for rule in self.rules.next_actions:
            bid = rule.item.spec.id
            outcome = self.findings[bid].outcome
            if outcome is Outcome.MET:
                self._withdraw(events, NEXT_BEST_ACTION, bid, position, "done")
                continue
            if (NEXT_BEST_ACTION, bid) in self._open:
                continue
            ready = [self.findings[a] for a in rule.after]
            if all(f.outcome is Outcome.MET for f in ready):
                trigger = [e for f in ready for e in f.evidence][-1:]
                evidence = [
                    {
                        "utterance_index": e.utterance_index,
                        "speaker": e.speaker.value,
                        "start": e.start,
                        "end": e.end,
                        "text": e.text,
                    }
                    for e in trigger
                ]
                spec = rule.item.spec
                self._raise(
                    events,
                    NEXT_BEST_ACTION,
                    bid,
                    now,
                    self._new_prompt(
                        NEXT_BEST_ACTION,
                        rule.text,
                        position,
                        behavior=bid,
                        title=getattr(spec, "title", bid),
                        evidence=evidence or [_quote(self.live[position], position)],
                    ),
                )

    def _knowledge(self, position: int, now: float, events: list[SessionEvent]) -> None:
        catalogue = self.rules.catalogue
        if catalogue is None:
            return
        u = self.live[position]
        follow_up = any(v.speaker is u.speaker for v in self.live[:position])
        for m in catalogue.match(u.text, u.speaker):
            if follow_up and m.score < catalogue.follow_up_threshold:
                continue  # a reply or follow-up sharing the need's words, not a new need
            a = m.article
            quote = _quote(u, position) | {"matched": m.matched}
            self._raise(
                events,
                KNOWLEDGE,
                a.id,
                now,
                self._new_prompt(
                    KNOWLEDGE,
                    a.summary or a.title,
                    position,
                    article=a.id,
                    title=a.title,
                    url=a.url,
                    evidence=[quote],
                ),
            )

    def _sentiment(self, position: int, now: float, events: list[SessionEvent]) -> None:
        u = self.live[position]
        assessed = assess_many([u.text])[0]
        if not assessed.substantive:
            return
        level = carried_distress(self.frustration, distress(assessed))
        self.frustration = level
        settings = self.rules.settings
        subject = f"episode-{self._episodes}"
        if self._frustrated:
            if level < settings.frustration_clear:
                self._frustrated = False
                self._episodes += 1
                self._withdraw(events, SENTIMENT, subject, position, "the customer calmed down")
            return
        if level >= settings.frustration_raise:
            self._frustrated = True
            self._raise(
                events,
                SENTIMENT,
                subject,
                now,
                self._new_prompt(
                    SENTIMENT,
                    self.rules.empathy_text,
                    position,
                    behavior=self.rules.empathy_behavior,
                    title=f"Customer frustration {level:.2f}",
                    evidence=[_quote(u, position) | {"distress": round(level, 3)}],
                ),
            )

    # -- what the board shows -----------------------------------------------------------

    def state(self) -> dict[str, Any]:
        open_prompts = [p for p in self.prompts if p.withdrawn_at is None]
        return {
            "session": self.id,
            "agent_id": self.header.agent_id,
            "team": self.header.team,
            "queue": self.header.queue,
            "channel": self.header.channel.value
            if isinstance(self.header.channel, Channel)
            else self.header.channel,
            "rubric": self.rules.rubric.name,
            "started_at": self.started_wall,
            "utterances": len(self.raw),
            "frustration": round(self.frustration, 3),
            "frustrated": self._frustrated,
            "overdue_compliance": sorted(self.overdue),
            "prompts_raised": len(self.prompts),
            "prompts_open": len(open_prompts),
            "suppressed": dict(self.policy.suppressed),
            "prompts": [
                p.message() | {"withdrawn": p.withdrawn_at is not None, "feedback": p.feedback}
                for p in self.prompts
            ],
            "last_utterance": (
                {"speaker": self.live[-1].speaker.value, "text": self.live[-1].text} if self.live else None
            ),
            "ended": self.ended,
        }
