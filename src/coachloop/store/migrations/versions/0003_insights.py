"""Conversation insights (language mix, customer sentiment) stored with evaluations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("insights", json))


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("insights")
