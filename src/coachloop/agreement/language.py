"""Word-level language identification against labels: tokens, languages, code-mixing.

Labels are sentences of (token, language) pairs (`language.langid.read_labelled`: one
`token<TAB>label` per line, a blank line between sentences). Token accuracy compares
labels exactly, lower-cased (a token tagged "fr" where the label is EN is wrong). A
sentence is code-mixed when its tokens carry more than one label; the identifier's
`code_mixed` flag is compared with that. Cross-validation splits by sentence, so no
sentence is both trained and tested on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from coachloop.agreement.behaviors import Interval, wilson_interval
from coachloop.language.langid import LanguageIdentifier
from coachloop.stats import seeded_folds

__all__ = [
    "LanguageScore",
    "Sentence",
    "cross_validate_language",
    "language_folds",
    "language_score_to_dict",
    "language_table",
    "score_identifier",
]

Sentence = list[tuple[str, str]]


@dataclass(slots=True)
class LanguageScore:
    """Running tallies; add sentences with `add`, read the figures off the properties."""

    method: str
    tokens: int = 0
    tokens_right: int = 0
    sentences: int = 0
    sentences_right: int = 0
    mixed_right: int = 0
    errors: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(token lower-cased, label, predicted) -> count."""
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(label, predicted) -> tokens."""

    def add(self, sentence: Sentence, predicted: Sequence[str], predicted_mixed: bool) -> None:
        if len(predicted) != len(sentence):
            raise ValueError(f"{len(sentence)} labelled tokens but {len(predicted)} predicted")
        right = 0
        for (token, label), guess in zip(sentence, predicted, strict=True):
            label, guess = label.lower(), guess.lower()
            self.pairs[(label, guess)] += 1
            if label == guess:
                right += 1
            else:
                self.errors[(token.lower(), label, guess)] += 1
        self.tokens += len(sentence)
        self.tokens_right += right
        self.sentences += 1
        self.sentences_right += right == len(sentence)
        self.mixed_right += predicted_mixed == (len({label.lower() for _, label in sentence}) > 1)

    @property
    def token_accuracy(self) -> float:
        return self.tokens_right / self.tokens if self.tokens else 0.0

    @property
    def token_accuracy_ci(self) -> Interval | None:
        return wilson_interval(self.tokens_right, self.tokens)

    @property
    def mixed_accuracy(self) -> float:
        return self.mixed_right / self.sentences if self.sentences else 0.0

    def per_language(self) -> list[tuple[str, int, float, float, float]]:
        """(label, tokens, precision, recall, F1) for each true label, commonest first."""
        support: Counter[str] = Counter()
        called: Counter[str] = Counter()
        for (label, guess), n in self.pairs.items():
            support[label] += n
            called[guess] += n
        rows = []
        for label, n in support.most_common():
            tp = self.pairs[(label, label)]
            precision = tp / called[label] if called[label] else 0.0
            recall = tp / n
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            rows.append((label, n, precision, recall, f1))
        return rows


def score_identifier(
    identifier: LanguageIdentifier, sentences: Sequence[Sentence], score: LanguageScore
) -> None:
    """Tag each sentence (its tokens joined by spaces) and add the result to `score`."""
    tags = identifier.tag_many(" ".join(token for token, _ in s) for s in sentences)
    for sentence, tag in zip(sentences, tags, strict=True):
        score.add(sentence, [t.lang for t in tag.tokens], tag.code_mixed)


def language_folds(n: int, folds: int = 5, seed: int = 7) -> list[list[int]]:
    """`folds` disjoint, seeded sets of sentence indexes covering 0..n-1."""
    return seeded_folds(n, folds, seed)


def cross_validate_language(
    sentences: Sequence[Sentence],
    *,
    folds: int = 5,
    seed: int = 7,
    epochs: int = 8,
    on_fold: Callable[[int], None] | None = None,
) -> LanguageScore:
    """Train `LanguageIdentifier` on all folds but one and score it on that one, for each."""
    if len(sentences) < folds:
        raise ValueError(
            f"{folds}-fold cross-validation needs at least {folds} sentences, got {len(sentences)}"
        )
    score = LanguageScore(f"sequence model, {folds}-fold cross-validation by sentence (seed {seed})")
    for k, test in enumerate(language_folds(len(sentences), folds, seed)):
        held = set(test)
        identifier = LanguageIdentifier().fit(
            [s for i, s in enumerate(sentences) if i not in held], epochs=epochs
        )
        score_identifier(identifier, [sentences[i] for i in test], score)
        if on_fold is not None:
            on_fold(k)
    return score


def language_score_to_dict(score: LanguageScore, *, errors: int = 20) -> dict[str, Any]:
    return {
        "method": score.method,
        "tokens": score.tokens,
        "token_accuracy": score.token_accuracy,
        "token_accuracy_ci": Interval.as_list(score.token_accuracy_ci),
        "sentences": score.sentences,
        "sentences_all_right": score.sentences_right,
        "code_mixed_accuracy": score.mixed_accuracy,
        "per_language": [
            {"label": label, "tokens": n, "precision": p, "recall": r, "f1": f}
            for label, n, p, r, f in score.per_language()
        ],
        "commonest_errors": [
            {"token": token, "label": label, "predicted": guess, "count": n}
            for (token, label, guess), n in score.errors.most_common(errors)
        ],
    }


def language_table(score: LanguageScore, *, errors: int = 10) -> Table:
    ci = score.token_accuracy_ci
    table = Table(
        title=f"language id: {score.method} ({score.sentences} sentences, {score.tokens} tokens)",
        caption=(
            f"token accuracy {score.token_accuracy:.4f}"
            + (f" [{ci.low:.4f}-{ci.high:.4f}]" if ci is not None else "")
            + f", code-mixed sentence accuracy {score.mixed_accuracy:.3f}, sentences all right "
            f"{score.sentences_right}/{score.sentences}. Commonest errors: "
            + (", ".join(f"{t} {g}->{p} x{n}" for (t, g, p), n in score.errors.most_common(errors)) or "none")
        ),
        caption_justify="left",
    )
    for header in ("label", "tokens", "precision", "recall", "F1"):
        table.add_column(header, justify="left" if header == "label" else "right")
    for label, n, p, r, f in score.per_language():
        table.add_row(label, str(n), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}")
    return table
