"""`table_docx`: the table as a Word document a journal would accept.

A real Word table (not tabs): the header row repeats on every page (w:tblHeader), theme rows
span the width in bold and stay with the row below, a subtheme's cell spans its valence rows,
rows do not split across pages, the mixed marker is a superscript "a" explained in a footnote
under the table, then the notes (provenance, stale summaries) and the sources cited. The page
turns to landscape when the reference column gets wide (long lists or author–year labels) — a
portrait page would squeeze the summaries into a narrow strip.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from workbench.analysis.table import MIXED_MARK, STALE_MARK, PerspectiveEntry, TableModel

FONT = "Calibri"
WIDE_REFS = 34  # characters in the widest "Benefit [23, 34, …]" beyond which the page turns landscape


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(_qn(k), v)
    return el


def _row_flag(row: Any, tag: str) -> None:
    """Set a row property such as w:tblHeader (repeat as header) or w:cantSplit."""
    row._tr.get_or_add_trPr().append(_el(tag, **{"w:val": "true"}))


def _shade(cell: Any, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill}))


def _para(cell_or_doc: Any, first: bool) -> Any:
    """The cell's first (empty) paragraph, or a new one after it."""
    if first and hasattr(cell_or_doc, "paragraphs") and cell_or_doc.paragraphs:
        return cell_or_doc.paragraphs[0]
    return cell_or_doc.add_paragraph()


def _text(cell: Any, text: str, bold: bool = False) -> Any:
    p = _para(cell, True)
    run = p.add_run(text)
    run.bold = bold
    return p


def _entry(model: TableModel, cell: Any, e: PerspectiveEntry, first: bool) -> None:
    from docx.shared import Pt

    p = _para(cell, first)
    p.paragraph_format.space_after = Pt(4)
    p.add_run(e.perspective).bold = True
    if e.mixed:
        p.add_run(MIXED_MARK).font.superscript = True
    p.add_run(f" {model.refs_text(e.references)}:")
    if e.summary:
        p.add_run(" " + e.summary)
    if e.stale:
        p.add_run(f" {STALE_MARK}")
    groups = model.groups_text(e)
    if groups:
        p.add_run(" " + groups).italic = True


def is_wide(model: TableModel) -> bool:
    labels = [model.row_label(line.row) for line in model.lines() if line.row is not None]
    return model.author_year or any(len(x) > WIDE_REFS for x in labels)


def table_docx(model: TableModel, out: Path | IO[bytes]) -> None:  # type: ignore[override]
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9.5)
    normal.paragraph_format.space_after = Pt(2)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    if is_wide(model):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [int(usable * 0.18), int(usable * 0.18)]
    widths.append(usable - sum(widths))

    caption = doc.add_paragraph()
    caption.add_run(model.title).bold = True
    caption.paragraph_format.keep_with_next = True

    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table._tbl.tblPr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")
    _row_flag(header, "w:cantSplit")
    for cell, title, width in zip(header.cells, model.headers, widths, strict=True):
        cell.width = width
        _text(cell, title, bold=True).paragraph_format.keep_with_next = True
        _shade(cell, "D9D9D9")

    span_start: Any = None
    lines = list(model.lines())
    for i, line in enumerate(lines):
        row = table.add_row()
        cells = row.cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if line.row is None:
            _row_flag(row, "w:cantSplit")
            merged = cells[0].merge(cells[2])
            _text(merged, line.theme, bold=True).paragraph_format.keep_with_next = True
            _shade(merged, "EDEDED")
            continue
        if line.first:
            _text(cells[0], line.subtheme or "")
            span_start = cells[0]
        _text(cells[1], model.row_label(line.row))
        for n, e in enumerate(line.row.perspectives):
            _entry(model, cells[2], e, n == 0)
        last_of_subtheme = i + 1 == len(lines) or lines[i + 1].row is None or lines[i + 1].first
        if last_of_subtheme and span_start is not None and span_start is not cells[0]:
            span_start.merge(cells[0])
        if last_of_subtheme:
            span_start = None

    for mark, text in model.footnotes():
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(4)
        r = p.add_run(mark)
        r.font.superscript = mark == MIXED_MARK
        r.font.size = Pt(8.5)
        p.add_run(" " + text).font.size = Pt(8.5)
    for note in model.notes():
        p = doc.add_paragraph()
        run = p.add_run(note)
        run.italic = True
        run.font.size = Pt(8.5)
    sources = model.cited_sources()
    if sources:
        head = doc.add_paragraph()
        head.paragraph_format.space_before = Pt(10)
        head.paragraph_format.keep_with_next = True
        head.add_run(model.label("sources_cited", "Sources cited")).bold = True
        for s in sources:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(1.0)
            p.paragraph_format.first_line_indent = Cm(-1.0)
            label = p.add_run(s.ref if model.author_year else f"[{s.ref}]")
            label.bold = model.author_year
            label.font.size = Pt(8.5)
            p.add_run(f" {s.citation}" if s.citation else "").font.size = Pt(8.5)
    doc.core_properties.title = model.title
    doc.core_properties.comments = "Written by workbench from the project's codings."
    doc.save(out)


def read_table_docx(path: Path) -> list[tuple[int, list[str]]]:
    """The rows of the first table in a Word file as plain text, numbered from 1 (the header).

    Superscript runs (footnote markers such as the "a" after Mixed) are left out, paragraphs become
    line breaks, and a merged cell counts once, so a theme row reads as one non-empty cell.
    """
    from docx import Document
    from docx.oxml.ns import qn

    from workbench.core.errors import UserError

    try:
        doc = Document(str(path))
    except Exception as e:  # noqa: BLE001 — python-docx raises many types for a file that is not DOCX
        raise UserError(f"not a readable Word document ({type(e).__name__})", str(path)) from None
    if not doc.tables:
        raise UserError("no table in this document", str(path))
    rows = []
    for n, tr in enumerate(doc.tables[0]._tbl.tr_lst, start=1):
        cells = []
        for tc in tr.tc_lst:
            paragraphs = []
            for p in tc.iter(qn("w:p")):
                text = ""
                for r in p.iter(qn("w:r")):
                    rpr = r.find(qn("w:rPr"))
                    va = rpr.find(qn("w:vertAlign")) if rpr is not None else None
                    if va is not None and va.get(qn("w:val")) == "superscript":
                        continue
                    text += "".join(t.text or "" for t in r.iter(qn("w:t")))
                paragraphs.append(text)
            span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
            cells.append("\n".join(paragraphs).strip())
            cells += [""] * (int(span.get(qn("w:val"))) - 1 if span is not None else 0)
        rows.append((n, cells))
    return rows
