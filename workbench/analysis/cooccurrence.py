"""Which subthemes are coded together: subtheme × subtheme counts per excerpt or per source.

What a team looks at when it groups subthemes into themes: two subthemes that keep landing on the
same excerpts (or the same sources) may be one idea, or belong under one theme. A unit (an excerpt
or a source) counts once for a pair however many codings it has; the diagonal is the number of
units coded with that subtheme. Codings come from the chosen coders as `view` may see them (the
default coders and the blind rule of store/viewer.py), like every other view of codings.

The counts are those of Xᵀ·X for the unit × subtheme incidence matrix X, but summed pair by pair
within each unit (numpy bincount): X is almost empty, an excerpt carrying one or two subthemes.
Where units carry many subthemes each (sources), the product itself is cheaper and is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from workbench.core.errors import UserError
from workbench.store import frames
from workbench.store.viewer import CoderView

UNITS = ("excerpt", "source")
UNGROUPED = "(ungrouped)"
PAIRS_PER_BLOCK = 1_000_000  # ordered pairs counted at once (a few tens of MB)
DENSE_BLOCK = 4096  # units per block of the incidence matrix


@dataclass
class Cooccurrence:
    """Counts in codebook order (themes' subthemes, then the ungrouped); `counts[i, j]` is the number
    of units coded with both subthemes i and j, `counts[i, i]` those coded with i."""

    unit: str
    subthemes: list[str]
    themes: list[str | None]  # each subtheme's theme; None for an ungrouped one
    counts: np.ndarray
    coders: str  # the coder choice as printed in provenance ("consensus", "all", "amira,ben")
    coder_names: list[str] = field(default_factory=list)
    blind: bool = False
    units: int = 0  # units with any coding of the chosen coders

    def pairs(self) -> Iterator[tuple[str, str, int]]:
        """(a, b, count) for every pair coded together at least once, most frequent first; ties in
        codebook order. Each pair once (a before b in the codebook)."""
        i, j = np.triu_indices(len(self.subthemes), k=1)
        n = self.counts[i, j]
        keep = n > 0
        i, j, n = i[keep], j[keep], n[keep]
        for k in np.lexsort((j, i, -n)):
            yield self.subthemes[i[k]], self.subthemes[j[k]], int(n[k])

    def provenance(self) -> dict[str, object]:
        out: dict[str, object] = {"unit": self.unit, "coders": self.coders, "coder_names": self.coder_names}
        if self.blind:
            out["blind"] = True
            out["note"] = f"blind coding: only the codings of {self.coders}, the coder who asked"
        return out


def count_pairs(unit_ids: np.ndarray, sub_index: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """(K × K counts, number of units) from distinct (unit, subtheme index) pairs.

    Every unit with m subthemes adds its m² ordered pairs (the diagonal included) to one bincount
    over K² slots, a block of units at a time so memory stays bounded when a source has hundreds of
    subthemes. An excerpt has one or two, so this touches a few hundred thousand pairs where the
    incidence matrix product Xᵀ·X would multiply 50,000 × 300 × 300 numbers.
    """
    counts = np.zeros(k * k, dtype=np.int64)
    if not len(unit_ids):
        return counts.reshape(k, k), 0
    order = np.argsort(unit_ids, kind="stable")
    units, subs = unit_ids[order], sub_index[order]
    starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
    sizes = np.diff(np.r_[starts, len(units)])
    cost = np.cumsum(sizes.astype(np.int64) ** 2)
    if cost[-1] > 16 * len(starts) * k:  # dense: sources carrying hundreds of subthemes each
        return _dense(np.repeat(np.arange(len(starts)), sizes), subs, len(starts), k), len(starts)
    lo = 0
    while lo < len(starts):
        hi = int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + PAIRS_PER_BLOCK, side="right"))
        hi = max(hi, lo + 1)
        g_start, g_size = starts[lo:hi], sizes[lo:hi]
        first, last = g_start[0], g_start[-1] + g_size[-1]
        rows = np.arange(first, last)
        per_row = np.repeat(g_size, g_size)  # each row pairs with every row of its unit
        group_start = np.repeat(g_start, g_size)
        left = np.repeat(rows, per_row)
        step = np.arange(len(left)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        right = np.repeat(group_start, per_row) + step
        counts += np.bincount(subs[left] * k + subs[right], minlength=k * k)
        lo = hi
    return counts.reshape(k, k), len(starts)


def _dense(row: np.ndarray, sub: np.ndarray, n_units: int, k: int) -> np.ndarray:
    """Xᵀ·X block by block (BLAS), for when most units carry many subthemes."""
    counts = np.zeros((k, k), dtype=np.int64)
    for lo in range(0, n_units, DENSE_BLOCK):
        take = (row >= lo) & (row < lo + DENSE_BLOCK)
        x = np.zeros((min(DENSE_BLOCK, n_units - lo), k), dtype=np.float32)
        x[row[take] - lo, sub[take]] = 1.0
        counts += np.rint(x.T @ x).astype(np.int64)  # a block's counts stay far below float32's 2**24
    return counts


def cooccurrence(view: CoderView, unit: str = "excerpt", coders: str | None = None) -> Cooccurrence:
    """Subthemes coded together on one `unit` ("excerpt" or "source") by the chosen coders."""
    if unit not in UNITS:
        raise UserError(f"unknown unit '{unit}' (units: {', '.join(UNITS)})")
    scope = view.scope(coders)
    project = view.project
    cb = project.codebook.get()
    order: list[tuple[str, str | None]] = [(st.name, th.name) for th in cb.themes for st in th.subthemes]
    order += [(st.name, None) for st in cb.ungrouped]
    with project.read() as conn:
        names = frames.names_by_id(conn)["subtheme"]
        pairs = frames.excerpt_subthemes(conn, scope.names)
        source_of = frames.excerpt_sources(conn) if unit == "source" else []
    position = {name: i for i, (name, _theme) in enumerate(order)}
    lookup = np.full(max(names, default=0) + 1, -1, dtype=np.int64)
    for sid, name in names.items():
        lookup[sid] = position.get(name, -1)
    data = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sub = lookup[data[:, 1]]
    keep = sub >= 0
    units, sub = data[keep, 0], sub[keep]
    if unit == "source":  # excerpt → its source, then each (source, subtheme) once
        links = np.asarray(source_of, dtype=np.int64).reshape(-1, 2)
        to_source = np.zeros(int(links[:, 0].max(initial=0)) + 1, dtype=np.int64)
        to_source[links[:, 0]] = links[:, 1]
        k = len(order)
        both = np.unique(to_source[units] * k + sub)
        units, sub = both // k, both % k
    counts, n_units = count_pairs(units, sub, len(order))
    return Cooccurrence(unit, [n for n, _ in order], [th for _, th in order], counts, scope.choice,
                        list(scope.names), scope.blind, n_units)
