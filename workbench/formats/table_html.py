"""`table_html`: the table as one standalone web page — inline CSS, no scripts, no network.

Safe to mail or open from a shared drive: every piece of text is escaped, and a Content Security
Policy forbids the page from loading anything, so a summary that happens to contain markup can
neither run nor phone home. The header row repeats on every printed page (thead).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from workbench.analysis.table import MIXED_MARK, STALE_MARK, PerspectiveEntry, TableModel
from workbench.formats.cells_safe import html_text
from workbench.formats.table_registry import write_text

CSS = """
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 2em; }
caption { caption-side: top; text-align: left; font-weight: bold; margin-bottom: .5em; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
th, td { border-top: 1px solid #999; padding: .35em .5em; vertical-align: top; text-align: left; }
thead th { border-top: 2px solid #111; border-bottom: 1px solid #111; }
tr.theme th { background: #eef1f4; font-weight: bold; }
td.subtheme { width: 22%; }
td.refs { width: 18%; white-space: nowrap; }
td.summary p { margin: 0 0 .45em 0; }
.perspective { font-weight: 600; }
.groups { color: #444; }
.stale { color: #a40; }
p.footnote, p.note { font-size: 9pt; margin: .3em 0; }
p.note { color: #444; }
ul.sources { font-size: 9pt; list-style: none; padding-left: 0; }
ul.sources li { margin: .2em 0; padding-left: 2.5em; text-indent: -2.5em; }
tr { page-break-inside: avoid; }
"""


def _e(text: object) -> str:
    return html_text(text)


def _entry(model: TableModel, e: PerspectiveEntry) -> str:
    head = f'<span class="perspective">{_e(e.perspective)}</span>'
    if e.mixed:
        head += f"<sup>{MIXED_MARK}</sup>"
    text = f"{head} {_e(model.refs_text(e.references))}:"
    if e.summary:
        text += " " + _e(e.summary)
    if e.stale:
        text += f' <span class="stale" title="stale summary">{STALE_MARK}</span>'
    groups = model.groups_text(e)
    if groups:
        text += f' <span class="groups">{_e(groups)}</span>'
    return f"<p>{text}</p>"


def table_html_text(model: TableModel) -> str:
    h = model.headers
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(model.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<table>", f"<caption>{_e(model.title)}</caption>",
           f"<thead><tr><th>{_e(h[0])}</th><th>{_e(h[1])}</th><th>{_e(h[2])}</th></tr></thead>", "<tbody>"]
    lines = list(model.lines())
    for i, line in enumerate(lines):
        if line.row is None:
            out.append(f'<tr class="theme"><th colspan="3" scope="colgroup">{_e(line.theme)}</th></tr>')
            continue
        cells = ""
        if line.first:
            span = 1
            while i + span < len(lines) and lines[i + span].row is not None and not lines[i + span].first:
                span += 1
            rowspan = f' rowspan="{span}"' if span > 1 else ""
            cells += f'<td class="subtheme"{rowspan}>{_e(line.subtheme or "")}</td>'
        summary = "".join(_entry(model, e) for e in line.row.perspectives)
        cells += f'<td class="refs">{_e(model.row_label(line.row))}</td><td class="summary">{summary}</td>'
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    for mark, text in model.footnotes():
        shown = f"<sup>{mark}</sup>" if mark == MIXED_MARK else _e(mark)
        out.append(f'<p class="footnote">{shown} {_e(text)}</p>')
    for note in model.notes():
        out.append(f'<p class="note">{_e(note)}</p>')
    sources = model.cited_sources()
    if sources:
        out.append(f"<h2 style=\"font-size:11pt\">{_e(model.label('sources_cited', 'Sources cited'))}</h2>")
        out.append('<ul class="sources">')
        for s in sources:
            label = f"<b>{_e(s.ref)}</b>" if model.author_year else f"[{_e(s.ref)}]"
            out.append(f"<li>{label} {_e(s.citation or '')}</li>")
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def table_html(model: TableModel, out: Path | IO[str]) -> None:
    write_text(out, table_html_text(model))
