"""The narrative and the appendix as standalone web pages — inline CSS, no scripts, no network.

Like the table's page (`table_html`): every piece of text is escaped and a Content Security Policy
forbids loading anything, so a page mailed around or opened from a shared drive can neither run
a team member's markup nor phone home. Layout only; the wording is the models'.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from workbench.analysis.appendix import Appendix
from workbench.analysis.narrative import Narrative
from workbench.formats.table_registry import write_text

CSS = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 11.5pt; line-height: 1.5; color: #111;
       max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.8em; } h3 { font-size: 1.05em; margin-top: 1.3em; }
h4 { font-size: 1em; margin: 1.1em 0 .3em; } h5 { font-size: 1em; font-style: italic; font-weight: normal; margin: .8em 0 .3em; }
p { margin: 0 0 .7em; }
.runin { font-weight: bold; }
.placeholder { font-style: italic; border: 1px dashed #777; padding: 0 .25em; }
.stale { font-weight: bold; }
p.closing { font-style: italic; }
p.counts { font-style: italic; margin-top: -.3em; }
blockquote { margin: .4em 0 .9em 1.2em; padding-left: .8em; border-left: 3px solid #bbb; }
blockquote p { margin: 0 0 .2em; }
blockquote footer { font-size: .9em; }
.notes { border-top: 1px solid #999; margin-top: 2em; padding-top: .5em; font-size: .9em; }
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _page(title: str, body: list[str]) -> str:
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>", f"<h1>{_e(title)}</h1>"]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def _notes(notes: list[str]) -> list[str]:
    if not notes:
        return []
    return ['<div class="notes">', *(f"<p>{_e(n)}</p>" for n in notes), "</div>"]


def narrative_html_text(n: Narrative) -> str:
    body = [f"<p>{_e(n.overview())}</p>"]
    for th in n.themes:
        body.append(f"<h2>{_e(th.name)}</h2>")
        for s in th.sections:
            body.append(f"<h3>{_e(s.heading)}</h3>")
            for f in s.findings:
                text = _e(n.finding_text(f))
                if f.placeholder:
                    text = f'<span class="placeholder">{text}</span>'
                body.append(f'<p><span class="runin">{_e(n.run_in(f))}.</span> {text}</p>')
        body.append(f'<p class="closing">{_e(n.closing(th))}</p>')
    return _page(n.title, body + _notes(n.notes()))


def narrative_html(model: Narrative, out: Path | IO[str]) -> None:
    write_text(out, narrative_html_text(model))


def appendix_html_text(a: Appendix) -> str:
    body: list[str] = []
    for th in a.themes:
        body.append(f"<h2>{_e(th.name)}</h2>")
        for sb in th.subthemes:
            body += [f"<h3>{_e(sb.name)}</h3>", f'<p class="counts">{_e(a.counts(sb))}</p>']
            for vb in sb.valences:
                body.append(f"<h4>{_e(a.valence_heading(vb))}</h4>")
                for pb in vb.perspectives:
                    body.append(f"<h5>{_e(a.perspective_heading(pb))}</h5>")
                    body += [f"<blockquote><p>{_e(q.text)}</p><footer>— {_e(a.attribution(q))}</footer></blockquote>"
                             for q in pb.quotes]
    return _page(a.title, body + _notes(a.notes()))


def appendix_html(model: Appendix, out: Path | IO[str]) -> None:
    write_text(out, appendix_html_text(model))
