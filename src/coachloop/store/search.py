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
from typing import Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from coachloop.store.tables import interactions, transcript_index

__all__ = [
    "COMMON_MATCHES",
    "MAX_WORDS",
    "SAMPLE_DOCS",
    "Plan",
    "TextMatch",
    "choose_plan",
    "index_transcripts",
    "reindex_all",
    "search_words",
    "transcript_filter",
    "transcript_match",
]

MAX_WORDS = 8
COMMON_MATCHES = 5_000
"""A query matching fewer conversations than this is answered from its matches (read
them, keep those the other filters allow, sort): cheap whatever the store's size.
Counting up to this many is cheap on both backends (FTS5 doclist, GIN index)."""

SAMPLE_DOCS = 4_000
"""A common query's share of the conversations is estimated on the newest this many
index rows (the highest `doc_id`s: the latest ingested), which is also where a
newest-first page looks first."""

# What one step of each plan costs, in microseconds, measured on the 1M-conversation
# bench store (benchmarks/bench_web_api.py). Only their ratios matter.
_COSTS = {
    # few: per match (read, look its conversation up, filter, sort); set: per match (read
    # the match set once) and per row walked (look it up in that set); probe: per row
    # walked (ask the full-text index whether this one conversation holds the words).
    "sqlite": {"few": 1.3, "set_match": 0.15, "set_row": 2.0, "probe_row": 18.0},
    "postgresql": {"few": 5.0, "set_match": 0.15, "set_row": 1.0, "probe_row": 6.0},
}
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


Plan = Literal["few", "set", "probe"]


@dataclass(frozen=True, slots=True)
class TextMatch:
    condition: ColumnElement[bool]
    """On `interactions`: the transcript holds every word."""
    plan: Plan
    """How `condition` is answered. "few": from the matches (an id list or the index's
    match set as a driving table): a query should start from them and sort. "set": the
    match set is read once and the page's order index walked, each row looked up in it.
    "probe": the page's order index is walked and each row's transcript checked on its
    own (FTS5 seeks the row in each word's doclist; PostgreSQL reads its `tsvector`), so
    a page stops after its rows whatever the word's frequency."""

    @property
    def few(self) -> bool:
        """A query should start from the matches rather than walk an index in page order."""
        return self.plan == "few"


def transcript_filter(
    conn: Connection, q: str | None, *, page: int | None = None, within: int | None = None
) -> ColumnElement[bool] | None:
    """A condition on `interactions`: the transcript holds every word of `q`; None when
    `q` has no words (no condition). `page` and `within` as for `transcript_match`."""
    found = transcript_match(conn, q, page=page, within=within)
    return None if found is None else found.condition


def choose_plan(
    backend: str, matches: float, docs: int, *, page: int | None, within: int | None
) -> Plan:
    """The cheapest plan for a query with about `matches` matching conversations out of
    `docs` indexed, for a page of `page` rows (None: every match is wanted) walked in an
    order index that holds `within` conversations (None: all of them).

    Walking the page's index, matches turn up at the rate matches/docs (independence of
    words and filters is assumed), so a page needs page * docs / matches rows, at most
    the whole index walked. Reading the match set costs in proportion to the matches."""
    if matches < COMMON_MATCHES:
        return "few"
    cost = _COSTS[backend]
    walked = float(docs if within is None else within)
    if page is not None:
        walked = min(walked, page * docs / max(matches, 1.0))
    options: dict[Plan, float] = {
        "few": cost["few"] * matches,
        "set": cost["set_match"] * matches + cost["set_row"] * walked,
        "probe": cost["probe_row"] * walked,
    }
    return min(options, key=lambda plan: options[plan])


