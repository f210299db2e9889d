"""Summaries: set/show with staleness, and the DOCX/XLSX/CSV round trip with its version check."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

CELL = ["Workload", "--valence", "challenge", "--perspective", "Mixed"]


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / "workbench.db").read_bytes()).hexdigest()


def test_set_and_show(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "--coder", "lead", "summary", "set", *CELL, "Peers were stretched thin.")
    assert r.exit_code == 0, r.output
    assert "version 2" in r.output
    r = run("-p", str(example_dir), "summary", "show", *CELL)
    assert r.exit_code == 0
    assert r.output.splitlines()[0] == "Workload / challenge / Mixed: references [64]"
    assert "by lead" in r.output and r.output.rstrip().endswith("Peers were stretched thin.")
    assert "STALE" not in r.output


def test_set_needs_a_coder_and_a_known_cell(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "summary", "set", *CELL, "x", env={"WORKBENCH_CODER": ""})
    assert r.exit_code == 1 and "who is coding" in r.output
    r = run("-p", str(example_dir), "--coder", "lead", "summary", "set", "Workload", "--perspective", "Aliens", "x")
    assert r.exit_code == 1 and "unknown perspective 'Aliens'" in r.output


def test_summary_turns_stale_when_codings_change(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "--coder", "consensus", "code", "e012", "Workload", "--valence", "challenge",
            "--perspective", "Mixed")
    assert r.exit_code == 0, r.output
    show = run("-p", str(example_dir), "summary", "show", *CELL).output
    assert "STALE: written for [64]; the codings now give [34, 64]" in show
    check = run("-p", str(example_dir), "check")
    assert check.exit_code == 1
    assert "summary of Workload / challenge / Mixed is stale: written for [64], the codings now give [34, 64]" \
        in check.output
    md = run("-p", str(example_dir), "export", "table").output
    assert "Stale summary: Workload / challenge / Mixed was written for [64]" in md
    r = run("-p", str(example_dir), "--coder", "lead", "summary", "set", *CELL, "Rewritten for both sources.")
    assert r.exit_code == 0
    assert "STALE" not in run("-p", str(example_dir), "summary", "show", *CELL).output


def _edit_docx(path: Path, out: Path, edits: dict[int, str]) -> None:
    from docx import Document

    doc = Document(str(path))
    table = doc.tables[0]
    for row, text in edits.items():
        cell = table.rows[row].cells[2]
        for p in cell.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        cell.paragraphs[0].text = text
    doc.save(str(out))


def _edit_xlsx(path: Path, out: Path, edits: dict[int, str]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Summaries"]
    for row, text in edits.items():
        ws.cell(row, 7).value = text
    wb.save(out)


def test_docx_sheet_lists_every_cell_with_excerpts(run, example_dir: Path, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    out = tmp_path / "s.docx"
    r = run("-p", str(example_dir), "export", "summaries", "-o", str(out))
    assert r.exit_code == 0, r.output
    doc = Document(str(out))
    table = doc.tables[0]
    assert len(table.rows) == 43  # header + 42 cells
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    first = table.rows[1].cells
    assert first[0].text.startswith("Wellbeing and recovery\nBenefit · PSWs [23, 34, 61]")
    assert "[23] e001: Peer workers in several of the included studies" in first[1].text
    assert first[2].text.startswith("Peer workers felt the job strengthened")
    hidden = [r for r in first[0].paragraphs[-1].runs if r.font.hidden]
    assert hidden and hidden[0].text.startswith("workbench-cell:")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_edits_come_back(run, example_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"s.{fmt}"
    assert run("-p", str(example_dir), "export", "summaries", "-o", str(out)).exit_code == 0
    edited = tmp_path / f"edited.{fmt}"
    edit = _edit_docx if fmt == "docx" else _edit_xlsx
    # row 2 is the first cell (Wellbeing and recovery / benefit / PSWs) in both layouts
    edit(out, edited, {2 if fmt == "xlsx" else 1: "Edited by a co-researcher."})
    r = run("-p", str(example_dir), "--coder", "amira", "import", "summaries", str(edited))
    assert r.exit_code == 0, r.output
    assert "1 summary written, 41 unchanged" in r.output
    show = run("-p", str(example_dir), "summary", "show", "Wellbeing and recovery", "--valence", "benefit",
               "--perspective", "PSWs").output
    assert "version 2, by amira" in show and show.rstrip().endswith("Edited by a co-researcher.")
    again = run("-p", str(example_dir), "import", "summaries", str(edited))  # the same file twice: a no-op
    assert again.exit_code == 0 and "0 summaries written, 42 unchanged" in again.output


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_import_refuses_cells_changed_since_export(run, example_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"s.{fmt}"
    assert run("-p", str(example_dir), "export", "summaries", "-o", str(out)).exit_code == 0
    edited = tmp_path / f"edited.{fmt}"
    first, fourth = (2, 5) if fmt == "xlsx" else (1, 4)
    (_edit_docx if fmt == "docx" else _edit_xlsx)(out, edited, {first: "Mine.", fourth: "Also mine."})
    # meanwhile, in the project: a colleague saves the first cell; a coding changes the fourth's references
    assert run("-p", str(example_dir), "--coder", "ben", "summary", "set", "Wellbeing and recovery", "--valence",
               "benefit", "--perspective", "PSWs", "Ben's text.").exit_code == 0
    assert run("-p", str(example_dir), "--coder", "consensus", "code", "e049", "Recovery and role models",
               "--valence", "benefit", "--perspective", "PSWs").exit_code == 0
    before = _digest(example_dir)
    r = run("-p", str(example_dir), "import", "summaries", str(edited))
    assert r.exit_code == 1
    assert "Wellbeing and recovery / benefit / PSWs: its summary was saved by ben since the export" in r.output
    assert ("Recovery and role models / benefit / PSWs: its references changed since the export "
            "(23, 34, 55 then, 23, 34, 55, 61 now)") in r.output
    assert "nothing imported: 2 edited cells changed" in r.output
    assert _digest(example_dir) == before  # refused: nothing changed
    assert "Ben's text." in run("-p", str(example_dir), "summary", "show", "Wellbeing and recovery", "--valence",
                                "benefit", "--perspective", "PSWs").output


def test_xlsx_sheet_is_safe_and_reads_formula_text(run, example_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    assert run("-p", str(example_dir), "--coder", "lead", "summary", "set", *CELL, "=1+1 is not a formula").exit_code == 0
    assert run("-p", str(example_dir), "export", "summaries", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    ws = wb["Summaries"]
    assert ws.freeze_panes == "C2" and ws.column_dimensions["H"].hidden
    values = [ws.cell(r, 7).value for r in range(2, ws.max_row + 1)]
    assert "'=1+1 is not a formula" in values
    assert ws.cell(2, 7).protection.locked is False and ws.cell(2, 6).alignment.wrap_text
    r = run("-p", str(example_dir), "import", "summaries", str(out))
    assert r.exit_code == 0 and "0 summaries written, 42 unchanged" in r.output


def test_csv_round_trip_and_version_check(run, example_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    assert run("-p", str(example_dir), "export", "summaries", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 42 and rows[0]["version"] == "1"
    rows[0]["summary"] = "Changed in a spreadsheet."
    with (tmp_path / "e.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = run("-p", str(example_dir), "import", "summaries", str(tmp_path / "e.csv"))
    assert r.exit_code == 0 and "1 summary written, 41 unchanged" in r.output
    rows[0]["summary"] = "Another change to the first cell, from the same old file."
    with (tmp_path / "e2.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = run("-p", str(example_dir), "import", "summaries", str(tmp_path / "e2.csv"))
    assert r.exit_code == 1 and "version 1 in the file, 2 now" in r.output


def test_plain_csv_without_versions_writes(run, example_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "plain.csv"
    f.write_text("subtheme,valence,perspective,summary\nWorkload,challenge,Mixed,Plain text.\n", encoding="utf-8")
    r = run("-p", str(example_dir), "import", "summaries", str(f))
    assert r.exit_code == 0 and "1 summary written" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("subtheme,valence,perspective,summary\nWorkload,challenge,Mixed,ok\nNope,,Mixed,x\n",
                   encoding="utf-8")
    before = _digest(example_dir)
    r = run("-p", str(example_dir), "import", "summaries", str(bad))
    assert r.exit_code == 1 and "row 3: unknown subtheme 'Nope'" in r.output
    assert _digest(example_dir) == before


def test_damaged_files_are_user_errors(run, example_dir: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    r = run("-p", str(example_dir), "import", "summaries", str(junk))
    assert r.exit_code == 1 and "not a readable Word document" in r.output
    r = run("-p", str(example_dir), "import", "summaries", str(tmp_path / "missing.xlsx"))
    assert r.exit_code == 1 and "no such file" in r.output
