"""`workbench trace`: the excerpts (with their text) and coders behind a cell of the table.

A published reference list is only as good as what stands behind it; trace answers "why is 42
in this row?" with the excerpts of source 42 and who coded them, using the same coder choice as
the table (so the sources listed are exactly the cell's references).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.core.errors import UserError
from workbench.core.refs import sort_refs
from workbench.store import table_queries
from workbench.store.table_queries import ANY
from workbench.store.viewer import CoderView

NO_VALUE = ("none", "-", "")  # what --valence/--perspective take for "left empty"


@dataclass
class TracedCoding:
    coder: str
    valence: str | None
    perspective: str | None
    note: str = ""


@dataclass
class TracedExcerpt:
    key: str
    text: str
    location: str
    hint: str  # the excerpt's own perspective hint
    codings: list[TracedCoding] = field(default_factory=list)

    @property
    def coders(self) -> list[str]:
        return sorted({c.coder for c in self.codings})


@dataclass
class TracedSource:
    ref: str
    citation: str
    excerpts: list[TracedExcerpt] = field(default_factory=list)


@dataclass
class Trace:
    subtheme: str
    valence: str | None  # ANY when not filtered
    perspective: str | None
    coder_choice: str
    coders: list[str]
    sources: list[TracedSource]

    @property
    def refs(self) -> list[str]:
        return sort_refs(s.ref for s in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {"subtheme": self.subtheme,
                "valence": None if self.valence is None else (self.valence if self.valence != ANY else "*"),
                "perspective": self.perspective, "coders": self.coder_choice, "coder_names": self.coders,
                "references": self.refs,
                "sources": [{"ref": s.ref, "citation": s.citation, "excerpts": [
                    {"id": e.key, "text": e.text, "location": e.location, "perspective_hint": e.hint,
                     "codings": [{"coder": c.coder, "valence": c.valence, "perspective": c.perspective,
                                  "note": c.note} for c in e.codings]}
                    for e in s.excerpts]} for s in self.sources]}


def _filter(value: str | None, known: list[str], what: str) -> str | None:
    """ANY when not given; None for 'none' (the codings that left it empty); else a known name."""
    if value is None:
        return ANY
    if value.strip().lower() in NO_VALUE:
        return None
    match = next((k for k in known if k == value), None) or next(
        (k for k in known if k.lower() == value.strip().lower()), None)
    if match is None:
        raise UserError(f"unknown {what} '{value}' (the codebook has: {', '.join(known) or 'none'}; "
                        f"'none' means left empty)")
    return match


def trace_cell(view: CoderView, subtheme: str, valence: str | None = None, perspective: str | None = None,
               coders: str | None = None) -> Trace:
    """The codings behind subtheme × valence × perspective (either may be left out: all of them),
    as `view` may see them."""
    project = view.project
    cb = project.codebook.get()
    names = [s.name for s in cb.all_subthemes()]
    found = next((n for n in names if n == subtheme), None) or next(
        (n for n in names if n.lower() == subtheme.strip().lower()), None)
    if found is None:
        raise UserError(f"unknown subtheme '{subtheme}'")
    v = _filter(valence, list(cb.valences), "valence")
    p = _filter(perspective, [x.name for x in cb.perspectives], "perspective")
    scope = view.scope(coders)
    coder_names, choice = scope.names, scope.choice
    with project.read() as conn:
        rows = table_queries.cell_codings(conn, found, v, p, coder_names)
    sources: dict[str, TracedSource] = {}
    excerpts: dict[str, TracedExcerpt] = {}
    for r in rows:
        src = sources.get(r.ref)
        if src is None:
            src = sources[r.ref] = TracedSource(r.ref, r.citation)
        ex = excerpts.get(r.key)
        if ex is None:
            ex = excerpts[r.key] = TracedExcerpt(r.key, r.text, r.location, r.hint)
            src.excerpts.append(ex)
        ex.codings.append(TracedCoding(r.coder, r.valence, r.perspective, r.note))
    order = {ref: i for i, ref in enumerate(sort_refs(sources))}
    return Trace(found, v, p, choice, coder_names, sorted(sources.values(), key=lambda s: order[s.ref]))
