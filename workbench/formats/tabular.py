"""Rows in and out of CSV, XLSX and JSON Lines — the forms review teams keep their extraction in.

Reading names the file and the row of every problem (a wrong encoding, a missing column, an empty
sheet). Writing neutralises spreadsheet formulas: a cell that starts with = + - @ gets a leading
apostrophe, which reading strips again, so exports are safe to open and still round-trip.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from workbench.core.errors import UserError

FORMULA_START = ("=", "+", "-", "@")
FORMATS = ("csv", "xlsx", "jsonl")

Row = dict[str, str]


def format_of(path: Path, given: str | None = None) -> str:
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt in ("json", "ndjson"):
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise UserError(f"unknown format '{fmt or path.suffix}' (use .csv, .xlsx or .jsonl)", str(path))
    return fmt


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2] != "":
        return value[1:]
    return value


def read_rows(path: Path, required: Sequence[str], fmt: str | None = None) -> list[tuple[int, Row]]:
    """Every data row with its row number as a spreadsheet shows it (header = row 1)."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    kind = format_of(path, fmt)
    try:
        if kind == "csv":
            rows = _read_csv(path)
        elif kind == "xlsx":
            rows = _read_xlsx(path)
        else:
            rows = _read_jsonl(path)
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", str(path)) from None
    header, body = rows
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
                        f" (found: {', '.join(header) or 'none'})", str(path), 1, "row")
    return body


def read_header(path: Path, fmt: str | None = None) -> list[str]:
    """The column names of a readable file (CSV/XLSX header row, JSON Lines keys), lower case."""
    kind = format_of(path, fmt)
    if kind == "csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return _clean_header(next(csv.reader(f), []))
    return (_read_xlsx(path) if kind == "xlsx" else _read_jsonl(path))[0]


def _clean_header(names: Iterable[Any]) -> list[str]:
    return [str(n or "").strip().lstrip("\ufeff").lower() for n in names]


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UserError("not UTF-8 text (save the CSV as 'CSV UTF-8')", str(path), line, "line") from None
    del raw
    if not text.strip():
        raise UserError("the file is empty", str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
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
                    raise UserError(f"{len(record)} cells but the header has {width} columns", str(path),
                                    reader.line_num, "line")
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
    except Exception as e:  # noqa: BLE001 — openpyxl raises many types for a file that is not XLSX
        raise UserError(f"not a readable XLSX workbook ({type(e).__name__})", str(path)) from None
    ws = wb.worksheets[0] if wb.worksheets else None
    rows = list(ws.iter_rows(values_only=True)) if ws is not None else []
    wb.close()
    if not rows or not any(c not in (None, "") for c in rows[0]):
        raise UserError("the first sheet is empty (no header row)", str(path), 1, "row")
    header = _clean_header(rows[0])
    body = []
    for n, record in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in record):
            continue
        body.append((n, {h: unneutralise(_cell(record[i])) if i < len(record) else ""
                         for i, h in enumerate(header) if h}))
    return header, body


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_jsonl(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    body: list[tuple[int, Row]] = []
    header: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
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
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.append(list(columns))
        for r in rows:
            ws.append([neutralise(_plain(r.get(c))) for c in columns])
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
            w = csv.writer(handle, lineterminator="\n")
            w.writerow(columns)
            for r in rows:
                w.writerow([neutralise(_plain(r.get(c))) for c in columns])
        else:
            for r in rows:
                handle.write(json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False) + "\n")
    finally:
        if close:
            handle.close()


def _plain(value: Any) -> Any:
    return "" if value is None else value
