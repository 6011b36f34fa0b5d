"""The Amazon Transcribe reader: turns, speakers, confidences and bad items."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from coachloop.errors import IngestError
from coachloop.ingest.records import readers
from coachloop.ingest.transcribe import read_transcribe
from coachloop.model import Channel, Interaction, Rejected, Speaker

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transcribe"
SPEAKERS = FIXTURES / "speaker_labels.json"
LEGACY = FIXTURES / "speaker_labels_legacy.json"
CHANNELS = FIXTURES / "channel_identification.json"

CALL_TURNS = [
    (
        Speaker.AGENT,
        "Thank you for calling Northwind Energy, this is Maya. How can I help you today?",
        0.52,
        4.45,
    ),
    (Speaker.CUSTOMER, "Hi, my bill doubled this month and I don't understand why.", 5.10, 8.50),
    (Speaker.AGENT, "I'm sorry to hear that.", 8.90, 10.10),
    (Speaker.AGENT, "Okay, I can see a meter reading estimate on your account.", 12.50, 15.60),
    (Speaker.CUSTOMER, "Estimate? Nobody came out.", 16.00, 17.60),
]


def read(path: Path, **kwargs: Any) -> tuple[list[Interaction], list[Rejected]]:
    items = list(read_transcribe(path, **kwargs))
    interactions = [i for i in items if isinstance(i, Interaction)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(interactions) + len(rejected) == len(items)
    return interactions, rejected


def turns(interaction: Interaction) -> list[tuple[Speaker, str, float | None, float | None]]:
    return [(u.speaker, u.text, u.start, u.end) for u in interaction.utterances]


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(path.read_bytes())
    return doc


def write(tmp_path: Path, doc: dict[str, Any], name: str = "job.json") -> Path:
    out = tmp_path / name
    out.write_bytes(orjson.dumps(doc))
    return out


def test_speaker_labels_turns_split_on_speaker_change_and_long_pause() -> None:
    (call,), rejected = read(SPEAKERS)
    assert rejected == []
    assert call.id == "northwind-billing-0305-0914"
    assert call.channel is Channel.VOICE
    assert turns(call) == CALL_TURNS
    assert [u.index for u in call.utterances] == [0, 1, 2, 3, 4]


def test_speaker_labels_first_speaker_is_the_agent_by_default() -> None:
    (call,), _ = read(SPEAKERS)
    assert call.metadata["speaker_labels"] == {"spk_0": "agent", "spk_1": "customer"}
    labels = [u.metadata["speaker_label"] for u in call.utterances]
    assert labels == ["spk_0", "spk_1", "spk_0", "spk_0", "spk_1"]


def test_agent_label_names_the_agent_speaker() -> None:
    (call,), _ = read(SPEAKERS, agent_label="spk_1")
    assert [u.speaker for u in call.utterances] == [
        Speaker.CUSTOMER,
        Speaker.AGENT,
        Speaker.CUSTOMER,
        Speaker.CUSTOMER,
        Speaker.AGENT,
    ]


def test_agent_label_absent_from_the_file_rejects_the_file() -> None:
    interactions, (rejected,) = read(SPEAKERS, agent_label="spk_7")
    assert interactions == []
    assert rejected.error.message == (
        f"{SPEAKERS}:11 results.speaker_labels: agent speaker 'spk_7' does not occur in the file "
        "(labels: spk_0, spk_1)"
    )


def test_pause_split_sets_how_long_a_pause_starts_a_new_turn() -> None:
    (call,), _ = read(SPEAKERS, pause_split=3.0)
    assert [u.text for u in call.utterances][2] == (
        "I'm sorry to hear that. Okay, I can see a meter reading estimate on your account."
    )
    assert len(call.utterances) == 4


def test_min_confidence_is_the_lowest_word_confidence_of_the_turn() -> None:
    (call,), _ = read(SPEAKERS)
    # Punctuation carries confidence 0.0 in Transcribe output and must not count.
    assert [u.metadata["min_confidence"] for u in call.utterances] == [0.912, 0.981, 0.995, 0.972, 0.41]


def test_legacy_output_finds_speakers_through_speaker_label_segments() -> None:
    (call,), rejected = read(LEGACY)
    assert rejected == []
    assert turns(call) == CALL_TURNS


def test_audio_segments_give_the_speaker_of_items_without_labels(tmp_path: Path) -> None:
    doc = load(SPEAKERS)
    del doc["results"]["speaker_labels"]
    for item in doc["results"]["items"]:
        del item["speaker_label"]
    (call,), rejected = read(write(tmp_path, doc))
    assert rejected == []
    assert turns(call) == CALL_TURNS


def test_audio_segments_alone_are_read_when_there_are_no_items(tmp_path: Path) -> None:
    doc = load(SPEAKERS)
    doc["results"]["items"] = []
    (call,), rejected = read(write(tmp_path, doc))
    assert rejected == []
    assert turns(call) == CALL_TURNS
    assert "min_confidence" not in call.utterances[0].metadata


def test_agent_channel_names_the_agent_even_when_the_customer_speaks_first() -> None:
    (call,), rejected = read(CHANNELS, agent_channel=0)
    assert rejected == []
    assert call.id == "northwind-queue-billing-0305-1102"
    assert call.language == "en-GB"
    assert turns(call) == [
        (Speaker.CUSTOMER, "Hello? I've been on hold for twenty minutes.", 0.80, 3.40),
        (Speaker.AGENT, "Sorry about the wait, you're through to billing.", 4.20, 6.90),
        (Speaker.CUSTOMER, "Okay.", 6.95, 7.30),
        (Speaker.AGENT, "Can I take your account number?", 7.60, 9.10),
    ]
    assert call.utterances[2].metadata == {"speaker_label": "ch_1", "min_confidence": 0.874}


def test_channel_items_without_labels_are_matched_to_channel_label_lists(tmp_path: Path) -> None:
    doc = load(CHANNELS)
    del doc["results"]["audio_segments"]
    for item in doc["results"]["items"]:
        del item["channel_label"]
        del item["id"]
    (call,), rejected = read(write(tmp_path, doc), agent_channel=0)
    assert rejected == []
    assert [u.speaker for u in call.utterances] == [
        Speaker.CUSTOMER,
        Speaker.AGENT,
        Speaker.CUSTOMER,
        Speaker.AGENT,
    ]


def test_items_listed_channel_by_channel_are_put_in_time_order(tmp_path: Path) -> None:
    doc = load(CHANNELS)
    items = doc["results"]["items"]
    doc["results"]["items"] = [i for i in items if i["channel_label"] == "ch_0"] + [
        i for i in items if i["channel_label"] == "ch_1"
    ]
    (call,), _ = read(write(tmp_path, doc))
    assert [u.text for u in call.utterances] == [
        "Hello? I've been on hold for twenty minutes.",
        "Sorry about the wait, you're through to billing.",
        "Okay.",
        "Can I take your account number?",
    ]


def test_interaction_id_falls_back_to_the_file_name(tmp_path: Path) -> None:
    doc = load(SPEAKERS)
    del doc["jobName"]
    (call,), _ = read(write(tmp_path, doc, "call-2024-03-05-0914.json"))
    assert call.id == "call-2024-03-05-0914"


@pytest.mark.parametrize(
    ("item", "key", "value", "message"),
    [
        (32, "end_time", "8.80", "results.items[32].end_time: end_time 8.8 is before start_time 9.15"),
        (32, "start_time", "-9.15", "results.items[32].start_time: -9.15 is negative"),
        (32, "start_time", "abc", "results.items[32].start_time: 'abc' is not a number"),
        (32, "alternatives", [], "results.items[32].alternatives: is missing or empty"),
        (32, "type", "filler", "results.items[32].type: unknown item type 'filler'"),
        (
            32,
            "speaker_label",
            None,
            "results.items[32].speaker_label: unknown speaker: no speaker_label or channel_label for this word "
            "(was the job run with speaker or channel identification?)",
        ),
    ],
)
def test_bad_item_is_rejected_and_the_rest_of_the_call_is_kept(
    tmp_path: Path, item: int, key: str, value: object, message: str
) -> None:
    doc = load(SPEAKERS)
    bad = doc["results"]["items"][item]
    assert bad["alternatives"][0]["content"] == "sorry"
    original = copy.deepcopy(bad)
    if value is None:
        del bad[key]
        # Leave no other way to find this word's speaker.
        doc["results"]["audio_segments"] = []
        doc["results"]["speaker_labels"]["segments"][2]["items"] = [
            i
            for i in doc["results"]["speaker_labels"]["segments"][2]["items"]
            if i["start_time"] != original["start_time"]
        ]
    else:
        bad[key] = value
    (call,), (rejected,) = read(write(tmp_path, doc))
    assert rejected.error.message == f"{tmp_path / 'job.json'} {message}"
    assert rejected.error.record_id == "northwind-billing-0305-0914"
    assert orjson.loads(rejected.raw) == bad
    assert call.utterances[2].text == "I'm to hear that."
    assert [u.text for u in call.utterances][:2] + [u.text for u in call.utterances][3:] == [
        t[1] for t in CALL_TURNS[:2] + CALL_TURNS[3:]
    ]
    assert call.metadata["rejected_records"] == 1


def test_file_without_any_speaker_information_is_rejected_once(tmp_path: Path) -> None:
    doc = load(SPEAKERS)
    del doc["results"]["speaker_labels"]
    del doc["results"]["audio_segments"]
    for item in doc["results"]["items"]:
        del item["speaker_label"]
    interactions, (rejected,) = read(write(tmp_path, doc))
    assert interactions == []
    assert rejected.error.field == "results.speaker_labels"
    assert rejected.error.reason.startswith("unknown speakers: no speaker_labels, channel_labels")


def test_failed_job_is_rejected(tmp_path: Path) -> None:
    doc = load(SPEAKERS)
    doc["status"] = "FAILED"
    interactions, (rejected,) = read(write(tmp_path, doc))
    assert interactions == []
    assert (
        rejected.error.message == f"{tmp_path / 'job.json'} status: job status is 'FAILED', not 'COMPLETED'"
    )


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        list(read_transcribe(tmp_path / "absent.json"))


def test_file_that_is_not_json_raises_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n")
    with pytest.raises(IngestError, match="not JSON"):
        list(read_transcribe(path))


def test_json_that_is_not_transcribe_output_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no 'results' object"):
        list(read_transcribe(write(tmp_path, {"Transcript": []})))


def test_reader_is_registered_as_transcribe() -> None:
    assert readers.get("transcribe") is read_transcribe
