"""Checks every interaction passes before it is stored, whatever format it came from."""

from __future__ import annotations

from coachloop.model import Interaction

__all__ = ["OVERLAP_TOLERANCE", "interaction_problem"]

OVERLAP_TOLERANCE = 0.05
"""Seconds by which one speaker's consecutive turns may overlap (time-stamp jitter)."""


def interaction_problem(interaction: Interaction) -> tuple[str, str] | None:
    """The first problem as (field, reason), or None.

    Cross-talk between different speakers is normal in real calls and allowed; one
    speaker overlapping their own previous turn means the times are wrong.
    """
    if not interaction.id.strip():
        return "id", "empty id"
    utts = interaction.utterances
    if not utts:
        return "utterances", "empty transcript: no utterances"
    if not any(u.text.strip() for u in utts):
        return "utterances", "empty transcript: every utterance is blank"
    last_end: dict[str, tuple[int, float]] = {}
    for pos, u in enumerate(utts):
        where = f"utterances[{pos}]"
        if u.index != pos:
            return f"{where}.index", f"index {u.index} where {pos} was expected (indexes run 0, 1, 2, ...)"
        if u.start is not None and u.start < 0:
            return f"{where}.start", f"negative time {u.start}"
        if u.end is not None and u.end < 0:
            return f"{where}.end", f"negative time {u.end}"
        if u.start is not None and u.end is not None:
            if u.end < u.start:
                return f"{where}.end", f"end {u.end} is before start {u.start}"
            previous = last_end.get(u.speaker)
            if previous is not None and u.start < previous[1] - OVERLAP_TOLERANCE:
                return (
                    f"{where}.start",
                    f"{u.speaker} turn starts at {u.start}, before the same speaker's "
                    f"utterance {previous[0]} ends at {previous[1]} (overlapping utterances)",
                )
            last_end[u.speaker] = (pos, u.end)
    for name in ("talk_seconds", "hold_seconds", "acw_seconds"):
        value = getattr(interaction, name)
        if value is not None and value < 0:
            return name, f"negative duration {value}"
    if interaction.started_at and interaction.ended_at and interaction.ended_at < interaction.started_at:
        return "ended_at", "ended before it started"
    return None
