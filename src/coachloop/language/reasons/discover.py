"""Contact-reason discovery: group customer texts by why they called, without being told
how many reasons there are, and name each group so a person can read the list.

Why this method: the number of reasons is unknown and their sizes are very uneven (a
"get a quote" reason can be six times a "find an agent" one), which k-means handles
badly (it splits the big reason and merges small ones) and a model-selection criterion
over k (silhouette) picks erratically on sentence embeddings. Average-linkage
agglomerative clustering cut at a fixed cosine distance needs no k: a group is a set of
texts whose mean pairwise distance stays under the threshold, whatever its size. Texts
left in groups too small to be a reason (outliers, typos) join the nearest real group.

Each text is represented by its sentence embedding (`embeddings`) joined with a lighter
TF-IDF of its words (weight 0.5), because embeddings group by topic ("a dependent on my
plan") while the words keep actions apart ("add" vs "remove").

Calibration: the three settings (word weight 0.5, distance threshold 0.6, smallest group
8) were chosen on BANKING77 only, by a grid (word weight 0 / 0.3 / 0.5, threshold 0.45 to
0.65, smallest group 3 / 5 / 8) over 6 seeded random subsets of 15-25 of its intents
with 20-60 texts each (`benchmarks/eval_discover.py --calibrate`: mean accuracy 0.764,
1.06 clusters per intent), never on the DSTC11 sets that `eval_discover` reports.

One cut cannot suit every reason: reasons about one product that differ by the action
("enroll in a plan", "cancel a plan", "change a plan") sit closer together than unrelated
reasons do, and merge. So a group at least twice the median group size is clustered
again on its own, with word weights computed within it (the words that tell its members
apart) and a tighter cut (0.55); it is split when two or more parts of at least the
smallest group size come out. On the BANKING77 calibration subsets this adds 0.020,
0.022 and 0.042 accuracy (seeds 0-2; `eval_discover.py --calibrate`), chosen among cuts
0.45-0.6 and sizes 1.5-3 times the median there, not on DSTC11.

Names: class-based TF-IDF (c-TF-IDF, as BERTopic): a term scores by its frequency inside
the group times log(1 + average group size in words / its frequency in all groups), so
words every group uses ("account", "please") sink. The name joins the top three terms;
the representatives are the texts nearest the group's centroid.

Above `max_texts` texts, a seeded sample of that many is clustered (average linkage
needs the full distance matrix: 4,000 texts take ~130 MB and a few seconds) and every
other text joins its nearest group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from coachloop.language.embeddings import Encoder, default_encoder

__all__ = [
    "DISTANCE_THRESHOLD",
    "MAX_TEXTS",
    "MIN_CLUSTER_SIZE",
    "SPLIT_SIZE",
    "SPLIT_THRESHOLD",
    "WORDS_WEIGHT",
    "Cluster",
    "Discovery",
    "discover",
    "name_clusters",
]

WORDS_WEIGHT = 0.5
DISTANCE_THRESHOLD = 0.6
MIN_CLUSTER_SIZE = 8
SPLIT_THRESHOLD = 0.55
SPLIT_SIZE = 2.0
MAX_TEXTS = 4000
_NAME_TERMS = 3
_KEYWORDS = 8


@dataclass(frozen=True, slots=True)
class Cluster:
    """One discovered reason: `id` indexes `Discovery.clusters`, largest first."""

    id: int
    name: str
    size: int
    representatives: list[str]
    keywords: list[str]


@dataclass(frozen=True, slots=True)
class Discovery:
    labels: list[int]
    """The cluster id of each input text, in input order."""
    clusters: list[Cluster]


@dataclass(slots=True)
class _Space:
    """Texts as [embedding, w * tf-idf], each part unit length: cosine is a dot product."""

    dense: NDArray[np.float64]
    words: sparse.csr_matrix
    norms: NDArray[np.float64]

    def similarity(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        sub = self.dense[rows]
        sub_words = self.words[rows]
        sims = sub @ sub.T + np.asarray((sub_words @ sub_words.T).todense())
        norms = self.norms[rows]
        return np.asarray(sims / np.outer(norms, norms), dtype=np.float64)

    def centroids(
        self, labels: NDArray[np.int64], groups: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], sparse.csr_matrix]:
        dense = np.stack([self.dense[labels == g].mean(axis=0) for g in groups])
        words = sparse.vstack([sparse.csr_matrix(self.words[labels == g].mean(axis=0)) for g in groups])
        return dense, sparse.csr_matrix(words)

    def nearest(
        self, rows: NDArray[np.int64], dense: NDArray[np.float64], words: sparse.csr_matrix
    ) -> NDArray[np.int64]:
        """Index of the most cosine-similar centroid for each of `rows`."""
        norms = np.sqrt((dense**2).sum(axis=1) + np.asarray(words.multiply(words).sum(axis=1)).ravel())
        sims = self.dense[rows] @ dense.T + np.asarray((self.words[rows] @ words.T).todense())
        sims /= np.maximum(norms, 1e-12)[None, :]
        return np.asarray(sims.argmax(axis=1), dtype=np.int64)


def _space(texts: Sequence[str], embeddings: NDArray[np.float32], words_weight: float) -> _Space:
    dense = np.asarray(embeddings, dtype=np.float64)
    dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
    words: sparse.csr_matrix = sparse.csr_matrix((len(texts), 1), dtype=np.float64)
    if words_weight > 0:
        try:
            tfidf = TfidfVectorizer(
                ngram_range=(1, 2),
                sublinear_tf=True,
                stop_words="english",
                min_df=2 if len(texts) >= 50 else 1,
            ).fit_transform(texts)
            words = sparse.csr_matrix(tfidf * words_weight, dtype=np.float64)
        except ValueError:  # no word left (all stop words): embeddings alone
            pass
    norms = np.sqrt(1.0 + np.asarray(words.multiply(words).sum(axis=1)).ravel())
    return _Space(dense, words, norms)


def _min_size(n: int, min_cluster_size: int | None) -> int:
    """8 as calibrated; fewer for a small input, so 30 texts can still hold 3 reasons."""
    if min_cluster_size is not None:
        return max(1, min_cluster_size)
    return max(2, min(MIN_CLUSTER_SIZE, n // 10))


def _agglomerate(space: _Space, rows: NDArray[np.int64], threshold: float) -> NDArray[np.int64]:
    distances = np.clip(1.0 - space.similarity(rows), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    return np.asarray(fcluster(tree, t=threshold, criterion="distance"), dtype=np.int64)


def _join_small(
    space: _Space, rows: NDArray[np.int64], found: NDArray[np.int64], smallest: int
) -> NDArray[np.int64]:
    """Groups of `rows` under `smallest` texts joined to the nearest larger group."""
    found = found.copy()
    groups, counts = np.unique(found, return_counts=True)
    kept = groups[counts >= smallest]
    if kept.size == 0:
        return found
    small = np.flatnonzero(~np.isin(found, kept))
    if small.size:
        labels = np.full(space.dense.shape[0], -1, dtype=np.int64)
        labels[rows] = found
        dense, words = space.centroids(labels, kept)
        found[small] = kept[space.nearest(rows[small], dense, words)]
    return found


def _split_large(
    texts: Sequence[str],
    embeddings: NDArray[np.float32],
    rows: NDArray[np.int64],
    found: NDArray[np.int64],
    threshold: float,
    size: float,
    smallest: int,
    words_weight: float,
) -> NDArray[np.int64]:
    """Each group of `rows` at least `size` times the median group size, clustered
    again on its own (its own word weights, a tighter `threshold`); kept split when two
    or more parts of `smallest` texts or more come out."""
    found = found.copy()
    groups, counts = np.unique(found, return_counts=True)
    large = groups[(counts >= size * np.median(counts)) & (counts >= 2 * smallest)]
    fresh = int(found.max()) + 1
    for group in large:
        members = np.flatnonzero(found == group)
        local = np.arange(members.size, dtype=np.int64)
        sub = _space([texts[i] for i in rows[members]], embeddings[rows[members]], words_weight)
        parts = _join_small(sub, local, _agglomerate(sub, local, threshold), smallest)
        if np.unique(parts).size < 2:
            continue
        for part in np.unique(parts)[1:]:
            found[members[parts == part]] = fresh
            fresh += 1
    return found


def discover(
    texts: Sequence[str],
    *,
    encoder: Encoder | None = None,
    embeddings: NDArray[np.float32] | None = None,
    threshold: float = DISTANCE_THRESHOLD,
    min_cluster_size: int | None = None,
    words_weight: float = WORDS_WEIGHT,
    split_threshold: float | None = SPLIT_THRESHOLD,
    split_size: float = SPLIT_SIZE,
    max_texts: int = MAX_TEXTS,
    representatives: int = 3,
    random_state: int = 0,
) -> Discovery:
    """Group `texts` into reasons; the number of groups is found, not given.

    `embeddings` (one row per text, from `encoder`) skips encoding when the caller has
    them already. `split_threshold=None` keeps the groups of the first cut (see the module
    docstring). Deterministic for the same texts and settings.
    """
    texts = list(texts)
    n = len(texts)
    if n == 0:
        return Discovery([], [])
    if embeddings is None:
        embeddings = (encoder or default_encoder()).encode(texts)
    if len(embeddings) != n:
        raise ValueError(f"{n} texts but {len(embeddings)} embeddings")
    space = _space(texts, embeddings, words_weight)
    rows = np.arange(n, dtype=np.int64)
    if n > max_texts:
        rows = np.sort(np.random.default_rng(random_state).choice(n, max_texts, replace=False))
    labels = np.full(n, -1, dtype=np.int64)
    labels[rows] = _agglomerate(space, rows, threshold) if len(rows) > 1 else 0

    smallest = _min_size(len(rows), min_cluster_size)
    labels[rows] = _join_small(space, rows, labels[rows], smallest)
    if split_threshold is not None:
        labels[rows] = _split_large(
            texts, embeddings, rows, labels[rows], split_threshold, split_size, smallest, words_weight
        )
    unassigned = np.flatnonzero(labels < 0)
    if unassigned.size:
        kept = np.unique(labels[rows])
        dense, words = space.centroids(labels, kept)
        labels[unassigned] = kept[space.nearest(unassigned, dense, words)]

    ordered = sorted(np.unique(labels).tolist(), key=lambda g: (-int((labels == g).sum()), g))
    remap = {g: i for i, g in enumerate(ordered)}
    final = np.array([remap[int(g)] for g in labels], dtype=np.int64)
    names = name_clusters(texts, final.tolist())
    dense, words = space.centroids(final, np.arange(len(ordered)))
    clusters = []
    for cid in range(len(ordered)):
        members = np.flatnonzero(final == cid)
        clusters.append(
            Cluster(
                id=cid,
                name=names[cid][0],
                size=int(members.size),
                representatives=_representatives(
                    texts, space, members, dense[cid], words[cid], representatives
                ),
                keywords=names[cid][1],
            )
        )
    return Discovery(final.tolist(), clusters)


def _representatives(
    texts: list[str],
    space: _Space,
    members: NDArray[np.int64],
    dense: NDArray[np.float64],
    words: sparse.csr_matrix,
    count: int,
) -> list[str]:
    sims = space.dense[members] @ dense + np.asarray((space.words[members] @ words.T).todense()).ravel()
    sims /= space.norms[members]
    chosen: list[str] = []
    seen: set[str] = set()
    for i in members[np.argsort(-sims, kind="stable")]:
        key = " ".join(texts[i].lower().split())
        if key not in seen:
            seen.add(key)
            chosen.append(texts[i])
        if len(chosen) == count:
            break
    return chosen


def name_clusters(texts: Sequence[str], labels: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """{cluster id: (name, keywords)} from the terms most distinctive of each cluster."""
    ids = sorted(set(labels))
    result: dict[int, tuple[str, list[str]]] = {cid: (f"reason {cid}", []) for cid in ids}
    try:
        vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words="english")
        counts = sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # only stop words: no term can name anything
        return result
    terms = vectorizer.get_feature_names_out()
    per_cluster = np.vstack(
        [np.asarray(counts[np.flatnonzero(np.asarray(labels) == cid)].sum(axis=0)).ravel() for cid in ids]
    ).astype(np.float64)
    words_in_cluster = per_cluster.sum(axis=1, keepdims=True)
    tf = per_cluster / np.maximum(words_in_cluster, 1.0)
    idf = np.log1p(words_in_cluster.mean() / np.maximum(per_cluster.sum(axis=0), 1.0))
    scores = tf * idf
    for row, cid in enumerate(ids):
        keywords: list[str] = []
        kept_counts: list[float] = []
        for j in np.argsort(-scores[row], kind="stable"):
            if scores[row, j] <= 0 or len(keywords) == _KEYWORDS:
                break
            term = str(terms[j])
            words = set(term.split())
            overlap = [i for i, kept in enumerate(keywords) if words & set(kept.split())]
            if not overlap:
                keywords.append(term)
                kept_counts.append(float(per_cluster[row, j]))
            elif (
                len(words) == 2
                and all(" " not in keywords[i] for i in overlap)
                and all(per_cluster[row, j] >= 0.5 * kept_counts[i] for i in overlap)
            ):
                # "card arrival" reads better than "arrival" and "card" when it is how the
                # cluster says them; otherwise a term sharing a kept word adds nothing
                keywords[overlap[0]] = term
                for i in reversed(overlap[1:]):
                    del keywords[i], kept_counts[i]
        if keywords:
            result[cid] = (" / ".join(keywords[:_NAME_TERMS]), keywords)
    return result
