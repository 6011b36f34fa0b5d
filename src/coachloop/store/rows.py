"""Interaction <-> table rows, and the rules for merging what different sources know.

Sources arrive in any order: an ACD export (`InteractionUpdate`), a survey file
(`SurveyUpdate`), a transcript (`Interaction`). Each knows part of an interaction, so
the rule everywhere is that **None or empty means "this source does not know"** and
never erases what another source stored:

- a full `Interaction` replaces every field it has a value for; fields it leaves None
  keep their stored value; `metadata` and survey `ratings`/`scale` are merged key by
  key (new keys win); an empty utterance list keeps the stored transcript;
  `transferred`/`escalated` are kept True once a source has said so (an
  `InteractionUpdate` can still set them False); `channel` always has a value and is
  replaced, unless a metadata update named it (`metadata["channel_from"] == "metadata"`):
  the channel a metadata table gives wins whichever file came first;
- an `InteractionUpdate` changes only the fields it names with a non-None value;
- a `SurveyUpdate` changes only the survey values it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, or_

from coachloop.errors import StoreError
from coachloop.model import Channel, Interaction, InteractionUpdate, Speaker, Survey, Utterance
from coachloop.rubric.schema import CONDITION_FIELDS
from coachloop.store.codec import content_hash_of, dumps, transcript_hash
from coachloop.store.tables import evaluations

__all__ = [
    "UPDATABLE_FIELDS",
    "UTTERANCE_COLUMNS",
    "Row",
    "apply_survey",
    "apply_update",
    "finish_row",
    "interaction_from_row",
    "merge_interaction",
    "new_row",
    "utterance_from_row",
    "utterance_params",
]

Row = dict[str, Any]

_SCALARS = (
    "agent_id",
    "team",
    "queue",
    "customer_id",
    "started_at",
    "ended_at",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "disposition",
    "language",
    "contact_reason",
)
_FLAGS = ("transferred", "escalated")
UPDATABLE_FIELDS = frozenset({"channel", *_SCALARS, *_FLAGS})
"""The `Interaction` fields an `InteractionUpdate` may name."""

_EMPTY_TRANSCRIPT = transcript_hash([])
CHANNEL_FROM = "channel_from"
"""Metadata key saying a metadata table named the channel (so a transcript does not replace it);
kept in the row, left out of the `Interaction` read back."""


def new_row(interaction_id: str, source_format: str, now: datetime) -> Row:
    """A bare interaction: what an update for an unknown id creates."""
    row: Row = {name: None for name in _SCALARS}
    row.update(
        id=interaction_id,
        channel=str(Channel.VOICE),
        transferred=False,
        escalated=False,
        csat=None,
        nps=None,
        ces=None,
        survey_comment=None,
        survey_ratings=None,
        survey_scale=None,
        metadata=None,
        utterance_count=0,
        transcript_hash=_EMPTY_TRANSCRIPT,
        content_hash="",
        source_format=source_format,
        ingested_at=now,
        updated_at=now,
    )
    return row


def _merged(old: dict[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any] | None:
    if not new:
        return old
    return {**old, **new} if old else dict(new)


def merge_interaction(row: Row, item: Interaction, source_format: str) -> None:
    """Apply a full interaction to `row` in place (rules in the module docstring)."""
    if (row["metadata"] or {}).get(CHANNEL_FROM) != "metadata":
        row["channel"] = str(item.channel)
    for name in _SCALARS:
        value = getattr(item, name)
        if value is not None:
            row[name] = value
    for name in _FLAGS:
        row[name] = bool(row[name] or getattr(item, name))
    if item.survey is not None:
        apply_survey(row, item.survey)
    row["metadata"] = _merged(row["metadata"], item.metadata)
    row["source_format"] = source_format
    if item.utterances:
        row["utterance_count"] = len(item.utterances)
        row["transcript_hash"] = transcript_hash(item.utterances)


def apply_update(row: Row, update: InteractionUpdate) -> None:
    for name, value in update.fields.items():
        if name not in UPDATABLE_FIELDS:
            known = ", ".join(sorted(UPDATABLE_FIELDS))
            raise StoreError(
                f"interaction {update.interaction_id}: cannot update field {name!r} (known: {known})"
            )
        if value is None:
            continue
        if name == "channel":
            try:
                value = str(Channel(value))
            except ValueError:
                raise StoreError(f"interaction {update.interaction_id}: unknown channel {value!r}") from None
            row["metadata"] = _merged(row["metadata"], {CHANNEL_FROM: "metadata"})
        row[name] = value
    row["metadata"] = _merged(row["metadata"], update.metadata)


def apply_survey(row: Row, survey: Survey) -> None:
    for name in ("csat", "nps", "ces"):
        value = getattr(survey, name)
        if value is not None:
            row[name] = value
    if survey.comment is not None:
        row["survey_comment"] = survey.comment
    row["survey_ratings"] = _merged(row["survey_ratings"], survey.ratings)
    row["survey_scale"] = _merged(row["survey_scale"], survey.scale)


def finish_row(row: Row, now: datetime) -> None:
    """Stamp a row about to be written: its content hash follows its merged fields."""
    row["content_hash"] = content_hash_of(row["transcript_hash"], [row[name] for name in CONDITION_FIELDS])
    row["updated_at"] = now


UTTERANCE_COLUMNS = ("interaction_id", "idx", "speaker", "start", "end", "text", "alt_text", "metadata")


def utterance_params(interaction_id: str, utterances: Sequence[Utterance]) -> list[tuple[Any, ...]]:
    """Driver-ready values in `UTTERANCE_COLUMNS` order; empty metadata is NULL (most turns)."""
    return [
        (
            interaction_id,
            u.index,
            str(u.speaker),
            u.start,
            u.end,
            u.text,
            u.alt_text,
            dumps(u.metadata) if u.metadata else None,
        )
        for u in utterances
    ]


_SPEAKERS = {s.value: s for s in Speaker}
"""Speaker by stored value: a dict lookup costs a tenth of calling the enum."""


def utterance_from_row(row: RowMapping) -> Utterance:
    return Utterance(
        index=row["idx"],
        speaker=_SPEAKERS[row["speaker"]],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        alt_text=row["alt_text"],
        metadata=row["metadata"] or {},
    )


def interaction_from_row(row: RowMapping, utterances: list[Utterance]) -> Interaction:
    """An `Interaction` as stored; `survey` is None when no survey value is known."""
    ratings = row["survey_ratings"] or {}
    scale = row["survey_scale"] or {}
    survey_values = (row["csat"], row["nps"], row["ces"], row["survey_comment"])
    survey = None
    if ratings or scale or any(v is not None for v in survey_values):
        survey = Survey(
            csat=row["csat"],
            nps=row["nps"],
            ces=row["ces"],
            comment=row["survey_comment"],
            ratings=ratings,
            scale=scale,
        )
    return Interaction(
        id=row["id"],
        channel=Channel(row["channel"]),
        utterances=utterances,
        survey=survey,
        metadata={k: v for k, v in (row["metadata"] or {}).items() if k != CHANNEL_FROM},
        transferred=row["transferred"],
        escalated=row["escalated"],
        **{name: row[name] for name in _SCALARS},
    )


def after_evaluation(last: tuple[str, str]) -> ColumnElement[bool]:
    """Evaluations after (interaction_id, rubric) `last` in their stored order: the next page."""
    e = evaluations
    return or_(e.c.interaction_id > last[0], and_(e.c.interaction_id == last[0], e.c.rubric > last[1]))
