"""The theme–source graph and its queries on the SYNTHETIC fixture, where each answer is a proper,
non-empty subset (tests/fixtures/synthetic_graph/README.md); and on the bundled example."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.analysis import graph as G
from workbench.analysis.table import build_table
from workbench.core.errors import UserError
from workbench.store.api import Project

ALL_SUBTHEMES = {"Confidence", "Income", "Belonging", "Workload", "Stigma at work", "Supervision", "Unsorted idea"}
ALL_SOURCES = {"Adams 2019", "Baker 2020", "Chen 2018", "Diaz 2021", "Evans 2017", "Fox 2022"}


@pytest.fixture
def graph(synthetic_graph_dir: Path):  # type: ignore[no-untyped-def]
    with Project.open(synthetic_graph_dir) as project:
        yield G.build_graph(project.viewer(None))


def _proper(answer: set[str], universe: set[str]) -> None:
    assert answer and answer < universe, f"{answer} is not a proper non-empty subset"


def test_nodes_and_attributes(graph) -> None:  # type: ignore[no-untyped-def]
    """Themes → subthemes → sources; sources carry quality and groups, edges the evidence behind them."""
    kinds = {k: {d["label"] for _, d in graph.nodes(data=True) if d["kind"] == k} for k in ("theme", "subtheme", "source")}
    assert kinds == {"theme": {"Personal gains", "Workplace strain"}, "subtheme": ALL_SUBTHEMES, "source": ALL_SOURCES}
    diaz = graph.nodes["source:Diaz 2021"]
    assert diaz["quality"] == "critically low" and diaz["groups"] == ["PSWs", "service users", "staff"]
    assert graph.has_edge("theme:Personal gains", "subtheme:Confidence")
    e = graph.edges["subtheme:Workload", "source:Diaz 2021"]
    assert e["valences"] == ["challenge"] and e["perspectives"] == ["PSWs"]
    assert e["excerpts"] == ["d3"] and e["coders"] == ["consensus"]
    assert e["support"] == [{"valence": "challenge", "perspective": "PSWs", "excerpts": ["d3"], "coders": ["consensus"]}]
    assert graph.out_degree("source:Fox 2022") == 0 and graph.in_degree("source:Fox 2022") == 0


def test_supports(graph) -> None:  # type: ignore[no-untyped-def]
    found = G.supports(graph, "Confidence")
    _proper(set(found.refs), ALL_SOURCES)
    assert found.refs == ["Adams 2019", "Chen 2018", "Diaz 2021"]
    assert found.perspectives == ["PSWs", "Mixed"] and found.valences == ["benefit", "challenge"]
    assert [s.quality for s in found.sources] == ["high", "low", "critically low"]


def test_source(graph) -> None:  # type: ignore[no-untyped-def]
    found = G.source_subthemes(graph, "Diaz 2021")
    names = [s.subtheme for s in found.subthemes]
    _proper(set(names), ALL_SUBTHEMES)
    assert names == ["Confidence", "Belonging", "Workload", "Stigma at work"]  # codebook order
    assert found.subthemes[0].valences == ["challenge"] and found.subthemes[0].perspectives == ["Mixed"]


def test_single_source(graph) -> None:  # type: ignore[no-untyped-def]
    names = [s.subtheme for s in G.single_source(graph)]
    _proper(set(names), ALL_SUBTHEMES)
    assert names == ["Income", "Stigma at work", "Supervision", "Unsorted idea"]
    assert G.single_source(graph)[-1].theme == G.UNGROUPED


def test_contrasting(graph) -> None:  # type: ignore[no-untyped-def]
    names = [s.subtheme for s in G.contrasting(graph)]
    _proper(set(names), ALL_SUBTHEMES)
    assert names == ["Confidence", "Workload"]


def test_low_quality(graph) -> None:  # type: ignore[no-untyped-def]
    """Supervision rests on Evans 2017 alone, which is unrated: not 'low' until someone rates it."""
    names = [s.subtheme for s in G.low_quality(graph)]
    _proper(set(names), ALL_SUBTHEMES)
    assert names == ["Belonging", "Stigma at work"]
    assert [s.subtheme for s in G.low_quality(graph, ["critically low"])] == ["Stigma at work"]
    assert [s.subtheme for s in G.low_quality(graph, ["Critically-Low", "LOW"])] == ["Belonging", "Stigma at work"]


def test_unknown_names_are_user_errors(graph) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="unknown subtheme 'Nope'"):
        G.supports(graph, "Nope")
    with pytest.raises(UserError, match="unknown source 'Zed 1999'"):
        G.source_subthemes(graph, "Zed 1999")


def test_coder_choice_changes_the_answer(synthetic_graph_dir: Path) -> None:
    """Only ben coded Fox 2022 (Income) and d3 as Staff: with every coder, Income has two sources."""
    with Project.open(synthetic_graph_dir) as project:
        g = G.build_graph(project.viewer(None), "all")
    assert G.supports(g, "Income").refs == ["Baker 2020", "Fox 2022"]
    assert "Income" not in [s.subtheme for s in G.single_source(g)]
    e = g.edges["subtheme:Workload", "source:Diaz 2021"]
    assert e["perspectives"] == ["PSWs", "Staff"] and e["coders"] == ["amira", "ben"]


def test_graph_agrees_with_the_table(example_project) -> None:  # type: ignore[no-untyped-def]
    """Every subtheme's sources in the graph are exactly the union of its table rows' references."""
    g = G.build_graph(example_project.viewer(None))
    model = build_table(example_project.viewer(None))
    for th in model.themes:
        for st in th.subthemes:
            table_refs = {r for row in st.rows for r in row.references}
            assert set(G.supports(g, st.name).refs) == table_refs, st.name
