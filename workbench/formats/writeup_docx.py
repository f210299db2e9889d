"""The write-ups as Word documents in journal style: Heading 1–3 (4–5 in the appendix), Body Text,
Quote, no colours.

A manuscript is pasted into a journal's template, so these documents use Word's own named styles
(which the template then restyles) and nothing else: no direct colours, no shading, headings in
the body font. The narrative and the appendix are written as WordprocessingML text and parsed
once with lxml, as the table is (`table_docx`): python-docx's per-paragraph API costs seconds for
the tens of thousands of quotes in a large project's appendix. The checklist is a small table and
uses python-docx directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from workbench.analysis.appendix import Appendix
from workbench.analysis.checklist import Checklist
from workbench.analysis.narrative import Narrative

FONT = "Times New Roman"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADING_PT = {1: 16, 2: 14, 3: 12, 4: 11, 5: 11}


def _run(text: str, *props: str) -> str:
    if not text:
        return ""
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(_BAD_XML.sub("", text))}</w:t></w:r>'


def _p(style: str, runs: str, keep_next: bool = False) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' + ("<w:keepNext/>" if keep_next else "")
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def journal_document() -> Any:
    """A python-docx Document whose styles look like a manuscript: one serif font, black headings."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    for el in list(doc.styles.element.iter(qn("w:color"), qn("w:shd"))):  # the template's blues, linked styles too
        el.getparent().remove(el)
    for name in ("Normal", "Body Text", "Quote", *(f"Heading {i}" for i in HEADING_PT)):
        style = doc.styles[name]
        rpr = style.element.find(qn("w:rPr"))
        for el in rpr.findall(qn("w:rFonts")) if rpr is not None else []:  # headings use the theme's font
            rpr.remove(el)
        style.font.name = FONT
    for level, size in HEADING_PT.items():
        style = doc.styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = level < 5
        style.font.italic = level == 5
        style.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(4)
    body = doc.styles["Body Text"].paragraph_format
    body.space_after = Pt(6)
    body.line_spacing = 1.15
    quote = doc.styles["Quote"].paragraph_format
    quote.left_indent = Cm(1.0)
    quote.space_after = Pt(2)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    return doc


def _append(doc: Any, paragraphs: list[str]) -> None:
    """Parse the paragraphs once and put them at the end of the body, before the section properties
    (`addprevious` on that one element: inserting by index walks the body each time, O(n²))."""
    from lxml import etree

    holder = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{"".join(paragraphs)}</w:body>')
    body = doc.element.body
    last = body[-1] if len(body) and body[-1].tag.endswith("}sectPr") else None
    for child in list(holder):
        if last is not None:
            last.addprevious(child)
        else:
            body.append(child)


def _save(doc: Any, title: str, out: Path | IO[bytes]) -> None:
    doc.core_properties.title = title
    doc.core_properties.comments = "Written by workbench from the project's codings and summaries."
    doc.save(out)


def _notes(notes: list[str]) -> list[str]:
    return [_p("BodyText", _run(n, "<w:i/>")) for n in notes]


def narrative_docx(model: Narrative, out: Path | IO[bytes]) -> None:
    n = model
    doc = journal_document()
    paras = [_p("Heading1", _run(n.title), True), _p("BodyText", _run(n.overview()))]
    for th in n.themes:
        paras.append(_p("Heading2", _run(th.name), True))
        for s in th.sections:
            paras.append(_p("Heading3", _run(s.heading), True))
            for f in s.findings:
                text = _run(n.finding_text(f), "<w:i/>") if f.placeholder else _run(n.finding_text(f))
                paras.append(_p("BodyText", _run(f"{n.run_in(f)}. ", "<w:b/>") + text))
        paras.append(_p("BodyText", _run(n.closing(th), "<w:i/>")))
    _append(doc, paras + _notes(n.notes()))
    _save(doc, n.title, out)


def appendix_docx(model: Appendix, out: Path | IO[bytes]) -> None:
    a = model
    doc = journal_document()
    paras = [_p("Heading1", _run(a.title), True)]
    for th in a.themes:
        paras.append(_p("Heading2", _run(th.name), True))
        for sb in th.subthemes:
            paras += [_p("Heading3", _run(sb.name), True), _p("BodyText", _run(a.counts(sb), "<w:i/>"))]
            for vb in sb.valences:
                paras.append(_p("Heading4", _run(a.valence_heading(vb)), True))
                for pb in vb.perspectives:
                    paras.append(_p("Heading5", _run(a.perspective_heading(pb)), True))
                    for q in pb.quotes:
                        paras.append(_p("Quote", _run(" ".join(q.text.split())), True))
                        paras.append(_p("BodyText", _run(f"— {a.attribution(q)}", '<w:sz w:val="19"/>')))
    _append(doc, paras + _notes(a.notes()))
    _save(doc, a.title, out)


def checklist_docx(model: Checklist, out: Path | IO[bytes]) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    c = model
    doc = journal_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    doc.add_paragraph(c.title, style="Heading 1")
    doc.add_paragraph("Pre-filled from the project; blank answers are for the team. Add the page or section "
                      "where each item is reported.", style="Body Text")
    heads = ("No.", "Item", "What to report", "From the project", "Page")
    widths = (Cm(1.2), Cm(3.6), Cm(7.0), Cm(11.0), Cm(2.4))
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = doc.styles["Table Grid"]
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)
    for cell, text in zip(header.cells, heads, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for it in c.items:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(str(it.number))
        cells[1].paragraphs[0].add_run(it.name).bold = True
        cells[2].paragraphs[0].add_run(it.guide)
        for i, line in enumerate(it.known):
            para = cells[3].paragraphs[0] if i == 0 else cells[3].add_paragraph()
            para.add_run(line)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: LibreOffice reads it, Word reads the cells
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(2)
                for run in para.runs:
                    run.font.size = Pt(9.5)
    for note in c.notes:
        doc.add_paragraph(style="Body Text").add_run(note).italic = True
    _save(doc, c.title, out)
