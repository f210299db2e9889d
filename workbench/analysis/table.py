"""Table 6 rows from the cell derivation: theme → subtheme → valence row → perspective entries.

Every table export (JSON, Markdown, CSV, DOCX, HTML, XLSX) and the TUI's Table screen render
this one model, so they cannot disagree about which references a row has. The model also owns
the wording every renderer shares — column headings from the codebook's `labels:`, "Benefit
[23, 34, 61]", the footnote for mixed samples, the notes on provenance and stale summaries — so a
format only decides layout (bold, merges, superscripts), never content.

Usage: `model = build_table(project, coders)`, then `for item in model.lines(): …` (see `Line`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from workbench.analysis.cells import Derivation, derive_cells, paused_gc
from workbench.core.model import Codebook, Source
from workbench.core.refs import sort_refs
from workbench.store.viewer import CoderView

MIXED_MARK = "a"  # the footnote marker after a mixed perspective ("Mixed^a"), as Table 6 prints it
STALE_MARK = "†"  # after a summary written when its cell cited other sources
DEFAULT_MIXED_NOTE = ("A mixed sample combines several groups; the source does not say which of them "
                      "reported the finding. The groups in parentheses are those sampled by the sources cited.")
DEFAULT_STALE_NOTE = "Summary written when the cell cited other sources; check it against the references."


@dataclass
class PerspectiveEntry:
    """One "PSWs [23, 34]: summary…" paragraph of the summary cell."""

    perspective: str
    references: list[str]
    summary: str
    groups: list[str]  # a mixed perspective's union of source groups; [] otherwise
    mixed: bool = False
    stale: bool = False
    written_for: list[str] = field(default_factory=list)  # the refs a stale summary was written for


@dataclass
class Row:
    """One valence row of a subtheme ("Benefit [23, 34, 61]"); `valence` None is the no-valence row."""

    valence: str | None
    references: list[str]
    perspectives: list[PerspectiveEntry]


@dataclass
class SubthemeRows:
    name: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class ThemeRows:
    name: str
    subthemes: list[SubthemeRows] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """One printed line of the table, in order: a theme heading or a valence row.

    `first` marks a subtheme's first row, where the subtheme name is printed (the article leaves
    the first column empty on the subtheme's later rows).
    """

    theme: str
    subtheme: str | None = None
    row: Row | None = None
    first: bool = False

    @property
    def heading(self) -> bool:
        return self.row is None


@dataclass
class TableModel:
    codebook: Codebook
    themes: list[ThemeRows]
    derivation: Derivation
    read_sources: Callable[[], list[Source]] = field(repr=False, compare=False)
    _sources: dict[str, Source] | None = field(default=None, repr=False, compare=False)

    @property
    def sources(self) -> dict[str, Source]:
        """ref → Source, for the list of sources cited beneath the table; read on first use, since
        the cells alone (the Python API's `cells()`) do not need them."""
        if self._sources is None:
            self._sources = {s.ref: s for s in self.read_sources()}
        return self._sources

    # ----- content -------------------------------------------------------------------------
    @property
    def numeric(self) -> bool:
        """Refs are JSON numbers (DESIGN.md): every source label is an integer."""
        return self.derivation.numeric

    @property
    def author_year(self) -> bool:
        return self.codebook.citation == "author-year" or not self.numeric

    def lines(self) -> Iterator[Line]:
        """Theme headings and valence rows as printed; themes and subthemes without rows are left out."""
        for th in self.themes:
            if not any(st.rows for st in th.subthemes):
                continue
            yield Line(th.name)
            for st in th.subthemes:
                for i, row in enumerate(st.rows):
                    yield Line(th.name, st.name, row, i == 0)

    def entries(self) -> Iterator[tuple[str, str, Row, PerspectiveEntry]]:
        """(theme, subtheme, row, entry) for every cell, in table order — the tidy view."""
        for th in self.themes:
            for st in th.subthemes:
                for row in st.rows:
                    for e in row.perspectives:
                        yield th.name, st.name, row, e

    def cited_refs(self) -> list[str]:
        refs = {r for th in self.themes for st in th.subthemes for row in st.rows for r in row.references}
        return sort_refs(refs, self.numeric)

    def cited_sources(self) -> list[Source]:
        return [self.sources.get(r) or Source(r) for r in self.cited_refs()]

    # ----- wording -------------------------------------------------------------------------
    def label(self, key: str, default: str) -> str:
        return self.codebook.label(key, default)

    @property
    def headers(self) -> tuple[str, str, str]:
        """The three column headings, e.g. "Theme", "Benefit/challenge, references", "Summary and sample"."""
        vals = "/".join(self.label(f"valence.{v}", v) for v in self.codebook.valences)
        valence = self.label("valence", vals[:1].upper() + vals[1:])
        refs = self.label("references", "references")
        second = f"{valence}, {refs}" if valence else refs[:1].upper() + refs[1:]
        third = f"{self.label('summary', 'Summary')} and {self.label('perspective', 'perspective')}"
        return self.label("theme", "Theme"), second, third

    @property
    def title(self) -> str:
        return self.label("table_title", self.codebook.name or "Themes")

    def refs_text(self, refs: list[str]) -> str:
        """'[23, 34, 61]' for numeric citation, '[Abara 2019; Chen 2022]' for author–year."""
        return "[" + ("; " if self.author_year else ", ").join(refs) + "]"

    def valence_word(self, row: Row) -> str:
        """'Benefit'; '' for the no-valence row (Table 6's "Other" row prints only its references)."""
        return "" if row.valence is None else self.valence_word_for(row.valence)

    def valence_word_for(self, valence: str) -> str:
        """How a valence prints: its `labels:` entry `valence.<name>` if any, capitalised."""
        v = self.label(f"valence.{valence}", valence)
        return v[:1].upper() + v[1:]

    def row_label(self, row: Row) -> str:
        word = self.valence_word(row)
        return f"{word} {self.refs_text(row.references)}" if word else self.refs_text(row.references)

    def groups_text(self, entry: PerspectiveEntry) -> str:
        return f"({', '.join(entry.groups)})" if entry.mixed and entry.groups else ""

    def entry_text(self, entry: PerspectiveEntry, marks: bool = True) -> str:
        """The paragraph as plain text: 'Mixed^a [42, 55]: summary… (carers, PSWs)'."""
        head = entry.perspective + (f"^{MIXED_MARK}" if marks and entry.mixed else "")
        text = f"{head} {self.refs_text(entry.references)}:"
        if entry.summary:
            text += " " + entry.summary
        if marks and entry.stale:
            text += f" {STALE_MARK}"
        groups = self.groups_text(entry)
        return f"{text} {groups}" if groups else text

    @property
    def has_mixed(self) -> bool:
        return any(e.mixed for _t, _s, _r, e in self.entries())

    def footnotes(self) -> list[tuple[str, str]]:
        """(marker, text) under the table: the mixed-sample footnote, the stale-summary warning."""
        out = []
        if self.has_mixed:
            out.append((MIXED_MARK, self.label("mixed_note", DEFAULT_MIXED_NOTE)))
        if any(e.stale for _t, _s, _r, e in self.entries()):
            out.append((STALE_MARK, DEFAULT_STALE_NOTE))
        return out

    def notes(self) -> list[str]:
        """Provenance and staleness, as sentences for under the table (JSON carries them as keys)."""
        out = []
        prov = self.derivation.provenance
        if prov.get("note"):
            out.append(f"Provenance: {prov['note']}.")
        if self.derivation.coder_choice != "consensus":
            who = ", ".join(self.derivation.coders or []) or "no coder"
            out.append(f"Provenance: derived from the codings of {who}, not from an agreed set.")
        for _t, st, row, e in self.entries():
            if e.stale and not e.written_for:
                out.append(f"Stale summary: {st} / {row.valence or '(no valence)'} / {e.perspective} was written "
                           "for other codings and is not shown while the project codes blind.")
            elif e.stale:
                out.append(f"Stale summary: {st} / {row.valence or '(no valence)'} / {e.perspective} was written "
                           f"for {self.refs_text(e.written_for)}; the codings now give "
                           f"{self.refs_text(e.references)}.")
        return out


def build_table(view: CoderView, coders: str | None = None) -> TableModel:
    """The table for the chosen coders as `view` may see them (see `derive_cells`): every cell with
    references, in codebook order."""
    with paused_gc():
        return _build(view, coders)


def _build(view: CoderView, coders: str | None) -> TableModel:
    project = view.project
    cb = project.codebook.get()
    derivation = derive_cells(view, coders)
    summaries = {(s.subtheme, s.valence, s.perspective): s for s in project.summaries.all()}
    valence_order: list[str | None] = [*cb.valences, None]
    themes = []
    for th in cb.themes:
        trows = ThemeRows(th.name)
        for st in th.subthemes:
            srows = SubthemeRows(st.name)
            for v in valence_order:
                entries = []
                for p in cb.perspectives:
                    cell = derivation.cell(st.name, v, p.name)
                    if cell is None or not cell.refs:
                        continue
                    s = summaries.get((st.name, v, p.name))
                    written = [r for r in (s.references.split(",") if s else []) if r]
                    # A summary records the references of the cell it was written for (see `summary
                    # set`); shown beside other references (another coder choice, or one coder's
                    # own while blind) it is marked stale. While blind, a summary written for other
                    # codings is withheld: its text and references would tell the agreed set.
                    stale = bool(s and s.text and written and written != cell.refs)
                    text = s.text if s and not (stale and derivation.blind) else ""
                    entries.append(PerspectiveEntry(p.name, cell.refs, text,
                                                    cell.groups if p.mixed else [], p.mixed, stale,
                                                    written if stale and not derivation.blind else []))
                if entries:
                    refs = sort_refs({r for e in entries for r in e.references}, derivation.numeric)
                    srows.rows.append(Row(v, refs, entries))
            trows.subthemes.append(srows)
        themes.append(trows)
    return TableModel(cb, themes, derivation, project.records.sources)
