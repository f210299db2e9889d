"""The theme–source graph as a layered picture (PNG, SVG): themes | subthemes | sources.

Three columns keep the picture readable where a force layout would tangle: subthemes in codebook
order, each theme beside its subthemes, sources ordered by the mean height of what they support
(fewer crossings). Edge style says the valence (solid, dashed, dash-dot, dotted — not colour alone);
a source's marker shape and fill say its quality rating. A big graph stays legible: only labels that
fit are drawn (the best-connected first), at most MAX_EDGES supporting edges (those with most
excerpts), and the figure states what it left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import networkx as nx

from workbench.analysis.graph import supporting_edges

MAX_EDGES = 2500
LINE_IN = 0.13  # vertical room one label needs at 7 pt
# quality rank → (marker, face colour, label)
QUALITY_MARKS = {4: ("o", "0.05", "high"), 3: ("s", "0.5", "moderate"), 2: ("^", "white", "low"),
                 1: ("v", "white", "critically low"), 0: ("D", "0.88", "unrated / other")}
# valence position → (colour, dash); "several" and "" get their own
EDGE_STYLES = [("#2166ac", "solid"), ("#d95f02", (0, (5, 2.5))), ("#1b7837", (0, (1, 1.5))),
               ("#762a83", (0, (7, 2, 1, 2)))]
SEVERAL = ("#6a3d9a", (0, (6, 2, 1.2, 2)))
NO_VALENCE = ("0.55", (0, (1, 2)))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit_labels(ys: list[float], priority: list[float], room: float) -> set[int]:
    """Indices to label: all if they fit, else greedily by priority keeping `room` between labels."""
    order = sorted(range(len(ys)), key=lambda i: (-priority[i], ys[i]))
    chosen: list[float] = []
    out: set[int] = set()
    for i in order:
        if all(abs(ys[i] - y) >= room for y in chosen):
            chosen.append(ys[i])
            out.add(i)
    return out


def layout(g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """x = 0 themes, 1 subthemes, 2 sources; y from 0 (top) to 1, by codebook order and barycentre."""
    subs = sorted((n for n, d in g.nodes(data=True) if d["kind"] == "subtheme"), key=lambda n: g.nodes[n]["order"])
    pos: dict[str, tuple[float, float]] = {}
    step = 1 / max(1, len(subs))
    for i, n in enumerate(subs):
        pos[n] = (1.0, (i + 0.5) * step)
    for n, d in g.nodes(data=True):
        if d["kind"] == "theme":
            kids = [pos[s][1] for s in g.successors(n) if s in pos]
            pos[n] = (0.0, sum(kids) / len(kids) if kids else 0.5)
    srcs = [n for n, d in g.nodes(data=True) if d["kind"] == "source"]

    def centre(n: str) -> tuple[int, float, int]:
        ys = [pos[s][1] for s in g.predecessors(n) if s in pos]
        return (0, sum(ys) / len(ys), g.nodes[n]["order"]) if ys else (1, 0.0, g.nodes[n]["order"])

    srcs.sort(key=centre)
    step = 1 / max(1, len(srcs))
    for i, n in enumerate(srcs):
        pos[n] = (2.0, (i + 0.5) * step)
    return pos


def _edge_style(g: nx.DiGraph, valences: list[str]) -> tuple[Any, Any]:
    order = list(g.graph.get("valences", []))
    named = [v for v in valences if v]
    if not named:
        return NO_VALENCE
    if len(named) > 1:
        return SEVERAL
    i = order.index(named[0]) if named[0] in order else len(EDGE_STYLES) - 1
    return EDGE_STYLES[i % len(EDGE_STYLES)]


def draw_graph(g: nx.DiGraph) -> Any:
    """A matplotlib Figure of the graph (no pyplot state)."""
    from workbench.formats.pictures import use_fonts

    use_fonts()
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    pos = layout(g)
    kinds = {k: [n for n, d in g.nodes(data=True) if d["kind"] == k] for k in ("theme", "subtheme", "source")}
    biggest = max(len(kinds["subtheme"]), len(kinds["source"]), 1)
    plot_in = min(30.0, max(4.5, biggest * 0.2))
    fig = Figure(figsize=(12, plot_in + 2.1))
    fw, fh = fig.get_size_inches()
    ax = fig.add_axes((0.22, 1.2 / fh, 0.62, plot_in / fh))
    ax.set_xlim(-0.05, 2.05)
    ax.set_ylim(1.0, 0.0)
    ax.set_axis_off()
    # edges: theme → subtheme thin grey; supporting edges styled by valence, strongest first if capped
    contains = [(pos[u], pos[v]) for u, v, d in g.edges(data=True) if d["kind"] == "contains"]
    ax.add_collection(LineCollection(contains, colors="0.6", linewidths=0.8, zorder=1))
    support = supporting_edges(g)
    drawn = sorted(support, key=lambda e: -e[2]["weight"])[:MAX_EDGES] if len(support) > MAX_EDGES else support
    groups: dict[tuple[Any, Any], list[Any]] = {}
    widths: dict[tuple[Any, Any], list[float]] = {}
    for u, v, d in drawn:
        style = _edge_style(g, d["valences"])
        groups.setdefault((style[0], str(style[1])), []).append((pos[u], pos[v]))
        widths.setdefault((style[0], str(style[1])), []).append(min(3.0, 0.7 + 0.35 * d["weight"]))
    styles = {(c, str(dash)): dash for c, dash in [*EDGE_STYLES, SEVERAL, NO_VALENCE]}
    alpha = 0.85 if len(drawn) < 300 else max(0.15, 0.85 * 300 / len(drawn))
    for key, segs in groups.items():
        ax.add_collection(LineCollection(segs, colors=key[0], linestyles=[styles[key]], linewidths=widths[key],
                                         alpha=alpha, zorder=2))
    # nodes
    for n in kinds["theme"]:
        ax.plot(*pos[n], marker="s", ms=9, mfc="0.15", mec="black", zorder=4)
    for n in kinds["subtheme"]:
        ax.plot(*pos[n], marker="o", ms=6 if biggest < 80 else 3, mfc="white", mec="black", mew=1, zorder=4)
    for rank, (marker, face, _label) in QUALITY_MARKS.items():
        pts = [pos[n] for n in kinds["source"] if g.nodes[n]["quality_rank"] == rank]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], ls="none", marker=marker,
                    ms=7 if biggest < 80 else 3.5, mfc=face, mec="black", mew=1, zorder=4)
    # labels that fit
    room = LINE_IN / plot_in
    left_out: list[str] = []
    for kind, dx, ha, limit in (("theme", -0.03, "right", 40), ("subtheme", -0.03, "right", 46),
                                ("source", 0.03, "left", 34)):
        nodes = kinds[kind]
        ys = [pos[n][1] for n in nodes]
        pri = [float(g.degree(n)) for n in nodes]
        keep = _fit_labels(ys, pri, room) if kind != "theme" else set(range(len(nodes)))
        for i in keep:
            n = nodes[i]
            text = g.nodes[n]["label"] if kind != "source" else _source_label(g.nodes[n])
            ax.text(pos[n][0] + dx, pos[n][1], _short(text, limit), fontsize=7 if kind != "theme" else 8,
                    fontweight="bold" if kind == "theme" else "normal", ha=ha, va="center", zorder=5,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
        if len(keep) < len(nodes):
            left_out.append(f"{len(nodes) - len(keep):,} of {len(nodes):,} {kind} labels")
    for x, head in ((0, "Overarching themes"), (1, "Subthemes"), (2, "Sources")):
        ax.text(x, -0.035, head, fontsize=9, fontweight="bold", ha="center", va="bottom", color="0.25")
    fig.text(0.01, 1 - 0.15 / fh, "Theme–source graph", fontsize=12, fontweight="bold", va="top")
    fig.text(0.01, 1 - 0.42 / fh, f"which sources carry each subtheme; coders: {g.graph.get('coders', '')}",
             fontsize=8, va="top", color="0.3")
    handles = [Line2D([], [], color=c, ls=dash, lw=1.6, label=str(v))
               for v, (c, dash) in zip(g.graph.get("valences", []), EDGE_STYLES, strict=False)]
    handles += [Line2D([], [], color=SEVERAL[0], ls=SEVERAL[1], lw=1.6, label="several valences"),
                Line2D([], [], color=NO_VALENCE[0], ls=NO_VALENCE[1], lw=1.6, label="no valence")]
    handles += [Line2D([], [], ls="none", marker=m, mfc=f, mec="black", ms=7, label=f"source: {lab}")
                for m, f, lab in QUALITY_MARKS.values()]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.01), ncol=5, fontsize=7.5,
               frameon=False)
    notes = []
    if len(drawn) < len(support):
        notes.append(f"drawn: {len(drawn):,} of {len(support):,} supporting edges (those with most excerpts)")
    if left_out:
        notes.append("not labelled (no room): " + "; ".join(left_out))
    notes.append("line width = excerpts behind the link")
    fig.text(0.99, 1 - 0.15 / fh, "\n".join(notes), fontsize=7.5, ha="right", va="top", color="0.2")
    return fig


def _source_label(d: dict[str, Any]) -> str:
    q = d.get("quality") or "unrated"
    return f"{d['label']} ({q})"


def _save(g: nx.DiGraph, out: Path | IO[bytes] | IO[str], fmt: str) -> None:
    from workbench.formats.pictures import save_figure

    save_figure(lambda: draw_graph(g), out, fmt, (170, 16),
                metadata={"Software": "workbench"} if fmt == "png" else {"Date": None})


def graph_png(g: nx.DiGraph, out: Path | IO[bytes]) -> None:
    _save(g, out, "png")


def graph_svg(g: nx.DiGraph, out: Path | IO[str] | IO[bytes]) -> None:
    _save(g, out, "svg")
