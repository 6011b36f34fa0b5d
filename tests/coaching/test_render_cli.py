"""Plans rendered as Markdown, PDF and JSON, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coachloop.cli import app
from coachloop.coaching.render import plan_markdown, plan_pdf
from coachloop.errors import CoachloopError
from coachloop.jobs.coaching import build_plans
from tests.coaching.conftest import Center

runner = CliRunner()


def _db(center: Center) -> list[str]:
    return ["--db", center.store.secret_url()]


def test_markdown_and_pdf_carry_the_plan_and_its_clip_quotes(center: Center, tmp_path: Path) -> None:
    plan = next(p for p in build_plans(center.store) if p.focus and p.focus[0].clips)
    md = plan_markdown(plan)
    assert md.startswith(f"# Coaching plan: {plan.agent_id}")
    assert "## SMART goal" in md and plan.focus[0].clips[0].text in md
    pdf = tmp_path / "plan.pdf"
    plan_pdf(plan, pdf, compress=False)
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    for text in (
        "Coaching plan",
        plan.agent_id,
        "SMART goal",
        f"utterance {plan.focus[0].clips[0].utterance_index}",
    ):
        assert text.encode("latin-1") in raw


def test_cli_plan_json_has_the_documented_keys(center: Center) -> None:
    agent = build_plans(center.store)[0].agent_id
    result = runner.invoke(app, ["coach", "plan", agent, "--format", "json", *_db(center)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"agent_id", "wins", "focus", "goal", "checkpoint"} <= set(data)
    for f in data["focus"]:
        assert {"behavior", "why", "baseline", "clips", "peer_clips"} <= set(f)
        for c in f["clips"]:
            assert {"interaction_id", "utterance_index", "start", "end", "text"} <= set(c)


def test_cli_commands_run_and_an_unknown_agent_is_a_coachloop_error(center: Center, tmp_path: Path) -> None:
    for cmd in (["training"], ["workshops", "--min", "2"], ["recognition"], ["leaderboard"]):
        result = runner.invoke(app, ["coach", *cmd, *_db(center)])
        assert result.exit_code == 0, (cmd, result.output)
        assert result.output.strip()
    out = tmp_path / "p.pdf"
    agent = build_plans(center.store)[0].agent_id
    assert (
        runner.invoke(app, ["coach", "plan", agent, "-f", "pdf", "-o", str(out), *_db(center)]).exit_code == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(app, ["coach", "plan", "NOBODY", *_db(center)])
    assert isinstance(bad.exception, CoachloopError) and "no evaluated calls" in str(bad.exception)


def test_the_demo_writes_a_plan_per_agent_and_one_pdf(center: Center, tmp_path: Path) -> None:
    from coachloop.demo.run import write_plans

    folder = write_plans(center.store, tmp_path / "plans")
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(center.truth.agents)
    assert len(list(folder.glob("*.pdf"))) == 1
