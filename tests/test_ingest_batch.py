"""Batch ingest of files from the field: one bad file never stops the others, each file's
format is told by its shape, a partly read call says what was dropped, and the exit
status says whether everything, something or nothing was stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from coachloop import jobs
from coachloop.detect.customer_name import _name_words
from coachloop.errors import ConfigError
from coachloop.evaluate import evaluate, load_rubric
from coachloop.ingest.native import read_native, to_native
from coachloop.ingest.sources import load_sources
from coachloop.language.langid import default_identifier
from coachloop.model import Channel, Interaction, Outcome
from coachloop.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
INTERACTION_COLUMNS = ["agent_id", "team", "queue", "customer_id", "disposition", "language", "contact_reason", "started_at", "ended_at", "talk_seconds", "hold_seconds", "acw_seconds", "transferred", "escalated", "channel"]


def call(cid: str, **changes: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": cid,
        "utterances": [
            {"index": 0, "speaker": "agent", "start": 0.5, "end": 2.0, "text": "thank you for calling"},
            {"index": 1, "speaker": "customer", "start": 2.5, "end": 4.0, "text": "hi my card is lost"},
        ],
    }
    rec.update(changes)
    return rec


def contact_lens(tmp_path: Path, name: str, **changes: Any) -> Path:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc.update(changes)
    path = tmp_path / name
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return path


def test_a_truncated_file_is_quarantined_whole_and_the_batch_goes_on(store: Store, tmp_path: Path) -> None:
    a = contact_lens(tmp_path, "a.json", CustomerMetadata={"ContactId": "a"})
    bad = tmp_path / "bad.json"
    bad.write_bytes(a.read_bytes()[:300])
    c = contact_lens(tmp_path, "c.json", CustomerMetadata={"ContactId": "c"})
    report = jobs.ingest_paths(store, [a, bad, c], jobs.AUTO)
    assert report.interactions == 2 and report.rejected == 1
    assert report.exit_status == jobs.EXIT_SOME_QUARANTINED
    (q,) = store.list_quarantine()
    assert q.file == str(bad) and "cannot tell the format" in q.reason and q.format == "auto"
    assert q.raw.startswith('{\n  "Version"')  # kept (redacted) to be fixed and replayed
    assert report.formats[str(a)].startswith("contact-lens")
    # Fixed, the file replays from quarantine in the format it is now detected as.
    q_path = tmp_path / "fixed.json"
    q_path.write_bytes(contact_lens(tmp_path, "b.json", CustomerMetadata={"ContactId": "b"}).read_bytes())
    store.clear_quarantine([q.id])
    assert store.list_quarantine() == []


def test_a_file_of_the_wrong_explicit_format_is_quarantined_and_nothing_stored(
    store: Store, tmp_path: Path
) -> None:
    path = contact_lens(tmp_path, "cl.json")
    report = jobs.ingest_paths(store, [path], "transcribe")
    assert report.stored == 0 and report.exit_status == jobs.EXIT_NOTHING_STORED
    (q,) = store.list_quarantine()
    assert q.format == "transcribe" and "no 'results' object" in q.reason
    assert "looks like contact-lens output: use --format contact-lens or auto" in q.reason
    replayed, _rows = jobs.replay_quarantine(store, fmt="contact-lens")
    assert replayed.interactions == 1 and store.list_quarantine() == []


def test_a_partly_read_call_carries_what_was_dropped_through_store_and_native_export(
    store: Store, tmp_path: Path
) -> None:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc["Transcript"][2]["BeginOffsetMillis"] = -5
    path = tmp_path / "p.json"
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    report = jobs.ingest_paths(store, [path], jobs.AUTO)
    assert report.exit_status == jobs.EXIT_SOME_QUARANTINED
    (stored,) = list(store.iter_interactions(None))
    assert stored.metadata["partial"] is True
    (dropped,) = stored.metadata["dropped"]
    assert dropped["field"] == "Transcript[2].BeginOffsetMillis" and dropped["line"] > 1
    exported = tmp_path / "out.jsonl"
    exported.write_text(orjson.dumps(to_native(stored)).decode() + "\n")
    (back,) = list(read_native(exported))
    assert isinstance(back, Interaction) and back.metadata["dropped"] == stored.metadata["dropped"]


def test_a_record_refused_after_parsing_names_file_line_and_id(store: Store, tmp_path: Path) -> None:
    bad = call("c-2")
    bad["utterances"][1]["start"] = -1.0
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(call("c-1")) + "\n" + json.dumps(bad) + "\n")
    report = jobs.ingest_paths(store, [path], jobs.AUTO)
    assert report.errors == [f"{path}:2 utterances[1].start: negative time -1.0 (id c-2)"]


def test_a_pretty_printed_native_record_is_one_record(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(call("c-1"), indent=2))
    report = jobs.ingest_paths(store, [path], "native")
    assert (report.interactions, report.rejected, report.exit_status) == (1, 0, 0)


def test_channel_does_not_depend_on_the_order_of_metadata_and_transcript(store: Store, tmp_path: Path) -> None:
    meta = tmp_path / "calls.csv"
    meta.write_text("interaction_id,channel,queue\nc-1,chat,cards\nc-2,chat,cards\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps(call("c-1")) + "\n")
    two.write_text(json.dumps(call("c-2")) + "\n")
    jobs.ingest_paths(store, [meta, one], jobs.AUTO)
    jobs.ingest_paths(store, [two], jobs.AUTO)
    jobs.ingest_paths(store, [meta], jobs.AUTO)
    got = {i.id: i.channel for i in store.iter_interactions(None)}
    assert got == {"c-1": Channel.CHAT, "c-2": Channel.CHAT}
    jobs.ingest_paths(store, [one], jobs.AUTO)  # the transcript again, after the metadata
    assert store.get_interaction("c-1").channel is Channel.CHAT  # type: ignore[union-attr]


def test_unknown_csv_columns_are_warned_about_in_one_line(store: Store, tmp_path: Path) -> None:
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,team,shoe_size\na-1,Ann,blue,38\n")
    calls = tmp_path / "calls.csv"
    calls.write_text("interaction_id,queue,talk_secs\nc-1,cards,30\n")
    report = jobs.ingest_paths(store, [agents, calls], jobs.AUTO)
    assert report.warnings == [
        f"{agents}: column(s) shoe_size are not agents fields (ignored); "
        "known: agent_id, name, team, supervisor, hire_date",
        f"{calls}: column(s) talk_secs are not interactions fields (kept as metadata); known: "
        + ", ".join(["interaction_id", *sorted(INTERACTION_COLUMNS), "csat", "nps", "ces", "comment"]),
    ]


def test_two_files_with_one_contact_id_are_reported(store: Store, tmp_path: Path) -> None:
    a = contact_lens(tmp_path, "a.json", CustomerMetadata={"ContactId": "same"})
    b = contact_lens(tmp_path, "b.json", CustomerMetadata={"ContactId": "same"})
    report = jobs.ingest_paths(store, [a, b], jobs.AUTO)
    assert report.warnings == [f"{b}: interaction 'same' was also in {a}; this file's version replaces it"]


def test_identifiers_in_metadata_are_not_redacted_as_speech(store: Store, tmp_path: Path) -> None:
    uri = "s3://contactlenscenter-123456789012/Analysis/Voice/2024/03/05/c_analysis.json"
    path = contact_lens(
        tmp_path,
        "cl.json",
        AccountId="123456789012",
        CustomerMetadata={"ContactId": "c-9", "InputS3Uri": uri, "InstanceId": "jane@example.com"},
    )
    jobs.ingest_paths(store, [path], jobs.AUTO)
    stored = store.get_interaction("c-9")
    assert stored is not None
    assert stored.metadata["input_uri"] == uri and stored.metadata["account_id"] == "123456789012"
    assert stored.metadata["instance_id"] == "[EMAIL]"


def test_a_redaction_token_or_the_word_name_is_never_a_customer_name() -> None:
    assert _name_words(("pii", None)) == set() and _name_words(("name", "john")) == {"john"}


def test_hi_opening_an_english_call_is_english_not_hindi() -> None:
    tag = default_identifier().tag("Hi, thank you for calling Northwind")
    assert tag.language == "en" and not tag.code_mixed


def test_ingest_exit_status_says_everything_something_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(call("c-1")) + "\n")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps(call("c-2")) + "\n{not json\n")
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    env = dict(os.environ, COACHLOOP_DB=f"sqlite:///{tmp_path / 'cl.db'}", COLUMNS="200")

    def status(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "coachloop", *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert status("ingest", str(good)).returncode == 0
    partly = status("ingest", str(mixed))
    assert partly.returncode == 3 and "mixed.jsonl:2: not valid JSON" in partly.stderr
    nothing = status("ingest", str(junk))
    assert nothing.returncode == 4 and "cannot tell the format" in nothing.stderr
    assert "closest is" in nothing.stderr
    dropped = status("quarantine", "drop", "--all")
    assert dropped.returncode == 0 and "2 record(s) dropped" in dropped.stdout


def test_a_rubric_can_make_a_behaviour_not_applicable_on_partial_calls(tmp_path: Path) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text(
        "name: r\nversion: 1\ntitle: R\nsections:\n  - id: s\n    title: S\n    behaviors:\n"
        "      - {id: disclose, title: D, coaching: c, detect: phrase, phrases: [being recorded],\n"
        "         applies_when: {metadata: {partial: ['None']}}}\n"
    )
    compiled = load_rubric(rubric)
    whole = read_one(tmp_path, call("c-1"))
    partial = read_one(tmp_path, call("c-2"))
    partial.metadata.update(partial=True, dropped=[{"field": "utterances[3]", "reason": "dropped"}])
    assert evaluate(compiled, whole).results[0].outcome is Outcome.MISSED
    assert evaluate(compiled, partial).results[0].outcome is Outcome.NOT_APPLICABLE


def read_one(tmp_path: Path, record: dict[str, Any]) -> Interaction:
    path = tmp_path / f"{record['id']}.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (item,) = list(read_native(path))
    assert isinstance(item, Interaction)
    return item


def test_a_sources_file_sets_format_and_agent_channel_per_source(store: Store, tmp_path: Path) -> None:
    doc = orjson.loads((FIXTURES / "transcribe" / "channel_identification.json").read_bytes())
    (tmp_path / "left").mkdir()
    path = tmp_path / "left" / "call.json"
    path.write_bytes(orjson.dumps(doc))
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - match: '{tmp_path}/left/*'\n    format: transcribe\n    agent_channel: 0\n")
    report = jobs.ingest_paths(store, [path], jobs.AUTO, sources=load_sources(config))
    assert report.formats[str(path)] == "transcribe" and report.roles == []
    (stored,) = list(store.iter_interactions(None))
    assert stored.metadata["agent_role"]["label"] == "ch_0"
    assert stored.metadata["agent_role"]["method"] == "given"
    config.write_text("sources:\n  - match: '*'\n    agent_chanel: 0\n")
    with pytest.raises(ConfigError, match=r"sources\[0\]\.agent_chanel: extra inputs are not permitted"):
        load_sources(config)


def _name_call(tmp_path: Path, cid: str, turns: list[tuple[str, str]]) -> Interaction:
    utterances = [{"index": i, "speaker": s, "text": t} for i, (s, t) in enumerate(turns)]
    return read_one(tmp_path, {"id": cid, "utterances": utterances})


def test_customer_name_given_a_turn_late_is_found_and_a_redaction_token_is_not_a_name(tmp_path: Path) -> None:
    rubric = tmp_path / "n.yaml"
    rubric.write_text(
        "name: n\nversion: 1\ntitle: N\nsections:\n  - id: s\n    title: S\n    behaviors:\n"
        "      - {id: use_customer_name, title: U, coaching: c, detect: customer_name}\n"
    )
    compiled = load_rubric(rubric)
    late = _name_call(
        tmp_path,
        "late",
        [
            ("agent", "may i have your name please"),
            ("customer", "sure the name is"),
            ("customer", "john smith"),
            ("agent", "thank you john how can i help"),
        ],
    )
    (result,) = evaluate(compiled, late).results
    assert result.outcome is Outcome.MET and result.evidence[0].matched == "john"
    redacted = _name_call(
        tmp_path,
        "redacted",
        [("customer", "hi my name is [PII]"), ("agent", "thank you [PII] how can i help")],
    )
    (result,) = evaluate(compiled, redacted).results
    assert result.outcome is Outcome.NOT_APPLICABLE
