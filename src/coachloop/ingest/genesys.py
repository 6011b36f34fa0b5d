"""Genesys Cloud speech and text analytics transcripts (`--format genesys`).

Genesys Cloud serves one JSON document per communication of a conversation (the
transcript URL of its speech and text analytics API):

    {"organizationId": "...", "conversationId": "...", "communicationId": "...",
     "recordingId": "...", "mediaType": "call" | "chat" | "message" | "email",
     "conversationStartTime": 1700000000000, "startTime": 1700000000500,
     "duration": {"milliseconds": 61000},
     "transcripts": [{"transcriptId": "...", "language": "en-US",
                      "phrases": [{"text": "thank you for calling", "decoratedText": "Thank you for calling.",
                                   "startTimeMs": 1700000001000, "duration": {"milliseconds": 1600},
                                   "participantPurpose": "internal" | "external" | "acd" | "ivr" | ...,
                                   "confidence": 0.93, "words": [...]}]}]}

Mapping: id = `conversationId` (else `communicationId`, else the file name); channel from
`mediaType`; each phrase is one utterance, its text `decoratedText` (punctuated) else
`text`, its speaker from `participantPurpose` (`internal`/`agent` the agent,
`external`/`customer` the customer, `acd`/`ivr`/`workflow`/`voicemail` the system,
`bot`/`botflow` a bot); times in seconds from the communication's `startTime` (else the
first phrase), from `startTimeMs` (epoch milliseconds) or an `offset` in milliseconds;
phrases of several transcripts (a language switch) are merged in time order; `language`
is the first transcript's; the phrase confidence is kept in `utterance.metadata`.

A bad phrase (no text, unknown purpose, bad time) is rejected alone with its path
(`transcripts[0].phrases[3].text`) and the rest of the call is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.ingest.lines import located, read_json_document
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, ReadItem, Rejected, Speaker, Utterance

__all__ = ["read_genesys"]

_PURPOSES = {
    "internal": Speaker.AGENT,
    "agent": Speaker.AGENT,
    "user": Speaker.AGENT,
    "external": Speaker.CUSTOMER,
    "customer": Speaker.CUSTOMER,
    "acd": Speaker.SYSTEM,
    "ivr": Speaker.SYSTEM,
    "workflow": Speaker.SYSTEM,
    "voicemail": Speaker.SYSTEM,
    "bot": Speaker.BOT,
    "botflow": Speaker.BOT,
}
_MEDIA = {"call": Channel.VOICE, "callback": Channel.VOICE, "chat": Channel.CHAT, "message": Channel.CHAT}
_MEDIA["email"] = Channel.EMAIL


def _millis(value: object, field: str) -> float:
    if isinstance(value, dict):
        value = value.get("milliseconds")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(
            field, "is missing" if value is None else f"{value!r} is not a number of milliseconds"
        )
    if value < 0:
        raise FieldError(field, f"{value:g} is negative")
    return float(value)


@readers.register("genesys")
def read_genesys(path: Path) -> Iterator[ReadItem]:
    """Read one Genesys Cloud transcript document as one `Interaction`.

    Raises `IngestError` (when iterated) if the file cannot be read or has no
    `transcripts` list.
    """
    name = str(path)
    data, doc = read_json_document(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("transcripts"), list):
        raise IngestError(f"{path}: not a Genesys Cloud transcript: no 'transcripts' list")
    interaction_id = next(
        (
            doc[k].strip()
            for k in ("conversationId", "communicationId")
            if isinstance(doc.get(k), str) and doc[k].strip()
        ),
        path.stem,
    )
    rejected: list[Rejected] = []
    phrases: list[tuple[str, dict[str, Any]]] = []
    for t, transcript in enumerate(doc["transcripts"]):
        if isinstance(transcript, dict) and isinstance(transcript.get("phrases"), list):
            phrases.extend((f"transcripts[{t}].phrases[{i}]", p) for i, p in enumerate(transcript["phrases"]))
    start_field = doc.get("startTime", doc.get("conversationStartTime"))
    absolute = [p.get("startTimeMs") for _, p in phrases if isinstance(p, dict)]
    numbers = [v for v in absolute if isinstance(v, int | float) and not isinstance(v, bool)]
    base = float(start_field) if isinstance(start_field, int | float) else (min(numbers) if numbers else 0.0)
    kept: list[Utterance] = []
    for where, phrase in phrases:
        try:
            kept.append(_utterance(phrase, where, base))
        except FieldError as err:
            rejected.append(
                located(
                    Rejected(
                        RecordError(err.reason, file=name, field=err.field, record_id=interaction_id),
                        raw=orjson.dumps(phrase).decode(),
                    ),
                    data,
                )
            )
    kept.sort(key=lambda u: u.start or 0.0)
    for index, utterance in enumerate(kept):
        utterance.index = index
    yield from rejected
    metadata: dict[str, Any] = {"source_format": "genesys"}
    for key, out in (
        ("communicationId", "communication_id"),
        ("recordingId", "recording_id"),
        ("organizationId", "organization_id"),
    ):
        if isinstance(doc.get(key), str):
            metadata[out] = doc[key]
    if rejected:
        metadata["rejected_records"] = len(rejected)
    first = doc["transcripts"][0] if doc["transcripts"] else None
    language = first.get("language") if isinstance(first, dict) else None
    media = doc.get("mediaType")
    started = doc.get("conversationStartTime", start_field)
    yield Interaction(
        id=interaction_id,
        channel=_MEDIA.get(str(media).lower(), Channel.VOICE),
        utterances=kept,
        language=language if isinstance(language, str) else None,
        started_at=datetime.fromtimestamp(started / 1000.0, UTC)
        if isinstance(started, int | float)
        else None,
        metadata=metadata,
    )


def _utterance(phrase: object, where: str, base: float) -> Utterance:
    if not isinstance(phrase, dict):
        raise FieldError(where, "is not an object")
    text = phrase.get("decoratedText") or phrase.get("text")
    if text is None:
        raise FieldError(f"{where}.text", "is missing")
    if not isinstance(text, str):
        raise FieldError(f"{where}.text", f"is not text (got {orjson.dumps(text).decode()[:40]})")
    if not text.strip():
        raise FieldError(f"{where}.text", "is empty")
    purpose = phrase.get("participantPurpose")
    speaker = _PURPOSES.get(str(purpose).lower()) if isinstance(purpose, str) else None
    if speaker is None:
        raise FieldError(f"{where}.participantPurpose", f"unknown speaker: participant purpose {purpose!r}")
    if "offset" in phrase:
        start = _millis(phrase["offset"], f"{where}.offset") / 1000.0
    else:
        start = (_millis(phrase.get("startTimeMs"), f"{where}.startTimeMs") - base) / 1000.0
        if start < 0:
            raise FieldError(f"{where}.startTimeMs", "is before the communication's startTime")
    end = start + _millis(phrase["duration"], f"{where}.duration") / 1000.0 if "duration" in phrase else None
    meta: dict[str, Any] = {"participant_purpose": purpose}
    confidence = phrase.get("confidence")
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        meta["min_confidence"] = float(confidence)
    return Utterance(index=0, speaker=speaker, text=text.strip(), start=start, end=end, metadata=meta)
