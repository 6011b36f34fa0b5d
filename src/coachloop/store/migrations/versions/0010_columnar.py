"""Indexes for the columnar snapshot's watermark: the latest interaction update and the
latest evaluation are read from an index, not a scan (coachloop.metrics.snapshot).

Revision ID: 0010_columnar
Revises: 0009_web
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_columnar"
down_revision: str | None = "0009_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interactions_updated_at", "interactions", ["updated_at"])
    op.create_index("ix_evaluations_evaluated_at", "evaluations", ["evaluated_at"])


def downgrade() -> None:
    op.drop_index("ix_evaluations_evaluated_at", table_name="evaluations")
    op.drop_index("ix_interactions_updated_at", table_name="interactions")
