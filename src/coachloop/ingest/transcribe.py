"""Amazon Transcribe batch output (`--format transcribe`).

A Transcribe job writes one JSON document per recording:

    {"jobName": "...", "status": "COMPLETED",
     "results": {"transcripts": [{"transcript": "..."}],
                 "items": [{"id": 0, "type": "pronunciation", "start_time": "0.44",
                            "end_time": "0.89", "speaker_label": "spk_0",
                            "alternatives": [{"confidence": "0.99", "content": "Hello"}]},
                           {"type": "punctuation", "alternatives": [{"content": ","}], ...}],
                 "speaker_labels": {"speakers": 2, "segments": [...]},   # speaker diarization
                 "channel_labels": {"channels": [...], "number_of_channels": 2},  # or channels
                 "audio_segments": [{"id": 0, "transcript": "...", "start_time": "0.44",
                                     "end_time": "3.1", "speaker_label": "spk_0",
                                     "items": [0, 1, 2]}]}}

Words ("pronunciation" items) carry their times; punctuation items carry none and are
attached to the word before them. Each word is attributed to a speaker (`spk_N`, with
speaker diarization) or to a channel (`ch_N`, with channel identification): from the
label on the item itself (current outputs), else through `audio_segments` (item ids),
else through `speaker_labels.segments` / `channel_labels.channels` (older outputs, matched
on the word's times). A file with no items at all but with `audio_segments` is read from
the segments' own text.

Turns are built from the words in time order: a new utterance starts when the speaker
changes or when the speaker pauses longer than `pause_split` seconds. Text is Transcribe's
own, joined with single spaces (so languages written without spaces are not supported).
The lowest word confidence of a turn is kept in `utterance.metadata["min_confidence"]`.

Who is the agent (`coachloop.ingest.roles`): with channel identification the agent is
`ch_1` by default (Amazon Connect's convention: customer on channel 0); with speaker
diarization, the voice that talks like an agent (greets, asks how they can help, asks for
verification), and a voice that only plays announcements or IVR prompts is the `system`
speaker. Pass `agent_label` (or `ReadOptions.agent_channel` / `agent_speaker`) to say
otherwise. The decision, its method and confidence are kept in
`metadata["agent_role"]`; the raw label stays in `utterance.metadata["speaker_label"]`.

Words that the file marks as personal data (PII identification: `redactions` on the
word's alternative) are replaced by a token of their type (`[NAME]`, `[ADDRESS]`, else
`[PII]`) before anything else sees them.

A bad item (unparseable or negative time, end before start, no speaker) is reported as a
`Rejected` and left out; the interaction is still yielded with the rest, and
`metadata["rejected_records"]` counts what was left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from coachloop.errors import FieldError, IngestError, RecordError
from coachloop.ingest.detect import format_of_record
from coachloop.ingest.lines import line_of, located, read_json_document
from coachloop.ingest.records import ReadOptions, configurable, readers
from coachloop.ingest.roles import decide_roles
from coachloop.model import Channel, Interaction, ReadItem, Rejected, Speaker, Utterance

__all__ = ["DEFAULT_PAUSE_SPLIT", "read_transcribe"]

DEFAULT_PAUSE_SPLIT = 1.5
"""Seconds of silence after which the same speaker's words start a new utterance."""

_SAME_TOKENS = re.compile(r"(\[[A-Z_]+\])(?: \1)+")
"""A run of one token ("[ADDRESS] [ADDRESS] [ADDRESS]") reads as one."""
_PII_TYPES = frozenset({"NAME", "ADDRESS"})
"""PII types that keep their own token; the others (already covered by coachloop's own
redaction, or rare) become `[PII]`."""


@dataclass(slots=True)
class _Word:
    text: str
    start: float
    end: float
    label: str
    confidences: list[float] = field(default_factory=list)
    """Confidence of the word, and of nothing else: punctuation has none."""


_Reject = Callable[[FieldError, object], None]


