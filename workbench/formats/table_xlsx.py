"""`table_xlsx`: the table as an Excel workbook laid out like the printed table.

Sheet "Table": a frozen header row, theme rows merged across the width in bold, wrapped text
with row heights estimated from the text (Excel does not grow rows written by a program), the
mixed marker as a superscript "a", then the footnote and notes. Sheet "Sources" lists the
sources cited. Every text cell starting with = + - @ is neutralised so opening the file never
evaluates a formula someone typed into a summary.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import IO, Any

from workbench.analysis.table import MIXED_MARK, STALE_MARK, PerspectiveEntry, TableModel

WIDTHS = (30, 26, 100)  # characters
LINE_PT = 13.0  # points per wrapped line at 10 pt


def _lines(text: str, width: int) -> int:
    return sum(max(1, math.ceil(len(part) / (width * 1.1))) for part in text.split("\n"))


def _rich_summary(model: TableModel, entries: list[PerspectiveEntry]) -> tuple[Any, str]:
    """The summary cell as rich text (bold perspective, superscript marker) and as plain text."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    bold = InlineFont(b=True)
    sup = InlineFont(vertAlign="superscript")
    parts: list[Any] = []
    plain = []
    for n, e in enumerate(entries):
        if n:
            parts.append("\n\n")
        name = e.perspective if n == 0 else e.perspective
        parts.append(TextBlock(bold, name))
        if e.mixed:
            parts.append(TextBlock(sup, MIXED_MARK))
        rest = f" {model.refs_text(e.references)}:"
        if e.summary:
            rest += " " + e.summary
        if e.stale:
            rest += f" {STALE_MARK}"
        groups = model.groups_text(e)
        if groups:
            rest += " " + groups
        parts.append(rest)
        plain.append(model.entry_text(e))
    return CellRichText(*parts), "\n\n".join(plain)


def table_xlsx(model: TableModel, out: Path | IO[bytes]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from workbench.formats.cells_safe import SafeWorkbook

    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "Table"
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    theme_fill = PatternFill("solid", fgColor="EDEDED")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append([h for h in model.headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = wrap
        cell.border = border
    ws.freeze_panes = "A2"
    r = 1
    for line in model.lines():
        r += 1
        if line.row is None:
            ws.cell(r, 1, line.theme).font = Font(bold=True)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            for c in range(1, 4):
                ws.cell(r, c).fill = theme_fill
                ws.cell(r, c).border = border
            ws.cell(r, 1).alignment = wrap
            continue
        rich, plain = _rich_summary(model, line.row.perspectives)
        label = model.row_label(line.row)
        ws.cell(r, 1, line.subtheme or "" if line.first else None)
        ws.cell(r, 2, label)
        ws.cell(r, 3, rich)
        for c in range(1, 4):
            ws.cell(r, c).alignment = wrap
            ws.cell(r, c).border = border
        height = max(_lines(line.subtheme or "", WIDTHS[0]), _lines(label, WIDTHS[1]), _lines(plain, WIDTHS[2]))
        ws.row_dimensions[r].height = height * LINE_PT
    r += 1
    for mark, text in model.footnotes():
        r += 1
        ws.cell(r, 1, f"{mark} {text}").font = Font(size=9, italic=True)
    for note in model.notes():
        r += 1
        ws.cell(r, 1, note).font = Font(size=9, italic=True)
    src = wb.create_sheet("Sources")
    src.append(["ref", "citation", "year", "design", "quality", "groups"])
    for cell in src[1]:
        cell.font = Font(bold=True)
    for s in model.cited_sources():
        src.append([x for x in (s.ref, s.citation, s.year, s.design, s.quality, s.groups)])
    src.freeze_panes = "A2"
    for col, w in zip("ABCDEF", (14, 90, 8, 24, 16, 40), strict=True):
        src.column_dimensions[col].width = w
    for row in src.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = model.title
    wb.save(out)
