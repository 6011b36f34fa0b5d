"""Persistence: interactions, evaluations, agents and quarantine in SQLite or PostgreSQL.

>>> store = open_store(default_url())      # creates or migrates the schema to head
>>> stats = store.write(items, source_format="native")
>>> for ev in store.iter_evaluations("general"): ...

The schema is managed by the Alembic migrations shipped in `store/migrations`;
`open_store` applies them and refuses a database written by a newer coachloop.
"""

from __future__ import annotations

from coachloop.errors import StoreError
from coachloop.store.codec import content_hash, evaluation_from_dict, evaluation_to_dict
from coachloop.store.engine import create_store_engine, default_url, migrate, missing_sqlite_file
from coachloop.store.repo import QuarantineRow, RegisteredRubric, Store, StoredModel
from coachloop.store.scorecards import BehaviorRate, Scorecard
from coachloop.store.writer import WriteStats

__all__ = [
    "BehaviorRate",
    "QuarantineRow",
    "RegisteredRubric",
    "Scorecard",
    "Store",
    "StoredModel",
    "WriteStats",
    "content_hash",
    "default_url",
    "evaluation_from_dict",
    "evaluation_to_dict",
    "missing_sqlite_file",
    "open_store",
]


def open_store(url: str, *, create: bool = True) -> Store:
    """Connect to `url`, migrate its schema to head, and return the store.

    With `create=False` (commands that only read) a SQLite file that does not exist is
    an error instead of a new empty database. Raises StoreError for that, a bad URL, an
    unreachable database, or a schema newer than this code.
    """
    if not create:
        missing = missing_sqlite_file(url)
        if missing is not None:
            raise StoreError(
                f"no database at {missing}: nothing to read (ingest first, or point --db / "
                "COACHLOOP_DB at an existing store)"
            )
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