def read_transcribe(
    path: Path,
    *,
    agent_label: str | None = None,
    agent_channel: int | None = None,
    agent_speaker: str | None = None,
    pause_split: float = DEFAULT_PAUSE_SPLIT,
) -> Iterator[ReadItem]:
    """Read one Transcribe output file as one voice `Interaction`.

    `agent_label` names the agent's speaker or channel label (e.g. "spk_1" or "ch_1");
    `agent_channel` names the agent's channel when the file has channels and
    `agent_speaker` the agent's label when it has speaker labels (each ignored otherwise).
    By default the roles are decided as `coachloop.ingest.roles` says. Raises
    `IngestError` (when iterated) if the file cannot be read or is not a Transcribe
    output document.
    """
    name = str(path)
    data, doc = read_json_document(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict):
        looks_like = format_of_record(doc)
        hint = (
            f" (this looks like {looks_like} output: use --format {looks_like} or auto)" if looks_like else ""
        )
        raise IngestError(f"{path}: not Amazon Transcribe output: no 'results' object{hint}")
    job = doc.get("jobName")
    interaction_id = job if isinstance(job, str) and job.strip() else path.stem

    def whole_file(reason: str, field_: str | None) -> Rejected:
        return Rejected(
            RecordError(
                reason, file=name, line=line_of(data, field_), field=field_, record_id=interaction_id
            ),
            raw=data.decode("utf-8", "backslashreplace"),
        )

    status = doc.get("status")
    if status is not None and status != "COMPLETED":
        yield whole_file(f"job status is {status!r}, not 'COMPLETED'", "status")
        return

    results: dict[str, Any] = doc["results"]
    if not _has_speaker_info(results):
        # One clear error instead of one per word: without diarization or channel
        # identification nobody can tell agent from customer.
        yield whole_file(
            "unknown speakers: no speaker_labels, channel_labels or labelled items "
            "(run the job with speaker diarization or channel identification)",
            "results.speaker_labels",
        )
        return
    words, rejected = _collect_words(results, name, interaction_id)
    rejected = [located(r, data) for r in rejected]
    yield from rejected

    labels_in_order = _labels_by_first_word(words)
    channel_mode = "channel_labels" in results or any(lb.startswith("ch_") for lb in labels_in_order)
    if agent_label is None:
        if channel_mode and agent_channel is not None:
            agent_label = f"ch_{agent_channel}"
        elif not channel_mode:
            agent_label = agent_speaker
    if agent_label is not None and words and agent_label not in labels_in_order:
        known = ", ".join(labels_in_order)
        yield whole_file(
            f"agent {'channel' if channel_mode else 'speaker'} {agent_label!r} does not occur in the file "
            f"(labels: {known})",
            "results.channel_labels" if channel_mode else "results.speaker_labels",
        )
        return

    utterances = _turns(words, pause_split)
    said: dict[str, list[str]] = {lb: [] for lb in labels_in_order}
    for u in utterances:
        said.setdefault(u.metadata["speaker_label"], []).append(u.text)
    decision = decide_roles(said, channels=channel_mode, agent_label=agent_label)
    speakers = {
        lb: Speaker.AGENT
        if lb == decision.agent
        else (Speaker.SYSTEM if lb in decision.system else Speaker.CUSTOMER)
        for lb in said
    }
    for u in utterances:
        u.speaker = speakers[u.metadata["speaker_label"]]
    metadata: dict[str, Any] = {
        "source_format": "transcribe",
        "speaker_labels": {lb: speakers[lb].value for lb in labels_in_order},
        "agent_role": decision.as_metadata(),
    }
    if rejected:
        metadata["rejected_records"] = len(rejected)
    language = results.get("language_code")
    yield Interaction(
        id=interaction_id,
        channel=Channel.VOICE,
        utterances=utterances,
        language=language if isinstance(language, str) else None,
        metadata=metadata,
    )


# The registry stores a plain `Reader`; registering by call rather than as a decorator
# keeps `read_transcribe`'s own signature (with `agent_label`) visible to type checkers.
readers.register("transcribe")(read_transcribe)


@configurable.register("transcribe")
def read_transcribe_with(path: Path, options: ReadOptions) -> Iterator[ReadItem]:
    """`read_transcribe` with the agent side the user gave, for channels or speakers alike."""
    return read_transcribe(path, agent_channel=options.agent_channel, agent_speaker=options.agent_speaker)


