"""The one derivation: codings → cells (subtheme × valence × perspective → sources, excerpts, coders).

The table, the matrix, the graph and the evidence profile are all built from `derive_cells`, so
every figure a team publishes has exactly one derivation behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.core.errors import UserError
from workbench.core.refs import all_numeric, sort_refs
from workbench.store import queries


@dataclass
class Cell:
    """One subtheme × valence × perspective with the sources behind it."""

    subtheme: str
    valence: str | None
    perspective: str | None
    refs: list[str] = field(default_factory=list)
    # ref → excerpt keys and coders behind that source's support for the cell
    excerpts: dict[str, list[str]] = field(default_factory=dict)
    coders: dict[str, list[str]] = field(default_factory=dict)
    codings: int = 0
    groups: list[str] = field(default_factory=list)


@dataclass
class Derivation:
    """All cells for one choice of coders, plus what a reader needs to interpret them."""

    cells: list[Cell]
    coders: list[str] | None  # None: every coder but the consensus coder
    coder_choice: str
    numeric: bool
    provenance: dict[str, object] = field(default_factory=dict)

    def cell(self, subtheme: str, valence: str | None, perspective: str | None) -> Cell | None:
        return next((c for c in self.cells if (c.subtheme, c.valence, c.perspective)
                     == (subtheme, valence, perspective)), None)


def resolve_coders(project, choice: str | None) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    """Whose codings count: DESIGN.md's default is the agreed set where it has any codings, else all."""
    cb = project.codebook()
    known = project.coders()
    consensus = cb.consensus_coder
    if choice in (None, "", "default"):
        with project.read() as conn:
            has_agreed = queries.coder_has_codings(conn, consensus)
        choice = "consensus" if has_agreed else "all"
    if choice == "consensus":
        return [consensus], "consensus"
    if choice == "all":
        return [c for c in known if c != consensus], "all"
    names = [n.strip() for n in choice.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(f"unknown coder '{unknown[0]}' (coders: {', '.join(known) or 'none'})")
    return names, ",".join(names)


def derive_cells(project, coders: str | None = None) -> Derivation:  # type: ignore[no-untyped-def]
    names, choice = resolve_coders(project, coders)
    cb = project.codebook()
    with project.read() as conn:
        rows = queries.cell_sources(conn, names)
        look = queries.lookup_names(conn)
        covered = queries.coded_excerpt_count(conn, names)
        consensus_cover = queries.coded_excerpt_count(conn, [cb.consensus_coder])
        everyone = queries.coded_excerpt_count(conn, None)
    numeric = all_numeric(s.ref for s in look["source"].values())
    mixed = {p.id for p in look["perspective"].values() if p.mixed}
    grouped: dict[tuple[int, int | None, int | None], Cell] = {}
    cell_groups: dict[tuple[int, int | None, int | None], set[str]] = defaultdict(set)
    for r in rows:
        key = (r.subtheme_id, r.valence_id, r.perspective_id)
        cell = grouped.get(key)
        if cell is None:
            cell = grouped[key] = Cell(look["subtheme"][r.subtheme_id].name,
                                       look["valence"][r.valence_id].name if r.valence_id else None,
                                       look["perspective"][r.perspective_id].name if r.perspective_id else None)
        src = look["source"][r.source_id]
        cell.refs.append(src.ref)
        cell.excerpts[src.ref] = sorted((r.excerpts or "").split(","))
        cell.coders[src.ref] = sorted((r.coders or "").split(","))
        cell.codings += r.n
        if r.perspective_id in mixed:
            cell_groups[key].update(g.strip() for g in src.groups.split(";") if g.strip())
    for key, cell in grouped.items():
        cell.refs = sort_refs(cell.refs, numeric)
        cell.groups = sorted(cell_groups.get(key, set()), key=lambda g: (g.lower(), g))
    order_sub = {r.id: (r.position, r.id) for r in look["subtheme"].values()}
    order_val = {r.id: (r.position, r.id) for r in look["valence"].values()}
    order_per = {r.id: (r.position, r.id) for r in look["perspective"].values()}
    keys = sorted(grouped, key=lambda k: (order_sub[k[0]],
                                          (1, 0, 0) if k[1] is None else (0, *order_val[k[1]]),
                                          (1, 0, 0) if k[2] is None else (0, *order_per[k[2]])))
    provenance: dict[str, object] = {"coders": choice, "coder_names": names,
                                     "excerpts_covered": covered, "excerpts_coded_by_anyone": everyone}
    if choice == "consensus" and consensus_cover < everyone:
        provenance["note"] = (f"the agreed set covers {consensus_cover} of the {everyone} coded excerpts; "
                              "the rest is not yet reconciled")
    return Derivation([grouped[k] for k in keys], names, choice, numeric, provenance)
