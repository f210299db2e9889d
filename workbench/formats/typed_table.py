"""Reading a table typed by hand (Markdown, CSV or DOCX in Table 6's shape) for `verify-table`.

A grid of cells for `analysis/verify.py` to parse, or, for a tidy CSV as `export table` writes it,
the rows themselves.
"""

from __future__ import annotations

from pathlib import Path

from workbench.analysis.verify import RowKey, TypedRow
from workbench.core.errors import UserError


def read_grid(path: Path, fmt: str) -> tuple[list[tuple[int, list[str]]], list[TypedRow] | None]:
    """The typed table as a grid of cells, or (for a tidy CSV) already as rows."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    if fmt == "md":
        from workbench.formats.table_md import read_table_md

        return read_table_md(path), None
    if fmt == "docx":
        from workbench.formats.table_docx import read_table_docx

        return read_table_docx(path), None
    from workbench.formats.table_csv import read_table_csv

    header, body = read_table_csv(path)
    if {"subtheme", "valence", "perspective", "references"} <= set(header):
        return [], _tidy_rows(header, body)
    return [(1, header), *body], None


def _tidy_rows(header: list[str], body: list[tuple[int, list[str]]]) -> list[TypedRow]:
    at = {h: i for i, h in enumerate(header)}
    rows: dict[RowKey, TypedRow] = {}
    for line, cells in body:
        def get(name: str, cells: list[str] = cells) -> str:
            return cells[at[name]].strip() if at.get(name, 99) < len(cells) else ""

        key = (get("subtheme"), get("valence") or None)
        row = rows.get(key)
        if row is None:
            row = rows[key] = TypedRow(line, key[0], key[1], None)
        refs = [r.strip() for r in get("references").split(";") if r.strip()]
        row.perspectives.append((get("perspective"), refs))
        if "row_references" in at:
            row.references = [r.strip() for r in get("row_references").split(";") if r.strip()]
    return list(rows.values())
