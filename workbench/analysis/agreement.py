"""Inter-coder agreement on what a synthesis team decides, measured the way a methods reviewer expects.

The unit is an excerpt that two or more of the chosen coders coded or marked "nothing applies"
(reading it and finding no subtheme is a judgement too). Three questions are asked separately:

* subtheme — for each unit and subtheme, does it apply (present / absent)? A coder who never coded
  the excerpt is missing, not "absent".
* valence, perspective — for each excerpt × subtheme that two or more coders applied, did they give
  the same valence (perspective)? A coder's value is the set they gave it (usually one).

Per subtheme the units are the excerpts; per theme and overall the units are excerpt × subtheme
pairs pooled over the theme's (every) subtheme. Figures: Krippendorff's alpha (nominal, the
`krippendorff` package; any number of coders, missing values allowed), Cohen's kappa per pair of
coders with chance agreement Pe = Σ_k p1k·p2k over the categories k (not QualCoder's Pyes·Pno),
percent agreement (agreeing coder pairs / coder pairs within units) and the number of units.
Where alpha or kappa is undefined (one value only) a sentence says so instead of a number.

Speed: a unit on which every coder gave the same value v adds exactly its coder count to the
coincidence o_vv; one row with count T on v adds T as well ((T²−T)/(T−1) = T). So all unanimous
units collapse into one row per value before the package sees them — pooled over 300 subthemes
the overall figure would otherwise need 15 million rows. tests/unit/test_agreement_alpha.py checks
the collapse against the uncollapsed data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from workbench.analysis.agreement_spans import SpanRow, span_overlap
from workbench.core.errors import UserError
from workbench.store.viewer import CoderView

if TYPE_CHECKING:
    from workbench.store.api import Project
    from workbench.store.collab import AgreementRows

FIELDS = ("subtheme", "valence", "perspective")
LEVELS = ("subtheme", "theme", "overall")
UNGROUPED = "(ungrouped)"


@dataclass
class Kappa:
    value: float | None
    note: str
    units: int


@dataclass
class Measure:
    units: int
    percent: float | None
    alpha: float | None
    alpha_note: str
    kappa: dict[str, Kappa] = field(default_factory=dict)

    def notes(self) -> str:
        """Why a figure is missing, in words: 'alpha undefined: …; kappa amira–ben …'."""
        parts = [f"alpha {self.alpha_note}"] if self.alpha_note else []
        parts += [f"kappa {pair} {k.note}" for pair, k in self.kappa.items() if k.note]
        return "; ".join(parts)


@dataclass
class AgreementRow:
    level: str  # subtheme | theme | overall
    name: str
    theme: str | None
    field: str  # subtheme | valence | perspective
    measure: Measure


@dataclass
class Agreement:
    coders: list[str]
    pairs: list[str]
    units: int  # excerpts coded by two or more of the coders
    coded: dict[str, int]  # coder → excerpts they coded or marked
    rows: list[AgreementRow]
    spans: list[SpanRow]

    def get(self, level: str, name: str, field_: str) -> AgreementRow:
        return next(r for r in self.rows if (r.level, r.name, r.field) == (level, name, field_))

    def overall(self, field_: str = "subtheme") -> Measure:
        return self.get("overall", "overall", field_).measure

    def down_to(self, by: str) -> list[AgreementRow]:
        """The rows a report `--by BY` shows: overall, then themes, then subthemes, down to `by`."""
        wanted = LEVELS[LEVELS.index(by):]
        order = {lv: i for i, lv in enumerate(reversed(LEVELS))}
        return sorted((r for r in self.rows if r.level in wanted), key=lambda r: order[r.level])


def pair_label(a: str, b: str) -> str:
    return f"{a}–{b}"


# ----- the statistics ------------------------------------------------------------------------
def nominal_alpha(rows: np.ndarray, unanimous: np.ndarray, labels: Sequence[str]) -> tuple[float | None, str]:
    """Krippendorff's nominal alpha of disagreeing unit rows (units × values) plus unanimous totals."""
    import krippendorff

    n_v = rows.sum(axis=0) + unanimous if rows.size else unanimous.astype(float)
    if n_v.sum() == 0:
        return None, "no units to compare"
    used = np.flatnonzero(n_v)
    if len(used) < 2:
        return None, (f"undefined: every coder gave the same value ({labels[used[0]]}) to every unit, "
                      "so there is no variation to measure agreement on")
    extra = np.diag(unanimous)[unanimous > 0]
    value_counts = np.vstack([rows, extra]) if rows.size else extra
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal")), ""


