"""`count_pairs` equals the plain product Xᵀ·X of the unit × subtheme incidence matrix, on both of
its paths (pairs within units, blocked BLAS) and across block boundaries."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench.analysis.cooccurrence as co


def _reference(pairs: list[tuple[int, int]], k: int) -> tuple[np.ndarray, int]:
    units = {u: i for i, u in enumerate(sorted({u for u, _ in pairs}))}
    x = np.zeros((len(units), k), dtype=np.int64)
    for u, s in pairs:
        x[units[u], s] = 1
    return x.T @ x, len(units)


@settings(max_examples=60, deadline=None)
@given(st.sets(st.tuples(st.integers(0, 40), st.integers(0, 7)), max_size=120), st.sampled_from([1, 5, 10**6]))
def test_equals_the_incidence_product(pairs: set[tuple[int, int]], block: int) -> None:
    listed = sorted(pairs)
    k = 8
    data = np.asarray(listed, dtype=np.int64).reshape(-1, 2)
    old = co.PAIRS_PER_BLOCK, co.DENSE_BLOCK
    co.PAIRS_PER_BLOCK, co.DENSE_BLOCK = block, max(1, block // 2)
    try:
        got, n = co.count_pairs(data[:, 0], data[:, 1], k)
    finally:
        co.PAIRS_PER_BLOCK, co.DENSE_BLOCK = old
    want, m = _reference(listed, k)
    assert n == m and (got == want).all() and (got == got.T).all()


@pytest.mark.parametrize("units, per_unit", [(3000, 2), (40, 120)])  # the sparse path, then the dense one
def test_both_paths_on_larger_data(units: int, per_unit: int) -> None:
    rng = np.random.default_rng(7)
    k = 150
    rows = [(u, int(s)) for u in range(units) for s in rng.choice(k, per_unit, replace=False)]
    data = np.asarray(rows, dtype=np.int64)
    got, n = co.count_pairs(data[:, 0], data[:, 1], k)
    want, m = _reference(rows, k)
    assert n == m == units and (got == want).all()
