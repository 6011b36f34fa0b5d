"""A coaching plan as a supervisor hands it over: Markdown, or PDF (fpdf2).

The PDF uses fpdf2's built-in Helvetica, which covers Latin-1: characters outside it
(Devanagari, some currency signs) are written as their closest Latin-1 form or "?".
The Markdown keeps every character.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import orjson

from coachloop.coaching.plan import Clip, Plan

__all__ = ["plan_dict", "plan_markdown", "plan_pdf"]

_SPEAKER = {"agent": "Agent", "customer": "Customer", "system": "System"}


def _clip_lines(clip: Clip) -> list[str]:
    return [f"> - **{_SPEAKER.get(speaker, speaker)}** ({idx}): {text}" for idx, speaker, text in clip.lines]


def _clip_head(clip: Clip) -> str:
    when = clip.when()
    reason = f", {clip.contact_reason.replace('_', ' ')}" if clip.contact_reason else ""
    return (
        f"`{clip.interaction_id}`{' - ' + when if when else ''}{reason}, utterances "
        f"{clip.from_utterance}-{clip.to_utterance} (dispute: `coachloop review dispute {clip.interaction_id} "
        f"{clip.behavior} --rubric {clip.rubric}`)"
    )


def _sections(plan: Plan) -> list[tuple[str, list[str]]]:
    """(heading, lines of Markdown) in the order a plan is read."""
    out: list[tuple[str, list[str]]] = []
    wins = []
    for w in plan.wins:
        wins += [f"- {w.sentence}", *[f"  {line}" for line in _clip_lines(w.clip)]]
    out.append(("Wins to acknowledge", wins or ["- No stand-out win in the period yet: look for one together."]))
    focus: list[str] = []
    if not plan.focus:
        focus.append("No behaviour is credibly below the centre: keep doing what works.")
    for n, choice in enumerate(plan.focus, start=1):
        b = choice.behavior
        focus.append(f"### {n}. {choice.standing.title}")
        focus.append(choice.sentence)
        coaching = plan.coaching_texts.get(b)
        if coaching:
            focus.append(f"*What good looks like:* {coaching}")
        for clip in plan.misses.get(b, []):
            focus += ["", f"Your call {_clip_head(clip)}:", *_clip_lines(clip)]
        for clip in plan.models.get(b, []):
            focus += ["", f"A peer who nailed it, {_clip_head(clip)}:", *_clip_lines(clip)]
        focus.append("")
    out.append(("Focus", focus))
    goals = []
    for g in plan.goals:
        goals.append(f"- {g.sentence()} Measured from {g.measured}.")
        if g.objective:
            goals.append(f"  Supports the team objective: {g.objective}.")
    out.append(("Goals (SMART)", goals or ["- None this period."]))
    out.append(("Practice", [f"- {p}" for p in plan.practice] or ["- None this period."]))
    out.append(
        (
            "Training",
            [f"- {t.title} ({t.kind.replace('_', ' ')}, {t.minutes} min)" for t in plan.training]
            or ["- Nothing assigned."],
        )
    )
    out.append(("Checkpoint", [f"Next checkpoint: {plan.checkpoint:%A %d %B %Y}." if plan.checkpoint else "To agree."]))
    return out


def plan_markdown(plan: Plan) -> str:
    who = plan.agent_name or plan.agent_id
    lines = [
        f"# Coaching plan: {who} ({plan.agent_id})",
        "",
        f"Team {plan.team or '-'}, supervisor {plan.supervisor or '-'}. From {plan.calls} calls evaluated with "
        f"`{plan.rubric}` between {plan.period[0]:%d %b} and {plan.period[1]:%d %b %Y} (as of {plan.as_of:%d %b %Y}).",
        "",
    ]
    for heading, body in _sections(plan):
        lines += [f"## {heading}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _latin1(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")
    return folded if folded.strip() or not text.strip() else "?"


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF of A4 pages: the same sections as the Markdown."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin1(f"Coaching plan {plan.agent_id}"))
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(text: str, size: float = 10, style: str = "", indent: float = 0.0) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, _latin1(text.replace("*", "").replace("`", "")))

    write(f"Coaching plan: {plan.agent_name or plan.agent_id} ({plan.agent_id})", 16, "B")
    write(
        f"Team {plan.team or '-'}, supervisor {plan.supervisor or '-'}. {plan.calls} calls, {plan.rubric}, "
        f"{plan.period[0]:%d %b} - {plan.period[1]:%d %b %Y}.",
        9,
    )
    for heading, body in _sections(plan):
        pdf.ln(3)
        write(heading, 13, "B")
        for line in body:
            if not line:
                pdf.ln(1)
            elif line.startswith("### "):
                write(line[4:], 11, "B")
            elif line.lstrip().startswith(">"):
                write(line.lstrip()[1:].strip().removeprefix("- "), 9, "I", indent=6)
            else:
                write(line, 10)
    return bytes(pdf.output())


def plan_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data: every field, each focus with its standing and sentence,
    dates as ISO strings, training items as their catalogue entries."""
    data: dict[str, Any] = orjson.loads(
        orjson.dumps(plan, default=lambda o: o.model_dump() if hasattr(o, "model_dump") else str(o))
    )
    data["agenda"] = {kind: plan.agenda(kind) for kind in ("micro", "review", "development")}
    return data
