"""Rubrics registered in the store, and the rubric content each evaluation was made with.

Revision ID: 0005_rubrics
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_rubrics"
down_revision: str | None = "0004_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    key = sa.String().with_variant(sa.String(collation="C"), "postgresql")
    op.create_table(
        "rubrics",
        sa.Column("name", key, primary_key=True),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    # Evaluations made before this revision have no fingerprint: they are evaluated again
    # once, since nothing tells whether their rubric was edited since.
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("rubric_fingerprint", sa.String()))


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("rubric_fingerprint")
    op.drop_table("rubrics")
