"""Citations found in text and matched to sources, numeric and author–year."""

from __future__ import annotations

import pytest

from workbench.core.model import Source
from workbench.nlp.citations import CitationMatcher, first_surname

SOURCES = [
    Source("23", "du Plessis C, Whitaker L, Hurley J. Peer support workers in substance abuse treatment services. "
                 "J Subst Use. 2020;25:225–30.", "2020"),
    Source("60", "Åkerblom KB, Ness O. Peer workers in co-production and co-creation. 2023;50:296–316.", "2023"),
    Source("61", "Walker G, Bryant W. Peer support in adult mental health services. 2013;36:28–34.", "2013"),
]


@pytest.fixture(scope="module")
def matcher() -> CitationMatcher:
    return CitationMatcher(SOURCES)


def test_numeric_brackets_and_ranges(matcher: CitationMatcher) -> None:
    found = matcher.find("Peers felt valued [23, 61] though less so in inpatient care [23–26; 60].")
    assert [c.text for c in found] == ["[23, 61]", "[23–26; 60]"]
    assert found[0].refs == ("23", "61") and found[0].unresolved == ()
    assert found[1].refs == ("23", "60") and found[1].unresolved == ("24", "25", "26")
    assert found[0].start == 18 and found[0].end == 26


def test_a_huge_range_is_not_expanded(matcher: CitationMatcher) -> None:
    (c,) = matcher.find("as shown [1-900]")
    assert c.unresolved == ("1", "900")


def test_parenthetical_author_year_with_several_items(matcher: CitationMatcher) -> None:
    (c,) = matcher.find("Others disagreed (Walker & Bryant, 2013; du Plessis et al., 2020; Smith, 2001).")
    assert c.kind == "author-year"
    assert c.refs == ("61", "23")
    assert c.unresolved == ("Smith 2001",)


def test_narrative_author_year_with_particles_and_accents(matcher: CitationMatcher) -> None:
    found = matcher.find("Walker et al. (2013) agreed; Du Plessis and Hurley (2020) did not; "
                         "Akerblom and Ness (2023) were unsure.")
    assert [c.refs for c in found] == [("61",), ("23",), ("60",)]


def test_years_alone_are_not_citations(matcher: CitationMatcher) -> None:
    assert matcher.find("In 2013 (n = 12) the service grew by 20 (15%).") == []


def test_author_year_refs_are_matched_too() -> None:
    m = CitationMatcher([Source("Walker 2013", "Walker, G., & Bryant, W. (2013). Peer support.", "2013"),
                         Source("Walker 2013b", "Walker, G. (2013). Another paper.", "2013")])
    (c,) = m.find("(Walker, 2013b)")
    assert c.refs == ("Walker 2013b",)
    (c,) = m.find("(Walker & Bryant, 2013)")
    assert set(c.refs) == {"Walker 2013", "Walker 2013b"}  # ambiguous without the letter: both offered


def test_first_surname_in_common_styles() -> None:
    assert first_surname("du Plessis C, Whitaker L, Hurley J.") == "du Plessis"
    assert first_surname("Walker, G., & Bryant, W. (2013).") == "Walker"
    assert first_surname("van der Berg AB. Title.") == "van der Berg"
