"""A plan as plain text, Markdown or a PDF a supervisor can hand over (fpdf2)."""

from __future__ import annotations

from pathlib import Path

from coachloop.coaching.plan import Clip, Plan

__all__ = ["plan_markdown", "plan_pdf", "plan_text"]


def _clip_line(c: Clip) -> str:
    at = f" at {c.start:.0f}s" if c.start is not None else ""
    window = f", expected in utterances {c.window[0]}–{c.window[1]}" if c.window else ""
    reason = f" ({c.contact_reason})" if c.contact_reason else ""
    return f"{c.interaction_id}{reason}, utterance {c.utterance_index}{at}{window}: “{c.text}”"


def _sections(plan: Plan) -> list[tuple[str, list[str]]]:
    """The plan as (heading, paragraphs): what every format prints."""
    who = plan.agent_id + (f" — {plan.agent_name}" if plan.agent_name else "")
    head = [
        f"Agent: {who}" + (f" (team {plan.team})" if plan.team else ""),
        f"Evidence: calls from {plan.period[0].isoformat()} to {plan.period[1].isoformat()} (exclusive)",
        f"Checkpoint: {plan.checkpoint.isoformat()}",
    ]
    if plan.objective:
        head.append(plan.objective)
    out: list[tuple[str, list[str]]] = [("Coaching plan", head)]
    wins = [w.sentence + (f" [{_clip_line(w.clip)}]" if w.clip else "") for w in plan.wins]
    out.append(("Wins to acknowledge", wins or ["Nothing stands out yet this period."]))
    if not plan.focus:
        out.append(
            ("Focus", ["No behaviour is clearly below the peers on enough calls: no focus this period."])
        )
    for i, f in enumerate(plan.focus, 1):
        lines = [f.why]
        lines += [f"Your call: {_clip_line(c)}" for c in f.clips]
        lines += [f"Model clip from a peer: {_clip_line(c)}" for c in f.peer_clips]
        out.append((f"Focus {i}: {f.title}" + (" (critical)" if f.critical else ""), lines))
    if plan.goal is not None:
        g = plan.goal
        goal = [
            f"Metric: {g.metric}",
            f"Baseline: {g.baseline:.0%} [{g.baseline_interval.low:.0%}–{g.baseline_interval.high:.0%}] "
            f"on {g.baseline_n} calls",
            f"Target: {g.target:.0%} by {g.deadline.isoformat()}",
            f"How it is measured: {g.measured}",
        ]
        if g.objective:
            goal.append(f"Serves: {g.objective}")
        out.append(("SMART goal", goal))
    if plan.practice is not None:
        practice = [f"Role-play: {plan.practice.role_play}"]
        practice += [
            f"Training ({t['kind']}): {t['title']} {t['link']}".rstrip() for t in plan.practice.training
        ]
        out.append(("Practice", practice))
    return out


def plan_text(plan: Plan) -> str:
    parts = []
    for heading, lines in _sections(plan):
        parts.append(heading.upper() if heading == "Coaching plan" else heading)
        parts += [f"  {line}" for line in lines]
        parts.append("")
    return "\n".join(parts)


def plan_markdown(plan: Plan) -> str:
    parts = []
    for i, (heading, lines) in enumerate(_sections(plan)):
        parts.append(f"# {heading}: {plan.agent_id}" if i == 0 else f"## {heading}")
        parts.append("")
        parts += [f"- {line}" for line in lines]
        parts.append("")
    return "\n".join(parts)


_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "→": "->"})


def _latin1(text: str) -> str:
    """The PDF core fonts are Latin-1: typographic quotes and dashes become ASCII; a line
    with other scripts (e.g. Devanagari) says so and points to the Markdown plan."""
    plain = text.translate(_PLAIN)
    out = plain.encode("latin-1", "replace").decode("latin-1")
    if out != plain:
        out += " [text in another script: see the Markdown or JSON plan]"
    return out


def plan_pdf(plan: Plan, path: Path, *, compress: bool = True) -> None:
    """Write the plan as a PDF: title, agent, period, sections, clip quotes."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin1(f"Coaching plan {plan.agent_id}"))
    pdf.add_page()
    for i, (heading, lines) in enumerate(_sections(plan)):
        pdf.set_font("Helvetica", style="B", size=16 if i == 0 else 12)
        pdf.multi_cell(0, 8, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            quote = "Your call:" in line or "Model clip" in line
            pdf.set_font("Helvetica", style="I" if quote else "", size=10)
            pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(3)
    pdf.output(str(path))
