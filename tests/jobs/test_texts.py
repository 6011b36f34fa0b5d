"""Texts for contact reasons read through ingest's readers and redaction, and no clear PII
on any reasons path (train, predict, discover, eval reasons, eval discover)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from coachloop.cli import app
from coachloop.errors import IngestError, RecordError
from coachloop.jobs.texts import load_labelled, load_unlabelled
from coachloop.store import open_store


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_ids_are_row_numbers_and_label_aliases_work(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", 'text,category\nI lost my card,lost\n"reset, my password",pw\n')
    ids, texts, labels = load_labelled(path)
    assert ids == ["1", "2"]
    assert texts == ["I lost my card", "reset, my password"]
    assert labels == ["lost", "pw"]
    assert load_unlabelled(path) == (["1", "2"], texts)


def test_csv_rows_without_a_label_are_skipped_for_training(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "text,label\nI lost my card,lost\nno idea,\nreset my password,pw\n")
    assert load_labelled(path).ids == ["1", "3"]
    assert load_unlabelled(path).ids == ["1", "2", "3"]


def test_csv_errors_name_file_and_line(tmp_path: Path) -> None:
    no_text = write(tmp_path / "a.csv", "utterance,label\nhello,x\n")
    with pytest.raises(IngestError, match=r"a\.csv:1: no 'text' column \(columns: utterance, label\)"):
        load_labelled(no_text)
    no_label = write(tmp_path / "b.csv", "text\nhello\n")
    with pytest.raises(IngestError, match=r"b\.csv:1: no label column"):
        load_labelled(no_label)
    assert load_unlabelled(no_label).texts == ["hello"]
    empty = write(tmp_path / "c.csv", 'text,label\nhello,x\n"",y\n')
    with pytest.raises(RecordError, match=r"c\.csv:3 text: empty text"):
        load_labelled(empty)
    ragged = write(tmp_path / "d.csv", "text,label\nhello,x\nbye,y,z\n")
    with pytest.raises(RecordError, match=r"d\.csv:3: 3 fields, the header has 2"):
        load_labelled(ragged)


HVB_LIKE = [
    {
        "id": "call-1",
        "contact_reason": "replace card",
        "utterances": [
            {"speaker": "agent", "text": "how can i help", "asr_text": "how can i help"},
            {"speaker": "customer", "text": "i lost my debit card", "asr_text": "i lost my deb it card"},
        ],
    },
    {
        "id": "call-2",
        "contact_reason": None,
        "utterances": [{"speaker": "caller", "text": "what are your hours", "asr_text": "what are you ours"}],
    },
]


def jsonl(path: Path, records: list[object]) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in records))


def test_jsonl_conversations_use_ids_and_either_transcript(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "calls.jsonl", list(HVB_LIKE))
    assert load_labelled(path) == (["call-1"], ["i lost my debit card"], ["replace card"])
    assert load_labelled(path, use_asr=True).texts == ["i lost my deb it card"]
    assert load_unlabelled(path) == (["call-1", "call-2"], ["i lost my debit card", "what are your hours"])


def test_jsonl_single_texts_use_their_id_or_line(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "turns.jsonl",
        [{"utterance": "get a quote", "utterance_id": "ins_1", "intent": "GetQuote"}, {"text": "hello"}],
    )
    assert load_labelled(path) == (["ins_1"], ["get a quote"], ["GetQuote"])
    assert load_unlabelled(path).ids == ["ins_1", "2"]


def test_jsonl_errors_name_file_line_and_field(tmp_path: Path) -> None:
    unknown = jsonl(tmp_path / "u.jsonl", [{"text": "ok"}, {"transcript": "hello"}])
    with pytest.raises(RecordError, match=r"u\.jsonl:2: unknown record: expected 'utterances'"):
        load_unlabelled(unknown)
    bad_json = write(tmp_path / "j.jsonl", '{"text": "ok"}\n{"text": \n')
    with pytest.raises(RecordError, match=r"j\.jsonl:2: not valid JSON"):
        load_unlabelled(bad_json)
    speaker = jsonl(tmp_path / "s.jsonl", [{"id": "c", "utterances": [{"speaker": "robot", "text": "hi"}]}])
    with pytest.raises(RecordError, match=r"s\.jsonl:1 utterances\[0\]\.speaker: unknown speaker 'robot'"):
        load_unlabelled(speaker)
    no_asr = jsonl(tmp_path / "a.jsonl", [{"id": "c", "utterances": [{"speaker": "customer", "text": "hi"}]}])
    with pytest.raises(
        RecordError, match=r"a\.jsonl:1 utterances\[0\]\.asr_text: expected text, got NoneType"
    ):
        load_unlabelled(no_asr, use_asr=True)
    twice = jsonl(tmp_path / "d.jsonl", [{"id": "x", "text": "a"}, {"id": "x", "text": "b"}])
    with pytest.raises(RecordError, match=r"d\.jsonl:2 id: id 'x' is already used on line 1"):
        load_unlabelled(twice)
    label = jsonl(tmp_path / "l.jsonl", [{"text": "a", "label": 3}])
    with pytest.raises(RecordError, match=r"l\.jsonl:1 label: expected text or null, got int"):
        load_labelled(label)


def test_unknown_file_format_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "\n# contact reasons\nlost card; replace card\n")
    with pytest.raises(IngestError, match=r"notes\.txt:2: unknown format"):
        load_unlabelled(path)
    with pytest.raises(IngestError, match=r"missing\.csv: no such file"):
        load_labelled(tmp_path / "missing.csv")
    only_unlabelled = jsonl(tmp_path / "n.jsonl", [{"text": "hello"}])
    with pytest.raises(IngestError, match=r"n\.jsonl: no labelled records"):
        load_labelled(only_unlabelled)


def test_conversations_are_read_by_a_named_reader(tmp_path: Path) -> None:
    native = {
        "id": "n-1",
        "contact_reason": "lost card",
        "utterances": [{"index": 0, "speaker": "customer", "text": "i lost my card"}],
    }
    path = jsonl(tmp_path / "native.jsonl", [native])
    assert load_labelled(path, fmt="native") == (["n-1"], ["i lost my card"], ["lost card"])
    with pytest.raises(IngestError, match="unknown text format 'xml'"):
        load_labelled(path, fmt="xml")


# --- no clear PII on any path --------------------------------------------------------

CARD = "4532 0151 1283 0366"
SPOKEN_CARD = "four five three two zero one five one one two eight three zero three six six"
SENSITIVE = [
    f"my card number is {CARD}",
    f"my card number is {SPOKEN_CARD}",
    "write to jane.doe@example.com please",
    "my email is jane dot doe at example dot com",
    "call me back on 555-213-4567",
    "my ssn is 123-45-6789",
]
"""The strings of tests/ingest/test_redact.py, each planted in a training text."""
NEEDLES = [
    "4532",
    "0151",
    "1283",
    "0366",
    "five three",
    "zero one",
    "two eight",
    "jane",
    "example",
    "555",
    "213",
    "4567",
    "6789",
]
"""What would be left of them in a text, a log line or a model's vocabulary (words, bigrams)."""
REASONS = {
    "lost card": ["i lost my card", "my card is missing", "someone stole my card", "card gone"],
    "balance": ["what is my balance", "how much money do i have", "check my balance", "balance please"],
}


