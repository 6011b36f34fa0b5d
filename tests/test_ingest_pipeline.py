"""Bad input gets a one-line error naming file, line and field; nothing around it is lost;
the bad record waits in quarantine to be fixed and replayed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coachloop import jobs
from coachloop.errors import IngestError
from coachloop.store import Store


def record(cid: str, **changes: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": cid,
        "channel": "voice",
        "agent_id": "a-1",
        "queue": "cards",
        "utterances": [
            {
                "index": 0,
                "speaker": "agent",
                "start": 0.5,
                "end": 3.0,
                "text": "thank you for calling northwind bank",
            },
            {"index": 1, "speaker": "customer", "start": 3.5, "end": 6.0, "text": "hi i lost my card"},
            {"index": 2, "speaker": "agent", "start": 6.5, "end": 9.0, "text": "is there anything else"},
        ],
    }
    rec.update(changes)
    return rec


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as f:
        for line in lines:
            f.write(line if isinstance(line, bytes) else line.encode())
            f.write(b"\n")
    return path


def good(cid: str) -> str:
    return json.dumps(record(cid))


def ingest_one_bad(store: Store, tmp_path: Path, bad: str | bytes) -> tuple[jobs.IngestReport, str]:
    path = write_lines(tmp_path / "calls.jsonl", [good("c-1"), bad, good("c-3")])
    report = jobs.ingest_paths(store, [path], "native")
    assert store.count_interactions() == 2, "the good records around the bad one are stored"
    assert {i.id for i in store.iter_interactions()} == {"c-1", "c-3"}
    assert report.rejected == 1 and len(report.errors) == 1
    assert len(store.list_quarantine()) == 1
    return report, report.errors[0]


def test_truncated_json_names_file_and_line(store: Store, tmp_path: Path) -> None:
    _, error = ingest_one_bad(store, tmp_path, good("c-2")[:40])
    assert error.startswith(f"{tmp_path / 'calls.jsonl'}:2: not valid JSON")
    assert "\n" not in error


def test_wrong_type_names_the_field(store: Store, tmp_path: Path) -> None:
    bad = record("c-2")
    bad["utterances"][1]["start"] = "soon"
    _, error = ingest_one_bad(store, tmp_path, json.dumps(bad))
    assert ":2 utterances[1].start:" in error and "'soon'" in error


def test_unknown_speaker_names_the_field(store: Store, tmp_path: Path) -> None:
    bad = record("c-2")
    bad["utterances"][0]["speaker"] = "robot overlord"
    _, error = ingest_one_bad(store, tmp_path, json.dumps(bad))
    assert ":2 utterances[0].speaker:" in error and "robot overlord" in error


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (-1.0, 2.0, "utterances[1].start: negative time -1.0"),
        (5.0, 4.0, "utterances[1].end: end 4.0 is before start 5.0"),
    ],
)
def test_negative_or_inverted_times_are_refused(
    store: Store, tmp_path: Path, start: float, end: float, expected: str
) -> None:
    bad = record("c-2")
    bad["utterances"][1].update(start=start, end=end)
    _, error = ingest_one_bad(store, tmp_path, json.dumps(bad))
    assert expected in error and "c-2" not in {i.id for i in store.iter_interactions()}


def test_same_speaker_overlapping_utterances_are_refused(store: Store, tmp_path: Path) -> None:
    bad = record("c-2")
    bad["utterances"].append({"index": 3, "speaker": "agent", "start": 8.0, "end": 10.0, "text": "again"})
    _, error = ingest_one_bad(store, tmp_path, json.dumps(bad))
    assert "utterances[3].start" in error and "overlapping utterances" in error


def test_cross_talk_between_speakers_is_accepted(store: Store, tmp_path: Path) -> None:
    rec = record("c-1")
    rec["utterances"][1].update(start=2.5)  # the customer starts before the agent finishes
    report = jobs.ingest_paths(store, [write_lines(tmp_path / "x.jsonl", [json.dumps(rec)])], "native")
    assert report.rejected == 0 and store.count_interactions() == 1


def test_duplicate_id_in_one_file_keeps_the_first(store: Store, tmp_path: Path) -> None:
    second = record("c-1", queue="loans")
    path = write_lines(tmp_path / "calls.jsonl", [good("c-1"), json.dumps(second), good("c-3")])
    report = jobs.ingest_paths(store, [path], "native")
    assert report.rejected == 1 and "duplicate id 'c-1'" in report.errors[0]
    stored = store.get_interaction("c-1")
    assert stored is not None and stored.queue == "cards"
    assert store.count_interactions() == 2


def test_empty_transcript_is_refused(store: Store, tmp_path: Path) -> None:
    _, error = ingest_one_bad(store, tmp_path, json.dumps(record("c-2", utterances=[])))
    assert "utterances: empty transcript" in error


def test_non_utf8_bytes_name_the_offset(store: Store, tmp_path: Path) -> None:
    bad = good("c-2").encode().replace(b"lost", b"l\xffst")
    _, error = ingest_one_bad(store, tmp_path, bad)
    assert ":2: not UTF-8: byte 0xff" in error


def test_a_single_50_mb_line_is_one_rejected_record(store: Store, tmp_path: Path) -> None:
    huge = record("c-2")
    huge["utterances"][1]["text"] = "blah " * (10 * 1024 * 1024)
    _, error = ingest_one_bad(store, tmp_path, json.dumps(huge))
    assert ":2: record is 52.4 MB, over the 8 MB limit" in error
    assert len(store.list_quarantine()[0].raw) <= 256 * 1024


def test_reingesting_the_same_id_updates_not_duplicates(store: Store, tmp_path: Path) -> None:
    jobs.ingest_paths(store, [write_lines(tmp_path / "a.jsonl", [good("c-1")])], "native")
    changed = record("c-1", queue="loans")
    jobs.ingest_paths(store, [write_lines(tmp_path / "b.jsonl", [json.dumps(changed)])], "native")
    assert store.count_interactions() == 1
    stored = store.get_interaction("c-1")
    assert stored is not None and stored.queue == "loans" and len(stored.utterances) == 3


def test_quarantined_record_can_be_fixed_and_replayed(store: Store, tmp_path: Path) -> None:
    bad = record("c-2")
    bad["utterances"][1].update(start=5.0, end=4.0)
    jobs.ingest_paths(
        store, [write_lines(tmp_path / "calls.jsonl", [good("c-1"), json.dumps(bad)])], "native"
    )
    # Replaying unchanged fails again and keeps the record.
    report, rows = jobs.replay_quarantine(store)
    assert len(rows) == 1 and report.rejected == 1 and len(store.list_quarantine()) == 1
    # Fixed (here: by a corrected file), it lands and leaves quarantine once dropped.
    q = store.list_quarantine()[0]
    fixed = json.loads(q.raw)
    fixed["utterances"][1].update(start=4.0, end=5.0)
    jobs.ingest_paths(store, [write_lines(tmp_path / "fixed.jsonl", [json.dumps(fixed)])], "native")
    store.clear_quarantine([q.id])
    assert store.count_interactions() == 2 and not store.list_quarantine()


def test_sensitive_data_in_a_rejected_record_is_redacted_in_quarantine(store: Store, tmp_path: Path) -> None:
    bad = record("c-2")
    bad["utterances"][1]["text"] = "my card is 4532 0151 1283 0366"
    bad["utterances"][1]["speaker"] = "alien"
    ingest_one_bad(store, tmp_path, json.dumps(bad))
    raw = store.list_quarantine()[0].raw
    assert "4532" not in raw and "[CARD]" in raw


def test_a_social_security_number_given_after_the_agent_asks_is_stored_redacted(
    store: Store, tmp_path: Path
) -> None:
    rec = record("c-1")
    rec["utterances"][2]["text"] = "can i have your social security number"
    rec["utterances"].append(
        {"index": 3, "speaker": "customer", "start": 9.5, "end": 12.0, "text": "it's 123456789",
         "alt_text": "its one two three four five six seven eight nine"}
    )  # fmt: skip
    rec["utterances"][2]["alt_text"] = "can i have your social security number"
    jobs.ingest_paths(store, [write_lines(tmp_path / "calls.jsonl", [json.dumps(rec)])], "native")
    stored = store.get_interaction("c-1")
    assert stored is not None
    assert stored.utterances[3].text == "it's [NATIONAL_ID]"
    assert stored.utterances[3].alt_text == "its [NATIONAL_ID]"


def test_unknown_format_and_missing_file_are_whole_input_errors(store: Store, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="unknown input format 'xml'"):
        jobs.ingest_paths(store, [tmp_path / "a.jsonl"], "xml")
    with pytest.raises(IngestError, match="no such file"):
        jobs.ingest_paths(store, [tmp_path / "missing.jsonl"], "native")
