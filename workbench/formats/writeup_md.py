"""The write-ups as Markdown: the Results narrative, the detailed-themes appendix, the checklist.

Prose, not a pipe table, so a summary keeps its own punctuation; only what Markdown would read
as markup is escaped (HTML, emphasis and code marks, a line that would start a heading, list or
quote), so a team's text can neither inject HTML nor change the document's structure. The
wording is the models' (analysis/narrative.py, appendix.py, checklist.py); this module decides
layout only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from workbench.analysis.appendix import Appendix
from workbench.analysis.checklist import Checklist
from workbench.analysis.narrative import Narrative
from workbench.formats.table_registry import write_text

_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&lt;" typed in a summary must print as typed
_MARKS = re.compile(r"([\\*_`\[\]])")
_MARKSET = frozenset("\\*_`[]")
_HTMLISH = frozenset("&<>|")
_LEADING = re.compile(r"^(\s*)(\d*)([#>+\-=]|(?<=\d)[.)])")  # "# …", "- …", "1. …" would start a block


def md_text(text: str, cell: bool = False) -> str:
    """One line of plain text that renders as itself: no HTML, no emphasis, no block markup
    (`cell`: also no column break, for a pipe-table cell). Plain text skips the regular
    expressions: an appendix has a hundred thousand lines, nearly all of them plain."""
    if "\n" in text or "\r" in text or text != text.strip():
        text = " ".join(text.split())
    if not _MARKSET.isdisjoint(text):
        text = _MARKS.sub(r"\\\1", text)
    if not _HTMLISH.isdisjoint(text):
        text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
        if cell:
            text = text.replace("|", "\\|")
    head = text[:1]
    if head and (head in "#>+-=" or head.isdigit()):
        text = _LEADING.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), text)
    return text


def _refs(text: str, cell: bool = False) -> str:
    """References print as the table prints them, "[23, 34]": escaping them would show backslashes
    in plain-text viewers, and a bracket list not followed by "(" or ":" is never a link."""
    return md_text(text, cell).replace("\\[", "[").replace("\\]", "]")


def narrative_md_text(n: Narrative) -> str:
    out = [f"# {md_text(n.title)}", "", _refs(n.overview()), ""]
    for th in n.themes:
        out += [f"## {md_text(th.name)}", ""]
        for s in th.sections:
            out += [f"### {md_text(s.heading)}", ""]
            for f in s.findings:
                body = _refs(n.finding_text(f))
                out += [f"**{md_text(n.run_in(f))}.** " + (f"*{body}*" if f.placeholder else body), ""]
        out += [f"*{_refs(n.closing(th))}*", ""]
    notes = n.notes()
    if notes:
        out += ["---", ""] + [f"{_refs(note)}  " for note in notes]
    return "\n".join(out).rstrip("\n") + "\n"


def narrative_md(model: Narrative, out: Path | IO[str]) -> None:
    write_text(out, narrative_md_text(model))


def appendix_md_text(a: Appendix) -> str:
    out = [f"# {md_text(a.title)}", ""]
    for th in a.themes:
        out += [f"## {md_text(th.name)}", ""]
        for sb in th.subthemes:
            out += [f"### {md_text(sb.name)}", "", f"*{md_text(a.counts(sb))}*", ""]
            for vb in sb.valences:
                out += [f"#### {_refs(a.valence_heading(vb))}", ""]
                for pb in vb.perspectives:
                    out += [f"##### {_refs(a.perspective_heading(pb))}", ""]
                    for q in pb.quotes:
                        out += [f"> {md_text(' '.join(q.text.split()))}", ">", f"> — {_refs(a.attribution(q))}", ""]
    notes = a.notes()
    if notes:
        out += ["---", ""] + [f"{_refs(note)}  " for note in notes]
    return "\n".join(out).rstrip("\n") + "\n"


def appendix_md(model: Appendix, out: Path | IO[str]) -> None:
    write_text(out, appendix_md_text(model))


def checklist_md_text(c: Checklist) -> str:
    """A pipe table (No., item, what to report, from the project, page) — the layout journals ask for."""
    out = [f"# {md_text(c.title)}", "",
           "Pre-filled from the project; blank answers are for the team. Add the page or section where each "
           "item is reported.", "",
           "| No. | Item | What to report | From the project | Page |", "|---|---|---|---|---|"]
    for it in c.items:
        known = "<br>".join(_refs(k, cell=True) for k in it.known)
        out.append(f"| {it.number} | {md_text(it.name, True)} | {md_text(it.guide, True)} | {known} | |")
    if c.notes:
        out += [""] + [f"{_refs(note)}  " for note in c.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def checklist_md(model: Checklist, out: Path | IO[str]) -> None:
    write_text(out, checklist_md_text(model))
