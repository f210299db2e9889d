"""The perspective matrix: the model, and its Markdown, CSV, XLSX, PNG and SVG forms."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from workbench.analysis.matrix import build_matrix
from workbench.analysis.table import build_table
from workbench.formats.graph_formats import writer
from workbench.store.api import Project


def test_matrix_model_on_the_synthetic_fixture(synthetic_graph_dir: Path) -> None:
    """Rows follow the codebook (ungrouped subthemes stay out, as in the table); refs split by valence."""
    with Project.open(synthetic_graph_dir) as project:
        m = build_matrix(project.viewer(None))
    assert [r.subtheme for r in m.rows] == ["Confidence", "Income", "Belonging", "Workload", "Stigma at work",
                                           "Supervision"]
    assert m.perspectives == ["PSWs", "Service users", "Staff", "Mixed"]
    assert m.valences == ["benefit", "challenge"]
    conf = m.rows[0]
    assert conf.cell("PSWs").refs == {"benefit": ["Adams 2019", "Chen 2018"]}
    assert conf.cell("Mixed").refs == {"challenge": ["Diaz 2021"]}
    assert conf.cell("Staff").total == 0
    work = m.rows[3]
    assert work.cell("PSWs").refs == {"challenge": ["Adams 2019", "Diaz 2021"]}
    assert work.cell("Staff").refs == {"benefit": ["Evans 2017"]}
    assert [t for t, _ in m.themes()] == ["Personal gains", "Workplace strain"]
    assert m.max_count == 2


def test_matrix_counts_equal_the_table(example_project) -> None:  # type: ignore[no-untyped-def]
    """A count in the matrix is the length of the same cell's reference list in the table."""
    m = build_matrix(example_project.viewer(None))
    model = build_table(example_project.viewer(None))
    table = {(st.name, row.valence, e.perspective): e.references
             for th in model.themes for st in th.subthemes for row in st.rows for e in row.perspectives}
    seen = 0
    for row in m.rows:
        for p in m.perspectives:
            for v, refs in row.cell(p).refs.items():
                assert table[(row.subtheme, v, p)] == refs
                seen += 1
    assert seen == len(table)


def test_markdown_and_csv(synthetic_graph_dir: Path) -> None:
    with Project.open(synthetic_graph_dir) as project:
        m = build_matrix(project.viewer(None))
    md = io.StringIO()
    writer("matrix", "md")(m, md)
    lines = md.getvalue().splitlines()
    assert lines[0] == "| Subtheme | PSWs | Service users | Staff | Mixed |"
    assert "| **Personal gains** |" in lines[2]
    assert ("| Workload | challenge (2): Adams 2019, Diaz 2021 |  | benefit (1): Evans 2017 |  |") in lines
    out = io.StringIO()
    writer("matrix", "csv")(m, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    conf = rows[0]
    assert conf["subtheme"] == "Confidence" and conf["theme"] == "Personal gains"
    assert conf["PSWs"] == "benefit (2): Adams 2019, Chen 2018"


def test_xlsx_read_back_with_openpyxl(synthetic_graph_dir: Path, tmp_path: Path) -> None:
    with Project.open(synthetic_graph_dir) as project:
        m = build_matrix(project.viewer(None))
    path = tmp_path / "matrix.xlsx"
    writer("matrix", "xlsx")(m, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Matrix", "Counts", "Long"]
    ws = wb["Matrix"]
    assert [c.value for c in ws[1]] == ["Theme", "Subtheme", "PSWs", "Service users", "Staff", "Mixed"]
    assert ws["B5"].value == "Workload" and ws["C5"].value == "challenge (2): Adams 2019, Diaz 2021"
    counts = wb["Counts"]
    head = [c.value for c in counts[1]]
    assert counts.cell(5, head.index("PSWs: challenge") + 1).value == 2
    long = [[c.value for c in r] for r in wb["Long"].iter_rows(min_row=2)]
    assert ["Workplace strain", "Workload", "Staff", "benefit", 1, "Evans 2017"] in long


def test_pictures(example_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """PNG for slides, SVG with its text kept as text (searchable, smaller)."""
    m = build_matrix(example_project.viewer(None))
    png = tmp_path / "m.png"
    writer("matrix", "png")(m, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    svg = io.StringIO()
    writer("matrix", "svg")(m, svg)
    text = svg.getvalue()
    assert "<svg" in text and "Colleagues and stigma" in text and "C = challenge" in text
