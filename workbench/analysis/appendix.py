"""The detailed-themes appendix: every excerpt behind every cell of the table, quoted in full.

Journals publish the overview table and put the evidence behind it in a supplementary file (the
article's "Appendix 7"). The appendix follows the table exactly — its structure and reference
lists are the `TableModel`'s (`build_table`: same coders, same order, same provenance note) — and
under each theme → subtheme → valence → perspective it quotes the excerpts of the codings behind
that cell, with the source's label, the excerpt's location and the coder(s), plus counts per
subtheme. So every reference in the table can be read back to its words.

Usage: `appendix = build_appendix(view, coders)` or `appendix_from(view, build_table(view, coders))`, with
`view = project.viewer(coder)`. The quotes are read for exactly the coders the table's derivation
counted (its scope already obeys the blind rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.analysis.table import TableModel, build_table
from workbench.core.refs import sort_refs
from workbench.store import queries, writeup_queries
from workbench.store.viewer import CoderView

CellKey = tuple[str, str | None, str]


@dataclass
class Quote:
    """One excerpt behind a cell: its words, where they come from, who coded them there."""

    key: str
    ref: str
    text: str
    location: str
    coders: list[str]


@dataclass
class PerspectiveBlock:
    perspective: str
    references: list[str]
    groups: list[str]
    mixed: bool
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class ValenceBlock:
    valence: str | None
    references: list[str]
    perspectives: list[PerspectiveBlock] = field(default_factory=list)


@dataclass
class SubthemeBlock:
    name: str
    valences: list[ValenceBlock] = field(default_factory=list)
    codings: int = 0

    @property
    def excerpts(self) -> int:
        """Distinct excerpts quoted under this subtheme (one excerpt may sit in several cells)."""
        return len({q.key for v in self.valences for p in v.perspectives for q in p.quotes})

    @property
    def sources(self) -> int:
        return len({r for v in self.valences for r in v.references})

    @property
    def quotes(self) -> int:
        return sum(len(p.quotes) for v in self.valences for p in v.perspectives)


@dataclass
class ThemeBlock:
    name: str
    subthemes: list[SubthemeBlock] = field(default_factory=list)


@dataclass
class Appendix:
    table: TableModel
    themes: list[ThemeBlock]

    @property
    def title(self) -> str:
        return self.table.label("appendix_title", f"{self.table.title}: detailed themes")

    def refs_text(self, refs: list[str]) -> str:
        return self.table.refs_text(refs)

    def valence_heading(self, block: ValenceBlock) -> str:
        """'Benefit [23, 34, 61]' as the table's row label; the no-valence row is named as such."""
        word = "" if block.valence is None else self.table.valence_word_for(block.valence)
        if block.valence is None and self.table.codebook.valences:
            word = self.table.label("no_valence", "No valence")
        return f"{word} {self.refs_text(block.references)}" if word else self.refs_text(block.references)

    def perspective_heading(self, block: PerspectiveBlock) -> str:
        groups = f" ({', '.join(block.groups)})" if block.groups else ""
        return f"{block.perspective} {self.refs_text(block.references)}{groups}"

    def counts(self, sub: SubthemeBlock) -> str:
        """'12 excerpts from 5 sources (14 codings)'."""
        def n(k: int, word: str) -> str:
            return f"{k:,} {word}{'s' if k != 1 else ''}"
        return f"{n(sub.excerpts, 'excerpt')} from {n(sub.sources, 'source')} ({n(sub.codings, 'coding')})"

    def attribution(self, q: Quote) -> str:
        """'[23] e001, Results, theme 1; coded by amira, ben'."""
        where = f", {q.location}" if q.location else ""
        word = "coder" if len(q.coders) == 1 else "coders"
        return f"{self.refs_text([q.ref])} {q.key}{where}; {word}: {', '.join(q.coders)}"

    def notes(self) -> list[str]:
        return self.table.notes()


def _quotes(view: CoderView, model: TableModel) -> dict[CellKey, list[Quote]]:
    """Cell → its quotes, ordered as the table orders references, then as the excerpts were imported."""
    with view.project.read() as conn:
        look = queries.cell_lookups(conn)
        rows = writeup_queries.cell_excerpt_coders(conn, model.derivation.coders)
        coder = writeup_queries.coder_names(conn)
        texts = writeup_queries.excerpts_by_id(conn, [r[3] for r in rows])
    ref_of = {i: s.ref for i, s in look["source"].items()}
    rank = {r: i for i, r in enumerate(sort_refs(ref_of.values(), model.numeric))}
    sub = {i: r.name for i, r in look["subtheme"].items()}
    val = {i: r.name for i, r in look["valence"].items()}
    per = {i: r.name for i, r in look["perspective"].items()}
    found: dict[CellKey, list[tuple[int, int, int, Quote]]] = {}
    for sub_id, val_id, per_id, excerpt_id, coder_ids in rows:
        if per_id is None:  # the table has no cell for codings without a perspective
            continue
        e = texts[excerpt_id]
        ref = ref_of[e.source_id]
        names = sorted({coder[int(c)] for c in str(coder_ids).split(",")}, key=str.lower)
        key = (sub[sub_id], val[val_id] if val_id else None, per[per_id])
        found.setdefault(key, []).append(
            (rank[ref], e.position or 0, excerpt_id, Quote(e.key, ref, e.text or "", e.location or "", names)))
    return {k: [q for *_order, q in sorted(v, key=lambda x: x[:3])] for k, v in found.items()}


def appendix_from(view: CoderView, model: TableModel) -> Appendix:
    """The appendix of `model` (the table, built for `view`), with the excerpts behind its cells."""
    quotes = _quotes(view, model)
    themes = []
    for th in model.themes:
        tb = ThemeBlock(th.name)
        for st in th.subthemes:
            if not st.rows:
                continue
            sb = SubthemeBlock(st.name)
            for row in st.rows:
                vb = ValenceBlock(row.valence, row.references)
                for e in row.perspectives:
                    vb.perspectives.append(PerspectiveBlock(e.perspective, e.references, e.groups, e.mixed,
                                                            quotes.get((st.name, row.valence, e.perspective), [])))
                    cell = model.derivation.cell(st.name, row.valence, e.perspective)
                    sb.codings += cell.codings if cell else 0
                sb.valences.append(vb)
            tb.subthemes.append(sb)
        if tb.subthemes:
            themes.append(tb)
    return Appendix(model, themes)


def build_appendix(view: CoderView, coders: str | None = None) -> Appendix:
    """The appendix for the chosen coders as `view` may see them (see `build_table`)."""
    return appendix_from(view, build_table(view, coders))
