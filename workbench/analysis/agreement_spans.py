"""Overlap agreement on character spans, for teams that code parts of an excerpt.

Presence agreement says two coders both applied a subtheme to an excerpt; it cannot say they
marked the same words. For every excerpt × subtheme that two or more coders applied, where at least
one of them coded a span, each coder's characters are the union of their spans (a coding without a
span covers the whole excerpt), and each pair of coders scores intersection over union
|A ∩ B| / |A ∪ B| (1 = the same characters, 0 = none shared). Rows report the mean over pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from workbench.store.collab import AgreementRows


@dataclass
class SpanRow:
    subtheme: str  # a subtheme's name, or "overall"
    items: int  # excerpt × subtheme items with a span and two or more coders
    pairs: int  # coder pairs scored
    mean_iou: float | None


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _length(intervals: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in intervals)


def _intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def iou(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> float:
    """Intersection over union of two sets of [start, end) character ranges."""
    a, b = _merge(a), _merge(b)
    inter = _intersection(a, b)
    union = _length(a) + _length(b) - inter
    return 1.0 if union == 0 else inter / union


def span_overlap(data: AgreementRows, subthemes: list[tuple[int, str, str | None]], kmap: np.ndarray,
                 cindex: np.ndarray, excerpts: np.ndarray,
                 unit: np.ndarray, cod: np.ndarray) -> list[SpanRow]:
    """Per subtheme (in codebook order) and overall; empty when nobody coded a span.

    `data.spans` lists (excerpt, subtheme, coder, start, end) ids of the span codings; `cod` holds
    every coding (excerpt, subtheme, coder, …), so a coder who also coded the item without a span
    counts as marking the whole excerpt.
    """
    if not len(data.spans):
        return []
    chars: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    span_count: dict[tuple[int, int, int], int] = defaultdict(int)
    for e, s, c, start, end in data.spans:
        i = int(np.searchsorted(excerpts, e))
        if i >= len(excerpts) or excerpts[i] != e or not unit[i] or cindex[c] < 0:
            continue
        chars[(e, s)][int(cindex[c])].append((int(start), int(end)))
        span_count[(e, s, c)] += 1
    keys = np.array([e * (len(kmap) + 1) + s for e, s in chars], dtype=np.int64)
    mine = cod[np.isin(cod[:, 0] * (len(kmap) + 1) + cod[:, 1], keys)]
    all_count: dict[tuple[int, int, int], int] = defaultdict(int)
    for e, s, c in mine[:, :3].tolist():
        all_count[(e, s, c)] += 1
    for (e, s, c), n in all_count.items():
        if n > span_count.get((e, s, c), 0) and cindex[c] >= 0:  # also coded without a span: all of it
            chars[(e, s)][int(cindex[c])].append((0, data.excerpt_lengths.get(e, 0)))
    scores: dict[int, list[float]] = defaultdict(list)
    items: dict[int, int] = defaultdict(int)
    for (_, s), per_coder in chars.items():
        if len(per_coder) < 2:
            continue
        sk = int(kmap[s])
        items[sk] += 1
        for a, b in combinations(sorted(per_coder), 2):
            scores[sk].append(iou(per_coder[a], per_coder[b]))
    rows = [SpanRow(subthemes[sk][1], items[sk], len(scores[sk]), float(np.mean(scores[sk])))
            for sk in sorted(scores)]
    every = [x for sk in scores for x in scores[sk]]
    rows.append(SpanRow("overall", sum(items.values()), len(every), float(np.mean(every)) if every else None))
    return rows
