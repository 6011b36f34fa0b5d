"""A character n-gram language model of word spellings, per language.

Most tokens in real Hinglish are in a lexicon, but chat spelling is open-ended ("smjhte",
"pakkaaa", "recharg"): for a word no lexicon knows, how English or Hindi its letters
*look* is the evidence left. A Witten-Bell interpolated character model trained on a
lexicon's word types gives P(spelling | language) for any string, so it blends with
lexicon probabilities in the same generative emission.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = ["CharModel"]

_START = "^"
_END = "$"
_ALPHABET = 64
"""Size of the uniform base distribution under the unigram level."""


class CharModel:
    """Witten-Bell interpolated character model; `logprob` scores a whole word (natural log)."""

    def __init__(self, order: int, counts: Mapping[str, Mapping[str, int]]) -> None:
        self.order = order
        self._counts: dict[str, dict[str, int]] = {ctx: dict(nxt) for ctx, nxt in counts.items()}
        self._totals = {ctx: sum(nxt.values()) for ctx, nxt in self._counts.items()}
        self.logprob = lru_cache(maxsize=200_000)(self._logprob)

    @classmethod
    def train(cls, words: Iterable[str], order: int = 4) -> CharModel:
        """Count every character after each context of up to `order - 1` characters."""
        counts: dict[str, dict[str, int]] = {}
        for word in words:
            padded = _START + word + _END
            for i in range(1, len(padded)):
                ch = padded[i]
                for n in range(0, order):
                    if i - n < 0:
                        break
                    ctx = padded[i - n : i]
                    nxt = counts.setdefault(ctx, {})
                    nxt[ch] = nxt.get(ch, 0) + 1
        return cls(order, counts)

    def prune(self, min_count: int) -> CharModel:
        """A smaller model without the rare continuations of long contexts (kept for short ones)."""
        pruned: dict[str, dict[str, int]] = {}
        for ctx, nxt in self._counts.items():
            if len(ctx) <= 1:
                pruned[ctx] = dict(nxt)
                continue
            kept = {ch: c for ch, c in nxt.items() if c >= min_count}
            if kept:
                pruned[ctx] = kept
        return CharModel(self.order, pruned)

    def _prob(self, ctx: str, ch: str) -> float:
        if ctx == "":
            nxt = self._counts.get("", {})
            total = self._totals.get("", 0)
            types = len(nxt)
            return (nxt.get(ch, 0) + types / _ALPHABET) / (total + types) if total else 1.0 / _ALPHABET
        lower = self._prob(ctx[1:], ch)
        nxt_or_none = self._counts.get(ctx)
        if not nxt_or_none:
            return lower
        total = self._totals[ctx]
        types = len(nxt_or_none)
        return (nxt_or_none.get(ch, 0) + types * lower) / (total + types)

    def _logprob(self, word: str) -> float:
        padded = _START + word + _END
        total = 0.0
        for i in range(1, len(padded)):
            ctx = padded[max(0, i - self.order + 1) : i]
            total += math.log(self._prob(ctx, padded[i]))
        return total

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form; contexts and continuations sorted so the file is reproducible."""
        return {
            "order": self.order,
            "counts": {ctx: dict(sorted(self._counts[ctx].items())) for ctx in sorted(self._counts)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CharModel:
        order = data["order"]
        counts = data["counts"]
        if not isinstance(order, int) or not isinstance(counts, dict):
            raise ValueError("not a character model: expected 'order' (int) and 'counts' (object)")
        return cls(order, counts)
