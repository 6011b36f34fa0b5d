"""Inputs the KPIs need: schedules, agent states, engagement surveys, incentive plans.

Revision ID: 0006_kpi_inputs
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_kpi_inputs"
down_revision: str | None = "0005_rubrics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("agent_id", _key(), primary_key=True),
        sa.Column("start", sa.DateTime(), primary_key=True),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("activity", sa.String(), nullable=False),
        sa.Column("source_file", sa.String()),
    )
    op.create_table(
        "agent_states",
        sa.Column("agent_id", _key(), primary_key=True),
        sa.Column("start", sa.DateTime(), primary_key=True),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("source_file", sa.String()),
    )
    op.create_table(
        "engagement",
        sa.Column("subject_kind", sa.String(), primary_key=True),
        sa.Column("subject", _key(), primary_key=True),
        sa.Column("period_start", sa.Date(), primary_key=True),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("responses", sa.Integer()),
        sa.Column("source_file", sa.String()),
    )
    op.create_table(
        "incentive_weights",
        sa.Column("plan", _key(), primary_key=True),
        sa.Column("kpi", _key(), primary_key=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("better", sa.String(), nullable=False),
        sa.Column("source_file", sa.String()),
    )


def downgrade() -> None:
    for name in ("incentive_weights", "engagement", "agent_states", "schedules"):
        op.drop_table(name)
