"""Coaching sessions: scheduled and held micro, review and development sessions.

Revision ID: 0008_coaching
Revises: 0007_live
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_coaching"
down_revision: str | None = "0007_live"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _key() -> sa.types.TypeEngine[Any]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "coaching_sessions",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("agent_id", _key(), nullable=False),
        sa.Column("supervisor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("held_at", sa.DateTime()),
        sa.Column("duration_minutes", sa.Integer()),
        sa.Column("agenda", _json()),
        sa.Column("notes", sa.Text()),
        sa.Column("behaviors", _json()),
        sa.Column("commitments", _json()),
        sa.Column("improvement_plan", sa.Text()),
        sa.Column("next_checkpoint", sa.Date()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_coaching_sessions_agent_id", "coaching_sessions", ["agent_id"])
    op.create_index("ix_coaching_sessions_supervisor", "coaching_sessions", ["supervisor"])


def downgrade() -> None:
    op.drop_index("ix_coaching_sessions_supervisor", table_name="coaching_sessions")
    op.drop_index("ix_coaching_sessions_agent_id", table_name="coaching_sessions")
    op.drop_table("coaching_sessions")