def transcript_match(
    conn: Connection, q: str | None, *, page: int | None = None, within: int | None = None
) -> TextMatch | None:
    """`transcript_filter` with the plan chosen for it; None when `q` has no words.

    `page`: the rows a query wants (a page and one more), None for all matches; `within`:
    how many conversations the page's order index holds when a filter narrows it (one
    agent's), None for all. With neither, the plan suits reading every match."""
    words = search_words(q)
    if not words:
        return None
    t = transcript_index
    if conn.dialect.name == "postgresql":
        return _pg_match(conn, words, page=page, within=within)
    match = _fts_query(words)
    matching = text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :match").bindparams(
        bindparam("match", match)
    )
    doc_ids = matching.columns(rowid=t.c.doc_id.type).subquery("fts")
    docs = int(conn.execute(select(func.coalesce(func.max(t.c.doc_id), 0))).scalar_one())
    newest = max(docs - SAMPLE_DOCS, 0)
    sampled = docs - newest
    estimate = _fts_count(conn, match, limit=sampled, above=newest) / max(sampled, 1) * docs
    if estimate < 2 * COMMON_MATCHES and _fts_count(conn, match, limit=COMMON_MATCHES) < COMMON_MATCHES:
        plan: Plan = "few"
    else:
        plan = choose_plan("sqlite", max(estimate, COMMON_MATCHES), docs, page=page, within=within)
    if plan == "few":
        return TextMatch(
            interactions.c.id.in_(select(t.c.interaction_id).where(t.c.doc_id.in_(select(doc_ids.c.rowid)))),
            plan="few",
        )
    if plan == "set":
        # Walk the page's index and keep the matching rows; the match set is read once
        # (an uncorrelated IN inside a correlated EXISTS, which SQLite does not drive from).
        return TextMatch(
            exists().where(t.c.interaction_id == interactions.c.id, (t.c.doc_id + 0).in_(select(doc_ids.c.rowid))),
            plan="set",
        )
    # Probe: one FTS5 lookup by rowid per word and row walked, the rarest word first, so
    # that most rows cost one lookup.
    if len(words) > 1:
        rarity = {w: _fts_count(conn, _fts_query([w]), limit=sampled, above=newest) for w in words}
        words = sorted(words, key=lambda w: rarity[w])
    fts = table("transcript_fts", column("rowid", Integer))
    probes = [
        exists().where(literal_column("transcript_fts").op("MATCH")(bindparam(None, _fts_query([w]))), fts.c.rowid == t.c.doc_id)
        for w in words
    ]
    return TextMatch(exists().where(t.c.interaction_id == interactions.c.id, *probes), plan="probe")


def _fts_count(conn: Connection, match: str, *, limit: int, above: int | None = None) -> int:
    """How many index rows (above rowid `above`, if given) match, counting up to `limit`."""
    where = "transcript_fts MATCH :match" + ("" if above is None else " AND rowid > :above")
    return int(
        conn.execute(
            text(f"SELECT count(*) FROM (SELECT 1 FROM transcript_fts WHERE {where} LIMIT :cap)"),
            {"match": match, "cap": limit, "above": above},
        ).scalar_one()
    )


def _pg_match(conn: Connection, words: list[str], *, page: int | None, within: int | None) -> TextMatch:
    t = transcript_index
    query = func.plainto_tsquery(text(f"'{_CONFIG}'"), " ".join(words))
    matched = select(t.c.interaction_id).where(t.c.words.op("@@")(query))
    docs = int(conn.execute(select(func.coalesce(func.max(t.c.doc_id), 0))).scalar_one())
    # The newest rows' share that match, read from the primary key backwards (cheap: no
    # posting list is read, however common the word).
    newest = select(t.c.words).order_by(t.c.doc_id.desc()).limit(SAMPLE_DOCS).subquery()
    sampled, hits = conn.execute(
        select(func.count(), func.count().filter(newest.c.words.op("@@")(query))).select_from(newest)
    ).one()
    estimate = hits / max(sampled, 1) * docs
    if estimate < 2 * COMMON_MATCHES:
        # PostgreSQL guesses a word it has no statistics for (most are rare) at 0.5 % of
        # the rows and would walk the newest-first index past a million rows for one
        # match: a rare word's matches are fetched first and given as a list, whose
        # length it then knows.
        few = conn.execute(matched.limit(COMMON_MATCHES)).scalars().all()
        if len(few) < COMMON_MATCHES:
            return TextMatch(interactions.c.id.in_(few), plan="few")
    plan = choose_plan("postgresql", max(estimate, COMMON_MATCHES), docs, page=page, within=within)
    if plan == "probe":
        # Each row walked reads its own `tsvector` (OFFSET 0 keeps PostgreSQL from turning
        # the EXISTS into a join over every match).
        return TextMatch(
            select(t.c.interaction_id)
            .where(t.c.interaction_id == interactions.c.id, t.c.words.op("@@")(query))
            .offset(0)
            .exists(),
            plan="probe",
        )
    # "few" too: with this many matches, PostgreSQL's own plan for the subquery.
    return TextMatch(interactions.c.id.in_(matched), plan="set")


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
