"""The command line, run as a real process against a real SQLite file."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.shared_data import shared_file


def run(args: list[str], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COACHLOOP_DB=f"sqlite:///{cwd / 'cl.db'}", COLUMNS="200")
    env.pop("COACHLOOP_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "coachloop", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def norm(text: str) -> str:
    """Comparable text: redaction tokens and punctuation dropped (as contract-check does)."""
    return re.sub(r"\W+", " ", re.sub(r"\[[A-Z_]+\]", " ", text)).strip().lower()


def blank(conv: dict[str, Any]) -> dict[str, Any]:
    """An HVB call as another site would send it: no labels, no ratings."""
    c: dict[str, Any] = json.loads(json.dumps(conv))
    c["contact_reason"] = None
    c["agent_logged_reasons"] = []
    c["survey"] = {k: None for k in c.get("survey") or {}}
    return c


@pytest.mark.parametrize("fmt", ["hvb", "hvb-asr"])
def test_hvb_calls_ingest_evaluate_and_export_with_faithful_evidence(tmp_path: Path, fmt: str) -> None:
    calls = [json.loads(line) for line in shared_file("hvb/dev.jsonl").open()]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(blank(c)) + "\n" for c in calls))
    run(["ingest", "--format", fmt, str(source)], tmp_path)
    run(["evaluate", "--all"], tmp_path)
    run(["export", "evaluations", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl")], tmp_path)
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").open()]
    by_id = {c["id"]: c for c in calls}
    assert {r["interaction_id"] for r in records} == set(by_id)
    assert {r["rubric"] for r in records} == {"retail_bank"}
    met = 0
    text_key = "asr_text" if fmt == "hvb-asr" else "text"
    for r in records:
        for b in r["behaviors"]:
            assert b["outcome"] in ("met", "missed", "not_applicable")
            if b["outcome"] != "met":
                continue
            met += 1
            assert b["evidence"], (r["interaction_id"], b["id"])
            for e in b["evidence"]:
                u = by_id[r["interaction_id"]]["utterances"][e["utterance_index"]]
                assert e["speaker"] == u["speaker"] and abs(e["start"] - u["start"]) < 0.01
                quoted, said = norm(e["text"]), norm(u[text_key])
                assert quoted in said or said in quoted
    assert met > 5 * len(records)


def test_show_displays_outcomes_evidence_and_transcript(tmp_path: Path) -> None:
    call = json.loads(shared_file("hvb/dev.jsonl").open().readline())
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", "--format", "hvb", str(tmp_path / "one.jsonl")], tmp_path)
    run(["evaluate"], tmp_path)
    shown = run(["show", call["id"]], tmp_path).stdout
    assert "retail_bank v4" in shown and "greet_with_brand" in shown and "transcript" in shown
    assert call["utterances"][0]["text"] in shown


def test_csv_export_has_a_column_per_behaviour(tmp_path: Path) -> None:
    call = {
        "id": "c-1",
        "utterances": [{"index": 0, "speaker": "agent", "text": "welcome to northwind bank"}],
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", str(tmp_path / "one.jsonl")], tmp_path)
    run(["evaluate"], tmp_path)
    out = run(["export", "evaluations", "--format", "csv"], tmp_path).stdout.splitlines()
    header = out[0].split(",")
    assert header[:3] == ["interaction_id", "rubric", "rubric_version"] and "greet_with_brand" in header
    row = dict(zip(header, out[1].split(","), strict=True))
    assert row["interaction_id"] == "c-1" and row["greet_with_brand"] == "met"


def test_export_interactions_writes_the_redacted_calls_that_ingest_reads_back(tmp_path: Path) -> None:
    call = {
        "id": "c-1",
        "utterances": [{"index": 0, "speaker": "customer", "text": "my card is 4532 0151 1283 0366"}],
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", str(tmp_path / "one.jsonl")], tmp_path)
    run(["export", "interactions", "-o", str(tmp_path / "out.jsonl")], tmp_path)
    exported = (tmp_path / "out.jsonl").read_text()
    assert "4532" not in exported
    (record,) = [json.loads(line) for line in exported.splitlines()]
    assert record["id"] == "c-1" and record["utterances"][0]["text"] == "my card is [CARD]"
    run(["ingest", "--format", "native", str(tmp_path / "out.jsonl")], tmp_path)


def test_evaluate_only_touches_new_or_changed_interactions(tmp_path: Path) -> None:
    call: dict[str, Any] = {
        "id": "c-1",
        "utterances": [{"index": 0, "speaker": "agent", "text": "welcome to northwind bank"}],
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(call) + "\n")
    run(["ingest", str(path)], tmp_path)
    assert run(["evaluate"], tmp_path).stdout.startswith("1 evaluations")
    assert run(["evaluate"], tmp_path).stdout.startswith("0 evaluations")
    call["utterances"][0]["text"] = "thank you for calling northwind bank"
    path.write_text(json.dumps(call) + "\n")
    run(["ingest", str(path)], tmp_path)
    assert run(["evaluate"], tmp_path).stdout.startswith("1 evaluations")


def test_failures_are_one_readable_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    bad_rubric = tmp_path / "bad.yaml"
    bad_rubric.write_text(
        "name: x\nversion: 1\ntitle: X\nsections:\n  - id: s\n    title: S\n    behaviors:\n"
        "      - {id: b, title: B, coaching: c, detect: regex, regex: 'a(b'}\n"
    )
    (tmp_path / "empty.jsonl").write_text("")
    assert run(["ingest", str(tmp_path / "empty.jsonl")], tmp_path, ok=False).returncode == 4  # makes the store
    for args, expected in (
        (["rubric", "check", str(bad_rubric)], "sections[0].behaviors[0].regex: missing )"),
        (["show", "nope"], "no interaction 'nope'"),
        (["ingest", str(tmp_path / "missing.jsonl")], "no such file"),
        (["evaluate", "--rubric", "no_such_rubric"], "no rubric named 'no_such_rubric'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["export", "evaluations", "--format", "xml"], "unknown evaluation export format 'xml'"),
    ):
        proc = run(args, tmp_path, ok=False)
        assert proc.returncode != 0
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], proc.stderr


def test_every_command_documents_itself(tmp_path: Path) -> None:
    for args in (
        ["--help"],
        ["ingest", "--help"],
        ["evaluate", "--help"],
        ["export", "evaluations", "--help"],
        ["export", "interactions", "--help"],
        ["show", "--help"],
        ["report", "--help"],
        ["rubric", "check", "--help"],
        ["demo", "--help"],
    ):
        assert "Usage" in run(args, tmp_path).stdout


def test_language_tag_writes_one_record_per_line_with_a_tag_per_word(tmp_path: Path) -> None:
    lines = [
        "mera card block ho gaya hai please help",
        "I want to check my balance",
        "मेरा card block हो गया है",
    ]
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(["language", "tag", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out.jsonl")], tmp_path)
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").open(encoding="utf-8")]
    assert [r["text"] for r in records] == lines
    for line, r in zip(lines, records, strict=True):
        assert [t["token"] for t in r["tokens"]] == line.split()
    assert records[0]["code_mixed"] and records[0]["language"] == "hi-en"
    assert records[1] == {**records[1], "language": "en", "code_mixed": False}
    assert [t["lang"] for t in records[2]["tokens"]] == ["hi", "en", "en", "hi", "hi", "hi"]


def test_ingest_redacts_by_default_and_keeps_only_what_is_asked(tmp_path: Path) -> None:
    call = {
        "id": "k1",
        "utterances": [{"index": 0, "speaker": "customer", "text": "mail me at a.b@example.com"}],
    }
    (tmp_path / "k.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", str(tmp_path / "k.jsonl")], tmp_path)
    assert "[EMAIL]" in run(["show", "k1"], tmp_path).stdout
    run(["ingest", str(tmp_path / "k.jsonl"), "--keep", "emails"], tmp_path)
    assert "a.b@example.com" in run(["show", "k1"], tmp_path).stdout
    bad = run(["ingest", str(tmp_path / "k.jsonl"), "--keep", "email"], tmp_path, ok=False)
    assert bad.returncode == 1 and "unknown option 'email'" in bad.stderr


REASON_TEXTS = {
    "lost card": [
        "i lost my card",
        "my card is missing",
        "i cannot find my debit card",
        "someone stole my card",
    ],
    "balance": [
        "what is my balance",
        "how much money do i have",
        "check my account balance",
        "balance please",
    ],
    "branch hours": [
        "when does the branch open",
        "what are your opening hours",
        "is the branch open today",
        "what time do you close",
    ],
}


def test_reasons_train_predict_and_discover_round_trip(tmp_path: Path) -> None:
    with (tmp_path / "train.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for label, texts in REASON_TEXTS.items():
            w.writerows([t, label] for t in texts)
    trained = run(["reasons", "train", "--data", str(tmp_path / "train.csv"), "--name", "tiny"], tmp_path)
    assert "model 'tiny' version 1: 3 reasons from 12 texts" in trained.stdout
    assert re.search(r"chosen by cross-validation: (svm|logistic), embedding weight \d", trained.stdout)
    (tmp_path / "new.csv").write_text(
        "text\nmy card was stolen yesterday\nwhat's my balance\nare you open on sunday\n"
    )
    out = run(["reasons", "predict", "--model", "tiny", str(tmp_path / "new.csv")], tmp_path).stdout
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert [r["label"] for r in rows] == ["lost card", "balance", "branch hours"]
    assert all(0.0 <= float(r["confidence"]) <= 1.0 for r in rows)
    fast = run(
        ["reasons", "predict", "--model", "tiny", "--fast-confidence", "0.3", str(tmp_path / "new.csv")],
        tmp_path,
    ).stdout
    assert [r["label"] for r in csv.DictReader(fast.splitlines())] == ["lost card", "balance", "branch hours"]
    missing = run(["reasons", "predict", "--model", "nope", str(tmp_path / "new.csv")], tmp_path, ok=False)
    assert missing.returncode == 1 and "no contact-reason model named 'nope'" in missing.stderr

    with (tmp_path / "all.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text"])
        w.writerows([t] for texts in REASON_TEXTS.values() for t in texts * 3)
    out = run(["reasons", "discover", str(tmp_path / "all.csv")], tmp_path).stdout
    found = list(csv.DictReader(out.splitlines()))
    assert len(found) == 36 and {"id", "cluster", "cluster_name"} <= set(found[0])
    assert all(r["cluster_name"] for r in found)


def test_evaluate_with_a_reason_model_stores_and_exports_the_predicted_reason(tmp_path: Path) -> None:
    with (tmp_path / "train.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for label, texts in REASON_TEXTS.items():
            w.writerows([t, label] for t in texts)
    run(["reasons", "train", "--data", str(tmp_path / "train.csv"), "--name", "tiny"], tmp_path)
    call = {
        "id": "r-1",
        "utterances": [
            {"index": 0, "speaker": "agent", "text": "thank you for calling northwind bank"},
            {"index": 1, "speaker": "customer", "text": "hi i lost my card yesterday"},
        ],
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", str(tmp_path / "one.jsonl")], tmp_path)
    run(["evaluate", "--reasons", "tiny"], tmp_path)
    record = json.loads(run(["export", "evaluations"], tmp_path).stdout.splitlines()[0])
    assert record["contact_reason"]["label"] == "lost card"
    assert 0.0 < record["contact_reason"]["confidence"] <= 1.0
    assert "predicted reason lost card" in run(["show", "r-1"], tmp_path).stdout
    # Without --reasons, the most recently trained model predicts; --no-reasons skips it.
    run(["evaluate", "--all", "--no-reasons"], tmp_path)
    assert json.loads(run(["export", "evaluations"], tmp_path).stdout)["contact_reason"] is None
    again = run(["evaluate", "--all"], tmp_path)
    assert "predicting contact reasons with 'tiny'" in again.stderr
    assert (
        json.loads(run(["export", "evaluations"], tmp_path).stdout)["contact_reason"]["label"] == "lost card"
    )


def test_eval_behaviors_scores_stored_evaluations_against_labels(tmp_path: Path) -> None:
    call = {
        "id": "e-1",
        "utterances": [
            {"index": 0, "speaker": "agent", "text": "thank you for calling northwind bank"},
            {"index": 1, "speaker": "customer", "text": "hi"},
            {"index": 2, "speaker": "agent", "text": "is there anything else i can help with"},
        ],
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    label = {
        "interaction_id": "e-1",
        "rubric": "general",
        "annotator": "test",
        "behaviors": {
            "greet_with_brand": {"outcome": "met", "utterances": [0]},
            "offer_further_help": {"outcome": "missed", "utterances": []},
        },
    }
    (tmp_path / "labels.jsonl").write_text(json.dumps(label) + "\n")
    run(["ingest", str(tmp_path / "one.jsonl")], tmp_path)
    run(["evaluate"], tmp_path)
    report = json.loads(
        run(["eval", "behaviors", str(tmp_path / "labels.jsonl"), "--format", "json"], tmp_path).stdout
    )
    scores = {b["id"]: b for b in report["behaviors"]}
    assert report["rubric"] == "general" and report["interactions"] == 1
    assert scores["greet_with_brand"]["tp"] == 1 and scores["offer_further_help"]["fp"] == 1


def test_evaluate_stores_language_mix_and_customer_sentiment_unless_told_not_to(tmp_path: Path) -> None:
    call = {
        "id": "i-1",
        "language": "hi-en",
        "utterances": [
            {"index": 0, "speaker": "agent", "text": "Northwind Bank mein call karne ke liye dhanyavaad"},
            {
                "index": 1,
                "speaker": "customer",
                "text": "mera card block ho gaya hai, this is the third time I'm calling",
            },
            {"index": 2, "speaker": "agent", "text": "main samajh sakta hoon, I am sorry about that"},
            {"index": 3, "speaker": "customer", "text": "I am really fed up, yeh bilkul bakwaas service hai"},
            {"index": 4, "speaker": "agent", "text": "maine naya card order kar diya hai"},
            {"index": 5, "speaker": "customer", "text": "still so annoying, I hate this"},
            {"index": 6, "speaker": "agent", "text": "aapko naya card 5 din mein mil jayega"},
            {"index": 7, "speaker": "customer", "text": "theek hai, thank you so much, that is great"},
            {"index": 8, "speaker": "customer", "text": "bahut achha, thanks a lot, really helpful"},
            {"index": 9, "speaker": "customer", "text": "perfect, have a wonderful day"},
        ],
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(call) + "\n")
    run(["ingest", str(tmp_path / "one.jsonl")], tmp_path)
    run(["evaluate", "--no-insights"], tmp_path)
    assert json.loads(run(["export", "evaluations"], tmp_path).stdout)["insights"] is None
    run(["evaluate", "--all"], tmp_path)
    insights = json.loads(run(["export", "evaluations"], tmp_path).stdout.splitlines()[0])["insights"]
    assert insights["language"] == "hi-en" and insights["code_mixed_turns"] > 0.5
    assert set(insights["language_share"]) >= {"hi", "en"}
    mood = insights["sentiment"]
    assert mood["lowest"] < 0 < mood["end"] and mood["recovered"] is True
    assert 1 in mood["frustration_peaks"]
    assert "customer sentiment" in run(["show", "i-1"], tmp_path).stdout


def write_reason_csv(path: Path) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for label, texts in REASON_TEXTS.items():
            w.writerows([t, label] for t in texts)


def test_eval_reasons_reports_cross_validated_accuracy_per_reason_and_confusion(tmp_path: Path) -> None:
    write_reason_csv(tmp_path / "labels.csv")
    args = ["eval", "reasons", str(tmp_path / "labels.csv"), "--folds", "4"]
    report = json.loads(run([*args, "--format", "json"], tmp_path).stdout)
    assert report["texts"] == 12 and "4-fold cross-validation" in report["method"]
    assert report["accuracy"] >= 0.75
    assert report["accuracy_ci"][0] < report["accuracy"] <= report["accuracy_ci"][1]
    assert {r["label"] for r in report["per_reason"]} == set(REASON_TEXTS)
    matrix = report["confusion"]["matrix"]
    assert sum(map(sum, matrix)) == 12 and all(sum(row) == 4 for row in matrix)
    table = run(args, tmp_path).stdout
    assert "branch hours" in table and "confusion" in table and "macro-F1" in table
    too_many = run([*args[:3], "--folds", "5"], tmp_path, ok=False)
    assert too_many.returncode == 1 and "at least 5 texts per reason" in too_many.stderr


def test_eval_reasons_scores_a_stored_model(tmp_path: Path) -> None:
    write_reason_csv(tmp_path / "train.csv")
    run(["reasons", "train", "--data", str(tmp_path / "train.csv"), "--name", "tiny"], tmp_path)
    (tmp_path / "test.csv").write_text(
        "text,label\nmy card was stolen yesterday,lost card\nare you open,balance\n"
    )
    report = json.loads(
        run(
            ["eval", "reasons", str(tmp_path / "test.csv"), "--model", "tiny", "--format", "json"], tmp_path
        ).stdout
    )
    assert report["method"] == "stored model 'tiny'" and report["texts"] == 2
    assert report["accuracy"] == 0.5  # the second label is deliberately wrong


def test_eval_discover_scores_a_run_or_a_saved_clustering(tmp_path: Path) -> None:
    with (tmp_path / "labels.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for label, texts in REASON_TEXTS.items():
            w.writerows([t, label] for t in texts * 3)
    report = json.loads(
        run(["eval", "discover", str(tmp_path / "labels.csv"), "--format", "json"], tmp_path).stdout
    )
    assert report["texts"] == 36 and report["intents"] == 3 and report["clusters"] >= 1
    assert 0.0 < report["accuracy"] <= 1.0 and sum(c["size"] for c in report["per_cluster"]) == 36
    # A saved clustering: ids are CSV row numbers; put rows 1-12 together, the rest apart.
    (tmp_path / "clusters.csv").write_text(
        "id,cluster,cluster_name\n" + "".join(f"{i},{0 if i <= 12 else i},c{i}\n" for i in range(1, 37))
    )
    saved = json.loads(
        run(
            [
                "eval",
                "discover",
                str(tmp_path / "labels.csv"),
                "--predictions",
                str(tmp_path / "clusters.csv"),
                "--format",
                "json",
            ],
            tmp_path,
        ).stdout
    )
    assert saved["clusters"] == 25 and saved["per_cluster"][0]["size"] == 12
    # rows 1-12 are the lost-card texts three times over: one pure cluster, matched to it
    assert saved["per_cluster"][0]["top_intent"] == "lost card" and saved["per_cluster"][0]["purity"] == 1.0
    assert saved["accuracy"] == (12 + 1 + 1) / 36
    (tmp_path / "short.csv").write_text("id,cluster\n1,0\n")
    short = run(
        ["eval", "discover", str(tmp_path / "labels.csv"), "--predictions", str(tmp_path / "short.csv")],
        tmp_path,
        ok=False,
    )
    assert short.returncode == 1 and "no cluster for 35 labelled id(s)" in short.stderr


def test_eval_language_scores_the_shipped_identifier_and_cross_validates(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "langid" / "handwritten.tsv"
    report = json.loads(run(["eval", "language", str(fixture), "--format", "json"], tmp_path).stdout)
    assert report["method"] == "shipped identifier" and report["tokens"] > 300
    assert report["token_accuracy"] > 0.95
    assert {"hi", "en"} <= {r["label"] for r in report["per_language"]}
    sentences = "".join(
        f"{hi}\tHI\nmera\tHI\n{en}\tEN\nplease\tEN\n\n"
        for hi, en in [("kya", "card"), ("hai", "account"), ("nahi", "bank"), ("tum", "balance")] * 3
    )
    (tmp_path / "mine.tsv").write_text(sentences)
    cv = json.loads(
        run(
            ["eval", "language", str(tmp_path / "mine.tsv"), "--cv", "--folds", "3", "--format", "json"],
            tmp_path,
        ).stdout
    )
    assert "3-fold cross-validation" in cv["method"] and cv["sentences"] == 12 and cv["tokens"] == 48
    both = run(["eval", "language", str(fixture), "--cv", "--model", "x.json"], tmp_path, ok=False)
    assert both.returncode == 1 and "not both" in both.stderr


def test_eval_behaviors_learn_scores_rubrics_learned_by_cross_validation(tmp_path: Path) -> None:
    data = shared_file("hvb/dev.jsonl")
    labels = Path(__file__).resolve().parents[1] / "eval" / "labels" / "hvb_dev_retail_bank.jsonl"
    args = ["eval", "behaviors", str(labels), "--learn", str(data), "--input-format", "hvb", "--input-format", "hvb-asr"]
    report = json.loads(run([*args, "--format", "json"], tmp_path).stdout)
    assert len(report) == 2 and all("5-fold cross-validation" in title for title in report)
    for comparison in report.values():
        f1 = {b["id"]: b["f1"] for b in comparison["behaviors"]}
        assert comparison["interactions"] == 69
        # learned on four fifths of the calls, scored on the fifth: the bar is 0.90
        for behavior in ("greet_with_brand", "introduce_self", "confirm_request", "polite_close"):
            assert f1[behavior] >= 0.9, (behavior, f1[behavior])
