"""Web sign-in and audit: users' password hashes, the audit log, the store's secrets.

Revision ID: 0009_web
Revises: 0008_coaching
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_web"
down_revision: str | None = "0008_coaching"  # re-chained after 0008_coaching on merging sessions
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _key() -> sa.types.TypeEngine[Any]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_name", _key(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("object_kind", sa.String(), nullable=False),
        sa.Column("object_id", _key(), nullable=False),
        sa.Column("detail", _json()),
    )
    op.create_index("ix_audit_log_object", "audit_log", ["object_kind", "object_id"])
    op.create_index("ix_audit_log_user_name", "audit_log", ["user_name"])
    op.create_table(
        "web_secrets",
        sa.Column("name", _key(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_secrets")
    op.drop_index("ix_audit_log_user_name", table_name="audit_log")
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
