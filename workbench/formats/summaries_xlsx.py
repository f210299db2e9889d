"""`summaries_xlsx`: every cell's summary in a spreadsheet for co-researchers to edit, and back.

One row per cell: theme, subtheme, valence, perspective, references, the excerpts behind it, and
the summary to edit (shaded, the only unlocked column). The cell's key sits in a hidden column,
so `read_summaries_xlsx` matches each edit to its cell and version even if rows were sorted or
filtered. Text cells starting with = + - @ are neutralised (and un-neutralised on reading).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from workbench.analysis.summary_sheet import EditedRow, SummarySheet, parse_key
from workbench.core.errors import UserError
from workbench.formats.cells_safe import xlsx_text

COLUMNS = ("theme", "subtheme", "valence", "perspective", "references", "excerpts", "summary", "key")
WIDTHS = (22, 28, 12, 18, 16, 70, 70, 10)


def summaries_xlsx(sheet: SummarySheet, out: Path | IO[bytes]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    from workbench.formats.cells_safe import SafeWorkbook

    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "Summaries"
    ws.append(list(COLUMNS))
    wrap = Alignment(wrap_text=True, vertical="top")
    edit_fill = PatternFill("solid", fgColor="FFF8DC")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for c in sheet.cells:
        excerpts = "\n\n".join(f"[{ref}] {key}: {text}" for ref, key, text in c.excerpts)
        if c.more_excerpts:
            excerpts += f"\n\n… and {c.more_excerpts} more (workbench trace shows all)"
        ws.append([x for x in (c.theme, c.subtheme, c.valence or "", c.perspective,
                                           sheet.refs_text(c.references), excerpts, c.summary,
                                           c.key(sheet.coders))])
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        ws.cell(r, 7).fill = edit_fill
        ws.cell(r, 7).protection = Protection(locked=False)
        longest = max(len(excerpts), len(c.summary))
        ws.row_dimensions[r].height = min(409, 13 * max(2, longest // 75 + excerpts.count("\n") + 1))
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.column_dimensions["H"].hidden = True
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:G{ws.max_row}"
    about = wb.create_sheet("About")
    for line in (f"Summaries: {sheet.title}",
                 "Edit the 'summary' column only, save as .xlsx and send the file back.",
                 "Sorting and filtering are fine; do not edit the other columns or delete the hidden 'key' column.",
                 f"Exported {sheet.exported[:16].replace('T', ' ')} UTC; references from the codings of: {sheet.coders}."):
        about.append([line])
    about.column_dimensions["A"].width = 110
    wb.properties.title = f"Summaries: {sheet.title}"
    wb.save(out)


def read_summaries_xlsx(path: Path) -> list[EditedRow]:
    from openpyxl import load_workbook

    file = str(path)
    try:
        wb = load_workbook(path, read_only=True)  # formulas as typed: '=…' in a summary is text to us
    except Exception as e:  # noqa: BLE001 — openpyxl raises many types for a file that is not XLSX
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__})", file) from None
    try:
        ws = wb["Summaries"] if "Summaries" in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    except Exception as e:  # noqa: BLE001 — a damaged sheet fails only when its XML is parsed, here
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__}); open it in Excel and save it "
                        "again as .xlsx", file) from None
    finally:
        wb.close()
    header = [str(h or "").strip().lower() for h in (rows[0] if rows else [])]
    missing = [c for c in ("summary", "key") if c not in header]
    if missing:
        raise UserError(f"missing column {', '.join(missing)} (was it written by 'export summaries'?)", file, 1, "row")
    at_summary, at_key = header.index("summary"), header.index("key")
    out = []
    for n, record in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in record):
            continue
        key = parse_key(xlsx_text(record[at_key]) if at_key < len(record) else "", file, n)
        text = xlsx_text(record[at_summary]) if at_summary < len(record) else ""
        out.append(EditedRow(n, key["subtheme"], key["valence"], key["perspective"], text.strip(), key))
    return out
