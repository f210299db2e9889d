"""Rows in and out of CSV, XLSX and JSON Lines — the forms review teams keep their extraction in.

Reading names the file and the row of every problem (a wrong encoding, a missing column, an empty
sheet, a damaged workbook). Writing goes through formats/cells_safe.py, the one cell rule (formulas
neutralised reversibly, CR-safe CSV, XLSX escapes, texts too long for a cell continued in the next
columns), so exports are safe to open and still round-trip byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from workbench.core import gate
from workbench.core.errors import UserError
from workbench.formats.cells_safe import (
    SafeCsv,
    SafeWorkbook,
    neutralise,
    xlsx_raw,
    xlsx_records,
)
from workbench.formats.cells_safe import restore as unneutralise

__all__ = ["FORMATS", "Row", "Rows", "format_of", "neutralise", "read_header", "read_rows", "unneutralise",
           "write_rows"]

FORMATS = ("csv", "xlsx", "jsonl")

Row = dict[str, str]


def format_of(path: Path, given: str | None = None) -> str:
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt in ("json", "ndjson"):
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise UserError(f"unknown format '{fmt or path.suffix}' (use .csv, .xlsx or .jsonl)", str(path))
    return fmt


class Rows(list[tuple[int, Row]]):
    """The data rows of a file, plus notes on how it was read (an encoding guessed, say)."""

    def __init__(self, rows: Iterable[tuple[int, Row]] = (), notes: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.notes = list(notes)


def read_rows(path: Path, required: Sequence[str], fmt: str | None = None) -> Rows:
    """Every data row with its row number as a spreadsheet shows it (header = row 1)."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    kind = format_of(path, fmt)
    notes: list[str] = []
    try:
        if kind == "csv":
            rows = _read_csv(path, notes)
        elif kind == "xlsx":
            rows = _read_xlsx(path)
        else:
            rows = _read_jsonl(path)
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", str(path)) from None
    header, body = rows
    missing = [c for c in required if c not in header]
    if missing:
        hint = ""
        if kind == "csv" and len(header) == 1 and header[0]:
            hint = "; is it separated by something other than commas, semicolons or tabs?"
        raise UserError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
                        f" (found: {', '.join(header) or 'none'}){hint}", str(path), 1, "row")
    return Rows(body, notes)


def read_header(path: Path, fmt: str | None = None) -> list[str]:
    """The column names of a readable file (CSV/XLSX header row, JSON Lines keys), lower case."""
    kind = format_of(path, fmt)
    if kind == "csv":
        text, _note = decode_text(path.read_bytes()[:256 * 1024], str(path), partial=True)
        delimiter = sniff_delimiter(text)
        return _clean_header(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), []))
    return (_read_xlsx(path) if kind == "xlsx" else _read_jsonl(path))[0]


