"""Web API speed at a million conversations: evaluations carry their conversation's start
(kept in step by triggers) under newest-first indexes, PostgreSQL's newest-first indexes
match `ORDER BY started_at DESC NULLS LAST`, and transcripts get a full-text index
(SQLite FTS5, PostgreSQL tsvector + GIN). Existing stores are backfilled.

Revision ID: 0011_webperf
Revises: 0010_columnar
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_webperf"
down_revision: str | None = "0010_columnar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEWEST_LAST = {"started_at": "NULLS FIRST"}

# SQLite: the evaluation's copy of its conversation's start, set after each insert and
# whenever the conversation's start changes. No trigger fires on UPDATE of evaluations,
# so these never recurse (some SQLite builds turn recursive triggers on by default).
_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER evaluations_started_at_insert AFTER INSERT ON evaluations
    BEGIN
        UPDATE evaluations
        SET started_at = (SELECT started_at FROM interactions WHERE id = NEW.interaction_id)
        WHERE interaction_id = NEW.interaction_id AND rubric = NEW.rubric;
    END
    """,
    """
    CREATE TRIGGER interactions_started_at_update AFTER UPDATE OF started_at ON interactions
    WHEN OLD.started_at IS NOT NEW.started_at
    BEGIN
        UPDATE evaluations SET started_at = NEW.started_at WHERE interaction_id = NEW.id;
    END
    """,
    # A conversation's index row goes (cascade or not): its words leave the FTS5 table.
    """
    CREATE TRIGGER transcript_index_delete AFTER DELETE ON transcript_index
    BEGIN
        DELETE FROM transcript_fts WHERE rowid = OLD.doc_id;
    END
    """,
)

_PG_TRIGGERS = (
    """
    CREATE FUNCTION coachloop_evaluation_started_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.started_at := (SELECT started_at FROM interactions WHERE id = NEW.interaction_id);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER evaluations_started_at BEFORE INSERT ON evaluations
    FOR EACH ROW EXECUTE FUNCTION coachloop_evaluation_started_at()
    """,
    """
    CREATE FUNCTION coachloop_interaction_started_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE evaluations SET started_at = NEW.started_at WHERE interaction_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER interactions_started_at AFTER UPDATE OF started_at ON interactions
    FOR EACH ROW WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at)
    EXECUTE FUNCTION coachloop_interaction_started_at()
    """,
)


def _key() -> sa.types.TypeEngine[Any]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"

    # -- evaluations: the conversation's start, under newest-first indexes ------------
    op.add_column("evaluations", sa.Column("started_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE evaluations SET started_at = "
        "(SELECT i.started_at FROM interactions i WHERE i.id = evaluations.interaction_id)"
    )
    op.create_index(
        "ix_evaluations_started",
        "evaluations",
        ["started_at", "interaction_id", "rubric"],
        postgresql_ops=_NEWEST_LAST,
    )
    op.create_index(
        "ix_evaluations_failed_started",
        "evaluations",
        ["auto_failed", "started_at", "interaction_id", "rubric"],
        postgresql_ops=_NEWEST_LAST,
    )
    op.create_index(
        "ix_evaluations_rubric_started",
        "evaluations",
        ["rubric", "started_at", "interaction_id"],
        postgresql_ops=_NEWEST_LAST,
    )
    for statement in _PG_TRIGGERS if pg else _SQLITE_TRIGGERS[:2]:
        op.execute(statement)

    # -- PostgreSQL: newest-first conversation indexes read backwards ------------------
    if pg:
        for name, columns in (
            ("ix_interactions_agent_started", ["agent_id", "started_at", "id"]),
            ("ix_interactions_team_started", ["team", "started_at", "id"]),
            ("ix_interactions_started_at", ["started_at"]),
        ):
            op.drop_index(name, table_name="interactions")
            op.create_index(name, "interactions", columns, postgresql_ops=_NEWEST_LAST)

    # -- full-text index of transcripts ------------------------------------------------
    op.create_table(
        "transcript_index",
        sa.Column("doc_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "interaction_id",
            _key(),
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("words", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")),
    )
    op.create_index("ix_transcript_index_words", "transcript_index", ["words"], postgresql_using="gin")
    if pg:
        op.execute(
            "INSERT INTO transcript_index (interaction_id, words) "
            "SELECT interaction_id, strip(to_tsvector('simple', string_agg(text, ' ' ORDER BY idx))) "
            "FROM utterances GROUP BY interaction_id ORDER BY interaction_id"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE transcript_fts USING fts5(body, "
            "tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\", detail = none)"
        )
        op.execute(_SQLITE_TRIGGERS[2])
        op.execute(
            "INSERT INTO transcript_index (interaction_id) "
            "SELECT DISTINCT interaction_id FROM utterances ORDER BY interaction_id"
        )
        op.execute(
            "INSERT INTO transcript_fts (rowid, body) SELECT t.doc_id, "
            "(SELECT group_concat(text, ' ') FROM "
            "(SELECT text FROM utterances u WHERE u.interaction_id = t.interaction_id ORDER BY idx)) "
            "FROM transcript_index t"
        )


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER interactions_started_at ON interactions")
        op.execute("DROP TRIGGER evaluations_started_at ON evaluations")
        op.execute("DROP FUNCTION coachloop_interaction_started_at()")
        op.execute("DROP FUNCTION coachloop_evaluation_started_at()")
    else:
        op.execute("DROP TRIGGER transcript_index_delete")
        op.execute("DROP TABLE transcript_fts")
        op.execute("DROP TRIGGER interactions_started_at_update")
        op.execute("DROP TRIGGER evaluations_started_at_insert")
    op.drop_index("ix_transcript_index_words", table_name="transcript_index")
    op.drop_table("transcript_index")
    if pg:
        for name, columns in (
            ("ix_interactions_agent_started", ["agent_id", "started_at", "id"]),
            ("ix_interactions_team_started", ["team", "started_at", "id"]),
            ("ix_interactions_started_at", ["started_at"]),
        ):
            op.drop_index(name, table_name="interactions")
            op.create_index(name, "interactions", columns)
    op.drop_index("ix_evaluations_rubric_started", table_name="evaluations")
    op.drop_index("ix_evaluations_failed_started", table_name="evaluations")
    op.drop_index("ix_evaluations_started", table_name="evaluations")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("started_at")
