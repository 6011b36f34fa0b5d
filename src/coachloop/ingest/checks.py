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
        start, end = u.start, u.end
        if u.index != pos:
            return (
                f"utterances[{pos}].index",
                f"index {u.index} where {pos} was expected (indexes run 0, 1, 2, ...)",
            )
        if start is None or end is None:
            if start is not None and start < 0:
                return f"utterances[{pos}].start", f"negative time {start}"
            if end is not None and end < 0:
                return f"utterances[{pos}].end", f"negative time {end}"
            continue
        if start < 0:
            return f"utterances[{pos}].start", f"negative time {start}"
        if end < start:
            return f"utterances[{pos}].end", (
                f"negative time {end}" if end < 0 else f"end {end} is before start {start}"
            )
        previous = last_end.get(u.speaker)
        if previous is not None and start < previous[1] - OVERLAP_TOLERANCE:
            return f"utterances[{pos}].start", (
                f"{u.speaker} turn starts at {start}, before the same speaker's utterance {previous[0]} ends "
                f"at {previous[1]} (overlapping utterances)"
            )
        last_end[u.speaker] = (pos, end)
    for name in ("talk_seconds", "hold_seconds", "acw_seconds"):
        value = getattr(interaction, name)
        if value is not None and value < 0:
            return name, f"negative duration {value}"
    if interaction.started_at and interaction.ended_at and interaction.ended_at < interaction.started_at:
        return "ended_at", "ended before it started"
    return None
