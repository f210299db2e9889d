"""The theme–source graph: overarching theme → subtheme → source, built from the one cell derivation.

A subtheme → source edge says "this source supports this subtheme" and carries what the team needs
to check that claim: the valences and perspectives, the excerpt keys and the coders behind it (and
`support`, the same split per valence × perspective). Source nodes carry their quality rating and
sample groups. Because the graph is built from `derive_cells`, the queries below can never disagree
with the table about which sources carry a subtheme.

Node ids are prefixed ('theme:…', 'subtheme:…', 'source:…') so a subtheme and a source with the same
name stay two nodes; `label` holds the name users see (what Gephi and Cytoscape display).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from workbench.analysis.cells import Derivation, derive_cells, paused_gc
from workbench.core.errors import UserError
from workbench.core.model import Codebook, Source
from workbench.core.refs import sort_refs
from workbench.store.viewer import CoderView

# Quality wordings (AMSTAR 2, CASP-style) → rank; higher is better, 0 is unrated or unknown wording.
QUALITY_RANK = {"high": 4, "moderate": 3, "medium": 3, "low": 2, "critically low": 1, "very low": 1}
LOW_LEVELS = ("low", "critically low")
UNGROUPED = "(ungrouped)"


def quality_key(text: str) -> str:
    """'Critically-Low ' → 'critically low': how quality ratings are compared."""
    return " ".join(text.replace("-", " ").replace("_", " ").lower().split())


def node_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def graph_from_cells(derivation: Derivation, codebook: Codebook, sources: Iterable[Source]) -> nx.DiGraph:
    """The graph for one derivation; every source is a node, also one that supports nothing yet."""
    with paused_gc():
        return _graph_from_cells(derivation, codebook, sources)


def _graph_from_cells(derivation: Derivation, codebook: Codebook, sources: Iterable[Source]) -> nx.DiGraph:
    g = nx.DiGraph(coders=derivation.coder_choice, numeric=derivation.numeric, valences=list(codebook.valences))
    for i, th in enumerate(codebook.themes):
        tid = node_id("theme", th.name)
        g.add_node(tid, kind="theme", label=th.name, order=i)
    order = 0
    for th in codebook.themes:
        for st in th.subthemes:
            g.add_node(node_id("subtheme", st.name), kind="subtheme", label=st.name, theme=th.name, order=order)
            g.add_edge(node_id("theme", th.name), node_id("subtheme", st.name), kind="contains", weight=1)
            order += 1
    for st in codebook.ungrouped:
        g.add_node(node_id("subtheme", st.name), kind="subtheme", label=st.name, theme="", order=order)
        order += 1
    refs = [s.ref for s in sources]
    rank = {r: i for i, r in enumerate(sort_refs(refs, derivation.numeric))}
    for s in sources:
        g.add_node(node_id("source", s.ref), kind="source", label=s.ref, ref=s.ref, citation=s.citation,
                   year=s.year, design=s.design, quality=s.quality,
                   quality_rank=QUALITY_RANK.get(quality_key(s.quality), 0), groups=s.group_list,
                   order=rank[s.ref])
    valence_pos = {v: i for i, v in enumerate(codebook.valences)}
    # (subtheme node, ref) → [valences, perspectives, excerpts, coders, support]; lists, not dicts, because
    # a 500,000-coding project has tens of thousands of these and the graph build has a 1.5 s budget
    edges: dict[tuple[str, str], list[Any]] = {}
    for cell in derivation.cells:
        sid = node_id("subtheme", cell.subtheme)
        valence, perspective = cell.valence or "", cell.perspective
        by_ref_x, by_ref_c = cell.excerpts, cell.coders
        for ref in cell.refs:
            e = edges.get((sid, ref))
            if e is None:
                e = edges[(sid, ref)] = [set(), [], set(), set(), []]
            xs = by_ref_x.get(ref, [])
            cs = by_ref_c.get(ref, [])
            e[0].add(valence)
            if perspective and perspective not in e[1]:
                e[1].append(perspective)
            e[2].update(xs)
            e[3].update(cs)
            e[4].append({"valence": cell.valence, "perspective": perspective, "excerpts": xs, "coders": cs})
    last = len(valence_pos)

    def attrs(e: list[Any]) -> dict[str, Any]:
        vals = sorted(e[0], key=lambda v: (v == "", valence_pos.get(v, last), v)) if len(e[0]) > 1 else list(e[0])
        return {"kind": "supported_by", "valences": vals, "valence": "+".join(v for v in vals if v),
                "perspectives": e[1], "excerpts": sorted(e[2]), "coders": sorted(e[3]), "weight": len(e[2]),
                "support": e[4]}

    g.add_edges_from((sid, "source:" + ref, attrs(e)) for (sid, ref), e in edges.items())
    return g


def build_graph(view: CoderView, coders: str | None = None) -> nx.DiGraph:
    """The theme–source graph for a choice of coders (default: the agreed set if any), as `view` may see it."""
    project = view.project
    return graph_from_cells(derive_cells(view, coders), project.codebook.get(), project.records.sources())


# ----- queries ---------------------------------------------------------------------------------
@dataclass
class SourceSupport:
    """One source's support for one subtheme."""

    ref: str
    quality: str
    valences: list[str]
    perspectives: list[str]
    excerpts: list[str]
    coders: list[str]


