"""Whose voice an excerpt speaks for, guessed from the groups it names.

The codebook's perspective names and synonyms (peer workers, PSWs; clients, patients; nurses,
clinicians …) are matched on lemmas with spaCy's PhraseMatcher, so "nurses" finds the synonym
"nurse" and "peer support worker" finds "peer support workers". Where matches overlap the longest
wins ("non-peer staff" is not also "peer staff"; "consumer-providers" is not "consumers").

The hint is a suggestion for the coder, not a coding: one group named → that perspective; several
→ the codebook's mixed perspective (if it has one), unless the text opens with one of them ("Some
peer workers said … clients …"), which is then taken as the group the finding is about (rule
"speaker", the default; rule "names" always offers mixed). Rules, not understanding: a mixed
sample that the text never names is invisible, and one that says "they" names nobody.
benchmarks/bench_nlp.py measures how often each rule is right on the bundled example.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.errors import UserError
from workbench.core.model import Codebook, Perspective

if TYPE_CHECKING:
    from spacy.tokens import Doc


RULES = ("speaker", "names")
# Words that may open a sentence before the group it is about (English only).
LEAD_WORDS = frozenset({
    "some", "many", "most", "a", "an", "few", "several", "the", "these", "those", "all", "both", "other",
    "not", "every", "although", "though", "while", "existing", "however", "for", "in", "among", "even",
    "only", "when", "where", "because", "minority", "majority", "of", "half", "more", "fewer", ",",
})


@dataclass(frozen=True)
class Mention:
    """A perspective named in the text at [start, end)."""

    perspective: str
    start: int
    end: int
    text: str


def _terms(p: Perspective) -> list[str]:
    return [t for t in dict.fromkeys([p.name, *p.synonyms]) if t.strip()]


class PerspectiveDetector:
    """The codebook's perspectives as lemma patterns; `mentions(doc)` finds them in a parsed text."""

    def __init__(self, codebook: Codebook, rule: str = "speaker") -> None:
        from spacy.matcher import PhraseMatcher

        from workbench.nlp.pipeline import get_nlp

        if rule not in RULES:
            raise UserError(f"perspective rule is 'speaker' or 'names', not '{rule}'")
        self.rule = rule
        self.nlp = get_nlp()
        self.perspectives = list(codebook.perspectives)
        self.mixed = next((p.name for p in self.perspectives if p.mixed), "")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        for p in self.perspectives:
            terms = _terms(p)
            patterns = list(self.nlp.pipe(terms, disable=["sentencizer"]))
            self.matcher.add(p.name, patterns)

    def mentions(self, doc: Doc) -> list[Mention]:
        """Non-overlapping mentions in text order, the longest match kept where two overlap."""
        from spacy.tokens import Span
        from spacy.util import filter_spans

        spans = [Span(doc, a, b, label=m) for m, a, b in self.matcher(doc)]
        return [Mention(s.label_, s.start_char, s.end_char, s.text)
                for s in sorted(filter_spans(spans), key=lambda s: s.start)]

    def groups(self, doc: Doc) -> list[str]:
        """The perspectives named, each once, in order of first mention."""
        return list(dict.fromkeys(m.perspective for m in self.mentions(doc)))

    def analyse(self, doc: Doc) -> tuple[list[str], str]:
        """(groups named, hint) for one parsed text."""
        mentions = self.mentions(doc)
        groups = list(dict.fromkeys(m.perspective for m in mentions))
        return groups, self.hint(groups, self._speaker(doc, mentions))

    def hint(self, groups: list[str], speaker: str = "") -> str:
        """One group → it; a mixed one named ("stakeholders") → mixed; several → the speaker if the
        text opens with one (rule "speaker"), else the mixed perspective."""
        if not groups:
            return ""
        if len(groups) == 1:
            return groups[0]
        if self.mixed in groups:
            return self.mixed
        if self.rule == "speaker" and speaker:
            return speaker
        return self.mixed

    @staticmethod
    def _speaker(doc: Doc, mentions: list[Mention]) -> str:
        """The group a text opens with ("Some peer workers said …"): who the finding is about.

        Only quantifiers and connectives may stand before it, and it must come within the first
        few words; anything else ("Working with clients …") leaves the speaker unknown.
        """
        if not mentions:
            return ""
        first = mentions[0]
        before = [t for t in doc if t.idx < first.start]
        if len(before) > 4 or any(t.lower_ not in LEAD_WORDS for t in before):
            return ""
        return first.perspective

    def detect(self, texts: Iterable[str], batch_size: int = 512) -> Iterator[tuple[list[str], str]]:
        """(groups, hint) for each text, streamed through nlp.pipe."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size, disable=["sentencizer"]):
            yield self.analyse(doc)
