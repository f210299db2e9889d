"""The evidence profile as a Summary of Qualitative Findings table: Markdown, DOCX, XLSX, CSV.

Markdown and DOCX are for reading (one row per finding, the CERQual judgements with their reasons,
laid out as GRADE-CERQual's SoQF table is); CSV and XLSX keep every figure in its own column for
people who sort and filter. All four come from one list of rows, so they cannot disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from workbench.analysis.evidence import EvidenceProfile, Finding
from workbench.core.cerqual import COMPONENTS
from workbench.formats.cells_safe import SafeCsv, md_cell, md_text, xml_text
from workbench.formats.table_docx import save_docx

CONCERN_KEYS = [k for k in COMPONENTS if k != "overall"]


def finding_name(f: Finding) -> str:
    return f"{f.subtheme} ({f.valence})" if f.valence else f.subtheme


def evidence_text(f: Finding) -> str:
    """'3 sources, 4 excerpts; PSWs, Mixed; 2 critically low, 1 low; CCA 25.0% (very high …)'."""
    parts = [f"{len(f.sources)} source{'s' * (len(f.sources) != 1)}, {len(f.excerpts)} excerpt"
             f"{'s' * (len(f.excerpts) != 1)}"]
    if f.perspectives:
        parts.append(", ".join(f.perspectives))
    if f.quality:
        parts.append(f.quality_summary)
    if f.overlap.reviews:
        parts.append(f.overlap.describe())
    return "; ".join(parts)


def judgement_text(f: Finding, key: str) -> str:
    j = f.judgements.get(key)
    return j.judgement if j else ""


def explanation_text(f: Finding) -> str:
    """The reasons, component by component: 'Methodological limitations: … Adequacy: …'."""
    out = []
    for key, (heading, _allowed) in COMPONENTS.items():
        j = f.judgements.get(key)
        if j and (j.explanation or j.judgement):
            out.append(f"{heading}: {j.judgement}" + (f" — {j.explanation}" if j.explanation else ""))
    return " ".join(s if s.endswith(".") else s + "." for s in out)


def flat_rows(profile: EvidenceProfile) -> tuple[list[str], list[dict[str, Any]]]:
    """Every figure in its own column (CSV, XLSX)."""
    columns = ["theme", "subtheme", "valence", "summary", "sources", "n_sources", "n_excerpts", "perspectives",
               "quality", "single_source", "contrasting", "low_quality_only", "cca_percent", "cca_band",
               "cca_reviews", "cca_studies", "cca_inclusions", "reviews_without_list"]
    for key in COMPONENTS:
        columns += [key, f"{key} explanation"]
    rows = []
    for f in profile.findings:
        row: dict[str, Any] = {
            "theme": f.theme, "subtheme": f.subtheme, "valence": f.valence or "", "summary": f.summary,
            "sources": ", ".join(f.sources), "n_sources": len(f.sources), "n_excerpts": len(f.excerpts),
            "perspectives": ", ".join(f.perspectives), "quality": f.quality_summary,
            "single_source": "yes" if f.single_source else "", "contrasting": "yes" if f.contrasting else "",
            "low_quality_only": "yes" if "low quality only" in f.flags else "",
            "cca_percent": "" if f.overlap.percent is None else round(f.overlap.percent, 1),
            "cca_band": f.overlap.band, "cca_reviews": len(f.overlap.reviews), "cca_studies": f.overlap.studies,
            "cca_inclusions": f.overlap.inclusions, "reviews_without_list": ", ".join(f.overlap.without_list)}
        for key in COMPONENTS:
            j = f.judgements.get(key)
            row[key] = j.judgement if j else ""
            row[f"{key} explanation"] = j.explanation if j else ""
        rows.append(row)
    return columns, rows


def evidence_csv(profile: EvidenceProfile, out: Path | IO[str]) -> None:
    columns, rows = flat_rows(profile)
    handle: IO[str] = out.open("w", encoding="utf-8", newline="") if isinstance(out, Path) else out
    try:
        w = SafeCsv(handle)
        w.writerow(columns)
        for r in rows:
            w.writerow([r[c] for c in columns])
    finally:
        if isinstance(out, Path):
            handle.close()


def evidence_xlsx(profile: EvidenceProfile, out: Path | IO[bytes]) -> None:
    from openpyxl.styles import Alignment, Font

    from workbench.formats.cells_safe import SafeWorkbook

    columns, rows = flat_rows(profile)
    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "Evidence profile"
    ws.append(columns)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([r[c] for c in columns])
    wide = {"summary": 60, "sources": 24, "perspectives": 24, "quality": 24}
    for i, name in enumerate(columns, start=1):
        letter = ws.cell(1, i).column_letter
        ws.column_dimensions[letter].width = wide.get(name, 40 if name.endswith("explanation") else 14)
        if name in wide or name.endswith("explanation"):
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = ws.dimensions
    ws.append([])
    ws.append([note for note in _notes(profile)])
    wb.save(out)


def _notes(profile: EvidenceProfile) -> list[str]:
    notes = [f"Coders: {profile.coders}.", f"Overlap of all reviews with included-study lists: "
                                           f"{profile.overlap.describe()}."]
    if profile.provenance.get("note"):
        notes.append(f"Note: {profile.provenance['note']}.")
    return notes


SOQF_HEADS = ["Summary of review finding", "Contributing sources", "Evidence", "CERQual components",
              "CERQual assessment of confidence", "Explanation of CERQual assessment"]


def soqf_rows(profile: EvidenceProfile) -> list[list[str]]:
    """The reading form: one row per finding, as the six columns of SOQF_HEADS."""
    rows = []
    for f in profile.findings:
        finding = f"{f.theme} › {finding_name(f)}" + (f". {f.summary}" if f.summary else "")
        flags = f" ({', '.join(f.flags)})" if f.flags else ""
        components = "; ".join(f"{COMPONENTS[k][0]}: {judgement_text(f, k)}" for k in CONCERN_KEYS
                               if judgement_text(f, k))
        rows.append([finding, ", ".join(f.sources) or "none", evidence_text(f) + flags, components,
                     judgement_text(f, "overall") or "not yet assessed", explanation_text(f)])
    return rows


def evidence_md(profile: EvidenceProfile, out: Path | IO[str]) -> None:
    lines = ["| " + " | ".join(SOQF_HEADS) + " |", "|" + "---|" * len(SOQF_HEADS)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in soqf_rows(profile)]
    lines += ["", md_text(" ".join(_notes(profile))), ""]
    text = "\n".join(lines)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def evidence_docx(profile: EvidenceProfile, out: Path | IO[bytes]) -> None:
    """A landscape Word table a team can paste into its report."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.add_heading("Summary of qualitative findings", level=1)
    table = doc.add_table(rows=1, cols=len(SOQF_HEADS))
    table.style = "Table Grid"
    widths = [Cm(6.8), Cm(2.6), Cm(4.2), Cm(4.0), Cm(2.4), Cm(4.8)]  # 24.8 cm: A4 landscape less margins
    header = OxmlElement("w:tblHeader")  # repeat the heading row on every page
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for i, head in enumerate(SOQF_HEADS):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(head)
        run.bold = True
        run.font.size = Pt(8.5)
    for f, row in zip(profile.findings, soqf_rows(profile), strict=True):
        cells = table.add_row().cells
        cells[0].text = ""
        first = cells[0].paragraphs[0]
        head = first.add_run(xml_text(f"{f.theme} › {finding_name(f)}"))
        head.bold = True
        head.font.size = Pt(8)
        if f.summary:
            body = cells[0].add_paragraph().add_run(xml_text(f.summary))
            body.font.size = Pt(8)
        for i, text in enumerate(row[1:], start=1):
            cells[i].text = ""
            run = cells[i].paragraphs[0].add_run(xml_text(text))
            run.font.size = Pt(8)
    table.autofit = False
    for i, w in enumerate(widths):  # LibreOffice reads the grid, Word the cells: set both
        table.columns[i].width = w
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = w
    for note in _notes(profile):
        p = doc.add_paragraph(xml_text(note))
        p.runs[0].font.size = Pt(8)
    save_docx(doc, out)
