"""Citations in a text, matched to the project's sources.

Three shapes are recognised, by regular expressions (no model): numeric brackets "[23, 34]" and
"[23–26]" (ranges expanded), parenthetical author–year "(Walker & Bryant, 2013; du Plessis et al.,
2020)" and narrative author–year "Walker et al. (2013)". Numbers are matched to sources whose
`ref` is that number; author–year to sources whose first author's surname and year agree (read
from the `ref` "Walker 2013", or from the citation "Walker G, Bryant W. … 2013" and `year`).

Numbers mean the project's refs only when the text numbers its references the same way (the
synthesis's own text does; an included review's text numbers its own studies): a number that no
source has is reported as unresolved rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.core.model import Source

MAX_RANGE = 200  # "[1–100000]" is a typo, not a hundred thousand references

_DASH = "\\-–—‒"
_NUMERIC = re.compile(rf"\[\s*(\d{{1,4}}(?:\s*[{_DASH}]\s*\d{{1,4}})?(?:\s*[,;]\s*\d{{1,4}}(?:\s*[{_DASH}]\s*\d{{1,4}})?)*)\s*\]")
_PARTICLE = r"(?:(?i:van|von|der|den|de|du|da|di|del|le|la|st\.?)\s+)*"
_SURNAME = rf"{_PARTICLE}[A-Z\u00C0-\u024F][\w'’\-]+"
_AUTHORS = rf"(?P<authors>{_SURNAME}(?:(?:\s*,\s*{_SURNAME})*\s*(?:,\s*)?(?:&|and)\s+{_SURNAME}|\s+et\s+al\.?)?)"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?P<letter>[a-z])?"
_ITEM = re.compile(rf"^\s*(?:e\.g\.,?\s*|see\s+(?:also\s+)?|cf\.\s*)?{_AUTHORS}\s*,?\s*{_YEAR}\s*$")
_PAREN = re.compile(r"\(([^()]{4,300}?(?:19|20)\d\d[a-z]?)\)")
_NARRATIVE = re.compile(rf"\b{_AUTHORS}\s*\(\s*{_YEAR}\s*\)")


@dataclass(frozen=True)
class Citation:
    """A citation found at text[start:end], with the refs it names that the project has."""

    start: int
    end: int
    text: str
    refs: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    kind: str = "numeric"

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
                "refs": list(self.refs), "unresolved": list(self.unresolved)}


def _fold(name: str) -> str:
    """'Åkerblom' and 'Akerblom', 'du Plessis' and 'Du Plessis' compare equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def first_surname(citation: str) -> str:
    """The first author's surname of a citation in the common styles (Vancouver, APA, Harvard)."""
    head = re.split(r"[,.(;]", citation.strip(), maxsplit=1)[0].strip()
    words = head.split()
    while len(words) > 1 and re.fullmatch(r"[A-Z]{1,3}|[A-Z]\.?(?:-?[A-Z]\.?)*", words[-1]):
        words.pop()  # trailing initials: "Walker G", "du Plessis C"
    return " ".join(words)


@dataclass
class CitationMatcher:
    """The project's sources, indexed for both citation shapes."""

    sources: Sequence[Source]
    numeric: set[str] = field(default_factory=set)
    by_author_year: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for s in self.sources:
            if s.ref.strip().isdigit():
                self.numeric.add(str(int(s.ref)))
            keys = set()
            m = re.fullmatch(rf"\s*({_SURNAME})(?:\s+et\s+al\.?)?,?\s+((?:19|20)\d\d[a-z]?)\s*", s.ref)
            if m:
                keys.add((_fold(m.group(1)), m.group(2)))
            year = (re.search(r"(?:19|20)\d\d", s.year or "") or re.search(r"\b(?:19|20)\d\d\b", s.citation))
            surname = first_surname(s.citation) if s.citation else ""
            if surname and year:
                keys.add((_fold(surname), year.group(0)))
            for key in keys:
                self.by_author_year.setdefault(key, []).append(s.ref)

    def find(self, text: str) -> list[Citation]:
        """Every citation in `text`, in order."""
        found: list[Citation] = []
        for m in _NUMERIC.finditer(text):
            numbers = _expand(m.group(1))
            if numbers:
                refs = tuple(n for n in numbers if n in self.numeric)
                found.append(Citation(m.start(), m.end(), m.group(0), refs,
                                      tuple(n for n in numbers if n not in self.numeric), "numeric"))
        for m in _PAREN.finditer(text):
            items = [_ITEM.match(part) for part in m.group(1).split(";")]
            named = [i for i in items if i]
            if named:
                found.append(self._author_year(m.start(), m.end(), m.group(0), named))
        for m in _NARRATIVE.finditer(text):
            if not any(c.start <= m.start() < c.end for c in found):
                found.append(self._author_year(m.start(), m.end(), m.group(0), [m]))
        return sorted(found, key=lambda c: c.start)

    def _author_year(self, start: int, end: int, text: str, items: list[re.Match[str]]) -> Citation:
        refs: list[str] = []
        unresolved: list[str] = []
        for item in items:
            authors, year, letter = item.group("authors"), item.group("year"), item.group("letter") or ""
            surname = re.split(r"\s*(?:,|&|\band\b|\bet\s+al)", authors)[0].strip()
            candidates = (self.by_author_year.get((_fold(surname), year + letter))
                          or self.by_author_year.get((_fold(surname), year)) or [])
            label = f"{surname} {year}{letter}"
            if candidates:
                refs.extend(r for r in candidates if r not in refs)
            else:
                unresolved.append(label)
        return Citation(start, end, text, tuple(refs), tuple(unresolved), "author-year")


def _expand(body: str) -> list[str]:
    """'23, 34' → ['23', '34']; '23–26' → ['23', '24', '25', '26']."""
    out: list[str] = []
    for part in re.split(r"\s*[,;]\s*", body.strip()):
        bounds = re.split(rf"\s*[{_DASH}]\s*", part)
        if len(bounds) == 2:
            a, b = int(bounds[0]), int(bounds[1])
            numbers = range(a, b + 1) if a <= b and b - a <= MAX_RANGE else [a, b]
        else:
            numbers = [int(bounds[0])]
        for n in numbers:
            if str(n) not in out:
                out.append(str(n))
    return out


def find_citations(text: str, sources: Sequence[Source]) -> list[Citation]:
    """Citations in one text (builds the source index each call; use CitationMatcher for many)."""
    return CitationMatcher(sources).find(text)
