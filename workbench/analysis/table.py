"""Table 6 rows from the cell derivation: theme → subtheme → valence row → perspective entries.

Every table export (JSON, Markdown, CSV, DOCX, HTML, XLSX) renders this one model, so they cannot
disagree about which references a row has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.analysis.cells import Derivation, derive_cells
from workbench.core.model import Codebook
from workbench.core.refs import sort_refs


@dataclass
class PerspectiveEntry:
    perspective: str
    references: list[str]
    summary: str
    groups: list[str]
    mixed: bool = False
    stale: bool = False


@dataclass
class Row:
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


@dataclass
class TableModel:
    codebook: Codebook
    themes: list[ThemeRows]
    derivation: Derivation
    sources: dict[str, object]  # ref → Source, for the list of sources cited beneath the table

    @property
    def numeric(self) -> bool:
        return self.derivation.numeric

    def cited_refs(self) -> list[str]:
        refs = {r for th in self.themes for st in th.subthemes for row in st.rows for r in row.references}
        return sort_refs(refs, self.numeric)


def build_table(project, coders: str | None = None) -> TableModel:  # type: ignore[no-untyped-def]
    cb = project.codebook()
    derivation = derive_cells(project, coders)
    summaries = {(s.subtheme, s.valence, s.perspective): s for s in project.summaries()}
    by_cell = {(c.subtheme, c.valence, c.perspective): c for c in derivation.cells}
    valence_order: list[str | None] = [*cb.valences, None]
    themes = []
    for th in cb.themes:
        trows = ThemeRows(th.name)
        for st in th.subthemes:
            srows = SubthemeRows(st.name)
            for v in valence_order:
                entries = []
                for p in cb.perspectives:
                    cell = by_cell.get((st.name, v, p.name))
                    if cell is None or not cell.refs:
                        continue
                    s = summaries.get((st.name, v, p.name))
                    refs_text = ",".join(cell.refs)
                    entries.append(PerspectiveEntry(
                        p.name, cell.refs, s.text if s else "", cell.groups if p.mixed else [], p.mixed,
                        stale=bool(s and s.references and s.references != refs_text)))
                if entries:
                    refs = sort_refs({r for e in entries for r in e.references}, derivation.numeric)
                    srows.rows.append(Row(v, refs, entries))
            trows.subthemes.append(srows)
        themes.append(trows)
    return TableModel(cb, themes, derivation, {s.ref: s for s in project.sources()})
