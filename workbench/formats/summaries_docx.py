"""`summaries_docx`: every cell's summary in a Word table for co-researchers to edit, and back.

One row per cell: the cell (subtheme, valence, perspective, references) on the left, the excerpts
behind it in the middle, the summary to edit on the right (shaded). The cell's key rides along as
hidden text (w:vanish) in the first column: Word and LibreOffice keep hidden text when saving,
and the user never sees it, so `read_summaries_docx` can match each edit to its cell and version.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from workbench.analysis.summary_sheet import KEY_PREFIX, EditedRow, SummarySheet, parse_key
from workbench.core.errors import UserError
from workbench.formats.cells_safe import xml_text as _x
from workbench.formats.cells_safe import xml_unescape
from workbench.formats.table_docx import _el, _row_flag, _shade, save_docx, usable_width

INSTRUCTIONS = ("Write or edit the summaries in the shaded right-hand column only, one cell per summary, "
                "then save the file (keep it as .docx) and send it back. Rows, their order and the other "
                "columns must stay as they are: the team's tool reads your edits from them.")


def summaries_docx(sheet: SummarySheet, out: Path | IO[bytes]) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(9.5)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    usable = usable_width(section)
    widths = [int(usable * 0.22), int(usable * 0.43)]
    widths.append(usable - sum(widths))
    head = doc.add_paragraph()
    head.add_run(_x(f"Summaries: {sheet.title}")).bold = True
    doc.add_paragraph(INSTRUCTIONS).runs[0].italic = True
    doc.add_paragraph(f"Exported {sheet.exported[:16].replace('T', ' ')} UTC; references from the codings of: "
                      f"{sheet.coders}.").runs[0].font.size = Pt(8)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    table._tbl.tblPr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _row_flag(table.rows[0], "w:tblHeader")
    for cell, title, width in zip(table.rows[0].cells, ("Cell", "Excerpts behind it", "Summary (edit here)"),
                                  widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(_x(title)).bold = True
        _shade(cell, "D9D9D9")
    grey = RGBColor(0x55, 0x55, 0x55)
    for c in sheet.cells:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        left = cells[0].paragraphs[0]
        left.add_run(_x(c.subtheme)).bold = True
        left.add_run(_x(f"\n{(c.valence or '(no valence)').capitalize()} · {c.perspective} {sheet.refs_text(c.references)}"))
        theme = cells[0].add_paragraph().add_run(_x(c.theme))
        theme.font.size, theme.font.color.rgb = Pt(8), grey
        if c.stale:
            cells[0].add_paragraph().add_run(_x("The references changed since this summary was written.")).italic = True
        hidden = cells[0].add_paragraph().add_run(_x(c.key(sheet.coders)))
        hidden.font.hidden = True
        hidden.font.size = Pt(1)
        first = True
        for ref, key, text in c.excerpts:
            p = cells[1].paragraphs[0] if first else cells[1].add_paragraph()
            first = False
            p.paragraph_format.space_after = Pt(3)
            p.add_run(_x(f"[{ref}] {key}: ")).bold = True
            p.add_run(_x(text))
        if c.more_excerpts:
            cells[1].add_paragraph().add_run(_x(f"… and {c.more_excerpts} more (workbench trace shows all)")).italic = True
        cells[2].paragraphs[0].add_run(_x(c.summary))
        _shade(cells[2], "FFF8DC")
    doc.core_properties.title = _x(f"Summaries: {sheet.title}")
    doc.core_properties.comments = "workbench summaries sheet: edit the right-hand column, then import summaries."
    save_docx(doc, out)


def read_summaries_docx(path: Path) -> list[EditedRow]:
    """The edited rows of a file written by `summaries_docx` (row numbers count the header as 1)."""
    from docx import Document

    file = str(path)
    try:
        doc = Document(str(path))
    except Exception as e:  # noqa: BLE001 — python-docx raises many types for a file that is not DOCX
        raise UserError(f"not a readable Word document ({type(e).__name__})", file) from None
    table = next((t for t in doc.tables if len(t.rows) > 1 and KEY_PREFIX in _xml_text(t.rows[1]._tr)), None)
    if table is None:
        raise UserError("no summaries table with cell keys (was it written by 'export summaries'?)", file)
    out = []
    for n, row in enumerate(table.rows[1:], start=2):
        tcs = row._tr.tc_lst
        if len(tcs) < 3:
            raise UserError("a row lost its columns; export the summaries again", file, n, "row")
        raw = _xml_text(tcs[0])
        at = raw.find(KEY_PREFIX)
        key = parse_key(xml_unescape(raw[at:]) if at >= 0 else "", file, n)
        text = xml_unescape("\n".join(p.text for p in row.cells[2].paragraphs).strip())
        out.append(EditedRow(n, key["subtheme"], key["valence"], key["perspective"], text, key))
    return out


def _xml_text(element: Any) -> str:  # an lxml element (lxml ships no types)
    """All text under an XML element, hidden runs included, however Word split them into runs."""
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in element.iter(qn("w:t")))
