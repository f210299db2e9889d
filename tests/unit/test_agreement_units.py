"""The agreement units and figures on a small project worked by hand, checked cell by cell.

Every figure `compute` reports is compared with the `krippendorff` package (alpha) or a hand count
(kappa, percent), on reliability data built here independently of analysis/agreement.py.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from workbench.analysis.agreement import compute
from workbench.analysis.agreement_spans import iou
from workbench.store.collab import AgreementRows

A, B, C = 1, 2, 3
S1, S2, S3 = 1, 2, 3
BEN, CHAL = 1, 2
P, Q = 1, 2
# excerpt, subtheme, coder, valence, perspective, start, end
CODINGS = [
    (10, S1, A, BEN, P, None, None), (10, S1, B, BEN, P, None, None),
    (11, S1, A, BEN, P, None, None), (11, S2, A, CHAL, P, None, None), (11, S2, B, BEN, P, None, None),
    (12, S3, C, None, Q, None, None),
    (13, S1, A, BEN, P, None, None),  # only A coded e13: not a unit
    (14, S2, B, CHAL, Q, None, None), (14, S2, C, CHAL, Q, None, None),
]
MARKS = [(11, C), (12, A), (12, B)]


def rows(codings=CODINGS, marks=MARKS, lengths=None) -> AgreementRows:  # type: ignore[no-untyped-def]
    """The store's shape: an id array (none = 0) plus the span codings listed apart."""
    ids = np.array([(e, s, c, v or 0, p or 0) for e, s, c, v, p, _, _ in codings], dtype=np.int64).reshape(-1, 5)
    spans = [(e, s, c, a, b) for e, s, c, _, _, a, b in codings if a is not None]
    return AgreementRows(
        coders=["a", "b", "c"], codings=ids, nothing_applies=marks, coder_ids={"a": A, "b": B, "c": C},
        spans=spans,
        subthemes=[(S1, "one", "T"), (S2, "two", "T"), (S3, "three", None)], themes=["T"],
        valences={BEN: "benefit", CHAL: "challenge"}, perspectives={P: "P", Q: "Q"},
        excerpt_lengths=lengths or {})


def reliability(subthemes: list[int], codings=CODINGS, marks=MARKS) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """coder × (unit, subtheme) presence matrix, built the obvious way."""
    coded = {}
    for e, _s, c, *_ in codings:
        coded.setdefault(e, set()).add(c)
    for e, c in marks:
        coded.setdefault(e, set()).add(c)
    units = sorted(e for e, cs in coded.items() if len(cs) >= 2)
    applied = {(e, s, c) for e, s, c, *_ in codings}
    return [[(1.0 if (e, s, c) in applied else 0.0) if c in coded[e] else np.nan for e in units for s in subthemes]
            for c in (A, B, C)]


def test_units_are_excerpts_two_or_more_coders_coded_or_marked() -> None:
    result = compute(rows())
    assert result.units == 4  # e10, e11, e12, e14 — e13 had one coder
    assert result.coded == {"a": 4, "b": 4, "c": 3}


@pytest.mark.parametrize(("level", "name", "subs"), [
    ("subtheme", "one", [S1]), ("subtheme", "two", [S2]), ("subtheme", "three", [S3]),
    ("theme", "T", [S1, S2]), ("theme", "(ungrouped)", [S3]), ("overall", "overall", [S1, S2, S3])])
def test_presence_alpha_matches_the_package(level: str, name: str, subs: list[int]) -> None:
    m = compute(rows()).get(level, name, "subtheme").measure
    assert m.units == 4 * len(subs)
    assert m.alpha == pytest.approx(krippendorff.alpha(reliability_data=reliability(subs),
                                                       level_of_measurement="nominal"))


def test_presence_percent_and_kappa_by_hand() -> None:
    m = compute(rows()).get("subtheme", "one", "subtheme").measure
    # pairs: e10 1 agree; e11 A–B no, A–C no, B–C yes; e12 3 agree; e14 1 agree → 6 of 8
    assert m.percent == pytest.approx(6 / 8)
    # a–b share e10, e11, e12: a = 1,1,0; b = 1,0,0 → Po 2/3, Pe 2/9 + 2/9 → kappa 0.4
    assert m.kappa["a–b"].value == pytest.approx(0.4)
    assert m.kappa["a–b"].units == 3