def cohen_kappa(n: float, agree: float, ca: np.ndarray, cb: np.ndarray) -> Kappa:
    """Cohen's kappa from a pair's totals: Po = agree/n, Pe = Σ_k (ca_k/n)(cb_k/n)."""
    if n <= 0:
        return Kappa(None, "no units coded by both", 0)
    po = agree / n
    pe = float((ca * cb).sum()) / (n * n)
    if abs(pe - 1.0) < 1e-12:
        return Kappa(None, "undefined: both coders gave one and the same value to every unit", int(n))
    return Kappa((po - pe) / (1 - pe), "", int(n))


def _percent(pairs_total: float, pairs_agree: float) -> float | None:
    return None if pairs_total <= 0 else pairs_agree / pairs_total


# ----- entry point ---------------------------------------------------------------------------
def choose_coders(view: CoderView, names: str | None) -> list[str]:
    """--coders A,B,…; default every coder except the consensus coder (the agreed set is not a coder).

    Agreement figures show nobody's codings, so they stay available while blind; lists of
    disagreements do not (`CoderView.require_open`)."""
    project = view.project
    known = project.records.coders()
    consensus = view.consensus
    if not names:
        chosen = [c for c in known if c != consensus]
    else:
        chosen = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
        unknown = [n for n in chosen if n not in known]
        if unknown:
            raise UserError(f"unknown coder '{unknown[0]}' (coders: {', '.join(known) or 'none'})")
    if len(chosen) < 2:
        raise UserError(f"agreement needs two or more coders (have: {', '.join(chosen) or 'none'})")
    return chosen


def agreement(project: Project, coders: Sequence[str]) -> Agreement:
    return compute(project.collab.agreement_rows(list(coders)))


def compute(data: AgreementRows) -> Agreement:
    coders = list(data.coders)
    m = len(coders)
    cindex = np.full(max([0, *data.coder_ids.values()]) + 1, -1, dtype=np.int64)
    for i, name in enumerate(coders):
        if name in data.coder_ids:
            cindex[data.coder_ids[name]] = i
    pairs = [(a, b) for a, b in combinations(range(m), 2)]
    pair_names = [pair_label(coders[a], coders[b]) for a, b in pairs]
    subthemes, groups = _order(data)
    K = len(subthemes)
    kmap = np.full(max([0, *(s[0] for s in subthemes)]) + 1, -1, dtype=np.int64)
    kmap[[s[0] for s in subthemes]] = np.arange(K)

    cod = np.asarray(data.codings, dtype=np.int64).reshape(-1, 5)
    n = len(cod)
    e_id, k, c = cod[:, 0], kmap[cod[:, 1]], cindex[cod[:, 2]]
    marks = np.asarray(data.nothing_applies, dtype=np.int64).reshape(-1, 2)
    every = np.concatenate([e_id, marks[:, 0]])
    if len(every) and every.max() < 20_000_000:  # database ids are dense: index by them directly
        excerpts = np.arange(every.max() + 1)
        x, na_x = e_id, marks[:, 0]
    else:
        excerpts, inv = np.unique(every, return_inverse=True)
        x, na_x = inv[:n], inv[n:]
    coded = np.zeros((len(excerpts), m), dtype=bool)
    coded[x, c] = True
    coded[na_x, cindex[marks[:, 1]]] = True
    mx = coded.sum(axis=1)
    unit = mx >= 2
    keep = unit[x]

    presence = _presence(x[keep], k[keep], c[keep], coded, mx, unit, K, m, pairs)
    categorical = {f: _categorical(x[keep], k[keep], c[keep], cod[keep, i], K, m, pairs, names)
                   for f, i, names in (("valence", 3, data.valences), ("perspective", 4, data.perspectives))}
    rows: list[AgreementRow] = []
    for level, name, theme, lo, hi in groups:
        rows.append(AgreementRow(level, name, theme, "subtheme", presence.measure(lo, hi, pair_names)))
        for f in ("valence", "perspective"):
            rows.append(AgreementRow(level, name, theme, f, categorical[f].measure(lo, hi, pair_names)))
    spans = span_overlap(data, subthemes, kmap, cindex, excerpts, unit, cod)
    return Agreement(coders, pair_names, int(unit.sum()), {coders[i]: int(coded[:, i].sum()) for i in range(m)},
                     rows, spans)


