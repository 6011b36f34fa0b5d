"""Full-text search over stored (already redacted) transcripts, on both backends.

One row of `transcript_index` per conversation with a transcript. PostgreSQL keeps the
conversation's words there as a `tsvector` (text search configuration `simple`: no
stemming, no stop words; stripped of positions, which no query needs) under a GIN
index. SQLite keeps them in the FTS5 table `transcript_fts` (`FTS5_TOKENIZER`,
diacritics kept, `detail=none`: the index knows which conversations hold a word, not
where), whose rowid is `doc_id`.

The contract is the same on both: a query is split into words (runs of letters, digits
and combining marks, lower-cased, at most `MAX_WORDS`), and a conversation matches when
every word is a whole word of its transcript (any utterance, any speaker,
case-insensitive). "card" finds "Card," but not "cards"; "c-123" asks for "c" and "123";
"कार्ड" is one word.

The index is kept in step by the ingest write path (`index_transcripts`, called by
`writer.write_items` for every transcript it writes, new or replaced); deleting a
conversation deletes its index row (foreign key cascade; on SQLite a trigger then
drops its FTS5 row). `reindex_all` rebuilds it from `utterances` (bulk loads).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, bindparam, exists, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from coachloop.store.tables import interactions, transcript_index

__all__ = [
    "COMMON_MATCHES",
    "MAX_WORDS",
    "TextMatch",
    "index_transcripts",
    "reindex_all",
    "search_words",
    "transcript_filter",
    "transcript_match",
]

MAX_WORDS = 8
COMMON_MATCHES = 5_000
"""A query matching at least this many conversations is answered by reading the page's
order index and keeping the rows whose transcript matches; a rarer one by reading its
matches and sorting them. Counting up to this many is cheap on both backends (FTS5
doclist, GIN index or a short scan)."""

_CONFIG = "simple"
FTS5_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
"""Letters, digits, private-use characters and combining marks make words (marks: so
that "कार्ड" is one word, as PostgreSQL's parser has it); everything else separates."""


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def search_words(q: str | None) -> list[str]:
    """The words a query asks for, as the index splits text: lower-cased, in order,
    without repeats."""
    seen: dict[str, None] = {}
    word: list[str] = []
    for char in (q or "").lower() + " ":
        if _is_word_char(char):
            word.append(char)
        elif word:
            seen.setdefault("".join(word), None)
            word = []
    return list(seen)[:MAX_WORDS]


def _fts_query(words: list[str]) -> str:
    # Each word quoted (FTS5 string): no word is read as an operator (AND, NEAR...).
    return " ".join(f'"{w}"' for w in words)


@dataclass(frozen=True, slots=True)
class TextMatch:
    condition: ColumnElement[bool]
    """On `interactions`: the transcript holds every word."""
    few: bool
    """Fewer than `COMMON_MATCHES` conversations match: a query should start from the
    matches rather than walk an index in page order."""


def transcript_filter(conn: Connection, q: str | None) -> ColumnElement[bool] | None:
    """A condition on `interactions`: the transcript holds every word of `q`; None when
    `q` has no words (no condition)."""
    found = transcript_match(conn, q)
    return None if found is None else found.condition


def transcript_match(conn: Connection, q: str | None) -> TextMatch | None:
    """`transcript_filter` with the plan it was built for; None when `q` has no words."""
    words = search_words(q)
    if not words:
        return None
    t = transcript_index
    if conn.dialect.name == "postgresql":
        query = func.plainto_tsquery(text(f"'{_CONFIG}'"), " ".join(words))
        matched = select(t.c.interaction_id).where(t.c.words.op("@@")(query))
        # PostgreSQL guesses a word it has no statistics for (most are rare) at 0.5 % of
        # the rows and would walk the newest-first index past a million rows for one
        # match: a rare word's matches are fetched first and given as a list, whose
        # length it then knows.
        few = conn.execute(matched.limit(COMMON_MATCHES)).scalars().all()
        if len(few) < COMMON_MATCHES:
            return TextMatch(interactions.c.id.in_(few), few=True)
        return TextMatch(interactions.c.id.in_(matched), few=False)
    match = _fts_query(words)
    matching = text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :match").bindparams(
        bindparam("match", match)
    )
    common = conn.execute(
        text(
            "SELECT count(*) FROM (SELECT 1 FROM transcript_fts WHERE transcript_fts MATCH :match LIMIT :cap)"
        ),
        {"match": match, "cap": COMMON_MATCHES},
    ).scalar_one()
    doc_ids = matching.columns(rowid=t.c.doc_id.type).subquery("fts")
    if common < COMMON_MATCHES:
        # Few matches: start from them (an IN list), then sort what is left.
        return TextMatch(
            interactions.c.id.in_(select(t.c.interaction_id).where(t.c.doc_id.in_(select(doc_ids.c.rowid)))),
            few=True,
        )
    # Many: walk the page's index and keep the matching rows; the match set is read once
    # (an uncorrelated IN inside a correlated EXISTS, which SQLite does not drive from).
    return TextMatch(
        exists().where(t.c.interaction_id == interactions.c.id, (t.c.doc_id + 0).in_(select(doc_ids.c.rowid))),
        few=False,
    )


