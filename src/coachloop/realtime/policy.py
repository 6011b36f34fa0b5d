"""The alert policy: which of the prompts the rules want are actually sent.

Precision is the product: a prompt already sent is not sent again (de-duplication by
kind and subject), prompts of one kind keep a cooldown between them (compliance is never
held back), and a session has a budget of prompts that nothing exceeds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["COMPLIANCE", "KINDS", "KNOWLEDGE", "NEXT_BEST_ACTION", "SENTIMENT", "AlertPolicy"]

COMPLIANCE = "compliance"
KNOWLEDGE = "knowledge"
SENTIMENT = "sentiment"
NEXT_BEST_ACTION = "next_best_action"
KINDS = (COMPLIANCE, KNOWLEDGE, SENTIMENT, NEXT_BEST_ACTION)


@dataclass
class AlertPolicy:
    budget: int
    cooldown_seconds: float
    sent: set[tuple[str, str]] = field(default_factory=set)
    last_at: dict[str, float] = field(default_factory=dict)
    raised: int = 0
    suppressed: Counter[str] = field(default_factory=Counter)
    """Prompts the rules wanted but the policy held back, by reason (duplicate, cooldown, budget)."""

    def refusal(self, kind: str, subject: str, now: float) -> str | None:
        """Why a prompt may not be sent now, or None when it may."""
        if (kind, subject) in self.sent:
            return "duplicate"
        if self.raised >= self.budget:
            return "budget"
        last = self.last_at.get(kind)
        if kind != COMPLIANCE and last is not None and now - last < self.cooldown_seconds:
            return "cooldown"
        return None

    def admit(self, kind: str, subject: str, now: float) -> bool:
        """Record the prompt as sent when the policy allows it; count it as held back otherwise."""
        reason = self.refusal(kind, subject, now)
        if reason is not None:
            if reason != "duplicate":  # a rule still wanting what was sent is not news
                self.suppressed[reason] += 1
            return False
        self.sent.add((kind, subject))
        self.last_at[kind] = now
        self.raised += 1
        return True
