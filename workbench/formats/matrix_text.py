"""The perspective matrix as Markdown, CSV and XLSX: `matrix_<format>(matrix, out)`.

Every cell is written the same way — "benefit (2): 23, 34; challenge (1): 61" — so the three text
forms and the picture read alike. XLSX adds two sheets for people who chart or filter: the counts
alone, and one row per subtheme × perspective × valence.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from workbench.analysis.matrix import Matrix, MatrixCell
from workbench.formats.cells_safe import SafeCsv, md_cell, md_text


def cell_text(matrix: Matrix, cell: MatrixCell, sep: str = "; ") -> str:
    parts = []
    for v in matrix.valences:
        refs = cell.refs.get(v)
        if refs:
            parts.append(f"{matrix.valence_label(v)} ({len(refs)}): {', '.join(refs)}")
    return sep.join(parts)


def provenance_note(matrix: Matrix) -> str:
    note = f"Coders: {matrix.coders}."
    if matrix.provenance.get("note"):
        note += f" Note: {matrix.provenance['note']}."
    return note


def _write_text(out: Path | IO[str], text: str) -> None:
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def matrix_md(matrix: Matrix, out: Path | IO[str]) -> None:
    """A Markdown table: a bold row per overarching theme, then its subthemes × perspectives."""
    heads = [matrix.labels.get("subtheme", "Subtheme"), *(matrix.perspective_label(p) for p in matrix.perspectives)]
    lines = ["| " + " | ".join(md_cell(h) for h in heads) + " |", "|" + "---|" * len(heads)]
    for theme, rows in matrix.themes():
        lines.append(f"| **{md_cell(theme)}** |" + " |" * len(matrix.perspectives))
        for row in rows:
            cells = [md_cell(cell_text(matrix, row.cell(p))) for p in matrix.perspectives]
            lines.append("| " + " | ".join([md_cell(row.subtheme), *cells]) + " |")
    lines += ["", md_text("Each cell: valence (number of sources): references. " + provenance_note(matrix)), ""]
    _write_text(out, "\n".join(lines))


def matrix_csv(matrix: Matrix, out: Path | IO[str]) -> None:
    """One row per subtheme, one column per perspective, cells as in the Markdown table."""
    handle: IO[str] = out.open("w", encoding="utf-8", newline="") if isinstance(out, Path) else out
    try:
        w = SafeCsv(handle)
        w.writerow(["theme", "subtheme", *(matrix.perspective_label(p) for p in matrix.perspectives)])
        for row in matrix.rows:
            w.writerow([row.theme, row.subtheme,
                        *(cell_text(matrix, row.cell(p)) for p in matrix.perspectives)])
    finally:
        if isinstance(out, Path):
            handle.close()


def matrix_xlsx(matrix: Matrix, out: Path | IO[bytes]) -> None:
    """Sheets 'Matrix' (as the Markdown, shaded by number of sources), 'Counts' and 'Long'."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from workbench.formats.cells_safe import SafeWorkbook

    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "Matrix"
    persp = [matrix.perspective_label(p) for p in matrix.perspectives]
    ws.append([matrix.labels.get("theme", "Theme"), matrix.labels.get("subtheme", "Subtheme"), *persp])
    for c in ws[1]:
        c.font = Font(bold=True)
    top = max(1, max((r.cell(p).total for r in matrix.rows for p in matrix.perspectives), default=1))
    wrap = Alignment(wrap_text=True, vertical="top")
    for theme, rows in matrix.themes():
        for row in rows:
            cells = [row.cell(p) for p in matrix.perspectives]
            ws.append([theme, row.subtheme,
                       *(cell_text(matrix, c, "\n") for c in cells)])
            for col, cell in enumerate(cells, start=3):
                x = ws.cell(ws.max_row, col)
                x.alignment = wrap
                if cell.total:  # light to mid grey, so black text stays readable and it prints
                    shade = 235 - int(110 * cell.total / top)
                    x.fill = PatternFill("solid", fgColor=f"{shade:02X}{shade:02X}{shade:02X}")
            ws.cell(ws.max_row, 1).alignment = wrap
            ws.cell(ws.max_row, 2).alignment = wrap
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 34
    for i in range(len(persp)):
        ws.column_dimensions[ws.cell(1, i + 3).column_letter].width = 30
    ws.freeze_panes = "C2"
    ws.append([])
    ws.append([provenance_note(matrix)])

    counts = wb.create_sheet("Counts")
    pairs = [(p, v) for p in matrix.perspectives for v in matrix.valences]
    counts.append(["theme", "subtheme", *(f"{matrix.perspective_label(p)}: {matrix.valence_label(v)}"
                                          for p, v in pairs)])
    for row in matrix.rows:
        counts.append([row.theme, row.subtheme, *(row.cell(p).count(v) for p, v in pairs)])

    long = wb.create_sheet("Long")
    long.append(["theme", "subtheme", "perspective", "valence", "sources", "references"])
    for row in matrix.rows:
        for p in matrix.perspectives:
            cell = row.cell(p)
            for v in matrix.valences:
                refs = cell.refs.get(v)
                if refs:
                    long.append([row.theme, row.subtheme, matrix.perspective_label(p),
                                 matrix.valence_label(v), len(refs), ", ".join(refs)])
    wb.save(out)
