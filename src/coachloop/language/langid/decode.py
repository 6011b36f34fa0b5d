"""Viterbi decoding: the best label sequence given per-word scores and switching costs.

Word-by-word language identification cannot tell the Hindi "to" (तो) from the English
"to", or "me" (में) from "me"; the words around them can. Scoring a whole sentence as a
sequence, where changing language between neighbours costs something, lets those
ambiguous words follow their context while a clearly English "card" inside Hindi still
switches. Both the shipped lexicon model and the trainable one decode with this.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["viterbi"]

NEG_INF = float("-inf")


def viterbi(
    emissions: Sequence[Sequence[float]],
    transitions: Sequence[Sequence[float]],
    start: Sequence[float] | None = None,
) -> list[int]:
    """Indices of the labels maximising sum(emissions) + sum(transitions) (+ start).

    `emissions[i][k]` scores label k at position i (use -inf to forbid it),
    `transitions[j][k]` scores label j followed by label k. Ties go to the lower index.
    """
    n = len(emissions)
    if n == 0:
        return []
    k_labels = len(transitions)
    if k_labels == 2 and start is None:
        return _viterbi2(emissions, transitions)
    first = emissions[0]
    scores = [first[k] + (start[k] if start is not None else 0.0) for k in range(k_labels)]
    back: list[list[int]] = []
    for i in range(1, n):
        row = emissions[i]
        new_scores: list[float] = []
        pointers: list[int] = []
        for k in range(k_labels):
            best_j = 0
            best = scores[0] + transitions[0][k]
            for j in range(1, k_labels):
                candidate = scores[j] + transitions[j][k]
                if candidate > best:
                    best, best_j = candidate, j
            new_scores.append(best + row[k])
            pointers.append(best_j)
        scores = new_scores
        back.append(pointers)
    best_last = max(range(k_labels), key=lambda k: (scores[k], -k))
    path = [best_last]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    path.reverse()
    return path


def _viterbi2(emissions: Sequence[Sequence[float]], transitions: Sequence[Sequence[float]]) -> list[int]:
    """The two-label case (Hindi/English) unrolled: the same result, several times faster."""
    t00, t01 = transitions[0]
    t10, t11 = transitions[1]
    s0, s1 = emissions[0][0], emissions[0][1]
    back: list[tuple[int, int]] = []
    for row in emissions[1:]:
        a, b = s0 + t00, s1 + t10
        p0 = 0 if a >= b else 1
        c, d = s0 + t01, s1 + t11
        p1 = 0 if c >= d else 1
        s0 = (a if p0 == 0 else b) + row[0]
        s1 = (c if p1 == 0 else d) + row[1]
        back.append((p0, p1))
    state = 0 if s0 >= s1 else 1
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    path.reverse()
    return path
