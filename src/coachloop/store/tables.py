"""The schema as typed SQLAlchemy Core tables: what the store reads and writes.

The migrations in `migrations/versions` create exactly this schema; a test compares them,
so a change here needs a new revision there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

__all__ = [
    "Json",
    "Key",
    "NewestLast",
    "UTCDateTime",
    "agent_states",
    "agents",
    "audit_log",
    "behavior_results",
    "coaching_sessions",
    "engagement",
    "evaluations",
    "incentive_weights",
    "interactions",
    "live_prompts",
    "metadata",
    "models",
    "prompt_feedback",
    "quarantine",
    "reviews",
    "rubrics",
    "schedules",
    "transcript_index",
    "users",
    "utterances",
    "web_secrets",
]

Key = String().with_variant(String(collation="C"), "postgresql")
"""Ids and names compare byte-wise on both backends ("C" collation on PostgreSQL, SQLite's
default BINARY), so `ORDER BY id` is the same order as Python's `sorted()` everywhere."""

Json = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
"""A Python None is SQL NULL (not JSON 'null'), so empty metadata costs nothing to store."""


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as naive UTC and reads them back aware (UTC).

    SQLite has no time zones, so aware values are converted to UTC before storing and a
    naive value is taken to be UTC already. Both backends then hold the same text/instant
    and SQL date arithmetic (per week, per hour) agrees between them.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

class NewestLast(UnaryExpression[Any]):
    """An index column read backwards for newest-first pages (`ORDER BY started_at DESC
    NULLS LAST`): `started_at NULLS FIRST` on PostgreSQL, whose ascending indexes put
    NULLs last; plain `started_at` on SQLite, whose ascending indexes put them first
    already (and which accepts no NULLS clause in CREATE INDEX)."""

    inherit_cache = True

    def __init__(self, element: Any) -> None:
        super().__init__(element, modifier=operators.nulls_first_op)


@compiles(NewestLast, "sqlite")
def _newest_last_on_sqlite(element: NewestLast, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.element, **kw))


