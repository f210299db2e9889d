"""`workbench query …` and `workbench export matrix|graph` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook


def test_query_supports(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "query", "supports", "Confidence")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "Confidence  [Personal gains]: 3 sources; perspectives: PSWs, Mixed"
    assert [ln.split()[0:2] for ln in lines[1:]] == [["Adams", "2019"], ["Chen", "2018"], ["Diaz", "2021"]]
    assert "excerpts d1; coders consensus" in lines[3]


def test_query_source_json(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "query", "source", "Diaz 2021", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["quality"] == "critically low"
    assert [s["subtheme"] for s in doc["subthemes"]] == ["Confidence", "Belonging", "Workload", "Stigma at work"]


@pytest.mark.parametrize(("command", "answer", "what"), [
    ("single-source", ["Income", "Stigma at work", "Supervision", "Unsorted idea"], "4 of 7 subthemes rest on one source"),
    ("contrasting", ["Confidence", "Workload"], "2 of 7 subthemes have contrasting findings"),
    ("low-quality", ["Belonging", "Stigma at work"], "2 of 7 subthemes rest only on sources rated low or critically low"),
])
def test_list_queries(synthetic_graph_dir: Path, run, command: str, answer: list[str], what: str) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "query", command)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert [ln.split("  [")[0] for ln in lines[:-1]] == answer
    assert lines[-1] == what
    doc = json.loads(run("-p", str(synthetic_graph_dir), "query", command, "--json").stdout)
    assert [s["subtheme"] for s in doc] == answer


def test_query_options(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "query", "low-quality", "--level", "critically low")
    assert r.stdout.splitlines()[0].startswith("Stigma at work")
    r = run("-p", str(synthetic_graph_dir), "query", "supports", "Income", "--coders", "all")
    assert "Fox 2022" in r.stdout


def test_user_mistakes_are_one_line_and_exit_1(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    for args, message in ((("query", "supports", "Nope"), "unknown subtheme 'Nope'"),
                          (("query", "source", "Zed"), "unknown source 'Zed'"),
                          (("query", "contrasting", "--coders", "zoe"), "unknown coder 'zoe'"),
                          (("export", "matrix", "-o", "m.pdf"), "cannot tell the format from 'm.pdf'")):
        r = run("-p", str(synthetic_graph_dir), *args)
        assert r.exit_code == 1, args
        assert r.stderr.strip().count("\n") == 0 and message in r.stderr, r.stderr
        assert "Traceback" not in r.output


def test_export_matrix_formats(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "export", "matrix")
    assert r.exit_code == 0 and r.stdout.startswith("| Subtheme | PSWs |")
    r = run("-p", str(synthetic_graph_dir), "export", "matrix", "--format", "png")
    assert r.exit_code == 0, r.output
    written = synthetic_graph_dir / "exports" / "matrix.png"
    assert f"wrote {written}" in r.output and written.read_bytes()[:4] == b"\x89PNG"
    out = tmp_path / "m.xlsx"
    assert run("-p", str(synthetic_graph_dir), "export", "matrix", "-o", str(out)).exit_code == 0
    assert load_workbook(out)["Matrix"]["B2"].value == "Confidence"
    svg = tmp_path / "m.svg"
    assert run("-p", str(synthetic_graph_dir), "export", "matrix", "-o", str(svg)).exit_code == 0
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_export_graphml_reads_back_with_every_attribute(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "g.graphml"
    assert run("-p", str(synthetic_graph_dir), "export", "graph", "-o", str(out)).exit_code == 0
    g = nx.read_graphml(out)
    assert g.is_directed() and g.number_of_nodes() == 15
    assert g.nodes["source:Diaz 2021"] == {
        "kind": "source", "label": "Diaz 2021", "order": 3, "theme": "", "ref": "Diaz 2021",
        "citation": "Diaz D. A fictional umbrella of studies. J Synth. 2021;4:31-40.", "year": "2021",
        "design": "systematic review", "quality": "critically low", "quality_rank": 1,
        "groups": "PSWs; service users; staff"}
    assert g.nodes["subtheme:Workload"]["theme"] == "Workplace strain"
    e = g.edges["subtheme:Workload", "source:Diaz 2021"]
    assert (e["kind"], e["valences"], e["perspectives"], e["excerpts"], e["coders"], e["weight"]) == (
        "supported_by", "challenge", "PSWs", "d3", "consensus", 1)
    assert json.loads(e["support"]) == [{"valence": "challenge", "perspective": "PSWs", "excerpts": ["d3"],
                                         "coders": ["consensus"]}]
    assert g.edges["theme:Personal gains", "subtheme:Confidence"]["kind"] == "contains"
    assert g.graph["coders"] == "consensus"


def test_export_gexf_and_json_read_back(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gexf = tmp_path / "g.gexf"
    assert run("-p", str(synthetic_graph_dir), "export", "graph", "-o", str(gexf)).exit_code == 0
    g = nx.read_gexf(gexf)
    assert g.nodes["source:Adams 2019"]["quality"] == "high"
    assert g.nodes["source:Adams 2019"]["label"] == "Adams 2019"
    assert g.edges["subtheme:Confidence", "source:Adams 2019"]["excerpts"] == "a1"
    r = run("-p", str(synthetic_graph_dir), "export", "graph", "--format", "json")
    h = nx.node_link_graph(json.loads(r.stdout), edges="links")
    assert h.edges["subtheme:Confidence", "source:Diaz 2021"]["valences"] == ["challenge"]
    assert h.nodes["source:Diaz 2021"]["groups"] == ["PSWs", "service users", "staff"]
    r = run("-p", str(synthetic_graph_dir), "export", "graph", "--format", "graphml")
    assert r.stdout.lstrip().startswith("<?xml")


def test_export_graph_pictures(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / "g.png"
    assert run("-p", str(example_dir), "export", "graph", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    r = run("-p", str(example_dir), "export", "graph", "--format", "svg")
    assert "Theme–source graph" in r.stdout and "64 (critically low)" in r.stdout


def test_real_subprocess_export_graph(synthetic_graph_dir: Path, tmp_path: Path) -> None:
    """The installed entry point, as a shell runs it (python -m workbench, this checkout)."""
    out = tmp_path / "g.graphml"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "workbench", "-p", str(synthetic_graph_dir), "export", "graph",
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert nx.read_graphml(out).number_of_edges() == 18
    bad = subprocess.run([sys.executable, "-m", "workbench", "-p", str(synthetic_graph_dir), "query", "supports",
                          "Nope"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and bad.stderr.strip() == "workbench: unknown subtheme 'Nope'"


TANGUT = "\U00017000"  # a script almost no installed font covers


@pytest.mark.parametrize("what", ["graph", "matrix", "cooccurrence"])
def test_a_name_no_font_can_draw_is_one_note_not_a_warning(example_dir: Path, run, tmp_path: Path,
                                                          what: str) -> None:  # type: ignore[no-untyped-def]
    """The picture is written; the person gets one line naming the characters drawn as boxes, not
    matplotlib's warnings with a source path (a subtheme named in another script is ordinary)."""
    assert run("-p", str(example_dir), "--coder", "lead", "codebook", "rename", "Boundaries",
               f"Boundaries {TANGUT}").exit_code == 0
    png = tmp_path / f"{what}.png"
    r = run("-p", str(example_dir), "export", what, "--format", "png", "-o", str(png))
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert r.stderr.splitlines() == [
        f"workbench: note: the picture shows boxes for {TANGUT}: no font on this machine has them; install a font "
        "that covers them (e.g. Noto Sans CJK for Chinese, Japanese, Korean) and export again, or export SVG, "
        "which leaves the fonts to the program that opens it"]


def test_a_picture_of_latin_names_says_nothing(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(example_dir), "export", "graph", "--format", "png", "-o", str(tmp_path / "g.png"))
    assert r.exit_code == 0 and r.stderr == ""
