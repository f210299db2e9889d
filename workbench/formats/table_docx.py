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
from xml.sax.saxutils import escape

from workbench.analysis.table import MIXED_MARK, STALE_MARK, PerspectiveEntry, TableModel
from workbench.formats.cells_safe import xml_text

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


SMALL = '<w:sz w:val="17"/>'  # 8.5 pt
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
def _run(text: str, *props: str) -> str:
    """One w:r; `props` are run properties such as "<w:b/>" (in schema order)."""
    if not text:
        return ""
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_text(text))}</w:t></w:r>'


def _p(runs: str, keep_next: bool = False, after: int | None = None) -> str:
    ppr = ("<w:keepNext/>" if keep_next else "") + (f'<w:spacing w:after="{after}"/>' if after is not None else "")
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs}</w:p>"


def _tc(width: int, paragraphs: str, span: int = 1, vmerge: str | None = None, fill: str | None = None) -> str:
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    pr += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    pr += ('<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>") if vmerge else ""
    pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{paragraphs or '<w:p/>'}</w:tc>"


def _entry(model: TableModel, e: PerspectiveEntry) -> str:
    """'PSWs [23, 34]: summary…' with the name in bold and the mixed marker in superscript."""
    runs = _run(e.perspective, "<w:b/>")
    if e.mixed:
        runs += _run(MIXED_MARK, '<w:vertAlign w:val="superscript"/>')
    text = f" {model.refs_text(e.references)}:" + (f" {e.summary}" if e.summary else "")
    runs += _run(text + (f" {STALE_MARK}" if e.stale else ""))
    groups = model.groups_text(e)
    if groups:
        runs += _run(" " + groups, "<w:i/>")
    return _p(runs, after=80)


def table_xml(model: TableModel, widths: list[int], style_id: str) -> str:
    """The whole w:tbl as WordprocessingML text. Written directly because python-docx's per-cell
    API takes 10 s for a 4,000-cell table; this takes a fraction of a second."""
    total = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="{style_id}"/>'
           f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
           f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
           f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>',
           "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
           + "".join(_tc(w, _p(_run(h, "<w:b/>"), keep_next=True), fill="D9D9D9")
                     for w, h in zip(widths, model.headers, strict=True)) + "</w:tr>"]
    lines = list(model.lines())
    for i, line in enumerate(lines):
        if line.row is None:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                       + _tc(total, _p(_run(line.theme, "<w:b/>"), keep_next=True), span=3, fill="EDEDED")
                       + "</w:tr>")
            continue
        more = i + 1 < len(lines) and lines[i + 1].row is not None and not lines[i + 1].first
        vmerge = ("restart" if more else None) if line.first else "continue"
        first = _tc(widths[0], _p(_run(line.subtheme or "")) if line.first else "", vmerge=vmerge)
        out.append("<w:tr>" + first + _tc(widths[1], _p(_run(model.row_label(line.row))))
                   + _tc(widths[2], "".join(_entry(model, e) for e in line.row.perspectives)) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def usable_width(section: Any) -> int:
    """The page width between the margins, in EMU (python-docx types each as optional: a section
    may leave them to Word's defaults, which ours never do)."""
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def save_docx(doc: Any, out: Path | IO[bytes]) -> None:
    """python-docx takes a path as a string."""
    doc.save(str(out) if isinstance(out, Path) else out)


def is_wide(model: TableModel) -> bool:
    labels = [model.row_label(line.row) for line in model.lines() if line.row is not None]
    return model.author_year or any(len(x) > WIDE_REFS for x in labels)


def table_docx(model: TableModel, out: Path | IO[bytes]) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
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
    usable = usable_width(section)
    widths = [int(usable * 0.18), int(usable * 0.18)]
    widths.append(usable - sum(widths))

    caption = doc.add_paragraph()
    caption.add_run(xml_text(model.title)).bold = True
    caption.paragraph_format.keep_with_next = True

    from lxml import etree

    tbl = etree.fromstring(table_xml(model, [int(w / 635) for w in widths], doc.styles["Table Grid"].style_id))
    doc.element.body.insert(doc.element.body.index(caption._p) + 1, tbl)

    for mark, text in model.footnotes():
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(4)
        r = p.add_run(mark)
        r.font.superscript = mark == MIXED_MARK
        r.font.size = Pt(8.5)
        p.add_run(xml_text(" " + text)).font.size = Pt(8.5)
    for note in model.notes():
        p = doc.add_paragraph()
        run = p.add_run(xml_text(note))
        run.italic = True
        run.font.size = Pt(8.5)
    sources = model.cited_sources()
    if sources:
        head = doc.add_paragraph()
        head.paragraph_format.space_before = Pt(10)
        head.paragraph_format.keep_with_next = True
        head.add_run(xml_text(model.label("sources_cited", "Sources cited"))).bold = True
        body = doc.element.body
        at = body.index(head._p) + 1
        for s in sources:  # 1,000 sources through python-docx's API would take a second
            label = _run(s.ref, "<w:b/>", SMALL) if model.author_year else _run(f"[{s.ref}]", SMALL)
            xml = (f'<w:p xmlns:w="{W_NS}"><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr>{label}'
                   f'{_run(" " + s.citation if s.citation else "", SMALL)}</w:p>')
            body.insert(at, etree.fromstring(xml))
            at += 1
    doc.core_properties.title = xml_text(model.title)
    doc.core_properties.comments = "Written by workbench from the project's codings."
    save_docx(doc, out)


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
