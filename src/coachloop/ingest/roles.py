"""Who is the agent: deciding speaker roles from what is said, when a file does not say.

Speech recognisers label voices (`spk_0`, `spk_1`) or audio channels (`ch_0`, `ch_1`),
not roles. Guessing wrong scores agents on the customer's words, so:

* a role the user gave (`--agent-channel`, `--agent-speaker`) is taken as given;
* with channel identification, the agent is `ch_1` by default, as Amazon Connect records
  stereo calls (customer left, agent right) and AWS's post-call-analytics sample does;
  what is said is still read, and when it clearly points at the other channel the
  decision's confidence is low and its reason says so;
* with speaker labels, the agent is the voice that talks like one: who greets with the
  company, asks how they can help, asks for verification, offers further help. A voice
  that says nothing but announcements and IVR prompts ("this call is being recorded",
  "press one") is the `system` speaker, never the agent. When nothing tells the voices
  apart, the first to speak is the agent, with a confidence of 0.5.

The decision travels with the interaction (`metadata["agent_role"]`): the label chosen,
how (`given`, `channel convention`, `what is said`, `first speaker`), a confidence in 0-1
and a reason in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_AGENT_CHANNEL", "RoleDecision", "decide_roles", "is_announcement"]

DEFAULT_AGENT_CHANNEL = 1
"""Amazon Connect's convention: the customer on channel 0 (left), the agent on channel 1."""

_TURNS_READ = 12
"""Turns of each voice read for cues: the opening says who is who."""

_AGENT_CUES: tuple[tuple[re.Pattern[str], float, str], ...] = tuple(
    (re.compile(p), w, why)
    for p, w, why in (
        (r"\b(thank you|thanks) for (calling|contacting|choosing|holding|your patience)\b", 3, "greets"),
        (r"\bwelcome to\b", 2, "greets"),
        (r"\bhow (can|may|could|might) i (help|assist)\b", 3, "asks how they can help"),
        (r"\bwhat can i (do|help)\b", 2, "asks how they can help"),
        (r"\b(you are|you're) (speaking|talking) (with|to)\b", 2, "introduces themself"),
        (r"\b(this is|my name is|i am|i'm) \w+ (from|with|at)\b", 2, "introduces themself"),
        (
            r"\b(can|could|may) i (have|get|take|confirm|verify) (your|the)\b",
            2,
            "asks for verification",
        ),
        (
            r"\b(verify|confirm) (your|the) (identity|name|date of birth|address|account)",
            2,
            "asks for verification",
        ),
        (r"\b(date of birth|security question|last four digits)\b", 1, "asks for verification"),
        (r"\bis there anything else\b", 2, "offers further help"),
        (r"\bhave a (great|good|nice|wonderful) (day|evening|one)\b", 1, "closes"),
    )
)
_CUSTOMER_CUES: tuple[tuple[re.Pattern[str], float, str], ...] = tuple(
    (re.compile(p), w, why)
    for p, w, why in (
        (r"\b(i am|i'm) calling (about|because|to|regarding|for)\b", 3, "says why they call"),
        (r"\b(i|we) (want|need|would like|'d like) to\b", 1, "asks for something"),
        (r"\bcan you help me\b", 2, "asks for help"),
        (
            r"\bmy (card|account|bill|order|package|balance|payment|loan|policy)\b",
            1,
            "speaks of their account",
        ),
    )
)
_ANNOUNCEMENT = re.compile(
    r"\b("
    r"(this|your) call (may|might|will|is going to) be (recorded|monitored)"
    r"|(this|your) call (is being|is|will be) (recorded|monitored)"
    r"|calls? (are|is|may be) (recorded|monitored)"
    r"|for (quality|training)( and training| assurance)? purposes"
    r"|press (one|two|three|four|five|six|seven|eight|nine|zero|star|pound|\d)"
    r"|your call is (important|valuable)"
    r"|please (stay on the line|continue to hold|hold while we)"
    r"|(our|all) (agents|representatives|associates) are (currently )?(busy|assisting)"
    r"|(estimated|expected) wait time"
    r"|please listen carefully"
    r"|menu options have changed"
    r"|you are (caller )?number \w+ in (the )?queue"
    r")\b"
)
_SENTENCE = re.compile(r"[^.!?]+")