def planted() -> list[tuple[str, str]]:
    """(text, label) pairs: every sensitive string, in texts of both reasons."""
    pairs = [(t, label) for label, texts in REASONS.items() for t in texts]
    labels = list(REASONS)
    pairs += [(f"{s} {REASONS[labels[i % 2]][i % 4]}", labels[i % 2]) for i, s in enumerate(SENSITIVE)]
    return pairs


def leaks(text: str) -> list[str]:
    low = text.lower()
    return [n for n in NEEDLES if n in low]


def strings(value: object) -> list[str]:
    """Every string value inside decoded JSON (the keys are coachloop's own words)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def model_text(payload: bytes) -> str:
    """Every string a stored model holds (labels, vocabularies), decompressed from the .npz."""
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        assert z.namelist(), "a model is a zip of arrays"
    with np.load(io.BytesIO(payload), allow_pickle=False) as saved:
        texts = [str(saved[k]) for k in saved.files if saved[k].dtype.kind in "US"]
    assert texts, "a model holds its vocabulary as text"
    return "\n".join(s for t in texts for s in strings(json.loads(t)))


def db_bytes_leaks(tmp_path: Path) -> list[str]:
    found: list[str] = []
    for path in tmp_path.glob("cl.db*"):
        raw = path.read_bytes().lower()
        found += [n for n in NEEDLES if len(n) >= 4 and n.encode() in raw]
    return found


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACHLOOP_DB", f"sqlite:///{tmp_path / 'cl.db'}")
    return CliRunner()


def invoke(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def planted_files(tmp_path: Path) -> dict[str, Path]:
    """The same planted texts as a CSV, as single-text JSON Lines and as conversations."""
    pairs = planted()
    table = tmp_path / "texts.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        w.writerows(pairs)
    single = jsonl(
        tmp_path / "texts.jsonl",
        [{"id": f"t{i}", "text": t, "label": lab} for i, (t, lab) in enumerate(pairs)],
    )
    calls = jsonl(
        tmp_path / "calls.jsonl",
        [
            {
                "id": f"c{i}",
                "contact_reason": lab,
                "utterances": [
                    {"speaker": "agent", "text": "how can i help"},
                    {"speaker": "customer", "text": t},
                ],
            }
            for i, (t, lab) in enumerate(pairs)
        ],
    )
    return {"csv": table, "texts": single, "conversations": calls}


def test_planted_strings_are_found_when_not_redacted() -> None:
    # The checks below can fail: unredacted, every planted string leaves a needle.
    assert all(leaks(s) for s in SENSITIVE)


@pytest.mark.parametrize("kind", ["csv", "texts", "conversations"])
def test_loaded_texts_hold_no_clear_pii(tmp_path: Path, kind: str) -> None:
    path = planted_files(tmp_path)[kind]
    labelled = load_labelled(path)
    assert len(labelled.texts) == len(planted())
    assert [t for t in labelled.texts if leaks(t)] == []
    assert any("[CARD]" in t for t in labelled.texts)
    assert [t for t in load_unlabelled(path).texts if leaks(t)] == []


@pytest.mark.parametrize("kind", ["csv", "conversations"])
def test_reasons_train_and_predict_keep_no_clear_pii(cli: CliRunner, tmp_path: Path, kind: str) -> None:
    path = planted_files(tmp_path)[kind]
    said = invoke(cli, ["reasons", "train", "--data", str(path), "--name", "planted"])
    said += invoke(
        cli, ["reasons", "predict", "--model", "planted", str(path), "-o", str(tmp_path / "p.csv")]
    )
    with open_store(f"sqlite:///{tmp_path / 'cl.db'}") as store:
        stored = store.load_model("planted")
    assert stored is not None
    vocabulary = model_text(stored.payload)
    assert "card" in vocabulary  # the vocabulary is there to be searched
    assert leaks(vocabulary) == []
    assert db_bytes_leaks(tmp_path) == []
    assert leaks(said) == [] and leaks((tmp_path / "p.csv").read_text()) == []


def test_reasons_discover_keeps_no_clear_pii(cli: CliRunner, tmp_path: Path) -> None:
    path = planted_files(tmp_path)["conversations"]
    said = invoke(cli, ["reasons", "discover", str(path), "-o", str(tmp_path / "clusters.csv")])
    assert leaks(said) == [] and leaks((tmp_path / "clusters.csv").read_text()) == []


@pytest.mark.parametrize("command", ["reasons", "discover"])
def test_eval_reasons_and_discover_keep_no_clear_pii(cli: CliRunner, tmp_path: Path, command: str) -> None:
    path = planted_files(tmp_path)["csv"]
    said = invoke(
        cli,
        ["eval", command, str(path), "--format", "json", *(["--folds", "2"] if command == "reasons" else [])],
    )
    assert json.loads(said) and leaks(said) == []


def test_a_bad_record_is_reported_without_its_pii(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "bad.jsonl", [{"id": "c1", "utterances": [{"speaker": CARD, "text": "hi"}]}])
    with pytest.raises(RecordError) as caught:
        load_unlabelled(path)
    assert "unknown speaker" in str(caught.value) and leaks(str(caught.value)) == []