agents = Table(
    "agents",
    metadata,
    Column("id", Key, primary_key=True),
    Column("name", String),
    Column("team", String),
    Column("supervisor", String),
    Column("hire_date", Date),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Key, primary_key=True),
    Column("channel", String, nullable=False),
    # No foreign key to agents: transcripts routinely arrive before the agent roster.
    Column("agent_id", Key, index=True),
    Column("team", String),
    Column("queue", String),
    Column("customer_id", String),
    Column("started_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("talk_seconds", Float),
    Column("hold_seconds", Float),
    Column("acw_seconds", Float),
    Column("disposition", String),
    Column("transferred", Boolean, nullable=False),
    Column("escalated", Boolean, nullable=False),
    Column("language", String),
    Column("contact_reason", String),
    Column("csat", Float),
    Column("nps", Float),
    Column("ces", Float),
    Column("survey_comment", Text),
    Column("survey_ratings", Json),
    Column("survey_scale", Json),
    Column("metadata", Json),
    Column("utterance_count", Integer, nullable=False),
    Column("transcript_hash", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("source_format", String, nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The columnar snapshot's watermark (metrics.snapshot): the latest update, from the index.
    Index("ix_interactions_updated_at", "updated_at"),
)
# Newest-first pages (all, one agent's, one team's conversations) read an index backwards.
Index("ix_interactions_started_at", NewestLast(interactions.c.started_at))
Index(
    "ix_interactions_agent_started",
    interactions.c.agent_id,
    NewestLast(interactions.c.started_at),
    interactions.c.id,
)
Index("ix_interactions_team_started", interactions.c.team, NewestLast(interactions.c.started_at), interactions.c.id)
# A supervisor's (several agents') text search walks every conversation newest first and
# reads the agent from the index (migration 0012_ftsfast).
Index(
    "ix_interactions_started_agent",
    NewestLast(interactions.c.started_at),
    interactions.c.agent_id,
    interactions.c.id,
)

transcript_index = Table(
    "transcript_index",
    metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=True),
    Column(
        "interaction_id",
        Key,
        ForeignKey("interactions.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("words", Text().with_variant(TSVECTOR(), "postgresql")),
    Index("ix_transcript_index_words", "words", postgresql_using="gin"),
)
"""One row per conversation with a transcript, for full-text search (`store/search.py`).
PostgreSQL keeps the transcript's words here (`words`, a tsvector under a GIN index);
SQLite leaves `words` empty and keeps them in the FTS5 table `transcript_fts`, whose
rowid is `doc_id` (created by migration 0011_webperf, outside this metadata)."""

utterances = Table(
    "utterances",
    metadata,
    Column("interaction_id", Key, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("speaker", String, nullable=False),
    Column("start", Float),
    Column("end", Float),
    Column("text", Text, nullable=False),
    Column("alt_text", Text),
    Column("metadata", Json),
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("interaction_id", Key, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("rubric", Key, primary_key=True),
    Column("rubric_version", String, nullable=False),
    Column("score", Float),
    Column("compliance_passed", Boolean, nullable=False),
    Column("auto_failed", Boolean, nullable=False),
    Column("section_scores", Json, nullable=False),
    Column("reason_label", String),
    Column("reason_confidence", Float),
    Column("reason_model", String),
    Column("input_hash", String),
    Column("evaluated_at", UTCDateTime, nullable=False),
    Column("results", Json, nullable=False),
    Column("insights", Json),
    Column("rubric_fingerprint", String),
    Column("started_at", UTCDateTime),
    # `started_at` is the interaction's, copied here by database triggers (on insert of an
    # evaluation, on a change of the interaction's start; see migration 0011_webperf) so
    # that the newest-first evaluation lists read one index in order, filter included.
    Index("ix_evaluations_rubric", "rubric"),
    Index("ix_evaluations_evaluated_at", "evaluated_at"),
)
Index(
    "ix_evaluations_started",
    NewestLast(evaluations.c.started_at),
    evaluations.c.interaction_id,
    evaluations.c.rubric,
)
Index(
    "ix_evaluations_failed_started",
    evaluations.c.auto_failed,
    NewestLast(evaluations.c.started_at),
    evaluations.c.interaction_id,
    evaluations.c.rubric,
)
Index(
    "ix_evaluations_rubric_started",
    evaluations.c.rubric,
    NewestLast(evaluations.c.started_at),
    evaluations.c.interaction_id,
)

behavior_results = Table(
    "behavior_results",
    metadata,
    Column("interaction_id", Key, primary_key=True),
    Column("rubric", Key, primary_key=True),
    Column("behavior_id", Key, primary_key=True),
    Column("section", String),
    Column("outcome", String, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("review_reason", Text),
    ForeignKeyConstraint(
        ["interaction_id", "rubric"],
        ["evaluations.interaction_id", "evaluations.rubric"],
        ondelete="CASCADE",
    ),
    Index("ix_behavior_results_rubric_behavior", "rubric", "behavior_id"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_file", String),
    Column("line", Integer),
    Column("field", String),
    Column("record_id", String),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("format", String, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # Never reuse an id after a pop: a replay report must not point at a different record.
    sqlite_autoincrement=True,
)


models = Table(
    "models",
    metadata,
    Column("name", Key, primary_key=True),
    Column("kind", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("info", Json),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Fitted models (a contact-reason classifier, ...) by name, with their own version
counter: they live with the data they were trained for, on either backend."""


reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String, nullable=False),
    Column("interaction_id", Key, ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
    Column("rubric", Key, nullable=False),
    Column("behavior_id", Key, nullable=False),
    Column("outcome", String),
    Column("machine_outcome", String, nullable=False),
    Column("machine_confidence", Float, nullable=False),
    Column("reviewer", String, nullable=False),
    Column("note", Text),
    Column("session", String),
    Column("input_hash", String),
    Column("rubric_version", String, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_reviews_key", "interaction_id", "rubric", "behavior_id"),
    # Ids order reviews and disputes of one outcome: a dispute is open until an override
    # with a larger id exists, so an id is never reused.
    sqlite_autoincrement=True,
)
"""Human judgements of behaviour outcomes, never touched by re-evaluation (see
`store/reviews.py`): overrides (`kind` "override"), calibration reviews ("calibration",
with a `session`) and agents' disputes ("dispute", no `outcome`). Each keeps the machine's
outcome at the time and the input hash and rubric version it applies to."""
# -- inputs the KPIs need (see coachloop.ingest.kpi_inputs for the file formats) ---------

schedules = Table(
    "schedules",
    metadata,
    Column("agent_id", Key, primary_key=True),
    Column("start", UTCDateTime, primary_key=True),
    Column("end", UTCDateTime, nullable=False),
    Column("activity", String, nullable=False),
    Column("source_file", String),
)
"""What each agent was scheduled to do: `work` (on the queues) or time off them."""

agent_states = Table(
    "agent_states",
    metadata,
    Column("agent_id", Key, primary_key=True),
    Column("start", UTCDateTime, primary_key=True),
    Column("end", UTCDateTime, nullable=False),
    Column("state", String, nullable=False),
    Column("source_file", String),
)
"""What each agent's phone or desktop said they were doing (available, handling, away, offline)."""

engagement = Table(
    "engagement",
    metadata,
    Column("subject_kind", String, primary_key=True),
    Column("subject", Key, primary_key=True),
    Column("period_start", Date, primary_key=True),
    Column("period_end", Date, nullable=False),
    Column("score", Float, nullable=False),
    Column("responses", Integer),
    Column("source_file", String),
)
"""Engagement survey results (0-100) per team or agent and period."""

incentive_weights = Table(
    "incentive_weights",
    metadata,
    Column("plan", Key, primary_key=True),
    Column("kpi", Key, primary_key=True),
    Column("weight", Float, nullable=False),
    Column("better", String, nullable=False),
    Column("source_file", String),
)
"""Incentive plans: how much each KPI weighs in pay, and which direction it rewards."""
rubrics = Table(
    "rubrics",
    metadata,
    Column("name", Key, primary_key=True),
    Column("version", String, nullable=False),
    Column("fingerprint", String, nullable=False),
    Column("source", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)
"""Rubrics a team registered (`coachloop rubric add`), as the YAML text they gave, by name:
`evaluate` chooses among these and the shipped ones."""
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Key, nullable=False, unique=True),
    Column("role", String, nullable=False),
    Column("agent_id", Key),
    Column("team", String),
    Column("token_hash", String, nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_hash", String),
)
"""People and systems that use the web app and live sessions; tokens are kept as SHA-256,
passwords (for signing in to the pages; none for token-only users) as argon2id hashes."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_name", Key, nullable=False, index=True),
    Column("role", String, nullable=False),
    Column("action", String, nullable=False),
    Column("object_kind", String, nullable=False),
    Column("object_id", Key, nullable=False),
    Column("detail", Json),
    Index("ix_audit_log_object", "object_kind", "object_id"),
)
"""Who opened (or changed) what, and when: conversations, plans, users."""

web_secrets = Table(
    "web_secrets",
    metadata,
    Column("name", Key, primary_key=True),
    Column("value", String, nullable=False),
)
"""Random secrets made once per store (the session-cookie signing key)."""

live_prompts = Table(
    "live_prompts",
    metadata,
    Column("id", Key, primary_key=True),
    Column("session", Key, nullable=False, index=True),
    Column("agent_id", Key),
    Column("team", String),
    Column("rubric", String),
    Column("kind", String, nullable=False),
    Column("behavior", String),
    Column("article", String),
    Column("text", Text, nullable=False),
    Column("at_utterance", Integer, nullable=False),
    Column("evidence", Json),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("withdrawn_at_utterance", Integer),
)
"""Real-time prompts as sent to agents (evidence redacted), to measure precision in production."""

prompt_feedback = Table(
    "prompt_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("prompt_id", Key, ForeignKey("live_prompts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("action", String, nullable=False),
    Column("user_name", String),
    Column("at", UTCDateTime, nullable=False),
)
"""What the agent did with each prompt: used or dismissed (the last word counts)."""

coaching_sessions = Table(
    "coaching_sessions",
    metadata,
    Column("id", Key, primary_key=True),
    Column("agent_id", Key, nullable=False, index=True),
    Column("supervisor", String, nullable=False, index=True),
    Column("kind", String, nullable=False),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("held_at", UTCDateTime),
    Column("duration_minutes", Integer),
    Column("agenda", Json),
    Column("notes", Text),
    Column("behaviors", Json),
    Column("commitments", Json),
    Column("improvement_plan", Text),
    Column("next_checkpoint", Date),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""Coaching sessions (micro, review, development): scheduled, then held with notes, the
agreed focus behaviours, commitments and the next checkpoint (`coachloop coach sessions`)."""
