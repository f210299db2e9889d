"""What the Matrix, Table and Sources screens show, computed off the main thread.

Each function takes the session and the coder choice, runs the shared analyses (`derive_cells`,
`matrix_from`, `build_table`, `evidence_from`) and returns plain objects the screens render.
Every analysis reads through the session's coder-scoped view (`session.view`), which holds the blind
rule. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.tui.session import Session

if TYPE_CHECKING:
    from workbench.analysis.cells import Derivation
    from workbench.analysis.evidence import EvidenceProfile
    from workbench.analysis.matrix import Matrix
    from workbench.analysis.table import TableModel
    from workbench.core.model import Source


def choice_for(session: Session, choice: str) -> str | None:
    """The coder choice the analyses get; None when it can only be empty (I have not coded yet).
    The blind rule is the view's (store/viewer.py): it refuses any choice but my own while blind."""
    if choice not in ("default", "all", "consensus", "") and choice not in session.project.records.coders():
        return None
    return choice


@dataclass
class MatrixView:
    matrix: Matrix
    derivation: Derivation
    abbreviations: dict[str | None, str] = field(default_factory=dict)


def abbreviate(valences: list[str | None]) -> dict[str | None, str]:
    """Short unique labels for valences ('B', 'C'; 'Fa', 'Ba' when initials clash; '–' for none)."""
    out: dict[str | None, str] = {}
    for v in valences:
        if v is None:
            out[v] = "–"
            continue
        for n in range(1, len(v) + 1):
            short = v[:n].capitalize()
            if short not in out.values():
                out[v] = short
                break
        else:
            out[v] = v
    return out


def matrix_view(session: Session, choice: str) -> MatrixView | None:
    from workbench.analysis.cells import derive_cells
    from workbench.analysis.matrix import matrix_from

    chosen = choice_for(session, choice)
    if chosen is None:
        return None
    derivation = derive_cells(session.view, chosen)
    matrix = matrix_from(derivation, session.codebook)
    return MatrixView(matrix, derivation, abbreviate(list(matrix.valences)))


def cell_excerpts(session: Session, derivation: Derivation, subtheme: str, perspective: str | None,
                  valences: list[str | None]) -> list[tuple[str, str, str | None, str]]:
    """(excerpt key, source ref, valence, text) behind one matrix cell, in excerpt order."""
    derivation.load_detail()
    found: dict[str, tuple[str, str | None]] = {}
    for v in valences:
        cell = derivation.cell(subtheme, v, perspective)
        if cell is None:
            continue
        for ref, keys in cell.excerpts.items():
            for k in keys:
                found.setdefault(k, (ref, v))
    texts = session.project.workspace.excerpt_texts(list(found))
    order = session.index.position if session.index is not None else {}
    keys = sorted(found, key=lambda k: order.get(k, 0))
    return [(k, found[k][0], found[k][1], texts.get(k, ("", ""))[1]) for k in keys]


def table_view(session: Session, choice: str) -> Any | None:
    from workbench.analysis.table import build_table

    chosen = choice_for(session, choice)
    if chosen is None:
        return None
    return build_table(session.view, chosen)


@dataclass
class Evidence:
    """Per cell of a summary: the excerpts that support it, grouped by source."""

    rows: list[tuple[str, str, str]]  # (ref, key, text)


def summary_evidence(session: Session, model: TableModel, subtheme: str, valence: str | None,
                     perspective: str) -> Evidence:
    derivation = model.derivation
    derivation.load_detail()
    cell = derivation.cell(subtheme, valence, perspective)
    pairs = [(ref, k) for ref, keys in (cell.excerpts.items() if cell else []) for k in keys]
    texts = session.project.workspace.excerpt_texts([k for _r, k in pairs])
    return Evidence([(ref, k, texts.get(k, ("", ""))[1]) for ref, k in pairs])


@dataclass
class SourcesView:
    sources: list[Source]
    supports: dict[str, list[tuple[str, str | None, str | None]]]  # ref → (subtheme, valence, perspective)
    profile: EvidenceProfile | None  # None when the coder choice shows nothing


def sources_view(session: Session, choice: str) -> SourcesView:
    from workbench.analysis.cells import derive_cells
    from workbench.analysis.evidence import evidence_from

    p = session.project
    chosen = choice_for(session, choice)
    supports: dict[str, list[tuple[str, str | None, str | None]]] = {}
    profile = None
    sources = p.records.sources()
    if chosen is not None:
        derivation = derive_cells(session.view, chosen)
        for c in derivation.cells:
            for ref in c.refs:
                supports.setdefault(ref, []).append((c.subtheme, c.valence, c.perspective))
        profile = evidence_from(derivation, session.codebook, sources, p.evidence.included_studies(), p.evidence.judgements(),
                                session.view.summaries())
    return SourcesView(sources, supports, profile)
