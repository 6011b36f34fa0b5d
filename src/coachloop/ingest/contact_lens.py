"""Amazon Connect Contact Lens post-contact analysis output (`--format contact-lens`).

Contact Lens writes one JSON document per analysed contact, the same shape for calls
and chats, told apart by `Channel`:

    {"Version": "...", "AccountId": "...", "Channel": "VOICE" | "CHAT",
     "LanguageCode": "en-US", "ContentMetadata": {"Output": "Raw" | "Redacted"},
     "CustomerMetadata": {"ContactId": "...", "InstanceId": "...", "InputS3Uri": "..."},
     "Participants": [{"ParticipantId": "...", "ParticipantRole": "AGENT" | "CUSTOMER" | ...}],
     "Categories": {"MatchedCategories": ["..."], "MatchedDetails": {...}},
     "ConversationCharacteristics": {"TotalConversationDurationMillis": ..., "TalkTime": {...},
                                     "NonTalkTime": {...}, "Interruptions": {...},
                                     "Sentiment": {...}, "TalkSpeed": {...}, ...},
     "Transcript": [...]}

Call turns: `{"ParticipantId", "Id", "Content", "BeginOffsetMillis", "EndOffsetMillis",
"Sentiment", "LoudnessScore", "IssuesDetected", "Redaction": {"RedactedTimestamps"}}`,
one turn per utterance. Chat items: `{"Id", "Type": "MESSAGE" | "EVENT", "AbsoluteTime",
"Content", "ContentType", "ParticipantId", "ParticipantRole", "Redaction":
{"CharacterOffsets"}}`; only messages become utterances (events such as "participant
joined" are skipped), timed in seconds from the first item of the chat, with no end.
Chat sentiment per message comes from `ConversationCharacteristics.Sentiment.
DetailsByTranscriptItemGroup`.

Mapping: id = `CustomerMetadata.ContactId` (else `JobName`, as in Transcribe Call
Analytics output which shares this shape, else the file name up to "_analysis");
speaker from the participant's role (the turn's own `ParticipantRole`, else through
`Participants`, else the `ParticipantId` when it is itself a role, as in redacted
files); per-turn sentiment (lower case) in `utterance.metadata["sentiment"]`; matched
categories in `interaction.metadata["categories"]`; `talk_seconds` from `TalkTime`; the
other conversation characteristics in `interaction.metadata` in seconds. Texts quoted by
`IssuesDetected` & co. and display names are not copied, because they may hold the
personal data that redaction removes from the transcript later; only their offsets are.

A bad turn (missing text, negative or inverted times, unknown participant) is reported as
a `Rejected` naming its path (e.g. `Transcript[3].BeginOffsetMillis`) and left out; the
interaction is still yielded and `metadata["rejected_records"]` counts what was left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.ingest.detect import format_of_record
from coachloop.ingest.lines import aware_datetime, line_of, located, read_json_document
from coachloop.ingest.pii import has_tokens, mask_char_spans, mask_entities, mask_time_spans, token_for
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, ReadItem, Rejected, Speaker, Utterance

__all__ = ["read_call_analytics", "read_contact_lens"]

_ROLES: dict[str, Speaker] = {
    "AGENT": Speaker.AGENT,
    # A supervisor who barges in speaks for the contact center.
    "SUPERVISOR": Speaker.AGENT,
    "CUSTOMER": Speaker.CUSTOMER,
    "SYSTEM": Speaker.SYSTEM,
    "CUSTOM_BOT": Speaker.BOT,
}
_CHANNELS = {"VOICE": Channel.VOICE, "CHAT": Channel.CHAT}


_Reject = Callable[[FieldError, object], None]


@readers.register("contact-lens")
def read_contact_lens(path: Path) -> Iterator[ReadItem]:
    """Read one Contact Lens analysis file as one `Interaction` (voice or chat).

    Raises `IngestError` (when iterated) if the file cannot be read or is not a Contact
    Lens analysis document.
    """
    return _read(path, "contact-lens")


@readers.register("transcribe-call-analytics")
def read_call_analytics(path: Path) -> Iterator[ReadItem]:
    """Read one Transcribe Call Analytics output file (the Contact Lens shape, with
    `JobName` and roles on each turn) as one voice `Interaction`."""
    return _read(path, "transcribe-call-analytics")


def _read(path: Path, fmt: str) -> Iterator[ReadItem]:
    name = str(path)
    data, doc = read_json_document(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("Transcript"), list):
        looks_like = format_of_record(doc)
        hint = (
            f" (this looks like {looks_like} output: use --format {looks_like} or auto)" if looks_like else ""
        )
        what = "Contact Lens analysis" if fmt == "contact-lens" else "Transcribe Call Analytics output"
        raise IngestError(f"{path}: not a {what} file: no 'Transcript' list{hint}")

    interaction_id = _interaction_id(doc, path)
    rejected: list[Rejected] = []

    def reject(err: FieldError, raw: object) -> None:
        rejected.append(
            located(
                Rejected(
                    RecordError(err.reason, file=name, field=err.field, record_id=interaction_id),
                    raw=orjson.dumps(raw).decode(),
                ),
                data,
            )
        )

    channel_name = doc.get("Channel")
    channel = _CHANNELS.get(channel_name) if isinstance(channel_name, str) else None
    if channel is None:
        yield Rejected(
            RecordError(
                f"unknown channel {channel_name!r} (expected VOICE or CHAT)",
                file=name,
                line=line_of(data, "Channel"),
                field="Channel",
                record_id=interaction_id,
            ),
            raw=data.decode("utf-8", "backslashreplace"),
        )
        return

    participants = _participants(doc.get("Participants"))
    characteristics = doc.get("ConversationCharacteristics")
    characteristics = characteristics if isinstance(characteristics, dict) else {}
    started_at: datetime | None = None
    ended_at: datetime | None = None
    content_meta = doc.get("ContentMetadata")
    raw_file = not (isinstance(content_meta, dict) and content_meta.get("Output") == "Redacted")
    if channel is Channel.VOICE:
        utterances = _voice_turns(doc["Transcript"], participants, reject, raw_file)
    else:
        utterances, started_at, ended_at = _chat_messages(
            doc["Transcript"], participants, _chat_sentiments(characteristics), reject, raw_file
        )

    metadata: dict[str, Any] = {"source_format": fmt}
    metadata.update(_contact_metadata(doc))
    talk_seconds = _characteristics(characteristics, metadata, reject)
    yield from rejected
    if rejected:
        metadata["rejected_records"] = len(rejected)
    language = doc.get("LanguageCode")
    yield Interaction(
        id=interaction_id,
        channel=channel,
        utterances=utterances,
        started_at=started_at,
        ended_at=ended_at,
        talk_seconds=talk_seconds,
        language=language if isinstance(language, str) else None,
        metadata=metadata,
    )


def _interaction_id(doc: dict[str, Any], path: Path) -> str:
    customer = doc.get("CustomerMetadata")
    if isinstance(customer, dict):
        contact_id = customer.get("ContactId")
        if isinstance(contact_id, str) and contact_id.strip():
            return contact_id.strip()
    job = doc.get("JobName")
    if isinstance(job, str) and job.strip():
        return job.strip()
    # Contact Lens names its files "<contact id>_analysis_<timestamp>.json".
    return path.stem.split("_analysis", 1)[0]


def _participants(value: object) -> dict[str, str]:
    if not isinstance(value, list):
        return {}
    return {
        p["ParticipantId"]: p["ParticipantRole"]
        for p in value
        if isinstance(p, dict)
        and isinstance(p.get("ParticipantId"), str)
        and isinstance(p.get("ParticipantRole"), str)
    }


def _speaker(turn: dict[str, Any], where: str, participants: dict[str, str]) -> tuple[Speaker, str]:
    role = turn.get("ParticipantRole")
    pid = turn.get("ParticipantId")
    if not isinstance(role, str):
        role = participants.get(pid) if isinstance(pid, str) else None
    if role is None and isinstance(pid, str) and pid in _ROLES:
        # Redacted files name participants by their role.
        role = pid
    if role is None:
        raise FieldError(
            f"{where}.ParticipantId", f"unknown speaker: participant {pid!r} is not in Participants"
        )
    speaker = _ROLES.get(role)
    if speaker is None:
        raise FieldError(f"{where}.ParticipantRole", f"unknown speaker: participant role {role!r}")
    return speaker, role


def _content(turn: dict[str, Any], where: str) -> str:
    content = turn.get("Content")
    if content is None:
        raise FieldError(f"{where}.Content", "is missing")
    if not isinstance(content, str):
        raise FieldError(f"{where}.Content", f"is not text (got {orjson.dumps(content).decode()[:40]})")
    if not content.strip():
        raise FieldError(f"{where}.Content", "is empty")
    return content


def _marked_pii(turn: dict[str, Any], text: str, start: float | None, end: float | None) -> str:
    """`text` with the personal data the (raw) file marks in this turn masked."""
    if has_tokens(text):
        return text  # already redacted by the vendor
    entities = turn.get("Entities")
    spans: list[tuple[int, int, str]] = []
    words: list[tuple[str, str]] = []
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        token = token_for(entity.get("Type"))
        offsets = entity.get("CharacterOffsets")
        if isinstance(offsets, dict):
            b, e = offsets.get("BeginOffsetChar"), offsets.get("EndOffsetChar")
            if isinstance(b, int) and isinstance(e, int):
                spans.append((b, e, token))
                continue
        if isinstance(entity.get("Content"), str):
            words.append((entity["Content"], token))
    redaction = turn.get("Redaction")
    if isinstance(redaction, dict):
        for pair in _char_spans([{"CharacterOffsets": o} for o in redaction.get("CharacterOffsets") or []]):
            spans.append((pair[0], pair[1], "[PII]"))
    text = mask_entities(mask_char_spans(text, spans), words)
    if isinstance(redaction, dict) and start is not None and end is not None and not has_tokens(text):
        times = [
            (r["BeginOffsetMillis"] / 1000.0, r["EndOffsetMillis"] / 1000.0)
            for r in redaction.get("RedactedTimestamps") or []
            if isinstance(r, dict)
            and isinstance(r.get("BeginOffsetMillis"), int | float)
            and isinstance(r.get("EndOffsetMillis"), int | float)
        ]
        text = mask_time_spans(text, start, end, times)
    return text


def _number(raw: object, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise FieldError(field, "is missing" if raw is None else f"{raw!r} is not a number")
    return float(raw)


def _millis(raw: object, field: str) -> float:
    value = _number(raw, field)
    if value < 0:
        raise FieldError(field, f"{value:g} is negative")
    return value / 1000.0


def _voice_turns(
    transcript: list[Any], participants: dict[str, str], reject: _Reject, raw_file: bool
) -> list[Utterance]:
    kept: list[Utterance] = []
    for i, turn in enumerate(transcript):
        where = f"Transcript[{i}]"
        try:
            if not isinstance(turn, dict):
                raise FieldError(where, "is not an object")
            speaker, role = _speaker(turn, where, participants)
            text = _content(turn, where)
            start = _millis(turn.get("BeginOffsetMillis"), f"{where}.BeginOffsetMillis")
            end = _millis(turn.get("EndOffsetMillis"), f"{where}.EndOffsetMillis")
            if end < start:
                raise FieldError(
                    f"{where}.EndOffsetMillis", f"ends at {end:g} s, before it begins at {start:g} s"
                )
            if raw_file:
                text = _marked_pii(turn, text, start, end)
            meta = _turn_metadata(turn, role)
            redaction = turn.get("Redaction")
            if isinstance(redaction, dict):
                spans = [
                    [
                        _millis(r.get("BeginOffsetMillis"), f"{where}.Redaction"),
                        _millis(r.get("EndOffsetMillis"), f"{where}.Redaction"),
                    ]
                    for r in redaction.get("RedactedTimestamps") or []
                    if isinstance(r, dict)
                ]
                if spans:
                    meta["redacted_seconds"] = spans
            loudness = turn.get("LoudnessScore")
            if isinstance(loudness, list) and loudness:
                meta["loudness"] = [float(v) for v in loudness if isinstance(v, int | float)]
        except FieldError as err:
            reject(err, turn)
            continue
        kept.append(Utterance(index=0, speaker=speaker, text=text, start=start, end=end, metadata=meta))
    kept.sort(key=lambda u: u.start or 0.0)
    for index, utterance in enumerate(kept):
        utterance.index = index
    return kept


def _turn_metadata(turn: dict[str, Any], role: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"participant_role": role}
    if isinstance(turn.get("Id"), str):
        meta["turn_id"] = turn["Id"]
    sentiment = turn.get("Sentiment")
    if isinstance(sentiment, str):
        meta["sentiment"] = sentiment.lower()
    for key, out in (
        ("IssuesDetected", "issues"),
        ("OutcomesDetected", "outcomes"),
        ("ActionItemsDetected", "action_items"),
    ):
        spans = _char_spans(turn.get(key))
        if spans:
            meta[out] = spans
    return meta


def _char_spans(detected: object) -> list[list[int]]:
    spans: list[list[int]] = []
    for found in detected if isinstance(detected, list) else []:
        offsets = found.get("CharacterOffsets") if isinstance(found, dict) else None
        if isinstance(offsets, dict):
            begin, end = offsets.get("BeginOffsetChar"), offsets.get("EndOffsetChar")
            if isinstance(begin, int) and isinstance(end, int):
                spans.append([begin, end])
    return spans


def _chat_sentiments(characteristics: dict[str, Any]) -> dict[str, str]:
    sentiment = characteristics.get("Sentiment")
    groups = sentiment.get("DetailsByTranscriptItemGroup") if isinstance(sentiment, dict) else None
    by_item: dict[str, str] = {}
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, dict) or not isinstance(group.get("Sentiment"), str):
            continue
        for item in group.get("TranscriptItems") or []:
            if isinstance(item, dict) and isinstance(item.get("Id"), str):
                by_item[item["Id"]] = group["Sentiment"].lower()
    return by_item


def _chat_messages(
    transcript: list[Any],
    participants: dict[str, str],
    sentiments: dict[str, str],
    reject: _Reject,
    raw_file: bool,
) -> tuple[list[Utterance], datetime | None, datetime | None]:
    timed: list[tuple[datetime, Utterance | None]] = []
    for i, item in enumerate(transcript):
        where = f"Transcript[{i}]"
        try:
            if not isinstance(item, dict):
                raise FieldError(where, "is not an object")
            at = aware_datetime(item.get("AbsoluteTime"), f"{where}.AbsoluteTime")
            if item.get("Type") != "MESSAGE":
                # Events (joined, left, typing...) still bound the chat in time.
                timed.append((at, None))
                continue
            speaker, role = _speaker(item, where, participants)
            text = _content(item, where)
            if raw_file:
                text = _marked_pii(item, text, None, None)
            meta = _turn_metadata(item, role)
            if isinstance(item.get("Id"), str) and item["Id"] in sentiments:
                meta["sentiment"] = sentiments[item["Id"]]
            if isinstance(item.get("ContentType"), str):
                meta["content_type"] = item["ContentType"]
            redaction = item.get("Redaction")
            if isinstance(redaction, dict):
                spans = _char_spans(
                    [{"CharacterOffsets": o} for o in redaction.get("CharacterOffsets") or []]
                )
                if spans:
                    meta["redacted_chars"] = spans
        except FieldError as err:
            reject(err, item)
            continue
        timed.append((at, Utterance(index=0, speaker=speaker, text=text, metadata=meta)))
    if not timed:
        return [], None, None
    timed.sort(key=lambda pair: pair[0])
    first, last = timed[0][0], timed[-1][0]
    utterances: list[Utterance] = []
    for at, utterance in timed:
        if utterance is not None:
            utterance.index = len(utterances)
            utterance.start = (at - first).total_seconds()
            utterances.append(utterance)
    return utterances, first, last


def _contact_metadata(doc: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    customer = doc.get("CustomerMetadata")
    if isinstance(customer, dict):
        for key, out in (("InstanceId", "instance_id"), ("InputS3Uri", "input_uri")):
            if isinstance(customer.get(key), str):
                meta[out] = customer[key]
    for key, out in (("AccountId", "account_id"), ("Version", "format_version")):
        if isinstance(doc.get(key), str):
            meta[out] = doc[key]
    content = doc.get("ContentMetadata")
    if isinstance(content, dict) and isinstance(content.get("Output"), str):
        meta["redacted"] = content["Output"] == "Redacted"
    categories = doc.get("Categories")
    matched = categories.get("MatchedCategories") if isinstance(categories, dict) else None
    meta["categories"] = [c for c in matched if isinstance(c, str)] if isinstance(matched, list) else []
    return meta


def _by_role(value: object, key: str | None = None) -> dict[str, float]:
    """{"AGENT": x, ...} or {"AGENT": {key: x}, ...} as {"agent": x, ...}, numbers only."""
    out: dict[str, float] = {}
    for role, v in value.items() if isinstance(value, dict) else []:
        number = v.get(key) if key is not None and isinstance(v, dict) else v
        if isinstance(number, int | float) and not isinstance(number, bool):
            out[str(role).lower()] = float(number)
    return out


def _characteristics(cc: dict[str, Any], meta: dict[str, Any], reject: _Reject) -> float | None:
    """Fill `meta` from ConversationCharacteristics; return the talk time in seconds.

    A malformed figure is rejected on its own: the transcript is still worth reading.
    """
    where = "ConversationCharacteristics"
    talk_seconds: float | None = None

    def seconds(section: str, key: str) -> float | None:
        part = cc.get(section)
        if not isinstance(part, dict) or key not in part:
            return None
        try:
            return _millis(part[key], f"{where}.{section}.{key}")
        except FieldError as err:
            reject(err, part)
            return None

    if "TotalConversationDurationMillis" in cc:
        try:
            meta["duration_seconds"] = _millis(
                cc["TotalConversationDurationMillis"], f"{where}.TotalConversationDurationMillis"
            )
        except FieldError as err:
            reject(err, {"TotalConversationDurationMillis": cc["TotalConversationDurationMillis"]})
    talk_seconds = seconds("TalkTime", "TotalTimeMillis")
    talk = cc.get("TalkTime")
    if isinstance(talk, dict):
        by_role = _by_role(talk.get("DetailsByParticipant"), "TotalTimeMillis")
        if by_role:
            meta["talk_seconds_by_role"] = {r: v / 1000.0 for r, v in by_role.items()}
    non_talk = seconds("NonTalkTime", "TotalTimeMillis")
    if non_talk is not None:
        meta["non_talk_seconds"] = non_talk
        instances = cc["NonTalkTime"].get("Instances")
        meta["non_talk_instances"] = [
            [i["BeginOffsetMillis"] / 1000.0, i["EndOffsetMillis"] / 1000.0]
            for i in (instances if isinstance(instances, list) else [])
            if isinstance(i, dict)
            and isinstance(i.get("BeginOffsetMillis"), int | float)
            and isinstance(i.get("EndOffsetMillis"), int | float)
        ]
    interruptions = cc.get("Interruptions")
    if isinstance(interruptions, dict):
        if isinstance(interruptions.get("TotalCount"), int):
            meta["interruptions"] = interruptions["TotalCount"]
        by = interruptions.get("InterruptionsByInterrupter")
        if isinstance(by, dict):
            meta["interruptions_by_role"] = {
                str(r).lower(): len(v) for r, v in by.items() if isinstance(v, list)
            }
    sentiment = cc.get("Sentiment")
    if isinstance(sentiment, dict):
        overall = sentiment.get("OverallSentiment")
        # Calls give {"AGENT": score}; chats nest it under DetailsByParticipantRole.
        if isinstance(overall, dict) and "DetailsByParticipantRole" in overall:
            overall = overall["DetailsByParticipantRole"]
        scores = _by_role(overall)
        if scores:
            meta["overall_sentiment"] = scores
    speed = cc.get("TalkSpeed")
    if isinstance(speed, dict):
        wpm = _by_role(speed.get("DetailsByParticipant"), "AverageWordsPerMinute")
        if wpm:
            meta["words_per_minute"] = wpm
    response = cc.get("ResponseTime")
    if isinstance(response, dict):
        greeting = response.get("AgentGreetingTimeMillis")
        if isinstance(greeting, int | float) and not isinstance(greeting, bool):
            meta["agent_greeting_seconds"] = greeting / 1000.0
        details = response.get("DetailsByParticipantRole")
        if isinstance(details, dict):
            average = {
                str(r).lower(): v["Average"]["ValueMillis"] / 1000.0
                for r, v in details.items()
                if isinstance(v, dict)
                and isinstance(v.get("Average"), dict)
                and isinstance(v["Average"].get("ValueMillis"), int | float)
            }
            if average:
                meta["response_seconds_average"] = average
    return talk_seconds
