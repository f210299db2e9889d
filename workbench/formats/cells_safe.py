"""The one rule for what a cell may hold when workbench writes CSV, XLSX, Markdown or HTML.

Every writer in formats/ gets its CSV writer, its workbook and its Markdown/HTML escaping from
here (tests/fuzz/test_cells_safe.py fails if a module builds a `csv.writer` or an openpyxl
`Workbook` itself), so one rule protects every export:

- **Formulas.** A text that starts with = + - @, TAB, CR or LF — or with apostrophes followed by
  one of those — gets one leading apostrophe, so Excel, LibreOffice and Google Sheets show it as
  text. Reading removes exactly one apostrophe from such a text and nothing else, so a text that
  truly starts with an apostrophe (`'=literal`, `'twas`) comes back byte for byte.
- **CSV.** Lines end in "\\n"; a row with a carriage return in any field is written with every
  field quoted, so a bare CR can never split a record or start a line with a formula.
- **XLSX.** Characters XML cannot hold (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF) are
  written as OOXML `_xHHHH_` escapes (a literal `_xHHHH_` as `_x005F_xHHHH_`), as Excel does, and
  reading decodes them. A text longer than a cell holds (32,767 characters) is refused with one
  line — except in the record exports, which continue it in the next columns (`tabular.py`).
- **Markdown/HTML.** Text is escaped (`<script>` arrives as text, `|` never breaks a column).
- **NUL** (U+0000) is never written: no spreadsheet, XML or PostgreSQL text can hold it, and
  imports refuse it (core/gate.py), so dropping it keeps export → new → export byte-identical.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from workbench.core.errors import UserError

XLSX_MAX = 32_767  # characters an Excel cell holds
_TRIGGERS = "=+-@\t\r\n"
_NEUTRALISE = re.compile(r"'*[=+\-@\t\r\n]")
_RESTORE = re.compile(r"'+[=+\-@\t\r\n]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


# ----- spreadsheets ---------------------------------------------------------------------------
def neutralise(value: Any) -> Any:
    """A spreadsheet cell's value: texts that a spreadsheet would run get a leading apostrophe."""
    if isinstance(value, str) and value:
        if "\x00" in value:
            value = value.replace("\x00", "")
        if value[:1] in _TRIGGERS or (value[:1] == "'" and _NEUTRALISE.match(value)):
            return "'" + value
    return value


def restore(value: str) -> str:
    """The text `neutralise` was given: one apostrophe off a neutralised cell, nothing else."""
    if value[:1] == "'" and _RESTORE.match(value):
        return value[1:]
    return value


def xlsx_value(value: Any) -> Any:
    """A value as an XLSX cell holds it: neutralised, XML-escaped, refused when too long."""
    value = neutralise(value)
    if isinstance(value, str):
        value = _XML_ILLEGAL.sub(_escape_char, value)
        if len(value) > XLSX_MAX:
            raise UserError(f"a text of {len(value):,} characters is longer than an Excel cell holds "
                            f"({XLSX_MAX:,}): export this as CSV or JSON Lines instead "
                            f"(it starts '{value[:30]}')")
    return value


def xlsx_text(value: Any) -> str:
    """A cell read from an XLSX file, as the text that was written (escapes decoded, restored)."""
    return restore(xlsx_raw(value))


def xlsx_raw(value: Any) -> str:
    """A cell read from an XLSX file as text, escapes decoded but not yet `restore`d (a long text's
    continuation pieces are joined first)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return xml_unescape(str(value))


def xml_text(value: str) -> str:
    """Text for a Word run: what XML cannot hold as `_xHHHH_` (no formula rule: Word runs nothing)."""
    return _XML_ILLEGAL.sub(_escape_char, value)


def xml_unescape(text: str) -> str:
    """The inverse of `xml_text` (and of the XLSX escapes)."""
    return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _escape_char(m: re.Match[str]) -> str:
    return "_x005F_" if m.group() == "_" else "" if m.group() == "\x00" else f"_x{ord(m.group()):04X}_"


def xlsx_pieces(value: Any) -> list[Any]:
    """`xlsx_value`, but a long text split into cells of at most 32,767 characters (record exports)."""
    try:
        return [xlsx_value(value)]
    except UserError:
        text = _XML_ILLEGAL.sub(_escape_char, neutralise(value))
    # never split inside an _xHHHH_ escape, so each piece decodes alone (escapes found left to
    # right, as they decode: "_x005F_x0041_" is one escape and a literal "x0041_")
    escapes = [m.span() for m in _XML_ESCAPE.finditer(text)]
    pieces, at = [], 0
    while at < len(text):
        cut = min(at + XLSX_MAX, len(text))
        for start, end in escapes:
            if start < cut < end:
                cut = start
                break
        pieces.append(text[at:cut])
        at = cut
    return pieces


def xlsx_records(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and safe cells of a record sheet. A text longer than a cell continues in extra
    columns `name+2`, `name+3` … placed after the others, which `tabular` joins again on reading."""
    split = [[xlsx_pieces(v) for v in r] for r in rows]
    extra = [max((len(r[i]) for r in split), default=1) - 1 for i in range(len(columns))]
    header = [*columns, *(f"{c}+{k}" for i, c in enumerate(columns) for k in range(2, extra[i] + 2))]
    body = []
    for r in split:
        cells = [p[0] if p else "" for p in r]
        for i, p in enumerate(r):
            if extra[i]:
                cells += p[1:] + [None] * (extra[i] - len(p) + 1)
        body.append(cells)
    return header, body