def _collect_words(
    results: dict[str, Any], file: str, interaction_id: str
) -> tuple[list[_Word], list[Rejected]]:
    """Words with punctuation attached, each attributed to a label; bad items rejected."""
    rejected: list[Rejected] = []

    def reject(err: FieldError, raw: object) -> None:
        rejected.append(
            Rejected(
                RecordError(err.reason, file=file, field=err.field, record_id=interaction_id),
                raw=orjson.dumps(raw).decode(),
            )
        )

    items = results.get("items")
    if items is None or items == []:
        return _words_from_segments(results, reject), rejected
    if not isinstance(items, list):
        reject(FieldError("results.items", "is not a list"), items)
        return [], rejected

    by_id, by_times, by_channel = _label_lookups(results)
    words: list[_Word] = []
    last_word_of: dict[str, _Word] = {}
    leading_punctuation = ""
    for i, item in enumerate(items):
        where = f"results.items[{i}]"
        try:
            if not isinstance(item, dict):
                raise FieldError(where, "is not an object")
            kind = item.get("type")
            content, confidence = _alternative(item, where)
            if kind == "punctuation":
                label = item.get("speaker_label") or item.get("channel_label")
                # Punctuation belongs to the last word of its own speaker; in a
                # channel-merged stream the word right before may be the other side's.
                target = last_word_of.get(label) if isinstance(label, str) else None
                if target is None and words:
                    target = words[-1]
                if target is None:
                    leading_punctuation += content
                else:
                    target.text += content
                continue
            if kind != "pronunciation":
                raise FieldError(f"{where}.type", f"unknown item type {kind!r}")
            start = _seconds(item.get("start_time"), f"{where}.start_time")
            end = _seconds(item.get("end_time"), f"{where}.end_time")
            if end < start:
                raise FieldError(f"{where}.end_time", f"end_time {end:g} is before start_time {start:g}")
            label = _label_of(item, where, by_id, by_times, by_channel, content)
        except FieldError as err:
            reject(err, item)
            continue
        word = _Word(
            leading_punctuation + content, start, end, label, [] if confidence is None else [confidence]
        )
        leading_punctuation = ""
        words.append(word)
        last_word_of[label] = word
    return words, rejected


def _has_speaker_info(results: dict[str, Any]) -> bool:
    if any(key in results for key in ("speaker_labels", "channel_labels")):
        return True
    items = results.get("items")
    if not items:
        # Nothing was said, or only audio segments are given (checked one by one).
        return True
    labelled = ("speaker_label", "channel_label")
    return any(
        any(key in it for key in labelled) for it in _list(items) + _list(results.get("audio_segments"))
    )


def _words_from_segments(results: dict[str, Any], reject: _Reject) -> list[_Word]:
    """Outputs without items: each audio segment stands in for a word."""
    segments = results.get("audio_segments")
    if not isinstance(segments, list):
        return []
    words: list[_Word] = []
    for i, seg in enumerate(segments):
        where = f"results.audio_segments[{i}]"
        try:
            if not isinstance(seg, dict):
                raise FieldError(where, "is not an object")
            text = seg.get("transcript")
            if not isinstance(text, str) or not text.strip():
                raise FieldError(f"{where}.transcript", "is missing or empty")
            start = _seconds(seg.get("start_time"), f"{where}.start_time")
            end = _seconds(seg.get("end_time"), f"{where}.end_time")
            if end < start:
                raise FieldError(f"{where}.end_time", f"end_time {end:g} is before start_time {start:g}")
            label = seg.get("speaker_label") or seg.get("channel_label")
            if not isinstance(label, str) or not label:
                raise FieldError(f"{where}.speaker_label", "no speaker_label or channel_label")
        except FieldError as err:
            reject(err, seg)
            continue
        words.append(_Word(text.strip(), start, end, label))
    return words


def _label_lookups(
    results: dict[str, Any],
) -> tuple[dict[int, str], dict[tuple[str, str], str], dict[tuple[str, str, str], str]]:
    """Ways to find an item's speaker when the item does not carry its own label.

    Keys are the times exactly as written (strings) so no float rounding is involved.
    """
    by_id: dict[int, str] = {}
    for seg in _list(results.get("audio_segments")):
        label = seg.get("speaker_label") or seg.get("channel_label")
        if isinstance(label, str):
            for item_id in seg.get("items") or []:
                if isinstance(item_id, int):
                    by_id[item_id] = label
    by_times: dict[tuple[str, str], str] = {}
    speaker_labels = results.get("speaker_labels")
    if isinstance(speaker_labels, dict):
        for seg in _list(speaker_labels.get("segments")):
            for it in _list(seg.get("items")):
                label = it.get("speaker_label")
                if isinstance(label, str):
                    by_times[(str(it.get("start_time")), str(it.get("end_time")))] = label
    by_channel: dict[tuple[str, str, str], str] = {}
    channel_labels = results.get("channel_labels")
    if isinstance(channel_labels, dict):
        for channel in _list(channel_labels.get("channels")):
            label = channel.get("channel_label")
            if not isinstance(label, str):
                continue
            for it in _list(channel.get("items")):
                alts = it.get("alternatives")
                content = (
                    alts[0].get("content")
                    if isinstance(alts, list) and alts and isinstance(alts[0], dict)
                    else None
                )
                # Both channels can say a word at the same instant (crosstalk), so the
                # content is part of the key.
                by_channel[(str(it.get("start_time")), str(it.get("end_time")), str(content))] = label
    return by_id, by_times, by_channel


