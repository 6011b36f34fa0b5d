"""Cohen's kappa with a bootstrap interval: scikit-learn's estimate, a seeded interval,
and None where kappa is undefined."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from coachloop.agreement.kappa import _resampled_kappas, cohen_kappa


def test_kappa_is_scikit_learns_and_its_interval_brackets_it() -> None:
    a = ["met", "met", "missed", "not_applicable", "met", "missed", "met", "met", "missed", "met"] * 3
    b = ["met", "missed", "missed", "not_applicable", "met", "met", "met", "met", "missed", "met"] * 3
    result = cohen_kappa(a, b)
    assert result.kappa == pytest.approx(cohen_kappa_score(a, b))
    assert result.n == 30 and result.agreement == pytest.approx(0.8)
    assert result.ci is not None and result.kappa is not None
    assert result.ci[0] < result.kappa < result.ci[1] <= 1.0
    assert cohen_kappa(a, b) == result  # seeded: the same interval every run


def test_vectorised_resample_kappa_matches_scikit_learn_on_each_resample() -> None:
    import numpy as np

    a = np.array([0, 0, 1, 2, 0, 1, 0, 0, 1, 0])
    b = np.array([0, 1, 1, 2, 0, 0, 0, 0, 1, 0])
    kappas = _resampled_kappas(a, b, 3, resamples=5, seed=7)
    picks = np.random.default_rng(7).integers(0, 10, size=(5, 10))
    expected = [cohen_kappa_score(a[p], b[p], labels=[0, 1, 2]) for p in picks]
    assert list(kappas) == pytest.approx([k for k in expected if np.isfinite(k)])


def test_kappa_is_none_when_undefined_but_agreement_is_still_given() -> None:
    assert cohen_kappa([], []).agreement is None
    same = cohen_kappa(["met"] * 4, ["met"] * 4)
    assert (same.n, same.agreement, same.kappa, same.ci) == (4, 1.0, None, None)
    one = cohen_kappa(["met"], ["missed"])
    assert (one.agreement, one.kappa) == (0.0, None)
    with pytest.raises(ValueError, match="judged 2 and 1 items"):
        cohen_kappa(["met", "met"], ["met"])
