"""Alembic environment for coachloop's schema.

`coachloop.store.open_store` runs this with a connection already inside its transaction
(`config.attributes["connection"]`), so the upgrade commits or rolls back as a whole.
Without one (offline SQL generation, or a developer's `alembic.command` call) it uses
`sqlalchemy.url` from the config, or `default_url()`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from coachloop.store.engine import create_store_engine, default_url
from coachloop.store.tables import metadata


def _configure(connection: Connection) -> None:
    # Batch mode lets future revisions ALTER tables on SQLite (copy-and-move).
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run() -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or default_url()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_store_engine(url)
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


_run()