@dataclass
class SubthemeSupport:
    """A subtheme with the sources that carry it (answer to most queries)."""

    subtheme: str
    theme: str
    sources: list[SourceSupport] = field(default_factory=list)
    valences: list[str] = field(default_factory=list)  # named valences among its sources, codebook order

    @property
    def refs(self) -> list[str]:
        return [s.ref for s in self.sources]

    @property
    def perspectives(self) -> list[str]:
        return list(dict.fromkeys(p for s in self.sources for p in s.perspectives))


@dataclass
class SupportedSubtheme:
    theme: str
    subtheme: str
    valences: list[str]
    perspectives: list[str]
    excerpts: list[str]


@dataclass
class SourceReport:
    """What one source carries: answer to `query source REF`."""

    ref: str
    citation: str
    quality: str
    groups: list[str]
    subthemes: list[SupportedSubtheme] = field(default_factory=list)


def subthemes(g: nx.DiGraph) -> list[str]:
    """Subtheme node ids in codebook order."""
    return sorted((n for n, d in g.nodes(data=True) if d["kind"] == "subtheme"), key=lambda n: g.nodes[n]["order"])


def _support(g: nx.DiGraph, sid: str) -> SubthemeSupport:
    d = g.nodes[sid]
    out = SubthemeSupport(d["label"], d["theme"] or UNGROUPED)
    for src in sorted(g.successors(sid), key=lambda n: g.nodes[n]["order"]):
        e = g.edges[sid, src]
        s = g.nodes[src]
        out.sources.append(SourceSupport(s["ref"], s["quality"], list(e["valences"]), list(e["perspectives"]),
                                         list(e["excerpts"]), list(e["coders"])))
    named = {v for x in out.sources for v in x.valences if v}
    order = list(g.graph.get("valences", []))
    out.valences = sorted(named, key=lambda v: (order.index(v) if v in order else len(order), v))
    return out


def supports(g: nx.DiGraph, subtheme: str) -> SubthemeSupport:
    """Which sources and perspectives support SUBTHEME."""
    sid = node_id("subtheme", subtheme)
    if sid not in g:
        raise UserError(f"unknown subtheme '{subtheme}'")
    return _support(g, sid)


def source_subthemes(g: nx.DiGraph, ref: str) -> SourceReport:
    """Which subthemes the source REF supports, in codebook order."""
    nid = node_id("source", ref)
    if nid not in g:
        raise UserError(f"unknown source '{ref}'")
    s = g.nodes[nid]
    out = SourceReport(ref, s["citation"], s["quality"], list(s["groups"]))
    for sid in sorted(g.predecessors(nid), key=lambda n: g.nodes[n]["order"]):
        e = g.edges[sid, nid]
        d = g.nodes[sid]
        out.subthemes.append(SupportedSubtheme(d["theme"] or UNGROUPED, d["label"], [v for v in e["valences"] if v],
                                               list(e["perspectives"]), list(e["excerpts"])))
    return out


def single_source(g: nx.DiGraph) -> list[SubthemeSupport]:
    """Subthemes carried by exactly one source: a finding that rests on one review."""
    return [_support(g, sid) for sid in subthemes(g) if g.out_degree(sid) == 1]


def contrasting(g: nx.DiGraph) -> list[SubthemeSupport]:
    """Subthemes with findings of more than one valence (e.g. both benefit and challenge)."""
    out = []
    for sid in subthemes(g):
        named = {v for _, _, vs in g.out_edges(sid, data="valences") for v in vs if v}
        if len(named) > 1:
            out.append(_support(g, sid))
    return out


def low_quality(g: nx.DiGraph, levels: Sequence[str] = LOW_LEVELS) -> list[SubthemeSupport]:
    """Subthemes whose sources are all rated at one of `levels` (default: low or critically low).

    An unrated source is not low: a subtheme with one unrated source is not reported, because the
    team has not yet judged it to rest on weak evidence only.
    """
    wanted = {quality_key(x) for x in levels}
    out = []
    for sid in subthemes(g):
        srcs = list(g.successors(sid))
        if srcs and all(quality_key(g.nodes[s]["quality"]) in wanted for s in srcs):
            out.append(_support(g, sid))
    return out


def supporting_edges(g: nx.DiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    return [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "supported_by"]
