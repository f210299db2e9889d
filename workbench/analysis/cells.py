"""The one derivation: codings → cells (subtheme × valence × perspective → sources, excerpts, coders).

The table, the matrix, the graph and the evidence profile are all built from `derive_cells`, so
every figure a team publishes has exactly one derivation behind it.

The references of every cell come from one grouped query (subtheme × valence × perspective ×
source) over the covering index; the excerpts and coders behind each source are fetched only when
a caller first reads `cell.excerpts` or `cell.coders` (one more query for all cells at once). The
table needs only the references, and fetching 500,000 excerpt keys it never prints would triple
its cost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.core.refs import all_numeric, sort_refs
from workbench.store import queries
from workbench.store.viewer import CoderView

if TYPE_CHECKING:
    from workbench.store.core import ProjectCore

CellKey = tuple[str, str | None, str | None]


@dataclass
class Cell:
    """One subtheme × valence × perspective with the sources behind it.

    `excerpts` and `coders` map each ref to the excerpt keys and coder names behind that source's
    support for the cell; they are loaded on first use (see the module docstring).
    """

    subtheme: str
    valence: str | None
    perspective: str | None
    refs: list[str] = field(default_factory=list)
    codings: int = 0
    groups: list[str] = field(default_factory=list)
    _owner: Derivation | None = field(default=None, repr=False, compare=False)
    _excerpts: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    _coders: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> CellKey:
        return (self.subtheme, self.valence, self.perspective)

    @property
    def excerpts(self) -> dict[str, list[str]]:
        if self._excerpts is None:
            self._load()
        return self._excerpts or {}

    @property
    def coders(self) -> dict[str, list[str]]:
        if self._coders is None:
            self._load()
        return self._coders or {}

    def _load(self) -> None:
        if self._owner is not None:
            self._owner.load_detail()
        if self._excerpts is None:
            self._excerpts, self._coders = {}, {}


@dataclass
class Derivation:
    """All cells for one choice of coders, plus what a reader needs to interpret them."""

    cells: list[Cell]
    coders: list[str] | None  # the coder names whose codings count
    coder_choice: str  # "consensus", "all" or "name,name"
    numeric: bool
    _project: ProjectCore | None = field(default=None, repr=False, compare=False)  # until details load
    blind: bool = False  # narrowed to the viewer's own codings by the blind rule
    _index: dict[CellKey, Cell] = field(default_factory=dict, repr=False, compare=False)
    _provenance: dict[str, object] | None = field(default=None, repr=False, compare=False)
    _counts_from: ProjectCore | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index = {c.key: c for c in self.cells}
        for c in self.cells:
            c._owner = self
        self._counts_from = self._project

    @property
    def provenance(self) -> dict[str, object]:
        """Whose codings, how many coded excerpts they cover, and a note when the agreed set covers
        only part of them. Counted on first use: the matrix and graph never ask, and counting
        distinct excerpts over 500,000 codings costs half as much again as deriving the cells."""
        if self._provenance is None:
            self._provenance = {"coders": self.coder_choice, "coder_names": self.coders}
            if self.blind:
                self._provenance["blind"] = True
                self._provenance["note"] = (f"blind coding: only the codings of {self.coder_choice}, "
                                            "the coder who exported it")
            if self._counts_from is not None:
                with self._counts_from.read() as conn:
                    covered, everyone = queries.excerpt_coverage(conn, self.coders)
                self._provenance["excerpts_covered"] = covered
                if not self.blind:  # how far the others got is theirs to tell while blind
                    self._provenance["excerpts_coded_by_anyone"] = everyone
                if self.coder_choice == "consensus" and covered < everyone and not self.blind:
                    self._provenance["note"] = (
                        f"the agreed set ({(self.coders or ['?'])[0]}) covers {covered} of the {everyone} "
                        "coded excerpts; the rest is not yet reconciled")
        return self._provenance

    def cell(self, subtheme: str, valence: str | None, perspective: str | None) -> Cell | None:
        return self._index.get((subtheme, valence, perspective))

    def load_detail(self) -> None:
        """Fill every cell's excerpts and coders in one grouped query (idempotent)."""
        if self._project is None:
            return
        for c in self.cells:
            c._excerpts, c._coders = {}, {}
        with self._project.read() as conn:
            rows, look = queries.cell_sources_named(conn, self.coders)
        for r in rows:
            key = (look["subtheme"][r.subtheme_id].name,
                   look["valence"][r.valence_id].name if r.valence_id else None,
                   look["perspective"][r.perspective_id].name if r.perspective_id else None)
            cell = self._index.get(key)
            if cell is None or cell._excerpts is None or cell._coders is None:
                continue
            ref = look["source"][r.source_id].ref
            cell._excerpts[ref] = sorted((r.excerpts or "").split(","))
            cell._coders[ref] = sorted((r.coders or "").split(","))
        self._project = None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers that hold no cycles:
    on a 500,000-coding project its passes take two thirds of the graph build, and in a process
    that holds much else (a notebook with pandas loaded) they make the table's cost erratic."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@lru_cache(maxsize=4096)
