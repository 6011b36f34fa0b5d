"""Initial schema: agents, interactions, utterances, evaluations, behavior_results, quarantine.

Revision ID: 0001
Revises:
Create Date: 2026-05-09

A snapshot, not an import of `tables.py`: later revisions must not change what this one
creates. Types match `tables.py` (its UTCDateTime stores a plain DATETIME).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("name", sa.String()),
        sa.Column("team", sa.String()),
        sa.Column("supervisor", sa.String()),
        sa.Column("hire_date", sa.Date()),
    )
    op.create_table(
        "interactions",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("agent_id", _key()),
        sa.Column("team", sa.String()),
        sa.Column("queue", sa.String()),
        sa.Column("customer_id", sa.String()),
        sa.Column("started_at", sa.DateTime()),
        sa.Column("ended_at", sa.DateTime()),
        sa.Column("talk_seconds", sa.Float()),
        sa.Column("hold_seconds", sa.Float()),
        sa.Column("acw_seconds", sa.Float()),
        sa.Column("disposition", sa.String()),
        sa.Column("transferred", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String()),
        sa.Column("contact_reason", sa.String()),
        sa.Column("csat", sa.Float()),
        sa.Column("nps", sa.Float()),
        sa.Column("ces", sa.Float()),
        sa.Column("survey_comment", sa.Text()),
        sa.Column("survey_ratings", _json()),
        sa.Column("survey_scale", _json()),
        sa.Column("metadata", _json()),
        sa.Column("utterance_count", sa.Integer(), nullable=False),
        sa.Column("transcript_hash", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("source_format", sa.String(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_interactions_agent_id", "interactions", ["agent_id"])
    op.create_index("ix_interactions_started_at", "interactions", ["started_at"])
    op.create_table(
        "utterances",
        sa.Column(
            "interaction_id", _key(), sa.ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("speaker", sa.String(), nullable=False),
        sa.Column("start", sa.Float()),
        sa.Column("end", sa.Float()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("alt_text", sa.Text()),
        sa.Column("metadata", _json()),
    )
    op.create_table(
        "evaluations",
        sa.Column(
            "interaction_id", _key(), sa.ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("rubric", _key(), primary_key=True),
        sa.Column("rubric_version", sa.String(), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("compliance_passed", sa.Boolean(), nullable=False),
        sa.Column("auto_failed", sa.Boolean(), nullable=False),
        sa.Column("section_scores", _json(), nullable=False),
        sa.Column("reason_label", sa.String()),
        sa.Column("reason_confidence", sa.Float()),
        sa.Column("reason_model", sa.String()),
        sa.Column("input_hash", sa.String()),
        sa.Column("evaluated_at", sa.DateTime(), nullable=False),
        sa.Column("results", _json(), nullable=False),
    )
    op.create_index("ix_evaluations_rubric", "evaluations", ["rubric"])
    op.create_table(
        "behavior_results",
        sa.Column("interaction_id", _key(), primary_key=True),
        sa.Column("rubric", _key(), primary_key=True),
        sa.Column("behavior_id", _key(), primary_key=True),
        sa.Column("section", sa.String()),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id", "rubric"],
            ["evaluations.interaction_id", "evaluations.rubric"],
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_behavior_results_rubric_behavior", "behavior_results", ["rubric", "behavior_id"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_file", sa.String()),
        sa.Column("line", sa.Integer()),
        sa.Column("field", sa.String()),
        sa.Column("record_id", sa.String()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for name in ("quarantine", "behavior_results", "evaluations", "utterances", "interactions", "agents"):
        op.drop_table(name)
