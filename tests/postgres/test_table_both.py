"""The table's queries on SQLite and PostgreSQL alike: derivation detail, trace, checks, summaries."""

from __future__ import annotations

from workbench.analysis.cells import derive_cells
from workbench.analysis.checks import run_checks
from workbench.analysis.summary_sheet import EditedRow, apply_edits, build_sheet
from workbench.analysis.trace import trace_cell


def test_derivation_detail_and_trace(any_project) -> None:  # type: ignore[no-untyped-def]
    d = derive_cells(any_project.viewer(None), "all")
    cell = d.cell("Wellbeing and recovery", "challenge", "Mixed")
    assert cell is not None and cell.refs == ["42", "55", "60"]
    assert cell.excerpts["42"] == ["e029"] and cell.coders["60"] == ["amira", "ben"]
    assert d.provenance["excerpts_coded_by_anyone"] == 75
    tr = trace_cell(any_project.viewer(None), "Wellbeing and recovery", "challenge", "Mixed", "all")
    assert tr.refs == cell.refs


def test_checks_are_clean_and_summaries_import(any_project) -> None:  # type: ignore[no-untyped-def]
    assert run_checks(any_project.viewer(None)) == []
    sheet = build_sheet(any_project.viewer(None))
    first = sheet.cells[0]
    import json

    key = json.loads(first.key(sheet.coders).split(":", 1)[1])
    report = apply_edits(any_project.viewer(None), [EditedRow(2, first.subtheme, first.valence, first.perspective,
                                                 "Rewritten on either database.", key)], "sheet.xlsx", "t")
    assert report.written == 1 and not report.refused
    assert any_project.summaries.get(first.subtheme, first.valence, first.perspective).version == 2
