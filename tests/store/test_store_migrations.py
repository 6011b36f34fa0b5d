"""Schema management: migrations reach head, are idempotent, match tables.py, refuse the future."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from coachloop.errors import StoreError
from coachloop.store import default_url, open_store
from coachloop.store.engine import MIGRATIONS_DIR, alembic_config, create_store_engine
from coachloop.store.tables import metadata
from tests.store.store_builders import interaction

TABLES = {"agents", "interactions", "utterances", "evaluations", "behavior_results", "quarantine", "reviews", "rubrics"}


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_reach_head_on_an_empty_database_and_are_idempotent(store_url: str) -> None:
    with open_store(store_url) as store:
        store.write([interaction("c-1")], source_format="native")
    with open_store(store_url) as store:  # second open: nothing to do, nothing lost
        assert store.count_interactions() == 1

    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")  # an explicit re-run is a no-op too
            assert MigrationContext.configure(conn).get_current_revision() == head() == "0012_ftsfast"
            assert set(inspect(conn).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_migrated_schema_matches_tables_module(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_store_engine(store_url)
    try:
        with engine.connect() as conn:
            # SQLite's FTS5 table (and its shadow tables) live outside the metadata.
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, _parent: not (
                        kind == "table" and name is not None and name.startswith("transcript_fts")
                    ),
                },
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_refuses_a_database_newer_than_the_code(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        engine.dispose()

    with pytest.raises(StoreError, match="'9999_future', newer than this coachloop"):
        open_store(store_url)


def test_migrations_ship_as_files_next_to_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()


def test_sqlite_connections_use_wal_foreign_keys_and_normal_sync(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()


def test_default_url_is_coachloop_db_or_a_file_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACHLOOP_DB", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("COACHLOOP_DB")
    monkeypatch.chdir(tmp_path)
    assert default_url() == f"sqlite:///{tmp_path / 'coachloop.db'}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "invalid database URL"),
        ("mysql://u@h/db", "unsupported database"),
        ("sqlite:////no/such/dir/x.db", "directory /no/such/dir does not exist"),
    ],
)
def test_bad_urls_are_store_errors(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_review_revision_copies_stored_review_reasons_to_behaviour_rows(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
            conn.execute(
                text(
                    "INSERT INTO interactions (id, channel, transferred, escalated, utterance_count, "
                    "transcript_hash, content_hash, source_format, ingested_at, updated_at) VALUES "
                    "('c-1', 'voice', false, false, 0, 't', 'c', 'native', '2026-12-01', '2026-12-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO evaluations (interaction_id, rubric, rubric_version, compliance_passed, "
                    "auto_failed, section_scores, evaluated_at, results) VALUES "
                    "('c-1', 'bank', '1', true, false, '{}', '2026-12-01', :results)"
                ),
                {
                    "results": '[{"id": "verify", "outcome": "not_applicable", "review_reason": "unsure"},'
                    ' {"id": "greet", "outcome": "met", "review_reason": null}]'
                },
            )
            conn.execute(
                text(
                    "INSERT INTO behavior_results (interaction_id, rubric, behavior_id, outcome, confidence, "
                    "critical) VALUES ('c-1', 'bank', 'verify', 'not_applicable', 0.9, true), "
                    "('c-1', 'bank', 'greet', 'met', 0.9, false)"
                )
            )
            command.upgrade(alembic_config(conn), "head")
            found = conn.execute(
                text("SELECT behavior_id, review_reason FROM behavior_results ORDER BY behavior_id")
            ).all()
        assert [tuple(r) for r in found] == [("greet", None), ("verify", "unsure")]
    finally:
        engine.dispose()
