"""The perspective matrix: subthemes (grouped by overarching theme) × perspectives.

Each cell holds the references behind it split by valence, so a glance shows which perspective
supports which theme and in which direction. Built from `derive_cells` like the table, so a count
here is always the length of a reference list there. Ungrouped subthemes stay out, as in the table.
Plain dataclasses: the TUI shows the same object the exports write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.analysis.cells import Derivation, derive_cells
from workbench.core.model import Codebook
from workbench.store.viewer import CoderView

NO_VALENCE = "no valence"
NO_PERSPECTIVE = "no perspective"


@dataclass
class MatrixCell:
    """One subtheme × perspective: valence → sorted refs (only valences with refs are present)."""

    refs: dict[str | None, list[str]] = field(default_factory=dict)

    def count(self, valence: str | None) -> int:
        return len(self.refs.get(valence, ()))

    @property
    def total(self) -> int:
        """Distinct sources behind the cell, whatever their valence."""
        return len({r for refs in self.refs.values() for r in refs})


@dataclass
class MatrixRow:
    theme: str
    subtheme: str
    cells: dict[str | None, MatrixCell] = field(default_factory=dict)  # perspective → cell

    def cell(self, perspective: str | None) -> MatrixCell:
        return self.cells.get(perspective) or MatrixCell()


@dataclass
class Matrix:
    """Rows in codebook order; `perspectives` and `valences` are the columns and their split."""

    perspectives: list[str | None]
    valences: list[str | None]
    rows: list[MatrixRow]
    numeric: bool
    coders: str
    provenance: dict[str, object] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def themes(self) -> list[tuple[str, list[MatrixRow]]]:
        out: list[tuple[str, list[MatrixRow]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.theme:
                out.append((row.theme, []))
            out[-1][1].append(row)
        return out

    @property
    def max_count(self) -> int:
        return max((c.count(v) for r in self.rows for c in r.cells.values() for v in c.refs), default=0)

    def perspective_label(self, p: str | None) -> str:
        return p if p is not None else NO_PERSPECTIVE

    def valence_label(self, v: str | None) -> str:
        return v if v is not None else NO_VALENCE


def matrix_from(derivation: Derivation, codebook: Codebook) -> Matrix:
    """The matrix for one derivation (shared with the report, which derives once)."""
    grouped = {st.name: th.name for th in codebook.themes for st in th.subthemes}
    cells: dict[str, dict[str | None, MatrixCell]] = {}
    any_none_v = any_none_p = False
    for c in derivation.cells:
        if c.subtheme not in grouped or not c.refs:
            continue
        any_none_v |= c.valence is None
        any_none_p |= c.perspective is None
        cell = cells.setdefault(c.subtheme, {}).setdefault(c.perspective, MatrixCell())
        cell.refs[c.valence] = list(c.refs)  # already in table order; one cell per key
    perspectives: list[str | None] = [p.name for p in codebook.perspectives]
    if any_none_p:
        perspectives.append(None)
    valences: list[str | None] = list(codebook.valences)
    if any_none_v:
        valences.append(None)
    rows = [MatrixRow(th.name, st.name, cells.get(st.name, {})) for th in codebook.themes for st in th.subthemes]
    return Matrix(perspectives, valences, rows, derivation.numeric, derivation.coder_choice,
                  dict(derivation.provenance), dict(codebook.labels))


def build_matrix(view: CoderView, coders: str | None = None) -> Matrix:
    """The perspective matrix for a choice of coders (default: the agreed set if any), as `view` may see it."""
    return matrix_from(derive_cells(view, coders), view.project.codebook.get())