def test_valence_units_are_where_two_or_more_applied_the_subtheme() -> None:
    result = compute(rows())
    m = result.get("subtheme", "two", "valence").measure
    assert m.units == 2  # e11 (a challenge, b benefit) and e14 (b, c challenge)
    assert m.percent == pytest.approx(0.5)
    expected = krippendorff.alpha(reliability_data=np.array([["challenge", "nan"], ["benefit", "challenge"],
                                                             ["nan", "challenge"]]), level_of_measurement="nominal")
    assert m.alpha == pytest.approx(expected)
    assert m.kappa["b–c"].value is None and "undefined" in m.kappa["b–c"].note
    assert m.kappa["a–c"].units == 0
    p = result.get("subtheme", "two", "perspective").measure
    assert p.percent == 1.0 and p.alpha == pytest.approx(1.0)


def test_single_value_is_undefined_never_a_number() -> None:
    m = compute(rows()).get("subtheme", "one", "valence").measure  # only e10: benefit, benefit
    assert m.units == 1 and m.alpha is None
    assert "undefined" in m.alpha_note and "benefit" in m.alpha_note


def test_subtheme_nobody_applied_is_undefined() -> None:
    data = rows()
    data.subthemes.append((4, "unused", "T"))
    m = compute(data).get("subtheme", "unused", "subtheme").measure
    assert m.alpha is None and "absent" in m.alpha_note
    assert m.percent == 1.0


def test_a_coder_with_a_set_of_valences_disagrees_with_one_valence() -> None:
    codings = [(10, S1, A, BEN, P, None, None), (10, S1, A, CHAL, P, None, None), (10, S1, B, BEN, P, None, None),
               (11, S1, A, BEN, P, None, None), (11, S1, B, BEN, P, None, None)]
    m = compute(rows(codings, [])).get("subtheme", "one", "valence").measure
    assert m.units == 2 and m.percent == pytest.approx(0.5)


def test_no_units_at_all() -> None:
    result = compute(rows([(10, S1, A, BEN, P, None, None)], []))
    assert result.units == 0
    assert result.overall().alpha is None and result.overall().alpha_note == "no units to compare"


def test_span_overlap_intersection_over_union() -> None:
    codings = [(20, S1, A, BEN, P, 0, 10), (20, S1, B, BEN, P, 5, 15), (20, S1, C, BEN, P, None, None)]
    result = compute(rows(codings, [], {20: 30}))
    overall = next(s for s in result.spans if s.subtheme == "overall")
    # a–b 5/15, a–c 10/30, b–c 10/30 → mean 1/3
    assert overall.items == 1 and overall.pairs == 3
    assert overall.mean_iou == pytest.approx(1 / 3)


def test_iou_merges_a_coders_overlapping_spans() -> None:
    assert iou([(0, 5), (3, 10)], [(0, 10)]) == 1.0
    assert iou([(0, 4)], [(6, 10)]) == 0.0
    assert compute(rows()).spans == []


def test_many_labels_fall_back_from_bitmasks() -> None:
    """More than 62 perspectives: sets are named by tuples; the figures must not change."""
    from workbench.analysis import agreement as mod

    x = np.array([0, 0, 1, 1]); k = np.zeros(4, dtype=np.int64); c = np.array([0, 1, 0, 1])  # noqa: E702
    v = np.array([1, 1, 1, 2])
    fast = mod._categorical(x, k, c, v, 1, 2, [(0, 1)], {1: "P", 2: "Q"})
    slow = mod._categorical(x, k, c, v, 1, 2, [(0, 1)], {1: "P", 2: "Q"}, max_bits=0)
    assert fast.measure(0, 1, ["a–b"]).alpha == slow.measure(0, 1, ["a–b"]).alpha
    assert fast.measure(0, 1, ["a–b"]).percent == pytest.approx(0.5)
