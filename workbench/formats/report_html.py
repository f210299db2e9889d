"""One standalone HTML page to share with colleagues who will not open a terminal.

Table, matrix picture, graph picture, evidence profile and the list of sources, all derived once
from the same cells. The page loads nothing: no network, no CDN, no web fonts; the pictures are
inline SVG and a Content-Security-Policy forbids any fetch, so it opens the same from an e-mail
attachment, a USB stick or an archive years later.

Every reference is a <details> element. Opening it shows the excerpts and coders behind that
reference; the excerpt texts are stored once in a JSON block and a few lines of inline script copy
them in on first opening, so a large project does not repeat each excerpt in every cell it supports.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import networkx as nx

from workbench import __version__
from workbench.analysis.evidence import EvidenceProfile, evidence_from
from workbench.analysis.graph import graph_from_cells, paused_gc
from workbench.analysis.matrix import Matrix, matrix_from
from workbench.analysis.table import MIXED_MARK, STALE_MARK, TableModel, build_table
from workbench.core.cerqual import COMPONENTS
from workbench.core.ids import now
from workbench.core.model import Source
from workbench.formats.cells_safe import html_text
from workbench.store.viewer import CoderView


@dataclass
class Report:
    title: str
    table: TableModel
    matrix: Matrix
    graph: nx.DiGraph
    profile: EvidenceProfile
    excerpts: dict[str, tuple[str, str, str, str]]  # key → (ref, text, perspective, location), only those cited
    sources: list[Source]
    included: dict[str, list[str]]
    time: str


def build_report(view: CoderView, coders: str | None = None, title: str | None = None) -> Report:
    """Everything the page shows, from one derivation of the cells, as `view` may see it."""
    with paused_gc():
        return _build_report(view, coders, title)


def _build_report(view: CoderView, coders: str | None, title: str | None) -> Report:
    project = view.project
    table = build_table(view, coders)
    d, cb = table.derivation, table.codebook
    sources = project.records.sources()
    included = project.evidence.included_studies()
    profile = evidence_from(d, cb, sources, included, project.evidence.judgements(), view.summaries())
    wanted = {x for c in d.cells for xs in c.excerpts.values() for x in xs}
    excerpts = {k: e for k, e in project.evidence.excerpt_index().items() if k in wanted}
    name = title or cb.name or project.setting("name") or "Synthesis report"
    return Report(name, table, matrix_from(d, cb), graph_from_cells(d, cb, sources), profile, excerpts,
                  sources, included, now())


def _e(text: object) -> str:
    return html_text(text)


class _Refs:
    """Renders reference lists as expandable <details>, looking up excerpts and coders per cell.

    The data attributes of each (cell, ref) are built once and reused: the table's row lists and the
    evidence profile ask for the same findings, and a large project has tens of thousands of refs.
    """

    def __init__(self, report: Report) -> None:
        self.cells = {(c.subtheme, c.valence, c.perspective): c for c in report.table.derivation.cells}
        self.by_finding: dict[tuple[str, str | None], list[Any]] = {}
        for c in report.table.derivation.cells:
            self.by_finding.setdefault((c.subtheme, c.valence), []).append(c)
        self.attrs: dict[tuple[str, str | None, Any], dict[str, str]] = {}
        self.sep = "; " if report.table.author_year else ", "  # as the table exports print lists

    def _attrs(self, subtheme: str, valence: str | None, perspective: Any) -> dict[str, str]:
        key = (subtheme, valence, perspective)
        found = self.attrs.get(key)
        if found is not None:
            return found
        cells = self.by_finding.get((subtheme, valence), []) if perspective is _ALL else \
            [c for c in [self.cells.get(key)] if c is not None]
        xs: dict[str, set[str]] = {}
        cs: dict[str, set[str]] = {}
        for c in cells:
            for ref, keys in c.excerpts.items():
                xs.setdefault(ref, set()).update(keys)
                cs.setdefault(ref, set()).update(c.coders.get(ref, []))
        found = self.attrs[key] = {
            ref: f'data-x="{_e(json.dumps(sorted(xs[ref])))}" data-c="{_e(json.dumps(sorted(cs[ref])))}"'
            for ref in xs}
        return found

    def render(self, refs: list[str], subtheme: str, valence: str | None, perspective: Any = None) -> str:
        """'[23, 34]' where each ref is a <details> that opens onto its excerpts (per cell, or per finding
        when `perspective` is _ALL)."""
        attrs = self._attrs(subtheme, valence, perspective)
        empty = 'data-x="[]" data-c="[]"'
        return "[" + self.sep.join(f'<details class="ref" {attrs.get(ref, empty)}><summary>{_e(ref)}</summary></details>'
                                   for ref in refs) + "]"


_ALL = object()


def _table_section(report: Report, refs: _Refs) -> str:
    """The Table 6 layout and wording of the table exports (the model owns headings, valence words,
    footnote marks and notes), with every reference expandable. formats/table_html prints references
    as plain text, so the report lays the same model out itself."""
    model = report.table
    listed = refs.render
    h = model.headers
    out = [f'<table class="t6"><thead><tr><th>{_e(h[0])}</th><th>{_e(h[1])}</th><th>{_e(h[2])}</th></tr>'
           "</thead><tbody>"]
    lines = list(model.lines())
    for i, line in enumerate(lines):
        if line.row is None:
            out.append(f'<tr class="theme"><th colspan="3">{_e(line.theme)}</th></tr>')
            continue
        cells = ""
        if line.first:
            span = 1
            while i + span < len(lines) and lines[i + span].row is not None and not lines[i + span].first:
                span += 1
            cells += f'<td class="sub" rowspan="{span}">{_e(line.subtheme or "")}</td>'
        row, st = line.row, line.subtheme or ""
        word = model.valence_word(row)
        cells += f'<td class="val">{_e(word)} {listed(row.references, st, row.valence, _ALL)}</td>'
        paragraphs = []
        for e in row.perspectives:
            mark = f"<sup>{MIXED_MARK}</sup>" if e.mixed else ""
            stale = f' <span class="flag" title="summary older than its references">{STALE_MARK}</span>' \
                if e.stale else ""
            groups = model.groups_text(e)
            paragraphs.append(
                f'<div class="pl"><b>{_e(e.perspective)}</b>{mark} {listed(e.references, st, row.valence, e.perspective)}:'
                f" {_e(e.summary) if e.summary else '<i>no summary yet</i>'}{stale}"
                f"{' ' + _e(groups) if groups else ''}</div>")
        out.append(f'<tr>{cells}<td class="per">{"".join(paragraphs)}</td></tr>')
    out.append("</tbody></table>")
    for mark, text in model.footnotes():
        out.append(f'<p class="meta"><sup>{_e(mark)}</sup> {_e(text)}</p>')
    for note in model.notes():
        out.append(f'<p class="meta">{_e(note)}</p>')
    return "".join(out)


def _evidence_section(report: Report, refs: _Refs) -> str:
    from workbench.formats.evidence_files import evidence_text, explanation_text, finding_name

    judged = any(f.judgements for f in report.profile.findings)
    heads = [COMPONENTS[k][0] for k in COMPONENTS] + ["Explanation"] if judged else []
    out = ["" if judged else '<p class="meta">No CERQual judgements recorded yet '
           "(<code>workbench evidence set …</code>).</p>",
           '<table class="ev"><thead><tr><th>Finding</th><th>Sources</th><th>Evidence</th><th>Flags</th>',
           *(f"<th>{_e(h)}</th>" for h in heads), "</tr></thead><tbody>"]
    for f in report.profile.findings:
        flags = "".join(f'<span class="flag">{_e(x)}</span> ' for x in f.flags)
        cells = "".join(f"<td>{_e(f.judgements[k].judgement) if k in f.judgements else ''}</td>"
                        for k in COMPONENTS) + f"<td>{_e(explanation_text(f))}</td>" if judged else ""
        out.append(f"<tr><td><b>{_e(finding_name(f))}</b><br><small>{_e(f.theme)}</small></td>"
                   f"<td>{refs.render(f.sources, f.subtheme, f.valence, _ALL) if f.sources else 'none'}</td>"
                   f"<td>{_e(evidence_text(f))}</td><td>{flags}</td>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _sources_section(report: Report) -> str:
    out = ['<table class="src"><thead><tr><th>Ref</th><th>Citation</th><th>Year</th><th>Design</th>'
           "<th>Quality</th><th>Sample</th><th>Included studies</th></tr></thead><tbody>"]
    for s in report.sources:
        out.append(f'<tr id="src-{_e(s.ref)}"><td>{_e(s.ref)}</td><td>{_e(s.citation)}</td><td>{_e(s.year)}</td>'
                   f"<td>{_e(s.design)}</td><td>{_e(s.quality or 'unrated')}</td>"
                   f"<td>{_e(', '.join(s.group_list))}</td><td>{len(report.included.get(s.ref, [])) or ''}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def inline_svg(draw: Any, data: Any, prefix: str) -> str:
    """An SVG picture ready to sit in the page: no XML prolog, ids prefixed so two pictures never clash."""
    buffer = io.StringIO()
    draw(data, buffer)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    return svg.replace("<svg ", '<svg role="img" class="pic" ', 1)


def _excerpt_json(report: Report) -> str:
    data = {k: list(e) for k, e in report.excerpts.items()}
    # "</script" would end the element early and "<!--" confuse the parser: JSON may spell "<" as \u003c
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "font-src 'none'; connect-src 'none'")

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0 auto;
max-width:1400px;padding:1rem 1.5rem;color:#1a1a1a;line-height:1.4;font-size:15px}
h1{font-size:1.6rem;margin:.2rem 0}h2{margin-top:2.2rem;border-bottom:2px solid #444;padding-bottom:.2rem}
nav a{margin-right:1rem}.meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #bbb;padding:.35rem .5rem;
vertical-align:top;text-align:left}thead th{background:#e8e8e8;position:sticky;top:0;z-index:2}
tr.theme th{background:#eef1f4}td.sub{font-weight:600;width:18%}td.val{width:18%}td.per .pl{margin:.1rem 0 .45rem}
td.none{color:#777;font-style:italic}
details.ref{display:inline-block;position:relative}details.ref>summary{display:inline;cursor:pointer;color:#0b4f9c;
text-decoration:underline dotted;list-style:none}details.ref>summary::-webkit-details-marker{display:none}
details.ref[open]>summary{background:#0b4f9c;color:#fff;border-radius:3px;padding:0 .2rem}
.behind{position:absolute;left:0;top:1.4em;z-index:5;width:min(34rem,80vw);background:#fff;border:1px solid #555;
box-shadow:0 4px 14px rgba(0,0,0,.25);padding:.5rem .7rem;font-weight:normal;font-size:.85rem;color:#1a1a1a}
.behind blockquote{margin:.3rem 0 .5rem;padding-left:.6rem;border-left:3px solid #888}
.behind .k{font-family:ui-monospace,monospace;font-size:.8rem;color:#444}
.flag{display:inline-block;white-space:nowrap;border:1px solid #8a4b00;color:#8a4b00;border-radius:3px;padding:0 .3rem;
font-size:.75rem;margin:.1rem 0}
svg.pic{max-width:100%;height:auto;border:1px solid #ddd}
@media print{nav,.behind{display:none}thead th{position:static}}
"""