def _groups(text: str) -> tuple[str, ...]:
    return tuple(g.strip() for g in text.split(";") if g.strip())


def derive_cells(view: CoderView, coders: str | None = None) -> Derivation:
    """Cells for the chosen coders (NAME,… | all | consensus | None for DESIGN.md's default), as
    `view` may see them (while blind: the viewer's own codings only, see store/viewer.py)."""
    with paused_gc():
        return _derive(view, coders)


def _derive(view: CoderView, coders: str | None) -> Derivation:
    scope = view.scope(coders)
    names, choice = scope.names, scope.choice
    project = view.project
    with project.read() as conn:
        look, rows = queries.cell_inputs(conn, names)
    sources = look["source"]
    numeric = all_numeric(s.ref for s in sources.values())
    # Sort every source once; a cell's refs are then its source ids in that rank order.
    rank = {ref: i for i, ref in enumerate(sort_refs((s.ref for s in sources.values()), numeric))}
    source_rank = {str(sid): rank[s.ref] for sid, s in sources.items()}  # the query gives ids as text
    ref_at = {rank[s.ref]: s.ref for s in sources.values()}
    groups_at = {rank[s.ref]: _groups(s.groups) for s in sources.values()}
    mixed = {p.id for p in look["perspective"].values() if p.mixed}
    sub_name = {i: r.name for i, r in look["subtheme"].items()}
    val_name = {i: r.name for i, r in look["valence"].items()}
    per_name = {i: r.name for i, r in look["perspective"].items()}
    grouped: dict[tuple[int, int | None, int | None], Cell] = {}
    for sub_id, val_id, per_id, source_ids, n in rows:
        ranks = sorted({source_rank[i] for i in source_ids.split(",")})
        groups: list[str] = []
        if per_id in mixed:
            union = {g for r in ranks for g in groups_at[r]}
            groups = sorted(union, key=lambda g: (g.lower(), g))
        grouped[(sub_id, val_id, per_id)] = Cell(
            sub_name[sub_id], val_name[val_id] if val_id else None, per_name[per_id] if per_id else None,
            [ref_at[r] for r in ranks], n, groups)
    order_sub = {r.id: (r.position, r.id) for r in look["subtheme"].values()}
    order_val = {r.id: (r.position, r.id) for r in look["valence"].values()}
    order_per = {r.id: (r.position, r.id) for r in look["perspective"].values()}
    keys = sorted(grouped, key=lambda k: (order_sub[k[0]],
                                          (1, 0, 0) if k[1] is None else (0, *order_val[k[1]]),
                                          (1, 0, 0) if k[2] is None else (0, *order_per[k[2]])))
    return Derivation([grouped[k] for k in keys], names, choice, numeric, project, blind=scope.blind)