def _order(data: AgreementRows) -> tuple[list[tuple[int, str, str | None]], list[tuple[str, str, str | None, int, int]]]:
    """Subthemes with each theme's together (then the ungrouped), and every group as an index range.

    Contiguous ranges let a theme's or the whole codebook's figures be slices and sums, never
    searches, which keeps 300 subthemes × 3 measures fast.
    """
    rank = {th: i for i, th in enumerate(data.themes)}
    subs = sorted(data.subthemes, key=lambda s: rank.get(s[2], len(rank)) if s[2] else len(rank))
    groups: list[tuple[str, str, str | None, int, int]] = [("subtheme", name, theme, i, i + 1)
                                                           for i, (_, name, theme) in enumerate(subs)]
    start = 0
    for i in range(1, len(subs) + 1):
        if i == len(subs) or (subs[i][2] or UNGROUPED) != (subs[start][2] or UNGROUPED):
            groups.append(("theme", subs[start][2] or UNGROUPED, None, start, i))
            start = i
    groups.append(("overall", "overall", None, 0, len(subs)))
    by_name = {s[1]: i for i, s in enumerate(data.subthemes)}
    groups.sort(key=lambda g: (("subtheme", "theme", "overall").index(g[0]),
                               by_name.get(g[1], 0) if g[0] == "subtheme" else 0))
    return subs, groups


