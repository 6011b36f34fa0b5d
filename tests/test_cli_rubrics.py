"""`coachloop rubric` add/list/check/detectors and the one-line mistakes, run in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coachloop.cli import main
from coachloop.detect.docs import detectors_markdown

REPO = Path(__file__).resolve().parents[1]

CALLS = [
    {
        "id": "c-1",
        "channel": "voice",
        "queue": "collections",
        "utterances": [
            {"index": 0, "speaker": "agent", "text": "hello this is collections", "start": 0.0, "end": 2.0},
            {"index": 1, "speaker": "customer", "text": "hi about my payment", "start": 2.0, "end": 4.0},
        ],
    }
]

CUSTOM = """\
name: collections_qa
version: 1
title: Collections QA
applies_to: {queue: [collections]}
sections:
  - id: opening
    title: Opening
    behaviors:
      - id: greet
        title: Greets
        coaching: Say hello.
        detect: phrase
        phrases: [hello]
"""

BROKEN = """\
name: Broken
version: 1
title: x
sections:
  - id: s
    title: S
    behaviors:
      - id: greet
        title: Greets
        coaching: c
        detect: phrase
        phrasez: [hello]
      - id: greet
        coaching: c
        detect: nosuch
"""


def cli(args: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> tuple[str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
        raise SystemExit(0)
    captured = capsys.readouterr()
    assert exit_info.value.code == code, captured.err
    return captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cl.db"
    monkeypatch.setenv("COACHLOOP_DB", f"sqlite:///{path}")
    return path


def ingested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "calls.jsonl"
    source.write_text("".join(json.dumps(c) + "\n" for c in CALLS), encoding="utf-8")
    cli(["ingest", str(source)], capsys)


def test_rubric_add_then_plain_evaluate_uses_it_and_list_shows_it(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingested(tmp_path, capsys)
    (tmp_path / "custom.yaml").write_text(CUSTOM, encoding="utf-8")

    out, _ = cli(["rubric", "add", str(tmp_path / "custom.yaml")], capsys)
    assert "registered rubric 'collections_qa' version 1" in out
    out, _ = cli(["rubric", "list"], capsys)
    assert "collections_qa" in out and "registered" in out and "when queue=collections" in out
    out, _ = cli(["evaluate", "--no-insights"], capsys)
    assert "collections_qa: 1" in out


def test_rubric_check_reports_every_error_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")

    _, err = cli(["rubric", "check", str(tmp_path / "broken.yaml")], capsys, code=1)

    lines = err.strip().splitlines()
    assert any(line.startswith("broken.yaml:1 name:") or ":1 name:" in line for line in lines)
    assert any(":12 sections[0].behaviors[0].phrasez: unknown key" in line for line in lines)
    assert any("id 'greet' is used twice" in line for line in lines)
    assert any("sections[0].behaviors[1].title: required key is missing" in line for line in lines)
    assert any("unknown detector 'nosuch'" in line for line in lines)
    assert lines[-1].endswith("5 error(s) in this rubric")


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--rubric", "nope"],
        ["show", "c-1", "--rubric", "nope"],
        ["export", "evaluations", "--rubric", "nope"],
    ],
)
def test_unknown_rubric_name_is_one_line_not_empty_output(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    ingested(tmp_path, capsys)

    out, err = cli(args, capsys, code=1)

    assert out == ""
    assert err.count("\n") == 1 and "no rubric named 'nope'" in err


@pytest.mark.parametrize(
    "args",
    [["report"], ["show", "c-1"], ["export", "evaluations"], ["quarantine", "list"], ["evaluate"]],
)
def test_reading_a_store_that_does_not_exist_is_an_error_and_creates_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    _, err = cli(args, capsys, code=1)

    assert f"no database at {db}" in err and err.count("\n") == 1
    assert not db.exists()


def test_evaluate_on_an_empty_store_is_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    cli(["ingest", str(empty)], capsys, code=4)  # nothing stored (exit 4), but the database exists

    _, err = cli(["evaluate"], capsys, code=1)

    assert "holds no interactions yet" in err and err.count("\n") == 1


def test_detector_docs_are_generated_from_the_settings_models() -> None:
    written = (REPO / "docs" / "detectors.md").read_text(encoding="utf-8")
    assert written == detectors_markdown(), (
        "regenerate: coachloop rubric detectors --markdown > docs/detectors.md"
    )


def test_every_detector_example_compiles_in_a_rubric() -> None:
    import yaml

    from coachloop.detect.base import detectors
    from coachloop.detect.docs import detector_example
    from coachloop.evaluate.compile import compile_text

    behaviors = [detector_example(name) for name in detectors]
    # order rules name other behaviours; give them ones to name.
    ids = {b["id"] for b in behaviors}
    for b in behaviors:
        for key in ("first", "then"):
            if key in b and b[key] not in ids:
                behaviors.append({**behaviors[0], "id": b[key]})
                ids.add(b[key])
    rubric = {
        "name": "examples",
        "version": 1,
        "title": "t",
        "sections": [{"id": "s", "title": "S", "behaviors": behaviors}],
    }

    compiled = compile_text(yaml.safe_dump(rubric), "examples.yaml")

    assert {b.spec.detect for b in compiled.behaviors()} == set(detectors)
