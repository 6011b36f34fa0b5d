"""A seeded, documented split of labelled calls into a tuning part and a held-out part.

Why: detectors are tuned by looking at calls. A figure is honest only on calls nobody
looked at while tuning, so every labelled set is cut once, the same way every time, and
only the tuning part is read when writing phrase lists, examples or thresholds. The
held-out part is what `coachloop eval behaviors --part heldout` reports.

The cut depends only on the interaction ids and the seed (the ids are sorted, then
shuffled with `random.Random(seed)`), so adding a call elsewhere in the file or reading
the labels in another order does not move a call from one part to the other within one
label set.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TypeVar

__all__ = ["HELD_OUT_SHARE", "SPLIT_SEED", "Part", "held_out_ids", "split_part"]

SPLIT_SEED = 10
"""The seed of the split of `eval/labels/hvb_dev_retail_bank.jsonl` used for tuning the
retail_bank rubric (issue 10); changing it would put tuned-on calls into the held-out part."""
HELD_OUT_SHARE = 0.5
"""Share of the calls kept aside (rounded down)."""


class Part(StrEnum):
    all = "all"
    tuning = "tuning"
    heldout = "heldout"


T = TypeVar("T")


def held_out_ids(ids: Iterable[str], seed: int = SPLIT_SEED, share: float = HELD_OUT_SHARE) -> frozenset[str]:
    """The ids kept aside: `share` of them (rounded down), chosen by a seeded shuffle."""
    if not 0.0 < share < 1.0:
        raise ValueError(f"the held-out share must be between 0 and 1, got {share}")
    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    return frozenset(ordered[: int(len(ordered) * share)])


def split_part(
    items: Sequence[T],
    ids: Sequence[str],
    part: Part,
    *,
    seed: int = SPLIT_SEED,
    share: float = HELD_OUT_SHARE,
) -> list[T]:
    """The items whose id (`ids[i]` for `items[i]`) falls in `part` of the split."""
    if part is Part.all:
        return list(items)
    aside = held_out_ids(ids, seed, share)
    keep_held_out = part is Part.heldout
    return [item for item, i in zip(items, ids, strict=True) if (i in aside) == keep_held_out]
