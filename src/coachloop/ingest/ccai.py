"""Google Contact Center AI Insights conversations (`--format ccai-insights`).

Two shapes, one conversation per file:

* the Insights `Conversation` resource (what the API returns and exports):

      {"name": "projects/p/locations/us-central1/conversations/123",
       "medium": "PHONE_CALL" | "CHAT", "languageCode": "en-US", "agentId": "a-7",
       "startTime": "2024-03-05T14:22:09Z", "duration": "312s",
       "callMetadata": {"customerChannel": 1, "agentChannel": 2},
       "transcript": {"transcriptSegments": [
           {"text": "...", "messageTime": "2024-...Z", "channelTag": 2,
            "segmentParticipant": {"role": "HUMAN_AGENT" | "AUTOMATED_AGENT" | "END_USER" | ...},
            "words": [{"word": "hi", "startOffset": "0.400s", "endOffset": "0.700s"}],
            "sentiment": {"score": 0.4, "magnitude": 0.4}}]}}

* the conversation JSON that Insights imports chats from:

      {"entries": [{"start_timestamp_usec": 1709648529000000, "text": "...",
                    "role": "AGENT" | "CUSTOMER", "user_id": 1}]}

Mapping: id = the last part of `name` (else the file name); channel from `medium`
(imported `entries` are chats); speaker from the segment's role (`HUMAN_AGENT`/`AGENT`
the agent, `AUTOMATED_AGENT` a bot, `END_USER`/`CUSTOMER` the customer), else from its
`channelTag` and `callMetadata`; times in seconds from the first word offsets (calls) or
from the message times relative to the conversation's start (chats); `agentId` becomes
the interaction's agent; segment sentiment is kept in `utterance.metadata`.

A bad segment is rejected alone with its path (`transcript.transcriptSegments[2].text`)
and the rest of the conversation is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.ingest.lines import aware_datetime, located, read_json_document
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, ReadItem, Rejected, Speaker, Utterance

__all__ = ["read_ccai_insights"]

_ROLES = {
    "HUMAN_AGENT": Speaker.AGENT,
    "AGENT": Speaker.AGENT,
    "AUTOMATED_AGENT": Speaker.BOT,
    "END_USER": Speaker.CUSTOMER,
    "CUSTOMER": Speaker.CUSTOMER,
}
_MEDIUM = {"PHONE_CALL": Channel.VOICE, "CHAT": Channel.CHAT}


def _text(obj: dict[str, Any], where: str) -> str:
    text = obj.get("text")
    if text is None:
        raise FieldError(f"{where}.text", "is missing")
    if not isinstance(text, str):
        raise FieldError(f"{where}.text", f"is not text (got {orjson.dumps(text).decode()[:40]})")
    if not text.strip():
        raise FieldError(f"{where}.text", "is empty")
    return text.strip()


def _offset(value: object, field: str) -> float:
    """A protobuf Duration as JSON ("1.500s") in seconds."""
    if not isinstance(value, str) or not value.endswith("s"):
        raise FieldError(field, "is missing" if value is None else f"{value!r} is not a duration like '1.5s'")
    try:
        seconds = float(value[:-1])
    except ValueError:
        raise FieldError(field, f"{value!r} is not a duration like '1.5s'") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise FieldError(field, f"{value!r} is negative")
    return seconds


@readers.register("ccai-insights")
def read_ccai_insights(path: Path) -> Iterator[ReadItem]:
    """Read one CCAI Insights conversation (resource or import JSON) as one `Interaction`.

    Raises `IngestError` (when iterated) if the file cannot be read or has neither a
    `transcript.transcriptSegments` nor an `entries` list.
    """
    data, doc = read_json_document(path)
    transcript = doc.get("transcript") if isinstance(doc, dict) else None
    if isinstance(transcript, dict) and isinstance(transcript.get("transcriptSegments"), list):
        yield from _conversation(path, data, doc)
    elif isinstance(doc, dict) and isinstance(doc.get("entries"), list):
        yield from _entries(path, data, doc["entries"])
    else:
        raise IngestError(
            f"{path}: not a CCAI Insights conversation: no transcript.transcriptSegments or entries list"
        )


def _rejected(err: FieldError, raw: object, path: Path, data: bytes, interaction_id: str) -> Rejected:
    return located(
        Rejected(
            RecordError(err.reason, file=str(path), field=err.field, record_id=interaction_id),
            raw=orjson.dumps(raw).decode(),
        ),
        data,
    )


def _conversation(path: Path, data: bytes, doc: dict[str, Any]) -> Iterator[ReadItem]:
    name = doc.get("name")
    interaction_id = name.rsplit("/", 1)[-1] if isinstance(name, str) and name.strip() else path.stem
    channel = _MEDIUM.get(str(doc.get("medium")), Channel.VOICE)
    found = doc.get("callMetadata")
    call: dict[str, Any] = found if isinstance(found, dict) else {}
    by_tag: dict[int, Speaker] = {}
    if isinstance(call.get("agentChannel"), int):
        by_tag[call["agentChannel"]] = Speaker.AGENT
    if isinstance(call.get("customerChannel"), int):
        by_tag[call["customerChannel"]] = Speaker.CUSTOMER
    started: datetime | None = None
    try:
        started = aware_datetime(doc["startTime"], "startTime") if "startTime" in doc else None
    except FieldError:
        started = None
    rejected: list[Rejected] = []
    timed: list[tuple[float | None, datetime | None, Utterance]] = []
    for i, seg in enumerate(doc["transcript"]["transcriptSegments"]):
        where = f"transcript.transcriptSegments[{i}]"
        try:
            if not isinstance(seg, dict):
                raise FieldError(where, "is not an object")
            text = _text(seg, where)
            participant = seg.get("segmentParticipant")
            role = participant.get("role") if isinstance(participant, dict) else None
            speaker = _ROLES.get(str(role)) if role is not None else None
            if speaker is None:
                speaker = by_tag.get(seg["channelTag"]) if isinstance(seg.get("channelTag"), int) else None
            if speaker is None:
                raise FieldError(
                    f"{where}.segmentParticipant.role",
                    f"unknown speaker: role {role!r} and no channelTag that callMetadata names",
                )
            start = end = None
            words = seg.get("words")
            if isinstance(words, list) and words and all(isinstance(w, dict) for w in words):
                start = _offset(words[0].get("startOffset"), f"{where}.words[0].startOffset")
                end = _offset(words[-1].get("endOffset"), f"{where}.words[{len(words) - 1}].endOffset")
            at = aware_datetime(seg["messageTime"], f"{where}.messageTime") if "messageTime" in seg else None
            meta: dict[str, Any] = {"participant_role": role} if role is not None else {}
            sentiment = seg.get("sentiment")
            if isinstance(sentiment, dict) and isinstance(sentiment.get("score"), int | float):
                meta["sentiment_score"] = float(sentiment["score"])
        except FieldError as err:
            rejected.append(_rejected(err, seg, path, data, interaction_id))
            continue
        timed.append(
            (start, at, Utterance(index=0, speaker=speaker, text=text, start=start, end=end, metadata=meta))
        )
    if all(at is not None for _, at, _u in timed) and timed:
        first = started or min(at for _, at, _u in timed if at is not None)
        for _s, at, u in timed:
            if u.start is None and at is not None:
                u.start = max(0.0, (at - first).total_seconds())
    utterances = [u for _s, _a, u in timed]
    if all(u.start is not None for u in utterances):
        utterances.sort(key=lambda u: u.start or 0.0)
    for index, u in enumerate(utterances):
        u.index = index
    yield from rejected
    metadata: dict[str, Any] = {"source_format": "ccai-insights"}
    if isinstance(name, str):
        metadata["conversation_name_id"] = name
    if rejected:
        metadata["rejected_records"] = len(rejected)
    agent = doc.get("agentId")
    language = doc.get("languageCode")
    yield Interaction(
        id=interaction_id,
        channel=channel,
        utterances=utterances,
        agent_id=agent if isinstance(agent, str) and agent else None,
        language=language if isinstance(language, str) else None,
        started_at=started,
        metadata=metadata,
    )


def _entries(path: Path, data: bytes, entries: list[Any]) -> Iterator[ReadItem]:
    interaction_id = path.stem
    rejected: list[Rejected] = []
    timed: list[tuple[float, Utterance]] = []
    for i, entry in enumerate(entries):
        where = f"entries[{i}]"
        try:
            if not isinstance(entry, dict):
                raise FieldError(where, "is not an object")
            text = _text(entry, where)
            role = entry.get("role")
            speaker = _ROLES.get(str(role).upper()) if isinstance(role, str) else None
            if speaker is None:
                raise FieldError(
                    f"{where}.role", f"unknown speaker: role {role!r} (expected AGENT or CUSTOMER)"
                )
            usec = entry.get("start_timestamp_usec")
            if isinstance(usec, bool) or not isinstance(usec, int | float) or usec < 0:
                raise FieldError(
                    f"{where}.start_timestamp_usec",
                    "is missing" if usec is None else f"{usec!r} is not a time",
                )
        except FieldError as err:
            rejected.append(_rejected(err, entry, path, data, interaction_id))
            continue
        meta: dict[str, Any] = {"participant_role": role}
        if entry.get("user_id") is not None:
            meta["user_id"] = str(entry["user_id"])
        timed.append((float(usec), Utterance(index=0, speaker=speaker, text=text, metadata=meta)))
    timed.sort(key=lambda pair: pair[0])
    first = timed[0][0] if timed else 0.0
    utterances = []
    for index, (usec, u) in enumerate(timed):
        u.index = index
        u.start = (usec - first) / 1e6
        utterances.append(u)
    yield from rejected
    metadata: dict[str, Any] = {"source_format": "ccai-insights"}
    if rejected:
        metadata["rejected_records"] = len(rejected)
    yield Interaction(id=interaction_id, channel=Channel.CHAT, utterances=utterances, metadata=metadata)