SCRIPT = """
(function(){
var X=JSON.parse(document.getElementById('excerpts').textContent);
function fill(d){
 if(d.querySelector('.behind'))return;
 var box=document.createElement('div');box.className='behind';
 var xs=JSON.parse(d.dataset.x||'[]'),cs=JSON.parse(d.dataset.c||'[]');
 xs.forEach(function(k){var e=X[k];var q=document.createElement('blockquote');
  var h=document.createElement('div');h.className='k';
  h.textContent=k+(e?' · source '+e[0]+(e[2]?' · '+e[2]:'')+(e[3]?' · '+e[3]:''):'');
  var t=document.createElement('div');t.textContent=e?e[1]:'(excerpt not in this report)';
  q.appendChild(h);q.appendChild(t);box.appendChild(q);});
 var c=document.createElement('div');c.className='k';c.textContent='coders: '+(cs.join(', ')||'-');
 box.appendChild(c);d.appendChild(box);}
document.addEventListener('toggle',function(ev){var d=ev.target;
 if(d.classList&&d.classList.contains('ref')&&d.open)fill(d);},true);
})();
"""


def report_html(report: Report, out: Path | IO[str]) -> None:
    """Write the page; the collector pauses meanwhile (a large project's page is built from ~10^5 small
    strings and containers without cycles, and its passes cost a fifth of the 5 s budget)."""
    with paused_gc():
        _write_report(report, out)