class _Tally:
    """Per-subtheme sufficient statistics; a group's figures are sums over its range of subthemes."""

    def __init__(self, K: int, J: int, n_pairs: int, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.units = np.zeros(K)
        self.pairs_total = np.zeros(K)
        self.pairs_agree = np.zeros(K)
        self.unanimous = np.zeros((K, J))
        self.dis_start = np.zeros(K + 1, dtype=np.int64)  # disagreeing unit rows, sorted by subtheme
        self.dis_rows = np.zeros((0, J))
        self.pair_n = np.zeros((n_pairs, K))
        self.pair_agree = np.zeros((n_pairs, K))
        self.pair_a = np.zeros((n_pairs, K, J))
        self.pair_b = np.zeros((n_pairs, K, J))

    def set_disagreements(self, k: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(k, kind="stable")
        self.dis_rows = rows[order]
        self.dis_start = np.searchsorted(k[order], np.arange(len(self.units) + 1))

    def measure(self, lo: int, hi: int, pair_names: Sequence[str]) -> Measure:
        units = int(self.units[lo:hi].sum())
        rows = self.dis_rows[self.dis_start[lo]:self.dis_start[hi]]
        alpha, note = nominal_alpha(rows, self.unanimous[lo:hi].sum(axis=0), self.labels)
        if units == 0:
            alpha, note = None, "no units to compare"
        n = self.pair_n[:, lo:hi].sum(axis=1)
        agree = self.pair_agree[:, lo:hi].sum(axis=1)
        ca = self.pair_a[:, lo:hi].sum(axis=1)
        cb = self.pair_b[:, lo:hi].sum(axis=1)
        kappas = {name: cohen_kappa(float(n[p]), float(agree[p]), ca[p], cb[p]) for p, name in enumerate(pair_names)}
        return Measure(units, _percent(float(self.pairs_total[lo:hi].sum()), float(self.pairs_agree[lo:hi].sum())),
                       alpha, note, kappas)


def _presence(x: np.ndarray, k: np.ndarray, c: np.ndarray, coded: np.ndarray, mx: np.ndarray,
              unit: np.ndarray, K: int, m: int, pairs: list[tuple[int, int]]) -> _Tally:
    """Presence/absence of each subtheme on each unit (value 0 absent, 1 present)."""
    tally = _Tally(K, 2, len(pairs), ["absent", "present"])
    applied = np.unique((x * K + k) * m + c)  # each coder counts once per excerpt × subtheme
    xk, n1 = np.unique(applied // m, return_counts=True)
    ax, ak = xk // K, xk % K
    am = mx[ax]
    n0 = am - n1
    unit_m = mx[unit].astype(float)
    tally.units[:] = unit.sum()
    tally.pairs_total[:] = (unit_m * (unit_m - 1) / 2).sum()
    tally.pairs_agree[:] = tally.pairs_total - np.bincount(ak, weights=n0 * n1, minlength=K)
    tally.unanimous[:, 0] = unit_m.sum() - np.bincount(ak, weights=am, minlength=K)
    full = n0 == 0
    tally.unanimous[:, 1] = np.bincount(ak[full], weights=am[full], minlength=K)
    tally.set_disagreements(ak[~full], np.column_stack([n0[~full], n1[~full]]).astype(float))
    coder_of = applied % m
    keys = [applied[coder_of == i] // m for i in range(m)]  # sorted, unique per coder
    for p, (a, b) in enumerate(pairs):
        both = coded[:, a] & coded[:, b]
        n_ab = both.sum()
        keys_a = keys[a][both[keys[a] // K]]
        keys_b = keys[b][both[keys[b] // K]]
        na = np.bincount(keys_a % K, minlength=K)
        nb = np.bincount(keys_b % K, minlength=K)
        n11 = np.bincount(np.intersect1d(keys_a, keys_b, assume_unique=True) % K, minlength=K)
        tally.pair_n[p] = n_ab
        tally.pair_agree[p] = n_ab - (na + nb - 2 * n11)
        tally.pair_a[p] = np.column_stack([n_ab - na, na])
        tally.pair_b[p] = np.column_stack([n_ab - nb, nb])
    return tally


def _categorical(x: np.ndarray, k: np.ndarray, c: np.ndarray, v: np.ndarray, K: int, m: int,
                 pairs: list[tuple[int, int]], names: dict[int, str], max_bits: int = 62) -> _Tally:
    """Valence (or perspective) where two or more coders applied the same subtheme to an excerpt.

    A coder's value is the set of labels they gave the excerpt × subtheme (0 stands for none), so a
    coder who coded both benefit and challenge disagrees with one who coded benefit alone.
    """
    order = np.lexsort((v, c, k, x))
    x, k, c, v = x[order], k[order], c[order], v[order]
    new = np.ones(len(x), dtype=bool)
    new[1:] = (x[1:] != x[:-1]) | (k[1:] != k[:-1]) | (c[1:] != c[:-1])
    starts = np.flatnonzero(new)
    labels_in = np.unique(v)
    if len(labels_in) <= max_bits:
        bits = np.left_shift(1, np.searchsorted(labels_in, v)).astype(np.int64)
        value = np.bitwise_or.reduceat(bits, starts) if len(bits) else bits
        cats, j = np.unique(value, return_inverse=True)
        sets = [tuple(int(labels_in[i]) for i in range(len(labels_in)) if int(s) >> i & 1) for s in cats]
    else:  # more labels than bits: name each set by a tuple instead
        found = [tuple(sorted(set(v[s:e].tolist()))) for s, e in zip(starts, [*starts[1:], len(v)], strict=True)]
        index: dict[tuple[int, ...], int] = {}
        j = np.array([index.setdefault(f, len(index)) for f in found], dtype=np.int64)
        sets = list(index)
    gx, gk, gc = x[starts], k[starts], c[starts]
    J = max(len(sets), 1)
    labels = ["+".join(names.get(i, "none") if i else "none" for i in s) for s in sets] or ["none"]
    tally = _Tally(K, J, len(pairs), labels)
    xk = gx * K + gk
    ux, unit_of, m_u = np.unique(xk, return_inverse=True, return_counts=True)
    is_unit = m_u >= 2
    sel = is_unit[unit_of]
    u_idx, u_j = unit_of[sel], j[sel]
    counts = np.bincount(u_idx * J + u_j, minlength=len(ux) * J).reshape(len(ux), J)[is_unit].astype(float)
    uk = (ux % K)[is_unit]
    mu = m_u[is_unit].astype(float)
    tally.units = np.bincount(uk, minlength=K).astype(float)
    tally.pairs_total = np.bincount(uk, weights=mu * (mu - 1) / 2, minlength=K).astype(float)
    tally.pairs_agree = np.bincount(uk, weights=(counts * (counts - 1) / 2).sum(axis=1), minlength=K).astype(float)
    unanimous = (counts > 0).sum(axis=1) == 1
    for jj in range(J):
        w = np.where(unanimous, counts[:, jj], 0)
        tally.unanimous[:, jj] = np.bincount(uk, weights=w, minlength=K)
    tally.set_disagreements(uk[~unanimous], counts[~unanimous])
    by_coder = [np.flatnonzero(gc == i) for i in range(m)]
    for p, (a, b) in enumerate(pairs):
        ka, kb = xk[by_coder[a]], xk[by_coder[b]]
        ja, jb = j[by_coder[a]], j[by_coder[b]]
        shared, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
        sk = shared % K
        tally.pair_n[p] = np.bincount(sk, minlength=K)
        tally.pair_agree[p] = np.bincount(sk, weights=(ja[ia] == jb[ib]).astype(float), minlength=K)
        tally.pair_a[p] = np.bincount(sk * J + ja[ia], minlength=K * J).reshape(K, J)
        tally.pair_b[p] = np.bincount(sk * J + jb[ib], minlength=K * J).reshape(K, J)
    return tally
