"""`coachloop review`, `evaluations`, `show` and the export record from the command line,
run in-process (the same `main` the console script runs) against a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coachloop.cli import main

CALLS = [
    {
        "id": "c-1",
        "agent_id": "a-101",
        "queue": "cards",
        "started_at": "2026-11-02T10:00:00Z",
        "utterances": [
            {
                "index": 0,
                "speaker": "agent",
                "text": "thank you for calling northwind bank this is maya this call is being recorded",
            },
            {"index": 1, "speaker": "customer", "text": "hi please block my card"},
            {"index": 2, "speaker": "agent", "text": "ive blocked your card"},
        ],
    },
    {
        "id": "c-2",
        "agent_id": "a-102",
        "started_at": "2026-11-05T10:00:00Z",
        "utterances": [
            {"index": 0, "speaker": "agent", "text": "hello this call is being recorded"},
            {"index": 1, "speaker": "customer", "text": "what is my balance"},
        ],
    },
]


class Cli:
    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys

    def __call__(self, *args: str, ok: bool = True) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            main([*args, "--db", f"sqlite:///{self.tmp_path / 'cl.db'}"])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        if ok:
            assert code == 0, captured.err
        return code, captured.out, captured.err

    def json(self, *args: str) -> Any:
        return json.loads(self(*args)[1])


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("COLUMNS", "250")
    # The queue as the detectors' flags make it; the shipped error model is tested apart.
    monkeypatch.setenv("COACHLOOP_ERROR_MODEL", "none")
    monkeypatch.delenv("COACHLOOP_DEBUG", raising=False)
    run = Cli(tmp_path, capsys)
    (tmp_path / "calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CALLS))
    agents = Path(__file__).parent / "fixtures" / "csv" / "agents.csv"
    run("ingest", str(tmp_path / "calls.jsonl"))
    run("ingest", "--format", "csv", str(agents))
    run("evaluate")
    return run


def test_review_set_dispute_list_show_and_agreement(cli: Cli) -> None:
    # c-2's prohibited-language check passed at 0.85: a critical pass under --below 0.9.
    # (c-1 blocked a card before any verification: missed, critical, a loud auto-fail.)
    assert cli.json("review", "list", "--format", "json") == []
    queue = cli.json(
        "review", "list", "--below", "0.9", "--behavior", "no_prohibited_language", "--format", "json"
    )
    assert [(q["interaction_id"], q["behavior"], q["reasons"]) for q in queue] == [
        ("c-1", "no_prohibited_language", ["low-confidence"]),
        ("c-2", "no_prohibited_language", ["low-confidence"]),
    ]
    assert (
        cli.json(
            "review", "list", "--below", "0.9", "--behavior", "verify_before_account_change", "--format", "json"
        )
        == []
    )

    cli("review", "dispute", "c-2", "greet_with_brand", "--by", "a-102", "--note", "I greeted")
    queue = cli.json("review", "list", "--format", "json")
    assert [(q["interaction_id"], q["behavior"], q["reasons"]) for q in queue] == [
        ("c-2", "greet_with_brand", ["disputed"])
    ]
    assert cli.json("review", "list", "--agent", "a-101", "--format", "json") == []

    _, said, _ = cli(
        "review", "set", "c-2", "greet_with_brand", "met", "--by", "dana", "--note", "said hello"
    )
    assert "override #2" in said and "missed -> met by dana" in said
    assert cli.json("review", "list", "--reason", "disputed", "--format", "json") == []

    _, shown, _ = cli("review", "show", "c-2")
    assert "Greets with the brand" in shown and "dana" in shown
    assert "disputed by a-102" in shown and "override by dana: missed -> met · said hello" in shown

    cli("review", "set", "c-1", "greet_with_brand", "met", "--by", "ana", "--session", "wk49")
    cli("review", "set", "c-1", "greet_with_brand", "missed", "--by", "ben", "--session", "wk49")
    report = cli.json("review", "agreement", "--format", "json")
    assert [(r["behavior"], r["n"], r["changed"]) for r in report["machine"]] == [
        ("greet_with_brand", 1, 1),
        (None, 1, 1),
    ]
    assert report["reviewers"][0]["raters"] == ["ana", "ben"] and report["reviewers"][0]["session"] == "wk49"
    assert "bootstrap" in report["method"]
    _, exported, _ = cli("export", "evaluations", "--format", "jsonl")
    c2 = next(json.loads(line) for line in exported.splitlines() if '"c-2"' in line)
    greet = next(b for b in c2["behaviors"] if b["id"] == "greet_with_brand")
    assert (greet["outcome"], greet["review"]["outcome"], greet["review"]["by"]) == ("missed", "met", "dana")
    assert (
        greet["title"] and c2["agent_name"] == "Priya Natarajan" and c2["started_at"].startswith("2026-11-05")
    )
    _, table, _ = cli("review", "agreement")
    assert "Machine vs reviewers" in table and "ana vs ben" in table


def test_review_mistakes_are_one_line_each(cli: Cli) -> None:
    for args, expected in (
        (["review", "set", "c-1", "smile", "met", "--by", "d"], "rubric 'general' has no behaviour 'smile'"),
        (["review", "set", "c-1", "greet_with_brand", "good", "--by", "d"], "unknown outcome 'good'"),
        (["review", "set", "nope", "greet_with_brand", "met", "--by", "d"], "no evaluation of 'nope'"),
        (["review", "dispute", "c-1", "greet_with_brand", "--by", "a", "--note", " "], "needs a note"),
        (["review", "show", "nope"], "no interaction 'nope'"),
        (["review", "agreement", "--session", "x"], "no calibration reviews in session 'x'"),
        (["evaluations", "delete", "--rubric", "nope"], "no evaluations under rubric 'nope'"),
        (["evaluations", "list", "--since", "last week"], "'last week' is not a date"),
    ):
        code, _, err = cli(*args, ok=False)
        assert code != 0
        lines = err.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], err


def test_evaluations_list_finds_the_calls_and_delete_removes_a_rubrics(cli: Cli) -> None:
    def listed(*filters: str) -> list[dict[str, Any]]:
        _, out, _ = cli("evaluations", "list", *filters, "--format", "jsonl")
        return [json.loads(line) for line in out.splitlines()]

    everything = listed()
    assert [r["interaction_id"] for r in everything] == ["c-2", "c-1"]  # newest first
    c1 = everything[1]
    assert (c1["agent_name"], c1["team"], c1["queue"], c1["channel"]) == (
        "Maya Okafor",
        "Billing",
        "cards",
        "voice",
    )
    assert c1["auto_failed"] is True and c1["failed_critical"] == ["verify_before_account_change"]
    assert [r["interaction_id"] for r in listed("--auto-failed")] == ["c-1"]
    assert [r["interaction_id"] for r in listed("--team", "Retention")] == ["c-2"]
    assert [r["interaction_id"] for r in listed("--agent", "a-101", "--until", "2026-11-02")] == ["c-1"]
    assert listed("--since", "2026-11-06") == []
    missed = listed("--behavior", "greet_with_brand", "--outcome", "missed")
    assert [(r["interaction_id"], r["behavior_outcome"]) for r in missed] == [("c-2", "missed")]
    _, table, _ = cli("evaluations", "list", "--auto-failed")
    assert "Maya Okafor (a-101)" in table and "verify_before_account_change" in table

    _, _, said = cli("evaluations", "delete", "--rubric", "general")
    assert "deleted 2 evaluations under rubric 'general'" in said
    assert listed() == []


def test_show_names_agent_date_titles_coaching_and_the_auto_fail_cause(cli: Cli) -> None:
    cli("review", "set", "c-1", "confirm_request", "met", "--by", "dana", "--note", "asked back")
    _, shown, _ = cli("show", "c-1")
    assert "agent Maya Okafor (a-101)" in shown and "2026-11-02 10:00" in shown
    assert "AUTO-FAIL (verify_before_account_change)" in shown
    assert "verify_before_account_change · Verifies identity" in shown
    assert "coaching · verify_before_account_change: Never change an account before verification" in shown
    assert "reviewer says met (dana: asked back; in force)" in shown


def test_the_shipped_error_model_queues_outcomes_by_their_chance_of_being_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("COACHLOOP_ERROR_MODEL", raising=False)
    run = Cli(tmp_path, capsys)
    (tmp_path / "calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CALLS))
    run("ingest", str(tmp_path / "calls.jsonl"))
    run("evaluate")

    queue = run.json("review", "list", "--format", "json")

    assert queue and all(q["reasons"] == ["flagged"] for q in queue)
    assert all("chance" in q["review_reason"] for q in queue)
    assert any(not q["critical"] for q in queue)  # the model looks past critical behaviours