def index_transcripts(conn: Connection, bodies: Mapping[str, str]) -> None:
    """(Re-)index conversations' transcripts: `bodies` maps an interaction id to its
    utterance texts joined by spaces, as stored. Inside the caller's transaction."""
    if not bodies:
        return
    ids = sorted(bodies)
    t = transcript_index
    if conn.dialect.name == "postgresql":
        insert = postgresql.insert(t)
        stmt = insert.values(
            interaction_id=bindparam("iid"),
            words=func.strip(func.to_tsvector(text(f"'{_CONFIG}'"), bindparam("body"))),
        ).on_conflict_do_update(index_elements=[t.c.interaction_id], set_={"words": insert.excluded.words})
        conn.execute(stmt, [{"iid": i, "body": bodies[i]} for i in ids])
        return
    conn.execute(
        sqlite.insert(t).on_conflict_do_nothing(index_elements=[t.c.interaction_id]),
        [{"interaction_id": i} for i in ids],
    )
    from coachloop.store.writer import chunked

    doc: dict[str, int] = {}
    for chunk in chunked(ids):
        for row in conn.execute(select(t.c.interaction_id, t.c.doc_id).where(t.c.interaction_id.in_(chunk))):
            doc[row.interaction_id] = row.doc_id
    pairs = [(doc[i], bodies[i]) for i in ids]
    conn.exec_driver_sql("DELETE FROM transcript_fts WHERE rowid = ?", [(d,) for d, _ in pairs])
    conn.exec_driver_sql("INSERT INTO transcript_fts (rowid, body) VALUES (?, ?)", pairs)


def reindex_all(conn: Connection) -> int:
    """Rebuild the whole index from `utterances` (after a bulk load that bypassed the
    write path); returns how many conversations are indexed."""
    t = transcript_index
    conn.execute(t.delete())
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "INSERT INTO transcript_index (interaction_id, words) "
            f"SELECT interaction_id, strip(to_tsvector('{_CONFIG}', string_agg(text, ' ' ORDER BY idx))) "
            "FROM utterances GROUP BY interaction_id ORDER BY interaction_id"
        )
    else:
        conn.exec_driver_sql("DELETE FROM transcript_fts")
        conn.exec_driver_sql(
            "INSERT INTO transcript_index (interaction_id) "
            "SELECT DISTINCT interaction_id FROM utterances ORDER BY interaction_id"
        )
        conn.exec_driver_sql(
            "INSERT INTO transcript_fts (rowid, body) SELECT t.doc_id, "
            "(SELECT group_concat(text, ' ') FROM "
            "(SELECT text FROM utterances u WHERE u.interaction_id = t.interaction_id ORDER BY idx)) "
            "FROM transcript_index t"
        )
    return int(conn.execute(select(func.count()).select_from(t)).scalar_one())
