"""`coachloop users add` and `coachloop replay` from the command line."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from coachloop.cli import main
from coachloop.store import open_store
from coachloop.store.live import user_by_token

CALLS = Path(__file__).parent.parent / "fixtures" / "realtime" / "calls.jsonl"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_users_add_prints_a_token_that_authenticates_and_stores_only_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    code, out, _ = run(["users", "add", "sue", "--role", "supervisor", "--team", "north", "--db", db], capsys)
    assert code == 0
    token = out.strip()
    with open_store(db) as store:
        user = user_by_token(store, token)
        assert user is not None and (user.name, user.role, user.team) == ("sue", "supervisor", "north")
        with store._read("test") as conn:
            assert token not in str(conn.exec_driver_sql("SELECT * FROM users").fetchall())
    code, _, err = run(["users", "add", "sue", "--role", "qa", "--db", db], capsys)
    assert code == 1 and "already exists" in err
    code, _, err = run(["users", "add", "bob", "--role", "boss", "--db", db], capsys)
    assert code == 1 and "unknown role 'boss'" in err
    code, _, err = run(["users", "add", "al", "--role", "agent", "--db", db], capsys)
    assert code == 1 and "--agent-id" in err


def test_replay_without_url_serves_locally_and_prints_the_json_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, err = run(
        ["replay", str(CALLS), "--speed", "0", "--concurrency", "2", "--format", "json", "--db", db], capsys
    )
    assert code == 0, err
    summary = orjson.loads(out)
    assert {"sessions", "utterances", "prompts", "latency_ms", "lost", "live_batch_disagreements"} <= set(
        summary
    )
    assert (summary["sessions"], summary["utterances"], summary["lost"]) == (2, 15, 0)
    assert summary["live_batch_disagreements"] == 0
    first = summary["prompts"][0]
    assert {"session", "kind", "behavior", "at_utterance", "latency_ms"} <= set(first)
    assert ("live-1", "knowledge", "lost_or_stolen_card", 1) in {
        (p["session"], p["kind"], p["behavior"], p["at_utterance"]) for p in summary["prompts"]
    }
    with open_store(db) as store:
        assert store.count_interactions() == 2


def test_replay_with_a_url_needs_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COACHLOOP_TOKEN", raising=False)
    code, _, err = run(["replay", str(CALLS), "--url", "http://127.0.0.1:9"], capsys)
    assert code == 1 and "--url needs --token" in err


def test_replay_with_a_rubric_file_serves_it_and_evaluates_every_session_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    rubric = CALLS.parent / "assist.yaml"
    code, out, err = run(
        ["replay", str(CALLS), "--rubric", str(rubric), "--speed", "0", "--format", "json", "--db", db], capsys
    )
    assert code == 0, err
    summary = orjson.loads(out)
    assert (summary["sessions"], summary["lost"], summary["live_batch_disagreements"]) == (2, 0, 0)
    with open_store(db) as store:
        rubrics = {e.rubric for i in ("live-1", "live-2") for e in store.get_evaluations(i)}
    assert rubrics == {"assist_test"}


def test_replay_of_a_rubric_name_nobody_knows_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    code, _, err = run(["replay", str(CALLS), "--rubric", "no_such_rubric", "--speed", "0", "--db", db], capsys)
    assert code == 1 and "no_such_rubric" in err and len(err.strip().splitlines()) == 1
