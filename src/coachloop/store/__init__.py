"""Persistence: interactions, evaluations, agents and quarantine in SQLite or PostgreSQL.

>>> store = open_store(default_url())      # creates or migrates the schema to head
>>> stats = store.write(items, source_format="native")
>>> for ev in store.iter_evaluations("general"): ...

The schema is managed by the Alembic migrations shipped in `store/migrations`;
`open_store` applies them and refuses a database written by a newer coachloop.
"""

from __future__ import annotations

from coachloop.store.codec import content_hash, evaluation_from_dict, evaluation_to_dict
from coachloop.store.engine import create_store_engine, default_url, migrate
from coachloop.store.repo import QuarantineRow, Store, StoredModel
from coachloop.store.scorecards import BehaviorRate, Scorecard
from coachloop.store.writer import WriteStats

__all__ = [
    "BehaviorRate",
    "QuarantineRow",
    "Scorecard",
    "Store",
    "StoredModel",
    "WriteStats",
    "content_hash",
    "default_url",
    "evaluation_from_dict",
    "evaluation_to_dict",
    "open_store",
]


def open_store(url: str) -> Store:
    """Connect to `url`, migrate its schema to head, and return the store.

    Raises StoreError for a bad URL, an unreachable database, or a schema newer than
    this code.
    """
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
