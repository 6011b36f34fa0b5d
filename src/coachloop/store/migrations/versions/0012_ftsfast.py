"""A newest-first index of every conversation that carries its agent and id: a
supervisor's transcript search walks it and probes only their agents' rows, with no
table read per row (coachloop.store.search, "probe" plan).

Revision ID: 0012_ftsfast
Revises: 0011_webperf
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012_ftsfast"
down_revision: str | None = "0011_webperf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_interactions_started_agent",
        "interactions",
        ["started_at", "agent_id", "id"],
        postgresql_ops={"started_at": "NULLS FIRST"},
    )


def downgrade() -> None:
    op.drop_index("ix_interactions_started_agent", table_name="interactions")