def _clean_header(names: Iterable[Any]) -> list[str]:
    return [str(n or "").strip().lstrip("\ufeff").lower() for n in names]


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def decode_text(raw: bytes, file: str, partial: bool = False) -> tuple[str, str]:
    """The text of a spreadsheet or library export, and a note if its encoding had to be guessed.

    Excel writes UTF-8 with a byte order mark ("CSV UTF-8"), UTF-16 ("Unicode text") or, in its
    plain "CSV" choice on Windows, cp1252; reference managers write UTF-8 with or without a BOM.
    `partial` allows a multi-byte character cut off at the end (reading only a file's head)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if partial and len(raw) % 2:
            raw = raw[:-1]
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError:
            raise UserError("not readable UTF-16 text (save it again as 'CSV UTF-8')", file) from None
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as e:
        if partial and e.start >= len(raw) - 3:
            return raw[: e.start].decode("utf-8"), ""
        bad = e.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        line = raw[:bad].count(b"\n") + 1
        raise UserError("not UTF-8 text (save it as 'CSV UTF-8')", file, line, "line") from None
    line = raw[:bad].count(b"\n") + 1
    return text, (f"{file}: not UTF-8 (first at line {line}); read as Windows-1252 — check accented "
                  "letters, or save it as 'CSV UTF-8'")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in most European locales) or tab: the one the header line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv(path: Path, notes: list[str] | None = None) -> tuple[list[str], list[tuple[int, Row]]]:
    text, note = decode_text(path.read_bytes(), str(path))
    if note and notes is not None:
        notes.append(note)
    gate.check_file_text(text, str(path))
    if not text.strip():
        raise UserError("the file is empty", str(path))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _clean_header(next(reader))
        width = len(header)
        body: list[tuple[int, Row]] = []
        append = body.append
        # The loop body is the cost of importing 500,000 codings: whole-record checks first, per-cell
        # work only for the rare record that needs it (short rows, neutralised formulas).
        for record in reader:
            if len(record) != width:
                if len(record) > width:
                    raise UserError(f"{len(record)} cells but the header has {width} columns (read as "
                                    f"{DELIMITERS[delimiter]}-separated; is a cell missing its quotes?)",
                                    str(path), reader.line_num, "line")
                record = record + [""] * (width - len(record))
            joined = "".join(record)
            if not joined.strip():
                continue
            if "'" in joined:
                record = [unneutralise(cell) for cell in record]
            append((reader.line_num, dict(zip(header, record, strict=True))))
    except csv.Error as e:
        raise UserError(f"malformed CSV: {e}", str(path), reader.line_num, "line") from None
    return header, body


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0] if wb.worksheets else None
        # read_only parses the sheet's XML only here: a damaged member fails now, not at load time
        rows = list(ws.iter_rows(values_only=True)) if ws is not None else []
        wb.close()
    except Exception as e:  # noqa: BLE001 — openpyxl, zipfile and the XML parser raise many types
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__}); open it in Excel and "
                        "save it again as .xlsx", str(path)) from None
    if not rows or not any(c not in (None, "") for c in rows[0]):
        raise UserError("the first sheet is empty (no header row)", str(path), 1, "row")
    header = _clean_header(rows[0])
    continued = _continuations(header)
    skip = {i for i, _ in continued}
    body = []
    for n, record in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in record):
            continue
        row = {h: xlsx_raw(record[i]) if i < len(record) else "" for i, h in enumerate(header)
               if h and i not in skip}
        for i, base in continued:
            if i < len(record) and record[i] not in (None, ""):
                row[base] += xlsx_raw(record[i])
        for h, v in row.items():
            if "\x00" in v:  # an _x0000_ escape
                gate.check_text(v, str(path), n, h)
        body.append((n, {h: unneutralise(v) for h, v in row.items()}))
    return [h for i, h in enumerate(header) if i not in skip], body


def _continuations(header: list[str]) -> list[tuple[int, str]]:
    """(column, base name) of the `text+2`, `text+3` … columns a record export continues long texts in."""
    out = []
    for i, h in enumerate(header):
        base, plus, k = h.rpartition("+")
        if plus and k.isdigit() and base in header:
            out.append((i, base))
    return out


def _read_jsonl(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    body: list[tuple[int, Row]] = []
    header: list[str] = []
    try:
        # "\n" only: U+2028, U+2029, U+0085 and a lone CR are text inside a JSON string, where
        # str.splitlines() would cut a record in two
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", str(path)) from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserError(f"not JSON: {e.msg}", str(path), n, "line") from None
        if not isinstance(obj, dict):
            raise UserError("each line must be a JSON object", str(path), n, "line")
        row = {str(k).lower(): "" if v is None else str(v) for k, v in obj.items()}
        for k, v in row.items():
            gate.check_text(v, str(path), n, k, "line")
        for k in row:
            if k not in header:
                header.append(k)
        body.append((n, row))
    if not body:
        raise UserError("the file is empty", str(path))
    return header, body


def write_rows(out: Path | IO[str], columns: Sequence[str], rows: Iterable[dict[str, Any]],
               fmt: str, sheet: str = "data") -> None:
    """Write rows as CSV, XLSX or JSON Lines; `out` is a path or (for text formats) a file object."""
    if fmt == "xlsx":
        header, body = xlsx_records(columns, ([_plain(r.get(c)) for c in columns] for r in rows))
        wb = SafeWorkbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for cells in body:
            ws.append_prepared(cells)
        assert isinstance(out, Path)
        wb.save(out)
        return
    handle: IO[str]
    close = False
    if isinstance(out, Path):
        handle = out.open("w", encoding="utf-8", newline="")
        close = True
    else:
        handle = out
    try:
        if fmt == "csv":
            w = SafeCsv(handle)
            w.writerow(columns)
            for r in rows:
                w.writerow([_plain(r.get(c)) for c in columns])
        else:
            for r in rows:
                handle.write(json.dumps({c: _no_nul(r.get(c)) for c in columns}, ensure_ascii=False) + "\n")
    finally:
        if close:
            handle.close()


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _no_nul(value: Any) -> Any:
    """NUL is never written (cells_safe): imports refuse it, so export → new stays byte-identical."""
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value
