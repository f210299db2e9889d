"""The Results narrative: the table's cells arranged as prose, theme by theme, perspective by perspective.

A team's Results section walks each overarching theme one perspective at a time ("Perspective of
service users"), benefits before challenges, each finding followed by its references. Writing it
by hand from the table is where text and table drift apart, so the narrative is built from the
`TableModel` itself (`build_table`: same coders, same reference order, same provenance note) and
adds no words of its own to the findings: every sentence is a team summary, and a cell without
one becomes a marked placeholder rather than generated text.

The model owns all wording (headings from the codebook's `labels:`, run-in labels, where the
references go, placeholders, the closing line on single-source subthemes); the formats in
`formats/writeup_*.py` only lay it out.

Usage: `narrative = build_narrative(view, coders)` or `narrative_from(build_table(view, coders))`, with
`view = project.viewer(coder)` (store/viewer.py: the blind rule).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbench.analysis.table import STALE_MARK, TableModel, build_table
from workbench.core.refs import sort_refs
from workbench.store.viewer import CoderView

DEFAULT_HEADING = "{perspective_word} of {perspective}"  # "Perspective of service users"
DEFAULT_SINGLE = "Resting on a single source"
DEFAULT_NO_SINGLE = "No subtheme of this theme rests on a single source."
_END = ".!?"


@dataclass
class Finding:
    """One subtheme × valence cell of a perspective: its summary (or none yet) and references."""

    subtheme: str
    valence: str | None
    references: list[str]
    summary: str
    groups: list[str]  # a mixed perspective's sample groups, as the table prints them
    stale: bool = False

    @property
    def placeholder(self) -> bool:
        return not self.summary.strip()


@dataclass
class PerspectiveSection:
    perspective: str
    heading: str
    mixed: bool
    findings: list[Finding] = field(default_factory=list)


@dataclass
class ThemeSection:
    name: str
    sections: list[PerspectiveSection] = field(default_factory=list)
    single_source: list[tuple[str, str]] = field(default_factory=list)  # (subtheme, its one ref)


@dataclass
class Narrative:
    table: TableModel
    themes: list[ThemeSection]

    # ----- wording -------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.table.label("narrative_title", self.table.title)

    def refs_text(self, refs: list[str]) -> str:
        return self.table.refs_text(refs)

    def run_in(self, f: Finding) -> str:
        """The bold lead of a paragraph: 'Wellbeing and recovery (challenge)'."""
        if f.valence is None or not self.table.codebook.valences:
            return f.subtheme
        return f"{f.subtheme} ({self.table.valence_word_for(f.valence).lower()})"

    def finding_text(self, f: Finding) -> str:
        """The summary with its references (and a mixed cell's groups) before the closing full stop,
        as a Results paragraph cites: '… social connections [23, 34, 61].' A stale summary ends in †."""
        suffix = self.refs_text(f.references) + (f" ({', '.join(f.groups)})" if f.groups else "")
        if f.placeholder and f.stale:  # the table withholds it while blind: written for other codings
            return f"[Summary not shown while coding blind (written for other codings): {self.run_in(f)}; references {suffix}]"
        if f.placeholder:
            return f"[No summary yet: {self.run_in(f)}; references {suffix}]"
        text = " ".join(f.summary.split())
        if text[-1] in _END:
            text = f"{text[:-1]} {suffix}{text[-1]}"
        else:
            text = f"{text} {suffix}"
        return f"{text} {STALE_MARK}" if f.stale else text

    def closing(self, theme: ThemeSection) -> str:
        """The line under a theme naming the subthemes whose every cell cites the same one source."""
        if not theme.single_source:
            return self.table.label("no_single_source", DEFAULT_NO_SINGLE)
        items = "; ".join(f"{name} {self.refs_text([ref])}" for name, ref in theme.single_source)
        return f"{self.table.label('single_source', DEFAULT_SINGLE)}: {items}."

    def overview(self) -> str:
        """One sentence of counts before the themes: sources cited, by perspective, and their quality."""
        model = self.table
        refs = model.cited_refs()
        if not refs:
            return "No cell of the table has references yet."
        per: dict[str, set[str]] = {}
        for _t, _s, _r, e in model.entries():
            per.setdefault(e.perspective, set()).update(e.references)
        order = [p.name for p in model.codebook.perspectives if p.name in per]
        parts = [f"{self.perspective_words(p)} {self.refs_text(sort_refs(per[p], model.numeric))}" for p in order]
        quality = Counter((s.quality or "not rated") for s in model.cited_sources())
        rated = ", ".join(f"{q} {n}" for q, n in sorted(quality.items(), key=lambda x: (-x[1], x[0])))
        n = len(refs)
        return (f"Findings come from {n} source{'s' if n != 1 else ''} {self.refs_text(refs)}, from these "
                f"{model.label('perspective', 'perspective')}s: {'; '.join(parts)}. "
                f"Quality of the sources cited: {rated}.")

    def perspective_words(self, name: str) -> str:
        """How a perspective reads inside a sentence: its `labels:` entry `perspective.<name>`, else
        the name with a lower-case initial (kept for acronyms such as 'PSWs'); a mixed perspective
        reads '<name> samples' ('mixed samples') unless its name already says sample."""
        given = self.table.codebook.labels.get(f"perspective.{name}")
        if given:
            return given
        word = name if name[1:2].isupper() else name[:1].lower() + name[1:]
        p = self.table.codebook.perspective(name)
        if p is not None and p.mixed and "sample" not in word.lower():
            word += " samples"
        return word

    def notes(self) -> list[str]:
        """The table's footnotes and notes (provenance, stale summaries) plus a count of placeholders."""
        out = [f"{mark} {text}" if mark == STALE_MARK else text for mark, text in self.table.footnotes()]
        out += self.table.notes()
        missing = sum(1 for th in self.themes for s in th.sections for f in s.findings if f.placeholder)
        if missing:
            out.append(f"{missing} finding{'s have' if missing != 1 else ' has'} no summary yet "
                       "(marked \"[No summary yet: …]\"); write them on the Table screen or with 'workbench summary set'.")
        return out


def heading_for(model: TableModel, words: str) -> str:
    """'Perspective of service users' from the `labels:` key `perspective_heading` (placeholder
    `{perspective}`), whose default uses the team's word for perspective (`labels: perspective`)."""
    word = model.label("perspective", "perspective")
    template = model.label("perspective_heading", DEFAULT_HEADING)
    try:
        return template.format(perspective=words, perspective_word=word[:1].upper() + word[1:])
    except (KeyError, IndexError, ValueError):  # a template with other braces: take it literally
        return template.replace("{perspective}", words)


def narrative_from(model: TableModel) -> Narrative:
    """Arrange the table's cells: theme → perspective (codebook order) → findings, the first valence
    first (then the next, the no-valence row last), subthemes in codebook order within a valence."""
    narrative = Narrative(model, [])
    valence_rank = {v: i for i, v in enumerate([*model.codebook.valences, None])}
    for th in model.themes:
        found: dict[str, list[tuple[int, int, Finding]]] = {}
        single: list[tuple[str, str]] = []
        for si, st in enumerate(th.subthemes):
            for row in st.rows:
                for e in row.perspectives:
                    f = Finding(st.name, row.valence, e.references, e.summary, e.groups, e.stale)
                    found.setdefault(e.perspective, []).append((valence_rank[row.valence], si, f))
            refs = {r for row in st.rows for r in row.references}
            if len(refs) == 1:
                single.append((st.name, next(iter(refs))))
        if not found:
            continue
        section = ThemeSection(th.name, single_source=single)
        for p in model.codebook.perspectives:
            if p.name in found:
                findings = [f for _v, _s, f in sorted(found[p.name], key=lambda x: (x[0], x[1]))]
                heading = heading_for(model, narrative.perspective_words(p.name))
                section.sections.append(PerspectiveSection(p.name, heading, p.mixed, findings))
        narrative.themes.append(section)
    return narrative


def build_narrative(view: CoderView, coders: str | None = None) -> Narrative:
    """The narrative for the chosen coders as `view` may see them (see `build_table`)."""
    return narrative_from(build_table(view, coders))
