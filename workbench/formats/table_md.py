"""`table_md`: the table as a Markdown pipe table, for READMEs, wikis and pandoc.

A pipe table has one line per row, so a summary cell's paragraphs are joined with `<br><br>`,
the mixed marker is `<sup>a</sup>` (GitHub and pandoc render both), and text that would break
the table or inject markup (`|`, `<`, entities, line breaks) is escaped. `verify-table` reads
this layout back, so a table exported here and then edited by hand can be checked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from workbench.analysis.table import MIXED_MARK, STALE_MARK, PerspectiveEntry, TableModel
from workbench.formats.cells_safe import md_cell, md_unescape_cell
from workbench.formats.table_registry import write_text

md_escape = md_cell  # the one Markdown cell rule (cells_safe)


def entry_md(model: TableModel, e: PerspectiveEntry) -> str:
    head = md_escape(e.perspective) + (f"<sup>{MIXED_MARK}</sup>" if e.mixed else "")
    text = f"{head} {md_escape(model.refs_text(e.references))}:"
    if e.summary:
        text += " " + md_escape(e.summary)
    if e.stale:
        text += f" {STALE_MARK}"
    groups = model.groups_text(e)
    return f"{text} {md_escape(groups)}" if groups else text


def table_md_text(model: TableModel) -> str:
    h = model.headers
    lines = [f"**{md_escape(model.title)}**", "",
             f"| {md_escape(h[0])} | {md_escape(h[1])} | {md_escape(h[2])} |", "|---|---|---|"]
    for line in model.lines():
        if line.row is None:
            lines.append(f"| **{md_escape(line.theme)}** | | |")
            continue
        name = md_escape(line.subtheme or "") if line.first else ""
        summary = "<br><br>".join(entry_md(model, e) for e in line.row.perspectives)
        lines.append(f"| {name} | {md_escape(model.row_label(line.row))} | {summary} |")
    lines.append("")
    for mark, text in model.footnotes():
        lines.append(f"<sup>{mark}</sup> {md_escape(text)}  " if mark == MIXED_MARK else f"{mark} {md_escape(text)}  ")
    for note in model.notes():
        lines.append(f"{md_escape(note)}  ")
    sources = model.cited_sources()
    if sources:
        lines += ["", f"**{md_escape(model.label('sources_cited', 'Sources cited'))}**", ""]
        for s in sources:
            cite = md_escape(s.citation or s.ref)
            lines.append(f"- **{md_escape(s.ref)}** {cite}" if model.author_year else f"- \\[{s.ref}\\] {cite}")
    return "\n".join(lines).rstrip("\n") + "\n"


def table_md(model: TableModel, out: Path | IO[str]) -> None:
    write_text(out, table_md_text(model))


def read_table_md(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of the first pipe table in a Markdown file, with line numbers, as plain text.

    Emphasis markers and HTML (`<br>` → line break, `<sup>a</sup>` dropped) are undone, so a table
    typed by hand and one exported by `table_md` read the same way.
    """
    from workbench.core.errors import UserError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", str(path)) from None
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", str(path)) from None
    rows: list[tuple[int, list[str]]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            if rows:
                break
            continue
        cells = [c for c in re.split(r"(?<!\\)\|", stripped.strip("|"))]
        if all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
            continue
        rows.append((n, [md_unescape(c) for c in cells]))
    if not rows:
        raise UserError("no Markdown table found (lines starting with '|')", str(path))
    return rows


def md_unescape(cell: str) -> str:
    import html

    cell = re.sub(r"<sup>\s*[a-z*†]\s*</sup>", "", cell, flags=re.I)
    cell = re.sub(r"<br\s*/?>|</p>\s*<p>", "\n", cell, flags=re.I)
    cell = re.sub(r"</?p>", "", cell, flags=re.I)
    cell = md_unescape_cell(cell.replace("**", "").replace("__", ""))
    return html.unescape(cell).strip()