class SafeSheet:
    """An openpyxl worksheet whose `append` and `cell` pass every value through `xlsx_value`."""

    def __init__(self, ws: Any) -> None:
        object.__setattr__(self, "_ws", ws)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ws, name, value)

    def __getitem__(self, key: Any) -> Any:
        return self._ws[key]

    def append(self, values: Iterable[Any]) -> None:
        self._ws.append([_safe_cell(v) for v in values])

    def cell(self, row: int, column: int, value: Any = None) -> Any:
        if value is None:
            return self._ws.cell(row, column)
        return self._ws.cell(row, column, _safe_cell(value))

    def append_prepared(self, cells: list[Any]) -> None:
        """Cells that `xlsx_records` already made safe (neutralising twice would add a quote)."""
        self._ws.append(cells)

    @property
    def ws(self) -> Any:
        """The worksheet itself, for what takes no values (styles, widths, validation)."""
        return self._ws


def _safe_cell(value: Any) -> Any:
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    if isinstance(value, CellRichText):
        first = True
        parts: list[Any] = []
        for part in value:
            if isinstance(part, TextBlock):
                text = xlsx_value(part.text) if first else _XML_ILLEGAL.sub(_escape_char, part.text)
                parts.append(TextBlock(part.font, text))
            else:
                parts.append(xlsx_value(part) if first else _XML_ILLEGAL.sub(_escape_char, part))
            first = False
        rich = CellRichText(parts)
        if len(str(rich)) > XLSX_MAX:
            xlsx_value(str(rich))  # the same one-line refusal
        return rich
    if hasattr(value, "value") and hasattr(value, "font"):  # a write-only cell with its style
        value.value = xlsx_value(value.value)
        return value
    return xlsx_value(value)


class SafeWorkbook:
    """An openpyxl Workbook whose sheets are `SafeSheet`s: the only way formats/ makes XLSX."""

    def __init__(self, write_only: bool = False) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=write_only)

    @property
    def active(self) -> SafeSheet:
        return SafeSheet(self.wb.active)

    def create_sheet(self, title: str | None = None) -> SafeSheet:
        return SafeSheet(self.wb.create_sheet(title))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wb, name)

    def save(self, out: Any) -> None:
        props = self.wb.properties  # document properties are XML text too (a title from the codebook)
        for name in ("title", "subject", "description", "keywords", "creator"):
            value = getattr(props, name, None)
            if isinstance(value, str):
                setattr(props, name, xml_text(value))
        self.wb.save(out)


# ----- CSV ------------------------------------------------------------------------------------
class SafeCsv:
    """`csv.writer` with the cell rule: neutralised cells, and a row holding a CR fully quoted."""

    def __init__(self, handle: IO[str]) -> None:
        self._minimal = csv.writer(handle, lineterminator="\n")
        self._quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: Sequence[Any]) -> None:
        safe = [neutralise(c) for c in cells]
        if any(isinstance(c, str) and "\r" in c for c in safe):
            self._quoted.writerow(safe)
        else:
            self._minimal.writerow(safe)

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for r in rows:
            self.writerow(r)


# ----- Markdown and HTML ------------------------------------------------------------------------
def md_cell(text: str) -> str:
    """Plain text safe inside a pipe-table cell: no column breaks, no HTML, one line."""
    text = _ENTITY.sub("&amp;", text.replace("\x00", ""))
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\s*[\n\r\u2028\u2029\x85]\s*", " ", text).strip()


def md_text(text: str) -> str:
    """Plain text safe in a Markdown paragraph or heading: no HTML, no entities, one line."""
    text = _ENTITY.sub("&amp;", text.replace("\x00", ""))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"\s*[\n\r\u2028\u2029\x85]\s*", " ", text).strip()


def md_unescape_cell(cell: str) -> str:
    """Undo `md_cell`'s backslashes (`\\|` → `|`, `\\\\` → `\\`); entities are the caller's."""
    return re.sub(r"\\([\\|])", r"\1", cell)


def html_text(value: object) -> str:
    """Text (or attribute value) safe anywhere in HTML."""
    return html.escape(str(value).replace("\x00", ""), quote=True)
