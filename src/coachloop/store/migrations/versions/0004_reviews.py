"""Human reviews of behaviour outcomes (overrides, calibration, disputes), and the
detectors' `review_reason` copied to `behavior_results` so the review queue is one query.

Revision ID: 0004_reviews
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_reviews"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("behavior_results") as batch:
        batch.add_column(sa.Column("review_reason", sa.Text()))
    _copy_review_reasons()
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column(
            "interaction_id",
            _key(),
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("rubric", _key(), nullable=False),
        sa.Column("behavior_id", _key(), nullable=False),
        sa.Column("outcome", sa.String()),
        sa.Column("machine_outcome", sa.String(), nullable=False),
        sa.Column("machine_confidence", sa.Float(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("session", sa.String()),
        sa.Column("input_hash", sa.String()),
        sa.Column("rubric_version", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reviews_key", "reviews", ["interaction_id", "rubric", "behavior_id"])


def _copy_review_reasons() -> None:
    """Evaluations stored before this revision keep `review_reason` only in their results JSON."""
    conn = op.get_bind()
    evaluations = sa.table(
        "evaluations", sa.column("interaction_id"), sa.column("rubric"), sa.column("results", sa.JSON())
    )
    results = sa.table(
        "behavior_results",
        sa.column("interaction_id"),
        sa.column("rubric"),
        sa.column("behavior_id"),
        sa.column("review_reason"),
    )
    updates = [
        {"i": row.interaction_id, "r": row.rubric, "b": b["id"], "reason": b["review_reason"]}
        for row in conn.execute(sa.select(evaluations))
        for b in row.results or []
        if b.get("review_reason")
    ]
    if updates:
        conn.execute(
            results.update()
            .where(
                results.c.interaction_id == sa.bindparam("i"),
                results.c.rubric == sa.bindparam("r"),
                results.c.behavior_id == sa.bindparam("b"),
            )
            .values(review_reason=sa.bindparam("reason")),
            updates,
        )


def downgrade() -> None:
    op.drop_index("ix_reviews_key", table_name="reviews")
    op.drop_table("reviews")
    with op.batch_alter_table("behavior_results") as batch:
        batch.drop_column("review_reason")
