"""Users with bearer tokens, live-assist prompts and the agents' feedback on them.

Revision ID: 0007_live
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_live"
down_revision: str | None = "0006_kpi_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _key() -> sa.types.TypeEngine[Any]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", _key(), nullable=False, unique=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("agent_id", _key()),
        sa.Column("team", sa.String()),
        sa.Column("token_hash", sa.String(), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "live_prompts",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("session", _key(), nullable=False),
        sa.Column("agent_id", _key()),
        sa.Column("team", sa.String()),
        sa.Column("rubric", sa.String()),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("behavior", sa.String()),
        sa.Column("article", sa.String()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at_utterance", sa.Integer(), nullable=False),
        sa.Column("evidence", _json()),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at_utterance", sa.Integer()),
    )
    op.create_index("ix_live_prompts_session", "live_prompts", ["session"])
    op.create_table(
        "prompt_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("prompt_id", _key(), sa.ForeignKey("live_prompts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("user_name", sa.String()),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_prompt_feedback_prompt_id", "prompt_feedback", ["prompt_id"])


def downgrade() -> None:
    op.drop_index("ix_prompt_feedback_prompt_id", table_name="prompt_feedback")
    op.drop_table("prompt_feedback")
    op.drop_index("ix_live_prompts_session", table_name="live_prompts")
    op.drop_table("live_prompts")
    op.drop_table("users")
