"""Excel coding sheets for coders who will not use the app: `coding_sheet_xlsx(sheet, out)` and back.

One row per coding: the coder's own codings come prefilled (others' stay out, so blind coding
holds on paper too), each excerpt gets a spare row, and the subtheme, valence, perspective and
"nothing applies" columns are drop-down lists (Excel data validation) fed from a hidden sheet, so
a typo cannot reach the project. The hidden sheet also names the coder and lists the prefilled
codings' uuids: reading the sheet back can tell a coding the coder changed or deleted from one
they never had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.errors import UserError
from workbench.core.gate import check_codings, check_name
from workbench.core.model import Codebook, Coding, Excerpt
from workbench.formats.cells_safe import xlsx_text

MARKER = "workbench coding sheet"
VERSION = "1"
SHEET = "coding"
LISTS = "lists"
COLUMNS = ("excerpt", "source", "hint", "text", "subtheme", "valence", "perspective", "note",
           "nothing applies", "uuid")
YES = "yes"
SPARE_ROWS = 1


@dataclass
class SheetData:
    """What a coding sheet holds for one coder."""

    coder: str
    project: str
    codebook: Codebook
    excerpts: Sequence[Excerpt]
    codings: Sequence[Coding]  # this coder's only
    marked: set[str] = field(default_factory=set)  # excerpts this coder marked 'nothing applies'


@dataclass
class SheetRows:
    """A filled-in coding sheet, read back: codings and marks with their sheet rows."""

    coder: str
    codings: list[tuple[int, Coding]]
    marks: list[tuple[int, str]]
    prefilled: set[str]
    prefilled_marks: set[str]
    file: str


def coding_sheet_xlsx(data: SheetData, out: Path) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from workbench.formats.cells_safe import SafeWorkbook

    wb = SafeWorkbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    lists = wb.create_sheet(LISTS)
    subthemes = [s.name for s in data.codebook.all_subthemes()]
    valences = list(data.codebook.valences)
    perspectives = [p.name for p in data.codebook.perspectives]
    for col, values in enumerate((subthemes, valences, perspectives, [YES]), start=1):
        lists.cell(1, col, ("subtheme", "valence", "perspective", "nothing applies")[col - 1])
        for i, v in enumerate(values, start=2):
            lists.cell(i, col, v)
    meta = [("marker", MARKER), ("version", VERSION), ("coder", data.coder), ("project", data.project)]
    for i, (k, v) in enumerate(meta, start=1):
        lists.cell(i, 6, k)
        lists.cell(i, 7, v)
    mine: dict[str, list[Coding]] = {}
    for coding in data.codings:
        mine.setdefault(coding.excerpt, []).append(coding)
    lists.cell(1, 9, "prefilled")
    n = 2
    for prefilled in data.codings:
        lists.cell(n, 9, prefilled.uuid)
        n += 1
    lists.cell(1, 10, "prefilled nothing applies")
    for i, key in enumerate(sorted(data.marked), start=2):
        lists.cell(i, 10, key)
    lists.sheet_state = "hidden"

    shade = PatternFill("solid", fgColor="F2F2F2")
    row = 2
    for number, e in enumerate(data.excerpts):
        codings = mine.get(e.key, [])
        for i in range(len(codings) + SPARE_ROWS):
            c = codings[i] if i < len(codings) else None
            values = [e.key, e.source, e.perspective, e.text if i == 0 else "",
                      c.subtheme if c else "", (c.valence or "") if c else "", (c.perspective or "") if c else "",
                      c.note if c else "", YES if i == 0 and e.key in data.marked else "", c.uuid if c else ""]
            for col, v in enumerate(values, start=1):
                cell = ws.cell(row, col, v if v != "" else None)
                if number % 2:
                    cell.fill = shade
                if col == 4:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    last = max(row - 1, 2)
    for col, letter, count in ((5, "A", len(subthemes)), (6, "B", len(valences)), (7, "C", len(perspectives)),
                               (9, "D", 1)):
        if count == 0:
            continue
        dv = DataValidation(type="list", formula1=f"={LISTS}!${letter}$2:${letter}${count + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Not in the codebook",
                            error="Pick a value from the list (the codebook's own names).")
        ws.add_data_validation(dv)
        col_letter = "ABCDEFGHIJ"[col - 1]
        dv.add(f"{col_letter}2:{col_letter}{last}")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "E2"
    for letter, width in zip("ABCDEFGHIJ", (9, 8, 14, 70, 34, 12, 18, 24, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["J"].hidden = True
    guide = wb.create_sheet("how to")
    for line in (f"Coding sheet for {data.coder}", "",
                 "One row per coding. Pick a subtheme, valence and perspective from the drop-down lists.",
                 "To add another coding to an excerpt, use its spare row, or insert a row and copy the excerpt id.",
                 "To remove a coding, clear its subtheme (or delete the row).",
                 f"If no subtheme fits an excerpt, choose '{YES}' under 'nothing applies' (that counts as coding it).",
                 "Do not change the hidden 'uuid' column or the 'lists' sheet.",
                 "Give the file back to the person who runs: workbench import codings THIS-FILE.xlsx"):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    wb.save(out)


def is_coding_sheet(path: Path) -> bool:
    """True when the workbook carries the hidden marker written above (cheap: reads one sheet)."""
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — not a workbook: the generic reader reports it properly
        return False
    try:
        return LISTS in wb.sheetnames and wb[LISTS].cell(1, 7).value == MARKER
    except Exception:  # noqa: BLE001 — a damaged 'lists' sheet (read only now): not one we can read, and
        return False  # the generic reader, or read_coding_sheet, says why in one line
    finally:
        wb.close()


def read_coding_sheet(path: Path) -> SheetRows:
    """The codings and marks in a filled-in sheet; a row's problem names its sheet row."""
    from openpyxl import load_workbook

    f = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 — openpyxl raises many types for a broken file
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__})", f) from None
    try:
        if SHEET not in wb.sheetnames or LISTS not in wb.sheetnames:
            raise UserError(f"not a coding sheet (needs sheets '{SHEET}' and '{LISTS}')", f)
        lists = list(wb[LISTS].iter_rows(values_only=True))
        meta = {str(r[5]): _text(r[6]) for r in lists if len(r) > 6 and r[5]}
        coder = meta.get("coder", "")
        if meta.get("marker") != MARKER or not coder:
            raise UserError("not a coding sheet (its hidden 'lists' sheet was changed)", f)
        prefilled = {_text(r[8]) for r in lists[1:] if len(r) > 8 and r[8]}
        prefilled_marks = {_text(r[9]) for r in lists[1:] if len(r) > 9 and r[9]}
        rows = list(wb[SHEET].iter_rows(values_only=True))
    except UserError:
        raise
    except Exception as e:  # noqa: BLE001 — a damaged sheet fails only when its XML is parsed, here
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__}); open it in Excel and save it "
                        "again as .xlsx", f) from None
    finally:
        wb.close()
    if not rows:
        raise UserError(f"sheet '{SHEET}' is empty", f)
    header = [_text(h).lower() for h in rows[0]]
    missing = [c for c in ("excerpt", "subtheme", "valence", "perspective") if c not in header]
    if missing:
        raise UserError(f"sheet '{SHEET}' lost its column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                        f, 1, "row")
    col = {h: i for i, h in enumerate(header) if h}
    where = f"sheet '{SHEET}' row"
    codings: list[tuple[int, Coding]] = []
    marks: list[tuple[int, str]] = []
    current = ""
    for n, record in enumerate(rows[1:], start=2):
        def get(name: str, rec: tuple[Any, ...] = record) -> str:
            i = col.get(name)
            return _text(rec[i]) if i is not None and i < len(rec) else ""

        excerpt = get("excerpt") or ""
        values = [get(k) for k in ("subtheme", "valence", "perspective", "note", "nothing applies")]
        if not excerpt and not any(values):
            continue
        if not excerpt:
            raise UserError("a coding without an excerpt id (copy the id into column A)", f, n, where)
        current = excerpt
        subtheme, valence, perspective, note, nothing = values
        if nothing:
            if nothing.lower() != YES:
                raise UserError(f"'nothing applies' must be '{YES}' or empty, not '{nothing}'", f, n, where)
            marks.append((n, current))
        if subtheme:
            codings.append((n, Coding(current, subtheme, coder, valence or None, perspective or None, note=note,
                                      uuid=get("uuid"), origin="coding sheet")))
        elif valence or perspective:
            raise UserError("a valence or perspective without a subtheme", f, n, where)
    check_name(coder, f, None, "the sheet's coder")
    check_codings(codings, f)
    return SheetRows(coder, codings, marks, prefilled, prefilled_marks, f)


def _text(value: object) -> str:
    return xlsx_text(value).strip()