def is_announcement(text: str) -> bool:
    """Every sentence of `text` is a recorded announcement or an IVR prompt."""
    sentences = [s for s in _SENTENCE.findall(text.lower()) if s.strip(" ,;:-")]
    return bool(sentences) and all(
        _ANNOUNCEMENT.search(s) and not any(rx.search(s) for rx, _w, _why in _AGENT_CUES) for s in sentences
    )


@dataclass(frozen=True, slots=True)
class RoleDecision:
    agent: str
    """The agent's label; every other label not in `system` is the customer."""
    method: str
    confidence: float
    reason: str
    system: frozenset[str] = field(default_factory=frozenset)
    """Labels that only play announcements or IVR prompts."""

    def as_metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "label": self.agent,
            "method": self.method,
            "confidence": self.confidence,
            "reason": self.reason,
        }
        if self.system:
            meta["system_labels"] = sorted(self.system)
        return meta


def _score(turns: Sequence[str]) -> tuple[float, list[str]]:
    """Agent cues minus customer cues over the voice's first turns, and the cues found."""
    score = 0.0
    found: list[str] = []
    for text in turns[:_TURNS_READ]:
        low = text.lower().replace("\u2019", "'")
        for rx, weight, why in _AGENT_CUES:
            if rx.search(low):
                score += weight
                if why not in found:
                    found.append(why)
        for rx, weight, _why in _CUSTOMER_CUES:
            if rx.search(low):
                score -= weight
    return score, found


def _confidence(margin: float) -> float:
    return round(min(0.99, 0.5 + 0.08 * margin), 2)


def decide_roles(
    turns: Mapping[str, Sequence[str]],
    *,
    channels: bool,
    agent_label: str | None = None,
) -> RoleDecision:
    """Decide which label is the agent.

    `turns` maps each label to its turns' texts in time order, the labels themselves in
    order of first speech. `agent_label` is the user's word (taken as given).
    """
    labels = list(turns)
    if agent_label is not None:
        return RoleDecision(agent_label, "given", 1.0, f"{agent_label} named as the agent")
    system = frozenset(
        lb for lb, texts in turns.items() if not channels and texts and all(is_announcement(t) for t in texts)
    )
    if len(system) == len(labels):
        system = frozenset()  # only announcements: nobody to score, keep them readable
    people = [lb for lb in labels if lb not in system]
    scored = {lb: _score(turns[lb]) for lb in people}
    ranked = sorted(people, key=lambda lb: -scored[lb][0])
    best = ranked[0] if ranked else (labels[0] if labels else "")
    margin = scored[best][0] - (scored[ranked[1]][0] if len(ranked) > 1 else 0.0) if ranked else 0.0
    cues = ", ".join(scored[best][1]) if ranked else ""
    if channels:
        default = f"ch_{DEFAULT_AGENT_CHANNEL}"
        agent = default if default in labels or not labels else labels[0]
        if ranked and best != agent and margin >= 2:
            return RoleDecision(
                agent,
                "channel convention",
                round(max(0.05, 1.0 - _confidence(margin)), 2),
                f"{agent} by Amazon Connect's convention, but {best} talks like the agent ({cues}): "
                f"check it, or pass --agent-channel {best.removeprefix('ch_')}",
            )
        agreed = ranked and best == agent and margin > 0
        return RoleDecision(
            agent,
            "channel convention",
            _confidence(margin) if agreed else 0.6,
            f"{agent} by Amazon Connect's convention" + (f", and it {cues}" if agreed else ""),
        )
    if ranked and margin > 0:
        return RoleDecision(best, "what is said", _confidence(margin), f"{best} {cues}", system)
    first = people[0] if people else best
    return RoleDecision(
        first,
        "first speaker",
        0.5,
        f"{first} speaks first; nothing said tells the voices apart (pass --agent-speaker to be sure)",
        system,
    )
