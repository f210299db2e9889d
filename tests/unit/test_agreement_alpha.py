"""Krippendorff's alpha and Cohen's kappa against published and hand-worked figures.

The collapse of unanimous units (analysis/agreement.py) must give exactly what the package gives on
the full data; kappa must use Pe = Σ_k p1k·p2k (QualCoder's Pe = Pyes·Pno is wrong).
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from workbench.analysis.agreement import cohen_kappa, nominal_alpha

nan = np.nan

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43 —
# example C: nominal data, four observers, twelve units, missing values; alpha (nominal) = 0.743.
KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],  # observer B
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],  # observer D
]
# The same paper, example A: binary data, two observers, no missing values; alpha = 0.095.
KRIPPENDORFF_A = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


def value_counts(data: list[list[float]]) -> tuple[np.ndarray, list[float]]:
    arr = np.array(data, dtype=float)
    values = sorted({v for v in arr.flatten() if not np.isnan(v)})
    counts = np.array([[np.sum(arr[:, u] == v) for v in values] for u in range(arr.shape[1])], dtype=float)
    return counts, values


def split_unanimous(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What agreement.py hands nominal_alpha: disagreeing rows, plus totals of unanimous units."""
    pairable = counts[counts.sum(axis=1) >= 2]
    unanimous = (pairable > 0).sum(axis=1) == 1
    return pairable[~unanimous], pairable[unanimous].sum(axis=0)


def test_krippendorff_published_nominal_example_with_missing_values() -> None:
    counts, values = value_counts(KRIPPENDORFF_C)
    rows, totals = split_unanimous(counts)
    alpha, note = nominal_alpha(rows, totals, [str(v) for v in values])
    assert note == ""
    assert alpha == pytest.approx(0.743, abs=5e-4)
    assert alpha == pytest.approx(krippendorff.alpha(reliability_data=KRIPPENDORFF_C,
                                                     level_of_measurement="nominal"))


def test_krippendorff_published_binary_example() -> None:
    counts, _ = value_counts(KRIPPENDORFF_A)
    rows, totals = split_unanimous(counts)
    alpha, _ = nominal_alpha(rows, totals, ["0", "1"])
    assert alpha == pytest.approx(0.095, abs=5e-4)


@pytest.mark.parametrize("seed", range(6))
def test_collapsing_unanimous_units_changes_nothing(seed: int) -> None:
    """Random data with many unanimous units and missing values: collapsed == the package on everything."""
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 7)), int(rng.integers(20, 200))
    data = rng.choice([0.0, 1.0, 2.0], size=(coders, units), p=[0.7, 0.2, 0.1])
    data[:, rng.random(units) < 0.4] = 0.0  # unanimous units
    data[rng.random((coders, units)) < 0.2] = nan  # missing values
    counts, values = value_counts(data.tolist())
    rows, totals = split_unanimous(counts)
    alpha, _ = nominal_alpha(rows, totals, [str(v) for v in values])
    assert alpha == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_alpha_is_undefined_in_words_when_only_one_value_occurs() -> None:
    alpha, note = nominal_alpha(np.zeros((0, 2)), np.array([40.0, 0.0]), ["absent", "present"])
    assert alpha is None
    assert "undefined" in note and "absent" in note


def test_alpha_without_units_says_so() -> None:
    alpha, note = nominal_alpha(np.zeros((0, 2)), np.zeros(2), ["absent", "present"])
    assert alpha is None and note == "no units to compare"


def test_cohen_kappa_hand_worked_two_by_two() -> None:
    """50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.

    Po = 35/50 = 0.70; pA(yes) = 25/50, pB(yes) = 30/50; Pe = 0.5·0.6 + 0.5·0.4 = 0.50;
    kappa = (0.70 − 0.50) / (1 − 0.50) = 0.40. QualCoder's Pe = Pyes·Pno (0.30·0.20 = 0.06) would
    report (0.70 − 0.06) / 0.94 ≈ 0.68.
    """
    k = cohen_kappa(50, 35, np.array([25.0, 25.0]), np.array([20.0, 30.0]))
    assert k.value == pytest.approx(0.40)
    assert k.value != pytest.approx((0.70 - 0.06) / 0.94, abs=0.05)
    assert k.units == 50


def test_cohen_kappa_three_categories() -> None:
    """Valences benefit/challenge/none over 10 units, worked by hand.

    A: b b b b c c c n n n; B: b b b c c c n n n b → agree on 7, Po = 0.7.
    pA = (0.4, 0.3, 0.3), pB = (0.4, 0.3, 0.3) → Pe = 0.16 + 0.09 + 0.09 = 0.34; kappa = 0.36/0.66.
    """
    k = cohen_kappa(10, 7, np.array([4.0, 3.0, 3.0]), np.array([4.0, 3.0, 3.0]))
    assert k.value == pytest.approx(0.36 / 0.66)


def test_cohen_kappa_undefined_when_both_always_give_one_value() -> None:
    k = cohen_kappa(12, 12, np.array([12.0, 0.0]), np.array([12.0, 0.0]))
    assert k.value is None and "undefined" in k.note


def test_cohen_kappa_without_shared_units() -> None:
    k = cohen_kappa(0, 0, np.zeros(2), np.zeros(2))
    assert k.value is None and k.units == 0
