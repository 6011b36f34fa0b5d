"""Vendor files in the shapes found in the field: who the agent is, format detection,
personal data the file marks itself, line numbers in pretty-printed files, and the
Genesys Cloud and CCAI Insights readers. Every file here is written by the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from coachloop.errors import IngestError
from coachloop.ingest.ccai import read_ccai_insights
from coachloop.ingest.contact_lens import read_call_analytics, read_contact_lens
from coachloop.ingest.detect import detect_format
from coachloop.ingest.genesys import read_genesys
from coachloop.ingest.native import read_native
from coachloop.ingest.records import ReadOptions, reader_for
from coachloop.ingest.roles import decide_roles, is_announcement
from coachloop.ingest.transcribe import read_transcribe
from coachloop.model import Channel, Interaction, Rejected, Speaker

FIXTURES = Path(__file__).parent.parent / "fixtures"


def split(items: list[Any]) -> tuple[list[Interaction], list[Rejected]]:
    return [i for i in items if isinstance(i, Interaction)], [i for i in items if isinstance(i, Rejected)]


def transcribe_doc(turns: list[tuple[str, str]], *, channels: bool = False) -> dict[str, Any]:
    """A Transcribe output document: each (label, text) a turn one second after the last."""
    items: list[dict[str, Any]] = []
    t = 0.5
    key = "channel_label" if channels else "speaker_label"
    for label, text in turns:
        for word in text.split():
            punct = word[-1] if word[-1] in ".,?!" else ""
            word = word.rstrip(".,?!")
            items.append(
                {
                    "type": "pronunciation",
                    "start_time": f"{t:.2f}",
                    "end_time": f"{t + 0.3:.2f}",
                    key: label,
                    "alternatives": [{"confidence": "0.97", "content": word}],
                }
            )
            t += 0.35
            if punct:
                items.append({"type": "punctuation", key: label, "alternatives": [{"content": punct}]})
        t += 2.0
    results: dict[str, Any] = {"transcripts": [{"transcript": " ".join(x for _, x in turns)}], "items": items}
    labels = sorted({label for label, _ in turns})
    if channels:
        results["channel_labels"] = {"channels": [{"channel_label": lb} for lb in labels], "number_of_channels": 2}
    else:
        results["speaker_labels"] = {"speakers": len(labels), "segments": []}
    return {"jobName": "job-1", "accountId": "123456789012", "status": "COMPLETED", "results": results}


def write_json(tmp_path: Path, doc: object, name: str = "job.json", pretty: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2) if pretty else json.dumps(doc), encoding="utf-8")
    return path


# -- who is the agent -----------------------------------------------------------------------


def test_channels_follow_amazon_connect_customer_on_0_agent_on_1(tmp_path: Path) -> None:
    doc = transcribe_doc(
        [
            ("ch_1", "Thank you for calling Northwind, this is Sam from billing. How can I help?"),
            ("ch_0", "Hi, I'm calling about my bill."),
        ],
        channels=True,
    )
    (call,), _ = split(list(read_transcribe(write_json(tmp_path, doc))))
    assert [u.speaker for u in call.utterances] == [Speaker.AGENT, Speaker.CUSTOMER]
    role = call.metadata["agent_role"]
    assert role["label"] == "ch_1" and role["method"] == "channel convention" and role["confidence"] > 0.6


def test_channel_convention_against_what_is_said_gets_a_low_confidence_and_a_hint(tmp_path: Path) -> None:
    doc = transcribe_doc(
        [
            ("ch_0", "Thank you for calling Northwind, how can I help you today?"),
            ("ch_1", "I'm calling about my card."),
        ],
        channels=True,
    )
    (call,), _ = split(list(read_transcribe(write_json(tmp_path, doc))))
    role = call.metadata["agent_role"]
    assert role["label"] == "ch_1" and role["confidence"] < 0.3 and "--agent-channel 0" in role["reason"]
    (given,), _ = split(list(reader_for("transcribe", ReadOptions(agent_channel=0))(write_json(tmp_path, doc))))
    assert given.utterances[0].speaker is Speaker.AGENT and given.metadata["agent_role"]["method"] == "given"


def test_recorded_announcement_is_the_system_speaker_not_the_agent(tmp_path: Path) -> None:
    doc = transcribe_doc(
        [
            ("spk_0", "This call is being recorded for quality and training purposes."),
            ("spk_1", "Hello?"),
            ("spk_2", "Thank you for calling Northwind Bank. How may I help you?"),
            ("spk_1", "My card was declined, I need to check my account."),
            ("spk_2", "Sure, can I have your date of birth?"),
        ]
    )
    (call,), _ = split(list(read_transcribe(write_json(tmp_path, doc))))
    assert [u.speaker for u in call.utterances] == [
        Speaker.SYSTEM,
        Speaker.CUSTOMER,
        Speaker.AGENT,
        Speaker.CUSTOMER,
        Speaker.AGENT,
    ]
    role = call.metadata["agent_role"]
    assert role["label"] == "spk_2" and role["method"] == "what is said" and role["system_labels"] == ["spk_0"]
    assert "asks how they can help" in role["reason"] and role["confidence"] >= 0.9


def test_customer_who_speaks_first_is_not_taken_for_the_agent(tmp_path: Path) -> None:
    doc = transcribe_doc(
        [
            ("spk_0", "Hi, yes, I'm calling because my package never arrived."),
            ("spk_1", "I'm sorry to hear that. Can I have your order number?"),
            ("spk_0", "It's 4471."),
        ]
    )
    (call,), _ = split(list(read_transcribe(write_json(tmp_path, doc))))
    assert [u.speaker for u in call.utterances] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER]


def test_nothing_telling_voices_apart_falls_back_to_the_first_speaker_at_half_confidence() -> None:
    decision = decide_roles({"spk_0": ["okay"], "spk_1": ["right"]}, channels=False)
    assert (decision.agent, decision.method, decision.confidence) == ("spk_0", "first speaker", 0.5)


def test_an_agent_disclosing_the_recording_in_a_greeting_is_not_an_announcement() -> None:
    assert is_announcement("This call may be recorded. Press one for billing.")
    assert not is_announcement("Hi, this call is recorded, how can I help you?")


# -- personal data the file marks --------------------------------------------------------------


def test_transcribe_words_marked_as_pii_are_masked_with_their_type(tmp_path: Path) -> None:
    doc = transcribe_doc([("spk_0", "Thank you for calling, how can I help?"), ("spk_1", "My name is Jane Doe.")])
    for item in doc["results"]["items"]:
        if item["alternatives"][0]["content"] in ("Jane", "Doe"):
            item["alternatives"][0]["redactions"] = [{"type": "NAME", "category": "PII", "confidence": "0.99"}]
    (call,), _ = split(list(read_transcribe(write_json(tmp_path, doc))))
    assert call.utterances[1].text == "My name is [NAME]."


def test_raw_contact_lens_file_masks_the_entities_it_marks(tmp_path: Path) -> None:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc["ContentMetadata"] = {"Output": "Raw"}
    turn = doc["Transcript"][1]
    turn["Content"] = "Hi, this is Jane Doe, I live at 12 Elm Street and my card was declined."
    turn["Entities"] = [
        {"Type": "NAME", "Content": "Jane Doe", "Category": "PII"},
        {"Type": "ADDRESS", "Content": "12 Elm Street", "Category": "PII"},
    ]
    (call,), _ = split(list(read_contact_lens(write_json(tmp_path, doc, "contact.json"))))
    text = next(u.text for u in call.utterances if "declined" in u.text)
    assert text == "Hi, this is [NAME], I live at [ADDRESS] and my card was declined."


def test_raw_call_turn_with_redacted_timestamps_masks_the_words_spoken_then(tmp_path: Path) -> None:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc["ContentMetadata"] = {"Output": "Raw"}
    turn = doc["Transcript"][1]
    turn.update(Content="my name is Jane Doe thanks", BeginOffsetMillis=10000, EndOffsetMillis=12600)
    # "Jane Doe" is characters 11-19 of 26: seconds 11.1-11.9 of the turn.
    turn["Redaction"] = {"RedactedTimestamps": [{"BeginOffsetMillis": 11150, "EndOffsetMillis": 11850}]}
    (call,), _ = split(list(read_contact_lens(write_json(tmp_path, doc, "contact.json"))))
    texts = [u.text for u in call.utterances]
    assert "my name is [PII] thanks" in texts


# -- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "doc", "expected"),
    [
        ("t.json", transcribe_doc([("spk_0", "hello there")]), "transcribe"),
        (
            "tca.json",
            {"JobName": "j", "JobStatus": "COMPLETED", "Channel": "VOICE", "Participants": [], "Transcript": []},
            "transcribe-call-analytics",
        ),
        ("cl.json", {"CustomerMetadata": {"ContactId": "c"}, "Channel": "VOICE", "Transcript": []}, "contact-lens"),
        ("g.json", orjson.loads((FIXTURES / "genesys" / "call.json").read_bytes()), "genesys"),
        ("c.json", orjson.loads((FIXTURES / "ccai" / "conversation.json").read_bytes()), "ccai-insights"),
        ("e.json", orjson.loads((FIXTURES / "ccai" / "chat_entries.json").read_bytes()), "ccai-insights"),
        ("n.json", {"id": "c-1", "utterances": [{"index": 0, "speaker": "agent", "text": "hi"}]}, "native"),
    ],
)
@pytest.mark.parametrize("pretty", [False, True])
def test_auto_detects_each_format_by_its_shape(
    tmp_path: Path, name: str, doc: dict[str, Any], expected: str, pretty: bool
) -> None:
    assert detect_format(write_json(tmp_path, doc, name, pretty)).format == expected


def test_auto_detects_csv_tables_and_hvb_lines(tmp_path: Path) -> None:
    assert detect_format(FIXTURES / "csv" / "agents.csv").format == "csv"
    hvb = tmp_path / "hvb.jsonl"
    hvb.write_text(json.dumps({"id": "x", "agent_logged_reasons": [], "utterances": []}) + "\n")
    assert detect_format(hvb).format == "hvb"


def test_a_file_of_no_known_shape_is_refused_naming_the_closest_format(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"closest is transcribe \(it has 'jobName' but no 'results' object\)"):
        detect_format(write_json(tmp_path, {"jobName": "x", "status": "FAILED"}))
    truncated = tmp_path / "cut.json"
    truncated.write_text(json.dumps(transcribe_doc([("spk_0", "hello there")]), indent=2)[:200])
    with pytest.raises(IngestError, match="cannot tell the format: not JSON Lines and not one JSON document"):
        detect_format(truncated)


def test_wrong_explicit_format_gives_a_hint(tmp_path: Path) -> None:
    tca = write_json(tmp_path, {"JobName": "j", "Channel": "VOICE", "Transcript": []})
    with pytest.raises(IngestError, match="use --format transcribe-call-analytics or auto"):
        list(read_transcribe(tca))
    one_line_transcribe = write_json(tmp_path, transcribe_doc([("spk_0", "hello")]), "t.json")
    (rejected,) = list(read_native(one_line_transcribe))
    assert isinstance(rejected, Rejected)
    assert "unknown key" in rejected.error.reason and "looks like transcribe" in rejected.error.reason


def test_pretty_printed_native_record_is_one_record_not_one_per_line(tmp_path: Path) -> None:
    record = {"id": "c-1", "utterances": [{"index": 0, "speaker": "agent", "text": "hello"}]}
    (item,) = list(read_native(write_json(tmp_path, record, "one.json", pretty=True)))
    assert isinstance(item, Interaction) and item.id == "c-1"


def test_call_analytics_has_its_own_name(tmp_path: Path) -> None:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc.pop("CustomerMetadata", None)
    doc["JobName"] = "tca-job-7"
    (call,), _ = split(list(read_call_analytics(write_json(tmp_path, doc))))
    assert call.id == "tca-job-7" and call.metadata["source_format"] == "transcribe-call-analytics"


# -- where a bad part is ------------------------------------------------------------------------


def test_rejections_in_a_pretty_printed_file_name_the_full_path_and_line(tmp_path: Path) -> None:
    doc = orjson.loads((FIXTURES / "contact_lens" / "voice_call.json").read_bytes())
    doc["Transcript"][2]["Content"] = 12345
    path = write_json(tmp_path, doc, "contact.json", pretty=True)
    _, (rejected,) = split(list(read_contact_lens(path)))
    lines = path.read_text().splitlines()
    assert rejected.error.file == str(path)
    assert rejected.error.line is not None and '"Content": 12345' in lines[rejected.error.line - 1]
    assert rejected.error.reason == "is not text (got 12345)"


# -- the new readers ---------------------------------------------------------------------------


def test_genesys_phrases_become_turns_with_purposes_as_speakers() -> None:
    (call,), (rejected,) = split(list(read_genesys(FIXTURES / "genesys" / "call.json")))
    assert call.id == "7f3c9d2e-5b1a-4c8e-9f00-1234567890ab" and call.channel is Channel.VOICE
    assert call.language == "en-US" and call.started_at is not None
    assert [(u.speaker, u.start, u.end) for u in call.utterances] == [
        (Speaker.SYSTEM, 0.5, 3.0),
        (Speaker.AGENT, 4.0, 7.6),
        (Speaker.CUSTOMER, 8.2, 10.6),
        (Speaker.AGENT, 12.0, 14.1),
    ]
    assert call.utterances[1].text == "Thank you for calling Northwind Bank, this is Sam. How can I help?"
    assert rejected.error.field == "transcripts[0].phrases[3].text" and rejected.error.reason == "is empty"
    assert rejected.error.line is not None


def test_ccai_conversation_reads_roles_channel_tags_and_word_offsets() -> None:
    (call,), (rejected,) = split(list(read_ccai_insights(FIXTURES / "ccai" / "conversation.json")))
    assert call.id == "4815162342" and call.agent_id == "a-17" and call.channel is Channel.VOICE
    assert [(u.speaker, u.start, u.end) for u in call.utterances] == [
        (Speaker.AGENT, 0.4, 3.6),
        (Speaker.CUSTOMER, 4.2, 7.5),
        (Speaker.AGENT, 8.0, 11.4),
    ]
    assert call.utterances[1].metadata["sentiment_score"] == -0.6
    assert rejected.error.field == "transcript.transcriptSegments[3].text"
    assert rejected.error.reason == "is not text (got 12345)"


def test_ccai_import_entries_are_a_chat_timed_from_its_first_message() -> None:
    (chat,), rejected = split(list(read_ccai_insights(FIXTURES / "ccai" / "chat_entries.json")))
    assert rejected == [] and chat.channel is Channel.CHAT and chat.id == "chat_entries"
    assert [(u.speaker, u.start) for u in chat.utterances] == [
        (Speaker.CUSTOMER, 0.0),
        (Speaker.AGENT, 6.0),
        (Speaker.CUSTOMER, 12.5),
    ]
