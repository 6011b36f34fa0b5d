"""Terminal rendering of evaluations and scorecards (rich), shared by CLI commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from coachloop.model import Evaluation, Insights, Interaction, Outcome
from coachloop.store import Scorecard

if TYPE_CHECKING:
    from coachloop.jobs.evaluations import BehaviorText
    from coachloop.store.reviews import Review

__all__ = ["fmt_time", "render_evaluation", "render_scorecards"]

MARK = {Outcome.MET: ("✓", "green"), Outcome.MISSED: ("✗", "red"), Outcome.NOT_APPLICABLE: ("–", "dim")}


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "  -  "
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:04.1f}"


def _header(interaction: Interaction, agent_name: str | None = None) -> Text:
    parts = [f"{interaction.id}", f"{interaction.channel}"]
    if interaction.started_at is not None:
        parts.append(interaction.started_at.strftime("%Y-%m-%d %H:%M %Z").strip())
    agent = interaction.agent_id
    if agent and agent_name:
        agent = f"{agent_name} ({agent})"
    for label, value in (
        ("agent", agent),
        ("team", interaction.team),
        ("queue", interaction.queue),
        ("reason", interaction.contact_reason),
        ("language", interaction.language),
        ("disposition", interaction.disposition),
    ):
        if value:
            parts.append(f"{label} {value}")
    return Text("  ·  ".join(parts), style="bold")


def _reading_notes(interaction: Interaction) -> list[Text]:
    """How the conversation was read: a partly read call, a decided agent side."""
    notes: list[Text] = []
    meta = interaction.metadata
    dropped = meta.get("dropped")
    if meta.get("partial") and isinstance(dropped, list):
        parts = "; ".join(
            f"{d.get('field') or '?'}"
            + (f" (line {d['line']})" if d.get("line") else "")
            + f": {d.get('reason')}"
            for d in dropped[:5]
            if isinstance(d, dict)
        )
        more = f" (+{len(dropped) - 5} more)" if len(dropped) > 5 else ""
        notes.append(
            Text(f"PARTIAL: {len(dropped)} part(s) of the source were dropped: {parts}{more}", style="yellow")
        )
    role = meta.get("agent_role")
    if isinstance(role, dict) and role.get("method") != "given":
        notes.append(
            Text(
                f"agent side: {role.get('label')} by {role.get('method')}, confidence {role.get('confidence')}: "
                f"{role.get('reason')}",
                style="dim",
            )
        )
    return notes


def render_evaluation(
    console: Console,
    interaction: Interaction,
    evaluations: Sequence[Evaluation],
    *,
    agent_name: str | None = None,
    texts: Mapping[str, Mapping[str, BehaviorText]] | None = None,
    reviews: Sequence[Review] = (),
) -> None:
    """Behaviour outcomes (titled, from `texts` by rubric) with their evidence and any
    review, the coaching text of each missed behaviour, then the transcript with cited
    turns marked."""
    from coachloop.evaluate.score import effective_outcome, score_results

    console.print(_header(interaction, agent_name))
    for note in _reading_notes(interaction):
        console.print(note)
    cited: dict[int, list[tuple[str, Outcome, tuple[int, int] | None]]] = {}
    for ev in evaluations:
        titles = (texts or {}).get(ev.rubric, {})
        reviewed = {
            r.behavior_id: r for r in reviews if r.rubric == ev.rubric and r.kind == "override" and r.outcome
        }  # the latest override of each behaviour (reviews come oldest first)
        in_force = {b: r.outcome for b, r in reviewed.items() if not r.stale and r.outcome is not None}
        effective = score_results(ev.results, in_force)
        score = "n/a" if ev.score is None else f"{ev.score:.2f}"
        if in_force:
            machine = score_results(ev.results)
            was = "n/a" if machine.score is None else f"{machine.score:.2f}"
            score += f" (machine {was}{', auto-failed' if machine.auto_failed else ''}; reviewers' overrides applied)"
        causes = list(effective.auto_fail_causes)
        verdict = (
            f"AUTO-FAIL ({', '.join(causes)})"
            if ev.auto_failed
            else ("compliant" if ev.compliance_passed else "compliance issue")
        )
        if ev.contact_reason is not None:
            verdict += f" · predicted reason {ev.contact_reason.label} ({ev.contact_reason.confidence:.2f})"
        table = Table(
            title=f"{ev.rubric} v{ev.rubric_version} · score {score} · {verdict}",
            title_justify="left",
            show_lines=False,
            expand=False,
        )
        table.add_column("", width=1)
        table.add_column("behaviour")
        table.add_column("section")
        table.add_column("conf", justify="right")
        table.add_column("evidence / why")
        for r in ev.results:
            mark, style = MARK[r.outcome]
            described = titles.get(r.behavior_id)
            name = (
                r.behavior_id
                + (f" · {described.title}" if described else "")
                + (" (critical)" if r.critical else "")
            )
            if r.evidence:
                why = "; ".join(
                    f"#{e.utterance_index} {fmt_time(e.start)} {e.speaker}: "
                    f"\u201c{_excerpt(e.text, e.span)}\u201d"
                    for e in r.evidence[:2]
                )
                if len(r.evidence) > 2:
                    why += f" (+{len(r.evidence) - 2} more)"
            elif r.expected_window is not None:
                why = f"expected in #{r.expected_window.from_utterance}-#{r.expected_window.to_utterance}"
            else:
                why = ""
            if r.note and r.outcome is not Outcome.MET:
                why = f"{r.note}. {why}".strip()
            if r.review_reason:
                why = f"{why} ⚑ to review: {r.review_reason}".strip()
            review = reviewed.get(r.behavior_id)
            if review is not None:
                state = (
                    "STALE, not applied: made on another input or rubric version"
                    if review.stale
                    else "in force"
                )
                by = f"{review.reviewer}" + (f": {review.note}" if review.note else "")
                why = f"{why} ▶ reviewer says {review.outcome} ({by}; {state})".strip()
            table.add_row(Text(mark, style=style), name, r.section or "", f"{r.confidence:.2f}", why)
            for e in r.evidence:
                if r.outcome is not Outcome.MET or e.span is not None:
                    cited.setdefault(e.utterance_index, []).append((r.behavior_id, r.outcome, e.span))
        console.print(table)
        coaching = [
            (r.behavior_id, titles[r.behavior_id].coaching)
            for r in ev.results
            if effective_outcome(r, in_force) is Outcome.MISSED and r.behavior_id in titles
        ]
        for behavior_id, advice in coaching:
            console.print(Text(f"coaching · {behavior_id}: {advice}", style="yellow"))
        if ev.insights is not None:
            console.print(Text(_insights_line(ev.insights), style="cyan"))
    console.print(Text("transcript", style="bold underline"))
    for u in interaction.utterances:
        line = Text(f"#{u.index:<3} {fmt_time(u.start)} {u.speaker:<8} ", style="dim")
        text = Text(u.text)
        for _, outcome, span in cited.get(u.index, []):
            if span is not None:
                text.stylize("bold green" if outcome is Outcome.MET else "bold red", span[0], span[1])
        line.append(text)
        tags = cited.get(u.index)
        if tags:
            line.append("  ⟵ " + ", ".join(sorted({t[0] for t in tags})), style="cyan")
        console.print(line)


def _insights_line(i: Insights) -> str:
    languages = ", ".join(f"{lang} {100 * part:.0f}%" for lang, part in i.language_share.items())
    parts = [f"language {i.language or '?'} ({languages})" if languages else "language ?"]
    if i.code_mixed_turns:
        parts.append(f"{100 * i.code_mixed_turns:.0f}% of turns code-mixed")
    if i.sentiment_start is not None:
        mood = f"customer sentiment {i.sentiment_start:+.2f} -> lowest {i.sentiment_lowest:+.2f} -> {i.sentiment_end:+.2f}"
        if i.recovered is not None:
            mood += ", recovered" if i.recovered else ", not recovered"
        parts.append(mood)
    if i.frustration_peaks:
        parts.append("frustration at #" + ", #".join(map(str, i.frustration_peaks)))
    return " · ".join(parts)


def _excerpt(text: str, span: tuple[int, int] | None, width: int = 70) -> str:
    if len(text) <= width:
        return text
    if span is None:
        return text[: width - 1] + "…"
    start = max(0, span[0] - 20)
    piece = text[start : start + width - 2]
    return ("…" if start else "") + piece + "…"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def render_scorecards(console: Console, rubric: str, cards: Sequence[Scorecard]) -> None:
    table = Table(title=f"Agent scorecards · rubric {rubric}", title_justify="left")
    for col, justify in (
        ("agent", "left"),
        ("team", "left"),
        ("calls", "right"),
        ("mean score", "right"),
        ("compliance (95% CI)", "right"),
        ("auto-fails", "right"),
        ("weakest behaviour", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for c in cards:
        ci = c.compliance_interval
        compliance = (
            f"{_pct(c.compliance_rate)} ({_pct(ci[0])}-{_pct(ci[1])})" if ci else _pct(c.compliance_rate)
        )
        rated = [b for b in c.behaviors if b.rate is not None and b.applicable >= 3]
        weakest = min(rated, key=lambda b: b.rate or 0.0, default=None)
        weak = f"{weakest.behavior_id} {_pct(weakest.rate)} of {weakest.applicable}" if weakest else "-"
        # Few calls make any estimate shaky: say so instead of ranking on noise.
        calls = f"{c.evaluated}" + (" (few)" if c.evaluated < 5 else "")
        table.add_row(
            c.name or c.agent_id,
            c.team or "",
            calls,
            "-" if c.mean_score is None else f"{c.mean_score:.2f}",
            compliance,
            str(c.auto_failed),
            weak,
        )
    console.print(table)