def _write_report(report: Report, out: Path | IO[str]) -> None:
    from workbench.formats.graph_picture import graph_svg
    from workbench.formats.matrix_picture import matrix_svg

    refs = _Refs(report)
    prov = report.table.derivation.provenance
    note = f'<p class="meta"><b>Note:</b> {_e(prov["note"])}</p>' if prov.get("note") else ""
    n_refs = len(report.table.cited_refs())
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{_e(report.title)}</h1><p class=\"meta\">Coders: {_e(report.table.derivation.coder_choice)}"
        f" · {n_refs} sources cited · {len(report.profile.findings)} findings · written {_e(report.time[:16].replace('T', ' '))} UTC"
        f" by workbench {_e(__version__)}</p>{note}",
        '<nav><a href="#table">Table</a><a href="#matrix">Matrix</a><a href="#graph">Graph</a>'
        '<a href="#evidence">Evidence profile</a><a href="#sources">Sources</a></nav></header>',
        '<p class="meta">Click a reference to see the excerpts and coders behind it.</p>',
        '<section id="table"><h2>Themes, subthemes and references</h2>', _table_section(report, refs), "</section>",
        '<section id="matrix"><h2>Which perspective supports which subtheme</h2>',
        inline_svg(matrix_svg, report.matrix, "m-"), "</section>",
        '<section id="graph"><h2>Theme–source graph</h2>', inline_svg(graph_svg, report.graph, "g-"), "</section>",
        '<section id="evidence"><h2>Evidence profile</h2>',
        f'<p class="meta">Overlap of all reviews with included-study lists: {_e(report.profile.overlap.describe())}'
        "</p>", _evidence_section(report, refs), "</section>",
        '<section id="sources"><h2>Sources</h2>', _sources_section(report), "</section>",
        f'<script type="application/json" id="excerpts">{_excerpt_json(report)}</script>',
        f"<script>{SCRIPT}</script></body></html>", ""]
    text = "\n".join(parts)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
