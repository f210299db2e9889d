"""Corrected covered area, checked against cases worked by hand."""

from __future__ import annotations

import pytest

from workbench.analysis.overlap import corrected_covered_area

# The SYNTHETIC fixture's lists (tests/fixtures/synthetic_graph/included_studies.csv).
INCLUDED = {
    "Adams 2019": ["Kim 2010", "Lopez 2012", "Moore 2014"],
    "Chen 2018": ["Lopez 2012", "Moore 2014", "Ng 2015"],
    "Diaz 2021": ["moore  2014", "Ortiz 2016"],
    "Baker 2020": ["Patel 2011"],
}


def test_two_reviews_worked_by_hand() -> None:
    """Adams and Chen: N = 3 + 3 = 6 inclusions; r = {Kim, Lopez, Moore, Ng} = 4 studies; c = 2.
    CCA = (N − r) / (r·c − r) = (6 − 4) / (4·2 − 4) = 2 / 4 = 0.5, i.e. 50 % ("very high")."""
    o = corrected_covered_area(INCLUDED, ["Adams 2019", "Chen 2018"])
    assert (o.inclusions, o.studies, len(o.reviews)) == (6, 4, 2)
    assert o.cca == pytest.approx(0.5)
    assert o.band == "very high"


def test_spelling_of_a_study_is_folded_worked_by_hand() -> None:
    """Chen and Diaz, where Diaz wrote "moore  2014" (case, two spaces) for Chen's "Moore 2014":
    N = 3 + 2 = 5; r = {Lopez, Moore, Ng, Ortiz} = 4; c = 2; CCA = (5 − 4) / (8 − 4) = 0.25."""
    o = corrected_covered_area(INCLUDED, ["Chen 2018", "Diaz 2021"])
    assert (o.inclusions, o.studies) == (5, 4)
    assert o.cca == pytest.approx(0.25)
    assert o.describe() == "CCA 25.0% (very high; 2 reviews, 4 studies, 5 inclusions)"


def test_all_four_reviews_worked_by_hand() -> None:
    """All four: N = 3 + 3 + 2 + 1 = 9; r = {Kim, Lopez, Moore, Ng, Ortiz, Patel} = 6; c = 4.
    CCA = (9 − 6) / (6·4 − 6) = 3 / 18 = 0.1667 → 16.7 % ("very high", above 15)."""
    o = corrected_covered_area(INCLUDED)
    assert (o.inclusions, o.studies, len(o.reviews)) == (9, 6, 4)
    assert o.cca == pytest.approx(3 / 18)
    assert round(o.percent or 0, 1) == 16.7


def test_no_overlap_is_zero_and_full_overlap_is_one() -> None:
    """Disjoint lists: N = r, so CCA = 0. Identical lists of 2 in 3 reviews: N = 6, r = 2, c = 3:
    (6 − 2) / (2·3 − 2) = 1."""
    assert corrected_covered_area({"a": ["x"], "b": ["y"]}).cca == 0
    assert corrected_covered_area({"a": ["x", "y"], "b": ["x", "y"], "c": ["y", "x"]}).cca == pytest.approx(1.0)
    assert corrected_covered_area({"a": ["x"], "b": ["y"]}).band == "slight"


def test_undefined_with_fewer_than_two_reviews_with_lists() -> None:
    """One review (or none) with a list has no overlap to speak of; the refs without lists are named."""
    o = corrected_covered_area(INCLUDED, ["Adams 2019", "Evans 2017"])
    assert o.cca is None and o.reviews == ["Adams 2019"] and o.without_list == ["Evans 2017"]
    assert o.describe() == "CCA n/a (only one review with a list)"
    assert corrected_covered_area({}, ["x"]).describe() == "CCA n/a (no included-study lists)"


def test_a_review_named_twice_and_a_study_listed_twice_count_once() -> None:
    o = corrected_covered_area({"a": ["x", "x", "y"], "b": ["y"]}, ["a", "b", "a"])
    assert (o.inclusions, o.studies, len(o.reviews)) == (3, 2, 2)
    assert o.cca == pytest.approx(0.5)
