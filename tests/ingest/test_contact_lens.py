"""The Contact Lens reader: calls, chats, redacted files and bad turns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from coachloop.errors import IngestError
from coachloop.ingest.contact_lens import read_contact_lens
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, Rejected, Speaker

FIXTURES = Path(__file__).parent.parent / "fixtures" / "contact_lens"
VOICE = FIXTURES / "voice_call.json"
REDACTED = FIXTURES / "5b0e6a4c-3f0d-4a7e-8a63-1c2d9e7f4b21_analysis_redacted_2024-03-05T14-22-09Z.json"
CHAT = FIXTURES / "chat.json"
CONTACT_ID = "5b0e6a4c-3f0d-4a7e-8a63-1c2d9e7f4b21"

VOICE_TURNS = [
    (
        Speaker.AGENT,
        "Thanks for calling Northwind, you're speaking with Priya. What can I do for you?",
        0.0,
        3.85,
    ),
    (
        Speaker.CUSTOMER,
        "I want to cancel my broadband contract, the speed has been terrible for weeks.",
        4.3,
        9.62,
    ),
    (
        Speaker.AGENT,
        "I'm sorry about that. Before you go, can I run a line test and see what's wrong?",
        10.1,
        15.48,
    ),
    (Speaker.CUSTOMER, "Fine, go ahead.", 16.02, 17.21),
    (
        Speaker.AGENT,
        "The test found a fault at the cabinet. I'll book an engineer for tomorrow morning.",
        24.99,
        31.24,
    ),
    (Speaker.CUSTOMER, "Okay, thank you, that helps.", 31.8, 34.05),
]


def read(path: Path) -> tuple[list[Interaction], list[Rejected]]:
    items = list(read_contact_lens(path))
    interactions = [i for i in items if isinstance(i, Interaction)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(interactions) + len(rejected) == len(items)
    return interactions, rejected


def turns(interaction: Interaction) -> list[tuple[Speaker, str, float | None, float | None]]:
    return [(u.speaker, u.text, u.start, u.end) for u in interaction.utterances]


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(path.read_bytes())
    return doc


def write(tmp_path: Path, doc: dict[str, Any], name: str = "contact.json") -> Path:
    out = tmp_path / name
    out.write_bytes(orjson.dumps(doc))
    return out


def test_voice_call_maps_turns_speakers_and_times() -> None:
    (call,), rejected = read(VOICE)
    assert rejected == []
    assert call.id == CONTACT_ID
    assert call.channel is Channel.VOICE
    assert call.language == "en-GB"
    assert turns(call) == VOICE_TURNS
    assert [u.index for u in call.utterances] == [0, 1, 2, 3, 4, 5]


def test_voice_call_keeps_turn_sentiment_and_detected_spans() -> None:
    (call,), _ = read(VOICE)
    assert [u.metadata["sentiment"] for u in call.utterances] == [
        "neutral",
        "negative",
        "neutral",
        "neutral",
        "positive",
        "positive",
    ]
    assert call.utterances[1].metadata["issues"] == [[0, 38]]
    assert call.utterances[1].text[0:38] == "I want to cancel my broadband contract"
    assert call.utterances[4].metadata["action_items"] == [[39, 81]]
    # Only offsets are kept: the quoted text could hold personal data.
    assert "Text" not in str(call.utterances[1].metadata)


def test_voice_call_maps_categories_talk_time_and_silence() -> None:
    (call,), _ = read(VOICE)
    assert call.talk_seconds == 22.24
    meta = call.metadata
    assert meta["categories"] == ["cancellation-intent", "line-test-offered"]
    assert meta["non_talk_seconds"] == 7.78
    assert meta["non_talk_instances"] == [[17.21, 24.99]]
    assert meta["duration_seconds"] == 34.05
    assert meta["talk_seconds_by_role"] == {"agent": 13.48, "customer": 8.76}
    assert meta["overall_sentiment"] == {"agent": 1.8, "customer": -0.6}
    assert meta["words_per_minute"] == {"agent": 171.0, "customer": 148.0}
    assert meta["interruptions"] == 0
    assert meta["instance_id"] == "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
    assert meta["redacted"] is False


def test_redacted_file_takes_the_contact_id_from_its_name_and_roles_from_participant_ids() -> None:
    (call,), rejected = read(REDACTED)
    assert rejected == []
    assert call.id == CONTACT_ID
    assert call.metadata["redacted"] is True
    assert [u.speaker for u in call.utterances] == [s for s, *_ in VOICE_TURNS]
    assert call.utterances[0].text == (
        "Thanks for calling Northwind, you're speaking with [PII]. What can I do for you?"
    )
    assert call.utterances[0].metadata["redacted_seconds"] == [[2.71, 3.08]]


def test_chat_keeps_messages_timed_from_the_start_of_the_chat() -> None:
    (chat,), rejected = read(CHAT)
    assert rejected == []
    assert chat.id == "f4c3b2a1-9e8d-4c7b-a6f5-e4d3c2b1a0f9"
    assert chat.channel is Channel.CHAT
    assert chat.started_at == datetime(2024, 3, 6, 16, 40, 2, 118000, tzinfo=UTC)
    assert chat.ended_at == datetime(2024, 3, 6, 16, 42, 32, 4000, tzinfo=UTC)
    assert [(u.speaker, u.start, u.end) for u in chat.utterances] == [
        (Speaker.SYSTEM, 1.284, None),
        (Speaker.CUSTOMER, 7.652, None),
        (Speaker.AGENT, 77.433, None),
        (Speaker.CUSTOMER, 89.09, None),
        (Speaker.AGENT, 120.727, None),
        (Speaker.CUSTOMER, 137.901, None),
    ]
    assert chat.utterances[1].text == (
        "I was charged twice for my March bill and I'd like the extra payment back."
    )


def test_chat_sentiment_comes_from_the_transcript_item_groups() -> None:
    (chat,), _ = read(CHAT)
    assert [u.metadata["sentiment"] for u in chat.utterances] == [
        "neutral",
        "negative",
        "neutral",
        "negative",
        "positive",
        "positive",
    ]
    assert chat.metadata["categories"] == ["billing-refund"]
    assert chat.metadata["overall_sentiment"] == {"agent": 1.67, "customer": -1.67}
    assert chat.metadata["agent_greeting_seconds"] == 4.545
    assert chat.talk_seconds is None


def test_chat_display_names_are_not_copied() -> None:
    (chat,), _ = read(CHAT)
    stored = str(chat.metadata) + str([u.metadata for u in chat.utterances])
    assert "Sam" not in stored
    assert "Leo" not in stored
    assert chat.utterances[2].metadata["redacted_chars"] == [[3, 6]]


def test_transcribe_call_analytics_output_with_roles_on_turns_is_read(tmp_path: Path) -> None:
    doc = {
        "JobName": "retention-0042",
        "Channel": "VOICE",
        "LanguageCode": "en-US",
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "Transcript": [
            {
                "ParticipantRole": "CUSTOMER",
                "Content": "I'd like to close my account.",
                "Id": "t2",
                "BeginOffsetMillis": 2600,
                "EndOffsetMillis": 4100,
                "Sentiment": "NEGATIVE",
            },
            {
                "ParticipantRole": "AGENT",
                "Content": "Retention desk, how can I help?",
                "Id": "t1",
                "BeginOffsetMillis": 300,
                "EndOffsetMillis": 2200,
                "Sentiment": "NEUTRAL",
            },
        ],
    }
    (call,), rejected = read(write(tmp_path, doc))
    assert rejected == []
    assert call.id == "retention-0042"
    # Turns are put in time order whatever order the file lists them in.
    assert turns(call) == [
        (Speaker.AGENT, "Retention desk, how can I help?", 0.3, 2.2),
        (Speaker.CUSTOMER, "I'd like to close my account.", 2.6, 4.1),
    ]
    assert [u.index for u in call.utterances] == [0, 1]


@pytest.mark.parametrize(
    ("turn", "key", "value", "message"),
    [
        (3, "BeginOffsetMillis", -16020, "Transcript[3].BeginOffsetMillis: -16020 is negative"),
        (
            3,
            "EndOffsetMillis",
            15000,
            "Transcript[3].EndOffsetMillis: ends at 15 s, before it begins at 16.02 s",
        ),
        (3, "BeginOffsetMillis", "16020", "Transcript[3].BeginOffsetMillis: '16020' is not a number"),
        (3, "EndOffsetMillis", None, "Transcript[3].EndOffsetMillis: is missing"),
        (3, "Content", "  ", "Transcript[3].Content: is empty"),
        (
            3,
            "ParticipantId",
            "f00dfeed-0000-4000-8000-000000000000",
            "Transcript[3].ParticipantId: unknown speaker: participant 'f00dfeed-0000-4000-8000-000000000000' "
            "is not in Participants",
        ),
        (
            3,
            "ParticipantRole",
            "AUDITOR",
            "Transcript[3].ParticipantRole: unknown speaker: participant role 'AUDITOR'",
        ),
    ],
)
def test_bad_voice_turn_is_rejected_and_the_other_turns_are_kept(
    tmp_path: Path, turn: int, key: str, value: object, message: str
) -> None:
    doc = load(VOICE)
    bad = doc["Transcript"][turn]
    if value is None:
        del bad[key]
    else:
        bad[key] = value
    (call,), (rejected,) = read(write(tmp_path, doc))
    assert rejected.error.message == f"{tmp_path / 'contact.json'} {message}"
    assert rejected.error.record_id == CONTACT_ID
    assert orjson.loads(rejected.raw) == bad
    assert turns(call) == VOICE_TURNS[:3] + VOICE_TURNS[4:]
    assert [u.index for u in call.utterances] == [0, 1, 2, 3, 4]
    assert call.metadata["rejected_records"] == 1


def test_bad_chat_time_is_rejected_and_the_other_messages_are_kept(tmp_path: Path) -> None:
    doc = load(CHAT)
    doc["Transcript"][5]["AbsoluteTime"] = "06/03/2024 16:41:31"
    (chat,), (rejected,) = read(write(tmp_path, doc))
    assert rejected.error.message == f"{tmp_path / 'contact.json'} " + (
        "Transcript[5].AbsoluteTime: '06/03/2024 16:41:31' is not an ISO 8601 date-time"
    )
    assert len(chat.utterances) == 5
    assert "second time" not in " ".join(u.text for u in chat.utterances)


def test_malformed_talk_time_is_rejected_but_the_transcript_is_kept(tmp_path: Path) -> None:
    doc = load(VOICE)
    doc["ConversationCharacteristics"]["TalkTime"]["TotalTimeMillis"] = "22240ms"
    (call,), (rejected,) = read(write(tmp_path, doc))
    assert rejected.error.message == f"{tmp_path / 'contact.json'} " + (
        "ConversationCharacteristics.TalkTime.TotalTimeMillis: '22240ms' is not a number"
    )
    assert call.talk_seconds is None
    assert turns(call) == VOICE_TURNS


def test_unknown_channel_rejects_the_file(tmp_path: Path) -> None:
    doc = load(VOICE)
    doc["Channel"] = "SMS"
    interactions, (rejected,) = read(write(tmp_path, doc))
    assert interactions == []
    assert (
        rejected.error.message
        == f"{tmp_path / 'contact.json'} Channel: unknown channel 'SMS' (expected VOICE or CHAT)"
    )


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        list(read_contact_lens(tmp_path / "absent.json"))


def test_file_that_is_not_json_raises_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "contact.json"
    path.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(IngestError, match="not JSON"):
        list(read_contact_lens(path))


def test_json_without_a_transcript_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no 'Transcript' list"):
        list(read_contact_lens(write(tmp_path, {"jobName": "x", "results": {}})))


def test_reader_is_registered_as_contact_lens() -> None:
    assert readers.get("contact-lens") is read_contact_lens