def _label_of(
    item: dict[str, Any],
    where: str,
    by_id: dict[int, str],
    by_times: dict[tuple[str, str], str],
    by_channel: dict[tuple[str, str, str], str],
    content: str,
) -> str:
    label = item.get("speaker_label") or item.get("channel_label")
    if isinstance(label, str) and label:
        return label
    item_id = item.get("id")
    if isinstance(item_id, int) and item_id in by_id:
        return by_id[item_id]
    times = (str(item.get("start_time")), str(item.get("end_time")))
    if times in by_times:
        return by_times[times]
    if (*times, content) in by_channel:
        return by_channel[(*times, content)]
    raise FieldError(
        f"{where}.speaker_label",
        "unknown speaker: no speaker_label or channel_label for this word "
        "(was the job run with speaker or channel identification?)",
    )


def _alternative(item: dict[str, Any], where: str) -> tuple[str, float | None]:
    alts = item.get("alternatives")
    if not isinstance(alts, list) or not alts or not isinstance(alts[0], dict):
        raise FieldError(f"{where}.alternatives", "is missing or empty")
    content = alts[0].get("content")
    if not isinstance(content, str) or not content:
        raise FieldError(f"{where}.alternatives[0].content", "is missing or empty")
    marked = alts[0].get("redactions")
    if isinstance(marked, list) and marked and item.get("type") != "punctuation":
        kinds = {str(r.get("type", "")).upper() for r in marked if isinstance(r, dict)}
        content = f"[{kinds.pop()}]" if len(kinds) == 1 and kinds <= _PII_TYPES else "[PII]"
    raw = alts[0].get("confidence")
    if raw is None or item.get("type") == "punctuation":
        # Transcribe gives punctuation a meaningless confidence of 0.0.
        return content, None
    confidence = _number(raw, f"{where}.alternatives[0].confidence")
    if not 0.0 <= confidence <= 1.0:
        raise FieldError(f"{where}.alternatives[0].confidence", f"{confidence:g} is outside 0-1")
    return content, confidence


def _number(raw: object, field: str) -> float:
    if raw is None:
        raise FieldError(field, "is missing")
    if isinstance(raw, bool):
        raise FieldError(field, f"{raw!r} is not a number")
    try:
        value = float(raw) if isinstance(raw, int | float | str) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise FieldError(field, f"{raw!r} is not a number")
    return value


def _seconds(raw: object, field: str) -> float:
    value = _number(raw, field)
    if value < 0:
        raise FieldError(field, f"{value:g} is negative")
    return value


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _labels_by_first_word(words: list[_Word]) -> list[str]:
    seen: dict[str, float] = {}
    for w in words:
        if w.label not in seen or w.start < seen[w.label]:
            seen[w.label] = w.start
    return sorted(seen, key=lambda lb: (seen[lb], lb))


def _turns(words: list[_Word], pause_split: float) -> list[Utterance]:
    """Turns in time order, every one the customer's until the roles are decided."""
    # Channel-identified output lists each channel's words apart; a stable sort on the
    # start time interleaves them into conversation order.
    ordered = sorted(words, key=lambda w: w.start)
    utterances: list[Utterance] = []
    turn: list[_Word] = []

    def close() -> None:
        confidences = [c for w in turn for c in w.confidences]
        label = turn[0].label
        meta: dict[str, Any] = {"speaker_label": label}
        if confidences:
            meta["min_confidence"] = min(confidences)
        utterances.append(
            Utterance(
                index=len(utterances),
                speaker=Speaker.CUSTOMER,
                text=_SAME_TOKENS.sub(r"\1", " ".join(w.text for w in turn)),
                start=turn[0].start,
                end=max(w.end for w in turn),
                metadata=meta,
            )
        )

    for word in ordered:
        if turn and (word.label != turn[-1].label or word.start - turn[-1].end > pause_split):
            close()
            turn = []
        turn.append(word)
    if turn:
        close()
    return utterances
