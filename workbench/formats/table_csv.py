"""`table_csv`: the table as tidy data — one line per subtheme × valence × perspective.

For R, pandas and spreadsheets: every line carries its theme, subtheme and valence (nothing is
implied by the line above), reference lists are `; `-separated labels, and cells starting with
= + - @ are neutralised. Notes (provenance, stale summaries) follow as lines starting with `#`,
only when there are any.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from workbench.analysis.table import TableModel
from workbench.formats.cells_safe import SafeCsv, restore
from workbench.formats.table_registry import write_text

COLUMNS = ("theme", "subtheme", "valence", "perspective", "references", "row_references", "groups",
           "summary", "stale")


def table_csv_text(model: TableModel) -> str:
    buf = io.StringIO()
    w = SafeCsv(buf)
    w.writerow(COLUMNS)
    for theme, subtheme, row, e in model.entries():
        w.writerow([x for x in (
            theme, subtheme, row.valence or "", e.perspective, "; ".join(e.references),
            "; ".join(row.references), "; ".join(e.groups), e.summary, "yes" if e.stale else "")])
    for note in model.notes():
        buf.write(f"# {' '.join(note.split())}\n")
    return buf.getvalue()


def table_csv(model: TableModel, out: Path | IO[str]) -> None:
    write_text(out, table_csv_text(model))


def read_table_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, rows with line numbers) of a CSV table; lines starting with '#' are notes."""
    from workbench.core.errors import UserError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text (save the CSV as 'CSV UTF-8')", str(path)) from None
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            if not record or not any(c.strip() for c in record) or record[0].startswith("#"):
                continue
            cells = [restore(c) for c in record]
            if not header:
                header = [c.strip().lower() for c in cells]
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise UserError(f"malformed CSV: {e}", str(path), reader.line_num, "line") from None
    if not header:
        raise UserError("the file is empty", str(path))
    return header, rows
