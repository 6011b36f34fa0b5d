"""Discovered reasons against known intents, scored as DSTC11 Track 2 scores its task 1.

Accuracy after a one-to-one (Hungarian) matching of clusters to intents, so a reason
split in two and two reasons merged both cost; NMI and ARI alongside; and for each
cluster its size, the intent most of it carries and how pure it is, which is what a QA
lead reads when deciding whether a cluster is a new reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from coachloop.agreement.classification import adjusted_rand, hungarian_accuracy, normalized_mutual_info

__all__ = ["ClusterPurity", "DiscoveryScore", "discovery_score_to_dict", "discovery_table", "score_discovery"]


@dataclass(frozen=True, slots=True)
class ClusterPurity:
    cluster: str
    name: str
    size: int
    top_intent: str
    purity: float
    """Share of the cluster's texts that carry `top_intent`."""


@dataclass(frozen=True, slots=True)
class DiscoveryScore:
    method: str
    texts: int
    intents: int
    clusters: int
    accuracy: float
    nmi: float
    ari: float
    per_cluster: list[ClusterPurity]
    """Largest cluster first."""


def score_discovery(
    intents: Sequence[str],
    clusters: Sequence[Hashable],
    method: str,
    names: Mapping[str, str] | None = None,
) -> DiscoveryScore:
    """Figures for one grouping: `clusters[i]` is the group of the text whose intent is
    `intents[i]`; `names` maps a cluster (as a string) to its readable name."""
    members: dict[str, Counter[str]] = {}
    for intent, cluster in zip(intents, clusters, strict=True):
        members.setdefault(str(cluster), Counter())[intent] += 1
    per_cluster = sorted(
        (
            ClusterPurity(
                cluster,
                (names or {}).get(cluster, ""),
                sum(counts.values()),
                counts.most_common(1)[0][0],
                counts.most_common(1)[0][1] / sum(counts.values()),
            )
            for cluster, counts in members.items()
        ),
        key=lambda c: (-c.size, c.cluster),
    )
    return DiscoveryScore(
        method=method,
        texts=len(intents),
        intents=len(set(intents)),
        clusters=len(members),
        accuracy=hungarian_accuracy(intents, clusters),
        nmi=normalized_mutual_info(intents, clusters),
        ari=adjusted_rand(intents, clusters),
        per_cluster=per_cluster,
    )


def discovery_score_to_dict(score: DiscoveryScore) -> dict[str, Any]:
    return {
        "method": score.method,
        "texts": score.texts,
        "intents": score.intents,
        "clusters": score.clusters,
        "accuracy": score.accuracy,
        "nmi": score.nmi,
        "ari": score.ari,
        "per_cluster": [
            {
                "cluster": c.cluster,
                "name": c.name,
                "size": c.size,
                "top_intent": c.top_intent,
                "purity": c.purity,
            }
            for c in score.per_cluster
        ],
    }


def discovery_table(score: DiscoveryScore, *, rows: int = 25) -> Table:
    table = Table(
        title=(
            f"discovery: {score.method} - {score.texts} texts, {score.intents} intents, "
            f"{score.clusters} clusters"
        ),
        caption=(
            f"accuracy (one-to-one Hungarian matching) {score.accuracy:.3f}, NMI {score.nmi:.3f}, "
            f"ARI {score.ari:.3f}"
            + (
                f"; {len(score.per_cluster) - rows} smaller clusters not shown"
                if len(score.per_cluster) > rows
                else ""
            )
        ),
        caption_justify="left",
    )
    for header in ("cluster", "name", "size", "most common intent", "purity"):
        table.add_column(header, justify="right" if header in ("size", "purity") else "left")
    for c in score.per_cluster[:rows]:
        table.add_row(c.cluster, c.name, str(c.size), c.top_intent, f"{c.purity:.0%}")
    return table
