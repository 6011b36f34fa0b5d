"""`--format hvb` / `hvb-asr`: Harper Valley Bank calls, one conversation per JSON line.

Fields: id, contact_reason, agent_logged_reasons, agent_name, session, survey
(caller_rating, agent_rating, caller_ease, agent_ease on 0-10), utterances (index,
speaker, start, end, text, asr_text, emotion). `hvb` takes the human transcript as the
text and keeps the recogniser's as `alt_text`; `hvb-asr` takes only the recogniser's
transcript, as a production system would see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coachloop.errors import FieldError, RecordError
from coachloop.ingest.lines import iter_json_lines
from coachloop.ingest.records import readers
from coachloop.model import Channel, Interaction, ReadItem, Rejected, Speaker, Survey, Utterance

__all__ = ["HVB_QUEUE", "parse_hvb", "read_hvb", "read_hvb_asr"]

HVB_QUEUE = "retail_banking"
RATINGS = ("caller_rating", "agent_rating", "caller_ease", "agent_ease")
SPEAKERS = {"agent": Speaker.AGENT, "customer": Speaker.CUSTOMER, "caller": Speaker.CUSTOMER}


_Bad = FieldError  # one error class for a bad field, shared by every reader


def _number(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(field, f"{value!r} is not a number")
    return float(value)


def _text(value: Any, field: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Bad(field, f"expected text, got {type(value).__name__}")
    return value


def _utterance(pos: int, u: Any, use_asr: bool) -> Utterance:
    where = f"utterances[{pos}]"
    if not isinstance(u, dict):
        raise _Bad(where, "an utterance must be an object")
    speaker = SPEAKERS.get(str(u.get("speaker")).lower())
    if speaker is None:
        raise _Bad(f"{where}.speaker", f"unknown speaker {u.get('speaker')!r} (expected agent or customer)")
    index = u.get("index", pos)
    if not isinstance(index, int) or isinstance(index, bool):
        raise _Bad(f"{where}.index", f"{index!r} is not an integer")
    human = _text(u.get("text"), f"{where}.text", required=not use_asr)
    asr = _text(u.get("asr_text"), f"{where}.asr_text", required=use_asr)
    text = asr if use_asr else human
    emotion = u.get("emotion")
    metadata = {"emotion": emotion} if isinstance(emotion, dict) else {}
    return Utterance(
        index=index,
        speaker=speaker,
        text=text or "",
        start=_number(u.get("start"), f"{where}.start"),
        end=_number(u.get("end"), f"{where}.end"),
        alt_text=None if use_asr else asr,
        metadata=metadata,
    )


def parse_hvb(obj: Any, use_asr: bool = False) -> Interaction:
    """An HVB conversation as an `Interaction`; raises `_Bad` naming the field."""
    if not isinstance(obj, dict):
        raise _Bad("", "a record must be a JSON object")
    cid = obj.get("id")
    if not isinstance(cid, str | int) or isinstance(cid, bool) or not str(cid).strip():
        raise _Bad("id", "missing or empty id")
    utterances_raw = obj.get("utterances")
    if not isinstance(utterances_raw, list):
        raise _Bad("utterances", "expected a list of utterances")
    utterances = [_utterance(i, u, use_asr) for i, u in enumerate(utterances_raw)]
    survey_raw = obj.get("survey") or {}
    if not isinstance(survey_raw, dict):
        raise _Bad("survey", "expected an object")
    ratings = {k: v for k in RATINGS if (v := _number(survey_raw.get(k), f"survey.{k}")) is not None}
    for k, v in ratings.items():
        if not 0 <= v <= 10:
            raise _Bad(f"survey.{k}", f"{v:g} is outside the 0-10 scale")
    survey = Survey(ratings=ratings, scale={k: 10.0 for k in ratings}) if ratings else None
    agent_name = _text(obj.get("agent_name"), "agent_name", required=False)
    reason = _text(obj.get("contact_reason"), "contact_reason", required=False)
    logged = obj.get("agent_logged_reasons") or []
    times = [t for u in utterances for t in (u.start, u.end) if t is not None]
    return Interaction(
        id=str(cid),
        channel=Channel.VOICE,
        utterances=utterances,
        agent_id=f"hvb-{agent_name.strip().lower()}" if agent_name and agent_name.strip() else None,
        team="harper_valley",
        queue=HVB_QUEUE,
        talk_seconds=round(max(times) - min(times), 3) if times else None,
        language="en",
        contact_reason=reason,
        survey=survey,
        metadata={
            "dataset": "hvb",
            "session": obj.get("session"),
            "agent_name": agent_name,
            "agent_logged_reasons": logged,
            "transcript": "asr" if use_asr else "human",
        },
    )


def _read(path: Path, use_asr: bool) -> Iterator[ReadItem]:
    for item in iter_json_lines(path):
        if isinstance(item, Rejected):
            yield item
            continue
        line, obj, raw = item
        try:
            yield parse_hvb(obj, use_asr)
        except _Bad as bad:
            rid = str(obj.get("id")) if isinstance(obj, dict) and obj.get("id") is not None else None
            yield Rejected(
                RecordError(bad.reason, file=str(path), line=line, field=bad.field or None, record_id=rid),
                raw,
            )


@readers.register("hvb")
def read_hvb(path: Path) -> Iterator[ReadItem]:
    return _read(path, use_asr=False)


@readers.register("hvb-asr")
def read_hvb_asr(path: Path) -> Iterator[ReadItem]:
    return _read(path, use_asr=True)
