"""Overlap of primary studies across reviews: the corrected covered area (CCA) of umbrella reviews.

CCA = (N − r) / (r·c − r), where N counts every inclusion (a study in three reviews counts three
times), r the distinct primary studies and c the reviews. 0 means no study appears twice; 1 means
every review included every study. Umbrella reviews report it as a percentage with the bands of
Pieper et al. (2014): up to 5 slight, up to 10 moderate, up to 15 high, above 15 very high — a
finding "supported by five reviews" may rest on largely the same primary studies, and CCA says so.

Studies are matched ignoring case and spacing, so a list typed by two people still agrees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class Overlap:
    """The overlap among the reviews behind something (a finding, or the whole project)."""

    reviews: list[str]  # refs of the reviews with a list of included studies
    inclusions: int  # N
    studies: int  # r
    cca: float | None  # None when it is undefined (fewer than two reviews, or no studies)
    without_list: list[str] = field(default_factory=list)  # refs behind it with no list imported

    @property
    def percent(self) -> float | None:
        return None if self.cca is None else 100.0 * self.cca

    @property
    def band(self) -> str:
        """Pieper et al.'s wording for the percentage: slight, moderate, high, very high."""
        pct = self.percent
        if pct is None:
            return ""
        if pct <= 5:
            return "slight"
        if pct <= 10:
            return "moderate"
        if pct <= 15:
            return "high"
        return "very high"

    def describe(self) -> str:
        """'CCA 30.0% (very high; 3 reviews, 5 studies, 8 inclusions)' or why there is none."""
        c = len(self.reviews)
        if self.cca is None:
            reason = "no included-study lists" if c == 0 else (
                "only one review with a list" if c == 1 else "no studies listed")
            return f"CCA n/a ({reason})"
        return (f"CCA {self.percent:.1f}% ({self.band}; {c} reviews, {self.studies} studies, "
                f"{self.inclusions} inclusions)")


def study_key(study: str) -> str:
    return " ".join(study.split()).casefold()


def corrected_covered_area(included: Mapping[str, Iterable[str]], refs: Iterable[str] | None = None) -> Overlap:
    """The CCA of the reviews `refs` (default: every review in `included`, ref → its studies).

    A review listed twice in `refs` counts once; a study listed twice by one review counts once.
    """
    chosen = list(dict.fromkeys(included if refs is None else refs))
    sets = {ref: {study_key(s) for s in included[ref]} for ref in chosen if ref in included}
    reviews = [ref for ref in chosen if sets.get(ref)]
    missing = [ref for ref in chosen if not sets.get(ref)]
    per_review = [sets[ref] for ref in reviews]
    n = sum(len(s) for s in per_review)
    r = len(set().union(*per_review)) if per_review else 0
    c = len(reviews)
    denominator = r * c - r
    cca = (n - r) / denominator if denominator > 0 else None
    return Overlap(reviews, n, r, cca, missing)
