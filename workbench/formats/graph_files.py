"""The theme–source graph as GraphML, GEXF (Gephi, Cytoscape, yEd) and node-link JSON.

GraphML and GEXF hold only strings, numbers and booleans, so every list becomes "a; b; c" and the
per valence × perspective detail (`support`) becomes a JSON string. Every node has every attribute
of its kind, so the attribute tables Gephi and Cytoscape build have no holes of the wrong type.
JSON keeps the lists as lists: networkx reads it back with `node_link_graph(data, edges="links")`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import IO, Any, TextIO

import networkx as nx

from workbench.formats.cells_safe import xml_text

SEP = "; "
NODE_KEYS = {"kind": "", "label": "", "order": 0, "theme": "", "ref": "", "citation": "", "year": "",
             "design": "", "quality": "", "quality_rank": 0, "groups": ""}
EDGE_KEYS = {"kind": "", "valence": "", "valences": "", "perspectives": "", "excerpts": "", "coders": "",
             "weight": 0, "support": ""}


def _flat(value: Any) -> Any:
    """A GraphML/GEXF attribute value; texts as XML can hold them (cells_safe: `_xHHHH_` escapes)."""
    if isinstance(value, bool) or isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return xml_text(value)
    if value is None:
        return ""
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) or v is None for v in value):
        return xml_text(SEP.join("" if v is None else str(v) for v in value))
    return xml_text(json.dumps(value, ensure_ascii=False))


def flat_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes are all str/int/bool, with the same keys on every node and edge."""
    h = nx.DiGraph()
    h.graph.update({k: _flat(v) for k, v in g.graph.items()})
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: _flat(d.get(k, default)) for k, default in NODE_KEYS.items()})
    for u, v, d in g.edges(data=True):
        h.add_edge(u, v, **{k: _flat(d.get(k, default)) for k, default in EDGE_KEYS.items()})
    return h


def _xml(write: Any, g: nx.DiGraph, out: Path | IO[bytes] | IO[str]) -> None:
    """networkx writes bytes; a text stream (stdout) gets the same document as text."""
    if isinstance(out, Path) or not isinstance(out, io.TextIOBase | TextIO):
        write(flat_graph(g), out, encoding="utf-8", prettyprint=True)
        return
    buffer = io.BytesIO()
    write(flat_graph(g), buffer, encoding="utf-8", prettyprint=True)
    out.write(buffer.getvalue().decode("utf-8"))


def graph_graphml(g: nx.DiGraph, out: Path | IO[bytes] | IO[str]) -> None:
    _xml(nx.write_graphml, g, out)


def graph_gexf(g: nx.DiGraph, out: Path | IO[bytes] | IO[str]) -> None:
    _xml(nx.write_gexf, g, out)


def graph_dict(g: nx.DiGraph) -> dict[str, Any]:
    """node-link data: {"directed", "multigraph", "graph", "nodes": [{"id", …}], "links": [{"source", "target", …}]}."""
    return {
        "directed": True,
        "multigraph": False,
        "graph": dict(g.graph),
        "nodes": [{"id": n, **d} for n, d in g.nodes(data=True)],
        "links": [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)],
    }


def graph_json(g: nx.DiGraph, out: Path | IO[str]) -> None:
    text = json.dumps(graph_dict(g), ensure_ascii=False, indent=1) + "\n"
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
